"""The `projections` command: one module per verb under `projections_assets.cli`.

Each verb's module adds its parser through `register(subparsers)`. Only the module of the verb
being run is imported (the verbs import pandas, Dagster, LightGBM...), so `projections --help`
lists the verbs from the table below without importing any of them.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# verb -> (module that registers it, the one-line help `projections --help` shows).
COMMANDS: dict[str, tuple[str, str]] = {
    "lake": ("projections_assets.cli.lake", "inspect the lake's pointers and manifests"),
    "league": ("projections_assets.cli.league", "the simulated NBA (generator and oracle)"),
    "feed": ("projections_assets.cli.feed", "the simulated league's payloads over loopback HTTP"),
    "parse": ("projections_assets.cli.parse", "parse a source payload file and print its rows as CSV"),
    "bench": (
        "projections_assets.cli.bench",
        "run a benchmark (prints a table, writes bench/results/*.json)",
    ),
    "export": ("projections_assets.cli.export", "export a slot's unified projections (csv, dfs-tools, dk)"),
    "explain": ("projections_assets.cli.explain", "what changed in a slot's projections and why"),
    "eval": ("projections_assets.cli.eval", "judge the models on a held-out league season"),
    "serve": (
        "projections_assets.cli.serve",
        "the status web service: health, slate API, projections page",
    ),
    "demo": (
        "projections_assets.cli.demo",
        "the demo slate end to end: history, training, a replayed evening",
    ),
}


def build_parser(verb: str | None = None) -> argparse.ArgumentParser:
    """The command's parser; only `verb`'s module is imported and registers its full parser."""
    parser = argparse.ArgumentParser(
        prog="projections",
        description="NBA DraftKings projections: the platform's command line.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module, help_text) in COMMANDS.items():
        if name == verb:
            importlib.import_module(module).register(subparsers)
        else:
            subparsers.add_parser(name, help=help_text, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_in = list(sys.argv[1:] if argv is None else argv)
    # The top level takes no option but --help, so the first other word is the verb.
    verb = next((a for a in args_in if not a.startswith("-")), None)
    parser = build_parser(verb)
    args = parser.parse_args(args_in)
    result = args.func(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
