"""Scale-out: one slate partition's steps run on a Celery worker through Redis, on the PostgreSQL instance.

The worker is a real `dagster-celery worker start` process, with the sample config (config/celery.yaml)
and a queue of its own, so nothing else on the broker takes these steps and it takes no one else's. The
run is `dagster job execute` of `slate_celery` from another process; what it writes is compared to the
in-process `slate` job's output for the same partition on a copy of the same lake.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest
import redis
import yaml

from projections_assets.contracts.published import SLATE_PUBLICATION
from projections_assets.contracts.unified import UNIFIED_PROJECTIONS
from projections_assets.definitions import build_definitions
from projections_assets.defs.jobs import SLATE_CELERY_JOB, SLATE_JOB, SLATE_MEMBERS
from projections_assets.defs.scaleout import DEFAULT_QUEUE, DEFAULT_REDIS_URL, celery_settings
from projections_assets.platform.lake import MANIFEST_FILE, PartitionLocation
from projections_assets.platform.manifests import ManifestV1
from projections_assets.platform.pointers import read_pointer
from projections_assets.platform.processes import stop_process_group
from projections_assets.platform.publish import load_partition, slate_pointer_path
from projections_assets_tests import small_league_defs
from projections_assets_tests.conftest import REPO_ROOT, run_dagster_cli

# Three games in the test league: the smallest slate before the trained history.
KEY = "2025-12-21|17:30"
DAY = KEY.split("|")[0]
WORKER_CONFIG = REPO_ROOT / "config" / "celery.yaml"
VENV_BIN = Path(sys.executable).parent
# Bounded waits: the worker's start-up (imports) and the whole run, on a busy 2-core machine.
WORKER_READY_S = 240
RUN_TIMEOUT_S = 1200


@dataclass(frozen=True)
class Worker:
    """A started `dagster-celery worker start`: its node name, queue, log and the env it shares with runs."""

    name: str
    queue: str
    log: Path
    process: subprocess.Popen[bytes]
    env: dict[str, str]


def test_the_scaleout_job_is_the_slate_selection_with_the_celery_executor() -> None:
    assert SLATE_CELERY_JOB.selection == SLATE_JOB.selection
    assert SLATE_JOB.executor_def is dg.in_process_executor


def test_the_celery_settings_take_the_run_config_then_the_environment_then_the_local_redis(
    monkeypatch,
) -> None:
    monkeypatch.delenv("PROJECTIONS_CELERY_BROKER_URL", raising=False)
    monkeypatch.delenv("PROJECTIONS_CELERY_BACKEND_URL", raising=False)
    assert celery_settings({}) == {
        "broker": DEFAULT_REDIS_URL,
        "backend": DEFAULT_REDIS_URL,
        "config_source": {"task_default_queue": DEFAULT_QUEUE},
    }
    monkeypatch.setenv("PROJECTIONS_CELERY_BROKER_URL", "redis://broker.lan:6379/2")
    assert celery_settings({})["backend"] == "redis://broker.lan:6379/2"
    monkeypatch.setenv("PROJECTIONS_CELERY_BACKEND_URL", "redis://results.lan:6379/3")
    settings = celery_settings({"broker": "redis://run.lan:6379/1", "queue": "slates"})
    assert settings == {
        "broker": "redis://run.lan:6379/1",
        "backend": "redis://results.lan:6379/3",
        "config_source": {"task_default_queue": "slates"},
    }


def _worker_settings() -> dict[str, str]:
    """The broker and backend the sample worker config names."""
    config = yaml.safe_load(WORKER_CONFIG.read_text())["execution"]["config"]
    return {"broker": config["broker"], "backend": config["backend"]}


def _worker_ready(worker: Worker, deadline: float) -> None:
    text = ""
    while time.monotonic() < deadline:
        text = worker.log.read_text(errors="replace")
        if f"{worker.name}@{socket.gethostname()} ready." in text:
            return
        if worker.process.poll() is not None:
            break
        time.sleep(1)
    raise AssertionError(f"the Celery worker is not ready (exit {worker.process.poll()}):\n{text[-3000:]}")


@pytest.fixture
def worker(tmp_path: Path, postgres_url: str, league_dir: Path) -> Iterator[Worker]:
    """A Celery worker on a queue of its own, with the instance, lake and league of the run it serves."""
    home = tmp_path / "home"
    home.mkdir()
    # Workers on other machines reach the same instance: PostgreSQL (docker/dagster.yaml).
    shutil.copy(REPO_ROOT / "docker" / "dagster.yaml", home / "dagster.yaml")
    name = f"projections-test-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        # `dagster-celery worker start` runs `celery` from PATH.
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_URL": postgres_url,
        "PROJECTIONS_LAKE_ROOT": str(tmp_path / "lake"),
        small_league_defs.LEAGUE_DIR_ENV: str(league_dir),
    }
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                str(VENV_BIN / "dagster-celery"),
                *("worker", "start", "-A", "dagster_celery.app", "-y", str(WORKER_CONFIG)),
                *("-q", name, "-n", name),
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            # Its own process group: teardown stops the CLI, celery and the pool together.
            start_new_session=True,
        )
    started = Worker(name, name, log, process, env)
    try:
        _worker_ready(started, time.monotonic() + WORKER_READY_S)
        yield started
    finally:
        stop_process_group(process)
        with redis.Redis.from_url(_worker_settings()["broker"]) as client:
            # Kombu's bindings of the queue (the queue itself is gone once empty): the name is unique.
            for key in client.scan_iter(match=f"*{name}*"):
                client.delete(key)


# Two CLI runs of a partition and a worker; the first user of the session's trained history builds it.
@pytest.mark.timeout(2400)
def test_a_slate_partition_runs_its_steps_on_a_celery_worker(
    tmp_path, trained_lake, league_dir, worker, monkeypatch
) -> None:
    lake = trained_lake.copy_to(tmp_path / "lake")
    assert read_pointer(slate_pointer_path(lake, DAY)) is None
    # The run names the workers' broker and backend, whatever the environment says, and their queue.
    run_config = tmp_path / "run_config.yaml"
    run_config.write_text(
        yaml.safe_dump({"execution": {"config": {**_worker_settings(), "queue": worker.queue}}})
    )
    proc = subprocess.run(
        [
            str(VENV_BIN / "dagster"),
            *("job", "execute", "-m", small_league_defs.MODULE, "-j", SLATE_CELERY_JOB.name),
            *("-c", str(run_config), "--tags", json.dumps({"dagster/partition": KEY})),
        ],
        cwd=REPO_ROOT,
        env=worker.env,
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_S,
    )
    assert proc.returncode == 0, proc.stderr[-3000:] + worker.log.read_text(errors="replace")[-3000:]
    assert worker.process.poll() is None

    monkeypatch.setenv("DAGSTER_HOME", worker.env["DAGSTER_HOME"])
    monkeypatch.setenv("DAGSTER_PG_URL", worker.env["DAGSTER_PG_URL"])
    with dg.DagsterInstance.get() as instance:
        (run,) = instance.get_runs()
        logs = instance.all_logs(run.run_id)
    assert run.status == dg.DagsterRunStatus.SUCCESS and run.job_name == SLATE_CELERY_JOB.name
    events = [entry.dagster_event for entry in logs if entry.dagster_event is not None]
    succeeded = {e.step_key for e in events if e.event_type == dg.DagsterEventType.STEP_SUCCESS}
    steps = {node.name for node in build_definitions().resolve_job_def(SLATE_CELERY_JOB.name).graph.nodes}
    assert succeeded == steps
    # Every step was handed to this worker, and ran outside the process that orchestrated the run.
    handed = {
        e.step_key: e.engine_event_data.metadata["Celery worker"].value
        for e in events
        if e.event_type == dg.DagsterEventType.ENGINE_EVENT
        and "Celery worker" in e.engine_event_data.metadata
    }
    assert handed == {key: f"{worker.name}@{socket.gethostname()}" for key in succeeded}
    (run_pid,) = {e.pid for e in events if e.event_type == dg.DagsterEventType.RUN_START}
    step_pids = {e.pid for e in events if e.event_type == dg.DagsterEventType.STEP_START}
    assert step_pids and run_pid not in step_pids

    loc = PartitionLocation.from_key(KEY)
    for table in [*SLATE_MEMBERS, SLATE_PUBLICATION.table]:
        pointer = read_pointer(lake.pointer_path(table, loc))
        assert pointer is not None and pointer.run_id == run.run_id, table
        manifest = ManifestV1.read(lake.root / pointer.path / MANIFEST_FILE)
        assert manifest.status == "success" and manifest.partition.key == KEY, table
        assert manifest.environment.orchestrator_run_id == run.run_id
    published = read_pointer(slate_pointer_path(lake, DAY))
    assert published.partition_key == KEY and published.run_id == run.run_id

    # The daily job on a copy of the same lake writes the same projections.
    reference = trained_lake.copy_to(tmp_path / "reference_lake")
    reference_home = tmp_path / "reference_home"
    reference_home.mkdir()
    shutil.copy(REPO_ROOT / "dagster.yaml", reference_home / "dagster.yaml")
    proc = run_dagster_cli(
        ["job", "execute", "-m", small_league_defs.MODULE, "-j", SLATE_JOB.name]
        + ["--tags", json.dumps({"dagster/partition": KEY})],
        reference_home,
        timeout_s=RUN_TIMEOUT_S,
        PROJECTIONS_LAKE_ROOT=str(reference.root),
        **{small_league_defs.LEAGUE_DIR_ENV: str(league_dir)},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    keys = list(UNIFIED_PROJECTIONS.keys)
    scaled = load_partition(lake, UNIFIED_PROJECTIONS.table, loc).sort_values(keys, ignore_index=True)
    daily = load_partition(reference, UNIFIED_PROJECTIONS.table, loc).sort_values(keys, ignore_index=True)
    assert len(scaled) > 0
    pd.testing.assert_frame_equal(scaled, daily)
