"""Parse DraftKings draftables (`/draftgroups/v1/draftgroups/{id}/draftables`) and the lobby.

`parse_draftables` collapses the API's one-row-per-(player, roster slot) layout
to one row per player (`DRAFTABLE_COLUMNS`):

`draft_group_id` (Int64, given by the caller: the payload does not carry it), `player_id`
(int64, DraftKings `playerId`), `player_dk_id` (int64), `draftable_id` (int64, the player's
first row), `first_name`, `last_name`, `display_name` (str), `position` (str, "PG/SG"),
`roster_slots` (str, his Classic slots in payload order, "PG/SG/G/UTIL"), `salary` (int64),
`status` (str: "None", "Q", "GTD", "OUT", ...), `is_out` (bool), `news_status` (str, missing if
absent), `is_disabled` (bool), `team_abbrev` (str), `dk_team_id` (int64), `opp_abbrev` (str),
`competition_id` (int64), `start_ts` (datetime64[ns, UTC]), `fppg` (float64, NaN for "-").

A player whose rows disagree on salary or status, or a slot id outside
Classic's 458-465, is a parse error. An empty draftables list is an error.

`parse_lobby` reads the lobby listing (shape documented in
`projections_assets/league/render/draftables.py`, an assumption) into one row
per draft group x game (`LOBBY_COLUMNS`): `draft_group_id` (int64), `game_type` (str),
`suffix` (str, "" for the main slate), `lock_ts` (UTC: the group's start), `game_count`
(int64), `competition_id` (int64), `away_abbrev`, `home_abbrev` (str), `game_start_ts` (UTC).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from projections_assets.nba.draftkings import (
    CLASSIC_SLOT_NAMES,
    FPPG_STAT_ID,
)
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

OUT_STATUSES = frozenset({"OUT", "O"})


DRAFTABLE_COLUMNS: dict[str, str] = {
    "draft_group_id": "Int64",
    "player_id": "int64",
    "player_dk_id": "int64",
    "draftable_id": "int64",
    "first_name": "str",
    "last_name": "str",
    "display_name": "str",
    "position": "str",
    "roster_slots": "str",
    "salary": "int64",
    "status": "str",
    "is_out": "bool",
    "news_status": "str",
    "is_disabled": "bool",
    "team_abbrev": "str",
    "dk_team_id": "int64",
    "opp_abbrev": "str",
    "competition_id": "int64",
    "start_ts": UTC_TS,
    "fppg": "float64",
}

LOBBY_COLUMNS: dict[str, str] = {
    "draft_group_id": "int64",
    "game_type": "str",
    "suffix": "str",
    "lock_ts": UTC_TS,
    "game_count": "int64",
    "competition_id": "int64",
    "away_abbrev": "str",
    "home_abbrev": "str",
    "game_start_ts": UTC_TS,
}


def _fppg(row: Any, source: str, path: str) -> float | None:
    for i, attr in enumerate(need_list(row, "draftStatAttributes", source, path)):
        attr_path = join_path(join_path(path, "draftStatAttributes"), i)
        if need(attr, "id", source, attr_path, int) == FPPG_STAT_ID:
            value = need(attr, "value", source, attr_path, str)
            try:
                return None if value in ("-", "") else float(value)
            except ValueError as exc:
                raise ParseError(source, join_path(attr_path, "value"), f"not a number: {value!r}") from exc
    return None


def _opponent(name: str, team: str, source: str, where: str) -> str:
    away, sep, home = name.partition(" @ ")
    if not sep or team not in (away, home):
        raise ParseError(source, where, f"competition {name!r} does not involve {team!r}")
    return home if team == away else away


def parse_draftables(data: bytes | str, source: str, draft_group_id: int | None = None) -> pd.DataFrame:
    """Draftables bytes -> one row per player with his roster slots collapsed (see module docstring)."""
    payload = load_json(data, source)
    rows = need_nonempty(need_list(payload, "draftables", source, ""), source, "draftables", "draftables")
    players: dict[int, dict[str, Any]] = {}
    for i, row in enumerate(rows):
        path = join_path("draftables", i)
        player_id = need(row, "playerId", source, path, int)
        slot_id = need(row, "rosterSlotId", source, path, int)
        if slot_id not in CLASSIC_SLOT_NAMES:
            raise ParseError(source, join_path(path, "rosterSlotId"), f"not a Classic roster slot: {slot_id}")
        salary = need(row, "salary", source, path, int)
        status = need(row, "status", source, path, str)
        if player_id in players:
            seen = players[player_id]
            if (seen["salary"], seen["status"]) != (salary, status):
                raise ParseError(source, path, f"player {player_id} rows disagree on salary/status")
            seen["slots"].append(CLASSIC_SLOT_NAMES[slot_id])
            continue
        competition = need(row, "competition", source, path, dict)
        comp_path = join_path(path, "competition")
        team = need(row, "teamAbbreviation", source, path, str)
        players[player_id] = {
            "draft_group_id": draft_group_id,
            "player_id": player_id,
            "player_dk_id": need(row, "playerDkId", source, path, int),
            "draftable_id": need(row, "draftableId", source, path, int),
            "first_name": need(row, "firstName", source, path, str),
            "last_name": need(row, "lastName", source, path, str),
            "display_name": need(row, "displayName", source, path, str),
            "position": need(row, "position", source, path, str),
            "slots": [CLASSIC_SLOT_NAMES[slot_id]],
            "salary": salary,
            "status": status,
            "is_out": status in OUT_STATUSES,
            "news_status": maybe(row, "newsStatus", source, path, str),
            "is_disabled": need(row, "isDisabled", source, path, bool),
            "team_abbrev": team,
            "dk_team_id": need(row, "teamId", source, path, int),
            "opp_abbrev": _opponent(
                need(competition, "name", source, comp_path, str), team, source, join_path(comp_path, "name")
            ),
            "competition_id": need(competition, "competitionId", source, comp_path, int),
            "start_ts": parse_utc(
                need(competition, "startTime", source, comp_path), source, join_path(comp_path, "startTime")
            ),
            "fppg": _fppg(row, source, path),
        }
    out = []
    for player in players.values():
        player["roster_slots"] = "/".join(player.pop("slots"))
        out.append(player)
    return build_frame(out, DRAFTABLE_COLUMNS, source)


def parse_lobby(data: bytes | str, source: str) -> pd.DataFrame:
    """Lobby bytes -> one row per NBA draft group x game (see module docstring)."""
    payload = load_json(data, source)
    groups = need_nonempty(
        need_list(payload, "DraftGroups", source, ""), source, "DraftGroups", "draft groups"
    )
    rows = []
    for i, group in enumerate(groups):
        path = join_path("DraftGroups", i)
        if need(group, "Sport", source, path, str) != "NBA":
            continue
        games = need_nonempty(
            need_list(group, "Games", source, path), source, join_path(path, "Games"), "games"
        )
        common = {
            "draft_group_id": need(group, "DraftGroupId", source, path, int),
            "game_type": need(group, "GameType", source, path, str),
            "suffix": need(group, "ContestStartTimeSuffix", source, path, str, nullable=True) or "",
            "lock_ts": parse_utc(
                need(group, "StartDate", source, path), source, join_path(path, "StartDate")
            ),
            "game_count": need(group, "GameCount", source, path, int),
        }
        if common["game_count"] != len(games):
            raise ParseError(
                source, join_path(path, "GameCount"), f"says {common['game_count']}, lists {len(games)}"
            )
        for j, game in enumerate(games):
            game_path = join_path(join_path(path, "Games"), j)
            rows.append(
                {
                    **common,
                    "competition_id": need(game, "GameId", source, game_path, int),
                    "away_abbrev": need(game, "AwayTeamAbbreviation", source, game_path, str),
                    "home_abbrev": need(game, "HomeTeamAbbreviation", source, game_path, str),
                    "game_start_ts": parse_utc(
                        need(game, "StartDate", source, game_path), source, join_path(game_path, "StartDate")
                    ),
                }
            )
    return build_frame(rows, LOBBY_COLUMNS, source)
