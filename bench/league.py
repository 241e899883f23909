"""Benchmark: generating the simulated league (issue 3's budget: 3 seasons in <= 60 s, <= 2 GB peak).

Each repeat runs `projections league generate` in a fresh child process, so the
peak resident memory measured (the child's ru_maxrss) is the generator's own.
Prints a table and writes bench/results/league.json.

    projections bench league [--seed N] [--seasons K] [--repeats R]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from projections_assets.cli.bench import write_result

BUDGET_S = 60.0
BUDGET_RSS_MB = 2048.0


def _run_once(seed: int, seasons: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "projections_assets.cli", "league", "generate"]
        cmd += ["--seed", str(seed), "--seasons", str(seasons), "--out", out]
        start = time.perf_counter()
        pid = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).pid
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(
                f"league generate failed (exit {os.waitstatus_to_exitcode(status)}): {' '.join(cmd)}"
            )
        size = sum(p.stat().st_size for p in Path(out).glob("*.parquet"))
    # ru_maxrss is in KiB on Linux.
    return {"wall_s": wall, "peak_rss_mb": usage.ru_maxrss / 1024, "parquet_mb": size / 2**20}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="projections bench league", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seasons", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args(argv)

    runs = []
    for i in range(args.repeats):
        print(
            f"run {i + 1}/{args.repeats}: generating {args.seasons} seasons (seed {args.seed})...", flush=True
        )
        runs.append(_run_once(args.seed, args.seasons))
    wall = statistics.median(r["wall_s"] for r in runs)
    rss = max(r["peak_rss_mb"] for r in runs)
    ok = wall <= BUDGET_S and rss <= BUDGET_RSS_MB

    print(f"{'figure':28} {'measured':>10} {'budget':>10}")
    print(f"{'wall time, median (s)':28} {wall:>10.1f} {BUDGET_S:>10.0f}")
    print(f"{'peak RSS, max (MB)':28} {rss:>10.0f} {BUDGET_RSS_MB:>10.0f}")
    print(f"{'parquet written (MB)':28} {runs[0]['parquet_mb']:>10.1f} {'':>10}")
    print("within budget" if ok else "OVER BUDGET")

    write_result(
        "league",
        {
            "seed": args.seed,
            "seasons": args.seasons,
            "runs": runs,
            "median_wall_s": wall,
            "max_peak_rss_mb": rss,
            "budget": {"wall_s": BUDGET_S, "peak_rss_mb": BUDGET_RSS_MB},
            "within_budget": ok,
        },
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
