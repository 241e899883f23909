"""Render stats.nba.com `commonteamroster` and `playerindex` from roster records.

Headers, parameter blocks and JSON dialects follow the real samples
(`stats_nba/commonteamroster_CLE_2025-26.json`: spaced, ASCII-escaped;
`stats_nba/playerindex_2025-26.json`: compact, raw UTF-8).
"""

from __future__ import annotations

from typing import Any

from projections_assets.league.render.formats import JsonStyle, dump_json
from projections_assets.league.render.records import (
    Coach,
    PlayerIndex,
    PlayerIndexEntry,
    RosterPlayer,
    TeamRoster,
)

ROSTER_HEADERS = (
    "TeamID",
    "SEASON",
    "LeagueID",
    "PLAYER",
    "NICKNAME",
    "PLAYER_SLUG",
    "NUM",
    "POSITION",
    "HEIGHT",
    "WEIGHT",
    "BIRTH_DATE",
    "AGE",
    "EXP",
    "SCHOOL",
    "PLAYER_ID",
    "HOW_ACQUIRED",
)
COACH_HEADERS = (
    "TEAM_ID",
    "SEASON",
    "COACH_ID",
    "FIRST_NAME",
    "LAST_NAME",
    "COACH_NAME",
    "IS_ASSISTANT",
    "COACH_TYPE",
    "SORT_SEQUENCE",
    "SUB_SORT_SEQUENCE",
)
PLAYERINDEX_HEADERS = (
    "PERSON_ID",
    "PLAYER_LAST_NAME",
    "PLAYER_FIRST_NAME",
    "PLAYER_SLUG",
    "TEAM_ID",
    "TEAM_SLUG",
    "IS_DEFUNCT",
    "TEAM_CITY",
    "TEAM_NAME",
    "TEAM_ABBREVIATION",
    "JERSEY_NUMBER",
    "POSITION",
    "HEIGHT",
    "WEIGHT",
    "COLLEGE",
    "COUNTRY",
    "DRAFT_YEAR",
    "DRAFT_ROUND",
    "DRAFT_NUMBER",
    "ROSTER_STATUS",
    "FROM_YEAR",
    "TO_YEAR",
    "PTS",
    "REB",
    "AST",
    "STATS_TIMEFRAME",
)


def _season_start(season_year: str) -> str:
    # stats.nba.com writes a season's rows with its start year ("2025-26" -> "2025").
    return season_year[:4]


def _roster_row(team_id: int, season: str, p: RosterPlayer) -> list[Any]:
    return [
        team_id,
        season,
        "00",
        p.name,
        p.nickname,
        p.slug,
        p.jersey_num,
        p.position,
        p.height,
        p.weight,
        p.birth_date.strftime("%b %d, %Y").upper(),
        float(p.age),
        p.experience,
        p.school,
        p.player_id,
        p.how_acquired,
    ]


def _coach_row(team_id: int, season: str, c: Coach) -> list[Any]:
    return [
        team_id,
        season,
        c.coach_id,
        c.first_name,
        c.last_name,
        f"{c.first_name} {c.last_name}",
        c.is_assistant,
        c.coach_type,
        c.sort_sequence,
        c.sub_sort_sequence,
    ]


def commonteamroster_payload(roster: TeamRoster) -> dict[str, Any]:
    season = _season_start(roster.season_year)
    return {
        "resource": "commonteamroster",
        "parameters": {"TeamID": roster.team_id, "LeagueID": "00", "Season": roster.season_year},
        "resultSets": [
            {
                "name": "CommonTeamRoster",
                "headers": list(ROSTER_HEADERS),
                "rowSet": [_roster_row(roster.team_id, season, p) for p in roster.players],
            },
            {
                "name": "Coaches",
                "headers": list(COACH_HEADERS),
                "rowSet": [_coach_row(roster.team_id, season, c) for c in roster.coaches],
            },
        ],
    }


def render_commonteamroster(roster: TeamRoster) -> bytes:
    """`commonteamroster` bytes for one team."""
    return dump_json(commonteamroster_payload(roster), JsonStyle.SPACED)


def _index_row(e: PlayerIndexEntry) -> list[Any]:
    return [
        e.person_id,
        e.last_name,
        e.first_name,
        e.slug,
        e.team.team_id,
        e.team.slug,
        0,
        e.team.city,
        e.team.name,
        e.team.tricode,
        e.jersey_num,
        e.position,
        e.height,
        e.weight,
        e.college,
        e.country,
        e.draft_year,
        e.draft_round,
        e.draft_number,
        1.0 if e.on_roster else 0.0,
        e.from_year,
        e.to_year,
        None,
        None,
        None,
        "Season",
    ]


def playerindex_payload(index: PlayerIndex) -> dict[str, Any]:
    return {
        "resource": "playerindex",
        "parameters": {
            "LeagueID": "00",
            "Season": index.season_year,
            "Historical": 0,
            "TeamID": 0,
            "Country": None,
            "College": None,
            "DraftYear": None,
            "DraftPick": None,
            "PlayerPosition": None,
            "Height": None,
            "Weight": None,
            "Active": None,
            "AllStar": None,
        },
        "resultSets": [
            {
                "name": "PlayerIndex",
                "headers": list(PLAYERINDEX_HEADERS),
                # The real index is sorted by last then first name.
                "rowSet": [
                    _index_row(e)
                    for e in sorted(index.entries, key=lambda e: (e.last_name, e.first_name, e.person_id))
                ],
            }
        ],
    }


def render_playerindex(index: PlayerIndex) -> bytes:
    """`playerindex` bytes for the league."""
    return dump_json(playerindex_payload(index), JsonStyle.COMPACT)
