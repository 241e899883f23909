"""Fetch, store raw, and remember: every capture a materialization makes, for bronze and its manifest.

`CaptureRecorder.fetch` asks a `SourceClient` for a payload, stores its exact
bytes in the lake's blob store (by content hash, so identical content is kept
once), and records an `InputRecord` with the URL, every HTTP attempt and the
content hash, which the IO manager writes into the partition's manifest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from projections_assets.core.captures import Capture
from projections_assets.platform.blobs import BlobStore
from projections_assets.platform.lake import Lake
from projections_assets.platform.manifests import InputRecord
from projections_assets.sources.clients import SourceClient
from projections_assets.sources.http import NotPublished, SourceHttpError


@dataclass(frozen=True)
class Stored:
    """A capture and where its bytes live."""

    capture: Capture
    sha256: str
    blob_path: str
    new: bool


class CaptureRecorder:
    """One per partition: its fetches, stored and recorded in order."""

    def __init__(self, lake: Lake, client: SourceClient) -> None:
        self.blobs = BlobStore(lake)
        self.client = client
        self.inputs: list[InputRecord] = []
        # URLs that answered "not published (yet)": probes, not inputs.
        self.misses: list[str] = []

    def fetch(self, kind: str, ident: str | None = None, *, as_of: datetime | None = None) -> Stored:
        """Fetch and store one payload; failed fetches are recorded too, then re-raised."""
        try:
            capture = self.client.fetch(kind, ident, as_of=as_of)
        except NotPublished as exc:
            self.misses.append(exc.url)
            raise
        except SourceHttpError as exc:
            self.inputs.append(
                InputRecord(
                    name=f"source.{kind}",
                    url=exc.url,
                    attempts=len(exc.attempts),
                    attempt_statuses=[
                        f"{a.outcome}:{a.status}" if a.status else a.outcome for a in exc.attempts
                    ],
                    partition=ident,
                )
            )
            raise
        sha, path, new = self.blobs.put(kind, capture.body, capture.ext)
        self.inputs.append(
            InputRecord(
                name=f"source.{kind}",
                path=path,
                partition=ident,
                url=capture.url,
                attempts=len(capture.attempts),
                attempt_statuses=capture.attempt_statuses,
                content_sha256=sha,
                captured_at=capture.captured_at,
            )
        )
        return Stored(capture, sha, path, new)

    @property
    def attempts(self) -> int:
        return sum(r.attempts or 0 for r in self.inputs)
