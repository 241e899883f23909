"""The status service's API on a small published lake, its clock fixed: health, the slate as JSON and CSV,
and its errors; and `projections serve` on a port already taken."""

from __future__ import annotations

import io
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pandas as pd
import pyarrow.parquet as pq
import pytest

from projections_assets.cli.export import published_unified_dir
from projections_assets.platform.lake import DATA_FILE, Lake
from projections_assets.status.app import create_app
from projections_assets.status.health import FailedRun, HealthThresholds
from projections_assets_tests.conftest import REPO_ROOT
from projections_assets_tests.status.published_lake import (
    CHANGE_DETAIL,
    GAME_DATE,
    KEY,
    MAIN_GROUP,
    NEWEST_REPORT_TS,
    OTHER_GROUP,
    SLOT_TS,
    build_published_lake,
)
from projections_assets_tests.status.server import serving

THRESHOLDS = HealthThresholds(report_stale_minutes=60, slot_stale_minutes=30)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Lake:
    return build_published_lake(Lake(tmp_path_factory.mktemp("status") / "lake"))


@contextmanager
def client(lake: Lake, now: datetime, failed: FailedRun | None = None) -> Iterator[httpx.Client]:
    """An HTTP client of the app over `lake` with its clock fixed at `now`, served on loopback."""
    app = create_app(lake, now=lambda: now, last_failed_run=lambda: failed, thresholds=THRESHOLDS)
    with serving(app) as url, httpx.Client(base_url=url) as http:
        yield http


def get(lake: Lake, now: datetime, path: str, failed: FailedRun | None = None, **kwargs) -> httpx.Response:
    with client(lake, now, failed) as http:
        return http.get(path, **kwargs)


def unified(lake: Lake) -> pd.DataFrame:
    return pq.read_table(published_unified_dir(lake, GAME_DATE, None)[1] / DATA_FILE).to_pandas()


def test_health_is_ok_while_the_report_and_the_slot_are_fresh_on_the_sources_clock(published) -> None:
    now = SLOT_TS + timedelta(minutes=10)
    body = get(published, now, "/api/health").json()
    assert body["status"] == "ok"
    assert body["reasons"] == []
    assert body["now"] == now.isoformat()
    assert body["newest_injury_report"] == {"report_ts": NEWEST_REPORT_TS.isoformat(), "age_minutes": 25.0}
    assert body["published_slot"]["partition_key"] == KEY
    assert body["published_slot"]["age_minutes"] == 10.0
    assert body["last_failed_run"] is None
    assert body["thresholds"] == {"report_stale_minutes": 60, "slot_stale_minutes": 30}


def test_health_is_stale_once_the_slot_is_older_than_its_threshold(published) -> None:
    body = get(published, SLOT_TS + timedelta(minutes=40), "/api/health").json()
    assert body["status"] == "stale"
    assert body["reasons"] == ["published slot is 40 min old (stale after 30)"]


def test_health_is_stale_when_the_clock_has_not_reached_any_published_slot(published) -> None:
    body = get(published, SLOT_TS - timedelta(minutes=5), "/api/health").json()
    assert body["status"] == "stale"
    assert body["published_slot"] is None
    assert "no slot published yet" in body["reasons"]


def test_health_is_failing_when_a_run_failed_after_the_last_publication(published) -> None:
    now = SLOT_TS + timedelta(minutes=5)
    published_at = datetime.fromisoformat(
        get(published, now, "/api/health").json()["published_slot"]["published_at"]
    )
    before = FailedRun("run-old", "slate", published_at - timedelta(minutes=1), KEY)
    assert get(published, now, "/api/health", before).json()["status"] == "ok"
    after = FailedRun("run-new", "slate", published_at + timedelta(minutes=1), KEY)
    body = get(published, now, "/api/health", after).json()
    assert body["status"] == "failing"
    assert body["reasons"] == ["run run-new (slate) failed after the last publication"]
    assert body["last_failed_run"]["run_id"] == "run-new"
    assert body["last_failed_run"]["partition"] == KEY


def test_the_slate_json_is_the_published_unified_table_and_one_group_of_it(published) -> None:
    table = unified(published)
    body = get(published, SLOT_TS, "/api/slate", params={"date": GAME_DATE}).json()
    assert body["partition_key"] == KEY
    assert body["main_draft_group"] == MAIN_GROUP
    assert body["row_count"] == len(table)
    rows = pd.DataFrame(body["rows"])
    assert list(rows.columns) == list(table.columns)
    assert rows["dk_player_id"].tolist() == table["dk_player_id"].tolist()
    assert rows["name"].tolist() == table["name"].tolist()
    assert rows["dk_mean"].tolist() == pytest.approx(table["dk_mean"].tolist())
    assert pd.to_datetime(rows["as_of_ts"], utc=True).tolist() == table["as_of_ts"].tolist()

    params = {"date": GAME_DATE, "slot": "18:45", "draft_group": MAIN_GROUP}
    main = get(published, SLOT_TS, "/api/slate", params=params).json()
    expected = table[table["draft_group_id"] == MAIN_GROUP]
    assert main["draft_group"] == MAIN_GROUP
    assert [r["dk_player_id"] for r in main["rows"]] == expected["dk_player_id"].tolist()
    assert [r["salary"] for r in main["rows"]] == expected["salary"].tolist()


def test_the_slate_comes_as_csv_when_asked_for_it(published) -> None:
    response = get(
        published,
        SLOT_TS,
        "/api/slate",
        params={"date": GAME_DATE, "draft_group": OTHER_GROUP},
        headers={"Accept": "text/csv"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = pd.read_csv(io.StringIO(response.text))
    expected = unified(published)
    expected = expected[expected["draft_group_id"] == OTHER_GROUP]
    assert rows["dk_player_id"].tolist() == expected["dk_player_id"].tolist()
    assert rows["dk_mean"].tolist() == pytest.approx(expected["dk_mean"].tolist())


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"date": "2026-13-45"}, "parameter date"),
        ({}, "parameter date is required"),
        ({"date": GAME_DATE, "slot": "18:50"}, "parameter slot"),
        ({"date": GAME_DATE, "draft_group": "main"}, "parameter draft_group"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(published, params, named) -> None:
    response = get(published, SLOT_TS, "/api/slate", params=params)
    assert response.status_code == 400
    assert named in response.json()["error"]


def test_a_date_without_a_published_slot_is_a_404_that_says_so(published) -> None:
    response = get(published, SLOT_TS, "/api/slate", params={"date": "2026-01-12"})
    assert response.status_code == 404
    assert "no slot of 2026-01-12 has been published" in response.json()["error"]


def test_an_unknown_draft_group_is_a_404_listing_the_groups(published) -> None:
    response = get(published, SLOT_TS, "/api/slate", params={"date": GAME_DATE, "draft_group": 7})
    assert response.status_code == 404
    assert f"groups: {MAIN_GROUP}, {OTHER_GROUP}" in response.json()["error"]


def test_a_lake_with_nothing_published_says_so_on_the_page_and_in_health(tmp_path) -> None:
    lake = build_published_lake(Lake(tmp_path / "lake"), publish=False)
    with client(lake, SLOT_TS + timedelta(minutes=5)) as api:
        page = api.get("/")
        assert page.status_code == 404
        assert "nothing has been published" in page.text
        assert api.get("/api/health").json()["status"] == "stale"


def test_the_page_shows_the_main_group_with_its_freshness_and_last_changes(published) -> None:
    page = get(published, SLOT_TS + timedelta(minutes=10), "/")
    assert page.status_code == 200
    assert "newest report 25 min ago, published slot (2026-01-11|18:45) 10 min ago: ok" in page.text
    table = unified(published)
    assert page.text.count("<tr class=") == int((table["draft_group_id"] == MAIN_GROUP).sum())
    assert f"draft group {MAIN_GROUP} (2 games, 12 players)" in page.text
    assert CHANGE_DETAIL in page.text
    assert "http" not in page.text.lower().replace("http-equiv", "")


def test_serve_on_a_port_already_taken_fails_at_once_naming_it() -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen(1)
        port = held.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "projections_assets.cli", "serve", "--port", str(port)],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr


def test_the_thresholds_must_be_positive() -> None:
    with pytest.raises(ValueError, match="slot_stale_minutes"):
        HealthThresholds(report_stale_minutes=60, slot_stale_minutes=0)


def test_ages_are_on_the_injected_clock_not_the_wall_clock(published) -> None:
    far = datetime(2030, 1, 1, tzinfo=UTC)
    body = get(published, far, "/api/health").json()
    assert body["now"] == far.isoformat()
    assert body["published_slot"]["age_minutes"] == round((far - SLOT_TS).total_seconds() / 60, 1)
