"""liveData box score parser: the real playoff box score, ISO durations, malformed input."""

from __future__ import annotations

import json

import pytest

from projections_assets.nba.durations import iso_duration, iso_duration_minutes, iso_duration_whole_minutes
from projections_assets.parsers.boxscore import BOXSCORE_COLUMNS, parse_boxscore
from projections_assets.parsers.errors import ParseError
from projections_assets_tests.conftest import REAL_FIXTURES

SAMPLE = REAL_FIXTURES / "cdn_nba" / "boxscore_0042200123.json"


def test_real_boxscore() -> None:
    df = parse_boxscore(SAMPLE.read_bytes(), SAMPLE.name)
    assert list(df.columns) == list(BOXSCORE_COLUMNS)
    assert len(df) == 30
    assert df.groupby("team_tricode")["minutes"].sum().round(6).to_dict() == {"BKN": 240.0, "PHI": 240.0}
    assert df.groupby("team_tricode")["pts"].sum().to_dict() == {"BKN": 97, "PHI": 102}
    assert int(df["starter"].sum()) == 10
    assert int(df["played"].sum()) == 18
    bridges = df[df["name"] == "Mikal Bridges"].iloc[0]
    assert bridges["minutes"] == pytest.approx(43 + 9.08 / 60)
    assert (bridges["pts"], bridges["position"], bridges["is_home"]) == (26, "SG", True)
    simmons = df[df["name"] == "Ben Simmons"].iloc[0]
    assert (simmons["status"], simmons["not_playing_reason"]) == ("INACTIVE", "INACTIVE_INJURY")
    assert simmons["not_playing_description"] == "Back; Nerve Impingement"
    house = df[df["name"] == "Danuel House Jr."].iloc[0]
    assert (house["status"], house["not_playing_reason"], house["minutes"]) == ("ACTIVE", "DNP_INJURY", 0.0)
    # Bench players carry no position in the payload.
    assert df.loc[~df["starter"], "position"].isna().all()
    assert df["plus_minus"].dtype == "float64"


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("PT34M12.00S", 34.2),
        ("PT44M", 44.0),
        ("PT240M00.00S", 240.0),
        ("PT00M00.00S", 0.0),
        ("", 0.0),
        ("PT1H02M30.00S", 62.5),
    ],
)
def test_iso_duration_minutes(text: str, minutes: float) -> None:
    assert iso_duration_minutes(text) == pytest.approx(minutes)


def test_iso_duration_round_trip() -> None:
    assert iso_duration(43 * 60 + 9.08) == "PT43M09.08S"
    assert iso_duration(14400) == "PT240M00.00S"
    assert iso_duration_whole_minutes(3 * 60 + 30.94) == "PT04M"
    assert iso_duration_whole_minutes(14400) == "PT240M"
    for cs in range(0, 300000, 997):
        assert iso_duration_minutes(iso_duration(cs / 100)) == pytest.approx(cs / 6000)


def test_bad_minutes_names_path() -> None:
    payload = json.loads(SAMPLE.read_bytes())
    payload["game"]["awayTeam"]["players"][2]["statistics"]["minutes"] = "34:12"
    with pytest.raises(ParseError) as err:
        parse_boxscore(json.dumps(payload), "b.json")
    assert err.value.field == "game.awayTeam.players[2].statistics.minutes"


def test_missing_stat_and_truncation() -> None:
    payload = json.loads(SAMPLE.read_bytes())
    del payload["game"]["homeTeam"]["players"][0]["statistics"]["assists"]
    with pytest.raises(ParseError, match=r"b.json: game.homeTeam.players\[0\].statistics.assists: missing"):
        parse_boxscore(json.dumps(payload), "b.json")
    with pytest.raises(ParseError, match="invalid JSON"):
        parse_boxscore(SAMPLE.read_bytes()[:-10], "b.json")


def test_zero_players_is_an_error() -> None:
    payload = json.loads(SAMPLE.read_bytes())
    payload["game"]["homeTeam"]["players"] = []
    with pytest.raises(ParseError, match="game.homeTeam.players: zero players"):
        parse_boxscore(json.dumps(payload), "b.json")
