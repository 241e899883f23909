"""The pollers target the slot they run just before, live; the nightly labels target yesterday."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from projections_assets.defs.bronze import CAPTURE_TAG, LIVE_CAPTURE
from projections_assets.defs.schedules import nightly_labels, source_poller

ET = ZoneInfo("America/New_York")


def test_the_poller_captures_live_for_the_coming_slot() -> None:
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 1, 16, 17, 25, tzinfo=ET))
    request = source_poller(context)
    assert request.partition_key == "2026-01-16|17:30"
    assert request.tags[CAPTURE_TAG] == LIVE_CAPTURE and request.run_key == "poll:2026-01-16|17:30"


def test_the_first_poll_of_the_day_feeds_the_first_slot() -> None:
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 1, 16, 7, 55, tzinfo=ET))
    assert source_poller(context).partition_key == "2026-01-16|08:00"


def test_nightly_labels_freeze_yesterday() -> None:
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2026, 1, 17, 6, 0, tzinfo=ET))
    assert nightly_labels(context).partition_key == "2026-01-16"
