"""Contracts of the rates tables: features, training set, model metrics and projections."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from projections_assets.contracts import register
from projections_assets.contracts.rules import ROWS_PER_TEAM_GAME
from projections_assets.core.rates import PCT_COLUMNS, RATE_COLUMNS
from projections_assets.core.rates_features import LABEL_STATS, RATES_FEATURE_COLUMNS, RATES_ID_COLUMNS
from projections_assets.nba.calendar import UTC_TS as TS
from projections_assets.platform.contracts import ContractRule, TableContract
from projections_assets.platform.lake import TableRef

CHECK_MODEL_RECORDED = "model_run_recorded"
# No NBA player averages more than about 1.2 attempts of any kind per minute: above 3 is a broken model.
MAX_RATE_PER_MINUTE = 3.0


def _column(dtype: str) -> pa.Column:
    if dtype == "str":
        return pa.Column(str)
    if dtype == "category":
        return pa.Column(nullable=True)
    if dtype == TS:
        return pa.Column(TS)
    return pa.Column(dtype, nullable=dtype.startswith("float"))


_feature_columns = {
    **{name: _column(dtype) for name, dtype in RATES_ID_COLUMNS.items()},
    **{name: _column(dtype) for name, dtype in RATES_FEATURE_COLUMNS.items()},
}

RATES_FEATURES = register(
    TableContract(
        table=TableRef("gold", "rates_features"),
        schema=pa.DataFrameSchema(_feature_columns, strict=True),
        keys=("game_id", "player_id"),
        tip_column="tip_ts",
        allow_empty=True,
        description="Rates features per rostered player and game of the slate, as known at the slot.",
        rules=(ROWS_PER_TEAM_GAME,),
    )
)

RATES_TRAINING_SET = register(
    TableContract(
        table=TableRef("gold", "rates_training_set"),
        schema=pa.DataFrameSchema(
            {
                **_feature_columns,
                "horizon": pa.Column(str, pa.Check.isin(["tip-2h", "last"])),
                "minutes": pa.Column("float64", pa.Check.in_range(0, 70)),
                "played": pa.Column(bool),
                **{s: pa.Column("int64", pa.Check.ge(0)) for s in LABEL_STATS},
            },
            strict=True,
        ),
        keys=("game_id", "player_id", "horizon"),
        tip_column="tip_ts",
        description="Rates feature rows at each game's horizons with minutes and the box-score counts.",
        rules=(ROWS_PER_TEAM_GAME,),
    )
)

RATES_MODEL_METRICS = register(
    TableContract(
        table=TableRef("gold", "rates_model"),
        schema=pa.DataFrameSchema(
            {
                "model_run_id": pa.Column(str),
                "split": pa.Column(str, pa.Check.isin(["holdout", "baseline", "current"])),
                "metric": pa.Column(str),
                "value": pa.Column("float64", nullable=True),
            },
            strict=True,
        ),
        keys=("split", "metric"),
        asof_column=None,
        description=(
            "Holdout metrics of a trained rates model, the naive trailing baseline's and the current model's "
            "(its artifacts live under models/rates/run=...)."
        ),
    )
)


def _no_model(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["model_run_id"].isna() | (df["model_run_id"].astype(str) == "")]


RATES_PROJECTIONS = register(
    TableContract(
        table=TableRef("gold", "rates_projections"),
        schema=pa.DataFrameSchema(
            {
                "game_id": pa.Column(str),
                "game_date": pa.Column(str),
                "tip_ts": pa.Column(TS),
                "as_of_ts": pa.Column(TS),
                "team_id": pa.Column("int64"),
                "player_id": pa.Column("int64"),
                "player_name": pa.Column(str),
                **{
                    c: pa.Column("float64", pa.Check.in_range(0, MAX_RATE_PER_MINUTE))
                    for c in RATE_COLUMNS.values()
                },
                **{c: pa.Column("float64", pa.Check.in_range(0, 1)) for c in PCT_COLUMNS.values()},
                "model_run_id": pa.Column(str),
                "available_at": pa.Column(TS),
            },
            strict=True,
        ),
        keys=("game_id", "player_id"),
        tip_column="tip_ts",
        allow_empty=True,
        description="Per-minute rates (2PA, 3PA, FTA, AST, TOV, OREB, DREB, STL, BLK) and make rates per player.",
        rules=(
            ContractRule(CHECK_MODEL_RECORDED, "Every row names the model run that scored it.", _no_model),
            ROWS_PER_TEAM_GAME,
        ),
    )
)
