"""Parse cdn.nba.com `scheduleLeagueV2.json` into one row per game.

Output columns (`SCHEDULE_COLUMNS`, in order):

- `game_id` (str, "0022400061"), `game_code` (str, "20241022/NYKBOS"), `season_year` (str, "2024-25")
- `season_type` (str): from the game id's type digit: "Preseason", "Regular Season", "All-Star",
  "Playoffs", "PlayIn", "NBA Cup" (the Cup final, whose id is not a regular-season id)
- `is_cup` (bool): an NBA Cup game (group stage and knockouts are regular-season ids)
- `game_date` (date): the Eastern calendar date of the game
- `tip_ts` (datetime64[ns, UTC]): tip time, from `gameDateTimeUTC`
- `game_status` (int64: 1 scheduled, 2 live, 3 final), `game_label`, `game_sub_label`, `game_subtype` (str)
- `week_number` (int64, 0 outside numbered weeks)
- `home_team_id`, `away_team_id` (int64), `home_tricode`, `away_tricode`, `home_city`, `away_city`,
  `home_name`, `away_name` (str), `home_score`, `away_score` (int64)
- `arena_name`, `arena_city`, `arena_state` (str), `is_neutral`, `postponed` (bool)

By default only regular-season and Cup games are returned. A payload with no
games at all is an error (a 200 with zero games is a failed fetch, not an
empty slate); a payload whose games are all filtered out gives an empty frame.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

import pandas as pd

from projections_assets.parsers.errors import (
    DATE,
    UTC_TS,
    ParseError,
    build_frame,
    join_path,
    load_json,
    need,
    need_list,
    need_nonempty,
    parse_utc,
)

SEASON_TYPES = {
    "1": "Preseason",
    "2": "Regular Season",
    "3": "All-Star",
    "4": "Playoffs",
    "5": "PlayIn",
    "6": "NBA Cup",
}
DEFAULT_SEASON_TYPES: frozenset[str] = frozenset({"Regular Season", "NBA Cup"})

SCHEDULE_COLUMNS: dict[str, str] = {
    "game_id": "str",
    "game_code": "str",
    "season_year": "str",
    "season_type": "str",
    "is_cup": "bool",
    "game_date": DATE,
    "tip_ts": UTC_TS,
    "game_status": "int64",
    "game_label": "str",
    "game_sub_label": "str",
    "game_subtype": "str",
    "week_number": "int64",
    "home_team_id": "int64",
    "home_tricode": "str",
    "home_city": "str",
    "home_name": "str",
    "away_team_id": "int64",
    "away_tricode": "str",
    "away_city": "str",
    "away_name": "str",
    "home_score": "int64",
    "away_score": "int64",
    "arena_name": "str",
    "arena_city": "str",
    "arena_state": "str",
    "is_neutral": "bool",
    "postponed": "bool",
}


def season_type_of(game_id: str, source: str, where: str) -> str:
    """The season type encoded in a game id's third digit ("0022400061" -> Regular Season)."""
    if len(game_id) != 10 or not game_id.isdigit() or game_id[2] not in SEASON_TYPES:
        raise ParseError(source, where, f"not an NBA game id: {game_id!r}")
    return SEASON_TYPES[game_id[2]]


def _date_of(text: Any, source: str, where: str) -> date:
    # gameDateEst is an Eastern calendar date written as midnight "Z".
    if not isinstance(text, str) or len(text) < 10:
        raise ParseError(source, where, f"expected a date, got {text!r}")
    try:
        return date.fromisoformat(text[:10])
    except ValueError as exc:
        raise ParseError(source, where, f"not a date: {text!r}") from exc


def _team_fields(game: dict[str, Any], side: str, source: str, path: str) -> dict[str, Any]:
    team_path = join_path(path, f"{side}Team")
    team = need(game, f"{side}Team", source, path, dict)
    return {
        f"{side}_team_id": need(team, "teamId", source, team_path, int),
        f"{side}_tricode": need(team, "teamTricode", source, team_path, str),
        f"{side}_city": need(team, "teamCity", source, team_path, str),
        f"{side}_name": need(team, "teamName", source, team_path, str),
        f"{side}_score": need(team, "score", source, team_path, int, nullable=True) or 0,
    }


def _game_row(game: Any, season_year: str, source: str, path: str) -> dict[str, Any]:
    game_id = need(game, "gameId", source, path, str)
    label = need(game, "gameLabel", source, path, str)
    subtype = need(game, "gameSubtype", source, path, str)
    row = {
        "game_id": game_id,
        "game_code": need(game, "gameCode", source, path, str),
        "season_year": season_year,
        "season_type": season_type_of(game_id, source, join_path(path, "gameId")),
        "is_cup": "NBA Cup" in label or subtype.startswith("in-season"),
        "game_date": _date_of(
            need(game, "gameDateEst", source, path), source, join_path(path, "gameDateEst")
        ),
        "tip_ts": parse_utc(
            need(game, "gameDateTimeUTC", source, path), source, join_path(path, "gameDateTimeUTC")
        ),
        "game_status": need(game, "gameStatus", source, path, int),
        "game_label": label,
        "game_sub_label": need(game, "gameSubLabel", source, path, str),
        "game_subtype": subtype,
        "week_number": need(game, "weekNumber", source, path, int),
        "arena_name": need(game, "arenaName", source, path, str),
        "arena_city": need(game, "arenaCity", source, path, str),
        "arena_state": need(game, "arenaState", source, path, str),
        "is_neutral": need(game, "isNeutral", source, path, bool),
        "postponed": need(game, "postponedStatus", source, path, str) == "Y",
    }
    row.update(_team_fields(game, "home", source, path))
    row.update(_team_fields(game, "away", source, path))
    return row


def parse_schedule(
    data: bytes | str,
    source: str,
    season_types: Collection[str] | None = DEFAULT_SEASON_TYPES,
) -> pd.DataFrame:
    """scheduleLeagueV2 bytes -> one row per game (see module docstring); `season_types=None` keeps all."""
    payload = load_json(data, source)
    schedule = need(payload, "leagueSchedule", source, "", dict)
    season_year = need(schedule, "seasonYear", source, "leagueSchedule", str)
    game_dates = need_list(schedule, "gameDates", source, "leagueSchedule")
    rows = []
    for i, day in enumerate(game_dates):
        day_path = join_path("leagueSchedule.gameDates", i)
        for j, game in enumerate(need_list(day, "games", source, day_path)):
            rows.append(_game_row(game, season_year, source, join_path(join_path(day_path, "games"), j)))
    need_nonempty(rows, source, "leagueSchedule.gameDates", "games")
    if season_types is not None:
        rows = [r for r in rows if r["season_type"] in season_types]
    frame = build_frame(rows, SCHEDULE_COLUMNS, source)
    return frame.sort_values(["tip_ts", "game_id"], kind="stable").reset_index(drop=True)
