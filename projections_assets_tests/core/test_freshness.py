"""The watchdogs' decisions: a stale lake, a lagging slate, drifted coverage, and alert episodes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from projections_assets.core.alerts import Alert, Finding, episodes
from projections_assets.core.drift import Band, CoverageDay, coverage_days, drift_findings, rolling_coverage
from projections_assets.core.freshness import FreshnessRules, Report, freshness_findings
from projections_assets.nba.calendar import EASTERN
from projections_assets.nba.injury_report import report_filename

QUARTER_DAY = (2026, 1, 16)  # quarter-hour reports
HOURLY_DAY = (2025, 12, 11)  # hourly reports at :30


def et(day: tuple[int, int, int], hh: int, mm: int) -> datetime:
    return datetime(*day, hh, mm, tzinfo=EASTERN)


def report(day: tuple[int, int, int], hh: int, mm: int) -> Report:
    ts = et(day, hh, mm)
    return Report(report_filename(ts), ts)


def tips(day: tuple[int, int, int]) -> list[datetime]:
    return [et(day, 19, 0), et(day, 22, 0)]


def keys(findings: list[Finding]) -> list[str]:
    return [f.key for f in findings]


def test_no_report_for_twice_the_quarter_hour_interval_with_games_to_come_is_a_gap() -> None:
    now = et(QUARTER_DAY, 18, 0)
    newest = report(QUARTER_DAY, 17, 15)
    (finding,) = freshness_findings(now, newest, tips(QUARTER_DAY), "2026-01-16|17:15")
    assert finding.key == "report_gap:2026-01-16" and finding.alert.kind == "freshness"
    assert "45 min" in finding.alert.title
    assert (
        "Injury-Report_2026-01-16_05_15PM.pdf" in finding.alert.error and "45 min ago" in finding.alert.error
    )
    assert finding.alert.details["threshold_minutes"] == 30 and finding.alert.details["upcoming_games"] == 2
    # A report 15 minutes old is on time.
    assert freshness_findings(now, report(QUARTER_DAY, 17, 45), tips(QUARTER_DAY), "2026-01-16|17:45") == []


def test_the_hourly_era_waits_twice_an_hour() -> None:
    # The same 90-minute silence: within two hourly intervals, beyond two quarter-hour ones.
    hourly = freshness_findings(
        et(HOURLY_DAY, 18, 0), report(HOURLY_DAY, 16, 30), tips(HOURLY_DAY), "2025-12-11|16:30"
    )
    assert hourly == []
    late = freshness_findings(
        et(HOURLY_DAY, 18, 31), report(HOURLY_DAY, 16, 30), tips(HOURLY_DAY), "2025-12-11|16:30"
    )
    assert keys(late) == ["report_gap:2025-12-11"] and late[0].alert.details["threshold_minutes"] == 120
    quarter = freshness_findings(
        et(QUARTER_DAY, 18, 0), report(QUARTER_DAY, 16, 30), tips(QUARTER_DAY), "2026-01-16|16:30"
    )
    assert keys(quarter) == ["report_gap:2026-01-16"]


def test_no_game_to_come_no_alert_but_an_unknown_schedule_counts_as_games() -> None:
    now = et(QUARTER_DAY, 23, 0)
    newest = report(QUARTER_DAY, 20, 0)
    assert freshness_findings(now, newest, tips(QUARTER_DAY), "2026-01-16|20:00") == []
    assert freshness_findings(now, newest, [], "2026-01-16|20:00") == []
    (unknown,) = freshness_findings(now, newest, None, "2026-01-16|20:00")
    assert "the schedule of 2026-01-16 is not in the lake" in unknown.alert.error


def test_the_night_is_quiet_and_the_count_starts_at_the_first_slot() -> None:
    yesterday = report((2026, 1, 15), 23, 45)
    assert freshness_findings(et(QUARTER_DAY, 3, 0), yesterday, tips(QUARTER_DAY), None) == []
    assert freshness_findings(et(QUARTER_DAY, 8, 20), yesterday, tips(QUARTER_DAY), None) == []
    (gap,) = freshness_findings(et(QUARTER_DAY, 8, 31), yesterday, tips(QUARTER_DAY), "2026-01-16|08:00")
    assert gap.key == "report_gap:2026-01-16" and "31 min" in gap.alert.title
    (nothing,) = freshness_findings(et(QUARTER_DAY, 8, 31), None, tips(QUARTER_DAY), None)
    assert "no injury report in the lake" in nothing.alert.error


def test_a_published_slate_behind_the_newest_reports_slot_beyond_the_grace_is_a_lag() -> None:
    newest = report(QUARTER_DAY, 18, 0)
    (lag,) = freshness_findings(et(QUARTER_DAY, 18, 12), newest, tips(QUARTER_DAY), "2026-01-16|17:30")
    assert lag.key == "slate_lag:2026-01-16" and lag.alert.partition == "2026-01-16|18:00"
    assert "12 min" in lag.alert.title and "grace 10 min" in lag.alert.title
    assert "slot 2026-01-16|17:30" in lag.alert.error
    # Within the grace, or caught up: nothing.
    assert freshness_findings(et(QUARTER_DAY, 18, 8), newest, tips(QUARTER_DAY), "2026-01-16|17:30") == []
    assert freshness_findings(et(QUARTER_DAY, 18, 12), newest, tips(QUARTER_DAY), "2026-01-16|18:00") == []
    (never,) = freshness_findings(et(QUARTER_DAY, 18, 12), newest, tips(QUARTER_DAY), None)
    assert "nothing published for 2026-01-16 yet" in never.alert.error
    wider = FreshnessRules(publish_grace=timedelta(minutes=15))
    assert freshness_findings(et(QUARTER_DAY, 18, 12), newest, tips(QUARTER_DAY), None, wider) == []


def test_rules_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="gap_intervals"):
        FreshnessRules(gap_intervals=0)
    with pytest.raises(ValueError, match="publish_grace"):
        FreshnessRules(publish_grace=timedelta(minutes=-1))


def test_a_condition_posts_when_it_starts_not_while_it_lasts_and_again_after_recovery() -> None:
    gap = Finding("report_gap:2026-01-16", Alert(kind="freshness", title="gap"))
    first = episodes([], [gap])
    assert first.new == [gap] and first.ongoing == [] and first.recovered == []
    again = episodes(["report_gap:2026-01-16"], [gap])
    assert again.new == [] and again.ongoing == ["report_gap:2026-01-16"]
    healed = episodes(["report_gap:2026-01-16"], [])
    assert healed.new == [] and healed.recovered == ["report_gap:2026-01-16"]
    assert episodes([], [gap]).new == [gap]


BANDS = {"minutes": Band(0.70, 0.90), "points": Band(0.70, 0.90)}


def days(series, coverages: list[float], rows: int = 100, horizon: str | None = None) -> list[CoverageDay]:
    return [CoverageDay(series, horizon, f"2026-01-{10 + i:02d}", c, rows) for i, c in enumerate(coverages)]


def test_coverage_inside_its_band_is_quiet_outside_it_names_metric_value_and_band() -> None:
    inside = days("minutes", [0.78, 0.82, 0.80], horizon="last") + days("points", [0.79, 0.81])
    assert drift_findings(inside, BANDS, min_rows=100, window_days=7) == []
    narrow = days("minutes", [0.60, 0.64, 0.62], horizon="last") + days("points", [0.95, 0.93])
    found = {f.key: f.alert for f in drift_findings(narrow, BANDS, min_rows=100, window_days=7)}
    assert set(found) == {"drift:minutes:last:low", "drift:points:all:high"}
    minutes, points = found["drift:minutes:last:low"], found["drift:points:all:high"]
    assert minutes.kind == "drift" and minutes.title.startswith(
        "Minutes (horizon last) p10-p90 coverage 0.62"
    )
    assert "band 0.70-0.90" in minutes.title and "too narrow" in minutes.error
    assert points.title.startswith("DK points p10-p90 coverage 0.94") and "too wide" in points.error
    assert points.details["coverage"] == pytest.approx(0.94) and points.details["low"] == 0.70


def test_the_window_pools_rows_and_too_few_rows_say_nothing() -> None:
    # One big bad day and one small good day: pooled by rows, not averaged by day.
    window = [
        CoverageDay("points", None, "2026-01-10", 0.5, 300),
        CoverageDay("points", None, "2026-01-11", 1.0, 100),
    ]
    (pooled,) = rolling_coverage(window)
    assert pooled.coverage == pytest.approx(0.625) and pooled.rows == 400 and pooled.dates == 2
    assert drift_findings(window, BANDS, min_rows=401, window_days=7) == []
    assert len(drift_findings(window, BANDS, min_rows=400, window_days=7)) == 1


def test_coverage_days_read_the_models_overall_rows_of_both_evaluations() -> None:
    minutes = pd.DataFrame(
        [
            ("2026-01-10", h, p, r, m, v)
            for h in ("tip-2h", "last")
            for p, r, m, v in (
                ("model", "all", "coverage_p10_p90", 0.8),
                ("model", "all", "played_rows", 150.0),
                ("model", "starter", "coverage_p10_p90", 0.1),
                ("oracle", "all", "coverage_p10_p90", 0.1),
            )
        ],
        columns=["game_date", "horizon", "predictor", "role", "metric", "value"],
    )
    got = coverage_days(minutes, "minutes")
    assert sorted((d.horizon, d.coverage, d.rows) for d in got) == [("last", 0.8, 150), ("tip-2h", 0.8, 150)]
    points = pd.DataFrame(
        [
            ("2026-01-10", "model", "all", "coverage_p10_p90", 0.7),
            ("2026-01-10", "model", "all", "rows", 90.0),
        ],
        columns=["game_date", "predictor", "role", "metric", "value"],
    )
    assert coverage_days(points, "points") == [CoverageDay("points", None, "2026-01-10", 0.7, 90)]
    assert coverage_days(points.iloc[:0], "points") == []


def test_a_band_must_be_a_band() -> None:
    with pytest.raises(ValueError, match="low 0.9, high 0.7"):
        Band(0.9, 0.7)
