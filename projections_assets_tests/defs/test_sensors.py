"""The injury report sensor on the in-process league feed, evaluated with build_sensor_context."""

from __future__ import annotations

import json
from datetime import datetime

import dagster as dg
import pytest

from projections_assets.defs.bronze import POLLED_BRONZE_KEYS
from projections_assets.defs.jobs import SLATE_KEYS
from projections_assets.defs.sensors import REPORT_TAG, injury_report_sensor
from projections_assets_tests.defs.conftest import league_sources


def _tick(league_dir, clock: str, cursor: str | None, instance: dg.DagsterInstance) -> dg.SensorResult:
    context = dg.build_sensor_context(
        cursor=cursor, instance=instance, resources={"sources": league_sources(league_dir, clock=clock)}
    )
    return injury_report_sensor(context)


def _cursor(after: str) -> str:
    return json.dumps({"after": after})


def test_a_new_report_requests_exactly_its_own_partition_once(league_dir, instance) -> None:
    # 5:46 PM ET: the 5:45 PM report (quarter-hour era) is out; the cursor says 5:30 was seen.
    first = _tick(league_dir, "2026-01-16T22:46:00Z", _cursor("2026-01-16T17:30:00-05:00"), instance)
    assert [r.partition_key for r in first.run_requests] == ["2026-01-16|17:45"]
    request = first.run_requests[0]
    assert request.run_key == "injury-report:Injury-Report_2026-01-16_05_45PM.pdf"
    assert request.tags[REPORT_TAG] == "Injury-Report_2026-01-16_05_45PM.pdf"
    # The league feed answers "as of", so the run captures the polled sources itself.
    assert set(request.asset_selection) == set(SLATE_KEYS)
    # Next tick, same clock: nothing new, and the cursor does not go backwards.
    second = _tick(league_dir, "2026-01-16T22:46:00Z", first.cursor, instance)
    assert second.run_requests == [] and json.loads(second.cursor) == json.loads(first.cursor)
    # The clock moves on: the 6:00 PM report, and only it.
    third = _tick(league_dir, "2026-01-16T23:01:00Z", second.cursor, instance)
    assert [r.partition_key for r in third.run_requests] == ["2026-01-16|18:00"]


def test_hourly_era_reports_are_found_by_their_hour_name(league_dir, instance) -> None:
    result = _tick(league_dir, "2025-12-11T22:35:00Z", _cursor("2025-12-11T16:30:00-05:00"), instance)
    assert [(r.partition_key, r.run_key) for r in result.run_requests] == [
        ("2025-12-11|17:30", "injury-report:Injury-Report_2025-12-11_05PM.pdf")
    ]


def test_a_report_covering_two_dates_requests_one_run(league_dir, instance) -> None:
    # The 5:30 PM report lists tonight's games and tomorrow's (see the bronze tests): one run, tonight's slot.
    result = _tick(league_dir, "2025-12-11T22:31:00Z", _cursor("2025-12-11T17:00:00-05:00"), instance)
    assert len(result.run_requests) == 1 and result.run_requests[0].partition_key == "2025-12-11|17:30"


def test_the_cursor_survives_a_restart(league_dir) -> None:
    with dg.DagsterInstance.ephemeral() as before_restart:
        result = _tick(
            league_dir, "2026-01-16T22:46:00Z", _cursor("2026-01-16T17:30:00-05:00"), before_restart
        )
    with dg.DagsterInstance.ephemeral() as after_restart:
        again = _tick(league_dir, "2026-01-16T22:50:00Z", result.cursor, after_restart)
    assert again.run_requests == []


def test_without_a_cursor_it_starts_at_the_sources_clock(league_dir, instance) -> None:
    result = _tick(league_dir, "2026-01-16T22:40:00Z", None, instance)
    # From 30 minutes before the feed's clock (5:40 PM ET): the 5:15 and 5:30 reports.
    assert [r.partition_key for r in result.run_requests] == ["2026-01-16|17:15", "2026-01-16|17:30"]
    assert json.loads(result.cursor)["after"].startswith("2026-01-16T17:30:00")


def test_the_nights_reports_wait_for_the_first_slot_then_make_one_run(league_dir, instance) -> None:
    # 7:45 AM ET: the night's reports (00:30 ... 07:30) are out, but they belong to the 08:00 slot,
    # which has not come yet: a run now could not capture as of 08:00. They wait in the cursor.
    night = _tick(league_dir, "2025-12-11T12:45:00Z", _cursor("2025-12-10T23:30:00-05:00"), instance)
    assert night.run_requests == []
    assert json.loads(night.cursor)["waiting"] == {"2025-12-11|08:00": "Injury-Report_2025-12-11_07AM.pdf"}
    assert "waiting for the slot of 2025-12-11|08:00" in night.skip_reason.skip_message
    # 8:01 AM: one run of the first slot, keyed by the newest report.
    morning = _tick(league_dir, "2025-12-11T13:01:00Z", night.cursor, instance)
    assert [(r.partition_key, r.run_key) for r in morning.run_requests] == [
        ("2025-12-11|08:00", "injury-report:Injury-Report_2025-12-11_07AM.pdf")
    ]
    assert "waiting" not in json.loads(morning.cursor)


def test_a_replay_that_starts_over_is_watched_again_from_its_clock(league_dir, instance) -> None:
    # The cursor is at 11:45 PM ET; the replayed league's clock went back to 5:16 PM of the same day.
    result = _tick(league_dir, "2026-01-16T22:16:00Z", _cursor("2026-01-16T23:45:00-05:00"), instance)
    assert [r.partition_key for r in result.run_requests] == ["2026-01-16|17:00", "2026-01-16|17:15"]
    assert json.loads(result.cursor)["after"].startswith("2026-01-16T17:15:00")


def test_a_league_not_generated_yet_skips_the_tick_and_names_the_command(tmp_path, instance) -> None:
    missing = tmp_path / "no-league"
    context = dg.build_sensor_context(
        cursor=_cursor("2026-01-16T17:30:00-05:00"),
        instance=instance,
        resources={"sources": league_sources(missing, clock="2026-01-16T22:46:00Z")},
    )
    result = injury_report_sensor(context)
    assert result.run_requests == [] and result.cursor is None
    message = result.skip_reason.skip_message
    assert "not generated" in message and "make demo" in message and "projections league generate" in message
    assert not missing.exists()  # nothing was generated inside the tick


def test_real_hosts_leave_the_polled_sources_to_the_pollers() -> None:
    from projections_assets.defs.resources import HttpSources

    assert HttpSources().pollers_capture()
    # A league feed answers "as of" any instant: its runs capture their own sources, unless told that
    # the pollers do (the `feed_live` deployment).
    assert not HttpSources(base_url="http://127.0.0.1:8765").pollers_capture()
    assert HttpSources(base_url="http://127.0.0.1:8765", polled_live=True).pollers_capture()


def test_nothing_before_the_report_is_published(league_dir, instance) -> None:
    # 5:29 PM ET: the 5:30 report does not exist yet; one probe, then the sensor waits.
    result = _tick(league_dir, "2026-01-16T22:29:00Z", _cursor("2026-01-16T17:15:00-05:00"), instance)
    assert result.run_requests == []
    assert (
        "no new report" in result.skip_reason.skip_message and "1 probes" in result.skip_reason.skip_message
    )


@pytest.mark.parametrize(
    ("deployment", "selection"),
    [("feed", set(SLATE_KEYS)), ("feed_live", set(SLATE_KEYS) - set(POLLED_BRONZE_KEYS))],
)
def test_the_feed_deployments_read_a_loopback_feed_whose_clock_jumps(
    deployment, selection, league_dir, instance, monkeypatch
) -> None:
    """What the latency benchmark drives: a feed deployment's sources over HTTP, the feed's clock
    moved by its owner between two ticks."""
    from projections_assets.definitions import build_definitions
    from projections_assets.league.feed import Clock, Feed, serve
    from projections_assets.league.generate import read_league_tables
    from projections_assets.league.payloads import LeaguePayloads

    feed = Feed(
        LeaguePayloads(read_league_tables(league_dir)),
        Clock(datetime.fromisoformat("2026-01-16T22:40:00+00:00")),
    )
    sources = build_definitions(deployment).resources["sources"]
    with serve(feed) as server:
        monkeypatch.setenv("PROJECTIONS_FEED_URL", server.url)

        def tick(cursor: str) -> dg.SensorResult:
            context = dg.build_sensor_context(
                cursor=cursor, instance=instance, resources={"sources": sources}
            )
            return injury_report_sensor(context)

        before = tick(_cursor("2026-01-16T17:30:00-05:00"))
        assert before.run_requests == [] and "no new report" in before.skip_reason.skip_message
        feed.clock = Clock(datetime.fromisoformat("2026-01-16T22:45:00+00:00"))
        after = tick(before.cursor)
    assert [r.partition_key for r in after.run_requests] == ["2026-01-16|17:45"]
    # `feed`: the run captures every source "as of" its slot; `feed_live`: the pollers did, as they do
    # against the real hosts, and the run captures only the report.
    assert set(after.run_requests[0].asset_selection) == selection
    assert dg.AssetKey(["bronze", "injury_reports"]) in after.run_requests[0].asset_selection
