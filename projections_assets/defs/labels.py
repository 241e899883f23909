"""Label assets (per game_date): final box scores -> frozen, versioned labels; contests -> ownership."""

from collections.abc import Iterator
from datetime import date

import dagster as dg

from projections_assets.contracts import labels as contracts
from projections_assets.contracts import sources as source_contracts
from projections_assets.core.labels import game_labels
from projections_assets.core.ownership import ownership_labels
from projections_assets.defs.checks import (
    contract_check_specs,
    contract_outputs,
    extra_check_spec,
    selected_check_names,
)
from projections_assets.defs.partitions import GAME_DATE_PARTITIONS
from projections_assets.defs.resources import LakeReader, partition_inputs_metadata
from projections_assets.platform.lake import PartitionLocation
from projections_assets.platform.publish import NoCurrentRun, load_partition

GROUP = "labels"
CHECK_OWNERSHIP_MATCHED = "ownership_names_matched"


@dg.asset(
    key=contracts.GAME_LABELS.table.key_path,
    partitions_def=GAME_DATE_PARTITIONS,
    deps=[dg.AssetKey(source_contracts.BRONZE_BOXSCORES.table.key_path)],
    check_specs=contract_check_specs(contracts.GAME_LABELS),
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name=GROUP,
    kinds={"parquet"},
    tags={"layer": "labels"},
)
def game_labels_asset(
    context: dg.AssetExecutionContext, lake_reader: LakeReader
) -> Iterator[dg.AssetCheckResult | dg.Output]:
    """Per player and final game: minutes, counting stats, starter, DraftKings points; frozen and versioned.

    A game enters once its box score is final; a rerun reproduces the frozen
    rows exactly; a changed box score becomes a new label version that names
    the one it corrects.
    """
    lake = lake_reader.lake()
    frames, inputs, notes = {}, {}, {}
    for key in context.partition_keys:
        day = date.fromisoformat(key)
        box = lake_reader.read(source_contracts.BRONZE_BOXSCORES.table, start=day, end=day)
        try:
            previous = load_partition(lake, contracts.GAME_LABELS.table, PartitionLocation.from_key(key))
        except NoCurrentRun:
            previous = None
        result = game_labels(box.frame, key, previous)
        frames[key] = result.labels
        inputs[key] = [box.record]
        notes[key] = {"new": result.new, "corrected": result.corrected, "not_final": result.not_final}
        if result.corrected:
            context.log.warning(f"{key}: box score corrections -> new label versions for {result.corrected}")
    output = frames if len(frames) > 1 else next(iter(frames.values()))
    metadata = {**partition_inputs_metadata(inputs), "games": dg.MetadataValue.json(notes)}
    yield from contract_outputs(context, contracts.GAME_LABELS, output, metadata=metadata)


@dg.asset(
    key=contracts.OWNERSHIP_LABELS.table.key_path,
    partitions_def=GAME_DATE_PARTITIONS,
    deps=[
        dg.AssetKey(source_contracts.BRONZE_CONTEST_STANDINGS.table.key_path),
        dg.AssetKey(source_contracts.BRONZE_DRAFTABLES.table.key_path),
        dg.AssetKey(source_contracts.BRONZE_ROSTERS.table.key_path),
    ],
    check_specs=[
        *contract_check_specs(contracts.OWNERSHIP_LABELS),
        extra_check_spec(
            contracts.OWNERSHIP_LABELS,
            CHECK_OWNERSHIP_MATCHED,
            "Every player name in the contest standings resolved to a player id.",
            blocking=False,
        ),
    ],
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name=GROUP,
    kinds={"parquet"},
    tags={"layer": "labels"},
)
def ownership_labels_asset(
    context: dg.AssetExecutionContext, lake_reader: LakeReader
) -> Iterator[dg.AssetCheckResult | dg.Output]:
    """Actual DraftKings ownership per classic draft group and player, from the contest standings."""
    frames, inputs, unmatched = {}, {}, []
    for key in context.partition_keys:
        day = date.fromisoformat(key)
        standings = lake_reader.read(source_contracts.BRONZE_CONTEST_STANDINGS.table, start=day, end=day)
        dk = lake_reader.read(source_contracts.BRONZE_DRAFTABLES.table, start=day, end=day)
        index = lake_reader.read(source_contracts.BRONZE_ROSTERS.table, start=day, end=day)
        result = ownership_labels(standings.frame, dk.frame, index.frame)
        frames[key] = result.labels
        inputs[key] = [standings.record, dk.record, index.record]
        unmatched += [dict(r, game_date=key) for r in result.unmatched.to_dict(orient="records")]
    if CHECK_OWNERSHIP_MATCHED in selected_check_names(context):
        yield dg.AssetCheckResult(
            check_name=CHECK_OWNERSHIP_MATCHED,
            asset_key=contracts.OWNERSHIP_LABELS.table.key_path,
            passed=not unmatched,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"unmatched": dg.MetadataValue.json(unmatched[:100]), "unmatched_count": len(unmatched)},
        )
    output = frames if len(frames) > 1 else next(iter(frames.values()))
    yield from contract_outputs(
        context, contracts.OWNERSHIP_LABELS, output, metadata=partition_inputs_metadata(inputs)
    )


LABEL_ASSETS = [game_labels_asset, ownership_labels_asset]
