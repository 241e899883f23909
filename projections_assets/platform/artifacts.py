"""Run-scoped artifact directories (trained models) and the pointers that name the current one.

`<lake>/models/<name>/run=<run_id>/` is written in staging and renamed into
place in one step, so a model directory is complete or absent, and never
modified afterwards. `<lake>/_pointers/models/<name>.json` names the current
model; it moves only through `promote`, under the pointer's lock, and keeps
its history like every pointer.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from projections_assets.platform.fsio import fsync_dir, fsync_file
from projections_assets.platform.lake import Lake, validate_name, validate_run_id
from projections_assets.platform.manifests import utcnow
from projections_assets.platform.pointers import PointerEntry, PublishOutcome, publish_pointer, read_pointer

MODELS_DIR = "models"


class NoCurrentArtifact(LookupError):
    """No artifact of this name has been promoted yet."""


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

    def write(self, name: str, run_id: str, writer: Callable[[Path], object]) -> Path:
        """Let `writer` fill a staging directory, fsync it, and rename it to the run's directory."""
        final = self.run_dir(name, run_id)
        if final.exists():
            raise FileExistsError(f"{final} already exists; an artifact directory is never rewritten")
        staging = self.lake.new_staging_dir(run_id)
        try:
            writer(staging)
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

    def promote(self, name: str, run_id: str, orchestrator_run_id: str | None = None) -> PublishOutcome:
        run_dir = self.run_dir(name, run_id)
        if not run_dir.is_dir():
            raise NoCurrentArtifact(f"cannot promote {name} run {run_id}: {run_dir} does not exist")
        return publish_pointer(
            self.pointer_path(name),
            PointerEntry(
                run_id=run_id,
                path=self.lake.relative(run_dir),
                order_key=utcnow().isoformat(),
                partition_key=None,
                published_at=utcnow(),
                orchestrator_run_id=orchestrator_run_id,
            ),
        )

    def current(self, name: str) -> tuple[str, Path]:
        """(run id, directory) of the current artifact."""
        entry = read_pointer(self.pointer_path(name))
        if entry is None:
            raise NoCurrentArtifact(f"no {name} has been promoted yet")
        return entry.run_id, self.lake.resolve(entry.path)
