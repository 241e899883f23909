import dataclasses
import json
import os
from datetime import UTC, datetime, timedelta

import pandas as pd
import pyarrow.parquet as pq
import pytest

from projections_assets.contracts import CHECK_ANTI_LEAK, CHECK_UNIQUE_KEYS, ContractViolation
from projections_assets.contracts.published import SLATE_PUBLICATION
from projections_assets.platform.lake import InvalidLakeName, PartitionLocation
from projections_assets.platform.manifests import ManifestV1
from projections_assets.platform.pointers import (
    PointerEntry,
    pointer_history,
    publish_pointer,
    read_pointer,
)
from projections_assets.platform.publish import (
    NoCurrentRun,
    RunAlreadyPromoted,
    load_partition,
    publish_partition,
    publish_slate,
    slate_pointer_path,
)
from projections_assets_tests.toy_chain import TOY_EVENTS, TOY_TOTALS, toy_events_frame

KEY = "2025-12-07|17:30"
LOC = PartitionLocation.from_key(KEY)


def _files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_publish_writes_run_dir_manifest_and_pointer(lake):
    frame = toy_events_frame(KEY)
    result = publish_partition(
        lake, TOY_EVENTS.table, LOC, "run-a", frame, TOY_EVENTS, orchestrator_run_id="run-a"
    )

    base = "bronze/toy_events/game_date=2025-12-07/slot=1730"
    assert [f for f in _files(lake.root) if not f.startswith("_staging")] == [
        f"{base}/__current.json.lock",  # the pointer's flock file, hidden from readers
        f"{base}/_current.json",
        f"{base}/run=run-a/data.parquet",
        f"{base}/run=run-a/manifest.json",
    ]
    assert list((lake.root / "_staging").iterdir()) == []
    pd.testing.assert_frame_equal(pq.read_table(result.run_dir / "data.parquet").to_pandas(), frame)

    manifest = ManifestV1.read(result.run_dir / "manifest.json")
    assert manifest.status == "success"
    assert manifest.asset == "bronze.toy_events"
    assert manifest.partition.key == KEY
    assert manifest.partition.run_as_of_ts == "2025-12-07T22:30:00+00:00"
    assert manifest.outputs[0].path == f"{base}/run=run-a/data.parquet"
    assert manifest.outputs[0].row_count == 3
    assert {c.name for c in manifest.checks} == set(TOY_EVENTS.check_names())
    assert all(c.passed for c in manifest.checks)
    assert manifest.environment.orchestrator_run_id == "run-a"
    assert manifest.environment.python and manifest.environment.hostname

    pointer = read_pointer(lake.pointer_path(TOY_EVENTS.table, LOC))
    assert pointer.run_id == "run-a" and pointer.path == f"{base}/run=run-a" and pointer.row_count == 3
    pd.testing.assert_frame_equal(load_partition(lake, TOY_EVENTS.table, LOC), frame)


def test_a_contract_s_write_options_reach_the_parquet_file(lake):
    frame = toy_events_frame(KEY)
    compact = dataclasses.replace(TOY_EVENTS, write_options={"compression": "zstd", "compression_level": 3})
    result = publish_partition(lake, TOY_EVENTS.table, LOC, "run-z", frame, compact)
    meta = pq.ParquetFile(result.run_dir / "data.parquet").metadata
    assert {meta.row_group(0).column(i).compression for i in range(meta.num_columns)} == {"ZSTD"}
    pd.testing.assert_frame_equal(load_partition(lake, TOY_EVENTS.table, LOC), frame)
    # Without options pyarrow's default (snappy) applies.
    plain = publish_partition(lake, TOY_EVENTS.table, LOC, "run-zz", frame, TOY_EVENTS)
    assert (
        pq.ParquetFile(plain.run_dir / "data.parquet").metadata.row_group(0).column(0).compression == "SNAPPY"
    )


def test_contract_violation_promotes_nothing_and_keeps_pointer(lake):
    publish_partition(lake, TOY_EVENTS.table, LOC, "good", toy_events_frame(KEY), TOY_EVENTS)
    leaky = toy_events_frame(KEY, leak=True)

    with pytest.raises(ContractViolation, match="anti_leak") as info:
        publish_partition(lake, TOY_EVENTS.table, LOC, "bad", leaky, TOY_EVENTS)

    assert [o.name for o in info.value.failed] == [CHECK_ANTI_LEAK]
    bad_dir = lake.run_dir(TOY_EVENTS.table, LOC, "bad")
    assert sorted(p.name for p in bad_dir.iterdir()) == ["manifest.json"]  # no parquet
    manifest = ManifestV1.read(bad_dir / "manifest.json")
    assert manifest.status == "failed"
    assert manifest.error.check == CHECK_ANTI_LEAK
    assert "bronze.toy_events" in manifest.error.message and KEY in manifest.error.message
    assert manifest.outputs == []
    assert read_pointer(lake.pointer_path(TOY_EVENTS.table, LOC)).run_id == "good"
    assert len(load_partition(lake, TOY_EVENTS.table, LOC)) == 3


def test_failed_check_carries_offending_rows(lake):
    frame = pd.concat([toy_events_frame(KEY), toy_events_frame(KEY).head(1)], ignore_index=True)
    with pytest.raises(ContractViolation) as info:
        publish_partition(lake, TOY_EVENTS.table, LOC, "dup", frame, TOY_EVENTS)
    (failed,) = info.value.failed
    assert failed.name == CHECK_UNIQUE_KEYS
    assert failed.failing_count == 2
    assert [r["event_id"] for r in failed.failing_records()] == ["2025-12-07-1730-0"] * 2


def test_schema_failure_names_the_column(lake):
    frame = toy_events_frame(KEY).drop(columns=["value"])
    with pytest.raises(ContractViolation, match="contract_schema") as info:
        publish_partition(lake, TOY_EVENTS.table, LOC, "noval", frame, TOY_EVENTS)
    assert "value" in info.value.failed[0].description


def test_rerun_adds_a_run_directory_and_moves_the_pointer(lake):
    first = publish_partition(lake, TOY_EVENTS.table, LOC, "r1", toy_events_frame(KEY), TOY_EVENTS)
    before = (first.run_dir / "data.parquet").read_bytes()
    second = publish_partition(lake, TOY_EVENTS.table, LOC, "r2", toy_events_frame(KEY), TOY_EVENTS)

    assert first.run_dir != second.run_dir
    assert (first.run_dir / "data.parquet").read_bytes() == before  # untouched
    # Reruns reproduce outputs exactly.
    assert (second.run_dir / "data.parquet").read_bytes() == before
    pointer = lake.pointer_path(TOY_EVENTS.table, LOC)
    assert read_pointer(pointer).run_id == "r2"
    assert [e.run_id for e in pointer_history(pointer)] == ["r1", "r2"]


def test_a_promoted_run_directory_is_never_modified(lake):
    publish_partition(lake, TOY_EVENTS.table, LOC, "once", toy_events_frame(KEY), TOY_EVENTS)
    with pytest.raises(RunAlreadyPromoted):
        publish_partition(lake, TOY_EVENTS.table, LOC, "once", toy_events_frame(KEY), TOY_EVENTS)


def test_non_contract_errors_write_a_failed_manifest_and_reraise(lake):
    frame = toy_events_frame(KEY)
    frame["value"] = [object(), object(), object()]  # not serialisable to parquet
    with pytest.raises(Exception) as info:
        publish_partition(lake, TOY_EVENTS.table, LOC, "boom", frame, TOY_EVENTS)
    assert not isinstance(info.value, ContractViolation)
    manifest = ManifestV1.read(lake.run_dir(TOY_EVENTS.table, LOC, "boom") / "manifest.json")
    assert manifest.status == "failed" and manifest.error.type == type(info.value).__name__
    assert read_pointer(lake.pointer_path(TOY_EVENTS.table, LOC)) is None


def test_load_without_a_pointer_names_the_partition(lake):
    with pytest.raises(NoCurrentRun, match="bronze.toy_events partition 2025-12-07\\|17:30"):
        load_partition(lake, TOY_EVENTS.table, LOC)


@pytest.mark.parametrize("run_id", ["../x", "a/b", "", ".hidden", "x" * 200])
def test_run_ids_are_validated_before_touching_a_path(lake, run_id):
    with pytest.raises(InvalidLakeName):
        lake.run_dir(TOY_EVENTS.table, LOC, run_id)


def _entry(run_id: str, order_key: str) -> PointerEntry:
    return PointerEntry(
        run_id=run_id, path=f"x/run={run_id}", order_key=order_key, published_at=datetime.now(UTC)
    )


def test_forward_only_pointer_refuses_older_targets(tmp_path):
    pointer = tmp_path / "slate.json"
    assert publish_pointer(pointer, _entry("a", "2025-12-07T22:30:00+00:00"), forward_only=True).moved
    refused = publish_pointer(pointer, _entry("b", "2025-12-07T22:15:00+00:00"), forward_only=True)
    assert not refused.moved and "older" in refused.reason
    assert read_pointer(pointer).run_id == "a"
    assert publish_pointer(pointer, _entry("c", "2025-12-07T22:30:00+00:00"), forward_only=True).moved
    assert publish_pointer(pointer, _entry("d", "2025-12-07T22:15:00+00:00"), forward_only=False).moved
    assert [e.run_id for e in pointer_history(pointer)] == ["a", "c", "d"]
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_publish_slate_records_members_and_moves_forward_only(lake):
    later, earlier = PartitionLocation.from_key("2025-12-07|18:00"), LOC
    for loc, run in ((later, "late"), (earlier, "early")):
        publish_partition(lake, TOY_EVENTS.table, loc, run, toy_events_frame(loc.key), TOY_EVENTS)
        totals = pd.DataFrame(
            {
                "game_date": ["2025-12-07"],
                "events_so_far": [3],
                "value_so_far": [6],
                "partition_events": [3],
                "available_at": pd.to_datetime([loc.run_as_of_ts], utc=True).as_unit("us"),
            }
        )
        publish_partition(lake, TOY_TOTALS.table, loc, run, totals, TOY_TOTALS)

    _, moved = publish_slate(lake, [TOY_EVENTS.table, TOY_TOTALS.table], later, "pub-late", SLATE_PUBLICATION)
    assert moved.moved
    result, kept = publish_slate(
        lake, [TOY_EVENTS.table, TOY_TOTALS.table], earlier, "pub-early", SLATE_PUBLICATION
    )
    assert not kept.moved  # a backfill of an earlier slot never takes the slate backwards
    members = pq.read_table(result.run_dir / "data.parquet").to_pandas()
    assert members["run_id"].tolist() == ["early", "early"]
    current = read_pointer(slate_pointer_path(lake, "2025-12-07"))
    assert current.partition_key == "2025-12-07|18:00" and current.run_id == "pub-late"
    assert json.loads(slate_pointer_path(lake, "2025-12-07").read_text())["version"] == 1


def test_sweep_staging_removes_only_old_debris(lake):
    old = lake.new_staging_dir("killed")
    (old / "data.parquet").write_bytes(b"partial")
    past = (datetime.now() - timedelta(days=2)).timestamp()
    os.utime(old, (past, past))
    fresh = lake.new_staging_dir("running")
    assert lake.sweep_staging(older_than_s=3600) == [old]
    assert fresh.exists() and not old.exists()
