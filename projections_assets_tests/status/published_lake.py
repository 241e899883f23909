"""A small published lake for the status service's tests, written with the lake's own writers and contracts.

Two draft groups on one slot (the main one has two games, the other one), a player ruled Out, "what changed"
rows, and the bronze injury report rows of two reports; the slot is published as a slate exactly as the
slate job publishes it (member runs verified from their manifests). Seconds to build, no league.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from projections_assets.contracts.published import SLATE_PUBLICATION
from projections_assets.contracts.sources import BRONZE_INJURY_REPORTS
from projections_assets.contracts.unified import UNIFIED_PROJECTIONS, WHAT_CHANGED
from projections_assets.core.unified import DK_QUANTILES, INPUT_GROUPS, MODEL_COLUMNS, UNIFIED_COLUMNS
from projections_assets.nba.calendar import UTC_TS
from projections_assets.partitions import parse_key
from projections_assets.platform.lake import Lake, PartitionLocation
from projections_assets.platform.publish import publish_partition, publish_slate

GAME_DATE = "2026-01-11"
SLOT = "18:45"
KEY = f"{GAME_DATE}|{SLOT}"
SLOT_TS = parse_key(KEY).run_as_of_ts
MAIN_GROUP = 140001
OTHER_GROUP = 140002
# The newest report stamped 15 minutes before the slot, an older one an hour before.
NEWEST_REPORT_TS = SLOT_TS - timedelta(minutes=15)
OUT_PLAYER = "Jalen Out"
# Who moved since the previous slot, and why (the largest part).
CHANGED_PLAYER_ID = 1003
CHANGE_DETAIL = "teammate Jalen Out ruled Out at 18:30"

_GAMES = {"0022600001": ("BOS", "NYK"), "0022600002": ("LAL", "DEN")}


def _ts(value: datetime, n: int) -> pd.Series:
    return pd.Series([value] * n).astype(UTC_TS)


def unified_table() -> pd.DataFrame:
    """A contract-valid unified table: 12 players of two games in the main group, 8 of one game in the other."""
    rows = []
    rng = np.random.default_rng(5)
    for group, games in ((MAIN_GROUP, list(_GAMES)), (OTHER_GROUP, list(_GAMES)[:1])):
        players = [(g, i) for g in games for i in range(12 // len(games) if group == MAIN_GROUP else 8)]
        for n, (game, i) in enumerate(players):
            team, opp = _GAMES[game][i % 2], _GAMES[game][1 - i % 2]
            pid = 1000 + list(_GAMES).index(game) * 100 + i
            out = group == MAIN_GROUP and pid == 1001
            mean = 0.0 if out else float(np.round(12 + 40 * rng.random(), 2))
            rows.append(
                {
                    "draft_group_id": group,
                    "draftable_id": group * 1000 + n,
                    "dk_player_id": 500000 + pid,
                    "player_id": pid,
                    "name": OUT_PLAYER if out else f"Player {pid}",
                    "team": team,
                    "team_id": 1610612700 + ord(team[0]),
                    "opponent": opp,
                    "home_team": _GAMES[game][0],
                    "game_id": game,
                    "competition_id": 9000 + list(_GAMES).index(game),
                    "dk_position": "PG" if i % 2 else "C",
                    "roster_slots": "PG/G/UTIL" if i % 2 else "C/UTIL",
                    "salary": int(3000 + 100 * ((pid * 37) % 80)),
                    "status": "Out" if out else "Available",
                    "reason": "Injury/Illness - Left Ankle; Sprain" if out else "",
                    "dk_status": "OUT" if out else "None",
                    "role": "starter" if i < 5 else "bench",
                    "mean": mean,
                }
            )
    df = pd.DataFrame(rows)
    n = len(df)
    mean = df.pop("mean")
    out = df["status"] == "Out"
    df["game_date"] = GAME_DATE
    df["as_of_ts"] = _ts(SLOT_TS, n)
    df["slate"] = np.where(df["draft_group_id"] == MAIN_GROUP, "main", "late")
    df["lock_ts"] = _ts(SLOT_TS + timedelta(hours=4), n)
    df["tip_ts"] = _ts(SLOT_TS + timedelta(hours=4), n)
    df["fppg"] = mean
    df["locked"] = False
    df["minutes_p50"] = np.where(out, 0.0, 18 + mean / 3)
    df["minutes_p10"] = np.where(out, 0.0, df["minutes_p50"] - 6)
    df["minutes_p90"] = np.where(out, 0.0, df["minutes_p50"] + 5)
    df["play_prob"] = np.where(out, 0.0, 0.97)
    df["exp_minutes"] = df["minutes_p50"] * df["play_prob"]
    df["dk_mean"] = mean
    df["dk_sd"] = np.where(out, 0.0, 0.3 * mean)
    for k, q in enumerate(DK_QUANTILES):
        df[q] = np.where(out, 0.0, mean * (0.5 + 0.25 * k))
    df["dk_p_zero"] = np.where(out, 1.0, 0.02)
    df["p_value"] = np.where(out, 0.0, 0.2)
    weights = mean.where(~out, 0.0)
    df["ownership"] = 800.0 * weights / weights.groupby(df["draft_group_id"]).transform("sum")
    df["value"] = mean / (df["salary"] / 1000.0)
    for g in INPUT_GROUPS:
        df[f"{g}_ts"] = _ts(SLOT_TS - timedelta(minutes=15), n)
        df[f"{g}_age_minutes"] = 15.0
    for name in MODEL_COLUMNS:
        df[name] = "model-run-1"
    df["player_id"] = df["player_id"].astype("Int64")
    df["team_id"] = df["team_id"].astype("Int64")
    return df[list(UNIFIED_COLUMNS)]


def what_changed_table() -> pd.DataFrame:
    base = SLOT_TS - timedelta(minutes=15)
    parts = [("teammates_status", 3.2, CHANGE_DETAIL), ("time_to_tip", -0.2, "")]
    return pd.DataFrame(
        {
            "game_date": GAME_DATE,
            "as_of_ts": _ts(SLOT_TS, 2),
            "base_as_of_ts": _ts(base, 2),
            "player_id": [CHANGED_PLAYER_ID] * 2,
            "player_name": [f"Player {CHANGED_PLAYER_ID}"] * 2,
            "team": ["NYK"] * 2,
            "game_id": ["0022600001"] * 2,
            "group": [p[0] for p in parts],
            "order": [5, 7],
            "part": [p[1] for p in parts],
            "base_mean": [20.0] * 2,
            "current_mean": [23.0] * 2,
            "total": [3.0] * 2,
            "detail": [p[2] for p in parts],
            "base_models": ["model-run-1"] * 2,
            "current_models": ["model-run-1"] * 2,
        }
    )


def injury_reports_table(stamps: list[datetime]) -> pd.DataFrame:
    n = len(stamps)
    return pd.DataFrame(
        {
            "report_ts": pd.Series(stamps).astype(UTC_TS),
            "report_name": [f"Injury-Report_{GAME_DATE}_{i}.pdf" for i in range(n)],
            "row_index": np.arange(n, dtype="int64"),
            "game_date": GAME_DATE,
            "game_time_et": "07:00 (ET)",
            "game_time_raw": "07:00 (ET)",
            "matchup": "BOS@NYK",
            "team": "Boston Celtics",
            "player_name": "Out, Jalen",
            "status": "Out",
            "reason": "Injury/Illness - Left Ankle; Sprain",
            "page": np.ones(n, dtype="int64"),
            "source_url": "https://example.invalid/report.pdf",
            "content_sha256": "0" * 64,
            "blob_path": "blobs/00/report.pdf",
            "captured_at": pd.Series(stamps).astype(UTC_TS),
            "available_at": pd.Series(stamps).astype(UTC_TS),
        }
    )


def build_published_lake(lake: Lake, *, publish: bool = True) -> Lake:
    """Write the slot's unified table, its "what changed", the bronze reports, and (by default) publish it."""
    where = PartitionLocation.from_key(KEY)
    publish_partition(
        lake, UNIFIED_PROJECTIONS.table, where, "unified-1", unified_table(), UNIFIED_PROJECTIONS
    )
    publish_partition(lake, WHAT_CHANGED.table, where, "what-changed-1", what_changed_table(), WHAT_CHANGED)
    publish_partition(
        lake,
        BRONZE_INJURY_REPORTS.table,
        where,
        "reports-1",
        injury_reports_table([NEWEST_REPORT_TS - timedelta(minutes=45), NEWEST_REPORT_TS]),
        BRONZE_INJURY_REPORTS,
    )
    if publish:
        publish_slate(lake, [UNIFIED_PROJECTIONS.table], where, "slate-1", SLATE_PUBLICATION)
    return lake
