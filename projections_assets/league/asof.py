"""Silver snapshots of many (game, as_of) pairs at once, straight from a league's tables.

The pipeline builds each slate partition's silver tables by rendering the
league's payloads, parsing them into bronze and selecting as of the slot
(`core/snapshots.py`): about two seconds a partition. `LeagueAsOf(tables, slots)`
indexes the tables once and answers the same question for thousands of
targets `(game_id, as_of_ts)` with merges, giving what silver holds for the
game in partition (game_date, slot) when the partition's bronze history is
complete (every slot of the date captured, every report fetched).

What "as of T" means here (per target; c = min(T, tip), the game's cutoff):

* Injury reports are immutable documents on their own grid (hourly at :30
  before 2025-12-22, every quarter hour from then; `reports.report_times`).
  The snapshot comes from R, the newest report at or before c (news after R
  is not public yet). A team that has filed by R lists, per player, his newest
  news row by R; a team still NOT YET SUBMITTED on R lists nobody (filing is
  once per game and team, so no earlier report of that game shows a filed
  list for it: the snapshot's "keep the newest filed list" never applies).
  Reports older than the day before the game date do not cover it.
* Polled sources (schedule, odds, lineups, player index) are captured at the
  slots of the game date's partition grid (`slots`, the product's `partitions.slot_times`, 08:00 to
  23:45 ET every 15 min), as backfills capture them, so T sees the captures at
  the slots at or before T (P, the newest). Per source:
  - schedule: the capture at the newest slot <= c (`game_status` 2 when that
    slot is the tip itself, else 1);
  - odds: the capture at the newest slot <= T strictly before tip (The Odds
    API drops started games): each bookmaker's newest quote by that slot;
    consensus = median over books of the home spread, the total and the
    de-vigged home win probability (`snapshots.implied_probability`);
  - lineups: per team, the newest lineup version that some slot <= P captured
    and that was published by c (versions replaced within one slot are never
    captured), all of the team's listed players (starters with their slot);
  - roster: the player index captured at the newest slot <= c: everyone
    rostered on the game date for the two teams.
* Report times (08:00 to 23:45) lie on the slot grid, so an instant between
  two slots answers exactly as the slot before it. T must be at or after the
  game date's first slot (no partition of the date exists before it:
  `ValueError`); after the last slot (23:45 ET) polled sources stay at the
  last slot (every tip is earlier, so nothing changes).

Every frame carries the target's `as_of_ts` and, with `freshness=True`, the
silver freshness columns (`age_minutes`, `minutes_to_tip`) against it. Pure
pandas/numpy; no Dagster.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pandas as pd

from projections_assets.nba.calendar import EASTERN, EASTERN_NAME
from projections_assets.nba.calendar import UTC_TS as TS
from projections_assets.nba.odds import implied_probability

from .reports import report_file_name, report_times

NAT = np.iinfo(np.int64).min
_HORIZON_RE = re.compile(r"^tip-(\d+(?:\.\d+)?)(h|m|min)$")


# --------------------------------------------------------------------------- time helpers


def _us(values: object) -> np.ndarray:
    """Anything timestamp-like -> int64 microseconds since the epoch (UTC)."""
    index = pd.DatetimeIndex(pd.to_datetime(values, utc=True)).as_unit("us")
    return index.asi8.copy()


def _ts(values: np.ndarray) -> pd.arrays.DatetimeArray:
    """int64 microseconds (NAT for missing) -> UTC microsecond timestamps (the lake's timestamp type)."""
    arr = np.asarray(values, dtype="int64").view("M8[us]")
    return pd.DatetimeIndex(arr).tz_localize("UTC").array


class _SlotGrid:
    """The partition grid's slot instants (UTC) of a set of dates, sorted, with each date's range.

    `slots` are the grid's Eastern wall-clock times of a day; a slot's key is the product's
    partition key, `YYYY-MM-DD|HH:MM`.
    """

    def __init__(self, dates: Iterable[date], slots: Sequence[time]) -> None:
        days = sorted(set(dates))
        pairs = [(d, s) for d in days for s in slots]
        self.instants = _us([datetime.combine(d, s, tzinfo=EASTERN).astimezone(UTC) for d, s in pairs])
        self.keys = np.asarray([f"{d.isoformat()}|{s:%H:%M}" for d, s in pairs], dtype=object)
        n = len(slots)
        self._first = {d: i * n for i, d in enumerate(days)}
        self._last = {d: i * n + n - 1 for i, d in enumerate(days)}

    def bounds(self, days: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        first = days.map(self._first)
        if first.isna().any():
            missing = sorted({str(d) for d in days[first.isna()]})
            raise ValueError(f"dates without a slot grid: {missing[:5]}")
        return first.to_numpy("int64"), days.map(self._last).to_numpy("int64")

    def at_or_before(
        self, ts: np.ndarray, first: np.ndarray, last: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per row, the index of the newest slot of its date <= ts (capped at the date's last), and validity."""
        idx = np.searchsorted(self.instants, ts, side="right") - 1
        idx = np.minimum(idx, last)
        ok = (idx >= first) & (ts != NAT)
        return np.where(ok, idx, first), ok

    def first_at_or_after(
        self, ts: np.ndarray, first: np.ndarray, last: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per row, the index of the first slot of its date >= ts (at least the date's first), and validity."""
        idx = np.maximum(np.searchsorted(self.instants, ts, side="left"), first)
        ok = idx <= last
        return np.where(ok, idx, last), ok


def _parse_horizon(horizon: str) -> timedelta | None:
    """`last` -> None (the last slot strictly before tip); `tip-2h`, `tip-90m`/`tip-90min` -> the lead."""
    if horizon == "last":
        return None
    m = _HORIZON_RE.match(horizon)
    if not m:
        raise ValueError(f"unknown horizon {horizon!r}: use 'last' or 'tip-<N>h' / 'tip-<N>m'")
    amount = float(m.group(1))
    return timedelta(hours=amount) if m.group(2) == "h" else timedelta(minutes=amount)


def horizon_targets(
    games: pd.DataFrame, slots: Sequence[time], horizons: Sequence[str] = ("tip-2h", "last")
) -> pd.DataFrame:
    """Targets on the partition grid `slots`: per game (`game_id`, `game_date`, `tip_ts`) and horizon, its slot.

    `tip-2h` is the last slot of the game date at or before tip - 2 h, `last` the last
    slot strictly before tip; both clamped to the date's grid (08:00..23:45 ET). Returns
    game_id, horizon, as_of_ts (the slot's run_as_of_ts) and partition_key (`YYYY-MM-DD|HH:MM`).
    """
    g = games[["game_id", "game_date", "tip_ts"]].drop_duplicates("game_id").reset_index(drop=True)
    days = g["game_date"].map(_as_date)
    grid = _SlotGrid(days, slots)
    first, last = grid.bounds(days)
    tip = _us(g["tip_ts"])
    frames = []
    for horizon in horizons:
        lead = _parse_horizon(horizon)
        at = tip - 1 if lead is None else tip - int(lead / timedelta(microseconds=1))
        idx = np.clip(np.searchsorted(grid.instants, at, side="right") - 1, first, last)
        frames.append(
            pd.DataFrame(
                {
                    "game_id": g["game_id"].astype(str).to_numpy(),
                    "horizon": horizon,
                    "as_of_ts": _ts(grid.instants[idx]),
                    "partition_key": grid.keys[idx].astype(str),
                }
            )
        )
    if not frames:
        return pd.DataFrame(
            {
                "game_id": pd.Series(dtype=str),
                "horizon": pd.Series(dtype=str),
                "as_of_ts": pd.Series(dtype=TS),
                "partition_key": pd.Series(dtype=str),
            }
        )
    out = pd.concat(frames, ignore_index=True)
    out["as_of_ts"] = out["as_of_ts"].astype(TS)
    return out


def _as_date(value: object) -> date:
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# --------------------------------------------------------------------------- the adapter


class LeagueAsOf:
    """Silver-shaped frames for many (game_id, as_of_ts) targets, from a league's tables (module docstring)."""

    def __init__(self, tables: dict[str, pd.DataFrame], slots: Sequence[time]) -> None:
        games = tables["games"].copy()
        games["game_id"] = games["game_id"].astype(str)
        games["game_date"] = games["game_date"].map(_as_date)
        self._games = games.set_index("game_id", drop=False)
        self._games.index.name = None
        self._slots = tuple(slots)
        self._grid = _SlotGrid(games["game_date"], self._slots)
        teams = tables["teams"]
        self._tricode = dict(zip(teams["team_id"].astype("int64"), teams["tricode"].astype(str), strict=True))
        players = tables["players"].set_index("person_id")
        self._report_name = players["report_name"].astype(str)
        self._full_name = (
            players["first_name"].astype(str) + " " + players["last_name"].astype(str)
        ).str.strip()
        self._people = pd.DataFrame(
            {"player_name": self._full_name.astype(str), "position": players["position"].astype(str)}
        )
        self._index_injuries(tables)
        self._index_odds(tables)
        self._index_lineups(tables)
        self._index_rosters(tables)

    # ------------------------------------------------------------------ indexing

    def _index_injuries(self, tables: dict[str, pd.DataFrame]) -> None:
        days = set(self._games["game_date"])
        days |= {d - timedelta(days=1) for d in days}
        stamps = [ts for d in sorted(days) for ts in report_times(d, d)]
        us = _us(stamps)
        order = np.argsort(us, kind="stable")
        us, keep = np.unique(us[order], return_index=True)
        self._reports = us
        self._report_stamps = [stamps[i] for i in order[keep]]
        self._report_day = np.asarray([s.date() for s in self._report_stamps], dtype=object)
        self._report_names: dict[int, str] = {}

        filings = tables["injury_filings"]
        self._filed = pd.Series(
            _us(filings["filed_ts"]),
            index=pd.MultiIndex.from_arrays(
                [filings["game_id"].astype(str), filings["team_id"].astype("int64")]
            ),
        )
        news = tables["injury_news"].reset_index(drop=True)
        news = pd.DataFrame(
            {
                "game_id": news["game_id"].astype(str),
                "team_id": news["team_id"].astype("int64"),
                "person_id": news["person_id"].astype("int64"),
                "_at": _us(news["available_at"]),
                "status": news["status"].astype(str),
                "reason": news["reason"].astype(str),
            }
        )
        # A report lists each player's last row (table order) among those known by its time.
        news = news.sort_values("_at", kind="stable").drop_duplicates(
            ["game_id", "person_id", "_at"], keep="last"
        )
        self._news = news.reset_index(drop=True)
        self._news_people = news[["game_id", "team_id", "person_id"]].drop_duplicates().reset_index(drop=True)
        first_news = news.groupby(["game_id", "team_id"])["_at"].min()
        self._first_news = first_news

    def _index_odds(self, tables: dict[str, pd.DataFrame]) -> None:
        odds = tables["odds"].reset_index(drop=True)
        odds = pd.DataFrame(
            {
                "game_id": odds["game_id"].astype(str),
                "bookmaker": odds["bookmaker"].astype(str),
                "_at": _us(odds["available_at"]),
                "home_spread": odds["home_spread"].astype("float64"),
                "total": odds["total"].astype("float64"),
                "home_ml_price": odds["home_ml_price"].astype("float64"),
                "away_ml_price": odds["away_ml_price"].astype("float64"),
            }
        )
        odds = odds.sort_values("_at", kind="stable").drop_duplicates(
            ["game_id", "bookmaker", "_at"], keep="last"
        )
        home = implied_probability(odds["home_ml_price"])
        away = implied_probability(odds["away_ml_price"])
        odds["home_prob"] = home / (home + away)
        self._odds = odds.reset_index(drop=True)
        self._books = odds[["game_id", "bookmaker"]].drop_duplicates().reset_index(drop=True)

    def _index_lineups(self, tables: dict[str, pd.DataFrame]) -> None:
        lineups = tables["lineups"].reset_index(drop=True)
        lineups = pd.DataFrame(
            {
                "game_id": lineups["game_id"].astype(str),
                "team_id": lineups["team_id"].astype("int64"),
                "_v": _us(lineups["available_at"]),
                "lineup_status": lineups["lineup_status"].astype(str),
                "slot": lineups["slot"].astype("int64"),
                "position": lineups["position"].astype(str),
                "person_id": lineups["person_id"].astype("int64"),
            }
        )
        box = tables["box_scores"]
        listed = pd.DataFrame(
            {
                "game_id": box["game_id"].astype(str),
                "team_id": box["team_id"].astype("int64"),
                "person_id": box["person_id"].astype("int64"),
                "order": box["order"],
            }
        )
        # Every version lists the team's box-score players (starters first); a starter outside
        # that listing would appear only in his own versions, which the per-team selection below
        # does not model.
        outside = lineups.merge(listed, on=["game_id", "team_id", "person_id"], how="left", indicator=True)
        if (outside["_merge"] == "left_only").any():
            raise ValueError("a lineup names a starter missing from his team's box-score listing")
        # One row per published version (the payload reads a version's status from its first row).
        versions = lineups.drop_duplicates(["game_id", "team_id", "_v"], keep="first")[
            ["game_id", "team_id", "_v", "lineup_status"]
        ].sort_values(["game_id", "team_id", "_v"], kind="stable")
        versions["_next"] = (
            versions.groupby(["game_id", "team_id"])["_v"].shift(-1).fillna(NAT).astype("int64")
        )
        days = versions["game_id"].map(self._games["game_date"])
        first, last = self._grid.bounds(days)
        idx, ok = self._grid.first_at_or_after(versions["_v"].to_numpy("int64"), first, last)
        cap = self._grid.instants[idx]
        nxt = versions["_next"].to_numpy("int64")
        # A slot captures the version in force at it: the first slot at or after v, unless a newer one came first.
        ok &= (nxt == NAT) | (cap < nxt)
        versions = versions.assign(_cap=cap)[ok].copy()
        versions["_ord"] = versions.groupby(["game_id", "team_id"]).cumcount().astype("int64")
        self._versions = versions.reset_index(drop=True)

        starters = lineups.merge(
            versions[["game_id", "team_id", "_v", "_ord"]], on=["game_id", "team_id", "_v"]
        )
        starters = starters.sort_values(["game_id", "team_id", "_ord", "slot"], kind="stable")
        bench = versions[["game_id", "team_id", "_ord"]].merge(
            listed.sort_values("order", kind="stable"), on=["game_id", "team_id"]
        )
        bench = bench.merge(
            starters[["game_id", "team_id", "_ord", "person_id"]],
            on=["game_id", "team_id", "_ord", "person_id"],
            how="left",
            indicator=True,
        )
        bench = bench[bench["_merge"] == "left_only"].assign(position="")
        rows = pd.concat(
            [
                starters[["game_id", "team_id", "_ord", "person_id", "position"]],
                bench[["game_id", "team_id", "_ord", "person_id", "position"]],
            ],
            ignore_index=True,
        )
        self._version_rows = rows

    def _index_rosters(self, tables: dict[str, pd.DataFrame]) -> None:
        rosters = tables["rosters"].reset_index(drop=True).copy()
        rosters["season"] = rosters["season"].astype(str)
        rosters["team_id"] = rosters["team_id"].astype("int64")
        rosters["person_id"] = rosters["person_id"].astype("int64")
        # An open spell (no to_date) runs to the end of the season and beyond.
        until = rosters["to_date"].map(lambda d: d if isinstance(d, date) else date.max)
        rosters["_from"] = rosters["from_date"].map(date.toordinal).astype("int64")
        rosters["_to"] = until.map(date.toordinal).astype("int64")
        rosters["_row"] = np.arange(len(rosters))
        self._rosters = rosters
        games = self._games
        firsts = games.groupby("season")["tip_ts"].min().sort_index()
        # The schedule of a season is out 60 days before its first tip (payloads.SCHEDULE_LEAD).
        self._season_release = pd.Series(_us(firsts - pd.Timedelta(days=60)), index=firsts.index.astype(str))
        self._season_published: dict[str, int] = {}
        for season, frame in rosters.groupby("season"):
            first = min(frame["from_date"])
            stamp = pd.Timestamp(first).tz_localize(EASTERN_NAME)
            self._season_published[str(season)] = int(_us([stamp])[0])

    # ------------------------------------------------------------------ targets

    def _prepare(self, targets: pd.DataFrame) -> pd.DataFrame:
        """Targets deduplicated, with the game's facts, the cutoff (min(as_of, tip)) and the poll slot."""
        missing = {"game_id", "as_of_ts"} - set(targets.columns)
        if missing:
            raise ValueError(f"targets lack columns {sorted(missing)}")
        t = pd.DataFrame(
            {
                "game_id": pd.Series(
                    targets["game_id"].astype(str).to_numpy(), dtype=self._games["game_id"].dtype
                ),
                "_as_of": _us(targets["as_of_ts"]),
            }
        )
        if (t["_as_of"] == NAT).any():
            raise ValueError("targets have missing as_of_ts")
        t = t.drop_duplicates().reset_index(drop=True)
        unknown = sorted(set(t["game_id"]) - set(self._games.index))
        if unknown:
            raise ValueError(f"unknown games {unknown[:5]}{' ...' if len(unknown) > 5 else ''}")
        g = self._games.loc[t["game_id"]]
        t["game_date"] = g["game_date"].to_numpy()
        t["_tip"] = _us(g["tip_ts"])
        t["_end"] = _us(g["end_ts"])
        for col in ("home_team_id", "away_team_id"):
            t[col] = g[col].astype("int64").to_numpy()
        for col in ("home_tricode", "away_tricode", "season"):
            t[col] = g[col].astype(str).to_numpy()
        t["_cut"] = np.minimum(t["_as_of"].to_numpy(), t["_tip"].to_numpy())
        first, last = self._grid.bounds(t["game_date"])
        t["_first"], t["_last"] = first, last
        idx, ok = self._grid.at_or_before(t["_as_of"].to_numpy(), first, last)
        if not ok.all():
            bad = t.loc[~ok, ["game_id", "_as_of"]].head(3)
            shown = [
                f"{gid} at {_ts(np.asarray([a]))[0].isoformat()}" for gid, a in bad.itertuples(index=False)
            ]
            raise ValueError(
                f"{int((~ok).sum())} targets are before their game date's first slot (no partition): {shown}"
            )
        t["_poll"] = self._grid.instants[idx]
        return t

    def _slot(self, t: pd.DataFrame, ts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        idx, ok = self._grid.at_or_before(ts, t["_first"].to_numpy(), t["_last"].to_numpy())
        return self._grid.instants[idx], ok

    @staticmethod
    def _teams(t: pd.DataFrame) -> pd.DataFrame:
        """One row per (target, team): team_id and team_tricode of both sides."""
        base = t.drop(columns=["home_team_id", "away_team_id", "home_tricode", "away_tricode"])
        home = base.assign(team_id=t["home_team_id"], team_tricode=t["home_tricode"])
        away = base.assign(team_id=t["away_team_id"], team_tricode=t["away_tricode"])
        return pd.concat([home, away], ignore_index=True)

    @staticmethod
    def _finish(out: pd.DataFrame, columns: list[str], sort: list[str], freshness: bool) -> pd.DataFrame:
        out = out.sort_values(sort, kind="stable").reset_index(drop=True)
        frame = out[columns].copy()
        if freshness:
            frame["age_minutes"] = ((out["_as_of"] - out["_avail"]) / 60e6).astype("float64")
            frame["minutes_to_tip"] = ((out["_tip"] - out["_as_of"]) / 60e6).astype("float64")
        return frame

    @staticmethod
    def _times(out: pd.DataFrame, **columns: str) -> pd.DataFrame:
        for name, source in columns.items():
            out[name] = _ts(out[source].to_numpy("int64"))
        return out

    # ------------------------------------------------------------------ sources

    def schedule(self, targets: pd.DataFrame, *, freshness: bool = False) -> pd.DataFrame:
        """`SILVER_SCHEDULE` rows (game_id, game_date, tip_ts, teams, game_status, available_at) per target."""
        t = self._prepare(targets)
        slot, ok = self._slot(t, t["_cut"].to_numpy())
        t = t.assign(_avail=slot)[ok].copy()
        avail = t["_avail"].to_numpy()
        t["game_status"] = np.where(
            t["_end"].to_numpy() <= avail, 3, np.where(t["_tip"].to_numpy() <= avail, 2, 1)
        )
        t["game_status"] = t["game_status"].astype("int64")
        t["game_date_iso"] = t["game_date"].map(date.isoformat).astype(str)
        t = self._times(t, tip_ts="_tip", available_at="_avail", as_of_ts="_as_of")
        t = t.drop(columns="game_date").rename(columns={"game_date_iso": "game_date"})
        cols = [
            "game_id",
            "game_date",
            "tip_ts",
            "home_team_id",
            "home_tricode",
            "away_team_id",
            "away_tricode",
            "game_status",
            "available_at",
            "as_of_ts",
        ]
        return self._finish(t, cols, ["as_of_ts", "game_id"], freshness)

    def odds(self, targets: pd.DataFrame, *, freshness: bool = False) -> pd.DataFrame:
        """`SILVER_ODDS` rows (consensus spread_home, total, home_win_prob, n_books, available_at) per target."""
        t = self._prepare(targets)
        # The newest capture that still lists the game: the last slot <= as_of strictly before tip.
        slot, ok = self._slot(t, np.minimum(t["_as_of"].to_numpy(), t["_tip"].to_numpy() - 1))
        t = t.assign(_q=slot)[ok].reset_index(drop=True)
        t["_tid"] = np.arange(len(t))
        left = t[["_tid", "game_id", "_q"]].merge(self._books, on="game_id").sort_values("_q", kind="stable")
        quotes = pd.merge_asof(
            left,
            self._odds,
            left_on="_q",
            right_on="_at",
            by=["game_id", "bookmaker"],
            direction="backward",
            allow_exact_matches=True,
        )
        quotes = quotes[quotes["_at"].notna()]
        agg = quotes.groupby("_tid").agg(
            spread_home=("home_spread", "median"),
            total=("total", "median"),
            home_win_prob=("home_prob", "median"),
            n_books=("bookmaker", "nunique"),
            _avail=("_at", "max"),
        )
        out = t.merge(agg, left_on="_tid", right_index=True, how="inner")
        out["_avail"] = out["_avail"].astype("int64")
        out["n_books"] = out["n_books"].astype("int64")
        for col in ("spread_home", "total", "home_win_prob"):
            out[col] = out[col].astype("float64")
        out = self._times(out, tip_ts="_tip", available_at="_avail", as_of_ts="_as_of")
        cols = [
            "game_id",
            "tip_ts",
            "spread_home",
            "total",
            "home_win_prob",
            "n_books",
            "available_at",
            "as_of_ts",
        ]
        return self._finish(out, cols, ["as_of_ts", "game_id"], freshness)

    def lineups(self, targets: pd.DataFrame, *, freshness: bool = False) -> pd.DataFrame:
        """`SILVER_LINEUPS` rows: each listed player's entry of his team's newest captured lineup by the cutoff."""
        t = self._prepare(targets)
        tt = self._teams(t)
        tt["_tid"] = np.arange(len(tt))
        keys = ["game_id", "team_id"]
        versions = self._versions
        by_cap = pd.merge_asof(
            tt[["_tid", *keys, "_poll"]].sort_values("_poll", kind="stable"),
            versions[[*keys, "_cap", "_ord"]].sort_values("_cap", kind="stable"),
            left_on="_poll",
            right_on="_cap",
            by=keys,
            direction="backward",
        ).set_index("_tid")["_ord"]
        by_time = pd.merge_asof(
            tt[["_tid", *keys, "_cut"]].sort_values("_cut", kind="stable"),
            versions[[*keys, "_v", "_ord"]].sort_values("_v", kind="stable"),
            left_on="_cut",
            right_on="_v",
            by=keys,
            direction="backward",
        ).set_index("_tid")["_ord"]
        # Captured versions grow in both capture slot and publication time: the visible ones are a prefix.
        k = np.minimum(
            by_cap.reindex(tt["_tid"]).to_numpy("float64"), by_time.reindex(tt["_tid"]).to_numpy("float64")
        )
        tt = tt.assign(_ord=k)[~np.isnan(k)].copy()
        tt["_ord"] = tt["_ord"].astype("int64")
        tt = tt.merge(versions[[*keys, "_ord", "_v", "lineup_status"]], on=[*keys, "_ord"])
        out = tt.merge(self._version_rows, on=[*keys, "_ord"])
        out["player_name"] = out["person_id"].map(self._full_name).astype(str)
        out["is_starter"] = (out["position"] != "").astype(bool)
        # The feed marks a player Inactive when the latest news at the capture says Out, reports or not.
        out["inactive"] = self._out_at(out, "_poll")
        out["confirmed"] = (out["lineup_status"] == "Confirmed").astype(bool)
        out["_avail"] = out["_v"]
        out = self._times(out, tip_ts="_tip", available_at="_avail", as_of_ts="_as_of")
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
            "as_of_ts",
        ]
        out = out.astype({"team_id": "int64", "person_id": "int64"})
        return self._finish(out, cols, ["as_of_ts", "game_id", "team_id", "person_id"], freshness)

    def _out_at(self, rows: pd.DataFrame, instant: str) -> np.ndarray:
        """Per row (game_id, person_id): whether his latest news by the row's `instant` says Out."""
        left = rows[["game_id", "person_id", instant]].assign(_row=np.arange(len(rows)))
        latest = pd.merge_asof(
            left.sort_values(instant, kind="stable"),
            self._news[["game_id", "person_id", "_at", "status"]],
            left_on=instant,
            right_on="_at",
            by=["game_id", "person_id"],
            direction="backward",
        ).sort_values("_row")
        return (latest["status"] == "Out").to_numpy()

    def roster(self, targets: pd.DataFrame, *, freshness: bool = False) -> pd.DataFrame:
        """`SILVER_ROSTER` rows: the player index's players of both teams, captured at the newest slot <= cutoff."""
        t = self._prepare(targets)
        slot, ok = self._slot(t, t["_cut"].to_numpy())
        t = t.assign(_avail=slot)[ok].copy()
        # The index of the season current at the capture (the latest whose schedule is out).
        release = self._season_release.sort_values()
        pos = np.searchsorted(release.to_numpy(), t["_avail"].to_numpy(), side="right") - 1
        t = t[pos >= 0].copy()
        t["_season"] = release.index.to_numpy()[pos[pos >= 0]]
        published = t["_season"].map(self._season_published)
        t = t[
            published.notna().to_numpy() & (t["_avail"].to_numpy() >= published.fillna(0).to_numpy())
        ].copy()
        # Rosters in force on the Eastern date of the capture (the game date: slots lie on it).
        day = pd.Series(_ts(t["_avail"].to_numpy())).dt.tz_convert(EASTERN_NAME).dt.date
        t["_day"] = day.map(date.toordinal).astype("int64").to_numpy()
        t["roster_source_date"] = day.map(date.isoformat).astype(str).to_numpy()
        tt = self._teams(t)
        rosters = self._rostered(tt[["_season", "_day"]].drop_duplicates())
        out = tt.merge(rosters, on=["_season", "_day", "team_id"])
        out = out.merge(self._people, left_on="person_id", right_index=True, how="left")
        out["player_id"] = out["person_id"].astype("int64")
        out = self._times(out, tip_ts="_tip", available_at="_avail", as_of_ts="_as_of")
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
            "as_of_ts",
        ]
        out = out.astype({"team_id": "int64"})
        return self._finish(out, cols, ["as_of_ts", "game_id", "team_id", "player_id"], freshness)

    def _rostered(self, keys: pd.DataFrame) -> pd.DataFrame:
        """Who the player index lists per (season, day) (payloads._rostered): one spell per player, the last listed."""
        r = self._rosters.merge(keys, left_on="season", right_on="_season")
        day = r["_day"].to_numpy()
        on = r[(r["_from"].to_numpy() <= day) & (r["_to"].to_numpy() >= day)]
        on = on.sort_values(["_season", "_day", "_row"], kind="stable")
        on = on.drop_duplicates(["_season", "_day", "person_id"], keep="last")
        return on[["_season", "_day", "team_id", "person_id"]]

    # ------------------------------------------------------------------ injuries

    def _newest_report(self, t: pd.DataFrame, ts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per target, the newest report at or before ts that covers its game (stamped the day before or on it)."""
        idx = np.searchsorted(self._reports, ts, side="right") - 1
        ok = idx >= 0
        idx = np.where(ok, idx, 0)
        day = self._report_day[idx]
        game_day = t["game_date"].to_numpy()
        ok &= (day >= game_day - timedelta(days=1)) & (day <= game_day)
        return self._reports[idx], ok

    def _report_name_of(self, stamps: pd.Series) -> pd.Series:
        for value in stamps.unique():
            if int(value) not in self._report_names:
                i = int(np.searchsorted(self._reports, value))
                self._report_names[int(value)] = report_file_name(self._report_stamps[i])
        return stamps.map(self._report_names).astype(str)

    def injuries(self, targets: pd.DataFrame, *, freshness: bool = False) -> pd.DataFrame:
        """`SILVER_INJURIES` rows (without match_method): each filed team's list on the newest report by the cutoff."""
        t = self._prepare(targets)
        report, ok = self._newest_report(t, t["_cut"].to_numpy())
        t = t.assign(_report=report)[ok].reset_index(drop=True)
        t["_tid"] = np.arange(len(t))
        left = t[["_tid", "game_id", "_report"]].merge(self._news_people, on="game_id")
        left = left.sort_values("_report", kind="stable")
        rows = pd.merge_asof(
            left,
            self._news,
            left_on="_report",
            right_on="_at",
            by=["game_id", "team_id", "person_id"],
            direction="backward",
        )
        rows = rows[rows["_at"].notna()].copy()
        filed = self._filed.reindex(pd.MultiIndex.from_arrays([rows["game_id"], rows["team_id"]])).to_numpy()
        rows = rows[rows["_report"].to_numpy() >= filed]
        out = rows[["_tid", "team_id", "person_id", "status", "reason"]].merge(t, on="_tid")
        out["team_tricode"] = out["team_id"].map(self._tricode).astype(str)
        out["player_name"] = out["person_id"].map(self._report_name).astype(str)
        out["player_id"] = pd.array(out["person_id"].astype("int64"), dtype="Int64")
        out["report_name"] = self._report_name_of(out["_report"])
        out["game_date"] = out["game_date"].map(date.isoformat).astype(str)
        out["_avail"] = out["_report"]
        out = self._times(out, tip_ts="_tip", report_ts="_report", available_at="_avail", as_of_ts="_as_of")
        cols = [
            "game_id",
            "game_date",
            "tip_ts",
            "team_tricode",
            "player_name",
            "player_id",
            "status",
            "reason",
            "report_ts",
            "report_name",
            "available_at",
            "as_of_ts",
        ]
        return self._finish(out, cols, ["as_of_ts", "game_id", "team_tricode", "player_name"], freshness)

    def injury_pending(self, targets: pd.DataFrame) -> pd.DataFrame:
        """The snapshot's `pending`: teams NOT YET SUBMITTED on the newest report listing the game by the cutoff.

        As in `injury_snapshot`, "newest" is among reports in which the game has rows: when both
        teams have filed and neither lists anyone, the game is absent from the report and an older
        one (possibly still showing a team not yet submitted) answers.
        """
        t = self._prepare(targets)
        report, ok = self._newest_report(t, t["_cut"].to_numpy())
        t = t.assign(_report=report)[ok].reset_index(drop=True)
        tt = self._teams(t)
        idx = pd.MultiIndex.from_arrays([tt["game_id"], tt["team_id"].astype("int64")])
        tt["_filed"] = self._filed.reindex(idx).to_numpy()
        tt["_first_news"] = (
            self._first_news.reindex(idx).fillna(np.iinfo(np.int64).max).astype("int64").to_numpy()
        )
        per_game = tt.groupby(["game_id", "_as_of"], as_index=False).agg(
            _a=("_filed", "max"), _b=("_first_news", "min")
        )
        tt = tt.merge(per_game, on=["game_id", "_as_of"])
        r = tt["_report"].to_numpy()
        absent = (tt["_a"].to_numpy() <= r) & (r < tt["_b"].to_numpy())
        older, older_ok = self._newest_report(tt, tt["_a"].to_numpy() - 1)
        game_report = np.where(absent, older, r)
        keep = (~absent | older_ok) & (game_report < tt["_filed"].to_numpy())
        out = tt[keep].copy()
        out["_report"] = game_report[keep]
        out = self._times(out, report_ts="_report", as_of_ts="_as_of")
        out["team_id"] = out["team_id"].astype("int64")
        cols = ["game_id", "team_id", "team_tricode", "report_ts", "as_of_ts"]
        return out.sort_values(["as_of_ts", "game_id", "team_tricode"], kind="stable")[cols].reset_index(
            drop=True
        )

    # ------------------------------------------------------------------ helpers

    def horizon_targets(
        self, game_ids: Iterable[str] | None = None, horizons: Sequence[str] = ("tip-2h", "last")
    ) -> pd.DataFrame:
        """`horizon_targets` for the league's games (all of them, or `game_ids`)."""
        games = self._games if game_ids is None else self._games.loc[[str(g) for g in game_ids]]
        return horizon_targets(games, self._slots, horizons)


def league_labels(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """What the label assets make of the league's final box scores (`core.labels`' columns used by models).

    The label path (payload -> parser -> `core.labels.game_labels`) gives the
    same minutes, starters, stats and DraftKings points (pinned by the label
    tests); this is its fast equivalent for evaluating models on whole seasons.
    """
    box = tables["box_scores"]
    out = pd.DataFrame(
        {
            "game_id": box["game_id"].astype(str),
            "game_date": box["game_date"].astype(str),
            "team_id": box["team_id"].astype("int64"),
            "opponent_team_id": box["opp_team_id"].astype("int64"),
            "is_home": box["is_home"].astype(bool),
            "player_id": box["person_id"].astype("int64"),
            "starter": box["starter"].astype(bool),
            "played": box["played"].astype(bool),
            "status": np.where(box["available"], "ACTIVE", "INACTIVE"),
            "not_playing_reason": box["not_playing_reason"].fillna("").astype(str),
            "minutes": (box["seconds"] / 60.0).astype("float64"),
            "dk_pts": box["dk_pts"].astype("float64"),
        }
    )
    for stat in ("pts", "reb", "ast", "stl", "blk", "tov", "fg3m", "fg2a", "fg3a", "fta", "oreb", "dreb"):
        out[stat] = box[stat].astype("int64")
    return out.sort_values(["game_date", "game_id", "team_id", "player_id"]).reset_index(drop=True)
