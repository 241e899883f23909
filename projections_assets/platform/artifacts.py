"""Run-scoped artifact directories (trained models), their gate records, and the pointers that name the current one.

`<lake>/models/<name>/run=<run_id>/` is written in staging and renamed into
place in one step, so a model directory is complete or absent, and never
modified afterwards. Its gate record (`gates.json`: every promotion gate the
training step declared, passed, failed or not run) is written in the same
staging directory, so the verdict is as durable and immutable as the model.
`<lake>/_pointers/models/<name>.json` names the current model; it moves only
through `promote` (every gate re-verified from the record, under the
pointer's lock) or `pin` (an operator's rollback to a candidate whose gates
passed, with the reason kept in the pointer's history).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from projections_assets.platform.fsio import fsync_dir, fsync_file
from projections_assets.platform.lake import Lake, validate_name, validate_run_id
from projections_assets.platform.manifests import utcnow
from projections_assets.platform.pointers import (
    PointerEntry,
    PromotionRefused,
    PublishOutcome,
    publish_pointer,
    read_pointer,
)

MODELS_DIR = "models"
GATES_FILE = "gates.json"
GATE_RECORD_VERSION = 1


class NoCurrentArtifact(LookupError):
    """No artifact of this name has been promoted yet."""


class GateResult(BaseModel):
    """One promotion gate's verdict on a candidate, as its training step computed it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    status: Literal["passed", "failed", "not_run"]
    summary: str = Field(default="", description="One line an operator can read (what was compared).")
    relative_to_current: bool = Field(
        default=False,
        description="The verdict compares with the artifact current at training time, so it holds "
        "only while that one stays current.",
    )
    baseline_run_id: str | None = Field(
        default=None, description="The run that was current when the gate judged (None: none was)."
    )
    details: dict[str, Any] = Field(default_factory=dict)
    evaluated_at: datetime = Field(default_factory=utcnow)


class GateRecord(BaseModel):
    """`gates.json` of an artifact directory."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int = GATE_RECORD_VERSION
    artifact: str
    run_id: str
    gates: tuple[GateResult, ...]
    written_at: datetime = Field(default_factory=utcnow)


class ArtifactStore:
    """Models (or any directory of files) per name and run, with a current-version pointer."""

    def __init__(self, lake: Lake) -> None:
        self.lake = lake

    def run_dir(self, name: str, run_id: str) -> Path:
        return (
            self.lake.root
            / MODELS_DIR
            / validate_name(name, "artifact name")
            / f"run={validate_run_id(run_id)}"
        )

    def pointer_path(self, name: str) -> Path:
        return self.lake.named_pointer_path(MODELS_DIR, validate_name(name, "artifact name"))

    def write(
        self,
        name: str,
        run_id: str,
        writer: Callable[[Path], object],
        gates: Sequence[GateResult] = (),
    ) -> Path:
        """Let `writer` fill a staging directory, add the gate record, fsync, and rename it into place.

        Without `gates` no record is written, and the artifact can never be
        promoted or pinned: its gates never ran on record.
        """
        final = self.run_dir(name, run_id)
        if final.exists():
            raise FileExistsError(f"{final} already exists; an artifact directory is never rewritten")
        staging = self.lake.new_staging_dir(run_id)
        try:
            writer(staging)
            if gates:
                if (staging / GATES_FILE).exists():
                    raise FileExistsError(f"the {name} writer wrote {GATES_FILE}, a name the store reserves")
                record = GateRecord(artifact=name, run_id=run_id, gates=tuple(gates))
                (staging / GATES_FILE).write_bytes(record.model_dump_json(indent=2).encode())
            for path in staging.rglob("*"):
                if path.is_file():
                    fsync_file(path)
            fsync_dir(staging)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.rename(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        fsync_dir(final.parent)
        return final

    def gate_record(self, name: str, run_id: str) -> GateRecord | None:
        """The candidate's gate record, or None when it has none (its gates never ran on record)."""
        path = self.run_dir(name, run_id) / GATES_FILE
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            return GateRecord.model_validate_json(raw)
        except ValueError as exc:
            raise PromotionRefused(
                f"{name} run {run_id}: its gate record {path} is unreadable: {exc}"
            ) from exc

    def verify(
        self, name: str, run_id: str, required: Sequence[str] = (), *, action: str = "promote"
    ) -> GateRecord:
        """The candidate's gate record, if it shows every gate passed; else `PromotionRefused`.

        The gates checked are `required` (the promoter's own list, so a record
        that leaves one out cannot slip through) plus every gate the record
        declares; a record declaring none sanctions nothing.
        """
        run_dir = self.run_dir(name, run_id)
        what = f"refused to {action} {name} run {run_id}"
        if not run_dir.is_dir():
            raise PromotionRefused(f"{what}: {run_dir} does not exist")
        record = self.gate_record(name, run_id)
        record_path = self.lake.relative(run_dir / GATES_FILE)
        if record is None:
            gates = ", ".join(repr(g) for g in required) or "its gates"
            raise PromotionRefused(f"{what}: gate {gates} never ran (no gate record at {record_path})")
        if (record.artifact, record.run_id) != (name, run_id):
            raise PromotionRefused(
                f"{what}: its gate record {record_path} is of {record.artifact} run {record.run_id}"
            )
        by_name = {g.name: g for g in record.gates}
        names = list(dict.fromkeys([*required, *by_name]))
        if not names:
            raise PromotionRefused(f"{what}: its gate record {record_path} declares no gate")
        problems = []
        for gate in names:
            result = by_name.get(gate)
            if result is None:
                problems.append(f"gate {gate!r} never ran (absent from {record_path})")
            elif result.status == "not_run":
                problems.append(f"gate {gate!r} never ran ({result.summary or 'not selected in its run'})")
            elif result.status == "failed":
                problems.append(f"gate {gate!r} failed ({result.summary or 'see ' + record_path})")
        if problems:
            raise PromotionRefused(f"{what}: " + "; ".join(problems))
        return record

    def promote(
        self,
        name: str,
        run_id: str,
        *,
        gates: Sequence[str],
        orchestrator_run_id: str | None = None,
    ) -> PublishOutcome:
        """Make `run_id` current after re-verifying its gates from its record.

        A gate judged against the then-current artifact holds only while that
        one is current: if the pointer moved since (another promotion, a pin),
        the promotion is refused under the pointer's lock.
        """
        record = self.verify(name, run_id, gates)
        pointer = self.pointer_path(name)
        current = read_pointer(pointer)
        if current is not None and current.run_id == run_id:
            return PublishOutcome(
                moved=False, current=current, reason=f"{name} run {run_id} is already current"
            )
        relative = [g for g in record.gates if g.relative_to_current]

        def judged_against_current(now: PointerEntry | None) -> str | None:
            now_run = now.run_id if now else None
            stale = [g for g in relative if g.baseline_run_id != now_run]
            if not stale:
                return None
            return (
                f"refused to promote {name} run {run_id}: gate {stale[0].name!r} judged it against "
                f"{stale[0].baseline_run_id or 'no current ' + name}, but the current {name} is now "
                f"{now_run or 'none'}; retrain against the current one, or roll back deliberately with "
                f"`projections lake pin models/{name} --run {run_id} --reason ...`"
            )

        return publish_pointer(
            pointer,
            self._entry(name, run_id, orchestrator_run_id, action="promote", gates=record.gates),
            precondition=judged_against_current,
        )

    def pin(
        self,
        name: str,
        run_id: str,
        *,
        reason: str,
        actor: str,
        orchestrator_run_id: str | None = None,
    ) -> PublishOutcome:
        """An operator's rollback: point at `run_id`, whose every gate passed, recording who and why.

        Gates judged against an earlier current artifact are accepted: the
        operator chooses the comparison; the pointer's history keeps the reason.
        """
        if not reason.strip():
            raise ValueError(f"a pin of {name} needs a reason (it is kept in the pointer's history)")
        record = self.verify(name, run_id, action="pin")
        entry = self._entry(name, run_id, orchestrator_run_id, action="pin", gates=record.gates)
        return publish_pointer(
            self.pointer_path(name), entry.model_copy(update={"reason": reason.strip(), "actor": actor})
        )

    def _entry(
        self,
        name: str,
        run_id: str,
        orchestrator_run_id: str | None,
        *,
        action: Literal["promote", "pin"],
        gates: Sequence[GateResult],
    ) -> PointerEntry:
        now = utcnow()
        return PointerEntry(
            run_id=run_id,
            path=self.lake.relative(self.run_dir(name, run_id)),
            order_key=now.isoformat(),
            partition_key=None,
            published_at=now,
            orchestrator_run_id=orchestrator_run_id,
            action=action,
            gates=tuple(g.name for g in gates),
        )

    def current(self, name: str) -> tuple[str, Path]:
        """(run id, directory) of the current artifact."""
        entry = read_pointer(self.pointer_path(name))
        if entry is None:
            raise NoCurrentArtifact(f"no {name} has been promoted yet")
        return entry.run_id, self.lake.resolve(entry.path)
