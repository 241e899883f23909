"""Health of the published projections: `ok`, `stale` or `failing`, from ages on the sources' clock.

Pure functions of what was read (the newest injury report, the published slot, the last failed run) and
the thresholds; no I/O, so the rules are tested with a fixed clock (docs/status.md, "Health").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from projections_assets.nba.calendar import EASTERN

OK = "ok"
STALE = "stale"
FAILING = "failing"

# A report comes every 15 minutes in the current era (hourly in the older one) while games are near; a
# slot is published every 15 minutes once its report is in, and a run takes a few minutes.
DEFAULT_REPORT_STALE_MINUTES = 75.0
DEFAULT_SLOT_STALE_MINUTES = 45.0


@dataclass(frozen=True)
class HealthThresholds:
    """Ages (minutes, on the sources' clock) beyond which the surface says `stale`."""

    report_stale_minutes: float = DEFAULT_REPORT_STALE_MINUTES
    slot_stale_minutes: float = DEFAULT_SLOT_STALE_MINUTES

    def __post_init__(self) -> None:
        for name in ("report_stale_minutes", "slot_stale_minutes"):
            value = getattr(self, name)
            if not value > 0:
                raise ValueError(
                    f"health threshold {name} must be a positive number of minutes, got {value!r}"
                )


@dataclass(frozen=True)
class PublishedSlot:
    """The newest published slot: its partition, its instant (the slot, source time) and when it was published
    (wall time, as the slate pointer records it)."""

    partition_key: str
    game_date: str
    slot: str
    slot_ts: datetime
    published_at: datetime


@dataclass(frozen=True)
class FailedRun:
    """The orchestrator's newest failed run (wall time)."""

    run_id: str
    job_name: str
    ended_at: datetime
    partition: str | None = None


@dataclass(frozen=True)
class Health:
    status: str
    now: datetime
    report_ts: datetime | None
    report_age_minutes: float | None
    published: PublishedSlot | None
    slot_age_minutes: float | None
    last_failed_run: FailedRun | None
    reasons: tuple[str, ...]


def age_minutes(now: datetime, then: datetime | None) -> float | None:
    return None if then is None else (now - then).total_seconds() / 60.0


def classify(
    now: datetime,
    report_ts: datetime | None,
    published: PublishedSlot | None,
    last_failed_run: FailedRun | None,
    thresholds: HealthThresholds,
) -> Health:
    """`failing` when a run failed after the published slot was published (nothing has succeeded since, or
    nothing was ever published), else `stale` when the newest report or the published slot is older than its
    threshold (or missing), else `ok`. Ages are on the sources' clock; the failure is compared with the
    publication on the wall clock, the only clock both carry."""
    report_age = age_minutes(now, report_ts)
    slot_age = age_minutes(now, published.slot_ts if published else None)
    reasons: list[str] = []
    failing = False
    if last_failed_run is not None and (
        published is None or last_failed_run.ended_at > published.published_at
    ):
        failing = True
        since = "and nothing has been published" if published is None else "after the last publication"
        reasons.append(f"run {last_failed_run.run_id} ({last_failed_run.job_name}) failed {since}")
    if report_age is None:
        reasons.append("no injury report captured yet")
    elif report_age > thresholds.report_stale_minutes:
        reasons.append(
            f"newest injury report is {report_age:.0f} min old (stale after {thresholds.report_stale_minutes:g})"
        )
    if slot_age is None:
        reasons.append("no slot published yet")
    elif slot_age > thresholds.slot_stale_minutes:
        reasons.append(
            f"published slot is {slot_age:.0f} min old (stale after {thresholds.slot_stale_minutes:g})"
        )
    status = FAILING if failing else (STALE if reasons else OK)
    return Health(status, now, report_ts, report_age, published, slot_age, last_failed_run, tuple(reasons))


def _ago(minutes: float | None) -> str:
    if minutes is None:
        return "none yet"
    if minutes < 0:
        return f"in {-minutes:.0f} min"
    return f"{minutes:.0f} min ago"


def freshness_line(health: Health) -> str:
    """One line for the page's top: "as of ... — newest report X min ago, published slot Y min ago: ok"."""
    slot = f" ({health.published.partition_key})" if health.published else ""
    return (
        f"as of {health.now.astimezone(EASTERN):%Y-%m-%d %H:%M} ET — newest report {_ago(health.report_age_minutes)}, "
        f"published slot{slot} {_ago(health.slot_age_minutes)}: {health.status}"
    )


def to_json(health: Health, thresholds: HealthThresholds) -> dict[str, object]:
    """The /api/health body."""

    def iso(ts: datetime | None) -> str | None:
        return ts.isoformat() if ts else None

    def rounded(x: float | None) -> float | None:
        return None if x is None else round(x, 1)

    pub = health.published
    run = health.last_failed_run
    return {
        "status": health.status,
        "now": iso(health.now),
        "reasons": list(health.reasons),
        "newest_injury_report": (
            {"report_ts": iso(health.report_ts), "age_minutes": rounded(health.report_age_minutes)}
            if health.report_ts
            else None
        ),
        "published_slot": (
            {
                "partition_key": pub.partition_key,
                "slot_ts": iso(pub.slot_ts),
                "age_minutes": rounded(health.slot_age_minutes),
                "published_at": iso(pub.published_at),
            }
            if pub
            else None
        ),
        "last_failed_run": (
            {
                "run_id": run.run_id,
                "job_name": run.job_name,
                "ended_at": iso(run.ended_at),
                "partition": run.partition,
            }
            if run
            else None
        ),
        "thresholds": {
            "report_stale_minutes": thresholds.report_stale_minutes,
            "slot_stale_minutes": thresholds.slot_stale_minutes,
        },
    }
