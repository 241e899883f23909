"""The README's main command on a short history: backfills, training, then two reports through the sensor."""

from __future__ import annotations

import dagster as dg

from projections_assets.contracts import gold as gold_contracts
from projections_assets.contracts import rates as rates_contracts
from projections_assets.platform.lake import Lake, PartitionLocation
from projections_assets.platform.publish import load_partition
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
    assert out.count("top projected minutes") == 2 and ("who moved" in out or "nobody moved" in out)
    assert "make ui" in out
