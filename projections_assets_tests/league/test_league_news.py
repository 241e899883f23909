"""Game-day news, lineups, odds and the DraftKings market behave like the real ones."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from _league_cache import SEEDS, league

from projections_assets.league.market import DK_SLOTS
from projections_assets.league.reports import InjuryReports, report_file_name, report_times
from projections_assets.league.schedule import load_teams

STATUSES = {"Out", "Questionable", "Doubtful", "Probable", "Available", "NOT YET SUBMITTED"}


@pytest.fixture(scope="module")
def lg():
    return league(SEEDS[0])


def test_teams_are_the_real_thirty(lg) -> None:
    teams = lg["teams"].set_index("tricode")
    assert len(teams) == 30
    assert teams.loc["CLE", "team_id"] == 1610612739
    assert teams.loc["LAC", "full_name"] == "LA Clippers"
    assert len(load_teams()) == 30


def test_players_have_nba_ids_and_parser_hard_names(lg) -> None:
    players = lg["players"]
    assert players["person_id"].between(1_600_000, 1_699_999).all()
    assert players["person_id"].is_unique and players["display_name"].is_unique
    names = players["report_name"]
    assert names.str.contains(r" (?:Jr\.|II|III|IV|Sr\.),").any()
    assert names.str.contains(r"[- ']\w+.*,").any()
    assert set("/".join(players["dk_position"]).split("/")) == {"PG", "SG", "SF", "PF", "C"}


def test_report_schedule_eras() -> None:
    hourly = report_times(date(2025, 1, 10), date(2025, 1, 10))
    quarter = report_times(date(2026, 2, 8), date(2026, 2, 8))
    assert len(hourly) == 24 and all(t.minute == 30 for t in hourly)
    assert len(quarter) == 96
    assert report_file_name(hourly[17]) == "Injury-Report_2025-01-10_05PM.pdf"
    assert report_file_name(quarter[74]) == "Injury-Report_2026-02-08_06_30PM.pdf"


def test_report_rows_evolve_through_the_day(lg) -> None:
    reports = InjuryReports(lg.tables)
    games = lg["games"]
    counts = games["game_date"].value_counts()
    # A busy day followed by another game day, so the evening report covers two dates.
    day = max(d for d in counts.index if d + timedelta(days=1) in counts.index and counts[d] >= 6)
    morning = reports.rows(pd.Timestamp(f"{day - timedelta(days=1)} 09:30", tz="America/New_York"))
    evening = reports.rows(pd.Timestamp(f"{day} 18:30", tz="America/New_York"))
    assert set(morning["status"]) <= STATUSES and set(evening["status"]) <= STATUSES
    # The morning before: tomorrow's teams have not filed yet.
    tomorrow = morning[morning["game_date"] == day]
    assert (tomorrow["status"] == "NOT YET SUBMITTED").sum() > 0
    # By the evening all of the day's teams have filed, and the next day's games are covered too.
    today = evening[evening["game_date"] == day]
    assert (today["status"] != "NOT YET SUBMITTED").all()
    assert evening["game_date"].nunique() == 2
    assert evening["matchup"].str.fullmatch(r"[A-Z]{3}@[A-Z]{3}").all()
    named = evening[evening["status"] != "NOT YET SUBMITTED"]
    assert named["player_name"].str.contains(", ").all()


def test_questionable_players_get_resolved(lg) -> None:
    news = lg["injury_news"]
    per = news.groupby(["game_id", "person_id"])["status"].agg(list)
    q_then_out = per.apply(lambda s: "Questionable" in s and s[-1] == "Out").sum()
    q_then_in = per.apply(lambda s: "Questionable" in s and s[-1] == "Available").sum()
    assert q_then_out > 50 and q_then_in > 50
    reasons = set(news["reason"])
    assert {"Rest", "G League - Two-Way", "G League - On Assignment"} <= reasons
    assert any(r.startswith("Injury/Illness - ") and "; " in r for r in reasons)


def test_confirmed_lineups_thirty_minutes_before_tip(lg) -> None:
    lu = lg["lineups"].merge(lg["games"][["game_id", "tip_ts"]])
    conf = lu[lu["lineup_status"] == "Confirmed"]
    assert ((conf["tip_ts"] - conf["available_at"]) == pd.Timedelta(minutes=30)).all()
    assert (conf.groupby(["game_id", "team_id"]).size() == 5).all()
    starters = lg["box_scores"].query("starter")[["game_id", "person_id"]]
    assert len(conf.merge(starters)) == len(conf)
    assert (
        lu.loc[lu["lineup_status"] == "Expected", "available_at"]
        < lu.loc[lu["lineup_status"] == "Expected", "tip_ts"]
    ).all()


def test_lines_move_after_news(lg) -> None:
    odds = lg["odds"].query("bookmaker == 'draftkings'")
    moves = odds.groupby("game_id")["home_spread"].agg(lambda s: s.iloc[-1] - s.iloc[0])
    assert (moves != 0).mean() > 0.3
    games = lg["games"].set_index("game_id")
    last = odds.groupby("game_id").tail(1).set_index("game_id")
    margin = games.loc[last.index, "home_score"] - games.loc[last.index, "away_score"]
    assert np.corrcoef(-last["home_spread"], margin)[0, 1] > 0.3
    assert (last["available_at"] < games.loc[last.index, "tip_ts"]).all()


def test_salaries_follow_recent_form(lg) -> None:
    sal = lg["salaries"]
    assert sal["salary"].between(3000, 12500).all() and (sal["salary"] % 100 == 0).all()
    assert sal["salary"].max() >= 11000
    m = sal.merge(lg["box_scores"][["game_id", "person_id", "dk_pts", "played"]])
    m = m[m["played"]]
    assert np.corrcoef(m["salary"], m["dk_pts"])[0, 1] > 0.6
    assert (sal["available_at"].dt.tz_convert("America/New_York").dt.date < sal["game_date"]).all()


def test_lines_move_against_a_team_when_its_regular_is_ruled_out(lg) -> None:
    # test_lines_move_after_news shows lines move; this ties the moves to the Out that causes them.
    news = lg["injury_news"].sort_values(["game_id", "person_id", "available_at"], kind="stable")
    news["before"] = news.groupby(["game_id", "person_id"])["status"].shift()
    # A rotation player the market expected to play (Questionable/Probable) who is now ruled Out.
    ruled_out = news[(news["status"] == "Out") & news["before"].isin(["Questionable", "Probable"])]
    ruled_out = ruled_out.merge(lg["box_scores"][["game_id", "person_id", "is_home", "base_minutes"]])
    ruled_out = ruled_out[ruled_out["base_minutes"] >= 25]
    dk = lg["odds"].query("bookmaker == 'draftkings'").sort_values("available_at", kind="stable")
    quotes = dict(tuple(dk.groupby("game_id")))
    moves = []
    for n in ruled_out.itertuples(index=False):
        q = quotes[n.game_id]
        before = q[q["available_at"] <= n.available_at]
        # The market requotes within minutes of news.
        after = q[
            (q["available_at"] > n.available_at)
            & (q["available_at"] <= n.available_at + timedelta(minutes=30))
        ]
        if before.empty or after.empty:
            continue
        home_move = after["home_spread"].iloc[0] - before["home_spread"].iloc[-1]
        # home_spread is minus the home margin the market expects: losing a home regular raises it.
        moves.append(home_move if n.is_home else -home_move)
    against = np.array(moves)
    assert len(against) >= 100
    assert (against > 0).mean() > 0.5
    assert (against > 0).mean() > 5 * (against < 0).mean()
    assert against.mean() > 0.3


def test_salaries_track_each_players_recent_form(lg) -> None:
    # test_salaries_follow_recent_form compares a salary with the game it prices, which talent alone
    # would explain; this one checks salaries rise and fall with each player's trailing DK points.
    sal = lg["salaries"]
    played = lg["box_scores"].query("played").sort_values(["person_id", "game_date"], kind="stable")
    history = {
        pid: (g["game_date"].to_numpy(), g["dk_pts"].to_numpy()) for pid, g in played.groupby("person_id")
    }
    form = []
    for s in sal.itertuples(index=False):
        dates, pts = history.get(s.person_id, (np.array([], dtype=object), np.array([])))
        # Salaries are set at noon ET the day before: only games from two days back are known then.
        recent = pts[dates <= s.game_date - timedelta(days=2)][-10:]
        form.append(recent.mean() if len(recent) >= 5 else np.nan)
    priced = sal.assign(form=form).dropna(subset=["form"])
    assert len(priced) > 0.5 * len(sal)
    by_player = priced.groupby("person_id")
    salary_swing = priced["salary"] - by_player["salary"].transform("mean")
    form_swing = priced["form"] - by_player["form"].transform("mean")
    assert np.corrcoef(salary_swing, form_swing)[0, 1] > 0.7
    # Recent form explains salaries better than the very game they price.
    outcome = priced.merge(lg["box_scores"][["game_id", "person_id", "dk_pts", "played"]]).query("played")
    assert (
        np.corrcoef(outcome["salary"], outcome["form"])[0, 1]
        > np.corrcoef(outcome["salary"], outcome["dk_pts"])[0, 1]
    )


def test_draft_groups_and_ownership(lg) -> None:
    groups, members, games = lg["draft_groups"], lg["draft_group_games"], lg["games"]
    assert {"Main", "Early", "All Day"} <= set(groups["slate"])
    tips = members.merge(games[["game_id", "tip_ts"]]).groupby("draft_group_id")["tip_ts"].min()
    assert (groups.set_index("draft_group_id")["lock_ts"] == tips).all()
    own = lg["ownership"].groupby("draft_group_id")["ownership"].sum()
    assert np.allclose(own, 8.0)
    sal = lg["salaries"].set_index(["game_date", "person_id"])
    st = lg["contest_standings"].merge(groups[["draft_group_id", "game_date"]])
    slots = [f"slot_{s.lower()}" for s in DK_SLOTS]
    for row in st.head(200).itertuples(index=False):
        total = sum(int(sal.loc[(row.game_date, getattr(row, c)), "salary"]) for c in slots)
        assert total <= 50_000
        assert len({getattr(row, c) for c in slots}) == 8
