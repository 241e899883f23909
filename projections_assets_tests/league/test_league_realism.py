"""The league reproduces the real NBA's figures (docs/league_realism.md), with fixed tolerances."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _league_cache import SEEDS, league

from projections_assets.league.realism import absent_minutes_taken_up


@pytest.fixture(scope="module", params=SEEDS)
def box(request: pytest.FixtureRequest) -> pd.DataFrame:
    return league(request.param)["box_scores"]


@pytest.fixture(scope="module", params=SEEDS)
def lg(request: pytest.FixtureRequest):
    return league(request.param)


def test_minutes_distribution(box: pd.DataFrame) -> None:
    played = box.loc[box["played"], "minutes"]
    assert 21 <= played.quantile(0.5) <= 25
    assert 34 <= played.quantile(0.9) <= 38


def test_players_used_and_zero_minutes(box: pd.DataFrame) -> None:
    used = box.groupby(["game_id", "team_id"])["played"].sum().mean()
    assert 9.5 <= used <= 12.5
    assert 0.30 <= (box["seconds"] == 0).mean() <= 0.45


def test_per36_rates(box: pd.DataFrame) -> None:
    pl = box[box["played"]]
    per36 = pl[["pts", "reb", "ast"]].sum() / pl["minutes"].sum() * 36
    assert 15.5 <= per36["pts"] <= 18.5
    assert 5.8 <= per36["reb"] <= 7.2
    assert 3.6 <= per36["ast"] <= 4.8


def test_draftkings_points(box: pd.DataFrame) -> None:
    assert 21 <= box.loc[box["played"], "dk_pts"].mean() <= 27


def test_team_minutes_exact(lg) -> None:
    box, games = lg["box_scores"], lg["games"]
    secs = (
        box.groupby(["game_id", "team_id"])["seconds"].sum().reset_index().merge(games[["game_id", "n_ot"]])
    )
    assert (secs["seconds"] == 240 * 60 + 25 * 60 * secs["n_ot"]).all()
    assert 0.04 <= (games["n_ot"] > 0).mean() <= 0.08


def _with_history(box: pd.DataFrame) -> pd.DataFrame:
    pl = box[box["played"]].sort_values(["person_id", "game_date", "game_id"]).copy()
    grp = pl.groupby("person_id")["minutes"]
    pl["last5"] = grp.transform(lambda x: x.shift(1).rolling(5).mean())
    return pl


def test_minutes_are_as_noisy_as_the_real_league(box: pd.DataFrame) -> None:
    pl = _with_history(box)
    rows = pl[pl["last5"].notna()]
    mae = (rows["minutes"] - rows["last5"]).abs().mean()
    assert 4.5 <= mae <= 5.3  # real NBA: 4.78 (docs/league_realism.md)
    sd = pl.groupby("person_id")["minutes"].agg(["std", "count"])
    assert 4.0 <= sd.loc[sd["count"] >= 20, "std"].median() <= 6.5


def test_absent_teammate_raises_minutes(box: pd.DataFrame) -> None:
    """Players gain minutes over their own average when a rotation teammate is out."""
    b = box.copy()
    b["rotation_out"] = (~b["available"]) & (b["base_minutes"] >= 15)
    n_out = b.groupby(["game_id", "team_id"])["rotation_out"].transform("sum") - b["rotation_out"]
    avail = b[b["available"] & (b["base_minutes"] >= 8)].copy()
    avail["n_out"] = n_out[avail.index]
    avail["delta"] = avail["minutes"] - avail.groupby("person_id")["minutes"].transform("mean")
    gain = avail.loc[avail["n_out"] >= 1, "delta"].mean() - avail.loc[avail["n_out"] == 0, "delta"].mean()
    assert gain > 0.5


def test_teammates_take_up_most_of_a_newly_absent_players_minutes(box: pd.DataFrame) -> None:
    assert 0.6 <= absent_minutes_taken_up(box) <= 0.95  # real NBA: ~0.8


def test_absent_teammate_raises_usage(box: pd.DataFrame) -> None:
    """Players take more shots and make more plays per minute when a high-usage teammate is out."""
    b = box.copy()
    b["usage_events"] = b[["fg2a", "fg3a", "fta", "ast", "tov"]].sum(axis=1)
    starter_out = (~b["available"]) & (b["base_minutes"] >= 28)
    b["mate_out"] = starter_out.groupby([b["game_id"], b["team_id"]]).transform("sum") - starter_out >= 1
    pl = b[b["available"] & (b["minutes"] >= 10)]
    totals = pl.groupby(["person_id", "mate_out"])[["usage_events", "minutes"]].sum().unstack().dropna()
    own_rate = totals[("usage_events", False)] / totals[("minutes", False)]
    # Pooled over players: usage with a starter out vs. what each player's own rate predicts.
    lift = totals[("usage_events", True)].sum() / (own_rate * totals[("minutes", True)]).sum()
    assert len(totals) >= 50
    assert lift > 1.01


def test_every_listed_player_is_accounted_for(box: pd.DataFrame) -> None:
    assert not box.duplicated(["game_id", "person_id"]).any()
    assert (box.loc[~box["available"], "seconds"] == 0).all()
    inactive = box[~box["played"]]
    assert (inactive["not_playing_reason"] != "").all()
    assert np.all(box["pts"] == 2 * box["fg2m"] + 3 * box["fg3m"] + box["ftm"])
