"""Contest standings parser (no real sample exists: the layout is an assumption, see the parser docstring)."""

from __future__ import annotations

import pytest

from projections_assets.parsers.contest_standings import (
    parse_contest_entries,
    parse_contest_standings,
    split_lineup,
)
from projections_assets.parsers.errors import ParseError

HEADER = "Rank,EntryId,EntryName,TimeRemaining,Points,Lineup,,Player,Roster Position,%Drafted,FPTS"
LINEUP = (
    "C Nikola Jokic F LeBron James G C.J. McCollum PF Kevin Porter Jr. PG Luka Doncic SF Jayson Tatum "
    "SG Devin Booker UTIL Joel Embiid"
)
CSV = "\r\n".join(
    [
        HEADER,
        f'1,3372960990,"alpha (1/3)",0,317.25,{LINEUP},,Nikola Jokic,C,45.12%,68.25',
        f"2,3372960991,beta,0,300.5,{LINEUP},,LeBron James,SF,30.00%,55",
        ",,,,,,,Joel Embiid,C,0.05%,12.5",
    ]
)


def test_ownership() -> None:
    df = parse_contest_standings(CSV.encode(), "c.csv")
    assert list(df["player_name"]) == ["Nikola Jokic", "LeBron James", "Joel Embiid"]
    assert list(df["drafted"]) == pytest.approx([0.4512, 0.30, 0.0005])
    assert list(df["fpts"]) == pytest.approx([68.25, 55.0, 12.5])


def test_entries_and_lineup() -> None:
    df = parse_contest_entries(CSV.encode(), "c.csv")
    assert list(df["rank"]) == [1, 2]
    assert df.iloc[0]["entry_name"] == "alpha (1/3)"
    pairs = split_lineup(df.iloc[0]["lineup"])
    assert pairs[2] == ("G", "C.J. McCollum")
    assert pairs[3] == ("PF", "Kevin Porter Jr.")
    assert [slot for slot, _ in pairs] == ["C", "F", "G", "PF", "PG", "SF", "SG", "UTIL"]


def test_malformed() -> None:
    with pytest.raises(ParseError, match="c.csv: line 2, %Drafted: not a percentage"):
        parse_contest_standings(CSV.replace("45.12%", "45.12").encode(), "c.csv")
    with pytest.raises(ParseError, match="c.csv: %Drafted: unexpected header"):
        parse_contest_standings(CSV.replace("%Drafted", "Drafted").encode(), "c.csv")
    with pytest.raises(ParseError, match="zero players"):
        parse_contest_standings(HEADER.encode(), "c.csv")
    with pytest.raises(ParseError, match="line 3: expected 11 columns"):
        parse_contest_standings(CSV[: CSV.index("LeBron James,SF")].encode(), "c.csv")
