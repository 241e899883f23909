"""The league feed: every payload at its real URL path, gated by a clock, with faults on demand.

`Feed(payloads, clock, faults).handle(request)` is one `httpx` request handler:
mount it in-process with `httpx.MockTransport(feed.handle)`, or on loopback with
`serve(feed, port=0)` (a stdlib `ThreadingHTTPServer` bound to 127.0.0.1).

Paths (the host is ignored; query parameters as listed):

| path | payload |
|---|---|
| `/referee/injury/Injury-Report_<date>_<time>.pdf` | injury report PDF (403 until published, as the real site) |
| `/static/json/staticData/scheduleLeagueV2.json` | scheduleLeagueV2 of the current season |
| `/static/json/liveData/boxscore/boxscore_{gameId}.json` | final box score (404 until the game ends) |
| `/stats/commonteamroster?TeamID=..` | one team's roster |
| `/stats/playerindex` | every rostered player |
| `/js/data/leaders/00_daily_lineups_{YYYYMMDD}.json` | daily lineups of an Eastern date |
| `/v4/sports/basketball_nba/odds` | The Odds API v4 odds of upcoming games |
| `/v4/historical/sports/basketball_nba/odds?date=ISO` | the historical snapshot wrapper |
| `/lobby/getcontests?sport=NBA` | DraftKings lobby (open draft groups) |
| `/draftgroups/v1/draftgroups/{id}/draftables` | draftables of a draft group |
| `/lineup/getavailableplayerscsv?draftGroupId={id}` | `DKSalaries.csv` of a draft group |
| `/contest/exportfullstandingscsv/{draftGroupId}` | contest standings CSV (the league runs one contest per group) |

Time: the feed answers as of its `Clock`, a pure function of wall time (a fixed
instant, or `start + (wall - anchor) x speed`, optionally replaying a stretch
of league time over and over). Every path but the PDFs also takes `at=ISO` to answer as
of an earlier instant (a backfill); `at` or `date` later than the clock is a 400.
Anything unknown or not yet published is a 404 (403 for PDFs).

Faults (`Faults`, seeded, per path glob and probability): `5xx`, `429` (with
`Retry-After`), `timeout` (raises `httpx.ReadTimeout` in-process; over loopback
the server stalls past the client's timeout), `truncate` (half the body; over
loopback the connection closes short of `Content-Length`), `corrupt_pdf` (PDFs
only) and `zero_games` (a 200 whose payload lists no games).
"""

from __future__ import annotations

import email.utils
import fnmatch
import json
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from .payloads import CSV, JSON, PDF, LeaguePayloads, NotPublished, Payload, UnknownPayload, as_utc

FAULT_KINDS = ("5xx", "429", "timeout", "truncate", "corrupt_pdf", "zero_games")
# S3's answer for a missing or not-yet-uploaded object, which is what the real injury-report bucket returns.
ACCESS_DENIED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
)


# --------------------------------------------------------------------------- clock


def wall_now() -> datetime:
    """The machine's wall clock, in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Clock:
    """The feed's "now", a pure function of wall time (no state: every process computes the same).

    League time is `start + (wall - anchor) x speed`; with `replay` set it goes
    back to `start` each time it has run `replay` of league time, so the same
    stretch of the league replays forever. `speed` 0 freezes the clock at
    `start` (then `anchor` does not matter).
    """

    start: datetime
    speed: float = 0.0
    anchor: datetime | None = None
    replay: timedelta | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", as_utc(self.start))
        if self.anchor is not None:
            object.__setattr__(self, "anchor", as_utc(self.anchor))
        if self.speed < 0:
            raise ValueError(f"clock speed must be >= 0, got {self.speed}")
        if self.speed and self.anchor is None:
            raise ValueError("a running clock (speed > 0) needs an anchor: the wall instant it shows `start`")
        if self.replay is not None and self.replay <= timedelta(0):
            raise ValueError(f"clock replay must be a positive duration, got {self.replay}")

    def at(self, wall: datetime) -> datetime:
        """League time at wall-clock instant `wall`."""
        if not self.speed:
            return self.start
        assert self.anchor is not None
        elapsed = (as_utc(wall) - self.anchor) * self.speed
        if self.replay is not None:
            elapsed %= self.replay
        return self.start + elapsed

    def now(self) -> datetime:
        return self.at(wall_now())


# --------------------------------------------------------------------------- faults


@dataclass(frozen=True)
class FaultRule:
    """Inject `kind` (one of FAULT_KINDS) into requests whose path matches `pattern` (a glob)."""

    kind: str
    pattern: str = "*"
    probability: float = 1.0
    status: int = 503
    retry_after: int = 1

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; known: {FAULT_KINDS}")


@dataclass
class Faults:
    """Fault rules drawn from one seeded stream; the first matching rule that fires wins."""

    rules: tuple[FaultRule, ...] = ()
    seed: int = 0
    # How long the loopback server stalls on a `timeout`: set it above the client's timeout.
    stall_seconds: float = 5.0

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()

    def pick(self, path: str) -> FaultRule | None:
        for rule in self.rules:
            if fnmatch.fnmatchcase(path, rule.pattern):
                # Draw under a lock so concurrent requests still consume one reproducible sequence.
                with self._lock:
                    fires = self._rng.random() < rule.probability
                if fires:
                    return rule
        return None


class StalledResponse(httpx.ReadTimeout):
    """A `timeout` fault: in-process it is the client's timeout; the loopback server stalls instead."""


# --------------------------------------------------------------------------- routing


@dataclass(frozen=True)
class Route:
    """A path pattern, its payload kind and how to read the payload id from the request."""

    kind: str
    pattern: re.Pattern[str]
    ident: Callable[[re.Match[str], httpx.QueryParams], str | None]
    media_type: str


def _group(m: re.Match[str], _q: httpx.QueryParams) -> str:
    return m.group(1)


def _none(_m: re.Match[str], _q: httpx.QueryParams) -> None:
    return None


def _query(name: str) -> Callable[[re.Match[str], httpx.QueryParams], str | None]:
    def read(_m: re.Match[str], q: httpx.QueryParams) -> str | None:
        # stats.nba.com and DraftKings spell their parameters with varying case.
        lowered = {k.lower(): v for k, v in q.multi_items()}
        return lowered.get(name.lower())

    return read


def _compact_date(m: re.Match[str], _q: httpx.QueryParams) -> str:
    d = m.group(1)
    return f"{d[:4]}-{d[4:6]}-{d[6:]}"


ROUTES: tuple[Route, ...] = (
    Route("injury_pdf", re.compile(r"/referee/injury/(Injury-Report_[\w-]+\.pdf)"), _group, PDF),
    Route("schedule", re.compile(r"/static/json/staticData/scheduleLeagueV2\.json"), _none, JSON),
    Route("boxscore", re.compile(r"/static/json/liveData/boxscore/boxscore_(\d{10})\.json"), _group, JSON),
    Route("roster", re.compile(r"/stats/commonteamroster"), _query("TeamID"), JSON),
    Route("playerindex", re.compile(r"/stats/playerindex"), _none, JSON),
    Route("lineups", re.compile(r"/js/data/leaders/00_daily_lineups_(\d{8})\.json"), _compact_date, JSON),
    Route("odds", re.compile(r"/v4/sports/basketball_nba/odds/?"), _none, JSON),
    Route("odds_historical", re.compile(r"/v4/historical/sports/basketball_nba/odds/?"), _none, JSON),
    Route("lobby", re.compile(r"/lobby/getcontests"), _none, JSON),
    Route("draftables", re.compile(r"/draftgroups/v1/draftgroups/(\d+)/draftables"), _group, JSON),
    Route("dk_salaries", re.compile(r"/lineup/getavailableplayerscsv"), _query("draftGroupId"), CSV),
    Route("contest_standings", re.compile(r"/contest/exportfullstandingscsv/(\d+)"), _group, CSV),
)


def _empty_games(kind: str, body: bytes) -> bytes | None:
    """The same payload listing no games (None for kinds that have no game list)."""
    doc: Any = json.loads(body)
    if kind == "schedule":
        doc["leagueSchedule"]["gameDates"] = []
    elif kind == "odds":
        doc = []
    elif kind == "odds_historical":
        doc["data"] = []
    elif kind == "lineups":
        doc["games"] = []
    elif kind == "lobby":
        doc["DraftGroups"] = []
    elif kind == "draftables":
        doc["draftables"], doc["competitions"] = [], []
    else:
        return None
    return json.dumps(doc, separators=(",", ":")).encode()


def _corrupt(body: bytes) -> bytes:
    """Keep the `%PDF` header and length, blank the middle third: it looks like a PDF and fails to parse."""
    third = len(body) // 3
    return body[:third] + b"\0" * third + body[2 * third :]


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json={"message": message}, headers=headers)


# --------------------------------------------------------------------------- the feed


class Feed:
    """Serves a league's payloads by URL path (see module docstring)."""

    def __init__(self, payloads: LeaguePayloads, clock: Clock, faults: Faults | None = None) -> None:
        self.payloads = payloads
        self.clock = clock
        self.faults = faults or Faults()

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request (an `httpx.MockTransport` handler), stamped with the feed clock's `Date`."""
        response = self._handle(request)
        # Clients learn the feed's "now" from `Date`, as they learn a real host's.
        response.headers["Date"] = email.utils.format_datetime(self.clock.now(), usegmt=True)
        return response

    def _handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        route, match = self._route(path)
        if route is None or match is None:
            return _error(404, f"no such path {path}")
        fault = self.faults.pick(path)
        if fault is not None and fault.kind == "5xx":
            return _error(fault.status, "injected server error")
        if fault is not None and fault.kind == "429":
            return _error(429, "too many requests", {"Retry-After": str(fault.retry_after)})
        if fault is not None and fault.kind == "timeout":
            raise StalledResponse("injected timeout", request=request)
        response = self._serve(route, match, request)
        return self._damage(fault, route, response) if fault is not None else response

    def _route(self, path: str) -> tuple[Route | None, re.Match[str] | None]:
        for route in ROUTES:
            match = route.pattern.fullmatch(path)
            if match:
                return route, match
        return None, None

    def _serve(self, route: Route, match: re.Match[str], request: httpx.Request) -> httpx.Response:
        params = request.url.params
        now = self.clock.now()
        try:
            at = as_utc(params["at"]) if "at" in params and route.kind != "injury_pdf" else now
            snapshot = as_utc(params["date"]) if route.kind == "odds_historical" and "date" in params else at
        except ValueError as exc:
            return _error(400, f"bad time: {exc}")
        if at > now or snapshot > now:
            return _error(400, f"as-of time is later than the feed clock {now.isoformat()}")
        ident = route.ident(match, params)
        try:
            payload = self._render(route.kind, ident, at, snapshot)
        except (NotPublished, UnknownPayload) as exc:
            if route.kind == "injury_pdf":
                return httpx.Response(403, content=ACCESS_DENIED, headers={"Content-Type": "application/xml"})
            return _error(404, str(exc))
        return httpx.Response(
            200,
            content=payload.body,
            headers={
                "Content-Type": payload.media_type,
                "Last-Modified": payload.published_at.strftime("%a, %d %b %Y %H:%M:%S GMT"),
                "Content-Disposition": f'inline; filename="{payload.file_name}"',
            },
        )

    def _render(self, kind: str, ident: str | None, at: datetime, snapshot: datetime) -> Payload:
        if kind == "odds_historical":
            return self.payloads.odds_historical(snapshot, at)
        return self.payloads.render(kind, at, ident)

    def _damage(self, fault: FaultRule, route: Route, response: httpx.Response) -> httpx.Response:
        """Apply a body fault to a successful response; other responses pass unchanged."""
        if response.status_code != 200:
            return response
        body = response.content
        if fault.kind == "truncate":
            damaged: bytes | None = body[: len(body) // 2]
        elif fault.kind == "corrupt_pdf":
            damaged = _corrupt(body) if route.media_type == PDF else None
        else:
            damaged = _empty_games(route.kind, body)
        if damaged is None:
            return response
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        extensions = {"feed_full_length": len(body)} if fault.kind == "truncate" else {}
        return httpx.Response(200, content=damaged, headers=headers, extensions=extensions)


def build_feed(
    seed: int,
    clock: datetime | str,
    speed: float = 0.0,
    seasons: int | None = None,
    faults: Faults | None = None,
    anchor: datetime | None = None,
) -> Feed:
    """Generate the league for `seed` and wrap it in a feed whose clock shows `clock` at `anchor` (default: now)."""
    from .generate import generate_league

    league = generate_league(seed, seasons=seasons)
    return Feed(LeaguePayloads(league.tables), Clock(as_utc(clock), speed, anchor or wall_now()), faults)


# --------------------------------------------------------------------------- loopback server


class _Handler(BaseHTTPRequestHandler):
    server: _FeedHTTPServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        feed = self.server.feed
        request = httpx.Request("GET", f"http://{self.headers.get('Host', 'feed')}{self.path}")
        try:
            response = feed.handle(request)
        except httpx.TimeoutException:
            time.sleep(feed.faults.stall_seconds)
            self.close_connection = True
            return
        body = response.content
        # A truncated body is announced at full length and cut short, as a dropped connection looks.
        length = response.extensions.get("feed_full_length", len(body))
        self.send_response(response.status_code)
        for key, value in response.headers.items():
            # `send_response` already sent `Date` (from the feed clock, see `date_time_string`).
            if key.lower() not in ("content-length", "connection", "date"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(length))
        if length != len(body):
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def date_time_string(self, timestamp: float | None = None) -> str:
        # The `Date` header tells clients the feed's clock, not the machine's.
        return email.utils.format_datetime(self.server.feed.clock.now(), usegmt=True)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the stdlib's name)
        if self.server.verbose:
            super().log_message(format, *args)


class _FeedHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], feed: Feed, verbose: bool) -> None:
        super().__init__(address, _Handler)
        self.feed = feed
        self.verbose = verbose


class FeedServer:
    """A running loopback server: `.url`, `.close()`; usable as a context manager."""

    def __init__(self, server: _FeedHTTPServer) -> None:
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="league-feed", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FeedServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def serve(feed: Feed, host: str = "127.0.0.1", port: int = 0, verbose: bool = False) -> FeedServer:
    """Serve `feed` on `host:port` (port 0 picks a free one) in a background thread."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        # The feed is a test double; it must never be reachable from outside the machine.
        raise ValueError(f"the feed binds loopback only, not {host!r}")
    return FeedServer(_FeedHTTPServer((host, port), feed, verbose))
