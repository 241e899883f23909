"""Parse the NBA's daily lineups JSON into one row per listed player.

The expected shape is documented (as an assumption: no real sample exists here)
in `projections_assets/league/render/lineups.py`.

Output columns (`LINEUP_COLUMNS`): `game_id` (str), `team_id` (int64), `team_tricode` (str),
`is_home` (bool), `person_id` (int64), `first_name`, `last_name`, `player_name` (str),
`position` (str, "" for non-starters), `is_starter` (bool: listed with a starting position),
`lineup_status` (str, "Expected"/"Confirmed"), `confirmed` (bool), `roster_status` (str),
`active` (bool: roster status "Active"), `updated_at` (datetime64[ns, UTC], the player
row's timestamp; the row's source time).

A payload with no games is an error (a 200 with zero games is a failed fetch).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from projections_assets.parsers.errors import (
    UTC_TS,
    build_frame,
    join_path,
    load_json,
    need,
    need_list,
    need_nonempty,
    parse_utc,
)

LINEUP_COLUMNS: dict[str, str] = {
    "game_id": "str",
    "team_id": "int64",
    "team_tricode": "str",
    "is_home": "bool",
    "person_id": "int64",
    "first_name": "str",
    "last_name": "str",
    "player_name": "str",
    "position": "str",
    "is_starter": "bool",
    "lineup_status": "str",
    "confirmed": "bool",
    "roster_status": "str",
    "active": "bool",
    "updated_at": UTC_TS,
}


def _player_row(player: Any, source: str, path: str) -> dict[str, Any]:
    position = need(player, "position", source, path, str, nullable=True) or ""
    lineup_status = need(player, "lineupStatus", source, path, str, nullable=True) or ""
    roster_status = need(player, "rosterStatus", source, path, str, nullable=True) or ""
    return {
        "person_id": need(player, "personId", source, path, int),
        "first_name": need(player, "firstName", source, path, str),
        "last_name": need(player, "lastName", source, path, str),
        "player_name": need(player, "playerName", source, path, str),
        "position": position,
        "is_starter": position != "",
        "lineup_status": lineup_status,
        "confirmed": lineup_status == "Confirmed",
        "roster_status": roster_status,
        "active": roster_status == "Active",
        "updated_at": parse_utc(
            need(player, "timestamp", source, path), source, join_path(path, "timestamp")
        ),
    }


def parse_lineups(data: bytes | str, source: str) -> pd.DataFrame:
    """Daily lineups bytes -> one row per game x team x listed player."""
    payload = load_json(data, source)
    games = need_nonempty(need_list(payload, "games", source, ""), source, "games", "games")
    rows = []
    for i, game in enumerate(games):
        game_path = join_path("games", i)
        game_id = need(game, "gameId", source, game_path, str)
        for side in ("home", "away"):
            team_path = join_path(game_path, f"{side}Team")
            team = need(game, f"{side}Team", source, game_path, dict)
            common = {
                "game_id": game_id,
                "team_id": need(team, "teamId", source, team_path, int),
                "team_tricode": need(team, "teamAbbreviation", source, team_path, str),
                "is_home": side == "home",
            }
            for j, player in enumerate(need_list(team, "players", source, team_path)):
                rows.append({**common, **_player_row(player, source, join_path(f"{team_path}.players", j))})
    return build_frame(rows, LINEUP_COLUMNS, source)
