"""Training sets: every game's feature rows at its horizons, with what happened.

A game's horizons are report slots: `tip-2h`, the last slot at or before two
hours before tip, and `last`, the last slot before tip. Given snapshots taken
at many slots (`SlateInputs` with `as_of_ts`), `horizon_slots` picks, per
game, the latest available snapshot at or before each horizon, and
`training_rows` builds the features of exactly those (game, as_of) pairs with
the same builder a live partition uses, then attaches the labels.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import numpy as np
import pandas as pd

from projections_assets.core.features import FEATURE_COLUMNS, PlayerHistory, SlateInputs, minutes_features
from projections_assets.nba.calendar import EASTERN_NAME
from projections_assets.nba.calendar import UTC_TS as TS

HORIZONS: dict[str, timedelta] = {"tip-2h": timedelta(hours=2), "last": timedelta(0)}


def horizon_slots(snapshots: pd.DataFrame) -> pd.DataFrame:
    """(game_id, horizon, as_of_ts): per game and horizon, the latest snapshot before it.

    `snapshots` lists the (game_id, as_of_ts, tip_ts) pairs available. `last`
    must be strictly before tip; `tip-2h` at or before tip - 2 h. A game with
    no snapshot early enough has no row for that horizon.
    """
    s = snapshots[["game_id", "as_of_ts", "tip_ts"]].drop_duplicates().copy()
    s["as_of_ts"] = pd.to_datetime(s["as_of_ts"], utc=True).astype(TS)
    s["tip_ts"] = pd.to_datetime(s["tip_ts"], utc=True).astype(TS)
    frames = []
    for name, lead in HORIZONS.items():
        limit = s["tip_ts"] - lead
        ok = (s["as_of_ts"] <= limit) if lead else (s["as_of_ts"] < limit)
        best = s[ok].groupby("game_id", as_index=False)["as_of_ts"].max()
        frames.append(best.assign(horizon=name))
    out = pd.concat(frames, ignore_index=True)[["game_id", "horizon", "as_of_ts"]]
    return out.sort_values(["game_id", "horizon"]).reset_index(drop=True)


def select(inputs: SlateInputs, pairs: pd.DataFrame) -> SlateInputs:
    """The snapshots of the chosen (game_id, as_of_ts) pairs only."""
    keys = pairs[["game_id", "as_of_ts"]].drop_duplicates()
    keys = keys.assign(as_of_ts=pd.to_datetime(keys["as_of_ts"], utc=True).astype(TS))

    def pick(frame: pd.DataFrame) -> pd.DataFrame:
        f = frame.assign(as_of_ts=pd.to_datetime(frame["as_of_ts"], utc=True).astype(TS))
        return f.merge(keys, on=["game_id", "as_of_ts"], how="inner")

    return SlateInputs(
        *(pick(getattr(inputs, name)) for name in ("schedule", "roster", "injuries", "lineups", "odds"))
    )


def with_available_at(features: pd.DataFrame) -> pd.DataFrame:
    """`available_at`: the latest instant whose information a row may hold, min(as_of, tip)."""
    out = features.copy()
    out["available_at"] = out[["as_of_ts", "tip_ts"]].min(axis=1).astype(TS)
    return out


def training_rows(inputs: SlateInputs, labels: pd.DataFrame, horizons: pd.DataFrame) -> pd.DataFrame:
    """Feature rows of every (game, horizon) in `horizons`, with `minutes` and `played` from `labels`.

    Rows of players the box score does not list have no label and are left
    out; `label_coverage` reports how many per date, for the completeness check.
    """
    feats = with_available_at(minutes_features(select(inputs, horizons), labels))
    hz = horizons.assign(as_of_ts=pd.to_datetime(horizons["as_of_ts"], utc=True).astype(TS))
    feats = feats.merge(hz, on=["game_id", "as_of_ts"], how="inner")
    outcome = labels[["game_id", "player_id", "minutes", "played"]].drop_duplicates(["game_id", "player_id"])
    rows = feats.merge(outcome, on=["game_id", "player_id"], how="inner")
    rows["played"] = rows["played"].astype(bool)
    return rows.sort_values(["game_date", "game_id", "horizon", "team_id", "player_id"]).reset_index(
        drop=True
    )


def label_coverage(
    inputs: SlateInputs, horizons: pd.DataFrame, rows: pd.DataFrame, labels: pd.DataFrame
) -> pd.DataFrame:
    """Per game date: games with a horizon, games labelled, roster rows and labelled rows."""
    hz_games = horizons.merge(
        inputs.schedule[["game_id", "game_date"]].drop_duplicates("game_id"), on="game_id"
    )
    per_date = hz_games.groupby("game_date").agg(games=("game_id", "nunique"))
    labelled = labels.groupby(labels["game_date"].astype(str))["game_id"].nunique().rename("games_labelled")
    with_rows = rows.groupby("game_date")["game_id"].nunique().rename("games_with_rows")
    per_date = per_date.join(labelled, how="left").join(with_rows, how="left").fillna(0).astype("int64")
    per_date["missing_games"] = per_date["games"] - np.minimum(per_date["games_with_rows"], per_date["games"])
    return per_date.reset_index()


def partition_features(inputs: SlateInputs, history: PlayerHistory) -> pd.DataFrame:
    """The partition path: one slot's features from its snapshots and the label history.

    The history may hold later dates too: every lookup takes the player's
    newest game strictly before the slot's game date.
    """
    return with_available_at(minutes_features(inputs, history=history))


def parity_problems(
    rows: pd.DataFrame,
    labels: pd.DataFrame,
    load_inputs: Callable[[str], SlateInputs],
    rng: np.random.Generator,
    samples: int,
) -> list[dict]:
    """Rebuild sampled (date, slot) partitions through the partition path; list every difference.

    `rows` are bulk training rows; `load_inputs(key)` reads a partition's silver snapshots.
    """
    pairs = rows[["game_date", "as_of_ts"]].drop_duplicates().reset_index(drop=True)
    picked = pairs.iloc[rng.choice(len(pairs), size=min(samples, len(pairs)), replace=False)]
    problems = []
    cols = list(FEATURE_COLUMNS)
    for pair in picked.itertuples():
        slot = pd.Timestamp(pair.as_of_ts).tz_convert(EASTERN_NAME).strftime("%H:%M")
        key = f"{pair.game_date}|{slot}"
        # As the live partition saw it: only labels of dates before its own.
        earlier = labels[labels["game_date"].astype(str) < pair.game_date]
        live = partition_features(load_inputs(key), PlayerHistory.from_labels(earlier))
        bulk = rows[(rows["game_date"] == pair.game_date) & (rows["as_of_ts"] == pair.as_of_ts)]
        merged = bulk.merge(live, on=["game_id", "player_id"], suffixes=("_bulk", "_live"), how="left")
        missing = int(merged[f"{cols[0]}_live"].isna().sum() - merged[f"{cols[0]}_bulk"].isna().sum())
        if missing > 0:
            problems.append({"partition": key, "rows_missing_from_partition_path": missing})
        for col in cols:
            a, b = merged[f"{col}_bulk"], merged[f"{col}_live"]
            if col == "position_group":
                differ = a.astype(str) != b.astype(str)
            else:
                differ = ~np.isclose(a.astype(float), b.astype(float), equal_nan=True)
            if differ.any():
                problems.append({"partition": key, "column": col, "rows": int(differ.sum())})
    return problems
