"""Alerts that reach someone: a failed run or a failed blocking check posts to a webhook.

`AlertsResource` holds where alerts go (its URL a secret, from the environment in production) and
turns a `core.alerts.Alert` into the webhook's body; `alert_on_run_failure` watches every job of the
code location. Without a webhook, alerts go to the log, which says so once per process.
"""

from __future__ import annotations

import threading

import dagster as dg
import httpx
from pydantic import Field

from projections_assets.core.alerts import FORMATS, Alert, Format, body

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


ALERT_SENSORS = [alert_on_run_failure]
