"""A flaky source still yields bronze; a dead one fails the run naming the URL and promotes nothing."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import dagster as dg
import pytest

from projections_assets.contracts.sources import BRONZE_ODDS
from projections_assets.defs.bronze import BRONZE_SLATE_ASSETS
from projections_assets.defs.resources import HttpSources
from projections_assets.league.feed import Clock, FaultRule, Faults, Feed, serve
from projections_assets.platform.lake import Lake, PartitionLocation
from projections_assets.platform.manifests import ManifestV1
from projections_assets.sources.simulated import league_payloads
from projections_assets_tests.conftest import LEAGUE_SEASONS, LEAGUE_SEED
from projections_assets_tests.defs.conftest import league_sources, resources

KEY = "2026-01-16|17:30"


def _manifests(lake: Lake) -> list[ManifestV1]:
    return [ManifestV1.read(p) for p in lake.root.glob("bronze/*/game_date=*/slot=*/run=*/manifest.json")]


def _statuses(lake: Lake) -> list[str]:
    return [s for m in _manifests(lake) for i in m.inputs for s in (i.attempt_statuses or [])]


def test_thirty_percent_5xx_in_process_still_materializes(tmp_path, league_dir, instance) -> None:
    sources = league_sources(league_dir, faults=["5xx:*:0.3"], max_attempts=8)
    result = dg.materialize(
        BRONZE_SLATE_ASSETS, partition_key=KEY, resources=resources(tmp_path, sources), instance=instance
    )
    assert result.success
    statuses = _statuses(Lake(tmp_path))
    assert "http_5xx:503" in statuses and statuses.count("ok:200") == len(
        [i for m in _manifests(Lake(tmp_path)) for i in m.inputs if i.name.startswith("source.")]
    )


@pytest.fixture
def flaky_feed_url(league_dir):
    payloads = league_payloads(LEAGUE_SEED, league_dir, LEAGUE_SEASONS)
    feed = Feed(
        payloads,
        Clock(datetime(2026, 6, 1, tzinfo=UTC)),
        Faults((FaultRule("5xx", probability=0.3),), seed=3),
    )
    with serve(feed) as server:
        yield server.url


def test_thirty_percent_5xx_over_loopback_http_still_materializes(tmp_path, flaky_feed_url, instance) -> None:
    sources = HttpSources(base_url=flaky_feed_url, max_attempts=8, retry_base_delay_s=0.0, min_interval_s=0.0)
    result = dg.materialize(
        BRONZE_SLATE_ASSETS, partition_key=KEY, resources=resources(tmp_path, sources), instance=instance
    )
    assert result.success
    lake = Lake(tmp_path)
    statuses = _statuses(lake)
    retried = [s for s in statuses if s.startswith("http_5xx")]
    assert retried and statuses.count("ok:200") == len(
        [i for m in _manifests(lake) for i in m.inputs if i.name.startswith("source.")]
    )
    # Every attempt is on record: the manifests count more HTTP attempts than payloads.
    fetches = [i for m in _manifests(lake) for i in m.inputs if i.name.startswith("source.")]
    assert sum(i.attempts for i in fetches) == len(fetches) + len(retried)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_dead_source_fails_the_run_naming_the_url_and_promotes_nothing(tmp_path, instance) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    sources = HttpSources(
        base_url=url, max_attempts=3, retry_base_delay_s=0.0, min_interval_s=0.0, connect_timeout_s=1.0
    )
    odds = [a for a in BRONZE_SLATE_ASSETS if a.key.path[-1] == "odds"]
    result = dg.materialize(
        odds,
        partition_key=KEY,
        resources=resources(tmp_path, sources),
        instance=instance,
        raise_on_error=False,
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    text = failure.event_specific_data.error.to_string()
    assert f"GET {url}/v4/sports/basketball_nba/odds" in text and "failed after 3 attempts" in text
    lake = Lake(tmp_path)
    assert not list(lake.root.rglob("data.parquet")) and not list(lake.root.rglob("_current.json"))
    assert not lake.partition_dir(BRONZE_ODDS.table, PartitionLocation.from_key(KEY)).exists()


def test_a_corrupt_pdf_fails_naming_the_file_and_keeps_what_was_published(
    tmp_path, league_dir, instance
) -> None:
    injuries = [a for a in BRONZE_SLATE_ASSETS if a.key.path[-1] == "injury_reports"]
    good = league_sources(league_dir)
    assert dg.materialize(
        injuries, partition_key=KEY, resources=resources(tmp_path, good), instance=instance
    ).success
    lake = Lake(tmp_path)
    before = sorted(p.relative_to(lake.root) for p in lake.root.rglob("*") if p.is_file())

    bad = league_sources(league_dir, faults=["corrupt_pdf:/referee/injury/*"])
    result = dg.materialize(
        injuries,
        partition_key=KEY,
        resources=resources(tmp_path, bad),
        instance=instance,
        raise_on_error=False,
    )
    assert not result.success
    text = next(
        e for e in result.all_events if e.event_type_value == "STEP_FAILURE"
    ).event_specific_data.error.to_string()
    assert "Injury-Report_2026-01-16_05_30PM.pdf" in text
    after = sorted(
        p.relative_to(lake.root) for p in lake.root.rglob("*") if p.is_file() and "_staging" not in p.parts
    )
    # The corrupt bytes themselves are kept (bronze keeps what arrived), nothing else changed.
    assert [p for p in after if p not in before and p.parts[0] != "_blobs"] == []
