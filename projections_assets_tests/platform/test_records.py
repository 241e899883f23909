"""Write-once records: the first writer wins and every reader gets its content back exactly."""

from __future__ import annotations

import pytest

from projections_assets.platform.records import RecordError, read_record, record_once


def test_the_first_writer_wins_and_floats_read_back_exactly(tmp_path) -> None:
    path = tmp_path / "locks" / "game=001.json"
    assert read_record(path) is None
    first = {"ownership": {"1": 0.1 + 0.2, "2": 799.7}, "models_of": "slot A"}
    assert record_once(path, first) == (first, True)
    # A later writer (another slot after the same tip) is handed the first record, unchanged.
    assert record_once(path, {"ownership": {"1": 5.0}, "models_of": "slot B"}) == (first, False)
    assert read_record(path)["ownership"]["1"] == 0.1 + 0.2
    assert [p.name for p in path.parent.iterdir() if not p.name.startswith("_")] == [path.name]


def test_an_unreadable_record_names_its_file(tmp_path) -> None:
    path = tmp_path / "game=002.json"
    path.write_text("[1, 2]")
    with pytest.raises(RecordError, match="game=002.json"):
        read_record(path)
    path.write_text("{not json")
    with pytest.raises(RecordError, match="unreadable"):
        record_once(path, {"a": 1})
