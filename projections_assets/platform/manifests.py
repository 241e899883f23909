"""Run manifests, schema v1 (docs/design.md decision 6): the durable record of every materialization.

Dagster's event log is the UI; a manifest is what survives a lost Dagster
database. One is written for every attempt to publish a partition, failed
ones included, inside the run directory it describes.
"""

from __future__ import annotations

import os
import platform
import socket
import subprocess
from datetime import UTC, datetime
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MANIFEST_VERSION = "v1"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PartitionInfo(_Model):
    key: str | None = None
    game_date: str | None = None
    run_as_of_ts: str | None = None
    run_id: str
    draft_group_id: str | None = None


class Timing(_Model):
    started_at: datetime
    finished_at: datetime
    duration_s: float


class InputRecord(_Model):
    """One input of a materialization: a lake table read, or a payload fetched from a source.

    Source fetches also carry the URL (secrets redacted), every HTTP attempt
    it took, and the content hash of the stored payload.
    """

    name: str
    path: str | None = None
    partition: str | None = None
    run_id: str | None = None
    row_count: int | None = None
    file_count: int | None = None
    url: str | None = None
    attempts: int | None = None
    attempt_statuses: list[str] | None = None
    content_sha256: str | None = None
    captured_at: datetime | None = None


class OutputRecord(_Model):
    name: str
    path: str
    row_count: int
    columns: list[str] = Field(default_factory=list)
    null_counts: dict[str, int] = Field(default_factory=dict)
    size_bytes: int | None = None


class CheckRecord(_Model):
    name: str
    passed: bool
    description: str = ""
    failing_rows: int = 0


class ErrorRecord(_Model):
    type: str
    message: str
    check: str | None = None
    traceback_snippet: str = ""


class EnvironmentInfo(_Model):
    git_sha: str | None
    image_version: str | None
    code_version: str
    hostname: str
    python: str
    orchestrator_run_id: str | None = None


class ManifestV1(_Model):
    manifest_version: Literal["v1"] = MANIFEST_VERSION
    asset: str
    partition: PartitionInfo
    status: Literal["success", "failed", "skipped"]
    timing: Timing
    inputs: list[InputRecord] = Field(default_factory=list)
    outputs: list[OutputRecord] = Field(default_factory=list)
    checks: list[CheckRecord] = Field(default_factory=list)
    error: ErrorRecord | None = None
    environment: EnvironmentInfo

    def to_json_bytes(self) -> bytes:
        return self.model_dump_json(indent=2).encode()

    @classmethod
    def read(cls, path: Path) -> ManifestV1:
        return cls.model_validate_json(path.read_bytes())


@cache
def _git_sha() -> str | None:
    repo = Path(__file__).resolve().parents[2]
    # Installed as a wheel, parents[2] is site-packages, which may sit inside some other checkout.
    if not (repo / "pyproject.toml").is_file():
        return None
    try:
        out = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def environment_info(orchestrator_run_id: str | None = None) -> EnvironmentInfo:
    """Where and with what code a manifest was written.

    Read at write time, never at import: a deployed image sets
    PROJECTIONS_IMAGE_VERSION / PROJECTIONS_GIT_SHA because it has no .git.
    """
    try:
        code_version = metadata.version("projections-assets")
    except metadata.PackageNotFoundError:
        code_version = "unknown"
    return EnvironmentInfo(
        git_sha=os.environ.get("PROJECTIONS_GIT_SHA") or _git_sha(),
        image_version=os.environ.get("PROJECTIONS_IMAGE_VERSION"),
        code_version=code_version,
        hostname=socket.gethostname(),
        python=platform.python_version(),
        orchestrator_run_id=orchestrator_run_id,
    )


def utcnow() -> datetime:
    return datetime.now(UTC)
