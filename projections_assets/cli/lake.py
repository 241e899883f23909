"""`projections lake ...`: inspect pointers and manifests, report a backfill, pin a pointer back, sweep
staging debris, prune old unnamed runs."""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import json
import sys
from datetime import UTC, datetime

from projections_assets.partitions import InvalidPartitionKey, parse_game_date
from projections_assets.platform.artifacts import MODELS_DIR, ArtifactStore
from projections_assets.platform.lake import MANIFEST_FILE, InvalidLakeName, Lake, PartitionLocation, TableRef
from projections_assets.platform.pointers import (
    PointerEntry,
    PromotionRefused,
    PublishOutcome,
    pointer_history,
    read_pointer,
)
from projections_assets.platform.publish import pin_slate, slate_pointer_path
from projections_assets.platform.retention import newest_capture, prune
from projections_assets.platform.summary import summarize_partitions
from projections_assets.settings import operations_settings, resolve_lake_root


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


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        # A container user without a passwd entry has no name to find.
        return "unknown"


def _pin(lake: Lake, args: argparse.Namespace) -> PublishOutcome:
    kind, _, name = args.target.partition("/")
    actor = args.by or _operator()
    if kind == MODELS_DIR and name:
        if args.slot:
            raise ValueError("--slot is for a slate pin, not a model's")
        return ArtifactStore(lake).pin(name, args.run, reason=args.reason, actor=actor)
    if kind == "slate" and name:
        if not args.slot:
            raise ValueError("a slate pin needs --slot HH:MM (the slot whose publication to pin)")
        location = PartitionLocation.from_key(f"{name}|{args.slot}")
        return pin_slate(lake, location, args.run, reason=args.reason, actor=actor)
    raise ValueError(f"pin target {args.target!r} is neither {MODELS_DIR}/NAME nor slate/YYYY-MM-DD")


def _cmd_pin(args: argparse.Namespace) -> int:
    lake = Lake(resolve_lake_root(args.lake))
    try:
        outcome = _pin(lake, args)
    except PromotionRefused as exc:
        print(f"projections lake pin: {exc}", file=sys.stderr)
        return 1
    except (ValueError, InvalidPartitionKey) as exc:
        # InvalidLakeName is a ValueError: a bad model name or run id lands here too.
        print(f"projections lake pin: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(outcome.current.model_dump(mode="json"), indent=2))
    print(f"pinned {args.target} to run {args.run}", file=sys.stderr)
    return 0


def _cmd_sweep(args: argparse.Namespace) -> int:
    lake = Lake(resolve_lake_root(args.lake))
    removed = lake.sweep_staging(older_than_s=args.older_than_hours * 3600)
    print(f"removed {len(removed)} staging director{'y' if len(removed) == 1 else 'ies'} from {lake.root}")
    return 0


def _cmd_summary(args: argparse.Namespace) -> int:
    lake = Lake(resolve_lake_root(args.lake))
    try:
        first, last = parse_game_date(args.first), parse_game_date(args.last)
        rows = summarize_partitions(lake, first, last, args.table)
    except (InvalidPartitionKey, ValueError) as exc:
        print(f"projections lake summary: {exc}", file=sys.stderr)
        return 2
    if args.failed:
        rows = [r for r in rows if r.failed]
    if args.json:
        for r in rows:
            print(json.dumps(dataclasses.asdict(r)))
        return 0
    print(f"{'table':32} {'partition':18} {'status':8} {'seconds':>8} {'rows':>8}  latest run")
    for r in rows:
        rows_text = "" if r.rows is None else str(r.rows)
        print(
            f"{r.table:32} {r.partition:18} {r.status:8} {r.duration_s:8.1f} {rows_text:>8}  {r.latest_run}"
        )
        if r.error:
            print(f"{'':32} {r.error}")
    failed = sum(r.failed for r in rows)
    print(
        f"{len(rows)} partitions of {first}..{last}: {len(rows) - failed} succeeded, {failed} failed; "
        f"{sum(r.duration_s for r in rows):.1f} s in all"
    )
    return 0


def _prune_now(lake: Lake, given: str | None) -> tuple[datetime, str]:
    """(now, where it came from): --now, else the newest capture in the lake's bronze (the sources'
    clock as the lake last saw it; never the machine's)."""
    if given:
        try:
            now = datetime.fromisoformat(given)
        except ValueError as exc:
            raise ValueError(f"--now {given!r} is not an ISO date-time: {exc}") from None
        if now.tzinfo is None:
            raise ValueError(f"--now {given!r} has no time zone (e.g. {given}Z or {given}+00:00)")
        return now.astimezone(UTC), "--now"
    newest = newest_capture(lake)
    if newest is None:
        raise ValueError(
            f"the lake {lake.root} holds no bronze capture to take the sources' clock from: give --now"
        )
    return newest.astimezone(UTC), "the newest bronze capture in the lake"


def _cmd_prune(args: argparse.Namespace) -> int:
    lake = Lake(resolve_lake_root(args.lake))
    days = (
        args.older_than_days
        if args.older_than_days is not None
        else operations_settings().retention_older_than_days
    )
    try:
        now, source = _prune_now(lake, args.now)
        result = prune(lake, now, days, dry_run=args.dry_run, now_source=source)
    except ValueError as exc:
        print(f"projections lake prune: {exc}", file=sys.stderr)
        return 2
    plan = result.plan
    listed = plan.candidates if result.dry_run else result.pruned
    if args.json:
        for c in listed:
            print(json.dumps(dataclasses.asdict(c)))
    else:
        print(f"{'table':32} {'partition':18} {'status':8} {'age (d)':>8}  run directory")
        for c in listed:
            print(f"{c.table:32} {c.partition or '':18} {c.status:8} {c.age_days:8.1f}  {c.path}")
    verb = "would prune" if result.dry_run else "pruned"
    kept = ", ".join(f"{n} {why}" for why, n in plan.kept.items()) or "none"
    print(
        f"{verb} {len(listed)} run director{'y' if len(listed) == 1 else 'ies'} finished before {plan.cutoff} "
        f"(now {plan.now}, from {source}; older than {plan.older_than_days} days); kept: {kept}"
        + (f"; manifest {result.manifest}" if result.manifest else ""),
        file=sys.stderr,
    )
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

    pin = lake_sub.add_parser(
        "pin",
        help="point a model or a date's slate back at an earlier run whose gates passed",
        description=(
            "Roll a pointer back to an earlier candidate. The candidate's durable record must show its "
            "gates passed (a model's gates.json; a slate publication's manifest and every member's); "
            "the reason, who and when are kept in the pointer's history."
        ),
    )
    pin.add_argument("target", help=f"{MODELS_DIR}/NAME (e.g. {MODELS_DIR}/minutes) or slate/YYYY-MM-DD")
    pin.add_argument("--run", required=True, help="run id of the candidate to pin")
    pin.add_argument("--reason", required=True, help="why (kept in the pointer's history)")
    pin.add_argument("--slot", help="HH:MM: the slot of the slate publication to pin (slate only)")
    pin.add_argument("--by", help="who pins (default: the current user)")
    common(pin)
    pin.set_defaults(func=_cmd_pin)

    summary = lake_sub.add_parser(
        "summary",
        help="a backfill's report: each partition's latest attempt, duration and rows, from the manifests",
    )
    summary.add_argument("--from", dest="first", required=True, help="first game date, YYYY-MM-DD")
    summary.add_argument("--to", dest="last", required=True, help="last game date, YYYY-MM-DD")
    summary.add_argument("--table", type=_table, help="LAYER.TABLE only (default: every table)")
    summary.add_argument("--failed", action="store_true", help="only partitions whose latest attempt failed")
    summary.add_argument("--json", action="store_true", help="one JSON object per partition")
    common(summary)
    summary.set_defaults(func=_cmd_summary)

    prune_cmd = lake_sub.add_parser(
        "prune",
        help="delete old run directories of silver, gold and published that no pointer or lock names",
        description=(
            "Retention (docs/operations.md): run directories of partitioned silver, gold and published "
            "tables whose manifest finished more than N days before now, named by no pointer (current or "
            "history), no publication and no lock record. Never bronze, blobs, labels or models. Each "
            "prune writes <lake>/_retention/<id>.json listing what went and why."
        ),
    )
    prune_cmd.add_argument(
        "--older-than-days",
        type=int,
        help="age threshold in days (default: [retention] older_than_days in config/operations.toml)",
    )
    prune_cmd.add_argument(
        "--now",
        help="the sources' clock, ISO with a time zone (default: the newest bronze capture in the lake)",
    )
    prune_cmd.add_argument("--dry-run", action="store_true", help="list what would go, delete nothing")
    prune_cmd.add_argument("--json", action="store_true", help="one JSON object per run directory")
    common(prune_cmd)
    prune_cmd.set_defaults(func=_cmd_prune)

    sweep = lake_sub.add_parser("sweep-staging", help="remove staging debris left by killed writers")
    sweep.add_argument("--older-than-hours", type=float, default=24.0, help="age threshold (default 24)")
    common(sweep)
    sweep.set_defaults(func=_cmd_sweep)
