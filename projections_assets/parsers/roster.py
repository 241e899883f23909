"""Parse stats.nba.com rosters: `commonteamroster` (one team) and `playerindex` (the league).

Both use stats.nba.com's `resultSets` layout (`{name, headers, rowSet}`); rows
are read by header name, so a reordered or extended header still parses and a
missing header is an error naming it.

`parse_commonteamroster` columns (`ROSTER_COLUMNS`): `team_id` (int64), `season` (str, start year
"2025"), `player_id` (int64), `player_name`, `nickname`, `slug` (str), `jersey_num` (str, missing
if none), `position` (str, "G", "F-C"...), `height` (str "6-2"), `height_in` (Int64 inches),
`weight_lb` (Int64), `birth_date` (date), `age` (float64), `experience_years` (Int64, rookies
"R" -> 0), `school`, `how_acquired` (str, may be missing).

`parse_playerindex` columns (`PLAYERINDEX_COLUMNS`): `player_id` (int64), `first_name`,
`last_name`, `slug` (str), `team_id` (int64), `team_tricode`, `team_city`, `team_name`,
`jersey_num`, `position`, `height` (str, may be missing), `height_in`, `weight_lb` (Int64),
`college`, `country` (str), `draft_year`, `draft_round`, `draft_number` (Int64, missing if
undrafted), `on_roster` (bool), `from_year`, `to_year` (str).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pandas as pd

from projections_assets.parsers.errors import (
    DATE,
    ParseError,
    build_frame,
    join_path,
    load_json,
    need,
    need_list,
    need_nonempty,
)

ROSTER_COLUMNS: dict[str, str] = {
    "team_id": "int64",
    "season": "str",
    "player_id": "int64",
    "player_name": "str",
    "nickname": "str",
    "slug": "str",
    "jersey_num": "str",
    "position": "str",
    "height": "str",
    "height_in": "Int64",
    "weight_lb": "Int64",
    "birth_date": DATE,
    "age": "float64",
    "experience_years": "Int64",
    "school": "str",
    "how_acquired": "str",
}

PLAYERINDEX_COLUMNS: dict[str, str] = {
    "player_id": "int64",
    "first_name": "str",
    "last_name": "str",
    "slug": "str",
    "team_id": "int64",
    "team_tricode": "str",
    "team_city": "str",
    "team_name": "str",
    "jersey_num": "str",
    "position": "str",
    "height": "str",
    "height_in": "Int64",
    "weight_lb": "Int64",
    "college": "str",
    "country": "str",
    "draft_year": "Int64",
    "draft_round": "Int64",
    "draft_number": "Int64",
    "on_roster": "bool",
    "from_year": "str",
    "to_year": "str",
}


def result_set(payload: Any, name: str, source: str) -> list[dict[str, Any]]:
    """The rows of stats.nba.com result set `name`, each as a header -> value dict."""
    sets = need_list(payload, "resultSets", source, "")
    for i, candidate in enumerate(sets):
        path = join_path("resultSets", i)
        if need(candidate, "name", source, path, str) != name:
            continue
        headers = need_list(candidate, "headers", source, path)
        rows = need_list(candidate, "rowSet", source, path)
        out = []
        for j, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != len(headers):
                raise ParseError(source, join_path(f"{path}.rowSet", j), f"expected {len(headers)} values")
            out.append(dict(zip(headers, row, strict=True)))
        return out
    raise ParseError(source, "resultSets", f"no result set named {name!r}")


def height_inches(text: str | None) -> int | None:
    """`6-11` -> 83; None stays None."""
    if not text:
        return None
    feet, _, inches = text.partition("-")
    return int(feet) * 12 + int(inches or 0)


def _int_or_none(text: str | None) -> int | None:
    return int(text) if text not in (None, "") else None


def _roster_row(row: dict[str, Any], source: str, where: str) -> dict[str, Any]:
    birth = need(row, "BIRTH_DATE", source, where, str)
    try:
        birth_date: date = datetime.strptime(birth, "%b %d, %Y").date()
        height = need(row, "HEIGHT", source, where, str, nullable=True)
        height_in = height_inches(height)
        weight = _int_or_none(need(row, "WEIGHT", source, where, str, nullable=True))
        exp = need(row, "EXP", source, where, str)
        experience = 0 if exp == "R" else int(exp)
    except ValueError as exc:
        raise ParseError(source, where, f"unreadable value: {exc}") from exc
    return {
        "team_id": need(row, "TeamID", source, where, int),
        "season": need(row, "SEASON", source, where, str),
        "player_id": need(row, "PLAYER_ID", source, where, int),
        "player_name": need(row, "PLAYER", source, where, str),
        "nickname": need(row, "NICKNAME", source, where, str),
        "slug": need(row, "PLAYER_SLUG", source, where, str),
        "jersey_num": need(row, "NUM", source, where, str, nullable=True),
        "position": need(row, "POSITION", source, where, str),
        "height": height,
        "height_in": height_in,
        "weight_lb": weight,
        "birth_date": birth_date,
        "age": float(need(row, "AGE", source, where, (int, float))),
        "experience_years": experience,
        "school": need(row, "SCHOOL", source, where, str, nullable=True),
        "how_acquired": need(row, "HOW_ACQUIRED", source, where, str, nullable=True),
    }


def _parse_result_set(
    data: bytes | str,
    source: str,
    name: str,
    parse_row: Callable[[Any, str, str], dict[str, Any]],
    columns: dict[str, str],
) -> pd.DataFrame:
    """One stats.nba.com result set -> a frame, one row per rowSet entry; an empty set is an error."""
    rows = need_nonempty(
        result_set(load_json(data, source), name, source), source, f"resultSets.{name}", "players"
    )
    return build_frame(
        [parse_row(r, source, f"resultSets.{name}.rowSet[{i}]") for i, r in enumerate(rows)], columns, source
    )


def parse_commonteamroster(data: bytes | str, source: str) -> pd.DataFrame:
    """commonteamroster bytes -> one row per player (see module docstring); an empty roster is an error."""
    return _parse_result_set(data, source, "CommonTeamRoster", _roster_row, ROSTER_COLUMNS)


def _index_row(row: dict[str, Any], source: str, where: str) -> dict[str, Any]:
    height = need(row, "HEIGHT", source, where, str, nullable=True)
    try:
        height_in = height_inches(height)
        weight = _int_or_none(need(row, "WEIGHT", source, where, str, nullable=True))
    except ValueError as exc:
        raise ParseError(source, where, f"unreadable value: {exc}") from exc
    status = need(row, "ROSTER_STATUS", source, where, (int, float), nullable=True)
    return {
        "player_id": need(row, "PERSON_ID", source, where, int),
        "first_name": need(row, "PLAYER_FIRST_NAME", source, where, str),
        "last_name": need(row, "PLAYER_LAST_NAME", source, where, str),
        "slug": need(row, "PLAYER_SLUG", source, where, str),
        "team_id": need(row, "TEAM_ID", source, where, int),
        "team_tricode": need(row, "TEAM_ABBREVIATION", source, where, str, nullable=True),
        "team_city": need(row, "TEAM_CITY", source, where, str, nullable=True),
        "team_name": need(row, "TEAM_NAME", source, where, str, nullable=True),
        "jersey_num": need(row, "JERSEY_NUMBER", source, where, str, nullable=True),
        "position": need(row, "POSITION", source, where, str, nullable=True),
        "height": height,
        "height_in": height_in,
        "weight_lb": weight,
        "college": need(row, "COLLEGE", source, where, str, nullable=True),
        "country": need(row, "COUNTRY", source, where, str, nullable=True),
        "draft_year": need(row, "DRAFT_YEAR", source, where, int, nullable=True),
        "draft_round": need(row, "DRAFT_ROUND", source, where, int, nullable=True),
        "draft_number": need(row, "DRAFT_NUMBER", source, where, int, nullable=True),
        "on_roster": bool(status),
        "from_year": need(row, "FROM_YEAR", source, where, str),
        "to_year": need(row, "TO_YEAR", source, where, str),
    }


def parse_playerindex(data: bytes | str, source: str) -> pd.DataFrame:
    """playerindex bytes -> one row per player (see module docstring); an empty index is an error."""
    return _parse_result_set(data, source, "PlayerIndex", _index_row, PLAYERINDEX_COLUMNS)
