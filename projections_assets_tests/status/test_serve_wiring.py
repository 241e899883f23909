"""What `projections serve` hands the app: the sources' clock of the deployment and the instance's last failed
run (Dagster's public run records)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import dagster as dg
import pytest

from projections_assets.cli.serve import dagster_failures, sources_clock
from projections_assets.defs.resources import CLOCK_SPEED_ENV, CLOCK_START_ENV, ODDS_API_KEY_ENV
from projections_assets.league.feed import Clock, Feed, serve
from projections_assets.league.generate import read_league_tables
from projections_assets.league.payloads import LeaguePayloads
from projections_assets_tests.conftest import REPO_ROOT


def test_the_embedded_deployment_reads_the_simulated_leagues_configured_clock(monkeypatch) -> None:
    monkeypatch.setenv(CLOCK_START_ENV, "2026-01-11T18:55:00-05:00")
    monkeypatch.setenv(CLOCK_SPEED_ENV, "0")
    now = sources_clock("embedded")
    assert now() == datetime(2026, 1, 11, 23, 55, tzinfo=UTC)


def test_a_feed_deployment_reads_the_feeds_clock_over_http(league_dir, monkeypatch) -> None:
    feed = Feed(
        LeaguePayloads(read_league_tables(league_dir)), Clock(datetime(2026, 1, 16, 22, 40, tzinfo=UTC))
    )
    with serve(feed) as server:
        monkeypatch.setenv("PROJECTIONS_FEED_URL", server.url)
        assert sources_clock("feed_live")() == datetime(2026, 1, 16, 22, 40, tzinfo=UTC)


def test_production_needs_no_odds_key_to_read_the_report_hosts_clock(monkeypatch) -> None:
    # The clock probe asks only the injury report host; resolving the odds key would fail without it.
    monkeypatch.delenv(ODDS_API_KEY_ENV, raising=False)
    assert callable(sources_clock("production"))


def test_an_unknown_deployment_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown deployment 'nowhere'"):
        sources_clock("nowhere")


@dg.asset
def breaks() -> None:
    raise RuntimeError("the step broke")


@dg.asset
def works() -> int:
    return 1


def test_the_last_failed_run_comes_from_the_instances_run_records(tmp_path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    last = dagster_failures(home)
    assert last() is None
    with dg.DagsterInstance.from_config(str(home)) as instance:
        failed = dg.materialize([breaks], instance=instance, raise_on_error=False)
        dg.materialize([works], instance=instance)
    assert not failed.success
    run = last()
    assert run is not None
    assert run.run_id == failed.run_id
    assert run.job_name == failed.dagster_run.job_name
    assert run.ended_at <= datetime.now(UTC)


def test_without_an_instance_no_run_is_reported_failed(tmp_path) -> None:
    assert dagster_failures(tmp_path / "missing")() is None
