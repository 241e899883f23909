import contextlib
import io
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from projections_assets.league.generate import ensure_league
from projections_assets.platform.lake import Lake
from projections_assets.settings import LAKE_ROOT_ENV

REPO_ROOT = Path(__file__).resolve().parents[1]
# The real source payloads (never edited); fixtures/real/README.md gives their provenance.
REAL_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "real"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# The simulated league the pipeline tests run on: one season (2025-26, both report-naming eras).
LEAGUE_SEED = 11
LEAGUE_SEASONS = 1


# The suite runs on both cores (`pytest -n 2`, pyproject's addopts). Each test file runs whole on one
# worker, so a module's fixtures are built once; the files that share the session's `demo_run` (the demo
# takes minutes) run on the same worker. The heaviest files start first, so that neither worker is left
# with a long file at the end while the other idles.
SHARED_WORKER = {"test_demo.py": "demo", "test_live_sensor.py": "demo"}
# Measured in CI (each file's tests with their fixtures, seconds): backfill recipes ~400, the demo's
# group ~350, README ~250, fault injection ~210, concurrency ~180, unified ~200, browser ~110, scale-out ~100.
HEAVY_FIRST = (
    "test_backfill_recipes.py",
    "test_live_sensor.py",
    "test_demo.py",
    "test_readme.py",
    "test_fault_injection.py",
    "test_concurrency.py",
    "test_unified.py",
    "test_browser.py",
    "test_scaleout.py",
    "test_backfill_cli.py",
)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Group every test by its file (or shared fixture) for xdist's `loadgroup`, heaviest files first."""
    for item in items:
        name = item.path.name
        item.add_marker(
            pytest.mark.xdist_group(SHARED_WORKER.get(name, str(item.path.relative_to(REPO_ROOT))))
        )
    rank = {name: i for i, name in enumerate(HEAVY_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    return Lake(tmp_path / "lake")


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test (the server is started by .ci/run)."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    _psql(f"CREATE DATABASE {name}")
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run_dagster_cli(
    args: list[str], dagster_home: Path, *, timeout_s: float = 300, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run the venv's `dagster` command from the repository root with its own DAGSTER_HOME."""
    return subprocess.run(
        [str(Path(sys.executable).with_name("dagster")), *args],
        cwd=REPO_ROOT,
        env={**os.environ, "DAGSTER_HOME": str(dagster_home), **env},
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )


@pytest.fixture(scope="session")
def league_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test league's tables on disk, generated once per test session (~20 s)."""
    path = tmp_path_factory.mktemp("league") / f"seed={LEAGUE_SEED}"
    return ensure_league(LEAGUE_SEED, path, seasons=LEAGUE_SEASONS)


@pytest.fixture(scope="session")
def trained_lake(tmp_path_factory: pytest.TempPathFactory, league_dir: Path):
    """A fortnight of silver history, its labels and a promoted minutes model, built once (copy it to write)."""
    from projections_assets_tests.history import build_trained_lake

    return build_trained_lake(tmp_path_factory.mktemp("trained") / "lake", league_dir)


@dataclass(frozen=True)
class DemoRun:
    """What `projections demo` left behind: an instance with history and a promoted model, and its output."""

    home: Path
    lake: Path
    summary: dict
    out: str


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory, league_dir: Path) -> DemoRun:
    """The demo on the test league with a short history and two replayed reports, once per session."""
    from projections_assets.cli.demo import run_demo

    root = tmp_path_factory.mktemp("demo")
    home = root / "home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as env, contextlib.redirect_stdout(out):
        env.setenv("DAGSTER_HOME", str(home))
        env.setenv(LAKE_ROOT_ENV, str(root / "lake"))
        # Eight days of history: the models train on the first six (the sim's calibration needs 30 labelled
        # games with closing odds: 41 games), the last two are projected live and train ownership.
        summary = run_demo(
            LEAGUE_SEED,
            history_days=8,
            label_days=14,
            league_dir=league_dir,
            max_reports=2,
            ownership_days=2,
        )
    return DemoRun(home, root / "lake", summary, out.getvalue())
