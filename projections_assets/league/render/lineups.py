"""Render the NBA's daily lineups JSON (`/js/data/leaders/00_daily_lineups_YYYYMMDD.json`).

ASSUMPTION: there is no real sample of this payload in `projections_assets_tests/fixtures/real/`.
The shape is modelled on the public stats.nba.com file as third-party readers
of it describe it: `{"games": [{gameId, gameStatus, gameStatusText, homeTeam,
awayTeam}]}`, each team `{teamId, teamAbbreviation, players}`, each player
`{personId, teamId, firstName, lastName, playerName, lineupStatus ("Expected" /
"Confirmed"), position ("PG".."C" for starters, "" otherwise), rosterStatus
("Active" / "Inactive"), timestamp}`. The timestamp format (UTC, `Z`) is a guess.
"""

from __future__ import annotations

from typing import Any

from projections_assets.league.render.formats import JsonStyle, dump_json, et_clock_text, utc_z
from projections_assets.league.render.records import DailyLineups, LineupGame, LineupPlayer, LineupTeam

_STATUS_TEXT = {2: "In Progress", 3: "Final"}


def _player(p: LineupPlayer, team_id: int) -> dict[str, Any]:
    return {
        "personId": p.person_id,
        "teamId": team_id,
        "firstName": p.first_name,
        "lastName": p.last_name,
        "playerName": f"{p.first_name} {p.last_name}",
        "lineupStatus": p.lineup_status,
        "position": p.position,
        "rosterStatus": p.roster_status,
        "timestamp": utc_z(p.updated_at),
    }


def _team(t: LineupTeam) -> dict[str, Any]:
    return {
        "teamId": t.team.team_id,
        "teamAbbreviation": t.team.tricode,
        "players": [_player(p, t.team.team_id) for p in t.players],
    }


def _game(g: LineupGame) -> dict[str, Any]:
    return {
        "gameId": g.game_id,
        "gameStatus": g.game_status,
        "gameStatusText": _STATUS_TEXT.get(g.game_status) or et_clock_text(g.tip_utc),
        "homeTeam": _team(g.home),
        "awayTeam": _team(g.away),
    }


def lineups_payload(lineups: DailyLineups) -> dict[str, Any]:
    return {"games": [_game(g) for g in sorted(lineups.games, key=lambda g: (g.tip_utc, g.game_id))]}


def render_lineups(lineups: DailyLineups) -> bytes:
    """Daily lineups bytes for one Eastern date (compact JSON)."""
    return dump_json(lineups_payload(lineups), JsonStyle.COMPACT)
