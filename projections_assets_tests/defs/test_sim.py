"""Sim assets on the session's small history: the calibration, a slot's worlds and summary, reruns."""

from __future__ import annotations

import dagster as dg
import numpy as np
import pyarrow.parquet as pq
import pytest

from projections_assets.contracts import gold as gold_contracts
from projections_assets.contracts import sim as contracts
from projections_assets.core.sim.inputs import calibration_of_row
from projections_assets.defs.evaluation import points_evaluation_asset
from projections_assets.defs.gold import SLATE_GOLD_ASSETS
from projections_assets.defs.rates import SLATE_RATES_ASSETS
from projections_assets.defs.silver import SILVER_ASSETS
from projections_assets.defs.sim import SLATE_SIM_ASSETS, sim_assets
from projections_assets.platform.lake import DATA_FILE, PartitionLocation
from projections_assets.platform.pointers import read_pointer
from projections_assets.platform.publish import load_partition
from projections_assets_tests.history import LAST, history_resources

WORLDS = 400
# The calibration was fitted by the history's training run: here it is read from the lake.
CALIBRATION = dg.AssetSpec(dg.AssetKey(contracts.SIM_CALIBRATION.table.key_path))
ALL = [*SILVER_ASSETS, *SLATE_GOLD_ASSETS, *SLATE_RATES_ASSETS, *SLATE_SIM_ASSETS, CALIBRATION]
SIM_KEYS = [key for a in SLATE_SIM_ASSETS for key in a.keys]
RUN_CONFIG = dg.RunConfig(ops={sim_assets.op.name: {"config": {"worlds": WORLDS}}})


@pytest.fixture(scope="module")
def history(tmp_path_factory, trained_lake, league_dir):
    root = tmp_path_factory.mktemp("sim") / "lake"
    lake = trained_lake.copy_to(root)
    with dg.DagsterInstance.ephemeral() as instance:
        yield lake, history_resources(root, league_dir), instance


def _run(selection, key, res, instance) -> dg.ExecuteInProcessResult:
    config = RUN_CONFIG if selection == SIM_KEYS else None
    result = dg.materialize(
        ALL, selection=selection, partition_key=key, resources=res, instance=instance, run_config=config
    )
    assert result.success
    return result


@pytest.fixture(scope="module")
def slot(history):
    """A slot with minutes and rates projections, simulated once."""
    lake, res, instance = history
    key = f"{LAST.isoformat()}|18:45"
    _run([k for a in (*SLATE_GOLD_ASSETS, *SLATE_RATES_ASSETS) for k in a.keys], key, res, instance)
    first = _run(SIM_KEYS, key, res, instance)
    return key, first


def test_the_calibration_is_fitted_on_the_training_games(history) -> None:
    lake, _, _ = history
    table = load_partition(lake, contracts.SIM_CALIBRATION.table, PartitionLocation.from_key(None))
    calibration = calibration_of_row(table)
    assert int(table["games_with_odds"].iloc[0]) >= 30
    assert 8 < calibration.margin_sd < 25 and 0 <= calibration.pace_sd < 0.2
    assert set(calibration.dispersion) >= {"fg2a", "fg3a", "ast", "dreb"}


def test_a_slot_gets_worlds_of_every_player_not_out_and_a_summary(history, slot) -> None:
    lake, _, _ = history
    key, result = slot
    loc = PartitionLocation.from_key(key)
    checks = {c.check_name: c.passed for c in result.get_asset_check_evaluations()}
    assert checks[contracts.CHECK_WORLD_TEAM_MINUTES] and checks[contracts.CHECK_DK_QUANTILE_ORDER]
    assert all(checks.values())
    pointer = read_pointer(lake.pointer_path(contracts.SIM_WORLDS.table, loc))
    assert pointer.path == f"gold/sim_worlds/game_date={LAST.isoformat()}/slot=1845/run={result.run_id}"
    data = lake.root / pointer.path / DATA_FILE
    # Written with the compact encoding its contract names, as core.sim.storage writes it.
    column = pq.ParquetFile(data).metadata.row_group(0).column(0)
    assert column.compression == "ZSTD" and "RLE_DICTIONARY" in column.encodings
    worlds = load_partition(lake, contracts.SIM_WORLDS.table, loc)
    minutes = load_partition(lake, gold_contracts.MINUTES_PROJECTIONS.table, loc)
    out = set(minutes.loc[minutes["status"] == "Out", "player_id"])
    assert out and not out & set(worlds["player_id"])
    assert set(worlds["player_id"]) == set(minutes.loc[minutes["status"] != "Out", "player_id"])
    assert worlds.groupby("player_id")["world"].nunique().eq(WORLDS).all()
    # Every world: each team plays 240 minutes plus 25 per overtime.
    team = worlds.groupby(["game_id", "team_id", "world"])["seconds"].sum()
    assert ((team - 240 * 60) % (25 * 60) == 0).all() and (team >= 240 * 60).all()
    summary = load_partition(lake, contracts.SIM_SUMMARY.table, loc)
    assert set(summary["player_id"]) == set(worlds["player_id"])
    mean = worlds.groupby("player_id")["dk_q"].mean() / 4
    assert np.allclose(summary.set_index("player_id")["dk_mean"].loc[mean.index], mean)
    assert summary["dk_mean"].between(0, 80).all() and summary["dk_mean"].max() > 25


def test_rerunning_a_slot_reproduces_worlds_and_summary_byte_for_byte(history, slot) -> None:
    lake, res, instance = history
    key, _ = slot
    loc = PartitionLocation.from_key(key)
    tables = (contracts.SIM_WORLDS.table, contracts.SIM_SUMMARY.table)

    def data(table) -> tuple[str, bytes]:
        pointer = read_pointer(lake.pointer_path(table, loc))
        return pointer.run_id, (lake.root / pointer.path / DATA_FILE).read_bytes()

    before = {t: data(t) for t in tables}
    rerun = _run(SIM_KEYS, key, res, instance)
    for t in tables:
        run_id, body = data(t)
        assert run_id == rerun.run_id != before[t][0] and body == before[t][1], t


def test_the_points_evaluation_of_a_simulated_date(history, slot) -> None:
    lake, res, instance = history
    day = LAST.isoformat()
    result = dg.materialize([points_evaluation_asset], partition_key=day, resources=res, instance=instance)
    assert result.success
    table = load_partition(lake, contracts.POINTS_EVALUATION.table, PartitionLocation.from_key(day))
    value = table.set_index(["predictor", "role", "metric"])["value"]
    # The games tipping after the simulated 18:45 slot, judged on one row set.
    assert value[("model", "all", "rows")] >= 40
    assert 3 < value[("model", "all", "mae")] < 15
    assert 3 < value[("last5", "all", "mae")] < 20 and 3 < value[("baseline", "all", "mae")] < 20
    assert 0.5 <= value[("model", "all", "coverage_p10_p90")] <= 1.0
    assert {("model", r, "coverage_p10_p90") for r in ("starter", "rotation")} <= set(value.index)
    assert 0 < value[("model", "all", "mae_pts")] < value[("model", "all", "mae")]
    for side in ("teammate", "opponent"):
        assert -1 <= value[("sim", "all", f"{side}_corr")] <= 1
        assert -1 <= value[("actual", "all", f"{side}_corr")] <= 1
    # No oracle configured: no oracle rows, and the summary says so.
    assert "oracle" not in set(table["predictor"])
    summary = result.asset_materializations_for_node(points_evaluation_asset.op.name)[0].metadata["summary"]
    assert summary.data[day]["oracle_mae"] is None
