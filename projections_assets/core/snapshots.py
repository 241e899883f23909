"""As-of selection: what was known about each game of a date at a partition's run_as_of_ts.

Pure functions over bronze history (rows already filtered to
`available_at <= run_as_of_ts` by the lake reader). Each applies the one
invariant of the platform: a row counts for a game only if
`available_at <= min(run_as_of_ts, tip_ts)`, and each adds freshness columns
(age at run_as_of, minutes to tip) so staleness is visible next to the data.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from projections_assets.nba.calendar import EASTERN_NAME
from projections_assets.nba.calendar import UTC_TS as TS
from projections_assets.nba.odds import implied_probability

NOT_YET_SUBMITTED = "NOT YET SUBMITTED"


class StaleSource(RuntimeError):
    """A source's newest information is older than its allowed maximum age."""


@dataclass(frozen=True)
class MaxAges:
    """How old each source's newest capture may be at run_as_of before the partition fails (minutes)."""

    schedule: float = 3 * 24 * 60
    roster: float = 7 * 24 * 60


def utc(values: pd.Series | Sequence[object] | object) -> pd.Series:
    """Anything timestamp-like -> microsecond UTC, the lake's one timestamp type."""
    return pd.to_datetime(values, utc=True).astype(TS)


def minutes_between(later: pd.Series | pd.Timestamp, earlier: pd.Series | pd.Timestamp) -> pd.Series:
    return (later - earlier) / pd.Timedelta(minutes=1)


def cutoff(tip_ts: pd.Series, run_as_of_ts: datetime) -> pd.Series:
    """Per game: the last instant whose information may be used, min(run_as_of_ts, tip)."""
    return utc(tip_ts).clip(upper=pd.Timestamp(run_as_of_ts).tz_convert("UTC"))


def add_freshness(frame: pd.DataFrame, run_as_of_ts: datetime) -> pd.DataFrame:
    """`as_of_ts` (the snapshot's instant), `age_minutes` (as_of - available_at), `minutes_to_tip` (tip - as_of)."""
    as_of = pd.Timestamp(run_as_of_ts).tz_convert("UTC")
    out = frame.copy()
    out["as_of_ts"] = pd.Series([as_of] * len(out), index=out.index, dtype=TS)
    out["age_minutes"] = minutes_between(as_of, utc(out["available_at"])).astype("float64")
    out["minutes_to_tip"] = minutes_between(utc(out["tip_ts"]), as_of).astype("float64")
    return out


def within_cutoff(rows: pd.DataFrame, games: pd.DataFrame, run_as_of_ts: datetime) -> pd.DataFrame:
    """Rows (with game_id and available_at) whose information existed by their game's cutoff."""
    g = games[["game_id", "tip_ts"]].assign(_cutoff=cutoff(games["tip_ts"], run_as_of_ts))
    merged = rows.merge(g, on="game_id", how="inner")
    return merged[utc(merged["available_at"]) <= merged["_cutoff"]].drop(columns="_cutoff")


def latest_capture(frame: pd.DataFrame, column: str = "captured_at") -> pd.DataFrame:
    """The rows of the newest capture (sources captured whole, like the schedule or player index)."""
    if frame.empty:
        return frame
    return frame[frame[column] == frame[column].max()]


def schedule_snapshot(
    captures: pd.DataFrame, game_date: str, run_as_of_ts: datetime, max_ages: MaxAges = MaxAges()
) -> pd.DataFrame:
    """The date's games, each from its newest schedule capture by min(run_as_of_ts, its tip).

    `captures` are bronze schedule rows of the date (an empty frame with
    columns means the date was captured and has no games). A game first
    captured after its tip is absent: what it looked like before tip was
    never recorded, and later captures already know how it went.
    """
    as_of = pd.Timestamp(run_as_of_ts).tz_convert("UTC")
    day = captures[captures["game_date"].astype(str) == game_date] if len(captures) else captures
    cols = ["game_id", "tip_ts", "home_team_id", "home_tricode", "away_team_id", "away_tricode"]
    if day.empty:
        return add_freshness(
            _typed_empty(["game_id", "game_date", *cols[1:], "game_status", "available_at"]), run_as_of_ts
        )
    day = day.assign(available_at=utc(day["available_at"]), tip_ts=utc(day["tip_ts"]))
    known = day[day["available_at"] <= cutoff(day["tip_ts"], run_as_of_ts)]
    if known.empty:
        raise StaleSource(
            f"schedule: no capture of {game_date}'s games before their tips and at or before {as_of.isoformat()}"
        )
    newest = known.sort_values("available_at", kind="stable").drop_duplicates("game_id", keep="last")
    age = minutes_between(as_of, newest["available_at"].max())
    if age > max_ages.schedule:
        raise StaleSource(
            f"schedule: newest capture of {game_date} is {age / 60:.1f} h old at {as_of.isoformat()} "
            f"(max {max_ages.schedule / 60:.0f} h)"
        )
    out = newest[[*cols, "game_status", "available_at"]].copy()
    out.insert(1, "game_date", game_date)
    out = out.astype({"home_team_id": "int64", "away_team_id": "int64", "game_status": "int64"})
    return add_freshness(out.sort_values("game_id").reset_index(drop=True), run_as_of_ts)


def _team_games(games: pd.DataFrame) -> pd.DataFrame:
    """One row per (game, team) of a schedule snapshot."""
    cols = ["game_id", "tip_ts"]
    home = games[cols + ["home_team_id", "home_tricode"]].rename(
        columns={"home_team_id": "team_id", "home_tricode": "team_tricode"}
    )
    away = games[cols + ["away_team_id", "away_tricode"]].rename(
        columns={"away_team_id": "team_id", "away_tricode": "team_tricode"}
    )
    return pd.concat([home, away], ignore_index=True)


def injury_snapshot(
    rows: pd.DataFrame,
    games: pd.DataFrame,
    run_as_of_ts: datetime,
    team_tricode: Callable[[str], str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each team's injury list per game from the newest report that covers it by the cutoff.

    A report is a full list: a player on an earlier report but not on the
    newest one is no longer listed. A team still NOT YET SUBMITTED on the
    newest report keeps the list of its newest filed report. Rows of a report
    for the next day's games count as that day's history. Returns
    (snapshot, pending) where pending lists (game_id, team_tricode) whose
    newest covering report still shows them not yet submitted.
    """
    empty_pending = pd.DataFrame({"game_id": pd.Series(dtype=str), "team_tricode": pd.Series(dtype=str)})
    if rows.empty:
        return _empty_injuries(), empty_pending
    g = games.assign(matchup=games["away_tricode"] + "@" + games["home_tricode"])
    r = rows.merge(g[["game_id", "matchup", "tip_ts"]], on="matchup", how="inner")
    r = r[r["game_date"].astype(str) == str(games["game_date"].iloc[0])] if len(games) else r.iloc[0:0]
    r = r[utc(r["available_at"]) <= cutoff(r["tip_ts"], run_as_of_ts)]
    if r.empty:
        return _empty_injuries(), empty_pending
    r = r.assign(team_tricode=r["team"].map(team_tricode))
    newest_report = r.groupby("game_id")["report_ts"].transform("max")
    filed = r[r["status"] != NOT_YET_SUBMITTED]
    # Per (game, team): the newest report in which the team had filed.
    team_newest = filed.groupby(["game_id", "team_tricode"])["report_ts"].transform("max")
    snapshot = filed[filed["report_ts"] == team_newest]
    # ...unless a newer report covering the game no longer lists the team at all (nobody injured).
    newest_rows = r[r["report_ts"] == newest_report]
    on_newest = set(zip(newest_rows["game_id"], newest_rows["team_tricode"], strict=True))
    game_newest = r.groupby("game_id")["report_ts"].max()
    keep = [
        (gid, team) in on_newest or ts == game_newest[gid]
        for gid, team, ts in zip(
            snapshot["game_id"], snapshot["team_tricode"], snapshot["report_ts"], strict=True
        )
    ]
    snapshot = snapshot[np.asarray(keep, dtype=bool)]
    pending_rows = newest_rows[newest_rows["status"] == NOT_YET_SUBMITTED]
    pending = pending_rows[["game_id", "team_tricode"]].drop_duplicates().reset_index(drop=True)
    out = snapshot[
        [
            "game_id",
            "game_date",
            "tip_ts",
            "team_tricode",
            "player_name",
            "status",
            "reason",
            "report_ts",
            "report_name",
            "available_at",
        ]
    ].copy()
    out["game_date"] = out["game_date"].astype(str)
    for col in ("tip_ts", "report_ts", "available_at"):
        out[col] = utc(out[col])
    out = out.sort_values(["game_id", "team_tricode", "player_name"]).reset_index(drop=True)
    return add_freshness(out, run_as_of_ts), pending


def _empty_injuries() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "game_id": pd.Series(dtype=str),
            "game_date": pd.Series(dtype=str),
            "tip_ts": pd.Series(dtype=TS),
            "team_tricode": pd.Series(dtype=str),
            "player_name": pd.Series(dtype=str),
            "status": pd.Series(dtype=str),
            "reason": pd.Series(dtype=str),
            "report_ts": pd.Series(dtype=TS),
            "report_name": pd.Series(dtype=str),
            "available_at": pd.Series(dtype=TS),
        }
    )
    frame["as_of_ts"] = pd.Series(dtype=TS)
    frame["age_minutes"] = pd.Series(dtype="float64")
    frame["minutes_to_tip"] = pd.Series(dtype="float64")
    return frame


def odds_snapshot(
    quotes: pd.DataFrame, games: pd.DataFrame, run_as_of_ts: datetime, team_tricode: Callable[[str], str]
) -> pd.DataFrame:
    """Per game: the consensus (median over bookmakers) spread, total and home win probability.

    Each bookmaker's newest quote per market and outcome with last_update <=
    min(run_as_of_ts, tip) counts; a game without quotes by then is absent
    (the caller reports it), never filled with a guess.
    """
    cols = ["game_id", "tip_ts", "spread_home", "total", "home_win_prob", "n_books", "available_at"]
    if quotes.empty:
        return add_freshness(_typed_empty(cols), run_as_of_ts)
    q = quotes.assign(
        home_tricode=quotes["home_team"].map(team_tricode), away_tricode=quotes["away_team"].map(team_tricode)
    )
    q = q.merge(games[["game_id", "home_tricode", "away_tricode"]], on=["home_tricode", "away_tricode"])
    q = q.assign(available_at=utc(q["last_update"]))
    q = within_cutoff(q, games, run_as_of_ts)
    if q.empty:
        return add_freshness(_typed_empty(cols), run_as_of_ts)
    key = ["game_id", "bookmaker_key", "market_key", "outcome_name"]
    q = q.sort_values("available_at").drop_duplicates(key, keep="last")
    home_name = q["home_team"]
    spread = q[(q["market_key"] == "spreads") & (q["outcome_name"] == home_name)]
    total = q[(q["market_key"] == "totals") & (q["outcome_name"].str.lower() == "over")]
    h2h = q[q["market_key"] == "h2h"].assign(prob=lambda d: implied_probability(d["price"]))
    # Remove the bookmaker's margin: normalize each book's two outcomes to sum to 1.
    h2h = h2h.assign(prob=h2h["prob"] / h2h.groupby(["game_id", "bookmaker_key"])["prob"].transform("sum"))
    home_prob = h2h[h2h["outcome_name"] == h2h["home_team"]]
    out = (
        q.groupby("game_id")
        .agg(
            tip_ts=("tip_ts", "first"),
            n_books=("bookmaker_key", "nunique"),
            available_at=("available_at", "max"),
        )
        .join(spread.groupby("game_id")["point"].median().rename("spread_home"))
        .join(total.groupby("game_id")["point"].median().rename("total"))
        .join(home_prob.groupby("game_id")["prob"].median().rename("home_win_prob"))
        .reset_index()
    )
    out["n_books"] = out["n_books"].astype("int64")
    out["tip_ts"] = utc(out["tip_ts"])
    out["available_at"] = utc(out["available_at"])
    return add_freshness(out[cols].sort_values("game_id").reset_index(drop=True), run_as_of_ts)


_EMPTY_DTYPES = {
    "tip_ts": TS,
    "available_at": TS,
    "report_ts": TS,
    "n_books": "int64",
    "spread_home": "float64",
    "total": "float64",
    "home_win_prob": "float64",
    "home_team_id": "int64",
    "away_team_id": "int64",
    "game_status": "int64",
    "player_id": "int64",
    "team_id": "int64",
    "person_id": "int64",
    "is_starter": bool,
    "confirmed": bool,
    "inactive": bool,
}


def _typed_empty(cols: Sequence[str]) -> pd.DataFrame:
    """A zero-row frame with the lake's dtype for each known column (str otherwise)."""
    return pd.DataFrame({c: pd.Series(dtype=_EMPTY_DTYPES.get(c, str)) for c in cols})


def roster_snapshot(
    captures: pd.DataFrame,
    games: pd.DataFrame,
    run_as_of_ts: datetime,
    max_ages: MaxAges = MaxAges(),
) -> pd.DataFrame:
    """The players of each team playing on the date, from the newest player-index capture by the cutoff.

    Per game the capture used is the newest with available_at <= min(run_as_of_ts,
    tip). When the date has no capture by then the newest earlier one is used
    (a roster fallback, docs/design.md): `roster_source_date` and
    `age_minutes` record where it came from; older than `max_ages.roster` fails.
    """
    as_of = pd.Timestamp(run_as_of_ts).tz_convert("UTC")
    cols = [
        "player_id",
        "player_name",
        "team_id",
        "team_tricode",
        "position",
        "game_id",
        "tip_ts",
        "available_at",
        "roster_source_date",
    ]
    if games.empty:
        return add_freshness(_typed_empty(cols), run_as_of_ts)
    usable = captures[utc(captures["available_at"]) <= as_of] if len(captures) else captures
    if usable.empty:
        raise StaleSource(f"roster: no player-index capture at or before {as_of.isoformat()}")
    usable = usable.assign(available_at=utc(usable["available_at"]))
    stamps = pd.Series(sorted(usable["available_at"].unique()))
    teams = _team_games(games).assign(tip_ts=lambda d: utc(d["tip_ts"]))
    teams["_cutoff"] = cutoff(teams["tip_ts"], run_as_of_ts)
    # Per game, the newest capture instant <= its cutoff.
    position = stamps.searchsorted(teams["_cutoff"], side="right") - 1
    if (position < 0).any():
        first = teams.loc[position < 0, "game_id"].tolist()
        raise StaleSource(f"roster: no player-index capture before the tips of games {first}")
    teams["available_at"] = stamps.to_numpy()[position]
    age = minutes_between(as_of, teams["available_at"].min())
    if age > max_ages.roster:
        raise StaleSource(
            f"roster: newest usable player-index capture is {age / 60 / 24:.1f} days old at {as_of.isoformat()} "
            f"(max {max_ages.roster / 60 / 24:.0f} days)"
        )
    players = usable[usable["on_roster"]] if "on_roster" in usable else usable
    players = players.drop(columns=["team_tricode"], errors="ignore")
    out = teams.drop(columns="_cutoff").merge(players, on=["team_id", "available_at"], how="inner")
    out = out.assign(
        player_name=(out["first_name"].astype(str) + " " + out["last_name"].astype(str)).str.strip(),
        roster_source_date=out["available_at"].dt.tz_convert(EASTERN_NAME).dt.strftime("%Y-%m-%d"),
    )
    out = out[cols].astype({"player_id": "int64", "team_id": "int64"})
    return add_freshness(out.sort_values(["team_id", "player_id"]).reset_index(drop=True), run_as_of_ts)


def lineups_snapshot(rows: pd.DataFrame, games: pd.DataFrame, run_as_of_ts: datetime) -> pd.DataFrame:
    """Each player's newest projected or confirmed lineup entry by the cutoff.

    `inactive` is the newest capture's roster status: the feed marks a player Inactive as soon as he
    is ruled out, between two injury reports too (a late scratch); a missing status is not Inactive.
    """
    cols = [
        "game_id",
        "team_id",
        "person_id",
        "player_name",
        "position",
        "is_starter",
        "lineup_status",
        "confirmed",
        "inactive",
        "tip_ts",
        "available_at",
    ]
    if rows.empty:
        return add_freshness(_typed_empty(cols), run_as_of_ts)
    r = within_cutoff(rows.assign(available_at=utc(rows["available_at"])), games, run_as_of_ts)
    r = r.sort_values(["available_at", "captured_at"]).drop_duplicates(["game_id", "person_id"], keep="last")
    r["inactive"] = r["roster_status"].astype(str).eq("Inactive")
    out = r[cols].copy()
    out["tip_ts"] = utc(out["tip_ts"])
    return add_freshness(
        out.sort_values(["game_id", "team_id", "person_id"]).reset_index(drop=True), run_as_of_ts
    )


def dk_slate_snapshot(rows: pd.DataFrame, run_as_of_ts: datetime) -> pd.DataFrame:
    """Each draft group's players from the newest draftables capture by min(run_as_of_ts, their tip).

    A player's row stops changing at his game's start (later captures would
    carry in-game news); the group's lock is its first tip.
    """
    cols = [
        "draft_group_id",
        "slate",
        "lock_ts",
        "dk_player_id",
        "player_dk_id",
        "draftable_id",
        "display_name",
        "first_name",
        "last_name",
        "position",
        "roster_slots",
        "salary",
        "status",
        "is_out",
        "team_abbrev",
        "opp_abbrev",
        "competition_id",
        "tip_ts",
        "fppg",
        "available_at",
    ]
    if rows.empty:
        empty = _typed_empty(cols).astype(
            {
                "draft_group_id": "int64",
                "dk_player_id": "int64",
                "player_dk_id": "int64",
                "draftable_id": "int64",
                "salary": "int64",
                "competition_id": "int64",
                "is_out": bool,
                "lock_ts": TS,
                "fppg": "float64",
            }
        )
        return add_freshness(empty, run_as_of_ts)
    r = rows.rename(columns={"player_id": "dk_player_id", "start_ts": "tip_ts", "lobby_suffix": "slate"})
    r = r.assign(available_at=utc(r["available_at"]), tip_ts=utc(r["tip_ts"]), lock_ts=utc(r["lock_ts"]))
    r = r[r["available_at"] <= cutoff(r["tip_ts"], run_as_of_ts)]
    r = r.sort_values("available_at", kind="stable").drop_duplicates(
        ["draft_group_id", "dk_player_id"], keep="last"
    )
    out = r[cols].astype({"draft_group_id": "int64", "slate": str})
    # DraftKings names slates by a suffix: "" is the main slate, " (Early)" the early one.
    out["slate"] = out["slate"].str.strip().str.strip("()").replace("", "Main")
    return add_freshness(
        out.sort_values(["draft_group_id", "dk_player_id"]).reset_index(drop=True), run_as_of_ts
    )
