"""The `projections` command: every verb listed, none of them imported to list them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from projections_assets import cli

HEAVY = ("pandas", "numpy", "pyarrow", "pandera", "dagster", "lightgbm", "scipy", "sklearn", "httpx")


def test_projections_help_lists_every_verb() -> None:
    script = Path(sys.executable).with_name("projections")
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    for verb, (_, help_text) in cli.COMMANDS.items():
        assert f"{verb}" in done.stdout and help_text in done.stdout


def test_listing_the_verbs_imports_no_heavy_package() -> None:
    probe = (
        "import json, sys\n"
        "import projections_assets.cli as cli\n"
        "cli.build_parser().format_help()\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []


def test_each_verb_registers_the_help_the_listing_shows() -> None:
    listing = cli.build_parser().format_help()
    for verb in cli.COMMANDS:
        assert cli.build_parser(verb).format_help() == listing, verb
