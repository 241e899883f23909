"""The slate partition grid: `game_date` x `report_slot`, and key <-> run_as_of_ts.

A partition is "the slate of `game_date` as known at `run_as_of_ts`", where
`run_as_of_ts` is the slot's wall-clock time on that date in Eastern time,
expressed in UTC. This module is the only place that maps between the two and
the only place that turns a key into path components: every key is parsed and
validated here before it can touch the filesystem.

Pure Python on purpose: the core layer (snapshots, features) uses the same
slot arithmetic without importing Dagster; `defs/partitions.py` builds the
Dagster definition from these values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from projections_assets.settings import partition_settings

GAME_DATE_DIM = "game_date"
SLOT_DIM = "report_slot"
# Dagster orders multi-partition dimensions by name; keys read "<game_date>|<report_slot>".
KEY_SEPARATOR = "|"

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SLOT_RE = re.compile(r"^\d{2}:\d{2}$")
_PATH_SLOT_RE = re.compile(r"^\d{4}$")


class InvalidPartitionKey(ValueError):
    """A partition key (or one of its parts) is not on the slate grid."""


@cache
def eastern() -> ZoneInfo:
    return ZoneInfo(partition_settings().timezone)


@cache
def slot_times() -> tuple[time, ...]:
    """Every report slot of a day, in order (08:00, 08:15, ..., 23:45 by default)."""
    settings = partition_settings()
    step = timedelta(minutes=settings.slot_minutes)
    anchor = datetime.combine(date(2000, 1, 1), settings.first_slot)
    last = datetime.combine(date(2000, 1, 1), settings.last_slot)
    slots = []
    while anchor <= last:
        slots.append(anchor.time())
        anchor += step
    return tuple(slots)


def slot_keys() -> list[str]:
    """The `report_slot` dimension's keys, `HH:MM`."""
    return [s.strftime("%H:%M") for s in slot_times()]


@dataclass(frozen=True, order=True)
class SlatePartition:
    """One validated (game_date, report_slot) partition."""

    game_date: date
    slot: time

    @property
    def key(self) -> str:
        """The Dagster multi-partition key, `YYYY-MM-DD|HH:MM`."""
        return f"{self.game_date.isoformat()}{KEY_SEPARATOR}{self.slot_key}"

    @property
    def slot_key(self) -> str:
        return self.slot.strftime("%H:%M")

    @property
    def path_slot(self) -> str:
        """The slot as a path component (`HHMM`: no `:` in file names)."""
        return self.slot.strftime("%H%M")

    @property
    def run_as_of_ts(self) -> datetime:
        """The slot's Eastern wall-clock time on game_date, in UTC."""
        local = datetime.combine(self.game_date, self.slot, tzinfo=eastern())
        return local.astimezone(UTC)

    @property
    def path_parts(self) -> tuple[str, str]:
        """Hive-style directory names for this partition."""
        return (f"game_date={self.game_date.isoformat()}", f"slot={self.path_slot}")


def parse_game_date(value: str) -> date:
    """Validate a `game_date` key (`YYYY-MM-DD`, a real date on the grid)."""
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise InvalidPartitionKey(f"game_date {value!r} is not YYYY-MM-DD")
    try:
        parsed = date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidPartitionKey(f"game_date {value!r} is not a calendar date") from exc
    start = partition_settings().start_date
    if parsed < start:
        raise InvalidPartitionKey(f"game_date {value!r} is before the first partition {start.isoformat()}")
    return parsed


def parse_slot(value: str) -> time:
    """Validate a `report_slot` key (`HH:MM`, one of the grid's slots)."""
    if not isinstance(value, str) or not _SLOT_RE.match(value):
        raise InvalidPartitionKey(f"report_slot {value!r} is not HH:MM")
    try:
        parsed = time.fromisoformat(value)
    except ValueError as exc:
        raise InvalidPartitionKey(f"report_slot {value!r} is not a time of day") from exc
    if parsed not in slot_times():
        grid = slot_keys()
        raise InvalidPartitionKey(
            f"report_slot {value!r} is not on the slot grid ({grid[0]}..{grid[-1]} every "
            f"{partition_settings().slot_minutes} min)"
        )
    return parsed


def parse_key(key: str | object) -> SlatePartition:
    """Parse and validate a partition key.

    Accepts the Dagster multi-partition key string `YYYY-MM-DD|HH:MM` or any
    object with `keys_by_dimension` (Dagster's `MultiPartitionKey`).
    """
    by_dim = getattr(key, "keys_by_dimension", None)
    if by_dim is not None:
        try:
            return SlatePartition(parse_game_date(by_dim[GAME_DATE_DIM]), parse_slot(by_dim[SLOT_DIM]))
        except KeyError as exc:
            raise InvalidPartitionKey(f"partition key {key!r} lacks dimension {exc}") from exc
    if not isinstance(key, str):
        raise InvalidPartitionKey(f"partition key {key!r} is not a string")
    parts = key.split(KEY_SEPARATOR)
    if len(parts) != 2:
        raise InvalidPartitionKey(f"partition key {key!r} is not 'YYYY-MM-DD{KEY_SEPARATOR}HH:MM'")
    return SlatePartition(parse_game_date(parts[0]), parse_slot(parts[1]))


def parse_path_parts(game_date_dir: str, slot_dir: str) -> SlatePartition:
    """Inverse of `SlatePartition.path_parts`, validating both directory names."""
    if not game_date_dir.startswith("game_date=") or not slot_dir.startswith("slot="):
        raise InvalidPartitionKey(f"{game_date_dir}/{slot_dir} is not a partition directory")
    raw_slot = slot_dir.removeprefix("slot=")
    if not _PATH_SLOT_RE.match(raw_slot):
        raise InvalidPartitionKey(f"slot directory {slot_dir!r} is not slot=HHMM")
    return SlatePartition(
        parse_game_date(game_date_dir.removeprefix("game_date=")),
        parse_slot(f"{raw_slot[:2]}:{raw_slot[2:]}"),
    )


def _as_eastern(ts: datetime) -> datetime:
    if ts.tzinfo is None:
        raise ValueError(f"timestamp {ts.isoformat()} has no time zone; slots need an absolute time")
    return ts.astimezone(eastern())


def slot_for(ts: datetime) -> SlatePartition:
    """The partition whose slot S covers `ts`, i.e. ts in (S - step, S].

    A report stamped 17:20 ET belongs to the 17:30 slot; one stamped exactly
    17:30 to the 17:30 slot. Stamps before the first slot (e.g. the 12:30 AM
    report) belong to the day's first slot, and stamps after the last slot to
    the next day's first slot, so every instant has exactly one partition.
    """
    local = _as_eastern(ts)
    step = partition_settings().slot_minutes
    day = local.date()
    # Minutes since local midnight, computed on wall-clock fields so that DST
    # days (23 or 25 hours long) still land on their printed slot times.
    minutes = local.hour * 60 + local.minute
    exact = local.second == 0 and local.microsecond == 0 and minutes % step == 0
    ceiling = minutes if exact else (minutes // step + 1) * step
    slots = slot_times()
    first = slots[0].hour * 60 + slots[0].minute
    last = slots[-1].hour * 60 + slots[-1].minute
    if ceiling <= first:
        return SlatePartition(day, slots[0])
    if ceiling > last:
        return SlatePartition(day + timedelta(days=1), slots[0])
    return SlatePartition(day, time(ceiling // 60, ceiling % 60))


def slot_window(partition: SlatePartition) -> tuple[datetime, datetime]:
    """The instants `slot_for` maps to `partition`, as (start, end]: from the previous slot to this one."""
    slots = slot_times()
    index = slots.index(partition.slot)
    if index == 0:
        previous = SlatePartition(partition.game_date - timedelta(days=1), slots[-1])
    else:
        previous = SlatePartition(partition.game_date, slots[index - 1])
    return previous.run_as_of_ts, partition.run_as_of_ts


def partitions_between(start: SlatePartition, end: SlatePartition) -> list[SlatePartition]:
    """Every partition from start to end inclusive, in time order."""
    out: list[SlatePartition] = []
    day = start.game_date
    while day <= end.game_date:
        for s in slot_times():
            p = SlatePartition(day, s)
            if start <= p <= end:
                out.append(p)
        day += timedelta(days=1)
    return out
