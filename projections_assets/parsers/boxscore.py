"""Parse a cdn.nba.com liveData box score (`boxscore_{gameId}.json`) into one row per player.

Output columns (`BOXSCORE_COLUMNS`, in order):

- `game_id` (str), `game_status` (int64, 3 = final), `periods` (int64, > 4 means overtime),
  `tip_ts` (datetime64[ns, UTC], from `gameTimeUTC`)
- `team_id` (int64), `team_tricode` (str), `is_home` (bool), `opponent_team_id` (int64)
- `person_id` (int64), `name`, `first_name`, `family_name`, `jersey_num` (str), `order` (int64)
- `position` (str, missing for bench players: the payload gives it to starters only)
- `starter`, `played` (bool), `status` (str, "ACTIVE"/"INACTIVE")
- `not_playing_reason`, `not_playing_description` (str, missing when the player played or no reason
  was given), e.g. "DNP_INJURY" / "N/A; Non-Covid Illness"
- `minutes` (float64, from the ISO duration `PT34M12.00S`)
- counting stats (int64): `pts`, `fgm`, `fga`, `fg2m`, `fg2a`, `fg3m`, `fg3a`, `ftm`, `fta`,
  `oreb`, `dreb`, `reb`, `ast`, `stl`, `blk`, `tov`, `pf`, `blocks_received`, `fouls_drawn`,
  `fouls_offensive`, `fouls_technical`, `points_fast_break`, `points_in_the_paint`,
  `points_second_chance`
- `plus_minus`, `plus`, `minus` (float64)

This module also owns the ISO-8601 duration conversion both ways, which the
league's box score renderer uses, so the two can never disagree.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from projections_assets.nba.durations import iso_duration_minutes
from projections_assets.parsers.errors import (
    UTC_TS,
    ParseError,
    build_frame,
    join_path,
    load_json,
    maybe,
    need,
    need_list,
    need_nonempty,
    parse_utc,
)

# JSON statistic -> column, for the integer counting stats of a player line.
COUNTING_STATS: dict[str, str] = {
    "points": "pts",
    "fieldGoalsMade": "fgm",
    "fieldGoalsAttempted": "fga",
    "twoPointersMade": "fg2m",
    "twoPointersAttempted": "fg2a",
    "threePointersMade": "fg3m",
    "threePointersAttempted": "fg3a",
    "freeThrowsMade": "ftm",
    "freeThrowsAttempted": "fta",
    "reboundsOffensive": "oreb",
    "reboundsDefensive": "dreb",
    "reboundsTotal": "reb",
    "assists": "ast",
    "steals": "stl",
    "blocks": "blk",
    "turnovers": "tov",
    "foulsPersonal": "pf",
    "blocksReceived": "blocks_received",
    "foulsDrawn": "fouls_drawn",
    "foulsOffensive": "fouls_offensive",
    "foulsTechnical": "fouls_technical",
    "pointsFastBreak": "points_fast_break",
    "pointsInThePaint": "points_in_the_paint",
    "pointsSecondChance": "points_second_chance",
}
FLOAT_STATS: dict[str, str] = {"plusMinusPoints": "plus_minus", "plus": "plus", "minus": "minus"}

BOXSCORE_COLUMNS: dict[str, str] = {
    "game_id": "str",
    "game_status": "int64",
    "periods": "int64",
    "tip_ts": UTC_TS,
    "team_id": "int64",
    "team_tricode": "str",
    "is_home": "bool",
    "opponent_team_id": "int64",
    "person_id": "int64",
    "name": "str",
    "first_name": "str",
    "family_name": "str",
    "jersey_num": "str",
    "order": "int64",
    "position": "str",
    "starter": "bool",
    "played": "bool",
    "status": "str",
    "not_playing_reason": "str",
    "not_playing_description": "str",
    "minutes": "float64",
    **{column: "int64" for column in COUNTING_STATS.values()},
    **{column: "float64" for column in FLOAT_STATS.values()},
}


def _flag(value: Any, source: str, where: str) -> bool:
    # The live feed writes booleans as the strings "1" / "0".
    if value not in ("0", "1"):
        raise ParseError(source, where, f"expected '0' or '1', got {value!r}")
    return value == "1"


def _player_row(player: Any, source: str, path: str) -> dict[str, Any]:
    stats_path = join_path(path, "statistics")
    stats = need(player, "statistics", source, path, dict)
    minutes_text = need(stats, "minutes", source, stats_path, str)
    try:
        minutes = iso_duration_minutes(minutes_text)
    except ValueError as exc:
        raise ParseError(source, join_path(stats_path, "minutes"), str(exc)) from exc
    row: dict[str, Any] = {
        "person_id": need(player, "personId", source, path, int),
        "name": need(player, "name", source, path, str),
        "first_name": need(player, "firstName", source, path, str),
        "family_name": need(player, "familyName", source, path, str),
        "jersey_num": need(player, "jerseyNum", source, path, str),
        "order": need(player, "order", source, path, int),
        "position": maybe(player, "position", source, path, str),
        "starter": _flag(need(player, "starter", source, path), source, join_path(path, "starter")),
        "played": _flag(need(player, "played", source, path), source, join_path(path, "played")),
        "status": need(player, "status", source, path, str),
        "not_playing_reason": maybe(player, "notPlayingReason", source, path, str),
        "not_playing_description": maybe(player, "notPlayingDescription", source, path, str),
        "minutes": minutes,
    }
    for key, column in COUNTING_STATS.items():
        row[column] = need(stats, key, source, stats_path, int)
    for key, column in FLOAT_STATS.items():
        row[column] = float(need(stats, key, source, stats_path, (int, float)))
    return row


def parse_boxscore(data: bytes | str, source: str) -> pd.DataFrame:
    """liveData box score bytes -> one row per listed player (see module docstring)."""
    payload = load_json(data, source)
    game = need(payload, "game", source, "", dict)
    game_id = need(game, "gameId", source, "game", str)
    common = {
        "game_id": game_id,
        "game_status": need(game, "gameStatus", source, "game", int),
        "periods": need(game, "period", source, "game", int),
        "tip_ts": parse_utc(need(game, "gameTimeUTC", source, "game"), source, "game.gameTimeUTC"),
    }
    teams = {side: need(game, f"{side}Team", source, "game", dict) for side in ("home", "away")}
    team_ids = {side: need(team, "teamId", source, f"game.{side}Team", int) for side, team in teams.items()}
    rows = []
    for side, team in teams.items():
        team_path = f"game.{side}Team"
        players = need_nonempty(
            need_list(team, "players", source, team_path), source, f"{team_path}.players", "players"
        )
        per_team = {
            "team_id": team_ids[side],
            "team_tricode": need(team, "teamTricode", source, team_path, str),
            "is_home": side == "home",
            "opponent_team_id": team_ids["away" if side == "home" else "home"],
        }
        for i, player in enumerate(players):
            rows.append(
                {**common, **per_team, **_player_row(player, source, join_path(f"{team_path}.players", i))}
            )
    return build_frame(rows, BOXSCORE_COLUMNS, source)
