"""The slate publication asset re-reads its members' records: a separate run cannot publish a slot that did not pass."""

import dagster as dg

from projections_assets.defs.resources import LakeReader, lake_io_manager
from projections_assets.platform.lake import MANIFEST_FILE, PartitionLocation
from projections_assets.platform.manifests import ManifestV1
from projections_assets.platform.pointers import read_pointer
from projections_assets.platform.publish import slate_pointer_path
from projections_assets_tests.toy_chain import TOY_ASSETS, TOY_EVENTS, toy_events, toy_published, toy_totals

EARLY, LATE = "2025-12-07|17:30", "2025-12-07|18:00"


def test_a_separate_publication_run_refuses_a_slot_whose_member_did_not_pass(lake, instance):
    res = {
        "io_manager": lake_io_manager(str(lake.root)),
        "lake_reader": LakeReader(lake_root=str(lake.root)),
    }
    assert dg.materialize(TOY_ASSETS, partition_key=EARLY, resources=res, instance=instance).success
    members = dg.materialize(
        TOY_ASSETS,
        selection=[toy_events.key, toy_totals.key],
        partition_key=LATE,
        resources=res,
        instance=instance,
    )
    assert members.success
    # The record of the late slot's events says a check failed (say, a manifest an operator corrected).
    path = lake.run_dir(TOY_EVENTS.table, PartitionLocation.from_key(LATE), members.run_id) / MANIFEST_FILE
    manifest = ManifestV1.read(path)
    checks = [manifest.checks[0].model_copy(update={"passed": False}), *manifest.checks[1:]]
    path.write_bytes(manifest.model_copy(update={"checks": checks}).to_json_bytes())

    alone = dg.materialize(
        TOY_ASSETS,
        selection=[toy_published.key],
        partition_key=LATE,
        resources=res,
        instance=instance,
        raise_on_error=False,
    )
    assert not alone.success
    (failure,) = alone.get_step_failure_events()
    assert (
        f"refused to publish the slate of {LATE}: member bronze.toy_events run {members.run_id}: "
        f"check {checks[0].name} failed per its manifest"
    ) in failure.step_failure_data.user_failure_data.description
    assert read_pointer(slate_pointer_path(lake, "2025-12-07")).partition_key == EARLY
