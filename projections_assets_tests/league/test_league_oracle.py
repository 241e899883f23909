"""The oracle: calibrated, better than naive baselines by a realistic margin, reacts to news."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _league_cache import SEEDS, league

from projections_assets.league.oracle import oracle_at, oracle_table


@pytest.fixture(scope="module")
def lg():
    return league(SEEDS[0])


@pytest.fixture(scope="module")
def table(lg) -> pd.DataFrame:
    games = lg["games"]
    picked = games["game_id"].iloc[500:620]
    return oracle_table(lg, game_ids=picked, sims=160)


def test_oracle_beats_naive_by_a_realistic_margin(lg, table: pd.DataFrame) -> None:
    box = lg["box_scores"]
    pl = box[box["played"]].sort_values(["person_id", "game_date", "game_id"]).copy()
    pl["last5"] = pl.groupby("person_id")["minutes"].transform(lambda x: x.shift(1).rolling(5).mean())
    final = table[table["as_of_ts"] == table.groupby("game_id")["as_of_ts"].transform("max")]
    rows = final.merge(pl[["game_id", "person_id", "last5"]]).dropna(subset=["last5"])
    oracle_mae = (rows["exp_minutes_if_play"] - rows["actual_minutes"]).abs().mean()
    naive_mae = (rows["last5"] - rows["actual_minutes"]).abs().mean()
    assert 0.70 <= oracle_mae / naive_mae <= 0.92


def test_oracle_is_calibrated(table: pd.DataFrame) -> None:
    final = table[table["as_of_ts"] == table.groupby("game_id")["as_of_ts"].transform("max")]
    assert abs(final["p_play"].mean() - final["actual_played"].mean()) < 0.03
    played = final[final["actual_played"]]
    inside = (played["actual_minutes"] >= played["minutes_p10"]) & (
        played["actual_minutes"] <= played["minutes_p90"]
    )
    assert 0.7 <= inside.mean() <= 0.9
    assert abs(final["exp_dk_pts"].sum() / final["actual_dk_pts"].sum() - 1) < 0.05


_USAGE = ["exp_fg2a", "exp_fg3a", "exp_fta", "exp_ast", "exp_tov"]


def test_out_raises_teammates_expected_minutes_and_usage(table: pd.DataFrame) -> None:
    t = table.sort_values(["game_id", "person_id", "as_of_ts"])
    t["usage_rate"] = t[_USAGE].sum(axis=1) / t["exp_minutes"].clip(lower=1e-9)
    by_player = t.groupby(["game_id", "person_id"])
    t["prev_p"] = by_player["p_available"].shift(1)
    t["prev_min"] = by_player["exp_minutes"].shift(1)
    t["prev_usage_rate"] = by_player["usage_rate"].shift(1)
    ruled_out = t[(t["prev_p"] >= 0.4) & (t["p_available"] == 0) & (t["prev_min"] >= 12)]
    assert len(ruled_out) >= 5
    gains, usage_ratios = [], []
    for r in ruled_out.itertuples(index=False):
        mates = t[
            (t["game_id"] == r.game_id)
            & (t["team_id"] == r.team_id)
            & (t["as_of_ts"] == r.as_of_ts)
            & (t["person_id"] != r.person_id)
            & (t["p_available"] >= 0.9)
            & (t["prev_p"] >= 0.9)
        ]
        gains.append((mates["exp_minutes"] - mates["prev_min"]).sum() / r.prev_min)
        busy = mates[mates["prev_min"] >= 10]
        usage_ratios.append((busy["usage_rate"] / busy["prev_usage_rate"]).median())
    assert np.median(gains) > 0.3
    assert np.median(usage_ratios) > 1.0


def test_oracle_at_uses_only_past_knowledge(lg, table: pd.DataFrame) -> None:
    gid = table["game_id"].iloc[0]
    game = lg["games"].set_index("game_id").loc[gid]
    own = table.loc[table["game_id"] == gid, "as_of_ts"]
    for as_of in (own.min() - pd.Timedelta(hours=5), game["tip_ts"] - pd.Timedelta(hours=3), game["tip_ts"]):
        view = oracle_at(lg, as_of, game_date=game["game_date"], table=table)
        sub = view[view["game_id"] == gid]
        assert len(sub) > 0 and sub["as_of_ts"].nunique() == 1
        known = own[own <= as_of]
        expected = known.max() if len(known) else own.min()
        assert (sub["as_of_ts"] == expected).all()
