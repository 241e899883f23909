"""Parse a DraftKings `DKSalaries.csv` export (NBA Classic) into one row per player.

Output columns (`DK_SALARY_COLUMNS`): `dk_id` (int64, the draftable `ID`), `name` (str),
`name_id` (str, "LeBron James (26449774)"), `position` (str, "PF/C"), `roster_positions` (str,
"PF/C/F/UTIL"), `salary` (int64), `team_abbrev` (str), `away_abbrev`, `home_abbrev`,
`opp_abbrev` (str, missing when the game info is not a matchup, e.g. "Postponed"), `start_ts`
(datetime64[ns, UTC], from the Eastern `Game Info` time; NaT likewise), `avg_points_per_game`
(float64).

The header must contain every column of `DK_SALARIES_HEADER` (extra columns
are ignored); a missing column, a non-numeric salary, or an export without
players is a `ParseError` naming the column and line.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any

import pandas as pd

from projections_assets.nba.calendar import EASTERN_NAME
from projections_assets.nba.draftkings import DK_SALARIES_HEADER
from projections_assets.parsers.errors import UTC_TS, ParseError, build_frame, decode_text, need_nonempty

DK_SALARY_COLUMNS: dict[str, str] = {
    "dk_id": "int64",
    "name": "str",
    "name_id": "str",
    "position": "str",
    "roster_positions": "str",
    "salary": "int64",
    "team_abbrev": "str",
    "away_abbrev": "str",
    "home_abbrev": "str",
    "opp_abbrev": "str",
    "start_ts": UTC_TS,
    "avg_points_per_game": "float64",
}

_GAME_INFO_RE = re.compile(r"^(\w+)@(\w+) (\d{2}/\d{2}/\d{4} \d{2}:\d{2}[AP]M) ET$")


def _number(text: str, kind: type, source: str, where: str) -> Any:
    try:
        return kind(text)
    except ValueError as exc:
        raise ParseError(source, where, f"not a number: {text!r}") from exc


def _game_info(text: str, team: str, source: str, where: str) -> dict[str, Any]:
    match = _GAME_INFO_RE.match(text)
    if match is None:
        # DraftKings replaces the matchup with a word for postponed or finished games.
        return {"away_abbrev": None, "home_abbrev": None, "opp_abbrev": None, "start_ts": None}
    away, home, when = match.groups()
    if team not in (away, home):
        raise ParseError(source, where, f"team {team!r} not in game {text!r}")
    start = pd.Timestamp(datetime.strptime(when, "%m/%d/%Y %I:%M%p")).tz_localize(EASTERN_NAME)
    return {
        "away_abbrev": away,
        "home_abbrev": home,
        "opp_abbrev": home if team == away else away,
        "start_ts": start.tz_convert("UTC"),
    }


def parse_dk_salaries(data: bytes | str, source: str) -> pd.DataFrame:
    """`DKSalaries.csv` bytes -> one row per player (see module docstring)."""
    reader = csv.DictReader(io.StringIO(decode_text(data, source), newline=""))
    header = reader.fieldnames or []
    for column in DK_SALARIES_HEADER:
        if column not in header:
            raise ParseError(source, column, "missing column")
    rows = []
    for line, raw in enumerate(reader, start=2):

        def where(column: str, line: int = line) -> str:
            return f"line {line}, {column}"

        if any(raw.get(c) is None for c in DK_SALARIES_HEADER):
            raise ParseError(source, f"line {line}", "row has fewer columns than the header")
        team = raw["TeamAbbrev"]
        rows.append(
            {
                "dk_id": _number(raw["ID"], int, source, where("ID")),
                "name": raw["Name"],
                "name_id": raw["Name + ID"],
                "position": raw["Position"],
                "roster_positions": raw["Roster Position"],
                "salary": _number(raw["Salary"], int, source, where("Salary")),
                "team_abbrev": team,
                **_game_info(raw["Game Info"], team, source, where("Game Info")),
                "avg_points_per_game": _number(
                    raw["AvgPointsPerGame"] or "0", float, source, where("AvgPointsPerGame")
                ),
            }
        )
    need_nonempty(rows, source, "rows", "players")
    return build_frame(rows, DK_SALARY_COLUMNS, source)
