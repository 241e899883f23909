"""The latency benchmark's accounting (bench/latency.py): phases from a run's event log, percentiles.

The benchmark itself drives the daemon for minutes and is run by hand (`projections bench latency`);
these tests pin what it reports from what it observed.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from projections_assets_tests.conftest import REPO_ROOT


def _bench():
    spec = importlib.util.spec_from_file_location("bench_latency", REPO_ROOT / "bench" / "latency.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class _Entry:
    timestamp: float
    dagster_event: object | None


def _event(kind: str, step: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(event_type_value=kind, step_key=step)


class _Instance:
    def __init__(self, entries: list[_Entry]) -> None:
        self.entries = entries

    def all_logs(self, run_id: str) -> list[_Entry]:
        return self.entries


def test_a_runs_phases_add_up_from_publication_to_the_pointer() -> None:
    bench = _bench()
    created = 1000.0
    entries = [
        _Entry(1000.2, _event("PIPELINE_ENQUEUED")),
        _Entry(1001.0, _event("PIPELINE_DEQUEUED")),
        _Entry(1001.1, _event("PIPELINE_STARTING")),
        _Entry(1007.0, _event("PIPELINE_START")),
        _Entry(1007.5, _event("STEP_START", "bronze__injury_reports")),
        _Entry(1008.5, _event("STEP_SUCCESS", "bronze__injury_reports")),
        _Entry(1008.6, None),  # a plain log line
        _Entry(1008.6, _event("STEP_START", "gold__sim")),
        _Entry(1011.6, _event("STEP_SUCCESS", "gold__sim")),
        _Entry(1011.7, _event("STEP_START", "published__slate")),
        _Entry(1012.2, _event("STEP_SUCCESS", "published__slate")),
        _Entry(1012.3, _event("STEP_START", "gold__what_changed")),
        _Entry(1015.0, _event("STEP_SUCCESS", "gold__what_changed")),
    ]
    record = SimpleNamespace(
        dagster_run=SimpleNamespace(run_id="r1"), create_timestamp=datetime.fromtimestamp(created, UTC)
    )
    published_at, seen_at = 996.0, 1012.4
    phases = bench._phases(_Instance(entries), record, published_at, seen_at, "published__slate")
    assert phases == pytest.approx(
        {
            "sensor_pickup": 4.0,
            "queue": 1.0,
            "run_worker_startup": 6.0,
            "run_setup": 0.5,
            "step:bronze__injury_reports": 1.1,
            "step:gold__sim": 3.1,
            "publication": 0.7,
        }
    )
    # Steps after publication (what changed) are not news latency; the phases cover all of it.
    assert sum(phases.values()) == pytest.approx(seen_at - published_at)


def test_the_summary_reports_percentiles_over_reports_and_median_phases() -> None:
    bench = _bench()
    reports = [
        {
            "partition": f"2026-01-11|{16 + i // 4}:{15 * (i % 4):02d}",
            "latency_s": float(s),
            "run_s": 9.0,
            "status": "SUCCESS",
            "phases": {"sensor_pickup": float(s) / 2, "queue": 1.0},
        }
        for i, s in enumerate([10, 12, 14, 16, 18, 20, 22, 24, 26, 40])
    ]
    summary = bench.summarize(reports, interval=60.0)
    assert summary["news_latency_p50_s"] == 19.0
    assert summary["news_latency_p95_s"] == pytest.approx(33.7)
    assert summary["news_latency_max_s"] == 40.0
    assert summary["phases"] == {"sensor_pickup": 9.5, "queue": 1.0}
    assert summary["reports"] == reports and summary["interval_s"] == 60.0
