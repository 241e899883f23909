"""Schedules: the source pollers (live captures shortly before each slot) and the nightly labels.

Both start stopped: the embedded default source (the simulated league) answers
"as of" any instant, so slate runs capture their own sources. Turn them on
when the sources are the real hosts.
"""

from datetime import timedelta

import dagster as dg

from projections_assets.defs.bronze import CAPTURE_TAG, LIVE_CAPTURE
from projections_assets.defs.jobs import CAPTURE_JOB, LABELS_JOB
from projections_assets.nba.calendar import EASTERN_NAME
from projections_assets.partitions import InvalidPartitionKey, eastern, slot_for

# Polls run this long before the slot they capture for, so the report's run finds them there.
POLL_LEAD = timedelta(minutes=5)


@dg.schedule(
    job=CAPTURE_JOB,
    cron_schedule="10,25,40,55 7-23 * * *",
    execution_timezone=EASTERN_NAME,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="Five minutes before each report slot, capture odds, rosters, lineups, draftables and schedule live.",
)
def source_poller(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    target = context.scheduled_execution_time + POLL_LEAD
    try:
        partition = slot_for(target)
    except InvalidPartitionKey as exc:
        return dg.SkipReason(f"no slot for {target.isoformat()}: {exc}")
    return dg.RunRequest(
        run_key=f"poll:{partition.key}",
        partition_key=partition.key,
        tags={CAPTURE_TAG: LIVE_CAPTURE},
    )


@dg.schedule(
    job=LABELS_JOB,
    cron_schedule="0 6 * * *",
    execution_timezone=EASTERN_NAME,
    default_status=dg.DefaultScheduleStatus.STOPPED,
    description="At 6 AM Eastern, freeze the labels and ownership of yesterday's games.",
)
def nightly_labels(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    yesterday = (
        (context.scheduled_execution_time.astimezone(eastern()) - timedelta(days=1)).date().isoformat()
    )
    return dg.RunRequest(run_key=f"labels:{yesterday}", partition_key=yesterday)


SCHEDULES = [source_poller, nightly_labels]
