"""`projections eval minutes|points --seed N [--json]`: the figures of `cli.minutes_eval` and `cli.points_eval`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def _print(figures: dict) -> None:
    lines = [
        (
            "p50 MAE (minutes)",
            figures["mae"],
            figures["oracle_mae"],
            "x oracle",
            figures["mae"] / figures["oracle_mae"],
        ),
        (
            "  vs last-5 mean",
            figures["mae"],
            figures["last5_mae"],
            "below",
            1 - figures["mae"] / figures["last5_mae"],
        ),
        (
            "  vs season average",
            figures["mae"],
            figures["baseline_mae"],
            "below",
            1 - figures["mae"] / figures["baseline_mae"],
        ),
        (
            "pinball loss",
            figures["pinball"],
            figures["oracle_pinball"],
            "x oracle",
            figures["pinball"] / figures["oracle_pinball"],
        ),
        (
            "play-probability Brier",
            figures["brier"],
            figures["oracle_brier"],
            "x oracle",
            figures["brier"] / figures["oracle_brier"],
        ),
    ]
    print(
        f"minutes, league seed {figures['seed']}: last slot before tip, {figures['rows']} rows not listed Out"
    )
    print(f"{'figure':26} {'model':>8} {'reference':>10}  ratio")
    for name, value, ref, word, ratio in lines:
        # Four places: the bars are 1.10 x oracle, and 1.0997 must not print as 1.100.
        shown = f"{ratio:.4f} {word}" if word == "x oracle" else f"{ratio:.1%} {word}"
        print(f"{name:26} {value:8.4f} {ref:10.4f}  {shown}")
    roles = ", ".join(f"{k} {v:.1%}" for k, v in figures["coverage_by_role"].items())
    print(
        f"p10-p90 coverage {figures['coverage_p10_p90']:.1%} (width {figures['width_p10_p90']:.1f} min); by role: {roles}"
    )


def _command(args: argparse.Namespace) -> int:
    # Imported here so `projections --help` does not load LightGBM.
    from projections_assets.cli.minutes_eval import evaluate

    figures = evaluate(args.seed, Path(args.league_dir) if args.league_dir else None)
    _print(figures)
    if args.json:
        print(json.dumps(figures, sort_keys=True))
    return 0


def _print_points(figures: dict) -> None:
    def ratio(a: float | None, b: float | None) -> str:
        return f"{a / b:.4f}" if a is not None and b else "n/a"

    print(
        f"DK points, league seed {figures['seed']}: season {figures['evaluated_season']} at the last slot before "
        f"tip, {figures['rows']} rows ({figures['played_rows']} played), {figures['worlds']} worlds per date"
    )
    print(f"{'MAE of the mean':26} {'value':>8}  model / it")
    print(f"{'  model':26} {figures['mae']:8.4f}")
    for name, key in (
        ("  oracle", "oracle_mae"),
        ("  last-5 (played)", "last5_mae"),
        ("  season average", "baseline_mae"),
    ):
        value = figures[key]
        shown = "n/a" if value is None else f"{value:8.4f}"
        print(f"{name:26} {shown:>8}  {ratio(figures['mae'], value)}")
    roles = ", ".join(f"{k} {v:.1%}" for k, v in figures["coverage_by_role"].items())
    print(
        f"p10-p90 coverage {figures['coverage_p10_p90']:.1%} (width {figures['width_p10_p90']:.1f} pts); by role: {roles}"
    )
    if "interval_coverage_p10_p90" in figures:
        print(
            f"  (actuals inside [p10, p90], a 0 inside a band whose p10 is 0: "
            f"{figures['interval_coverage_p10_p90']:.1%})"
        )
    oracle = figures.get("oracle_stat_mae") or {}
    stats = ", ".join(
        f"{s} {v:.3f}" + (f"/{oracle[s]:.3f}" if s in oracle else "") for s, v in figures["stat_mae"].items()
    )
    print(f"stat MAE model/oracle: {stats}")
    for side in ("teammate", "opponent"):
        sim, actual = figures[f"{side}_corr_sim"], figures[f"{side}_corr_actual"]
        print(
            f"{side} residual corr (both 10+): sim {sim:+.4f}, actual {actual:+.4f}, gap {sim - actual:+.4f}"
        )


def _points_command(args: argparse.Namespace) -> int:
    # Imported here so `projections --help` loads neither LightGBM nor numba.
    from projections_assets.cli.points_eval import evaluate

    figures = evaluate(
        args.seed,
        Path(args.league_dir) if args.league_dir else None,
        worlds=args.worlds,
        rows_out=Path(args.rows_out) if args.rows_out else None,
    )
    _print_points(figures)
    if args.json:
        print(json.dumps(figures, sort_keys=True))
    return 0


def _print_ownership(figures: dict) -> None:
    print(
        f"ownership, league seed {figures['seed']}: {figures['groups']} classic draft groups of the last season, "
        f"{figures['rows']} listed players (trained on seasons {figures['training_seasons']})"
    )
    print(f"{'ranking':26} {'Spearman':>9}")
    for name, key in (
        ("  model", "spearman"),
        ("  salary", "salary_spearman"),
        ("  our projected mean", "projection_spearman"),
        ("  our value", "value_spearman"),
        ("  public value (reference)", "public_value_spearman"),
    ):
        print(f"{name:26} {figures[key]:9.4f}")
    print(
        f"MAE {figures['mae']:.3f} percentage points; predicted total per group {figures['predicted_total_per_group']:.1f}%"
    )


def _ownership_command(args: argparse.Namespace) -> int:
    from projections_assets.cli.ownership_eval import evaluate

    kwargs = {"worlds": args.worlds} if args.worlds else {}
    figures = evaluate(args.seed, Path(args.league_dir) if args.league_dir else None, **kwargs)
    _print_ownership(figures)
    if args.json:
        print(json.dumps(figures, sort_keys=True))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `eval minutes`, `eval points` and `eval ownership` to the `projections` command."""
    ev = subparsers.add_parser("eval", help="judge the models on a held-out league season")
    sub = ev.add_subparsers(dest="eval_command", metavar="MODEL", required=True)
    mins = sub.add_parser("minutes", help="train on two seasons of a league, evaluate on the third")
    mins.add_argument("--seed", type=int, required=True, help="league seed")
    mins.add_argument("--league-dir", default=None, help="the league's tables (default .league/seed=N)")
    mins.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    mins.set_defaults(func=_command)
    pts = sub.add_parser(
        "points", help="train minutes, rates and the sim on two seasons, simulate the third's DK points"
    )
    pts.add_argument("--seed", type=int, required=True, help="league seed")
    pts.add_argument("--league-dir", default=None, help="the league's tables (default .league/seed=N)")
    pts.add_argument(
        "--worlds", type=int, default=None, help="worlds per date (default config/points.toml's worlds)"
    )
    pts.add_argument("--rows-out", default=None, help="also write the evaluated rows to this parquet file")
    pts.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    pts.set_defaults(func=_points_command)
    own = sub.add_parser(
        "ownership",
        help="train the ownership model on seasons 2-3 of a four-season league, judge the fourth's contests",
    )
    own.add_argument("--seed", type=int, required=True, help="league seed")
    own.add_argument(
        "--league-dir", default=None, help="the league's tables (default .league/seed=N-seasons=4)"
    )
    own.add_argument("--worlds", type=int, default=None, help="worlds per projected slot (default 1000)")
    own.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    own.set_defaults(func=_ownership_command)
