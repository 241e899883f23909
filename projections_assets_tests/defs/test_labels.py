"""Labels from final box scores: equal to the league's truth, frozen on rerun, versioned on correction."""

from __future__ import annotations

import dagster as dg
import numpy as np
import pandas as pd
import pytest

from projections_assets.contracts import labels as contracts
from projections_assets.contracts import sources as bronze_contracts
from projections_assets.defs.bronze import BRONZE_SLATE_ASSETS, bronze_boxscores, bronze_contest_standings
from projections_assets.defs.labels import game_labels_asset, ownership_labels_asset
from projections_assets.league.generate import read_league_tables
from projections_assets.platform.lake import Lake, PartitionLocation
from projections_assets.platform.pointers import pointer_history
from projections_assets.platform.publish import load_partition, publish_partition
from projections_assets_tests.defs.conftest import league_sources, resources

DAY = "2026-01-15"
LOC = PartitionLocation.from_key(DAY)


@pytest.fixture(scope="module")
def labels_lake(tmp_path_factory, league_dir):
    root = tmp_path_factory.mktemp("labels") / "lake"
    res = resources(root, league_sources(league_dir))
    draftables = [a for a in BRONZE_SLATE_ASSETS if a.key.path[-1] in ("draftables", "rosters")]
    with dg.DagsterInstance.ephemeral() as instance:
        assert dg.materialize(
            draftables, partition_key=f"{DAY}|12:00", resources=res, instance=instance
        ).success
        assets = [bronze_boxscores, bronze_contest_standings, game_labels_asset, ownership_labels_asset]
        result = dg.materialize(assets, partition_key=DAY, resources=res, instance=instance)
        assert result.success
        yield Lake(root), res, result


def test_labels_equal_the_leagues_box_scores(labels_lake, league_dir) -> None:
    lake, _, result = labels_lake
    labels = load_partition(lake, contracts.GAME_LABELS.table, LOC)
    truth = read_league_tables(league_dir)["box_scores"]
    truth = truth[truth["game_date"].astype(str) == DAY]
    merged = labels.merge(
        truth, left_on=["game_id", "player_id"], right_on=["game_id", "person_id"], suffixes=("", "_t")
    )
    assert len(merged) == len(labels) == len(truth) > 0
    assert np.allclose(merged["minutes"], merged["seconds"] / 60.0, atol=0.01)
    assert (merged["pts"] == merged["pts_t"]).all() and (merged["reb"] == merged["reb_t"]).all()
    # Our scoring rules (config/scoring.toml) agree with the league's to the hundredth.
    assert np.allclose(merged["dk_pts"], merged["dk_pts_t"])
    assert (labels["label_version"] == 1).all() and (labels["corrects_sha256"] == "").all()
    checks = {(c.check_name, c.passed) for c in result.get_asset_check_evaluations()}
    assert (contracts.CHECK_LABELS_COMPLETE, True) in checks


def test_a_rerun_reproduces_the_frozen_labels_exactly(labels_lake) -> None:
    lake, res, _ = labels_lake
    before = load_partition(lake, contracts.GAME_LABELS.table, LOC)
    with dg.DagsterInstance.ephemeral() as instance:
        assert dg.materialize(
            [game_labels_asset], partition_key=DAY, resources=res, instance=instance
        ).success
    after = load_partition(lake, contracts.GAME_LABELS.table, LOC)
    pd.testing.assert_frame_equal(before, after)
    assert (
        len(pointer_history(lake.pointer_path(contracts.GAME_LABELS.table, LOC))) == 2
    )  # a new run, same rows


def test_a_box_score_correction_is_a_new_version_that_names_the_old(labels_lake) -> None:
    lake, res, _ = labels_lake
    before = load_partition(lake, contracts.GAME_LABELS.table, LOC)
    box = load_partition(lake, bronze_contracts.BRONZE_BOXSCORES.table, LOC)
    game = sorted(box["game_id"].unique())[0]
    scorer = box[box["game_id"] == game].sort_values("pts").index[-1]
    corrected = box.copy()
    # The league revised an assist after the game: a later capture of the same box score says so.
    corrected.loc[scorer, "ast"] += 1
    corrected["captured_at"] = corrected["captured_at"] + pd.Timedelta(hours=12)
    corrected["available_at"] = corrected["captured_at"]
    publish_partition(
        lake,
        bronze_contracts.BRONZE_BOXSCORES.table,
        LOC,
        "correction-1",
        corrected,
        bronze_contracts.BRONZE_BOXSCORES,
    )
    with dg.DagsterInstance.ephemeral() as instance:
        assert dg.materialize(
            [game_labels_asset], partition_key=DAY, resources=res, instance=instance
        ).success
    after = load_partition(lake, contracts.GAME_LABELS.table, LOC)
    fixed = after[after["game_id"] == game]
    assert (fixed["label_version"] == 2).all()
    assert (fixed["corrects_sha256"] == before.loc[before["game_id"] == game, "label_sha256"].iloc[0]).all()
    player = box.loc[scorer, "person_id"]
    assert fixed.loc[fixed["player_id"] == player, "ast"].item() == box.loc[scorer, "ast"] + 1
    others = after[after["game_id"] != game].reset_index(drop=True)
    pd.testing.assert_frame_equal(others, before[before["game_id"] != game].reset_index(drop=True))
    # The first version is still on disk, in the run the pointer used to name.
    first = pointer_history(lake.pointer_path(contracts.GAME_LABELS.table, LOC))[0]
    assert (lake.resolve(first.path) / "data.parquet").exists()


def test_ownership_labels_sum_to_eight_per_draft_group(labels_lake) -> None:
    lake, _, result = labels_lake
    own = load_partition(lake, contracts.OWNERSHIP_LABELS.table, LOC)
    assert len(own) and own["player_id"].notna().all()
    totals = own.groupby("draft_group_id")["ownership"].sum()
    assert np.allclose(totals, 8.0, atol=0.02)  # eight roster slots: 800% per classic contest
    checks = {(c.check_name, c.passed) for c in result.get_asset_check_evaluations()}
    assert ("ownership_names_matched", True) in checks


def test_incomplete_labels_are_refused(labels_lake, tmp_path) -> None:
    lake, _, _ = labels_lake
    labels = load_partition(lake, contracts.GAME_LABELS.table, LOC)
    # A training base with a player missing per team (the seed system's bug) must not be publishable.
    broken = labels.groupby(["game_id", "team_id"], group_keys=False).apply(lambda g: g.iloc[1:])
    other = Lake(tmp_path / "lake")
    with pytest.raises(Exception, match="labels_complete"):
        publish_partition(other, contracts.GAME_LABELS.table, LOC, "broken", broken, contracts.GAME_LABELS)
    assert not list(other.root.rglob("data.parquet"))
