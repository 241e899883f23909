"""Ownership and unified projections of one slot on the session's small history: exact paths and contents."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import timedelta

import dagster as dg
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from projections_assets.cli import main
from projections_assets.contracts import gold as gold_contracts
from projections_assets.contracts import silver as silver_contracts
from projections_assets.contracts import sim as sim_contracts
from projections_assets.contracts import unified as contracts
from projections_assets.contracts.published import SLATE_PUBLICATION
from projections_assets.core import lock, minutes, unified
from projections_assets.defs.bronze import BRONZE_SLATE_ASSETS, bronze_boxscores, bronze_contest_standings
from projections_assets.defs.gold import CHECK_NO_WORSE, SLATE_GOLD_ASSETS, slot_models_asset
from projections_assets.defs.jobs import PUBLISHED_SLATE
from projections_assets.defs.labels import game_labels_asset, ownership_labels_asset
from projections_assets.defs.rates import SLATE_RATES_ASSETS
from projections_assets.defs.resources import MINUTES_MODEL_NAME
from projections_assets.defs.silver import SILVER_ASSETS
from projections_assets.defs.sim import SLATE_SIM_ASSETS, sim_assets
from projections_assets.defs.unified import CHECK_BEATS_VALUE, OWNERSHIP_TRAINING_ASSETS, SLATE_UNIFIED_ASSETS
from projections_assets.defs.what_changed import WHAT_CHANGED_ASSETS
from projections_assets.parsers.dk_salaries import parse_dk_salaries
from projections_assets.platform.artifacts import ArtifactStore, GateResult
from projections_assets.platform.lake import DATA_FILE, PartitionLocation, TableRef
from projections_assets.platform.pointers import read_pointer
from projections_assets.platform.publish import load_partition, slate_pointer_path
from projections_assets.platform.records import lock_record_path, read_record
from projections_assets_tests.history import LAST, history_resources, seed_silver

# Two dates after the models' training window (the history ends at LAST), so their projections are
# out of sample and can train the ownership model at the end of this module.
DAYS = (LAST + timedelta(days=1), LAST + timedelta(days=2))
SLOT = "18:45"
KEY = f"{DAYS[0].isoformat()}|{SLOT}"
CALIBRATION = dg.AssetSpec(dg.AssetKey(sim_contracts.SIM_CALIBRATION.table.key_path))
ALL = [
    *BRONZE_SLATE_ASSETS,
    *SILVER_ASSETS,
    *SLATE_GOLD_ASSETS,
    *SLATE_RATES_ASSETS,
    *SLATE_SIM_ASSETS,
    *SLATE_UNIFIED_ASSETS,
    PUBLISHED_SLATE,
    *WHAT_CHANGED_ASSETS,
    CALIBRATION,
]
# The slot's sources (the DraftKings slate names teams through the captured team index) and its DK slate.
DRAFTABLES = [
    *(k for a in BRONZE_SLATE_ASSETS for k in a.keys),
    dg.AssetKey(silver_contracts.SILVER_DK_SLATE.table.key_path),
]
CHAIN = [
    k
    for a in (
        *SLATE_GOLD_ASSETS,
        *SLATE_RATES_ASSETS,
        *SLATE_SIM_ASSETS,
        *SLATE_UNIFIED_ASSETS,
        PUBLISHED_SLATE,
        *WHAT_CHANGED_ASSETS,
    )
    for k in a.keys
]
UNIFIED_KEYS = [k for a in SLATE_UNIFIED_ASSETS for k in a.keys]
RUN_CONFIG = dg.RunConfig(ops={sim_assets.op.name: {"config": {"worlds": 400}}})


@pytest.fixture(scope="module")
def slot(tmp_path_factory, trained_lake, league_dir):
    """The day after the history at 18:45: its sources captured, then the whole chain once."""
    root = tmp_path_factory.mktemp("unified") / "lake"
    lake = trained_lake.copy_to(root)
    seed_silver(lake, league_dir, DAYS, (SLOT,))
    res = history_resources(root, league_dir)
    with dg.DagsterInstance.ephemeral() as instance:

        def run(selection, key=KEY):
            result = dg.materialize(
                ALL,
                selection=selection,
                partition_key=key,
                resources=res,
                instance=instance,
                run_config=RUN_CONFIG if any(k in selection for k in sim_assets.keys) else None,
            )
            assert result.success
            return result

        # The previous report slot's sources too: "what changed" rebuilds that slot from them.
        run(DRAFTABLES, f"{DAYS[0].isoformat()}|18:30")
        run(DRAFTABLES)
        first = run(CHAIN)
        yield lake, first, run, res, instance


def _table(lake, contract):
    return load_partition(lake, contract.table, PartitionLocation.from_key(KEY))


def test_every_draftable_is_in_the_unified_table_once_with_its_projection(slot) -> None:
    lake, *_ = slot
    table = _table(lake, contracts.UNIFIED_PROJECTIONS)
    dk = _table(lake, silver_contracts.SILVER_DK_SLATE)
    assert len(table) == len(dk) > 100
    assert sorted(zip(table["draft_group_id"], table["dk_player_id"], strict=True)) == sorted(
        zip(dk["draft_group_id"], dk["dk_player_id"], strict=True)
    )
    # Names, ids and salaries are DraftKings' own.
    merged = table.merge(dk, on=["draft_group_id", "dk_player_id"], suffixes=("", "_dk"))
    assert (merged["name"] == merged["display_name"]).all()
    assert (merged["draftable_id"] == merged["draftable_id_dk"]).all()
    assert (merged["salary"] == merged["salary_dk"]).all()
    able = table[table["status"] != "Out"]
    assert able["dk_mean"].gt(0).mean() > 0.9
    np.testing.assert_allclose(able["value"], able["dk_mean"] / (able["salary"] / 1000))
    assert table[list(unified.DK_QUANTILES)].diff(axis=1).iloc[:, 1:].ge(-1e-9).all().all()


def test_ownership_sums_to_800_per_group_and_ruled_out_players_get_zero(slot) -> None:
    lake, *_ = slot
    table = _table(lake, contracts.UNIFIED_PROJECTIONS)
    np.testing.assert_allclose(table.groupby("draft_group_id")["ownership"].sum(), 800.0)
    assert table["ownership"].between(0, 100).all()
    out = table[table["status"] == "Out"]
    assert len(out) > 0
    assert (out[["minutes_p90", "play_prob", "dk_mean", "dk_p99", "ownership"]] == 0).all().all()


def test_every_row_names_its_models_and_the_age_of_its_inputs(slot) -> None:
    lake, first, *_ = slot
    table = _table(lake, contracts.UNIFIED_PROJECTIONS)
    for column in unified.MODEL_COLUMNS:
        assert table[column].nunique() == 1 and table[column].iloc[0] != ""
    # No ownership model is promoted in this lake: the value prior is named as such.
    assert table["ownership_model"].iloc[0] == unified.VALUE_PRIOR
    minutes = _table(lake, gold_contracts.MINUTES_PROJECTIONS)
    assert table["minutes_model_run_id"].iloc[0] == minutes["model_run_id"].iloc[0]
    assert (
        table["sim_calibration_key"].iloc[0]
        == _table(lake, sim_contracts.SIM_SUMMARY)["calibration_key"].iloc[0]
    )
    as_of = PartitionLocation.from_key(KEY).run_as_of_ts
    playing = table[table["status"] != "Unmatched"]
    assert (playing["injury_report_ts"] <= as_of).all()
    assert playing["injury_report_age_minutes"].ge(0).all()
    assert playing["salaries_age_minutes"].ge(0).all()
    checks = {c.check_name: c.passed for c in first.get_asset_check_evaluations()}
    for name in (
        contracts.CHECK_EVERY_DRAFTABLE_ONCE,
        contracts.CHECK_QUANTILES_ORDERED,
        contracts.CHECK_OWNERSHIP_TOTAL,
        contracts.CHECK_NOTHING_MISSING,
        contracts.CHECK_OUT_AT_ZERO,
    ):
        assert checks[name] is True, name


def test_the_unified_table_lands_at_its_partition_path(slot) -> None:
    lake, first, *_ = slot
    pointer = read_pointer(
        lake.pointer_path(contracts.UNIFIED_PROJECTIONS.table, PartitionLocation.from_key(KEY))
    )
    assert pointer is not None and pointer.run_id == first.run_id
    expected = (
        lake.root
        / "gold"
        / "unified_projections"
        / f"game_date={DAYS[0].isoformat()}"
        / "slot=1845"
        / f"run={first.run_id}"
        / DATA_FILE
    )
    assert expected.is_file()
    assert pq.read_table(expected).num_rows == len(_table(lake, contracts.UNIFIED_PROJECTIONS))


def test_rematerializing_a_published_partition_reproduces_every_data_file_byte_for_byte(slot) -> None:
    lake, first, run, *_ = slot
    location = PartitionLocation.from_key(KEY)
    published = read_pointer(slate_pointer_path(lake, DAYS[0].isoformat()))
    assert published is not None and published.partition_key == KEY and published.run_id == first.run_id
    tables = [TableRef.from_path(k.path) for k in CHAIN if k.path != SLATE_PUBLICATION.table.key_path]

    def digest(table):
        pointer = read_pointer(lake.pointer_path(table, location))
        assert pointer is not None, table
        return pointer.run_id, hashlib.sha256((lake.root / pointer.path / DATA_FILE).read_bytes()).hexdigest()

    before = {t: digest(t) for t in tables}
    second = run(CHAIN)
    after = {t: digest(t) for t in tables}
    for table in tables:
        assert after[table][0] == second.run_id != before[table][0], table
        assert after[table][1] == before[table][1], table
    # The rerun published the same slot again: the pointer names the new run, forward only.
    assert read_pointer(slate_pointer_path(lake, DAYS[0].isoformat())).run_id == second.run_id


def test_what_changed_names_its_base_and_its_parts_add_up(slot) -> None:
    lake, *_ = slot
    table = _table(lake, contracts.WHAT_CHANGED)
    assert (
        table["base_as_of_ts"] == PartitionLocation.from_key(f"{DAYS[0].isoformat()}|18:30").run_as_of_ts
    ).all()
    sums = table.groupby("player_id").agg(parts=("part", "sum"), total=("total", "first"))
    np.testing.assert_allclose(sums["parts"], sums["total"], rtol=0, atol=1e-9)
    assert (table["total"].abs() >= 0.5).all()


@pytest.mark.parametrize(
    ("fmt", "header"),
    [
        ("dfs-tools", "Name,Position,Team,Minutes,Salary,Fpts,own%,stddev,fieldFpts,ceiling"),
        (
            "dk",
            "Position,Name + ID,Name,ID,Roster Position,Salary,Game Info,TeamAbbrev,AvgPointsPerGame,"
            "Projected Ownership,Projection Floor,Projection Ceil",
        ),
        ("csv", ",".join(unified.UNIFIED_COLUMNS)),
    ],
)
def test_each_export_format_has_its_exact_header(slot, tmp_path, fmt, header) -> None:
    lake, *_ = slot
    out = tmp_path / f"{fmt}.csv"
    code = main(
        [
            "export",
            "--date",
            DAYS[0].isoformat(),
            "--slot",
            "18:45",
            "--format",
            fmt,
            "--out",
            str(out),
            "--lake",
            str(lake.root),
        ]
    )
    assert code == 0
    lines = out.read_text().splitlines()
    assert lines[0] == header
    assert len(lines) - 1 == len(_table(lake, contracts.UNIFIED_PROJECTIONS))


def test_the_dk_export_parses_back_with_every_id_and_salary(slot, tmp_path) -> None:
    lake, *_ = slot
    table = _table(lake, contracts.UNIFIED_PROJECTIONS)
    group = int(table["draft_group_id"].iloc[0])
    out = tmp_path / "DKSalaries.csv"
    args = ["export", "--date", DAYS[0].isoformat(), "--slot", "18:45", "--draft-group", str(group)]
    assert main([*args, "--format", "dk", "--out", str(out), "--lake", str(lake.root)]) == 0
    parsed = parse_dk_salaries(out.read_bytes(), str(out))
    ours = table[table["draft_group_id"] == group]
    assert sorted(zip(parsed["dk_id"], parsed["salary"], parsed["name"], strict=True)) == sorted(
        zip(ours["draftable_id"], ours["salary"], ours["name"], strict=True)
    )
    merged = parsed.merge(ours, left_on="dk_id", right_on="draftable_id")
    assert (merged["team_abbrev"] == merged["team"]).all()
    assert (merged["opp_abbrev"] == merged["opponent"]).all()
    assert (merged["start_ts"] == merged["tip_ts"]).all()
    assert (merged["roster_positions"] == merged["roster_slots"]).all()
    np.testing.assert_allclose(merged["avg_points_per_game"], merged["dk_mean"], atol=0.005)


def test_export_reads_the_published_slot_by_default_and_says_when_there_is_none(slot, capsys) -> None:
    lake, *_ = slot
    assert (
        main(["export", "--date", DAYS[0].isoformat(), "--format", "dfs-tools", "--lake", str(lake.root)])
        == 0
    )
    assert capsys.readouterr().out.startswith(
        "Name,Position,Team,Minutes,Salary,Fpts,own%,stddev,fieldFpts,ceiling\n"
    )
    assert main(["export", "--date", DAYS[1].isoformat(), "--format", "csv", "--lake", str(lake.root)]) == 1
    assert "no slot of" in capsys.readouterr().err


def test_explain_prints_the_published_slots_changes_in_words(slot, capsys) -> None:
    lake, *_ = slot
    table = _table(lake, contracts.WHAT_CHANGED)
    assert main(["explain", "--date", DAYS[0].isoformat(), "--lake", str(lake.root)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"What changed in {KEY} since 18:30 ET")
    for name in table["player_name"].unique():
        assert f"{name} (" in out


def test_the_ownership_model_trains_on_the_lakes_own_projections_at_lock_and_is_promoted(slot) -> None:
    lake, _, run, res, instance = slot
    labels = [k for a in (bronze_contest_standings, ownership_labels_asset) for k in a.keys]
    labelled = dg.materialize(
        [*ALL, bronze_contest_standings, ownership_labels_asset, *OWNERSHIP_TRAINING_ASSETS],
        selection=labels,
        partition_key=DAYS[0].isoformat(),
        resources=res,
        instance=instance,
    )
    assert labelled.success
    # The second date: its sources, the labels of the first (its features read them), the chain, labels.
    key = f"{DAYS[1].isoformat()}|{SLOT}"
    run(DRAFTABLES, key)
    assert dg.materialize(
        [bronze_boxscores, game_labels_asset],
        partition_key=DAYS[0].isoformat(),
        resources=res,
        instance=instance,
    ).success
    run(CHAIN, key)
    assert dg.materialize(
        [*ALL, bronze_contest_standings, ownership_labels_asset],
        selection=labels,
        partition_key=DAYS[1].isoformat(),
        resources=res,
        instance=instance,
    ).success
    window = {"start_date": DAYS[0].isoformat(), "end_date": DAYS[1].isoformat()}
    trained = dg.materialize(
        [*OWNERSHIP_TRAINING_ASSETS],
        resources=res,
        instance=instance,
        run_config=dg.RunConfig(ops={"gold__ownership_training_set": {"config": window}}),
        raise_on_error=False,
    )
    checks = {c.check_name: c.passed for c in trained.get_asset_check_evaluations()}
    assert checks[contracts.CHECK_OUT_OF_SAMPLE] is True
    rows = load_partition(lake, contracts.OWNERSHIP_TRAINING_SET.table, PartitionLocation.from_key(None))
    assert set(rows["game_date"]) == {d.isoformat() for d in DAYS}
    assert (rows["models_trained_through"] == LAST.isoformat()).all()
    assert rows["listed"].sum() > 50
    np.testing.assert_allclose(rows.groupby("draft_group_id")["ownership"].sum(), 800.0, atol=1.0)
    # Promoted only if its held-out gates passed; either way the record says why.
    gate = checks[CHECK_BEATS_VALUE]
    assert trained.success is gate
    if gate:
        # The slot recorded the value prior: re-recording its runs rescores it with the promoted model.
        rerun = dg.materialize(
            ALL,
            selection=[slot_models_asset.key, *UNIFIED_KEYS],
            partition_key=key,
            resources=res,
            instance=instance,
            run_config=dg.RunConfig(ops={slot_models_asset.op.name: {"config": {"rerecord": True}}}),
        )
        table = _table_at(lake, contracts.UNIFIED_PROJECTIONS, key)
        assert table["ownership_model"].iloc[0] == trained.run_id
        assert rerun.success


def _table_at(lake, contract, key):
    return load_partition(lake, contract.table, PartitionLocation.from_key(key))


# --------------------------------------------------------------------------- lock and late swap
# The test league's first date after the history: one game tips at 16:00, two at 19:00 (the Main
# group's lock), one each at 20:30, 21:00 and 22:00; the All Day group locks at 16:00.
FIRST_TIP, SECOND_TIP = "19:00", "20:30"
SECOND_MODEL = "promoted-between-tips"
FROZEN = [*unified.PROJECTION_COLUMNS, "status", *unified.MODEL_COLUMNS]


def _promote_a_second_minutes_model(lake) -> str:
    """The current minutes model with its band moved up 3 minutes, gated and promoted; the old run id."""
    store = ArtifactStore(lake)
    old, directory = store.current(MINUTES_MODEL_NAME)
    model = minutes.MinutesModel.load(directory)
    shifted = dataclasses.replace(model, band_shift={q: s + 3.0 for q, s in model.band_shift.items()})
    gate = GateResult(name=CHECK_NO_WORSE, status="passed", summary="a second model for the lock test")
    store.write(MINUTES_MODEL_NAME, SECOND_MODEL, shifted.save, gates=[gate])
    assert store.promote(MINUTES_MODEL_NAME, SECOND_MODEL, gates=(CHECK_NO_WORSE,)).moved
    return old


def _rows(lake, slot, games):
    table = _table_at(lake, contracts.UNIFIED_PROJECTIONS, f"{DAYS[0].isoformat()}|{slot}")
    rows = table[table["game_id"].isin(games)]
    return rows.set_index(["draft_group_id", "dk_player_id"]).sort_index()


def test_a_tipped_game_keeps_its_tip_rows_and_models_across_a_promotion_while_others_update(
    slot, league_dir
) -> None:
    lake, _, run, *_ = slot
    day = DAYS[0].isoformat()
    slots = (FIRST_TIP, "19:15", SECOND_TIP, "20:45")
    seed_silver(lake, league_dir, (DAYS[0],), slots)
    for s in slots:
        run(DRAFTABLES, f"{day}|{s}")
    schedule = _table_at(lake, silver_contracts.SILVER_SCHEDULE, f"{day}|{FIRST_TIP}")
    tip_et = schedule["tip_ts"].dt.tz_convert("America/New_York").dt.strftime("%H:%M")
    at_first = set(schedule.loc[tip_et == FIRST_TIP, "game_id"])
    at_second = set(schedule.loc[tip_et == SECOND_TIP, "game_id"])
    later = set(schedule.loc[tip_et > SECOND_TIP, "game_id"])
    assert len(at_first) == 2 and len(at_second) == 1 and later

    run(CHAIN, f"{day}|{FIRST_TIP}")
    first_bytes = _data_bytes(lake, contracts.UNIFIED_PROJECTIONS.table, f"{day}|{FIRST_TIP}")
    old = _promote_a_second_minutes_model(lake)
    run(CHAIN, f"{day}|19:15")
    run(CHAIN, f"{day}|20:45")
    # The second tip's own slot runs last, as a late backfill would: its rows are what 20:45 froze.
    run(CHAIN, f"{day}|{SECOND_TIP}")

    # The first tip's games: in every later slot, exactly their 19:00 rows with the models current then.
    frozen = _rows(lake, FIRST_TIP, at_first)
    assert (frozen["minutes_model_run_id"] == old).all() and frozen["locked"].all()
    for later_slot in ("19:15", SECOND_TIP, "20:45"):
        pd.testing.assert_frame_equal(_rows(lake, later_slot, at_first)[FROZEN], frozen[FROZEN])
    # The games still to tip at 19:15 were scored with the new model, and moved.
    open_at_1915 = _rows(lake, "19:15", at_second | later)
    assert (open_at_1915["minutes_model_run_id"] == SECOND_MODEL).all()
    assert not open_at_1915["locked"].any()
    # The second tip's game, promoted before its tip: the new model, frozen at 20:30 (a slot that ran
    # after 20:45 and gives the same rows).
    second = _rows(lake, SECOND_TIP, at_second)
    assert (second["minutes_model_run_id"] == SECOND_MODEL).all() and second["locked"].all()
    pd.testing.assert_frame_equal(_rows(lake, "20:45", at_second)[FROZEN], second[FROZEN])
    # The Main group locked at 19:00: its ownership is 19:00's in every later slot.
    main_group = _rows(lake, FIRST_TIP, at_first | at_second | later)
    main_id = int(
        _table_at(lake, silver_contracts.SILVER_DK_SLATE, f"{day}|{FIRST_TIP}")
        .query("slate == 'Main'")["draft_group_id"]
        .iloc[0]
    )
    at_lock = main_group.loc[main_id, "ownership"]
    for later_slot in ("19:15", "20:45"):
        ownership = _rows(lake, later_slot, at_first | at_second | later).loc[main_id, "ownership"]
        pd.testing.assert_series_equal(ownership, at_lock)
    # Each lock is recorded once, naming the slot whose models it holds.
    models = _table_at(lake, gold_contracts.SLOT_MODELS, f"{day}|20:45").set_index("game_id")
    assert set(models.loc[list(at_first), "models_of"]) == {f"{lock.LOCK_PREFIX}{day}|{FIRST_TIP}"}
    assert set(models.loc[list(at_second), "models_of"]) == {f"{lock.LOCK_PREFIX}{day}|20:45"}
    assert set(models.loc[list(later), "models_of"]) == {lock.THIS_SLOT}

    # A rerun of the 19:00 partition after the promotion scores with the runs it recorded: same bytes.
    run(CHAIN, f"{day}|{FIRST_TIP}")
    assert _data_bytes(lake, contracts.UNIFIED_PROJECTIONS.table, f"{day}|{FIRST_TIP}") == first_bytes


def _data_bytes(lake, table, key) -> bytes:
    pointer = read_pointer(lake.pointer_path(table, PartitionLocation.from_key(key)))
    assert pointer is not None
    return (lake.root / pointer.path / DATA_FILE).read_bytes()


def test_a_group_locked_at_a_slot_that_never_ran_freezes_as_that_slot_would_have_projected_it(
    slot, league_dir
) -> None:
    lake, _, run, *_ = slot
    day = DAYS[1].isoformat()
    # The Main group of the second date locks at 19:00. Its sources are captured through the evening (as
    # the pollers and the sensor do; DraftKings lists the group's draftables until its lock), but no slot's
    # chain runs before 19:15's.
    for before in (SLOT, FIRST_TIP):
        run(DRAFTABLES, f"{day}|{before}")
    run(DRAFTABLES, f"{day}|19:15")
    seed_silver(lake, league_dir, (DAYS[1],), ("19:15",))
    run(CHAIN, f"{day}|19:15")
    dk = _table_at(lake, silver_contracts.SILVER_DK_SLATE, f"{day}|19:15")
    main_id = int(dk.loc[dk["slate"] == "Main", "draft_group_id"].iloc[0])
    path = lock_record_path(lake, day, f"draft_group={main_id}")
    recomputed = read_record(path)
    assert recomputed["ownership_of"].startswith(f"recomputed as of {day}|{FIRST_TIP}")
    # What the 19:00 slot gives when it does run (its silver built from the same captures): with the
    # record set aside, that slot writes its own.
    path.rename(path.with_name("_set_aside.json"))
    run([*(k for a in SILVER_ASSETS for k in a.keys), *CHAIN], f"{day}|{FIRST_TIP}")
    live = read_record(path)
    assert live["ownership_of"] == f"projected at {day}|{FIRST_TIP}"
    assert live["ownership_model"] == recomputed["ownership_model"]
    assert live["ownership"].keys() == recomputed["ownership"].keys()
    np.testing.assert_allclose(
        [recomputed["ownership"][k] for k in live["ownership"]], list(live["ownership"].values()), atol=1e-9
    )
