"""What a source answered: the bytes bronze stores and parses, with their provenance.

The source clients (`projections_assets.sources`) build a `Capture`; the core only reads one, so it
depends on no client.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


class AttemptRecord(Protocol):
    """One fetch attempt as bronze records it (the HTTP client's `Attempt`)."""

    @property
    def outcome(self) -> str: ...

    @property
    def status(self) -> int | None: ...


@dataclass(frozen=True)
class Capture:
    """The bytes one source answered, and everything bronze records about them."""

    kind: str
    ident: str | None
    url: str
    body: bytes
    ext: str
    fetched_at: datetime
    """When the fetch completed (the machine's clock)."""
    source_now: datetime | None
    """The source's own clock at the answer (its `Date` header), when it sent one."""
    as_of: datetime | None
    """The instant asked for; None for a live fetch."""
    attempts: tuple[AttemptRecord, ...] = ()

    @property
    def captured_at(self) -> datetime:
        """The instant the payload describes: the as-of instant, else the source's clock, else ours."""
        return self.as_of or self.source_now or self.fetched_at

    @property
    def attempt_statuses(self) -> list[str]:
        return [f"{a.outcome}:{a.status}" if a.status is not None else a.outcome for a in self.attempts]
