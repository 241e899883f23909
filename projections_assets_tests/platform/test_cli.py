import json

from projections_assets.cli import main
from projections_assets.platform.lake import PartitionLocation
from projections_assets.platform.publish import publish_partition
from projections_assets_tests.toy_chain import TOY_EVENTS, toy_events_frame

KEY = "2025-12-07|17:30"


def test_lake_pointer_prints_current_and_history(lake, capsys):
    loc = PartitionLocation.from_key(KEY)
    for run in ("r1", "r2"):
        publish_partition(lake, TOY_EVENTS.table, loc, run, toy_events_frame(KEY), TOY_EVENTS)

    assert main(["lake", "pointer", "bronze.toy_events", KEY, "--lake", str(lake.root), "--manifest"]) == 0
    current = json.loads(capsys.readouterr().out)
    assert current["run_id"] == "r2" and current["manifest"]["status"] == "success"

    assert main(["lake", "pointer", "bronze.toy_events", KEY, "--lake", str(lake.root), "--history"]) == 0
    out = capsys.readouterr().out
    assert out.count('"run_id"') == 2 and out.index('"r1"') < out.index('"r2"')


def test_lake_pointer_rejects_bad_keys_and_reports_unpublished(lake, capsys):
    assert main(["lake", "pointer", "bronze.toy_events", "2025-12-07|17:31", "--lake", str(lake.root)]) == 2
    assert "not on the slot grid" in capsys.readouterr().err
    assert main(["lake", "slate", "2025-12-07", "--lake", str(lake.root)]) == 1
    assert "never been published" in capsys.readouterr().err


def test_sweep_staging(lake, capsys):
    lake.new_staging_dir("killed")
    assert main(["lake", "sweep-staging", "--older-than-hours", "0", "--lake", str(lake.root)]) == 0
    assert "removed 1 staging directory" in capsys.readouterr().out
