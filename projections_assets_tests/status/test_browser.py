"""Headless Chromium (Debian's `chromium` and `chromium-driver`, installed by scripts/services.sh) on the two
web surfaces: the projections page (its table, a sort by a column, the freshness line) and the Dagster UI
(the asset graph's medallion groups, one asset's checks). Screenshots land in each test's tmp dir.

One file, so conftest.py runs both tests on one worker (and one browser at a time on two cores).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from projections_assets.cli.serve import bind
from projections_assets.contracts.silver import SILVER_INJURIES
from projections_assets.defs.silver import CHECK_FRESHNESS, CHECK_IDENTITIES_MATCHED
from projections_assets.platform.lake import Lake
from projections_assets.platform.processes import stop_process_group
from projections_assets.settings import LAKE_ROOT_ENV
from projections_assets.status.app import create_app
from projections_assets_tests.conftest import REPO_ROOT
from projections_assets_tests.status.published_lake import MAIN_GROUP, SLOT_TS, build_published_lake
from projections_assets_tests.status.server import serving

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
# Generous bounds on waits for a page or a server (not measurements): the machine is small and shared.
PAGE_WAIT_S = 120
WEBSERVER_START_S = 420
# The medallion layers and the other asset groups of projections_assets/defs (their `group_name`s).
ASSET_GROUPS = ("bronze", "silver", "gold", "published", "labels")
# Checks the silver injury snapshot declares beyond its contract's.
INJURY_EXTRA_CHECKS = (CHECK_FRESHNESS, CHECK_IDENTITIES_MATCHED)


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1600,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def _column(driver: WebDriver, index: int) -> list[str]:
    return [
        td.get_attribute("data-v")
        for td in driver.find_elements(By.CSS_SELECTOR, f"#projections tbody tr td:nth-child({index + 1})")
    ]


def test_the_projections_page_shows_the_table_sorts_by_a_column_and_says_how_fresh_it_is(
    tmp_path, browser
) -> None:
    lake = build_published_lake(Lake(tmp_path / "lake"))
    app = create_app(lake, now=lambda: SLOT_TS + timedelta(minutes=10))
    with serving(app) as url:
        browser.get(url + "/")
        wait = WebDriverWait(browser, PAGE_WAIT_S)
        wait.until(ec.visibility_of_element_located((By.ID, "projections")))
        rows = browser.find_elements(By.CSS_SELECTOR, "#projections tbody tr")
        assert len(rows) == 12
        freshness = browser.find_element(By.ID, "freshness")
        assert freshness.is_displayed()
        assert freshness.text.endswith("published slot (2026-01-11|18:45) 10 min ago: ok")
        assert f"draft group {MAIN_GROUP}" in browser.find_element(By.ID, "as-of").text
        browser.save_screenshot(str(tmp_path / "projections.png"))

        headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#projections thead th")]
        salary = headers.index("Salary")
        before = [float(v) for v in _column(browser, salary)]
        assert before != sorted(before, reverse=True)  # the page opens sorted by DK mean, not salary
        header = browser.find_elements(By.CSS_SELECTOR, "#projections thead th")[salary]
        header.click()
        wait.until(lambda d: header.get_attribute("aria-sort") == "descending")
        after = [float(v) for v in _column(browser, salary)]
        assert after == sorted(before, reverse=True)
        header.click()
        wait.until(lambda d: header.get_attribute("aria-sort") == "ascending")
        assert [float(v) for v in _column(browser, salary)] == sorted(before)
        browser.save_screenshot(str(tmp_path / "projections_by_salary.png"))

        player = browser.find_elements(By.CSS_SELECTOR, "#projections thead th")[headers.index("Player")]
        player.click()
        wait.until(lambda d: player.get_attribute("aria-sort") == "ascending")
        names = _column(browser, headers.index("Player"))
        assert names == sorted(names)


@pytest.fixture
def dagster_ui(tmp_path) -> Iterator[str]:
    """dagster-webserver on the repository's workspace, its own instance and lake, on a free loopback port."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    probe = bind("127.0.0.1", 0)
    port = probe.getsockname()[1]
    probe.close()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        LAKE_ROOT_ENV: str(tmp_path / "lake"),
        # Loading the code location takes longer than Dagster's default 60 s on a busy 2-core machine.
        "DAGSTER_GRPC_TIMEOUT_SECONDS": "300",
    }
    log = tmp_path / "webserver.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("dagster-webserver")), "-h", "127.0.0.1", "-p", str(port)]
            + ["-w", "workspace.yaml"],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            # Its own process group: the code server it starts is stopped with it.
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WEBSERVER_START_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"dagster-webserver exited ({proc.returncode}):\n{log.read_text()[-3000:]}"
                )
            try:
                if httpx.get(url + "/server_info", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"dagster-webserver did not answer on {url}:\n{log.read_text()[-3000:]}")
            time.sleep(1)
        yield url
    finally:
        stop_process_group(proc)


def _dismiss_welcome(driver: WebDriver) -> None:
    # The UI greets a new browser profile with a newsletter dialog that covers the graph in screenshots.
    for button in driver.find_elements(By.XPATH, "//button[normalize-space()='Skip']"):
        if button.is_displayed():
            button.click()


def test_the_dagster_ui_shows_the_medallion_groups_and_an_assets_checks(
    tmp_path, browser, dagster_ui
) -> None:
    wait = WebDriverWait(browser, PAGE_WAIT_S)
    browser.get(dagster_ui + "/asset-groups")
    for group in ASSET_GROUPS:
        # Once in the sidebar's tree and once as a group node of the graph.
        named = f"//*[normalize-space(text())='{group}']"
        wait.until(lambda d, named=named: len(d.find_elements(By.XPATH, named)) >= 2)
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Global asset lineage" in body
    _dismiss_welcome(browser)
    browser.save_screenshot(str(tmp_path / "asset_graph.png"))

    browser.get(dagster_ui + "/assets/" + "/".join(SILVER_INJURIES.table.key_path) + "?view=checks")
    expected = (*SILVER_INJURIES.check_names(), *INJURY_EXTRA_CHECKS)
    for name in expected:
        wait.until(ec.presence_of_element_located((By.XPATH, f"//*[normalize-space(text())='{name}']")))
    assert f"Checks ({len(expected)})" in browser.find_element(By.TAG_NAME, "body").text
    _dismiss_welcome(browser)
    browser.save_screenshot(str(tmp_path / "injury_snapshot_checks.png"))
