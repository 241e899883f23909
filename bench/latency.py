"""Benchmark: news latency through the real path (issue 13 item 9).

    projections bench latency [--reports N] [--interval S] [--workdir DIR] [--fresh] [--json]

From the instant an injury report is published on the source to the instant the game_date's published
pointer names that report's slot, with every production piece in the loop: `dagster-daemon` running the
injury report sensor (its code server, the QueuedRunCoordinator, the DefaultRunLauncher's run worker),
sources read over HTTP from a league feed on loopback standing in for the real hosts (the `feed_live`
deployment: as in production, the pollers have captured odds, rosters, lineups, draftables and the
schedule five minutes before the slot, and the report's run captures the report and computes the whole
chain from it), the forward-only publication.

1. Prepare (once per work dir, about 4 minutes; `--fresh` redoes it): the demo's history, training and
   its first replayed report (2026-01-11 16:00 ET) into `<workdir>/base` (lake and Dagster home).
2. Copy the base to `<workdir>/run` (so every measurement starts from the same state and the sensor's run
   keys are new), serve the league feed on 127.0.0.1 with its clock just after 16:00, turn the sensor
   on with its cursor there, and start the daemon.
3. For each of `--reports` reports (16:15, 16:30, ...): the poller's capture of the slot, at the
   feed's five minutes before it (`capture_sources`, tagged live, as `source_poller` runs it; the
   daemon's schedule fires on the machine's clock, so the benchmark launches it), then the feed's clock
   jumps to the report's publication instant (it then runs at real speed), and the benchmark times
   until the published pointer names the report's slot. The next jump waits for the run to end and for `--interval` seconds after the last
   jump, whichever is later: runs never queue behind each other.
4. From the Dagster event log of each run: the phases (sensor pickup: publication -> run created;
   queue: created -> dequeued; run worker start-up: dequeued -> run started (a process importing the
   code location); run setup: run started -> first step (resources); each step, to the next step's
   start; publication: the publish step's start -> pointer seen by the poller). They add up to the
   latency.

Prints a table and writes bench/results/latency.json (`news_latency_p50_s`, `news_latency_p95_s`,
`reports`, `phases`); with --json also prints that object as the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import warnings
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from projections_assets.cli.bench import write_result
from projections_assets.platform.processes import stop_process_group
from projections_assets.settings import LAKE_ROOT_ENV, PROJECT_ROOT, default_league_dir

# The code location silences these when it loads; the benchmark imports its modules directly.
warnings.filterwarnings("ignore", message=".*is currently in beta.*")
warnings.filterwarnings("ignore", message=".*is currently in preview.*")

SEED = 7
DAY = "2026-01-11"
# The demo replays from 16:00; its first report is part of the preparation, the measured ones follow.
FIRST_REPORT = "16:15"
SENSOR = "injury_report_sensor"
DEPLOYMENT = "feed_live"
POLL_LEAD = timedelta(minutes=5)
WORKSPACE = PROJECT_ROOT / "workspace.yaml"
# Bounds on waits, not timing claims.
DAEMON_READY_S = 240
REPORT_DEADLINE_S = 300
POLL_S = 0.1


def _eastern(day: str, hhmm: str) -> datetime:
    return pd.Timestamp(f"{day} {hhmm}", tz="America/New_York").tz_convert("UTC").to_pydatetime()


def _say(message: str) -> None:
    print(f"[latency {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def prepare(base: Path) -> None:
    """The demo's history, models and first report into `base` (lake/ and home/)."""
    from projections_assets.cli.demo import run_demo

    shutil.rmtree(base, ignore_errors=True)
    (base / "home").mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "dagster.yaml", base / "home" / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(base / "home")
    os.environ[LAKE_ROOT_ENV] = str(base / "lake")
    summary = run_demo(SEED, pd.Timestamp(DAY).date(), max_reports=1)
    (base / "prepared.json").write_text(
        json.dumps({"day": DAY, "runs": summary.get("runs", [])}, default=str)
    )


def _env(run: Path, feed_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DAGSTER_HOME": str(run / "home"),
        LAKE_ROOT_ENV: str(run / "lake"),
        "PROJECTIONS_DEPLOYMENT": DEPLOYMENT,
        "PROJECTIONS_FEED_URL": feed_url,
        # As `make ui` does: a run's launch waits for its worker to load the code location.
        "DAGSTER_GRPC_TIMEOUT_SECONDS": "300",
    }


def _dagster(args: list[str], env: dict[str, str], target: list[str] | None = None) -> None:
    cli = Path(sys.executable).with_name("dagster")
    done = subprocess.run(
        [str(cli), *args, *(target or ["-w", str(WORKSPACE)])],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"dagster {' '.join(args)} failed:\n{done.stderr[-3000:]}")


def _runs_of(instance, partition: str) -> list:
    import dagster as dg

    from projections_assets.defs.sensors import TRIGGER_TAG

    return list(
        instance.get_run_records(
            filters=dg.RunsFilter(tags={"dagster/partition": partition, TRIGGER_TAG: "injury_report"})
        )
    )


def _phases(instance, record, published_at: float, seen_at: float, publish_step: str) -> dict[str, float]:
    """Seconds per phase of one report's run (module docstring, 4)."""
    events: dict[str, float] = {}
    step_start: dict[str, float] = {}
    for entry in instance.all_logs(record.dagster_run.run_id):
        event = entry.dagster_event
        if event is None:
            continue
        kind = event.event_type_value
        if kind in ("PIPELINE_ENQUEUED", "PIPELINE_DEQUEUED", "PIPELINE_STARTING", "PIPELINE_START"):
            events.setdefault(kind, entry.timestamp)
        elif kind == "STEP_START":
            step_start[event.step_key] = entry.timestamp
    created = record.create_timestamp.timestamp()
    dequeued = events.get("PIPELINE_DEQUEUED", events.get("PIPELINE_STARTING", created))
    started = events["PIPELINE_START"]
    first_step = min(step_start.values())
    publish_start = step_start[publish_step]
    phases = {
        "sensor_pickup": created - published_at,
        "queue": dequeued - created,
        "run_worker_startup": started - dequeued,
        "run_setup": first_step - started,
    }
    # A step's phase runs to the next step's start: the engine's work between two steps (events,
    # outputs) belongs to the step before, so the phases add up to the latency.
    ordered = [key for key in sorted(step_start, key=step_start.get) if step_start[key] <= publish_start]
    for key, following in zip(ordered, ordered[1:], strict=False):
        phases[f"step:{key}"] = step_start[following] - step_start[key]
    phases["publication"] = seen_at - publish_start
    return phases


def measure(workdir: Path, reports: int, interval: float) -> dict:
    import dagster as dg

    from projections_assets.defs.jobs import CAPTURE_JOB, PUBLISHED_SLATE
    from projections_assets.defs.resources import CAPTURE_TAG, LIVE_CAPTURE
    from projections_assets.league.feed import Clock, Feed, serve, wall_now
    from projections_assets.league.generate import read_league_tables
    from projections_assets.league.payloads import LeaguePayloads
    from projections_assets.platform.lake import Lake
    from projections_assets.platform.pointers import read_pointer
    from projections_assets.platform.publish import slate_pointer_path

    base, run = workdir / "base", workdir / "run"
    shutil.rmtree(run, ignore_errors=True)
    shutil.copytree(base, run, symlinks=True)
    # The instance settings of this checkout (the base may have been prepared by an older one).
    shutil.copy(PROJECT_ROOT / "dagster.yaml", run / "home" / "dagster.yaml")
    publish_step = "__".join(PUBLISHED_SLATE.key.path)
    slots = [
        (pd.Timestamp(_eastern(DAY, FIRST_REPORT)) + pd.Timedelta(minutes=15 * i)).to_pydatetime()
        for i in range(reports)
    ]
    tables = read_league_tables(default_league_dir(SEED))
    # Just after the prepared report; the sensor's cursor is there, so its first ticks find nothing.
    feed = Feed(LeaguePayloads(tables), Clock(slots[0] - timedelta(minutes=14), 1.0, wall_now()))
    server = serve(feed)
    env = _env(run, server.url)
    lake = Lake(run / "lake")
    pointer = slate_pointer_path(lake, DAY)
    _say(f"feed on {server.url}; turning the sensor on (two CLI calls, each loading the code location)")
    _dagster(["sensor", "start", SENSOR], env)
    cursor = json.dumps({"after": (slots[0] - timedelta(minutes=15)).isoformat()})
    _dagster(["sensor", "cursor", SENSOR, "--set", cursor], env)
    log = (run / "daemon.log").open("w")
    daemon = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster-daemon")), "run", "-w", str(WORKSPACE)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    results = []
    os.environ["DAGSTER_HOME"] = str(run / "home")
    try:
        with dg.DagsterInstance.get() as instance:
            _say("waiting for the daemon's first sensor tick")
            deadline = time.monotonic() + DAEMON_READY_S
            while "no new report" not in (run / "daemon.log").read_text():
                if daemon.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the daemon did not tick:\n{(run / 'daemon.log').read_text()[-3000:]}"
                    )
                time.sleep(1)
            for slot in slots:
                key = f"{DAY}|{pd.Timestamp(slot).tz_convert('America/New_York'):%H:%M}"
                feed.clock = Clock(slot - POLL_LEAD, 1.0, wall_now())
                tags = json.dumps({"dagster/partition": key, CAPTURE_TAG: LIVE_CAPTURE})
                module = ["-m", "projections_assets.definitions"]
                _dagster(["job", "execute", "-j", CAPTURE_JOB.name, "--tags", tags], env, module)
                feed.clock = Clock(slot, 1.0, wall_now())
                published_at = time.time()
                seen_at = None
                deadline = time.monotonic() + REPORT_DEADLINE_S
                while time.monotonic() < deadline:
                    entry = read_pointer(pointer)
                    if entry is not None and entry.partition_key == key:
                        seen_at = time.time()
                        break
                    time.sleep(POLL_S)
                if seen_at is None:
                    raise RuntimeError(
                        f"{key}: not published within {REPORT_DEADLINE_S} s; see {run / 'daemon.log'}"
                    )
                # Wait for the run's end (what changed runs after publication) before the next report.
                while True:
                    records = _runs_of(instance, key)
                    if records and records[0].dagster_run.is_finished:
                        break
                    time.sleep(0.5)
                record = records[0]
                phases = _phases(instance, record, published_at, seen_at, publish_step)
                latency = seen_at - published_at
                results.append(
                    {
                        "partition": key,
                        "run_id": record.dagster_run.run_id,
                        "status": record.dagster_run.status.value,
                        "latency_s": round(latency, 2),
                        "run_s": round(record.end_time - record.start_time, 2),
                        "phases": {k: round(v, 3) for k, v in phases.items()},
                    }
                )
                _say(f"{key}: published {latency:.1f} s after the report ({record.dagster_run.status.value})")
                wait = published_at + interval - time.time()
                if wait > 0:
                    time.sleep(wait)
    finally:
        stop_process_group(daemon)
        server.close()
    return summarize(results, interval)


def summarize(results: list[dict], interval: float) -> dict:
    latencies = [r["latency_s"] for r in results]
    names = list(dict.fromkeys(k for r in results for k in r["phases"]))
    phases = {
        name: round(statistics.median(r["phases"].get(name, 0.0) for r in results), 3) for name in names
    }
    return {
        "news_latency_p50_s": round(float(np.percentile(latencies, 50)), 2),
        "news_latency_p95_s": round(float(np.percentile(latencies, 95)), 2),
        "news_latency_max_s": round(max(latencies), 2),
        "slowest_run_s": max(r["run_s"] for r in results),
        "interval_s": interval,
        "reports": results,
        "phases": phases,
        "percentiles": "numpy linear interpolation over the reports",
        "phase_figures": "median seconds over the reports",
    }


def _table(summary: dict) -> None:
    print(f"{'report':<18} {'latency s':>10} {'run s':>7}  status")
    for r in summary["reports"]:
        print(f"{r['partition']:<18} {r['latency_s']:>10.2f} {r['run_s']:>7.2f}  {r['status']}")
    print(
        f"\np50 {summary['news_latency_p50_s']:.2f} s, p95 {summary['news_latency_p95_s']:.2f} s "
        f"over {len(summary['reports'])} reports\n"
    )
    print(f"{'phase (median)':<52} {'s':>7}")
    for name, seconds in summary["phases"].items():
        print(f"{name:<52} {seconds:>7.2f}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="projections bench latency", description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=12, help="reports to time (default 12; at least 10)")
    parser.add_argument(
        "--interval", type=float, default=60.0, help="least wall seconds between two reports (default 60)"
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=PROJECT_ROOT / ".bench" / "latency",
        help="where the prepared base and the measured copy live (default .bench/latency)",
    )
    parser.add_argument("--fresh", action="store_true", help="prepare the base again")
    parser.add_argument("--json", action="store_true", help="print the result as JSON on the last line")
    args = parser.parse_args(argv)
    if args.reports < 1:
        parser.error("--reports must be at least 1")
    workdir = args.workdir.resolve()
    if args.fresh or not (workdir / "base" / "prepared.json").exists():
        _say(f"preparing {workdir / 'base'} (the demo's history, training and first report; once)")
        prepare(workdir / "base")
    summary = measure(workdir, args.reports, args.interval)
    _table(summary)
    write_result("latency", {**summary, "machine": {"deployment": DEPLOYMENT, "daemon": "dagster-daemon"}})
    if args.json:
        print(json.dumps(summary))
    return 0
