"""A backfill's report from the lake's manifests: each partition's latest attempt, its duration and rows.

The manifests are the durable record (they survive a lost Dagster database), so the report reads
them, not the event log: per table partition whose game date is in range, the newest run directory's
manifest (the latest attempt, failed or not) beside the run its pointer names (the current output).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from projections_assets.platform.lake import MANIFEST_FILE, POINTER_FILE, Lake, TableRef
from projections_assets.platform.manifests import ManifestV1
from projections_assets.platform.pointers import read_pointer

GAME_DATE_DIR = "game_date="
RUN_DIR = "run="


@dataclass(frozen=True)
class PartitionSummary:
    """One table partition: its latest attempt and its current output."""

    table: str
    partition: str
    status: str
    started_at: str
    duration_s: float
    rows: int | None
    latest_run: str
    current_run: str | None
    error: str | None

    @property
    def failed(self) -> bool:
        return self.status != "success"


def _tables(lake: Lake, only: TableRef | None) -> list[TableRef]:
    if only is not None:
        return [only]
    out = []
    for layer in sorted(p for p in lake.root.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
        for table in sorted(p for p in layer.iterdir() if p.is_dir() and not p.name.startswith("_")):
            try:
                out.append(TableRef(layer.name, table.name))
            except ValueError:
                # Not a table of ours (e.g. `models/<name>`: artifacts, not partitions).
                continue
    return out


def _partition_dirs(table_dir: Path, first: date, last: date) -> list[Path]:
    out = []
    for day_dir in sorted(table_dir.glob(f"{GAME_DATE_DIR}*")):
        try:
            day = date.fromisoformat(day_dir.name.removeprefix(GAME_DATE_DIR))
        except ValueError:
            continue
        if not first <= day <= last:
            continue
        slots = sorted(p for p in day_dir.iterdir() if p.is_dir() and p.name.startswith("slot="))
        out += slots or [day_dir]
    return out


def _summary(table: TableRef, partition_dir: Path) -> PartitionSummary | None:
    manifests = []
    for run_dir in partition_dir.glob(f"{RUN_DIR}*"):
        path = run_dir / MANIFEST_FILE
        if path.is_file():
            manifests.append((ManifestV1.read(path), run_dir.name.removeprefix(RUN_DIR)))
    if not manifests:
        return None
    latest, latest_run = max(manifests, key=lambda m: m[0].timing.started_at)
    pointer = read_pointer(partition_dir / POINTER_FILE)
    current = next((m for m, run in manifests if pointer is not None and run == pointer.run_id), None)
    rows = current.outputs[0].row_count if current is not None and current.outputs else None
    return PartitionSummary(
        table=str(table),
        partition=latest.partition.key or "",
        status=latest.status,
        started_at=latest.timing.started_at.isoformat(),
        duration_s=latest.timing.duration_s,
        rows=rows,
        latest_run=latest_run,
        current_run=pointer.run_id if pointer is not None else None,
        error=latest.error.message.splitlines()[0] if latest.error and latest.error.message else None,
    )


def summarize_partitions(
    lake: Lake, first: date, last: date, table: TableRef | None = None
) -> list[PartitionSummary]:
    """Every partition with a game date in [first, last] (of `table`, or of every table), in table and
    partition order."""
    if first > last:
        raise ValueError(f"--from {first} is after --to {last}")
    out = []
    for ref in _tables(lake, table):
        for partition_dir in _partition_dirs(lake.table_dir(ref), first, last):
            found = _summary(ref, partition_dir)
            if found is not None:
                out.append(found)
    return out
