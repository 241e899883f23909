"""Gold assets: minutes features, training sets, the minutes model and its promotion, projections.

Live and historical partitions share one feature builder (`core.features`);
the training set runs it in bulk over every game's horizons and a parity check
rebuilds sampled partitions through the partition path. A trained model is
written to its own run directory with its gate record (the verdict of the
"no worse than the current model" check) and becomes current only through
the promotion asset, which re-verifies that record whichever run asks: the
blocking check stops the promotion of its own run, the record stops any later
one.
"""

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta
from functools import lru_cache, partial
from pathlib import Path

import dagster as dg
import numpy as np
import pandas as pd
from pydantic import Field

from projections_assets.contracts import gold as contracts
from projections_assets.contracts import labels as label_contracts
from projections_assets.contracts import silver as silver_contracts
from projections_assets.contracts import sim as sim_contracts
from projections_assets.core import lock, minutes, training
from projections_assets.core.features import PlayerHistory, SlateInputs
from projections_assets.core.sim.inputs import calibration_key
from projections_assets.core.unified import VALUE_PRIOR
from projections_assets.defs.checks import (
    contract_check_specs,
    contract_outputs,
    extra_check_spec,
    selected_check_names,
)
from projections_assets.defs.partitions import SLATE_PARTITIONS
from projections_assets.defs.resources import (
    MINUTES_MODEL_NAME,
    OWNERSHIP_MODEL_NAME,
    CurrentMinutesModel,
    CurrentRatesModel,
    LakeReader,
    partition_inputs_metadata,
)
from projections_assets.partitions import SlatePartition, parse_key
from projections_assets.platform.artifacts import GATES_FILE, ArtifactStore, GateResult, NoCurrentArtifact
from projections_assets.platform.contracts import TableContract
from projections_assets.platform.lake import Lake, PartitionLocation
from projections_assets.platform.pointers import PromotionRefused, read_pointer
from projections_assets.platform.publish import NoCurrentRun, load_partition, verify_run_record
from projections_assets.platform.records import lock_record_path, read_record, record_once

GROUP = "gold"
MODEL_NAME = MINUTES_MODEL_NAME
# Label history the features look back over (a season and its predecessor's tail).
LABEL_LOOKBACK = timedelta(days=400)
CHECK_PARITY = "parity_with_partitions"
CHECK_COMPLETE = "training_dates_complete"
CHECK_NO_WORSE = "no_worse_than_current"
# Holdout figures a new model must not lose on to be promoted.
GATE_METRICS = ("mae", "pinball", "brier")
# Gates a minutes model's record must show passed before any run may promote it.
MINUTES_PROMOTION_GATES = (CHECK_NO_WORSE,)
CHECK_ROSTER_PROJECTED = "every_rostered_player_projected"
PARITY_SAMPLES = 6
SILVER_INPUTS = {
    "schedule": silver_contracts.SILVER_SCHEDULE,
    "roster": silver_contracts.SILVER_ROSTER,
    "injuries": silver_contracts.SILVER_INJURIES,
    "lineups": silver_contracts.SILVER_LINEUPS,
    "odds": silver_contracts.SILVER_ODDS,
}


def frame_of_key(value: pd.DataFrame | Mapping[str, pd.DataFrame], key: str) -> pd.DataFrame:
    """A partition's frame of an input that arrives whole (one partition) or keyed (a range)."""
    return value if isinstance(value, pd.DataFrame) else value[key]


def read_labels(reader: LakeReader, first: date, last: date):
    """Every label of game dates in [first - lookback, last - 1 day] (features use earlier dates only)."""
    return reader.read(
        label_contracts.GAME_LABELS.table, start=first - LABEL_LOOKBACK, end=last - timedelta(days=1)
    )


def roster_projected(
    context: dg.AssetExecutionContext,
    contract: TableContract,
    frames: Mapping[str, pd.DataFrame],
    roster: pd.DataFrame | Mapping[str, pd.DataFrame],
    what: str,
) -> Iterator[dg.AssetCheckResult]:
    """The `CHECK_ROSTER_PROJECTED` result of a slot's projections; raise (nothing published) when a
    rostered player has no row (`what` names the missing thing in the message)."""
    unprojected = {
        key: minutes.unprojected_players(frame_of_key(roster, key), frame) for key, frame in frames.items()
    }
    missing = {key: rows for key, rows in unprojected.items() if len(rows)}
    if CHECK_ROSTER_PROJECTED in selected_check_names(context):
        yield dg.AssetCheckResult(
            check_name=CHECK_ROSTER_PROJECTED,
            passed=not missing,
            metadata={
                "missing": dg.MetadataValue.json(
                    {k: v.head(20).to_dict("records") for k, v in missing.items()}
                )
            },
        )
    if missing:
        raise dg.Failure(
            f"{contract.table}: rostered players without {what} in "
            + ", ".join(f"{k} ({len(v)})" for k, v in missing.items())
            + "; nothing was published"
        )


def load_partition_inputs(reader: LakeReader, key: str) -> SlateInputs:
    """A partition's silver snapshots, read through their pointers (the partition path's inputs)."""
    lake = reader.lake()
    location = PartitionLocation.from_key(key)
    frames = {name: load_partition(lake, c.table, location) for name, c in SILVER_INPUTS.items()}
    return SlateInputs(**frames)


# --------------------------------------------------------------------------- features


@dg.asset(
    key=contracts.MINUTES_FEATURES.table.key_path,
    ins={name: dg.AssetIn(dg.AssetKey(c.table.key_path)) for name, c in SILVER_INPUTS.items()},
    deps=[dg.AssetKey(label_contracts.GAME_LABELS.table.key_path)],
    partitions_def=SLATE_PARTITIONS,
    check_specs=contract_check_specs(contracts.MINUTES_FEATURES),
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name=GROUP,
    kinds={"parquet"},
    tags={"layer": "gold"},
)
def minutes_features_asset(
    context: dg.AssetExecutionContext,
    lake_reader: LakeReader,
    schedule,
    roster,
    injuries,
    lineups,
    odds,
) -> Iterator:
    """Minutes features of every rostered player of the slate, as known at the slot (one builder for all)."""
    keys = context.partition_keys
    days = [PartitionLocation.from_key(k).game_date for k in keys]
    labels = read_labels(lake_reader, min(days), max(days))
    # One history for the whole range: every lookup is strictly before the slot's own date.
    history = PlayerHistory.from_labels(labels.frame)
    frames = {}
    for key in keys:
        inputs = SlateInputs(
            frame_of_key(schedule, key),
            frame_of_key(roster, key),
            frame_of_key(injuries, key),
            frame_of_key(lineups, key),
            frame_of_key(odds, key),
        )
        frames[key] = training.partition_features(inputs, history)
    output = frames if len(frames) > 1 else next(iter(frames.values()))
    metadata = {
        **partition_inputs_metadata({k: [labels.record] for k in keys}),
        "players": sum(len(f) for f in frames.values()),
        "label_rows": len(labels.frame),
    }
    yield from contract_outputs(context, contracts.MINUTES_FEATURES, output, metadata=metadata)


# --------------------------------------------------------------------------- training set


class TrainingWindow(dg.Config):
    start_date: str | None = Field(
        default=None, description="First game date (YYYY-MM-DD). Unset: the earliest silver."
    )
    end_date: str | None = Field(default=None, description="Last game date. Unset: the latest labelled date.")


def read_silver(reader: LakeReader, start: date | None, end: date | None) -> SlateInputs:
    """The silver tables of the slate between two dates (None: unbounded), as one `SlateInputs`."""
    return SlateInputs(
        **{name: reader.read(c.table, start=start, end=end).frame for name, c in SILVER_INPUTS.items()}
    )


@dg.asset(
    key=contracts.MINUTES_TRAINING_SET.table.key_path,
    deps=[
        *(dg.AssetKey(c.table.key_path) for c in SILVER_INPUTS.values()),
        dg.AssetKey(label_contracts.GAME_LABELS.table.key_path),
    ],
    check_specs=[
        *contract_check_specs(contracts.MINUTES_TRAINING_SET),
        extra_check_spec(
            contracts.MINUTES_TRAINING_SET,
            CHECK_PARITY,
            "Sampled (date, slot) partitions rebuilt through the partition path equal the bulk rows.",
        ),
        extra_check_spec(
            contracts.MINUTES_TRAINING_SET,
            CHECK_COMPLETE,
            "Every labelled game of every date has training rows (none lost to a failed join).",
        ),
    ],
    group_name=GROUP,
    kinds={"parquet"},
    tags={"layer": "gold"},
)
def minutes_training_set_asset(
    context: dg.AssetExecutionContext, config: TrainingWindow, lake_reader: LakeReader
) -> Iterator:
    """Every game's feature rows at its horizons (last slot <= tip - 2 h, last slot before tip), with labels."""
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
    context.log.info(
        f"building {len(horizons)} (game, horizon) rows from {inputs.schedule['as_of_ts'].nunique()} slots"
    )
    rows = training.training_rows(inputs, labels.frame, horizons)
    coverage = training.label_coverage(inputs, horizons, rows, labels.frame)
    unlabelled = coverage[(coverage["games_labelled"] > 0) & (coverage["missing_games"] > 0)]
    selected = selected_check_names(context)
    if CHECK_COMPLETE in selected:
        yield dg.AssetCheckResult(
            check_name=CHECK_COMPLETE,
            passed=unlabelled.empty,
            metadata={
                "dates": len(coverage),
                "incomplete_dates": dg.MetadataValue.json(unlabelled.to_dict(orient="records")[:50]),
            },
        )
    if CHECK_PARITY in selected:
        problems = training.parity_problems(
            rows,
            labels.frame,
            lambda key: load_partition_inputs(lake_reader, key),
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
        "games": int(rows["game_id"].nunique()),
        "dates": dg.MetadataValue.json([str(rows["game_date"].min()), str(rows["game_date"].max())]),
        "rows_by_horizon": dg.MetadataValue.json(rows["horizon"].value_counts().to_dict()),
    }
    yield from contract_outputs(context, contracts.MINUTES_TRAINING_SET, rows, metadata=metadata)


# --------------------------------------------------------------------------- model and promotion


def _score(model: minutes.MinutesModel, rows: pd.DataFrame) -> dict[str, float]:
    scored = rows[["minutes", "played", "status"]].join(
        minutes.predict(model, rows)[["p10", "p50", "p90", "play_prob"]]
    )
    return minutes.metrics(scored)


@lru_cache(maxsize=4)
def load_model(path: str) -> minutes.MinutesModel:
    """A model directory, loaded once per process (directories are immutable)."""
    return minutes.MinutesModel.load(Path(path))


@dg.asset(
    key=contracts.MINUTES_MODEL_METRICS.table.key_path,
    ins={"training_set": dg.AssetIn(dg.AssetKey(contracts.MINUTES_TRAINING_SET.table.key_path))},
    check_specs=[
        *contract_check_specs(contracts.MINUTES_MODEL_METRICS),
        extra_check_spec(
            contracts.MINUTES_MODEL_METRICS,
            CHECK_NO_WORSE,
            "On held-out dates the new model's MAE, pinball loss and Brier are no worse than the current model's.",
        ),
    ],
    group_name=GROUP,
    kinds={"lightgbm"},
    tags={"layer": "gold"},
)
def minutes_model_asset(
    context: dg.AssetExecutionContext, lake_reader: LakeReader, training_set: pd.DataFrame
) -> Iterator:
    """Train the minutes model (p10/p50/p90 + play probability, calibrated) and store it by run id."""
    settings = minutes.minutes_settings()
    fit_rows, holdout = minutes.split_dates(training_set, settings.calibration_share)
    model = minutes.train(fit_rows, settings)
    run_id = context.run.run_id
    store = ArtifactStore(lake_reader.lake())
    candidate = _score(model, holdout)
    try:
        current_run, current_dir = store.current(MODEL_NAME)
        current = _score(load_model(str(current_dir)), holdout)
    except NoCurrentArtifact:
        current_run, current = None, None
    model.info.update(
        holdout_dates=[str(holdout["game_date"].min()), str(holdout["game_date"].max())], holdout=candidate
    )
    worse = [] if current is None else [m for m in GATE_METRICS if candidate[m] > current[m] + 1e-9]
    gate_ran = CHECK_NO_WORSE in selected_check_names(context)
    gate = no_worse_gate(candidate, current, current_run, worse, ran=gate_ran)
    # The verdict goes into the model directory with the model, so any later promotion can re-read it.
    model_dir = store.write(MODEL_NAME, run_id, model.save, gates=[gate])
    if gate_ran:
        yield dg.AssetCheckResult(
            check_name=CHECK_NO_WORSE,
            passed=not worse,
            metadata={
                "candidate": dg.MetadataValue.json(candidate),
                "current": dg.MetadataValue.json(current or {}),
                "current_run": current_run or "none",
                "worse_on": dg.MetadataValue.json(worse),
                "gate_record": dg.MetadataValue.path(str(model_dir / GATES_FILE)),
            },
        )
    table = pd.DataFrame(
        [
            {"model_run_id": run_id, "split": "holdout", "metric": k, "value": float(v)}
            for k, v in candidate.items()
        ]
        + [
            {"model_run_id": run_id, "split": "band_shift", "metric": str(q), "value": s}
            for q, s in model.band_shift.items()
        ]
    )
    metadata = {
        "model_dir": dg.MetadataValue.path(str(model_dir)),
        "holdout": dg.MetadataValue.json(candidate),
        "features": dg.MetadataValue.json(model.feature_columns),
    }
    yield from contract_outputs(context, contracts.MINUTES_MODEL_METRICS, table, metadata=metadata)


def no_worse_gate(
    candidate: Mapping[str, float],
    current: Mapping[str, float] | None,
    current_run: str | None,
    worse: Sequence[str],
    *,
    ran: bool,
) -> GateResult:
    """The `no_worse_than_current` verdict as the model's gate record keeps it."""
    if not ran:
        status, summary = "not_run", f"{CHECK_NO_WORSE} was not selected in the training run"
    elif current is None:
        status, summary = "passed", "no model was current: nothing to be worse than"
    elif worse:
        status = "failed"
        summary = "worse than current run {} on {}".format(
            current_run, ", ".join(f"{m} ({candidate[m]:.4f} > {current[m]:.4f})" for m in worse)
        )
    else:
        status = "passed"
        summary = f"no worse than current run {current_run} on {', '.join(GATE_METRICS)}"
    return GateResult(
        name=CHECK_NO_WORSE,
        status=status,
        summary=summary,
        relative_to_current=True,
        baseline_run_id=current_run,
        details={
            "candidate": {k: float(v) for k, v in candidate.items()},
            "current": {k: float(v) for k, v in (current or {}).items()},
            "worse_on": list(worse),
        },
    )


def gate_check_results(
    gates: Sequence[GateResult], model_dir: Path, current_run: str | None
) -> Iterator[dg.AssetCheckResult]:
    """One check result per gate that ran, pointing at the gate record any later promotion re-reads."""
    for gate in gates:
        if gate.status != "not_run":
            yield dg.AssetCheckResult(
                check_name=gate.name,
                passed=gate.status == "passed",
                metadata={
                    "summary": gate.summary,
                    "details": dg.MetadataValue.json(gate.details),
                    "current_run": current_run or "none",
                    "gate_record": dg.MetadataValue.path(str(model_dir / GATES_FILE)),
                },
            )


def model_metrics_table(run_id: str, splits: Mapping[str, Mapping[str, float] | None]) -> pd.DataFrame:
    """A trained model's figures as its metrics table: one row per (split, metric)."""
    return pd.DataFrame(
        [
            {"model_run_id": run_id, "split": split, "metric": k, "value": float(v)}
            for split, figures in splits.items()
            for k, v in (figures or {}).items()
        ]
    )


def build_model_promotion_asset(
    artifact: str,
    metrics: TableContract,
    gates: Sequence[str],
    *,
    key: Sequence[str],
    description: str,
) -> dg.AssetsDefinition:
    """The asset that makes a trained model current, for any model of the artifact store.

    `metrics` is the table the training asset writes (one run per model, with a
    `model_run_id` column). Whichever run materializes it, the promotion
    re-verifies from the lake that the candidate's metrics manifest records a
    success with every check passed and that its gate record shows each of
    `gates` passed against the model current now; otherwise it fails naming
    the candidate run, the gate and what the record holds, and moves nothing.
    """

    @dg.asset(
        key=list(key),
        ins={"metrics_table": dg.AssetIn(dg.AssetKey(metrics.table.key_path))},
        group_name="published",
        tags={"layer": "published"},
        description=description,
    )
    def promotion(
        context: dg.AssetExecutionContext, lake_reader: LakeReader, metrics_table: pd.DataFrame
    ) -> dg.MaterializeResult:
        """Move the model's pointer to the trained candidate, once its record says its gates passed."""
        lake = lake_reader.lake()
        run_id = str(metrics_table["model_run_id"].iloc[0])
        try:
            verify_run_record(
                lake,
                lake.run_dir(metrics.table, PartitionLocation.from_key(None), run_id),
                f"refused to promote {artifact} run {run_id}: its {metrics.table}",
            )
            outcome = ArtifactStore(lake).promote(
                artifact, run_id, gates=gates, orchestrator_run_id=context.run.run_id
            )
        except PromotionRefused as exc:
            raise dg.Failure(description=str(exc)) from exc
        if not outcome.moved:
            context.log.info(outcome.reason)
        return dg.MaterializeResult(
            metadata={
                "model_run_id": run_id,
                "pointer_moved": outcome.moved,
                "gates_verified": dg.MetadataValue.json(list(outcome.current.gates)),
            }
        )

    return promotion


minutes_model_promotion = build_model_promotion_asset(
    MODEL_NAME,
    contracts.MINUTES_MODEL_METRICS,
    MINUTES_PROMOTION_GATES,
    key=["published", "minutes_model"],
    description=(
        "Make the newly trained minutes model current: only when its gate record shows it no worse "
        "than the model current now."
    ),
)


# --------------------------------------------------------------------------- projections


@dg.asset(
    key=contracts.MINUTES_PROJECTIONS.table.key_path,
    ins={
        "features": dg.AssetIn(dg.AssetKey(contracts.MINUTES_FEATURES.table.key_path)),
        "roster": dg.AssetIn(dg.AssetKey(silver_contracts.SILVER_ROSTER.table.key_path)),
        "slot_models": dg.AssetIn(dg.AssetKey(contracts.SLOT_MODELS.table.key_path)),
    },
    partitions_def=SLATE_PARTITIONS,
    check_specs=[
        *contract_check_specs(contracts.MINUTES_PROJECTIONS),
        extra_check_spec(
            contracts.MINUTES_PROJECTIONS,
            CHECK_ROSTER_PROJECTED,
            "Every player of the slot's roster snapshot has a projection for his game.",
        ),
    ],
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name=GROUP,
    kinds={"parquet"},
    tags={"layer": "gold"},
)
def minutes_projections_asset(
    context: dg.AssetExecutionContext, minutes_model: CurrentMinutesModel, features, roster, slot_models
) -> Iterator:
    """Minutes p10/p50/p90, play probability and team-reconciled expected minutes for every rostered player,
    each game from the minutes model run `gold/slot_models` names for it."""
    columns = list(contracts.MINUTES_PROJECTIONS.schema.columns)

    def project(run_id: str, rows: pd.DataFrame) -> pd.DataFrame:
        return minutes.project(load_model(str(minutes_model.run_dir(run_id))), rows, run_id, columns)

    frames, flagged = {}, {}
    current = minutes_model.current()[0]
    for key in context.partition_keys:
        frames[key] = lock.score_by_game(
            frame_of_key(features, key), frame_of_key(slot_models, key), "minutes_run_id", current, project
        )
        flagged[key] = (
            frames[key]
            .loc[frames[key]["sanity_flag"], ["game_id", "team_id", "team_sum_raw"]]
            .drop_duplicates()
            .to_dict(orient="records")
        )
        if flagged[key]:
            context.log.warning(
                f"{key}: team minutes outside the sanity band before reconciliation: {flagged[key]}"
            )
    yield from roster_projected(context, contracts.MINUTES_PROJECTIONS, frames, roster, "a projection")
    output = frames if len(frames) > 1 else next(iter(frames.values()))
    runs = sorted({r for f in frames.values() for r in f["model_run_id"].unique()})
    metadata = {"model_run_ids": runs, "sanity_flags": dg.MetadataValue.json(flagged)}
    yield from contract_outputs(context, contracts.MINUTES_PROJECTIONS, output, metadata=metadata)


# --------------------------------------------------------------------------- the slot's model runs
# The first run of a partition records the runs current then; a rerun reads them back, so it scores
# with the same runs after a promotion (unless configured to re-record). A game tipped by the slot
# takes its lock record (`<lake>/_pointers/locks/game_date=D/game=G.json`), written once by the first
# slot at or after its tip (core.lock). Every scoring asset of the slot (minutes, rates, sim,
# ownership, unified) reads `gold/slot_models` instead of the model pointers.


class SlotModelsConfig(dg.Config):
    rerecord: bool = Field(
        default=False,
        description=(
            "Record the runs current now for the slot's unlocked games instead of reading back what the "
            "partition's first run recorded (e.g. to rescore a slot with a newly promoted model). Locked "
            "games keep their lock record either way."
        ),
    )


def recorded_models(lake: Lake, partition: SlatePartition) -> pd.DataFrame | None:
    """A slot's `gold/slot_models` as its current run recorded them, None if it never ran."""
    try:
        return load_partition(lake, contracts.SLOT_MODELS.table, PartitionLocation.from_slate(partition))
    except NoCurrentRun:
        return None


def current_ownership_name(lake: Lake) -> str:
    """The promoted ownership model's run id, or the value prior's name when none is promoted."""
    try:
        return ArtifactStore(lake).current(OWNERSHIP_MODEL_NAME)[0]
    except NoCurrentArtifact:
        return VALUE_PRIOR


def current_models(
    lake_reader: LakeReader, minutes_model: CurrentMinutesModel, rates_model: CurrentRatesModel
) -> lock.ModelSet:
    """The runs the lake's pointers name now."""
    lake = lake_reader.lake()
    table = sim_contracts.SIM_CALIBRATION.table
    entry = read_pointer(lake.pointer_path(table, PartitionLocation.from_key(None)))
    if entry is None:
        raise NoCurrentRun(
            f"{table} was never materialized in the lake {lake.root}: run the train_rates job (it fits the "
            "sim's calibration beside the rates heads) or `make demo`"
        )
    calibration = load_partition(lake, table, PartitionLocation.from_key(None))
    return lock.ModelSet(
        minutes_run_id=minutes_model.current()[0],
        rates_run_id=rates_model.current()[0],
        sim_calibration_run_id=entry.run_id,
        sim_calibration_key=calibration_key(calibration),
        ownership_model=current_ownership_name(lake),
    )


def lock_record_of(
    lake: Lake,
    writer: SlatePartition,
    recorded: pd.DataFrame | None,
    current: lock.ModelSet,
    written_by: Mapping[str, str],
    game_id: str,
    tip: pd.Timestamp,
) -> tuple[dict, bool]:
    """A game's lock record, and whether this call wrote it: if no one has, the models its freeze slot
    recorded (`recorded` when `writer` is the freeze slot, else read from the lake) or `current`,
    with `written_by` (who wrote it) beside them. The first writer wins (`record_once`)."""
    path = lock_record_path(lake, writer.game_date.isoformat(), f"game={game_id}")
    found = read_record(path)
    if found is not None:
        return found, False
    freeze = lock.freeze_slot(tip.to_pydatetime())
    # The freeze slot's own record when it ran; the slot writing is the freeze slot when the tip is
    # on the grid, and then its recorded (or current) runs are the lock's.
    freeze_record = recorded if freeze == writer else recorded_models(lake, freeze)
    models, models_of = lock.lock_models(game_id, tip, freeze_record, current, writer)
    return record_once(
        path,
        {
            **models.to_record(),
            "models_of": models_of,
            "game_id": game_id,
            "tip_ts": tip.isoformat(),
            "freeze_slot": freeze.key,
            **written_by,
        },
    )


def _lock_of(
    lake: Lake,
    partition: SlatePartition,
    recorded: pd.DataFrame | None,
    current: lock.ModelSet,
    run_id: str,
    written: list[str],
    game_id: str,
    tip: pd.Timestamp,
) -> tuple[lock.ModelSet, str]:
    """A locked game's models from its lock record, writing the record first if no slot has yet."""
    by = {"written_by_slot": partition.key, "written_by_run": run_id}
    found, wrote = lock_record_of(lake, partition, recorded, current, by, game_id, tip)
    if wrote:
        written.append(f"{partition.game_date.isoformat()}/{game_id}")
    return lock.ModelSet.from_record(found), str(found["models_of"])


@dg.asset(
    key=contracts.SLOT_MODELS.table.key_path,
    ins={"schedule": dg.AssetIn(dg.AssetKey(silver_contracts.SILVER_SCHEDULE.table.key_path))},
    # Lineage of the runs it records (the ownership model's is left out: it trains on slots' projections).
    deps=[
        dg.AssetKey(["published", "minutes_model"]),
        dg.AssetKey(["published", "rates_model"]),
        dg.AssetKey(sim_contracts.SIM_CALIBRATION.table.key_path),
    ],
    partitions_def=SLATE_PARTITIONS,
    check_specs=contract_check_specs(contracts.SLOT_MODELS),
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name=GROUP,
    kinds={"parquet"},
    tags={"layer": "gold"},
)
def slot_models_asset(
    context: dg.AssetExecutionContext,
    config: SlotModelsConfig,
    lake_reader: LakeReader,
    minutes_model: CurrentMinutesModel,
    rates_model: CurrentRatesModel,
    schedule,
) -> Iterator:
    """The model runs that score each game of the slot: recorded by the partition's first run and read
    back by its reruns; a game tipped at or before the slot keeps the runs of its lock record."""
    lake = lake_reader.lake()
    current = current_models(lake_reader, minutes_model, rates_model)
    frames, written = {}, []
    for key in context.partition_keys:
        partition = parse_key(key)
        recorded = None if config.rerecord else recorded_models(lake, partition)

        locks = partial(_lock_of, lake, partition, recorded, current, context.run.run_id, written)
        games = frame_of_key(schedule, key)[["game_id", "tip_ts"]]
        frames[key] = lock.slot_models(games, partition, current, recorded, locks)
        locked = frames[key][frames[key]["locked"]]
        context.log.info(
            f"{key}: {len(frames[key])} games, {len(locked)} locked"
            + (" (runs read back from the partition's first run)" if recorded is not None else "")
        )
    if written:
        context.log.info(f"lock records written: {written}")
    output = frames if len(frames) > 1 else next(iter(frames.values()))
    metadata = {"current": dg.MetadataValue.json(current.to_record()), "locks_written": written}
    yield from contract_outputs(context, contracts.SLOT_MODELS, output, metadata=metadata)


GOLD_ASSETS = [
    slot_models_asset,
    minutes_features_asset,
    minutes_training_set_asset,
    minutes_model_asset,
    minutes_model_promotion,
    minutes_projections_asset,
]
SLATE_GOLD_ASSETS = [slot_models_asset, minutes_features_asset, minutes_projections_asset]
