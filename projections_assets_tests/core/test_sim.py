"""The sim worlds engine (core.sim): streams, samplers, team minutes, expectations, storage, summary."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from projections_assets.core.scoring import dk_points, dk_rules
from projections_assets.core.sim import kernel
from projections_assets.core.sim.engine import SimCalibration, fit_calibration, sim_settings, simulate
from projections_assets.core.sim.rng import key_words, philox_block, stream_key, uniforms, uniforms32
from projections_assets.core.sim.storage import (
    WORLD_COLUMNS,
    read_worlds,
    worlds_frame,
    worlds_table,
    write_worlds,
)
from projections_assets.core.sim.summary import (
    QUANTILES,
    SUMMARY_STATS,
    conditional_means,
    expected_stats,
    summarize,
)

DATE = "2025-01-15"
WORLDS = 2000
CALIBRATION = SimCalibration(
    margin_sd=13.0,
    total_sd=18.0,
    pace_sd=0.04,
    dispersion={s: 0.06 for s in kernel.COUNT_STATS},
    blowout_slope=0.012,
    overtime_prob=0.06,
    overtime_more_prob=0.12,
    team_pts_sd=11.0,
)


def _slate(n_games: int = 3, per_team: int = 13, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A small slate: five starters, four rotation players, bench; one Out and one Questionable per team."""
    rng = np.random.default_rng(seed)
    rows, games = [], []
    for gi in range(n_games):
        gid = f"00224{gi:05d}"
        home, away = 1610612700 + 2 * gi, 1610612701 + 2 * gi
        games.append(
            {
                "game_id": gid,
                "home_team_id": home,
                "away_team_id": away,
                "spread_home": float(rng.normal(0, 6)) if gi else np.nan,
                "total": float(rng.normal(228, 8)),
            }
        )
        for team, is_home in ((home, True), (away, False)):
            for j in range(per_team):
                role = "starter" if j < 5 else ("rotation" if j < 9 else "bench")
                p50 = {"starter": 32.0, "rotation": 22.0, "bench": 9.0}[role] + rng.normal(0, 2)
                status = "Out" if j == per_team - 1 else ("Questionable" if j == 3 else "Available")
                prob = {"Out": 0.0, "Questionable": 0.5}.get(status, 0.97 if role != "bench" else 0.6)
                rows.append(
                    {
                        "game_id": gid,
                        "team_id": team,
                        "player_id": 200000 + gi * 100 + (0 if is_home else 50) + j,
                        "is_home": is_home,
                        "status": status,
                        "role": role,
                        "play_prob": prob,
                        "p10": max(0.5, p50 - 8),
                        "p50": p50,
                        "p90": min(48.0, p50 + 7),
                        "exp_minutes": prob * p50,
                        "rate_fg2a": 0.25 * rng.uniform(0.5, 1.5),
                        "rate_fg3a": 0.15 * rng.uniform(0.3, 1.7),
                        "rate_fta": 0.1 * rng.uniform(0.5, 1.5),
                        "rate_ast": 0.1 * rng.uniform(0.3, 2.0),
                        "rate_tov": 0.05 * rng.uniform(0.5, 1.5),
                        "rate_oreb": 0.04 * rng.uniform(0.3, 2.0),
                        "rate_dreb": 0.13 * rng.uniform(0.5, 1.5),
                        "rate_stl": 0.03 * rng.uniform(0.5, 1.5),
                        "rate_blk": 0.02 * rng.uniform(0.3, 2.0),
                        "pct_fg2": rng.uniform(0.45, 0.6),
                        "pct_fg3": rng.uniform(0.3, 0.4),
                        "pct_ft": rng.uniform(0.6, 0.9),
                        "salary": int(rng.integers(3000, 11000)) if j < 10 else None,
                    }
                )
    players = pd.DataFrame(rows)
    # Reconciled as the minutes model's are: each team's expected minutes sum to 240.
    scale = 240.0 / players.groupby("team_id")["exp_minutes"].transform("sum")
    for col in ("p10", "p50", "p90", "exp_minutes"):
        players[col] = (players[col] * scale).clip(upper=48.0)
    players["salary"] = players["salary"].astype("Int64")
    return players, pd.DataFrame(games)


@pytest.fixture(scope="module")
def slate() -> tuple[pd.DataFrame, pd.DataFrame]:
    return _slate()


@pytest.fixture(scope="module")
def sim(slate):
    players, games = slate
    return simulate(players, games, CALIBRATION, DATE, worlds=WORLDS)


def test_philox_streams_are_numpys_philox4x64_bit_for_bit() -> None:
    for key in (stream_key(DATE, "player", 1628983), (1 << 128) - 1, 12345):
        k0, k1 = key_words(key)
        raw = np.empty(12, np.uint64)
        for b in range(3):
            philox_block(np.uint64(b + 1), k0, k1, raw[4 * b : 4 * b + 4])
        assert (raw == np.random.Philox(key=key).random_raw(12)).all()
        u = np.empty(8)
        uniforms(k0, k1, np.int64(5), np.int64(2), u)
        # Block 5 onwards: numpy's stream from counter 5 (it increments before each block).
        reference = np.random.Generator(np.random.Philox(key=key, counter=5)).random(8)
        # numpy's double is the same top 53 bits; ours sits half a step off zero.
        assert np.array_equal(u, (reference * 2.0**53 + 0.5) * 2.0**-53)
        # Player streams: two 32-bit uniforms per output, low half first, half a step off 0 and 1.
        u32 = np.empty(16)
        uniforms32(k0, k1, np.int64(5), np.int64(2), u32)
        raw = np.random.Philox(key=key, counter=5).random_raw(8)
        halves = np.column_stack([raw & np.uint64(0xFFFFFFFF), raw >> np.uint64(32)]).ravel()
        assert np.array_equal(u32, (halves.astype(np.float64) + 0.5) * 2.0**-32)
        assert u32.min() > 0.0 and u32.max() < 1.0


def test_stream_keys_differ_by_date_kind_and_id() -> None:
    keys = {
        stream_key(DATE, "player", 1),
        stream_key(DATE, "player", 2),
        stream_key(DATE, "game", 1),
        stream_key("2025-01-16", "player", 1),
    }
    assert len(keys) == 4
    assert stream_key(DATE, "player", 1) == stream_key(DATE, "player", 1)


def test_minutes_distribution_passes_through_its_quantiles_and_rises() -> None:
    p10, p50, p90 = 18.0, 27.0, 33.0
    q = [kernel.minutes_quantile(u, p10, p50, p90, 0.5, 48.0) for u in (0.1, 0.5, 0.9)]
    assert q == pytest.approx([p10, p50, p90], abs=1e-12)
    grid = (np.arange(20000) + 0.5) / 20000
    values = np.array([kernel.minutes_quantile(u, p10, p50, p90, 0.5, 48.0) for u in grid])
    assert (np.diff(values) >= 0).all()
    assert values.min() >= 0.5 and values.max() <= 48.0
    # The tails are exponential with the inner density at the knot: beyond p90, mean excess = (p90 - p50) / 4.
    assert values[grid > 0.9].mean() - p90 == pytest.approx((p90 - p50) / 4, rel=0.01)


@pytest.mark.parametrize(("mean", "dispersion"), [(0.4, 0.0), (6.5, 0.0), (3.0, 0.1), (11.0, 0.05)])
def test_negative_binomial_sampler_has_its_mean_and_variance(mean: float, dispersion: float) -> None:
    grid = (np.arange(200000) + 0.5) / 200000  # stratified uniforms: the moments come out almost exactly
    draws = np.array([kernel.nb_inverse(u, mean, dispersion) for u in grid])
    assert draws.mean() == pytest.approx(mean, rel=2e-3)
    assert draws.var() == pytest.approx(mean + dispersion * mean**2, rel=1e-2)


@pytest.mark.parametrize(("n", "prob"), [(12, 0.47), (7, 0.82), (30, 0.36)])
def test_binomial_sampler_has_its_mean_and_variance(n: int, prob: float) -> None:
    grid = (np.arange(100000) + 0.5) / 100000
    powers = kernel.binomial_powers(np.array([prob]))[0]
    draws = np.array([kernel.binomial_inverse(u, n, prob, powers) for u in grid])
    assert (np.diff(draws) >= 0).all()
    assert draws.mean() == pytest.approx(n * prob, rel=2e-3)
    assert draws.var() == pytest.approx(n * prob * (1 - prob), rel=1e-2)


def test_every_world_gives_each_team_240_minutes_plus_25_per_overtime(sim) -> None:
    settings = sim_settings()
    teams = sim.players.groupby(["game_id", "team_id"], sort=False).indices
    game_row = {g: i for i, g in enumerate(sim.games["game_id"])}
    for (game_id, _), rows in teams.items():
        ot = sim.overtimes[game_row[game_id]].astype(np.int64)
        assert (sim.seconds[rows].astype(np.int64).sum(axis=0) == 14400 + 1500 * ot).all()
        cap = 60 * (settings.max_minutes + settings.overtime_player_minutes * ot)
        assert (sim.seconds[rows] <= cap).all()
    assert 0 < (sim.overtimes > 0).mean() < 0.15


def test_out_players_are_not_stored_and_the_rest_are(slate, sim) -> None:
    players, _ = slate
    stored = set(sim.players["player_id"])
    assert stored == set(players.loc[players["status"] != "Out", "player_id"])
    assert len(worlds_frame(sim)) == len(stored) * WORLDS


def test_sim_means_lie_within_three_standard_errors_of_their_documented_expectation(sim) -> None:
    expected = expected_stats(sim)
    means = conditional_means(sim)
    z = []
    for stat in SUMMARY_STATS:
        draws = sim.stat(stat).astype(float)
        # The standard error of the mean's distance to its expectation: the spread of draw - expectation.
        se = (draws - means[stat]).std(axis=1) / np.sqrt(sim.worlds)
        gap = draws.mean(axis=1) - expected[stat].to_numpy()
        z.append(np.abs(gap[se > 0] / se[se > 0]))
    z = np.concatenate(z)
    assert len(z) > 1000
    assert (z > 3).mean() <= 0.01


def test_play_share_and_minutes_follow_the_inputs(slate, sim) -> None:
    share = (sim.seconds > 0).mean(axis=1)
    prob = sim.players["play_prob"].to_numpy()
    se = np.sqrt(prob * (1 - prob) / WORLDS)
    # The five-player floor only lifts players of a team short of five: not with these rosters.
    assert (np.abs(share - prob) <= 4 * se + 1e-9).all()
    # Reconciled expected minutes (play_prob x p50) are matched within what the coupling moves (the
    # distribution's mean is not its median) and what blowouts move from starters to the bench.
    minutes = sim.seconds.mean(axis=1) / 60
    exp = sim.players["exp_minutes"].to_numpy()
    assert np.abs(minutes - exp).max() < 3.0
    assert np.corrcoef(minutes, exp)[0, 1] > 0.98


def test_usage_rises_for_teammates_when_a_usage_heavy_player_sits(slate) -> None:
    players, games = slate
    star = players.index[(players["game_id"] == "0022400001") & (players["role"] == "starter")][0]
    players = players.copy()
    players.loc[star, ["rate_fg2a", "rate_fg3a", "play_prob"]] = [0.5, 0.3, 0.5]
    sim = simulate(players, games, CALIBRATION, DATE, worlds=WORLDS)
    row = int(np.flatnonzero(sim.players["player_id"] == players.loc[star, "player_id"])[0])
    team = (sim.players["team_id"] == players.loc[star, "team_id"]).to_numpy()
    t = int(np.flatnonzero(sim.teams["team_id"] == players.loc[star, "team_id"])[0])
    sits = sim.seconds[row] == 0
    assert sim.usage[t][sits].mean() > 1.05 > sim.usage[t][~sits].mean()
    mates = team.copy()
    mates[row] = False
    fga = (sim.stat("fg2a") + sim.stat("fg3a").astype(np.int64))[mates]
    per_minute = fga.sum(axis=0) / (sim.seconds[mates].sum(axis=0) / 60)
    assert per_minute[sits].mean() > 1.05 * per_minute[~sits].mean()


def _team_points(sim) -> np.ndarray:
    """[team, world] points, teams in `sim.teams` order (home, away per game)."""
    rows = {
        (g, t): i for i, (g, t) in enumerate(zip(sim.teams["game_id"], sim.teams["team_id"], strict=True))
    }
    idx = np.array(
        [rows[(g, t)] for g, t in zip(sim.players["game_id"], sim.players["team_id"], strict=True)]
    )
    out = np.zeros((len(sim.teams), sim.worlds))
    np.add.at(out, idx, sim.stat("pts").astype(float))
    return out


def test_team_points_and_margin_vary_as_the_calibrated_team_sd_says(slate, sim) -> None:
    players, games = slate
    target = CALIBRATION.team_pts_sd
    team = _team_points(sim)
    team_sd = team.std(axis=1, ddof=1)
    margin_sd = (team[0::2] - team[1::2]).std(axis=1, ddof=1)
    # Each team's points about their expectation: the calibrated SD, the pace's share included (the
    # competition aims at it linearised; minutes and usage moves add a little on top).
    assert np.all(team_sd > 0.9 * target) and np.all(team_sd < 1.2 * target)
    # Home and away compete apart; the shared pace adds to both and cancels in the margin.
    pace_part = CALIBRATION.pace_sd * team.mean(axis=1)
    apart = np.sqrt(2 * target**2 - pace_part[0::2] ** 2 - pace_part[1::2] ** 2)
    assert np.all(margin_sd > 0.9 * apart) and np.all(margin_sd < 1.25 * apart)
    # Without the competition the independent draws are far noisier: the bound is what does it.
    free = simulate(players, games, dataclasses.replace(CALIBRATION, team_pts_sd=0.0), DATE, worlds=WORLDS)
    assert np.all(_team_points(free).std(axis=1, ddof=1) > 1.2 * team_sd)


def test_competing_draws_keep_their_uniform_law() -> None:
    rng = np.random.default_rng(5)
    u = rng.uniform(size=(4000, 12))
    weight = np.array([3.0, 2.5, 2.0, 2.0, 1.5, 1.0, 1.0, 0.5, 0.5, 0.2, 0.0, 0.0])
    e = np.vectorize(kernel.normal_quantile)(u)
    out = u.copy()
    for row in out:
        kernel.compete(row, weight.copy(), 12, 0.8)
    z = np.vectorize(kernel.normal_quantile)(out)
    # Every entry stays standard normal (so uniform), weight-0 entries are untouched, and the
    # weighted sum of the scores shrinks to about (1 - lam) of its SD (exactly |c - lam (c.w) w|,
    # c = w / sd, the per-entry rescaling that keeps each one standard).
    assert np.abs(z.mean(axis=0)).max() < 0.06 and np.abs(z.std(axis=0) - 1).max() < 0.04
    np.testing.assert_array_equal(out[:, 10:], u[:, 10:])
    w = weight / np.linalg.norm(weight)
    c = w / np.sqrt(1 - w**2 * 0.8 * 1.2)
    exact = np.linalg.norm(c - 0.8 * (c @ w) * w)
    assert (z @ w).std() == pytest.approx(exact, rel=0.05)
    assert (z @ w).std() < 0.3 * (e @ w).std()
    assert kernel.normal_cdf(kernel.normal_quantile(0.3)) == pytest.approx(0.3, abs=1e-9)


def test_blowouts_move_minutes_from_starters_to_the_bench(sim) -> None:
    starters = (sim.players["role"] == "starter").to_numpy()
    rows = starters & (sim.players["game_id"] == sim.games["game_id"].iloc[1]).to_numpy()
    margin = np.abs(sim.margin[1])
    minutes = sim.seconds[rows].sum(axis=0) / 60
    assert minutes[margin > 25].mean() < minutes[margin < 5].mean() - 10


def test_dk_points_are_the_scoring_rules_of_the_stored_stats_with_half_a_point_per_three(
    sim, tmp_path
) -> None:
    frame = worlds_frame(sim)
    assert dk_rules().points["fg3m"] == 0.5
    assert np.array_equal(dk_points(frame) * 4, frame["dk_q"].to_numpy())
    without_threes = dk_points(frame.assign(fg3m=0))
    made = frame["fg3m"].to_numpy() > 0
    assert made.sum() > 1000
    assert np.array_equal((frame["dk_q"] / 4 - without_threes)[made], 0.5 * frame["fg3m"][made])
    doubles = (frame[["pts", "reb", "ast", "stl", "blk"]] >= 10).sum(axis=1) >= 2
    assert doubles.any()


def test_writer_and_reader_round_trip_exactly_and_reruns_are_byte_identical(
    slate, sim, tmp_path: Path
) -> None:
    players, games = slate
    frame = worlds_frame(sim)
    write_worlds(frame, tmp_path / "a.parquet")
    back = read_worlds(tmp_path / "a.parquet")
    pd.testing.assert_frame_equal(back, frame)
    assert list(back.dtypes.astype(str)) == [("str" if t == "str" else t) for t in WORLD_COLUMNS.values()]
    # A rerun from shuffled input rows writes the same bytes, and the same summary.
    again = simulate(players.sample(frac=1, random_state=3), games[::-1], CALIBRATION, DATE, worlds=WORLDS)
    write_worlds(worlds_frame(again), tmp_path / "b.parquet")
    # The Arrow builder (what large runs use) writes the same bytes too.
    write_worlds(worlds_table(again), tmp_path / "c.parquet")
    names = ("a.parquet", "b.parquet", "c.parquet")
    digest = {hashlib.sha256((tmp_path / n).read_bytes()).hexdigest() for n in names}
    assert len(digest) == 1
    summarize(sim).to_parquet(tmp_path / "s1.parquet")
    summarize(again).to_parquet(tmp_path / "s2.parquet")
    assert (tmp_path / "s1.parquet").read_bytes() == (tmp_path / "s2.parquet").read_bytes()


def test_a_game_whose_inputs_did_not_change_keeps_identical_worlds(slate, sim) -> None:
    players, games = slate
    changed = players.copy()
    other = changed["game_id"] == "0022400002"
    changed.loc[other, "rate_fg3a"] *= 1.3
    changed.loc[other & (changed["role"] == "bench"), "play_prob"] = 0.9
    games2 = games.copy()
    games2.loc[games2["game_id"] == "0022400002", "spread_home"] = -11.5
    after = simulate(changed, games2, CALIBRATION, DATE, worlds=WORLDS)
    same = (sim.players["game_id"] != "0022400002").to_numpy()
    assert np.array_equal(after.dk_q[same], sim.dk_q[same])
    assert np.array_equal(after.seconds[same], sim.seconds[same])
    assert np.array_equal(after.stats[:, same], sim.stats[:, same])
    assert not np.array_equal(after.dk_q[~same], sim.dk_q[~same])


def test_worlds_do_not_depend_on_how_many_are_asked_for_or_how_they_are_chunked(slate, sim) -> None:
    players, games = slate
    small = dataclasses.replace(sim_settings(), chunk_worlds=300, block_worlds=7)
    part = simulate(players, games, CALIBRATION, DATE, worlds=700, settings=small)
    assert np.array_equal(part.dk_q, sim.dk_q[:, :700])
    assert np.array_equal(part.seconds, sim.seconds[:, :700])


def test_summary_quantiles_are_ordered_and_value_needs_a_salary(sim) -> None:
    summary = summarize(sim)
    cols = [f"dk_{q}" for q in QUANTILES]
    assert (np.diff(summary[cols].to_numpy(), axis=1) >= 0).all()
    assert np.allclose(summary["dk_mean"], sim.dk.mean(axis=1))
    no_salary = summary["salary"].isna()
    assert no_salary.any() and summary.loc[no_salary, "p_value"].isna().all()
    priced = summary.loc[~no_salary]
    assert priced["p_value"].between(0, 1).all()
    row = int(np.flatnonzero(~no_salary)[0])
    line = 5 * float(summary["salary"].iloc[row]) / 1000
    assert summary["p_value"].iloc[row] == pytest.approx((sim.dk[row] >= line).mean())


def test_calibration_is_fitted_from_labels_and_closing_odds() -> None:
    rng = np.random.default_rng(4)
    rows, odds = [], []
    for gi in range(400):
        gid = f"00223{gi:05d}"
        spread = float(rng.normal(0, 6))
        margin = float(round(-spread + rng.normal(0, 12.0)))
        ot = int(rng.uniform() < 0.1)
        for side, team in enumerate((1, 2)):
            pts_team = 113 + (margin / 2 if side == 0 else -margin / 2)
            # Starters give 1% of their minutes per point of margin beyond 10.
            starters_minutes = 180 * (1 - min(0.9, 0.01 * max(0, abs(margin) - 10))) * (1 + ot * 25 / 240)
            for j in range(10):
                starter = j < 5
                minutes = (
                    starters_minutes / 5 if starter else (240 * (1 + ot * 25 / 240) - starters_minutes) / 5
                )
                row = {"game_id": gid, "game_date": "2023-11-01", "team_id": team, "is_home": side == 0}
                row |= {"player_id": team * 100 + j, "starter": starter, "played": True, "minutes": minutes}
                row |= {s: int(rng.poisson(0.1 * minutes)) for s in kernel.COUNT_STATS}
                row["pts"] = int(round(pts_team * 2)) // 2 if j == 0 else 0
                rows.append(row)
        odds.append({"game_id": gid, "spread_home": spread, "total": 226.0})
    labels = pd.DataFrame(rows)
    cal = fit_calibration(labels, pd.DataFrame(odds))
    pts = labels.groupby(["game_id", "is_home"])["pts"].sum().unstack()
    resid = pts[True] - pts[False] + pd.DataFrame(odds).set_index("game_id")["spread_home"]
    assert cal.margin_sd == pytest.approx(float(resid.std()))
    assert cal.overtime_prob == pytest.approx(0.1, abs=0.04)
    assert cal.blowout_slope == pytest.approx(0.01, rel=0.1)
    # Poisson counts about each player-season's rate: no over-dispersion beyond sampling noise.
    assert max(cal.dispersion.values()) < 0.02
    # Team points about the players' season points per minute x minutes (one season here).
    ppm = labels.groupby("player_id")["pts"].transform("sum") / labels.groupby("player_id")[
        "minutes"
    ].transform("sum")
    team = labels.assign(mu=ppm * labels["minutes"]).groupby(["game_id", "team_id"])[["pts", "mu"]].sum()
    assert cal.team_pts_sd == pytest.approx(float((team["pts"] - team["mu"]).std()))
    assert SimCalibration.from_dict(cal.to_dict()) == cal
