from datetime import date, timedelta

import numpy as np
import pandas as pd
import pyarrow.dataset as ds
import pytest

from projections_assets.contracts import ContractViolation
from projections_assets.platform.lake import PartitionLocation
from projections_assets.platform.publish import publish_partition
from projections_assets.platform.reader import read_history
from projections_assets_tests.toy_chain import TOY_EVENTS

DATES = [date(2025, 12, 1) + timedelta(days=i) for i in range(6)]
SLOTS = ["08:00", "12:00", "17:30", "19:00"]


def _random_events(rng: np.random.Generator, key: str, tag: str) -> pd.DataFrame:
    location = PartitionLocation.from_key(key)
    n = int(rng.integers(0, 8)) or 1
    offsets = rng.integers(-36 * 3600, 1, size=n)  # up to 36 h before run_as_of_ts
    stamps = pd.Timestamp(location.run_as_of_ts) + pd.to_timedelta(offsets, unit="s")
    return pd.DataFrame(
        {
            "event_id": [f"{key}-{tag}-{i}" for i in range(n)],
            "game_date": [str(location.game_date)] * n,
            "value": rng.integers(0, 100, size=n).astype("int64"),
            "available_at": pd.DatetimeIndex(stamps).tz_convert("UTC").as_unit("us"),
        }
    )


@pytest.fixture(scope="module")
def populated(tmp_path_factory):
    """A lake with reruns and failed runs, and the frames that are current per partition."""
    from projections_assets.platform.lake import Lake

    lake = Lake(tmp_path_factory.mktemp("reader") / "lake")
    rng = np.random.default_rng(7)
    current: dict[str, pd.DataFrame] = {}
    for day in DATES:
        for slot in SLOTS:
            key = f"{day}|{slot}"
            if rng.random() < 0.15:
                continue  # never published
            loc = PartitionLocation.from_key(key)
            for attempt in range(int(rng.integers(1, 4))):
                frame = _random_events(rng, key, f"a{attempt}")
                publish_partition(
                    lake,
                    TOY_EVENTS.table,
                    loc,
                    f"{day:%Y%m%d}{slot[:2]}{slot[3:]}-{attempt}",
                    frame,
                    TOY_EVENTS,
                )
                current[key] = frame
            if rng.random() < 0.3:  # a failed rerun must stay invisible
                with pytest.raises(ContractViolation):
                    bad = _random_events(rng, key, "bad")
                    bad.loc[0, "available_at"] = pd.Timestamp(loc.run_as_of_ts) + pd.Timedelta(hours=1)
                    publish_partition(
                        lake, TOY_EVENTS.table, loc, f"{day:%Y%m%d}{slot[:2]}{slot[3:]}-bad", bad, TOY_EVENTS
                    )
    # Debris of a killed writer must not be visible either.
    staging = lake.new_staging_dir("killed")
    _random_events(rng, f"{DATES[0]}|08:00", "staged").to_parquet(staging / "data.parquet")
    return lake, current


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values("event_id").reset_index(drop=True)


def test_as_of_filter_matches_brute_force(populated):
    lake, current = populated
    every_row = pd.concat(current.values(), ignore_index=True)
    rng = np.random.default_rng(11)
    for _ in range(40):
        i, j = sorted(rng.integers(0, len(DATES), size=2))
        start, end = DATES[i], DATES[j]
        as_of = pd.Timestamp(DATES[0], tz="UTC") + pd.Timedelta(seconds=int(rng.integers(-86400, 8 * 86400)))
        got = read_history(lake, TOY_EVENTS.table, start=start, end=end, as_of=as_of.to_pydatetime())
        in_range = every_row["game_date"].between(str(start), str(end))
        expected = every_row[in_range & (every_row["available_at"] <= as_of)]
        pd.testing.assert_frame_equal(_sorted(got.frame), _sorted(expected), check_dtype=False)
        assert got.record.row_count == len(expected)


def test_reads_only_current_runs_and_never_staging(populated):
    lake, current = populated
    got = read_history(lake, TOY_EVENTS.table).frame
    assert not got["event_id"].str.contains("-bad-|-staged-").any()
    assert set(got["event_id"]) == set(pd.concat(current.values())["event_id"])
    # pyarrow's own discovery of the table directory skips `_`-prefixed staging and pointer files too.
    discovered = ds.dataset(lake.table_dir(TOY_EVENTS.table), format="parquet")
    assert all("/_" not in f for f in discovered.files)


def test_unknown_table_reads_empty(lake):
    from projections_assets.platform.lake import TableRef

    got = read_history(lake, TableRef("bronze", "nothing_here"), columns=["event_id"])
    assert got.frame.empty and list(got.frame.columns) == ["event_id"] and got.record.file_count == 0
