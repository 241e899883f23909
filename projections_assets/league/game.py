"""One game's generative model: minutes, box-score counts and DraftKings points.

Everything is vectorized over a leading "sims" axis so the realized game (one
draw) and the oracle (many draws from the same model, availability sampled
from what was knowable) share one code path. Arrays are shaped
`[sims, 2 (away, home), roster]`; unused roster slots carry `valid=False`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .draws import list_choice_index
from .params import LeagueParams

# Order of the per-minute counting rates everywhere in the league.
RATE_STATS: tuple[str, ...] = ("fg2a", "fg3a", "fta", "ast", "tov", "oreb", "dreb", "stl", "blk", "pf")
PCT_STATS: tuple[str, ...] = ("fg2", "fg3", "ft")
# Counting stats whose volume follows on-court usage (shot creation and ball handling).
USAGE_STATS = np.array([s in {"fg2a", "fg3a", "fta", "ast", "tov"} for s in RATE_STATS])
POS_GROUPS = ("G", "F", "C")
# How readily a player of one position group takes an absent player's minutes.
_POS_SIMILARITY = np.array([[1.0, 0.55, 0.15], [0.55, 1.0, 0.6], [0.15, 0.6, 1.0]])

BOX_STATS: tuple[str, ...] = (
    "fg2m",
    "fg2a",
    "fg3m",
    "fg3a",
    "ftm",
    "fta",
    "oreb",
    "dreb",
    "reb",
    "ast",
    "stl",
    "blk",
    "tov",
    "pf",
    "pts",
)


@dataclass
class GameSetup:
    """What the generator knows before tip about one game (both teams).

    `base_min` is each player's planned minutes at full strength (his role),
    `depth` his rank in the coach's rotation (0 = first). Rates are per minute,
    already including the player's current form.
    """

    game_index: int
    valid: np.ndarray  # [2, N] bool
    person_id: np.ndarray  # [2, N] int64
    base_min: np.ndarray  # [2, N]
    depth: np.ndarray  # [2, N] int
    pos_group: np.ndarray  # [2, N] int (0 G, 1 F, 2 C)
    rates: np.ndarray  # [2, N, len(RATE_STATS)]
    pct: np.ndarray  # [2, N, len(PCT_STATS)]
    usage: np.ndarray  # [2, N]
    talent: np.ndarray  # [2, N]
    team_strength: np.ndarray  # [2] system/coaching part of the rating
    back_to_back: np.ndarray  # [2] bool
    # Setup-only terms of `planned_minutes`, keyed by `bench_absorb_ratio` (see `_plan_weights`).
    _plan_cache: dict[float, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )


def team_volume(
    rates: np.ndarray, base_min: np.ndarray, valid: np.ndarray, params: LeagueParams
) -> np.ndarray:
    """Rates `[2, N, R]` with each team's usage stats pulled toward the league's volume.

    A team's full-strength volume of each usage stat (its players' rates
    weighted by their planned minutes) is scaled by (league / team) **
    `team_volume_pull`: a team of high-usage players shares the same
    possessions, so its shots spread less from the league's than the sum of
    its players' appetites would. Non-usage stats are untouched.
    """
    if params.team_volume_pull <= 0:
        return rates
    w = np.where(valid, base_min, 0.0)
    density = (rates * w[..., None]).sum(-2) / np.maximum(w.sum(-1), 1e-9)[..., None]  # [2, R]
    target = np.array([params.per36[s] for s in RATE_STATS]) / 36.0
    factor = (target / np.maximum(density, 1e-12)) ** params.team_volume_pull
    return rates * np.where(USAGE_STATS, factor, 1.0)[..., None, :]


def team_rating(setup: GameSetup, avail: np.ndarray) -> np.ndarray:
    """Points-margin rating of each side given availability weights `[..., 2, N]` in [0, 1].

    Players count by their planned minutes, so losing a starter costs more
    than losing the twelfth man; a tired team (back-to-back) is slightly worse.
    """
    w = avail * setup.base_min * setup.valid
    talent = np.where(setup.valid, setup.talent, 0.0)
    rating = 1.7 * (w * talent).sum(-1) / 48.0
    return rating + setup.team_strength - 1.2 * setup.back_to_back


def expected_margin(setup: GameSetup, avail: np.ndarray, params: LeagueParams) -> np.ndarray:
    """Home minus away expected points margin."""
    r = team_rating(setup, avail)
    return params.home_advantage + r[..., 1] - r[..., 0]


def planned_minutes(setup: GameSetup, avail: np.ndarray, params: LeagueParams) -> np.ndarray:
    """The coach's plan given who is available: absent minutes flow to similar teammates.

    Rotation players absorb about twice the per-head share of starters (as in
    the real league); the deepest bench absorbs little until it is needed.
    """
    base, weight = _plan_weights(setup, params)
    a = avail * setup.valid  # [S, 2, N]
    take = a[..., None, :] * weight  # [S, 2, N(absent i), N(taker j)]
    share = take / np.maximum(take.sum(-1, keepdims=True), 1e-9)
    missing = (1.0 - a) * base  # [S, 2, N]
    plan = a * base + np.einsum("stij,sti->stj", share, missing)
    return np.minimum(plan, 38.5)


def _plan_weights(setup: GameSetup, params: LeagueParams) -> tuple[np.ndarray, np.ndarray]:
    """`planned_minutes`' terms that depend on the setup alone: base minutes `[2, N]` and the
    taker weights `[2, N, N]` (position similarity times role weight).

    A game's plan is recomputed some twenty times (simulation, lineup updates, market
    quotes, contests) and these terms were most of its cost, so they are cached on the
    setup. The cached arrays are the very values the inline expressions gave, so the plan
    is bit-identical.
    """
    key = params.bench_absorb_ratio
    cached = setup._plan_cache.get(key)
    if cached is None:
        base = np.where(setup.valid, setup.base_min, 0.0)
        depth = setup.depth
        role_w = np.select([depth < 5, depth < 10, depth < 13], [1.0, key, 0.8], 0.3)
        sim = _POS_SIMILARITY[setup.pos_group[..., :, None], setup.pos_group[..., None, :]]  # [2, N, N]
        cached = setup._plan_cache[key] = (base, sim * role_w[..., None, :])
    return cached


def _heavy_noise(rng: np.random.Generator, shape: tuple[int, ...], params: LeagueParams) -> np.ndarray:
    wide = rng.random(shape) < params.minutes_wide_share
    sd = np.where(wide, params.minutes_wide_sd, params.minutes_noise_sd)
    return rng.standard_normal(shape) * sd


def draw_script(
    setup: GameSetup, avail: np.ndarray, params: LeagueParams, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Regulation margin (home - away) and number of overtimes per sim.

    A game goes to overtime when regulation ends (near) level, so close games
    go to OT more often; each overtime is followed by another with
    `multi_ot_share` chance.
    """
    s = avail.shape[0]
    mu = expected_margin(setup, avail.astype(float), params)
    margin = mu + rng.standard_normal(s) * params.margin_sd
    # Half-width of the "level at the buzzer" band giving ~ot_rate overall.
    band = params.ot_rate * params.margin_sd * np.sqrt(2 * np.pi) / 2.0 / 0.88
    n_ot = np.where(np.abs(margin) < band, 1, 0)
    extra = rng.geometric(1.0 - params.multi_ot_share, size=s) - 1
    n_ot = n_ot + np.where(n_ot > 0, extra, 0)
    return margin, n_ot


def simulate_minutes(
    setup: GameSetup,
    avail: np.ndarray,
    margin: np.ndarray,
    n_ot: np.ndarray,
    params: LeagueParams,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Seconds played `[S, 2, N]` (exactly 240 + 25 per OT minutes per team) and in-game injury flags."""
    s = avail.shape[0]
    shape = (s, 2, setup.valid.shape[-1])
    a = avail & setup.valid
    plan = planned_minutes(setup, a.astype(float), params)
    # Rank of each available player's role, for the minimum-rotation rule below.
    order = np.argsort(-np.where(a, plan, -1.0), axis=-1, kind="stable")
    rank = np.argsort(order, axis=-1, kind="stable")

    # Game script: in a blowout starters sit the fourth quarter and the deep bench plays it.
    z = np.clip((np.abs(margin) - params.blowout_start) / (params.blowout_full - params.blowout_start), 0, 1)
    z = z[:, None, None]
    # Noise peaks for mid-rotation roles: stars' and deep reserves' minutes are steadier.
    scale_sd = np.clip(0.6 + plan / 30.0, 0.6, 1.2) - np.clip((plan - 26.0) * 0.03, 0.0, 0.35)
    raw = plan + _heavy_noise(rng, shape, params) * scale_sd
    raw -= z * params.blowout_starter_cut * np.clip(plan / 32.0, 0, 1.2) * (plan > 18)
    raw += z * 7.0 * (plan < 10) * a
    foul = rng.random(shape) < params.foul_trouble_rate
    raw -= foul * rng.uniform(4.0, 12.0, shape)
    injured = (rng.random(shape) < params.in_game_injury_rate) & a & (raw > 4)
    raw = np.where(injured, raw * rng.uniform(0.1, 0.7, shape), raw)
    raw = np.where(a & (raw >= params.dnp_threshold), raw, 0.0)

    # Make sure a team always has a rotation: the eight biggest roles play.
    playing = (raw > 0).sum(-1, keepdims=True)
    need = a & (rank < 8) & (raw <= 0) & (playing < 8)
    raw = np.where(need, np.maximum(plan, 4.0), raw)

    total = (240.0 + 25.0 * n_ot)[:, None, None]
    cap = (48.0 + 5.0 * n_ot)[:, None, None]
    # OT minutes go mostly to the closers: weight the extra time by planned role.
    raw = raw * (1.0 + 0.12 * n_ot[:, None, None] * (plan > 26))
    minutes = _normalize_with_cap(raw, total, cap)
    seconds = round_preserving_sum(minutes * 60.0, (total * 60.0)[..., 0])
    return seconds, injured


def _normalize_with_cap(raw: np.ndarray, total: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Scale each team's raw minutes to `total`, capping players at `cap` and passing the excess on."""
    m = raw.copy()
    capped = np.zeros(raw.shape, dtype=bool)
    for _ in range(6):
        fixed = np.where(capped, cap, 0.0).sum(-1, keepdims=True)
        free = np.where(capped, 0.0, m).sum(-1, keepdims=True)
        factor = np.where(free > 0, (total - fixed) / np.maximum(free, 1e-9), 0.0)
        m = np.where(capped, cap, m * factor)
        over = m > cap
        if not over.any():
            break
        capped |= over
    return np.minimum(m, cap)


def round_preserving_sum(x: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Round non-negative `x` to ints along the last axis so each row sums exactly to `target`.

    Largest-remainder rounding: keeps every value within one unit of `x`.
    """
    fl = np.floor(x)
    deficit = (np.rint(target) - fl.sum(-1)).astype(np.int64)
    frac = x - fl
    order = np.argsort(-frac, axis=-1, kind="stable")
    ranks = np.argsort(order, axis=-1, kind="stable")
    add = ranks < deficit[..., None]
    # Never hand a second to a player who did not play.
    return (fl + (add & (x > 0))).astype(np.int64)


def sample_counts(rng: np.random.Generator, mean: np.ndarray, dispersion: float) -> np.ndarray:
    """Gamma-Poisson counts: Poisson noise plus game-to-game rate variation."""
    if dispersion > 0:
        shape = 1.0 / dispersion
        mean = mean * rng.gamma(shape, 1.0 / shape, size=mean.shape)
    return rng.poisson(mean)


def expected_rates(setup: GameSetup, minutes: np.ndarray, params: LeagueParams) -> np.ndarray:
    """Per-minute rates `[S, 2, N, R]` after the usage shift.

    Each team creates about the same number of shots per game whoever plays,
    so when high-usage players sit, the rest take a larger share: usage stats
    scale with (full-strength usage density / current usage density) ** usage_shift.
    """
    u = np.where(setup.valid, setup.usage, 0.0)
    full = (u * setup.base_min).sum(-1) / np.maximum(setup.base_min.sum(-1, where=setup.valid), 1e-9)
    played = minutes.sum(-1)
    now = (u * minutes).sum(-1) / np.maximum(played, 1e-9)
    factor = (full / np.maximum(now, 1e-9)) ** params.usage_shift  # [S, 2]
    factor = np.clip(factor, 0.7, 1.6)
    mult = np.where(USAGE_STATS, factor[..., None, None], 1.0)  # [S, 2, 1, R]
    return setup.rates[None] * mult


def simulate_box(
    setup: GameSetup,
    seconds: np.ndarray,
    params: LeagueParams,
    rng: np.random.Generator,
    foul_out: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Box-score counts `[S, 2, N]` given seconds played."""
    minutes = seconds / 60.0
    rates = expected_rates(setup, minutes, params)
    lam = rates * minutes[..., None]
    counts = sample_counts(rng, lam, params.count_dispersion)
    box = {name: counts[..., i] for i, name in enumerate(RATE_STATS)}
    box["pf"] = np.minimum(box["pf"], 6)
    pct = np.broadcast_to(setup.pct[None], counts.shape[:-1] + (len(PCT_STATS),))
    box["fg2m"] = rng.binomial(box["fg2a"], pct[..., 0])
    box["fg3m"] = rng.binomial(box["fg3a"], pct[..., 1])
    box["ftm"] = rng.binomial(box["fta"], pct[..., 2])
    return finish_box(box)


def finish_box(box: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Derived columns (REB, PTS) from the primitive counts."""
    box["reb"] = box["oreb"] + box["dreb"]
    box["pts"] = 2 * box["fg2m"] + 3 * box["fg3m"] + box["ftm"]
    return box


def dk_points(box: dict[str, np.ndarray]) -> np.ndarray:
    """DraftKings NBA classic scoring, including double- and triple-double bonuses."""
    base = (
        box["pts"]
        + 0.5 * box["fg3m"]
        + 1.25 * box["reb"]
        + 1.5 * box["ast"]
        + 2.0 * box["stl"]
        + 2.0 * box["blk"]
        - 0.5 * box["tov"]
    )
    tens = sum((box[k] >= 10).astype(np.int64) for k in ("pts", "reb", "ast", "stl", "blk"))
    return base + 1.5 * (tens >= 2) + 3.0 * (tens >= 3)


def rebalance_points(
    box: dict[str, np.ndarray], seconds: np.ndarray, target: np.ndarray, rng: np.random.Generator
) -> None:
    """Turn misses into makes (or back) until each team's points equal `target` (one sim, in place).

    The game script fixes the score; the box score must add up to it. The
    adjustment goes to players in proportion to their attempts, 2s first, the
    odd point as a free throw.
    """
    for side in range(2):
        diff = int(target[side] - box["pts"][0, side].sum())
        played = (seconds[0, side] > 0).tolist()
        # The side's counts as Python lists, written back below: the loop runs once per point
        # of difference over ~20 players, where list arithmetic is several times cheaper than
        # numpy's. The weights are half-integers, so their sums are exact and each draw is
        # the one `rng.choice(room.size, p=room / room.sum())` made on the arrays.
        counts = {c: box[c][0, side].tolist() for c in ("fg2m", "fg2a", "ftm", "fta")}
        for _ in range(40):
            if diff == 0:
                break
            if abs(diff) >= 2:
                col_m, col_a, step = "fg2m", "fg2a", 2
            else:
                col_m, col_a, step = "ftm", "fta", 1
            made, att = counts[col_m], counts[col_a]
            if diff > 0:
                room = [a - m + 0.5 if on else 0.0 for a, m, on in zip(att, made, played, strict=True)]
            else:
                room = [float(m) for m in made]
            if sum(room) <= 0:
                if diff < 0:  # nothing left to take back at this value: try free throws
                    col_m, col_a, step = "ftm", "fta", 1
                    made, att = counts[col_m], counts[col_a]
                    room = [float(m) for m in made]
                    if sum(room) <= 0:
                        break
                else:
                    break
            j = list_choice_index(rng, room, sum(room))
            sign = 1 if diff > 0 else -1
            made[j] += sign
            if made[j] > att[j]:
                att[j] = made[j]
            diff -= sign * step
        for c, values in counts.items():
            box[c][0, side] = values
        finish_box(box)


def plus_minus(seconds: np.ndarray, margin_final: int, rng: np.random.Generator) -> np.ndarray:
    """Plausible +/- per player `[2, N]` for one sim; each team's sum is exactly 5x its margin."""
    out = np.zeros(seconds.shape[1:], dtype=np.int64)
    for side, sign in ((0, -1), (1, 1)):
        m = seconds[0, side] / 60.0
        on = m > 0
        share = m / m.sum() * 5.0
        noise = rng.standard_normal(m.size) * 5.0 * np.sqrt(m / 36.0)
        noise -= share / 5.0 * noise.sum()
        vals = np.where(on, np.rint(sign * margin_final * share + noise), 0).astype(np.int64)
        # The rounding residual goes to the player with the most minutes.
        vals[np.argmax(m)] += sign * margin_final * 5 - vals.sum()
        out[side] = vals
    return out
