"""A player's latent role (his coach's planned minutes), filtered from his game log.

Minutes played are the plan plus game noise, and a DNP-coach is only a bound
(plan plus noise fell short of a usable stint). Trailing means of minutes
blur the two, and the deep bench, whose plan sits near that bound, is where
play probability is hardest. This is a grid (histogram) Bayes filter per
player over the plan:

* between games the plan drifts: a Gaussian random walk in days, a small
  chance of a new role at any step, and a wide step when he changes teams;
* each game he was active for is an observation: minutes played (a
  two-part Gaussian mixture around the plan, narrower for small roles), or a
  DNP (the plan plus noise stayed below `USABLE_STINT`);
* before it is read, an observation is corrected for its game's context:
  a share of the minutes vacated by inactive teammates flowed to him, and in
  garbage time (a blowout) the bottom of the rotation plays more.

After each of his games it yields the posterior mean and SD of the plan and
the probability that the plan clears a usable stint in his next game (two
days on). The constants were chosen on a validation split inside the
training seasons (fit on season 1, Brier of the play probability on season
2, league seed 7): docs/decisions.md. Pure numpy, no Dagster.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
from scipy.special import ndtr

# The plan grid, minutes.
GRID = np.arange(0.0, 42.01, 0.5)
# Below this many minutes (plan + noise) a coach does not use a player.
USABLE_STINT = 5.0
# Game noise around the plan: most games within NOISE_SD, a share much wider; small roles vary less.
NOISE_SD, WIDE_SD, WIDE_SHARE = 5.0, 8.0, 0.2
# Drift of the plan (minutes per sqrt(day)), chance of a new role per step, extra days on a team change.
DRIFT_SD, ROLE_CHANGE, TEAM_CHANGE_DAYS, MAX_DAYS = 0.6, 0.01, 150, 200
# Share of each vacated minute that reaches a player; garbage-time minutes for the bottom of the rotation.
VACATED_SHARE = 0.05
GARBAGE_MINUTES, GARBAGE_ROLE_BELOW = 8.0, 10.0
# Blowout ramp: garbage time starts at this final margin and is full at the second.
BLOWOUT_FROM, BLOWOUT_FULL = 14.0, 30.0
# Before a player's first game: a wide prior around a bench role.
PRIOR_MEAN, PRIOR_SD = 8.0, 10.0
NEXT_GAME_DAYS = 2
_FLOOR = 1e-6  # keeps one freak game from zeroing the posterior


def _norm_pdf(z: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi)


def _role_scale(plan: np.ndarray) -> np.ndarray:
    """How wide a role's game noise is, relative to NOISE_SD: small roles vary less."""
    return np.clip(0.6 + plan / 30.0, 0.6, 1.2)


ROLE_SCALE = _role_scale(GRID)


def _mixture_cdf(x: np.ndarray, narrow: np.ndarray, wide: np.ndarray) -> np.ndarray:
    return (1 - WIDE_SHARE) * ndtr(x / narrow) + WIDE_SHARE * ndtr(x / wide)


def _noise_pdf(x: np.ndarray) -> np.ndarray:
    """Density of the game noise at x minutes above the plan, per grid point."""
    narrow, wide = NOISE_SD * ROLE_SCALE, WIDE_SD * ROLE_SCALE
    return (1 - WIDE_SHARE) * _norm_pdf(x / narrow) / narrow + WIDE_SHARE * _norm_pdf(x / wide) / wide


def _noise_cdf(x: np.ndarray) -> np.ndarray:
    """P(game noise <= x minutes), per grid point."""
    return _mixture_cdf(x, NOISE_SD * ROLE_SCALE, WIDE_SD * ROLE_SCALE)


@cache
def kernels() -> np.ndarray:
    """Transition matrices `[MAX_DAYS + 1, G, G]` (to <- from) for gaps of 0..MAX_DAYS days."""
    diff = GRID[:, None] - GRID[None, :]
    out = np.empty((MAX_DAYS + 1, GRID.size, GRID.size))
    for days in range(MAX_DAYS + 1):
        sd = max(DRIFT_SD * np.sqrt(max(days, 1)), 0.25)
        k = _norm_pdf(diff / sd)
        k /= k.sum(0, keepdims=True)
        out[days] = (1 - ROLE_CHANGE) * k + ROLE_CHANGE / GRID.size
    return out


def blowout_share(margin: np.ndarray) -> np.ndarray:
    """0 in a close game, rising to 1 in a full blowout (by final margin)."""
    return np.clip((np.abs(margin) - BLOWOUT_FROM) / (BLOWOUT_FULL - BLOWOUT_FROM), 0.0, 1.0)


def role_filter(games: pd.DataFrame) -> pd.DataFrame:
    """Filter every player's plan through his games.

    `games`: one row per player-game sorted by player then date, with
    `player_id`, `team_id`, `game_date`, `minutes`, `played`, `active`,
    `vacated` (minutes of his inactive teammates) and `blowout`
    (`blowout_share` of the final margin). Returns, aligned to it,
    `min_filter_mean`, `min_filter_sd` (the plan after the game) and
    `play_rate_filter` (chance he gets a usable stint in a game two days on).
    """
    n = len(games)
    out = pd.DataFrame(
        {c: np.full(n, np.nan) for c in ("min_filter_mean", "min_filter_sd", "play_rate_filter")},
        index=games.index,
    )
    if n == 0:
        return out
    player = games["player_id"].to_numpy()
    first = np.r_[True, player[1:] != player[:-1]]
    pid = np.cumsum(first) - 1
    step = np.arange(n) - np.flatnonzero(first)[pid]
    day = pd.to_datetime(games["game_date"]).to_numpy().astype("datetime64[D]").astype(np.int64)
    team = games["team_id"].to_numpy()
    gap = np.where(first, 1, day - np.r_[day[0], day[:-1]])
    moved = ~first & (team != np.r_[team[0], team[:-1]])
    gap = np.minimum(np.maximum(gap, 1) + np.where(moved, TEAM_CHANGE_DAYS, 0), MAX_DAYS)
    minutes = games["minutes"].to_numpy(float)
    played = games["played"].to_numpy(bool)
    active = games["active"].to_numpy(bool)
    shift = VACATED_SHARE * games["vacated"].to_numpy(float)[:, None] + games["blowout"].to_numpy(float)[
        :, None
    ] * np.where(GRID < GARBAGE_ROLE_BELOW, GARBAGE_MINUTES, 0.0)

    kern = kernels()
    prior = _norm_pdf((GRID - PRIOR_MEAN) / PRIOR_SD)
    post = np.tile(prior / prior.sum(), (pid[-1] + 1, 1))
    p_usable = 1.0 - _noise_cdf(USABLE_STINT - GRID)
    ahead = kern[NEXT_GAME_DAYS].T @ p_usable  # P(usable next game | plan now), per grid point
    mean, sd, p_next = np.empty(n), np.empty(n), np.empty(n)
    order = np.argsort(step, kind="stable")
    bounds = np.searchsorted(step[order], np.arange(step.max() + 2))
    # All players' k-th games at once: a handful of distinct day gaps per step.
    for k in range(step.max() + 1):
        rows = order[bounds[k] : bounds[k + 1]]
        p = post[pid[rows]]
        for g in np.unique(gap[rows]):
            sel = gap[rows] == g
            p[sel] = p[sel] @ kern[g].T
        obs = rows[active[rows]]
        if obs.size:
            sub = active[rows]
            s = shift[obs]
            lik = np.where(
                played[obs][:, None],
                _noise_pdf(minutes[obs][:, None] - s - GRID),
                _noise_cdf(USABLE_STINT - s - GRID),
            )
            q = p[sub] * (lik + _FLOOR)
            p[sub] = q / q.sum(1, keepdims=True)
        post[pid[rows]] = p
        m = p @ GRID
        mean[rows] = m
        sd[rows] = np.sqrt(np.maximum(p @ GRID**2 - m**2, 0.0))
        p_next[rows] = p @ ahead
    out["min_filter_mean"], out["min_filter_sd"], out["play_rate_filter"] = mean, sd, p_next
    return out


def play_chance_now(mean: pd.Series, sd: pd.Series, vacated: pd.Series) -> pd.Series:
    """P(plan + noise clears a usable stint) today, with today's vacated minutes flowing to him.

    A Gaussian reading of the posterior (mean, SD) folded with the game noise.
    """
    mu = mean.to_numpy(float) + VACATED_SHARE * vacated.to_numpy(float)
    scale = _role_scale(mu)
    var = np.nan_to_num(sd.to_numpy(float), nan=NOISE_SD) ** 2
    chance = _mixture_cdf(
        mu - USABLE_STINT, np.sqrt(var + (NOISE_SD * scale) ** 2), np.sqrt(var + (WIDE_SD * scale) ** 2)
    )
    return pd.Series(chance, index=mean.index)
