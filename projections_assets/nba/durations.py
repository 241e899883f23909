"""ISO-8601 durations as the NBA's live box scores write minutes played (`PT34M12.00S`)."""

from __future__ import annotations

import re

_DURATION_RE = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")


def iso_duration_minutes(text: str) -> float:
    """`PT34M12.00S` -> 34.2 minutes. `PT44M` and `PT240M00.00S` work too; "" is 0.

    Raises ValueError for anything else (callers wrap it with the source and path).
    """
    if text == "":
        # Live payloads leave a DNP player's minutes empty before the game ends.
        return 0.0
    match = _DURATION_RE.match(text)
    if match is None or text == "PT":
        raise ValueError(f"not an ISO-8601 duration: {text!r}")
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 60 + int(minutes or 0) + float(seconds or 0) / 60


def _centiseconds(seconds: float) -> int:
    return round(seconds * 100)


def iso_duration(seconds: float) -> str:
    """Seconds -> `PT34M12.00S` (minutes zero-padded to two digits, hundredths of a second)."""
    cs = _centiseconds(seconds)
    return f"PT{cs // 6000:02d}M{cs % 6000 // 100:02d}.{cs % 100:02d}S"


def iso_duration_whole_minutes(seconds: float) -> str:
    """Seconds -> `PT44M`: the payload's `minutesCalculated`, rounded half up to a minute."""
    return f"PT{(_centiseconds(seconds) + 3000) // 6000:02d}M"
