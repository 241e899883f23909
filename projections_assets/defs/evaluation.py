"""Evaluation assets (per game_date, once labels exist): accuracy by horizon and the what-if report."""

from collections.abc import Iterator
from datetime import date

import dagster as dg
import pandas as pd

from projections_assets.contracts import gold as contracts
from projections_assets.contracts import labels as label_contracts
from projections_assets.core import evaluation, training
from projections_assets.defs.checks import contract_outputs
from projections_assets.defs.gold import LABEL_LOOKBACK
from projections_assets.defs.partitions import GAME_DATE_PARTITIONS
from projections_assets.defs.resources import LakeReader, OracleResource, partition_inputs_metadata
from projections_assets.platform.contracts import TableContract

GROUP = "gold"


def _picked(projections: pd.DataFrame) -> pd.DataFrame:
    """Each game's projections at its two horizons (the latest slot before each)."""
    slots = training.horizon_slots(projections)
    return projections.merge(slots, on=["game_id", "as_of_ts"], how="inner")


def _evaluation_asset(contract: TableContract):
    """A game_date asset judging that date's projections against its labels."""
    return dg.asset(
        key=contract.table.key_path,
        deps=[
            dg.AssetKey(contracts.MINUTES_PROJECTIONS.table.key_path),
            dg.AssetKey(label_contracts.GAME_LABELS.table.key_path),
        ],
        partitions_def=GAME_DATE_PARTITIONS,
        backfill_policy=dg.BackfillPolicy.single_run(),
        group_name=GROUP,
        kinds={"parquet"},
        tags={"layer": "evaluation"},
    )


@_evaluation_asset(contracts.MINUTES_EVALUATION)
def minutes_evaluation_asset(
    context: dg.AssetExecutionContext, lake_reader: LakeReader, oracle: OracleResource
) -> Iterator:
    """Minutes accuracy of the date's projections at each horizon: model vs oracle, last-5 mean, season average."""
    frames, inputs, summaries = {}, {}, {}
    for key in context.partition_keys:
        day = date.fromisoformat(key)
        proj = lake_reader.read(contracts.MINUTES_PROJECTIONS.table, start=day, end=day)
        labels = lake_reader.read(label_contracts.GAME_LABELS.table, start=day - LABEL_LOOKBACK, end=day)
        inputs[key] = [proj.record, labels.record]
        today = labels.frame[labels.frame["game_date"] == key]
        if proj.frame.empty or today.empty:
            frames[key] = _empty_evaluation()
            summaries[key] = "no projections or no labels yet"
            continue
        rows = _picked(proj.frame).merge(
            today[["game_id", "player_id", "minutes", "played"]], on=["game_id", "player_id"], how="inner"
        )
        rows = evaluation.baselines(rows, labels.frame[labels.frame["game_date"] < key])
        rows = evaluation.with_oracle(rows, oracle.rows(sorted(rows["game_id"].unique())))
        table = []
        for horizon, part in rows.groupby("horizon"):
            roles = part["role"]
            long, overall = evaluation.comparison(part, roles)
            long.insert(0, "horizon", horizon)
            table.append(long)
            summaries.setdefault(key, {})[horizon] = {
                p: {k: v for k, v in f.items() if k != "coverage_by_role"} for p, f in overall.items()
            }
        frame = pd.concat(table, ignore_index=True)
        frame.insert(0, "game_date", key)
        frames[key] = frame[list(contracts.MINUTES_EVALUATION.schema.columns)]
    output = frames if len(frames) > 1 else next(iter(frames.values()))
    metadata = {**partition_inputs_metadata(inputs), "summary": dg.MetadataValue.json(summaries)}
    if len(frames) == 1:
        metadata["table"] = dg.MetadataValue.md(_markdown(next(iter(frames.values()))))
    yield from contract_outputs(context, contracts.MINUTES_EVALUATION, output, metadata=metadata)


def _empty_evaluation() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c: pd.Series(dtype="float64" if c == "value" else str)
            for c in contracts.MINUTES_EVALUATION.schema.columns
        }
    )


def _markdown(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "no evaluation yet"
    overall = frame[frame["role"] == "all"].pivot_table(
        index=["horizon", "predictor"], columns="metric", values="value"
    )
    return overall.round(3).to_markdown()


@_evaluation_asset(contracts.MINUTES_WHAT_IF)
def minutes_what_if_asset(context: dg.AssetExecutionContext, lake_reader: LakeReader) -> Iterator:
    """How projections moved between tip - 2 h and the last slot before tip, and which was closer."""
    frames, summaries = {}, {}
    for key in context.partition_keys:
        day = date.fromisoformat(key)
        proj = lake_reader.read(contracts.MINUTES_PROJECTIONS.table, start=day, end=day).frame
        labels = lake_reader.read(label_contracts.GAME_LABELS.table, start=day, end=day).frame
        if proj.empty:
            frames[key], summaries[key] = _empty_what_if(), {"players": 0}
            continue
        picked = _picked(proj)
        early, late = picked[picked["horizon"] == "tip-2h"], picked[picked["horizon"] == "last"]
        table, summary = evaluation.what_if(early, late, labels)
        table["played"] = table["played"].astype("boolean")
        frames[key], summaries[key] = table[list(contracts.MINUTES_WHAT_IF.schema.columns)], summary
    output = frames if len(frames) > 1 else next(iter(frames.values()))
    yield from contract_outputs(
        context, contracts.MINUTES_WHAT_IF, output, metadata={"summary": dg.MetadataValue.json(summaries)}
    )


def _empty_what_if() -> pd.DataFrame:
    dtypes = {"player_id": "int64", "team_id": "int64", "status_changed": bool, "played": "boolean"}
    return pd.DataFrame(
        {
            c: pd.Series(
                dtype=dtypes.get(
                    c, "float64" if c.startswith(("p50", "exp", "play_prob", "minutes", "delta")) else str
                )
            )
            for c in contracts.MINUTES_WHAT_IF.schema.columns
        }
    )


EVALUATION_ASSETS = [minutes_evaluation_asset, minutes_what_if_asset]
