"""Benchmark: parsing injury report PDFs, pdfium backend vs the former pdfplumber one (season backfills).

Parses the three real reports and N league-rendered reports (rendered first, untimed: 17:30 ET on
game days spread over the simulated 2025-26 season) with each backend, R times each, the backends
interleaved so both see the same machine load. A PDF's time is the median of its repeats; the
table gives, per backend and group, the median and p95 of those over the PDFs and PDFs/s (PDFs per
second of summed per-PDF medians). Both backends must produce the same rows for every PDF.
Prints a table and writes bench/results/injury_pdf.json.

    projections bench injury_pdf [--seed N] [--reports N] [--repeats R] [--backends pdfium,pdfplumber]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime
from importlib.metadata import version

import pandas as pd

from projections_assets.cli.bench import write_result
from projections_assets.nba.calendar import EASTERN_NAME
from projections_assets.parsers import injury_pdf, pdf_words
from projections_assets.settings import PROJECT_ROOT

REAL = PROJECT_ROOT / "projections_assets_tests" / "fixtures" / "real" / "injury_pdf"
BACKENDS = {"pdfium": pdf_words.pdfium_words, "pdfplumber": pdf_words.pdfplumber_words}
REPORT_TIME = (17, 30)  # ET: the pre-game report, on a game day it lists every team playing


def _league_reports(seed: int, count: int) -> list[tuple[str, bytes]]:
    """`count` league reports at 17:30 ET on game days spread evenly over the season."""
    from projections_assets.league.generate import generate_league
    from projections_assets.league.payloads import LeaguePayloads

    tables = generate_league(seed, seasons=1).tables
    payloads = LeaguePayloads(tables)
    days = sorted(pd.to_datetime(tables["games"]["game_date"]).dt.date.unique())
    step = max(1, len(days) // count)
    reports = []
    for day in days[::step][:count]:
        ts = pd.Timestamp(datetime(day.year, day.month, day.day, *REPORT_TIME), tz=EASTERN_NAME)
        payload = payloads.render("injury_pdf", ts.isoformat(), ts.isoformat())
        reports.append((payload.file_name, payload.body))
    return reports


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def _page_count(data: bytes) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


def _time_all(
    pdfs: list[tuple[str, str, bytes]], backends: list[str], repeats: int
) -> tuple[list[dict[str, object]], int]:
    """Per PDF: its median wall and CPU ms per backend; and how many PDFs the backends parse differently."""
    for name in backends:  # warm-up: imports, pdfium library load, fonts
        injury_pdf._parse(pdfs[0][2], pdfs[0][1], BACKENDS[name])
    rows, mismatches = [], 0
    for index, (group, name, data) in enumerate(pdfs, start=1):
        wall: dict[str, list[float]] = {b: [] for b in backends}
        cpu: dict[str, list[float]] = {b: [] for b in backends}
        parsed = {}
        for repeat in range(repeats):
            order = backends if repeat % 2 == 0 else backends[::-1]
            for backend in order:
                start_wall, start_cpu = time.perf_counter(), time.process_time()
                parsed[backend] = injury_pdf._parse(data, name, BACKENDS[backend])
                wall[backend].append((time.perf_counter() - start_wall) * 1000)
                cpu[backend].append((time.process_time() - start_cpu) * 1000)
        same = all(parsed[b] == parsed[backends[0]] for b in backends)
        mismatches += not same
        rows.append(
            {
                "group": group,
                "pdf": name,
                "bytes": len(data),
                "pages": _page_count(data),
                "rows": len(parsed[backends[0]]),
                "same_rows": same,
                "wall_ms": {b: round(statistics.median(wall[b]), 2) for b in backends},
                "cpu_ms": {b: round(statistics.median(cpu[b]), 2) for b in backends},
            }
        )
        if index % 10 == 0 or index == len(pdfs):
            print(f"  parsed {index}/{len(pdfs)} PDFs", flush=True)
    return rows, mismatches


def _summary(rows: list[dict[str, object]], backends: list[str]) -> list[dict[str, object]]:
    out = []
    for group in ("real", "league", "all"):
        chosen = [r for r in rows if group == "all" or r["group"] == group]
        if not chosen:
            continue
        for backend in backends:
            wall = [r["wall_ms"][backend] for r in chosen]  # type: ignore[index]
            cpu = [r["cpu_ms"][backend] for r in chosen]  # type: ignore[index]
            pages = sum(r["pages"] for r in chosen)  # type: ignore[misc]
            out.append(
                {
                    "group": group,
                    "backend": backend,
                    "pdfs": len(chosen),
                    "pages": pages,
                    "median_ms": round(statistics.median(wall), 1),
                    "p95_ms": round(_p95(wall), 1),
                    "ms_per_page": round(sum(wall) / pages, 2),
                    "pdfs_per_s": round(1000 * len(chosen) / sum(wall), 1),
                    "median_cpu_ms": round(statistics.median(cpu), 1),
                }
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="projections bench injury_pdf", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=11, help="league seed (default: the tests' league)")
    parser.add_argument("--reports", type=int, default=60, help="league-rendered reports to parse")
    parser.add_argument("--repeats", type=int, default=3, help="parses of each PDF per backend")
    parser.add_argument("--backends", default="pdfium,pdfplumber", help="comma-separated: pdfium, pdfplumber")
    args = parser.parse_args(argv)
    backends = args.backends.split(",")
    unknown = sorted(set(backends) - set(BACKENDS))
    if unknown:
        parser.error(f"unknown backend(s) {', '.join(unknown)}; known: {', '.join(BACKENDS)}")

    print(f"rendering {args.reports} league reports (seed {args.seed}, untimed)...", flush=True)
    start = time.perf_counter()
    pdfs = [("real", p.name, p.read_bytes()) for p in sorted(REAL.glob("*.pdf"))]
    pdfs += [("league", name, body) for name, body in _league_reports(args.seed, args.reports)]
    render_s = time.perf_counter() - start
    load_before = os.getloadavg()
    print(f"parsing {len(pdfs)} PDFs x {args.repeats} repeats with {', '.join(backends)}...", flush=True)
    rows, mismatches = _time_all(pdfs, backends, args.repeats)
    load_after = os.getloadavg()
    summary = _summary(rows, backends)

    header = (
        f"{'group':7} {'backend':11} {'PDFs':>5} {'pages':>6} {'median ms':>10} {'p95 ms':>8}"
        f" {'ms/page':>8} {'PDFs/s':>7} {'median CPU ms':>14}"
    )
    print(header)
    print("-" * len(header))
    for s in summary:
        print(
            f"{s['group']:7} {s['backend']:11} {s['pdfs']:>5} {s['pages']:>6} {s['median_ms']:>10}"
            f" {s['p95_ms']:>8} {s['ms_per_page']:>8} {s['pdfs_per_s']:>7} {s['median_cpu_ms']:>14}"
        )
    speedup = {}
    if {"pdfium", "pdfplumber"} <= set(backends):
        for group in ("real", "league", "all"):
            by = {s["backend"]: s for s in summary if s["group"] == group}
            if by:
                speedup[group] = round(by["pdfium"]["pdfs_per_s"] / by["pdfplumber"]["pdfs_per_s"], 1)
        print("speed-up (PDFs/s, pdfium / pdfplumber): " + ", ".join(f"{g} {x}x" for g, x in speedup.items()))
    print(
        "same rows from every backend"
        if not mismatches
        else f"ROWS DIFFER between backends on {mismatches} PDFs"
    )
    print(f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after (shared machine)")

    write_result(
        "injury_pdf",
        {
            "seed": args.seed,
            "reports": args.reports,
            "report_time_et": f"{REPORT_TIME[0]:02d}:{REPORT_TIME[1]:02d}",
            "repeats": args.repeats,
            "backends": backends,
            "render_s": round(render_s, 1),
            "summary": summary,
            "speedup": speedup,
            "identical_rows": mismatches == 0,
            "pdfs": rows,
            "machine": {
                "load_average_before": round(load_before[0], 2),
                "load_average_after": round(load_after[0], 2),
                "pypdfium2": version("pypdfium2"),
                "pdfplumber": version("pdfplumber"),
                "pdfminer.six": version("pdfminer.six"),
            },
        },
    )
    return 0 if mismatches == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
