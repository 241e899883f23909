"""The backfill recipes of docs/backfills.md, run as written, on a copy of the trained history.

- `dagster asset materialize --partition-range` over one slot of a week: one run. One partition that
  fails its contract fails the run as a whole (no slate of the week publishes); `projections lake
  summary --failed` names it; the rerun of the failed table and the slate's tables after it, over the
  same range, completes the week without capturing its sources again.
- `dagster job backfill` (one run per partition) and the UI's `launchPartitionBackfill` (GraphQL, as
  the UI sends it) both only record a backfill: `dagster-daemon` submits its runs through the queue and
  launches them. Every partition ends up with the same outputs as a daily run's, by the same assets.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import httpx
import pytest

from projections_assets.contracts import gold as gold_contracts
from projections_assets.contracts import silver as silver_contracts
from projections_assets.contracts.published import SLATE_PUBLICATION
from projections_assets.defs.jobs import SLATE_KEYS, SLATE_MEMBERS
from projections_assets.league.generate import read_league_tables
from projections_assets.platform.lake import MANIFEST_FILE, Lake, PartitionLocation, TableRef
from projections_assets.platform.manifests import ManifestV1
from projections_assets.platform.pointers import read_pointer
from projections_assets.platform.processes import stop_process_group
from projections_assets.platform.publish import load_partition, slate_pointer_path
from projections_assets.settings import LAKE_ROOT_ENV
from projections_assets_tests import poisoned_league_defs, small_league_defs
from projections_assets_tests.conftest import REPO_ROOT, run_dagster_cli

SLOT = "17:30"
WEEK = [(date(2025, 12, 17) + timedelta(days=i)).isoformat() for i in range(7)]
POISONED_DAY = "2025-12-20"
FAILED_TABLE = gold_contracts.MINUTES_FEATURES.table
SELECTION = ",".join(key.to_user_string() for key in SLATE_KEYS)
TABLES = [TableRef.from_path(k.path) for k in SLATE_KEYS]
PUBLISHED_MEMBERS = {str(t) for t in SLATE_MEMBERS}
BIN = Path(sys.executable).parent
# A bound on waits that must end (process start-ups, daemon ticks, runs), not a timing claim.
BOUND_S = 1800


def _keys(days: list[str]) -> list[str]:
    return [f"{day}|{SLOT}" for day in days]


def _home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_bytes((REPO_ROOT / "dagster.yaml").read_bytes())
    return home


def _env(lake: Lake, league_dir: Path) -> dict[str, str]:
    return {LAKE_ROOT_ENV: str(lake.root), small_league_defs.LEAGUE_DIR_ENV: str(league_dir)}


def _summary(lake: Lake, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "projections"), "lake", "summary", "--lake", str(lake.root), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def _game_days(league_dir: Path) -> set[str]:
    games = read_league_tables(league_dir)["games"]
    return set(games["game_date"].astype(str))


def _assert_partition_complete(
    lake: Lake, key: str, runs_by_table: dict[TableRef, str], game_days: set[str]
) -> None:
    """Every slate table of `key` points at a successful manifest of the expected run; the slate published."""
    loc = PartitionLocation.from_key(key)
    for table in TABLES:
        pointer = read_pointer(lake.pointer_path(table, loc))
        assert pointer is not None, f"{table} {key}: no output"
        assert pointer.run_id == runs_by_table[table], f"{table} {key}: written by {pointer.run_id}"
        manifest = ManifestV1.read(lake.root / pointer.path / MANIFEST_FILE)
        assert manifest.status == "success" and manifest.partition.key == key, f"{table} {key}"
        assert all(c.passed for c in manifest.checks), f"{table} {key}"
        if table != SLATE_PUBLICATION.table:
            assert manifest.outputs[0].row_count == pointer.row_count, f"{table} {key}"
    roster = load_partition(lake, silver_contracts.SILVER_ROSTER.table, loc)
    projections = load_partition(lake, gold_contracts.MINUTES_PROJECTIONS.table, loc)
    assert set(zip(projections["game_id"], projections["player_id"], strict=True)) == set(
        zip(roster["game_id"], roster["player_id"], strict=True)
    )
    # A day without games (the week has two) publishes an empty slate, through the same contracts.
    assert (len(projections) > 0) == (loc.game_date.isoformat() in game_days), key
    published = load_partition(lake, SLATE_PUBLICATION.table, loc)
    assert set(published["table"]) == PUBLISHED_MEMBERS and (published["partition_key"] == key).all()
    # The game date's slate is this slot's, published by the run that wrote the slate's last table.
    slate = read_pointer(slate_pointer_path(lake, loc.game_date.isoformat()))
    assert slate.partition_key == key and slate.run_id == runs_by_table[SLATE_PUBLICATION.table]


# Two CLI runs of a week of slots on a shared 2-core machine; the session's trained history may be built first.
@pytest.mark.timeout(2400)
def test_a_week_in_one_run_fails_as_a_whole_and_the_rerun_of_what_failed_completes_it(
    tmp_path, trained_lake, league_dir, monkeypatch
) -> None:
    lake = trained_lake.copy_to(tmp_path / "lake")
    home = _home(tmp_path)
    env = _env(lake, league_dir)
    keys = _keys(WEEK)
    week = f"{keys[0]}...{keys[-1]}"
    poison = {poisoned_league_defs.POISON_ENV: f"{FAILED_TABLE}@{POISONED_DAY}"}

    first = run_dagster_cli(
        ["asset", "materialize", "-m", poisoned_league_defs.MODULE, "--select", SELECTION]
        + ["--partition-range", week],
        home,
        timeout_s=BOUND_S,
        **env,
        **poison,
    )
    assert first.returncode != 0, first.stderr[-3000:]
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        (failed_run,) = instance.get_runs()
    assert failed_run.status == dg.DagsterRunStatus.FAILURE
    assert failed_run.tags["dagster/asset_partition_range_start"] == keys[0]
    assert failed_run.tags["dagster/asset_partition_range_end"] == keys[-1]
    # One partition failed, and the whole week went with it: no slate of the week is published.
    for key in keys:
        loc = PartitionLocation.from_key(key)
        assert read_pointer(lake.pointer_path(SLATE_PUBLICATION.table, loc)) is None, key
        assert read_pointer(slate_pointer_path(lake, loc.game_date.isoformat())) is None, key
        assert read_pointer(lake.pointer_path(silver_contracts.SILVER_ROSTER.table, loc)).run_id == (
            failed_run.run_id
        )

    # The report names the failed partition, its table and its error; nothing else failed.
    report = _summary(lake, "--from", WEEK[0], "--to", WEEK[-1], "--failed", "--json")
    assert report.returncode == 0, report.stderr
    (failure,) = [json.loads(line) for line in report.stdout.splitlines()]
    assert (failure["table"], failure["partition"]) == (str(FAILED_TABLE), f"{POISONED_DAY}|{SLOT}")
    assert poisoned_league_defs.RULE in failure["error"] and failure["latest_run"] == failed_run.run_id

    # Cause fixed (no poison), rerun only what failed: the failed table and the slate's tables after it,
    # over the same range. The sources and snapshots stay as captured.
    rerun_keys = _from_table_on(FAILED_TABLE)
    assert set(rerun_keys) < set(SLATE_KEYS) and rerun_keys[0] == dg.AssetKey(FAILED_TABLE.key_path)
    second = run_dagster_cli(
        ["asset", "materialize", "-m", small_league_defs.MODULE]
        + ["--select", ",".join(k.to_user_string() for k in rerun_keys), "--partition-range", week],
        home,
        timeout_s=BOUND_S,
        **env,
    )
    assert second.returncode == 0, second.stderr[-3000:]
    with dg.DagsterInstance.get() as instance:
        (rerun,) = [r for r in instance.get_runs() if r.run_id != failed_run.run_id]
    assert rerun.status == dg.DagsterRunStatus.SUCCESS

    report = _summary(lake, "--from", WEEK[0], "--to", WEEK[-1], "--failed")
    assert report.returncode == 0 and report.stdout.splitlines()[-1].startswith("0 partitions of"), (
        report.stdout
    )
    rerun_tables = {TableRef.from_path(k.path) for k in rerun_keys}
    expected = {t: rerun.run_id if t in rerun_tables else failed_run.run_id for t in TABLES}
    game_days = _game_days(league_dir)
    assert 0 < len(game_days & set(WEEK)) < len(WEEK)
    for key in keys:
        _assert_partition_complete(lake, key, expected, game_days)


def _from_table_on(table: TableRef) -> list[dg.AssetKey]:
    """`table` and every slate asset downstream of it, in the slate's order."""
    graph = small_league_defs.defs().resolve_asset_graph()
    downstream = dg.AssetSelection.assets(dg.AssetKey(table.key_path)).downstream().resolve(graph)
    return [k for k in SLATE_KEYS if k in downstream]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        args, cwd=REPO_ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True
    )


def _wait_for(what: str, condition, logs: list[Path]) -> None:
    deadline = time.monotonic() + BOUND_S
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(3)
    tails = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in logs if p.exists())
    pytest.fail(f"{what}: not within {BOUND_S} s\n{tails}")


LAUNCH_BACKFILL = """
mutation LaunchPartitionBackfill($backfillParams: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $backfillParams) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message stack }
    ... on UnauthorizedError { message }
    ... on InvalidSubsetError { message }
    ... on PartitionSetNotFoundError { message }
    ... on ConflictingExecutionParamsError { message }
  }
}
"""


# A webserver, a daemon, its code server and run workers on a shared 2-core machine.
@pytest.mark.timeout(2400)
def test_a_job_backfill_and_a_ui_backfill_are_run_by_the_daemon(
    tmp_path, trained_lake, league_dir, monkeypatch
) -> None:
    lake = trained_lake.copy_to(tmp_path / "lake")
    home = _home(tmp_path)
    env = _env(lake, league_dir)
    job_keys, ui_keys = _keys(WEEK[1:3]), _keys(WEEK[3:5])
    target = ["-m", small_league_defs.MODULE]

    # `dagster job backfill`: one run per partition, recorded for the daemon to submit.
    done = run_dagster_cli(
        ["job", "backfill", *target, "-j", "slate", "--partitions", ",".join(job_keys), "--noprompt"],
        home,
        **env,
    )
    assert done.returncode == 0, done.stderr[-3000:]

    full_env = {**os.environ, "DAGSTER_HOME": str(home), "DAGSTER_GRPC_TIMEOUT_SECONDS": "300", **env}
    logs = [tmp_path / "webserver.log", tmp_path / "daemon.log"]
    port = _free_port()
    procs = [
        _start(
            [str(BIN / "dagster-webserver"), *target, "-h", "127.0.0.1", "-p", str(port)], full_env, logs[0]
        )
    ]
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    try:
        url = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            try:
                return httpx.get(f"{url}/server_info", timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        _wait_for("the webserver", answers, logs)
        # What the UI's "Materialize" dialog sends for a backfill of the slate's assets over two partitions.
        params = {
            "assetSelection": [{"path": list(k.path)} for k in SLATE_KEYS],
            "partitionNames": ui_keys,
            "fromFailure": False,
            "tags": [],
        }
        answer = httpx.post(
            f"{url}/graphql",
            json={"query": LAUNCH_BACKFILL, "variables": {"backfillParams": params}},
            timeout=300,
        ).json()
        launched = answer["data"]["launchPartitionBackfill"]
        assert launched["__typename"] == "LaunchBackfillSuccess", launched
        stop_process_group(procs[0])

        procs.append(_start([str(BIN / "dagster-daemon"), "run", *target], full_env, logs[1]))
        with dg.DagsterInstance.get() as instance:

            def all_done() -> bool:
                backfills = instance.get_backfills()
                runs = instance.get_runs()
                return (
                    len(backfills) == 2
                    and all(b.status.value in ("COMPLETED", "COMPLETED_SUCCESS", "FAILED") for b in backfills)
                    and all(r.is_finished for r in runs)
                )

            _wait_for("both backfills to complete", all_done, logs)
            backfills = {b.backfill_id: b for b in instance.get_backfills()}
            runs = list(instance.get_runs())
    finally:
        for proc in procs:
            stop_process_group(proc)

    assert all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs), [
        (r.run_id, r.status, r.tags) for r in runs
    ]
    assert all(b.status.value in ("COMPLETED", "COMPLETED_SUCCESS") for b in backfills.values()), backfills
    ui_id = launched["backfillId"]
    (job_id,) = set(backfills) - {ui_id}
    by_backfill = {bid: [r for r in runs if r.tags.get("dagster/backfill") == bid] for bid in backfills}
    # The job backfill ran each partition alone; the UI's backfill of single-run assets, the range at once.
    assert sorted(r.tags["dagster/partition"] for r in by_backfill[job_id]) == job_keys
    (ui_run,) = by_backfill[ui_id]
    assert (
        ui_run.tags["dagster/asset_partition_range_start"],
        ui_run.tags["dagster/asset_partition_range_end"],
    ) == (
        ui_keys[0],
        ui_keys[-1],
    )
    game_days = _game_days(league_dir)
    for run in by_backfill[job_id]:
        key = run.tags["dagster/partition"]
        _assert_partition_complete(lake, key, dict.fromkeys(TABLES, run.run_id), game_days)
    for key in ui_keys:
        _assert_partition_complete(lake, key, dict.fromkeys(TABLES, ui_run.run_id), game_days)
