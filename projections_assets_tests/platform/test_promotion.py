"""Promotion and pinning re-verify the durable record: a model's gate record, a slate's manifests."""

import json

import pandas as pd
import pytest

from projections_assets.cli import main
from projections_assets.contracts import ContractViolation
from projections_assets.contracts.published import SLATE_PUBLICATION
from projections_assets.platform.artifacts import GATES_FILE, ArtifactStore, GateResult
from projections_assets.platform.lake import MANIFEST_FILE, PartitionLocation
from projections_assets.platform.manifests import ManifestV1
from projections_assets.platform.pointers import (
    PromotionRefused,
    pointer_history,
    publish_pointer,
    read_pointer,
)
from projections_assets.platform.publish import (
    pin_slate,
    publish_partition,
    publish_slate,
    slate_pointer_path,
)
from projections_assets_tests.toy_chain import TOY_EVENTS, toy_events_frame

NAME = "toy"
GATE = "no_worse"


def _gate(status: str, baseline: str | None = None) -> GateResult:
    return GateResult(
        name=GATE,
        status=status,
        summary=f"toy verdict {status}",
        relative_to_current=True,
        baseline_run_id=baseline,
    )


def _write(store: ArtifactStore, run_id: str, *gates: GateResult) -> None:
    store.write(NAME, run_id, lambda d: (d / "model.txt").write_text(run_id), gates=gates)


def _current(store: ArtifactStore) -> str | None:
    entry = read_pointer(store.pointer_path(NAME))
    return entry.run_id if entry else None


def test_the_gate_record_is_written_with_the_artifact(lake):
    store = ArtifactStore(lake)
    _write(store, "a", _gate("passed"))
    assert sorted(p.name for p in store.run_dir(NAME, "a").iterdir()) == [GATES_FILE, "model.txt"]
    record = store.gate_record(NAME, "a")
    assert record.run_id == "a" and [(g.name, g.status) for g in record.gates] == [(GATE, "passed")]
    assert store.gate_record(NAME, "a") == record  # read back from disk, unchanged


def test_promotion_needs_every_gate_passed_on_record(lake):
    store = ArtifactStore(lake)
    _write(store, "first", _gate("passed"))
    assert store.promote(NAME, "first", gates=[GATE]).moved

    _write(store, "failed", _gate("failed", "first"))
    with pytest.raises(
        PromotionRefused, match=r"toy run failed: gate 'no_worse' failed \(toy verdict failed\)"
    ):
        store.promote(NAME, "failed", gates=[GATE])

    _write(store, "not-run", _gate("not_run", "first"))
    with pytest.raises(PromotionRefused, match="toy run not-run: gate 'no_worse' never ran"):
        store.promote(NAME, "not-run", gates=[GATE])

    _write(store, "no-record")  # e.g. a model written before gate records existed
    with pytest.raises(
        PromotionRefused, match="gate 'no_worse' never ran \\(no gate record at models/toy/run="
    ):
        store.promote(NAME, "no-record", gates=[GATE])

    # The promoter's own list counts: a record that leaves the gate out does not pass it.
    _write(store, "other-gate", GateResult(name="something_else", status="passed"))
    with pytest.raises(PromotionRefused, match="gate 'no_worse' never ran \\(absent from"):
        store.promote(NAME, "other-gate", gates=[GATE])

    with pytest.raises(PromotionRefused, match="does not exist"):
        store.promote(NAME, "never-trained", gates=[GATE])
    assert [e.run_id for e in pointer_history(store.pointer_path(NAME))] == ["first"]


def test_a_verdict_against_a_model_no_longer_current_is_stale(lake):
    store = ArtifactStore(lake)
    for run in ("c1", "c2"):
        _write(store, run, _gate("passed", None if run == "c1" else "c1"))
    _write(store, "late", _gate("passed", "c1"))  # judged against c1, which c2 then replaced
    assert store.promote(NAME, "c1", gates=[GATE]).moved
    assert store.promote(NAME, "c2", gates=[GATE]).moved
    with pytest.raises(PromotionRefused, match="judged it against c1, but the current toy is now c2"):
        store.promote(NAME, "late", gates=[GATE])
    assert _current(store) == "c2"
    entry = read_pointer(store.pointer_path(NAME))
    assert entry.action == "promote" and entry.gates == (GATE,)


def test_pin_moves_to_a_passing_candidate_and_keeps_the_reason(lake):
    store = ArtifactStore(lake)
    for run, baseline in (("good", None), ("newer", "good")):
        _write(store, run, _gate("passed", baseline))
        store.promote(NAME, run, gates=[GATE])
    _write(store, "bad", _gate("failed", "newer"))

    with pytest.raises(PromotionRefused, match="refused to pin toy run bad: gate 'no_worse' failed"):
        store.pin(NAME, "bad", reason="try it", actor="ops")
    with pytest.raises(ValueError, match="needs a reason"):
        store.pin(NAME, "good", reason="  ", actor="ops")
    assert _current(store) == "newer"

    outcome = store.pin(NAME, "good", reason="newer over-projects starters", actor="ops")
    assert outcome.moved and _current(store) == "good"
    history = pointer_history(store.pointer_path(NAME))
    assert [(e.run_id, e.action) for e in history] == [
        ("good", "promote"),
        ("newer", "promote"),
        ("good", "pin"),
    ]
    assert (history[-1].reason, history[-1].actor) == ("newer over-projects starters", "ops")
    assert history[-1].published_at >= history[-2].published_at


def test_cli_pin_of_a_model(lake, capsys):
    store = ArtifactStore(lake)
    _write(store, "good", _gate("passed"))
    _write(store, "bad", _gate("failed", "good"))
    store.promote(NAME, "good", gates=[GATE])
    args = ["lake", "pin", "models/toy", "--lake", str(lake.root), "--by", "alice"]

    assert main([*args, "--run", "bad", "--reason", "why not"]) == 1
    err = capsys.readouterr().err
    assert "refused to pin toy run bad: gate 'no_worse' failed (toy verdict failed)" in err
    assert _current(store) == "good"

    _write(store, "good2", _gate("passed", "good"))
    assert main([*args, "--run", "good2", "--reason", "rollforward test"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["run_id"] == "good2" and out["action"] == "pin" and out["actor"] == "alice"
    assert out["reason"] == "rollforward test"
    assert main(["lake", "pin", "nothing/x", "--run", "good", "--reason", "r", "--lake", str(lake.root)]) == 2
    assert "neither models/NAME nor slate/YYYY-MM-DD" in capsys.readouterr().err


# --------------------------------------------------------------------------- the slate

EARLY, LATE = "2025-12-07|17:30", "2025-12-07|18:00"


def _publish_slot(lake, key: str, run: str) -> None:
    loc = PartitionLocation.from_key(key)
    publish_partition(lake, TOY_EVENTS.table, loc, run, toy_events_frame(key), TOY_EVENTS)
    publish_slate(lake, [TOY_EVENTS.table], loc, f"{run}-pub", SLATE_PUBLICATION)


def _point_member_at_failed_run(lake, key: str, run: str) -> None:
    """A member pointer naming a run whose manifest records a failed check (e.g. a hand-edited pointer)."""
    loc = PartitionLocation.from_key(key)
    with pytest.raises(ContractViolation):
        publish_partition(lake, TOY_EVENTS.table, loc, run, toy_events_frame(key, leak=True), TOY_EVENTS)
    current = read_pointer(lake.pointer_path(TOY_EVENTS.table, loc))
    target = lake.run_dir(TOY_EVENTS.table, loc, run)
    publish_pointer(
        lake.pointer_path(TOY_EVENTS.table, loc),
        current.model_copy(update={"run_id": run, "path": lake.relative(target)}),
    )


def test_the_slate_refuses_a_slot_whose_members_did_not_pass_on_record(lake):
    _publish_slot(lake, EARLY, "early")
    slate = slate_pointer_path(lake, "2025-12-07")
    later = PartitionLocation.from_key(LATE)
    publish_partition(lake, TOY_EVENTS.table, later, "late", toy_events_frame(LATE), TOY_EVENTS)
    _point_member_at_failed_run(lake, LATE, "leaky")

    with pytest.raises(
        PromotionRefused,
        match=r"refused to publish the slate of 2025-12-07\|18:00: member bronze.toy_events run leaky: "
        r"its manifest in .* records status failed",
    ):
        publish_slate(lake, [TOY_EVENTS.table], later, "late-pub", SLATE_PUBLICATION)
    assert read_pointer(slate).run_id == "early-pub"
    assert not lake.run_dir(SLATE_PUBLICATION.table, later, "late-pub").exists()  # nothing recorded either

    # A member whose manifest is gone never ran its checks on record.
    loc = PartitionLocation.from_key(LATE)
    (lake.run_dir(TOY_EVENTS.table, loc, "late") / MANIFEST_FILE).unlink()
    current = read_pointer(lake.pointer_path(TOY_EVENTS.table, loc))
    publish_pointer(
        lake.pointer_path(TOY_EVENTS.table, loc),
        current.model_copy(
            update={"run_id": "late", "path": lake.relative(lake.run_dir(TOY_EVENTS.table, loc, "late"))}
        ),
    )
    with pytest.raises(PromotionRefused, match="run late: its checks never ran on record \\(no manifest"):
        publish_slate(lake, [TOY_EVENTS.table], later, "late-pub2", SLATE_PUBLICATION)
    assert read_pointer(slate).run_id == "early-pub"


def test_pin_takes_the_slate_back_to_a_publication_that_passed(lake, capsys):
    _publish_slot(lake, EARLY, "early")
    _publish_slot(lake, LATE, "late")
    slate = slate_pointer_path(lake, "2025-12-07")
    assert read_pointer(slate).partition_key == LATE

    args = ["lake", "pin", "slate/2025-12-07", "--lake", str(lake.root), "--by", "bob"]
    assert main([*args, "--run", "early-pub", "--reason", "late odds were wrong"]) == 2
    assert "needs --slot" in capsys.readouterr().err
    assert main([*args, "--slot", "17:30", "--run", "early-pub", "--reason", "late odds were wrong"]) == 0
    current = read_pointer(slate)
    assert (current.partition_key, current.run_id, current.action) == (EARLY, "early-pub", "pin")
    assert (current.reason, current.actor) == ("late odds were wrong", "bob")

    # A publication whose member no longer passes on record cannot be pinned.
    early = PartitionLocation.from_key(EARLY)
    manifest_path = lake.run_dir(TOY_EVENTS.table, early, "early") / MANIFEST_FILE
    manifest = ManifestV1.read(manifest_path)
    failed = [manifest.checks[0].model_copy(update={"passed": False}), *manifest.checks[1:]]
    manifest_path.write_bytes(manifest.model_copy(update={"checks": failed}).to_json_bytes())
    with pytest.raises(
        PromotionRefused, match=f"member bronze.toy_events run early: check {failed[0].name} failed"
    ):
        pin_slate(lake, early, "early-pub", reason="again", actor="bob")
    assert main([*args, "--slot", "18:00", "--run", "nope", "--reason", "x"]) == 1
    assert "no manifest" in capsys.readouterr().err
    assert [e.action for e in pointer_history(slate)] == ["publish", "publish", "pin"]
    assert pd.Series([e.partition_key for e in pointer_history(slate)]).tolist() == [EARLY, LATE, EARLY]
