"""The league feed over real HTTP on 127.0.0.1: every route, clock gating, "as of" queries, every fault.

`test_feed.py` drives `Feed.handle` in-process through `httpx.MockTransport`; here
every request goes through `serve(feed, port=0)` (the stdlib server on a real
loopback socket) with a plain `httpx.Client`, so status lines, headers, body
lengths and dropped connections are what a real client sees. The feed's clock
is frozen (speed 0): nothing here depends on the wall clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pandas as pd
import pytest
from _league_cache import SEEDS, league

from projections_assets.league.feed import (
    ACCESS_DENIED,
    FAULT_KINDS,
    ROUTES,
    Clock,
    FaultRule,
    Faults,
    Feed,
    serve,
)
from projections_assets.league.payloads import LeaguePayloads
from projections_assets.parsers.errors import ParseError
from projections_assets.parsers.injury_pdf import InjuryReportParseError, parse_injury_pdf_records
from projections_assets.parsers.schedule import parse_schedule
from projections_assets.sources.http import RetryPolicy, SourceHttpClient

# The feed's frozen clock: 6 PM Eastern on a mid-season Thursday of the one-season test league.
AT = datetime(2026, 1, 15, 23, 0, tzinfo=UTC)
# An earlier instant of the same day (10 AM Eastern), for the "as of" queries.
EARLIER = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
PDF_NAME = "Injury-Report_2026-01-15_05_30PM.pdf"  # published at 5:30 PM ET, before AT
LATER_PDF_NAME = "Injury-Report_2026-01-15_06_30PM.pdf"  # 6:30 PM ET, after AT
SCHEDULE_PATH = "/static/json/staticData/scheduleLeagueV2.json"
ROSTER_PATH = "/stats/commonteamroster"
PLAYERINDEX_PATH = "/stats/playerindex"
ODDS_PATH = "/v4/sports/basketball_nba/odds"
HISTORICAL_PATH = "/v4/historical/sports/basketball_nba/odds"
TEAM = "1610612737"


@pytest.fixture(scope="module")
def payloads() -> LeaguePayloads:
    return LeaguePayloads(league(SEEDS[0]).tables)


@contextmanager
def _serving(payloads: LeaguePayloads, *rules: FaultRule, seed: int = 0, stall: float = 5.0) -> Iterator[str]:
    """A loopback server for a feed frozen at AT with `rules`; yields its base URL, closes it after."""
    server = serve(Feed(payloads, Clock(AT), Faults(rules, seed=seed, stall_seconds=stall)), port=0)
    try:
        yield server.url
    finally:
        server.close()


@pytest.fixture(scope="module")
def base_url(payloads: LeaguePayloads) -> Iterator[str]:
    with _serving(payloads) as url:
        yield url


@pytest.fixture(scope="module")
def client(base_url: str) -> Iterator[httpx.Client]:
    # No transport: httpx's default one, over the socket the server listens on.
    with httpx.Client(base_url=base_url, timeout=30.0) as c:
        yield c


def _final_by(payloads: LeaguePayloads, at: datetime) -> pd.Series:
    games = payloads.tables["games"]
    return games[games["end_ts"] <= pd.Timestamp(at)].sort_values("end_ts").iloc[-1]


def _open_group(payloads: LeaguePayloads, at: datetime) -> int:
    groups = payloads.tables["draft_groups"]
    live = groups[
        (groups["salary_available_at"] <= pd.Timestamp(at)) & (groups["lock_ts"] > pd.Timestamp(at))
    ]
    return int(live["draft_group_id"].iloc[0])


def _done_group(payloads: LeaguePayloads, at: datetime) -> int:
    ends = (
        payloads.tables["draft_group_games"]
        .merge(payloads.tables["games"][["game_id", "end_ts"]])
        .groupby("draft_group_id")["end_ts"]
        .max()
    )
    return int(ends[ends <= pd.Timestamp(at)].index[-1])


def _requests(payloads: LeaguePayloads, at: datetime) -> dict[str, tuple[str, dict[str, str], str | None]]:
    """Per payload kind: (path, query, payload id) of something published by `at`."""
    group = str(_open_group(payloads, at))
    game = str(_final_by(payloads, at)["game_id"])
    done = str(_done_group(payloads, at))
    return {
        "injury_pdf": (f"/referee/injury/{PDF_NAME}", {}, PDF_NAME),
        "schedule": (SCHEDULE_PATH, {}, None),
        "boxscore": (f"/static/json/liveData/boxscore/boxscore_{game}.json", {}, game),
        "roster": (ROSTER_PATH, {"LeagueID": "00", "Season": "2025-26", "TeamID": TEAM}, TEAM),
        "playerindex": (PLAYERINDEX_PATH, {"LeagueID": "00", "Season": "2025-26"}, None),
        "lineups": (f"/js/data/leaders/00_daily_lineups_{at:%Y%m%d}.json", {}, at.date().isoformat()),
        "odds": (
            ODDS_PATH,
            {"regions": "us", "markets": "h2h,spreads,totals", "oddsFormat": "decimal"},
            None,
        ),
        "odds_historical": (HISTORICAL_PATH, {}, None),
        "lobby": ("/lobby/getcontests", {"sport": "NBA"}, None),
        "draftables": (f"/draftgroups/v1/draftgroups/{group}/draftables", {}, group),
        "dk_salaries": (
            "/lineup/getavailableplayerscsv",
            {"contestTypeId": "70", "draftGroupId": group},
            group,
        ),
        "contest_standings": (f"/contest/exportfullstandingscsv/{done}", {}, done),
    }


def _http_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")


# ----------------------------------------------------------------------------- routes


def test_every_route_over_the_socket(base_url: str, client: httpx.Client, payloads: LeaguePayloads) -> None:
    assert base_url.startswith("http://127.0.0.1:")
    requests = _requests(payloads, AT)
    assert set(requests) == {route.kind for route in ROUTES}
    for route in ROUTES:
        path, query, ident = requests[route.kind]
        assert route.pattern.fullmatch(path), (route.kind, path)
        response = client.get(path, params=query)
        assert response.status_code == 200, (route.kind, response.text[:200])
        assert response.headers["content-type"] == route.media_type, route.kind
        expected = payloads.render(route.kind, AT, ident)
        # Byte for byte what the league renders for the feed's instant, whole (the socket adds nothing).
        assert response.content == expected.body, route.kind
        assert response.headers["content-length"] == str(len(expected.body))
        assert response.headers["last-modified"] == _http_date(expected.published_at), route.kind
        assert expected.file_name in response.headers["content-disposition"]


def test_unknown_paths_and_ids(client: httpx.Client) -> None:
    assert client.get("/nope").status_code == 404
    assert client.get("/static/json/liveData/boxscore/boxscore_0029999999.json").status_code == 404
    assert client.get(ROSTER_PATH, params={"TeamID": "42"}).status_code == 404
    assert client.get("/draftgroups/v1/draftgroups/1/draftables").status_code == 404
    # The injury-report bucket denies every object it does not hold, not just future ones.
    assert client.get("/referee/injury/Injury-Report_2031-01-01_05PM.pdf").status_code == 403


# ----------------------------------------------------------------------------- clock gating


def test_pdf_before_its_publication_is_access_denied(client: httpx.Client) -> None:
    response = client.get(f"/referee/injury/{LATER_PDF_NAME}")
    assert response.status_code == 403
    assert response.content == ACCESS_DENIED
    assert response.headers["content-type"] == "application/xml"
    # PDFs take no `at` (a report is named by its time): asking as of earlier changes nothing.
    assert (
        client.get(f"/referee/injury/{LATER_PDF_NAME}", params={"at": EARLIER.isoformat()}).status_code == 403
    )


def test_boxscore_before_the_game_ends_is_not_found(client: httpx.Client, payloads: LeaguePayloads) -> None:
    games = payloads.tables["games"]
    tonight = games[games["end_ts"] > pd.Timestamp(AT)].sort_values("tip_ts").iloc[0]
    response = client.get(f"/static/json/liveData/boxscore/boxscore_{tonight['game_id']}.json")
    assert response.status_code == 404
    # The answer says when it will be published: when the game ends.
    assert tonight["end_ts"].isoformat() in response.json()["message"]
    # Draft groups: no draftables before salaries are set, no standings before the slate's last game ends.
    groups = payloads.tables["draft_groups"]
    unpriced = int(groups.loc[groups["salary_available_at"] > pd.Timestamp(AT), "draft_group_id"].iloc[0])
    assert client.get(f"/draftgroups/v1/draftgroups/{unpriced}/draftables").status_code == 404
    assert client.get("/lineup/getavailableplayerscsv", params={"draftGroupId": unpriced}).status_code == 404
    assert client.get(f"/contest/exportfullstandingscsv/{_open_group(payloads, AT)}").status_code == 404


def test_as_of_later_than_the_clock_is_a_bad_request(client: httpx.Client) -> None:
    later = (AT + timedelta(seconds=1)).isoformat()
    for path in (SCHEDULE_PATH, ODDS_PATH, PLAYERINDEX_PATH):
        response = client.get(path, params={"at": later})
        assert response.status_code == 400, path
        assert "later than the feed clock" in response.json()["message"]
    assert client.get(HISTORICAL_PATH, params={"date": later}).status_code == 400
    assert client.get(HISTORICAL_PATH, params={"date": "not a date"}).status_code == 400
    assert client.get(SCHEDULE_PATH, params={"at": "yesterday-ish"}).status_code == 400


# ----------------------------------------------------------------------------- "as of" queries


def test_at_answers_equal_the_render_at_that_instant(client: httpx.Client, payloads: LeaguePayloads) -> None:
    for kind, (path, query, ident) in _requests(payloads, EARLIER).items():
        if kind == "injury_pdf":
            continue  # PDFs are named by their time and take no `at`
        response = client.get(path, params={**query, "at": EARLIER.isoformat()})
        assert response.status_code == 200, (kind, response.text[:200])
        assert response.content == payloads.render(kind, EARLIER, ident).body, kind
    # The earlier answers are not just the current ones: these payloads changed during the day.
    for kind in ("schedule", "odds", "lineups"):
        path, query, _ = _requests(payloads, EARLIER)[kind]
        assert (
            client.get(path, params={**query, "at": EARLIER.isoformat()}).content
            != client.get(path, params=query).content
        ), kind
    # A box score asked as of before its game ended is not published at that instant.
    game = _final_by(payloads, AT)
    before_end = (game["end_ts"] - timedelta(minutes=1)).isoformat()
    box_path = f"/static/json/liveData/boxscore/boxscore_{game['game_id']}.json"
    assert client.get(box_path, params={"at": before_end}).status_code == 404


def test_historical_date_answers_equal_the_render_of_that_snapshot(
    client: httpx.Client, payloads: LeaguePayloads
) -> None:
    snap = datetime(2026, 1, 15, 16, 0, tzinfo=UTC)
    # A date between snapshots answers the one at or before it, as seen from the clock.
    response = client.get(HISTORICAL_PATH, params={"date": "2026-01-15T16:03:10Z"})
    assert response.status_code == 200
    assert response.content == payloads.odds_historical(snap, AT).body
    doc = response.json()
    assert doc["timestamp"] == "2026-01-15T16:00:00Z" and doc["next_timestamp"] == "2026-01-15T16:05:00Z"
    # With `at` too, the snapshot is seen from that earlier instant (no later snapshot exists yet).
    both = client.get(HISTORICAL_PATH, params={"date": snap.isoformat(), "at": snap.isoformat()})
    assert both.content == payloads.odds_historical(snap, snap).body
    assert both.json()["next_timestamp"] is None
    # Without `date`, the snapshot is the clock's own.
    assert client.get(HISTORICAL_PATH).content == payloads.render("odds_historical", AT).body


# ----------------------------------------------------------------------------- faults


def _five_xx(payloads: LeaguePayloads) -> None:
    with _serving(payloads, FaultRule("5xx", "/stats/*", status=502)) as url, httpx.Client(base_url=url) as c:
        response = c.get(ROSTER_PATH, params={"TeamID": TEAM})
        assert response.status_code == 502
        assert response.json() == {"message": "injected server error"}
        # The glob picks the paths: the schedule is untouched.
        assert c.get(SCHEDULE_PATH).content == payloads.render("schedule", AT).body


def _too_many_requests(payloads: LeaguePayloads) -> None:
    with _serving(payloads, FaultRule("429", "/v4/*", retry_after=7)) as url, httpx.Client(base_url=url) as c:
        response = c.get(ODDS_PATH)
        assert response.status_code == 429
        assert response.headers["retry-after"] == "7"


def _timeout(payloads: LeaguePayloads) -> None:
    # The server stalls longer than the client waits, so the client gives up first.
    with (
        _serving(payloads, FaultRule("timeout", SCHEDULE_PATH), stall=1.0) as url,
        httpx.Client(base_url=url, timeout=0.2) as c,
    ):
        with pytest.raises(httpx.ReadTimeout):
            c.get(SCHEDULE_PATH)
        # One stalled request does not hold up the others (each request has its own thread).
        assert c.get(ODDS_PATH).status_code == 200


def _truncate(payloads: LeaguePayloads) -> None:
    full = payloads.render("schedule", AT).body
    with _serving(payloads, FaultRule("truncate", SCHEDULE_PATH)) as url, httpx.Client(base_url=url) as c:
        # The server announces the full length, sends half and drops the connection.
        with pytest.raises(httpx.RemoteProtocolError, match=f"expected {len(full)}"):
            c.get(SCHEDULE_PATH)
        received = bytearray()
        with pytest.raises(httpx.RemoteProtocolError), c.stream("GET", SCHEDULE_PATH) as response:
            assert response.status_code == 200 and response.headers["content-length"] == str(len(full))
            for chunk in response.iter_raw():
                received += chunk
        assert bytes(received) == full[: len(full) // 2]


def _corrupt_pdf(payloads: LeaguePayloads) -> None:
    real = payloads.render("injury_pdf", AT, PDF_NAME).body
    with _serving(payloads, FaultRule("corrupt_pdf")) as url, httpx.Client(base_url=url) as c:
        response = c.get(f"/referee/injury/{PDF_NAME}")
        assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
        body = response.content
        # Still looks like the PDF (signature, length), but it is not the PDF.
        assert body.startswith(b"%PDF-") and len(body) == len(real) and body != real
        with pytest.raises(InjuryReportParseError) as caught:
            parse_injury_pdf_records(body, source=PDF_NAME)
        assert caught.value.source == PDF_NAME and PDF_NAME in str(caught.value)
        # Only PDFs are corrupted.
        assert c.get(ODDS_PATH).content == payloads.render("odds", AT).body


def _zero_games(payloads: LeaguePayloads) -> None:
    with _serving(payloads, FaultRule("zero_games")) as url, httpx.Client(base_url=url) as c:
        response = c.get(SCHEDULE_PATH)
        assert response.status_code == 200
        doc = response.json()
        assert doc["leagueSchedule"]["gameDates"] == []
        assert doc["leagueSchedule"]["seasonYear"] == "2025-26"  # the rest of the payload is intact
        source = f"{url}{SCHEDULE_PATH}"
        with pytest.raises(ParseError) as caught:
            parse_schedule(response.content, source)
        assert caught.value.source == source and caught.value.field.startswith("leagueSchedule.gameDates")


FAULT_CHECKS: dict[str, Callable[[LeaguePayloads], None]] = {
    "5xx": _five_xx,
    "429": _too_many_requests,
    "timeout": _timeout,
    "truncate": _truncate,
    "corrupt_pdf": _corrupt_pdf,
    "zero_games": _zero_games,
}


@pytest.mark.parametrize("kind", FAULT_KINDS)
def test_fault_over_the_socket(kind: str, payloads: LeaguePayloads) -> None:
    # Parametrised over the feed's own list, so a new fault kind fails here until it has a check.
    assert kind in FAULT_CHECKS, f"no over-the-socket check for fault {kind!r}"
    FAULT_CHECKS[kind](payloads)


def test_source_client_retries_through_a_flaky_path(payloads: LeaguePayloads) -> None:
    # Half of the playerindex answers are cut short; seed 9's stream cuts the first few in a row.
    rule = FaultRule("truncate", PLAYERINDEX_PATH, probability=0.5)
    slept: list[float] = []
    with (
        _serving(payloads, rule, seed=9) as url,
        SourceHttpClient(
            base_url=url,
            read_timeout_s=10.0,
            retry=RetryPolicy(max_attempts=8, base_delay_s=0.5, jitter="none"),
            clock=lambda: AT.timestamp(),
            sleep=slept.append,  # record the backoff instead of sleeping it
        ) as source,
    ):
        result = source.get(PLAYERINDEX_PATH, params={"LeagueID": "00"}, source_name="playerindex")
        assert result.status == 200
        assert result.content == payloads.render("playerindex", AT).body
        attempts = result.attempts
        assert len(attempts) >= 2 and result.attempt_count == len(attempts)
        assert [a.outcome for a in attempts] == ["truncated"] * (len(attempts) - 1) + ["ok"]
        assert all("RemoteProtocolError" in (a.error or "") for a in attempts[:-1])
        assert {a.url for a in attempts} == {f"{url}{PLAYERINDEX_PATH}?LeagueID=00"}
        # Every retry waited its exponential backoff, and exactly those waits were slept.
        assert [a.delay_before_s for a in attempts] == [0.0] + [0.5 * 2**k for k in range(len(attempts) - 1)]
        assert slept == [a.delay_before_s for a in attempts[1:]]
        # Another path is not flaky: one attempt.
        assert source.get(SCHEDULE_PATH, source_name="schedule").attempt_count == 1
