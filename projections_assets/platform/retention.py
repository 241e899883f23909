"""Retention: prune old run directories of the derived layers that nothing names.

A run directory is a candidate only if all of these hold:

- it belongs to a partitioned table of a derived layer (`silver`, `gold`, `published`); bronze, the
  blobs, labels, models, `_pointers` and `_staging` are never looked at, and neither are unpartitioned
  tables (training sets, model metrics, the sim calibration, whose runs lock records name by id);
- no pointer names it, current or in its history: table partition pointers, the named pointers under
  `_pointers/` (a date's published slate, the models), and the member runs of every publication such a
  pointer names;
- it is no run of a slot a lock record names (`freeze_slot`, `written_by_slot`): frozen slots stay whole;
- its manifest finished more than `older_than_days` before `now`. `now` is a parameter: the caller
  passes the sources' clock, never the machine's (the daemon asks the sources, the command line takes
  the newest capture the lake holds, `newest_capture`). A run directory without a manifest is kept:
  its age is unknown.

Everything pruned is recomputable from bronze: no reader reaches it (readers follow pointers), and a
rerun of its partition rebuilds the current run's content.

Deleting is two steps so a kill at any instant leaves no half-deleted run where anything looks: each
run directory is renamed into `<lake>/_trash/<prune id>/` (one `rename(2)`, under its partition's
pointer lock, after checking again that the pointer does not name it), the retention manifest
`<lake>/_retention/<prune id>.json` records what was moved and why, and only then is the trash
deleted. The next prune empties trash a killed one left behind.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath

from projections_assets.partitions import InvalidPartitionKey, parse_key
from projections_assets.platform.fsio import atomic_write_bytes, fsync_dir
from projections_assets.platform.lake import MANIFEST_FILE, POINTER_FILE, POINTERS_DIR, Lake
from projections_assets.platform.manifests import ManifestV1, utcnow
from projections_assets.platform.pointers import (
    PointerError,
    pointer_history,
    pointer_lock,
    read_pointer_file,
)
from projections_assets.platform.records import LOCKS_DIR, read_record

# The layers derived from bronze (and labels): the only ones retention looks at.
DERIVED_LAYERS = ("silver", "gold", "published")
# Layers whose runs name other runs as members (a slate publication lists the run of each table).
PUBLICATION_LAYERS = ("published",)
RETENTION_DIR = "_retention"
TRASH_DIR = "_trash"
RETENTION_VERSION = 1
BRONZE_LAYER = "bronze"

# Why a run directory was kept (the plan counts each).
KEPT_NAMED = "named by a pointer (current or history) or a publication it names"
KEPT_FROZEN = "a run of a slot a lock record names (frozen)"
KEPT_RECENT = "finished within the retention window"
KEPT_NO_MANIFEST = "no manifest (age unknown)"
KEPT_UNPARTITIONED = "an unpartitioned table's run (a model's record)"


@dataclass(frozen=True)
class Candidate:
    """A run directory retention may delete, and why it is eligible."""

    path: str
    table: str
    partition: str | None
    run_id: str
    status: str
    finished_at: str
    age_days: float
    reason: str


@dataclass(frozen=True)
class RetentionPlan:
    """What a prune at `now` would delete (`candidates`) and how many run directories it keeps, by why."""

    now: str
    older_than_days: int
    cutoff: str
    candidates: list[Candidate]
    kept: dict[str, int]


@dataclass(frozen=True)
class PruneResult:
    plan: RetentionPlan
    dry_run: bool
    pruned: list[Candidate] = field(default_factory=list)
    # Candidates a pointer came to name between the plan and the move (kept).
    spared: list[str] = field(default_factory=list)
    manifest: str | None = None


def _relative(value: str) -> str:
    return PurePosixPath(value).as_posix().strip("/")


def _pointer_files(lake: Lake) -> Iterator[Path]:
    """Every pointer file that may name a derived run: partition pointers and the named pointers."""
    for layer in DERIVED_LAYERS:
        layer_dir = lake.root / layer
        if not layer_dir.is_dir():
            continue
        for pattern in (
            f"*/{POINTER_FILE}",
            f"*/game_date=*/{POINTER_FILE}",
            f"*/game_date=*/slot=*/{POINTER_FILE}",
        ):
            yield from sorted(layer_dir.glob(pattern))
    named = lake.root / POINTERS_DIR
    if named.is_dir():
        for path in sorted(named.rglob("*.json")):
            if LOCKS_DIR not in path.relative_to(named).parts[:1]:
                yield path


def _members(lake: Lake, relative: str) -> list[str]:
    """The member runs a publication's manifest lists (none when it has no readable manifest)."""
    try:
        manifest = ManifestV1.read(lake.resolve(relative) / MANIFEST_FILE)
    except (FileNotFoundError, ValueError):
        return []
    return [_relative(i.path) for i in manifest.inputs if i.path]


def named_runs(lake: Lake) -> set[str]:
    """Run directories (relative to the lake) that a pointer names, now or in its history, with the
    members of every publication among them."""
    named: set[str] = set()
    for pointer in _pointer_files(lake):
        try:
            state = read_pointer_file(pointer)
        except PointerError:
            # A named pointer of another shape cannot name a run of ours; a broken partition pointer
            # must stop the prune rather than expose its runs.
            if pointer.name == POINTER_FILE:
                raise
            continue
        if state is None:
            continue
        named.update(_relative(e.path) for e in [*state.history, state.current])
    for path in list(named):
        if PurePosixPath(path).parts[:1] and PurePosixPath(path).parts[0] in PUBLICATION_LAYERS:
            named.update(_members(lake, path))
    return named


def frozen_slots(lake: Lake) -> set[tuple[str, str]]:
    """(game_date=..., slot=...) of every slot a lock record names."""
    locks = lake.root / POINTERS_DIR / LOCKS_DIR
    out: set[tuple[str, str]] = set()
    if not locks.is_dir():
        return out
    for path in sorted(locks.glob("game_date=*/*.json")):
        record = read_record(path) or {}
        for key, value in record.items():
            if not key.endswith("_slot") or not isinstance(value, str):
                continue
            try:
                partition = parse_key(value)
            except InvalidPartitionKey:
                continue
            parts = partition.path_parts
            out.add((parts[0], parts[1]))
    return out


def _partitioned_run_dirs(lake: Lake) -> Iterator[tuple[str, Path, tuple[str, ...]]]:
    """(table, run directory, partition directory names) of every partitioned derived table's run."""
    for layer in DERIVED_LAYERS:
        layer_dir = lake.root / layer
        if not layer_dir.is_dir():
            continue
        for table_dir in sorted(p for p in layer_dir.iterdir() if p.is_dir() and not p.name.startswith("_")):
            table = f"{layer}.{table_dir.name}"
            for run_dir in sorted(table_dir.glob("game_date=*/run=*")):
                yield table, run_dir, (run_dir.parent.name,)
            for run_dir in sorted(table_dir.glob("game_date=*/slot=*/run=*")):
                yield table, run_dir, (run_dir.parent.parent.name, run_dir.parent.name)


def _unpartitioned_runs(lake: Lake) -> int:
    return sum(
        1
        for layer in DERIVED_LAYERS
        if (lake.root / layer).is_dir()
        for _ in (lake.root / layer).glob("*/run=*")
    )


def plan_retention(lake: Lake, now: datetime, older_than_days: int) -> RetentionPlan:
    """The run directories a prune at `now` (the sources' clock) would delete, and what it keeps."""
    if now.tzinfo is None:
        raise ValueError(f"now {now.isoformat()} has no time zone; give the sources' clock in UTC")
    if older_than_days < 1:
        raise ValueError(f"older_than_days {older_than_days} must be at least 1")
    cutoff = now - timedelta(days=older_than_days)
    named = named_runs(lake)
    frozen = frozen_slots(lake)
    kept: Counter[str] = Counter()
    kept[KEPT_UNPARTITIONED] = _unpartitioned_runs(lake)
    candidates = []
    for table, run_dir, parts in _partitioned_run_dirs(lake):
        relative = lake.relative(run_dir)
        if relative in named:
            kept[KEPT_NAMED] += 1
            continue
        if len(parts) == 2 and parts in frozen:
            kept[KEPT_FROZEN] += 1
            continue
        try:
            manifest = ManifestV1.read(run_dir / MANIFEST_FILE)
        except (FileNotFoundError, ValueError):
            kept[KEPT_NO_MANIFEST] += 1
            continue
        finished = manifest.timing.finished_at
        if finished >= cutoff:
            kept[KEPT_RECENT] += 1
            continue
        age = (now - finished).total_seconds() / 86400
        what = "a failed attempt" if manifest.status != "success" else "a superseded run"
        candidates.append(
            Candidate(
                path=relative,
                table=table,
                partition=manifest.partition.key,
                run_id=run_dir.name.removeprefix("run="),
                status=manifest.status,
                finished_at=finished.isoformat(),
                age_days=round(age, 2),
                reason=(
                    f"{what} that finished {age:.1f} days before now (over {older_than_days}); no pointer, "
                    "pointer history, publication or lock record names it"
                ),
            )
        )
    return RetentionPlan(
        now=now.isoformat(),
        older_than_days=older_than_days,
        cutoff=cutoff.isoformat(),
        candidates=candidates,
        kept={k: v for k, v in sorted(kept.items()) if v},
    )


def _empty_trash(lake: Lake) -> None:
    trash = lake.root / TRASH_DIR
    if trash.is_dir():
        for entry in trash.iterdir():
            shutil.rmtree(entry, ignore_errors=True)


def _still_unnamed(lake: Lake, candidate: Candidate) -> bool:
    pointer = lake.resolve(candidate.path).parent / POINTER_FILE
    return all(_relative(e.path) != candidate.path for e in pointer_history(pointer))


def prune(
    lake: Lake, now: datetime, older_than_days: int, *, dry_run: bool = False, now_source: str = ""
) -> PruneResult:
    """Plan at `now`; unless `dry_run`, delete the candidates (via the trash) and write the manifest."""
    plan = plan_retention(lake, now, older_than_days)
    if dry_run:
        return PruneResult(plan=plan, dry_run=True)
    _empty_trash(lake)
    prune_id = f"{now.strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:8]}"
    trash = lake.root / TRASH_DIR / prune_id
    trash.mkdir(parents=True)
    pruned, spared = [], []
    for candidate in plan.candidates:
        run_dir = lake.resolve(candidate.path)
        # Under the partition's pointer lock, so the pointer cannot come to name it mid-move.
        with pointer_lock(run_dir.parent / POINTER_FILE):
            if not _still_unnamed(lake, candidate) or not run_dir.is_dir():
                spared.append(candidate.path)
                continue
            os.rename(run_dir, trash / candidate.path.replace("/", "__"))
        fsync_dir(run_dir.parent)
        pruned.append(candidate)
    record = {
        "retention_version": RETENTION_VERSION,
        "prune_id": prune_id,
        "now": plan.now,
        "now_source": now_source,
        "older_than_days": plan.older_than_days,
        "cutoff": plan.cutoff,
        "pruned_at": utcnow().isoformat(),
        "pruned": [asdict(c) for c in pruned],
        "spared": spared,
        "kept": plan.kept,
    }
    manifest = lake.root / RETENTION_DIR / f"{prune_id}.json"
    manifest.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(manifest, json.dumps(record, indent=1).encode())
    shutil.rmtree(trash)
    return PruneResult(
        plan=plan, dry_run=False, pruned=pruned, spared=spared, manifest=lake.relative(manifest)
    )


def newest_capture(lake: Lake) -> datetime | None:
    """The newest source instant the lake's bronze holds: the latest `captured_at` (the instant a
    payload describes: its as-of instant, else the source's clock) among the inputs of the manifests
    of each bronze table's newest game date."""
    bronze = lake.root / BRONZE_LAYER
    newest: datetime | None = None
    if not bronze.is_dir():
        return None
    for table_dir in sorted(p for p in bronze.iterdir() if p.is_dir() and not p.name.startswith("_")):
        days = sorted(table_dir.glob("game_date=*"))
        if not days:
            continue
        for path in days[-1].glob(f"**/run=*/{MANIFEST_FILE}"):
            try:
                manifest = ManifestV1.read(path)
            except ValueError:
                continue
            for record in manifest.inputs:
                if record.captured_at is not None and (newest is None or record.captured_at > newest):
                    newest = record.captured_at
    return newest
