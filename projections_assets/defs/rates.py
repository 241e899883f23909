"""Rates assets: features, training set, the twelve-head rates model and its promotion, projections.

Built exactly as the minutes chain (defs/gold.py): one feature builder
(`core.rates_features`) for live partitions and the bulk training set, with a
parity check that rebuilds sampled partitions through the partition path and
a completeness check of every date's active roster; the model is written to
its own run directory with its gate record and becomes current only through
the promotion asset (`build_model_promotion_asset`), which re-verifies that
record from the lake whichever run asks.
"""

from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import dagster as dg
import numpy as np
import pandas as pd

from projections_assets.contracts import gold as gold_contracts
from projections_assets.contracts import labels as label_contracts
from projections_assets.contracts import rates as contracts
from projections_assets.contracts import silver as silver_contracts
from projections_assets.core import lock, minutes, rates, training
from projections_assets.core import rates_features as features
from projections_assets.defs.checks import (
    contract_check_specs,
    contract_outputs,
    extra_check_spec,
    selected_check_names,
)
from projections_assets.defs.gold import (
    CHECK_NO_WORSE,
    CHECK_PARITY,
    CHECK_ROSTER_PROJECTED,
    GROUP,
    PARITY_SAMPLES,
    SILVER_INPUTS,
    TrainingWindow,
    build_model_promotion_asset,
    frame_of_key,
    gate_check_results,
    load_partition_inputs,
    model_metrics_table,
    read_labels,
    read_silver,
    roster_projected,
)
from projections_assets.defs.partitions import SLATE_PARTITIONS
from projections_assets.defs.resources import (
    RATES_MODEL_NAME,
    CurrentRatesModel,
    LakeReader,
    partition_inputs_metadata,
)
from projections_assets.platform.artifacts import ArtifactStore, GateResult, NoCurrentArtifact
from projections_assets.platform.lake import PartitionLocation

MODEL_NAME = RATES_MODEL_NAME
CHECK_COMPLETE = "active_roster_complete"
CHECK_BEATS_BASELINE = "better_than_baseline"
# Gates a rates model's record must show passed before any run may promote it.
RATES_PROMOTION_GATES = (CHECK_NO_WORSE, CHECK_BEATS_BASELINE)
PROMOTION_KEY = ["published", "rates_model"]


# --------------------------------------------------------------------------- features


@dg.asset(
    key=contracts.RATES_FEATURES.table.key_path,
    ins={"minutes_features": dg.AssetIn(dg.AssetKey(gold_contracts.MINUTES_FEATURES.table.key_path))},
    deps=[dg.AssetKey(label_contracts.GAME_LABELS.table.key_path)],
    partitions_def=SLATE_PARTITIONS,
    check_specs=contract_check_specs(contracts.RATES_FEATURES),
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name=GROUP,
    kinds={"parquet"},
    tags={"layer": "gold"},
)
def rates_features_asset(
    context: dg.AssetExecutionContext, lake_reader: LakeReader, minutes_features
) -> Iterator:
    """Rates features of every rostered player of the slate, as known at the slot (one builder for all)."""
    keys = context.partition_keys
    days = [PartitionLocation.from_key(k).game_date for k in keys]
    labels = read_labels(lake_reader, min(days), max(days))
    # One history for the whole range: every lookup is strictly before the slot's own date.
    history = features.RatesHistory.from_labels(labels.frame)
    priors = rates.rates_settings().priors
    frames = {
        key: features.rates_features(frame_of_key(minutes_features, key), history, priors) for key in keys
    }
    output = frames if len(frames) > 1 else next(iter(frames.values()))
    metadata = {
        **partition_inputs_metadata({k: [labels.record] for k in keys}),
        "players": sum(len(f) for f in frames.values()),
        "label_rows": len(labels.frame),
    }
    yield from contract_outputs(context, contracts.RATES_FEATURES, output, metadata=metadata)


# --------------------------------------------------------------------------- training set


@dg.asset(
    key=contracts.RATES_TRAINING_SET.table.key_path,
    deps=[
        *(dg.AssetKey(c.table.key_path) for c in SILVER_INPUTS.values()),
        dg.AssetKey(label_contracts.GAME_LABELS.table.key_path),
    ],
    check_specs=[
        *contract_check_specs(contracts.RATES_TRAINING_SET),
        extra_check_spec(
            contracts.RATES_TRAINING_SET,
            CHECK_PARITY,
            "Sampled (date, slot) partitions rebuilt through the partition path equal the bulk rows.",
        ),
        extra_check_spec(
            contracts.RATES_TRAINING_SET,
            CHECK_COMPLETE,
            "Every date holds a row for every player of each game's active roster (none lost to a join).",
        ),
    ],
    group_name=GROUP,
    kinds={"parquet"},
    tags={"layer": "gold"},
)
def rates_training_set_asset(
    context: dg.AssetExecutionContext, config: TrainingWindow, lake_reader: LakeReader
) -> Iterator:
    """Every game's rates feature rows at its horizons (config/rates.toml), with minutes and box-score counts."""
    settings = rates.rates_settings()
    start = date.fromisoformat(config.start_date) if config.start_date else None
    end = date.fromisoformat(config.end_date) if config.end_date else None
    inputs = read_silver(lake_reader, start, end)
    if inputs.schedule.empty:
        raise ValueError(
            "no silver snapshots in the window: materialize the slate assets for the history first"
        )
    days = pd.to_datetime(inputs.schedule["game_date"]).dt.date
    labels = read_labels(lake_reader, days.min(), days.max() + timedelta(days=1))
    horizons = training.horizon_slots(inputs.schedule)
    horizons = horizons[horizons["horizon"].isin(settings.horizons)].reset_index(drop=True)
    context.log.info(f"building {len(horizons)} (game, horizon) rows")
    rows = features.training_rows(inputs, labels.frame, horizons, settings.priors)
    selected = selected_check_names(context)
    if CHECK_COMPLETE in selected:
        per_date = features.coverage(features.expected_rows(inputs, horizons, labels.frame), rows)
        incomplete = features.incomplete_dates(per_date)
        yield dg.AssetCheckResult(
            check_name=CHECK_COMPLETE,
            passed=incomplete.empty,
            metadata={
                "dates": len(per_date),
                "expected_rows": int(per_date["expected_rows"].sum()),
                "rows": int(per_date["rows"].sum()),
                "incomplete_dates": dg.MetadataValue.json(incomplete.to_dict(orient="records")[:50]),
            },
        )
    if CHECK_PARITY in selected:
        problems = features.parity_problems(
            rows,
            labels.frame,
            lambda key: load_partition_inputs(lake_reader, key),
            settings.priors,
            np.random.default_rng(len(rows)),
            PARITY_SAMPLES,
        )
        yield dg.AssetCheckResult(
            check_name=CHECK_PARITY,
            passed=not problems,
            metadata={"samples": PARITY_SAMPLES, "differences": dg.MetadataValue.json(problems[:50])},
        )
    metadata = {
        "rows": len(rows),
        "played_rows": int(rows["played"].sum()),
        "games": int(rows["game_id"].nunique()),
        "dates": dg.MetadataValue.json([str(rows["game_date"].min()), str(rows["game_date"].max())]),
    }
    yield from contract_outputs(context, contracts.RATES_TRAINING_SET, rows, metadata=metadata)


# --------------------------------------------------------------------------- model, gates and promotion


@lru_cache(maxsize=4)
def load_model(path: str) -> rates.RatesModel:
    """A model directory, loaded once per process (directories are immutable)."""
    return rates.RatesModel.load(Path(path))


def rates_gates(
    candidate: Mapping[str, float],
    baseline: Mapping[str, float],
    current: Mapping[str, float] | None,
    current_run: str | None,
    *,
    ran: Mapping[str, bool],
) -> list[GateResult]:
    """The rates model's two gate verdicts, as its record keeps them.

    `no_worse_than_current`: on every head's holdout squared error the
    candidate is no worse than the current model (none current: passed).
    `better_than_baseline`: across the heads, the mean ratio of the
    candidate's squared error to the naive trailing baseline's is below 1
    (each head's ratio is kept in the record).
    """
    cand, base = rates.gate_metrics(candidate), rates.gate_metrics(baseline)
    worse = [] if current is None else rates.worse_heads(cand, rates.gate_metrics(current), strict=False)
    if not ran[CHECK_NO_WORSE]:
        status, summary = "not_run", f"{CHECK_NO_WORSE} was not selected in the training run"
    elif current is None:
        status, summary = "passed", "no rates model was current: nothing to be worse than"
    elif worse:
        status = "failed"
        summary = "worse than current run {} on {}".format(
            current_run, ", ".join(f"{m} ({cand[m]:.4f} > {current[m]:.4f})" for m in worse)
        )
    else:
        status, summary = "passed", f"no worse than current run {current_run} on every head's squared error"
    no_worse = GateResult(
        name=CHECK_NO_WORSE,
        status=status,
        summary=summary,
        relative_to_current=True,
        baseline_run_id=current_run,
        details={
            "candidate": dict(cand),
            "current": dict(rates.gate_metrics(current or {})),
            "worse_on": worse,
        },
    )
    ratios = {m: cand[m] / base[m] for m in cand if base.get(m) and not np.isnan(base[m])}
    mean_ratio = float(np.mean(list(ratios.values()))) if ratios else float("nan")
    if not ran[CHECK_BEATS_BASELINE]:
        status, summary = "not_run", f"{CHECK_BEATS_BASELINE} was not selected in the training run"
    elif mean_ratio < 1:
        status, summary = "passed", f"mean squared-error ratio to the trailing baseline {mean_ratio:.4f} < 1"
    else:
        status, summary = "failed", f"mean squared-error ratio to the trailing baseline {mean_ratio:.4f} >= 1"
    beats = GateResult(
        name=CHECK_BEATS_BASELINE,
        status=status,
        summary=summary,
        details={"mean_ratio": mean_ratio, "ratio_by_head": ratios, "baseline": dict(base)},
    )
    return [no_worse, beats]


@dg.asset(
    key=contracts.RATES_MODEL_METRICS.table.key_path,
    ins={"training_set": dg.AssetIn(dg.AssetKey(contracts.RATES_TRAINING_SET.table.key_path))},
    check_specs=[
        *contract_check_specs(contracts.RATES_MODEL_METRICS),
        extra_check_spec(
            contracts.RATES_MODEL_METRICS,
            CHECK_NO_WORSE,
            "On held-out dates every head's squared error is no worse than the current rates model's.",
        ),
        extra_check_spec(
            contracts.RATES_MODEL_METRICS,
            CHECK_BEATS_BASELINE,
            "On held-out dates the heads' squared errors average below the naive trailing baseline's.",
        ),
    ],
    group_name=GROUP,
    kinds={"lightgbm"},
    tags={"layer": "gold"},
)
def rates_model_asset(
    context: dg.AssetExecutionContext, lake_reader: LakeReader, training_set: pd.DataFrame
) -> Iterator:
    """Train the twelve rates heads on the earlier dates, judge them on the latest, store them by run id."""
    settings = rates.rates_settings()
    fit_rows, holdout = minutes.split_dates(training_set, settings.holdout_share)
    model = rates.train(fit_rows, settings)
    run_id = context.run.run_id
    store = ArtifactStore(lake_reader.lake())
    candidate = rates.metrics(holdout, rates.predict(model, holdout), settings.min_minutes)
    baseline = rates.metrics(holdout, rates.baseline(holdout, settings.priors), settings.min_minutes)
    try:
        current_run, current_dir = store.current(MODEL_NAME)
        current_model = load_model(str(current_dir))
        current = rates.metrics(holdout, rates.predict(current_model, holdout), settings.min_minutes)
    except NoCurrentArtifact:
        current_run, current = None, None
    model.info.update(
        holdout_dates=[str(holdout["game_date"].min()), str(holdout["game_date"].max())],
        holdout=candidate,
        baseline=baseline,
    )
    selected = selected_check_names(context)
    gates = rates_gates(
        candidate,
        baseline,
        current,
        current_run,
        ran={name: name in selected for name in RATES_PROMOTION_GATES},
    )
    # The verdicts go into the model directory with the model, so any later promotion can re-read them.
    model_dir = store.write(MODEL_NAME, run_id, model.save, gates=gates)
    yield from gate_check_results(gates, model_dir, current_run)
    table = model_metrics_table(run_id, {"holdout": candidate, "baseline": baseline, "current": current})
    metadata = {
        "model_dir": dg.MetadataValue.path(str(model_dir)),
        "holdout": dg.MetadataValue.json(candidate),
        "baseline": dg.MetadataValue.json(baseline),
        "heads": dg.MetadataValue.json(list(model.heads)),
    }
    yield from contract_outputs(context, contracts.RATES_MODEL_METRICS, table, metadata=metadata)


rates_model_promotion = build_model_promotion_asset(
    MODEL_NAME,
    contracts.RATES_MODEL_METRICS,
    RATES_PROMOTION_GATES,
    key=PROMOTION_KEY,
    description=(
        "Make the newly trained rates model current: only when its gate record shows it no worse than "
        "the model current now and better than the naive trailing baseline."
    ),
)


# --------------------------------------------------------------------------- projections


@dg.asset(
    key=contracts.RATES_PROJECTIONS.table.key_path,
    ins={
        "rates_features": dg.AssetIn(dg.AssetKey(contracts.RATES_FEATURES.table.key_path)),
        "roster": dg.AssetIn(dg.AssetKey(silver_contracts.SILVER_ROSTER.table.key_path)),
        "slot_models": dg.AssetIn(dg.AssetKey(gold_contracts.SLOT_MODELS.table.key_path)),
    },
    # After the slot's minutes projections: the sim reads both, a slot's rates never run ahead of them.
    deps=[dg.AssetKey(gold_contracts.MINUTES_PROJECTIONS.table.key_path)],
    partitions_def=SLATE_PARTITIONS,
    check_specs=[
        *contract_check_specs(contracts.RATES_PROJECTIONS),
        extra_check_spec(
            contracts.RATES_PROJECTIONS,
            CHECK_ROSTER_PROJECTED,
            "Every player of the slot's roster snapshot has rates for his game.",
        ),
    ],
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name=GROUP,
    kinds={"parquet"},
    tags={"layer": "gold"},
)
def rates_projections_asset(
    context: dg.AssetExecutionContext, rates_model: CurrentRatesModel, rates_features, roster, slot_models
) -> Iterator:
    """Per-minute rates and make rates of every rostered player, each game from the rates model run
    `gold/slot_models` names for it."""
    columns = list(contracts.RATES_PROJECTIONS.schema.columns)

    def project(run_id: str, rows: pd.DataFrame) -> pd.DataFrame:
        return rates.project(load_model(str(rates_model.run_dir(run_id))), rows, run_id, columns)

    current = rates_model.current()[0]
    frames = {
        key: lock.score_by_game(
            frame_of_key(rates_features, key),
            frame_of_key(slot_models, key),
            "rates_run_id",
            current,
            project,
        )
        for key in context.partition_keys
    }
    yield from roster_projected(context, contracts.RATES_PROJECTIONS, frames, roster, "rates")
    output = frames if len(frames) > 1 else next(iter(frames.values()))
    yield from contract_outputs(
        context,
        contracts.RATES_PROJECTIONS,
        output,
        metadata={"model_run_ids": sorted({r for f in frames.values() for r in f["model_run_id"].unique()})},
    )


RATES_ASSETS = [
    rates_features_asset,
    rates_training_set_asset,
    rates_model_asset,
    rates_model_promotion,
    rates_projections_asset,
]
SLATE_RATES_ASSETS = [rates_features_asset, rates_projections_asset]
RATES_TRAINING_ASSETS = [rates_training_set_asset, rates_model_asset, rates_model_promotion]
