"""The NBA calendar facts the pipeline needs (no Dagster, no I/O)."""

from __future__ import annotations

from datetime import date


def season_start_year(day: date) -> int:
    """The year a season starts: games from August on belong to the season starting that year."""
    return day.year if day.month >= 8 else day.year - 1


def season_label(day: date) -> str:
    """The stats.nba.com season parameter of the season `day` falls in, e.g. `2025-26`."""
    start = season_start_year(day)
    return f"{start}-{(start + 1) % 100:02d}"
