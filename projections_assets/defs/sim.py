"""Sim assets: the calibration fitted on training labels, each slot's worlds and their summary.

The simulation itself is `core.sim` (pure, numba); these assets only read the slot's gold tables,
call it and hand the frames to the IO manager. Seeds are keyed by (game_date, player) and
(game_date, game), so a rerun of a partition writes the same bytes and a game whose inputs did not
change between two slots keeps its worlds (docs/sim.md).
"""

from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial

import dagster as dg
import pandas as pd
import pyarrow.parquet as pq
from pydantic import Field

from projections_assets.contracts import gold as gold_contracts
from projections_assets.contracts import rates as rates_contracts
from projections_assets.contracts import silver as silver_contracts
from projections_assets.contracts import sim as contracts
from projections_assets.core import lock
from projections_assets.core.sim import engine, inputs, storage, summary
from projections_assets.core.sim.inputs import calibration_key
from projections_assets.defs.checks import contract_check_specs, contract_outputs
from projections_assets.defs.gold import frame_of_key, read_labels
from projections_assets.defs.partitions import SLATE_PARTITIONS
from projections_assets.defs.resources import LakeReader
from projections_assets.nba.calendar import UTC_TS
from projections_assets.platform.lake import DATA_FILE, Lake, PartitionLocation
from projections_assets.platform.pointers import read_pointer

GROUP = "gold"
# The rates training set's rows at the last slot before tip carry each game's closing line.
CLOSING_HORIZON = "last"
NO_PARTITION = PartitionLocation.from_key(None)


@dg.asset(
    key=contracts.SIM_CALIBRATION.table.key_path,
    ins={"rates_training_set": dg.AssetIn(dg.AssetKey(rates_contracts.RATES_TRAINING_SET.table.key_path))},
    check_specs=contract_check_specs(contracts.SIM_CALIBRATION),
    group_name=GROUP,
    kinds={"parquet"},
    tags={"layer": "gold"},
)
def sim_calibration_asset(
    context: dg.AssetExecutionContext, lake_reader: LakeReader, rates_training_set: pd.DataFrame
) -> Iterator:
    """The sim's calibration, fitted on the training window's labels and each game's closing line.

    The game script's residual SD, the shared pace, each stat's over-dispersion, the blowout shift and
    the overtime rates are estimated from what happened in the training games, never read from the
    league's parameters.
    """
    rows = rates_training_set[rates_training_set["horizon"] == CLOSING_HORIZON]
    if rows.empty:
        raise ValueError(
            f"{rates_contracts.RATES_TRAINING_SET.table} has no rows at the '{CLOSING_HORIZON}' horizon: "
            "materialize the rates training set (job train_rates) first"
        )
    days = pd.to_datetime(rows["game_date"]).dt.date
    first, last = days.min(), days.max()
    labels = read_labels(lake_reader, first, last + timedelta(days=1)).frame
    labels = labels[labels["game_id"].isin(rows["game_id"])]
    calibration = engine.fit_calibration(labels, inputs.closing_lines(rows))
    context.log.info(f"sim calibration over {first}..{last}: {calibration.to_dict()}")
    table = inputs.calibration_row(calibration, first.isoformat(), last.isoformat())
    yield from contract_outputs(
        context,
        contracts.SIM_CALIBRATION,
        table,
        metadata={
            "margin_sd": calibration.margin_sd,
            "pace_sd": calibration.pace_sd,
            "team_pts_sd": calibration.team_pts_sd,
            "games": int(table["games"].iloc[0]),
        },
    )


class SimConfig(dg.Config):
    worlds: int | None = Field(
        default=None, gt=0, description="Worlds per partition. Unset: config/sim.toml's `worlds`."
    )


# What the slot's sim reads (both tables depend on all of it: the summary is computed from the same worlds).
SIM_INPUTS = {
    "minutes_projections": gold_contracts.MINUTES_PROJECTIONS.table.key_path,
    "minutes_features": gold_contracts.MINUTES_FEATURES.table.key_path,
    "rates_projections": rates_contracts.RATES_PROJECTIONS.table.key_path,
    "sim_calibration": contracts.SIM_CALIBRATION.table.key_path,
    "slot_models": gold_contracts.SLOT_MODELS.table.key_path,
}


def _salaries(reader: LakeReader, location: PartitionLocation) -> pd.DataFrame:
    """The slot's DraftKings salaries by player (none when the slot captured no draft group)."""
    assert location.game_date is not None
    slate = reader.read(
        silver_contracts.SILVER_DK_SLATE.table, start=location.game_date, end=location.game_date
    ).frame
    if slate.empty:
        return pd.DataFrame({"player_id": pd.Series(dtype="int64"), "salary": pd.Series(dtype="int64")})
    slate = slate[(slate["as_of_ts"] == location.run_as_of_ts) & slate["player_id"].notna()]
    # A player's classic salary is the same in every draft group of the date.
    return slate.assign(player_id=slate["player_id"].astype("int64"))[["player_id", "salary"]]


def calibration_row(lake: Lake, run_id: str, current: pd.DataFrame | None = None) -> pd.DataFrame:
    """The calibration row of run `run_id` (a slot's recorded or a locked game's; '' or the current
    run: `current`, the asset's input, when given). A refit replaces the current one but keeps every
    run's directory."""
    entry = read_pointer(lake.pointer_path(contracts.SIM_CALIBRATION.table, NO_PARTITION))
    if current is not None and (not run_id or (entry is not None and entry.run_id == run_id)):
        return current
    path = lake.run_dir(contracts.SIM_CALIBRATION.table, NO_PARTITION, run_id) / DATA_FILE
    if not path.exists():
        raise FileNotFoundError(f"sim calibration run {run_id} is not in the lake ({path})")
    return pq.read_table(path).to_pandas()


def _simulate_games(
    run_id: str,
    players: pd.DataFrame,
    *,
    lines: pd.DataFrame,
    calibration_row: Callable[[str], pd.DataFrame],
    game_date: str,
    worlds: int | None,
    parts: list[tuple[pd.DataFrame, pd.DataFrame]],
) -> pd.DataFrame:
    """Simulate `players`' games with calibration run `run_id`; appends (worlds, summary) to `parts`.

    Each game's worlds depend on its own rows only: games split by calibration run are bit-identical
    to the same games simulated together.
    """
    row = calibration_row(run_id)
    sim = engine.simulate(
        players,
        lines[lines["game_id"].astype(str).isin(set(players["game_id"].astype(str)))],
        inputs.calibration_of_row(row),
        game_date,
        worlds=worlds,
    )
    table = summary.summarize(sim)
    table["calibration_key"] = calibration_key(row)
    parts.append((storage.worlds_frame(sim), table))
    return table


WORLDS_OUTPUT = "__".join(contracts.SIM_WORLDS.table.key_path)
SUMMARY_OUTPUT = "__".join(contracts.SIM_SUMMARY.table.key_path)


@dg.multi_asset(
    outs={
        WORLDS_OUTPUT: dg.AssetOut(
            key=contracts.SIM_WORLDS.table.key_path,
            description=(
                "N worlds of every player of the slot not ruled Out: minutes coupled to 240 per team, a "
                "shared pace and game script per game, over-dispersed counts competing for usage, DraftKings "
                "points (dk_q = points x 4, exact)."
            ),
            group_name=GROUP,
            kinds={"parquet"},
            tags={"layer": "gold"},
        ),
        SUMMARY_OUTPUT: dg.AssetOut(
            key=contracts.SIM_SUMMARY.table.key_path,
            description=(
                "Per simulated player: DK points mean, SD and p10/p25/p50/p75/p90/p99, P(plays), mean "
                "minutes and stats, and P(DK points >= 5 x salary / 1000) where he has a salary."
            ),
            group_name=GROUP,
            kinds={"parquet"},
            tags={"layer": "gold"},
        ),
    },
    ins={name: dg.AssetIn(dg.AssetKey(path)) for name, path in SIM_INPUTS.items()},
    # The summary is computed from the same in-memory worlds: it depends on them and on their inputs.
    internal_asset_deps={
        WORLDS_OUTPUT: {dg.AssetKey(path) for path in SIM_INPUTS.values()},
        SUMMARY_OUTPUT: {
            *(dg.AssetKey(path) for path in SIM_INPUTS.values()),
            dg.AssetKey(contracts.SIM_WORLDS.table.key_path),
        },
    },
    partitions_def=SLATE_PARTITIONS,
    check_specs=[*contract_check_specs(contracts.SIM_WORLDS), *contract_check_specs(contracts.SIM_SUMMARY)],
    backfill_policy=dg.BackfillPolicy.single_run(),
    name="gold__sim",
)
def sim_assets(
    context: dg.AssetExecutionContext,
    config: SimConfig,
    minutes_projections,
    minutes_features,
    rates_projections,
    sim_calibration: pd.DataFrame,
    slot_models,
    lake_reader: LakeReader,
) -> Iterator:
    """The slot's worlds and their per-player summary (one step: the summary reads every simulated stat)."""
    lake = lake_reader.lake()
    rows: dict[str, pd.DataFrame] = {}

    def row_of(run_id: str) -> pd.DataFrame:
        if run_id not in rows:
            rows[run_id] = calibration_row(lake, run_id, sim_calibration)
        return rows[run_id]

    worlds: dict[str, pd.DataFrame] = {}
    summaries: dict[str, pd.DataFrame] = {}
    for key in context.partition_keys:
        location = PartitionLocation.from_key(key)
        assert location.game_date is not None and location.run_as_of_ts is not None
        features = frame_of_key(minutes_features, key)
        players = inputs.slate_players(
            frame_of_key(minutes_projections, key),
            frame_of_key(rates_projections, key),
            features,
            salaries=_salaries(lake_reader, location),
        )
        lines = inputs.closing_lines(features)
        models = frame_of_key(slot_models, key)
        parts: list[tuple[pd.DataFrame, pd.DataFrame]] = []
        simulate = partial(
            _simulate_games,
            lines=lines,
            calibration_row=row_of,
            game_date=location.game_date.isoformat(),
            worlds=config.worlds,
            parts=parts,
        )
        # '' is the current calibration (the asset's input).
        lock.score_by_game(players, models, "sim_calibration_run_id", "", simulate)
        worlds[key] = pd.concat([w for w, _ in parts], ignore_index=True)
        table = pd.concat([t for _, t in parts], ignore_index=True)
        table.insert(1, "game_date", location.game_date.isoformat())
        table.insert(2, "as_of_ts", pd.Series([location.run_as_of_ts] * len(table), dtype=UTC_TS))
        summaries[key] = table
        n_worlds = int(table["worlds"].iloc[0]) if len(table) else 0
        context.log.info(f"{key}: {n_worlds} worlds of {len(table)} players")

    def one(frames: dict[str, pd.DataFrame]):
        return frames if len(frames) > 1 else next(iter(frames.values()))

    metadata = {"calibration": sorted({t["calibration_key"].iloc[0] for t in summaries.values() if len(t)})}
    yield from contract_outputs(
        context, contracts.SIM_WORLDS, one(worlds), metadata=metadata, output_name=WORLDS_OUTPUT
    )
    yield from contract_outputs(
        context, contracts.SIM_SUMMARY, one(summaries), metadata=metadata, output_name=SUMMARY_OUTPUT
    )


SIM_TRAINING_ASSETS = [sim_calibration_asset]
SLATE_SIM_ASSETS = [sim_assets]
SIM_ASSETS = [*SIM_TRAINING_ASSETS, *SLATE_SIM_ASSETS]
