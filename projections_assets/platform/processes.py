"""Stopping a child that runs in a session of its own (a daemon, a webserver, a Celery worker).

Those children start their own children (code servers, run workers, pool processes), so stopping only
the parent would leave them running: the whole process group gets the signal.
"""

from __future__ import annotations

import os
import signal
import subprocess


def stop_process_group(process: subprocess.Popen, timeout_s: float = 60.0) -> None:
    """SIGTERM the process group led by `process` (started with `start_new_session=True`), SIGKILL it if
    the leader has not exited within `timeout_s`. Children left behind by a leader that already exited
    are stopped too; a group that is gone is left alone."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout_s)
