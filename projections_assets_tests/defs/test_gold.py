"""Gold on a small history: training set (parity, completeness), model, promotion, projections, evaluation.

The history is the session's `trained_lake` (`projections_assets_tests.history`): labels through the
real label path, silver at two slots a day from the league's as-of adapter, a promoted model.
"""

from __future__ import annotations

import dagster as dg
import numpy as np
import pandas as pd
import pytest

from projections_assets.contracts import gold as contracts
from projections_assets.contracts import silver as silver_contracts
from projections_assets.defs.evaluation import EVALUATION_ASSETS
from projections_assets.defs.gold import (
    CHECK_COMPLETE,
    CHECK_NO_WORSE,
    CHECK_PARITY,
    CHECK_ROSTER_PROJECTED,
    MODEL_NAME,
    SLATE_GOLD_ASSETS,
    minutes_projections_asset,
)
from projections_assets.defs.silver import SILVER_ASSETS
from projections_assets.platform.artifacts import ArtifactStore
from projections_assets.platform.lake import PartitionLocation
from projections_assets.platform.pointers import pointer_history, read_pointer
from projections_assets.platform.publish import load_partition, publish_partition
from projections_assets_tests.history import LAST, SLOTS, TRAINING, history_resources


def _slate_gold(key: str, res, instance) -> dg.ExecuteInProcessResult:
    """Features and projections of one partition, over the silver already in the lake."""
    return dg.materialize(
        [*SILVER_ASSETS, *SLATE_GOLD_ASSETS],
        selection=[a.key for a in SLATE_GOLD_ASSETS],
        partition_key=key,
        resources=res,
        instance=instance,
    )


@pytest.fixture(scope="module")
def history(tmp_path_factory, trained_lake, league_dir):
    root = tmp_path_factory.mktemp("gold") / "lake"
    lake = trained_lake.copy_to(root)
    with dg.DagsterInstance.ephemeral() as instance:
        yield lake, history_resources(root, league_dir), instance, trained_lake


def test_training_set_has_every_game_at_both_horizons_and_passes_parity(history) -> None:
    lake, _, _, trained = history
    rows = load_partition(lake, contracts.MINUTES_TRAINING_SET.table, PartitionLocation.from_key(None))
    assert set(rows["horizon"]) == {"tip-2h", "last"}
    slot = rows["as_of_ts"].dt.tz_convert("America/New_York").dt.strftime("%H:%M")
    # Every row comes from a slot that existed before its horizon: 17:00 <= tip - 2 h, 18:45 < tip.
    assert (
        set(slot) <= set(SLOTS)
        and (
            rows.loc[rows["horizon"] == "last", "as_of_ts"] < rows.loc[rows["horizon"] == "last", "tip_ts"]
        ).all()
    )
    early = rows["horizon"] == "tip-2h"
    assert (rows.loc[early, "as_of_ts"] <= rows.loc[early, "tip_ts"] - pd.Timedelta(hours=2)).all()
    checks = trained.checks
    assert checks[CHECK_PARITY] and checks[CHECK_COMPLETE] and checks[CHECK_NO_WORSE]


def test_the_trained_model_is_stored_by_run_and_promoted(history) -> None:
    lake, _, _, trained = history
    run_id, model_dir = ArtifactStore(lake).current(MODEL_NAME)
    assert run_id == trained.run_id and model_dir == lake.root / "models" / "minutes" / f"run={run_id}"
    assert sorted(p.name for p in model_dir.iterdir()) == [
        "calibration.json",
        "minutes_p10.txt",
        "minutes_p50.txt",
        "minutes_p90.txt",
        "play_probability.txt",
    ]


def test_projections_are_ordered_reconciled_and_name_their_model(history) -> None:
    lake, res, instance, trained = history
    key = f"{LAST.isoformat()}|18:45"
    assert _slate_gold(key, res, instance).success
    proj = load_partition(lake, contracts.MINUTES_PROJECTIONS.table, PartitionLocation.from_key(key))
    roster = load_partition(lake, silver_contracts.SILVER_ROSTER.table, PartitionLocation.from_key(key))
    assert set(zip(proj["game_id"], proj["player_id"], strict=True)) == set(
        zip(roster["game_id"], roster["player_id"], strict=True)
    )
    assert ((proj["p10"] <= proj["p50"]) & (proj["p50"] <= proj["p90"])).all()
    out = proj[proj["status"] == "Out"]
    assert len(out) and (out[["p50", "play_prob", "exp_minutes"]] == 0).all().all()
    sums = proj.groupby(["game_id", "team_id"])["exp_minutes"].sum()
    assert np.allclose(sums, 241.75)
    assert (proj["model_run_id"] == trained.run_id).all()


def test_a_rostered_player_without_features_fails_projections_and_publishes_nothing(history) -> None:
    lake, res, instance, _ = history
    key = f"{LAST.isoformat()}|17:00"
    loc = PartitionLocation.from_key(key)
    assert _slate_gold(key, res, instance).success
    before = read_pointer(lake.pointer_path(contracts.MINUTES_PROJECTIONS.table, loc))
    features = load_partition(lake, contracts.MINUTES_FEATURES.table, loc)
    dropped = features.iloc[0]
    publish_partition(
        lake, contracts.MINUTES_FEATURES.table, loc, "tampered", features.iloc[1:], contracts.MINUTES_FEATURES
    )
    result = dg.materialize(
        [*SILVER_ASSETS, *SLATE_GOLD_ASSETS],
        selection=[minutes_projections_asset.key],
        partition_key=key,
        resources=res,
        instance=instance,
        raise_on_error=False,
    )
    assert not result.success
    (check,) = [c for c in result.get_asset_check_evaluations() if c.check_name == CHECK_ROSTER_PROJECTED]
    missing = check.metadata["missing"].value[key]
    assert not check.passed and [(m["game_id"], m["player_id"]) for m in missing] == [
        (dropped["game_id"], int(dropped["player_id"]))
    ]
    after = read_pointer(lake.pointer_path(contracts.MINUTES_PROJECTIONS.table, loc))
    assert after.run_id == before.run_id


def test_a_worse_model_is_not_promoted(history) -> None:
    lake, res, instance, trained = history
    # A few days of history cannot beat the current model on their own held-out day.
    config = {
        "ops": {
            "gold__minutes_training_set": {"config": {"start_date": "2026-01-10", "end_date": "2026-01-16"}}
        }
    }
    result = dg.materialize(
        TRAINING, instance=instance, resources=res, run_config=config, raise_on_error=False
    )
    checks = {c.check_name: c.passed for c in result.get_asset_check_evaluations()}
    assert checks[CHECK_NO_WORSE] is False
    run_id, _ = ArtifactStore(lake).current(MODEL_NAME)
    assert run_id == trained.run_id  # the pointer did not move...
    assert (lake.root / "models" / "minutes" / f"run={result.run_id}").is_dir()  # ...though the model is kept
    history_runs = [e.run_id for e in pointer_history(ArtifactStore(lake).pointer_path(MODEL_NAME))]
    assert history_runs == [trained.run_id]


def test_evaluation_and_what_if_of_a_labelled_date(history) -> None:
    lake, res, instance, _ = history
    day = LAST.isoformat()
    for slot in SLOTS:
        assert _slate_gold(f"{day}|{slot}", res, instance).success
    assert dg.materialize(EVALUATION_ASSETS, partition_key=day, resources=res, instance=instance).success
    table = load_partition(lake, contracts.MINUTES_EVALUATION.table, PartitionLocation.from_key(day))
    overall = table[(table["role"] == "all") & (table["metric"] == "mae")]
    assert set(overall["predictor"]) >= {"model", "last5", "season_avg"}
    assert set(overall["horizon"]) == {"tip-2h", "last"}
    assert (overall["value"] > 0).all()
    what_if = load_partition(lake, contracts.MINUTES_WHAT_IF.table, PartitionLocation.from_key(day))
    assert len(what_if) and what_if["minutes"].notna().any()
    assert np.allclose(
        what_if["delta_exp_minutes"], what_if["exp_minutes_late"] - what_if["exp_minutes_early"]
    )
