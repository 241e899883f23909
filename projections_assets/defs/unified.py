"""Ownership and unified projections of a slot, and the ownership model they score with.

`gold/ownership_projections` scores each draft group's players with the promoted ownership model
(`gold/ownership_model`, trained by the `train_ownership` job on the lake's own out-of-sample
projections at each past group's lock); a lake with none promoted yet falls back to the documented
value prior and names it in every row. `gold/unified_projections` joins the slot's minutes
projections, sim summary and ownership onto every DraftKings draftable (core.unified).
"""

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import dagster as dg
import pandas as pd

from projections_assets.contracts import gold as gold_contracts
from projections_assets.contracts import rates as rates_contracts
from projections_assets.contracts import silver as silver_contracts
from projections_assets.contracts import sim as sim_contracts
from projections_assets.contracts import unified as contracts
from projections_assets.core import ownership_model, unified
from projections_assets.defs.checks import contract_check_specs, contract_outputs
from projections_assets.defs.gold import frame_of_key
from projections_assets.defs.partitions import SLATE_PARTITIONS
from projections_assets.defs.resources import LakeReader
from projections_assets.nba.calendar import UTC_TS
from projections_assets.platform.artifacts import ArtifactStore, NoCurrentArtifact
from projections_assets.platform.lake import PartitionLocation

GROUP = "gold"
OWNERSHIP_MODEL_NAME = "ownership"
BOOSTER_FILE = "booster.txt"
INFO_FILE = "ownership_model.json"


def save_model(model: ownership_model.OwnershipModel, directory: Path) -> None:
    """The booster as LightGBM's text format and its feature list and training info as JSON."""
    import json

    model.booster.save_model(str(directory / BOOSTER_FILE))
    (directory / INFO_FILE).write_text(json.dumps({"features": model.features, "info": model.info}, indent=2))


@lru_cache(maxsize=4)
def load_model(path: str) -> ownership_model.OwnershipModel:
    """A model directory, loaded once per process (directories are immutable)."""
    import json

    import lightgbm as lgb

    meta = json.loads((Path(path) / INFO_FILE).read_text())
    booster = lgb.Booster(model_file=str(Path(path) / BOOSTER_FILE))
    return ownership_model.OwnershipModel(booster, features=meta["features"], info=meta["info"])


def current_ownership_model(lake_reader: LakeReader) -> tuple[str, ownership_model.OwnershipModel | None]:
    """(name, model) of the promoted ownership model, or (VALUE_PRIOR, None) when none is promoted."""
    try:
        run_id, directory = ArtifactStore(lake_reader.lake()).current(OWNERSHIP_MODEL_NAME)
    except NoCurrentArtifact:
        return unified.VALUE_PRIOR, None
    return run_id, load_model(str(directory))


def score_ownership(
    candidates: pd.DataFrame, model_name: str, model: ownership_model.OwnershipModel | None
) -> pd.Series:
    """Ownership in percent per candidate row: the model's, or the value prior without one."""
    if candidates.empty:
        return pd.Series(dtype="float64", index=candidates.index)
    if model is None:
        return unified.value_prior(candidates)
    rows = ownership_model.ownership_features(candidates)
    return unified.with_ruled_out_at_zero(candidates, ownership_model.predict(model, rows))


SLOT_INPUTS = {
    "dk_slate": silver_contracts.SILVER_DK_SLATE.table.key_path,
    "minutes_projections": gold_contracts.MINUTES_PROJECTIONS.table.key_path,
    "minutes_features": gold_contracts.MINUTES_FEATURES.table.key_path,
    "sim_summary": sim_contracts.SIM_SUMMARY.table.key_path,
}


@dg.asset(
    key=contracts.OWNERSHIP_PROJECTIONS.table.key_path,
    ins={name: dg.AssetIn(dg.AssetKey(path)) for name, path in SLOT_INPUTS.items()},
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
) -> Iterator:
    """Projected ownership (percent) of every draft group's players: 800% per group, 0 when ruled out."""
    model_name, model = current_ownership_model(lake_reader)
    if model is None:
        context.log.warning(
            "no ownership model is promoted yet: ownership comes from the value prior "
            "(train one with the train_ownership job; docs/unified.md)"
        )
    frames = {}
    for key in context.partition_keys:
        location = PartitionLocation.from_key(key)
        candidates = unified.ownership_candidates(
            frame_of_key(dk_slate, key),
            frame_of_key(minutes_projections, key),
            frame_of_key(minutes_features, key),
            frame_of_key(sim_summary, key),
        )
        out = candidates[
            ["draft_group_id", "dk_player_id", "player_id", "salary", "dk_mean", "ruled_out"]
        ].copy()
        out["salary"] = out["salary"].astype("float64")
        out["value"] = out["dk_mean"] / (out["salary"] / 1000.0)
        out["ownership"] = score_ownership(candidates, model_name, model).to_numpy()
        out["ownership_model"] = model_name
        out.insert(0, "game_date", location.game_date.isoformat() if location.game_date else "")
        out.insert(1, "as_of_ts", pd.Series([location.run_as_of_ts] * len(out), dtype=UTC_TS))
        frames[key] = out.reset_index(drop=True)
    output = frames if len(frames) > 1 else next(iter(frames.values()))
    yield from contract_outputs(
        context, contracts.OWNERSHIP_PROJECTIONS, output, metadata={"ownership_model": model_name}
    )


UNIFIED_INPUTS = {
    **SLOT_INPUTS,
    "ownership_projections": contracts.OWNERSHIP_PROJECTIONS.table.key_path,
    "rates_projections": rates_contracts.RATES_PROJECTIONS.table.key_path,
    "injuries": silver_contracts.SILVER_INJURIES.table.key_path,
    "lineups": silver_contracts.SILVER_LINEUPS.table.key_path,
    "odds": silver_contracts.SILVER_ODDS.table.key_path,
}


def _one(frame: pd.DataFrame, column: str) -> str:
    """The single value of `column` (a slot's tables each come from one model run), '' when empty."""
    values = sorted(frame[column].dropna().astype(str).unique())
    if len(values) > 1:
        raise ValueError(f"{column} names {len(values)} runs in one slot: {values}")
    return values[0] if values else ""


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
        models = {
            "minutes_model_run_id": _one(minutes, "model_run_id"),
            "rates_model_run_id": _one(frame_of_key(rates_projections, key), "model_run_id"),
            "sim_calibration_key": _one(summary, "calibration_key"),
            "ownership_model": _one(ownership, "ownership_model"),
        }
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
UNIFIED_ASSETS = [*SLATE_UNIFIED_ASSETS]
