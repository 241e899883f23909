"""The source client interface: real URLs, "as of" requests, secrets kept out of records, the source clock."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from projections_assets.sources.clients import AsOfUnsupported, HttpSourceClient, SourceHosts
from projections_assets.sources.http import NotPublished, RetryPolicy, SourceHttpClient

AS_OF = datetime(2026, 1, 15, 22, 30, tzinfo=UTC)
SERVER_DATE = "Thu, 15 Jan 2026 22:31:07 GMT"


def _client(answers_as_of: bool = False, hosts: SourceHosts | None = None, key: str | None = None):
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("missing.pdf"):
            return httpx.Response(403, content=b"<Error/>", headers={"Date": SERVER_DATE})
        return httpx.Response(200, content=b"{}", headers={"Date": SERVER_DATE})

    http = SourceHttpClient(transport=httpx.MockTransport(handle), retry=RetryPolicy(max_attempts=1))
    return HttpSourceClient(http, hosts, answers_as_of=answers_as_of, odds_api_key=key), seen


@pytest.mark.parametrize(
    ("kind", "ident", "url"),
    [
        (
            "injury_pdf",
            "Injury-Report_2026-01-15_05_30PM.pdf",
            "https://ak-static.cms.nba.com/referee/injury/Injury-Report_2026-01-15_05_30PM.pdf",
        ),
        ("schedule", None, "https://cdn.nba.com/static/json/staticData/scheduleLeagueV2.json"),
        (
            "boxscore",
            "0022500600",
            "https://cdn.nba.com/static/json/liveData/boxscore/boxscore_0022500600.json",
        ),
        ("playerindex", "2025-26", "https://stats.nba.com/stats/playerindex?LeagueID=00&Season=2025-26"),
        (
            "roster",
            "1610612739_2025-26",
            "https://stats.nba.com/stats/commonteamroster?LeagueID=00&TeamID=1610612739&Season=2025-26",
        ),
        ("lineups", "2026-01-15", "https://stats.nba.com/js/data/leaders/00_daily_lineups_20260115.json"),
        (
            "odds",
            None,
            "https://api.the-odds-api.com/v4/sports/basketball_nba/odds"
            "?regions=us&markets=h2h%2Cspreads%2Ctotals&oddsFormat=american",
        ),
        ("lobby", None, "https://www.draftkings.com/lobby/getcontests?sport=NBA"),
        ("draftables", "139174", "https://api.draftkings.com/draftgroups/v1/draftgroups/139174/draftables"),
        (
            "dk_salaries",
            "139174",
            "https://www.draftkings.com/lineup/getavailableplayerscsv?contestTypeId=70&draftGroupId=139174",
        ),
        ("contest_standings", "139174", "https://www.draftkings.com/contest/exportfullstandingscsv/139174"),
    ],
)
def test_every_kind_goes_to_its_real_url(kind: str, ident: str | None, url: str) -> None:
    client, seen = _client()
    capture = client.fetch(kind, ident)
    assert str(seen[0].url) == url
    assert capture.url == url and capture.body == b"{}" and capture.as_of is None
    assert capture.source_now == datetime(2026, 1, 15, 22, 31, 7, tzinfo=UTC)
    assert capture.captured_at == capture.source_now  # a live capture is stamped with the source's clock


def test_real_hosts_answer_as_of_only_for_odds() -> None:
    client, seen = _client()
    with pytest.raises(AsOfUnsupported, match="playerindex cannot be fetched as of 2026-01-15T22:30:00Z"):
        client.fetch("playerindex", "2025-26", as_of=AS_OF)
    assert seen == []  # refused before any request: today's payload must never pose as the past's
    capture = client.fetch("odds", as_of=AS_OF)
    assert seen[0].url.path == "/v4/historical/sports/basketball_nba/odds"
    assert seen[0].url.params["date"] == "2026-01-15T22:30:00Z"
    assert capture.as_of == AS_OF and capture.captured_at == AS_OF


def test_the_league_feed_answers_every_kind_as_of() -> None:
    client, seen = _client(answers_as_of=True, hosts=SourceHosts.single("http://127.0.0.1:8765/"))
    client.fetch("lineups", "2026-01-15", as_of=AS_OF)
    assert (
        str(seen[0].url)
        == "http://127.0.0.1:8765/js/data/leaders/00_daily_lineups_20260115.json?at=2026-01-15T22%3A30%3A00Z"
    )


def test_the_odds_api_key_never_reaches_records() -> None:
    client, seen = _client(key="s3cr3t-key")
    capture = client.fetch("odds")
    assert seen[0].url.params["apiKey"] == "s3cr3t-key"  # sent...
    assert "s3cr3t" not in capture.url and "apiKey=***" in capture.url  # ...never stored
    assert all("s3cr3t" not in a.url for a in capture.attempts)


def test_the_source_clock_comes_from_a_refused_probe() -> None:
    client, _ = _client()
    with pytest.raises(NotPublished) as info:
        client.fetch("injury_pdf", "missing.pdf")
    assert info.value.attempts[-1].server_date == datetime(2026, 1, 15, 22, 31, 7, tzinfo=UTC)


@pytest.mark.parametrize("ident", ["../etc/passwd", "a/b", "", "x" * 100])
def test_ids_are_validated_before_they_touch_a_url(ident: str) -> None:
    client, seen = _client()
    with pytest.raises(ValueError, match="not a safe path component"):
        client.fetch("draftables", ident)
    assert seen == []


def test_kinds_that_need_an_id_say_so() -> None:
    client, _ = _client()
    with pytest.raises(ValueError, match="boxscore needs an id"):
        client.fetch("boxscore")
    with pytest.raises(ValueError, match="unknown source kind 'tweets'"):
        client.fetch("tweets")
