"""`gold/what_changed`: each slot's DK mean changes against the previous report slot, split by input group.

The base slot is rebuilt from bronze as of its instant (`defs.silver.snapshots_at`), never read from
publication history, and scored with the models its partition recorded (the current slot's when it
never ran); core.what_changed does the scoring and the split. It runs after the slot's publication in
the same run (it depends on it), so news reaches the published table without waiting for it.
"""

from collections.abc import Iterator

import dagster as dg
import pandas as pd

from projections_assets.contracts import gold as gold_contracts
from projections_assets.contracts import published as published_contracts
from projections_assets.contracts import sim as sim_contracts
from projections_assets.contracts import unified as contracts
from projections_assets.core import lock, rates, what_changed
from projections_assets.core.features import PlayerHistory, SlateInputs
from projections_assets.core.rates_features import RatesHistory
from projections_assets.core.sim.inputs import calibration_of_row
from projections_assets.core.snapshots import StaleSource
from projections_assets.core.teams import UnknownTeam
from projections_assets.defs.checks import contract_check_specs, contract_outputs
from projections_assets.defs.gold import SILVER_INPUTS, frame_of_key, read_labels, recorded_models
from projections_assets.defs.partitions import SLATE_PARTITIONS
from projections_assets.defs.resources import LakeReader
from projections_assets.defs.silver import snapshots_at
from projections_assets.defs.sim import calibration_row
from projections_assets.defs.unified import scoring_models
from projections_assets.nba.calendar import UTC_TS
from projections_assets.partitions import parse_key
from projections_assets.platform.lake import PartitionLocation

GROUP = "gold"
INPUTS = {
    **{name: c.table.key_path for name, c in SILVER_INPUTS.items()},
    "minutes_projections": gold_contracts.MINUTES_PROJECTIONS.table.key_path,
    "sim_summary": sim_contracts.SIM_SUMMARY.table.key_path,
    "slot_models": gold_contracts.SLOT_MODELS.table.key_path,
}


def _slot_runs(models: pd.DataFrame | None, fallback: tuple[str, str]) -> tuple[str, str]:
    """The (minutes, rates) runs of a slot's unlocked games in its `gold/slot_models`, else `fallback`."""
    if models is None or models.empty:
        return fallback
    return (
        lock.slot_level(models, "minutes_run_id", fallback[0]),
        lock.slot_level(models, "rates_run_id", fallback[1]),
    )


def _typed(parts: pd.DataFrame, partition, base_partition) -> pd.DataFrame:
    """The table's columns in order, with the partition's identifiers filled in."""
    out = parts.copy()
    for column in ("player_name", "team", "base_models", "current_models", "detail"):
        if column not in out:
            out[column] = pd.Series(dtype=str)
    for column in ("player_name", "team", "base_models", "current_models", "detail", "group", "game_id"):
        out[column] = out[column].astype(str)
    out["game_date"] = partition.game_date.isoformat()
    out["as_of_ts"] = pd.Series([partition.run_as_of_ts] * len(out), index=out.index, dtype=UTC_TS)
    out["base_as_of_ts"] = pd.Series([base_partition.run_as_of_ts] * len(out), index=out.index, dtype=UTC_TS)
    return out[list(contracts.WHAT_CHANGED.schema.columns)]


@dg.asset(
    key=contracts.WHAT_CHANGED.table.key_path,
    ins={
        **{name: dg.AssetIn(dg.AssetKey(path)) for name, path in INPUTS.items()},
        "sim_calibration": dg.AssetIn(dg.AssetKey(sim_contracts.SIM_CALIBRATION.table.key_path)),
    },
    deps=[dg.AssetKey(published_contracts.SLATE_PUBLICATION.table.key_path)],
    partitions_def=SLATE_PARTITIONS,
    check_specs=contract_check_specs(contracts.WHAT_CHANGED),
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name=GROUP,
    kinds={"parquet"},
    tags={"layer": "gold"},
)
def what_changed_asset(
    context: dg.AssetExecutionContext,
    lake_reader: LakeReader,
    schedule,
    roster,
    injuries,
    lineups,
    odds,
    minutes_projections,
    sim_summary,
    slot_models,
    sim_calibration: pd.DataFrame,
) -> Iterator:
    """What changed and why: every player whose DK mean moved by 0.5+ since the previous report slot, his
    change split among input groups (model version, slate, odds, lineups, opponents', teammates' and his
    own status, time to tip); the parts sum exactly to the change."""
    priors = rates.rates_settings().priors
    frames, tables, unavailable = {}, {}, {}
    days = [parse_key(k).game_date for k in context.partition_keys]
    # One label history for the whole range, as the features asset reads it: every lookup is strictly
    # before the slot's own date.
    labels = read_labels(lake_reader, min(days), max(days)).frame
    history, rates_history = PlayerHistory.from_labels(labels), RatesHistory.from_labels(labels)
    for key in context.partition_keys:
        partition = parse_key(key)
        base_partition = what_changed.base_partition(partition)
        base_location = PartitionLocation.from_key(base_partition.key)
        mins, summary = frame_of_key(minutes_projections, key), frame_of_key(sim_summary, key)
        models = frame_of_key(slot_models, key)
        current_runs = _slot_runs(models, ("", ""))
        # A game locked by the slot is frozen as at its tip (core.lock): it is explained up to its tip.
        unlocked = set(models.loc[~models["locked"], "game_id"].astype(str))
        if mins.empty or summary.empty or not unlocked:
            # A date without games (or a slot with no one projected, or every game tipped and frozen):
            # nothing can have moved.
            frames[key] = _typed(what_changed.explain_empty().assign(detail=""), partition, base_partition)
            tables[key] = "Every game has tipped: frozen." if len(models) else "No games in this slot."
            continue
        base_runs = _slot_runs(recorded_models(lake_reader.lake(), base_partition), current_runs)
        current = what_changed.only_games(
            what_changed.SlotState(
                SlateInputs(
                    **{
                        name: frame_of_key(value, key)
                        for name, value in zip(
                            SILVER_INPUTS, (schedule, roster, injuries, lineups, odds), strict=True
                        )
                    }
                ),
                pd.Timestamp(partition.run_as_of_ts),
                scoring_models(lake_reader, *current_runs),
            ),
            unlocked,
        )
        try:
            base_inputs = SlateInputs(**snapshots_at(lake_reader, base_location))
            if base_inputs.schedule.empty and not frame_of_key(schedule, key).empty:
                raise StaleSource(
                    f"the schedule captured as of {base_partition.key} holds none of the date's games"
                )
        except (StaleSource, UnknownTeam) as exc:
            # Nothing (or too little to resolve names) was captured as of the base, e.g. a backfill that never
            # ran the previous slot: there is no base to compare with, which the table (empty) and its
            # metadata say.
            context.log.warning(f"{key}: no base at {base_partition.key}: {exc}")
            unavailable[key] = str(exc)
            frames[key] = _typed(what_changed.explain_empty().assign(detail=""), partition, base_partition)
            tables[key] = f"No base: nothing was captured as of {base_partition.key} ({exc})."
            continue
        base = what_changed.only_games(
            what_changed.SlotState(
                base_inputs,
                pd.Timestamp(base_partition.run_as_of_ts),
                scoring_models(lake_reader, *base_runs),
            ),
            unlocked,
        )
        scoring = what_changed.Scoring(
            history,
            rates_history,
            priors,
            calibration_of_row(
                calibration_row(
                    lake_reader.lake(), lock.slot_level(models, "sim_calibration_run_id", ""), sim_calibration
                )
            ),
            partition.game_date.isoformat(),
            int(summary["worlds"].iloc[0]),
        )
        parts = what_changed.explain(current, base, scoring)
        names = dict(zip(mins["player_id"], mins["player_name"], strict=False))
        tricodes = dict(
            zip(current.inputs.roster["team_id"], current.inputs.roster["team_tricode"], strict=False)
        )
        parts["detail"] = [
            what_changed.describe(
                r.group, current, base, tricodes.get(r.team_id, ""), int(r.player_id), r.game_id
            )
            for r in parts.itertuples()
        ]
        parts["player_name"] = parts["player_id"].map(names).fillna("").astype(str)
        parts["team"] = parts["team_id"].map(tricodes).fillna("").astype(str)
        parts["base_models"] = "/".join(base_runs)
        parts["current_models"] = "/".join(current_runs)
        frames[key] = _typed(parts, partition, base_partition)
        tables[key] = what_changed.summary_markdown(frames[key])
        context.log.info(
            f"{key}: {parts['player_id'].nunique()} players moved since {base_partition.slot_key}"
        )
    output = frames if len(frames) > 1 else next(iter(frames.values()))
    metadata: dict[str, object] = {"base_unavailable": dg.MetadataValue.json(unavailable)}
    if len(tables) == 1:
        metadata["what_changed"] = dg.MetadataValue.md(next(iter(tables.values())))
    yield from contract_outputs(context, contracts.WHAT_CHANGED, output, metadata=metadata)


WHAT_CHANGED_ASSETS = [what_changed_asset]
