"""Rates on the session's small history: training set checks, the twelve heads, gates, promotion, projections."""

from __future__ import annotations

import shutil

import dagster as dg
import numpy as np
import pytest

from projections_assets.contracts import rates as contracts
from projections_assets.contracts import silver as silver_contracts
from projections_assets.core.rates import HEADS, PCT_COLUMNS, RATE_COLUMNS
from projections_assets.defs.gold import (
    CHECK_NO_WORSE,
    CHECK_PARITY,
    CHECK_ROSTER_PROJECTED,
    SLATE_GOLD_ASSETS,
    slot_models_asset,
)
from projections_assets.defs.rates import (
    CHECK_BEATS_BASELINE,
    CHECK_COMPLETE,
    MODEL_NAME,
    SLATE_RATES_ASSETS,
    rates_gates,
    rates_model_promotion,
)
from projections_assets.defs.silver import SILVER_ASSETS
from projections_assets.platform.artifacts import GATES_FILE, ArtifactStore
from projections_assets.platform.lake import PartitionLocation
from projections_assets.platform.pointers import pointer_history, read_pointer
from projections_assets.platform.publish import load_partition, publish_partition
from projections_assets_tests.history import LAST, RATES_TRAINING, history_resources

SLATE = [*SILVER_ASSETS, *SLATE_GOLD_ASSETS, *SLATE_RATES_ASSETS]
RERECORD = dg.RunConfig(ops={slot_models_asset.op.name: {"config": {"rerecord": True}}})


def _slate_rates(key: str, res, instance, **kwargs) -> dg.ExecuteInProcessResult:
    """Minutes and rates features and projections of one partition, over the silver in the lake."""
    return dg.materialize(
        SLATE,
        selection=[a.key for a in (*SLATE_GOLD_ASSETS, *SLATE_RATES_ASSETS)],
        partition_key=key,
        resources=res,
        instance=instance,
        **kwargs,
    )


@pytest.fixture(scope="module")
def history(tmp_path_factory, trained_lake, league_dir):
    root = tmp_path_factory.mktemp("rates") / "lake"
    lake = trained_lake.copy_to(root)
    with dg.DagsterInstance.ephemeral() as instance:
        yield lake, history_resources(root, league_dir), instance, trained_lake


def test_the_training_set_is_complete_at_the_last_slot_and_matches_the_partition_path(history) -> None:
    lake, _, _, trained = history
    rows = load_partition(lake, contracts.RATES_TRAINING_SET.table, PartitionLocation.from_key(None))
    assert set(rows["horizon"]) == {"last"} and (rows["as_of_ts"] < rows["tip_ts"]).all()
    # Every labelled game of the history, both teams, a row per active player.
    assert rows.groupby(["game_id"])["team_id"].nunique().eq(2).all()
    assert rows["played"].mean() > 0.5
    checks = trained.rates_checks
    assert checks[CHECK_PARITY] and checks[CHECK_COMPLETE]
    assert checks[CHECK_NO_WORSE] and checks[CHECK_BEATS_BASELINE]


def test_the_twelve_heads_are_stored_by_run_with_their_gates_and_promoted(history) -> None:
    lake, _, _, trained = history
    store = ArtifactStore(lake)
    run_id, model_dir = store.current(MODEL_NAME)
    assert run_id == trained.rates_run_id and model_dir == lake.root / "models" / "rates" / f"run={run_id}"
    assert sorted(p.name for p in model_dir.iterdir()) == sorted(
        [GATES_FILE, "rates.json", *(f"rates_{h}.txt" for h in HEADS)]
    )
    gates = {g.name: g for g in store.gate_record(MODEL_NAME, run_id).gates}
    assert gates[CHECK_NO_WORSE].status == "passed" and gates[CHECK_NO_WORSE].baseline_run_id is None
    assert gates[CHECK_BEATS_BASELINE].status == "passed"
    assert gates[CHECK_BEATS_BASELINE].details["mean_ratio"] < 1
    metrics = load_partition(lake, contracts.RATES_MODEL_METRICS.table, PartitionLocation.from_key(None))
    assert set(metrics["split"]) == {"holdout", "baseline"}
    assert set(metrics.loc[metrics["split"] == "holdout", "metric"]) >= {f"mse_{h}" for h in HEADS}


def test_a_slate_partition_gets_rates_for_every_rostered_player(history) -> None:
    lake, res, instance, trained = history
    key = f"{LAST.isoformat()}|18:45"
    loc = PartitionLocation.from_key(key)
    assert _slate_rates(key, res, instance).success
    pointer = read_pointer(lake.pointer_path(contracts.RATES_PROJECTIONS.table, loc))
    assert pointer.path.startswith("gold/rates_projections/")
    proj = load_partition(lake, contracts.RATES_PROJECTIONS.table, loc)
    roster = load_partition(lake, silver_contracts.SILVER_ROSTER.table, loc)
    assert set(zip(proj["game_id"], proj["player_id"], strict=True)) == set(
        zip(roster["game_id"], roster["player_id"], strict=True)
    )
    rates = proj[list(RATE_COLUMNS.values())]
    pcts = proj[list(PCT_COLUMNS.values())]
    assert (rates >= 0).all().all() and (pcts.stack().between(0, 1)).all()
    # League-wide the shares look like basketball: about 0.2 2PA and 0.15 3PA a minute, FT% near 0.75.
    assert 0.1 < rates["rate_fg2a"].median() < 0.35 and 0.05 < rates["rate_fg3a"].median() < 0.3
    assert 0.6 < pcts["pct_ft"].median() < 0.9
    assert (proj["model_run_id"] == trained.rates_run_id).all()
    features = load_partition(lake, contracts.RATES_FEATURES.table, loc)
    assert len(features) == len(proj) and (features["available_at"] <= loc.run_as_of_ts).all()


def test_without_a_promoted_rates_model_a_slate_run_fails_naming_the_training_job(
    history, tmp_path, league_dir
) -> None:
    _, _, instance, trained = history
    lake = trained.copy_to(tmp_path / "lake")
    ArtifactStore(lake).pointer_path(MODEL_NAME).unlink()
    res = history_resources(lake.root, league_dir)
    with pytest.raises(dg.DagsterResourceFunctionError) as failure:
        _slate_rates(f"{LAST.isoformat()}|17:00", res, instance)
    # The resource's own message, under Dagster's "error while initializing resource rates_model".
    message = str(failure.value.__cause__)
    assert "no rates model has been promoted yet" in message and "the `train_rates` job" in message


def _candidate(lake, source_run: str, run_id: str, gates: list) -> None:
    """A rates candidate `run_id` (the files of `source_run`, the given gate record) named by the metrics pointer."""
    store = ArtifactStore(lake)
    source = store.run_dir(MODEL_NAME, source_run)

    def copy(staging) -> None:
        for path in source.iterdir():
            if path.name != GATES_FILE:
                shutil.copy2(path, staging / path.name)

    store.write(MODEL_NAME, run_id, copy, gates=gates)
    table, none = contracts.RATES_MODEL_METRICS.table, PartitionLocation.from_key(None)
    metrics = load_partition(lake, table, none).assign(model_run_id=run_id)
    publish_partition(lake, table, none, run_id, metrics, contracts.RATES_MODEL_METRICS)


def test_a_candidate_that_fails_a_gate_is_refused_by_a_later_promotion(history) -> None:
    lake, res, instance, trained = history
    store = ArtifactStore(lake)
    metrics = load_partition(lake, contracts.RATES_MODEL_METRICS.table, PartitionLocation.from_key(None))
    holdout = dict(metrics.loc[metrics["split"] == "holdout", ["metric", "value"]].to_numpy())
    # No worse than the current model, but no better than the baseline (the baseline is itself).
    gates = rates_gates(
        holdout,
        holdout,
        holdout,
        trained.rates_run_id,
        ran={CHECK_NO_WORSE: True, CHECK_BEATS_BASELINE: True},
    )
    assert [g.status for g in gates] == ["passed", "failed"]
    _candidate(lake, trained.rates_run_id, "flat", gates)
    before = pointer_history(store.pointer_path(MODEL_NAME))
    alone = dg.materialize(
        RATES_TRAINING,
        selection=[rates_model_promotion.key],
        instance=instance,
        resources=res,
        raise_on_error=False,
    )
    assert not alone.success
    messages = "\n".join(
        (e.step_failure_data.user_failure_data.description or "")
        for e in alone.get_step_failure_events()
        if e.step_failure_data.user_failure_data
    )
    assert f"refused to promote rates run flat: gate '{CHECK_BEATS_BASELINE}' failed" in messages
    assert pointer_history(store.pointer_path(MODEL_NAME)) == before
    assert store.current(MODEL_NAME)[0] == trained.rates_run_id

    # A candidate that passed both is promoted by a run of the promotion alone.
    better = {k: v * 0.5 for k, v in holdout.items()}
    passed = rates_gates(
        better, holdout, holdout, trained.rates_run_id, ran={CHECK_NO_WORSE: True, CHECK_BEATS_BASELINE: True}
    )
    assert [g.status for g in passed] == ["passed", "passed"]
    _candidate(lake, trained.rates_run_id, "second", passed)
    assert dg.materialize(
        RATES_TRAINING, selection=[rates_model_promotion.key], instance=instance, resources=res
    ).success
    assert store.current(MODEL_NAME)[0] == "second"
    key = f"{LAST.isoformat()}|17:00"
    # The slot records the runs it scores with: re-record to rescore it with the promoted one.
    assert _slate_rates(key, res, instance, run_config=RERECORD).success
    proj = load_partition(lake, contracts.RATES_PROJECTIONS.table, PartitionLocation.from_key(key))
    assert (proj["model_run_id"] == "second").all() and np.isfinite(proj["rate_ast"]).all()


def test_the_roster_check_fails_when_a_rostered_player_has_no_rates_features(history) -> None:
    lake, res, instance, _ = history
    key = f"{LAST.isoformat()}|18:45"
    loc = PartitionLocation.from_key(key)
    assert _slate_rates(key, res, instance).success
    before = read_pointer(lake.pointer_path(contracts.RATES_PROJECTIONS.table, loc))
    feats = load_partition(lake, contracts.RATES_FEATURES.table, loc)
    publish_partition(
        lake, contracts.RATES_FEATURES.table, loc, "tampered", feats.iloc[1:], contracts.RATES_FEATURES
    )
    result = dg.materialize(
        SLATE,
        selection=[SLATE_RATES_ASSETS[-1].key],
        partition_key=key,
        resources=res,
        instance=instance,
        raise_on_error=False,
    )
    assert not result.success
    (check,) = [c for c in result.get_asset_check_evaluations() if c.check_name == CHECK_ROSTER_PROJECTED]
    assert not check.passed and len(check.metadata["missing"].value[key]) == 1
    assert read_pointer(lake.pointer_path(contracts.RATES_PROJECTIONS.table, loc)).run_id == before.run_id
