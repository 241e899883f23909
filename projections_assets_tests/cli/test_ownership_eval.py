"""`ownership_eval.evaluate` end to end on a small league: the figures of `projections eval ownership`.

The league is `cut_league`'s (every eighth game date, three seasons, with contests), so the ownership
model trains on one season (projected by points models of the first) and is judged on the third; 200
worlds per projected slot and small boosters (the figures' computation is under test, not accuracy).
"""

from __future__ import annotations

import pandas as pd
import pytest

from projections_assets.cli import ownership_eval
from projections_assets_tests.cli.cut_league import cut_league, small_boosters

SEED = 5
DATE_STEP = 8
KEYS = {
    "spearman",
    "mae",
    "salary_spearman",
    "projection_spearman",
    "value_spearman",
    "public_value_spearman",
    "groups",
}


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict:
    directory = tmp_path_factory.mktemp("ownership") / f"seed={SEED}"
    with cut_league(directory, DATE_STEP, contests=True), small_boosters(60, 30):
        return ownership_eval.evaluate(SEED, directory, say=lambda _m: None, worlds=200, league_seasons=3)


def test_every_figure_of_the_issue_is_reported(figures: dict) -> None:
    assert set(figures) >= KEYS
    assert figures["groups"] > 20 and figures["training_seasons"] == [2024]


def test_rankings_are_correlations_and_groups_hold_eight_hundred_percent(figures: dict) -> None:
    for key in ("spearman", "salary_spearman", "projection_spearman", "value_spearman"):
        assert -1.0 <= figures[key] <= 1.0, key
    # The field picks by its projection's value: the labels and the public value line up (a check of the
    # join), and even small models trained on a few dates rank the listed players better than chance.
    assert figures["public_value_spearman"] > 0.5
    assert figures["spearman"] > 0.2 and figures["value_spearman"] > 0.2
    assert figures["predicted_total_per_group"] == pytest.approx(800.0)
    assert 0 < figures["mae"] < 15


def test_dk_fppg_is_the_mean_of_the_games_played_on_earlier_dates() -> None:
    labels = pd.DataFrame(
        {
            "player_id": [1, 1, 1, 1, 2],
            "game_date": ["2025-11-01", "2025-11-03", "2025-11-05", "2025-11-07", "2025-11-03"],
            "played": [True, False, True, True, True],
            "dk_pts": [20.0, 0.0, 30.0, 99.0, 10.0],
        }
    )
    keys = pd.DataFrame(
        {"player_id": [1, 1, 1, 2], "game_date": ["2025-11-01", "2025-11-04", "2025-11-07", "2025-11-07"]}
    )
    out = ownership_eval.dk_fppg(labels, keys).set_index(["player_id", "game_date"])["fppg"]
    assert pd.isna(out[(1, "2025-11-01")])
    assert (
        out[(1, "2025-11-04")] == 20.0 and out[(1, "2025-11-07")] == 25.0 and out[(2, "2025-11-07")] == 10.0
    )
