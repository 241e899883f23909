"""`projections export`: the unified projections of a slot as csv, dfs-tools or DraftKings' layout.

By default the game_date's published slot (the slate pointer); `--slot` names another slot, read
from the unified table's own pointer for that partition (published or not).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyarrow.parquet as pq

from projections_assets.contracts.unified import UNIFIED_PROJECTIONS
from projections_assets.core.exports import FORMATS, export
from projections_assets.partitions import InvalidPartitionKey, parse_game_date, parse_slot
from projections_assets.platform.lake import DATA_FILE, Lake, PartitionLocation, TableRef
from projections_assets.platform.pointers import PointerEntry, read_pointer
from projections_assets.platform.publish import NoCurrentRun, current_run_dir, slate_pointer_path
from projections_assets.settings import resolve_lake_root


class ExportError(LookupError):
    """Nothing to export where the user pointed (no published slot, no such partition)."""


def _published(lake: Lake, game_date: str) -> PointerEntry:
    entry = read_pointer(slate_pointer_path(lake, game_date))
    if entry is None:
        raise ExportError(
            f"no slot of {game_date} has been published in the lake {lake.root}; name one with --slot, "
            "or run the slate (make demo, or the slate job)"
        )
    return entry


def slot_run_dir(lake: Lake, table: TableRef, game_date: str, slot: str | None) -> tuple[str, Path]:
    """(partition key, run directory) of `table` at the given slot, or at the game_date's published slot."""
    key = f"{game_date}|{slot}" if slot else str(_published(lake, game_date).partition_key)
    try:
        return key, current_run_dir(lake, table, PartitionLocation.from_key(key))
    except NoCurrentRun as exc:
        raise ExportError(f"{exc}: run the slate job for {key} first") from exc


def published_unified_dir(lake: Lake, game_date: str, slot: str | None) -> tuple[str, Path]:
    """The unified table to export: the published slate's own member run (what readers see), or the
    given slot's current run."""
    if slot is not None:
        return slot_run_dir(lake, UNIFIED_PROJECTIONS.table, game_date, slot)
    entry = _published(lake, game_date)
    members = pq.read_table(lake.resolve(entry.path) / DATA_FILE).to_pandas()
    row = members[members["table"] == str(UNIFIED_PROJECTIONS.table)]
    if row.empty:
        raise ExportError(
            f"the published slot {entry.partition_key} predates the unified projections; name a slot with --slot"
        )
    return str(entry.partition_key), lake.resolve(str(row["path"].iloc[0]))


def add_slot_arguments(parser: argparse.ArgumentParser) -> None:
    """--date, --slot and --lake, as every command reading one slot of the lake takes them."""
    parser.add_argument("--date", required=True, help="game_date, YYYY-MM-DD")
    parser.add_argument("--slot", help="report slot HH:MM (default: the date's published slot)")
    parser.add_argument("--lake", help="lake directory (default: $PROJECTIONS_LAKE_ROOT, else ./.lake)")


def slot_arguments(args: argparse.Namespace) -> tuple[str, str | None]:
    """(game_date, slot or None) validated on the partition grid (`InvalidPartitionKey` otherwise)."""
    game_date = parse_game_date(args.date).isoformat()
    return game_date, parse_slot(args.slot).strftime("%H:%M") if args.slot else None


def _command(args: argparse.Namespace) -> int:
    try:
        game_date, slot = slot_arguments(args)
    except InvalidPartitionKey as exc:
        print(f"projections export: {exc}", file=sys.stderr)
        return 2
    lake = Lake(resolve_lake_root(args.lake))
    try:
        key, run_dir = published_unified_dir(lake, game_date, slot)
        table = pq.read_table(run_dir / DATA_FILE).to_pandas()
        text = export(table, args.format, args.draft_group)
    except (ExportError, ValueError) as exc:
        print(f"projections export: {exc}", file=sys.stderr)
        return 1
    if args.out:
        Path(args.out).write_text(text)
        print(f"wrote {text.count(chr(10)) - 1} rows of {key} ({args.format}) to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="export a slot's unified projections (csv, dfs-tools, dk)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_slot_arguments(parser)
    parser.add_argument("--draft-group", type=int, help="one DraftKings draft group id (default: all)")
    parser.add_argument("--format", choices=FORMATS, default="csv", help="output layout (default csv)")
    parser.add_argument("--out", help="file to write (default: standard output)")
    parser.set_defaults(func=_command)
