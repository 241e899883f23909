"""Freshness: is the lake keeping up with the injury reports while the day's games are still to tip?

Two findings, decided from what the lake holds and the sources' clock (never the wall clock):

- `report_gap`: no new injury report for `gap_intervals` times the era's interval (hourly reports before
  the naming switch, quarter-hourly from it) while games of the day are upcoming. The night's reports
  reach the lake only with the day's first slot's run (their partition is the first slot), so the count
  starts no earlier than that slot: a quiet night is not an alert.
- `slate_lag`: the published slate of the day is older than the newest report's slot, more than
  `publish_grace` after that slot came (nothing published at all counts as older).

A day whose schedule the lake does not hold is treated as having games to come: a stalled pipeline
captures no schedule either, and silence is the one thing an alert must not answer a stall with.
Pure Python, no Dagster.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from projections_assets.core.alerts import Alert, Finding
from projections_assets.nba.injury_report import as_eastern, report_interval
from projections_assets.partitions import SlatePartition, parse_key, slot_for, slot_times


@dataclass(frozen=True)
class FreshnessRules:
    """When the lake counts as behind (`AlertsResource` documents each)."""

    gap_intervals: float = 2.0
    publish_grace: timedelta = timedelta(minutes=10)

    def __post_init__(self) -> None:
        if self.gap_intervals <= 0:
            raise ValueError(f"gap_intervals must be positive, got {self.gap_intervals}")
        if self.publish_grace < timedelta(0):
            raise ValueError(f"publish_grace must not be negative, got {self.publish_grace}")


@dataclass(frozen=True)
class Report:
    """An injury report in the lake: its file name and stamped time."""

    name: str
    report_ts: datetime


def eastern_day(now: datetime) -> date:
    """The Eastern calendar date of `now`: the day whose games and slots count."""
    return as_eastern(now).date()


def day_opens(day: date) -> datetime:
    """The instant of `day`'s first slot, when the night's reports reach the lake."""
    return SlatePartition(day, slot_times()[0]).run_as_of_ts


def _span(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


def _et(ts: datetime) -> str:
    return f"{as_eastern(ts):%Y-%m-%d %H:%M} ET"


def _games(upcoming: list[datetime] | None, day: date) -> str:
    if upcoming is None:
        return f"the schedule of {day} is not in the lake"
    return f"{len(upcoming)} game{'s' if len(upcoming) != 1 else ''} of {day} to tip, the next at {_et(upcoming[0])}"


def freshness_findings(
    now: datetime,
    newest: Report | None,
    tips: Sequence[datetime] | None,
    published_key: str | None,
    rules: FreshnessRules = FreshnessRules(),
) -> list[Finding]:
    """What is behind at `now` (the sources' clock).

    `newest` is the newest report in the lake stamped at or before `now`; `tips` the tip times of today's
    games per the lake's newest schedule capture (None: no capture of today); `published_key` the slot
    partition the day's published slate points at (None: nothing published yet).
    """
    day = eastern_day(now)
    opens = day_opens(day)
    if now < opens:
        return []
    upcoming = None if tips is None else sorted(t for t in tips if t > now)
    if upcoming == []:
        return []
    findings = []
    interval = report_interval(day)
    threshold = interval * rules.gap_intervals
    quiet = now - max(newest.report_ts, opens) if newest else now - opens
    if quiet > threshold:
        if newest is None:
            seen = "no injury report in the lake"
        else:
            seen = (
                f"newest report in the lake: {newest.name}, stamped {_et(newest.report_ts)} "
                f"({_span(now - newest.report_ts)} ago)"
            )
        findings.append(
            Finding(
                key=f"report_gap:{day}",
                alert=Alert(
                    kind="freshness",
                    title=f"No new injury report in the lake for {_span(quiet)} with games of {day} to come",
                    partition=day.isoformat(),
                    error=(
                        f"{seen}; reports come every {_span(interval)} on {day}, so the alert is due after "
                        f"{rules.gap_intervals:g} x {_span(interval)} = {_span(threshold)}; {_games(upcoming, day)}"
                    ),
                    details={
                        "game_date": day.isoformat(),
                        "now": now.isoformat(),
                        "newest_report": newest.name if newest else None,
                        "newest_report_ts": newest.report_ts.isoformat() if newest else None,
                        "age_minutes": round((now - newest.report_ts).total_seconds() / 60, 1)
                        if newest
                        else None,
                        "quiet_minutes": round(quiet.total_seconds() / 60, 1),
                        "threshold_minutes": threshold.total_seconds() / 60,
                        "interval_minutes": interval.total_seconds() / 60,
                        "upcoming_games": None if upcoming is None else len(upcoming),
                        "next_tip": upcoming[0].isoformat() if upcoming else None,
                    },
                ),
            )
        )
    if newest is not None:
        slot = slot_for(newest.report_ts)
        late = now - slot.run_as_of_ts
        published = parse_key(published_key) if published_key else None
        behind = published is None or published.run_as_of_ts < slot.run_as_of_ts
        if slot.game_date == day and behind and late > rules.publish_grace:
            shown = f"slot {published.key}" if published else f"nothing published for {day} yet"
            findings.append(
                Finding(
                    key=f"slate_lag:{day}",
                    alert=Alert(
                        kind="freshness",
                        title=(
                            f"The published slate of {day} lags the newest injury report by {_span(late)} "
                            f"(grace {_span(rules.publish_grace)})"
                        ),
                        partition=slot.key,
                        error=(
                            f"newest report in the lake: {newest.name}, of slot {slot.key}; the published "
                            f"slate: {shown}; {_span(late)} since {_et(slot.run_as_of_ts)}, grace "
                            f"{_span(rules.publish_grace)}; {_games(upcoming, day)}"
                        ),
                        details={
                            "game_date": day.isoformat(),
                            "now": now.isoformat(),
                            "newest_report": newest.name,
                            "newest_report_slot": slot.key,
                            "published_slot": published.key if published else None,
                            "late_minutes": round(late.total_seconds() / 60, 1),
                            "grace_minutes": rules.publish_grace.total_seconds() / 60,
                        },
                    ),
                )
            )
    return findings
