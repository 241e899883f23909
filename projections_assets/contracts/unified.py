"""Contracts of the ownership tables and the unified projections of a slot."""

from __future__ import annotations

import pandera.pandas as pa

from projections_assets.contracts import register
from projections_assets.core import unified
from projections_assets.core.ownership_model import FEATURES
from projections_assets.core.what_changed import GROUPS
from projections_assets.nba.calendar import UTC_TS as TS
from projections_assets.platform.contracts import ContractRule, TableContract
from projections_assets.platform.lake import TableRef

CHECK_EVERY_DRAFTABLE_ONCE = "every_draftable_once"
CHECK_QUANTILES_ORDERED = "quantiles_ordered"
CHECK_OWNERSHIP_TOTAL = "ownership_total_per_group"
CHECK_NOTHING_MISSING = "nothing_missing_for_available"
CHECK_OUT_AT_ZERO = "ruled_out_at_zero"
CHECK_OUT_OF_SAMPLE = "projections_out_of_sample"

_PERCENT = pa.Check.in_range(0, 100)

OWNERSHIP_TRAINING_SET = register(
    TableContract(
        table=TableRef("gold", "ownership_training_set"),
        schema=pa.DataFrameSchema(
            {
                "game_date": pa.Column(str),
                "as_of_ts": pa.Column(TS),
                "lock_ts": pa.Column(TS),
                "draft_group_id": pa.Column("int64"),
                "player_id": pa.Column("int64"),
                "game_id": pa.Column(str),
                "team_id": pa.Column("int64"),
                "dk_position": pa.Column(str),
                **{f: pa.Column("float64") for f in FEATURES if f.startswith("is_") is False},
                **{f: pa.Column("int64") for f in FEATURES if f.startswith("is_")},
                "ruled_out": pa.Column(bool),
                "listed": pa.Column(bool),
                "ownership": pa.Column("float64", _PERCENT),
                "models_trained_through": pa.Column(str),
            },
            strict=True,
        ),
        keys=("draft_group_id", "player_id"),
        asof_column=None,
        description=(
            "Each past draft group's players as projected live at the last slot before its lock (the lake's "
            "own out-of-sample projections) with their actual ownership in percent (0 when not listed)."
        ),
        rules=(
            ContractRule(
                CHECK_OUT_OF_SAMPLE,
                "Every row's projections came from models trained only on dates before its game_date.",
                lambda df: df[df["models_trained_through"] >= df["game_date"]],
            ),
        ),
    )
)

OWNERSHIP_MODEL_METRICS = register(
    TableContract(
        table=TableRef("gold", "ownership_model"),
        schema=pa.DataFrameSchema(
            {
                "model_run_id": pa.Column(str),
                "split": pa.Column(str),
                "metric": pa.Column(str),
                "value": pa.Column("float64", nullable=True),
            },
            strict=True,
        ),
        keys=("split", "metric"),
        asof_column=None,
        description=(
            "The trained ownership model's held-out figures: mean within-group Spearman and MAE beside the "
            "value, salary and projection rankings (the model itself sits in the run's model directory)."
        ),
    )
)

OWNERSHIP_PROJECTIONS = register(
    TableContract(
        table=TableRef("gold", "ownership_projections"),
        schema=pa.DataFrameSchema(
            {
                "game_date": pa.Column(str),
                "as_of_ts": pa.Column(TS),
                "draft_group_id": pa.Column("int64"),
                "dk_player_id": pa.Column("int64"),
                "player_id": pa.Column("int64"),
                "salary": pa.Column("float64"),
                "dk_mean": pa.Column("float64"),
                "value": pa.Column("float64"),
                "ruled_out": pa.Column(bool),
                "ownership": pa.Column("float64", _PERCENT),
                "ownership_model": pa.Column(str),
            },
            strict=True,
        ),
        keys=("draft_group_id", "dk_player_id"),
        asof_column=None,
        allow_empty=True,
        description=(
            "Projected DraftKings ownership in percent per draft group and player: 800% per classic group, "
            "0 for a player ruled out; `ownership_model` names the model run (or the value prior before any "
            "model is promoted)."
        ),
        rules=(
            ContractRule(
                CHECK_OWNERSHIP_TOTAL, "Each group's ownership sums to 800%.", unified.ownership_total_off
            ),
        ),
    )
)


_float = {
    name: pa.Column("float64", nullable=True)
    for name in ("fppg", *unified.PROJECTION_COLUMNS, *(f"{g}_age_minutes" for g in unified.INPUT_GROUPS))
}
_columns = {
    "game_date": pa.Column(str),
    "as_of_ts": pa.Column(TS),
    "draft_group_id": pa.Column("int64"),
    "slate": pa.Column(str),
    "lock_ts": pa.Column(TS),
    "draftable_id": pa.Column("int64"),
    "dk_player_id": pa.Column("int64"),
    "player_id": pa.Column("Int64", nullable=True),
    "name": pa.Column(str),
    "team": pa.Column(str),
    "team_id": pa.Column("Int64", nullable=True),
    "opponent": pa.Column(str),
    "home_team": pa.Column(str),
    "competition_id": pa.Column("int64"),
    "game_id": pa.Column(str),
    "tip_ts": pa.Column(TS),
    "dk_position": pa.Column(str),
    "roster_slots": pa.Column(str),
    "salary": pa.Column("int64"),
    "status": pa.Column(str),
    "reason": pa.Column(str),
    "dk_status": pa.Column(str),
    "role": pa.Column(str),
    "locked": pa.Column(bool),
    **{f"{g}_ts": pa.Column(TS, nullable=True) for g in unified.INPUT_GROUPS},
    **{name: pa.Column(str) for name in unified.MODEL_COLUMNS},
    **_float,
}

UNIFIED_PROJECTIONS = register(
    TableContract(
        table=TableRef("gold", "unified_projections"),
        schema=pa.DataFrameSchema({c: _columns[c] for c in unified.UNIFIED_COLUMNS}, strict=True),
        keys=("draft_group_id", "dk_player_id"),
        asof_column=None,
        allow_empty=True,
        description=(
            "One row per DraftKings draft group and draftable player: salary, status, minutes band, DK points "
            "mean, SD and quantiles, P(5x value), ownership, value, the as-of time and age of every input and "
            "the run of every model used."
        ),
        rules=(
            ContractRule(
                CHECK_EVERY_DRAFTABLE_ONCE,
                "Every draftable player of each group appears exactly once.",
                unified.duplicate_draftables,
            ),
            ContractRule(
                CHECK_QUANTILES_ORDERED,
                "Minutes p10 <= p50 <= p90 and DK points p10 <= ... <= p99.",
                unified.disordered_quantiles,
            ),
            ContractRule(
                CHECK_OWNERSHIP_TOTAL, "Each group's ownership sums to 800%.", unified.ownership_total_off
            ),
            ContractRule(
                CHECK_NOTHING_MISSING,
                "No projection value is missing for a player able to play.",
                unified.missing_for_available,
            ),
            ContractRule(
                CHECK_OUT_AT_ZERO,
                "A player ruled Out has 0 minutes and DK points, and 0 ownership until his group locks.",
                unified.out_not_zero,
            ),
        ),
    )
)

CHECK_PARTS_SUM = "parts_sum_to_total"


def _parts_off(df):
    sums = df.groupby("player_id").agg(parts=("part", "sum"), total=("total", "first"))
    bad = sums[(sums["parts"] - sums["total"]).abs() > 1e-9].index
    return df[df["player_id"].isin(bad)]


WHAT_CHANGED = register(
    TableContract(
        table=TableRef("gold", "what_changed"),
        schema=pa.DataFrameSchema(
            {
                "game_date": pa.Column(str),
                "as_of_ts": pa.Column(TS),
                "base_as_of_ts": pa.Column(TS),
                "player_id": pa.Column("int64"),
                "player_name": pa.Column(str),
                "team": pa.Column(str),
                "game_id": pa.Column(str),
                "group": pa.Column(str, pa.Check.isin(list(GROUPS))),
                "order": pa.Column("int64"),
                "part": pa.Column("float64"),
                "base_mean": pa.Column("float64"),
                "current_mean": pa.Column("float64"),
                "total": pa.Column("float64"),
                "detail": pa.Column(str),
                "base_models": pa.Column(str),
                "current_models": pa.Column(str),
            },
            strict=True,
        ),
        keys=("player_id", "group"),
        asof_column=None,
        allow_empty=True,
        description=(
            "Every player whose DK mean moved by 0.5+ since the previous report slot (recomputed from its "
            "inputs), the change split among input groups in a fixed order; the parts sum to the change."
        ),
        rules=(ContractRule(CHECK_PARTS_SUM, "Each player's parts sum exactly to his change.", _parts_off),),
    )
)
