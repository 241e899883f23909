"""Contracts of the silver tables: each source as known at a partition's run_as_of_ts.

Silver tables are the inputs every model reads, so their schemas are written
out and strict. Each carries `available_at` (checked against min(run_as_of_ts,
tip_ts)) and its freshness: `age_minutes` at run_as_of and `minutes_to_tip`.
"""

from __future__ import annotations

import pandera.pandas as pa

from projections_assets.contracts import register
from projections_assets.contracts.rules import ROWS_PER_TEAM_GAME
from projections_assets.nba.calendar import UTC_TS as TS
from projections_assets.platform.contracts import TableContract
from projections_assets.platform.lake import TableRef

_FRESHNESS = {
    "as_of_ts": pa.Column(TS),
    "available_at": pa.Column(TS),
    "age_minutes": pa.Column("float64", pa.Check.ge(0)),
    "minutes_to_tip": pa.Column("float64"),
}


def _silver(name: str, columns: dict[str, pa.Column], keys: tuple[str, ...], description: str, **kw):
    return register(
        TableContract(
            table=TableRef("silver", name),
            schema=pa.DataFrameSchema({**columns, **_FRESHNESS}, strict=True),
            keys=keys,
            tip_column="tip_ts",
            description=description,
            **kw,
        )
    )


SILVER_SCHEDULE = _silver(
    "schedule_snapshot",
    {
        "game_id": pa.Column(str),
        "game_date": pa.Column(str),
        "tip_ts": pa.Column(TS),
        "home_team_id": pa.Column("int64"),
        "home_tricode": pa.Column(str),
        "away_team_id": pa.Column("int64"),
        "away_tricode": pa.Column(str),
        "game_status": pa.Column("int64"),
    },
    ("game_id",),
    "The date's games and tip times from the newest schedule capture at or before the slot.",
    # An off day (Christmas Eve, the All-Star break) is a valid, empty slate.
    allow_empty=True,
)
SILVER_INJURIES = _silver(
    "injury_snapshot",
    {
        "game_id": pa.Column(str),
        "game_date": pa.Column(str),
        "tip_ts": pa.Column(TS),
        "team_tricode": pa.Column(str),
        "player_name": pa.Column(str),
        "player_id": pa.Column("Int64", nullable=True),
        "match_method": pa.Column(str),
        "status": pa.Column(str, pa.Check.isin(["Out", "Questionable", "Doubtful", "Probable", "Available"])),
        "reason": pa.Column(str, nullable=True),
        "report_ts": pa.Column(TS),
        "report_name": pa.Column(str),
    },
    ("game_id", "team_tricode", "player_name"),
    "Each team's injury list per game from the newest report covering it by min(slot, tip).",
    allow_empty=True,
)
SILVER_ODDS = _silver(
    "odds_snapshot",
    {
        "game_id": pa.Column(str),
        "tip_ts": pa.Column(TS),
        "spread_home": pa.Column("float64", nullable=True),
        # A sanity bound against garbage (a first-half or team total in the wrong column), not realism.
        "total": pa.Column("float64", pa.Check.between(120, 360), nullable=True),
        "home_win_prob": pa.Column("float64", pa.Check.between(0, 1), nullable=True),
        "n_books": pa.Column("int64", pa.Check.ge(1)),
    },
    ("game_id",),
    "Consensus (median over bookmakers) spread, total and home win probability per game.",
    allow_empty=True,
)
SILVER_ROSTER = _silver(
    "roster_snapshot",
    {
        "player_id": pa.Column("int64"),
        "player_name": pa.Column(str),
        "team_id": pa.Column("int64"),
        "team_tricode": pa.Column(str),
        "position": pa.Column(str, nullable=True),
        "game_id": pa.Column(str),
        "tip_ts": pa.Column(TS),
        "roster_source_date": pa.Column(str),
    },
    ("player_id",),
    "Players of every team playing on the date, from the newest player-index capture (fallback recorded).",
    allow_empty=True,
    rules=(ROWS_PER_TEAM_GAME,),
)
SILVER_LINEUPS = _silver(
    "lineups_snapshot",
    {
        "game_id": pa.Column(str),
        "team_id": pa.Column("int64"),
        "person_id": pa.Column("int64"),
        "player_name": pa.Column(str),
        "position": pa.Column(str, nullable=True),
        "is_starter": pa.Column(bool),
        "lineup_status": pa.Column(str),
        "confirmed": pa.Column(bool),
        "inactive": pa.Column(bool),
        "tip_ts": pa.Column(TS),
    },
    ("game_id", "person_id"),
    "Each player's newest projected or confirmed lineup entry by min(slot, tip); `inactive` once the "
    "feed marks him Inactive (ruled out, between injury reports too).",
    allow_empty=True,
)
SILVER_DK_SLATE = _silver(
    "dk_slate",
    {
        "draft_group_id": pa.Column("int64"),
        "slate": pa.Column(str),
        "lock_ts": pa.Column(TS),
        "dk_player_id": pa.Column("int64"),
        "player_dk_id": pa.Column("int64"),
        "draftable_id": pa.Column("int64"),
        "player_id": pa.Column("Int64", nullable=True),
        "match_method": pa.Column(str),
        "display_name": pa.Column(str),
        "position": pa.Column(str),
        "roster_slots": pa.Column(str),
        "salary": pa.Column("int64", pa.Check.in_range(2000, 20000)),
        "status": pa.Column(str),
        "is_out": pa.Column(bool),
        "team_abbrev": pa.Column(str),
        "team_tricode": pa.Column(str),
        "opp_abbrev": pa.Column(str),
        "competition_id": pa.Column("int64"),
        "tip_ts": pa.Column(TS),
        "fppg": pa.Column("float64", nullable=True),
    },
    ("draft_group_id", "dk_player_id"),
    "DraftKings classic draft groups of the date: each player's salary, slots and status, with his player id.",
    allow_empty=True,
)
