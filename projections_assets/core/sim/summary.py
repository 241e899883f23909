"""gold/sim_summary from the worlds, and the documented expectation the sim means are tested against."""

from __future__ import annotations

import numpy as np
import pandas as pd

from projections_assets.core.sim.engine import SimWorlds
from projections_assets.core.sim.kernel import COUNT_STATS, MAKE_STATS, STORED_STATS

QUANTILES = {"p10": 0.10, "p25": 0.25, "p50": 0.50, "p75": 0.75, "p90": 0.90, "p99": 0.99}
SUMMARY_STATS = (*STORED_STATS, "pts", "reb")
# DraftKings' value line: points >= 5 x salary / 1000.
VALUE_MULTIPLE = 5.0


def summarize(sim: SimWorlds) -> pd.DataFrame:
    """Per stored player: DK points mean, SD and quantiles, P(DK = 0), P(plays), mean minutes and stats,
    P(value).

    Over all worlds (a world he does not play counts as 0). `p_value` is
    P(DK points >= 5 x salary / 1000), missing without a salary. Quantiles
    interpolate linearly between order statistics (numpy's default), so
    p10 <= p25 <= ... <= p99.
    """
    p = sim.players
    dk = sim.dk
    out = p[["game_id", "team_id", "player_id", "role"]].copy().reset_index(drop=True)
    out["worlds"] = np.int64(sim.worlds)
    out["play_share"] = (sim.seconds > 0).mean(axis=1)
    out["minutes_mean"] = sim.seconds.mean(axis=1) / 60.0
    out["dk_mean"] = dk.mean(axis=1)
    out["dk_sd"] = dk.std(axis=1)
    # The atom at 0 (worlds he sits, or plays and scores nothing): what a band's coverage needs.
    out["dk_p_zero"] = (dk == 0).mean(axis=1)
    qs = np.quantile(dk, list(QUANTILES.values()), axis=1)
    for i, name in enumerate(QUANTILES):
        out[f"dk_{name}"] = qs[i]
    for stat in SUMMARY_STATS:
        out[f"{stat}_mean"] = sim.stat(stat).mean(axis=1)
    salary = (
        p["salary"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
        if "salary" in p
        else np.full(len(p), np.nan)
    )
    out["salary"] = pd.array(np.where(np.isnan(salary), pd.NA, salary), dtype="Int64")
    line = VALUE_MULTIPLE * salary / 1000.0
    hit = (dk >= line[:, None]).mean(axis=1)
    out["p_value"] = np.where(np.isnan(salary), np.nan, hit)
    return out


def conditional_means(sim: SimWorlds) -> dict[str, np.ndarray]:
    """[player, world] expectation of each stat given the world's minutes, pace and usage factor.

    The model's documented expectation: rate x minutes x pace (x the team's
    usage factor for the usage stats, as the kernel applied it); makes: the
    make rate x the expected attempts; pts = 2 fg2m + 3 fg3m + ftm and reb =
    oreb + dreb. Blowouts and overtime act through the world's minutes.
    """
    p = sim.players
    minutes = sim.seconds / 60.0
    game_row = {g: i for i, g in enumerate(sim.games["game_id"])}
    team_row = {
        (g, t): i for i, (g, t) in enumerate(zip(sim.teams["game_id"], sim.teams["team_id"], strict=True))
    }
    g_idx = p["game_id"].map(game_row).to_numpy()
    t_idx = np.array([team_row[(g, t)] for g, t in zip(p["game_id"], p["team_id"], strict=True)])
    pace = sim.pace.astype(float)[g_idx]
    usage = sim.usage.astype(float)[t_idx]
    usage_stats = set(sim.usage_stats)
    out: dict[str, np.ndarray] = {}
    for stat in COUNT_STATS:
        rate = p[f"rate_{stat}"].to_numpy(float)[:, None]
        mean = rate * minutes * pace
        out[stat] = mean * usage if stat in usage_stats else mean
    for (make, attempt), pct in zip(MAKE_STATS, ("pct_fg2", "pct_fg3", "pct_ft"), strict=True):
        out[make] = p[pct].to_numpy(float).clip(0, 1)[:, None] * out[COUNT_STATS[attempt]]
    out["pts"] = 2 * out["fg2m"] + 3 * out["fg3m"] + out["ftm"]
    out["reb"] = out["oreb"] + out["dreb"]
    return out


def expected_stats(sim: SimWorlds) -> pd.DataFrame:
    """Per stored player, each stat's documented expectation: `conditional_means` averaged over the worlds."""
    means = conditional_means(sim)
    out = sim.players[["game_id", "team_id", "player_id"]].copy().reset_index(drop=True)
    for stat in SUMMARY_STATS:
        out[stat] = means[stat].mean(axis=1)
    return out
