"""Alerts reach someone: a failed run and a failed blocking check post to a loopback webhook."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dagster as dg
import pytest

from projections_assets.core.alerts import Alert, body
from projections_assets.defs import alerts as alert_defs
from projections_assets.defs.alerts import AlertsResource, alert_on_run_failure
from projections_assets.defs.partitions import SLATE_PARTITIONS

KEY = "2026-01-11|18:00"
REPORT = "Injury-Report_2026-01-11_06_00PM.pdf"


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict]]]:
    """A webhook on 127.0.0.1 that keeps every JSON body it is sent."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hook", received
    finally:
        server.shutdown()
        server.server_close()


@dg.asset(key=["gold", "unreadable"], partitions_def=SLATE_PARTITIONS)
def unreadable() -> None:
    raise ValueError(f"the injury report {REPORT} has no table on page 1")


@dg.asset(
    key=["gold", "checked"],
    partitions_def=SLATE_PARTITIONS,
    check_specs=[dg.AssetCheckSpec("ruled_out_at_zero", asset=["gold", "checked"], blocking=True)],
)
def checked():
    yield dg.Output(1)
    yield dg.AssetCheckResult(
        check_name="ruled_out_at_zero", passed=False, description="2 Out players own 4.1%"
    )


def _failure_context(asset, instance: dg.DagsterInstance, resources: dict) -> dg.RunFailureSensorContext:
    result = dg.materialize([asset], partition_key=KEY, instance=instance, raise_on_error=False)
    assert not result.success
    return dg.build_run_status_sensor_context(
        sensor_name=alert_on_run_failure.name,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=result.get_run_failure_event(),
        resources=resources,
    ).for_run_failure()


def test_a_failed_run_posts_its_partition_step_error_and_link(receiver) -> None:
    url, received = receiver
    alerts = AlertsResource(webhook_url=url, ui_base_url="http://127.0.0.1:3000/")
    with dg.DagsterInstance.ephemeral() as instance:
        context = _failure_context(unreadable, instance, {"alerts": alerts})
        alert_on_run_failure(context)
        run_id = context.dagster_run.run_id
    (sent,) = received
    assert sent["kind"] == "run_failure" and sent["source"] == "projections"
    assert sent["partition"] == KEY
    assert sent["step"] == "gold__unreadable"
    assert REPORT in sent["error"]
    assert sent["run_url"] == f"http://127.0.0.1:3000/runs/{run_id}"


def test_a_failed_blocking_check_posts_a_slack_body_naming_the_check(receiver) -> None:
    url, received = receiver
    alerts = AlertsResource(webhook_url=url, body_format="slack")
    with dg.DagsterInstance.ephemeral() as instance:
        alert_on_run_failure(_failure_context(checked, instance, {"alerts": alerts}))
    (sent,) = received
    assert sent["text"].startswith("Blocking check failed in job __ephemeral_asset_job__")
    text = "\n".join(b["text"]["text"] for b in sent["blocks"])
    assert "ruled_out_at_zero" in text and f"*Partition:* {KEY}" in text and "/runs/" in text


def test_without_a_webhook_alerts_go_to_the_log_which_says_so_once(caplog, monkeypatch) -> None:
    monkeypatch.setattr(alert_defs, "_no_webhook_told", threading.Event())
    log = logging.getLogger("alerts-test")
    alert = Alert(kind="freshness", title="No injury report for 30 minutes", partition=KEY)
    with caplog.at_level(logging.WARNING, logger="alerts-test"):
        assert AlertsResource().send(alert, log) is False
        assert AlertsResource(webhook_url="").send(alert, log) is False
    notices = [r for r in caplog.records if "no alert webhook is configured" in r.getMessage()]
    assert len(notices) == 1
    assert sum(f"ALERT {alert.summary()}" in r.getMessage() for r in caplog.records) == 2


def test_an_unknown_body_format_is_refused_naming_the_choices() -> None:
    with pytest.raises(ValueError, match="generic, slack"):
        body(Alert(kind="drift", title="coverage left its band"), "teams")  # type: ignore[arg-type]
