"""The sim's inputs from gold tables: closing lines, the joined player frame, the calibration row."""

from __future__ import annotations

import pandas as pd
import pytest

from projections_assets.core.sim.engine import GAME_COLUMNS, PLAYER_COLUMNS, RATE_COLUMNS, SimCalibration
from projections_assets.core.sim.inputs import (
    MissingSimInputs,
    calibration_of_row,
    calibration_row,
    closing_lines,
    slate_players,
)

FEATURES = pd.DataFrame(
    {
        "game_id": ["g1", "g1", "g1", "g2", "g2"],
        "team_id": [1, 1, 2, 3, 4],
        "player_id": [10, 11, 20, 30, 40],
        "is_home": [1, 1, 0, 0, 1],
        "team_spread": [-4.5, -4.5, 4.5, 2.0, -2.0],
        "game_total": [231.5, 231.5, 231.5, float("nan"), float("nan")],
    }
)


def test_closing_lines_read_the_home_spread_and_total_once_per_game() -> None:
    games = closing_lines(FEATURES)
    assert list(games.columns) == list(GAME_COLUMNS)
    g1, g2 = games.to_dict("records")
    assert g1 == {"game_id": "g1", "home_team_id": 1, "away_team_id": 2, "spread_home": -4.5, "total": 231.5}
    assert g2["home_team_id"] == 4 and g2["spread_home"] == -2.0 and pd.isna(g2["total"])


def test_a_game_with_one_side_is_refused() -> None:
    with pytest.raises(MissingSimInputs, match="g2"):
        closing_lines(FEATURES[FEATURES["team_id"] != 3])


def _minutes(ids: list[int]) -> pd.DataFrame:
    game = {10: "g1", 11: "g1", 20: "g1", 30: "g2", 40: "g2"}
    team = {10: 1, 11: 1, 20: 2, 30: 3, 40: 4}
    return pd.DataFrame(
        {
            "game_id": [game[i] for i in ids],
            "team_id": [team[i] for i in ids],
            "player_id": ids,
            "status": "Available",
            "role": "starter",
            "play_prob": 1.0,
            "p10": 20.0,
            "p50": 30.0,
            "p90": 36.0,
            "exp_minutes": 30.0,
        }
    )


def _rates(ids: list[int]) -> pd.DataFrame:
    frame = _minutes(ids)[["game_id", "player_id"]]
    for column in RATE_COLUMNS:
        frame[column] = 0.1
    return frame.assign(pct_fg2=0.5, pct_fg3=0.35, pct_ft=0.8)


def test_slate_players_join_minutes_rates_home_and_salary() -> None:
    ids = [10, 11, 20, 30, 40]
    salaries = pd.DataFrame({"player_id": [10, 10, 30], "salary": [9000, 9000, 5000]})
    players = slate_players(_minutes(ids), _rates(ids), FEATURES, salaries=salaries)
    assert list(players.columns) == [*PLAYER_COLUMNS, "salary"]
    assert players["player_id"].tolist() == ids
    assert players["is_home"].tolist() == [True, True, False, False, True]
    assert players["salary"].tolist()[:1] == [9000] and pd.isna(players["salary"].iloc[1])


def test_a_player_without_rates_is_refused_not_dropped() -> None:
    with pytest.raises(MissingSimInputs, match="1 players"):
        slate_players(_minutes([10, 11, 20]), _rates([10, 20]), FEATURES)


def test_the_calibration_row_round_trips() -> None:
    calibration = SimCalibration(
        margin_sd=13.1,
        total_sd=18.0,
        pace_sd=0.04,
        dispersion={"fg2a": 0.1, "ast": 0.12},
        blowout_slope=0.01,
        overtime_prob=0.06,
        overtime_more_prob=0.2,
        info={"games": 120, "games_with_odds": 118},
        team_pts_sd=11.5,
    )
    row = calibration_row(calibration, "2025-10-21", "2026-04-12")
    assert row[["games", "games_with_odds"]].iloc[0].tolist() == [120, 118]
    assert calibration_of_row(row) == calibration
