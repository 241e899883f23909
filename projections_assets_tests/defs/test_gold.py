"""Gold on a small history: training set (parity, completeness), model, promotion, projections, evaluation.

The promotion tests at the end move the model pointer, so they come after the tests that need it still
at the fixture's model.

Labels come through the real label path (box score payloads -> bronze -> labels). The silver history
at two slots a day is written from the league's as-of adapter, which the league tests prove equal to
the silver path, so a dozen days of history take seconds instead of minutes.
"""

from __future__ import annotations

import shutil

import dagster as dg
import numpy as np
import pandas as pd
import pytest

from projections_assets.cli import main
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
    minutes_model_promotion,
    minutes_projections_asset,
    no_worse_gate,
    slot_models_asset,
)
from projections_assets.defs.silver import SILVER_ASSETS
from projections_assets.platform.artifacts import GATES_FILE, ArtifactStore
from projections_assets.platform.lake import Lake, PartitionLocation
from projections_assets.platform.pointers import pointer_history, read_pointer
from projections_assets.platform.publish import load_partition, publish_partition
from projections_assets_tests.history import LAST, SLOTS, TRAINING, history_resources


def _slate_gold(key: str, res, instance, rerecord: bool = False) -> dg.ExecuteInProcessResult:
    """Features and projections of one partition, over the silver already in the lake (`rerecord`: with
    the models current now, not those the partition's first run recorded)."""
    return dg.materialize(
        [*SILVER_ASSETS, *SLATE_GOLD_ASSETS],
        selection=[a.key for a in SLATE_GOLD_ASSETS],
        partition_key=key,
        resources=res,
        instance=instance,
        run_config=dg.RunConfig(ops={slot_models_asset.op.name: {"config": {"rerecord": rerecord}}}),
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
        "gates.json",
        "minutes_p10.txt",
        "minutes_p50.txt",
        "minutes_p90.txt",
        "play_probability.txt",
    ]
    (gate,) = ArtifactStore(lake).gate_record(MODEL_NAME, run_id).gates
    assert (gate.name, gate.status, gate.baseline_run_id) == (CHECK_NO_WORSE, "passed", None)


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


# A few days of history cannot beat the current model on their own held-out day.
SHORT_WINDOW = {
    "ops": {"gold__minutes_training_set": {"config": {"start_date": "2026-01-10", "end_date": "2026-01-16"}}}
}


def _failures(result: dg.ExecuteInProcessResult) -> str:
    """Every step failure's message and description, for asserting what a refusal said."""
    parts = []
    for event in result.get_step_failure_events():
        data = event.step_failure_data
        parts.append(data.error.message if data.error else "")
        parts.append(data.user_failure_data.description if data.user_failure_data else "")
    return "\n".join(p for p in parts if p)


def _promote_alone(res, instance) -> dg.ExecuteInProcessResult:
    """Materialize only published/minutes_model: a separate run, no gate of its own."""
    return dg.materialize(
        TRAINING,
        selection=[minutes_model_promotion.key],
        instance=instance,
        resources=res,
        raise_on_error=False,
    )


def test_a_worse_model_is_not_promoted_in_its_run_or_a_later_one(history) -> None:
    lake, res, instance, trained = history
    store = ArtifactStore(lake)
    result = dg.materialize(
        TRAINING, instance=instance, resources=res, run_config=SHORT_WINDOW, raise_on_error=False
    )
    checks = {c.check_name: c.passed for c in result.get_asset_check_evaluations()}
    assert checks[CHECK_NO_WORSE] is False
    run_id, _ = store.current(MODEL_NAME)
    assert run_id == trained.run_id  # the pointer did not move...
    assert store.run_dir(MODEL_NAME, result.run_id).is_dir()  # ...though the model is kept, with its verdict
    (gate,) = store.gate_record(MODEL_NAME, result.run_id).gates
    assert (gate.status, gate.baseline_run_id) == ("failed", trained.run_id)

    # A later run of the promotion alone (the metrics pointer names the worse candidate) refuses too.
    alone = _promote_alone(res, instance)
    assert not alone.success
    assert (
        f"refused to promote minutes run {result.run_id}: gate '{CHECK_NO_WORSE}' failed "
        f"(worse than current run {trained.run_id} on"
    ) in _failures(alone)
    history_runs = [e.run_id for e in pointer_history(store.pointer_path(MODEL_NAME))]
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


def _candidate(lake: Lake, source_run: str, run_id: str, gates: list) -> None:
    """A model candidate `run_id` (the files of `source_run`, the given gate record) and its metrics run,
    which the metrics pointer then names, as after its training run."""
    store = ArtifactStore(lake)
    source = store.run_dir(MODEL_NAME, source_run)

    def copy(staging) -> None:
        for path in source.iterdir():
            if path.name != GATES_FILE:
                shutil.copy2(path, staging / path.name)

    store.write(MODEL_NAME, run_id, copy, gates=gates)
    table, none = contracts.MINUTES_MODEL_METRICS.table, PartitionLocation.from_key(None)
    metrics = load_partition(lake, table, none).assign(model_run_id=run_id)
    publish_partition(lake, table, none, run_id, metrics, contracts.MINUTES_MODEL_METRICS)


def test_a_candidate_whose_gate_never_ran_is_not_promoted(history) -> None:
    lake, res, instance, trained = history
    store = ArtifactStore(lake)
    before = pointer_history(store.pointer_path(MODEL_NAME))
    _candidate(lake, trained.run_id, "legacy", gates=[])  # e.g. a model written before gate records

    alone = _promote_alone(res, instance)
    assert not alone.success
    assert (
        f"refused to promote minutes run legacy: gate '{CHECK_NO_WORSE}' never ran "
        f"(no gate record at models/minutes/run=legacy/{GATES_FILE})"
    ) in _failures(alone)
    assert pointer_history(store.pointer_path(MODEL_NAME)) == before


def test_an_operator_pins_the_model_back_to_a_candidate_that_passed(history, capsys) -> None:
    lake, res, instance, trained = history
    store = ArtifactStore(lake)
    metrics = load_partition(lake, contracts.MINUTES_MODEL_METRICS.table, PartitionLocation.from_key(None))
    holdout = dict(zip(metrics["metric"], metrics["value"], strict=True))
    # Candidates of its own, so the test does not depend on what the tests above left in the lake.
    worse = {**holdout, "mae": holdout["mae"] + 1.0}
    _candidate(
        lake, trained.run_id, "worse", [no_worse_gate(worse, holdout, trained.run_id, ["mae"], ran=True)]
    )
    _candidate(lake, trained.run_id, "ungated", gates=[])
    _candidate(
        lake, trained.run_id, "second", [no_worse_gate(holdout, holdout, trained.run_id, [], ran=True)]
    )
    # A candidate that passed against the current model is promoted by a run of its own.
    assert _promote_alone(res, instance).success
    assert store.current(MODEL_NAME)[0] == "second"

    pin = ["lake", "pin", "models/minutes", "--lake", str(lake.root), "--by", "ops"]
    assert main([*pin, "--run", "worse", "--reason", "try the short window"]) == 1
    assert f"refused to pin minutes run worse: gate '{CHECK_NO_WORSE}' failed" in capsys.readouterr().err
    assert main([*pin, "--run", "ungated", "--reason", "the old one"]) == 1
    assert "never ran" in capsys.readouterr().err
    assert store.current(MODEL_NAME)[0] == "second"

    assert main([*pin, "--run", trained.run_id, "--reason", "second model under review"]) == 0
    assert store.current(MODEL_NAME)[0] == trained.run_id
    last = pointer_history(store.pointer_path(MODEL_NAME))[-1]
    assert (last.action, last.reason, last.actor, last.gates) == (
        "pin",
        "second model under review",
        "ops",
        (CHECK_NO_WORSE,),
    )
    # The slate scores with the pinned model once the slot re-records its runs (a plain rerun reads back
    # the runs its first run recorded).
    key = f"{LAST.isoformat()}|17:00"
    assert _slate_gold(key, res, instance, rerecord=True).success
    proj = load_partition(lake, contracts.MINUTES_PROJECTIONS.table, PartitionLocation.from_key(key))
    assert (proj["model_run_id"] == trained.run_id).all()
