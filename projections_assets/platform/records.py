"""Write-once records in the lake: the first writer wins, every later reader sees its content.

A lock record (a tipped game's models, a locked draft group's ownership) must not change once a
slot has used it, or two slots after the same tip would disagree and a rerun would not reproduce
its bytes. The record is written under the same file lock as pointers, atomically (old or new,
never torn); a second writer gets the first one's content back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from projections_assets.platform.fsio import atomic_write_bytes
from projections_assets.platform.lake import Lake
from projections_assets.platform.pointers import pointer_lock

LOCKS_DIR = "locks"


class RecordError(RuntimeError):
    """A record file exists but cannot be read."""


def read_record(path: Path) -> dict[str, Any] | None:
    """The record at `path`, or None when none was written."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise RecordError(f"record {path} is unreadable: {exc}") from exc
    if not isinstance(value, dict):
        raise RecordError(f"record {path} holds {type(value).__name__}, not an object")
    return value


def record_once(path: Path, content: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """(the record at `path`, whether this call wrote it): `content` only if none existed.

    JSON keeps floats exactly (shortest round-trip repr), so a recorded figure reads back bit-equal.
    """
    with pointer_lock(path):
        existing = read_record(path)
        if existing is not None:
            return existing, False
        atomic_write_bytes(path, json.dumps(content, sort_keys=True, indent=1).encode())
        return content, True


def lock_record_path(lake: Lake, game_date: str, subject: str) -> Path:
    """A lock record of a game date: `<lake>/_pointers/locks/game_date=D/<subject>.json`, subject
    `game=G` (a tipped game's model runs) or `draft_group=G` (a locked group's ownership)."""
    return lake.named_pointer_path(LOCKS_DIR, f"game_date={game_date}", subject)
