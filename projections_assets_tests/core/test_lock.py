"""Lock and late swap's pure parts: the freeze slot, the slot's model table, scoring split by run."""

from __future__ import annotations

import pandas as pd
import pytest

from projections_assets.contracts.gold import SLOT_MODELS
from projections_assets.core import lock
from projections_assets.partitions import parse_key

OLD = lock.ModelSet("m1", "r1", "c1", "2025-10-21..2026-01-01", "value_prior")
NEW = lock.ModelSet("m2", "r2", "c2", "2025-10-21..2026-01-08", "o2")
SLOT = parse_key("2026-01-17|19:15")


def _tip(et: str) -> pd.Timestamp:
    return pd.Timestamp(f"2026-01-17 {et}", tz="America/New_York").tz_convert("UTC")


@pytest.mark.parametrize(
    ("tip", "freeze"),
    [("19:00", "19:00"), ("19:10", "19:00"), ("19:30", "19:30"), ("19:44", "19:30")],
)
def test_the_freeze_slot_is_the_last_slot_at_or_before_the_tip(tip, freeze) -> None:
    assert lock.freeze_slot(_tip(tip).to_pydatetime()).key == f"2026-01-17|{freeze}"


def _games() -> pd.DataFrame:
    return pd.DataFrame(
        {"game_id": ["002", "001", "003"], "tip_ts": [_tip("19:15"), _tip("19:00"), _tip("20:30")]}
    )


def test_locked_games_take_their_lock_record_and_open_games_the_slots_runs() -> None:
    asked = []

    def locks(game_id, tip):
        asked.append((game_id, tip))
        return OLD, f"{lock.LOCK_PREFIX}2026-01-17|19:00"

    table = lock.slot_models(_games(), SLOT, NEW, None, locks)
    assert table["game_id"].tolist() == ["001", "002", "003"]
    # A game tipping at the slot's own instant is locked in it.
    assert table["locked"].tolist() == [True, True, False]
    assert sorted(g for g, _ in asked) == ["001", "002"]
    assert table["minutes_run_id"].tolist() == ["m1", "m1", "m2"]
    assert table["models_of"].tolist()[2] == lock.THIS_SLOT
    assert (table["as_of_ts"] == pd.Timestamp(SLOT.run_as_of_ts)).all()
    assert lock.slot_level(table, "minutes_run_id", "fallback") == "m2"


def test_a_rerun_reads_back_the_runs_its_first_run_recorded() -> None:
    first = lock.slot_models(_games(), SLOT, OLD, None, lambda g, t: (OLD, lock.LOCK_PREFIX + "x"))
    again = lock.slot_models(_games(), SLOT, NEW, first, lambda g, t: (OLD, lock.LOCK_PREFIX + "x"))
    pd.testing.assert_frame_equal(again, first)
    # Re-recording (no record passed) takes the current runs for the open game.
    rerecorded = lock.slot_models(_games(), SLOT, NEW, None, lambda g, t: (OLD, lock.LOCK_PREFIX + "x"))
    assert rerecorded.set_index("game_id").loc["003", "minutes_run_id"] == "m2"


def test_a_lock_holds_its_freeze_slots_runs_when_that_slot_ran_else_the_writers() -> None:
    freeze_record = lock.slot_models(
        _games(), parse_key("2026-01-17|19:00"), OLD, None, lambda g, t: (OLD, "")
    )
    models, of = lock.lock_models("001", _tip("19:00"), freeze_record, NEW, SLOT)
    assert models == OLD and of == f"{lock.LOCK_PREFIX}2026-01-17|19:00"
    models, of = lock.lock_models("001", _tip("19:00"), None, NEW, SLOT)
    assert models == NEW and of == f"{lock.LOCK_PREFIX}{SLOT.key}"
    assert lock.ModelSet.from_record(NEW.to_record()) == NEW


def test_scoring_splits_by_run_only_when_games_differ() -> None:
    frame = pd.DataFrame({"game_id": ["001", "001", "003", "002"], "x": [1, 2, 3, 4]})
    calls = []

    def score(run, rows):
        calls.append((run, rows["game_id"].tolist()))
        return rows.assign(run=run)

    same = lock.by_run(frame, {"001": "a", "002": "a", "003": "a"}, "a", score)
    assert calls == [("a", ["001", "001", "003", "002"])] and same["run"].eq("a").all()
    calls.clear()
    split = lock.by_run(frame, {"001": "old", "002": "old"}, "new", score)
    assert calls == [("old", ["001", "001", "002"]), ("new", ["003"])]
    assert split["x"].tolist() == [1, 2, 4, 3]


def test_a_slot_without_games_has_a_typed_empty_table() -> None:
    games = pd.DataFrame(
        {"game_id": pd.Series([], dtype=str), "tip_ts": pd.Series([], dtype="datetime64[us, UTC]")}
    )
    table = lock.slot_models(games, SLOT, NEW, None, lambda g, t: (OLD, ""))
    assert table.empty and list(table.columns) == list(lock.SLOT_MODEL_COLUMNS)
    SLOT_MODELS.schema.validate(table)


def test_a_freeze_is_due_from_lead_before_the_tip_until_the_tip() -> None:
    games = pd.DataFrame(
        {
            "game_id": ["a", "b", "c", "b"],
            "tip_ts": [_tip("19:00"), _tip("19:15"), _tip("19:30"), _tip("19:15")],
        }
    )
    lead = pd.Timedelta(minutes=15).to_pytimedelta()
    due = lock.freezes_due(games, _tip("19:00").to_pydatetime(), lead)
    # "a" tips now (tipped: its first slot writes the record); "b" is exactly the lead away; "c" later.
    assert due == [("b", _tip("19:15"))]
    assert lock.freezes_due(games, _tip("18:44").to_pydatetime(), lead) == []
