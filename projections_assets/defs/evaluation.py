"""Evaluation assets (per game_date, once labels exist): minutes accuracy by horizon, the what-if
report, and DK points accuracy at the last slot before tip."""

from collections.abc import Iterator
from datetime import date

import dagster as dg
import pandas as pd

from projections_assets.contracts import gold as contracts
from projections_assets.contracts import labels as label_contracts
from projections_assets.contracts import sim as sim_contracts
from projections_assets.core import evaluation, points_evaluation, training
from projections_assets.defs.checks import contract_outputs
from projections_assets.defs.gold import LABEL_LOOKBACK
from projections_assets.defs.partitions import GAME_DATE_PARTITIONS
from projections_assets.defs.resources import LakeReader, OracleResource, partition_inputs_metadata
from projections_assets.nba.calendar import EASTERN_NAME
from projections_assets.platform.contracts import TableContract
from projections_assets.platform.lake import DATA_FILE
from projections_assets.platform.reader import current_runs

GROUP = "gold"


def _picked(projections: pd.DataFrame) -> pd.DataFrame:
    """Each game's projections at its two horizons (the latest slot before each)."""
    slots = training.horizon_slots(projections)
    return projections.merge(slots, on=["game_id", "as_of_ts"], how="inner")


def _evaluation_asset(
    contract: TableContract, judged: tuple[TableContract, ...] = (contracts.MINUTES_PROJECTIONS,)
):
    """A game_date asset judging that date's projections (`judged`) against its labels."""
    return dg.asset(
        key=contract.table.key_path,
        deps=[
            *(dg.AssetKey(c.table.key_path) for c in judged),
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


@_evaluation_asset(
    sim_contracts.POINTS_EVALUATION,
    (contracts.MINUTES_PROJECTIONS, sim_contracts.SIM_SUMMARY, sim_contracts.SIM_WORLDS),
)
def points_evaluation_asset(
    context: dg.AssetExecutionContext, lake_reader: LakeReader, oracle: OracleResource
) -> Iterator:
    """DK points accuracy of the date's sim at each game's last slot before tip (`projections eval points`'
    figures for one date): the sim's mean beside the oracle and the baselines, coverage, stat MAEs, and the
    residual correlations of teammates and opponents, simulated and realized."""
    frames, inputs, summaries = {}, {}, {}
    for key in context.partition_keys:
        day = date.fromisoformat(key)
        summary = lake_reader.read(sim_contracts.SIM_SUMMARY.table, start=day, end=day)
        proj = lake_reader.read(contracts.MINUTES_PROJECTIONS.table, start=day, end=day)
        labels = lake_reader.read(label_contracts.GAME_LABELS.table, start=day - LABEL_LOOKBACK, end=day)
        inputs[key] = [summary.record, proj.record, labels.record]
        history = _last_slot(summary.frame, proj.frame)
        rows = (
            points_evaluation.eval_rows(history, labels.frame)
            if not history.empty and (labels.frame["game_date"] == key).any()
            else history.iloc[:0]
        )
        if rows.empty:
            frames[key] = _empty_points_evaluation()
            summaries[key] = "no simulated slot before tip, no labels yet, or no player with 5+ earlier games"
            continue
        rows = evaluation.with_oracle(
            rows, oracle.rows(sorted(rows["game_id"].unique())), points_evaluation.ORACLE_POINTS_COLUMNS
        )
        pairs = _sim_pairs(lake_reader, day, history, rows)
        figures = points_evaluation.points_figures(rows, pairs)
        frame = points_evaluation.long_table(figures)
        frame.insert(0, "game_date", key)
        frames[key] = frame[list(sim_contracts.POINTS_EVALUATION.schema.columns)]
        summaries[key] = figures
    output = frames if len(frames) > 1 else next(iter(frames.values()))
    metadata = {**partition_inputs_metadata(inputs), "summary": dg.MetadataValue.json(summaries)}
    if len(frames) == 1:
        metadata["table"] = dg.MetadataValue.md(_points_markdown(next(iter(frames.values()))))
    yield from contract_outputs(context, sim_contracts.POINTS_EVALUATION, output, metadata=metadata)


def _last_slot(summary: pd.DataFrame, projections: pd.DataFrame) -> pd.DataFrame:
    """Each game's sim summary at its last simulated slot before tip (tips from the minutes projections)."""
    if summary.empty or projections.empty:
        return summary.iloc[:0]
    tips = projections[["game_id", "tip_ts"]].drop_duplicates("game_id")
    slots = training.horizon_slots(summary.merge(tips, on="game_id"))
    last = slots[slots["horizon"] == "last"][["game_id", "as_of_ts"]]
    return summary.merge(last, on=["game_id", "as_of_ts"]).reset_index(drop=True)


def _sim_pairs(
    reader: LakeReader, day: date, history: pd.DataFrame, rows: pd.DataFrame
) -> tuple[points_evaluation.PairMoments, points_evaluation.PairMoments]:
    """The worlds' residual pair moments of the row set's players, read from each picked slot's worlds."""
    lake = reader.lake()
    keys = {(g, int(p)) for g, p in zip(rows["game_id"], rows["player_id"], strict=True)}
    mates, opps = points_evaluation.PairMoments(), points_evaluation.PairMoments()
    runs = {e.partition_key: e for e in current_runs(lake, sim_contracts.SIM_WORLDS.table, day, day)}
    for as_of, part in history.groupby("as_of_ts"):
        slot = pd.Timestamp(as_of).tz_convert(EASTERN_NAME).strftime("%H:%M")
        entry = runs.get(f"{day.isoformat()}|{slot}")
        if entry is None:
            continue
        worlds = pd.read_parquet(
            lake.resolve(entry.path) / DATA_FILE,
            columns=["game_id", "player_id", "world", "dk_q"],
            filters=[("game_id", "in", sorted(part["game_id"].unique()))],
        )
        dk = worlds.pivot(index=["game_id", "player_id"], columns="world", values="dk_q") / 4.0
        part = part.reset_index(drop=True)
        dk = dk.reindex(pd.MultiIndex.from_frame(part[["game_id", "player_id"]]))
        if dk.isna().any().any():
            raise ValueError(f"{sim_contracts.SIM_WORLDS.table} of {day}|{slot} lacks players of its summary")
        in_rows = [(g, int(p)) in keys for g, p in zip(part["game_id"], part["player_id"], strict=True)]
        m, o = points_evaluation.sim_pair_moments(dk.to_numpy(), part, in_rows)
        mates, opps = mates + m, opps + o
    return mates, opps


def _empty_points_evaluation() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c: pd.Series(dtype="float64" if c == "value" else str)
            for c in sim_contracts.POINTS_EVALUATION.schema.columns
        }
    )


def _points_markdown(frame: pd.DataFrame) -> str:
    if frame.empty:
        return "no evaluation yet"
    return (
        frame.pivot_table(index=["predictor", "role"], columns="metric", values="value")
        .round(3)
        .to_markdown()
    )


EVALUATION_ASSETS = [minutes_evaluation_asset, minutes_what_if_asset, points_evaluation_asset]
