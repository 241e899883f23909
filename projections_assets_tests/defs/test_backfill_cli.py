"""A range backfill of the whole slate chain through the CLI: every table of every partition, in one run.

The range crosses a day without games (2025-12-23 in the test league): its empty slate passes the same
contracts as the others (it used to fail `gold/minutes_projections` on the dtype of `role`, and so lose
the whole range).
"""

from __future__ import annotations

import json
import shutil

import dagster as dg
import pytest

from projections_assets.contracts import gold as gold_contracts
from projections_assets.contracts import silver as silver_contracts
from projections_assets.contracts.published import SLATE_PUBLICATION
from projections_assets.defs.gold import MODEL_NAME
from projections_assets.defs.jobs import SLATE_KEYS, SLATE_MEMBERS
from projections_assets.platform.artifacts import ArtifactStore
from projections_assets.platform.lake import MANIFEST_FILE, PartitionLocation, TableRef
from projections_assets.platform.manifests import ManifestV1
from projections_assets.platform.pointers import read_pointer
from projections_assets.platform.publish import load_partition, slate_pointer_path
from projections_assets_tests import small_league_defs
from projections_assets_tests.conftest import REPO_ROOT, run_dagster_cli

DAYS = ("2025-12-22", "2025-12-23", "2025-12-24")
NO_GAMES = "2025-12-23"
SLOT = "17:30"
KEYS = [f"{day}|{SLOT}" for day in DAYS]
# What a published slate names: the run of each silver and gold table (bronze stays behind them).
PUBLISHED_MEMBERS = {str(t) for t in SLATE_MEMBERS}


# Several CLI runs, and the first user of the session's trained history builds it.
@pytest.mark.timeout(1500)
def test_a_slate_range_backfill_through_the_cli_writes_every_partition(
    tmp_path, trained_lake, league_dir, monkeypatch
) -> None:
    lake_root = tmp_path / "lake"
    lake = trained_lake.copy_to(lake_root)
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster.yaml", home / "dagster.yaml")
    tags = {"dagster/asset_partition_range_start": KEYS[0], "dagster/asset_partition_range_end": KEYS[-1]}
    proc = run_dagster_cli(
        ["job", "execute", "-m", small_league_defs.MODULE, "-j", "slate", "--tags", json.dumps(tags)],
        home,
        timeout_s=1200,
        PROJECTIONS_LAKE_ROOT=str(lake_root),
        **{small_league_defs.LEAGUE_DIR_ENV: str(league_dir)},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]

    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with dg.DagsterInstance.get() as instance:
        (run,) = instance.get_runs()
    assert run.status == dg.DagsterRunStatus.SUCCESS
    assert ArtifactStore(lake).current(MODEL_NAME)[0] == trained_lake.run_id
    members = [
        TableRef.from_path(key.path) for key in SLATE_KEYS if key.path != SLATE_PUBLICATION.table.key_path
    ]
    for key in KEYS:
        loc = PartitionLocation.from_key(key)
        for table in [*members, SLATE_PUBLICATION.table]:
            pointer = read_pointer(lake.pointer_path(table, loc))
            assert pointer is not None and pointer.run_id == run.run_id, f"{table} {key}"
            manifest = ManifestV1.read(lake.root / pointer.path / MANIFEST_FILE)
            assert manifest.status == "success" and manifest.partition.key == key, f"{table} {key}"
            assert manifest.environment.orchestrator_run_id == run.run_id
            assert manifest.outputs[0].row_count == pointer.row_count
        roster = load_partition(lake, silver_contracts.SILVER_ROSTER.table, loc)
        projections = load_partition(lake, gold_contracts.MINUTES_PROJECTIONS.table, loc)
        assert set(zip(projections["game_id"], projections["player_id"], strict=True)) == set(
            zip(roster["game_id"], roster["player_id"], strict=True)
        )
        assert (projections["model_run_id"] == trained_lake.run_id).all()
        assert (len(projections) == 0) == (key.startswith(NO_GAMES)), key
        # The publication names this run's partition of every member table.
        published = load_partition(lake, SLATE_PUBLICATION.table, loc)
        assert set(published["table"]) == PUBLISHED_MEMBERS
        assert (published["run_id"] == run.run_id).all() and (published["partition_key"] == key).all()
        assert read_pointer(slate_pointer_path(lake, loc.game_date.isoformat())).partition_key == key
