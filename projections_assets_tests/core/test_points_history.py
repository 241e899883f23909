"""The points history builder on the test league: its rows, its determinism and its out-of-sample rule.

The test league has one season (2025-26), so no model of it can be out of sample for any of its dates:
the refusal is tested as is, and the builder's rows with the fitted models presented as models of an
earlier season (`PointsModels` built by hand, as a caller holding promoted models would).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from projections_assets.cli.minutes_eval import league_inputs
from projections_assets.cli.points_eval import labels_with_makes
from projections_assets.core import minutes, points_history, rates, training
from projections_assets.core import rates_features as rf
from projections_assets.core.points_history import InSampleProjection, PointsModels
from projections_assets.league.generate import read_league_tables

TRAIN = ("2026-01-02", "2026-01-15")
PROJECTED = ("2026-01-16", "2026-01-17")
WORLDS = 300


def _small_minutes() -> minutes.MinutesSettings:
    s = minutes.minutes_settings()
    return dataclasses.replace(
        s,
        lightgbm={**s.lightgbm, "num_boost_round": 60},
        lightgbm_play={**s.lightgbm_play, "num_boost_round": 60},
    )


@pytest.fixture(scope="module")
def league(league_dir: Path):
    tables = read_league_tables(league_dir)
    labels = labels_with_makes(tables)
    inputs, targets = league_inputs(tables, say=lambda _m: None)
    day = targets["partition_key"].str.slice(0, 10)
    last = targets[targets["horizon"] == "last"]
    train = targets[day.between(*TRAIN)][["game_id", "horizon", "as_of_ts"]]
    projected = last[day.loc[last.index].between(*PROJECTED)]
    return inputs, labels, train, projected


@pytest.fixture(scope="module")
def models(league) -> PointsModels:
    inputs, labels, train, _ = league
    priors = rates.rates_settings().priors
    minutes_rows = training.training_rows(inputs, labels, train)
    rates_rows = rf.training_rows(inputs, labels, train[train["horizon"] == "last"], priors)
    return points_history.train_points_models(
        minutes_rows, rates_rows, labels, minutes_settings=_small_minutes()
    )


@pytest.fixture(scope="module")
def earlier_season_models(models: PointsModels) -> PointsModels:
    """The same fitted models, presented as trained on the season before the league's only one."""
    return dataclasses.replace(models, training_seasons=(2024,))


@pytest.fixture(scope="module")
def history(league, earlier_season_models) -> pd.DataFrame:
    inputs, labels, _, projected = league
    priors = rates.rates_settings().priors
    return points_history.points_history(
        inputs, labels, projected, earlier_season_models, priors, worlds=WORLDS
    )


def test_models_record_the_seasons_of_their_training_rows(models: PointsModels) -> None:
    assert models.training_seasons == (2025,)
    assert models.calibration.margin_sd > 0


def test_projecting_a_season_the_models_trained_on_is_refused_before_any_work(
    league, models, monkeypatch
) -> None:
    inputs, labels, _, projected = league

    def no_work(*_args, **_kwargs):
        raise AssertionError("features were built for a refused projection")

    monkeypatch.setattr(points_history, "minutes_features", no_work)
    priors = rates.rates_settings().priors
    with pytest.raises(InSampleProjection, match=r"season\(s\) \[2025\].*trained on seasons \[2025\]"):
        points_history.points_history(inputs, labels, projected, models, priors, worlds=WORLDS)
    with pytest.raises(InSampleProjection, match="later than every training season"):
        models.check_out_of_sample([2024])
    models.check_out_of_sample([2026])
    with pytest.raises(ValueError, match="seasons its models were trained on"):
        dataclasses.replace(models, training_seasons=())


def test_one_as_of_per_game(league, earlier_season_models) -> None:
    inputs, labels, _, projected = league
    twice = pd.concat([projected, projected.head(1)])
    with pytest.raises(ValueError, match="one as_of per game"):
        points_history.project_slates(
            inputs, labels, twice, earlier_season_models, rates.rates_settings().priors
        )


def test_the_history_holds_every_player_not_out_of_every_target_game(
    league, earlier_season_models, history
) -> None:
    inputs, labels, _, projected = league
    slates = points_history.project_slates(
        inputs, labels, projected, earlier_season_models, rates.rates_settings().priors
    )
    not_out = slates.minutes[slates.minutes["status"] != "Out"]
    assert len(history) == len(not_out) > 200
    assert set(zip(history["game_id"], history["player_id"], strict=True)) == set(
        zip(not_out["game_id"].astype(str), not_out["player_id"], strict=True)
    )
    assert set(history["game_id"]) == set(projected["game_id"].astype(str))
    assert sorted(history["game_date"].unique()) == list(PROJECTED)
    # Each row is the projection at its game's target instant (the last slot before tip).
    at = history.merge(projected[["game_id", "as_of_ts"]], on="game_id", suffixes=("", "_target"))
    assert (at["as_of_ts"] == at["as_of_ts_target"]).all()
    assert (history["worlds"] == WORLDS).all()
    assert history["dk_mean"].between(0, 80).all() and history["dk_mean"].max() > 30
    assert (history["dk_p90"] >= history["dk_p50"]).all() and (history["dk_p90"] > 0).any()
    assert set(history["role"]) <= {"starter", "rotation", "bench"}


def test_the_history_is_deterministic(league, earlier_season_models, history) -> None:
    inputs, labels, _, projected = league
    again = points_history.points_history(
        inputs, labels, projected, earlier_season_models, rates.rates_settings().priors, worlds=WORLDS
    )
    pd.testing.assert_frame_equal(history, again)
