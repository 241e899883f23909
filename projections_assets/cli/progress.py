"""Progress lines for the long commands (league generation, evaluation, the demo)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable


def progress(label: str) -> Callable[[str], None]:
    """A printer of `[label   12.3s] message` to stderr, timed from when it is made."""
    start = time.monotonic()

    def say(message: str) -> None:
        print(f"[{label} {time.monotonic() - start:6.1f}s] {message}", file=sys.stderr, flush=True)

    return say
