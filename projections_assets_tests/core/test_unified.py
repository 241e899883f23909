"""The unified table's pure pieces: the value prior, the table's rules and the export layouts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from projections_assets.core import exports, unified
from projections_assets.parsers.dk_salaries import parse_dk_salaries


def _candidates(n: int = 12) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "draft_group_id": [1] * n,
            "salary": np.linspace(3000, 11000, n).round(-2),
            "dk_mean": np.linspace(10, 50, n),
            "ruled_out": [False] * (n - 1) + [True],
        }
    )


def test_the_value_prior_gives_800_percent_and_nothing_to_a_ruled_out_player() -> None:
    rows = _candidates()
    own = unified.value_prior(rows)
    assert own.sum() == pytest.approx(800.0)
    assert own.iloc[-1] == 0.0 and own.between(0, 100).all()
    # More value, more ownership.
    value = rows["dk_mean"] / rows["salary"]
    able = ~rows["ruled_out"]
    assert own[able].rank().corr(value[able].rank()) == pytest.approx(1.0)


def _unified_rows() -> pd.DataFrame:
    tip = pd.Timestamp("2026-01-12 00:00", tz="UTC")
    return pd.DataFrame(
        {
            "draft_group_id": [7, 7],
            "draftable_id": [111, 222],
            "dk_player_id": [11, 22],
            "name": ["Alpha Guard", "Beta Center"],
            "dk_position": ["PG/SG", "C"],
            "roster_slots": ["PG/SG/G/UTIL", "C/UTIL"],
            "salary": [9000, 4000],
            "team": ["BOS", "NY"],
            "opponent": ["NY", "BOS"],
            "home_team": ["NY", "NY"],
            "tip_ts": [tip, tip],
            "exp_minutes": [34.5, 12.25],
            "dk_mean": [45.123, 15.5],
            "dk_sd": [10.0, 6.0],
            "dk_p10": [30.0, 5.0],
            "dk_p90": [60.0, 26.0],
            "ownership": [35.5, 4.25],
            "status": ["Available", "Out"],
        }
    )


def test_the_dfs_tools_layout_has_its_exact_header_and_values() -> None:
    text = exports.export(_unified_rows(), "dfs-tools")
    lines = text.splitlines()
    assert lines[0] == "Name,Position,Team,Minutes,Salary,Fpts,own%,stddev,fieldFpts,ceiling"
    assert lines[1] == "Alpha Guard,PG/SG,BOS,34.5,9000,45.12,35.5,10.0,45.12,60.0"


def test_the_dk_layout_parses_back_with_ids_salaries_and_game_info() -> None:
    text = exports.export(_unified_rows(), "dk")
    assert text.splitlines()[0] == (
        "Position,Name + ID,Name,ID,Roster Position,Salary,Game Info,TeamAbbrev,AvgPointsPerGame,"
        "Projected Ownership,Projection Floor,Projection Ceil"
    )
    parsed = parse_dk_salaries(text.encode(), "export")
    assert parsed["dk_id"].tolist() == [111, 222] and parsed["salary"].tolist() == [9000, 4000]
    assert parsed["name_id"].tolist() == ["Alpha Guard (111)", "Beta Center (222)"]
    assert parsed["home_abbrev"].tolist() == ["NY", "NY"] and parsed["away_abbrev"].tolist() == ["BOS", "BOS"]
    assert (parsed["start_ts"] == pd.Timestamp("2026-01-12 00:00", tz="UTC")).all()
    assert "07:00PM ET" in text


def test_an_unknown_format_or_draft_group_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match="unknown export format 'xlsx'"):
        exports.export(_unified_rows(), "xlsx")
    with pytest.raises(ValueError, match="draft group 9 is not in this slot"):
        exports.export(_unified_rows(), "csv", draft_group=9)


def test_the_rules_find_disordered_quantiles_and_out_players_with_points() -> None:
    rows = pd.DataFrame(
        {
            "minutes_p10": [10.0, 0.0],
            "minutes_p50": [20.0, 0.0],
            "minutes_p90": [30.0, 0.0],
            "play_prob": [1.0, 0.0],
            **{q: [1.0, 0.0] for q in unified.DK_QUANTILES},
            "dk_mean": [20.0, 3.0],
            "ownership": [10.0, 0.0],
            "status": ["Available", "Out"],
        }
    )
    rows["as_of_ts"] = pd.Timestamp("2026-01-17T23:30Z")
    rows["lock_ts"] = pd.Timestamp("2026-01-18T00:00Z")
    rows.loc[0, "dk_p90"] = 0.5
    assert unified.disordered_quantiles(rows).index.tolist() == [0]
    assert unified.out_not_zero(rows).index.tolist() == [1]
    # Ruled out after his group locked: he keeps the ownership the field drafted him at, not his points.
    late = rows.assign(lock_ts=pd.Timestamp("2026-01-17T23:00Z"))
    late.loc[1, ["dk_mean", "ownership"]] = [0.0, 7.5]
    assert unified.out_not_zero(late).empty
    assert unified.out_not_zero(late.assign(lock_ts=rows["lock_ts"])).index.tolist() == [1]
