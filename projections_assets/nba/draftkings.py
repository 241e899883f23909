"""DraftKings NBA Classic: roster slots, the draftables' stat ids and the CSV exports' headers."""

from __future__ import annotations

# DraftKings NBA Classic roster slots.
CLASSIC_SLOT_IDS: dict[str, int] = {
    "PG": 458,
    "SG": 459,
    "SF": 460,
    "PF": 461,
    "C": 462,
    "F": 463,
    "G": 464,
    "UTIL": 465,
}
CLASSIC_SLOT_NAMES: dict[int, str] = {v: k for k, v in CLASSIC_SLOT_IDS.items()}
#: The slots of a Classic lineup.
LINEUP_SLOTS = frozenset(CLASSIC_SLOT_IDS)


def classic_slots(position: str) -> frozenset[str]:
    """The Classic slots a DraftKings position string ("SG/SF") can fill."""
    primaries = set(position.split("/"))
    unknown = primaries - {"PG", "SG", "SF", "PF", "C"}
    if unknown:
        raise ValueError(f"not a DraftKings NBA position: {position!r}")
    slots = primaries | {"UTIL"}
    if primaries & {"PG", "SG"}:
        slots.add("G")
    if primaries & {"SF", "PF"}:
        slots.add("F")
    return frozenset(slots)


#: The draftables' `draftStatAttributes` id of fantasy points per game.
FPPG_STAT_ID = 219

#: `DKSalaries.csv` (the salary export of a draft group): its columns, in order.
DK_SALARIES_HEADER: tuple[str, ...] = (
    "Position",
    "Name + ID",
    "Name",
    "ID",
    "Roster Position",
    "Salary",
    "Game Info",
    "TeamAbbrev",
    "AvgPointsPerGame",
)

#: The contest standings export (`exportfullstandingscsv`): its header, in order.
STANDINGS_HEADER: tuple[str, ...] = (
    "Rank",
    "EntryId",
    "EntryName",
    "TimeRemaining",
    "Points",
    "Lineup",
    "",
    "Player",
    "Roster Position",
    "%Drafted",
    "FPTS",
)
