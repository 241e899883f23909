"""`minutes_features` reads a late scratch from the lineups feed: ruled out after the newest injury report."""

from __future__ import annotations

import pandas as pd

from projections_assets.core.features import SlateInputs, minutes_features

AS_OF = pd.Timestamp("2025-12-07T00:15:00Z")
GAME = "0022500001"
HOME, AWAY = 1610612737, 1610612738


def _inputs(inactive: dict[int, bool], report: dict[int, str]) -> SlateInputs:
    players = {101: HOME, 102: HOME, 103: HOME, 201: AWAY, 202: AWAY}
    schedule = pd.DataFrame(
        {
            "game_id": [GAME],
            "as_of_ts": [AS_OF],
            "game_date": ["2025-12-06"],
            "tip_ts": [pd.Timestamp("2025-12-07T00:30:00Z")],
            "home_team_id": [HOME],
            "away_team_id": [AWAY],
        }
    )
    roster = pd.DataFrame(
        {
            "game_id": GAME,
            "as_of_ts": AS_OF,
            "player_id": list(players),
            "player_name": [f"P{p}" for p in players],
            "team_id": list(players.values()),
            "position": ["G", "F", "C", "G", "F"],
        }
    )
    injuries = pd.DataFrame(
        {
            "game_id": GAME,
            "as_of_ts": AS_OF,
            "player_id": pd.array(list(report), dtype="Int64"),
            "status": list(report.values()),
        }
    )
    lineups = pd.DataFrame(
        {
            "game_id": GAME,
            "as_of_ts": AS_OF,
            "person_id": list(players),
            "team_id": list(players.values()),
            "is_starter": [True, True, False, True, False],
            "confirmed": True,
            "inactive": [inactive.get(p, False) for p in players],
        }
    )
    odds = pd.DataFrame({"game_id": [GAME], "as_of_ts": [AS_OF], "spread_home": [-4.5], "total": [226.5]})
    return SlateInputs(schedule=schedule, roster=roster, injuries=injuries, lineups=lineups, odds=odds)


def test_a_player_the_feed_marks_inactive_counts_as_out_for_him_and_his_teammates() -> None:
    before = minutes_features(_inputs({}, {102: "Questionable"})).set_index("player_id")
    after = minutes_features(_inputs({101: True}, {102: "Questionable"})).set_index("player_id")
    # The report has not caught up: his status is unchanged, the feature and P(out) carry the news.
    assert after.loc[101, "status"] == "" and after.loc[101, "listed"] == 0
    assert after.loc[101, "lineup_inactive"] == 1 and after.loc[101, "p_out"] == 1.0
    assert before.loc[101, "lineup_inactive"] == 0 and before.loc[101, "p_out"] == 0.0
    # A report status stands for players the feed does not mark.
    assert after.loc[102, "p_out"] == 0.5 and after.loc[102, "lineup_inactive"] == 0
    # His teammates see one fewer available player; the other team does not.
    assert after.loc[103, "team_available_count"] == before.loc[103, "team_available_count"] - 1
    assert after.loc[201, "team_available_count"] == before.loc[201, "team_available_count"]
