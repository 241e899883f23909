"""The README's main command on a short history: backfills, training, then two reports through the sensor."""

from __future__ import annotations

import dagster as dg

from projections_assets.contracts import gold as gold_contracts
from projections_assets.contracts import rates as rates_contracts
from projections_assets.contracts.unified import UNIFIED_PROJECTIONS, WHAT_CHANGED
from projections_assets.platform.lake import Lake, PartitionLocation
from projections_assets.platform.pointers import pointer_history
from projections_assets.platform.publish import load_partition, slate_pointer_path
from projections_assets_tests.conftest import DemoRun


def test_demo_replays_reports_into_projections(demo_run: DemoRun, monkeypatch) -> None:
    monkeypatch.setenv("DAGSTER_HOME", str(demo_run.home))
    summary = demo_run.summary
    runs = summary["runs"]
    assert len(runs) == 2 and runs[0]["partition"] < runs[1]["partition"]
    assert all(r["partition"].startswith(summary["day"]) for r in runs)
    lake = Lake(demo_run.lake)
    with dg.DagsterInstance.get() as instance:
        for r in runs:
            run = instance.get_run_by_id(r["run_id"])
            assert run.status == dg.DagsterRunStatus.SUCCESS
            assert run.job_name == "slate"
            proj = load_partition(
                lake, gold_contracts.MINUTES_PROJECTIONS.table, PartitionLocation.from_key(r["partition"])
            )
            assert len(proj) and (proj["model_run_id"] != "").all()
            # The slate run projected rates after minutes, for the same players.
            rates = load_partition(
                lake, rates_contracts.RATES_PROJECTIONS.table, PartitionLocation.from_key(r["partition"])
            )
            assert set(rates["player_id"]) == set(proj["player_id"]) and (rates["model_run_id"] != "").all()
    out = demo_run.out
    for r in runs:
        assert f"new report {r['report']} -> slate run {r['partition']}" in out
    assert out.count("main draft group") == 2 and out.count("what changed") == 2
    assert "make ui" in out
    assert f"Published slate of {summary['day']}: slot {runs[-1]['partition']}" in out
    assert f"projections export --date {summary['day']} --format dk" in out


def test_demo_publishes_unified_projections_and_explains_each_slot(demo_run: DemoRun) -> None:
    lake = Lake(demo_run.lake)
    for r in demo_run.summary["runs"]:
        location = PartitionLocation.from_key(r["partition"])
        table = load_partition(lake, UNIFIED_PROJECTIONS.table, location)
        assert len(table) and table["dk_mean"].notna().all()
        assert (table.groupby("draft_group_id")["ownership"].sum() - 800).abs().max() < 1e-6
        changes = load_partition(lake, WHAT_CHANGED.table, location)
        assert set(changes.columns) >= {"player_id", "group", "part", "total"}
    # The demo's last slot was published (a later test of the session may publish a newer one since).
    history = pointer_history(slate_pointer_path(lake, demo_run.summary["day"]))
    assert demo_run.summary["runs"][-1]["partition"] in [e.partition_key for e in history]
