"""Render a DraftKings `DKSalaries.csv` export (NBA Classic) from `DkSalaryRow` records.

Header, column formats and line endings follow
`dk/DKSalaries_NBA_2023-01-18_classic.csv`: CRLF line ends and no newline after
the last row; `Roster Position` lists the player's positions, then F, G, UTIL;
`Game Info` is `AWY@HOM MM/DD/YYYY HH:MMPM ET`.
"""

from __future__ import annotations

from projections_assets.league.render.formats import decimal_text, dump_csv
from projections_assets.league.render.records import EASTERN, DkSalaryRow
from projections_assets.nba.draftkings import DK_SALARIES_HEADER, classic_slots


def salaries_roster_position(position: str) -> str:
    """`SG/SF` -> `SG/SF/F/G/UTIL`: the export's slot order (F before G, unlike draftables)."""
    slots = classic_slots(position)
    return "/".join(position.split("/") + [s for s in ("F", "G", "UTIL") if s in slots])


def _row(r: DkSalaryRow) -> list[str]:
    start = r.start_time.astimezone(EASTERN)
    return [
        r.position,
        f"{r.name} ({r.dk_id})",
        r.name,
        str(r.dk_id),
        salaries_roster_position(r.position),
        str(r.salary),
        f"{r.away_abbrev}@{r.home_abbrev} {start:%m/%d/%Y %I:%M%p} ET",
        r.team_abbrev,
        decimal_text(r.avg_points),
    ]


def render_dk_salaries(rows: tuple[DkSalaryRow, ...]) -> bytes:
    """`DKSalaries.csv` bytes, players in the given order (DraftKings sorts by salary, descending)."""
    return dump_csv(DK_SALARIES_HEADER, [_row(r) for r in rows])
