"""The daily flow's sensors and schedules: evaluation after labels, the retraining chain, the pre-tip
freeze on a lake where slots ran, and the retention job on the sources' clock."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pandas as pd
import pytest

from projections_assets.contracts import gold as gold_contracts
from projections_assets.core import lock
from projections_assets.defs.gold import CHECK_NO_WORSE, slot_models_asset
from projections_assets.defs.operations import (
    FREEZE_WRITER,
    RETRAIN_TAG,
    evaluation_after_labels,
    freeze_job,
    newest_schedule,
    pre_tip_freeze_sensor,
    retention_job,
    retraining_chain,
    retraining_chain_after_failure,
    retraining_schedule,
)
from projections_assets.defs.resources import MINUTES_MODEL_NAME
from projections_assets.defs.silver import SILVER_ASSETS
from projections_assets.platform.artifacts import GATES_FILE, ArtifactStore, GateResult
from projections_assets.platform.lake import MANIFEST_FILE, Lake, PartitionLocation
from projections_assets.platform.manifests import ManifestV1
from projections_assets.platform.publish import load_partition
from projections_assets.platform.records import lock_record_path
from projections_assets.platform.retention import RETENTION_DIR
from projections_assets.settings import CONFIG_DIR, OperationsSettings, operations_settings
from projections_assets_tests.defs.conftest import league_sources
from projections_assets_tests.history import LAST, history_resources, seed_silver
from projections_assets_tests.platform.test_retention import OLD, SILVER, _failing, _publish

ET = ZoneInfo("America/New_York")
WEEK = "2026-01-19"


@dg.op
def _noop() -> None:
    pass


@dg.job
def _stub() -> None:
    _noop()


@pytest.fixture(scope="module")
def finished() -> dg.DagsterEvent:
    """A real run-success event: run-status contexts need one; the sensors read only the run."""
    with dg.DagsterInstance.ephemeral() as instance:
        yield _stub.execute_in_process(instance=instance).get_run_success_event()


def _status_context(name: str, event, instance, job_name: str, tags: dict[str, str]):
    run = dg.DagsterRun(job_name=job_name, tags=tags)
    return dg.build_run_status_sensor_context(
        sensor_name=name, dagster_event=event, dagster_instance=instance, dagster_run=run
    )


def test_a_labels_run_of_one_date_requests_that_dates_evaluation_once(finished, instance) -> None:
    context = _status_context(
        "evaluation_after_labels", finished, instance, "labels", {"dagster/partition": "2026-01-16"}
    )
    request = evaluation_after_labels(context)
    assert (request.partition_key, request.run_key) == ("2026-01-16", "evaluation:2026-01-16")
    ranged = _status_context("evaluation_after_labels", finished, instance, "labels", {})
    assert "a backfill" in evaluation_after_labels(ranged).skip_message


def test_the_retraining_schedule_takes_its_day_and_hour_from_config_and_starts_with_minutes() -> None:
    settings = OperationsSettings(
        retrain_weekday=3,
        retrain_hour=9,
        freeze_lead_minutes=15,
        retention_older_than_days=30,
        retention_hour=5,
    )
    schedule = retraining_schedule(settings)
    assert schedule.cron_schedule == "0 9 * * 3" and schedule.job_name == "train_minutes"
    assert schedule.default_status == dg.DefaultScheduleStatus.STOPPED
    request = schedule(
        dg.build_schedule_context(scheduled_execution_time=datetime(2026, 1, 21, 9, 0, tzinfo=ET))
    )
    assert (
        request.tags[RETRAIN_TAG] == "2026-01-21" and request.run_key == "retraining:2026-01-21:train_minutes"
    )
    assert retraining_schedule(operations_settings()).cron_schedule == "0 7 * * 1"


def test_config_naming_a_bad_value_fails_naming_it(tmp_path) -> None:
    text = (CONFIG_DIR / "operations.toml").read_text().replace("weekday = 1", "weekday = 9")
    (tmp_path / "operations.toml").write_text(text)
    with pytest.raises(ValueError, match=r"\[retraining\] weekday = 9 must be an integer in 0..6"):
        operations_settings(tmp_path)


def test_the_chain_runs_rates_then_ownership_after_success_or_failure(finished, instance) -> None:
    tags = {RETRAIN_TAG: WEEK}
    after_minutes = retraining_chain(
        _status_context("retraining_chain", finished, instance, "train_minutes", tags)
    )
    assert (after_minutes.job_name, after_minutes.run_key) == (
        "train_rates",
        f"retraining:{WEEK}:train_rates",
    )
    assert after_minutes.tags[RETRAIN_TAG] == WEEK
    # A candidate its gate refused fails its run: the next model still retrains.
    failed = _status_context("retraining_chain_after_failure", finished, instance, "train_rates", tags)
    after_rates = retraining_chain_after_failure(failed.for_run_failure())
    assert (after_rates.job_name, after_rates.run_key) == (
        "train_ownership",
        f"retraining:{WEEK}:train_ownership",
    )
    last = retraining_chain(_status_context("retraining_chain", finished, instance, "train_ownership", tags))
    assert "ends the retraining" in last.skip_message
    # A training run someone launched by hand starts no chain.
    manual = retraining_chain(_status_context("retraining_chain", finished, instance, "train_minutes", {}))
    assert "not launched by weekly_retraining" in manual.skip_message


# --------------------------------------------------------------------------- pre-tip freeze

FREEZE_SLOT = "19:00"


@pytest.fixture
def slots_ran(tmp_path, trained_lake, league_dir):
    """The history's last date with its 17:00 and 18:45 slots in the lake (a promoted minutes model)."""
    root = tmp_path / "lake"
    lake = trained_lake.copy_to(root)
    with dg.DagsterInstance.ephemeral() as instance:
        yield lake, history_resources(root, league_dir), instance


def _freeze_tick(league_dir: Path, lake, clock: datetime, cursor: str | None, instance) -> dg.SensorResult:
    # The lake reader sets up its nested partition lock, so the context is opened as a context manager.
    with dg.build_sensor_context(
        cursor=cursor,
        instance=instance,
        resources={
            "sources": league_sources(league_dir, clock=clock.isoformat()),
            "lake_reader": history_resources(lake.root, league_dir)["lake_reader"],
        },
    ) as context:
        return pre_tip_freeze_sensor(context)


def _promote_another_minutes_model(lake) -> str:
    store = ArtifactStore(lake)
    _, directory = store.current(MINUTES_MODEL_NAME)
    gate = GateResult(name=CHECK_NO_WORSE, status="passed", summary="promoted between the freeze and the tip")
    store.write(
        MINUTES_MODEL_NAME,
        "after-freeze",
        lambda d: shutil.copytree(
            directory, d, dirs_exist_ok=True, ignore=shutil.ignore_patterns(GATES_FILE)
        ),
        [gate],
    )
    assert store.promote(MINUTES_MODEL_NAME, "after-freeze", gates=(CHECK_NO_WORSE,)).moved
    return "after-freeze"


def test_the_freeze_writes_the_lock_before_tip_and_a_later_promotion_does_not_change_it(
    slots_ran, league_dir
) -> None:
    lake, res, instance = slots_ran
    day = LAST.isoformat()
    games = newest_schedule(lake, LAST)
    tips = pd.to_datetime(games["tip_ts"], utc=True)
    tip = pd.Timestamp(f"{day} {FREEZE_SLOT}", tz=ET).tz_convert("UTC")
    at_tip = sorted(games.loc[tips == tip, "game_id"].astype(str))
    later = sorted(games.loc[tips > tip + timedelta(minutes=15), "game_id"].astype(str))
    earlier = sorted(games.loc[tips < tip, "game_id"].astype(str))
    assert at_tip and later
    minutes_before = ArtifactStore(lake).current(MINUTES_MODEL_NAME)[0]

    # 18:50 ET: within 15 minutes of the 19:00 tips, which are requested; later games are not yet.
    clock = (tip - timedelta(minutes=10)).to_pydatetime()
    first = _freeze_tick(league_dir, lake, clock, None, instance)
    requested = {r.run_key: r for r in first.run_requests}
    assert sorted(requested) == [f"freeze:{day}:{g}" for g in at_tip]
    # The next tick asks for nothing again, whether or not the runs have happened yet.
    assert _freeze_tick(league_dir, lake, clock, first.cursor, instance).run_requests == []

    for request in requested.values():
        assert freeze_job.execute_in_process(
            run_config=request.run_config, instance=instance, resources=res
        ).success
    records = {g: lock_record_path(lake, day, f"game={g}") for g in at_tip}
    written = {g: path.read_bytes() for g, path in records.items()}
    for raw in written.values():
        record = json.loads(raw)
        assert record["written_by"] == FREEZE_WRITER and record["frozen_at"] == clock.isoformat()
        assert record["minutes_run_id"] == minutes_before
        assert record["models_of"] == f"{lock.LOCK_PREFIX}{day}|{FREEZE_SLOT}"
    # A fresh sensor (no cursor) finds them frozen; a game already tipped is never requested.
    assert _freeze_tick(league_dir, lake, clock, None, instance).run_requests == []
    if earlier:
        assert not any(lock_record_path(lake, day, f"game={g}").exists() for g in earlier)

    # A promotion between the freeze and the tip, then the tip's slot runs: the tipped games keep the
    # frozen models (the record is unchanged); the games still to tip take the new one.
    promoted = _promote_another_minutes_model(lake)
    seed_silver(lake, league_dir, (LAST,), (FREEZE_SLOT,))
    key = f"{day}|{FREEZE_SLOT}"
    assert dg.materialize(
        [*SILVER_ASSETS, slot_models_asset],
        selection=[slot_models_asset.key],
        partition_key=key,
        resources=res,
        instance=instance,
    ).success
    assert {g: path.read_bytes() for g, path in records.items()} == written
    models = load_partition(
        lake, gold_contracts.SLOT_MODELS.table, PartitionLocation.from_key(key)
    ).set_index("game_id")
    assert (
        set(models.loc[at_tip, "minutes_run_id"]) == {minutes_before} and models.loc[at_tip, "locked"].all()
    )
    assert set(models.loc[at_tip, "models_of"]) == {f"{lock.LOCK_PREFIX}{key}"}
    assert set(models.loc[later, "minutes_run_id"]) == {promoted}

    # After the tip: nothing for the tipped games, ever.
    after = _freeze_tick(league_dir, lake, (tip + timedelta(minutes=1)).to_pydatetime(), None, instance)
    assert not {r.run_key for r in after.run_requests} & set(requested)


# --------------------------------------------------------------------------- retention job


def test_the_retention_job_measures_age_on_the_sources_clock(tmp_path, league_dir, instance) -> None:
    lake = Lake(tmp_path / "lake")
    old = _publish(lake, SILVER, "2025-12-07|17:30", "failed-old", OLD, frame=_failing("2025-12-07|17:30"))
    assert ManifestV1.read(old / MANIFEST_FILE).timing.finished_at == OLD
    resources = {
        "lake_reader": history_resources(lake.root, league_dir)["lake_reader"],
        "sources": league_sources(league_dir, clock=(OLD + timedelta(days=10)).isoformat()),
    }
    # Ten days after the run on the sources' clock (whatever the machine's says): too young at 30 days.
    assert retention_job.execute_in_process(instance=instance, resources=resources).success
    assert old.is_dir()
    resources["sources"] = league_sources(league_dir, clock=(OLD + timedelta(days=31)).isoformat())
    assert retention_job.execute_in_process(instance=instance, resources=resources).success
    assert not old.exists()
    # Each prune is on record (named by its now), the one that found nothing too.
    before, record = (json.loads(p.read_text()) for p in sorted((lake.root / RETENTION_DIR).glob("*.json")))
    assert before["pruned"] == [] and [p["run_id"] for p in record["pruned"]] == ["failed-old"]
    assert record["now"] == (OLD + timedelta(days=31)).astimezone(UTC).isoformat()
