"""Export the unified projections in the layouts other DFS tools read. Pure pandas, no Dagster.

- `csv`: the unified table as it is.
- `dfs-tools`: the projections file of the common open-source DFS simulators, header
  `Name,Position,Team,Minutes,Salary,Fpts,own%,stddev,fieldFpts,ceiling`: expected minutes, our DK
  mean, ownership in percent, the DK points SD, the field's projection (we have no separate model of
  it: our mean) and the 90th percentile as the ceiling.
- `dk`: DraftKings' DKSalaries layout with our DK mean as `AvgPointsPerGame`, followed by `Projected
  Ownership,Projection Floor,Projection Ceil` (percent, p10, p90), the columns lineup optimizers read.

Names are DraftKings' display names and ids its draftable ids, so nothing downstream matches names.
"""

from __future__ import annotations

import pandas as pd

from projections_assets.nba.calendar import EASTERN_NAME
from projections_assets.nba.draftkings import DK_SALARIES_HEADER

FORMATS = ("csv", "dfs-tools", "dk")
DFS_TOOLS_HEADER = (
    "Name",
    "Position",
    "Team",
    "Minutes",
    "Salary",
    "Fpts",
    "own%",
    "stddev",
    "fieldFpts",
    "ceiling",
)
DK_EXTRA_HEADER = ("Projected Ownership", "Projection Floor", "Projection Ceil")
DECIMALS = 2


def _game_info(rows: pd.DataFrame) -> pd.Series:
    """DraftKings' `Game Info`: "AWY@HOM 01/11/2026 07:00PM ET" (the home team from the schedule; a game
    none of whose players is matched counts the opponent as home)."""
    home = rows["home_team"].where(rows["home_team"] != "", rows["opponent"])
    away = rows["team"].where(rows["team"] != home, rows["opponent"])
    when = (
        pd.to_datetime(rows["tip_ts"], utc=True).dt.tz_convert(EASTERN_NAME).dt.strftime("%m/%d/%Y %I:%M%p")
    )
    return away + "@" + home + " " + when + " ET"


def dfs_tools(unified: pd.DataFrame) -> pd.DataFrame:
    """The simulators' projections layout (module docstring), one row per draftable."""
    out = pd.DataFrame(
        {
            "Name": unified["name"],
            "Position": unified["dk_position"],
            "Team": unified["team"],
            "Minutes": unified["exp_minutes"],
            "Salary": unified["salary"].astype("int64"),
            "Fpts": unified["dk_mean"],
            "own%": unified["ownership"],
            "stddev": unified["dk_sd"],
            "fieldFpts": unified["dk_mean"],
            "ceiling": unified["dk_p90"],
        }
    )
    return out.round(DECIMALS)[list(DFS_TOOLS_HEADER)]


def dk_salaries(unified: pd.DataFrame) -> pd.DataFrame:
    """DraftKings' DKSalaries layout with our projections (module docstring), one row per draftable."""
    ids = unified["draftable_id"].astype("int64")
    out = pd.DataFrame(
        {
            "Position": unified["dk_position"],
            "Name + ID": unified["name"] + " (" + ids.astype(str) + ")",
            "Name": unified["name"],
            "ID": ids,
            "Roster Position": unified["roster_slots"],
            "Salary": unified["salary"].astype("int64"),
            "Game Info": _game_info(unified),
            "TeamAbbrev": unified["team"],
            "AvgPointsPerGame": unified["dk_mean"].round(DECIMALS),
            "Projected Ownership": unified["ownership"].round(DECIMALS),
            "Projection Floor": unified["dk_p10"].round(DECIMALS),
            "Projection Ceil": unified["dk_p90"].round(DECIMALS),
        }
    )
    return out[[*DK_SALARIES_HEADER, *DK_EXTRA_HEADER]]


def main_draft_group(unified: pd.DataFrame) -> int | None:
    """The slot's main draft group: the one with the most games (None when the slot has no group)."""
    if unified.empty:
        return None
    return int(unified.groupby("draft_group_id")["game_id"].nunique().idxmax())


def export(unified: pd.DataFrame, fmt: str, draft_group: int | None = None) -> str:
    """The unified rows (of one draft group when given) as CSV text in `fmt`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; formats: {', '.join(FORMATS)}")
    rows = unified
    if draft_group is not None:
        rows = unified[unified["draft_group_id"] == draft_group]
        if rows.empty:
            groups = ", ".join(str(g) for g in sorted(unified["draft_group_id"].unique()))
            raise ValueError(f"draft group {draft_group} is not in this slot (groups: {groups or 'none'})")
    table = {"csv": lambda r: r, "dfs-tools": dfs_tools, "dk": dk_salaries}[fmt](rows)
    return table.to_csv(index=False, lineterminator="\n")
