"""Pointers: small JSON files naming the current run of a partition, slate or model.

A pointer moves by atomic replace under a per-pointer file lock, so readers
see the old target or the new one and two publishers never interleave. The
lock is an OS advisory lock (flock), released by the kernel when its holder
dies, so a killed publisher cannot wedge the next one. Each pointer keeps its
own history, making "what was current at 6 PM?" answerable, and says how
each target got there: published, promoted after its gates were re-verified,
or pinned by an operator (who, when and why).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from filelock import FileLock
from pydantic import BaseModel, ConfigDict, Field

from projections_assets.platform.fsio import atomic_write_bytes

POINTER_VERSION = 1
# A pointer file is a few hundred bytes a move; cap its history so a partition
# rerun a thousand times still reads in microseconds.
MAX_HISTORY = 200


class PointerEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    run_id: str
    path: str = Field(description="Run directory, relative to the lake root.")
    order_key: str = Field(
        default="", description="Orders targets for forward-only pointers (ISO run_as_of_ts)."
    )
    partition_key: str | None = None
    row_count: int | None = None
    published_at: datetime
    orchestrator_run_id: str | None = None
    # Added after the first pointers were written: absent in older entries, hence the defaults.
    action: Literal["publish", "promote", "pin"] | None = Field(
        default=None,
        description="How the pointer reached this target (None: an entry from before it was kept).",
    )
    gates: tuple[str, ...] = Field(
        default=(), description="Gates re-verified from the target's durable record before the move."
    )
    reason: str | None = Field(default=None, description="Why an operator pinned this target.")
    actor: str | None = Field(default=None, description="Who pinned it.")


class PointerFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = POINTER_VERSION
    current: PointerEntry
    history: list[PointerEntry] = Field(default_factory=list)


@dataclass(frozen=True)
class PublishOutcome:
    moved: bool
    current: PointerEntry
    reason: str = ""


class PointerError(RuntimeError):
    """A pointer file exists but cannot be read."""


class PromotionRefused(RuntimeError):
    """A pointer move its target's durable record does not sanction: a gate or check failed,
    never ran, or judged the target against a pointer that has moved since."""


# Called under the pointer's lock with its current target; a message refuses the move.
Precondition = Callable[[PointerEntry | None], str | None]


def lock_path(pointer: Path) -> Path:
    return pointer.with_name(f"_{pointer.name}.lock")


def pointer_lock(pointer: Path, timeout_s: float = 60.0) -> FileLock:
    pointer.parent.mkdir(parents=True, exist_ok=True)
    return FileLock(lock_path(pointer), timeout=timeout_s)


def read_pointer_file(pointer: Path) -> PointerFile | None:
    try:
        raw = pointer.read_bytes()
    except FileNotFoundError:
        return None
    try:
        return PointerFile.model_validate_json(raw)
    except ValueError as exc:
        raise PointerError(f"pointer {pointer} is unreadable: {exc}") from exc


def read_pointer(pointer: Path) -> PointerEntry | None:
    """The pointer's current target, or None when it was never published."""
    state = read_pointer_file(pointer)
    return state.current if state else None


def pointer_history(pointer: Path) -> list[PointerEntry]:
    """Every target the pointer has had, oldest first, ending with the current one."""
    state = read_pointer_file(pointer)
    if state is None:
        return []
    return [*state.history, state.current]


def publish_pointer(
    pointer: Path,
    entry: PointerEntry,
    *,
    forward_only: bool = False,
    precondition: Precondition | None = None,
) -> PublishOutcome:
    """Move `pointer` to `entry`.

    With `forward_only`, a target whose `order_key` sorts before the current
    one's is refused (the pointer stays, `moved` is False): a backfill of an
    older slot must never take a published slate backwards. A `precondition`
    sees the current target under the lock, so a verdict that depends on it
    (e.g. "no worse than the current model") cannot go stale before the move;
    when it returns a message the move is refused with `PromotionRefused`.
    """
    with pointer_lock(pointer):
        state = read_pointer_file(pointer)
        if precondition is not None:
            refusal = precondition(state.current if state else None)
            if refusal:
                raise PromotionRefused(refusal)
        if state is not None and forward_only and entry.order_key < state.current.order_key:
            return PublishOutcome(
                moved=False,
                current=state.current,
                reason=(
                    f"refused: {entry.order_key or '(none)'} is older than the current "
                    f"{state.current.order_key} (forward-only pointer)"
                ),
            )
        history = [*state.history, state.current][-MAX_HISTORY:] if state else []
        new_state = PointerFile(current=entry, history=history)
        atomic_write_bytes(pointer, new_state.model_dump_json(indent=2).encode())
        return PublishOutcome(moved=True, current=entry)
