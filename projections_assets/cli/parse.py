"""`projections parse ...`: run a parser on a local file and print its rows.

Lets an operator check what the pipeline would read from a payload without running Dagster.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from projections_assets.parsers.injury_pdf import InjuryReportParseError, parse_injury_pdf

# A usage problem or unreadable input, as opposed to a crash (1).
_EXIT_BAD_INPUT = 2


def _parse_injury_pdf(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"projections parse injury-pdf: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
        return _EXIT_BAD_INPUT
    try:
        frame = parse_injury_pdf(data, source=str(path))
    except InjuryReportParseError as exc:
        print(f"projections parse injury-pdf: {exc}", file=sys.stderr)
        return _EXIT_BAD_INPUT
    # The expected CSVs use LF line endings and minimal quoting, whatever the platform.
    sys.stdout.write(frame.to_csv(index=False, lineterminator="\n"))
    sys.stdout.flush()
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `parse` command and its per-format subcommands to the top-level `projections` parser."""
    parse = subparsers.add_parser(
        "parse",
        help="parse a source payload file and print its rows as CSV",
        description="Parse a source payload file with the pipeline's parser and print its rows as CSV.",
    )
    kinds = parse.add_subparsers(dest="parse_kind", metavar="KIND", required=True)
    injury = kinds.add_parser(
        "injury-pdf",
        help="an official NBA injury report PDF",
        description="Parse an official NBA injury report PDF; print one CSV row per listed player or "
        "NOT YET SUBMITTED team. Exit status 2 if the file cannot be read or parsed.",
    )
    injury.add_argument("file", metavar="FILE.pdf", help="path of the injury report PDF")
    injury.set_defaults(func=_parse_injury_pdf)
