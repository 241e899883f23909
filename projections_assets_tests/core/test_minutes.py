"""The minutes model's pure parts: reconciliation, the evaluation figures."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from projections_assets.contracts import evaluate_contract
from projections_assets.contracts import gold as gold_contracts
from projections_assets.core import minutes, training
from projections_assets.core.features import empty_features

TS = pd.Timestamp("2026-01-16T22:30:00Z")


def _team(exp: list[float], status: list[str] | None = None) -> pd.DataFrame:
    n = len(exp)
    return pd.DataFrame(
        {
            "game_id": "0022500600",
            "team_id": 1610612738,
            "as_of_ts": TS,
            "player_id": range(n),
            "status": status or [""] * n,
            "exp_minutes": exp,
            "p10": [e * 0.7 for e in exp],
            "p50": exp,
            "p90": [e * 1.2 for e in exp],
            "play_prob": [1.0 if e else 0.0 for e in exp],
        }
    )


def test_reconcile_scales_to_team_minutes_caps_stars_and_keeps_outs_at_zero() -> None:
    settings = minutes.minutes_settings()
    exp = [43.5, 36.0, 34.0, 32.0, 30.0, 26.0, 22.0, 12.5, 0.0]  # 236 raw: the star is scaled past 44
    out = minutes.reconcile(_team(exp, [""] * 8 + ["Out"]), settings)
    assert out["exp_minutes"].sum() == pytest.approx(settings.team_minutes)
    assert out["exp_minutes"].iloc[0] == pytest.approx(settings.max_player_minutes)
    assert out["exp_minutes"].iloc[-1] == 0.0
    assert out["team_sum_raw"].iloc[0] == pytest.approx(sum(exp)) and not out["sanity_flag"].any()
    # Below the cap everyone is scaled by one factor, quantiles with their expected minutes.
    free = out["exp_minutes"] < settings.max_player_minutes
    factors = (out.loc[free, "exp_minutes"] / pd.Series(exp)[free]).dropna()
    assert np.allclose(factors, factors.iloc[0])
    assert np.allclose(out.loc[free, "p50"], out.loc[free, "exp_minutes"])


def test_reconcile_flags_a_team_far_from_240_before_scaling() -> None:
    out = minutes.reconcile(_team([30.0] * 5 + [5.0] * 5))  # 175 raw minutes
    assert out["sanity_flag"].all() and out["team_sum_raw"].iloc[0] == pytest.approx(175.0)


def test_metrics_on_players_not_listed_out() -> None:
    rows = pd.DataFrame(
        {
            "status": ["", "", "Questionable", "Out"],
            "played": [True, True, False, False],
            "minutes": [30.0, 10.0, 0.0, 0.0],
            "p10": [25.0, 12.0, 5.0, 0.0],
            "p50": [32.0, 15.0, 10.0, 0.0],
            "p90": [38.0, 20.0, 15.0, 0.0],
            "play_prob": [0.9, 0.8, 0.5, 0.0],
        }
    )
    m = minutes.metrics(rows)
    assert m["rows"] == 3 and m["played_rows"] == 2
    assert m["mae"] == pytest.approx((2.0 + 5.0) / 2)
    assert m["coverage_p10_p90"] == pytest.approx(0.5)  # 30 in [25, 38]; 10 below [12, 20]
    assert m["width_p10_p90"] == pytest.approx((13.0 + 8.0) / 2)
    assert m["brier"] == pytest.approx((0.1**2 + 0.2**2 + 0.5**2) / 3)
    pin10 = np.mean([0.1 * 5.0, 0.9 * 2.0])
    pin50 = np.mean([0.5 * 2.0, 0.5 * 5.0])
    pin90 = np.mean([0.1 * 8.0, 0.1 * 10.0])  # both under p90
    assert m["pinball"] == pytest.approx(np.mean([pin10, pin50, pin90]))


def _training_rows(n_per_date: int = 120, dates: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = n_per_date * dates
    rows = pd.DataFrame(
        {c: rng.normal(10, 3, n) for c, dtype in minutes.FEATURE_COLUMNS.items() if dtype == "float64"}
    )
    for c, dtype in minutes.FEATURE_COLUMNS.items():
        if dtype == "int64":
            rows[c] = rng.integers(0, 2, n)
    rows["position_group"] = rng.choice(["G", "F", "C"], n)
    rows["status"] = ""
    rows["game_date"] = np.repeat(pd.date_range("2026-01-01", periods=dates).strftime("%Y-%m-%d"), n_per_date)
    rows["played"] = rows["min_last5"] > 8
    rows["minutes"] = np.where(rows["played"], rows["min_last5"] * 2, 0.0)
    rows[["game_id", "team_id", "player_id", "as_of_ts"]] = ["g", 1, 0, TS]
    rows["player_id"] = range(n)
    return rows


def _small_settings() -> minutes.MinutesSettings:
    tree = {"num_leaves": 4, "min_data_in_leaf": 20, "num_boost_round": 5, "verbose": -1}
    return minutes.MinutesSettings((0.1, 0.5, 0.9), 0.2, 240.0, (230.0, 260.0), 44.0, tree, tree)


def test_a_model_scores_with_the_features_it_was_trained_on() -> None:
    rows = _training_rows()
    model = minutes.train(rows, _small_settings())
    assert model.feature_columns == list(minutes.FEATURE_COLUMNS)
    # A model trained before a feature column was added still scores rows that carry it.
    older = minutes.MinutesModel(
        model.quantile_models, model.play_model, model.band_shift, model.feature_columns
    )
    with_extra = rows.assign(a_feature_added_later=1.0)
    pd.testing.assert_frame_equal(minutes.predict(older, with_extra), minutes.predict(model, rows))
    # Rows lacking one of its features are refused by name.
    with pytest.raises(ValueError, match="min_filter_mean"):
        minutes.predict(model, rows.drop(columns="min_filter_mean"))


def test_a_saved_model_loads_back_and_one_with_an_isotonic_map_is_refused(tmp_path) -> None:
    rows = _training_rows()
    model = minutes.train(rows, _small_settings())
    model.save(tmp_path / "model")
    pd.testing.assert_frame_equal(
        minutes.predict(minutes.MinutesModel.load(tmp_path / "model"), rows), minutes.predict(model, rows)
    )
    calibration = tmp_path / "model" / "calibration.json"
    calib = json.loads(calibration.read_text())
    calibration.write_text(json.dumps({**calib, "isotonic": {"x": [0.0, 1.0], "y": [0.0, 1.0]}}))
    with pytest.raises(ValueError, match="isotonic play-probability map.*retrain"):
        minutes.MinutesModel.load(tmp_path / "model")


def test_a_slate_without_games_projects_to_the_contract_dtypes() -> None:
    # A day without games (2025-11-04 in the league) has empty features; its projections used to
    # carry `role` as object, so a range backfill over that day failed the contract as a whole.
    model = minutes.train(_training_rows(), _small_settings())
    empty = minutes.project(
        model,
        training.with_available_at(empty_features()),
        "run-1",
        list(gold_contracts.MINUTES_PROJECTIONS.schema.columns),
    )
    assert empty.empty and empty["role"].dtype == "str"
    outcomes = evaluate_contract(gold_contracts.MINUTES_PROJECTIONS, empty, TS)
    assert [o for o in outcomes if not o.passed] == []
