"""The role filter: a player's planned minutes from his game log (core.role_filter)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from projections_assets.core.role_filter import blowout_share, play_chance_now, role_filter


def _log(
    minutes: list[float | None],
    *,
    player_id: int = 1,
    team_ids: list[int] | None = None,
    vacated: float | list[float] = 0.0,
    blowout: float | list[float] = 0.0,
    start: str = "2025-11-01",
    every_days: int = 2,
) -> pd.DataFrame:
    """One player's games; None is a game he was inactive for, 0 a DNP-coach."""
    n = len(minutes)
    return pd.DataFrame(
        {
            "player_id": player_id,
            "team_id": team_ids or [10] * n,
            "game_date": pd.date_range(start, periods=n, freq=f"{every_days}D").strftime("%Y-%m-%d"),
            "minutes": [0.0 if m is None else m for m in minutes],
            "played": [bool(m) for m in minutes],
            "active": [m is not None for m in minutes],
            "vacated": vacated,
            "blowout": blowout,
        }
    )


def test_a_regular_rotation_player_is_read_at_his_minutes_and_plays():
    out = role_filter(_log([30.0, 31.0, 29.0, 30.5, 30.0, 29.5, 30.0, 31.0]))
    last = out.iloc[-1]
    assert last["min_filter_mean"] == pytest.approx(30.0, abs=1.0)
    # Each game narrows the estimate (game noise is several minutes wide).
    assert last["min_filter_sd"] < 3.0 < out.iloc[1]["min_filter_sd"]
    assert last["play_rate_filter"] > 0.99


def test_a_string_of_dnps_puts_the_plan_below_a_usable_stint():
    out = role_filter(_log([0.0] * 10))
    last = out.iloc[-1]
    assert last["min_filter_mean"] < 3.0
    assert last["play_rate_filter"] < 0.25
    # Each further DNP lowers the chance he plays next.
    assert out["play_rate_filter"].is_monotonic_decreasing


def test_minutes_left_by_inactive_teammates_count_less_toward_his_role():
    games = [9.0, 0.0, 8.0, 0.0, 10.0, 7.0]
    plain = role_filter(_log(games)).iloc[-1]
    filled_in = role_filter(_log(games, vacated=60.0)).iloc[-1]
    assert filled_in["min_filter_mean"] < plain["min_filter_mean"] - 1.5
    assert filled_in["play_rate_filter"] < plain["play_rate_filter"]


def test_garbage_time_minutes_count_less_for_the_deep_bench():
    games = [7.0, 0.0, 6.0, 0.0, 8.0, 0.0]
    plain = role_filter(_log(games)).iloc[-1]
    blowouts = role_filter(_log(games, blowout=1.0)).iloc[-1]
    assert blowouts["min_filter_mean"] < plain["min_filter_mean"]
    assert blowouts["play_rate_filter"] < plain["play_rate_filter"]


def test_inactive_games_are_not_observations_but_time_passes():
    seen = role_filter(_log([20.0, 21.0, 19.0, 20.0]))
    away = role_filter(_log([20.0, 21.0, 19.0, 20.0, None, None, None]))
    # Nothing learnt while he was out: the estimate holds, its uncertainty grows.
    assert away.iloc[-1]["min_filter_mean"] == pytest.approx(seen.iloc[-1]["min_filter_mean"], abs=0.3)
    assert away.iloc[-1]["min_filter_sd"] > seen.iloc[-1]["min_filter_sd"]


def test_a_team_change_widens_the_estimate():
    same = role_filter(_log([25.0] * 6 + [25.0]))
    moved = role_filter(_log([25.0] * 6 + [25.0], team_ids=[10] * 6 + [20]))
    # The game with the new team is read with a wider prior, so it moves the estimate less surely.
    assert moved.iloc[-1]["min_filter_sd"] > same.iloc[-1]["min_filter_sd"]


def test_each_row_depends_only_on_that_players_earlier_games():
    a = _log([30.0, 0.0, 12.0, 8.0, 0.0, 15.0], player_id=1)
    b = _log([5.0, 0.0, 0.0, 6.0], player_id=2, start="2025-10-25")
    alone = role_filter(a)
    together = role_filter(pd.concat([a, b], ignore_index=True))
    pd.testing.assert_frame_equal(together.iloc[: len(a)], alone)
    # Later games do not change earlier rows.
    prefix = role_filter(a.iloc[:3])
    pd.testing.assert_frame_equal(alone.iloc[:3], prefix)


def test_no_games_gives_an_empty_frame():
    out = role_filter(_log([]).iloc[:0])
    assert list(out.columns) == ["min_filter_mean", "min_filter_sd", "play_rate_filter"]
    assert out.empty


def test_blowout_share_ramps_from_a_14_to_a_30_point_margin():
    assert blowout_share(np.array([0.0, -14.0, 22.0, -30.0, 45.0])).tolist() == [0.0, 0.0, 0.5, 1.0, 1.0]


def test_play_chance_now_rises_with_the_plan_and_with_vacated_minutes():
    mean = pd.Series([1.0, 4.0, 8.0, 30.0])
    sd = pd.Series([1.0, 1.0, 1.0, 1.0])
    p = play_chance_now(mean, sd, pd.Series([0.0] * 4))
    assert p.is_monotonic_increasing and p.iloc[-1] > 0.99 and p.iloc[0] < 0.3
    more = play_chance_now(mean, sd, pd.Series([40.0] * 4))
    assert (more > p).iloc[:3].all()
    # No estimate yet (a new player): still a probability, read with the noise's width.
    unknown = play_chance_now(pd.Series([6.0]), pd.Series([np.nan]), pd.Series([0.0]))
    assert 0.4 < unknown.iloc[0] < 0.8
