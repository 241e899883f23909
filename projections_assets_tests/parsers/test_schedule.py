"""scheduleLeagueV2 parser: the real 2024-25 and 2025-26 payloads, malformed input, zero games."""

from __future__ import annotations

import gzip
import json
from datetime import date

import pandas as pd
import pytest

from projections_assets.parsers.errors import ParseError
from projections_assets.parsers.schedule import SCHEDULE_COLUMNS, parse_schedule
from projections_assets_tests.conftest import REAL_FIXTURES

REAL = REAL_FIXTURES / "cdn_nba"
FULL = REAL / "scheduleLeagueV2_2024-25_full.json.gz"
TRIMMED = REAL / "scheduleLeagueV2_2025-26_trimmed.json"


@pytest.fixture(scope="module")
def full_bytes() -> bytes:
    return gzip.decompress(FULL.read_bytes())


def test_full_season_regular_and_cup(full_bytes: bytes) -> None:
    df = parse_schedule(full_bytes, FULL.name)
    assert list(df.columns) == list(SCHEDULE_COLUMNS)
    # 1,230 regular-season games (Cup group and knockout games have regular ids) + the Cup final.
    assert len(df) == 1231
    assert df["season_type"].value_counts().to_dict() == {"Regular Season": 1230, "NBA Cup": 1}
    assert df["game_id"].is_unique
    assert int(df["is_cup"].sum()) == 67
    first = df.iloc[0]
    assert first["game_id"] == "0022400061"
    assert first["game_code"] == "20241022/NYKBOS"
    assert first["game_date"] == date(2024, 10, 22)
    assert first["tip_ts"] == pd.Timestamp("2024-10-22T23:30:00Z")
    assert (first["home_tricode"], first["away_tricode"]) == ("BOS", "NYK")
    assert (first["home_team_id"], first["home_score"], first["away_score"]) == (1610612738, 132, 109)
    assert first["week_number"] == 1
    assert str(df["tip_ts"].dtype) == "datetime64[ns, UTC]"


def test_all_season_types_and_late_tip_keeps_eastern_date(full_bytes: bytes) -> None:
    df = parse_schedule(full_bytes, FULL.name, season_types=None)
    assert len(df) == 1400
    # A 10 PM ET tip is the next day in UTC but belongs to its Eastern date.
    late_games = df[df["tip_ts"].dt.date != df["game_date"]]
    assert len(late_games) > 100
    assert (late_games["tip_ts"].dt.tz_convert("America/New_York").dt.date == late_games["game_date"]).all()


def test_trimmed_preseason_payload() -> None:
    data = TRIMMED.read_bytes()
    assert parse_schedule(data, TRIMMED.name).empty  # preseason only: filtered, not an error
    df = parse_schedule(data, TRIMMED.name, season_types=None)
    assert len(df) == 13
    assert set(df["season_type"]) == {"Preseason"}
    assert (df["game_status"] == 1).all()
    assert df.iloc[0]["game_id"] == "0012500008"


def test_zero_games_is_an_error() -> None:
    payload = {"leagueSchedule": {"seasonYear": "2025-26", "leagueId": "00", "gameDates": []}}
    with pytest.raises(ParseError) as err:
        parse_schedule(json.dumps(payload).encode(), "empty.json")
    assert err.value.source == "empty.json"
    assert err.value.field == "leagueSchedule.gameDates"


def test_truncated_json_names_source() -> None:
    data = TRIMMED.read_bytes()[:5000]
    with pytest.raises(ParseError, match="trunc.json: <document>: invalid JSON"):
        parse_schedule(data, "trunc.json")


def test_missing_key_names_path() -> None:
    payload = json.loads(TRIMMED.read_bytes())
    del payload["leagueSchedule"]["gameDates"][1]["games"][0]["gameDateTimeUTC"]
    with pytest.raises(ParseError) as err:
        parse_schedule(json.dumps(payload), "s.json", season_types=None)
    assert err.value.field == "leagueSchedule.gameDates[1].games[0].gameDateTimeUTC"


def test_bad_game_id() -> None:
    payload = json.loads(TRIMMED.read_bytes())
    payload["leagueSchedule"]["gameDates"][0]["games"][0]["gameId"] = "12"
    with pytest.raises(ParseError, match=r"gameDates\[0\].games\[0\].gameId: not an NBA game id"):
        parse_schedule(json.dumps(payload), "s.json")
