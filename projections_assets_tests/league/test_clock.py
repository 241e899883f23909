"""The league clock: a pure function of wall time (start + (wall - anchor) x speed, optionally replayed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from projections_assets.league.feed import Clock

START = datetime(2026, 1, 11, 16, 0, tzinfo=UTC)
ANCHOR = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)


def test_league_time_is_start_plus_elapsed_wall_time_times_speed() -> None:
    clock = Clock(START, speed=15.0, anchor=ANCHOR)
    assert clock.at(ANCHOR) == START
    assert clock.at(ANCHOR + timedelta(minutes=4)) == START + timedelta(hours=1)
    # Before the anchor the league is before its start: still one line, no state.
    assert clock.at(ANCHOR - timedelta(seconds=4)) == START - timedelta(minutes=1)


def test_two_clocks_built_apart_agree_on_every_instant() -> None:
    # Every process (sensor, run worker, webserver) builds its own clock from the same config.
    first, second = Clock(START, 15.0, ANCHOR), Clock(START.isoformat(), 15.0, ANCHOR.isoformat())
    for minutes in (0, 7, 61, 1000):
        wall = ANCHOR + timedelta(minutes=minutes, seconds=13)
        assert first.at(wall) == second.at(wall)


def test_a_replayed_clock_goes_back_to_start_every_replay_of_league_time() -> None:
    clock = Clock(START, speed=15.0, anchor=ANCHOR, replay=timedelta(hours=15))
    # 15 league hours at 15x is one wall hour: every wall hour shows the same stretch.
    assert clock.at(ANCHOR + timedelta(minutes=59)) == START + timedelta(hours=14, minutes=45)
    assert clock.at(ANCHOR + timedelta(hours=1)) == START
    assert clock.at(ANCHOR + timedelta(days=30, minutes=20)) == START + timedelta(hours=5)
    assert clock.at(ANCHOR - timedelta(minutes=20)) == START + timedelta(hours=10)


def test_speed_zero_is_frozen_whatever_the_wall_time() -> None:
    clock = Clock("2026-01-15T22:29:00Z")
    assert clock.at(ANCHOR) == clock.at(ANCHOR + timedelta(days=400)) == clock.now()
    assert clock.now() == datetime(2026, 1, 15, 22, 29, tzinfo=UTC)


def test_bad_clocks_are_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="needs an anchor"):
        Clock(START, speed=15.0)
    with pytest.raises(ValueError, match="speed must be >= 0"):
        Clock(START, speed=-1.0, anchor=ANCHOR)
    with pytest.raises(ValueError, match="positive duration"):
        Clock(START, speed=1.0, anchor=ANCHOR, replay=timedelta(0))
