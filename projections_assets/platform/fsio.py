"""Durable file primitives: fsync and atomic replace on one filesystem.

`os.replace` is atomic only within a filesystem, and a rename is durable only
once the directory holding it is fsynced; every write into the lake goes
through these helpers so a SIGKILL or power loss leaves either the old or the
new file, never a torn one.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_sibling(path: Path) -> Path:
    """A unique temporary name beside `path`; the `_` prefix hides it from lake readers."""
    return path.with_name(f"_{path.name}.{uuid.uuid4().hex}.tmp")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` so readers see the old content or the new, nothing between."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_sibling(path)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
