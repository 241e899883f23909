"""Query a table's history across partitions in one pass.

Assets that need many upstream partitions (silver over bronze history,
features over every earlier label) read them here instead of loading a
thousand partitions through the IO manager. Only each partition's current run
(its pointer's target) is read, so superseded and failed runs are invisible,
and the as-of filter is pushed into the parquet scan.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from projections_assets.platform.lake import DATA_FILE, POINTER_FILE, Lake, TableRef
from projections_assets.platform.manifests import InputRecord
from projections_assets.platform.pointers import PointerEntry, read_pointer


@dataclass(frozen=True)
class HistoryRead:
    """The rows a query returned, and the lineage record for a manifest."""

    frame: pd.DataFrame
    record: InputRecord


def _date_dirs(
    table_dir: os.PathLike[str], start: date | None, end: date | None
) -> Iterator[os.DirEntry[str]]:
    try:
        entries = sorted(os.scandir(table_dir), key=lambda e: e.name)
    except FileNotFoundError:
        return
    for entry in entries:
        if not entry.is_dir() or not entry.name.startswith("game_date="):
            continue
        day = entry.name.removeprefix("game_date=")
        if (start and day < start.isoformat()) or (end and day > end.isoformat()):
            continue
        yield entry


def current_runs(
    lake: Lake, table: TableRef, start: date | None = None, end: date | None = None
) -> list[PointerEntry]:
    """Pointer targets of every published partition with game_date in [start, end]."""
    found: list[PointerEntry] = []
    for day_dir in _date_dirs(lake.table_dir(table), start, end):
        candidates = [os.path.join(day_dir.path, POINTER_FILE)]
        candidates += [
            os.path.join(sub.path, POINTER_FILE)
            for sub in sorted(os.scandir(day_dir.path), key=lambda e: e.name)
            if sub.is_dir() and sub.name.startswith("slot=")
        ]
        for pointer in candidates:
            entry = read_pointer(Path(pointer))
            if entry is not None:
                found.append(entry)
    return found


def read_history(
    lake: Lake,
    table: TableRef,
    *,
    start: date | None = None,
    end: date | None = None,
    as_of: datetime | None = None,
    asof_column: str = "available_at",
    columns: Sequence[str] | None = None,
    filter_expression: ds.Expression | None = None,
) -> HistoryRead:
    """Rows of `table`'s current runs for game_dates in [start, end] with asof_column <= as_of."""
    runs = current_runs(lake, table, start, end)
    files = [str(lake.resolve(entry.path) / DATA_FILE) for entry in runs]
    expression = filter_expression
    if as_of is not None:
        cutoff = pa.scalar(pd.Timestamp(as_of).tz_convert("UTC"), type=pa.timestamp("us", tz="UTC"))
        asof_filter = ds.field(asof_column) <= cutoff
        expression = asof_filter if expression is None else expression & asof_filter
    if files:
        dataset = ds.dataset(files, format="parquet")
        frame = dataset.to_table(columns=list(columns) if columns else None, filter=expression).to_pandas()
    else:
        frame = pd.DataFrame(columns=list(columns) if columns else [])
    record = InputRecord(
        name=str(table),
        path=lake.relative(lake.table_dir(table)) if lake.table_dir(table).exists() else str(table),
        partition=f"{start or '*'}..{end or '*'}"
        + (f" as of {pd.Timestamp(as_of).isoformat()}" if as_of else ""),
        row_count=len(frame),
        file_count=len(files),
    )
    return HistoryRead(frame=frame, record=record)
