"""Render DraftKings draftables and the NBA lobby from DraftKings records.

Draftables follow `dk/draftables_raw_139174.json` (indent-2 JSON as stored in
bronze): one row per player and eligible Classic roster slot (ids 458-465),
consecutive `draftableId`s, the player's team emphasised in the competition's
`nameDisplay`, and the top-level `competitions` and `draftStats` blocks.

ASSUMPTION (no real lobby sample exists here): the lobby is modelled on
DraftKings' `lobby/getcontests?sport=NBA` response, reduced to its
`DraftGroups` list (PascalCase keys: `DraftGroupId`, `ContestTypeId`,
`StartDate`, `StartDateEst`, `DraftGroupTag`, `GameTypeId`, `GameType`
"Classic", `Sport`, `GameCount`, `ContestStartTimeSuffix` null for the main
slate or " (Early)" / " (Late)" / ..., `ContestStartTimeType`). Each draft group
embeds its `Games` (the real response keeps them in a separate `GameSets` list)
so that a draft group's games and lock time are explicit.
"""

from __future__ import annotations

from typing import Any

from projections_assets.league.render.formats import JsonStyle, dump_json, utc_z7
from projections_assets.league.render.records import (
    EASTERN,
    DkCompetition,
    DkDraftGroup,
    DkLobby,
    DkPlayer,
    DkTeam,
    Draftables,
)
from projections_assets.nba.draftkings import CLASSIC_SLOT_IDS, FPPG_STAT_ID, classic_slots

CLASSIC_GAME_TYPE_ID = 70
NBA_SPORT_ID = 4
OPPONENT_RANK_STAT_ID = -2
_IMAGES = "https://dkn.gs/sports/images/nba"

DRAFT_STATS = [
    {"id": FPPG_STAT_ID, "abbr": "FPPG", "name": "Fantasy Points Per Game", "order": 11},
    {"id": OPPONENT_RANK_STAT_ID, "abbr": "OPRK", "name": "Opponent Rank", "order": 20},
]


def draftables_slot_order(position: str) -> list[str]:
    """Slots in the order the draftables API lists a player's rows: his positions, G, F, UTIL."""
    slots = classic_slots(position)
    primaries = position.split("/")
    return primaries + [s for s in ("G", "F", "UTIL") if s in slots]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _stat_attributes(p: DkPlayer) -> list[dict[str, Any]]:
    fppg = "-" if p.fppg is None else f"{p.fppg:.1f}"
    # DraftKings grades the opponent rank; a low rank is a tough matchup.
    quality = "Low" if p.opponent_rank <= 10 else ("Medium" if p.opponent_rank <= 20 else "High")
    return [
        {"id": FPPG_STAT_ID, "value": fppg, "sortValue": "" if p.fppg is None else fppg},
        {
            "id": OPPONENT_RANK_STAT_ID,
            "value": _ordinal(p.opponent_rank),
            "sortValue": str(p.opponent_rank),
            "quality": quality,
        },
    ]


def _name_display(c: DkCompetition, emphasised: str) -> list[dict[str, Any]]:
    def part(team: DkTeam) -> dict[str, Any]:
        out: dict[str, Any] = {"value": team.abbreviation}
        if team.abbreviation == emphasised:
            out["isEmphasized"] = True
        return out

    return [part(c.away), {"value": " @ "}, part(c.home)]


def _player_competition(c: DkCompetition, team: str) -> dict[str, Any]:
    return {
        "competitionId": c.competition_id,
        "name": c.name,
        "nameDisplay": _name_display(c, team),
        "startTime": utc_z7(c.start_time),
    }


def _draftable_rows(p: DkPlayer) -> list[dict[str, Any]]:
    rows = []
    for i, slot in enumerate(draftables_slot_order(p.position)):
        rows.append(
            {
                "draftableId": p.first_draftable_id + i,
                "firstName": p.first_name,
                "lastName": p.last_name,
                "displayName": p.display_name,
                "shortName": p.short_name,
                "playerId": p.player_id,
                "playerDkId": p.player_dk_id,
                "position": p.position,
                "rosterSlotId": CLASSIC_SLOT_IDS[slot],
                "salary": p.salary,
                "status": p.status,
                "isSwappable": True,
                "isDisabled": False,
                "newsStatus": p.news_status,
                "playerImage50": f"{_IMAGES}/players/50/{p.player_dk_id}.png",
                "playerImage160": f"{_IMAGES}/players/160/{p.player_dk_id}.png",
                "altPlayerImage50": "",
                "altPlayerImage160": "",
                "competition": _player_competition(p.competition, p.team.abbreviation),
                "competitions": [_player_competition(p.competition, p.team.abbreviation)],
                "draftStatAttributes": _stat_attributes(p),
                "playerAttributes": [],
                "teamLeagueSeasonAttributes": [],
                "playerGameAttributes": [],
                "teamId": p.team.dk_team_id,
                "teamAbbreviation": p.team.abbreviation,
                "draftAlerts": [],
                "playerGameHash": f"{p.player_id}-{p.competition.competition_id}",
                "externalRequirements": {},
            }
        )
    return rows


def _team(t: DkTeam) -> dict[str, Any]:
    return {
        "teamId": t.dk_team_id,
        "teamName": t.name,
        "abbreviation": t.abbreviation,
        "city": t.city,
        "teamImageUrl": f"{_IMAGES}/teams/logos/160/{t.dk_team_id}.png",
        "darkModeImageUrl": "",
    }


def _competition(c: DkCompetition) -> dict[str, Any]:
    return {
        "competitionId": c.competition_id,
        "sport": "NBA",
        "sportId": NBA_SPORT_ID,
        "homeTeam": _team(c.home),
        "awayTeam": _team(c.away),
        "startTime": utc_z7(c.start_time),
        "name": c.name,
        "venue": c.venue,
        "startingLineupsAvailable": False,
        "depthChartsAvailable": True,
        "competitionState": c.state,
        "competitionStateDetail": "",
        "competitionStartedEarly": False,
        "competitionAttributes": [{"typeId": 23, "value": "2"}, {"typeId": 27, "value": "False"}],
    }


def draftables_payload(draftables: Draftables) -> dict[str, Any]:
    competitions = {p.competition.competition_id: p.competition for p in draftables.players}
    return {
        "draftables": [row for p in draftables.players for row in _draftable_rows(p)],
        "competitions": [
            _competition(c)
            for c in sorted(competitions.values(), key=lambda c: (c.start_time, c.competition_id))
        ],
        "teamsWithoutCompetitions": [],
        "draftAlerts": [],
        "draftStats": DRAFT_STATS,
        "playerGameAttributes": [],
        "errorStatus": {},
    }


def render_draftables(draftables: Draftables) -> bytes:
    """`/draftgroups/v1/draftgroups/{id}/draftables` bytes."""
    return dump_json(draftables_payload(draftables), JsonStyle.INDENT2)


def _lobby_game(c: DkCompetition) -> dict[str, Any]:
    return {
        "GameId": c.competition_id,
        "AwayTeamId": c.away.dk_team_id,
        "HomeTeamId": c.home.dk_team_id,
        "AwayTeamAbbreviation": c.away.abbreviation,
        "HomeTeamAbbreviation": c.home.abbreviation,
        "StartDate": utc_z7(c.start_time),
        "Description": c.name,
        "Location": c.venue,
        "Status": "Pre-Game",
    }


def _draft_group(g: DkDraftGroup, order: int) -> dict[str, Any]:
    games = sorted(g.competitions, key=lambda c: (c.start_time, c.competition_id))
    start_et = g.start_time.astimezone(EASTERN)
    return {
        "DraftGroupId": g.draft_group_id,
        "ContestTypeId": CLASSIC_GAME_TYPE_ID,
        "StartDate": utc_z7(g.start_time),
        "StartDateEst": start_et.strftime("%Y-%m-%dT%H:%M:%S.0000000"),
        "SortOrder": order,
        "DraftGroupTag": g.tag,
        "GameTypeId": CLASSIC_GAME_TYPE_ID,
        "GameType": g.game_type,
        "SportSortOrder": 2,
        "Sport": "NBA",
        "GameCount": len(games),
        "ContestStartTimeSuffix": g.suffix,
        "ContestStartTimeType": 0 if g.suffix is None else 1,
        "Games": [_lobby_game(c) for c in games],
    }


def lobby_payload(lobby: DkLobby) -> dict[str, Any]:
    groups = sorted(lobby.draft_groups, key=lambda g: (g.start_time, g.draft_group_id))
    return {"DraftGroups": [_draft_group(g, i + 1) for i, g in enumerate(groups)]}


def render_lobby(lobby: DkLobby) -> bytes:
    """The NBA lobby's draft-group listing (compact JSON)."""
    return dump_json(lobby_payload(lobby), JsonStyle.COMPACT)
