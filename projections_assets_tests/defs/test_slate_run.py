"""A report arrives, the sensor asks for its slot, the slate job runs it: on SQLite and on PostgreSQL.

Also the single-run range backfill of the same job over a rectangle of partitions.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg

from projections_assets.contracts import silver as silver_contracts
from projections_assets.defs.bronze import BRONZE_ASSETS
from projections_assets.defs.gold import GOLD_ASSETS
from projections_assets.defs.jobs import JOBS, PUBLISHED_SLATE, SLATE_KEYS
from projections_assets.defs.labels import LABEL_ASSETS
from projections_assets.defs.rates import RATES_ASSETS
from projections_assets.defs.sensors import injury_report_sensor
from projections_assets.defs.silver import SILVER_ASSETS
from projections_assets.defs.sim import SIM_ASSETS
from projections_assets.defs.unified import UNIFIED_ASSETS
from projections_assets.defs.what_changed import WHAT_CHANGED_ASSETS
from projections_assets.platform.lake import Lake, PartitionLocation
from projections_assets.platform.pointers import read_pointer
from projections_assets_tests.conftest import REPO_ROOT
from projections_assets_tests.defs.conftest import league_sources, resources

CLOCK = "2026-01-16T22:46:00Z"  # 5:46 PM ET
# Sources to snapshots: projections need a trained model, which test_gold covers.
SOURCES_TO_SILVER = {key for asset in (*BRONZE_ASSETS, *SILVER_ASSETS) for key in asset.keys}


def _defs(lake_root: Path, league_dir: Path, clock: str = CLOCK) -> dg.Definitions:
    return dg.Definitions(
        assets=[
            *BRONZE_ASSETS,
            *SILVER_ASSETS,
            *GOLD_ASSETS,
            *RATES_ASSETS,
            *SIM_ASSETS,
            *UNIFIED_ASSETS,
            PUBLISHED_SLATE,
            *WHAT_CHANGED_ASSETS,
            *LABEL_ASSETS,
        ],
        jobs=JOBS,
        sensors=[injury_report_sensor],
        resources=resources(lake_root, league_sources(league_dir, clock=clock)),
    )


def _sensor_then_run(instance: dg.DagsterInstance, lake_root: Path, league_dir: Path) -> None:
    defs = _defs(lake_root, league_dir)
    context = dg.build_sensor_context(
        cursor=json.dumps({"after": "2026-01-16T17:30:00-05:00"}),
        instance=instance,
        resources={"sources": league_sources(league_dir, clock=CLOCK)},
    )
    (request,) = injury_report_sensor(context).run_requests
    job = defs.resolve_job_def("slate")
    result = job.execute_in_process(
        instance=instance,
        partition_key=request.partition_key,
        asset_selection=[key for key in request.asset_selection if key in SOURCES_TO_SILVER],
        tags=request.tags,
    )
    assert result.success
    lake = Lake(lake_root)
    loc = PartitionLocation.from_key("2026-01-16|17:45")
    for contract in (
        silver_contracts.SILVER_INJURIES,
        silver_contracts.SILVER_ODDS,
        silver_contracts.SILVER_ROSTER,
    ):
        pointer = read_pointer(lake.pointer_path(contract.table, loc))
        assert pointer.run_id == result.run_id and pointer.row_count > 0
    records = instance.fetch_materializations(dg.AssetKey(["silver", "injury_snapshot"]), limit=1).records
    assert records[0].partition_key == "2026-01-16|17:45" and records[0].run_id == result.run_id


def test_report_to_silver_on_sqlite(tmp_path, league_dir, monkeypatch) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        _sensor_then_run(instance, tmp_path / "lake", league_dir)


def test_report_to_silver_on_postgres(tmp_path, league_dir, monkeypatch, postgres_url) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "docker" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("DAGSTER_PG_URL", postgres_url)
    with dg.DagsterInstance.get() as instance:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        _sensor_then_run(instance, tmp_path / "lake", league_dir)


def test_a_range_backfill_is_one_run_over_the_rectangle(tmp_path, league_dir, instance) -> None:
    defs = _defs(tmp_path / "lake", league_dir)
    job = defs.resolve_job_def("slate")
    result = job.execute_in_process(
        instance=instance,
        asset_selection=[key for key in SLATE_KEYS if key in SOURCES_TO_SILVER],
        tags={
            "dagster/asset_partition_range_start": "2026-01-15|17:30",
            "dagster/asset_partition_range_end": "2026-01-16|17:45",
        },
    )
    assert result.success
    lake = Lake(tmp_path / "lake")
    for key in ("2026-01-15|17:30", "2026-01-15|17:45", "2026-01-16|17:30", "2026-01-16|17:45"):
        pointer = read_pointer(
            lake.pointer_path(silver_contracts.SILVER_INJURIES.table, PartitionLocation.from_key(key))
        )
        assert pointer.run_id == result.run_id


def _refusal(result: dg.ExecuteInProcessResult) -> str:
    """The message a run failed with before any step (resource setup), with its causes."""
    assert not result.success
    assert not [e for e in result.all_events if e.event_type_value == "STEP_START"]
    (failure,) = [e for e in result.all_events if e.event_type_value == "RESOURCE_INIT_FAILURE"]
    error = failure.event_specific_data.error
    messages = []
    while error is not None:
        messages.append(error.message)
        error = error.cause
    return "\n".join(messages)


def test_without_a_promoted_model_a_slate_run_fails_before_any_step(tmp_path, league_dir, instance) -> None:
    result = (
        _defs(tmp_path / "lake", league_dir)
        .resolve_job_def("slate")
        .execute_in_process(instance=instance, partition_key="2026-01-16|17:45", raise_on_error=False)
    )
    message = _refusal(result)
    assert "no minutes model has been promoted yet" in message
    assert "train_minutes" in message and "make demo" in message
    assert not (tmp_path / "lake").exists() or not any((tmp_path / "lake").rglob("*.parquet"))


def test_a_partition_after_the_league_clock_fails_before_any_step(tmp_path, league_dir, instance) -> None:
    # 5:46 PM ET: the 18:00 slot has not happened in the league yet.
    result = (
        _defs(tmp_path / "lake", league_dir)
        .resolve_job_def("slate")
        .execute_in_process(
            instance=instance,
            partition_key="2026-01-16|18:00",
            asset_selection=[key for key in SLATE_KEYS if key in SOURCES_TO_SILVER],
            raise_on_error=False,
        )
    )
    message = _refusal(result)
    assert "partition 2026-01-16|18:00" in message and "after the simulated league's clock" in message
    assert "PROJECTIONS_LEAGUE_CLOCK_START" in message
