"""Where every table lives in the lake, and which names are safe to use there.

Layout (docs/design.md decision 3)::

    <lake>/<layer>/<table>/game_date=YYYY-MM-DD/slot=HHMM/run=<run_id>/data.parquet
                                                          run=<run_id>/manifest.json
                                                 _current.json   (the partition's pointer)
    <lake>/_staging/<unique>/                                     (work in progress)
    <lake>/_pointers/...                                          (slate and model pointers)

Names starting with `_` or `.` are invisible to readers (pyarrow's dataset
discovery skips them too), so staging and pointer files can never be read as
data. Every path component derived from user input is validated here first.
"""

from __future__ import annotations

import re
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from projections_assets.partitions import (
    InvalidPartitionKey,
    SlatePartition,
    parse_game_date,
    parse_key,
)

DATA_FILE = "data.parquet"
MANIFEST_FILE = "manifest.json"
POINTER_FILE = "_current.json"
STAGING_DIR = "_staging"
POINTERS_DIR = "_pointers"

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_RUN_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")


class InvalidLakeName(ValueError):
    """A layer, table or run id that must not become a path component."""


def validate_name(value: str, what: str) -> str:
    if not isinstance(value, str) or not _NAME_RE.match(value):
        raise InvalidLakeName(f"{what} {value!r} must match {_NAME_RE.pattern}")
    return value


def validate_run_id(run_id: str) -> str:
    if not isinstance(run_id, str) or not _RUN_ID_RE.match(run_id):
        raise InvalidLakeName(f"run id {run_id!r} must match {_RUN_ID_RE.pattern}")
    return run_id


@dataclass(frozen=True)
class TableRef:
    """A lake table: `<layer>/<name>`, the asset key `[layer, name]`."""

    layer: str
    name: str

    def __post_init__(self) -> None:
        validate_name(self.layer, "layer")
        validate_name(self.name, "table name")

    @classmethod
    def from_path(cls, path: tuple[str, ...] | list[str]) -> TableRef:
        if len(path) != 2:
            raise InvalidLakeName(f"asset key {list(path)} must be [layer, table]")
        return cls(path[0], path[1])

    @property
    def key_path(self) -> list[str]:
        return [self.layer, self.name]

    def __str__(self) -> str:
        return f"{self.layer}.{self.name}"


@dataclass(frozen=True)
class PartitionLocation:
    """A validated partition of some table: slate (date x slot), daily, or none."""

    key: str | None
    parts: tuple[str, ...]
    game_date: date | None = None
    run_as_of_ts: datetime | None = None
    # Orders partitions of one table in time (used by forward-only pointers).
    order_key: str = ""

    @classmethod
    def from_key(cls, key: str | object | None) -> PartitionLocation:
        if key is None:
            return cls(key=None, parts=())
        if getattr(key, "keys_by_dimension", None) is not None or (isinstance(key, str) and "|" in key):
            return cls.from_slate(parse_key(key))
        if isinstance(key, str):
            day = parse_game_date(key)
            return cls(key=key, parts=(f"game_date={day.isoformat()}",), game_date=day, order_key=key)
        raise InvalidPartitionKey(f"partition key {key!r} is not a string")

    @classmethod
    def from_slate(cls, partition: SlatePartition) -> PartitionLocation:
        ts = partition.run_as_of_ts
        return cls(
            key=partition.key,
            parts=partition.path_parts,
            game_date=partition.game_date,
            run_as_of_ts=ts,
            order_key=ts.isoformat(),
        )


class Lake:
    """Path arithmetic over one lake root. Creates nothing until asked to write."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    def table_dir(self, table: TableRef) -> Path:
        return self.root / table.layer / table.name

    def partition_dir(self, table: TableRef, partition: PartitionLocation) -> Path:
        return self.table_dir(table).joinpath(*partition.parts)

    def run_dir(self, table: TableRef, partition: PartitionLocation, run_id: str) -> Path:
        return self.partition_dir(table, partition) / f"run={validate_run_id(run_id)}"

    def pointer_path(self, table: TableRef, partition: PartitionLocation) -> Path:
        return self.partition_dir(table, partition) / POINTER_FILE

    def named_pointer_path(self, *parts: str) -> Path:
        """A pointer outside table partitions, e.g. ('slate', 'game_date=2025-12-07')."""
        for part in parts:
            if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_=.-]{0,127}$", part) or ".." in part:
                raise InvalidLakeName(f"pointer path part {part!r} is not a safe name")
        return self.root.joinpath(POINTERS_DIR, *parts).with_suffix(".json")

    def relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.root).as_posix()

    def resolve(self, relative: str) -> Path:
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root):
            raise InvalidLakeName(f"path {relative!r} escapes the lake root")
        return path

    def new_staging_dir(self, run_id: str) -> Path:
        staging = self.root / STAGING_DIR / f"{validate_run_id(run_id)}-{uuid.uuid4().hex}"
        staging.mkdir(parents=True)
        return staging

    def sweep_staging(self, older_than_s: float = 24 * 3600) -> list[Path]:
        """Remove staging directories left by killed writers (never visible to readers)."""
        staging_root = self.root / STAGING_DIR
        if not staging_root.is_dir():
            return []
        cutoff = time.time() - older_than_s
        removed = []
        for entry in staging_root.iterdir():
            if entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
        return removed
