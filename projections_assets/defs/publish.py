"""The publish step: after every member's blocking checks pass, move the slate pointer.

The checks are re-read from each member run's manifest (`publish_slate`), so a
run that materializes only the publication cannot publish a slot whose members
did not pass.
"""

from collections.abc import Sequence

import dagster as dg

from projections_assets.contracts.published import SLATE_PUBLICATION
from projections_assets.defs.partitions import SLATE_PARTITIONS
from projections_assets.defs.resources import LakeReader
from projections_assets.platform.lake import PartitionLocation, TableRef
from projections_assets.platform.pointers import PromotionRefused
from projections_assets.platform.publish import publish_slate


def build_slate_publish_asset(
    members: Sequence[TableRef], group_name: str = "published"
) -> dg.AssetsDefinition:
    """An asset that publishes the slate made of `members` for its partition.

    It depends on each member (and so runs only after their blocking checks
    pass), records the exact run of each member it publishes, and moves the
    game_date's slate pointer forward only: a backfill of an earlier slot
    records its publication but never takes the published slate backwards.
    A partition whose members' manifests do not all record passed checks is
    refused (the others of the run still publish) and the step fails naming it.
    """
    member_keys = [dg.AssetKey(t.key_path) for t in members]

    @dg.asset(
        key=dg.AssetKey(SLATE_PUBLICATION.table.key_path),
        deps=member_keys,
        partitions_def=SLATE_PARTITIONS,
        group_name=group_name,
        backfill_policy=dg.BackfillPolicy.single_run(),
        kinds={"parquet"},
    )
    def published_slate(context: dg.AssetExecutionContext, lake_reader: LakeReader) -> dg.MaterializeResult:
        """The published slate: which run of each member table is live for this game_date and slot."""
        lake = lake_reader.lake()
        moved, refused, not_passed = [], [], []
        for key in context.partition_keys:
            try:
                _, outcome = publish_slate(
                    lake,
                    list(members),
                    PartitionLocation.from_key(key),
                    context.run.run_id,
                    SLATE_PUBLICATION,
                    orchestrator_run_id=context.run.run_id,
                )
            except PromotionRefused as exc:
                context.log.error(str(exc))
                not_passed.append(str(exc))
                continue
            (moved if outcome.moved else refused).append(key)
            if not outcome.moved:
                context.log.warning(
                    f"slate pointer kept at {outcome.current.partition_key}: {outcome.reason}"
                )
        if not_passed:
            raise dg.Failure(
                description="; ".join(not_passed),
                metadata={"pointer_moved": dg.MetadataValue.json(moved)},
            )
        return dg.MaterializeResult(
            metadata={
                "pointer_moved": dg.MetadataValue.json(moved),
                "pointer_kept_newer": dg.MetadataValue.json(refused),
            }
        )

    return published_slate
