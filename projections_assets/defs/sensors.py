"""The injury report sensor: a new official report -> the slate run of that report's own partition."""

import json
from datetime import datetime

import dagster as dg

from projections_assets.core.report_watch import Probe, first_cursor, watch
from projections_assets.defs.jobs import SLATE_JOB, slate_selection
from projections_assets.defs.resources import SourcesResource
from projections_assets.sources.clients import SourceClient
from projections_assets.sources.http import NotPublished

TRIGGER_TAG = "projections/trigger"
REPORT_TAG = "projections/injury_report"


def _probe(client: SourceClient):
    def probe(name: str) -> Probe:
        try:
            capture = client.fetch("injury_pdf", name)
        except NotPublished as exc:
            return Probe(False, exc.attempts[-1].server_date if exc.attempts else None)
        return Probe(True, capture.source_now)

    return probe


def _read_cursor(cursor: str | None) -> datetime | None:
    if not cursor:
        return None
    return datetime.fromisoformat(json.loads(cursor)["after"])


@dg.sensor(
    job=SLATE_JOB,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description=(
        "Watches the official injury report site (or the league feed) for the next report, in both "
        "file-naming eras, and requests the slate run of the report's own (game_date, slot) once per report."
    ),
)
def injury_report_sensor(context: dg.SensorEvaluationContext, sources: SourcesResource) -> dg.SensorResult:
    with sources.client() as client:
        after = _read_cursor(context.cursor)
        if after is None:
            now = client.probe_now()
            if now is None:
                return dg.SensorResult(
                    skip_reason="the report source sent no clock (Date header); set a cursor"
                )
            after = first_cursor(now)
        result = watch(after, _probe(client))
        selection = slate_selection(include_polled=client.answers_as_of)
    # Several reports of one slot (the night's reports all belong to 08:00) need one run: the newest's.
    newest = {found.partition_key: found for found in result.found}
    requests = [
        dg.RunRequest(
            run_key=f"injury-report:{found.file_name}",
            partition_key=key,
            asset_selection=selection,
            tags={TRIGGER_TAG: "injury_report", REPORT_TAG: found.file_name},
        )
        for key, found in newest.items()
    ]
    cursor = json.dumps({"after": (result.cursor or after).isoformat()})
    if not requests:
        clock = result.source_now.isoformat() if result.source_now else "unknown"
        return dg.SensorResult(
            skip_reason=f"no new report after {after.isoformat()} (source clock {clock}, {result.probes} probes)",
            cursor=cursor,
        )
    context.log.info(
        f"new reports: {[f.file_name for f in result.found]}; skipped (never published): {result.skipped}"
    )
    return dg.SensorResult(run_requests=requests, cursor=cursor)


SENSORS = [injury_report_sensor]
