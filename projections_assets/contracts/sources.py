"""Contracts of the bronze tables: every source capture, parsed, with its provenance.

Bronze tables are the parser's columns plus the capture's provenance (where
the bytes came from, their content hash and stored blob, when they were
captured and when their information existed). Their schemas are derived from
the parsers' column maps so a parser change and its contract cannot drift
apart.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandera.pandas as pa

from projections_assets.contracts import register
from projections_assets.nba.calendar import UTC_TS as TS
from projections_assets.parsers import (
    boxscore,
    contest_standings,
    draftables,
    lineups,
    odds,
    roster,
    schedule,
)
from projections_assets.parsers.errors import DATE, UTC_TS
from projections_assets.platform.contracts import TableContract
from projections_assets.platform.lake import TableRef

# Every timestamp in the lake is microsecond UTC (parquet's native unit, stable across readers).

PROVENANCE_COLUMNS: dict[str, str] = {
    "source_url": "str",
    "content_sha256": "str",
    "blob_path": "str",
    "captured_at": TS,
    "available_at": TS,
}


def _column(dtype: str, nullable: bool = True) -> pa.Column:
    if dtype == DATE:
        return pa.Column(object, nullable=nullable)
    if dtype in (UTC_TS, TS):
        return pa.Column(TS, nullable=nullable)
    if dtype == "str":
        return pa.Column(str, nullable=nullable)
    return pa.Column(dtype, nullable=nullable)


def _bronze_schema(parsed: Mapping[str, str], extra: Mapping[str, str] | None = None) -> pa.DataFrameSchema:
    columns = {name: _column(dtype) for name, dtype in {**parsed, **(extra or {})}.items()}
    for name in PROVENANCE_COLUMNS:
        columns[name] = _column(PROVENANCE_COLUMNS[name], nullable=False)
    return pa.DataFrameSchema(columns, strict=True)


def _bronze(name: str, parsed: Mapping[str, str], keys: tuple[str, ...], description: str, **extra: str):
    return register(
        TableContract(
            table=TableRef("bronze", name),
            schema=_bronze_schema(parsed, extra),
            keys=keys,
            allow_empty=True,
            description=description,
        )
    )


INJURY_REPORT_COLUMNS: dict[str, str] = {
    "report_ts": TS,
    "report_name": "str",
    "row_index": "int64",
    "game_date": "str",
    "game_time_et": "str",
    "game_time_raw": "str",
    "matchup": "str",
    "team": "str",
    "player_name": "str",
    "status": "str",
    "reason": "str",
    "page": "int64",
}

BRONZE_INJURY_REPORTS = _bronze(
    "injury_reports",
    INJURY_REPORT_COLUMNS,
    ("report_ts", "row_index"),
    "Rows of every official injury report stamped in the slot's window (S - 15 min, S].",
)
BRONZE_SCHEDULE = _bronze(
    "schedule",
    schedule.SCHEDULE_COLUMNS,
    ("captured_at", "game_id"),
    "Schedule rows of the games around the partition's date, as captured for the slot.",
)
BRONZE_ODDS = _bronze(
    "odds",
    odds.ODDS_COLUMNS,
    ("captured_at", "event_id", "bookmaker_key", "market_key", "outcome_name"),
    "Every bookmaker quote (h2h, spreads, totals) of the date's games, as captured for the slot.",
)
BRONZE_ROSTERS = _bronze(
    "rosters",
    roster.PLAYERINDEX_COLUMNS,
    ("captured_at", "player_id"),
    "The league's player index (every player, team, position), as captured for the slot.",
)
BRONZE_LINEUPS = _bronze(
    "lineups",
    lineups.LINEUP_COLUMNS,
    ("captured_at", "game_id", "person_id"),
    "Projected and confirmed starting lineups of the date's games, as captured for the slot.",
)
# What the lobby adds to each draftable: the group's type, slate suffix and lock.
DRAFTABLES_EXTRA: dict[str, str] = {"lobby_game_type": "str", "lobby_suffix": "str", "lock_ts": TS}

BRONZE_DRAFTABLES = _bronze(
    "draftables",
    draftables.DRAFTABLE_COLUMNS,
    ("captured_at", "draft_group_id", "draftable_id"),
    "DraftKings draftables (player x roster slot, salary, status) of the date's classic draft groups.",
    **DRAFTABLES_EXTRA,
)
BRONZE_CONTEST_STANDINGS = _bronze(
    "contest_standings",
    {"draft_group_id": "int64", **contest_standings.OWNERSHIP_COLUMNS},
    ("draft_group_id", "player_name", "roster_position"),
    "Each classic draft group's contest standings: every drafted player's %Drafted and fantasy points.",
)
BRONZE_BOXSCORES = _bronze(
    "boxscores",
    boxscore.BOXSCORE_COLUMNS,
    ("game_id", "person_id"),
    "Final box scores of the date's games (one row per listed player).",
)
