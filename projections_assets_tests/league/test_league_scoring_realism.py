"""Games as noisy as the NBA's: team scoring, the betting market and DK points' predictability.

Measured over three seasons of each seed, as docs/league_realism.md measures the real 2024-25 season
(one season, so season figures are averaged over the league's seasons). The bands are the ones the
league's knobs were set to (docs/decisions.md, decision 19); each real figure is in the comment.
"""

from __future__ import annotations

import pytest
from _league_cache import SEEDS, full_league

from projections_assets.league.realism import realism_figures

# figure -> (low, high)
BANDS: dict[str, tuple[float, float]] = {
    "team_ppg_season_sd": (3.5, 6.0),  # real 4.6
    "team_game_pts_sd": (11.0, 14.0),  # real 12.7
    "game_total_sd": (17.0, 22.0),  # real 19.8
    "home_margin_sd": (13.0, 17.5),  # real 15.9
    "home_win_share": (0.515, 0.575),  # real 0.544
    "closing_total_sd": (6.0, 11.0),  # real 8.7
    "total_minus_closing_sd": (15.5, 20.0),  # real 17.6-18.3
    "home_spread_sd": (5.5, 9.0),  # real 6.3-7.9
    "margin_plus_spread_sd": (11.5, 14.5),  # real 12.5-13.6
    "dk_pts_mean_played": (22.0, 26.0),  # real 24.1
    "dk_pts_p10_played": (4.0, 8.0),  # real 6.2
    "dk_pts_p50_played": (20.0, 24.0),  # real 22.0
    "dk_pts_p90_played": (43.0, 47.0),  # real 44.8
    "dk_mae_last5": (7.8, 9.0),  # real 8.36
    "oracle_dk_mae_over_last5": (0.82, 0.92),  # a real commercial projection: 0.90
    # Per-minute production rises with minutes: real 1.68 on one full slate day (34+ vs. under 15 minutes).
    "dk_per_minute_34plus_over_under15": (1.15, 2.0),
}
ORACLE_GAMES = 300


@pytest.fixture(scope="module", params=SEEDS)
def figures(request: pytest.FixtureRequest) -> dict[str, float]:
    return realism_figures(full_league(request.param), oracle_games=ORACLE_GAMES)


@pytest.mark.parametrize("name", sorted(BANDS))
def test_the_figure_lies_in_its_band(figures: dict[str, float], name: str) -> None:
    low, high = BANDS[name]
    assert low <= figures[name] <= high, f"{name} = {figures[name]:.3f}, band {low}-{high}"


def test_the_oracle_is_not_a_perfect_forecaster(figures: dict[str, float]) -> None:
    # Real games keep most of their noise: even the generator's own expectation misses by 6.5+ points.
    assert figures["oracle_dk_mae"] >= 6.5
