"""`minutes_eval.evaluate` end to end on a small league: its figures are complete, sane and consistent.

The evaluation needs three seasons; a league of three whole seasons (3 x 1,230 games) takes minutes to
train on and its oracle several more. The test keeps every fourth game date of the league's calendar
(333 games a season, still three seasons spanning both report-naming eras), generates the league once
for both of evaluate's uses (its tables, then the oracle's replay) and draws the oracle with fewer
Monte-Carlo samples. Everything else is `evaluate`'s own path: the league written and read back, the as-of
rows, training, the oracle computed once and cached beside the league, the comparison.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from projections_assets.cli import minutes_eval
from projections_assets.league import generate, schedule
from projections_assets.league.oracle import oracle_table

SEED = 5
DATE_STEP = 4
ORACLE_SIMS = 60

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
    """The league's calendar cut to every DATE_STEP-th game date, generated once, the oracle's draws cut."""
    games = schedule._base_games()
    dates = set(sorted({g["game_date"] for g in games})[::DATE_STEP])
    kept = tuple(g for g in games if g["game_date"] in dates)
    real_generate = generate.generate_league

    # Contests are not part of the evaluation; every other table is the same with or without them.
    @functools.cache
    def league_of(seed: int, seasons: int | None) -> generate.League:
        return real_generate(seed, seasons=seasons, with_contests=False)

    def league_once(seed: int, seasons: int | None = None, **_ignored) -> generate.League:
        return league_of(seed, seasons)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(schedule, "_base_games", lambda: kept)
        mp.setattr(generate, "generate_league", league_once)
        mp.setattr(minutes_eval, "generate_league", league_once)
        mp.setattr(minutes_eval, "oracle_table", functools.partial(oracle_table, sims=ORACLE_SIMS))
        yield tmp_path_factory.mktemp("eval") / f"seed={SEED}"


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
