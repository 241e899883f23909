"""Benchmark: what the label history costs each features build (league seed 7, three seasons).

Every `gold/minutes_features` run prepares the players' label history once
(`core.features.player_history`), which includes the role filter
(`core.role_filter`). Measures both on all of the league's labels, the
median of three runs, and the peak memory of one history build. Prints a
table and writes bench/results/features.json.
"""

from __future__ import annotations

import tracemalloc

from projections_assets.cli.bench import median_seconds, write_result
from projections_assets.core.features import player_history
from projections_assets.core.role_filter import blowout_share, role_filter
from projections_assets.league.asof import league_labels
from projections_assets.league.generate import ensure_league, read_league_tables
from projections_assets.settings import default_league_dir

SEED = 7
REPEATS = 3


def main(argv: list[str] | None = None) -> int:
    league_dir = default_league_dir(SEED)
    ensure_league(SEED, league_dir, progress=print)
    labels = league_labels(read_league_tables(league_dir))
    games = labels.sort_values(["player_id", "game_date", "game_id"]).reset_index(drop=True)
    filter_input = games.assign(
        active=games["status"].astype(str).str.upper().ne("INACTIVE"), vacated=0.0, blowout=blowout_share(0.0)
    )
    tracemalloc.start()
    player_history(labels)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rows = [
        {
            "step": "player_history (all history features)",
            "label_rows": len(labels),
            "median_s": round(median_seconds(lambda: player_history(labels), REPEATS), 3),
            "peak_mb": round(peak / 2**20, 1),
        },
        {
            "step": "role_filter alone",
            "label_rows": len(labels),
            "median_s": round(median_seconds(lambda: role_filter(filter_input), REPEATS), 3),
            "peak_mb": None,
        },
    ]
    print(f"{'step':<42} {'label rows':>10} {'median s':>9} {'peak MB':>8}")
    for r in rows:
        peak_mb = "" if r["peak_mb"] is None else f"{r['peak_mb']:.1f}"
        print(f"{r['step']:<42} {r['label_rows']:>10} {r['median_s']:>9.3f} {peak_mb:>8}")
    write_result("features", {"seed": SEED, "rows": rows})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
