"""Alerts that reach someone: failed runs and checks, a stale lake, drifted calibration, to a webhook.

`AlertsResource` holds where alerts go (its URL a secret, from the environment in production), turns a
`core.alerts.Alert` into the webhook's body and holds the watchdogs' thresholds; `alert_on_run_failure`
watches every job of the code location. Two watchdog sensors judge the lake on the sources' clock (never
the wall clock, so a simulated league's clock works too): `freshness_alerts` (`core/freshness.py`) and
`drift_alerts` (`core/drift.py`); each remembers in its cursor which conditions it has alerted on, so a
condition posts once when it starts, not every tick, and again if it recovers and comes back. Without a
webhook, alerts go to the log, which says so once per process (docs/alerts.md).
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta
from pathlib import Path

import dagster as dg
import httpx
import pandas as pd
from pydantic import Field, ValidationError

from projections_assets.contracts import gold as gold_contracts
from projections_assets.contracts import sim as sim_contracts
from projections_assets.contracts import sources as source_contracts
from projections_assets.core.alerts import FORMATS, Alert, Finding, Format, body, episodes
from projections_assets.core.drift import SERIES, Band, CoverageDay, Series, coverage_days, drift_findings
from projections_assets.core.freshness import FreshnessRules, Report, eastern_day, freshness_findings
from projections_assets.core.snapshots import latest_capture
from projections_assets.platform.lake import Lake
from projections_assets.platform.pointers import read_pointer
from projections_assets.platform.publish import slate_pointer_path
from projections_assets.platform.reader import read_history
from projections_assets.settings import CONFIG_DIR, alert_settings

ALERT_WEBHOOK_ENV = "PROJECTIONS_ALERT_WEBHOOK_URL"
PARTITION_TAG = "dagster/partition"
RANGE_TAGS = ("dagster/asset_partition_range_start", "dagster/asset_partition_range_end")
# What the IO manager's contract failure and Dagster's blocking checks say: the failure is a check's.
CHECK_FAILURE_MARKERS = ("failed contract check", "blocking asset check")

_no_webhook_told = threading.Event()


class AlertsResource(dg.ConfigurableResource):
    """Where alerts go: a webhook (generic JSON or a Slack-compatible body), or the log without one."""

    webhook_url: str | None = Field(
        default=None,
        description=(
            f"The webhook alerts post to (a secret: production reads ${ALERT_WEBHOOK_ENV}). Unset or empty: "
            "alerts go to the log, which says so once."
        ),
    )
    body_format: Format = Field(
        default="generic",
        description=f"The webhook's body: one of {', '.join(FORMATS)} (`slack`: an incoming webhook's text and blocks).",
    )
    ui_base_url: str = Field(
        default="http://127.0.0.1:3000",
        description="The Dagster UI's address, for each alert's link to its run.",
    )
    timeout_s: float = Field(default=10.0, gt=0, description="Seconds to wait for the webhook to answer.")
    report_gap_intervals: float = Field(
        default=2.0,
        gt=0,
        description=(
            "Freshness: alert when no new injury report reached the lake for this many report intervals of "
            "the era (hourly before 2025-12-22, every 15 min since) while games of the day are to tip."
        ),
    )
    publish_grace_minutes: float = Field(
        default=10.0,
        ge=0,
        description=(
            "Freshness: minutes after the newest report's slot by which the published slate must have "
            "reached that slot (the slate run's capture, projection, simulation and publication)."
        ),
    )
    drift_window_days: int = Field(
        default=7, ge=1, description="Drift: game dates pooled, the last this many days (today included)."
    )
    drift_min_rows: int = Field(
        default=100,
        ge=1,
        description="Drift: fewer scored rows than this in the window say nothing (no alert either way).",
    )
    minutes_coverage_low: float = Field(
        default=0.70,
        ge=0,
        le=1,
        description="Drift: lowest rolling p10-p90 coverage of minutes (nominal 0.80).",
    )
    minutes_coverage_high: float = Field(
        default=0.90, ge=0, le=1, description="Drift: highest rolling p10-p90 coverage of minutes."
    )
    points_coverage_low: float = Field(
        default=0.70,
        ge=0,
        le=1,
        description="Drift: lowest rolling p10-p90 coverage of DK points (nominal 0.80).",
    )
    points_coverage_high: float = Field(
        default=0.90, ge=0, le=1, description="Drift: highest rolling p10-p90 coverage of DK points."
    )

    def freshness_rules(self) -> FreshnessRules:
        return FreshnessRules(
            gap_intervals=self.report_gap_intervals,
            publish_grace=timedelta(minutes=self.publish_grace_minutes),
        )

    def coverage_bands(self) -> dict[Series, Band]:
        """The drift bands; a band whose low is not below its high fails here, naming it."""
        bands: dict[Series, Band] = {}
        for series in SERIES:
            low, high = getattr(self, f"{series}_coverage_low"), getattr(self, f"{series}_coverage_high")
            try:
                bands[series] = Band(low, high)
            except ValueError as exc:
                raise ValueError(f"alerts resource: {series}_coverage_low/high: {exc}") from exc
        return bands

    def run_url(self, run_id: str) -> str:
        return f"{self.ui_base_url.rstrip('/')}/runs/{run_id}"

    def send(self, alert: Alert, log) -> bool:
        """Post `alert`; True when a webhook took it. Without one, log it (and say once that it is so)."""
        if not self.webhook_url:
            if not _no_webhook_told.is_set():
                _no_webhook_told.set()
                log.warning(
                    f"no alert webhook is configured (${ALERT_WEBHOOK_ENV} in production, `webhook_url` of "
                    "the alerts resource): alerts go to this log only"
                )
            log.error(f"ALERT {alert.summary()}" + (f" ({alert.run_url})" if alert.run_url else ""))
            return False
        response = httpx.post(self.webhook_url, json=body(alert, self.body_format), timeout=self.timeout_s)
        response.raise_for_status()
        return True


def alerts_resource(
    webhook_url: str | dg.EnvVar | None = None, config_dir: Path = CONFIG_DIR
) -> AlertsResource:
    """The alerts resource with config/alerts.toml's settings. An unknown key, a bad value or a webhook
    URL in the file (a secret: it comes from the environment) fails the load, naming the file."""
    source = config_dir / "alerts.toml"
    settings = alert_settings(config_dir)
    allowed = set(AlertsResource.model_fields) - {"webhook_url"}
    unknown = sorted(set(settings) - allowed)
    if unknown:
        raise ValueError(
            f"{source} [alerts]: unknown or not allowed here: {', '.join(unknown)} (the webhook URL is a "
            f"secret, read from ${ALERT_WEBHOOK_ENV} in production; settings: docs/alerts.md)"
        )
    try:
        return AlertsResource(webhook_url=webhook_url, **settings)
    except ValidationError as exc:
        raise ValueError(f"{source} [alerts]: {exc}") from exc


def _partition(tags: dict[str, str]) -> str | None:
    if PARTITION_TAG in tags:
        return tags[PARTITION_TAG]
    if all(t in tags for t in RANGE_TAGS):
        return f"{tags[RANGE_TAGS[0]]}...{tags[RANGE_TAGS[1]]}"
    return None


def failure_alert(context: dg.RunFailureSensorContext, alerts: AlertsResource) -> Alert:
    """The alert of a failed run: its partition, its first failed step and that step's error."""
    run = context.dagster_run
    steps = context.get_step_failure_events()
    step = steps[0] if steps else None
    error = None
    if step is not None and step.step_failure_data.error is not None:
        failure = step.step_failure_data.error
        # The cause says which input or check failed; the wrapper only that the output could not be handled.
        error = "\n".join(e.message.strip() for e in (failure, failure.cause) if e is not None)
    error = error or context.failure_event.message
    is_check = any(marker in (error or "") for marker in CHECK_FAILURE_MARKERS)
    return Alert(
        kind="check_failed" if is_check else "run_failure",
        title=f"{'Blocking check failed' if is_check else 'Run failed'} in job {run.job_name}",
        partition=_partition(dict(run.tags)),
        step=step.step_key if step is not None else None,
        error=error,
        run_id=run.run_id,
        run_url=alerts.run_url(run.run_id),
    )


@dg.run_failure_sensor(
    name="alert_on_run_failure",
    description=(
        "Every failed run of this code location (a failed blocking check fails its run) posts an alert "
        "to the webhook of the alerts resource: partition, step, error and a link to the run."
    ),
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def alert_on_run_failure(context: dg.RunFailureSensorContext, alerts: AlertsResource) -> None:
    alerts.send(failure_alert(context, alerts), context.log)


# defs/resources.py imports this module (for AlertsResource), so the watchdogs cannot import its classes:
# `sources` (a SourcesResource) and `lake_reader` (a LakeReader) are typed by their Dagster base class.
AnyResource = dg.ConfigurableResource
# Reports are read from today's partitions and yesterday's: a stall longer than that is long reported.
REPORT_LOOKBACK = timedelta(days=1)


def _alerted(cursor: str | None) -> list[str]:
    """The conditions already alerted on (the cursor), so a tick posts only what started since."""
    return list(json.loads(cursor).get("alerted", [])) if cursor else []


def post_findings(
    context: dg.SensorEvaluationContext, alerts: AlertsResource, findings: list[Finding], now: datetime
) -> dg.SensorResult:
    """Post each finding whose condition started since the last tick; remember which are alerted on.

    A post the webhook refuses is not remembered, so the next tick tries it again.
    """
    step = episodes(_alerted(context.cursor), findings)
    for key in step.recovered:
        context.log.info(f"recovered: {key}")
    posted, failed = [], []
    for finding in step.new:
        try:
            alerts.send(finding.alert, context.log)
        except httpx.HTTPError as exc:
            context.log.error(f"the alert webhook refused {finding.key} ({exc}); trying again next tick")
            failed.append(finding.key)
            continue
        posted.append(finding.key)
    cursor = json.dumps({"alerted": sorted([*step.ongoing, *posted])})
    parts = [f"source clock {now.isoformat()}"]
    parts += [f"alerted: {', '.join(posted)}"] if posted else []
    parts += [f"still alerted, not posted again: {', '.join(step.ongoing)}"] if step.ongoing else []
    parts += [f"recovered: {', '.join(step.recovered)}"] if step.recovered else []
    parts += [f"webhook failed, retrying: {', '.join(failed)}"] if failed else []
    parts += [] if findings or step.recovered else ["all clear"]
    return dg.SensorResult(skip_reason="; ".join(parts), cursor=cursor)


def _source_now(sources: AnyResource) -> tuple[datetime | None, str | None]:
    """The sources' clock (as the injury report sensor reads it), or why there is none."""
    not_ready = sources.not_ready()
    if not_ready:
        return None, not_ready
    with sources.client() as client:
        now = client.probe_now()
    if now is None:
        return None, "the sources sent no clock (Date header): nothing to judge the lake by"
    return now, None


def newest_report(lake: Lake, now: datetime) -> Report | None:
    """The newest injury report in the lake stamped at or before `now` (today's partitions and yesterday's)."""
    day = eastern_day(now)
    frame = read_history(
        lake,
        source_contracts.BRONZE_INJURY_REPORTS.table,
        start=day - REPORT_LOOKBACK,
        end=day,
        as_of=now,
        columns=["report_name", "report_ts"],
    ).frame
    if frame.empty:
        return None
    row = frame.loc[pd.to_datetime(frame["report_ts"], utc=True).idxmax()]
    return Report(str(row["report_name"]), pd.Timestamp(row["report_ts"]).to_pydatetime())


def todays_tips(lake: Lake, now: datetime) -> list[datetime] | None:
    """Tip times of today's games in the lake's newest schedule capture by `now` (None: none captured)."""
    day = eastern_day(now)
    read = read_history(
        lake,
        source_contracts.BRONZE_SCHEDULE.table,
        start=day,
        end=day,
        as_of=now,
        columns=["game_date", "tip_ts", "captured_at", "postponed"],
    )
    if read.record.file_count == 0:
        return None
    newest = latest_capture(read.frame)
    if newest.empty:
        return []
    games = newest[(newest["game_date"].astype(str) == day.isoformat()) & ~newest["postponed"].fillna(False)]
    return [pd.Timestamp(t).to_pydatetime() for t in games["tip_ts"]]


def published_slot(lake: Lake, now: datetime) -> str | None:
    """The slot partition today's published slate points at (None: nothing published today)."""
    entry = read_pointer(slate_pointer_path(lake, eastern_day(now).isoformat()))
    return entry.partition_key if entry else None


@dg.sensor(
    name="freshness_alerts",
    minimum_interval_seconds=120,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description=(
        "Alerts (once per episode) when no new injury report reached the lake for twice the era's report "
        "interval while games of the day are to tip, and when the published slate lags the newest report's "
        "slot beyond the grace of the alerts resource; judged on the sources' clock. Stopped by default, "
        "like the injury report sensor it watches: start both for a live slate."
    ),
)
def freshness_alerts(
    context: dg.SensorEvaluationContext,
    alerts: AlertsResource,
    sources: AnyResource,
    lake_reader: AnyResource,
) -> dg.SensorResult:
    now, why_not = _source_now(sources)
    if now is None:
        return dg.SensorResult(skip_reason=why_not, cursor=context.cursor)
    lake = lake_reader.lake()
    findings = freshness_findings(
        now,
        newest_report(lake, now),
        todays_tips(lake, now),
        published_slot(lake, now),
        alerts.freshness_rules(),
    )
    return post_findings(context, alerts, findings, now)


def evaluation_window(lake: Lake, now: datetime, days: int) -> list[CoverageDay]:
    """The minutes and DK points evaluations of the game dates of the last `days` days, as coverage rows."""
    end = eastern_day(now)
    start = end - timedelta(days=days - 1)
    found: list[CoverageDay] = []
    for contract, series in (
        (gold_contracts.MINUTES_EVALUATION, "minutes"),
        (sim_contracts.POINTS_EVALUATION, "points"),
    ):
        frame = read_history(lake, contract.table, start=start, end=end).frame
        found += coverage_days(frame, series)
    return found


@dg.sensor(
    name="drift_alerts",
    minimum_interval_seconds=3600,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description=(
        "Alerts (once per episode) when the rolling p10-p90 coverage of minutes (per horizon) or DK points "
        "over the nightly evaluations of the last days leaves the band of the alerts resource; the window "
        "ends on the sources' clock. Stopped by default: the demo's evaluations are a few days of a small "
        "league, too few to judge calibration by."
    ),
)
def drift_alerts(
    context: dg.SensorEvaluationContext,
    alerts: AlertsResource,
    sources: AnyResource,
    lake_reader: AnyResource,
) -> dg.SensorResult:
    now, why_not = _source_now(sources)
    if now is None:
        return dg.SensorResult(skip_reason=why_not, cursor=context.cursor)
    window = evaluation_window(lake_reader.lake(), now, alerts.drift_window_days)
    findings = drift_findings(
        window, alerts.coverage_bands(), alerts.drift_min_rows, alerts.drift_window_days
    )
    return post_findings(context, alerts, findings, now)


ALERT_SENSORS = [alert_on_run_failure, freshness_alerts, drift_alerts]
