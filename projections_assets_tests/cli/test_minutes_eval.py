"""`minutes_eval.evaluate` end to end on a small league: its figures are complete, sane and consistent.

The league is `cut_league.cut_league`'s: every fourth game date (333 games a season, still three seasons
spanning both report-naming eras), the oracle drawn with fewer Monte-Carlo samples. Everything else is
`evaluate`'s own path: the league written and read back, the as-of rows, training, the oracle computed
once and cached beside the league, the comparison.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from projections_assets.cli import minutes_eval
from projections_assets_tests.cli.cut_league import cut_league

SEED = 5
DATE_STEP = 4

KEYS = {
    "seed",
    "rows",
    "played_rows",
    "mae",
    "oracle_mae",
    "last5_mae",
    "model_mae_on_last5_rows",
    "baseline_mae",
    "model_mae_on_baseline_rows",
    "season_avg_played_mae",
    "pinball",
    "oracle_pinball",
    "coverage_p10_p90",
    "width_p10_p90",
    "oracle_coverage_p10_p90",
    "coverage_by_role",
    "brier",
    "oracle_brier",
    "band_shift",
}


@pytest.fixture(scope="module")
def small_league(tmp_path_factory: pytest.TempPathFactory):
    with cut_league(tmp_path_factory.mktemp("eval") / f"seed={SEED}", DATE_STEP) as directory:
        yield directory


@pytest.fixture(scope="module")
def figures(small_league: Path) -> dict:
    return minutes_eval.evaluate(SEED, small_league, say=lambda _m: None)


def test_every_figure_is_reported(figures: dict) -> None:
    assert set(figures) == KEYS
    assert figures["seed"] == SEED
    assert set(figures["coverage_by_role"]) == {"starter", "rotation", "bench"}
    assert set(figures["band_shift"]) == {"0.1", "0.5", "0.9"}


def test_rows_are_the_third_season_at_the_last_slot(small_league: Path, figures: dict) -> None:
    # 333 games, two teams, a dozen or so players not listed Out in each.
    assert 4_000 <= figures["rows"] <= 12_000
    assert 0.6 * figures["rows"] <= figures["played_rows"] < figures["rows"]
    # The oracle of the evaluated season was computed once and kept beside the league.
    assert (small_league / "oracle_2025.parquet").exists()


def test_the_model_sits_between_the_oracle_and_the_baselines(figures: dict) -> None:
    f = figures
    assert f["oracle_mae"] < f["mae"] <= 1.25 * f["oracle_mae"]
    assert f["oracle_pinball"] < f["pinball"] <= 1.25 * f["oracle_pinball"]
    assert f["oracle_brier"] < f["brier"] <= 1.3 * f["oracle_brier"]
    # Each baseline is scored on its own rows, beside the model on exactly those rows.
    assert f["model_mae_on_last5_rows"] < f["last5_mae"]
    assert f["model_mae_on_baseline_rows"] < f["baseline_mae"]
    # Minutes are as noisy as the real NBA's (docs/league_realism.md: last-5 MAE 4.78).
    assert 3.0 <= f["oracle_mae"] < f["last5_mae"] <= 5.5


def test_the_band_covers_about_eighty_percent(figures: dict) -> None:
    assert 0.72 <= figures["coverage_p10_p90"] <= 0.88
    assert all(0.65 <= c <= 0.92 for c in figures["coverage_by_role"].values())
    assert 5.0 <= figures["width_p10_p90"] <= 20.0
    assert 0.0 < figures["brier"] < 0.25
