"""The league feed: real paths through httpx.MockTransport and over loopback, clock, as-of, faults."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pandas as pd
import pytest
from _league_cache import SEEDS, league

from projections_assets.cli.feed import register as register_feed
from projections_assets.league.feed import Clock, FaultRule, Faults, Feed, serve, wall_now
from projections_assets.league.payloads import LeaguePayloads
from projections_assets.parsers import (
    boxscore,
    contest_standings,
    dk_salaries,
    draftables,
    lineups,
    odds,
    roster,
    schedule,
)
from projections_assets.parsers.errors import ParseError
from projections_assets.parsers.injury_pdf import parse_injury_pdf

AT = datetime(2026, 1, 15, 23, 0, tzinfo=UTC)
PDF_PATH = "/referee/injury/Injury-Report_2026-01-15_05_30PM.pdf"
SCHEDULE_PATH = "/static/json/staticData/scheduleLeagueV2.json"
ODDS_PATH = "/v4/sports/basketball_nba/odds"


@pytest.fixture(scope="module")
def payloads() -> LeaguePayloads:
    return LeaguePayloads(league(SEEDS[0]).tables)


def _client(payloads: LeaguePayloads, at: datetime = AT, faults: Faults | None = None) -> httpx.Client:
    feed = Feed(payloads, Clock(at), faults)
    return httpx.Client(transport=httpx.MockTransport(feed.handle), base_url="https://feed.test")


@pytest.fixture(scope="module")
def client(payloads: LeaguePayloads) -> Iterator[httpx.Client]:
    with _client(payloads) as c:
        yield c


def _ids(p: LeaguePayloads) -> dict[str, Any]:
    games = p.tables["games"]
    final = games[games["end_ts"] <= AT].sort_values("end_ts").iloc[-1]
    groups = p.tables["draft_groups"]
    open_id = int(
        groups[(groups["salary_available_at"] <= AT) & (groups["lock_ts"] > AT)]["draft_group_id"].iloc[0]
    )
    ends = (
        p.tables["draft_group_games"]
        .merge(games[["game_id", "end_ts"]])
        .groupby("draft_group_id")["end_ts"]
        .max()
    )
    return {
        "game": final["game_id"],
        "home": int(final["home_score"]),
        "open": open_id,
        "done": int(ends[ends <= AT].index[-1]),
    }


def _paths(p: LeaguePayloads) -> dict[str, tuple[str, Callable[[bytes], pd.DataFrame]]]:
    """Every kind: its real path at AT and the project parser that reads it."""
    i = _ids(p)
    return {
        "injury_pdf": (PDF_PATH, parse_injury_pdf),
        "schedule": (SCHEDULE_PATH, lambda b: schedule.parse_schedule(b, "s")),
        "boxscore": (
            f"/static/json/liveData/boxscore/boxscore_{i['game']}.json",
            lambda b: boxscore.parse_boxscore(b, "b"),
        ),
        "roster": (
            "/stats/commonteamroster?LeagueID=00&Season=2025-26&TeamID=1610612737",
            lambda b: roster.parse_commonteamroster(b, "r"),
        ),
        "playerindex": (
            "/stats/playerindex?LeagueID=00&Season=2025-26",
            lambda b: roster.parse_playerindex(b, "p"),
        ),
        "lineups": (
            "/js/data/leaders/00_daily_lineups_20260115.json",
            lambda b: lineups.parse_lineups(b, "l"),
        ),
        "odds": (
            f"{ODDS_PATH}?regions=us&markets=h2h,spreads,totals&oddsFormat=decimal",
            lambda b: odds.parse_odds(b, "o"),
        ),
        "odds_historical": (
            "/v4/historical/sports/basketball_nba/odds?date=2026-01-15T16:00:00Z",
            lambda b: odds.parse_odds(b, "h"),
        ),
        "lobby": ("/lobby/getcontests?sport=NBA", lambda b: draftables.parse_lobby(b, "lobby")),
        "draftables": (
            f"/draftgroups/v1/draftgroups/{i['open']}/draftables",
            lambda b: draftables.parse_draftables(b, "d"),
        ),
        "dk_salaries": (
            f"/lineup/getavailableplayerscsv?contestTypeId=70&draftGroupId={i['open']}",
            lambda b: dk_salaries.parse_dk_salaries(b, "c"),
        ),
        "contest_standings": (
            f"/contest/exportfullstandingscsv/{i['done']}",
            lambda b: contest_standings.parse_contest_standings(b, "cs"),
        ),
    }


def test_every_kind_at_its_real_path(client: httpx.Client, payloads: LeaguePayloads) -> None:
    i = _ids(payloads)
    parsed = {}
    for kind, (path, parse) in _paths(payloads).items():
        response = client.get(path)
        assert response.status_code == 200, (kind, response.text[:200])
        parsed[kind] = parse(response.content)
        assert len(parsed[kind]) > 0, kind
    assert parsed["injury_pdf"]["report_ts"].iloc[0].startswith("2026-01-15T17:30")
    assert (parsed["schedule"]["game_status"] == 3).sum() == (payloads.tables["games"]["end_ts"] <= AT).sum()
    box = parsed["boxscore"]
    assert box.loc[box["is_home"], "pts"].sum() == i["home"]
    assert (parsed["roster"]["team_id"] == 1610612737).all()
    assert parsed["playerindex"]["player_id"].is_unique
    assert set(parsed["lineups"]["game_id"]) == set(
        payloads.tables["games"].query("game_date == @AT.date()")["game_id"]
    )
    assert set(parsed["odds"]["market_key"]) == {"h2h", "spreads", "totals"}
    assert (parsed["odds_historical"]["snapshot_ts"] == pd.Timestamp("2026-01-15T16:00:00Z")).all()
    assert i["open"] in set(parsed["lobby"]["draft_group_id"])
    assert parsed["draftables"]["salary"].between(3000, 12500).all()
    assert set(parsed["dk_salaries"]["dk_id"]) == set(parsed["draftables"]["player_dk_id"])
    assert parsed["contest_standings"]["drafted"].sum() == pytest.approx(8.0, abs=0.02)
    assert client.get(PDF_PATH).headers["content-type"] == "application/pdf"


def test_publication_gating(payloads: LeaguePayloads) -> None:
    i = _ids(payloads)
    box_path = _paths(payloads)["boxscore"][0]
    end = payloads.tables["games"].set_index("game_id").loc[i["game"], "end_ts"].to_pydatetime()
    report = datetime(2026, 1, 15, 22, 30, tzinfo=UTC)  # the 5:30 PM Eastern report
    with _client(payloads, report - timedelta(seconds=1)) as before, _client(payloads, report) as after:
        assert before.get(PDF_PATH).status_code == 403
        assert b"AccessDenied" in before.get(PDF_PATH).content
        assert after.get(PDF_PATH).status_code == 200
    with _client(payloads, end - timedelta(minutes=1)) as before, _client(payloads, end) as after:
        assert before.get(box_path).status_code == 404
        assert after.get(box_path).status_code == 200
    with _client(payloads) as c:
        for path in (
            "/nope",
            "/static/json/liveData/boxscore/boxscore_0029999999.json",
            "/referee/injury/Injury-Report_2031-01-01_05PM.pdf",
        ):
            assert c.get(path).status_code in (403, 404), path
        standings = f"/contest/exportfullstandingscsv/{i['open']}"
        assert c.get(standings).status_code == 404  # that slate has not even locked


def test_at_answers_as_of_an_earlier_instant(client: httpx.Client, payloads: LeaguePayloads) -> None:
    i = _ids(payloads)
    box_path = _paths(payloads)["boxscore"][0]
    end = payloads.tables["games"].set_index("game_id").loc[i["game"], "end_ts"]
    before_end = (end - timedelta(minutes=5)).isoformat()
    assert client.get(box_path, params={"at": before_end}).status_code == 404
    # Odds at an earlier slot are exactly what the live endpoint said then.
    earlier = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
    then = client.get(ODDS_PATH, params={"at": earlier.isoformat()}).content
    assert then == payloads.odds(earlier).body != client.get(ODDS_PATH).content
    lineup_path = "/js/data/leaders/00_daily_lineups_20260115.json"
    morning = lineups.parse_lineups(
        client.get(lineup_path, params={"at": "2026-01-15T15:00:00Z"}).content, "l"
    )
    assert not morning["confirmed"].any()
    with _client(payloads, AT + timedelta(hours=2)) as later:  # past the 7 PM ET tips
        assert lineups.parse_lineups(later.get(lineup_path).content, "l")["confirmed"].any()
        assert (
            later.get(lineup_path, params={"at": AT.isoformat()}).content == client.get(lineup_path).content
        )
    # Never beyond the clock.
    assert client.get(ODDS_PATH, params={"at": (AT + timedelta(seconds=1)).isoformat()}).status_code == 400
    hist = "/v4/historical/sports/basketball_nba/odds"
    assert client.get(hist, params={"date": (AT + timedelta(hours=1)).isoformat()}).status_code == 400
    assert client.get(hist, params={"date": "not a date"}).status_code == 400
    snap = json.loads(client.get(hist, params={"date": "2026-01-15T15:02:00Z"}).content)
    assert snap["timestamp"].startswith("2026-01-15T15:00:00")


def test_clock_advances_at_speed(payloads: LeaguePayloads) -> None:
    start = datetime(2026, 1, 15, 22, 29, tzinfo=UTC)
    clock = Clock(
        start, speed=60.0, anchor=wall_now() - timedelta(seconds=2)
    )  # two wall seconds = two minutes
    assert clock.now() - start >= timedelta(minutes=2)
    feed = Feed(payloads, clock)
    with httpx.Client(transport=httpx.MockTransport(feed.handle), base_url="https://feed.test") as c:
        assert c.get(PDF_PATH).status_code == 200  # 5:30 PM ET passed while the clock ran
    frozen = Clock("2026-01-15T22:29:00Z")
    assert frozen.now() == frozen.now() == start


def _faulty(payloads: LeaguePayloads, *rules: FaultRule) -> httpx.Client:
    return _client(payloads, faults=Faults(rules, seed=3))


def test_status_faults(payloads: LeaguePayloads) -> None:
    with _faulty(payloads, FaultRule("5xx", "/v4/*", status=502)) as c:
        assert c.get(ODDS_PATH).status_code == 502
        assert c.get(SCHEDULE_PATH).status_code == 200  # the pattern picks the paths
    with _faulty(payloads, FaultRule("429", retry_after=7)) as c:
        r = c.get(SCHEDULE_PATH)
        assert r.status_code == 429 and r.headers["Retry-After"] == "7"
    with _faulty(payloads, FaultRule("timeout", "/static/*")) as c, pytest.raises(httpx.ReadTimeout):
        c.get(SCHEDULE_PATH)


def test_body_faults(payloads: LeaguePayloads) -> None:
    full = payloads.odds(AT).body
    with _faulty(payloads, FaultRule("truncate")) as c:
        r = c.get(ODDS_PATH)
        assert r.status_code == 200 and r.content == full[: len(full) // 2]
        with pytest.raises(ParseError):
            odds.parse_odds(r.content, "truncated")
    with _faulty(payloads, FaultRule("corrupt_pdf")) as c:
        r = c.get(PDF_PATH)
        assert r.status_code == 200 and r.content.startswith(b"%PDF")
        with pytest.raises(Exception):  # noqa: B017 (any parse failure will do; pdfplumber's types vary)
            parse_injury_pdf(r.content)
        assert c.get(ODDS_PATH).content == full  # only PDFs are corrupted
    with _faulty(payloads, FaultRule("zero_games")) as c:
        r = c.get(SCHEDULE_PATH)
        assert r.status_code == 200 and json.loads(r.content)["leagueSchedule"]["gameDates"] == []
        with pytest.raises(ParseError):
            schedule.parse_schedule(r.content, "empty")
        assert json.loads(c.get(ODDS_PATH).content) == []


def test_fault_probability_is_seeded(payloads: LeaguePayloads) -> None:
    def statuses(seed: int) -> list[int]:
        faults = Faults((FaultRule("5xx", "/stats/*", probability=0.5),), seed=seed)
        with _client(payloads, faults=faults) as c:
            return [
                c.get("/stats/commonteamroster", params={"TeamID": 1610612737}).status_code for _ in range(30)
            ]

    first = statuses(5)
    assert first == statuses(5)
    assert first != statuses(6)
    assert 5 <= first.count(503) <= 25 and set(first) == {200, 503}
    with pytest.raises(ValueError):
        FaultRule("meteor")


@pytest.fixture
def loopback(payloads: LeaguePayloads) -> Iterator[str]:
    faults = Faults(
        (FaultRule("truncate", "/stats/playerindex"), FaultRule("timeout", "*/scheduleLeagueV2.json")),
        stall_seconds=1.0,
    )
    feed = Feed(payloads, Clock(AT), faults)
    server = serve(feed, port=0)
    try:
        yield server.url
    finally:
        server.close()


def test_over_a_real_loopback_socket(loopback: str, payloads: LeaguePayloads) -> None:
    assert loopback.startswith("http://127.0.0.1:")
    with httpx.Client(base_url=loopback, timeout=10.0) as c:
        r = c.get(PDF_PATH)
        assert r.status_code == 200 and len(parse_injury_pdf(r.content)) > 0
        assert r.content == payloads.render("injury_pdf", AT, PDF_PATH.rsplit("/", 1)[1]).body
        assert c.get("/referee/injury/Injury-Report_2026-01-15_06_30PM.pdf").status_code == 403
        assert c.get("/nope").status_code == 404
        assert (
            c.get(ODDS_PATH, params={"at": "2026-01-15T15:00:00Z"}).content
            == payloads.odds(datetime(2026, 1, 15, 15, tzinfo=UTC)).body
        )
        with pytest.raises(httpx.ReadTimeout):
            c.get(SCHEDULE_PATH, timeout=0.3)
        # A truncated body arrives short of its Content-Length: the connection drops mid-body.
        with pytest.raises(httpx.RemoteProtocolError):
            c.get("/stats/playerindex")


def test_register_feed_adds_the_serve_command() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    register_feed(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        ["feed", "serve", "--seed", "7", "--port", "0", "--clock", "2026-01-15T23:00:00Z", "--speed", "60"]
    )
    assert (args.seed, args.port, args.speed, args.seasons) == (7, 0, 60.0, None)
