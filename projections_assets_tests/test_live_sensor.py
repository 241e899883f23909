"""The injury report sensor live: `dagster-daemon` on the instance the demo leaves, the default resources.

The code location is the product's own (`workspace.yaml`); the only configuration is the environment a
user would set: the lake, the league directory, and a league clock started a few league minutes before
the next report, running at 5 league minutes per wall minute. The daemon evaluates the sensor in its
code server and launches the slate run in a run worker, three processes that must agree on league time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from projections_assets.contracts import gold as gold_contracts
from projections_assets.defs.resources import (
    CLOCK_ANCHOR_ENV,
    CLOCK_SPEED_ENV,
    CLOCK_START_ENV,
    LEAGUE_DIR_ENV,
)
from projections_assets.defs.sensors import REPORT_TAG
from projections_assets.platform.lake import Lake, PartitionLocation
from projections_assets.platform.processes import stop_process_group
from projections_assets.platform.publish import load_partition
from projections_assets.settings import LAKE_ROOT_ENV
from projections_assets_tests.conftest import REPO_ROOT, DemoRun, run_dagster_cli

SENSOR = "injury_report_sensor"
# A bound on the wait, not a timing claim: daemon and code server start-up, one tick, a run worker, a run.
WAIT_S = 300


def _eastern(day: str, hhmm: str) -> datetime:
    return pd.Timestamp(f"{day} {hhmm}", tz="America/New_York").tz_convert("UTC").to_pydatetime()


def _sensor_runs(instance: dg.DagsterInstance) -> list[dg.DagsterRun]:
    return list(instance.get_runs(filters=dg.RunsFilter(tags={"dagster/sensor_name": SENSOR})))


# Two workspace loads by the CLI, the daemon's code server and a run worker: more than the suite's
# per-test bound on a busy machine, so this one test gets a larger one.
@pytest.mark.timeout(900)
def test_the_daemon_turns_a_new_report_into_a_successful_slate_run(
    demo_run: DemoRun, league_dir, tmp_path, monkeypatch
) -> None:
    day = demo_run.summary["day"]
    # The demo replayed the 16:00 and 16:15 reports; the sensor starts after them and waits for 16:30.
    assert [r["partition"] for r in demo_run.summary["runs"]] == [f"{day}|16:00", f"{day}|16:15"]
    report = f"Injury-Report_{day}_04_30PM.pdf"
    workspace = ["-w", str(REPO_ROOT / "workspace.yaml")]
    paths = {LAKE_ROOT_ENV: str(demo_run.lake), LEAGUE_DIR_ENV: str(league_dir)}
    cursor = json.dumps({"after": _eastern(day, "16:15").isoformat()})
    # Turned on as a user would (the UI's toggle does the same), then told where the last run left off.
    for args in (["sensor", "start", SENSOR], ["sensor", "cursor", SENSOR, "--set", cursor]):
        done = run_dagster_cli([*args, *workspace], demo_run.home, **paths)
        assert done.returncode == 0, done.stderr[-2000:]
    env = {
        **paths,
        # League 16:27 ET as the daemon starts, 16:30 about 36 s later, 16:45 three minutes after that.
        CLOCK_START_ENV: _eastern(day, "16:27").isoformat(),
        CLOCK_ANCHOR_ENV: datetime.now(UTC).isoformat(),
        CLOCK_SPEED_ENV: "5",
    }
    log = tmp_path / "daemon.log"
    daemon = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster-daemon")), "run", *workspace],
        cwd=REPO_ROOT,
        # As `make ui` does: a run's launch waits for its worker to load the code location.
        env={**os.environ, "DAGSTER_HOME": str(demo_run.home), "DAGSTER_GRPC_TIMEOUT_SECONDS": "300", **env},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    monkeypatch.setenv("DAGSTER_HOME", str(demo_run.home))
    try:
        with dg.DagsterInstance.get() as instance:
            deadline = time.monotonic() + WAIT_S
            succeeded: list[dg.DagsterRun] = []
            while time.monotonic() < deadline and not succeeded:
                runs = _sensor_runs(instance)
                failed = [r for r in runs if r.status == dg.DagsterRunStatus.FAILURE]
                assert not failed, f"sensor run {failed[0].run_id} failed; tags {failed[0].tags}"
                succeeded = [
                    r
                    for r in runs
                    if r.status == dg.DagsterRunStatus.SUCCESS and r.tags[REPORT_TAG] == report
                ]
                time.sleep(3)
            assert succeeded, (
                f"no successful run of {report} within {WAIT_S} s: {runs}\n{log.read_text()[-3000:]}"
            )
            # The first report after the cursor, in its own slot, captured and projected.
            assert succeeded[0].tags["dagster/partition"] == f"{day}|16:30"
    finally:
        stop_process_group(daemon)
    proj = load_partition(
        Lake(demo_run.lake),
        gold_contracts.MINUTES_PROJECTIONS.table,
        PartitionLocation.from_key(f"{day}|16:30"),
    )
    assert len(proj) and (proj["model_run_id"] != "").all()
