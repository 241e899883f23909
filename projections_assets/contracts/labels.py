"""Contracts of the label tables: what actually happened, per game_date."""

from __future__ import annotations

import pandera.pandas as pa

from projections_assets.contracts import register
from projections_assets.core.labels import LABEL_COLUMNS, label_completeness
from projections_assets.nba.calendar import UTC_TS as TS
from projections_assets.platform.contracts import ContractRule, TableContract
from projections_assets.platform.lake import TableRef

CHECK_LABELS_COMPLETE = "labels_complete"


def _column(dtype: str, **kw) -> pa.Column:
    return pa.Column(str if dtype == "str" else dtype, **kw)


_label_columns = {name: _column(dtype) for name, dtype in LABEL_COLUMNS.items()}
_label_columns["minutes"] = pa.Column("float64", pa.Check.in_range(0, 70))
_label_columns["label_version"] = pa.Column("int64", pa.Check.ge(1))

GAME_LABELS = register(
    TableContract(
        table=TableRef("labels", "game_labels"),
        schema=pa.DataFrameSchema(_label_columns, strict=True),
        keys=("game_id", "player_id"),
        allow_empty=True,
        description="Per listed player of every final game: minutes, stats, starter, DraftKings points.",
        rules=(
            ContractRule(
                CHECK_LABELS_COMPLETE,
                "Every final game has both teams, 5 starters each and team minutes of 240 (+25 per OT).",
                lambda df: label_completeness(df).problems,
            ),
        ),
    )
)

OWNERSHIP_LABELS = register(
    TableContract(
        table=TableRef("labels", "ownership_labels"),
        schema=pa.DataFrameSchema(
            {
                "draft_group_id": pa.Column("int64"),
                "player_id": pa.Column("int64"),
                "dk_player_id": pa.Column("int64"),
                "player_name": pa.Column(str),
                "roster_position": pa.Column(str),
                "ownership": pa.Column("float64", pa.Check.in_range(0, 1)),
                "fpts": pa.Column("float64"),
                "available_at": pa.Column(TS),
            },
            strict=True,
        ),
        keys=("draft_group_id", "player_id"),
        allow_empty=True,
        description="Actual DraftKings ownership (fraction of lineups) per classic draft group and player.",
    )
)
