"""Retention: only old, unnamed, unfrozen runs of the derived layers go, and every pointer still reads."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from projections_assets.cli import main
from projections_assets.contracts import ContractViolation
from projections_assets.contracts.published import SLATE_PUBLICATION
from projections_assets.platform.artifacts import ArtifactStore
from projections_assets.platform.lake import MANIFEST_FILE, Lake, PartitionLocation, TableRef
from projections_assets.platform.manifests import InputRecord, ManifestV1
from projections_assets.platform.pointers import PointerFile, read_pointer, read_pointer_file
from projections_assets.platform.publish import (
    load_partition,
    publish_partition,
    publish_slate,
    slate_pointer_path,
)
from projections_assets.platform.records import lock_record_path, record_once
from projections_assets.platform.retention import RETENTION_DIR, TRASH_DIR, newest_capture, prune
from projections_assets_tests.toy_chain import TOY_EVENTS, toy_events_frame

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=40)
NEW = NOW - timedelta(days=2)
K1, K2, K3 = "2025-12-07|17:30", "2025-12-07|18:00", "2025-12-08|17:30"
SILVER = dataclasses.replace(TOY_EVENTS, table=TableRef("silver", "toy_copy"))
GOLD = dataclasses.replace(TOY_EVENTS, table=TableRef("gold", "toy_gold"))
GOLD_DAILY = dataclasses.replace(TOY_EVENTS, table=TableRef("gold", "toy_daily"), asof_column=None)
GOLD_UNPARTITIONED = dataclasses.replace(TOY_EVENTS, table=TableRef("gold", "toy_model"), asof_column=None)
LABELS = dataclasses.replace(TOY_EVENTS, table=TableRef("labels", "toy_labels"), asof_column=None)


def _finished(lake: Lake, run_dir, when: datetime) -> None:
    """Set a run's manifest finish time (the lake's writers stamp the machine's clock)."""
    path = run_dir / MANIFEST_FILE
    manifest = ManifestV1.read(path)
    timing = manifest.timing.model_copy(update={"started_at": when, "finished_at": when})
    path.write_bytes(manifest.model_copy(update={"timing": timing}).to_json_bytes())


def _publish(lake, contract, key, run_id, when, *, move_pointer=True, frame=None, inputs=None):
    location = PartitionLocation.from_key(key)
    frame = toy_events_frame(key if key and "|" in key else K1) if frame is None else frame
    try:
        result = publish_partition(
            lake, contract.table, location, run_id, frame, contract, move_pointer=move_pointer, inputs=inputs
        )
        run_dir = result.run_dir
    except ContractViolation:
        run_dir = lake.run_dir(contract.table, location, run_id)
    _finished(lake, run_dir, when)
    return run_dir


def _failing(key: str) -> pd.DataFrame:
    frame = toy_events_frame(key)
    return pd.concat([frame, frame])


@pytest.fixture
def retained(lake):
    """Every kind of run retention must tell apart; `lake.expected` lists the three it may prune."""
    runs = {}
    # Bronze: an old failed attempt, never pruned, and a capture whose instant is the lake's newest.
    runs["bronze_failed"] = _publish(lake, TOY_EVENTS, K1, "bronze-failed", OLD, frame=_failing(K1))
    runs["bronze"] = _publish(
        lake,
        TOY_EVENTS,
        K3,
        "bronze",
        OLD,
        inputs=[InputRecord(name="odds", captured_at=NOW - timedelta(hours=1))],
    )
    # Silver K1: a run superseded by a rerun (pointer history), the current rerun, an old failed attempt,
    # an old and a recent run no pointer ever named.
    runs["history"] = _publish(lake, SILVER, K1, "first", OLD)
    runs["current"] = _publish(lake, SILVER, K1, "rerun", OLD)
    runs["failed_old"] = _publish(lake, SILVER, K1, "failed", OLD, frame=_failing(K1))
    runs["orphan_old"] = _publish(lake, SILVER, K1, "orphan-old", OLD, move_pointer=False)
    runs["orphan_new"] = _publish(lake, SILVER, K1, "orphan-new", NEW, move_pointer=False)
    # Silver K2: an old unnamed run of a slot a lock record names (frozen).
    runs["frozen"] = _publish(lake, SILVER, K2, "frozen-orphan", OLD, move_pointer=False)
    record_once(
        lock_record_path(lake, "2025-12-07", "game=0022500001"),
        {"game_id": "0022500001", "freeze_slot": K2, "written_by_slot": K2, "models_of": "lock record: ..."},
    )
    # Gold K3: a member of the published slate whose table pointer has since lost it from its history (as
    # the history cap does), so only the publication names it.
    runs["member"] = _publish(lake, GOLD, K3, "member", OLD)
    _publish(lake, SILVER, K3, "silver-k3", OLD)
    publication, _ = publish_slate(
        lake, [SILVER.table, GOLD.table], PartitionLocation.from_key(K3), "pub", SLATE_PUBLICATION
    )
    _finished(lake, publication.run_dir, OLD)
    runs["publication"] = publication.run_dir
    _publish(lake, GOLD, K3, "member-rerun", OLD)
    pointer = lake.pointer_path(GOLD.table, PartitionLocation.from_key(K3))
    state = read_pointer_file(pointer)
    pointer.write_bytes(PointerFile(current=state.current, history=[]).model_dump_json().encode())
    # A daily gold partition's old failed attempt; an unpartitioned gold table's old unnamed run.
    runs["daily_failed"] = _publish(lake, GOLD_DAILY, "2025-12-07", "daily-failed", OLD, frame=_failing(K1))
    runs["unpartitioned"] = _publish(lake, GOLD_UNPARTITIONED, None, "model-metrics", OLD, move_pointer=False)
    # Labels and models: an unnamed label run and an unpromoted model, both old.
    runs["labels"] = _publish(lake, LABELS, "2025-12-07", "labels-orphan", OLD, move_pointer=False)
    runs["model"] = ArtifactStore(lake).write("toy", "model-old", lambda d: (d / "m.txt").write_text("m"))
    lake.runs = runs
    lake.expected = sorted(lake.relative(runs[k]) for k in ("failed_old", "orphan_old", "daily_failed"))
    return lake


def test_a_dry_run_lists_exactly_the_old_unnamed_unfrozen_derived_runs(retained) -> None:
    result = prune(retained, NOW, 30, dry_run=True)
    assert sorted(c.path for c in result.plan.candidates) == retained.expected
    assert all(path.is_dir() for path in retained.runs.values())
    assert not (retained.root / RETENTION_DIR).exists()
    failed = next(c for c in result.plan.candidates if c.run_id == "failed")
    assert failed.status == "failed" and failed.age_days == 40.0 and "no pointer" in failed.reason
    assert result.plan.kept["a run of a slot a lock record names (frozen)"] == 1


def test_a_prune_removes_exactly_those_records_them_and_leaves_every_pointer_readable(retained) -> None:
    result = prune(retained, NOW, 30, now_source="test")
    assert sorted(c.path for c in result.pruned) == retained.expected
    gone = {k for k, path in retained.runs.items() if not path.exists()}
    assert gone == {"failed_old", "orphan_old", "daily_failed"}
    record = json.loads((retained.root / result.manifest).read_text())
    assert sorted(p["path"] for p in record["pruned"]) == retained.expected
    assert (
        record["now"] == NOW.isoformat()
        and record["older_than_days"] == 30
        and record["now_source"] == "test"
    )
    assert all(p["reason"] for p in record["pruned"])
    assert list((retained.root / TRASH_DIR).iterdir()) == []
    # Every pointer's target still reads: the partition's current run, and the published slate's members.
    current = load_partition(retained, SILVER.table, PartitionLocation.from_key(K1))
    pd.testing.assert_frame_equal(current, toy_events_frame(K1))
    slate = read_pointer(slate_pointer_path(retained, "2025-12-08"))
    members = load_partition(retained, SLATE_PUBLICATION.table, PartitionLocation.from_key(K3))
    assert slate is not None and slate.run_id == "pub"
    for path in members["path"]:
        assert len(pd.read_parquet(retained.resolve(path) / "data.parquet")) == 3
    # A second prune finds nothing more.
    again = prune(retained, NOW, 30)
    assert again.plan.candidates == [] and again.pruned == []


def test_a_longer_window_or_an_earlier_now_prunes_less(retained) -> None:
    assert prune(retained, NOW, 60, dry_run=True).plan.candidates == []
    assert prune(retained, OLD + timedelta(days=1), 1, dry_run=True).plan.candidates == []


def test_the_sources_clock_defaults_to_the_newest_bronze_capture(retained) -> None:
    assert newest_capture(retained) == NOW - timedelta(hours=1)
    assert newest_capture(Lake(retained.root / "empty")) is None


def test_prune_command_dry_run_then_prune(retained, capsys) -> None:
    base = ["lake", "prune", "--lake", str(retained.root), "--older-than-days", "30"]
    assert main([*base, "--now", NOW.isoformat(), "--dry-run", "--json"]) == 0
    out, err = capsys.readouterr()
    assert sorted(json.loads(line)["path"] for line in out.splitlines()) == retained.expected
    assert "would prune 3 run directories" in err and "from --now" in err
    assert all(path.is_dir() for path in retained.runs.values())
    # Without --now: the newest bronze capture (an hour before NOW), so the same runs are old.
    assert main(base) == 0
    out, err = capsys.readouterr()
    assert "pruned 3 run directories" in err and "the newest bronze capture" in err
    assert len(list((retained.root / RETENTION_DIR).glob("*.json"))) == 1
    assert not retained.runs["orphan_old"].exists() and retained.runs["orphan_new"].is_dir()


def test_prune_command_refuses_a_naive_now_and_a_lake_without_captures(tmp_path, capsys) -> None:
    assert main(["lake", "prune", "--lake", str(tmp_path), "--now", "2026-03-01T12:00:00"]) == 2
    assert "no time zone" in capsys.readouterr().err
    assert main(["lake", "prune", "--lake", str(tmp_path), "--dry-run"]) == 2
    assert "give --now" in capsys.readouterr().err
