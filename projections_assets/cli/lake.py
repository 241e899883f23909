"""`projections lake ...`: inspect pointers and manifests, sweep staging debris."""

from __future__ import annotations

import argparse
import json
import sys

from projections_assets.partitions import InvalidPartitionKey
from projections_assets.platform.lake import MANIFEST_FILE, InvalidLakeName, Lake, PartitionLocation, TableRef
from projections_assets.platform.pointers import PointerEntry, pointer_history, read_pointer
from projections_assets.platform.publish import slate_pointer_path
from projections_assets.settings import resolve_lake_root


def _table(value: str) -> TableRef:
    layer, _, name = value.partition(".")
    try:
        return TableRef(layer, name)
    except InvalidLakeName as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not LAYER.TABLE: {exc}") from exc


def _print_entries(lake: Lake, entries: list[PointerEntry], with_manifest: bool) -> None:
    for entry in entries:
        record = entry.model_dump(mode="json")
        if with_manifest:
            manifest = lake.resolve(entry.path) / MANIFEST_FILE
            record["manifest"] = json.loads(manifest.read_text()) if manifest.exists() else None
        print(json.dumps(record, indent=2))


def _show(lake: Lake, pointer, history: bool, with_manifest: bool, what: str) -> int:
    entries = pointer_history(pointer) if history else [e for e in [read_pointer(pointer)] if e]
    if not entries:
        print(f"{what} has never been published ({pointer})", file=sys.stderr)
        return 1
    _print_entries(lake, entries, with_manifest)
    return 0


def _cmd_pointer(args: argparse.Namespace) -> int:
    lake = Lake(resolve_lake_root(args.lake))
    try:
        location = PartitionLocation.from_key(args.partition)
    except InvalidPartitionKey as exc:
        print(f"projections lake pointer: {exc}", file=sys.stderr)
        return 2
    pointer = lake.pointer_path(args.table, location)
    return _show(lake, pointer, args.history, args.manifest, f"{args.table} {args.partition}")


def _cmd_slate(args: argparse.Namespace) -> int:
    lake = Lake(resolve_lake_root(args.lake))
    try:
        pointer = slate_pointer_path(lake, args.game_date)
    except InvalidPartitionKey as exc:
        print(f"projections lake slate: {exc}", file=sys.stderr)
        return 2
    return _show(lake, pointer, args.history, args.manifest, f"the slate of {args.game_date}")


def _cmd_sweep(args: argparse.Namespace) -> int:
    lake = Lake(resolve_lake_root(args.lake))
    removed = lake.sweep_staging(older_than_s=args.older_than_hours * 3600)
    print(f"removed {len(removed)} staging director{'y' if len(removed) == 1 else 'ies'} from {lake.root}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    lake = subparsers.add_parser("lake", help="inspect the lake's pointers and manifests")
    lake_sub = lake.add_subparsers(dest="lake_command", metavar="COMMAND", required=True)

    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--lake", help="lake directory (default: $PROJECTIONS_LAKE_ROOT or ./.lake)")

    pointer = lake_sub.add_parser("pointer", help="the current run of one table partition")
    pointer.add_argument("table", type=_table, help="LAYER.TABLE, e.g. silver.injury_snapshot")
    pointer.add_argument("partition", help="partition key, e.g. '2025-12-07|17:30'")
    pointer.add_argument("--history", action="store_true", help="every target the pointer has had")
    pointer.add_argument("--manifest", action="store_true", help="include each run's manifest")
    common(pointer)
    pointer.set_defaults(func=_cmd_pointer)

    slate = lake_sub.add_parser("slate", help="the published slate of a game_date")
    slate.add_argument("game_date", help="YYYY-MM-DD")
    slate.add_argument("--history", action="store_true", help="every slot published for the date")
    slate.add_argument("--manifest", action="store_true", help="include each publication's manifest")
    common(slate)
    slate.set_defaults(func=_cmd_slate)

    sweep = lake_sub.add_parser("sweep-staging", help="remove staging debris left by killed writers")
    sweep.add_argument("--older-than-hours", type=float, default=24.0, help="age threshold (default 24)")
    common(sweep)
    sweep.set_defaults(func=_cmd_sweep)
