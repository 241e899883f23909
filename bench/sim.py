"""Benchmark: the sim worlds engine (issue 11 item 6) on league slates of 3, 10 and 15 games.

    projections bench sim [--worlds W --games G] [--json]

With --worlds and --games: one configuration; --json prints one JSON object
(keys seconds, peak_mb, worlds, players, games, ...) as the last line.
Without them: the matrix 1k / 10k / 100k worlds x 3 / 10 / 15 games, a
table, and bench/results/sim.json.

The slate is a date of league seed 7's last season with enough games (the
inputs as a projection would give them, from the league's box scores before
the date: play probability from his recent availability and playing, minutes
quantiles of his last 20 played games, per-minute rates and make rates of the
season so far shrunk toward the league's, reconciled to 240 team minutes;
the consensus closing odds; the date's salaries). The calibration is fitted
on the first two seasons' labels and closing odds. Each configuration runs in
a fresh child process: it compiles (or loads the cached kernel), warms up,
then times `simulate` 3 times (`seconds` is the median wall time, `cpu_seconds`
the median CPU time of all threads); `peak_mb` is the
child's peak resident memory, everything included (interpreter, pandas,
numba) through the timed runs and the summary; `peak_mb_with_write` adds
building and writing the worlds table (timed once, `write_s`).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from projections_assets.cli.bench import write_result
from projections_assets.core.sim.engine import SimCalibration, fit_calibration, simulate
from projections_assets.core.sim.storage import worlds_table, write_worlds
from projections_assets.core.sim.summary import summarize
from projections_assets.league.asof import league_labels
from projections_assets.league.generate import ensure_league, read_league_tables
from projections_assets.settings import default_league_dir

SEED = 7
REPEATS = 3
MATRIX_WORLDS = (1_000, 10_000, 100_000)
MATRIX_GAMES = (3, 10, 15)
BUDGETS = {(10_000, 10): (1.0, 1024.0), (100_000, 15): (15.0, 4096.0)}
STATS = ("fg2a", "fg3a", "fta", "ast", "tov", "oreb", "dreb", "stl", "blk")
MAKES = {"pct_fg2": ("fg2m", "fg2a", 0.52), "pct_fg3": ("fg3m", "fg3a", 0.36), "pct_ft": ("ftm", "fta", 0.78)}
PRIOR_MINUTES = 150.0
PRIOR_ATTEMPTS = 60.0


def closing_odds(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per game: the median over bookmakers of each one's last quote before tip."""
    odds = tables["odds"].merge(tables["games"][["game_id", "tip_ts"]], on="game_id")
    odds = odds[odds["available_at"] < odds["tip_ts"]].sort_values("available_at")
    last = odds.groupby(["game_id", "bookmaker"]).tail(1)
    out = last.groupby("game_id").agg(spread_home=("home_spread", "median"), total=("total", "median"))
    return out.reset_index()


def _slate_date(games: pd.DataFrame, n_games: int) -> str:
    last = games[games["season"] == games["season"].max()]
    counts = last.groupby("game_date").size()
    # The earliest date with enough games after the season's first month (so histories exist).
    dates = counts[(counts >= n_games) & (counts.index >= sorted(counts.index)[40])]
    return str(dates.index[0])


def league_slate(tables: dict[str, pd.DataFrame], n_games: int) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """(game_date, players, games) of the first date of the last season with `n_games` games (the first n)."""
    games = tables["games"].assign(game_date=tables["games"]["game_date"].astype(str))
    date = _slate_date(games, n_games)
    day = games[games["game_date"] == date].sort_values("game_id").head(n_games)
    box = tables["box_scores"].assign(game_date=tables["box_scores"]["game_date"].astype(str))
    box["minutes"] = box["seconds"] / 60.0
    season = day["season"].iloc[0]
    history = box[(box["game_date"] < date) & (box["season"] == season)]
    played = history[history["played"]]
    listed = box[box["game_id"].isin(day["game_id"])]

    rows = []
    league_rate = {s: played[s].sum() / played["minutes"].sum() for s in STATS}
    league_pct = {p: played[m].sum() / played[a].sum() for p, (m, a, _) in MAKES.items()}
    by_player = dict(tuple(history.sort_values("game_date").groupby("person_id")))
    for r in listed.itertuples():
        h = by_player.get(r.person_id, history.iloc[:0])
        hp = h[h["played"]]
        recent = h.tail(20)
        avail = recent[recent["available"]]
        prob = float(avail["played"].mean()) if len(avail) >= 3 else (0.9 if r.starter else 0.6)
        mins = hp["minutes"].tail(20)
        if len(mins) >= 3:
            p10, p50, p90 = np.quantile(mins, [0.1, 0.5, 0.9])
        else:
            p10, p50, p90 = (24.0, 30.0, 36.0) if r.starter else (3.0, 10.0, 18.0)
        m = float(hp["minutes"].sum())
        row = {
            "game_id": r.game_id,
            "team_id": int(r.team_id),
            "player_id": int(r.person_id),
            "is_home": bool(r.is_home),
            "status": "Available" if r.available else "Out",
            "role": "starter" if r.starter else ("rotation" if p50 >= 12 else "bench"),
            "play_prob": float(np.clip(prob, 0.05, 0.99)) if r.available else 0.0,
            "p10": float(p10),
            "p50": float(p50),
            "p90": float(p90),
        }
        for s in STATS:
            row[f"rate_{s}"] = (float(hp[s].sum()) + PRIOR_MINUTES * league_rate[s]) / (m + PRIOR_MINUTES)
        for p, (made, att, _) in MAKES.items():
            row[p] = (float(hp[made].sum()) + PRIOR_ATTEMPTS * league_pct[p]) / (
                float(hp[att].sum()) + PRIOR_ATTEMPTS
            )
        rows.append(row)
    players = pd.DataFrame(rows)
    players["exp_minutes"] = players["play_prob"] * players["p50"]
    scale = 240.0 / players.groupby(["game_id", "team_id"])["exp_minutes"].transform("sum")
    for col in ("p10", "p50", "p90", "exp_minutes"):
        players[col] = (players[col] * scale).clip(upper=48.0)
    salaries = tables["salaries"][tables["salaries"]["game_date"].astype(str) == date][
        ["person_id", "salary"]
    ]
    salaries = salaries.drop_duplicates("person_id").rename(columns={"person_id": "player_id"})
    players = players.merge(salaries, on="player_id", how="left")
    players["salary"] = players["salary"].astype("Int64")
    odds = closing_odds(tables)
    g = day[["game_id", "home_team_id", "away_team_id"]].merge(odds, on="game_id", how="left")
    return date, players, g


def calibration_of(tables: dict[str, pd.DataFrame]) -> SimCalibration:
    """The calibration fitted on the first two seasons' labels and closing odds."""
    labels = league_labels(tables)
    seasons = sorted(tables["games"]["season"].unique())[:2]
    train_games = tables["games"].loc[tables["games"]["season"].isin(seasons), "game_id"]
    labels = labels[labels["game_id"].isin(train_games)]
    odds = closing_odds(tables)
    return fit_calibration(labels, odds[odds["game_id"].isin(train_games)])


def peak_rss_mb() -> float:
    """This process's peak resident memory (MB) since it started.

    VmHWM, not `ru_maxrss`: Linux carries `ru_maxrss` over exec from the memory
    the process had before it (the parent's, when subprocess starts the child by
    vfork), so a child of a parent holding the league tables would report the
    parent's size.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(directory: Path, worlds: int) -> dict[str, object]:
    players = pd.read_parquet(directory / "players.parquet")
    games = pd.read_parquet(directory / "games.parquet")
    meta = json.loads((directory / "meta.json").read_text())
    calibration = SimCalibration.from_dict(meta["calibration"])
    date = meta["game_date"]
    start = time.perf_counter()
    simulate(players, games, calibration, date, worlds=100)
    warm = time.perf_counter() - start
    samples, cpu = [], []
    for _ in range(REPEATS):
        start, start_cpu = time.perf_counter(), time.process_time()
        sim = simulate(players, games, calibration, date, worlds=worlds)
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    start = time.perf_counter()
    summarize(sim)
    summary_s = time.perf_counter() - start
    peak_sim = peak_rss_mb()
    start = time.perf_counter()
    size = write_worlds(worlds_table(sim), directory / "worlds.parquet")
    write_s = time.perf_counter() - start
    return {
        "seconds": statistics.median(samples),
        "runs": samples,
        # CPU seconds of the process (all threads): what the kernel needs, whatever else loads the machine.
        "cpu_seconds": statistics.median(cpu),
        "cpu_runs": cpu,
        "warmup_s": warm,
        "summary_s": summary_s,
        "write_s": write_s,
        "parquet_mb": size / 2**20,
        "bytes_per_world": size / worlds,
        "peak_mb": peak_sim,
        "peak_mb_with_write": peak_rss_mb(),
        "worlds": worlds,
        "players": int(len(sim.players)),
        "games": int(len(sim.games)),
    }


def measure(tables: dict[str, pd.DataFrame], calibration: SimCalibration, worlds: int, n_games: int) -> dict:
    """One configuration, in a fresh child process."""
    date, players, games = league_slate(tables, n_games)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        players.to_parquet(d / "players.parquet")
        games.to_parquet(d / "games.parquet")
        meta = {"game_date": date, "calibration": calibration.to_dict()}
        (d / "meta.json").write_text(json.dumps(meta))
        cmd = [sys.executable, str(Path(__file__).resolve()), "--child", tmp, "--worlds", str(worlds)]
        load_before = os.getloadavg()[0]
        out = subprocess.run(cmd, capture_output=True, text=True, check=False, env=os.environ.copy())
        if out.returncode != 0:
            raise SystemExit(f"sim bench child failed:\n{out.stderr}")
        result = json.loads(out.stdout.strip().splitlines()[-1])
    result["game_date"] = date
    # The machine's 1-minute load average around the run: on a shared machine wall times grow with it.
    result["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="projections bench sim", description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int)
    parser.add_argument("--games", type=int)
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object, last")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(Path(args.child), args.worlds)))
        return 0
    league_dir = default_league_dir(SEED)
    ensure_league(SEED, league_dir, progress=lambda m: print(m, file=sys.stderr))
    tables = read_league_tables(league_dir)
    calibration = calibration_of(tables)
    if (args.worlds is None) != (args.games is None):
        parser.error("give both --worlds and --games, or neither (the whole matrix)")
    configs = (
        [(args.worlds, args.games)] if args.worlds else [(w, g) for g in MATRIX_GAMES for w in MATRIX_WORLDS]
    )
    rows = []
    print(
        f"{'worlds':>8} {'games':>5} {'players':>7} {'seconds':>8} {'CPU s':>8} {'peak MB':>8} {'MB file':>8} "
        f"{'budget':>12}"
    )
    for worlds, n_games in configs:
        r = measure(tables, calibration, worlds, n_games)
        budget = BUDGETS.get((worlds, n_games))
        r["within_budget"] = (
            None if budget is None else r["seconds"] <= budget[0] and r["peak_mb"] <= budget[1]
        )
        rows.append(r)
        shown = "" if budget is None else f"{budget[0]:.0f} s/{budget[1]:.0f} MB"
        print(
            f"{worlds:>8} {n_games:>5} {r['players']:>7} {r['seconds']:>8.3f} {r['cpu_seconds']:>8.3f} "
            f"{r['peak_mb']:>8.0f} "
            f"{r['parquet_mb']:>8.1f} {shown:>12}",
            flush=True,
        )
    ok = all(r["within_budget"] is not False for r in rows)
    if not args.worlds:
        write_result(
            "sim",
            {
                "seed": SEED,
                "calibration": calibration.to_dict(),
                "rows": rows,
                "budget": {f"{w}x{g}": {"seconds": b[0], "peak_mb": b[1]} for (w, g), b in BUDGETS.items()},
                "within_budget": ok,
                "machine": {"numba_threads": int(os.environ.get("NUMBA_NUM_THREADS") or os.cpu_count() or 1)},
            },
        )
    if args.json:
        print(json.dumps(rows[0] if args.worlds else {"rows": rows}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
