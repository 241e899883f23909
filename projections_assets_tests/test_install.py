"""The package as a user installs it: a built wheel, not the checkout, in a fresh virtual environment.

Everything comes from uv's local cache (`--offline`), which `make setup` filled: the build backend,
and the locked versions of the declared dependencies. The commands run from a directory outside the
repository, so nothing can be found through the checkout.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from projections_assets_tests.conftest import REPO_ROOT

UV = REPO_ROOT / ".tools" / "bin" / "uv"
# Set by a developer's shell or the test session (with every PROJECTIONS_*); the install must not see them.
_LEAKY_ENV = ("VIRTUAL_ENV", "PYTHONPATH", "DAGSTER_HOME")


def _run(args: list[str | Path], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in _LEAKY_ENV and not k.startswith("PROJECTIONS_")}
    proc = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env={**clean, "UV_OFFLINE": "1", **env},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, f"{args}: {proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    return proc


def _files(root: Path) -> set[Path]:
    # Python caches bytecode beside the modules it imports; that is not the package writing data.
    return {p for p in root.rglob("*") if "__pycache__" not in p.parts}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment holding the built wheel and the locked dependencies only."""
    assert UV.exists(), f"{UV} is missing: run `make setup` (it bootstraps uv and fills its cache)"
    root = tmp_path_factory.mktemp("install")
    venv = root / "venv"
    _run([UV, "build", "--wheel", "--out-dir", root / "dist", REPO_ROOT], cwd=root)
    (wheel,) = (root / "dist").glob("projections_assets-*.whl")
    _run(
        [
            UV,
            "sync",
            "--project",
            REPO_ROOT,
            "--frozen",
            "--no-dev",
            "--no-install-project",
            "-p",
            sys.executable,
        ],
        cwd=root,
        UV_PROJECT_ENVIRONMENT=str(venv),
    )
    _run([UV, "pip", "install", "--no-deps", "--python", venv / "bin" / "python", wheel], cwd=root)
    return venv


def _site_packages(venv: Path) -> Path:
    (site,) = (venv / "lib").glob("python3.*/site-packages")
    return site


def test_the_installed_package_runs_from_another_directory_and_writes_nothing_beside_itself(
    installed, tmp_path
):
    site = _site_packages(installed)
    package = site / "projections_assets"
    assert (package / "_config" / "partitions.toml").is_file()
    before = _files(site)
    work = tmp_path / "work"
    work.mkdir()
    bin_dir = installed / "bin"

    help_text = _run([bin_dir / "projections", "--help"], cwd=work).stdout
    assert "league" in help_text and "demo" in help_text
    _run(
        [bin_dir / "projections", "league", "generate", "--seed", "1", "--seasons", "1", "--out", "DIR"],
        cwd=work,
    )
    assert (work / "DIR" / "games.parquet").is_file()
    validate = _run(
        [bin_dir / "dagster", "definitions", "validate", "-m", "projections_assets.definitions"],
        cwd=work,
    )
    assert "All code locations passed validation" in validate.stdout + validate.stderr

    assert _files(site) == before
    assert {p.name for p in work.iterdir()} == {"DIR"}


def test_the_installed_package_reads_its_config_inside_itself_and_keeps_data_in_the_users_home(
    installed, tmp_path
):
    show = (
        "from projections_assets import settings as s;"
        "print(s.CONFIG_DIR, s.resolve_lake_root(None), s.default_league_dir(1), s.dagster_home(), sep='\\n')"
    )
    python = installed / "bin" / "python"
    package = _site_packages(installed) / "projections_assets"
    out = _run([python, "-c", show], cwd=tmp_path).stdout.split()
    assert out == [
        str(package / "_config"),
        str(tmp_path / ".lake"),
        str(tmp_path / ".league" / "seed=1"),
        str(tmp_path / ".dagster_home"),
    ]
    home = tmp_path / "home"
    out = _run([python, "-c", show], cwd=tmp_path, PROJECTIONS_HOME=str(home)).stdout.split()
    assert out[1:] == [str(home / ".lake"), str(home / ".league" / "seed=1"), str(home / ".dagster_home")]


def test_the_checkout_reads_the_repository_config():
    from projections_assets import settings

    assert settings.CONFIG_DIR == REPO_ROOT / "config"
