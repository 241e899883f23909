"""`projections explain`: what changed in a slot's DK means since the previous report slot, and why.

Reads `gold/what_changed` of the game_date's published slot (or `--slot`) and prints each player's
change with its parts in words, largest first ("+4.1: teammates' status: teammate Jalen Smith ruled
Out at 18:30").
"""

from __future__ import annotations

import argparse
import sys

import pyarrow.parquet as pq

from projections_assets.cli.export import ExportError, add_slot_arguments, slot_arguments, slot_run_dir
from projections_assets.contracts.unified import WHAT_CHANGED
from projections_assets.core.what_changed import base_partition, lines
from projections_assets.partitions import InvalidPartitionKey, parse_key
from projections_assets.platform.lake import DATA_FILE, Lake
from projections_assets.settings import resolve_lake_root


def _command(args: argparse.Namespace) -> int:
    try:
        game_date, slot = slot_arguments(args)
    except InvalidPartitionKey as exc:
        print(f"projections explain: {exc}", file=sys.stderr)
        return 2
    lake = Lake(resolve_lake_root(args.lake))
    try:
        key, run_dir = slot_run_dir(lake, WHAT_CHANGED.table, game_date, slot)
    except ExportError as exc:
        print(f"projections explain: {exc}", file=sys.stderr)
        return 1
    table = pq.read_table(run_dir / DATA_FILE).to_pandas()
    if args.player:
        table = table[table["player_name"].str.contains(args.player, case=False, regex=False)]
    since = base_partition(parse_key(key)).slot_key
    print(f"What changed in {key} since {since} ET (DK mean moves of 0.5+):")
    text = lines(table)
    print("\n".join(text) if text else "  nothing" + (f" for {args.player!r}" if args.player else ""))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "explain",
        help="what changed in a slot's projections and why",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_slot_arguments(parser)
    parser.add_argument("--player", help="only players whose name contains this (case-insensitive)")
    parser.set_defaults(func=_command)
