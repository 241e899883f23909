"""`projections lake summary`: a backfill's report read from the manifests alone."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from projections_assets.cli import main
from projections_assets.contracts import ContractViolation
from projections_assets.platform.lake import PartitionLocation
from projections_assets.platform.publish import publish_partition
from projections_assets.platform.summary import summarize_partitions
from projections_assets_tests.toy_chain import TOY_EVENTS, toy_events_frame

KEYS = ("2025-12-07|17:30", "2025-12-08|17:30", "2025-12-09|17:30")


@pytest.fixture
def backfilled(lake):
    """Three days of one table; the second day's rerun then fails its contract (duplicate keys)."""
    for i, key in enumerate(KEYS):
        publish_partition(
            lake,
            TOY_EVENTS.table,
            PartitionLocation.from_key(key),
            f"run-{i}",
            toy_events_frame(key),
            TOY_EVENTS,
        )
    frame = toy_events_frame(KEYS[1])
    with pytest.raises(ContractViolation):
        publish_partition(
            lake,
            TOY_EVENTS.table,
            PartitionLocation.from_key(KEYS[1]),
            "rerun",
            pd.concat([frame, frame]),
            TOY_EVENTS,
        )
    return lake


def test_each_partition_reports_its_latest_attempt_beside_its_current_output(backfilled) -> None:
    rows = summarize_partitions(backfilled, date(2025, 12, 7), date(2025, 12, 8))
    assert [(r.table, r.partition, r.status) for r in rows] == [
        ("bronze.toy_events", KEYS[0], "success"),
        ("bronze.toy_events", KEYS[1], "failed"),
    ]
    failed = rows[1]
    # The failed rerun moved nothing: the current output is still the first run's, with its rows.
    assert (failed.latest_run, failed.current_run, failed.rows) == ("rerun", "run-1", 3)
    assert "unique" in failed.error
    assert rows[0].rows == 3 and rows[0].duration_s >= 0


def test_the_command_prints_the_report_and_its_totals(backfilled, capsys) -> None:
    args = ["lake", "summary", "--from", "2025-12-07", "--to", "2025-12-09", "--lake", str(backfilled.root)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].startswith("3 partitions of 2025-12-07..2025-12-09: 2 succeeded, 1 failed;")
    assert main([*args, "--failed", "--json"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert json.loads(line)["partition"] == KEYS[1]
    assert main([*args[:3], "2025-12-10", "--to", "2025-12-09", "--lake", str(backfilled.root)]) == 2
    assert "after" in capsys.readouterr().err
