"""One run per partition at a time, by every route: two CLI runs and a sensor run of the same partition.

Two `dagster asset materialize` of the slate's partition run in their own processes, beside the queued
run coordinator; the injury report sensor's run goes through it (the daemon ticks the sensor, queues its
run, then launches it). While the test holds the partition's run lock, all three start: the CLI runs
report that they wait for the lock, the sensor's waits for it too or stays queued (the coordinator's tag
limit counts the CLI runs of its partition). Once it is released they write one at a time. Afterwards
the partition is intact, its slate pointer only moved forward, and the sensor, evaluated again from the
same cursor, requests nothing new: its run key was already used.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pandas as pd
import pyarrow.parquet as pq
import pytest

from projections_assets.contracts import get_contract
from projections_assets.defs.jobs import SLATE_KEYS
from projections_assets.defs.resources import CLOCK_SPEED_ENV, CLOCK_START_ENV
from projections_assets.defs.sensors import REPORT_TAG
from projections_assets.platform.contracts import evaluate_contract
from projections_assets.platform.lake import DATA_FILE, MANIFEST_FILE, Lake, PartitionLocation, TableRef
from projections_assets.platform.manifests import ManifestV1
from projections_assets.platform.partition_lock import hold_partitions
from projections_assets.platform.pointers import pointer_history, read_pointer
from projections_assets.platform.processes import stop_process_group
from projections_assets.platform.publish import slate_pointer_path
from projections_assets.settings import LAKE_ROOT_ENV
from projections_assets_tests import small_league_defs
from projections_assets_tests.conftest import REPO_ROOT, run_dagster_cli

DAY = "2025-12-22"
KEY = f"{DAY}|17:30"
REPORT = f"Injury-Report_{DAY}_05_30PM.pdf"
RUN_KEY = f"injury-report:{REPORT}"
SENSOR = "injury_report_sensor"
TARGET = ["-m", small_league_defs.MODULE]
SELECTION = ",".join(key.to_user_string() for key in SLATE_KEYS)
WAITS = "waits up to"
# Bounds on waits that must end, not timing claims: process start-ups, ticks at least 60 s apart, runs.
BOUND_S = 600


def _eastern(hhmm: str) -> str:
    return pd.Timestamp(f"{DAY} {hhmm}", tz="America/New_York").tz_convert("UTC").isoformat()


def _wait_for(what: str, condition, logs: list[Path]) -> None:
    deadline = time.monotonic() + BOUND_S
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(2)
    tails = "\n".join(f"--- {p.name}\n{p.read_text()[-2500:]}" for p in logs if p.exists())
    pytest.fail(f"{what}: not within {BOUND_S} s\n{tails}")


def _messages(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    return [e.user_message or "" for e in instance.all_logs(run_id)]


def _sensor_ticks(instance: dg.DagsterInstance) -> list:
    (state,) = [s for s in instance.all_instigator_state() if s.name == SENSOR]
    return list(instance.get_ticks(state.instigator_origin_id, state.selector_id))


def _run_span(lake: Lake, tables: list[TableRef], run_id: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """When the run wrote the partition: its first manifest's start to its last one's end."""
    loc = PartitionLocation.from_key(KEY)
    manifests = [
        ManifestV1.read(lake.run_dir(t, loc, run_id) / MANIFEST_FILE)
        for t in tables
        if (lake.run_dir(t, loc, run_id) / MANIFEST_FILE).exists()
    ]
    assert manifests, f"run {run_id} wrote no manifest of {KEY}"
    return min(m.timing.started_at for m in manifests), max(m.timing.finished_at for m in manifests)


# Daemon, code server, run worker and two CLI processes on a shared 2-core machine.
@pytest.mark.timeout(1500)
def test_two_cli_runs_and_a_sensor_run_of_one_partition_write_it_one_at_a_time(
    tmp_path, trained_lake, league_dir, monkeypatch
) -> None:
    lake = trained_lake.copy_to(tmp_path / "lake")
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_bytes((REPO_ROOT / "dagster.yaml").read_bytes())
    env = {
        LAKE_ROOT_ENV: str(lake.root),
        small_league_defs.LEAGUE_DIR_ENV: str(league_dir),
        # The league's clock stands still ten minutes after the slot: its 5:30 PM report is out.
        CLOCK_START_ENV: _eastern("17:40"),
        CLOCK_SPEED_ENV: "0",
        "DAGSTER_GRPC_TIMEOUT_SECONDS": "300",
    }
    cursor = json.dumps({"after": _eastern("17:15")})
    for args in (["sensor", "start", SENSOR], ["sensor", "cursor", SENSOR, "--set", cursor]):
        done = run_dagster_cli([*args, *TARGET], home, **env)
        assert done.returncode == 0, done.stderr[-2000:]

    full_env = {**os.environ, "DAGSTER_HOME": str(home), **env}
    logs = [tmp_path / "daemon.log", tmp_path / "cli-1.log", tmp_path / "cli-2.log"]

    def start(args: list[str], log: Path) -> subprocess.Popen:
        return subprocess.Popen(
            args,
            cwd=REPO_ROOT,
            env=full_env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    bin_dir = Path(sys.executable).parent
    materialize = [str(bin_dir / "dagster"), "asset", "materialize", *TARGET, "--select", SELECTION]
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    procs: list[subprocess.Popen] = []
    try:
        with dg.DagsterInstance.get() as instance:
            # The test holds the partition first, so that all three runs are seen waiting for it.
            with hold_partitions(lake, [KEY], "the-test", timeout_s=0):
                procs.append(start([str(bin_dir / "dagster-daemon"), "run", *TARGET], logs[0]))
                procs += [start([*materialize, "--partition", KEY], log) for log in logs[1:]]

                def sensor_runs() -> list[dg.DagsterRun]:
                    return list(instance.get_runs(filters=dg.RunsFilter(tags={"dagster/run_key": RUN_KEY})))

                _wait_for("the sensor's run", lambda: sensor_runs(), logs)
                # The sensor is told to look again from where it started: the same report, the same run key.
                done = run_dagster_cli(["sensor", "cursor", SENSOR, "--set", cursor, *TARGET], home, **env)
                assert done.returncode == 0, done.stderr[-2000:]

                def all_held_back() -> bool:
                    # A run started by the CLI waits for the lock; the sensor's waits for it too, or, if a
                    # CLI run of its partition has started first, stays in the coordinator's queue.
                    runs = instance.get_runs()
                    return len(runs) == 3 and all(
                        r.status == dg.DagsterRunStatus.QUEUED
                        or any(WAITS in m for m in _messages(instance, r.run_id))
                        for r in runs
                    )

                _wait_for("three runs held back from the partition", all_held_back, logs)
                cli_runs = [r for r in instance.get_runs() if r.run_id != sensor_runs()[0].run_id]
                assert all(any(WAITS in m for m in _messages(instance, r.run_id)) for r in cli_runs)

                def evaluated_again() -> bool:
                    # The daemon records a tick whose request it dropped as skipped, with the run key.
                    return any(
                        t.status.value == "SKIPPED" and RUN_KEY in t.run_keys and not t.run_ids
                        for t in _sensor_ticks(instance)
                    )

                _wait_for("the sensor's tick after the reset", evaluated_again, logs)
            for proc in procs[1:]:
                proc.wait(timeout=BOUND_S)
            _wait_for(
                "the sensor's run to end",
                lambda: all(r.is_finished for r in sensor_runs()),
                logs,
            )
            runs = list(instance.get_runs())
            ticks = _sensor_ticks(instance)
    finally:
        for proc in procs:
            stop_process_group(proc)

    # Every route ran to success: two from the CLI, one requested by the sensor through the queue.
    assert [p.returncode for p in procs[1:]] == [0, 0], [log.read_text()[-2500:] for log in logs[1:]]
    assert len(runs) == 3 and all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs), runs
    (sensor_run,) = [r for r in runs if r.tags.get("dagster/run_key") == RUN_KEY]
    assert sensor_run.tags[REPORT_TAG] == REPORT and sensor_run.tags["dagster/partition"] == KEY
    assert all(r.tags["dagster/partition"] == KEY for r in runs)
    # The sensor evaluated twice from the same cursor: the second request's run key was already used.
    assert sum(len(t.run_ids) for t in ticks) == 1
    assert sum(RUN_KEY in t.run_keys for t in ticks) >= 2

    # The lock serialised them: no two runs' writes of the partition overlap in time.
    tables = [TableRef.from_path(k.path) for k in SLATE_KEYS]
    spans = sorted((*_run_span(lake, tables, r.run_id), r.run_id) for r in runs)
    for (_, end, first), (start_next, _, second) in zip(spans, spans[1:], strict=False):
        assert end <= start_next, f"runs {first} and {second} wrote {KEY} at the same time"

    # Every current file of the partition is whole and keeps its table's contract.
    loc = PartitionLocation.from_key(KEY)
    for table in tables:
        pointer = read_pointer(lake.pointer_path(table, loc))
        assert pointer is not None and pointer.run_id in {r.run_id for r in runs}, table
        frame = pq.read_table(lake.root / pointer.path / DATA_FILE).to_pandas()
        assert len(frame) == pointer.row_count, table
        failed = [
            o.name for o in evaluate_contract(get_contract(table), frame, loc.run_as_of_ts) if not o.passed
        ]
        assert not failed, f"{table}: {failed}"
    # The date's published slate moved forward only, and last to the run that wrote last.
    history = pointer_history(slate_pointer_path(lake, DAY))
    assert [e.orchestrator_run_id for e in history] == [run_id for _, _, run_id in spans]
    order = [e.order_key for e in history]
    assert order == sorted(order)
