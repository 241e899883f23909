"""Content-addressed raw payloads: every fetched byte string stored once, never overwritten or pruned.

Bronze keeps the exact bytes each source returned (PDFs, JSON, CSV) so any
parse can be redone and any partition explained. A payload's address is the
SHA-256 of its bytes, so identical content fetched in many slots is stored
once, and a write of bytes already present is a no-op. Text payloads are
stored gzip-compressed (a season schedule is 1.8 MB of JSON that changes a few
times a day); `get` returns the original bytes either way. Writes go through a
temporary sibling and `os.replace`, so a killed writer leaves either nothing
or the complete file.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

from projections_assets.platform.fsio import atomic_write_bytes
from projections_assets.platform.lake import Lake, validate_name

BLOBS_DIR = "_blobs"
# Already-compressed formats gain nothing from gzip.
UNCOMPRESSED_EXTS = frozenset({"pdf", "gz", "zip", "png"})


def content_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class BlobStore:
    """`<lake>/_blobs/<source>/<sha[:2]>/<sha>.<ext>[.gz]`."""

    def __init__(self, lake: Lake) -> None:
        self.lake = lake

    def path_for(self, source: str, sha256: str, ext: str) -> Path:
        validate_name(source, "blob source")
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        if not ext.isalnum():
            raise ValueError(f"blob extension {ext!r} must be alphanumeric")
        suffix = f".{ext}" if ext in UNCOMPRESSED_EXTS else f".{ext}.gz"
        return self.lake.root / BLOBS_DIR / source / sha256[:2] / f"{sha256}{suffix}"

    def put(self, source: str, body: bytes, ext: str) -> tuple[str, str, bool]:
        """Store `body`; return (its SHA-256, its lake-relative path, whether it was new)."""
        sha = content_sha256(body)
        path = self.path_for(source, sha, ext)
        if path.exists():
            return sha, self.lake.relative(path), False
        # mtime=0: the same bytes always compress to the same file.
        data = body if ext in UNCOMPRESSED_EXTS else gzip.compress(body, compresslevel=6, mtime=0)
        atomic_write_bytes(path, data)
        return sha, self.lake.relative(path), True

    def get(self, relative: str) -> bytes:
        path = self.lake.resolve(relative)
        data = path.read_bytes()
        return gzip.decompress(data) if path.suffix == ".gz" else data
