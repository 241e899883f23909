"""Generate a whole league: run the seasons, derive the market, assemble tables.

`generate_league(seed)` returns a `League` (tables as DataFrames plus the
in-memory knowledge the oracle replays); `write_league` stores the tables as
parquet, one file per table, byte-identical for a given seed and parameters.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from projections_assets.nba.calendar import UTC_TS

from .knowledge import GameKnowledge
from .market import contests, draft_groups, odds_quotes, salaries
from .params import LeagueParams
from .players import players_frame
from .schedule import season_schedule, season_start_years, teams_frame
from .season import LeagueSimulator

# Table name -> one-line description (also the parquet file stem).
TABLES: dict[str, str] = {
    "teams": "the 30 teams: NBA ids, tricodes, names, arenas, DraftKings team ids",
    "players": "every player ever rostered: person id, names, positions, DK position, bio",
    "rosters": "roster spells: team, player, contract type, from/to dates, how acquired",
    "transactions": "trades, 10-day signings and expiries, with the time they were announced",
    "games": "schedule and results: ids, tip times, teams, arena, scores, overtimes",
    "box_scores": "one row per listed player and game: availability, seconds, counts, +/-, DK points",
    "injury_news": "every injury-report listing change (player, status, reason, available_at)",
    "injury_filings": "per team and game: when the team filed, and its update times (truth)",
    "availability_paths": "truth: P(available) for each player-game as knowledge evolved",
    "lineups": "projected ('Expected') and confirmed starting lineups with publication times",
    "odds": "spread/total/moneyline quotes per game and bookmaker with quote times",
    "draft_groups": "DraftKings classic draft groups per date (Main, Early, Late, All Day) and locks",
    "draft_group_games": "which games belong to which draft group",
    "salaries": "DraftKings salary per player and date, set the day before from recent form",
    "ownership": "contest ownership per draft group and player (sums to 8 per group)",
    "contest_standings": "the top 50 lineups of each draft group's contest with their points",
}


@dataclass
class League:
    """A generated league: its tables and the oracle's replay material."""

    seed: int
    params: LeagueParams
    tables: dict[str, pd.DataFrame]
    knowledge: list[GameKnowledge]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def _ts(values: pd.Series | list[int]) -> pd.Series:
    """Epoch seconds -> timezone-aware UTC timestamps (microsecond unit, stable in parquet)."""
    return pd.to_datetime(pd.Series(values, dtype="Int64"), unit="s", utc=True).astype(UTC_TS)


def generate_league(
    seed: int,
    seasons: int | None = None,
    params: LeagueParams | None = None,
    progress: Callable[[str], None] | None = None,
    with_contests: bool = True,
) -> League:
    """Simulate `seasons` regular seasons (default: the params' 3, ending 2025-26)."""
    params = params or LeagueParams()
    if seasons is not None:
        params = replace(params, seasons=seasons)
    say = progress or (lambda _m: None)
    sim = LeagueSimulator(params, seed, say)
    rec = sim.run()

    years = season_start_years(params.seasons, params.last_season_start_year)
    schedule = pd.concat([season_schedule(y, i) for i, y in enumerate(years)], ignore_index=True)
    results = pd.DataFrame(rec.games)
    games = schedule.merge(results, on="game_id", how="left")
    games["end_ts"] = _ts(games["end_ts"])
    games["game_status"] = 3

    box = pd.DataFrame(rec.box)
    box = box.merge(games[["game_id", "season"]], on="game_id", how="left")

    news = pd.DataFrame(rec.news)
    news["available_at"] = _ts(news["available_at"])
    news = news.sort_values(["available_at", "game_id", "team_id", "person_id"], kind="stable").reset_index(
        drop=True
    )
    filings = pd.DataFrame(rec.filings)
    for c in [c for c in filings.columns if c.endswith("_ts")]:
        filings[c] = _ts(filings[c])
    lineups = pd.DataFrame(rec.lineups)
    lineups["available_at"] = _ts(lineups["available_at"])
    transactions = pd.DataFrame(rec.transactions)
    if len(transactions):
        transactions["available_at"] = _ts(transactions["available_at"])
        for c in ("from_team_id", "to_team_id"):
            transactions[c] = transactions[c].astype("Int64")
    rosters = pd.DataFrame(rec.rosters)

    paths = []
    for gk in rec.knowledge:
        for s in range(2):
            for k, path in enumerate(gk.p_paths[s]):
                pid = int(gk.setup.person_id[s, k])
                paths += [(gk.game_id, pid, t, p) for t, p in path]
    avail_paths = pd.DataFrame(paths, columns=["game_id", "person_id", "as_of_ts", "p_available"])
    avail_paths["as_of_ts"] = _ts(avail_paths["as_of_ts"])
    say("odds")
    odds = odds_quotes(rec.knowledge, params, seed)
    odds["available_at"] = _ts(odds["available_at"])

    players = players_frame(sim.pool)
    say("draft groups and salaries")
    groups, group_games = draft_groups(games, seed)
    sal = salaries(box, games, players, seed)
    tables: dict[str, pd.DataFrame] = {
        "teams": teams_frame(),
        "players": players,
        "rosters": rosters,
        "transactions": transactions,
        "games": games,
        "box_scores": box,
        "injury_news": news,
        "injury_filings": filings,
        "availability_paths": avail_paths,
        "lineups": lineups,
        "odds": odds,
        "draft_groups": groups,
        "draft_group_games": group_games,
        "salaries": sal,
    }
    if with_contests:
        say("contests")
        own, standings = contests(groups, group_games, sal, box, rec.knowledge, params, seed, say)
        tables["ownership"] = own
        tables["contest_standings"] = standings
    return League(
        seed=seed,
        params=params,
        tables={k: v.reset_index(drop=True) for k, v in tables.items()},
        knowledge=rec.knowledge,
    )


def write_league(league: League, out_dir: Path) -> list[Path]:
    """Write each table as `<out_dir>/<name>.parquet`, then the completeness marker; returns the tables' paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, df in league.tables.items():
        path = out_dir / f"{name}.parquet"
        df.to_parquet(path, index=False)
        paths.append(path)
    # Last, so a reader (and `ensure_league`) never takes a half-written directory for a league.
    (out_dir / COMPLETE_MARKER).write_text(
        json.dumps({"seed": league.seed, "seasons": league.params.seasons, "tables": sorted(league.tables)})
    )
    return paths


# The marker a complete league directory carries; written last, so a killed writer leaves none.
COMPLETE_MARKER = "_league.json"


def read_league_tables(league_dir: Path) -> dict[str, pd.DataFrame]:
    """The tables `write_league` wrote to `league_dir` (only a complete directory is read)."""
    if not (league_dir / COMPLETE_MARKER).exists():
        raise FileNotFoundError(f"{league_dir} holds no complete league (no {COMPLETE_MARKER})")
    paths = {name: league_dir / f"{name}.parquet" for name in TABLES}
    return {name: pd.read_parquet(path) for name, path in paths.items() if path.exists()}


def ensure_league(
    seed: int,
    league_dir: Path,
    seasons: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Generate the league of `seed` into `league_dir` unless a complete one is already there.

    Generation writes to a sibling temporary directory that is renamed into
    place, so concurrent callers and killed runs never leave a half league.
    """
    if (league_dir / COMPLETE_MARKER).exists():
        return league_dir
    league = generate_league(seed, seasons=seasons, progress=progress)
    league_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{league_dir.name}-", dir=league_dir.parent))
    try:
        write_league(league, tmp)
        try:
            os.rename(tmp, league_dir)
        except OSError:
            # Another process finished first: its league is the same bytes (same seed).
            if not (league_dir / COMPLETE_MARKER).exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return league_dir
