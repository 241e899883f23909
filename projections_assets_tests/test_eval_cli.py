"""`projections eval minutes|points`: the tables they print and their JSON line (the evaluations stubbed)."""

from __future__ import annotations

import json

import pytest

from projections_assets import cli
from projections_assets.cli import minutes_eval, points_eval

FIGURES = {
    "seed": 7,
    "rows": 35189,
    "mae": 4.0622,
    "oracle_mae": 3.7313,
    "last5_mae": 4.7867,
    "model_mae_on_last5_rows": 4.0655,
    "baseline_mae": 5.3057,
    "model_mae_on_baseline_rows": 4.0465,
    "pinball": 1.2989,
    "oracle_pinball": 1.1964,
    "coverage_p10_p90": 0.7908,
    "width_p10_p90": 12.72,
    "coverage_by_role": {"starter": 0.777, "rotation": 0.794, "bench": 0.813},
    "brier": 0.092240,
    "oracle_brier": 0.083879,
}


def test_eval_minutes_prints_ratios_to_four_places_and_ends_with_the_json(monkeypatch, capsys) -> None:
    seen = {}

    def fake_evaluate(seed, league_dir=None, say=None):
        seen["seed"] = seed
        return FIGURES

    monkeypatch.setattr(minutes_eval, "evaluate", fake_evaluate)
    assert cli.main(["eval", "minutes", "--seed", "7", "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert seen == {"seed": 7}
    brier = next(line for line in out if line.startswith("play-probability Brier"))
    # 1.09969... must read as under the 1.10 bar, not as "1.100".
    assert brier.endswith("1.0997 x oracle")
    assert any(line.startswith("  vs last-5 mean") and line.endswith("15.1% below") for line in out)
    assert json.loads(out[-1]) == FIGURES


def test_eval_minutes_needs_a_seed(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.main(["eval", "minutes"])
    assert "--seed" in capsys.readouterr().err


POINTS = {
    "seed": 7,
    "worlds": 2000,
    "training_seasons": [2023, 2024],
    "evaluated_season": 2025,
    "rows": 30000,
    "played_rows": 27000,
    "mae": 7.9,
    "oracle_mae": 7.3,
    "last5_mae": 9.1,
    "baseline_mae": 8.9,
    "coverage_p10_p90": 0.80,
    "width_p10_p90": 25.0,
    "coverage_by_role": {"starter": 0.78, "rotation": 0.81, "bench": 0.85},
    "mae_by_role": {"starter": 9.8, "rotation": 7.0, "bench": 4.1},
    "stat_mae": {"pts": 4.9, "reb": 2.3},
    "oracle_stat_mae": {"pts": 4.6, "reb": 2.1},
    "teammate_corr_sim": -0.031,
    "teammate_corr_actual": -0.012,
    "opponent_corr_sim": 0.012,
    "opponent_corr_actual": 0.03,
    "teammate_pairs_actual": 9000,
    "opponent_pairs_actual": 9500,
    "mean_projection": 23.8,
    "mean_actual": 23.9,
}
POINTS_KEYS = {
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


def test_eval_points_prints_the_figures_and_ends_with_the_json(monkeypatch, capsys) -> None:
    seen = {}

    def fake_evaluate(seed, league_dir=None, say=None, worlds=None, rows_out=None):
        seen.update(seed=seed, worlds=worlds)
        return POINTS

    monkeypatch.setattr(points_eval, "evaluate", fake_evaluate)
    assert cli.main(["eval", "points", "--seed", "7", "--worlds", "500", "--json"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert seen == {"seed": 7, "worlds": 500}
    # The model's MAE over each reference's, to four places (the bars are 1.10 and 0.90).
    assert next(line for line in out if line.startswith("  oracle")).endswith("1.0822")
    assert next(line for line in out if line.startswith("  last-5 (played)")).endswith("0.8681")
    assert any(line.startswith("p10-p90 coverage 80.0%") and "bench 85.0%" in line for line in out)
    assert any(line.startswith("teammate residual corr") and "gap -0.0190" in line for line in out)
    figures = json.loads(out[-1])
    assert set(figures) >= POINTS_KEYS and figures == POINTS


def test_eval_points_needs_a_seed(capsys) -> None:
    with pytest.raises(SystemExit):
        cli.main(["eval", "points"])
    assert "--seed" in capsys.readouterr().err
