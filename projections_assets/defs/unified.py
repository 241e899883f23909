"""Ownership and unified projections of a slot, and the ownership model they score with.

`gold/ownership_projections` scores each draft group's players with the promoted ownership model
(`gold/ownership_model`, trained by the `train_ownership` job on the lake's own out-of-sample
projections at each past group's lock); a lake with none promoted yet falls back to the documented
value prior and names it in every row. `gold/unified_projections` joins the slot's minutes
projections, sim summary and ownership onto every DraftKings draftable (core.unified).
"""

import json
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from pathlib import Path

import dagster as dg
import lightgbm as lgb
import pandas as pd

from projections_assets.contracts import gold as gold_contracts
from projections_assets.contracts import labels as label_contracts
from projections_assets.contracts import rates as rates_contracts
from projections_assets.contracts import silver as silver_contracts
from projections_assets.contracts import sim as sim_contracts
from projections_assets.contracts import unified as contracts
from projections_assets.core import lock, minutes, ownership_model, rates, unified, what_changed
from projections_assets.core.features import PlayerHistory, SlateInputs
from projections_assets.core.rates_features import RatesHistory
from projections_assets.core.sim.inputs import calibration_of_row
from projections_assets.core.snapshots import StaleSource
from projections_assets.core.teams import UnknownTeam
from projections_assets.defs.checks import (
    contract_check_specs,
    contract_outputs,
    extra_check_spec,
    selected_check_names,
)
from projections_assets.defs.gold import (
    CHECK_NO_WORSE,
    TrainingWindow,
    build_model_promotion_asset,
    frame_of_key,
    gate_check_results,
    model_metrics_table,
    read_labels,
)
from projections_assets.defs.gold import load_model as load_minutes_model
from projections_assets.defs.partitions import SLATE_PARTITIONS
from projections_assets.defs.rates import load_model as load_rates_model
from projections_assets.defs.resources import (
    MINUTES_MODEL_NAME,
    OWNERSHIP_MODEL_NAME,
    RATES_MODEL_NAME,
    LakeReader,
)
from projections_assets.defs.silver import snapshots_at
from projections_assets.defs.sim import calibration_row
from projections_assets.nba.calendar import UTC_TS
from projections_assets.partitions import SlatePartition, parse_key
from projections_assets.platform.artifacts import ArtifactStore, GateResult, NoCurrentArtifact
from projections_assets.platform.lake import Lake, PartitionLocation
from projections_assets.platform.publish import NoCurrentRun, load_partition
from projections_assets.platform.records import lock_record_path, read_record, record_once

GROUP = "gold"
BOOSTER_FILE = "booster.txt"
RANKER_FILE = "ranker.txt"
INFO_FILE = "ownership_model.json"


def save_model(model: ownership_model.OwnershipModel, directory: Path) -> None:
    """The booster as LightGBM's text format and its feature list and training info as JSON."""
    model.booster.save_model(str(directory / BOOSTER_FILE))
    if model.ranker is not None:
        model.ranker.save_model(str(directory / RANKER_FILE))
    (directory / INFO_FILE).write_text(json.dumps({"features": model.features, "info": model.info}, indent=2))


@lru_cache(maxsize=4)
def load_model(path: str) -> ownership_model.OwnershipModel:
    """A model directory, loaded once per process (directories are immutable)."""
    meta = json.loads((Path(path) / INFO_FILE).read_text())
    booster = lgb.Booster(model_file=str(Path(path) / BOOSTER_FILE))
    ranker_path = Path(path) / RANKER_FILE
    ranker = lgb.Booster(model_file=str(ranker_path)) if ranker_path.exists() else None
    return ownership_model.OwnershipModel(
        booster, ranker=ranker, features=meta["features"], info=meta["info"]
    )


def current_ownership_model(lake_reader: LakeReader) -> tuple[str, ownership_model.OwnershipModel | None]:
    """(name, model) of the promoted ownership model, or (VALUE_PRIOR, None) when none is promoted."""
    try:
        run_id, directory = ArtifactStore(lake_reader.lake()).current(OWNERSHIP_MODEL_NAME)
    except NoCurrentArtifact:
        return unified.VALUE_PRIOR, None
    return run_id, load_model(str(directory))


def score_ownership(candidates: pd.DataFrame, model: ownership_model.OwnershipModel | None) -> pd.Series:
    """Ownership in percent per candidate row: the model's, or the value prior without one."""
    if candidates.empty:
        return pd.Series(dtype="float64", index=candidates.index)
    if model is None:
        return unified.value_prior(candidates)
    return _predicted(model, ownership_model.ownership_features(candidates))


def _predicted(model: ownership_model.OwnershipModel, rows: pd.DataFrame) -> pd.Series:
    """The model's ownership of feature rows, 800% per group over the players not ruled out."""
    return unified.with_ruled_out_at_zero(rows, ownership_model.predict(model, rows))


SLOT_CONTRACTS = {
    "minutes_projections": gold_contracts.MINUTES_PROJECTIONS,
    "minutes_features": gold_contracts.MINUTES_FEATURES,
    "sim_summary": sim_contracts.SIM_SUMMARY,
}
SLOT_INPUTS = {
    "dk_slate": silver_contracts.SILVER_DK_SLATE.table.key_path,
    "minutes_projections": gold_contracts.MINUTES_PROJECTIONS.table.key_path,
    "minutes_features": gold_contracts.MINUTES_FEATURES.table.key_path,
    "sim_summary": sim_contracts.SIM_SUMMARY.table.key_path,
}


def ownership_model_of(lake_reader: LakeReader, name: str) -> ownership_model.OwnershipModel | None:
    """The ownership model run `name` (a slot's recorded one), None for the value prior."""
    if name == unified.VALUE_PRIOR:
        return None
    path = ArtifactStore(lake_reader.lake()).run_dir(OWNERSHIP_MODEL_NAME, name)
    if not path.is_dir():
        raise NoCurrentArtifact(f"ownership model run {name} is not in the lake ({path})")
    return load_model(str(path))


def scoring_models(lake_reader: LakeReader, minutes_run: str, rates_run: str) -> what_changed.Models:
    """The minutes and rates models of two recorded runs, as core.what_changed scores with them."""
    store = ArtifactStore(lake_reader.lake())
    return what_changed.Models(
        load_minutes_model(str(store.run_dir(MINUTES_MODEL_NAME, minutes_run))),
        load_rates_model(str(store.run_dir(RATES_MODEL_NAME, rates_run))),
        minutes_run,
        rates_run,
    )


def _models_at_lock(lake: Lake, day: str, games: pd.DataFrame, lock_ts: pd.Timestamp) -> lock.ModelSet | None:
    """The runs of the lock record of a game tipping at `lock_ts` (the group's first tip), if written."""
    for game in games[pd.to_datetime(games["tip_ts"], utc=True) == lock_ts]["game_id"].astype(str):
        found = read_record(lock_record_path(lake, day, f"game={game}"))
        if found is not None:
            return lock.ModelSet.from_record(found)
    return None


# (freeze slot, lock) -> the slot's scores at the lock and the runs they used: groups locking at the same
# tip share one recompute within a run.
LockScores = dict[tuple[str, pd.Timestamp], tuple[what_changed.SlotScores, lock.ModelSet]]


def _scores_at_lock(
    lake_reader: LakeReader,
    freeze: SlatePartition,
    lock_ts: pd.Timestamp,
    fallback: lock.ModelSet,
    worlds: int,
) -> tuple[what_changed.SlotScores, lock.ModelSet]:
    """The games still to tip at `lock_ts` as the freeze slot would have scored them, recomputed (that
    slot never ran): its inputs rebuilt from bronze as of the slot, scored by the live chain's pieces
    with the runs of the lock record of a game tipping at the lock (else `fallback`)."""
    lake = lake_reader.lake()
    day = freeze.game_date.isoformat()
    inputs = SlateInputs(**snapshots_at(lake_reader, PartitionLocation.from_slate(freeze)))
    models = _models_at_lock(lake, day, inputs.schedule, lock_ts) or fallback
    labels = read_labels(lake_reader, freeze.game_date, freeze.game_date).frame
    scoring = what_changed.Scoring(
        PlayerHistory.from_labels(labels),
        RatesHistory.from_labels(labels),
        rates.rates_settings().priors,
        calibration_of_row(calibration_row(lake, models.sim_calibration_run_id)),
        day,
        worlds,
    )
    state = what_changed.SlotState(
        inputs,
        pd.Timestamp(freeze.run_as_of_ts),
        scoring_models(lake_reader, models.minutes_run_id, models.rates_run_id),
    )
    # Only the games still to tip at the lock: the group's (earlier games belong to other groups).
    games = inputs.schedule.loc[pd.to_datetime(inputs.schedule["tip_ts"], utc=True) >= lock_ts, "game_id"]
    scores = what_changed.score_frames(state, scoring, set(games.astype(str)))
    if scores is None:
        raise ValueError(f"nothing to project as of {freeze.key} for the draft group locking at {lock_ts}")
    return scores, models


def _ownership_at_lock(
    lake_reader: LakeReader,
    freeze: SlatePartition,
    lock_ts: pd.Timestamp,
    slate: pd.DataFrame,
    fallback: lock.ModelSet,
    worlds: int,
    cache: LockScores,
) -> tuple[pd.DataFrame, str]:
    """A group's ownership as its freeze slot would have projected it (`_scores_at_lock`):
    (dk_player_id, ownership) and the ownership model's name."""
    key = (freeze.key, lock_ts)
    if key not in cache:
        cache[key] = _scores_at_lock(lake_reader, freeze, lock_ts, fallback, worlds)
    scores, models = cache[key]
    candidates = unified.ownership_candidates(slate, scores.minutes, scores.features, scores.summary)
    owned = score_ownership(candidates, ownership_model_of(lake_reader, models.ownership_model))
    return candidates[["dk_player_id"]].assign(ownership=owned.to_numpy()), models.ownership_model


def _ownership_at_freeze(
    context: dg.AssetExecutionContext,
    lake_reader: LakeReader,
    partition: SlatePartition,
    rows: pd.DataFrame,
    slate: pd.DataFrame,
    models: pd.DataFrame,
    worlds: int,
    cache: LockScores,
) -> tuple[pd.DataFrame, str, str]:
    """What a locked group's record holds: (dk_player_id, ownership) as its freeze slot (the last slot at
    or before its lock) projected it when that slot ran, else recomputed as it would have; the ownership
    model; and which of the two, in words."""
    group, lock_ts = int(rows["draft_group_id"].iloc[0]), pd.Timestamp(rows["lock_ts"].iloc[0])
    freeze = lock.freeze_slot(lock_ts.to_pydatetime())
    if freeze == partition:
        return rows, single_value(rows, "ownership_model"), f"projected at {freeze.key}"
    lake = lake_reader.lake()
    try:
        ran = load_partition(
            lake, contracts.OWNERSHIP_PROJECTIONS.table, PartitionLocation.from_slate(freeze)
        )
        ran = ran[ran["draft_group_id"] == group]
        return ran, single_value(ran, "ownership_model"), f"projected at {freeze.key}"
    except NoCurrentRun:
        pass
    # Without a lock record of a game tipping at the lock: the slot's own runs.
    fallback = lock.ModelSet(
        **{f: lock.slot_level(models, f, str(models[f].iloc[0])) for f in lock.MODEL_FIELDS}
    )
    group_slate = slate[slate["draft_group_id"] == group]
    try:
        owned, name = _ownership_at_lock(lake_reader, freeze, lock_ts, group_slate, fallback, worlds, cache)
        return owned, name, f"recomputed as of {freeze.key} (that slot never ran)"
    except (StaleSource, UnknownTeam) as exc:
        # Nothing was captured as of that slot (e.g. a backfill of later slots only).
        context.log.warning(
            f"draft group {group} locked at {lock_ts}: its freeze slot {freeze.key} never ran and cannot be "
            f"rebuilt ({exc}): its ownership freezes as {partition.key} projects it"
        )
        return rows, single_value(rows, "ownership_model"), f"projected at {partition.key} ({exc})"


def _frozen_ownership(
    context: dg.AssetExecutionContext,
    lake_reader: LakeReader,
    partition: SlatePartition,
    out: pd.DataFrame,
    slate: pd.DataFrame,
    models: pd.DataFrame,
    worlds: int,
) -> pd.DataFrame:
    """`out` with each locked draft group's ownership as at its lock: its lock record, written once by
    the first slot at or after the lock (`_ownership_at_freeze` says what it holds)."""
    as_of = pd.Timestamp(partition.run_as_of_ts)
    out = out.copy()
    cache: LockScores = {}
    for group, rows in out.groupby("draft_group_id"):
        lock_ts = pd.Timestamp(rows["lock_ts"].iloc[0])
        if not lock.is_locked(lock_ts, as_of):
            continue
        path = lock_record_path(
            lake_reader.lake(), partition.game_date.isoformat(), f"draft_group={int(group)}"
        )
        record = read_record(path)
        if record is None:
            owned, model_name, how = _ownership_at_freeze(
                context, lake_reader, partition, rows, slate, models, worlds, cache
            )
            record, _ = record_once(
                path,
                {
                    "draft_group_id": int(group),
                    "lock_ts": lock_ts.isoformat(),
                    "ownership_of": how,
                    "ownership_model": model_name,
                    "ownership": {
                        str(int(k)): float(v)
                        for k, v in zip(owned["dk_player_id"], owned["ownership"], strict=True)
                    },
                    "written_by_slot": partition.key,
                    "written_by_run": context.run.run_id,
                },
            )
        frozen = {int(k): v for k, v in record["ownership"].items()}
        # A draftable the lock did not see (none should appear after lock) owns nothing.
        out.loc[rows.index, "ownership"] = [frozen.get(int(k), 0.0) for k in rows["dk_player_id"]]
        out.loc[rows.index, "ownership_model"] = str(record["ownership_model"])
    return out


@dg.asset(
    key=contracts.OWNERSHIP_PROJECTIONS.table.key_path,
    ins={
        **{name: dg.AssetIn(dg.AssetKey(path)) for name, path in SLOT_INPUTS.items()},
        "slot_models": dg.AssetIn(dg.AssetKey(gold_contracts.SLOT_MODELS.table.key_path)),
    },
    partitions_def=SLATE_PARTITIONS,
    check_specs=contract_check_specs(contracts.OWNERSHIP_PROJECTIONS),
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name=GROUP,
    kinds={"parquet", "lightgbm"},
    tags={"layer": "gold"},
)
def ownership_projections_asset(
    context: dg.AssetExecutionContext,
    lake_reader: LakeReader,
    dk_slate,
    minutes_projections,
    minutes_features,
    sim_summary,
    slot_models,
) -> Iterator:
    """Projected ownership (percent) of every draft group's players: 800% per group, 0 when ruled out,
    frozen at the group's lock."""
    frames, names = {}, set()
    for key in context.partition_keys:
        partition = parse_key(key)
        model_name = lock.slot_level(
            frame_of_key(slot_models, key), "ownership_model", current_ownership_model(lake_reader)[0]
        )
        model = ownership_model_of(lake_reader, model_name)
        if model is None:
            context.log.warning(
                f"{key}: no ownership model is promoted yet: ownership comes from the value prior "
                "(train one with the train_ownership job; docs/unified.md)"
            )
        slate = frame_of_key(dk_slate, key)
        candidates = unified.ownership_candidates(
            slate,
            frame_of_key(minutes_projections, key),
            frame_of_key(minutes_features, key),
            frame_of_key(sim_summary, key),
        )
        out = candidates[
            ["draft_group_id", "dk_player_id", "player_id", "salary", "dk_mean", "ruled_out"]
        ].copy()
        locks = slate[["draft_group_id", "lock_ts"]].drop_duplicates("draft_group_id")
        out = out.merge(locks, on="draft_group_id", how="left")
        out["salary"] = out["salary"].astype("float64")
        out["value"] = out["dk_mean"] / (out["salary"] / 1000.0)
        out["ownership"] = score_ownership(candidates, model).to_numpy()
        out["ownership_model"] = model_name
        summary = frame_of_key(sim_summary, key)
        worlds = int(summary["worlds"].iloc[0]) if len(summary) else 0
        out = _frozen_ownership(
            context, lake_reader, partition, out, slate, frame_of_key(slot_models, key), worlds
        ).drop(columns=["lock_ts"])
        out.insert(0, "game_date", partition.game_date.isoformat())
        out.insert(1, "as_of_ts", pd.Series([partition.run_as_of_ts] * len(out), dtype=UTC_TS))
        frames[key] = out.reset_index(drop=True)
        names |= set(out["ownership_model"])
    output = frames if len(frames) > 1 else next(iter(frames.values()))
    yield from contract_outputs(
        context, contracts.OWNERSHIP_PROJECTIONS, output, metadata={"ownership_models": sorted(names)}
    )


UNIFIED_INPUTS = {
    **SLOT_INPUTS,
    "ownership_projections": contracts.OWNERSHIP_PROJECTIONS.table.key_path,
    "injuries": silver_contracts.SILVER_INJURIES.table.key_path,
    "lineups": silver_contracts.SILVER_LINEUPS.table.key_path,
    "odds": silver_contracts.SILVER_ODDS.table.key_path,
    "rates_projections": rates_contracts.RATES_PROJECTIONS.table.key_path,
    "slot_models": gold_contracts.SLOT_MODELS.table.key_path,
}


def single_value(frame: pd.DataFrame, column: str) -> str:
    """The single value of `column` (a slot's tables each come from one model run), '' when empty."""
    values = sorted(frame[column].dropna().astype(str).unique())
    if len(values) > 1:
        raise ValueError(f"{column} names {len(values)} runs in one slot: {values}")
    return values[0] if values else ""


def _models_by_game(
    slot_models: pd.DataFrame, minutes: pd.DataFrame, rates: pd.DataFrame, summary: pd.DataFrame
) -> pd.DataFrame:
    """Per game: whether the slot locked it, and the runs its rows actually came from (the tables' own
    columns, so a row never names a run other than the one that scored it)."""

    def runs(frame: pd.DataFrame, column: str, name: str) -> pd.DataFrame:
        return (
            frame[["game_id", column]]
            .astype({"game_id": str})
            .drop_duplicates("game_id")
            .rename(columns={column: name})
        )

    out = slot_models[["game_id", "locked"]].astype({"game_id": str})
    for frame, column, name in (
        (minutes, "model_run_id", "minutes_model_run_id"),
        (rates, "model_run_id", "rates_model_run_id"),
        (summary, "calibration_key", "sim_calibration_key"),
    ):
        out = out.merge(runs(frame, column, name), on="game_id", how="left")
    return out


@dg.asset(
    key=contracts.UNIFIED_PROJECTIONS.table.key_path,
    ins={name: dg.AssetIn(dg.AssetKey(path)) for name, path in UNIFIED_INPUTS.items()},
    partitions_def=SLATE_PARTITIONS,
    check_specs=contract_check_specs(contracts.UNIFIED_PROJECTIONS),
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name=GROUP,
    kinds={"parquet"},
    tags={"layer": "gold"},
)
def unified_projections_asset(
    context: dg.AssetExecutionContext,
    dk_slate,
    minutes_projections,
    minutes_features,
    sim_summary,
    ownership_projections,
    rates_projections,
    injuries,
    lineups,
    odds,
    slot_models,
) -> Iterator:
    """The table a DFS player acts on: one row per draft group and draftable player, with every projection,
    ownership, value, the age of each input and the run of each model used."""
    frames = {}
    for key in context.partition_keys:
        location = PartitionLocation.from_key(key)
        assert location.game_date is not None and location.run_as_of_ts is not None
        as_of = pd.Timestamp(location.run_as_of_ts)
        slate, minutes, summary = (frame_of_key(f, key) for f in (dk_slate, minutes_projections, sim_summary))
        ownership = frame_of_key(ownership_projections, key)
        models = _models_by_game(
            frame_of_key(slot_models, key), minutes, frame_of_key(rates_projections, key), summary
        )
        inj = frame_of_key(injuries, key)
        ages = unified.input_ages(as_of, inj, frame_of_key(lineups, key), frame_of_key(odds, key))
        frames[key] = unified.unified_projections(
            slate,
            minutes,
            summary,
            ownership,
            inj,
            frame_of_key(minutes_features, key)[["team_id", "is_home"]],
            ages,
            models,
            as_of,
            location.game_date.isoformat(),
        )
        context.log.info(
            f"{key}: {len(frames[key])} rows in {slate['draft_group_id'].nunique()} draft groups"
        )
    output = frames if len(frames) > 1 else next(iter(frames.values()))
    yield from contract_outputs(
        context,
        contracts.UNIFIED_PROJECTIONS,
        output,
        metadata={"rows": sum(len(f) for f in frames.values())},
    )


SLATE_UNIFIED_ASSETS = [ownership_projections_asset, unified_projections_asset]


# --------------------------------------------------------------------------- the ownership model

CHECK_BEATS_VALUE = "better_than_value_ranking"
OWNERSHIP_PROMOTION_GATES = (CHECK_NO_WORSE, CHECK_BEATS_VALUE)
# The latest share of the training set's dates is held out to judge the model and gate it.
HOLDOUT_SHARE = 0.3


def _trained_through(lake_reader: LakeReader, minutes_runs: pd.Series, calibration_keys: pd.Series) -> str:
    """The last game date any model behind a slot's projections was trained or calibrated on (a slot
    after some tips holds the locked games' runs beside its own: the latest of all counts)."""
    store = ArtifactStore(lake_reader.lake())
    dates = [key.split("..")[-1] for key in calibration_keys.dropna().astype(str).unique()]
    for run in minutes_runs.dropna().astype(str).unique():
        info = load_minutes_model(str(store.run_dir(MINUTES_MODEL_NAME, run))).info
        dates.append(str(info["calibration_dates"][1]))
    return max(dates)


@dg.asset(
    key=contracts.OWNERSHIP_TRAINING_SET.table.key_path,
    deps=[
        dg.AssetKey(label_contracts.OWNERSHIP_LABELS.table.key_path),
        *(dg.AssetKey(path) for path in SLOT_INPUTS.values()),
    ],
    check_specs=contract_check_specs(contracts.OWNERSHIP_TRAINING_SET),
    group_name=GROUP,
    kinds={"parquet"},
    tags={"layer": "gold"},
)
def ownership_training_set_asset(
    context: dg.AssetExecutionContext, config: TrainingWindow, lake_reader: LakeReader
) -> Iterator:
    """Every past draft group's players as the lake projected them at the last slot before its lock, with
    the ownership the contest standings report: the lake's own live projections, out of sample."""
    start = date.fromisoformat(config.start_date) if config.start_date else None
    end = date.fromisoformat(config.end_date) if config.end_date else None

    def read(contract):
        return lake_reader.read(contract.table, start=start, end=end).frame

    dk = read(silver_contracts.SILVER_DK_SLATE)
    labels = read(label_contracts.OWNERSHIP_LABELS)
    if dk.empty or labels.empty:
        raise ValueError(
            "no DraftKings slates or no ownership labels in the window: run the slate job at the last slot "
            "before each lock and the labels job (contest standings) for those dates first"
        )
    tables = {name: read(c) for name, c in SLOT_CONTRACTS.items()}
    locks = unified.lock_slots(dk[dk["draft_group_id"].isin(labels["draft_group_id"])])
    frames, skipped = [], []
    for as_of, groups in locks.groupby("as_of_ts"):
        at = {name: t[t["as_of_ts"] == as_of] for name, t in tables.items()}
        if at["sim_summary"].empty or at["minutes_projections"].empty:
            skipped += [int(g) for g in groups["draft_group_id"]]
            continue
        slate = dk[(dk["as_of_ts"] == as_of) & dk["draft_group_id"].isin(groups["draft_group_id"])]
        candidates = unified.ownership_candidates(
            slate, at["minutes_projections"], at["minutes_features"], at["sim_summary"]
        )
        through = _trained_through(
            lake_reader, at["minutes_projections"]["model_run_id"], at["sim_summary"]["calibration_key"]
        )
        candidates = candidates.merge(groups, on="draft_group_id")
        candidates["game_date"] = str(at["minutes_projections"]["game_date"].iloc[0])
        candidates["models_trained_through"] = through
        frames.append(candidates)
    if skipped:
        context.log.warning(
            f"{len(skipped)} draft groups have no projections before their lock: {skipped[:20]}"
        )
    if not frames:
        raise ValueError("no draft group of the window has projections at a slot before its lock")
    rows = unified.with_actual_ownership(pd.concat(frames, ignore_index=True), labels)
    rows = ownership_model.ownership_features(rows)
    rows = rows[list(contracts.OWNERSHIP_TRAINING_SET.schema.columns)].sort_values(
        ["draft_group_id", "player_id"]
    )
    metadata = {
        "rows": len(rows),
        "groups": int(rows["draft_group_id"].nunique()),
        "listed": int(rows["listed"].sum()),
        "groups_without_projections": len(skipped),
    }
    yield from contract_outputs(
        context, contracts.OWNERSHIP_TRAINING_SET, rows.reset_index(drop=True), metadata=metadata
    )


def ownership_gates(
    candidate: dict[str, float],
    current: dict[str, float] | None,
    current_run: str | None,
    *,
    ran: dict[str, bool],
) -> list[GateResult]:
    """`no_worse_than_current`: held-out Spearman no lower than the current model's on the same groups
    (none current: passed). `better_than_value_ranking`: held-out Spearman above our value ranking's."""
    if not ran[CHECK_NO_WORSE]:
        status, summary = "not_run", f"{CHECK_NO_WORSE} was not selected in the training run"
    elif current is None:
        status, summary = "passed", "no ownership model was current: nothing to be worse than"
    elif candidate["spearman"] >= current["spearman"]:
        status = "passed"
        summary = f"held-out Spearman {candidate['spearman']:.4f} >= current {current['spearman']:.4f}"
    else:
        status = "failed"
        summary = f"held-out Spearman {candidate['spearman']:.4f} < current {current['spearman']:.4f}"
    no_worse = GateResult(
        name=CHECK_NO_WORSE,
        status=status,
        summary=summary,
        relative_to_current=True,
        baseline_run_id=current_run,
        details={"candidate": candidate, "current": current or {}},
    )
    beats = candidate["spearman"] > candidate["value_spearman"]
    if not ran[CHECK_BEATS_VALUE]:
        status, summary = "not_run", f"{CHECK_BEATS_VALUE} was not selected in the training run"
    else:
        status = "passed" if beats else "failed"
        summary = (
            f"held-out Spearman {candidate['spearman']:.4f} {'>' if beats else '<='} the value ranking's "
            f"{candidate['value_spearman']:.4f}"
        )
    return [no_worse, GateResult(name=CHECK_BEATS_VALUE, status=status, summary=summary, details=candidate)]


def _scored(model: ownership_model.OwnershipModel, rows: pd.DataFrame) -> pd.DataFrame:
    return rows.assign(predicted=_predicted(model, rows))


@dg.asset(
    key=contracts.OWNERSHIP_MODEL_METRICS.table.key_path,
    ins={"training_set": dg.AssetIn(dg.AssetKey(contracts.OWNERSHIP_TRAINING_SET.table.key_path))},
    check_specs=[
        *contract_check_specs(contracts.OWNERSHIP_MODEL_METRICS),
        extra_check_spec(
            contracts.OWNERSHIP_MODEL_METRICS,
            CHECK_NO_WORSE,
            "On held-out dates the within-group Spearman is no lower than the current ownership model's.",
        ),
        extra_check_spec(
            contracts.OWNERSHIP_MODEL_METRICS,
            CHECK_BEATS_VALUE,
            "On held-out dates the within-group Spearman beats ranking the players by our value.",
        ),
    ],
    group_name=GROUP,
    kinds={"lightgbm"},
    tags={"layer": "gold"},
)
def ownership_model_asset(
    context: dg.AssetExecutionContext, lake_reader: LakeReader, training_set: pd.DataFrame
) -> Iterator:
    """Train the ownership model on the earlier dates' listed players, judge it on the latest dates."""
    fit_rows, holdout = minutes.split_dates(training_set, HOLDOUT_SHARE)
    model = ownership_model.train(fit_rows[fit_rows["listed"]])
    model.info.update(
        fit_dates=[str(fit_rows["game_date"].min()), str(fit_rows["game_date"].max())],
        holdout_dates=[str(holdout["game_date"].min()), str(holdout["game_date"].max())],
    )
    candidate = unified.ownership_figures(_scored(model, holdout))
    store = ArtifactStore(lake_reader.lake())
    try:
        current_run, current_dir = store.current(OWNERSHIP_MODEL_NAME)
        current = unified.ownership_figures(_scored(load_model(str(current_dir)), holdout))
    except NoCurrentArtifact:
        current_run, current = None, None
    selected = selected_check_names(context)
    gates = ownership_gates(
        candidate, current, current_run, ran={name: name in selected for name in OWNERSHIP_PROMOTION_GATES}
    )
    run_id = context.run.run_id
    model_dir = store.write(OWNERSHIP_MODEL_NAME, run_id, lambda d: save_model(model, d), gates=gates)
    yield from gate_check_results(gates, model_dir, current_run)
    table = model_metrics_table(run_id, {"holdout": candidate, "current": current})
    metadata = {
        "model_dir": dg.MetadataValue.path(str(model_dir)),
        "holdout": dg.MetadataValue.json(candidate),
    }
    yield from contract_outputs(context, contracts.OWNERSHIP_MODEL_METRICS, table, metadata=metadata)


ownership_model_promotion = build_model_promotion_asset(
    OWNERSHIP_MODEL_NAME,
    contracts.OWNERSHIP_MODEL_METRICS,
    OWNERSHIP_PROMOTION_GATES,
    key=["published", "ownership_model"],
    description=(
        "Make the newly trained ownership model current: only when its gate record shows it no worse than "
        "the model current now and better than ranking by value."
    ),
)

OWNERSHIP_TRAINING_ASSETS = [ownership_training_set_asset, ownership_model_asset, ownership_model_promotion]
UNIFIED_ASSETS = [*SLATE_UNIFIED_ASSETS, *OWNERSHIP_TRAINING_ASSETS]
