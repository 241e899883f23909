"""The platform end to end on a toy chain: bronze -> silver -> published slate, on SQLite and PostgreSQL."""

import shutil
from pathlib import Path

import dagster as dg
import pandas as pd

from projections_assets.contracts import CHECK_ANTI_LEAK, CHECK_SCHEMA, register
from projections_assets.defs.checks import contract_outputs
from projections_assets.defs.partitions import SLATE_PARTITIONS
from projections_assets.platform.contracts import TableContract
from projections_assets.platform.lake import Lake, PartitionLocation, TableRef
from projections_assets.platform.manifests import ManifestV1
from projections_assets.platform.pointers import pointer_history, read_pointer
from projections_assets.platform.publish import load_partition, slate_pointer_path
from projections_assets_tests.conftest import REPO_ROOT, run_dagster_cli
from projections_assets_tests.toy_chain import TOY_ASSETS, TOY_EVENTS, TOY_JOB, TOY_TOTALS, toy_defs

KEY = "2025-12-07|17:30"


def _instance_from(yaml_path: Path, home: Path, monkeypatch) -> dg.DagsterInstance:
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(yaml_path, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return dg.DagsterInstance.get()


def _resources(lake: Lake):
    from projections_assets.defs.resources import LakeReader, lake_io_manager

    return {
        "io_manager": lake_io_manager(str(lake.root)),
        "lake_reader": LakeReader(lake_root=str(lake.root)),
    }


def _run_chain_and_assert(instance: dg.DagsterInstance, lake: Lake) -> None:
    result = dg.materialize(TOY_ASSETS, partition_key=KEY, resources=_resources(lake), instance=instance)
    assert result.success
    loc = PartitionLocation.from_key(KEY)
    run_dir = f"run={result.run_id}"

    events = load_partition(lake, TOY_EVENTS.table, loc)
    assert events["event_id"].tolist() == [f"2025-12-07-1730-{i}" for i in range(3)]
    totals = load_partition(lake, TOY_TOTALS.table, loc)
    assert totals[["events_so_far", "value_so_far", "partition_events"]].iloc[0].tolist() == [3, 6, 3]
    # Every asset of the run writes under the same Dagster run id.
    for table in (TOY_EVENTS.table, TOY_TOTALS.table):
        assert read_pointer(lake.pointer_path(table, loc)).path.endswith(run_dir)

    manifest = ManifestV1.read(lake.run_dir(TOY_TOTALS.table, loc, result.run_id) / "manifest.json")
    assert manifest.status == "success" and manifest.environment.orchestrator_run_id == result.run_id
    by_name = {i.name: i for i in manifest.inputs}
    assert by_name["bronze.toy_events"].row_count == 3  # lake-reader lineage carried into the manifest

    slate = read_pointer(slate_pointer_path(lake, "2025-12-07"))
    assert slate.partition_key == KEY and slate.run_id == result.run_id

    checks = {(e.asset_check_key.name, e.passed) for e in result.get_asset_check_evaluations()}
    assert checks == {(name, True) for name in set(TOY_EVENTS.check_names()) | set(TOY_TOTALS.check_names())}
    records = instance.fetch_materializations(dg.AssetKey(TOY_TOTALS.table.key_path), limit=5).records
    assert records and records[0].partition_key == KEY


def test_chain_materializes_on_sqlite(tmp_path, monkeypatch):
    instance = _instance_from(REPO_ROOT / "dagster.yaml", tmp_path / "home", monkeypatch)
    _run_chain_and_assert(instance, Lake(tmp_path / "lake"))


def test_chain_materializes_on_postgres(tmp_path, monkeypatch, postgres_url):
    monkeypatch.setenv("DAGSTER_PG_URL", postgres_url)
    instance = _instance_from(REPO_ROOT / "docker" / "dagster.yaml", tmp_path / "home", monkeypatch)
    assert type(instance.run_storage).__name__ == "PostgresRunStorage"
    _run_chain_and_assert(instance, Lake(tmp_path / "lake"))
    instance.dispose()


def test_contract_violation_fails_check_and_run_and_keeps_pointer(tmp_path):
    lake = Lake(tmp_path / "lake")
    instance = dg.DagsterInstance.ephemeral()
    loc = PartitionLocation.from_key(KEY)
    good = dg.materialize(TOY_ASSETS, partition_key=KEY, resources=_resources(lake), instance=instance)
    assert good.success

    bad = dg.materialize(
        TOY_ASSETS,
        partition_key=KEY,
        resources=_resources(lake),
        instance=instance,
        run_config={"ops": {"bronze__toy_events": {"config": {"leak": True}}}},
        raise_on_error=False,
    )
    assert not bad.success
    evaluations = {e.asset_check_key.name: e for e in bad.get_asset_check_evaluations()}
    assert not evaluations[CHECK_ANTI_LEAK].passed
    failing = evaluations[CHECK_ANTI_LEAK].metadata["failing_rows"].value
    assert [row["event_id"] for row in failing] == ["2025-12-07-1730-2"]
    assert evaluations[CHECK_SCHEMA].passed

    bad_dir = lake.run_dir(TOY_EVENTS.table, loc, bad.run_id)
    assert sorted(p.name for p in bad_dir.iterdir()) == ["manifest.json"]
    manifest = ManifestV1.read(bad_dir / "manifest.json")
    assert manifest.status == "failed" and manifest.error.check == CHECK_ANTI_LEAK
    # Downstream never ran, and every pointer still names the good run.
    assert not lake.run_dir(TOY_TOTALS.table, loc, bad.run_id).exists()
    for pointer in (lake.pointer_path(TOY_EVENTS.table, loc), slate_pointer_path(lake, "2025-12-07")):
        assert read_pointer(pointer).run_id == good.run_id

    rerun = dg.materialize(TOY_ASSETS, partition_key=KEY, resources=_resources(lake), instance=instance)
    assert rerun.success
    history = pointer_history(lake.pointer_path(TOY_EVENTS.table, loc))
    assert [e.run_id for e in history] == [good.run_id, rerun.run_id]
    pd.testing.assert_frame_equal(
        pd.read_parquet(lake.run_dir(TOY_EVENTS.table, loc, good.run_id) / "data.parquet"),
        pd.read_parquet(lake.run_dir(TOY_EVENTS.table, loc, rerun.run_id) / "data.parquet"),
    )


def test_single_run_backfill_writes_every_partition(tmp_path):
    lake = Lake(tmp_path / "lake")
    job = dg.Definitions(assets=TOY_ASSETS, jobs=[TOY_JOB], resources=_resources(lake)).resolve_job_def(
        "toy_slate"
    )
    result = job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        tags={
            "dagster/asset_partition_range_start": "2025-12-07|17:30",
            "dagster/asset_partition_range_end": "2025-12-08|17:45",
        },
    )
    assert result.success
    keys = [f"{d}|{s}" for d in ("2025-12-07", "2025-12-08") for s in ("17:30", "17:45")]
    for key in keys:
        loc = PartitionLocation.from_key(key)
        assert read_pointer(lake.pointer_path(TOY_TOTALS.table, loc)).run_id == result.run_id
    # The slate pointer of each day moved forward to its latest slot only.
    for day in ("2025-12-07", "2025-12-08"):
        assert read_pointer(slate_pointer_path(lake, day)).partition_key == f"{day}|17:45"


def test_cli_materialize_partition_range(tmp_path):
    """`dagster asset materialize --partition-range` runs a single-run backfill through the IO manager."""
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    proc = run_dagster_cli(
        [
            "asset",
            "materialize",
            "-m",
            "projections_assets_tests.toy_chain",
            "-a",
            "toy_defs",
            "--select",
            "*",
            "--partition-range",
            "2025-12-07|17:30...2025-12-07|18:00",
        ],
        home,
        PROJECTIONS_LAKE_ROOT=str(tmp_path / "lake"),
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    lake = Lake(tmp_path / "lake")
    for slot in ("17:30", "17:45", "18:00"):
        loc = PartitionLocation.from_key(f"2025-12-07|{slot}")
        assert len(load_partition(lake, TOY_EVENTS.table, loc)) == 3
    assert read_pointer(slate_pointer_path(lake, "2025-12-07")).partition_key == "2025-12-07|18:00"
    assert toy_defs is not None


TOY_COPY = register(
    TableContract(
        table=TableRef("silver", "toy_copy"),
        schema=TOY_EVENTS.schema,
        keys=TOY_EVENTS.keys,
        description="The toy events, loaded through the IO manager (same partition).",
    )
)


@dg.asset(
    key=TOY_COPY.table.key_path,
    partitions_def=SLATE_PARTITIONS,
    ins={"events": dg.AssetIn(TOY_EVENTS.table.key_path)},
)
def toy_copy(context: dg.AssetExecutionContext, events: pd.DataFrame):
    """The same partition of toy events, read through the IO manager.

    Declares no checks: the IO manager still enforces the contract before promoting.
    """
    yield from contract_outputs(context, TOY_COPY, events)


def test_io_manager_inputs_are_recorded_in_the_manifest(tmp_path):
    lake = Lake(tmp_path / "lake")
    result = dg.materialize(
        [TOY_ASSETS[0], toy_copy],
        partition_key=KEY,
        resources=_resources(lake),
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    loc = PartitionLocation.from_key(KEY)
    manifest = ManifestV1.read(lake.run_dir(TOY_COPY.table, loc, result.run_id) / "manifest.json")
    (record,) = manifest.inputs
    assert record.name == "bronze.toy_events" and record.partition == KEY and record.row_count == 3
    assert record.run_id == result.run_id
    assert record.path == f"bronze/toy_events/game_date=2025-12-07/slot=1730/run={result.run_id}/data.parquet"
