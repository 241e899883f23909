"""The Odds API v4 parser: real historical samples, live lists, malformed input."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from projections_assets.parsers.errors import ParseError
from projections_assets.parsers.odds import ODDS_COLUMNS, parse_odds, parse_odds_events
from projections_assets_tests.conftest import REAL_FIXTURES

REAL = REAL_FIXTURES / "odds"
EVENT_ODDS = REAL / "oddsapi_v4_hist_event_odds_spreads_20240125.json"
EVENTS = REAL / "oddsapi_v4_hist_events_20250309.json"


def test_historical_event_odds() -> None:
    df = parse_odds(EVENT_ODDS.read_bytes(), EVENT_ODDS.name)
    assert list(df.columns) == list(ODDS_COLUMNS)
    assert len(df) == 8  # 2 books x 2 markets x 2 outcomes
    assert set(df["market_key"]) == {"spreads", "totals"}
    dk = df[(df["bookmaker_key"] == "draftkings") & (df["outcome_name"] == "Golden State Warriors")].iloc[0]
    assert (dk["price"], dk["point"]) == (1.83, -6.5)
    assert dk["last_update"] == pd.Timestamp("2024-01-25T03:55:22Z")
    assert (df["snapshot_ts"] == pd.Timestamp("2024-01-25T03:55:40Z")).all()
    assert (df["home_team"] == "Golden State Warriors").all()


def test_historical_events_list() -> None:
    df = parse_odds_events(EVENTS.read_bytes(), EVENTS.name)
    assert len(df) == 16
    assert df.iloc[0]["event_id"] == "242c77a8d5890e18bab91773ad32fcb5"
    assert df.iloc[0]["commence_time"] == pd.Timestamp("2025-03-09T23:11:00Z")
    # The events endpoint has no bookmakers: asking for quotes names the missing key.
    with pytest.raises(ParseError) as err:
        parse_odds(EVENTS.read_bytes(), EVENTS.name)
    assert err.value.field == "data[0].bookmakers"


def test_live_list_and_h2h_without_point() -> None:
    event = json.loads(EVENT_ODDS.read_bytes())["data"]
    event["bookmakers"][0]["markets"].append(
        {
            "key": "h2h",
            "last_update": "2024-01-25T03:55:22Z",
            "outcomes": [
                {"name": "Atlanta Hawks", "price": 3.1},
                {"name": "Golden State Warriors", "price": 1.38},
            ],
        }
    )
    df = parse_odds(json.dumps([event]), "live.json")
    assert len(df) == 10
    assert df["snapshot_ts"].isna().all()
    assert df.loc[df["market_key"] == "h2h", "point"].isna().all()
    assert parse_odds(b"[]", "live.json").empty


def test_malformed() -> None:
    with pytest.raises(ParseError, match="o.json: <document>: invalid JSON"):
        parse_odds(EVENT_ODDS.read_bytes()[:300], "o.json")
    payload = json.loads(EVENT_ODDS.read_bytes())
    payload["data"]["bookmakers"][1]["markets"][0]["outcomes"][1]["price"] = "1.88"
    with pytest.raises(ParseError) as err:
        parse_odds(json.dumps(payload), "o.json")
    assert err.value.field == "data.bookmakers[1].markets[0].outcomes[1].price"
    payload = json.loads(EVENT_ODDS.read_bytes())
    payload["data"]["bookmakers"][0]["markets"][0]["last_update"] = "2024-01-25 03:55"
    with pytest.raises(ParseError, match="without offset"):
        parse_odds(json.dumps(payload), "o.json")
