"""Daily lineups parser (no real sample exists: the shape is an assumption, see the renderer's docstring)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from projections_assets.parsers.errors import ParseError
from projections_assets.parsers.lineups import LINEUP_COLUMNS, parse_lineups


def _player(pid: int, position: str, status: str = "Confirmed", roster: str = "Active") -> dict[str, object]:
    return {
        "personId": pid,
        "teamId": 1610612738,
        "firstName": "A",
        "lastName": f"P{pid}",
        "playerName": f"A P{pid}",
        "lineupStatus": status,
        "position": position,
        "rosterStatus": roster,
        "timestamp": "2025-01-10T23:31:00Z",
    }


PAYLOAD = {
    "games": [
        {
            "gameId": "0022400555",
            "gameStatus": 1,
            "gameStatusText": "7:00 pm ET",
            "homeTeam": {
                "teamId": 1610612738,
                "teamAbbreviation": "BOS",
                "players": [_player(1, "PG"), _player(2, "C"), _player(3, "", roster="Inactive")],
            },
            "awayTeam": {
                "teamId": 1610612752,
                "teamAbbreviation": "NYK",
                "players": [_player(4, "SF", status="Expected"), _player(5, "", status=None)],
            },
        }
    ]
}


def test_parse() -> None:
    df = parse_lineups(json.dumps(PAYLOAD).encode(), "l.json")
    assert list(df.columns) == list(LINEUP_COLUMNS)
    assert len(df) == 5
    assert list(df["is_starter"]) == [True, True, False, True, False]
    assert list(df["confirmed"]) == [True, True, True, False, False]
    assert list(df["active"]) == [True, True, False, True, True]
    assert list(df["team_tricode"]) == ["BOS", "BOS", "BOS", "NYK", "NYK"]
    assert (df["updated_at"] == pd.Timestamp("2025-01-10T23:31:00Z")).all()


def test_malformed() -> None:
    with pytest.raises(ParseError, match="l.json: games: zero games"):
        parse_lineups(b'{"games": []}', "l.json")
    with pytest.raises(ParseError, match="invalid JSON"):
        parse_lineups(json.dumps(PAYLOAD).encode()[:-3], "l.json")
    broken = json.loads(json.dumps(PAYLOAD))
    del broken["games"][0]["awayTeam"]["players"][1]["personId"]
    with pytest.raises(ParseError) as err:
        parse_lineups(json.dumps(broken), "l.json")
    assert err.value.field == "games[0].awayTeam.players[1].personId"
