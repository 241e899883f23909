"""Contracts of the gold tables: minutes features, training sets, model metrics and projections."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from projections_assets.contracts import register
from projections_assets.contracts.rules import ROWS_PER_TEAM_GAME
from projections_assets.core.features import FEATURE_COLUMNS, ID_COLUMNS
from projections_assets.core.lock import LOCK_PREFIX, MODEL_FIELDS
from projections_assets.nba.calendar import UTC_TS as TS
from projections_assets.platform.contracts import ContractRule, TableContract
from projections_assets.platform.lake import TableRef

TEAM_MINUTES_RANGE = (235.0, 245.0)

CHECK_QUANTILE_ORDER = "quantile_order"
CHECK_TEAM_MINUTES = "team_minutes_reconciled"
CHECK_MODEL_RECORDED = "model_run_recorded"


def _column(dtype: str) -> pa.Column:
    if dtype == "str":
        return pa.Column(str)
    if dtype == "category":
        return pa.Column(nullable=True)
    return pa.Column(dtype, nullable=dtype.startswith("float"))


_feature_columns = {
    **{name: _column(dtype) for name, dtype in ID_COLUMNS.items()},
    **{name: _column(dtype) for name, dtype in FEATURE_COLUMNS.items()},
    "available_at": pa.Column(TS),
}

MINUTES_FEATURES = register(
    TableContract(
        table=TableRef("gold", "minutes_features"),
        schema=pa.DataFrameSchema(_feature_columns, strict=True),
        keys=("game_id", "player_id"),
        tip_column="tip_ts",
        allow_empty=True,
        description="Minutes features per rostered player and game of the slate, as known at the slot.",
        rules=(ROWS_PER_TEAM_GAME,),
    )
)

MINUTES_TRAINING_SET = register(
    TableContract(
        table=TableRef("gold", "minutes_training_set"),
        schema=pa.DataFrameSchema(
            {
                **_feature_columns,
                "horizon": pa.Column(str, pa.Check.isin(["tip-2h", "last"])),
                "minutes": pa.Column("float64", pa.Check.in_range(0, 70)),
                "played": pa.Column(bool),
            },
            strict=True,
        ),
        keys=("game_id", "player_id", "horizon"),
        tip_column="tip_ts",
        description="Feature rows at each game's horizons (last slot <= tip - 2h, last slot before tip) with labels.",
        rules=(ROWS_PER_TEAM_GAME,),
    )
)

MINUTES_MODEL_METRICS = register(
    TableContract(
        table=TableRef("gold", "minutes_model"),
        schema=pa.DataFrameSchema(
            {
                "model_run_id": pa.Column(str),
                "split": pa.Column(str),
                "metric": pa.Column(str),
                "value": pa.Column("float64"),
            },
            strict=True,
        ),
        keys=("split", "metric"),
        asof_column=None,
        description="Holdout metrics of a trained minutes model (its artifacts live under models/minutes/run=...).",
    )
)


def _quantile_disorder(df: pd.DataFrame) -> pd.DataFrame:
    return df[(df["p10"] > df["p50"] + 1e-9) | (df["p50"] > df["p90"] + 1e-9) | (df["p10"] < 0)]


def _team_minutes_off(df: pd.DataFrame) -> pd.DataFrame:
    sums = df.groupby(["game_id", "team_id"])["exp_minutes"].sum().rename("team_minutes").reset_index()
    lo, hi = TEAM_MINUTES_RANGE
    return sums[(sums["team_minutes"] < lo) | (sums["team_minutes"] > hi)]


def _no_model(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["model_run_id"].isna() | (df["model_run_id"].astype(str) == "")]


MINUTES_PROJECTIONS = register(
    TableContract(
        table=TableRef("gold", "minutes_projections"),
        schema=pa.DataFrameSchema(
            {
                "game_id": pa.Column(str),
                "game_date": pa.Column(str),
                "tip_ts": pa.Column(TS),
                "as_of_ts": pa.Column(TS),
                "team_id": pa.Column("int64"),
                "player_id": pa.Column("int64"),
                "player_name": pa.Column(str),
                "status": pa.Column(str),
                "role": pa.Column(str, pa.Check.isin(["starter", "rotation", "bench"])),
                "p10": pa.Column("float64", pa.Check.in_range(0, 48)),
                "p50": pa.Column("float64", pa.Check.in_range(0, 48)),
                "p90": pa.Column("float64", pa.Check.in_range(0, 48)),
                "play_prob": pa.Column("float64", pa.Check.in_range(0, 1)),
                "exp_minutes": pa.Column("float64", pa.Check.in_range(0, 48)),
                "team_sum_raw": pa.Column("float64"),
                "sanity_flag": pa.Column(bool),
                "model_run_id": pa.Column(str),
                "available_at": pa.Column(TS),
            },
            strict=True,
        ),
        keys=("game_id", "player_id"),
        tip_column="tip_ts",
        allow_empty=True,
        description="Minutes p10/p50/p90 (if he plays), play probability and reconciled expected minutes.",
        rules=(
            ContractRule(
                CHECK_QUANTILE_ORDER, "0 <= p10 <= p50 <= p90 for every player.", _quantile_disorder
            ),
            ContractRule(
                CHECK_TEAM_MINUTES,
                f"Each team's expected minutes sum to within {TEAM_MINUTES_RANGE} after reconciliation.",
                _team_minutes_off,
            ),
            ContractRule(CHECK_MODEL_RECORDED, "Every row names the model run that scored it.", _no_model),
            ROWS_PER_TEAM_GAME,
        ),
    )
)


MINUTES_EVALUATION = register(
    TableContract(
        table=TableRef("gold", "minutes_evaluation"),
        schema=pa.DataFrameSchema(
            {
                "game_date": pa.Column(str),
                "horizon": pa.Column(str),
                "predictor": pa.Column(str),
                "role": pa.Column(str),
                "metric": pa.Column(str),
                "value": pa.Column("float64", nullable=True),
            },
            strict=True,
        ),
        keys=("horizon", "predictor", "role", "metric"),
        asof_column=None,
        allow_empty=True,
        description="Minutes accuracy of a game date: model, oracle and naive baselines, by horizon and role.",
    )
)

MINUTES_WHAT_IF = register(
    TableContract(
        table=TableRef("gold", "minutes_what_if"),
        schema=pa.DataFrameSchema(
            {
                "game_id": pa.Column(str),
                "player_id": pa.Column("int64"),
                "player_name": pa.Column(str),
                "team_id": pa.Column("int64"),
                "status_early": pa.Column(str),
                "status_late": pa.Column(str),
                "p50_early": pa.Column("float64"),
                "p50_late": pa.Column("float64"),
                "exp_minutes_early": pa.Column("float64"),
                "exp_minutes_late": pa.Column("float64"),
                "play_prob_early": pa.Column("float64"),
                "play_prob_late": pa.Column("float64"),
                "minutes": pa.Column("float64", nullable=True),
                "played": pa.Column("boolean", nullable=True),
                "delta_exp_minutes": pa.Column("float64"),
                "status_changed": pa.Column(bool),
            },
            strict=True,
        ),
        keys=("game_id", "player_id"),
        asof_column=None,
        allow_empty=True,
        description="Projections at tip - 2 h vs the last slot before tip: each player's change and the outcome.",
    )
)


CHECK_LOCKED_GAMES_KEEP_THEIR_LOCK = "locked_games_use_their_lock_record"

SLOT_MODELS = register(
    TableContract(
        table=TableRef("gold", "slot_models"),
        schema=pa.DataFrameSchema(
            {
                "game_date": pa.Column(str),
                "as_of_ts": pa.Column(TS),
                "game_id": pa.Column(str),
                "tip_ts": pa.Column(TS),
                "locked": pa.Column(bool),
                **{name: pa.Column(str, pa.Check.str_length(min_value=1)) for name in MODEL_FIELDS},
                "models_of": pa.Column(str),
            },
            strict=True,
        ),
        keys=("game_id",),
        asof_column=None,
        allow_empty=True,
        description=(
            "The model runs that score each game of the slot: the slot's own (recorded by its first run, "
            "read back by reruns) or, for a game tipped by the slot, those of its lock record."
        ),
        rules=(
            ContractRule(
                CHECK_LOCKED_GAMES_KEEP_THEIR_LOCK,
                "A game tipped at or before the slot is scored with its lock record's models.",
                lambda df: df[df["locked"] != df["models_of"].str.startswith(LOCK_PREFIX)],
            ),
        ),
    )
)
