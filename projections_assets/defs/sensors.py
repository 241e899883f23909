"""The injury report sensor: a new official report -> the slate run of that report's own partition."""

import json
from datetime import datetime

import dagster as dg

from projections_assets.core.report_watch import Probe, due, first_cursor, watch, went_back
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


def _read_cursor(cursor: str | None) -> tuple[datetime | None, dict[str, str]]:
    """(last report seen or passed, partition -> newest report of runs waiting for their slot)."""
    if not cursor:
        return None, {}
    state = json.loads(cursor)
    return datetime.fromisoformat(state["after"]), dict(state.get("waiting", {}))


def _write_cursor(after: datetime, waiting: dict[str, str]) -> str:
    return json.dumps({"after": after.isoformat(), **({"waiting": waiting} if waiting else {})})


@dg.sensor(
    job=SLATE_JOB,
    # Dagster's sensor daemon loops every 5 s and skips a sensor whose last tick is younger than this
    # minimum. At 5 the elapsed time often fell a few ms short, so ticks came 5 or 10 s apart; at 1 the
    # sensor ticks on every loop (bench/latency.py, docs/latency.md). A tick asks the report host for the
    # next file name or two.
    minimum_interval_seconds=1,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description=(
        "Watches the official injury report site (or the league feed) for the next report, in both "
        "file-naming eras, and requests the slate run of the report's own (game_date, slot) once per report, "
        "as soon as the source's clock has reached that slot."
    ),
)
def injury_report_sensor(context: dg.SensorEvaluationContext, sources: SourcesResource) -> dg.SensorResult:
    not_ready = sources.not_ready()
    if not_ready:
        return dg.SensorResult(skip_reason=not_ready)
    after, waiting = _read_cursor(context.cursor)
    with sources.client() as client:
        if after is None:
            now = client.probe_now()
            if now is None:
                return dg.SensorResult(
                    skip_reason="the report source sent no clock (Date header); set a cursor"
                )
            after = first_cursor(now)
        result = watch(after, _probe(client))
        if went_back(after, result.source_now):
            context.log.info(
                f"the source's clock went back to {result.source_now} (a replay started over): "
                "watching again from there"
            )
            after, waiting = first_cursor(result.source_now), {}
            result = watch(after, _probe(client))
        selection = slate_selection(include_polled=not sources.pollers_capture())
    ready, waiting = due(result.found, waiting, result.source_now)
    requests = [
        dg.RunRequest(
            run_key=f"injury-report:{name}",
            partition_key=key,
            asset_selection=selection,
            tags={TRIGGER_TAG: "injury_report", REPORT_TAG: name},
        )
        for key, name in ready.items()
    ]
    cursor = _write_cursor(result.cursor or after, waiting)
    if not requests:
        clock = result.source_now.isoformat() if result.source_now else "unknown"
        later = f"; waiting for the slot of {', '.join(sorted(waiting))}" if waiting else ""
        return dg.SensorResult(
            skip_reason=(
                f"no new report after {after.isoformat()} (source clock {clock}, {result.probes} probes){later}"
            ),
            cursor=cursor,
        )
    context.log.info(
        f"new reports: {[f.file_name for f in result.found]}; skipped (never published): {result.skipped}"
    )
    return dg.SensorResult(run_requests=requests, cursor=cursor)


SENSORS = [injury_report_sensor]
