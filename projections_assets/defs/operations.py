"""The daemon's daily flow after the slates: evaluation after labels, weekly retraining, the pre-tip
freeze and retention (docs/operations.md "Schedules and sensors").

Cadences come from config/operations.toml, read when the definitions are built (`operations_schedules`)
or when a sensor ticks, never at import. Every "now" is the sources' clock (`probe_now()` through the
SourcesResource), as the injury report sensor's is, never the machine's.

Defaults follow defs/schedules.py: what acts on the sources' clock or deletes starts stopped, because
the embedded default source (the simulated league) answers "as of" any instant and its clock need not
be today; a production deployment turns them on. The retraining chain starts running: it acts only on
runs the (stopped) weekly schedule launched, so turning the schedule on is the one switch.
"""

import json
from datetime import date, datetime, timedelta

import dagster as dg
import pandas as pd
from pydantic import Field

from projections_assets.contracts import silver as silver_contracts
from projections_assets.core import lock
from projections_assets.defs.gold import current_models, lock_record_of, recorded_models
from projections_assets.defs.jobs import (
    EVALUATION_JOB,
    LABELS_JOB,
    OWNERSHIP_TRAINING_JOB,
    RATES_TRAINING_JOB,
    TRAINING_JOB,
)
from projections_assets.defs.resources import (
    CurrentMinutesModel,
    CurrentRatesModel,
    LakeReader,
    SourcesResource,
)
from projections_assets.defs.sensors import TRIGGER_TAG
from projections_assets.nba.calendar import EASTERN_NAME
from projections_assets.partitions import eastern
from projections_assets.platform.lake import DATA_FILE, Lake
from projections_assets.platform.reader import current_runs
from projections_assets.platform.records import lock_record_path, read_record
from projections_assets.platform.retention import prune
from projections_assets.settings import OperationsSettings, operations_settings

PARTITION_TAG = "dagster/partition"
# On each run of a scheduled retraining: the date the schedule fired, which keys the chain's run keys.
RETRAIN_TAG = "projections/retraining"
GAME_TAG = "projections/game"
FREEZE_WRITER = "pre_tip_freeze"

# --------------------------------------------------------------------------- evaluation after labels


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[LABELS_JOB],
    request_job=EVALUATION_JOB,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description=(
        "Target: the evaluation job of the game_date a labels run just froze (one run per date). Turn on "
        "with nightly_labels; a range run of labels (a backfill) is evaluated by a backfill instead."
    ),
)
def evaluation_after_labels(context: dg.RunStatusSensorContext) -> dg.RunRequest | dg.SkipReason:
    day = context.dagster_run.tags.get(PARTITION_TAG)
    if not day:
        return dg.SkipReason(
            f"labels run {context.dagster_run.run_id} covers a range of dates (a backfill), not one: "
            "launch a backfill of the evaluation job over the same dates"
        )
    return dg.RunRequest(run_key=f"evaluation:{day}", partition_key=day, tags={TRIGGER_TAG: "labels"})


# --------------------------------------------------------------------------- weekly retraining
# train_minutes, then train_rates, then train_ownership: one at a time on 2 cores, each promoting only
# through its own gates. A candidate its gate refuses fails its run by design, so the next job follows
# a failure as well as a success.

NEXT_TRAINING = {TRAINING_JOB.name: RATES_TRAINING_JOB, RATES_TRAINING_JOB.name: OWNERSHIP_TRAINING_JOB}


def retraining_schedule(settings: OperationsSettings) -> dg.ScheduleDefinition:
    """The weekly retraining at the configured day and hour (Eastern): starts the chain with train_minutes."""

    @dg.schedule(
        name="weekly_retraining",
        job=TRAINING_JOB,
        cron_schedule=f"0 {settings.retrain_hour} * * {settings.retrain_weekday}",
        execution_timezone=EASTERN_NAME,
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description=(
            "Target: train_minutes, then (retraining_chain) train_rates, then train_ownership, each on every "
            "labelled date and promoted only through its gates. Weekly; day and hour in "
            "config/operations.toml [retraining]."
        ),
    )
    def weekly_retraining(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        week = context.scheduled_execution_time.astimezone(eastern()).date().isoformat()
        return dg.RunRequest(run_key=f"retraining:{week}:{TRAINING_JOB.name}", tags={RETRAIN_TAG: week})

    return weekly_retraining


def next_training(run: dg.DagsterRun) -> dg.RunRequest | dg.SkipReason:
    """The next job of a scheduled retraining after `run` finished, or why there is none."""
    week = run.tags.get(RETRAIN_TAG)
    following = NEXT_TRAINING.get(run.job_name)
    if not week:
        return dg.SkipReason(f"{run.job_name} run {run.run_id} was not launched by weekly_retraining")
    if following is None:
        return dg.SkipReason(f"{run.job_name} ends the retraining of {week}")
    return dg.RunRequest(
        run_key=f"retraining:{week}:{following.name}", job_name=following.name, tags={RETRAIN_TAG: week}
    )


_CHAIN = {
    "monitored_jobs": [TRAINING_JOB, RATES_TRAINING_JOB],
    "request_jobs": [RATES_TRAINING_JOB, OWNERSHIP_TRAINING_JOB],
    "default_status": dg.DefaultSensorStatus.RUNNING,
}


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    description=(
        "Target: the next job of a scheduled retraining (train_rates after train_minutes, train_ownership "
        "after train_rates) once the previous one succeeded. Acts only on weekly_retraining's runs."
    ),
    **_CHAIN,
)
def retraining_chain(context: dg.RunStatusSensorContext) -> dg.RunRequest | dg.SkipReason:
    return next_training(context.dagster_run)


@dg.run_failure_sensor(
    description=(
        "Target: the next job of a scheduled retraining when the previous one failed (a candidate its "
        "gate refused fails its run; the other models still retrain). Acts only on weekly_retraining's runs."
    ),
    **_CHAIN,
)
def retraining_chain_after_failure(context: dg.RunFailureSensorContext) -> dg.RunRequest | dg.SkipReason:
    return next_training(context.dagster_run)


# --------------------------------------------------------------------------- pre-tip freeze


class FreezeConfig(dg.Config):
    game_date: str = Field(description="The game's date (YYYY-MM-DD, Eastern).")
    game_id: str = Field(description="The game to freeze.")
    tip_ts: str = Field(description="Its tip, ISO with a time zone, as the schedule the sensor read gave it.")
    now: str = Field(description="The sources' clock when the sensor asked (kept in the record).")


@dg.op(description="Write one game's lock record now, with the models its freeze slot would record.")
def freeze_game(
    context: dg.OpExecutionContext,
    config: FreezeConfig,
    lake_reader: LakeReader,
    minutes_model: CurrentMinutesModel,
    rates_model: CurrentRatesModel,
) -> None:
    lake = lake_reader.lake()
    tip = pd.Timestamp(config.tip_ts)
    freeze = lock.freeze_slot(tip.to_pydatetime())
    if freeze.game_date.isoformat() != config.game_date:
        raise dg.Failure(
            f"game {config.game_id}: tip {config.tip_ts} falls on {freeze.game_date}, not game_date {config.game_date}"
        )
    current = current_models(lake_reader, minutes_model, rates_model)
    by = {"written_by": FREEZE_WRITER, "written_by_run": context.run_id, "frozen_at": config.now}
    record, wrote = lock_record_of(
        lake, freeze, recorded_models(lake, freeze), current, by, config.game_id, tip
    )
    context.log.info(
        f"{config.game_date}/{config.game_id}: "
        + (
            "lock record written"
            if wrote
            else f"already locked by {record.get('written_by') or record.get('written_by_slot')}"
        )
        + f" ({record['models_of']})"
    )


@dg.job(
    name="pre_tip_freeze",
    executor_def=dg.in_process_executor,
    description="One game's lock record, written before its tip so a later promotion cannot change it.",
)
def freeze_job() -> None:
    freeze_game()


def newest_schedule(lake: Lake, day: date) -> pd.DataFrame | None:
    """The games (game_id, tip_ts) of `day` as its newest slot's silver schedule lists them."""
    runs = current_runs(lake, silver_contracts.SILVER_SCHEDULE.table, day, day)
    if not runs:
        return None
    newest = max(runs, key=lambda entry: entry.order_key)
    return pd.read_parquet(lake.resolve(newest.path) / DATA_FILE, columns=["game_id", "tip_ts"])


def _frozen(lake: Lake, day: str, game_id: str) -> bool:
    return read_record(lock_record_path(lake, day, f"game={game_id}")) is not None


def freeze_requests(
    lake: Lake, now: datetime, lead: timedelta, requested: set[str]
) -> tuple[list[dg.RunRequest], set[str]]:
    """The freeze runs due at `now` (none for a game frozen, tipped or already requested), and the run
    keys to remember: those of games not yet tipped."""
    local = now.astimezone(eastern())
    days = sorted({local.date(), (local + lead).date()})
    requests, keep = [], set()
    for day in days:
        games = newest_schedule(lake, day)
        if games is None:
            continue
        for game_id, tip in lock.freezes_due(games, now, lead):
            key = f"freeze:{day.isoformat()}:{game_id}"
            keep.add(key)
            if key in requested or _frozen(lake, day.isoformat(), game_id):
                continue
            config = FreezeConfig(
                game_date=day.isoformat(), game_id=game_id, tip_ts=tip.isoformat(), now=now.isoformat()
            )
            requests.append(
                dg.RunRequest(
                    run_key=key,
                    run_config=dg.RunConfig(ops={freeze_game.name: config}),
                    tags={TRIGGER_TAG: FREEZE_WRITER, GAME_TAG: f"{day.isoformat()}/{game_id}"},
                )
            )
    return requests, keep


@dg.sensor(
    job=freeze_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description=(
        "Target: pre_tip_freeze, once per game, when the sources' clock is within [freeze] lead_minutes "
        "(config/operations.toml, 15) of its tip (tips from the newest slot's silver schedule): writes its "
        "lock record with the models its freeze slot would record, so a promotion before tip cannot "
        "change what the game is scored with."
    ),
)
def pre_tip_freeze_sensor(
    context: dg.SensorEvaluationContext, sources: SourcesResource, lake_reader: LakeReader
) -> dg.SensorResult:
    not_ready = sources.not_ready()
    if not_ready:
        return dg.SensorResult(skip_reason=not_ready)
    with sources.client() as client:
        now = client.probe_now()
    if now is None:
        return dg.SensorResult(skip_reason="the sources sent no clock (Date header): no freeze without it")
    lead = timedelta(minutes=operations_settings().freeze_lead_minutes)
    requested = set(json.loads(context.cursor)["requested"]) if context.cursor else set()
    requests, keep = freeze_requests(lake_reader.lake(), now, lead, requested)
    cursor = json.dumps({"requested": sorted(keep)})
    if not requests:
        return dg.SensorResult(
            skip_reason=f"no game tips within {lead} of {now.isoformat()} without its lock record",
            cursor=cursor,
        )
    return dg.SensorResult(run_requests=requests, cursor=cursor)


# --------------------------------------------------------------------------- retention


class RetentionConfig(dg.Config):
    older_than_days: int | None = Field(
        default=None,
        description="Age threshold in days. Unset: [retention] older_than_days in config/operations.toml.",
    )
    dry_run: bool = Field(default=False, description="Plan only: log what would go, delete nothing.")


@dg.op(
    description="Prune old run directories of silver, gold and published that nothing names (docs/operations.md)."
)
def prune_lake(
    context: dg.OpExecutionContext, config: RetentionConfig, lake_reader: LakeReader, sources: SourcesResource
) -> None:
    with sources.client() as client:
        now = client.probe_now()
    if now is None:
        raise dg.Failure(
            "the sources sent no clock (Date header): retention measures age on the sources' clock"
        )
    days = config.older_than_days or operations_settings().retention_older_than_days
    result = prune(lake_reader.lake(), now, days, dry_run=config.dry_run, now_source="the sources' clock")
    listed = result.plan.candidates if result.dry_run else result.pruned
    context.log.info(
        f"{'would prune' if result.dry_run else 'pruned'} {len(listed)} run directories older than {days} days "
        f"at {now.isoformat()}; kept {result.plan.kept}"
        + (f"; manifest {result.manifest}" if result.manifest else "")
    )


@dg.job(
    name="retention",
    executor_def=dg.in_process_executor,
    description="Prune old, unnamed, unfrozen run directories of silver, gold and published; record them.",
)
def retention_job() -> None:
    prune_lake()


def retention_schedule(settings: OperationsSettings) -> dg.ScheduleDefinition:
    """The daily retention run at the configured hour (Eastern)."""
    return dg.ScheduleDefinition(
        name="daily_retention",
        job=retention_job,
        cron_schedule=f"0 {settings.retention_hour} * * *",
        execution_timezone=EASTERN_NAME,
        default_status=dg.DefaultScheduleStatus.STOPPED,
        description=(
            f"Target: the retention job, daily at {settings.retention_hour}:00 Eastern: prunes run directories of "
            f"silver, gold and published older than {settings.retention_older_than_days} days on the sources' "
            "clock that no pointer, publication or lock record names, writing <lake>/_retention/<id>.json."
        ),
    )


OPERATIONS_JOBS = [freeze_job, retention_job]
OPERATIONS_SENSORS = [
    evaluation_after_labels,
    retraining_chain,
    retraining_chain_after_failure,
    pre_tip_freeze_sensor,
]


def operations_schedules(settings: OperationsSettings | None = None) -> list[dg.ScheduleDefinition]:
    """The schedules whose cadence config/operations.toml sets, built when the definitions are."""
    settings = settings or operations_settings()
    return [retraining_schedule(settings), retention_schedule(settings)]
