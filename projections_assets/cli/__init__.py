"""The `projections` command.

Each area of the product contributes its own subcommands through a
`register(subparsers)` function, so this module only assembles them.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Modules that add subcommands; each exposes `register(subparsers)` and sets
# `func` on its parsers. Imported lazily so `projections --help` stays fast.
_COMMAND_MODULES = (
    "projections_assets.cli.lake",
    "projections_assets.cli.league",
    "projections_assets.cli.feed",
    "projections_assets.cli.parse",
    "projections_assets.cli.bench",
    "projections_assets.cli.eval",
    "projections_assets.cli.demo",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="projections",
        description="NBA DraftKings projections: the platform's command line.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # A command module that is not built yet must not break the others.
            if exc.name == name:
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    result = args.func(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
