from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from projections_assets.defs.partitions import SLATE_PARTITIONS
from projections_assets.partitions import (
    InvalidPartitionKey,
    SlatePartition,
    parse_key,
    parse_path_parts,
    partitions_between,
    slot_for,
    slot_keys,
)

ET = ZoneInfo("America/New_York")


def test_slot_grid_is_quarter_hours_from_8am_to_1145pm():
    keys = slot_keys()
    assert keys[0] == "08:00" and keys[1] == "08:15" and keys[-1] == "23:45"
    assert len(keys) == 64


@pytest.mark.parametrize(
    ("key", "expected_utc"),
    [
        ("2025-12-07|17:30", datetime(2025, 12, 7, 22, 30, tzinfo=UTC)),  # EST, UTC-5
        ("2025-10-22|19:00", datetime(2025, 10, 22, 23, 0, tzinfo=UTC)),  # EDT, UTC-4
        ("2025-03-09|08:00", datetime(2025, 3, 9, 12, 0, tzinfo=UTC)),  # spring-forward day
        ("2025-11-02|23:45", datetime(2025, 11, 3, 4, 45, tzinfo=UTC)),  # fall-back day
    ],
)
def test_key_maps_to_exact_run_as_of_ts(key, expected_utc):
    partition = parse_key(key)
    assert partition.run_as_of_ts == expected_utc
    assert partition.key == key


@pytest.mark.parametrize(
    ("stamp_et", "expected"),
    [
        (datetime(2025, 1, 10, 17, 30), ("2025-01-10", "17:30")),  # exactly on a slot
        (datetime(2025, 1, 10, 17, 20), ("2025-01-10", "17:30")),  # (S - 15 min, S]
        (datetime(2025, 1, 10, 17, 15, 0, 1), ("2025-01-10", "17:30")),
        (datetime(2025, 1, 10, 17, 15), ("2025-01-10", "17:15")),
        (datetime(2025, 1, 10, 0, 30), ("2025-01-10", "08:00")),  # before the first slot
        (datetime(2025, 1, 10, 8, 0), ("2025-01-10", "08:00")),
        (datetime(2025, 1, 10, 23, 45), ("2025-01-10", "23:45")),
        (datetime(2025, 1, 10, 23, 50), ("2025-01-11", "08:00")),  # after the last: next day's first
    ],
)
def test_any_timestamp_maps_to_its_slot(stamp_et, expected):
    partition = slot_for(stamp_et.replace(tzinfo=ET))
    assert (partition.game_date.isoformat(), partition.slot_key) == expected
    assert slot_for(stamp_et.replace(tzinfo=ET).astimezone(UTC)) == partition


def test_slot_for_rejects_naive_timestamps():
    with pytest.raises(ValueError, match="no time zone"):
        slot_for(datetime(2025, 1, 10, 17, 30))


def test_every_slot_round_trips_through_its_run_as_of_ts():
    for p in partitions_between(parse_key("2025-03-09|08:00"), parse_key("2025-03-10|23:45")):
        assert slot_for(p.run_as_of_ts) == p


@pytest.mark.parametrize(
    "bad",
    [
        "2025-12-07",
        "2025-12-07|17:31",  # off the grid
        "2025-12-07|07:45",  # before the first slot
        "2025-13-01|08:00",
        "2025-02-30|08:00",
        "2019-12-07|08:00",  # before the first partition
        "../../etc|08:00",
        "2025-12-07|08:00|x",
        "2025-12-07|8:00",
        "2025-12-07|08:00/..",
        "",
    ],
)
def test_invalid_keys_are_rejected_before_touching_a_path(bad):
    with pytest.raises(InvalidPartitionKey):
        parse_key(bad)


def test_path_parts_round_trip_and_reject_traversal():
    p = parse_key("2026-02-08|18:30")
    assert p.path_parts == ("game_date=2026-02-08", "slot=1830")
    assert parse_path_parts(*p.path_parts) == p
    with pytest.raises(InvalidPartitionKey):
        parse_path_parts("game_date=..", "slot=1830")
    with pytest.raises(InvalidPartitionKey):
        parse_path_parts("game_date=2026-02-08", "slot=18:30")


def test_dagster_keys_are_date_then_slot_and_parse_back():
    keys = SLATE_PARTITIONS.get_partition_keys(current_time=datetime(2023, 10, 2, 12, tzinfo=UTC))
    assert keys[0] == "2023-10-01|08:00"
    assert "2023-10-02|17:30" in keys  # end_offset=1: today's partitions exist
    assert len(keys) == 2 * 64
    for key in keys[:70]:
        assert parse_key(key).key == key
    mk = SLATE_PARTITIONS.get_partition_key_from_str("2023-10-01|09:15")
    assert parse_key(mk) == SlatePartition(date(2023, 10, 1), time(9, 15))
