"""The sim's inputs from the lake's gold tables, and its calibration as a one-row table.

`slate_players` joins a slot's minutes projections, rates projections and minutes features (home/away)
into `engine.PLAYER_COLUMNS`; `closing_lines` reads each game's posted spread and total off the same
feature rows, so the sim sees exactly the market the models saw at the slot.
"""

from __future__ import annotations

import json

import pandas as pd

from projections_assets.core.sim.engine import (
    GAME_COLUMNS,
    PCT_COLUMNS,
    PLAYER_COLUMNS,
    RATE_COLUMNS,
    SimCalibration,
)

CALIBRATION_COLUMNS: dict[str, str] = {
    "first_date": "str",
    "last_date": "str",
    "games": "int64",
    "games_with_odds": "int64",
    "margin_sd": "float64",
    "pace_sd": "float64",
    "team_pts_sd": "float64",
    "calibration_json": "str",
}


class MissingSimInputs(ValueError):
    """A slot's projections do not line up: players without rates or minutes, or games without teams."""


def closing_lines(feature_rows: pd.DataFrame) -> pd.DataFrame:
    """One row per game (`GAME_COLUMNS`): home and away team, the home spread and the total.

    `feature_rows` are minutes (or rates) feature rows with `is_home`, `team_spread` (the row's team) and
    `game_total`; a game whose rows carry no line gets NaN (the sim then uses the calibration's means).
    """
    rows = feature_rows[["game_id", "team_id", "is_home", "team_spread", "game_total"]].copy()
    rows["is_home"] = rows["is_home"].astype(bool)
    teams = rows.drop_duplicates(["game_id", "team_id"])
    home = teams[teams["is_home"]].set_index("game_id")
    away = teams[~teams["is_home"]].set_index("game_id")
    games = pd.DataFrame(
        {
            "home_team_id": home["team_id"].astype("int64"),
            "spread_home": home["team_spread"].astype("float64"),
            "total": home["game_total"].astype("float64"),
        }
    ).join(away["team_id"].rename("away_team_id").astype("int64"), how="inner")
    lonely = sorted(set(teams["game_id"]) - set(games.index))
    if lonely:
        raise MissingSimInputs(f"games without both a home and an away team in the feature rows: {lonely}")
    games = games.reset_index().rename(columns={"index": "game_id"})
    games["game_id"] = games["game_id"].astype(str)
    return games[list(GAME_COLUMNS)].sort_values("game_id").reset_index(drop=True)


def slate_players(
    minutes_projections: pd.DataFrame,
    rates_projections: pd.DataFrame,
    minutes_features: pd.DataFrame,
    salaries: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per rostered player (`engine.PLAYER_COLUMNS`, plus `salary` when `salaries` is given).

    Every player of the minutes projections must have rates and a feature row: a gap means the slot's
    tables came from different inputs, and the sim refuses rather than silently dropping a player.
    """
    keys = ["game_id", "player_id"]
    minutes = minutes_projections[
        ["game_id", "team_id", "player_id", "status", "role", "play_prob", "p10", "p50", "p90", "exp_minutes"]
    ]
    rates = rates_projections[[*keys, *RATE_COLUMNS, *PCT_COLUMNS]]
    home = minutes_features[[*keys, "is_home"]].drop_duplicates(keys)
    out = minutes.merge(rates, on=keys, how="left", validate="one_to_one").merge(
        home, on=keys, how="left", validate="one_to_one"
    )
    gaps = out[out[[*RATE_COLUMNS, *PCT_COLUMNS, "is_home"]].isna().any(axis=1)]
    if len(gaps):
        raise MissingSimInputs(
            f"{len(gaps)} players of the minutes projections have no rates or feature row, e.g. "
            f"{gaps[keys].head(5).to_dict('records')}"
        )
    out["is_home"] = out["is_home"].astype(bool)
    out["game_id"] = out["game_id"].astype(str)
    columns = list(PLAYER_COLUMNS)
    if salaries is not None:
        salary = salaries[["player_id", "salary"]].drop_duplicates("player_id")
        out = out.merge(salary, on="player_id", how="left")
        out["salary"] = out["salary"].astype("Int64")
        columns.append("salary")
    return out[columns].sort_values(["game_id", "team_id", "player_id"]).reset_index(drop=True)


def calibration_row(calibration: SimCalibration, first_date: str, last_date: str) -> pd.DataFrame:
    """The calibration as the one-row table of `gold/sim_calibration` (the whole record in JSON)."""
    info = calibration.info
    row = {
        "first_date": first_date,
        "last_date": last_date,
        "games": int(info.get("games", 0)),  # type: ignore[call-overload]
        "games_with_odds": int(info.get("games_with_odds", 0)),  # type: ignore[call-overload]
        "margin_sd": calibration.margin_sd,
        "pace_sd": calibration.pace_sd,
        "team_pts_sd": calibration.team_pts_sd,
        "calibration_json": json.dumps(calibration.to_dict(), sort_keys=True),
    }
    return pd.DataFrame([row]).astype(CALIBRATION_COLUMNS)


def calibration_of_row(table: pd.DataFrame) -> SimCalibration:
    """The calibration stored by `calibration_row`."""
    if len(table) != 1:
        raise ValueError(f"gold/sim_calibration holds {len(table)} rows; exactly one is expected")
    return SimCalibration.from_dict(json.loads(str(table["calibration_json"].iloc[0])))


def calibration_key(table: pd.DataFrame) -> str:
    """How a calibration row (`gold/sim_calibration`) is named in the tables it scored: its label window."""
    row = table.iloc[0]
    return f"{row['first_date']}..{row['last_date']}"
