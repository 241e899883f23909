"""The NBA's clock and calendar: the Eastern zone, the season-start rule, the UTC timestamp dtype.

No Dagster, no I/O: the simulated league, the parsers and the product all read their times through
these, so a season boundary or a wall-clock conversion is written once.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

#: The league's wall clock: report times, game times and game dates are Eastern.
EASTERN_NAME = "America/New_York"
EASTERN = ZoneInfo(EASTERN_NAME)

#: Every timestamp column the lake stores: microseconds, UTC.
UTC_TS = "datetime64[us, UTC]"

#: Games from this month on belong to the season starting that year.
SEASON_START_MONTH = 8


def season_start_year(day: date) -> int:
    """The year a season starts: games from August on belong to the season starting that year."""
    return day.year if day.month >= SEASON_START_MONTH else day.year - 1


def season_start(day: date) -> date:
    """The first day of the season `day` falls in (August 1)."""
    return date(season_start_year(day), SEASON_START_MONTH, 1)


def season_start_year_of(days: pd.Series) -> np.ndarray:
    """`season_start_year` of each day of a datetime-like Series, vectorized."""
    day = pd.to_datetime(days)
    return np.where(day.dt.month >= SEASON_START_MONTH, day.dt.year, day.dt.year - 1)


def season_label(start_year: int) -> str:
    """The stats.nba.com season parameter of the season starting in `start_year`: 2025 -> `2025-26`."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"
