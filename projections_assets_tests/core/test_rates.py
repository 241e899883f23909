"""Rates features, shrinkage, completeness and parity on tiny hand-made frames; the model's heads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from projections_assets.core import rates
from projections_assets.core.rates_features import (
    COUNT_STATS,
    LABEL_STATS,
    RATES_FEATURE_COLUMNS,
    Priors,
    RatesHistory,
    compare_rows,
    coverage,
    incomplete_dates,
    rates_features,
    shrink,
)
from projections_assets.nba.calendar import UTC_TS as TS

PRIOR = {**dict.fromkeys(COUNT_STATS, 0.1), "fg2": 0.5, "fg3": 0.35, "ft": 0.75}
PRIORS = Priors(
    rates={(p, r): PRIOR for p in ("G", "F", "C") for r in ("starter", "bench")},
    prior_minutes=60.0,
    prior_attempts={"fg2": 25.0, "fg3": 40.0, "ft": 15.0},
    recent_minutes=150.0,
)
# Team 1 (players 11, 12) plays team 2 (players 21, 22) on each date.
DATES = ["2026-01-02", "2026-01-04", "2026-01-06"]


def _labels(dates=DATES) -> pd.DataFrame:
    rows = []
    for n, day in enumerate(dates):
        for team, opp, players in ((1, 2, (11, 12)), (2, 1, (21, 22))):
            for pid in players:
                row = dict.fromkeys(LABEL_STATS, 0)
                # Player 11 takes 2 threes per game in 20 minutes, making 1; everyone else takes none.
                if pid == 11:
                    row.update(fg3a=2, fg3m=1, ast=n + 1)
                rows.append(
                    {
                        "game_id": f"g{n}",
                        "game_date": day,
                        "team_id": team,
                        "opponent_team_id": opp,
                        "player_id": pid,
                        "minutes": 20.0,
                        "played": True,
                        "status": "ACTIVE",
                        **row,
                    }
                )
    return pd.DataFrame(rows)


def _minutes_rows(day: str, players=(11, 12, 21, 22)) -> pd.DataFrame:
    """Minutes feature rows of one game on `day` (only the columns the rates builder reads)."""
    as_of = pd.Timestamp(f"{day} 22:00", tz="UTC")
    rows = pd.DataFrame(
        {
            "game_id": "next",
            "game_date": day,
            "tip_ts": as_of + pd.Timedelta(hours=2),
            "as_of_ts": as_of,
            "team_id": [1 if p < 20 else 2 for p in players],
            "player_id": list(players),
            "player_name": [f"p{p}" for p in players],
            "status": "",
            "available_at": as_of,
            "min_ewm": 20.0,
            "min_last5": 20.0,
            "starts_last5": 5.0,
            "projected_starter": 1,
            "depth_rank": 1.0,
            "vacated_minutes": 0.0,
            "p_out": [1.0 if p == 12 else 0.0 for p in players],
            "is_home": [1 if p < 20 else 0 for p in players],
            "rest_days": 2.0,
            "back_to_back": 0,
            "team_spread": [-4.0 if p < 20 else 4.0 for p in players],
            "game_total": 230.0,
            "position_group": pd.Categorical(["G"] * len(players), categories=["G", "F", "C"]),
        }
    )
    return rows.astype({"tip_ts": TS, "as_of_ts": TS, "available_at": TS})


def test_trailing_rates_use_only_games_before_the_date() -> None:
    history = RatesHistory.from_labels(_labels())
    # On 2026-01-06 only the games of 01-02 and 01-04 are history (the 01-06 label is not yet known).
    out = rates_features(_minutes_rows("2026-01-06"), history, PRIORS).set_index("player_id")
    p11 = out.loc[11]
    assert p11["fg3a_pm_last5"] == pytest.approx(4 / 40)
    assert p11["ast_pm_last10"] == pytest.approx((1 + 2) / 40)
    assert p11["fg3_pct_last10"] == pytest.approx(0.5) and p11["fg3_att_last10"] == 4
    assert p11["games_played_season"] == 2 and p11["minutes_last10"] == 40
    # Pace from the posted total: team 1 is a 4-point favourite of a 230 total.
    assert p11["team_implied_total"] == pytest.approx(117.0)
    # Player 12 is Out, and he took no shot: his team vacates no usage.
    assert out.loc[11, "vacated_usage"] == 0.0
    # Team 2 allowed team 1's 4 threes in 80 player-minutes (12 a team-game); team 1 allowed none.
    assert out.loc[11, "opp_fg3a_allowed"] == pytest.approx(240 * 4 / 80)
    assert out.loc[21, "opp_fg3a_allowed"] == 0.0
    assert out.loc[12, "exp_minutes"] == 0.0 and out.loc[11, "exp_minutes"] == 20.0
    assert list(out.reset_index().columns[-len(RATES_FEATURE_COLUMNS) :]) == list(RATES_FEATURE_COLUMNS)


def test_a_later_label_changes_no_earlier_row() -> None:
    rows = _minutes_rows("2026-01-04")
    short = rates_features(rows, RatesHistory.from_labels(_labels(DATES[:1])), PRIORS)
    full = rates_features(rows, RatesHistory.from_labels(_labels()), PRIORS)
    assert compare_rows(short, full, "x") == []


def test_season_figures_reset_and_a_new_player_gets_his_prior() -> None:
    # A new season starts in the autumn: last season's games are no season history.
    out = rates_features(_minutes_rows("2026-10-25"), RatesHistory.from_labels(_labels()), PRIORS)
    p11 = out.set_index("player_id").loc[11]
    assert np.isnan(p11["fg3a_pm_season"]) and p11["games_played_season"] == 0
    assert p11["fg3a_pm_last10"] == pytest.approx(6 / 60)  # the trailing window crosses the summer
    nobody = rates_features(
        _minutes_rows("2026-01-06", players=(11, 12, 21, 99)), RatesHistory(None, None), PRIORS
    )
    assert np.allclose(nobody["stl_pm_shrunk"], 0.1) and np.allclose(nobody["fg3_pct_shrunk"], 0.35)


def test_shrinkage_moves_from_the_prior_to_the_rate_with_history() -> None:
    prior = np.array([0.1, 0.1, 0.1])
    shrunk = shrink(np.array([0.0, 6.0, 600.0]), np.array([0.0, 20.0, 2000.0]), prior, k=60.0)
    assert shrunk[0] == pytest.approx(0.1)  # no history: the prior
    assert shrunk[1] == pytest.approx((6 + 6) / 80)  # 20 minutes: mostly the prior
    assert abs(shrunk[2] - 0.3) < 0.01  # 2000 minutes: nearly his own rate


def _expected(dates) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"game_date": d, "game_id": f"g{d}", "horizon": "last", "player_id": p}
            for d in dates
            for p in range(26)
        ]
    )


def test_a_training_set_missing_a_dates_rows_fails_completeness() -> None:
    expected = _expected(DATES)
    complete = coverage(expected, expected.assign(played=True))
    assert incomplete_dates(complete).empty
    # The old system's failure: a date's rows silently lost (here all of one, a tenth of another's).
    rows = expected[expected["game_date"] != DATES[1]]
    rows = rows.drop(rows[(rows["game_date"] == DATES[2]) & (rows["player_id"] < 3)].index)
    bad = incomplete_dates(coverage(expected, rows)).set_index("game_date")
    assert list(bad.index) == [DATES[1], DATES[2]]
    assert bad.loc[DATES[1], "missing_rows"] == 26 and bad.loc[DATES[1], "rows"] == 0
    assert bad.loc[DATES[2], "missing_rows"] == 3


def test_parity_reports_missing_rows_and_differing_columns() -> None:
    live = rates_features(_minutes_rows("2026-01-06"), RatesHistory.from_labels(_labels()), PRIORS)
    assert compare_rows(live.copy(), live, "k") == []
    bulk = live.copy()
    bulk.loc[0, "ast_pm_last5"] += 0.5
    problems = compare_rows(bulk, live.iloc[1:], "k")
    assert {"partition": "k", "rows_missing_from_partition_path": 1} in problems
    changed = compare_rows(bulk, live, "k")
    assert changed == [{"partition": "k", "column": "ast_pm_last5", "rows": 1}]


def _training_frame(n_dates: int = 12, seed: int = 3) -> pd.DataFrame:
    """Rows of fake players whose rates follow their (noisy) trailing rate, for the heads to learn."""
    rng = np.random.default_rng(seed)
    frames = []
    for d in range(n_dates):
        f = pd.DataFrame(index=range(300))
        for col, dtype in RATES_FEATURE_COLUMNS.items():
            f[col] = rng.uniform(0.05, 0.3, len(f)) if dtype == "float64" else 0
        f["position_group"] = pd.Categorical(rng.choice(["G", "F", "C"], len(f)), categories=["G", "F", "C"])
        f["game_date"] = f"2026-01-{d + 1:02d}"
        f["minutes"] = rng.uniform(5, 38, len(f))
        f["played"] = True
        for s in COUNT_STATS:
            f[s] = rng.poisson(f[f"{s}_pm_shrunk"] * f["minutes"])
        for make, (made, att) in rates.MAKES.items():
            f[f"{make}_pct_shrunk"] = rng.uniform(0.3, 0.8, len(f))
            f[att] = rng.poisson(0.15 * f["minutes"]) if att != "fg2a" else f["fg2a"]
            f[made] = rng.binomial(f[att], f[f"{make}_pct_shrunk"])
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


def test_the_heads_train_save_load_and_beat_the_trailing_baseline(tmp_path) -> None:
    rows = _training_frame()
    fit, holdout = rows[rows["game_date"] < "2026-01-11"], rows[rows["game_date"] >= "2026-01-11"]
    settings = rates.rates_settings()
    model = rates.train(fit, settings)
    assert set(model.heads) == set(rates.HEADS)
    model.save(tmp_path / "m")
    loaded = rates.RatesModel.load(tmp_path / "m")
    pred = rates.predict(loaded, holdout)
    assert np.allclose(pred, rates.predict(model, holdout))
    assert list(pred.columns) == [*rates.RATE_COLUMNS.values(), *rates.PCT_COLUMNS.values()]
    assert (pred[list(rates.PCT_COLUMNS.values())].stack().between(0, 1)).all() and (pred >= 0).all().all()
    candidate = rates.gate_metrics(rates.metrics(holdout, pred))
    # The naive baseline reads last-10 rates, here pure noise around the truth the shrunk rate holds.
    base = rates.gate_metrics(rates.metrics(holdout, rates.baseline(holdout, settings.priors)))
    assert rates.worse_heads(candidate, base, strict=True) == []
    assert rates.worse_heads(base, candidate, strict=False) == sorted(base, key=list(base).index)
