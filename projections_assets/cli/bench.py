"""`projections bench NAME [ARGS]`: run a benchmark from the project's bench/ folder.

Benchmarks live beside the package (bench/NAME.py, each with `main(argv)`), print a
table and write bench/results/NAME.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from projections_assets.settings import PROJECT_ROOT

BENCH_DIR = PROJECT_ROOT / "bench"
RESULTS_DIR = BENCH_DIR / "results"


def median_seconds(fn: Callable[[], object], repeats: int) -> float:
    """Median wall time of `repeats` calls of `fn`."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def write_result(name: str, result: dict[str, object]) -> Path:
    """Write bench/results/NAME.json: `benchmark`, the result, `machine` (python and cores, plus any
    the result names) and `measured_at`; print where."""
    machine = {"python": platform.python_version(), "cores": os.cpu_count()}
    extra = result.pop("machine", None)
    machine.update(extra if isinstance(extra, dict) else {})
    payload = {
        "benchmark": name,
        **result,
        "machine": machine,
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    path = RESULTS_DIR / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {path}")
    return path


def _available() -> list[str]:
    return sorted(p.stem for p in BENCH_DIR.glob("*.py") if not p.stem.startswith("_"))


def _run(args: argparse.Namespace) -> int:
    path = BENCH_DIR / f"{args.name}.py"
    if not path.is_file():
        print(
            f"projections bench: no benchmark {args.name!r}; available: {', '.join(_available())}",
            file=sys.stderr,
        )
        return 2
    spec = importlib.util.spec_from_file_location(f"bench_{args.name}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return int(module.main(args.args) or 0)


def register(subparsers: argparse._SubParsersAction) -> None:
    bench = subparsers.add_parser(
        "bench", help="run a benchmark (prints a table, writes bench/results/*.json)"
    )
    bench.add_argument("name", help="benchmark name: a file bench/NAME.py (e.g. league, partitions)")
    bench.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the benchmark")
    bench.set_defaults(func=_run)
