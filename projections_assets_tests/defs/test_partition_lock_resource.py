"""The partition run lock as a Dagster resource: held on the run's partitions for the whole run."""

from pathlib import Path

import dagster as dg
import pytest

from projections_assets.defs.partitions import SLATE_PARTITIONS
from projections_assets.defs.resources import (
    PARTITION_LOCK_TIMEOUT_ENV,
    LakeReader,
    PartitionRunLock,
    default_resources,
    production_resources,
)
from projections_assets.platform.lake import Lake
from projections_assets.platform.partition_lock import PartitionLockTimeout, hold_partitions

KEYS = ["2026-01-05|17:30", "2026-01-06|17:30"]


def _probe(root: str) -> dict[str, str]:
    """Who holds each of KEYS, as another holder sees it (its attempt refused at once, or the key free)."""
    seen = {}
    for key in KEYS:
        try:
            with hold_partitions(Lake(root), [key], "probe", timeout_s=0):
                seen[key] = "free"
        except PartitionLockTimeout as exc:
            seen[key] = str(exc)
    return seen


@dg.asset(partitions_def=SLATE_PARTITIONS, backfill_policy=dg.BackfillPolicy.single_run())
def first(context: dg.AssetExecutionContext, lake_reader: LakeReader) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"held": dg.MetadataValue.json(_probe(lake_reader.lake_root))})


@dg.asset(deps=[first], partitions_def=SLATE_PARTITIONS, backfill_policy=dg.BackfillPolicy.single_run())
def last(context: dg.AssetExecutionContext, lake_reader: LakeReader) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"held": dg.MetadataValue.json(_probe(lake_reader.lake_root))})


def _run(root: Path, instance: dg.DagsterInstance, tags: dict[str, str]) -> dg.ExecuteInProcessResult:
    lock = PartitionRunLock(lake_root=str(root), timeout_s=0)
    resources = {"lake_reader": LakeReader(lake_root=str(root), partition_lock=lock)}
    job = dg.Definitions(
        assets=[first, last], resources=resources, executor=dg.in_process_executor
    ).resolve_implicit_global_asset_job_def()
    return job.execute_in_process(instance=instance, tags=tags, raise_on_error=False)


def _held(result: dg.ExecuteInProcessResult, step: str) -> dict[str, str]:
    # One materialization per partition of the step, all with the same metadata.
    event = next(e for e in result.get_asset_materialization_events() if e.step_key == step)
    return event.materialization.metadata["held"].value


def test_a_range_run_holds_every_partition_from_its_first_step_to_its_last(tmp_path, instance) -> None:
    tags = {"dagster/asset_partition_range_start": KEYS[0], "dagster/asset_partition_range_end": KEYS[1]}
    result = _run(tmp_path, instance, tags)
    assert result.success
    for step in ("first", "last"):
        held = _held(result, step)
        for key in KEYS:
            assert held[key].startswith(f"partition {key} is still being written by run {result.run_id}")
    # Released when the run ends.
    assert _probe(str(tmp_path)) == {k: "free" for k in KEYS}


def test_a_single_partition_run_holds_only_its_partition(tmp_path, instance) -> None:
    result = _run(tmp_path, instance, {"dagster/partition": KEYS[1]})
    held = _held(result, "first")
    assert held[KEYS[0]] == "free"
    assert held[KEYS[1]].startswith(f"partition {KEYS[1]} is still being written by run {result.run_id}")


def test_a_run_of_a_held_partition_fails_before_any_step_naming_the_holder(tmp_path, instance) -> None:
    with hold_partitions(Lake(tmp_path), [KEYS[0]], "the-other-run", timeout_s=0):
        result = _run(tmp_path, instance, {"dagster/partition": KEYS[0]})
    assert not result.success
    assert result.get_asset_materialization_events() == []
    errors = [str(e.event_specific_data) for e in result.all_events if e.is_failure]
    assert any(f"partition {KEYS[0]} is still being written by run the-other-run" in e for e in errors), (
        errors
    )


def test_a_run_without_a_slate_partition_takes_no_lock(tmp_path, instance) -> None:
    daily = dg.Definitions(
        assets=[_daily_asset],
        resources={"lake_reader": LakeReader(lake_root=str(tmp_path), partition_lock=PartitionRunLock())},
    ).resolve_implicit_global_asset_job_def()
    assert daily.execute_in_process(instance=instance, partition_key="2026-01-05").success
    assert not (tmp_path / "_locks").exists()


@dg.asset(partitions_def=dg.DailyPartitionsDefinition(start_date="2025-10-01"))
def _daily_asset(lake_reader: LakeReader) -> dg.MaterializeResult:
    return dg.MaterializeResult()


def test_both_deployments_lock_through_the_lake_reader() -> None:
    for resources in (default_resources(), production_resources()):
        lock = resources["lake_reader"].partition_lock
        assert isinstance(lock, PartitionRunLock)
        assert lock.lake_root == resources["lake_reader"].lake_root


def test_the_wait_is_configured_by_field_else_environment_else_an_hour(monkeypatch) -> None:
    monkeypatch.delenv(PARTITION_LOCK_TIMEOUT_ENV, raising=False)
    assert PartitionRunLock().wait_s() == 3600.0
    monkeypatch.setenv(PARTITION_LOCK_TIMEOUT_ENV, "90")
    assert PartitionRunLock().wait_s() == 90.0
    assert PartitionRunLock(timeout_s=5).wait_s() == 5.0
    monkeypatch.setenv(PARTITION_LOCK_TIMEOUT_ENV, "soon")
    with pytest.raises(ValueError, match=f"'soon' \\(\\${PARTITION_LOCK_TIMEOUT_ENV}\\) is not a number"):
        PartitionRunLock().wait_s()
