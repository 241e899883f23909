import shutil
import subprocess

import dagster as dg
import pytest

from projections_assets.definitions import DEPLOYMENTS, build_definitions, defs
from projections_assets.defs.jobs import JOBS
from projections_assets.defs.resources import HttpSources, LeagueSources
from projections_assets.platform.io_manager import LakeIOManager
from projections_assets_tests.conftest import REPO_ROOT, run_dagster_cli


@pytest.mark.parametrize("deployment", sorted(DEPLOYMENTS))
def test_every_deployment_resolves_every_job_and_validates(deployment):
    built = build_definitions(deployment)
    dg.Definitions.validate_loadable(built)
    assert {"io_manager", "lake_reader", "sources", "oracle"} <= set(built.resources)
    for job in JOBS:
        assert built.resolve_job_def(job.name).name == job.name


def test_the_embedded_default_runs_on_the_simulated_league(monkeypatch):
    monkeypatch.delenv("PROJECTIONS_DEPLOYMENT", raising=False)
    assert isinstance(defs().resources["sources"], LeagueSources)


def test_the_deployment_is_read_when_the_definitions_are_built_not_at_import(monkeypatch):
    assert not isinstance(defs, dg.Definitions)
    monkeypatch.setenv("PROJECTIONS_DEPLOYMENT", "production")
    assert isinstance(defs().resources["sources"], HttpSources)


def test_production_takes_the_odds_key_and_the_lake_from_the_environment(monkeypatch, tmp_path):
    resources = build_definitions("production").resources
    sources, io_manager = resources["sources"], resources["io_manager"]
    assert isinstance(sources, HttpSources) and sources.base_url is None
    assert isinstance(sources.odds_api_key, dg.EnvVar) and sources.odds_api_key.env_var_name == "ODDS_API_KEY"
    assert isinstance(io_manager, LakeIOManager)
    assert isinstance(io_manager.lake_root, dg.EnvVar)

    monkeypatch.setenv("ODDS_API_KEY", "test-key")
    monkeypatch.setenv("PROJECTIONS_LAKE_ROOT", str(tmp_path / "volume"))
    with dg.build_resources({"sources": sources, "io_manager": io_manager}) as built:
        assert built.sources.odds_api_key == "test-key"
        assert built.io_manager.lake().root == (tmp_path / "volume").resolve()

    monkeypatch.delenv("ODDS_API_KEY")
    with (
        pytest.raises(dg.DagsterInvalidConfigError, match="ODDS_API_KEY"),
        dg.build_resources({"sources": sources}),
    ):
        pass


def test_an_unknown_deployment_fails_naming_the_known_ones(monkeypatch):
    with pytest.raises(
        ValueError,
        match=r"unknown deployment 'staging'.*known deployments: embedded, feed, feed_live, production",
    ):
        build_definitions("staging")
    monkeypatch.setenv("PROJECTIONS_DEPLOYMENT", "prod")
    with pytest.raises(ValueError, match="'prod'"):
        defs()


def test_workspace_validates_from_the_cli(tmp_path):
    proc = run_dagster_cli(["definitions", "validate", "-w", "workspace.yaml"], tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "All code locations passed validation" in proc.stderr + proc.stdout


def test_production_validates_on_its_postgres_instance(tmp_path, postgres_url):
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "docker" / "dagster.yaml", home / "dagster.yaml")
    proc = run_dagster_cli(
        ["definitions", "validate", "-m", "projections_assets.definitions"],
        home,
        PROJECTIONS_DEPLOYMENT="production",
        DAGSTER_PG_URL=postgres_url,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "All code locations passed validation" in proc.stderr + proc.stdout
    # The instance came from docker/dagster.yaml: its run storage created its tables in the database.
    tables = subprocess.run(
        ["psql", postgres_url, "-tAc", "SELECT to_regclass('public.runs') IS NOT NULL"],
        check=True,
        capture_output=True,
        text=True,
    )
    assert tables.stdout.strip() == "t"
