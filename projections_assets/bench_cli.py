"""`projections bench NAME [ARGS]`: run a benchmark from the project's bench/ folder.

Benchmarks live beside the package (bench/NAME.py, each with `main(argv)`), print a
table and write bench/results/NAME.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys

from projections_assets.settings import PROJECT_ROOT

BENCH_DIR = PROJECT_ROOT / "bench"


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
