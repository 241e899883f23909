"""commonteamroster and playerindex parsers on the real stats.nba.com samples."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from projections_assets.parsers.errors import ParseError
from projections_assets.parsers.roster import (
    PLAYERINDEX_COLUMNS,
    ROSTER_COLUMNS,
    parse_commonteamroster,
    parse_playerindex,
)
from projections_assets_tests.conftest import REAL_FIXTURES

REAL = REAL_FIXTURES / "stats_nba"
ROSTER = REAL / "commonteamroster_CLE_2025-26.json"
INDEX = REAL / "playerindex_2025-26.json"


def test_commonteamroster() -> None:
    df = parse_commonteamroster(ROSTER.read_bytes(), ROSTER.name)
    assert list(df.columns) == list(ROSTER_COLUMNS)
    assert len(df) == 19
    assert set(df["team_id"]) == {1610612739}
    harden = df[df["player_id"] == 201935].iloc[0]
    assert harden["player_name"] == "James Harden"
    assert (harden["jersey_num"], harden["position"], harden["height_in"], harden["weight_lb"]) == (
        "1",
        "G",
        77,
        220,
    )
    assert harden["birth_date"] == date(1989, 8, 26)
    assert harden["experience_years"] == 16
    assert harden["how_acquired"] == "Traded from LAC on 02/04/26"
    rookie = df[df["player_name"] == "Darius Brown"].iloc[0]
    assert rookie["experience_years"] == 0
    assert pd.isna(rookie["jersey_num"])
    assert (df["player_name"] == "Dennis Schröder").any()


def test_playerindex() -> None:
    df = parse_playerindex(INDEX.read_bytes(), INDEX.name)
    assert list(df.columns) == list(PLAYERINDEX_COLUMNS)
    assert len(df) == 594
    assert df["player_id"].is_unique
    assert df["team_id"].nunique() == 30
    saric = df[df["player_id"] == 203967].iloc[0]
    assert (saric["last_name"], saric["team_tricode"], saric["height_in"]) == ("Šarić", "SAC", 82)
    assert int(df["draft_year"].isna().sum()) == 133
    assert df["on_roster"].all()


def test_missing_result_set_and_header() -> None:
    payload = json.loads(ROSTER.read_bytes())
    payload["resultSets"][0]["name"] = "Other"
    with pytest.raises(ParseError, match="no result set named 'CommonTeamRoster'"):
        parse_commonteamroster(json.dumps(payload), "r.json")
    payload = json.loads(INDEX.read_bytes())
    i = payload["resultSets"][0]["headers"].index("PERSON_ID")
    payload["resultSets"][0]["headers"][i] = "PID"
    with pytest.raises(ParseError) as err:
        parse_playerindex(json.dumps(payload), "p.json")
    assert err.value.field == "resultSets.PlayerIndex.rowSet[0].PERSON_ID"


def test_empty_roster_and_truncated() -> None:
    payload = json.loads(ROSTER.read_bytes())
    payload["resultSets"][0]["rowSet"] = []
    with pytest.raises(ParseError, match="zero players"):
        parse_commonteamroster(json.dumps(payload), "r.json")
    with pytest.raises(ParseError, match="p.json: <document>: invalid JSON"):
        parse_playerindex(INDEX.read_bytes()[:1000], "p.json")
