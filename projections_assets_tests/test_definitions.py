import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from projections_assets.definitions import defs
from projections_assets_tests.conftest import REPO_ROOT


def test_definitions_load_with_the_lake_resources():
    dg.Definitions.validate_loadable(defs)
    assert {"io_manager", "lake_reader"} <= set(defs.resources)


def test_workspace_validates_from_the_cli(tmp_path):
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("dagster")), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "All code locations passed validation" in proc.stderr + proc.stdout
