"""The simulated implementation of `SourceClient`: the league's feed, mounted in-process.

It is the HTTP client of `clients.HttpSourceClient` over `httpx.MockTransport`
with the league feed as its handler, so simulated payloads take exactly the
real path (URL, retries, bytes, parsers). The league's tables are generated
once per seed into a directory and read from there (a few seconds), and kept
per process, because sensors and runs create their resources many times.
Generation takes about a minute: callers that must stay quick (a sensor tick)
ask `league_generated` first and never trigger it.
"""

from __future__ import annotations

import threading
from pathlib import Path

import httpx

from projections_assets.league.feed import Clock, Faults, Feed
from projections_assets.league.generate import COMPLETE_MARKER, ensure_league, read_league_tables
from projections_assets.league.payloads import LeaguePayloads
from projections_assets.sources.clients import HttpSourceClient, SourceHosts
from projections_assets.sources.http import RetryPolicy, SourceHttpClient

# Any host works: the transport never leaves the process. A name that cannot resolve makes that obvious.
FEED_HOST = "http://league-feed.invalid"

_payloads: dict[Path, LeaguePayloads] = {}
_lock = threading.Lock()


def league_generated(league_dir: Path) -> bool:
    """Whether a complete league is on disk in `league_dir` (nothing to generate)."""
    return league_dir.resolve() in _payloads or (league_dir / COMPLETE_MARKER).exists()


def league_payloads(seed: int, league_dir: Path, seasons: int | None = None) -> LeaguePayloads:
    """The payload renderer of league `seed`, generated into `league_dir` on first use."""
    key = league_dir.resolve()
    with _lock:
        if key not in _payloads:
            ensure_league(seed, key, seasons=seasons)
            _payloads[key] = LeaguePayloads(read_league_tables(key))
        return _payloads[key]


def league_client(
    feed: Feed, retry: RetryPolicy | None = None, sleep=None, read_timeout_s: float = 30.0
) -> HttpSourceClient:
    """A source client whose every request is answered in-process by `feed`."""
    http = SourceHttpClient(
        base_url=FEED_HOST,
        transport=httpx.MockTransport(feed.handle),
        retry=retry,
        read_timeout_s=read_timeout_s,
        **({"sleep": sleep} if sleep is not None else {}),
    )
    return HttpSourceClient(http, SourceHosts.single(FEED_HOST), answers_as_of=True)


def league_feed(
    seed: int,
    league_dir: Path,
    clock: Clock,
    faults: Faults | None = None,
    seasons: int | None = None,
) -> Feed:
    """The feed of league `seed` (generated into `league_dir` on first use) on `clock`."""
    return Feed(league_payloads(seed, league_dir, seasons), clock, faults)
