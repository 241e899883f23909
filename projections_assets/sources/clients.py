"""One interface for every source payload, with a real (HTTP) and a simulated implementation.

`SourceClient.fetch(kind, ident, as_of=...)` returns a `Capture`: the exact
bytes a source answered, with where they came from, when they were captured,
the source's own clock and every HTTP attempt it took. Parsing happens
elsewhere (`projections_assets.parsers`), on these bytes only, so the real
hosts and the simulated league's feed go through one parsing path.

"As of" (`as_of=T`) asks for the payload as it was at T, which is what a
backfill needs. The league feed answers it for every kind (`at=T`); of the
real hosts only The Odds API does (its historical endpoint); asking a real host
for anything else as of a past instant raises `AsOfUnsupported`, because
answering with today's payload would leak the future into the past.

| kind | id | real URL |
|---|---|---|
| injury_pdf | report file name | ak-static.cms.nba.com/referee/injury/{id} |
| schedule | - | cdn.nba.com/static/json/staticData/scheduleLeagueV2.json |
| boxscore | game id | cdn.nba.com/static/json/liveData/boxscore/boxscore_{id}.json |
| playerindex | season, e.g. `2025-26` | stats.nba.com/stats/playerindex |
| roster | `{team id}_{season}`, e.g. `1610612739_2025-26` | stats.nba.com/stats/commonteamroster |
| lineups | Eastern date | stats.nba.com/js/data/leaders/00_daily_lineups_{YYYYMMDD}.json |
| odds | - | api.the-odds-api.com/v4/sports/basketball_nba/odds (historical when as_of) |
| lobby | - | www.draftkings.com/lobby/getcontests?sport=NBA |
| draftables | draft group id | api.draftkings.com/draftgroups/v1/draftgroups/{id}/draftables |
| dk_salaries | draft group id | www.draftkings.com/lineup/getavailableplayerscsv |
| contest_standings | draft group id | www.draftkings.com/contest/exportfullstandingscsv/{id} |
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from projections_assets.core.captures import Capture
from projections_assets.sources.http import FetchResult, NotPublished, SourceHttpClient

__all__ = [
    "KINDS",
    "AsOfUnsupported",
    "Capture",
    "Endpoint",
    "HttpSourceClient",
    "SourceClient",
    "SourceHosts",
]


class AsOfUnsupported(RuntimeError):
    """The source cannot answer "as of a past instant" for this kind (a real host with no history)."""


@dataclass(frozen=True)
class Endpoint:
    """How one payload kind is requested: host role, path template, fixed query, file extension."""

    host: str
    path: str
    ext: str
    params: Mapping[str, str] = field(default_factory=dict)


ENDPOINTS: dict[str, Endpoint] = {
    "injury_pdf": Endpoint("injury", "/referee/injury/{id}", "pdf"),
    "schedule": Endpoint("cdn", "/static/json/staticData/scheduleLeagueV2.json", "json"),
    "boxscore": Endpoint("cdn", "/static/json/liveData/boxscore/boxscore_{id}.json", "json"),
    "playerindex": Endpoint("stats", "/stats/playerindex", "json", {"LeagueID": "00"}),
    "roster": Endpoint("stats", "/stats/commonteamroster", "json", {"LeagueID": "00"}),
    "lineups": Endpoint("stats", "/js/data/leaders/00_daily_lineups_{id}.json", "json"),
    "odds": Endpoint(
        "odds",
        "/v4/sports/basketball_nba/odds",
        "json",
        {"regions": "us", "markets": "h2h,spreads,totals", "oddsFormat": "american"},
    ),
    "odds_historical": Endpoint(
        "odds",
        "/v4/historical/sports/basketball_nba/odds",
        "json",
        {"regions": "us", "markets": "h2h,spreads,totals", "oddsFormat": "american"},
    ),
    "lobby": Endpoint("dk_www", "/lobby/getcontests", "json", {"sport": "NBA"}),
    "draftables": Endpoint("dk_api", "/draftgroups/v1/draftgroups/{id}/draftables", "json"),
    "dk_salaries": Endpoint("dk_www", "/lineup/getavailableplayerscsv", "csv", {"contestTypeId": "70"}),
    "contest_standings": Endpoint("dk_www", "/contest/exportfullstandingscsv/{id}", "csv"),
}
KINDS = tuple(k for k in ENDPOINTS if k != "odds_historical")

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")


@dataclass(frozen=True)
class SourceHosts:
    """Base URL of each host role. `SourceHosts.single(url)` points every role at one server (the feed)."""

    injury: str = "https://ak-static.cms.nba.com"
    cdn: str = "https://cdn.nba.com"
    stats: str = "https://stats.nba.com"
    odds: str = "https://api.the-odds-api.com"
    dk_api: str = "https://api.draftkings.com"
    dk_www: str = "https://www.draftkings.com"

    @classmethod
    def single(cls, base_url: str) -> SourceHosts:
        base = base_url.rstrip("/")
        return cls(base, base, base, base, base, base)

    def base(self, role: str) -> str:
        return str(getattr(self, role)).rstrip("/")


def _iso(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class SourceClient(ABC):
    """Fetches source payloads; see the module docstring for kinds, ids and "as of"."""

    #: Whether every kind can be fetched as of a past instant (the league feed) or only odds (real hosts).
    answers_as_of: bool = False

    @abstractmethod
    def fetch(self, kind: str, ident: str | None = None, *, as_of: datetime | None = None) -> Capture:
        """The payload of `kind` for `ident`, now or as of `as_of`.

        Raises `sources.http.NotPublished` when the document does not exist (yet),
        `SourceUnavailable` when the host keeps failing, `AsOfUnsupported` when
        the source cannot answer as of a past instant.
        """

    def probe_now(self) -> datetime | None:
        """The source's clock, read from a cheap request (None if the source sends no `Date`)."""
        return None

    def close(self) -> None:  # noqa: B027 (optional hook)
        """Release connections."""

    def __enter__(self) -> SourceClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class HttpSourceClient(SourceClient):
    """Fetches over HTTP with retries, backoff and rate limits (`SourceHttpClient`).

    Works against the real hosts (`SourceHosts()`, `answers_as_of=False`) and
    against the simulated league's feed (`SourceHosts.single(url)`,
    `answers_as_of=True`: every path takes `at=`).
    """

    def __init__(
        self,
        http: SourceHttpClient,
        hosts: SourceHosts | None = None,
        *,
        answers_as_of: bool = False,
        odds_api_key: str | None = None,
    ) -> None:
        self.http = http
        self.hosts = hosts or SourceHosts()
        self.answers_as_of = answers_as_of
        self._odds_api_key = odds_api_key

    def _request(self, kind: str, ident: str | None, as_of: datetime | None) -> tuple[str, dict[str, str]]:
        if kind not in ENDPOINTS or kind == "odds_historical":
            raise ValueError(f"unknown source kind {kind!r}; known: {', '.join(KINDS)}")
        if ident is not None and not _SAFE_ID.match(ident):
            raise ValueError(f"{kind}: id {ident!r} is not a safe path component")
        use_kind = kind
        params: dict[str, str] = {}
        if as_of is not None and not self.answers_as_of:
            if kind != "odds":
                raise AsOfUnsupported(
                    f"{kind} cannot be fetched as of {_iso(as_of)} from {self.hosts.base(ENDPOINTS[kind].host)}: "
                    "the real host only answers with its current payload (capture it live before the slot)"
                )
            use_kind = "odds_historical"
            params["date"] = _iso(as_of)
        endpoint = ENDPOINTS[use_kind]
        params = {**endpoint.params, **params}
        path_id = ident
        needs_id = "{id}" in endpoint.path or kind in ("playerindex", "roster", "dk_salaries")
        if needs_id and ident is None:
            raise ValueError(f"{kind} needs an id (see the table in projections_assets.sources.clients)")
        if kind == "lineups":
            path_id = date.fromisoformat(str(ident)).strftime("%Y%m%d")
        elif kind == "playerindex":
            params["Season"] = str(ident)
        elif kind == "roster":
            team_id, _, season = str(ident).partition("_")
            params.update(TeamID=team_id, Season=season)
        elif kind == "dk_salaries":
            params["draftGroupId"] = str(ident)
        path = endpoint.path.replace("{id}", path_id or "")
        if endpoint.host == "odds" and self._odds_api_key:
            params["apiKey"] = self._odds_api_key
        if as_of is not None and self.answers_as_of:
            params["at"] = _iso(as_of)
        return f"{self.hosts.base(endpoint.host)}{path}", params

    def fetch(self, kind: str, ident: str | None = None, *, as_of: datetime | None = None) -> Capture:
        url, params = self._request(kind, ident, as_of)
        result: FetchResult = self.http.get(url, params, source_name=kind)
        return Capture(
            kind=kind,
            ident=ident,
            url=result.url,
            body=result.content,
            ext=ENDPOINTS[kind].ext,
            fetched_at=result.fetched_at,
            source_now=result.attempts[-1].server_date if result.attempts else None,
            as_of=as_of,
            attempts=result.attempts,
        )

    def probe_now(self) -> datetime | None:
        # The injury host answers any name (403 for unknown ones) with its clock in `Date`.
        try:
            capture = self.fetch("injury_pdf", "Injury-Report_clock-probe.pdf")
        except NotPublished as exc:
            return exc.attempts[-1].server_date if exc.attempts else None
        return capture.source_now

    def close(self) -> None:
        self.http.close()
