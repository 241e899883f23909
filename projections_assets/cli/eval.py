"""`projections eval minutes --seed N [--json]`: the figures of `projections_assets.cli.minutes_eval`."""

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


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `eval minutes` to the `projections` command."""
    ev = subparsers.add_parser("eval", help="judge the models on a held-out league season")
    sub = ev.add_subparsers(dest="eval_command", metavar="MODEL", required=True)
    mins = sub.add_parser("minutes", help="train on two seasons of a league, evaluate on the third")
    mins.add_argument("--seed", type=int, required=True, help="league seed")
    mins.add_argument("--league-dir", default=None, help="the league's tables (default .league/seed=N)")
    mins.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    mins.set_defaults(func=_command)
