"""What changed and why, scripted: a starter ruled Out between two slots, scored with the trained models."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest

from projections_assets.contracts import sim as sim_contracts
from projections_assets.core import rates, what_changed
from projections_assets.core.features import PlayerHistory, SlateInputs
from projections_assets.core.minutes import MinutesModel
from projections_assets.core.rates import RatesModel
from projections_assets.core.rates_features import RatesHistory
from projections_assets.core.sim.inputs import calibration_of_row
from projections_assets.partitions import SlatePartition, parse_key
from projections_assets.platform.artifacts import ArtifactStore
from projections_assets.platform.lake import PartitionLocation
from projections_assets.platform.publish import load_partition
from projections_assets_tests.history import LAST, SILVER, seed_silver

DAY = LAST + timedelta(days=1)
SLOTS = ("18:30", "18:45")
WORLDS = 2000


@pytest.fixture(scope="module")
def setting(tmp_path_factory, trained_lake, league_dir):
    """Both slots' snapshots from the league, the promoted models, the label history and calibration."""
    lake = trained_lake.copy_to(tmp_path_factory.mktemp("what_changed") / "lake")
    seed_silver(lake, league_dir, [DAY], SLOTS)
    store = ArtifactStore(lake)
    minutes_run, minutes_dir = store.current("minutes")
    rates_run, rates_dir = store.current("rates")
    models = what_changed.Models(
        MinutesModel.load(minutes_dir), RatesModel.load(rates_dir), minutes_run, rates_run
    )

    def state(slot: str) -> what_changed.SlotState:
        key = f"{DAY.isoformat()}|{slot}"
        location = PartitionLocation.from_key(key)
        frames = {name: load_partition(lake, c.table, location) for name, c in SILVER.items()}
        return what_changed.SlotState(
            SlateInputs(**frames), pd.Timestamp(parse_key(key).run_as_of_ts), models
        )

    labels = _labels(lake)
    calibration = calibration_of_row(
        load_partition(lake, sim_contracts.SIM_CALIBRATION.table, PartitionLocation.from_key(None))
    )
    scoring = what_changed.Scoring(
        PlayerHistory.from_labels(labels),
        RatesHistory.from_labels(labels),
        rates.rates_settings().priors,
        calibration,
        DAY.isoformat(),
        WORLDS,
    )
    return state(SLOTS[0]), state(SLOTS[1]), scoring


def _labels(lake) -> pd.DataFrame:
    from projections_assets.contracts import labels as label_contracts
    from projections_assets.platform.reader import read_history

    return read_history(
        lake, label_contracts.GAME_LABELS.table, start=DAY - timedelta(days=60), end=DAY
    ).frame


def _rule_out(state: what_changed.SlotState, scoring) -> tuple[what_changed.SlotState, pd.Series]:
    """The slot with its most-used starter (of a team with an injury list) listed Out in the report."""
    scored = what_changed.score(state, scoring)
    injuries = state.inputs.injuries
    roster = state.inputs.roster
    listed_teams = set(injuries["team_tricode"])
    candidates = scored.merge(roster[["player_id", "player_name", "team_tricode"]], on="player_id")
    candidates = candidates[(candidates["status"] != "Out") & candidates["team_tricode"].isin(listed_teams)]
    star = candidates.sort_values("dk_mean", ascending=False).iloc[0]
    template = injuries[injuries["team_tricode"] == star["team_tricode"]].iloc[[0]].copy()
    template["player_name"] = star["player_name"]
    template["player_id"] = pd.array([int(star["player_id"])], dtype="Int64")
    template["status"] = "Out"
    template["reason"] = "Injury/Illness - Left Ankle; Sprain"
    rest = injuries[injuries["player_name"] != star["player_name"]]
    out = pd.concat([rest, template], ignore_index=True)
    inputs = SlateInputs(state.inputs.schedule, roster, out, state.inputs.lineups, state.inputs.odds)
    return what_changed.SlotState(inputs, state.as_of, state.models), star


def test_a_starter_ruled_out_raises_his_teammates_and_the_teammates_status_part_explains_it(setting) -> None:
    base, current, scoring = setting
    ruled_out, star = _rule_out(current, scoring)
    table = what_changed.explain(ruled_out, base, scoring)
    assert not table.empty
    # Every player's parts sum exactly to his change, in the fixed order of the groups.
    sums = table.groupby("player_id").agg(parts=("part", "sum"), total=("total", "first"))
    np.testing.assert_allclose(sums["parts"], sums["total"], rtol=0, atol=1e-9)
    assert (table.groupby("player_id")["group"].apply(tuple) == what_changed.GROUPS).all()
    # He drops to 0, his own status explains it.
    own = table[table["player_id"] == int(star["player_id"])].set_index("group")
    assert own["current_mean"].iloc[0] == 0.0 and own["part"].abs().idxmax() == "own_status"
    # His teammates who moved went up, each mostly because of their teammate's status.
    mates = table[(table["team_id"] == int(star["team_id"])) & (table["player_id"] != int(star["player_id"]))]
    assert mates["player_id"].nunique() >= 2
    for player_id, rows in mates.groupby("player_id"):
        rows = rows.set_index("group")
        assert rows["total"].iloc[0] > 0, player_id
        assert rows["part"].abs().idxmax() == "teammates_status", rows[["part"]].to_dict()
    # In words, as `projections explain` prints it.
    words = what_changed.describe(
        "teammates_status",
        ruled_out,
        base,
        str(star["team_tricode"]),
        int(mates["player_id"].iloc[0]),
        str(star["game_id"]),
    )
    assert f"teammate {star['player_name']} ruled Out at" in words


def test_nothing_changed_gives_no_rows(setting) -> None:
    base, _, scoring = setting
    same = what_changed.SlotState(base.inputs, base.as_of, base.models)
    assert what_changed.explain(same, base, scoring).empty


def test_the_base_is_the_previous_report_slot_of_the_era() -> None:
    quarter = parse_key("2026-01-17|18:45")
    assert what_changed.base_partition(quarter) == parse_key("2026-01-17|18:30")
    hourly = parse_key("2025-11-03|18:30")
    assert what_changed.base_partition(hourly) == parse_key("2025-11-03|17:30")
    first = parse_key("2026-01-17|08:00")
    assert what_changed.base_partition(first) == SlatePartition(first.game_date, first.slot)
