import dagster as dg

from projections_assets.definitions import defs
from projections_assets_tests.conftest import run_dagster_cli


def test_definitions_load_with_the_lake_resources():
    dg.Definitions.validate_loadable(defs)
    assert {"io_manager", "lake_reader"} <= set(defs.resources)


def test_workspace_validates_from_the_cli(tmp_path):
    proc = run_dagster_cli(["definitions", "validate", "-w", "workspace.yaml"], tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "All code locations passed validation" in proc.stderr + proc.stdout
