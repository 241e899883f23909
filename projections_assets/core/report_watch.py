"""Watching for the next official injury report: which file names to try, and what a miss means.

Pure logic behind the injury report sensor. Reports are published by name on
a grid (hourly at :30 until the naming switch, every quarter hour since), so
the watcher walks the grid forward from its cursor, probing each candidate
name. A published report is found; a candidate the source still does not
have although its clock is well past the stamp (`publish_grace`) was skipped
by the league and the cursor moves past it; anything else is "not yet", and
the walk stops there until the next tick. The source's clock comes from its
`Date` header, so the same code follows the real site and a simulated feed
running on its own clock.

A report's run waits until its partition's instant has come (`due`): the
night's reports belong to the morning's first slot, which a run cannot
capture before 08:00. A clock far behind the cursor (`went_back`) is a
replayed league that started over; a real site's clock never goes back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd

from projections_assets.core.bronze import report_candidates
from projections_assets.partitions import parse_key, slot_for

# How long after its stamp a report may still appear (the NBA posts a few minutes late at times).
PUBLISH_GRACE = timedelta(minutes=30)
# Probes per tick: enough to cross a night of hourly reports, few enough to keep a tick short.
MAX_PROBES = 48
# With no cursor yet, start this far before the source's clock so the current report is picked up.
FIRST_LOOKBACK = timedelta(minutes=30)
# A source clock this far behind the cursor went back (a replay started over), not a late report.
REWIND = timedelta(hours=1)


@dataclass(frozen=True)
class Probe:
    """What asking for one file name gave: whether it exists, and the source's clock if it said."""

    published: bool
    source_now: datetime | None


@dataclass(frozen=True)
class FoundReport:
    report_ts: datetime
    file_name: str

    @property
    def partition_key(self) -> str:
        """The report's own (game_date, slot) partition: where the sensor's run goes."""
        return slot_for(self.report_ts).key


@dataclass
class WatchResult:
    found: list[FoundReport] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    cursor: datetime | None = None
    probes: int = 0
    source_now: datetime | None = None


def watch(
    after: datetime,
    probe: Callable[[str], Probe],
    *,
    max_probes: int = MAX_PROBES,
    publish_grace: timedelta = PUBLISH_GRACE,
) -> WatchResult:
    """Probe candidate reports stamped after `after`, in order, until one is not published yet."""
    result = WatchResult(cursor=after)
    horizon = pd.Timestamp(after) + pd.Timedelta(minutes=15 * max_probes)
    candidates = report_candidates(after, horizon.to_pydatetime())
    by_time: dict[pd.Timestamp, list[str]] = {}
    for ts, name in candidates:
        by_time.setdefault(ts, []).append(name)
    for ts, names in by_time.items():
        if result.source_now is not None and ts > pd.Timestamp(result.source_now):
            break
        hit = None
        for name in names:
            if result.probes >= max_probes:
                return result
            outcome = probe(name)
            result.probes += 1
            if outcome.source_now is not None:
                result.source_now = outcome.source_now
            if outcome.published:
                hit = name
                break
        stamp = ts.to_pydatetime()
        if hit is not None:
            result.found.append(FoundReport(stamp, hit))
            result.cursor = stamp
            continue
        if result.source_now is not None and stamp + publish_grace < result.source_now:
            result.skipped.extend(names)
            result.cursor = stamp
            continue
        break
    return result


def first_cursor(source_now: datetime) -> datetime:
    """Where a watcher with no cursor starts: shortly before the source's clock."""
    return source_now - FIRST_LOOKBACK


def went_back(after: datetime, source_now: datetime | None) -> bool:
    """Whether the source's clock is far behind the cursor: a replayed league started over."""
    return source_now is not None and source_now < after - REWIND


def due(
    found: list[FoundReport], waiting: dict[str, str], source_now: datetime | None
) -> tuple[dict[str, str], dict[str, str]]:
    """(partition -> report) runs due now, and those still waiting for their partition's instant.

    One run per partition, keyed by its newest report (`waiting` holds earlier
    finds, so `found` overrides it). With no source clock everything is due.
    """
    newest = {**waiting, **{f.partition_key: f.file_name for f in found}}
    ready = {
        key: name
        for key, name in newest.items()
        if source_now is None or parse_key(key).run_as_of_ts <= source_now
    }
    return ready, {key: name for key, name in newest.items() if key not in ready}
