"""Write one partition of one table: stage, fsync, validate, manifest, rename, pointer.

The order is what makes a SIGKILL at any instant harmless:

1. `staging_write`  the parquet goes to `<lake>/_staging/<unique>/` (same filesystem, hidden);
2. `fsync`          the file and its directory reach the disk;
3. `validate`       the staged file is read back and checked against the table's contract;
4. `manifest`       the manifest (success or failure) is written beside it, still in staging;
5. `rename`         one `rename(2)` makes the complete run directory appear, immutable from then on;
6. `pointer`        the partition's pointer moves to it, under the partition's lock.

A kill before 5 leaves only hidden staging debris; a kill between 5 and 6
leaves a complete run directory that no pointer names yet; the pointer is
replaced atomically. A failed contract promotes a run directory holding only
its failed manifest, so the attempt is on record and no data is readable.

The published slate moves (forward only, or back by an operator's pin) only
to a publication whose every member run's manifest records a success with all
its checks passed: the verdict is re-read from the lake, not trusted from the
run that asks.
"""

from __future__ import annotations

import logging
import os
import shutil
import traceback
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from projections_assets.platform.contracts import (
    CheckOutcome,
    ContractViolation,
    TableContract,
    evaluate_contract,
)
from projections_assets.platform.fsio import fsync_dir, fsync_file
from projections_assets.platform.lake import (
    DATA_FILE,
    MANIFEST_FILE,
    Lake,
    PartitionLocation,
    TableRef,
)
from projections_assets.platform.manifests import (
    CheckRecord,
    ErrorRecord,
    InputRecord,
    ManifestV1,
    OutputRecord,
    PartitionInfo,
    Timing,
    environment_info,
    utcnow,
)
from projections_assets.platform.pointers import (
    PointerEntry,
    PromotionRefused,
    PublishOutcome,
    publish_pointer,
    read_pointer,
)

logger = logging.getLogger(__name__)

PHASES = ("staging_write", "fsync", "validate", "manifest", "rename", "pointer")


class RunAlreadyPromoted(FileExistsError):
    """A run directory is immutable: the same run cannot publish a partition twice."""


class NoCurrentRun(LookupError):
    """A partition has never been published."""


@dataclass(frozen=True)
class PublishResult:
    run_dir: Path
    manifest: ManifestV1
    pointer: PublishOutcome | None
    outcomes: list[CheckOutcome] = field(default_factory=list)


def _phase(name: str, table: TableRef, partition: PartitionLocation) -> None:
    # Phases are logged so operators (and the fault-injection test) can see
    # exactly where a writer was when it stopped.
    logger.debug("publish phase %s %s %s", name, table, partition.key, extra={"publish_phase": name})


def _output_record(
    lake: Lake, table: TableRef, final_data: Path, df: pd.DataFrame, size: int
) -> OutputRecord:
    nulls = {str(c): int(n) for c, n in df.isna().sum().items() if n}
    return OutputRecord(
        name=str(table),
        path=lake.relative(final_data.parent) + "/" + DATA_FILE,
        row_count=len(df),
        columns=[str(c) for c in df.columns],
        null_counts=nulls,
        size_bytes=size,
    )


def to_arrow(df: pd.DataFrame) -> pa.Table:
    return pa.Table.from_pandas(df, preserve_index=False)


def publish_partition(
    lake: Lake,
    table: TableRef,
    partition: PartitionLocation,
    run_id: str,
    df: pd.DataFrame,
    contract: TableContract,
    *,
    inputs: list[InputRecord] | None = None,
    orchestrator_run_id: str | None = None,
    started_at: datetime | None = None,
    move_pointer: bool = True,
) -> PublishResult:
    """Publish `df` as `run_id`'s output for one partition; raise on a failed contract."""
    started = started_at or utcnow()
    final_dir = lake.run_dir(table, partition, run_id)
    if final_dir.exists():
        raise RunAlreadyPromoted(f"{final_dir} already exists; a promoted run directory is never modified")
    staging = lake.new_staging_dir(run_id)
    staged_data = staging / DATA_FILE
    outcomes: list[CheckOutcome] = []
    error: ErrorRecord | None = None
    failure: BaseException | None = None
    output: OutputRecord | None = None
    try:
        _phase("staging_write", table, partition)
        pq.write_table(to_arrow(df), staged_data, **contract.write_options)

        _phase("fsync", table, partition)
        fsync_file(staged_data)
        fsync_dir(staging)

        _phase("validate", table, partition)
        staged = pq.read_table(staged_data).to_pandas()
        outcomes = evaluate_contract(contract, staged, partition.run_as_of_ts)
        failed = [o for o in outcomes if not o.passed]
        if failed:
            failure = ContractViolation(table, partition.key, failed)
            error = ErrorRecord(type=type(failure).__name__, message=str(failure), check=failed[0].name)
            staged_data.unlink()
        else:
            output = _output_record(lake, table, final_dir / DATA_FILE, staged, staged_data.stat().st_size)
    except Exception as exc:
        failure = exc
        error = ErrorRecord(
            type=type(exc).__name__,
            message=f"{table} partition {partition.key}: {exc}",
            traceback_snippet="".join(traceback.format_exception(exc))[-2000:],
        )
        staged_data.unlink(missing_ok=True)

    _phase("manifest", table, partition)
    finished = utcnow()
    manifest = ManifestV1(
        asset=str(table),
        partition=PartitionInfo(
            key=partition.key,
            game_date=partition.game_date.isoformat() if partition.game_date else None,
            run_as_of_ts=partition.run_as_of_ts.isoformat() if partition.run_as_of_ts else None,
            run_id=run_id,
        ),
        status="failed" if error else "success",
        timing=Timing(
            started_at=started, finished_at=finished, duration_s=(finished - started).total_seconds()
        ),
        inputs=inputs or [],
        outputs=[output] if output else [],
        checks=[
            CheckRecord(name=o.name, passed=o.passed, description=o.description, failing_rows=o.failing_count)
            for o in outcomes
        ],
        error=error,
        environment=environment_info(orchestrator_run_id),
    )
    manifest_path = staging / MANIFEST_FILE
    with open(manifest_path, "wb") as fh:
        fh.write(manifest.to_json_bytes())
        fh.flush()
        os.fsync(fh.fileno())
    fsync_dir(staging)

    _phase("rename", table, partition)
    final_dir.parent.mkdir(parents=True, exist_ok=True)
    try:
        # rename(2) of a directory onto an existing non-empty one fails, which
        # is exactly the immutability a promoted run directory needs.
        os.rename(staging, final_dir)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise RunAlreadyPromoted(f"{final_dir} could not be promoted: {exc}") from exc
    fsync_dir(final_dir.parent)

    if failure is not None:
        raise failure

    pointer_outcome = None
    if move_pointer:
        _phase("pointer", table, partition)
        pointer_outcome = publish_pointer(
            lake.pointer_path(table, partition),
            PointerEntry(
                run_id=run_id,
                path=lake.relative(final_dir),
                order_key=partition.order_key,
                partition_key=partition.key,
                row_count=output.row_count if output else None,
                published_at=utcnow(),
                orchestrator_run_id=orchestrator_run_id,
            ),
        )
    return PublishResult(run_dir=final_dir, manifest=manifest, pointer=pointer_outcome, outcomes=outcomes)


def current_run_dir(lake: Lake, table: TableRef, partition: PartitionLocation) -> Path:
    entry = read_pointer(lake.pointer_path(table, partition))
    if entry is None:
        raise NoCurrentRun(f"{table} partition {partition.key} has no published run")
    return lake.resolve(entry.path)


def load_partition(lake: Lake, table: TableRef, partition: PartitionLocation) -> pd.DataFrame:
    """The partition's current output, named by its pointer (never by mtime)."""
    return pq.read_table(current_run_dir(lake, table, partition) / DATA_FILE).to_pandas()


def slate_pointer_path(lake: Lake, game_date: str) -> Path:
    """The game_date's published-slate pointer (forward only, docs/design.md decision 5)."""
    location = PartitionLocation.from_key(game_date)
    return lake.named_pointer_path("slate", location.parts[0])


def verify_run_record(lake: Lake, run_dir: Path, what: str) -> ManifestV1:
    """The run's manifest, if it records a success whose every check ran and passed.

    Otherwise `PromotionRefused`, its message starting with `what` and saying
    what the record holds: no manifest, a failure, failed checks, or none.
    """
    path = run_dir / MANIFEST_FILE
    where = lake.relative(run_dir) if run_dir.is_relative_to(lake.root) else str(run_dir)
    try:
        manifest = ManifestV1.read(path)
    except FileNotFoundError:
        raise PromotionRefused(f"{what}: its checks never ran on record (no manifest in {where})") from None
    except ValueError as exc:
        raise PromotionRefused(f"{what}: its manifest in {where} is unreadable: {exc}") from exc
    if manifest.status != "success":
        found = f" ({manifest.error.message})" if manifest.error else ""
        raise PromotionRefused(f"{what}: its manifest in {where} records status {manifest.status}{found}")
    if not manifest.checks:
        raise PromotionRefused(f"{what}: its checks never ran on record (the manifest in {where} lists none)")
    failed = [c.name for c in manifest.checks if not c.passed]
    if failed:
        raise PromotionRefused(f"{what}: check {', '.join(failed)} failed per its manifest in {where}")
    return manifest


def _verify_members(lake: Lake, members: list[tuple[str, str, str]], what: str) -> None:
    """(table, run id, run directory) of each member: every one must have passed on record."""
    for table, run_id, path in members:
        verify_run_record(lake, lake.resolve(path), f"{what}: member {table} run {run_id}")


def publish_slate(
    lake: Lake,
    members: list[TableRef],
    partition: PartitionLocation,
    run_id: str,
    contract: TableContract,
    *,
    orchestrator_run_id: str | None = None,
) -> tuple[PublishResult, PublishOutcome]:
    """Record which run of each member table makes up this slot's slate, then move the
    game_date's slate pointer to it unless a later slot is already published.

    Each member's run must have passed its checks per its manifest, whichever
    run asks: a slot that did not pass publishes nothing (`PromotionRefused`).
    """
    if partition.game_date is None:
        raise ValueError("a slate is published for a (game_date, slot) partition")
    rows = []
    for table in members:
        entry = read_pointer(lake.pointer_path(table, partition))
        if entry is None:
            raise NoCurrentRun(f"cannot publish {partition.key}: {table} has no published run for it")
        rows.append(
            {
                "table": str(table),
                "partition_key": entry.partition_key or "",
                "run_id": entry.run_id,
                "path": entry.path,
                "row_count": int(entry.row_count or 0),
            }
        )
    _verify_members(
        lake,
        [(r["table"], r["run_id"], r["path"]) for r in rows],
        f"refused to publish the slate of {partition.key}",
    )
    frame = pd.DataFrame(rows).astype({"row_count": "int64"})
    inputs = [
        InputRecord(
            name=r["table"],
            path=r["path"],
            partition=r["partition_key"],
            run_id=r["run_id"],
            row_count=r["row_count"],
        )
        for r in rows
    ]
    result = publish_partition(
        lake,
        contract.table,
        partition,
        run_id,
        frame,
        contract,
        inputs=inputs,
        orchestrator_run_id=orchestrator_run_id,
    )
    _phase("pointer", contract.table, partition)
    outcome = publish_pointer(
        slate_pointer_path(lake, partition.game_date.isoformat()),
        _slate_entry(lake, result.run_dir, run_id, partition, len(frame), orchestrator_run_id, "publish"),
        forward_only=True,
    )
    return result, outcome


def _slate_entry(
    lake: Lake,
    run_dir: Path,
    run_id: str,
    partition: PartitionLocation,
    members: int,
    orchestrator_run_id: str | None,
    action: str,
) -> PointerEntry:
    return PointerEntry(
        run_id=run_id,
        path=lake.relative(run_dir),
        order_key=partition.order_key,
        partition_key=partition.key,
        row_count=members,
        published_at=utcnow(),
        orchestrator_run_id=orchestrator_run_id,
        action=action,
    )


def pin_slate(
    lake: Lake,
    partition: PartitionLocation,
    run_id: str,
    *,
    reason: str,
    actor: str,
) -> PublishOutcome:
    """An operator's rollback of a game_date's slate to the publication `run_id` made for `partition`.

    The publication and every member run it names must have passed on record;
    the forward-only rule is what a pin overrides, and the reason and actor
    are kept in the pointer's history. The next publication of a later slot
    moves the slate forward again.
    """
    if partition.game_date is None:
        raise ValueError("a slate is pinned to a (game_date, slot) partition")
    if not reason.strip():
        raise ValueError("a pin of the slate needs a reason (it is kept in the pointer's history)")
    day = partition.game_date.isoformat()
    pointer = slate_pointer_path(lake, day)
    current = read_pointer(pointer)
    what = f"refused to pin the slate of {day} to {partition.key} run {run_id}"
    if current is None:
        raise PromotionRefused(f"{what}: the slate of {day} has never been published")
    # The publication table is the one the slate pointer already names (`<layer>/<table>/...`).
    table = TableRef.from_path(PurePosixPath(current.path).parts[:2])
    run_dir = lake.run_dir(table, partition, run_id)
    manifest = verify_run_record(lake, run_dir, what)
    if not manifest.inputs:
        raise PromotionRefused(f"{what}: its manifest names no member runs")
    _verify_members(lake, [(i.name, i.run_id or "?", i.path or "") for i in manifest.inputs], what)
    entry = _slate_entry(lake, run_dir, run_id, partition, len(manifest.inputs), None, "pin")
    return publish_pointer(pointer, entry.model_copy(update={"reason": reason.strip(), "actor": actor}))
