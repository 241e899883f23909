"""Labels: what actually happened, from final box scores, frozen and versioned.

A game's labels exist once its box score is final (game_status 3). They are
frozen: a rerun that sees the same box score reproduces them exactly (same
version, same freeze time). A source correction (a stat changed after the
game) is a new version of that game's labels with the previous version kept
in the earlier run directory and named in `corrects_sha256`; nothing is
silently overwritten.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from projections_assets.core.scoring import dk_points
from projections_assets.nba.calendar import UTC_TS as TS

FINAL = 3
REGULATION_MINUTES = 240.0
OT_MINUTES = 25.0
# Box-score minutes are rounded per player (to the second, or to the minute in some feeds).
TEAM_MINUTES_SLACK = 1.0

STAT_COLUMNS = (
    "pts",
    "fgm",
    "fga",
    "fg2m",
    "fg2a",
    "fg3m",
    "fg3a",
    "ftm",
    "fta",
    "oreb",
    "dreb",
    "reb",
    "ast",
    "stl",
    "blk",
    "tov",
    "pf",
)
LABEL_COLUMNS: dict[str, str] = {
    "game_id": "str",
    "game_date": "str",
    "tip_ts": TS,
    "periods": "int64",
    "team_id": "int64",
    "team_tricode": "str",
    "opponent_team_id": "int64",
    "is_home": "bool",
    "player_id": "int64",
    "player_name": "str",
    "starter": "bool",
    "played": "bool",
    "status": "str",
    "not_playing_reason": "str",
    "minutes": "float64",
    **dict.fromkeys(STAT_COLUMNS, "int64"),
    "plus_minus": "float64",
    "dk_pts": "float64",
    "label_version": "int64",
    "label_sha256": "str",
    "corrects_sha256": "str",
    "frozen_at": TS,
    "available_at": TS,
}
# The values a correction is about (identity, counts and minutes; not provenance).
_VALUE_COLUMNS = ("player_id", "team_id", "starter", "played", "minutes", *STAT_COLUMNS, "plus_minus")


@dataclass(frozen=True)
class LabelsResult:
    labels: pd.DataFrame
    not_final: list[str] = field(default_factory=list)
    corrected: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)


def _sha(frame: pd.DataFrame) -> str:
    rows = frame.sort_values("player_id")[list(_VALUE_COLUMNS)]
    return hashlib.sha256(rows.to_csv(index=False).encode()).hexdigest()


def empty_labels() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in LABEL_COLUMNS.items()})


def game_labels(box: pd.DataFrame, game_date: str, previous: pd.DataFrame | None = None) -> LabelsResult:
    """Labels of the final games in `box` (bronze box-score rows), versioned against `previous`.

    `previous` is the game date's current labels (None on the first run).
    When a box score was captured more than once, the newest capture counts.
    """
    if box.empty:
        return LabelsResult(empty_labels())
    box = box.sort_values("captured_at").drop_duplicates(["game_id", "person_id"], keep="last")
    final = box[box["game_status"] == FINAL]
    not_final = sorted(set(box["game_id"]) - set(final["game_id"]))
    if final.empty:
        return LabelsResult(empty_labels(), not_final=not_final)
    out = final.rename(columns={"person_id": "player_id", "name": "player_name"}).copy()
    out["game_date"] = game_date
    out["not_playing_reason"] = out["not_playing_reason"].fillna("").astype(str)
    out["minutes"] = out["minutes"].astype("float64").where(out["played"], 0.0)
    out["dk_pts"] = dk_points(out)
    prev_by_game = {} if previous is None or previous.empty else dict(tuple(previous.groupby("game_id")))
    frames, corrected, new = [], [], []
    for game_id, rows in out.groupby("game_id", sort=True):
        rows = rows.copy()
        sha = _sha(rows)
        prior = prev_by_game.get(game_id)
        if prior is not None and prior["label_sha256"].iloc[0] == sha:
            # Unchanged: reproduce the frozen version exactly.
            frames.append(prior[list(LABEL_COLUMNS)])
            continue
        rows["label_sha256"] = sha
        rows["frozen_at"] = pd.to_datetime(rows["captured_at"], utc=True).max()
        if prior is None:
            rows["label_version"], rows["corrects_sha256"] = 1, ""
            new.append(str(game_id))
        else:
            rows["label_version"] = int(prior["label_version"].max()) + 1
            rows["corrects_sha256"] = prior["label_sha256"].iloc[0]
            corrected.append(str(game_id))
        rows["available_at"] = rows["frozen_at"]
        frames.append(rows)
    labels = pd.concat(frames, ignore_index=True)[list(LABEL_COLUMNS)]
    labels = labels.astype({c: t for c, t in LABEL_COLUMNS.items()})
    labels = labels.sort_values(
        ["game_id", "team_id", "starter", "minutes"], ascending=[True, True, False, False]
    )
    return LabelsResult(labels.reset_index(drop=True), not_final=not_final, corrected=corrected, new=new)


@dataclass(frozen=True)
class Completeness:
    """Per team-game: listed players, players who played, minutes played, and what is wrong."""

    table: pd.DataFrame
    problems: pd.DataFrame


def label_completeness(labels: pd.DataFrame, min_listed: int = 8, min_starters: int = 5) -> Completeness:
    """Every final game must have both teams, each with its starters and exactly 240 (+25/OT) minutes.

    This is the check that makes the old system's incomplete training base
    (about 20 rows per date where 150+ existed, docs/design.md) impossible to miss.
    """
    if labels.empty:
        empty = pd.DataFrame(
            columns=["game_id", "team_id", "listed", "played", "starters", "minutes", "expected"]
        )
        return Completeness(empty, empty.assign(problem=pd.Series(dtype=str)))
    per = labels.groupby(["game_id", "team_id"]).agg(
        listed=("player_id", "size"),
        played=("played", "sum"),
        starters=("starter", "sum"),
        minutes=("minutes", "sum"),
        periods=("periods", "max"),
    )
    per["expected"] = REGULATION_MINUTES + OT_MINUTES * np.maximum(per["periods"] - 4, 0)
    per = per.reset_index()
    teams = per.groupby("game_id")["team_id"].transform("size")
    problem = np.select(
        [
            teams != 2,
            per["listed"] < min_listed,
            per["starters"] != min_starters,
            (per["minutes"] - per["expected"]).abs() > TEAM_MINUTES_SLACK,
        ],
        ["one team missing", "too few players listed", "starters != 5", "team minutes != 240 + 25/OT"],
        default="",
    )
    per["problem"] = problem
    return Completeness(per.drop(columns="problem"), per[per["problem"] != ""].reset_index(drop=True))
