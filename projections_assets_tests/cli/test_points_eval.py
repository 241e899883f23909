"""`points_eval.evaluate` end to end on a small league: the figures of `projections eval points`.

The league is `cut_league.cut_league`'s with every eighth game date (about 165 games a season, three
seasons), 200 worlds per date and smaller boosters (the figures' computation is under test, not the
models' accuracy): the as-of rows, the three models trained on seasons 1-2, the third season's points
history through the bulk builder, the oracle computed once and cached, the row set and the figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from projections_assets.cli import points_eval
from projections_assets_tests.cli.cut_league import cut_league, small_boosters

SEED = 5
DATE_STEP = 8
WORLDS = 200
KEYS = {
    "mae",
    "oracle_mae",
    "last5_mae",
    "baseline_mae",
    "coverage_p10_p90",
    "coverage_by_role",
    "teammate_corr_sim",
    "teammate_corr_actual",
    "opponent_corr_sim",
    "opponent_corr_actual",
    "rows",
}


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict:
    with (
        cut_league(tmp_path_factory.mktemp("points") / f"seed={SEED}", DATE_STEP) as directory,
        small_boosters(80, 40),
    ):
        out = points_eval.evaluate(SEED, directory, say=lambda _m: None, worlds=WORLDS)
        out["_dir"] = directory
        return out


def test_every_figure_of_the_issue_is_reported(figures: dict) -> None:
    assert set(figures) >= KEYS
    assert figures["worlds"] == WORLDS
    assert figures["training_seasons"] == [2023, 2024] and figures["evaluated_season"] == 2025
    assert set(figures["coverage_by_role"]) == {"starter", "rotation", "bench"}
    assert set(figures["stat_mae"]) == set(figures["oracle_stat_mae"]) >= {"pts", "reb", "ast", "fg3m"}


def test_one_row_set_of_the_third_season(figures: dict) -> None:
    f = figures
    # About 165 games, two teams, ten or so players not Out with five earlier played games.
    assert 1_000 <= f["rows"] <= 5_000
    assert 0.8 * f["rows"] <= f["played_rows"] < f["rows"]
    assert (Path(f["_dir"]) / "oracle_2025.parquet").exists()


def test_the_mean_sits_near_the_oracle_and_below_the_baselines(figures: dict) -> None:
    f = figures
    assert 5.0 <= f["oracle_mae"] < f["mae"] <= 1.25 * f["oracle_mae"]
    assert f["mae"] < f["last5_mae"] and f["mae"] < f["baseline_mae"]
    assert abs(f["mean_projection"] - f["mean_actual"]) < 2.0
    for stat, value in f["stat_mae"].items():
        assert 0 < value <= 1.3 * f["oracle_stat_mae"][stat], stat


def test_coverage_and_correlations_are_in_range(figures: dict) -> None:
    f = figures
    assert 0.7 <= f["coverage_p10_p90"] <= 0.9
    assert all(0.6 <= c <= 0.95 for c in f["coverage_by_role"].values())
    for key in ("teammate_corr_sim", "teammate_corr_actual", "opponent_corr_sim", "opponent_corr_actual"):
        assert -0.3 < f[key] < 0.3, key
    assert f["teammate_pairs_actual"] > 1_000 and f["opponent_pairs_actual"] > 1_000
