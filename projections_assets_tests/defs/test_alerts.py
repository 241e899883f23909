"""Alerts reach someone: a failed run, a failed blocking check, a stale lake and drifted coverage post
to a loopback webhook."""

from __future__ import annotations

import json
import logging
import socket
import threading
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dagster as dg
import pandas as pd
import pytest

from projections_assets.contracts import gold as gold_contracts
from projections_assets.contracts import sim as sim_contracts
from projections_assets.contracts import sources as source_contracts
from projections_assets.core import bronze
from projections_assets.core.alerts import Alert, body
from projections_assets.definitions import build_definitions
from projections_assets.defs import alerts as alert_defs
from projections_assets.defs.alerts import (
    AlertsResource,
    alert_on_run_failure,
    alerts_resource,
    drift_alerts,
    freshness_alerts,
)
from projections_assets.defs.partitions import SLATE_PARTITIONS
from projections_assets.defs.resources import LakeReader, SourcesResource, production_resources
from projections_assets.nba.calendar import EASTERN
from projections_assets.nba.injury_report import report_filename
from projections_assets.parsers.schedule import SCHEDULE_COLUMNS
from projections_assets.partitions import parse_key, slot_for
from projections_assets.platform.contracts import TableContract
from projections_assets.platform.lake import Lake, PartitionLocation
from projections_assets.platform.pointers import PointerEntry, publish_pointer
from projections_assets.platform.publish import publish_partition, slate_pointer_path
from projections_assets.sources.clients import SourceClient

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


# --------------------------------------------------------------------------- freshness and drift watchdogs

QUARTER_DAY = (2026, 1, 16)  # quarter-hour reports
HOURLY_DAY = (2025, 12, 11)  # hourly reports at :30


class _Clock(SourceClient):
    def __init__(self, now: datetime) -> None:
        self._now = now

    def fetch(self, kind: str, ident: str | None = None, *, as_of: datetime | None = None):
        raise AssertionError(f"the watchdogs read the lake, not the sources; they fetched {kind} {ident}")

    def probe_now(self) -> datetime | None:
        return self._now


class ClockOnly(SourcesResource):
    """Sources that only tell their clock: all the watchdogs ask of them."""

    now: str

    def client(self) -> SourceClient:
        return _Clock(datetime.fromisoformat(self.now))


def et(day: tuple[int, int, int], hh: int, mm: int) -> datetime:
    return datetime(*day, hh, mm, tzinfo=EASTERN)


def _frame(columns: dict[str, str], rows: list[dict]) -> pd.DataFrame:
    """Bronze rows with the given values; every other column at a neutral value of its dtype."""
    empty = bronze.empty_like(columns)
    neutral = {"bool": False, "int64": 0}
    data = {}
    for col in empty.columns:
        dtype = empty[col].dtype
        values = [r.get(col, neutral.get(str(dtype), "")) for r in rows]
        data[col] = pd.Series(values, dtype=dtype)
    return pd.DataFrame(data)


def _publish(lake: Lake, contract: TableContract, key: str, frame: pd.DataFrame) -> None:
    publish_partition(
        lake, contract.table, PartitionLocation.from_key(key), uuid.uuid4().hex, frame, contract
    )


def _reports(lake: Lake, *stamps: datetime) -> None:
    """Each report in bronze, in its slot's partition, as the slate runs capture them."""
    for ts in stamps:
        stamp = pd.Timestamp(ts).tz_convert("UTC")
        row = {
            "report_ts": stamp,
            "report_name": report_filename(ts),
            "captured_at": stamp,
            "available_at": stamp,
        }
        _publish(
            lake,
            source_contracts.BRONZE_INJURY_REPORTS,
            slot_for(ts).key,
            _frame(source_contracts.INJURY_REPORT_COLUMNS, [row]),
        )


def _schedule(lake: Lake, captured: datetime, *tips: datetime) -> None:
    at = pd.Timestamp(captured).tz_convert("UTC")
    rows = [
        {
            "game_id": f"00225{i:05d}",
            "game_date": tip.astimezone(EASTERN).date(),
            "tip_ts": pd.Timestamp(tip).tz_convert("UTC"),
            "captured_at": at,
            "available_at": at,
        }
        for i, tip in enumerate(tips)
    ]
    _publish(lake, source_contracts.BRONZE_SCHEDULE, slot_for(captured).key, _frame(SCHEDULE_COLUMNS, rows))


def _slate(lake: Lake, key: str) -> None:
    """The day's published slate moves to slot `key` (the pointer is all the watchdog reads)."""
    partition = parse_key(key)
    publish_pointer(
        slate_pointer_path(lake, partition.game_date.isoformat()),
        PointerEntry(
            run_id=uuid.uuid4().hex,
            path=f"gold/slate/{key}",
            order_key=partition.run_as_of_ts.isoformat(),
            partition_key=key,
            published_at=partition.run_as_of_ts,
        ),
        forward_only=True,
    )


def _tick(sensor, lake: Lake, now: datetime, cursor: str | None, alerts: AlertsResource, instance):
    # The lake reader sets up its nested partition lock, so the context is opened as a context manager.
    with dg.build_sensor_context(
        cursor=cursor,
        instance=instance,
        resources={
            "sources": ClockOnly(now=now.isoformat()),
            "lake_reader": LakeReader(lake_root=str(lake.root)),
            "alerts": alerts,
        },
    ) as context:
        return sensor(context)


def _day_lake(lake: Lake, day: tuple[int, int, int], *report_times: tuple[int, int]) -> None:
    """A day of games at 19:00 and 22:00 ET: its reports so far, the schedule, the slate at the newest."""
    stamps = [et(day, hh, mm) for hh, mm in report_times]
    _reports(lake, *stamps)
    _schedule(lake, et(day, 8, 0), et(day, 19, 0), et(day, 22, 0))
    _slate(lake, slot_for(stamps[-1]).key)


def test_a_stale_lake_posts_once_naming_the_newest_report_then_again_after_recovery_and_relapse(
    receiver, lake, instance
) -> None:
    url, received = receiver
    alerts = AlertsResource(webhook_url=url)
    _day_lake(lake, QUARTER_DAY, (17, 0), (17, 15))
    first = _tick(freshness_alerts, lake, et(QUARTER_DAY, 18, 0), None, alerts, instance)
    (sent,) = received
    assert sent["kind"] == "freshness" and sent["partition"] == "2026-01-16"
    assert "Injury-Report_2026-01-16_05_15PM.pdf" in sent["error"] and "45 min ago" in sent["error"]
    assert sent["details"]["newest_report"] == "Injury-Report_2026-01-16_05_15PM.pdf"
    assert sent["details"]["age_minutes"] == 45.0 and sent["details"]["threshold_minutes"] == 30
    # Still stale on the next tick: not posted again.
    second = _tick(freshness_alerts, lake, et(QUARTER_DAY, 18, 5), first.cursor, alerts, instance)
    assert len(received) == 1 and "still alerted" in second.skip_reason.skip_message
    # The 18:00 report arrives and the slate follows: recovered, nothing posted.
    _reports(lake, et(QUARTER_DAY, 18, 0))
    _slate(lake, "2026-01-16|18:00")
    healed = _tick(freshness_alerts, lake, et(QUARTER_DAY, 18, 6), second.cursor, alerts, instance)
    assert len(received) == 1 and json.loads(healed.cursor) == {"alerted": []}
    # Silent again for more than 30 minutes: a new episode, posted again.
    _tick(freshness_alerts, lake, et(QUARTER_DAY, 18, 40), healed.cursor, alerts, instance)
    assert len(received) == 2 and "Injury-Report_2026-01-16_06_00PM.pdf" in received[1]["error"]


@pytest.mark.parametrize(
    ("day", "report_times", "expected"),
    [
        (HOURLY_DAY, [(15, 30), (16, 30)], []),
        (QUARTER_DAY, [(16, 15), (16, 30)], ["freshness"]),
    ],
    ids=["hourly-era-waits-2h", "quarter-hour-era-waits-30min"],
)
def test_the_eras_thresholds_differ(receiver, lake, instance, day, report_times, expected) -> None:
    # The same 90 minutes without a report at 18:00 ET.
    url, received = receiver
    _day_lake(lake, day, *report_times)
    _tick(freshness_alerts, lake, et(day, 18, 0), None, AlertsResource(webhook_url=url), instance)
    assert [r["kind"] for r in received] == expected


def test_no_game_left_to_tip_no_freshness_alert(receiver, lake, instance) -> None:
    url, received = receiver
    _day_lake(lake, QUARTER_DAY, (17, 0))
    result = _tick(
        freshness_alerts, lake, et(QUARTER_DAY, 23, 30), None, AlertsResource(webhook_url=url), instance
    )
    assert received == [] and "all clear" in result.skip_reason.skip_message


def test_a_published_slate_lagging_the_newest_report_beyond_the_grace_posts_a_slack_alert(
    receiver, lake, instance
) -> None:
    url, received = receiver
    alerts = AlertsResource(webhook_url=url, body_format="slack", publish_grace_minutes=10)
    _day_lake(lake, QUARTER_DAY, (17, 30))
    _reports(lake, et(QUARTER_DAY, 17, 45), et(QUARTER_DAY, 18, 0))
    within = _tick(freshness_alerts, lake, et(QUARTER_DAY, 18, 8), None, alerts, instance)
    assert received == [] and json.loads(within.cursor) == {"alerted": []}
    _tick(freshness_alerts, lake, et(QUARTER_DAY, 18, 12), within.cursor, alerts, instance)
    (sent,) = received
    assert sent["text"].startswith(
        "The published slate of 2026-01-16 lags the newest injury report by 12 min"
    )
    text = "\n".join(b["text"]["text"] for b in sent["blocks"])
    assert "*Partition:* 2026-01-16|18:00" in text and "slot 2026-01-16|17:30" in text


def _evaluations(lake: Lake, minutes_coverage: float, points_coverage: float) -> None:
    """Five nightly evaluations with the model's overall coverage of minutes (two horizons) and DK points."""
    for offset in range(5):
        day = date(2026, 1, 11 + offset).isoformat()
        minutes = pd.DataFrame(
            [
                (day, horizon, "model", "all", metric, value)
                for horizon in ("tip-2h", "last")
                for metric, value in (("coverage_p10_p90", minutes_coverage), ("played_rows", 200.0))
            ],
            columns=["game_date", "horizon", "predictor", "role", "metric", "value"],
        )
        _publish(lake, gold_contracts.MINUTES_EVALUATION, day, minutes)
        points = pd.DataFrame(
            [
                (day, "model", "all", "coverage_p10_p90", points_coverage),
                (day, "model", "all", "rows", 250.0),
            ],
            columns=["game_date", "predictor", "role", "metric", "value"],
        )
        _publish(lake, sim_contracts.POINTS_EVALUATION, day, points)


def test_coverage_inside_its_band_is_quiet(receiver, lake, instance) -> None:
    url, received = receiver
    _evaluations(lake, minutes_coverage=0.81, points_coverage=0.78)
    result = _tick(drift_alerts, lake, et(QUARTER_DAY, 9, 0), None, AlertsResource(webhook_url=url), instance)
    assert received == [] and "all clear" in result.skip_reason.skip_message


def test_coverage_outside_its_band_posts_the_metric_its_value_and_the_band_once(
    receiver, lake, instance
) -> None:
    url, received = receiver
    alerts = AlertsResource(webhook_url=url, points_coverage_low=0.75, points_coverage_high=0.85)
    _evaluations(lake, minutes_coverage=0.81, points_coverage=0.62)
    first = _tick(drift_alerts, lake, et(QUARTER_DAY, 9, 0), None, alerts, instance)
    (sent,) = received
    assert sent["kind"] == "drift" and sent["details"]["metric"] == "points"
    assert sent["title"].startswith("DK points p10-p90 coverage 0.62 left its band 0.75-0.85")
    assert sent["partition"] == "2026-01-11...2026-01-15" and sent["details"]["rows"] == 1250
    _tick(drift_alerts, lake, et(QUARTER_DAY, 10, 0), first.cursor, alerts, instance)
    assert len(received) == 1
    # A window that no longer reaches the bad nights (7 days back from 2026-01-25) says nothing.
    later = _tick(drift_alerts, lake, et((2026, 1, 25), 9, 0), first.cursor, alerts, instance)
    assert len(received) == 1 and "recovered: drift:points:all:low" in later.skip_reason.skip_message


def test_the_watchdogs_are_registered_and_start_stopped() -> None:
    sensors = {s.name: s for s in build_definitions("embedded").sensors}
    for name in ("freshness_alerts", "drift_alerts"):
        assert sensors[name].default_status == dg.DefaultSensorStatus.STOPPED
        assert sensors[name].description
    assert sensors["alert_on_run_failure"].default_status == dg.DefaultSensorStatus.RUNNING


def test_an_inverted_band_fails_naming_its_fields() -> None:
    with pytest.raises(ValueError, match="minutes_coverage_low/high"):
        AlertsResource(minutes_coverage_low=0.9, minutes_coverage_high=0.8).coverage_bands()


def test_a_post_the_webhook_refuses_is_tried_again_next_tick(receiver, lake, instance) -> None:
    url, received = receiver
    _day_lake(lake, QUARTER_DAY, (17, 0))
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    nobody = f"http://127.0.0.1:{closed.getsockname()[1]}/hook"  # bound, never listening: refused
    try:
        refused = _tick(
            freshness_alerts, lake, et(QUARTER_DAY, 18, 0), None, AlertsResource(webhook_url=nobody), instance
        )
    finally:
        closed.close()
    assert "webhook failed, retrying: report_gap:2026-01-16" in refused.skip_reason.skip_message
    assert json.loads(refused.cursor) == {"alerted": []}
    _tick(
        freshness_alerts,
        lake,
        et(QUARTER_DAY, 18, 2),
        refused.cursor,
        AlertsResource(webhook_url=url),
        instance,
    )
    assert [r["kind"] for r in received] == ["freshness"]


def test_config_alerts_toml_sets_the_fields_of_every_deployment(tmp_path) -> None:
    (tmp_path / "alerts.toml").write_text(
        '[alerts]\nbody_format = "slack"\nui_base_url = "https://dagster.example"\npublish_grace_minutes = 15\n'
    )
    configured = alerts_resource(webhook_url=dg.EnvVar("PROJECTIONS_ALERT_WEBHOOK_URL"), config_dir=tmp_path)
    assert (configured.body_format, configured.ui_base_url, configured.publish_grace_minutes) == (
        "slack",
        "https://dagster.example",
        15,
    )
    assert configured.run_url("r1") == "https://dagster.example/runs/r1"
    # The shipped file changes nothing: production keeps the defaults and its webhook from the environment.
    shipped = production_resources()["alerts"]
    assert (shipped.body_format, shipped.publish_grace_minutes) == ("generic", 10.0)


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ('webhook_url = "https://hooks.example/secret"', "webhook_url"),
        ("bodyformat = 'slack'", "bodyformat"),
        ("timeout_s = -1", "timeout_s"),
        ("body_format = 'xml'", "body_format"),
    ],
)
def test_a_bad_alerts_toml_fails_naming_the_file_and_the_key(tmp_path, table: str, named: str) -> None:
    (tmp_path / "alerts.toml").write_text(f"[alerts]\n{table}\n")
    with pytest.raises(ValueError, match=rf"alerts\.toml \[alerts\]:(.|\n)*{named}"):
        alerts_resource(config_dir=tmp_path)
