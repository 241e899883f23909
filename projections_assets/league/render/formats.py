"""Serialisation conventions shared by every renderer of the real formats.

Each real source has its own JSON dialect (compact or spaced separators,
escaped or raw UTF-8, indentation) and its own way of writing an instant. The
per-format modules (`schedule`, `boxscore`, `roster`, `lineups`, `odds`,
`draftables`, `dk_salaries`, `contest_standings`) pick from the helpers here so
that one format is always written one way, and the same records always give the
same bytes (dict order is fixed by construction, floats by `repr`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from projections_assets.league.render.records import EASTERN


class JsonStyle(Enum):
    """How a source writes JSON; each matches one of the real samples byte for byte."""

    # cdn.nba.com scheduleLeagueV2, stats.nba.com playerindex, The Odds API.
    COMPACT = "compact"
    # cdn.nba.com liveData boxscore, stats.nba.com commonteamroster (as recorded).
    SPACED = "spaced"
    # DraftKings draftables as the bronze sample stores them.
    INDENT2 = "indent2"


def dump_json(payload: Any, style: JsonStyle) -> bytes:
    """A payload as UTF-8 bytes in a source's JSON dialect."""
    if style is JsonStyle.COMPACT:
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    elif style is JsonStyle.SPACED:
        text = json.dumps(payload, allow_nan=False)
    else:
        text = json.dumps(payload, indent=2, allow_nan=False)
    return text.encode("utf-8")


def dump_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A CSV export the way DraftKings writes one: CRLF between lines, none after the last."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().removesuffix("\r\n").encode("utf-8")


def utc_z(instant: datetime) -> str:
    """`2024-10-22T23:30:00Z`: an instant in UTC to the second."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def utc_z7(instant: datetime) -> str:
    """`2025-12-20T02:30:00.0000000Z`: DraftKings' .NET-style instant (7 fractional digits)."""
    at = instant.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond:06d}0Z"


def wall_z(local: datetime) -> str:
    """A local wall-clock time with a literal `Z`, as the NBA prints Eastern times.

    scheduleLeagueV2's `gameDateTimeEst` and team-local times are wall-clock
    readings suffixed with `Z` even though they are not UTC; consumers that
    trust the suffix are wrong by the offset, which is why the parser reads
    `gameDateTimeUTC` instead.
    """
    return local.strftime("%Y-%m-%dT%H:%M:%SZ")


def date_z(day: date) -> str:
    """`2024-10-22T00:00:00Z`: a calendar date in the NBA's midnight-Z form."""
    return f"{day:%Y-%m-%d}T00:00:00Z"


def offset_iso(local: datetime) -> str:
    """`2023-04-20T19:30:00-04:00`: a local time with its UTC offset."""
    return local.replace(microsecond=0).isoformat()


def decimal_text(value: float) -> str:
    """A number the way DraftKings prints averages: `53.71`, `6`, `1.5` (no trailing zeros)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def et_clock_text(instant: datetime) -> str:
    """`7:30 pm ET`: a scheduled game's status text on NBA feeds."""
    tip = instant.astimezone(EASTERN)
    return f"{tip.hour % 12 or 12}:{tip.minute:02d} {'am' if tip.hour < 12 else 'pm'} ET"
