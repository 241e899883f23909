"""League tables -> render records -> payload bytes, each "as of" an instant.

`LeaguePayloads(tables)` indexes a generated league's tables once and answers
"what did payload KIND (for this id) look like at instant T". Every payload has
a publication time; asking before it raises `NotPublished`, asking for
something the league never publishes raises `UnknownPayload`. Same tables and
arguments -> same bytes.

Kinds (`KINDS`; the id each one takes):

| kind | id | published |
|---|---|---|
| injury_pdf | report file name (`Injury-Report_2025-01-10_05PM.pdf`) or report time | at the report time |
| schedule | - | 60 days before the season's first tip |
| boxscore | game id | when the game ends |
| roster | team id | from the first roster date of the season |
| playerindex | - | as roster |
| lineups | Eastern date `YYYY-MM-DD` | at the date's first projected lineup |
| odds | - | always (an empty list when no game is quoted) |
| odds_historical | - (the snapshot time is the as-of) | as odds |
| lobby | - | always (draft groups open from salaries until lock) |
| draftables | draft group id | when the group's salaries are set |
| dk_salaries | draft group id | as draftables |
| contest_standings | draft group id | when the group's last game ends |
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from projections_assets.nba.calendar import EASTERN_NAME

from .render import records as r
from .render.boxscore import render_boxscore
from .render.contest_standings import render_contest_standings
from .render.dk_salaries import render_dk_salaries
from .render.draftables import render_draftables, render_lobby
from .render.injury_pdf import render_injury_pdf, report_time_from_filename
from .render.lineups import render_lineups
from .render.odds import render_odds, render_odds_historical
from .render.roster import render_commonteamroster, render_playerindex
from .render.schedule import render_schedule
from .reports import InjuryReports, report_file_name, report_times

SCHEDULE_LEAD = timedelta(days=60)
# The Odds API keeps historical snapshots on a five-minute grid.
ODDS_SNAPSHOT_STEP = timedelta(minutes=5)
# DraftKings' own status codes for injury-report statuses.
DK_STATUS = {"Out": "OUT", "Doubtful": "D", "Questionable": "Q", "Probable": "P"}
SLATE_SUFFIX = {"Main": None, "Early": " (Early)", "Late": " (Late)", "All Day": " (All Day)"}
# Box-score columns that map one to one onto `BoxPlayer` fields.
BOX_COUNTS = ("fg2m", "fg2a", "fg3m", "fg3a", "ftm", "fta", "oreb", "dreb", "ast", "stl", "blk", "tov", "pf")
SLOTS = ("PG", "SG", "SF", "PF", "C", "G", "F", "UTIL")

JSON = "application/json"
PDF = "application/pdf"
CSV = "text/csv"


class UnknownPayload(LookupError):
    """The league never publishes this payload (unknown id, date outside the league)."""


class NotPublished(LookupError):
    """The payload exists but was not yet published at the asked instant."""

    def __init__(self, what: str, published_at: datetime) -> None:
        super().__init__(f"{what} is published at {published_at.isoformat()}")
        self.published_at = published_at


@dataclass(frozen=True)
class Payload:
    """Rendered bytes with their media type and the instant they became public."""

    body: bytes
    media_type: str
    published_at: datetime
    file_name: str


def as_utc(value: datetime | str | pd.Timestamp) -> datetime:
    """Any instant (ISO text with `Z`, aware datetime; naive means UTC) -> aware UTC datetime."""
    ts = pd.Timestamp(value)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.to_pydatetime()


def _dt(value: pd.Timestamp) -> datetime:
    return pd.Timestamp(value).tz_convert("UTC").to_pydatetime()


def _gate(what: str, published_at: datetime, as_of: datetime) -> None:
    if as_of < published_at:
        raise NotPublished(what, published_at)


def _latest(frame: pd.DataFrame, keys: list[str], as_of: datetime) -> pd.DataFrame:
    """Per key, the last row with `available_at <= as_of` (frames are sorted by available_at)."""
    known = frame[frame["available_at"] <= pd.Timestamp(as_of)]
    return known.sort_values("available_at", kind="stable").groupby(keys, sort=False).tail(1)


def _stable_rng(*parts: object) -> np.random.Generator:
    # A per-object generator so one payload's invented details never depend on which others were rendered.
    return np.random.default_rng(zlib.crc32("|".join(map(str, parts)).encode()))


def split_periods(total: int, periods: int, rng: np.random.Generator) -> list[int]:
    """Split `total` points into `periods` non-negative near-equal quarters (sums exactly)."""
    weights = rng.dirichlet(np.full(periods, 40.0))
    parts = np.floor(weights * total).astype(int)
    parts[int(rng.integers(periods))] += total - int(parts.sum())
    return [int(p) for p in parts]


def period_scores(home: int, away: int, n_ot: int, rng: np.random.Generator) -> tuple[list[int], list[int]]:
    """Per-period points consistent with the final: regulation and every OT but the last end level."""
    levels = [int(x) for x in rng.integers(4, 15, size=n_ot)]
    margin = home - away
    # Only the last overtime is decided, by exactly the final margin.
    home_ot = [*levels[:-1], levels[-1] + max(margin, 0)] if n_ot else []
    away_ot = [*levels[:-1], levels[-1] + max(-margin, 0)] if n_ot else []
    home_regulation, away_regulation = home - sum(home_ot), away - sum(away_ot)
    if min(home_regulation, away_regulation) < 0 or (n_ot and home_regulation != away_regulation):
        raise ValueError(f"cannot split {home}-{away} with {n_ot} overtimes")
    return split_periods(home_regulation, 4, rng) + home_ot, split_periods(away_regulation, 4, rng) + away_ot


class LeaguePayloads:
    """Renders every payload kind of a league's tables as of an instant (see module docstring)."""

    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        self.tables = tables
        self.games = _keyed(tables["games"], "game_id")
        self.teams = _keyed(tables["teams"], "team_id")
        self.players = _keyed(tables["players"], "person_id")
        self.box = tables["box_scores"]
        self._box_by_game = {g: df for g, df in self.box.groupby("game_id", sort=False)}
        self.groups = _keyed(tables["draft_groups"], "draft_group_id")
        self._group_games = (
            tables["draft_group_games"].groupby("draft_group_id")["game_id"].apply(list).to_dict()
        )
        self._reports = InjuryReports(tables)
        self.kinds: dict[str, Callable[[str | None, datetime], Payload]] = {
            "injury_pdf": self._injury_pdf,
            "schedule": lambda _id, t: self.schedule(t),
            "boxscore": lambda i, t: self.boxscore(_need(i), t),
            "roster": lambda i, t: self.roster(int(_need(i)), t),
            "playerindex": lambda _id, t: self.playerindex(t),
            "lineups": lambda i, t: self.lineups(date.fromisoformat(_need(i)), t),
            "odds": lambda _id, t: self.odds(t),
            "odds_historical": lambda _id, t: self.odds_historical(t, t),
            "lobby": lambda _id, t: self.lobby(t),
            "draftables": lambda i, t: self.draftables(int(_need(i)), t),
            "dk_salaries": lambda i, t: self.dk_salaries(int(_need(i)), t),
            "contest_standings": lambda i, t: self.contest_standings(int(_need(i)), t),
        }

    # ------------------------------------------------------------------ generic entry

    def render(self, kind: str, as_of: datetime | str, ident: str | None = None) -> Payload:
        """Render `kind` (one of `KINDS`) for `ident` as of `as_of`."""
        if kind not in self.kinds:
            raise UnknownPayload(f"unknown payload kind {kind!r}; known: {sorted(self.kinds)}")
        try:
            return self.kinds[kind](ident, as_utc(as_of))
        except (ValueError, KeyError) as exc:
            raise UnknownPayload(f"{kind} {ident!r}: {exc}") from exc

    # ------------------------------------------------------------------ shared records

    @cached_property
    def _team_refs(self) -> dict[int, r.TeamRef]:
        return {
            int(t.team_id): r.TeamRef(int(t.team_id), t.tricode, t.city, t.name, t.slug)
            for t in self.teams.itertuples(index=False)
        }

    @cached_property
    def _dk_teams(self) -> dict[int, r.DkTeam]:
        return {
            int(t.team_id): r.DkTeam(int(t.dk_team_id), t.tricode, t.name, t.city)
            for t in self.teams.itertuples(index=False)
        }

    @cached_property
    def _starting_slot(self) -> dict[tuple[str, int], str]:
        """(game, player) -> the slot (PG..C) of his last published starting lineup."""
        lineups = self.tables["lineups"].sort_values("available_at", kind="stable")
        return dict(
            zip(zip(lineups["game_id"], lineups["person_id"], strict=True), lineups["position"], strict=True)
        )

    def _arena(self, g: pd.Series) -> r.Arena:
        return r.Arena(g["arena_name"], g["arena_city"], g["arena_state"])

    def _competition(self, g: pd.Series) -> r.DkCompetition:
        return r.DkCompetition(
            int(g["dk_competition_id"]),
            self._dk_teams[int(g["home_team_id"])],
            self._dk_teams[int(g["away_team_id"])],
            _dt(g["tip_ts"]),
            venue=g["arena_name"],
        )

    def _season_games(self, as_of: datetime) -> pd.DataFrame:
        """The games of the season current at `as_of` (the latest whose schedule is out)."""
        firsts = self.games.groupby("season")["tip_ts"].min().sort_index()
        released = firsts[firsts - SCHEDULE_LEAD <= pd.Timestamp(as_of)]
        if released.empty:
            raise NotPublished("scheduleLeagueV2", _dt(firsts.iloc[0] - SCHEDULE_LEAD))
        return self.games[self.games["season"] == released.index[-1]]

    def _final(self, as_of: datetime) -> pd.Series:
        return self.games["end_ts"] <= pd.Timestamp(as_of)

    # ------------------------------------------------------------------ injury report

    def _injury_pdf(self, ident: str | None, as_of: datetime) -> Payload:
        name = _need(ident)
        if not name.endswith(".pdf"):
            return self.injury_pdf(as_utc(name), as_of)
        payload = self.injury_pdf(report_time_from_filename(name), as_of)
        # The other era's spelling of a report time names no file.
        if payload.file_name != name:
            raise UnknownPayload(f"no injury report named {name}")
        return payload

    def injury_pdf(self, report_ts: datetime, as_of: datetime) -> Payload:
        """The injury report stamped `report_ts` (Eastern wall time of a real report slot)."""
        stamp = pd.Timestamp(report_ts)
        stamp = stamp.tz_localize(EASTERN_NAME) if stamp.tzinfo is None else stamp
        dates = self.games["game_date"]
        day = stamp.tz_convert(EASTERN_NAME).date()
        if not (dates.min() - timedelta(days=1) <= day <= dates.max()) or stamp not in report_times(day, day):
            raise UnknownPayload(f"no injury report at {stamp.isoformat()}")
        name = report_file_name(stamp)
        _gate(name, _dt(stamp), as_of)
        rows = self._reports.rows(stamp)
        body = render_injury_pdf(rows, report_ts=stamp.tz_convert(EASTERN_NAME).to_pydatetime())
        return Payload(body, PDF, _dt(stamp), name)

    # ------------------------------------------------------------------ schedule

    def schedule(self, as_of: datetime) -> Payload:
        """scheduleLeagueV2 of the current season: finals carry scores, records are those at `as_of`."""
        games = self._season_games(as_of)
        published = _dt(games["tip_ts"].min() - SCHEDULE_LEAD)
        final = games[self._final(as_of).loc[games.index]]
        wins = pd.concat(
            [
                final.loc[final["home_score"] > final["away_score"], "home_team_id"],
                final.loc[final["home_score"] < final["away_score"], "away_team_id"],
            ]
        ).value_counts()
        played = pd.concat([final["home_team_id"], final["away_team_id"]]).value_counts()
        leaders = self._points_leaders(final["game_id"].tolist())
        out = []
        for g in games.itertuples(index=False):
            is_final = g.game_id in leaders
            home, away = int(g.home_team_id), int(g.away_team_id)
            out.append(
                r.ScheduleGame(
                    game_id=g.game_id,
                    tip_utc=_dt(g.tip_ts),
                    home=self._team_refs[home],
                    away=self._team_refs[away],
                    arena=r.Arena(g.arena_name, g.arena_city, g.arena_state),
                    game_label=g.game_label,
                    game_sub_label=g.game_sub_label,
                    # In-game scores are not simulated, so a live game shows 0-0 until it is final.
                    game_status=3 if is_final else 2 if g.tip_ts <= pd.Timestamp(as_of) else 1,
                    home_score=int(g.home_score) if is_final else 0,
                    away_score=int(g.away_score) if is_final else 0,
                    home_wins=int(wins.get(home, 0)),
                    home_losses=int(played.get(home, 0) - wins.get(home, 0)),
                    away_wins=int(wins.get(away, 0)),
                    away_losses=int(played.get(away, 0) - wins.get(away, 0)),
                    is_neutral=bool(g.is_neutral),
                    points_leaders=leaders.get(g.game_id, ()),
                )
            )
        season = str(games["season"].iloc[0])
        body = render_schedule(r.Schedule(season, tuple(out), published_at=max(published, as_of)))
        return Payload(body, JSON, published, "scheduleLeagueV2.json")

    @cached_property
    def _all_points_leaders(self) -> dict[str, tuple[r.PointsLeader, ...]]:
        top = (
            self.box.sort_values(["game_id", "pts", "person_id"], ascending=[True, False, True])
            .groupby("game_id")
            .head(1)
        )
        out = {}
        for b in top.itertuples(index=False):
            p = self.players.loc[b.person_id]
            leader = r.PointsLeader(
                int(b.person_id), p.first_name, p.last_name, self._team_refs[int(b.team_id)], float(b.pts)
            )
            out[b.game_id] = (leader,)
        return out

    def _points_leaders(self, game_ids: list[str]) -> dict[str, tuple[r.PointsLeader, ...]]:
        leaders = self._all_points_leaders
        return {g: leaders[g] for g in game_ids if g in leaders}

    # ------------------------------------------------------------------ box score

    def boxscore(self, game_id: str, as_of: datetime) -> Payload:
        """The final liveData box score, published when the game ends."""
        g = self.games.loc[game_id]
        published = _dt(g["end_ts"])
        _gate(f"boxscore {game_id}", published, as_of)
        rng = _stable_rng("periods", game_id)
        home_p, away_p = period_scores(int(g["home_score"]), int(g["away_score"]), int(g["n_ot"]), rng)
        box = self._box_by_game[game_id]
        sides = {}
        for team_id, periods in ((int(g["home_team_id"]), home_p), (int(g["away_team_id"]), away_p)):
            rows = box[box["team_id"] == team_id].sort_values("order")
            sides[team_id] = r.BoxTeam(
                self._team_refs[team_id],
                tuple(self._box_player(b) for b in rows.itertuples()),
                tuple(periods),
            )
        record = r.BoxScore(
            game_id=game_id,
            tip_utc=_dt(g["tip_ts"]),
            home=sides[int(g["home_team_id"])],
            away=sides[int(g["away_team_id"])],
            arena=self._arena(g),
            published_at=published,
            duration_minutes=int((g["end_ts"] - g["tip_ts"]).total_seconds() // 60),
        )
        return Payload(render_boxscore(record), JSON, published, f"boxscore_{game_id}.json")

    def _box_player(self, b: Any) -> r.BoxPlayer:  # b: a box_scores itertuples row
        p = self.players.loc[b.person_id]
        pm = int(b.plus_minus)
        return r.BoxPlayer(
            person_id=int(b.person_id),
            first_name=p.first_name,
            family_name=p.last_name,
            jersey_num=str(p.jersey),
            starter=bool(b.starter),
            position=(
                # A late change can start someone no lineup named: fall back to his listed position.
                self._starting_slot.get((b.game_id, int(b.person_id)), p.dk_position.split("/")[0])
                if b.starter
                else ""
            ),
            status="ACTIVE" if b.available else "INACTIVE",
            not_playing_reason=b.not_playing_reason or None,
            not_playing_description=b.not_playing_description or None,
            seconds=float(b.seconds),
            **{k: int(getattr(b, k)) for k in BOX_COUNTS},
            # Only the net is simulated; split it so plus - minus is the player's +/-.
            plus=max(pm, 0),
            minus=max(-pm, 0),
        )

    # ------------------------------------------------------------------ rosters

    def _rostered(self, as_of: datetime) -> tuple[str, pd.DataFrame, datetime]:
        """(season, roster rows in force on the Eastern date of `as_of`, publication time)."""
        season = str(self._season_games(as_of)["season"].iloc[0])
        rosters = self.tables["rosters"]
        rosters = rosters[rosters["season"] == season]
        day = r.eastern_date(as_of)
        first = min(rosters["from_date"])
        published = datetime(first.year, first.month, first.day, tzinfo=r.EASTERN).astimezone(UTC)
        _gate(f"rosters {season}", published, as_of)
        # An open spell (no to_date) runs to the end of the season and beyond.
        until = rosters["to_date"].map(lambda d: d if isinstance(d, date) else date.max)
        on = rosters[(rosters["from_date"] <= day) & (until >= day)]
        return season, on.drop_duplicates("person_id", keep="last"), published

    def roster(self, team_id: int, as_of: datetime) -> Payload:
        """commonteamroster for one team on the Eastern date of `as_of`."""
        if team_id not in self._team_refs:
            raise UnknownPayload(f"unknown team {team_id}")
        season, on, published = self._rostered(as_of)
        team = on[on["team_id"] == team_id]
        day = r.eastern_date(as_of)
        players = tuple(
            self._roster_player(int(pid), how, day)
            for pid, how in zip(team["person_id"], team["how_acquired"], strict=True)
        )
        body = render_commonteamroster(r.TeamRoster(team_id, season, players))
        return Payload(body, JSON, published, f"commonteamroster_{team_id}.json")

    def _roster_player(self, person_id: int, how: str, day: date) -> r.RosterPlayer:
        p = self.players.loc[person_id]
        years = day.year - int(p.draft_year) - (1 if day.month < 10 else 0)
        return r.RosterPlayer(
            player_id=person_id,
            name=p.display_name,
            nickname=p.first_name,
            slug=p.slug,
            jersey_num=p.jersey or None,
            position=p.position,
            height=p.height,
            weight=str(p.weight),
            birth_date=p.birth_date,
            age=round((day - p.birth_date).days / 365.25, 1),
            experience="R" if years <= 0 else str(years),
            school=p.college or None,
            how_acquired=how or None,
        )

    def playerindex(self, as_of: datetime) -> Payload:
        """playerindex: every player rostered on the Eastern date of `as_of`."""
        season, on, published = self._rostered(as_of)
        entries = []
        for pid, team_id in zip(on["person_id"], on["team_id"], strict=True):
            p = self.players.loc[int(pid)]
            entries.append(
                r.PlayerIndexEntry(
                    person_id=int(pid),
                    first_name=p.first_name,
                    last_name=p.last_name,
                    slug=p.slug,
                    team=self._team_refs[int(team_id)],
                    jersey_num=p.jersey or None,
                    position=p.position,
                    height=p.height,
                    weight=str(p.weight),
                    college=p.college,
                    country=p.country,
                    # Undrafted players carry no draft year in the real index.
                    draft_year=None if pd.isna(p.draft_round) else int(p.draft_year),
                    draft_round=None if pd.isna(p.draft_round) else int(p.draft_round),
                    draft_number=None if pd.isna(p.draft_number) else int(p.draft_number),
                    from_year=str(int(p.draft_year)),
                    to_year=season[:4],
                )
            )
        entries.sort(key=lambda e: (e.last_name, e.first_name, e.person_id))
        body = render_playerindex(r.PlayerIndex(season, tuple(entries)))
        return Payload(body, JSON, published, "playerindex.json")

    # ------------------------------------------------------------------ lineups

    def lineups(self, game_date: date, as_of: datetime) -> Payload:
        """The daily lineups of an Eastern date as known at `as_of`.

        A team appears once it has published a lineup: its starters (slot positions) first, then the
        rest of its listed players with position "", Inactive when the latest injury news says Out.
        """
        games = self.games[self.games["game_date"] == game_date]
        if games.empty:
            raise UnknownPayload(f"no games on {game_date}")
        lineups = self.tables["lineups"]
        lineups = lineups[lineups["game_id"].isin(games["game_id"])]
        published = _dt(lineups["available_at"].min())
        _gate(f"lineups {game_date}", published, as_of)
        known = lineups[lineups["available_at"] <= pd.Timestamp(as_of)]
        # A team's lineup is its latest publication as a whole (slots never mix two versions).
        latest = known[
            known["available_at"] == known.groupby(["game_id", "team_id"])["available_at"].transform("max")
        ]
        news = self.tables["injury_news"]
        status = _latest(news[news["game_id"].isin(games["game_id"])], ["game_id", "person_id"], as_of)
        out_ids = set(
            zip(
                status.loc[status["status"] == "Out", "game_id"],
                status.loc[status["status"] == "Out", "person_id"],
                strict=True,
            )
        )
        out = []
        for g in games.sort_values(["tip_ts", "game_id"]).itertuples(index=False):
            listed = self._box_by_game[g.game_id].sort_values("order")
            sides = {}
            for team_id in (int(g.home_team_id), int(g.away_team_id)):
                rows = latest[(latest["game_id"] == g.game_id) & (latest["team_id"] == team_id)]
                starters = dict(zip(rows["person_id"], rows["position"], strict=True))
                ordered = [*rows.sort_values("slot")["person_id"]]
                ordered += [
                    pid
                    for pid in listed.loc[listed["team_id"] == team_id, "person_id"]
                    if pid not in starters
                ]
                players = ()
                if len(rows):
                    version = rows.iloc[0]
                    players = tuple(
                        r.LineupPlayer(
                            int(pid),
                            self.players.loc[pid].first_name,
                            self.players.loc[pid].last_name,
                            starters.get(pid, ""),
                            version["lineup_status"],
                            "Inactive" if (g.game_id, pid) in out_ids else "Active",
                            _dt(version["available_at"]),
                        )
                        for pid in ordered
                    )
                sides[team_id] = r.LineupTeam(self._team_refs[team_id], players)
            t = pd.Timestamp(as_of)
            state = 3 if g.end_ts <= t else 2 if g.tip_ts <= t else 1
            home, away = sides[int(g.home_team_id)], sides[int(g.away_team_id)]
            out.append(r.LineupGame(g.game_id, _dt(g.tip_ts), home, away, state))
        body = render_lineups(r.DailyLineups(game_date, tuple(out)))
        return Payload(body, JSON, published, f"{game_date:%Y%m%d}.json")

    # ------------------------------------------------------------------ odds

    def _odds_events(self, as_of: datetime) -> tuple[r.OddsEvent, ...]:
        """Upcoming games with each bookmaker's latest quote at `as_of` (The Odds API drops started games)."""
        t = pd.Timestamp(as_of)
        odds = self.tables["odds"]
        latest = _latest(odds, ["game_id", "bookmaker"], as_of)
        upcoming = self.games.loc[latest["game_id"].unique()]
        upcoming = upcoming[upcoming["tip_ts"] > t].sort_values(["tip_ts", "game_id"])
        events = []
        for g in upcoming.itertuples(index=False):
            home, away = (
                self._team_refs[int(g.home_team_id)].full_name,
                self._team_refs[int(g.away_team_id)].full_name,
            )
            books = []
            for q in latest[latest["game_id"] == g.game_id].sort_values("bookmaker").itertuples(index=False):
                when = _dt(q.available_at)
                markets = (
                    r.OddsMarket(
                        "h2h",
                        when,
                        (r.OddsOutcome(home, q.home_ml_price), r.OddsOutcome(away, q.away_ml_price)),
                    ),
                    r.OddsMarket(
                        "spreads",
                        when,
                        (
                            r.OddsOutcome(home, q.home_spread_price, q.home_spread),
                            r.OddsOutcome(away, q.away_spread_price, q.away_spread),
                        ),
                    ),
                    r.OddsMarket(
                        "totals",
                        when,
                        (
                            r.OddsOutcome("Over", q.over_price, q.total),
                            r.OddsOutcome("Under", q.under_price, q.total),
                        ),
                    ),
                )
                books.append(r.OddsBookmaker(q.bookmaker, q.bookmaker_title, when, markets))
            event_id = f"{zlib.crc32(g.game_id.encode()):08x}{g.game_id}"
            events.append(r.OddsEvent(event_id, _dt(g.tip_ts), home, away, tuple(books)))
        return tuple(events)

    def odds(self, as_of: datetime) -> Payload:
        """`/v4/sports/basketball_nba/odds`: latest quotes of every upcoming game at `as_of`."""
        return Payload(render_odds(self._odds_events(as_of)), JSON, as_of, "odds.json")

    def odds_historical(self, at: datetime, as_of: datetime) -> Payload:
        """The historical wrapper: the snapshot at or before `at` (on the 5-minute grid)."""
        if at > as_of:
            raise NotPublished(f"odds snapshot {at.isoformat()}", at)
        step = ODDS_SNAPSHOT_STEP.total_seconds()
        snap = datetime.fromtimestamp((at.timestamp() // step) * step, tz=UTC)
        following = snap + ODDS_SNAPSHOT_STEP
        record = r.OddsSnapshot(
            snap,
            snap - ODDS_SNAPSHOT_STEP,
            following if following <= as_of else None,
            self._odds_events(snap),
        )
        return Payload(render_odds_historical(record), JSON, snap, "odds_historical.json")

    # ------------------------------------------------------------------ DraftKings

    def _group(self, draft_group_id: int) -> pd.Series:
        if draft_group_id not in self.groups.index:
            raise UnknownPayload(f"unknown draft group {draft_group_id}")
        return self.groups.loc[draft_group_id]

    def _draft_group(self, group: pd.Series) -> r.DkDraftGroup:
        games = self.games.loc[self._group_games[int(group["draft_group_id"])]]
        comps = tuple(self._competition(g) for _, g in games.iterrows())
        return r.DkDraftGroup(
            int(group["draft_group_id"]), comps, SLATE_SUFFIX.get(group["slate"]), group["game_type"]
        )

    def lobby(self, as_of: datetime) -> Payload:
        """The NBA lobby: draft groups whose salaries are out and that have not locked at `as_of`."""
        t = pd.Timestamp(as_of)
        open_ = self.groups[(self.groups["salary_available_at"] <= t) & (self.groups["lock_ts"] > t)]
        lobby = r.DkLobby(tuple(self._draft_group(g) for _, g in open_.iterrows()))
        return Payload(render_lobby(lobby), JSON, as_of, "lobby.json")

    def _group_salaries(self, draft_group_id: int, as_of: datetime) -> tuple[pd.Series, pd.DataFrame]:
        group = self._group(draft_group_id)
        _gate(f"draft group {draft_group_id}", _dt(group["salary_available_at"]), as_of)
        sal = self.tables["salaries"]
        sal = sal[sal["game_id"].isin(self._group_games[draft_group_id])]
        return group, sal.sort_values(["salary", "person_id"], ascending=[False, True], kind="stable")

    def _fppg(self, game_date: date) -> pd.Series:
        """DK points per game of every player over his played games before `game_date`."""
        box = self.box[(self.box["game_date"] < game_date) & self.box["played"]]
        return box.groupby("person_id")["dk_pts"].mean().round(2)

    def _dk_status(self, game_ids: list[str], as_of: datetime) -> dict[int, str]:
        news = self.tables["injury_news"]
        latest = _latest(news[news["game_id"].isin(game_ids)], ["game_id", "person_id"], as_of)
        return {
            int(pid): DK_STATUS.get(s, "None")
            for pid, s in zip(latest["person_id"], latest["status"], strict=True)
        }

    def draftables(self, draft_group_id: int, as_of: datetime) -> Payload:
        """Draftables of a draft group: salaries, positions and injury statuses known at `as_of`."""
        group, sal = self._group_salaries(draft_group_id, as_of)
        dg = self._draft_group(group)
        comps = {c.competition_id: c for c in dg.competitions}
        fppg = self._fppg(group["game_date"])
        status = self._dk_status(self._group_games[draft_group_id], min(as_of, _dt(group["lock_ts"])))
        players = []
        next_id = draft_group_id * 1000
        for s in sal.itertuples(index=False):
            p = self.players.loc[s.person_id]
            g = self.games.loc[s.game_id]
            player = r.DkPlayer(
                player_id=int(s.person_id),
                player_dk_id=int(p.dk_player_id),
                first_name=p.first_name,
                last_name=p.last_name,
                position=s.dk_position,
                salary=int(s.salary),
                team=self._dk_teams[int(s.team_id)],
                competition=comps[int(g["dk_competition_id"])],
                first_draftable_id=next_id,
                status=status.get(int(s.person_id), "None"),
                fppg=float(fppg[s.person_id]) if s.person_id in fppg.index else None,
            )
            next_id += len(s.roster_positions.split("/"))
            players.append(player)
        body = render_draftables(r.Draftables(draft_group_id, tuple(players)))
        return Payload(body, JSON, _dt(group["salary_available_at"]), f"draftables_{draft_group_id}.json")

    def dk_salaries(self, draft_group_id: int, as_of: datetime) -> Payload:
        """`DKSalaries.csv` of a draft group (Classic)."""
        group, sal = self._group_salaries(draft_group_id, as_of)
        fppg = self._fppg(group["game_date"])
        rows = []
        for s in sal.itertuples(index=False):
            p = self.players.loc[s.person_id]
            g = self.games.loc[s.game_id]
            rows.append(
                r.DkSalaryRow(
                    dk_id=int(p.dk_player_id),
                    name=p.display_name,
                    position=s.dk_position,
                    salary=int(s.salary),
                    team_abbrev=self._team_refs[int(s.team_id)].tricode,
                    away_abbrev=g["away_tricode"],
                    home_abbrev=g["home_tricode"],
                    start_time=_dt(g["tip_ts"]),
                    avg_points=float(fppg.get(s.person_id, 0.0)),
                )
            )
        body = render_dk_salaries(tuple(rows))
        return Payload(body, CSV, _dt(group["salary_available_at"]), f"DKSalaries_{draft_group_id}.csv")

    def contest_standings(self, draft_group_id: int, as_of: datetime) -> Payload:
        """The contest's standings CSV with `%Drafted`, once every game of the slate is final."""
        self._group(draft_group_id)
        game_ids = self._group_games[draft_group_id]
        published = _dt(self.games.loc[game_ids, "end_ts"].max())
        _gate(f"contest standings {draft_group_id}", published, as_of)
        standings = self.tables["contest_standings"]
        standings = standings[standings["draft_group_id"] == draft_group_id].sort_values("rank")
        names = self.players["display_name"]
        entries = tuple(
            r.ContestEntry(
                int(e.rank),
                int(e.entry_id),
                e.entry_name,
                float(e.points),
                tuple((slot, names[getattr(e, f"slot_{slot.lower()}")]) for slot in SLOTS),
            )
            for e in standings.itertuples(index=False)
        )
        own = self.tables["ownership"]
        own = own[(own["draft_group_id"] == draft_group_id) & (own["ownership"] > 0)]
        pts = self.box[self.box["game_id"].isin(game_ids)].set_index("person_id")["dk_pts"]
        own = own.sort_values(["ownership", "person_id"], ascending=[False, True], kind="stable")
        players = tuple(
            r.PlayerOwnership(
                names[o.person_id],
                self.players.loc[o.person_id].dk_position,
                round(float(o.ownership), 4),
                float(pts.get(o.person_id, 0.0)),
            )
            for o in own.itertuples(index=False)
        )
        body = render_contest_standings(r.ContestStandings(entries, players))
        return Payload(body, CSV, published, f"contest-standings-{draft_group_id}.csv")


def _keyed(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Index by `key` but keep it as a column; the unnamed index keeps sorts by `key` unambiguous."""
    out = frame.set_index(key, drop=False)
    out.index.name = None
    return out


def _need(ident: str | None) -> str:
    if ident is None or ident == "":
        raise ValueError("this payload kind needs an id")
    return ident


KINDS: tuple[str, ...] = (
    "injury_pdf",
    "schedule",
    "boxscore",
    "roster",
    "playerindex",
    "lineups",
    "odds",
    "odds_historical",
    "lobby",
    "draftables",
    "dk_salaries",
    "contest_standings",
)
