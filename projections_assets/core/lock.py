"""Lock and late swap: which model runs score each game of a slot, and when a game's rows freeze.

A slot's models are recorded by its first run and read back by every rerun, so a rerun of a
partition scores with the same runs even after a promotion. A game whose tip is at or before the
slot's instant is locked: its inputs are already cut at its tip (core.snapshots) and its clock stops
there (core.features caps the time to tip at 0), and it is scored with the models of its lock
record, written once by the first slot at or after its tip: the models recorded by its freeze slot
(the last slot of the grid at or before the tip) when that slot ran, else the models of the slot
writing it. So a tipped game's rows in every later slot equal what its freeze slot gives, while the
other games keep updating. A draft group's ownership freezes at its lock (its first tip) the same
way (defs.unified).

Pure pandas, no Dagster.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta

import pandas as pd

from projections_assets.nba.calendar import UTC_TS
from projections_assets.partitions import SlatePartition, slot_for, slot_window

# `models_of` of an unlocked game: the slot's own runs; of a locked one LOCK_PREFIX + the slot whose
# recorded models its lock record holds.
THIS_SLOT = "this slot"
LOCK_PREFIX = "lock record: models of "


@dataclass(frozen=True)
class ModelSet:
    """The model runs one game is scored with."""

    minutes_run_id: str
    rates_run_id: str
    sim_calibration_run_id: str
    sim_calibration_key: str
    ownership_model: str

    def to_record(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_record(cls, record: Mapping[str, object]) -> ModelSet:
        return cls(**{f.name: str(record[f.name]) for f in fields(cls)})


MODEL_FIELDS = tuple(f.name for f in fields(ModelSet))
SLOT_MODEL_COLUMNS = ("game_date", "as_of_ts", "game_id", "tip_ts", "locked", *MODEL_FIELDS, "models_of")


def freeze_slot(tip: datetime) -> SlatePartition:
    """The last slot of the grid at or before `tip`: the slot whose rows a tipped game keeps."""
    covering = slot_for(tip)
    if covering.run_as_of_ts <= tip:
        return covering
    # The slot before: the start of the covering slot's window is exactly its instant.
    return slot_for(slot_window(covering)[0])


def is_locked(tip: datetime | pd.Timestamp, as_of: datetime | pd.Timestamp) -> bool:
    """Whether a game is locked in a slot: its tip is at or before the slot's instant."""
    return pd.Timestamp(tip) <= pd.Timestamp(as_of)


# (game_id, tip) -> the game's lock record's models and whose they are; writes the record if missing.
LockRecords = Callable[[str, pd.Timestamp], tuple[ModelSet, str]]


def slot_models(
    games: pd.DataFrame,
    partition: SlatePartition,
    current: ModelSet,
    recorded: pd.DataFrame | None,
    locks: LockRecords,
) -> pd.DataFrame:
    """One row per game of the slot (`games`: game_id, tip_ts): the model runs that score it.

    Locked games take their lock record's; the others the slot's recorded runs (`recorded`: the
    partition's earlier `gold/slot_models`, None on a first run or a re-record), else `current`.
    """
    as_of = pd.Timestamp(partition.run_as_of_ts)
    before = {} if recorded is None else {str(r["game_id"]): r for r in recorded.to_dict("records")}
    rows = []
    for game in games.drop_duplicates("game_id").sort_values("game_id").itertuples():
        game_id, tip = str(game.game_id), pd.Timestamp(game.tip_ts)
        if is_locked(tip, as_of):
            models, models_of = locks(game_id, tip)
        elif game_id in before:
            models, models_of = ModelSet.from_record(before[game_id]), THIS_SLOT
        else:
            models, models_of = current, THIS_SLOT
        rows.append(
            {
                "game_id": game_id,
                "tip_ts": tip,
                "locked": is_locked(tip, as_of),
                **models.to_record(),
                "models_of": models_of,
            }
        )
    out = pd.DataFrame(rows, columns=[c for c in SLOT_MODEL_COLUMNS if c not in ("game_date", "as_of_ts")])
    out.insert(0, "game_date", partition.game_date.isoformat())
    out.insert(1, "as_of_ts", pd.Series([as_of] * len(out), dtype=UTC_TS))
    out["tip_ts"] = pd.to_datetime(out["tip_ts"], utc=True).astype(UTC_TS)
    out["locked"] = out["locked"].astype(bool)
    # Typed even when the slot has no games (an empty frame's columns would be untyped).
    out = out.astype({c: str for c in ("game_id", *MODEL_FIELDS, "models_of")})
    return out.reset_index(drop=True)


def lock_models(
    game_id: str,
    tip: pd.Timestamp,
    freeze_record: pd.DataFrame | None,
    current: ModelSet,
    writer: SlatePartition,
) -> tuple[ModelSet, str]:
    """What a game's lock record holds when first written, and its `models_of`: the freeze slot's
    recorded runs for the game when that slot ran (`freeze_record`: its `gold/slot_models`), else
    `current`, the runs of the slot writing the record (`writer`)."""
    if freeze_record is not None:
        row = freeze_record[freeze_record["game_id"].astype(str) == game_id]
        if not row.empty:
            return ModelSet.from_record(row.iloc[0].to_dict()), LOCK_PREFIX + freeze_slot(tip).key
    return current, LOCK_PREFIX + writer.key


def runs_by_game(models: pd.DataFrame, column: str) -> dict[str, str]:
    """game_id -> the run of `column` (one of MODEL_FIELDS) in a slot's `gold/slot_models`."""
    return dict(zip(models["game_id"].astype(str), models[column].astype(str), strict=True))


def slot_level(models: pd.DataFrame, column: str, fallback: str) -> str:
    """The slot's own run of `column`: the unlocked games' (all agree), else `fallback`."""
    values = sorted(set(models.loc[~models["locked"], column].astype(str)))
    if len(values) > 1:
        raise ValueError(f"{column} names {len(values)} runs for the slot's unlocked games: {values}")
    return values[0] if values else fallback


def by_run(
    frame: pd.DataFrame,
    runs: Mapping[str, str],
    default: str,
    score: Callable[[str, pd.DataFrame], pd.DataFrame],
) -> pd.DataFrame:
    """`score(run, rows)` of each game's rows with its run (`runs`: game_id -> run; missing: `default`).

    One call when every game shares a run (the common case: nothing locked, or nothing promoted
    since the lock); else one per run, concatenated in order of each run's first game in `frame`.
    """
    run_of = frame["game_id"].astype(str).map(dict(runs)).fillna(default)
    order = list(dict.fromkeys(run_of)) or [default]
    if len(order) == 1:
        return score(order[0], frame)
    return pd.concat([score(run, frame[run_of == run]) for run in order], ignore_index=True)


def score_by_game(
    frame: pd.DataFrame,
    models: pd.DataFrame,
    column: str,
    fallback: str,
    score: Callable[[str, pd.DataFrame], pd.DataFrame],
) -> pd.DataFrame:
    """`by_run` over a slot's `gold/slot_models` (`models`): each game with its run of `column`; a game
    the table does not list takes the slot's own run, else `fallback`."""
    return by_run(frame, runs_by_game(models, column), slot_level(models, column, fallback), score)


def freezes_due(games: pd.DataFrame, now: datetime, lead: timedelta) -> list[tuple[str, pd.Timestamp]]:
    """(game_id, tip) of each game (`games`: game_id, tip_ts) whose pre-tip freeze is due at `now`:
    its tip is after `now` and at most `lead` away. A tipped game is left to the first slot at or after
    its tip, which writes its lock record as before."""
    out = []
    now_ts = pd.Timestamp(now)
    for game in games.drop_duplicates("game_id").sort_values(["tip_ts", "game_id"]).itertuples():
        tip = pd.Timestamp(game.tip_ts)
        if now_ts < tip <= now_ts + lead:
            out.append((str(game.game_id), tip))
    return out
