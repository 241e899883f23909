"""Every command block of README.md runs as written, on the small test league.

The README's commands are written for the instance `make demo` leaves: league seed 7 (three seasons),
`./.dagster_home`, `./.lake` and the demo's dates. Here every ```bash block runs with bash from the
repository root, in document order, in one workspace (a copy of the `trained_lake` fixture: silver
history, labels and a promoted minutes model, as the demo leaves them), after two kinds of textual
substitution:

- `SUBSTITUTIONS`, for every block: the instance and files under /tmp go to the workspace, and
  `-m projections_assets.definitions` loads `projections_assets_tests.small_league_defs` (the same
  Definitions, with the sources on the test league). The environment names the workspace's lake
  (`PROJECTIONS_LAKE_ROOT`), home (`PROJECTIONS_HOME`, `DAGSTER_HOME`) and the league's directory.
- the block's own `Block.replace`: the README's dates onto the test league's (each must occur in the
  block, so a changed command is noticed).

Every block must match exactly one entry of `BLOCKS` and every entry exactly one block: a block added to
the README that this test does not know fails it (nothing is skipped silently). A block that cannot run in
a test (the set-up commands, a server) says why in `not_run` and has a `check` that verifies it otherwise.

To register a new block, add a `Block` to `BLOCKS`: `match`, a regular expression found in that block
only; `replace`, README text -> test text (dates, seeds, ranges onto the test league and the workspace's
history, see `projections_assets_tests.history`), or a function of the `Workspace` returning it when the
test text is only known at run time (e.g. `lambda ws: {"<README run id>": ws.original_model_run}`); and a
`check` of what the block left in the workspace when one is worth having.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from projections_assets.contracts import gold as gold_contracts
from projections_assets.contracts import labels as label_contracts
from projections_assets.defs.gold import MODEL_NAME
from projections_assets.defs.resources import CLOCK_SPEED_ENV, CLOCK_START_ENV, LeagueSources
from projections_assets.platform.artifacts import ArtifactStore
from projections_assets.platform.lake import Lake, PartitionLocation
from projections_assets.platform.pointers import pointer_history, read_pointer
from projections_assets.platform.publish import slate_pointer_path
from projections_assets.platform.summary import summarize_partitions
from projections_assets_tests import small_league_defs
from projections_assets_tests.conftest import REPO_ROOT

README = REPO_ROOT / "README.md"
# The languages of command blocks: all of them run (one that should not says so in its entry).
SHELL_FENCE = re.compile(r"^```(?:bash|sh|shell|console)[ \t]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
BLOCK_TIMEOUT_S = 900


@dataclass(frozen=True)
class Workspace:
    """Where the README's commands run here: its own lake, instance, /tmp and the test league."""

    root: Path
    league_dir: Path
    original_model_run: str

    @property
    def lake(self) -> Lake:
        return Lake(self.root / ".lake")

    @property
    def home(self) -> Path:
        return self.root / ".dagster_home"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DAGSTER_HOME": str(self.home),
            "PROJECTIONS_HOME": str(self.root),
            "PROJECTIONS_LAKE_ROOT": str(self.lake.root),
            small_league_defs.LEAGUE_DIR_ENV: str(self.league_dir),
        }


def substitutions(ws: Workspace) -> dict[str, str]:
    """README text -> test text for every block (applied where it occurs)."""
    return {
        "$PWD/.dagster_home": str(ws.home),
        "/tmp/": f"{ws.tmp}/",
        ".venv/bin/": f"{Path(sys.executable).parent}/",
        "-m projections_assets.definitions": f"-m {small_league_defs.MODULE}",
    }


@dataclass(frozen=True)
class Block:
    """How this test runs (or otherwise verifies) one README block."""

    name: str
    match: str
    # README text -> test text, or a function of the workspace giving it (e.g. a run id it holds).
    replace: Mapping[str, str] | Callable[[Workspace], Mapping[str, str]] = field(default_factory=dict)
    not_run: str | None = None
    check: Callable[[Workspace], None] | None = None

    def replacements(self, ws: Workspace) -> Mapping[str, str]:
        return self.replace(ws) if callable(self.replace) else self.replace


def _make_dry_run(*targets: str) -> Callable[[Workspace], None]:
    def check(ws: Workspace) -> None:
        for target in targets:
            proc = subprocess.run(["make", "-n", target], cwd=REPO_ROOT, capture_output=True, text=True)
            assert proc.returncode == 0, f"make -n {target}: {proc.stderr}"

    return check


def _ui_check(ws: Workspace) -> None:
    """What `make ui` serves: dagster dev on loopback over workspace.yaml, which loads."""
    proc = subprocess.run(["make", "-n", "ui"], cwd=REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    recipe = proc.stdout.replace("\\\n", " ")
    (line,) = [ln for ln in recipe.splitlines() if "dagster dev" in ln]
    assert "-w workspace.yaml" in line and "-h 127.0.0.1" in line and "DAGSTER_HOME=" in line, line
    validate = subprocess.run(
        [str(Path(sys.executable).with_name("dagster")), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO_ROOT,
        env=ws.env(),
        capture_output=True,
        text=True,
        timeout=BLOCK_TIMEOUT_S,
    )
    assert validate.returncode == 0, validate.stderr[-3000:]


def _exports_written(ws: Workspace) -> None:
    """The three exports of the published 2025-12-23 slot, each with its layout's header (the test league
    has no DraftKings draft group that day, so the files hold no rows: their contents are tested in
    defs/test_unified.py and test_demo.py)."""
    headers = {
        "DKSalaries_projected.csv": "Position,Name + ID,Name,ID,Roster Position,Salary,Game Info,TeamAbbrev,",
        "projections.csv": "Name,Position,Team,Minutes,Salary,Fpts,own%,stddev,fieldFpts,ceiling",
        "unified.csv": "game_date,as_of_ts,draft_group_id,",
    }
    for name, header in headers.items():
        lines = (ws.tmp / name).read_text().splitlines()
        assert lines[0].startswith(header), name


def _slate_published(*keys: str) -> Callable[[Workspace], None]:
    def check(ws: Workspace) -> None:
        for key in keys:
            loc = PartitionLocation.from_key(key)
            pointer = read_pointer(slate_pointer_path(ws.lake, loc.game_date.isoformat()))
            assert pointer is not None and pointer.partition_key == key, key

    return check


def _sources_check(ws: Workspace) -> None:
    _slate_published("2025-12-24|17:45")(ws)
    for day in ("2025-12-26", "2025-12-27"):
        loc = PartitionLocation.from_key(day)
        assert read_pointer(ws.lake.pointer_path(label_contracts.GAME_LABELS.table, loc)).row_count > 0


def _projections_rerun(ws: Workspace) -> None:
    for key in ("2025-12-23|17:30", "2025-12-24|17:30"):
        loc = PartitionLocation.from_key(key)
        projections = read_pointer(ws.lake.pointer_path(gold_contracts.MINUTES_PROJECTIONS.table, loc))
        features = read_pointer(ws.lake.pointer_path(gold_contracts.MINUTES_FEATURES.table, loc))
        # Only the failed table and what follows ran again: the features are the first run's.
        assert projections.run_id != features.run_id, key
    _slate_published("2025-12-23|17:30", "2025-12-24|17:30")(ws)


def _backfill_reported(ws: Workspace) -> None:
    """The report the block printed reads the same manifests: the backfilled slate's partitions."""
    rows = summarize_partitions(ws.lake, date(2025, 12, 23), date(2025, 12, 24))
    published = [r for r in rows if r.table == str(gold_contracts.MINUTES_PROJECTIONS.table)]
    assert {r.partition for r in published} >= {"2025-12-23|17:30", "2025-12-24|17:30"}


def _model_promoted(ws: Workspace) -> None:
    run_id, _ = ArtifactStore(ws.lake).current(MODEL_NAME)
    assert run_id != ws.original_model_run


def _clock_check(ws: Workspace) -> None:
    """The two clock settings of the README: an evening of 2026-01-16, and a frozen clock past the league."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv(CLOCK_START_ENV, "2026-07-01T00:00:00Z")
        env.setenv(CLOCK_SPEED_ENV, "0")
        assert LeagueSources().league_clock().now() == datetime(2026, 7, 1, tzinfo=UTC)
        env.delenv(CLOCK_SPEED_ENV)
        env.setenv(CLOCK_START_ENV, "2026-01-16T11:00:00-05:00")
        now = LeagueSources().league_clock().now()
        start = datetime(2026, 1, 16, 16, tzinfo=UTC)
        assert start <= now <= start + timedelta(hours=15), now
    _make_dry_run("ui")(ws)


def _publication_run(ws: Workspace, key: str) -> str:
    """The run of the publication that made `key` the date's slate (earlier blocks published it)."""
    day = PartitionLocation.from_key(key).game_date.isoformat()
    runs = [e.run_id for e in pointer_history(slate_pointer_path(ws.lake, day)) if e.partition_key == key]
    assert runs, f"no publication of {key} in the slate pointer's history"
    return runs[-1]


def _pinned(ws: Workspace) -> None:
    run_id, _ = ArtifactStore(ws.lake).current(MODEL_NAME)
    assert run_id == ws.original_model_run
    pointer = read_pointer(slate_pointer_path(ws.lake, "2025-12-24"))
    assert pointer is not None and pointer.partition_key == "2025-12-24|17:30"


def _install_tested(ws: Workspace) -> None:
    assert (REPO_ROOT / "projections_assets_tests" / "test_install.py").is_file()


BACKFILL_RANGE = {"2025-12-01|17:30": "2025-12-23|17:30", "2025-12-31|17:30": "2025-12-24|17:30"}

BLOCKS = [
    Block(
        "set up",
        r"^make demo\b",
        not_run=(
            "the set-up commands: CI runs `make test` itself, and the demo's code is covered by "
            "projections_assets_tests/test_demo.py; checked: both targets exist"
        ),
        check=_make_dry_run("demo", "test"),
    ),
    Block(
        "ui",
        r"^make ui\b",
        not_run="starts a server that runs until stopped; checked: its command and that its workspace loads",
        check=_ui_check,
    ),
    Block(
        "backfill of the slate chain",
        r"-j slate \\\n\s+--tags '\{\"dagster/asset_partition_range_start\"",
        replace=BACKFILL_RANGE,
        check=_slate_published("2025-12-23|17:30", "2025-12-24|17:30"),
    ),
    Block(
        "the backfill's report",
        r"projections lake summary --from",
        replace={"2025-12-01": "2025-12-23", "2025-12-31": "2025-12-24"},
        check=_backfill_reported,
    ),
    Block(
        "rerun of what failed",
        r"--select 'key:gold/minutes_projections or key:published/slate'",
        replace={"2025-12-01|17:30...2025-12-31|17:30": "2025-12-23|17:30...2025-12-24|17:30"},
        check=_projections_rerun,
    ),
    Block(
        "one slot, labels of a week",
        r"\"dagster/partition\": \"2026-01-09\|17:30\"",
        # Outside the trained history, so the retraining below sees the same rows as the current model.
        replace={
            "2026-01-09|17:30": "2025-12-24|17:45",
            "2026-01-03...2026-01-09": "2025-12-26...2025-12-27",
        },
        check=_sources_check,
    ),
    Block(
        "retraining",
        r"-j train_minutes",
        # The trained history's window: the same rows, so the candidate ties the current model and passes.
        replace={'"2025-12-01"': '"2026-01-02"', '"2026-01-10"': '"2026-01-16"'},
        check=_model_promoted,
    ),
    Block(
        "league clock settings",
        r"^PROJECTIONS_LEAGUE_CLOCK_START=\S+ make ui",
        not_run="starts a server that runs until stopped; checked: the settings give the clock the README says",
        check=_clock_check,
    ),
    Block(
        "pins",
        r"projections lake pin models/minutes",
        # Back to the model the retraining above replaced, and 2025-12-24's slate back to its 17:30 slot.
        replace=lambda ws: {
            "MODEL_RUN_ID": ws.original_model_run,
            "slate/2026-01-09": "slate/2025-12-24",
            "SLATE_RUN_ID": _publication_run(ws, "2025-12-24|17:30"),
        },
        check=_pinned,
    ),
    Block(
        "unified projections: lake slate, explain, exports",
        r"projections explain --date",
        replace={"2026-01-11": "2025-12-23", "--slot 18:00": "--slot 17:30"},
        check=_exports_written,
    ),
    Block(
        "install",
        r"pip install \.",
        not_run=(
            "installs from the package registry; checked: projections_assets_tests/test_install.py runs the "
            "same three commands from a built wheel, offline, outside the repository"
        ),
        check=_install_tested,
    ),
]


def readme_blocks() -> list[str]:
    return SHELL_FENCE.findall(README.read_text())


def _entry(block: str) -> Block:
    matches = [b for b in BLOCKS if re.search(b.match, block, re.MULTILINE)]
    assert len(matches) == 1, (
        f"README block matches {[b.name for b in matches] or 'no entry'} of test_readme.BLOCKS "
        f"(register it there: match, replace, check):\n{block}"
    )
    return matches[0]


def _substitute(text: str, mapping: Mapping[str, str]) -> str:
    """Every key replaced at once (longest first), so a replacement is never replaced again."""
    keys = sorted(mapping, key=len, reverse=True)
    return re.sub("|".join(re.escape(k) for k in keys), lambda m: mapping[m.group()], text)


def test_every_readme_block_has_exactly_one_entry() -> None:
    blocks = readme_blocks()
    assert blocks, f"no command block found in {README}"
    used = [_entry(block).name for block in blocks]
    assert sorted(used) == sorted(b.name for b in BLOCKS), "an entry of BLOCKS matches no README block"
    for entry in BLOCKS:
        assert (entry.not_run is None) or (entry.check is not None), f"{entry.name}: not run and not checked"


# Several CLI runs, and the first user of the session's trained history builds it.
@pytest.mark.timeout(1500)
def test_every_readme_command_runs_as_written(tmp_path, trained_lake, league_dir) -> None:
    root = tmp_path / "workspace"
    trained_lake.copy_to(root / ".lake")
    (root / "tmp").mkdir()
    (root / ".dagster_home").mkdir()
    shutil.copy(REPO_ROOT / "dagster.yaml", root / ".dagster_home" / "dagster.yaml")
    ws = Workspace(root, league_dir, trained_lake.run_id)
    for block in readme_blocks():
        entry = _entry(block)
        if entry.not_run is None:
            replace = entry.replacements(ws)
            missing = [text for text in replace if text not in block]
            assert not missing, f"{entry.name}: the README block no longer holds {missing}:\n{block}"
            script = _substitute(block, {**substitutions(ws), **replace})
            proc = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", script],
                cwd=REPO_ROOT,
                env=ws.env(),
                capture_output=True,
                text=True,
                timeout=BLOCK_TIMEOUT_S,
            )
            assert proc.returncode == 0, (
                f"{entry.name}:\n{script}\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
            )
        if entry.check is not None:
            entry.check(ws)
