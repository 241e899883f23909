"""DKSalaries.csv parser on the real 2023-01-18 Classic export."""

from __future__ import annotations

import pandas as pd
import pytest

from projections_assets.parsers.dk_salaries import DK_SALARY_COLUMNS, parse_dk_salaries
from projections_assets.parsers.errors import ParseError
from projections_assets_tests.conftest import REAL_FIXTURES

SAMPLE = REAL_FIXTURES / "dk" / "DKSalaries_NBA_2023-01-18_classic.csv"


def test_real_salaries() -> None:
    df = parse_dk_salaries(SAMPLE.read_bytes(), SAMPLE.name)
    assert list(df.columns) == list(DK_SALARY_COLUMNS)
    # The fixture README says 292; the file has 293 player rows (294 lines with the header).
    assert len(df) == 293
    assert df["dk_id"].is_unique
    lebron = df.iloc[0]
    assert (lebron["name"], lebron["dk_id"], lebron["salary"]) == ("LeBron James", 26449774, 11500)
    assert (lebron["roster_positions"], lebron["opp_abbrev"], lebron["avg_points_per_game"]) == (
        "PF/C/F/UTIL",
        "SAC",
        53.71,
    )
    # 10:30 PM ET on Jan 18 is 03:30 UTC on Jan 19.
    assert lebron["start_ts"] == pd.Timestamp("2023-01-19T03:30:00Z")
    assert df["start_ts"].nunique() == 5  # 7:30, 8, 9, 10 and 10:30 PM ET
    assert (df["team_abbrev"] == df["away_abbrev"]).sum() + (
        df["team_abbrev"] == df["home_abbrev"]
    ).sum() == 293
    assert df["salary"].min() == 3000


def test_bom_and_postponed() -> None:
    text = SAMPLE.read_text().replace("SAC@LAL 01/18/2023 10:30PM ET", "Postponed")
    df = parse_dk_salaries(b"\xef\xbb\xbf" + text.encode(), "s.csv")
    assert len(df) == 293
    assert df["start_ts"].isna().sum() == 33


def test_malformed() -> None:
    text = SAMPLE.read_text()
    with pytest.raises(ParseError, match="s.csv: Salary: missing column"):
        parse_dk_salaries(text.replace(",Salary,", ",Pay,", 1), "s.csv")
    with pytest.raises(ParseError, match="s.csv: line 3, Salary: not a number"):
        parse_dk_salaries(text.replace(",11400,", ",11.4k,", 1), "s.csv")
    with pytest.raises(ParseError, match="zero players"):
        parse_dk_salaries(text.splitlines()[0], "s.csv")
    with pytest.raises(ParseError, match="line 2"):
        lines = text.splitlines()
        parse_dk_salaries(lines[0] + "\r\n" + lines[1][:40], "s.csv")
