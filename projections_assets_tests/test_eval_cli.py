"""`projections eval minutes`: the table it prints and its JSON line (the evaluation itself stubbed)."""

from __future__ import annotations

import json

import pytest

from projections_assets import cli
from projections_assets.cli import minutes_eval

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
