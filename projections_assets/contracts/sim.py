"""Contracts of the sim's tables: its calibration, the worlds of a slot and their per-player summary."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from projections_assets.contracts import register
from projections_assets.core.sim.inputs import CALIBRATION_COLUMNS
from projections_assets.core.sim.storage import WORLD_COLUMNS, WRITE_OPTIONS
from projections_assets.core.sim.summary import QUANTILES, SUMMARY_STATS
from projections_assets.nba.calendar import UTC_TS as TS
from projections_assets.platform.contracts import ContractRule, TableContract
from projections_assets.platform.lake import TableRef

CHECK_WORLD_TEAM_MINUTES = "world_team_minutes"
CHECK_DK_QUANTILE_ORDER = "dk_quantile_order"
CHECK_CALIBRATION_RECORDED = "sim_calibration_recorded"

REGULATION_SECONDS = 240 * 60
OVERTIME_SECONDS = 25 * 60


def _team_minutes_off(df: pd.DataFrame) -> pd.DataFrame:
    """(game, team, world) whose seconds are not 240 minutes plus whole overtimes, or differ from the
    opponent's in the same world."""
    team = df.groupby(["game_id", "team_id", "world"], observed=True)["seconds"].sum().reset_index()
    extra = team["seconds"].astype("int64") - REGULATION_SECONDS
    bad = team[(extra < 0) | (extra % OVERTIME_SECONDS != 0)]
    spread = team.groupby(["game_id", "world"], observed=True)["seconds"].agg(["min", "max", "size"])
    uneven = spread[(spread["min"] != spread["max"]) | (spread["size"] != 2)].reset_index()
    return pd.concat([bad, uneven], ignore_index=True)


SIM_CALIBRATION = register(
    TableContract(
        table=TableRef("gold", "sim_calibration"),
        schema=pa.DataFrameSchema(
            {
                name: pa.Column(str if dtype == "str" else dtype, pa.Check.ge(0) if dtype != "str" else None)
                for name, dtype in CALIBRATION_COLUMNS.items()
            },
            strict=True,
        ),
        keys=("first_date", "last_date"),
        asof_column=None,
        description=(
            "The sim's calibration fitted on training labels and closing lines: game-script residual SD, "
            "shared pace, over-dispersion per stat, blowout shift, overtime rates (JSON in calibration_json)."
        ),
    )
)

SIM_WORLDS = register(
    TableContract(
        table=TableRef("gold", "sim_worlds"),
        schema=pa.DataFrameSchema(
            {
                name: pa.Column(str if dtype == "str" else dtype)
                for name, dtype in {**WORLD_COLUMNS, "game_id": "str"}.items()
            },
            strict=True,
        ),
        keys=("player_id", "world"),
        asof_column=None,
        allow_empty=True,
        # The compact encoding of core.sim.storage: a 10-game slate at 10,000 worlds stays under 16 MB.
        write_options=WRITE_OPTIONS,
        description=(
            "Every non-Out player's simulated box score in each world of the slot: DK points x 4 (dk_q), "
            "seconds played and the scored stats (docs/sim.md documents the bytes per world)."
        ),
        rules=(
            ContractRule(
                CHECK_WORLD_TEAM_MINUTES,
                "In every world each team plays 240 minutes plus 25 per overtime, as its opponent does.",
                _team_minutes_off,
            ),
        ),
    )
)


def _dk_disorder(df: pd.DataFrame) -> pd.DataFrame:
    names = [f"dk_{q}" for q in QUANTILES]
    values = df[names].to_numpy()
    return df[(values[:, 1:] < values[:, :-1] - 1e-9).any(axis=1)]


def _no_calibration(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["calibration_key"].isna() | (df["calibration_key"].astype(str) == "")]


SIM_SUMMARY = register(
    TableContract(
        table=TableRef("gold", "sim_summary"),
        schema=pa.DataFrameSchema(
            {
                "game_id": pa.Column(str),
                "game_date": pa.Column(str),
                "as_of_ts": pa.Column(TS),
                "team_id": pa.Column("int64"),
                "player_id": pa.Column("int64"),
                "role": pa.Column(str),
                "worlds": pa.Column("int64", pa.Check.gt(0)),
                "play_share": pa.Column("float64", pa.Check.in_range(0, 1)),
                "minutes_mean": pa.Column("float64", pa.Check.in_range(0, 68)),
                "dk_mean": pa.Column("float64"),
                "dk_sd": pa.Column("float64", pa.Check.ge(0)),
                "dk_p_zero": pa.Column("float64", pa.Check.in_range(0, 1)),
                **{f"dk_{q}": pa.Column("float64") for q in QUANTILES},
                **{f"{s}_mean": pa.Column("float64", pa.Check.ge(0)) for s in SUMMARY_STATS},
                "salary": pa.Column("Int64", nullable=True),
                "p_value": pa.Column("float64", pa.Check.in_range(0, 1), nullable=True),
                "calibration_key": pa.Column(str),
            },
            strict=True,
        ),
        keys=("game_id", "player_id"),
        asof_column=None,
        allow_empty=True,
        description=(
            "Per simulated player: DK points mean, SD, p10/p25/p50/p75/p90/p99, P(DK points = 0), P(plays), "
            "mean minutes and "
            "stats, and P(DK points >= 5 x salary / 1000) where he has a salary."
        ),
        rules=(
            ContractRule(CHECK_DK_QUANTILE_ORDER, "p10 <= p25 <= ... <= p99 of DK points.", _dk_disorder),
            ContractRule(
                CHECK_CALIBRATION_RECORDED,
                "Every row names the calibration it was simulated with.",
                _no_calibration,
            ),
        ),
    )
)

POINTS_EVALUATION = register(
    TableContract(
        table=TableRef("gold", "points_evaluation"),
        schema=pa.DataFrameSchema(
            {
                "game_date": pa.Column(str),
                "predictor": pa.Column(str),
                "role": pa.Column(str),
                "metric": pa.Column(str),
                "value": pa.Column("float64", nullable=True),
            },
            strict=True,
        ),
        keys=("predictor", "role", "metric"),
        asof_column=None,
        allow_empty=True,
        description=(
            "DK points accuracy of a game date at each game's last slot before tip: MAE of the sim's mean "
            "beside the oracle, the last-5 and season-average baselines; p10-p90 coverage by role; each "
            "stat's MAE; teammates' and opponents' residual correlations, sim and realized."
        ),
    )
)
