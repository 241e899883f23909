"""The per-partition run lock: one writer of a (game_date, slot) partition at a time, by every route.

The run coordinator's tag limit serialises the runs it queues (sensor, schedules, UI, `job backfill`),
but `dagster asset materialize` and `dagster job execute` run in the CLI's own process and never pass
through the queue. This lock is the guarantee that sees them all: a run holds
`<lake>/_locks/partitions/game_date=D/slot=HHMM` for each of its partitions from before its first step
to after its last one, and a second run of the same partition waits for it (bounded), then proceeds.

It is the pointers' lock (`pointer_lock`, an OS advisory lock the kernel releases when its holder
dies, so a killed run wedges no one) on one file per partition. A run over several partitions takes
them in sorted key order, so two overlapping ranges cannot deadlock. Beside each lock a small JSON
file names its holder, for the wait's log line and the timeout's error.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from filelock import Timeout

from projections_assets.platform.fsio import atomic_write_bytes
from projections_assets.platform.lake import Lake, PartitionLocation
from projections_assets.platform.pointers import lock_path, pointer_lock

LOCKS_DIR = "_locks"
PARTITION_LOCKS = "partitions"


class PartitionLockTimeout(TimeoutError):
    """Another run held a partition for longer than this run was willing to wait."""


def partition_lock_anchor(lake: Lake, key: str) -> Path:
    """The path whose `pointer_lock` is the partition's run lock (validated key -> hive directories)."""
    location = PartitionLocation.from_key(key)
    if not location.parts:
        raise ValueError(f"partition key {key!r} names no partition to lock")
    return lake.root.joinpath(LOCKS_DIR, PARTITION_LOCKS, *location.parts, "run")


def _holder_path(anchor: Path) -> Path:
    return anchor.with_name(f"_{anchor.name}.holder.json")


def read_holder(lake: Lake, key: str) -> dict[str, str] | None:
    """Who holds (or last held) the partition's lock: run id, host, pid, since; None if never taken."""
    try:
        return json.loads(_holder_path(partition_lock_anchor(lake, key)).read_bytes())
    except (FileNotFoundError, ValueError):
        return None


def _describe(holder: dict[str, str] | None) -> str:
    if not holder:
        return "another run (unrecorded)"
    return f"run {holder.get('run_id', '?')} (pid {holder.get('pid', '?')} on {holder.get('host', '?')}, since {holder.get('since', '?')})"


def lock_order(keys: Iterable[str]) -> list[str]:
    """The order a run takes its partitions' locks in: each key once, sorted (no two runs deadlock)."""
    return sorted(set(keys))


@contextmanager
def hold_partitions(
    lake: Lake,
    keys: Iterable[str],
    holder: str,
    *,
    timeout_s: float,
    log: Callable[[str], None] = lambda _message: None,
) -> Iterator[list[str]]:
    """Hold the run lock of every partition in `keys` (sorted order) until the block ends.

    A partition another run holds is waited for, up to `timeout_s` seconds each, after a log line naming
    the partition and its holder; past that, `PartitionLockTimeout` names both and nothing is held.
    Yields the keys in the order they were locked.
    """
    if timeout_s < 0:
        raise ValueError(f"partition lock timeout {timeout_s!r} s must be zero or more")
    ordered = lock_order(keys)
    with ExitStack() as stack:
        for key in ordered:
            anchor = partition_lock_anchor(lake, key)
            lock = pointer_lock(anchor, timeout_s=timeout_s)
            try:
                lock.acquire(blocking=False)
            except Timeout:
                log(
                    f"partition {key} is being written by {_describe(read_holder(lake, key))}: "
                    f"run {holder} waits up to {timeout_s:g} s for it ({lock_path(anchor)})"
                )
                try:
                    lock.acquire(timeout=timeout_s)
                except Timeout as exc:
                    raise PartitionLockTimeout(
                        f"partition {key} is still being written by {_describe(read_holder(lake, key))} "
                        f"after {timeout_s:g} s: run {holder} gives up without writing it (lock "
                        f"{lock_path(anchor)}; raise the partition lock's timeout_s, or rerun once that run ends)"
                    ) from exc
                log(f"partition {key}: run {holder} has the lock after waiting")
            stack.callback(lock.release)
            record = {
                "run_id": holder,
                "host": socket.gethostname(),
                "pid": str(os.getpid()),
                "since": datetime.now(UTC).isoformat(),
            }
            atomic_write_bytes(_holder_path(anchor), json.dumps(record).encode())
        yield ordered
