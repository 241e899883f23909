"""The README's main command on a short history: backfills, training, then two reports through the sensor."""

from __future__ import annotations

import shutil

import dagster as dg

from projections_assets.cli.demo import run_demo
from projections_assets.contracts import gold as gold_contracts
from projections_assets.platform.lake import Lake, PartitionLocation
from projections_assets.platform.publish import load_partition
from projections_assets_tests.conftest import LEAGUE_SEED, REPO_ROOT


def test_demo_replays_reports_into_projections(tmp_path, league_dir, monkeypatch, capsys) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("PROJECTIONS_LAKE_ROOT", str(tmp_path / "lake"))

    summary = run_demo(LEAGUE_SEED, history_days=4, label_days=12, league_dir=league_dir, max_reports=2)

    runs = summary["runs"]
    assert len(runs) == 2 and runs[0]["partition"] < runs[1]["partition"]
    assert all(r["partition"].startswith(summary["day"]) for r in runs)
    lake = Lake(tmp_path / "lake")
    with dg.DagsterInstance.get() as instance:
        for r in runs:
            assert instance.get_run_by_id(r["run_id"]).status == dg.DagsterRunStatus.SUCCESS
            proj = load_partition(
                lake, gold_contracts.MINUTES_PROJECTIONS.table, PartitionLocation.from_key(r["partition"])
            )
            assert len(proj) and (proj["model_run_id"] != "").all()
    out = capsys.readouterr().out
    for r in runs:
        assert f"new report {r['report']} -> slate run {r['partition']}" in out
    assert out.count("top projected minutes") == 2 and ("who moved" in out or "nobody moved" in out)
    assert "make ui" in out
