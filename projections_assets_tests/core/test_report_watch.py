"""Which report names to try, and what a probe's answer means (pure, fake source)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd

from projections_assets.core.bronze import report_candidates
from projections_assets.core.report_watch import FoundReport, Probe, due, watch, went_back

ET = ZoneInfo("America/New_York")


def et(*args: int) -> datetime:
    return datetime(*args, tzinfo=ET)


def _names(start: datetime, end: datetime) -> list[str]:
    return [name for _, name in report_candidates(start, end)]


def test_hourly_era_candidates_are_the_half_hours_named_by_the_hour() -> None:
    assert _names(et(2025, 1, 10, 16, 0), et(2025, 1, 10, 18, 0)) == [
        "Injury-Report_2025-01-10_04PM.pdf",
        "Injury-Report_2025-01-10_05PM.pdf",
    ]


def test_quarter_hour_era_candidates_are_every_quarter_hour() -> None:
    assert _names(et(2026, 2, 8, 15, 0), et(2026, 2, 8, 15, 45)) == [
        "Injury-Report_2026-02-08_03_15PM.pdf",
        "Injury-Report_2026-02-08_03_30PM.pdf",
        "Injury-Report_2026-02-08_03_45PM.pdf",
    ]


def test_around_the_naming_switch_both_names_are_tried() -> None:
    names = _names(et(2025, 12, 22, 17, 0), et(2025, 12, 22, 17, 30))
    assert names == [
        "Injury-Report_2025-12-22_05_15PM.pdf",
        "Injury-Report_2025-12-22_05PM.pdf",
        "Injury-Report_2025-12-22_05_30PM.pdf",
    ]


def test_midnight_and_noon_are_named_twelve() -> None:
    assert _names(et(2025, 1, 10, 0, 0), et(2025, 1, 10, 0, 30)) == ["Injury-Report_2025-01-10_12AM.pdf"]
    assert _names(et(2026, 2, 8, 11, 50), et(2026, 2, 8, 12, 0)) == ["Injury-Report_2026-02-08_12_00PM.pdf"]


class FakeSite:
    """Publishes the reports stamped up to `now`, except `missing` ones; stamps its clock on every answer."""

    def __init__(self, now: datetime, missing: set[str] = frozenset()) -> None:
        self.now = now
        self.missing = missing
        self.asked: list[str] = []
        self.published = {
            n for t, n in report_candidates(now - timedelta(days=3), now) if t <= pd.Timestamp(now)
        }

    def probe(self, name: str) -> Probe:
        self.asked.append(name)
        return Probe(name in self.published and name not in self.missing, self.now)


def test_a_published_report_is_found_and_the_walk_stops_at_the_future() -> None:
    site = FakeSite(et(2026, 2, 8, 15, 50))
    result = watch(et(2026, 2, 8, 15, 15), site.probe)
    assert [f.file_name for f in result.found] == [
        "Injury-Report_2026-02-08_03_30PM.pdf",
        "Injury-Report_2026-02-08_03_45PM.pdf",
    ]
    assert [f.partition_key for f in result.found] == ["2026-02-08|15:30", "2026-02-08|15:45"]
    assert result.cursor == et(2026, 2, 8, 15, 45)
    assert site.asked[-1] == "Injury-Report_2026-02-08_03_45PM.pdf"  # 4:00 PM is after the clock: not asked


def test_a_report_never_published_is_skipped_once_the_clock_is_well_past_it() -> None:
    site = FakeSite(et(2026, 2, 8, 16, 40), missing={"Injury-Report_2026-02-08_03_30PM.pdf"})
    result = watch(et(2026, 2, 8, 15, 15), site.probe)
    assert "Injury-Report_2026-02-08_03_30PM.pdf" in result.skipped
    assert [f.file_name for f in result.found][0] == "Injury-Report_2026-02-08_03_45PM.pdf"


def test_a_late_report_is_waited_for_within_the_grace() -> None:
    site = FakeSite(et(2026, 2, 8, 15, 40), missing={"Injury-Report_2026-02-08_03_30PM.pdf"})
    result = watch(et(2026, 2, 8, 15, 15), site.probe)
    assert result.found == [] and result.skipped == []
    assert result.cursor == et(2026, 2, 8, 15, 15)  # it will be asked for again next tick


def test_probes_per_tick_are_bounded() -> None:
    site = FakeSite(et(2026, 2, 9, 12, 0))
    result = watch(et(2026, 2, 8, 12, 0), site.probe, max_probes=10)
    assert result.probes == 10 and len(result.found) == 10
    assert result.cursor == et(2026, 2, 8, 14, 30)  # the next tick continues from there


def test_a_run_is_due_once_the_clock_reaches_its_slot_and_keeps_the_newest_report() -> None:
    night = [FoundReport(et(2026, 2, 8, 0, 30), "a.pdf"), FoundReport(et(2026, 2, 8, 1, 0), "b.pdf")]
    ready, waiting = due(night, {}, et(2026, 2, 8, 1, 5))
    assert ready == {} and waiting == {"2026-02-08|08:00": "b.pdf"}
    morning = [FoundReport(et(2026, 2, 8, 8, 0), "c.pdf"), FoundReport(et(2026, 2, 8, 8, 15), "d.pdf")]
    ready, waiting = due(morning, waiting, et(2026, 2, 8, 8, 16))
    assert ready == {"2026-02-08|08:00": "c.pdf", "2026-02-08|08:15": "d.pdf"} and waiting == {}
    # A source that sends no clock cannot say a slot is still to come.
    assert due(night, {}, None)[0] == {"2026-02-08|08:00": "b.pdf"}


def test_only_a_clock_far_behind_the_cursor_went_back() -> None:
    cursor = et(2026, 2, 8, 23, 45)
    assert went_back(cursor, et(2026, 2, 8, 11, 0))
    assert not went_back(cursor, et(2026, 2, 8, 23, 20))  # a late or skewed clock, not a replay
    assert not went_back(cursor, None)
