"""The official NBA injury report: its file names in both eras, its printed times and its table.

The simulated league renders reports with these facts and the parser reads them back with them, so
a report's name, header or table layout is written once.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import PurePosixPath

from projections_assets.nba.calendar import EASTERN

#: Statuses a filed player can have.
STATUSES: tuple[str, ...] = ("Out", "Questionable", "Doubtful", "Probable", "Available")
NOT_YET_SUBMITTED = "NOT YET SUBMITTED"

#: Printed table columns, left to right, and their header labels.
TABLE_FIELDS: tuple[str, ...] = (
    "game_date",
    "game_time",
    "matchup",
    "team",
    "player_name",
    "status",
    "reason",
)
TABLE_LABELS: tuple[str, ...] = (
    "Game Date",
    "Game Time",
    "Matchup",
    "Team",
    "Player Name",
    "Current Status",
    "Reason",
)
#: Cells printed only when they change (carried down otherwise), outermost first.
CARRIED_FIELDS: tuple[str, ...] = ("game_date", "game_time", "matchup", "team")

#: First report date named by the quarter hour (`_06_30PM`); earlier reports are named by the hour.
QUARTER_HOUR_NAMING_FROM = date(2025, 12, 22)


def report_interval(day: date) -> timedelta:
    """How often the league publishes a report on `day` (Eastern): hourly before the naming switch, every
    quarter hour from it."""
    return timedelta(minutes=15) if day >= QUARTER_HOUR_NAMING_FROM else timedelta(hours=1)


_GAME_TIME_RE = re.compile(r"(\d{2}):(\d{2}) ?\(ET\)")
_GAME_TIME_ET_RE = re.compile(r"(\d{2}):(\d{2})")
_FILENAME_RE = re.compile(r"Injury-Report_(\d{4})-(\d{2})-(\d{2})_(\d{2})(?:_(\d{2}))?(AM|PM)\.pdf")


def as_eastern(ts: datetime) -> datetime:
    """`ts` in US Eastern time; a naive datetime is taken as Eastern wall time already."""
    if ts.tzinfo is None:
        return ts.replace(tzinfo=EASTERN)
    return ts.astimezone(EASTERN)


def hour12(hour: int) -> tuple[int, str]:
    return (hour % 12 or 12), ("AM" if hour < 12 else "PM")


def hour24(clock_hour: int, meridiem: str) -> int:
    if not 1 <= clock_hour <= 12:
        raise ValueError(f"hour {clock_hour:02d} is not a 12-hour clock hour")
    return clock_hour % 12 + (12 if meridiem == "PM" else 0)


def report_header(report_ts: datetime) -> str:
    """The page title of the report stamped `report_ts`: `Injury Report: 01/10/25 05:30 PM`."""
    ts = as_eastern(report_ts)
    hour, meridiem = hour12(ts.hour)
    return f"Injury Report: {ts:%m/%d/%y} {hour:02d}:{ts.minute:02d} {meridiem}"


def report_name(report_ts: datetime, *, quarter_hour: bool) -> str:
    """The report file name of `report_ts` in one era's form, whatever its date.

    Quarter-hour form `Injury-Report_2026-02-08_06_30PM.pdf`; hourly form (the hour only)
    `Injury-Report_2025-01-10_05PM.pdf`. Around the naming switch a fetcher tries both.
    """
    ts = as_eastern(report_ts)
    hour, meridiem = hour12(ts.hour)
    if quarter_hour:
        return f"Injury-Report_{ts:%Y-%m-%d}_{hour:02d}_{ts.minute:02d}{meridiem}.pdf"
    return f"Injury-Report_{ts:%Y-%m-%d}_{hour:02d}{meridiem}.pdf"


def report_filename(report_ts: datetime) -> str:
    """File name under which the league publishes the report stamped `report_ts`.

    From 2025-12-22 reports come every quarter hour and are named by it
    (`Injury-Report_2026-02-08_06_30PM.pdf`); before, they came hourly, stamped at :30 but named by
    the hour (`Injury-Report_2025-01-10_05PM.pdf` is the 5:30 PM report).
    """
    ts = as_eastern(report_ts)
    if ts.second or ts.microsecond:
        raise ValueError(f"report time {ts.isoformat()} is not on a whole minute")
    if ts.date() >= QUARTER_HOUR_NAMING_FROM:
        if ts.minute % 15:
            raise ValueError(f"report time {ts.isoformat()} is not on a quarter hour")
        return report_name(ts, quarter_hour=True)
    if ts.minute != 30:
        raise ValueError(f"hourly-era report time {ts.isoformat()} is not stamped at :30")
    return report_name(ts, quarter_hour=False)


def report_time_from_filename(name: str) -> datetime:
    """Report time (Eastern, aware) of an injury report file name, URL or path, in either era.

    The era is not enforced: around the naming switch a fetcher tries both forms.
    """
    base = PurePosixPath(name.split("?", 1)[0]).name
    match = _FILENAME_RE.fullmatch(base)
    if match is None:
        raise ValueError(
            f"{name!r} is not an injury report file name "
            "(Injury-Report_YYYY-MM-DD_hhAM.pdf or Injury-Report_YYYY-MM-DD_hh_mmAM.pdf)"
        )
    year, month, day, hour12, minute, meridiem = match.groups()
    # Hourly-era names give the hour only; those reports are stamped at :30.
    minutes = 30 if minute is None else int(minute)
    if minutes % 15:
        raise ValueError(f"{name!r}: minute {minutes:02d} is not a quarter hour")
    hour = hour24(int(hour12), meridiem)
    return datetime(int(year), int(month), int(day), hour, minutes, tzinfo=EASTERN)


def game_time_et_from_raw(raw: str) -> str:
    """`07:00 (ET)` -> `19:00`: printed hours 12 are noon, 01-11 are PM."""
    match = _GAME_TIME_RE.fullmatch(raw.strip())
    if match is None:
        raise ValueError(f"game time {raw!r} is not like '07:00 (ET)'")
    hour, minute = int(match[1]), int(match[2])
    if not 1 <= hour <= 12 or minute > 59:
        raise ValueError(f"game time {raw!r} is not a 12-hour clock time")
    return f"{hour % 12 + 12:02d}:{minute:02d}"


def game_time_raw_from_et(game_time_et: str) -> str:
    """`19:00` -> `07:00 (ET)`, the printed form; only 12:00-23:59 can be printed unambiguously."""
    match = _GAME_TIME_ET_RE.fullmatch(game_time_et.strip())
    if match is None:
        raise ValueError(f"game time {game_time_et!r} is not HH:MM")
    hour, minute = int(match[1]), int(match[2])
    if not 12 <= hour <= 23 or minute > 59:
        raise ValueError(f"game time {game_time_et!r} is outside 12:00-23:59, which the report cannot print")
    return f"{hour - 12 if hour > 12 else 12:02d}:{minute:02d} (ET)"
