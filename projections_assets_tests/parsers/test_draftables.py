"""DraftKings draftables and lobby parsers: the real draft group 139174, malformed input."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from projections_assets.nba.draftkings import classic_slots
from projections_assets.parsers.draftables import DRAFTABLE_COLUMNS, parse_draftables
from projections_assets.parsers.errors import ParseError
from projections_assets_tests.conftest import REAL_FIXTURES

SAMPLE = REAL_FIXTURES / "dk" / "draftables_raw_139174.json"


def test_real_draftables() -> None:
    df = parse_draftables(SAMPLE.read_bytes(), SAMPLE.name, draft_group_id=139174)
    assert list(df.columns) == list(DRAFTABLE_COLUMNS)
    assert len(df) == 70  # 233 rows: one per player and slot
    assert df["status"].value_counts().to_dict() == {"None": 53, "OUT": 10, "Q": 7}
    assert int(df["is_out"].sum()) == 10
    assert set(df["team_abbrev"]) == {"CHI", "CLE", "MIN", "OKC"}
    sga = df[df["display_name"] == "Shai Gilgeous-Alexander"].iloc[0]
    assert (sga["player_id"], sga["player_dk_id"], sga["draftable_id"]) == (1067856, 33258, 41257715)
    assert (sga["salary"], sga["roster_slots"], sga["opp_abbrev"], sga["fppg"]) == (
        10500,
        "PG/G/UTIL",
        "MIN",
        52.6,
    )
    assert sga["start_ts"] == pd.Timestamp("2025-12-20T02:30:00Z")
    assert df["draft_group_id"].eq(139174).all()
    swing = df[df["position"] == "SG/SF"].iloc[0]
    assert swing["roster_slots"] == "SG/SF/G/F/UTIL"
    assert df["news_status"].isna().sum() == 1  # one player has no newsStatus key
    assert df["fppg"].isna().sum() > 0  # "-" for players without games


def test_classic_slots() -> None:
    assert classic_slots("PG/SF") == {"PG", "SF", "G", "F", "UTIL"}
    assert classic_slots("C") == {"C", "UTIL"}
    with pytest.raises(ValueError):
        classic_slots("QB")


def test_malformed_draftables() -> None:
    payload = json.loads(SAMPLE.read_bytes())
    payload["draftables"][4]["rosterSlotId"] = 470
    with pytest.raises(ParseError, match=r"draftables\[4\].rosterSlotId: not a Classic roster slot"):
        parse_draftables(json.dumps(payload), "d.json")
    payload = json.loads(SAMPLE.read_bytes())
    payload["draftables"][1]["salary"] = 9999
    with pytest.raises(ParseError, match="disagree"):
        parse_draftables(json.dumps(payload), "d.json")
    payload = json.loads(SAMPLE.read_bytes())
    del payload["draftables"][0]["competition"]["startTime"]
    with pytest.raises(ParseError) as err:
        parse_draftables(json.dumps(payload), "d.json")
    assert err.value.field == "draftables[0].competition.startTime"
    with pytest.raises(ParseError, match="zero draftables"):
        parse_draftables(b'{"draftables": []}', "d.json")
    with pytest.raises(ParseError, match="invalid JSON"):
        parse_draftables(SAMPLE.read_bytes()[:2000], "d.json")
