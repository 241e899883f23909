"""Bronze assets on the league feed: exact lake paths, raw payloads by hash, provenance, live vs as-of."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import UTC, datetime

import dagster as dg
import pandas as pd
import pytest

from projections_assets.contracts import sources as contracts
from projections_assets.defs.bronze import BRONZE_SLATE_ASSETS, CAPTURE_TAG, LIVE_CAPTURE
from projections_assets.platform.lake import Lake, PartitionLocation
from projections_assets.platform.manifests import ManifestV1
from projections_assets.platform.pointers import read_pointer
from projections_assets.platform.publish import load_partition
from projections_assets_tests.defs.conftest import league_sources, resources

KEY = "2026-01-16|17:30"  # quarter-hour era; nine games that night
HOURLY_KEY = "2025-12-11|17:30"  # hourly era: the 5:30 PM report is named `_05PM`


@pytest.fixture(scope="module")
def bronze_lake(tmp_path_factory, league_dir):
    root = tmp_path_factory.mktemp("bronze") / "lake"
    with dg.DagsterInstance.ephemeral() as instance:
        result = dg.materialize(
            BRONZE_SLATE_ASSETS,
            partition_key=KEY,
            resources=resources(root, league_sources(league_dir)),
            instance=instance,
        )
        assert result.success
        yield Lake(root), result.run_id


def test_every_bronze_table_lands_in_its_run_directory_with_a_manifest(bronze_lake) -> None:
    lake, run_id = bronze_lake
    for name in ("injury_reports", "schedule", "odds", "rosters", "lineups", "draftables"):
        run_dir = lake.root / "bronze" / name / "game_date=2026-01-16" / "slot=1730" / f"run={run_id}"
        assert (run_dir / "data.parquet").is_file() and (run_dir / "manifest.json").is_file()
        pointer = read_pointer(run_dir.parent / "_current.json")
        assert pointer.run_id == run_id and pointer.path == lake.relative(run_dir)
        manifest = ManifestV1.read(run_dir / "manifest.json")
        assert manifest.status == "success" and manifest.partition.key == KEY
        fetches = [i for i in manifest.inputs if i.name.startswith("source.")]
        assert fetches and all(i.url and i.content_sha256 and i.attempts == 1 for i in fetches)


def test_raw_payloads_are_stored_once_by_content_hash(bronze_lake) -> None:
    lake, _ = bronze_lake
    rows = load_partition(lake, contracts.BRONZE_INJURY_REPORTS.table, PartitionLocation.from_key(KEY))
    assert rows["report_name"].unique().tolist() == ["Injury-Report_2026-01-16_05_30PM.pdf"]
    blob = lake.root / rows["blob_path"].iloc[0]
    assert blob.suffix == ".pdf" and blob.parent.parent.name == "injury_pdf"
    assert hashlib.sha256(blob.read_bytes()).hexdigest() == rows["content_sha256"].iloc[0] == blob.stem
    schedule = load_partition(lake, contracts.BRONZE_SCHEDULE.table, PartitionLocation.from_key(KEY))
    text_blob = lake.root / schedule["blob_path"].iloc[0]
    assert text_blob.name.endswith(".json.gz")  # text payloads are kept compressed...
    body = gzip.decompress(text_blob.read_bytes())
    assert hashlib.sha256(body).hexdigest() == schedule["content_sha256"].iloc[0]  # ...hashed as fetched
    assert json.loads(body)["leagueSchedule"]["seasonYear"] == "2025-26"


def test_rows_carry_when_their_information_existed(bronze_lake) -> None:
    lake, _ = bronze_lake
    loc = PartitionLocation.from_key(KEY)
    as_of = pd.Timestamp(loc.run_as_of_ts)
    injuries = load_partition(lake, contracts.BRONZE_INJURY_REPORTS.table, loc)
    assert (injuries["available_at"] == injuries["report_ts"]).all()
    assert injuries["report_ts"].iloc[0] == as_of  # the 5:30 PM report, stamped at the slot
    odds = load_partition(lake, contracts.BRONZE_ODDS.table, loc)
    assert (odds["available_at"] <= as_of).all() and (odds["available_at"] == odds["last_update"]).all()
    for table in (contracts.BRONZE_SCHEDULE, contracts.BRONZE_ROSTERS, contracts.BRONZE_DRAFTABLES):
        frame = load_partition(lake, table.table, loc)
        assert len(frame) and (frame["captured_at"] == as_of).all() and (frame["available_at"] == as_of).all()
    schedule = load_partition(lake, contracts.BRONZE_SCHEDULE.table, loc)
    assert len(schedule) == 9 and set(schedule["game_date"].astype(str)) == {"2026-01-16"}


def test_identical_payloads_are_not_stored_twice(tmp_path, league_dir, instance) -> None:
    res = resources(tmp_path / "lake", league_sources(league_dir))
    rosters = [a for a in BRONZE_SLATE_ASSETS if a.key.path[-1] == "rosters"]
    for key in ("2026-01-16|17:30", "2026-01-16|17:45"):
        assert dg.materialize(rosters, partition_key=key, resources=res, instance=instance).success
    blobs = list((tmp_path / "lake" / "_blobs" / "playerindex").rglob("*.json.gz"))
    assert len(blobs) == 1  # nobody moved between the two slots: one payload, two partitions


def test_an_hourly_era_report_is_found_by_its_hour_name(tmp_path, league_dir, instance) -> None:
    injuries = [a for a in BRONZE_SLATE_ASSETS if a.key.path[-1] == "injury_reports"]
    res = resources(tmp_path / "lake", league_sources(league_dir))
    assert dg.materialize(injuries, partition_key=HOURLY_KEY, resources=res, instance=instance).success
    rows = load_partition(
        Lake(tmp_path / "lake"), contracts.BRONZE_INJURY_REPORTS.table, PartitionLocation.from_key(HOURLY_KEY)
    )
    assert rows["report_name"].unique().tolist() == ["Injury-Report_2025-12-11_05PM.pdf"]
    assert rows["report_ts"].iloc[0] == pd.Timestamp("2025-12-11T22:30:00Z")
    # Two game dates in one report: tonight's and tomorrow's games.
    assert set(rows["game_date"]) == {"2025-12-11", "2025-12-12"}


def test_a_slot_without_a_report_is_a_valid_empty_partition(tmp_path, league_dir, instance) -> None:
    injuries = [a for a in BRONZE_SLATE_ASSETS if a.key.path[-1] == "injury_reports"]
    res = resources(tmp_path / "lake", league_sources(league_dir))
    key = "2025-12-11|17:45"  # hourly era: reports only at :30
    assert dg.materialize(injuries, partition_key=key, resources=res, instance=instance).success
    rows = load_partition(
        Lake(tmp_path / "lake"), contracts.BRONZE_INJURY_REPORTS.table, PartitionLocation.from_key(key)
    )
    assert rows.empty and list(rows.columns) == list(contracts.BRONZE_INJURY_REPORTS.schema.columns)


def test_the_first_slot_holds_the_nights_reports(tmp_path, league_dir, instance) -> None:
    injuries = [a for a in BRONZE_SLATE_ASSETS if a.key.path[-1] == "injury_reports"]
    res = resources(tmp_path / "lake", league_sources(league_dir))
    key = "2025-12-11|08:00"
    assert dg.materialize(injuries, partition_key=key, resources=res, instance=instance).success
    rows = load_partition(
        Lake(tmp_path / "lake"), contracts.BRONZE_INJURY_REPORTS.table, PartitionLocation.from_key(key)
    )
    stamps = sorted(rows["report_ts"].dt.tz_convert("America/New_York").dt.strftime("%H:%M").unique())
    assert stamps == [f"{h:02d}:30" for h in range(8)]  # 00:30 ... 07:30, all before the first slot


def test_a_live_capture_is_stamped_with_the_source_clock(tmp_path, league_dir, instance) -> None:
    clock = datetime(2026, 1, 16, 22, 24, 10, tzinfo=UTC)  # 5:24 PM ET: a poller's run for the 17:30 slot
    sources = league_sources(league_dir, clock=clock.isoformat())
    odds = [a for a in BRONZE_SLATE_ASSETS if a.key.path[-1] == "odds"]
    result = dg.materialize(
        odds,
        partition_key=KEY,
        resources=resources(tmp_path / "lake", sources),
        instance=instance,
        tags={CAPTURE_TAG: LIVE_CAPTURE},
    )
    assert result.success
    frame = load_partition(
        Lake(tmp_path / "lake"), contracts.BRONZE_ODDS.table, PartitionLocation.from_key(KEY)
    )
    assert (frame["captured_at"] == pd.Timestamp(clock)).all()
    assert (frame["available_at"] <= pd.Timestamp(clock)).all()
