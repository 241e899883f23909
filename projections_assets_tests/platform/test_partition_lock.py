"""The per-partition run lock: one holder at a time, waits that name the holder, sorted order, bounded waits."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading

import pytest

from projections_assets.platform.lake import Lake
from projections_assets.platform.partition_lock import (
    PartitionLockTimeout,
    hold_partitions,
    lock_order,
    partition_lock_anchor,
    read_holder,
)

KEY = "2026-01-05|17:30"
# A bound on a wait that must end, not a timing claim.
BOUND_S = 60.0


def test_a_second_holder_waits_for_the_first_and_the_log_names_the_partition_and_the_holder(
    lake: Lake,
) -> None:
    events: list[str] = []
    waiting = threading.Event()
    second_done = threading.Event()

    def second() -> None:
        def log(message: str) -> None:
            events.append(f"log: {message}")
            waiting.set()

        with hold_partitions(lake, [KEY], "run-b", timeout_s=BOUND_S, log=log):
            events.append("b holds")
        second_done.set()

    with hold_partitions(lake, [KEY], "run-a", timeout_s=BOUND_S):
        assert read_holder(lake, KEY)["run_id"] == "run-a"
        thread = threading.Thread(target=second)
        thread.start()
        assert waiting.wait(BOUND_S), "the second holder never reported that it waits"
        assert not second_done.is_set()
        events.append("a releases")
    thread.join(BOUND_S)

    assert second_done.is_set()
    wait_line = events[0]
    assert wait_line.startswith(f"log: partition {KEY} is being written by run run-a")
    assert "run run-b waits up to 60 s" in wait_line
    assert events[1:] == [
        "a releases",
        f"log: partition {KEY}: run run-b has the lock after waiting",
        "b holds",
    ]
    assert read_holder(lake, KEY)["run_id"] == "run-b"


def test_a_timeout_fails_naming_the_partition_and_the_holder_and_holds_nothing(lake: Lake) -> None:
    other = "2026-01-04|17:30"
    errors: list[BaseException] = []

    def contender() -> None:
        try:
            # Sorted order: 2026-01-04 first (free, taken), then KEY (held): the first must be let go.
            with hold_partitions(lake, [KEY, other], "run-late", timeout_s=0.2):
                pass
        except PartitionLockTimeout as exc:
            errors.append(exc)

    with hold_partitions(lake, [KEY], "run-early", timeout_s=BOUND_S):
        thread = threading.Thread(target=contender)
        thread.start()
        thread.join(BOUND_S)
    (error,) = errors
    message = str(error)
    assert message.startswith(f"partition {KEY} is still being written by run run-early")
    assert "after 0.2 s: run run-late gives up without writing it" in message
    # Nothing of the failed run stays held: the partition it had taken is free at once.
    with hold_partitions(lake, [other], "run-next", timeout_s=0):
        assert read_holder(lake, other)["run_id"] == "run-next"


def test_a_range_locks_each_partition_once_in_sorted_order(lake: Lake) -> None:
    keys = ["2026-01-06|17:30", "2026-01-05|18:00", "2026-01-05|17:30", "2026-01-06|17:30"]
    assert lock_order(keys) == ["2026-01-05|17:30", "2026-01-05|18:00", "2026-01-06|17:30"]
    with hold_partitions(lake, keys, "run-range", timeout_s=0) as held:
        assert held == lock_order(keys)
        assert all(read_holder(lake, k)["run_id"] == "run-range" for k in held)
        assert (
            partition_lock_anchor(lake, KEY).parent
            == lake.root / "_locks/partitions/game_date=2026-01-05/slot=1730"
        )


def test_two_overlapping_ranges_given_in_opposite_orders_do_not_deadlock(lake: Lake) -> None:
    keys = [f"2026-01-0{d}|17:30" for d in range(2, 8)]
    done: list[str] = []
    barrier = threading.Barrier(2)

    def run(name: str, order: list[str]) -> None:
        barrier.wait()
        for _ in range(5):
            with hold_partitions(lake, order, name, timeout_s=BOUND_S):
                pass
        done.append(name)

    threads = [
        threading.Thread(target=run, args=("forward", keys)),
        threading.Thread(target=run, args=("backward", keys[::-1])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(BOUND_S * 2)
    assert sorted(done) == ["backward", "forward"]


def _hold_forever(root: str, ready) -> None:
    with hold_partitions(Lake(root), [KEY], "run-killed", timeout_s=0):
        ready.set()
        threading.Event().wait()


def test_a_killed_holder_releases_its_partition(lake: Lake) -> None:
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Event()
    proc = ctx.Process(target=_hold_forever, args=(str(lake.root), ready))
    proc.start()
    try:
        assert ready.wait(BOUND_S), "the holder process never took the lock"
        with (
            pytest.raises(PartitionLockTimeout, match=r"run run-killed \(pid \d+"),
            hold_partitions(lake, [KEY], "run-next", timeout_s=0),
        ):
            pass
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(BOUND_S)
    # The kernel dropped the dead process's lock: the next run proceeds without waiting.
    with hold_partitions(lake, [KEY], "run-next", timeout_s=0):
        assert read_holder(lake, KEY)["run_id"] == "run-next"


def test_a_key_without_a_partition_or_a_negative_timeout_is_refused(lake: Lake) -> None:
    with pytest.raises(ValueError, match="names no partition"):
        partition_lock_anchor(lake, None)
    with (
        pytest.raises(ValueError, match="timeout -1 s must be zero or more"),
        hold_partitions(lake, [KEY], "run", timeout_s=-1),
    ):
        pass
