"""stop_process_group: the leader and its children go, politely first, by force after the timeout."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from projections_assets.platform.processes import stop_process_group

# A leader that starts a child, prints the child's pid and waits; with IGNORE both shrug off SIGTERM.
SCRIPT = """
import signal, subprocess, sys, time
if sys.argv[1] == "ignore":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c", "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN) if %r == 'ignore' else None; time.sleep(120)" % sys.argv[1]])
print(child.pid, flush=True)
time.sleep(120)
"""


def _start(mode: str) -> tuple[subprocess.Popen, int]:
    leader = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, mode], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    child_pid = int(leader.stdout.readline())
    return leader, child_pid


def _gone(pid: int) -> bool:
    """True once `pid` has exited (the signal reaches the child a moment after the leader's wait ends)."""
    deadline = time.monotonic() + 30
    while not _exited(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return _exited(pid)


def _exited(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A child of the leader that has exited but was never reaped by it is a zombie until the leader goes.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split()[2] == "Z"


def test_the_leader_and_its_children_stop_on_sigterm() -> None:
    leader, child = _start("polite")
    stop_process_group(leader)
    assert leader.returncode == -15
    assert _gone(child)


def test_a_group_that_ignores_sigterm_is_killed_after_the_timeout() -> None:
    leader, child = _start("ignore")
    stop_process_group(leader, timeout_s=1)
    assert leader.returncode == -9
    assert _gone(child)


def test_a_group_that_is_gone_is_left_alone() -> None:
    leader = subprocess.Popen([sys.executable, "-c", "pass"], start_new_session=True)
    leader.wait()
    stop_process_group(leader)
    assert leader.returncode == 0
