"""The compiled sim kernel (numba, parallel over games x blocks of worlds, cached to disk).

Exact inverse-CDF samplers, one uniform per variate, so each variate's
uniform is fixed by its stream position and a world's draws never shift when
another variate changes: `minutes_quantile` (the documented minutes
distribution), `nb_search` (negative binomial with a gamma shape in quarters,
or Poisson) and `binomial_inverse`. Their CDF sums are exact up to the
last double: a search stops only once the remaining mass is below 1e-16 of it.
`compete` couples a team's uniforms (attempts, then makes) so that the team's
points are bounded while each uniform stays uniform.
"""

from __future__ import annotations

import math

import numba as nb
import numpy as np

from projections_assets.core.sim.rng import uniforms, uniforms32

# The nine counting stats drawn per world, in kernel order (rates_* columns of the inputs).
COUNT_STATS = ("fg2a", "fg3a", "fta", "ast", "tov", "oreb", "dreb", "stl", "blk")
# Makes drawn from attempts: (make, attempt index in COUNT_STATS), in kernel order (pct_* columns).
MAKE_STATS = (("fg2m", 0), ("fg3m", 1), ("ftm", 2))
# Stored per world: the counts, then the makes; the scoring vector adds pts and reb (derived).
STORED_STATS = (*COUNT_STATS, *(m for m, _ in MAKE_STATS))
SCORE_STATS = (*STORED_STATS, "pts", "reb")
# Uniform slots of one player-world: availability, minutes, one per count, one per make.
SLOT_AVAIL, SLOT_MINUTES, SLOT_COUNTS, SLOT_MAKES = 0, 1, 2, 2 + len(COUNT_STATS)
PLAYER_BLOCKS = 2  # 16 uniforms (32-bit) per player-world, 8 per block (14 used)
GAME_BLOCKS = 1  # 4 per game-world: two for the Box-Muller pair (pace, script), two for overtime
MAX_COUNT = 255  # uint8 storage

# params vector layout (engine.kernel_params builds it).
P_PACE_SD, P_MARGIN_SD, P_OT_PROB, P_OT_MORE, P_BLOW_SLOPE, P_BLOW_THRESHOLD, P_BLOW_MAX = range(7)
P_ELASTICITY, P_MIN_MINUTES, P_MAX_MINUTES, P_MIN_PLAYERS, P_REG_MINUTES, P_OT_MINUTES = range(7, 13)
P_OT_PLAYER_MINUTES, P_MAX_OT, P_BONUS_THRESHOLD, P_DOUBLE, P_TRIPLE = range(13, 18)
# The calibrated SD of a team's points about their expectation, which the team's attempts and makes
# compete towards (0: independent draws).
P_TEAM_PTS_SD = 18
N_PARAMS = 19
# Points per make of fg2m, fg3m, ftm (the team-points target of the makes' competition).
MAKE_POINTS = (2.0, 3.0, 1.0)

_SQRT_HALF = math.sqrt(0.5)


@nb.njit(cache=True, error_model="numpy")
def minutes_quantile(u: float, p10: float, p50: float, p90: float, lo: float, hi: float) -> float:
    """The minutes-if-he-plays distribution's quantile function at u (docs/sim.md).

    Linear between (0.1, p10), (0.5, p50) and (0.9, p90) (a uniform density on
    each side of the median), exponential tails beyond p10 and p90 whose
    density is continuous at the knot, clamped to [lo, hi].
    """
    # The two linear pieces by a select (which piece is random: a branch would mispredict), the tails apart.
    lower = p10 + (u - 0.1) * 2.5 * (p50 - p10)
    upper = p50 + (u - 0.5) * 2.5 * (p90 - p50)
    m = lower if u < 0.5 else upper
    if u < 0.1:
        m = p10 + 0.25 * (p50 - p10) * math.log(u * 10.0)
    elif u > 0.9:
        m = p90 - 0.25 * (p90 - p50) * math.log((1.0 - u) * 10.0)
    return min(max(m, lo), hi)


@nb.njit(cache=True, error_model="numpy")
def normal_quantile(u: float) -> float:
    """The standard normal quantile at u in (0, 1) (rational approximation, relative error < 1.2e-9).

    Only the team competition's copula uses it: a uniform's normal score, shifted against the
    teammates' and mapped back through `normal_cdf`, so its error moves a uniform by ~1e-9.
    """
    if u < 0.02425:
        q = math.sqrt(-2.0 * math.log(u))
        return (
            (
                (
                    ((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e00) * q
                    - 2.549732539343734e00
                )
                * q
                + 4.374664141464968e00
            )
            * q
            + 2.938163982698783e00
        ) / (
            (
                ((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e00) * q
                + 3.754408661907416e00
            )
            * q
            + 1.0
        )
    if u > 0.97575:
        return -normal_quantile(1.0 - u)
    q = u - 0.5
    r = q * q
    return (
        (
            (
                (
                    ((-3.969683028665376e01 * r + 2.209460984245205e02) * r - 2.759285104469687e02) * r
                    + 1.383577518672690e02
                )
                * r
                - 3.066479806614716e01
            )
            * r
            + 2.506628277459239e00
        )
        * q
        / (
            (
                (
                    ((-5.447609879822406e01 * r + 1.615858368580409e02) * r - 1.556989798598866e02) * r
                    + 6.680131188771972e01
                )
                * r
                - 1.328068155288572e01
            )
            * r
            + 1.0
        )
    )


@nb.njit(cache=True, error_model="numpy")
def normal_cdf(z: float) -> float:
    """The standard normal CDF."""
    return 0.5 * math.erfc(-z * _SQRT_HALF)


@nb.njit(cache=True, error_model="numpy")
def compete(u: np.ndarray, weight: np.ndarray, n: int, lam: float) -> None:
    """Make the uniforms u[:n] compete: the weighted sum of their normal scores shrinks by (1 - lam).

    With e the normal scores and w = weight / |weight|, z = (e - lam w (w.e)) / sd is exactly
    standard normal again (sd = sqrt(1 - w^2 lam (2 - lam))), so every u[i] = Phi(z_i) stays uniform
    and each draw keeps its marginal law (and the documented expectation), while sum w z, the
    linearised team total, has about (1 - lam)^2 of the independent draws' variance (exactly when
    no single weight dominates: the per-entry rescaling adds w^2 terms). Weight-0 entries
    and lam = 0 leave u untouched; `weight` is overwritten with w.
    """
    if lam <= 0.0:
        return
    # Below 1 so that even a single weighted entry (w = 1) keeps a positive sd and its own law.
    lam = min(lam, 0.999)
    norm = 0.0
    for i in range(n):
        norm += weight[i] * weight[i]
    if norm <= 0.0:
        return
    inv = 1.0 / math.sqrt(norm)
    total = 0.0
    for i in range(n):
        if weight[i] > 0.0:
            e = normal_quantile(u[i])
            weight[i] *= inv  # the unit vector w, in place (the caller's weights are scratch)
            total += weight[i] * e
            u[i] = e  # the normal score, until the second pass
    shrink = lam * (2.0 - lam)
    for i in range(n):
        w = weight[i]
        if w > 0.0:
            u[i] = normal_cdf((u[i] - lam * w * total) / math.sqrt(1.0 - w * w * shrink))


# CDF values a count search sums per block, without a branch (`nb_search`): fewer for small means.
SEARCH_BLOCK = 8
SEARCH_BLOCK_SMALL = 4
SEARCH_SMALL_MEAN = 2.0
# ... and per block of a make search (`binomial_inverse`): makes are few.
MAKES_BLOCK = 4
# 1 / (y + 1) for y = 0..MAX_COUNT + SEARCH_BLOCK: the pmf recursions multiply instead of divide.
_INV = 1.0 / np.arange(1.0, MAX_COUNT + max(SEARCH_BLOCK, MAKES_BLOCK) + 2.0)


def shape_quarters(dispersion: float) -> int:
    """The negative binomial's gamma shape 1/dispersion in quarters, rounded (0: Poisson).

    The kernel draws with shape = quarters / 4 so that p(0) = (shape / (shape + mean))^shape is two
    square roots and a few products instead of a log and an exp (a third of the sim's time). The
    dispersion drawn is within 1 / (2 quarters) of the calibrated one, relatively: 1.5% at the
    fitted 0.12 (33 quarters).
    """
    if dispersion <= 0.0:
        return 0
    return max(1, round(4.0 / dispersion))


@nb.njit(cache=True, error_model="numpy")
def _nb_zero(mean: float, quarters: int) -> float:
    # (shape / (shape + mean))^(quarters / 4) by square roots and binary powering.
    shape = quarters * 0.25
    base = math.sqrt(math.sqrt(shape / (shape + mean)))
    result = 1.0
    n = quarters
    while n > 0:
        if n & 1:
            result *= base
        base *= base
        n >>= 1
    return result


@nb.njit(cache=True, error_model="numpy", inline="always")
def _cdf_block(u: float, p: float, cdf: float, y: int, j: int, slope: float, lead: float, size: int):  # type: ignore[no-untyped-def]
    # `size` more CDF values, counting those below u, without a branch.
    for _ in range(size):
        p *= (j * slope + lead) * _INV[j]
        j += 1
        cdf += p
        y += u > cdf
    return p, cdf, y, j


@nb.njit(cache=True, error_model="numpy")
def nb_search(u: float, mean: float, quarters: int) -> int:
    """Smallest y with CDF(y) >= u of the negative binomial with this mean and gamma shape quarters / 4.

    Var = mean + mean^2 / shape: the gamma-Poisson mixture; quarters 0 is the
    Poisson. Counts stop at MAX_COUNT (the storage's bound). The CDF is summed
    in blocks (SEARCH_BLOCK values, SEARCH_BLOCK_SMALL below a mean of
    SEARCH_SMALL_MEAN) without a branch, the answer being the number of CDF
    values below u: a branch per value, taken at random, was most of the
    search's time. The stopping rule is checked after each block.
    """
    if mean <= 0.0:
        return 0
    # pmf ratio p(y + 1) / p(y) = (slope y + lead) / (y + 1).
    if quarters <= 0:
        slope = 0.0
        lead = mean
        p = math.exp(-mean)
    else:
        shape = quarters * 0.25
        slope = mean / (mean + shape)
        lead = shape * slope
        p = _nb_zero(mean, quarters)
    cdf = p
    y = 1 if u > cdf else 0
    j = 0
    small = mean < SEARCH_SMALL_MEAN
    while True:
        if small:
            p, cdf, y, j = _cdf_block(u, p, cdf, y, j, slope, lead, SEARCH_BLOCK_SMALL)
        else:
            p, cdf, y, j = _cdf_block(u, p, cdf, y, j, slope, lead, SEARCH_BLOCK)
        if u <= cdf or j >= MAX_COUNT or (j > mean and p < 1e-16 * cdf):
            return min(y, MAX_COUNT)


def nb_inverse(u: float, mean: float, dispersion: float) -> int:
    """`nb_search` at the dispersion's shape (`shape_quarters`): Var = mean + mean^2 / shape."""
    return int(nb_search(u, mean, shape_quarters(dispersion)))


@nb.njit(cache=True, error_model="numpy")
def binomial_inverse(u: float, n: int, prob: float, powers: np.ndarray) -> int:
    """Smallest x with CDF(x) >= u of Binomial(n, prob).

    `powers[n]` is (1 - min(prob, 1 - prob))^n (`binomial_powers`), so no
    transcendental is evaluated per draw; prob above 1/2 goes through
    n - Binomial(n, 1 - prob) searched at 1 - u (same law, still rising in u).
    """
    if n <= 0 or prob <= 0.0:
        return 0
    if prob >= 1.0:
        return n
    flip = prob > 0.5
    p_ = 1.0 - prob if flip else prob
    v = 1.0 - u if flip else u
    ratio = p_ / (1.0 - p_)
    p = powers[n]
    cdf = p
    x = 1 if v > cdf else 0
    j = 0
    while True:
        # Branch-free blocks as in `nb_search`; beyond n the pmf is 0 (the factor n - j is floored at 0).
        for _ in range(MAKES_BLOCK):
            p *= max(n - j, 0) * _INV[j] * ratio
            j += 1
            cdf += p
            x += v > cdf
        if v <= cdf or j >= n:
            x = min(x, n)
            return n - x if flip else x


def binomial_powers(prob: np.ndarray) -> np.ndarray:
    """[row, n] = (1 - min(prob, 1 - prob))^n for n = 0..MAX_COUNT, per make rate (binomial_inverse's table)."""
    base = 1.0 - np.minimum(prob, 1.0 - prob)
    return np.ascontiguousarray(base[..., None] ** np.arange(MAX_COUNT + 1.0))


@nb.njit(cache=True, error_model="numpy")
def _couple(
    m: np.ndarray,
    playing: np.ndarray,
    n: int,
    total: float,
    cap: float,
    secs: np.ndarray,
    fixed: np.ndarray,
    rem: np.ndarray,
) -> None:
    """Scale the players' minutes to `total` (capping at `cap`, passing the excess on), then whole seconds.

    Seconds are rounded by largest remainder (ties to the earlier player), so
    they sum to total x 60 exactly. `fixed` and `rem` are scratch.
    """
    for j in range(n):
        fixed[j] = False
    for _ in range(n + 1):
        free_sum = 0.0
        fixed_sum = 0.0
        for j in range(n):
            if playing[j]:
                if fixed[j]:
                    fixed_sum += m[j]
                else:
                    free_sum += m[j]
        if free_sum <= 0.0:
            break
        scale = (total - fixed_sum) / free_sum
        over = False
        for j in range(n):
            if playing[j] and not fixed[j]:
                m[j] *= scale
                if m[j] > cap:
                    m[j] = cap
                    fixed[j] = True
                    over = True
        if not over:
            break
    target = np.int64(round(total * 60.0))
    given = np.int64(0)
    for j in range(n):
        if playing[j]:
            s = math.floor(m[j] * 60.0)
            secs[j] = s
            rem[j] = m[j] * 60.0 - s
            given += s
        else:
            secs[j] = 0
            rem[j] = -np.inf  # never chosen
    while given < target:
        best = 0
        for j in range(1, n):
            best = j if rem[j] > rem[best] else best
        secs[best] += 1
        rem[best] -= 1.0
        given += 1
    while given > target:
        best = -1
        for j in range(n):
            if playing[j] and secs[j] > 0 and (best < 0 or rem[j] < rem[best]):
                best = j
        secs[best] -= 1
        rem[best] += 1.0
        given -= 1


@nb.njit(cache=True, error_model="numpy")
def _task(
    task: np.int64,
    n_blocks: np.int64,
    max_team: np.int64,
    pk0: np.ndarray,
    pk1: np.ndarray,
    play_prob: np.ndarray,
    p10: np.ndarray,
    p50: np.ndarray,
    p90: np.ndarray,
    starter: np.ndarray,
    rates: np.ndarray,
    pcts: np.ndarray,
    powers: np.ndarray,
    usage_weight: np.ndarray,
    force_order: np.ndarray,
    team_start: np.ndarray,
    team_end: np.ndarray,
    team_usage: np.ndarray,
    game_home: np.ndarray,
    game_away: np.ndarray,
    gk0: np.ndarray,
    gk1: np.ndarray,
    spread_home: np.ndarray,
    params: np.ndarray,
    quarters: np.ndarray,
    usage_mask: np.ndarray,
    score_weights: np.ndarray,
    bonus_mask: np.ndarray,
    first_world: np.int64,
    n_worlds: np.int64,
    block: np.int64,
    out_secs: np.ndarray,
    out_stats: np.ndarray,
    out_dk_q: np.ndarray,
    out_ot: np.ndarray,
    out_pace: np.ndarray,
    out_margin: np.ndarray,
    out_usage: np.ndarray,
) -> None:
    """One game's block of worlds (the body of `simulate_kernel`'s parallel loop)."""
    g = task // n_blocks
    b = task % n_blocks
    n_count = rates.shape[1]
    n_score = score_weights.shape[0]
    gu = np.empty(4 * GAME_BLOCKS)
    uu = np.empty((max_team, 8 * PLAYER_BLOCKS))
    m = np.empty(max_team)
    secs = np.empty(max_team, np.int64)
    playing = np.empty(max_team, np.bool_)
    fixed = np.empty(max_team, np.bool_)
    rem = np.empty(max_team)
    vec = np.empty(n_score)
    cnt = np.empty((max_team, n_count), np.int64)
    mu = np.empty((max_team, n_count))
    cu = np.empty((max_team, n_count))
    wt = np.empty(3 * max_team)
    att_u = np.empty(3 * max_team)
    mk_u = np.empty(3 * max_team)
    mk_w = np.empty(3 * max_team)
    for w in range(b * block, min(n_worlds, (b + 1) * block)):
        wg = first_world + w
        uniforms(gk0[g], gk1[g], wg * GAME_BLOCKS, GAME_BLOCKS, gu)
        radius = math.sqrt(-2.0 * math.log(gu[0]))
        z_pace = radius * math.cos(2.0 * math.pi * gu[1])
        z_script = radius * math.sin(2.0 * math.pi * gu[1])
        sd = params[P_PACE_SD]
        pace = math.exp(sd * z_pace - 0.5 * sd * sd)
        margin = -spread_home[g] + params[P_MARGIN_SD] * z_script
        n_ot = 0
        if gu[2] < params[P_OT_PROB]:
            n_ot = 1
            if params[P_OT_MORE] > 0.0:
                n_ot += int(math.floor(math.log(gu[3]) / math.log(params[P_OT_MORE])))
            n_ot = min(n_ot, int(params[P_MAX_OT]))
        total = params[P_REG_MINUTES] + params[P_OT_MINUTES] * n_ot
        cap = params[P_MAX_MINUTES] + params[P_OT_PLAYER_MINUTES] * n_ot
        shift = min(
            params[P_BLOW_MAX],
            params[P_BLOW_SLOPE] * max(0.0, abs(margin) - params[P_BLOW_THRESHOLD]),
        )
        out_ot[g, w] = n_ot
        out_pace[g, w] = pace
        out_margin[g, w] = margin
        for side in range(2):
            t = game_home[g] if side == 0 else game_away[g]
            start = team_start[t]
            n = team_end[t] - start
            n_playing = 0
            for j in range(n):
                i = start + j
                uniforms32(pk0[i], pk1[i], wg * PLAYER_BLOCKS, 1, uu[j])
                playing[j] = uu[j, SLOT_AVAIL] < play_prob[i]
                n_playing += playing[j]
            floor_n = min(n, int(params[P_MIN_PLAYERS]))
            k = 0
            while n_playing < floor_n:
                j = force_order[start + k]
                if not playing[j]:
                    playing[j] = True
                    n_playing += 1
                k += 1
            sum_start = 0.0
            sum_bench = 0.0
            for j in range(n):
                if playing[j]:
                    i = start + j
                    uniforms32(pk0[i], pk1[i], wg * PLAYER_BLOCKS + 1, PLAYER_BLOCKS - 1, uu[j, 8:])
                    m[j] = minutes_quantile(
                        uu[j, SLOT_MINUTES],
                        p10[i],
                        p50[i],
                        p90[i],
                        params[P_MIN_MINUTES],
                        params[P_MAX_MINUTES],
                    )
                    if starter[i]:
                        sum_start += m[j]
                    else:
                        sum_bench += m[j]
                else:
                    m[j] = 0.0
            if shift > 0.0 and sum_bench > 0.0:
                # A blowout: starters lose `shift` of their minutes to the bench, total kept.
                lift = 1.0 + shift * sum_start / sum_bench
                for j in range(n):
                    m[j] *= (1.0 - shift) if starter[start + j] else lift
            _couple(m, playing, n, total, cap, secs, fixed, rem)
            used = 0.0
            for j in range(n):
                used += usage_weight[start + j] * secs[j] / 60.0
            used /= total
            factor = 1.0
            if used > 0.0 and team_usage[t] > 0.0:
                factor = (team_usage[t] / used) ** params[P_ELASTICITY]
            out_usage[t, w] = factor
            # Counts. The attempts (fg2a, fg3a, fta) of the whole team draw in one competition
            # (`compete`, weights: each draw's points SD) and then the makes in another, so that the
            # team's points vary about their expectation with the calibrated team SD (less what the
            # shared pace gives); each player's draw keeps its own law. Other stats: independent.
            exp_pts = 0.0
            att_var = 0.0
            make_var = 0.0
            for j in range(n):
                i = start + j
                live = playing[j] and secs[j] > 0
                for s in range(n_count):
                    mean = 0.0
                    if live:
                        mean = rates[i, s] * (secs[j] / 60.0) * pace
                        if usage_mask[s]:
                            mean *= factor
                    mu[j, s] = mean
                    cu[j, s] = uu[j, SLOT_COUNTS + s]
                for s in range(3):
                    pp = MAKE_POINTS[s] * pcts[i, s]
                    mean = mu[j, s]
                    var = mean + mean * mean / (quarters[s] * 0.25) if quarters[s] > 0 else mean
                    wt[3 * j + s] = pp * math.sqrt(var)
                    att_u[3 * j + s] = cu[j, s]
                    exp_pts += pp * mean
                    att_var += pp * pp * var
                    make_var += MAKE_POINTS[s] ** 2 * mean * pcts[i, s] * (1.0 - pcts[i, s])
            lam_a = 0.0
            lam_m = 0.0
            if params[P_TEAM_PTS_SD] > 0.0:
                sd = params[P_PACE_SD]
                rest = params[P_TEAM_PTS_SD] ** 2 - sd * sd * exp_pts * exp_pts
                if rest < att_var + make_var and att_var > 0.0:
                    # Bounded volume first; the makes compete only if that is not enough.
                    lam_a = 1.0 - math.sqrt(min(1.0, max(0.0, (rest - make_var) / att_var)))
                    if rest < make_var and make_var > 0.0:
                        lam_m = 1.0 - math.sqrt(max(0.0, rest) / make_var)
            compete(att_u, wt, 3 * n, lam_a)
            for j in range(n):
                for s in range(n_count):
                    v = att_u[3 * j + s] if s < 3 else cu[j, s]
                    cnt[j, s] = nb_search(v, mu[j, s], quarters[s]) if mu[j, s] > 0.0 else 0
            for j in range(n):
                i = start + j
                for s in range(3):
                    mk_u[3 * j + s] = uu[j, SLOT_MAKES + s]
                    nn = cnt[j, s]
                    pr = pcts[i, s]
                    mk_w[3 * j + s] = MAKE_POINTS[s] * math.sqrt(nn * pr * (1.0 - pr)) if nn > 0 else 0.0
            compete(mk_u, mk_w, 3 * n, lam_m)
            for j in range(n):
                i = start + j
                out_secs[i, w] = secs[j]
                if not playing[j] or secs[j] == 0:
                    for s in range(out_stats.shape[0]):
                        out_stats[s, i, w] = 0
                    out_dk_q[i, w] = 0
                    continue
                for s in range(n_count):
                    vec[s] = cnt[j, s]
                for s in range(3):
                    made = binomial_inverse(mk_u[3 * j + s], cnt[j, s], pcts[i, s], powers[i, s])
                    vec[n_count + s] = made
                for s in range(n_count + 3):
                    out_stats[s, i, w] = np.uint8(min(vec[s], MAX_COUNT))
                # pts = 2 fg2m + 3 fg3m + ftm; reb = oreb + dreb
                vec[n_count + 3] = 2.0 * vec[n_count] + 3.0 * vec[n_count + 1] + vec[n_count + 2]
                vec[n_count + 4] = vec[5] + vec[6]
                dk = 0.0
                tens = 0
                for s in range(n_score):
                    dk += score_weights[s] * vec[s]
                    if bonus_mask[s] and vec[s] >= params[P_BONUS_THRESHOLD]:
                        tens += 1
                if tens >= 2:
                    dk += params[P_DOUBLE]
                if tens >= 3:
                    dk += params[P_TRIPLE]
                out_dk_q[i, w] = np.int16(round(dk * 4.0))


@nb.njit(cache=True, parallel=True, error_model="numpy")
def simulate_kernel(
    pk0: np.ndarray,
    pk1: np.ndarray,
    play_prob: np.ndarray,
    p10: np.ndarray,
    p50: np.ndarray,
    p90: np.ndarray,
    starter: np.ndarray,
    rates: np.ndarray,
    pcts: np.ndarray,
    powers: np.ndarray,
    usage_weight: np.ndarray,
    force_order: np.ndarray,
    team_start: np.ndarray,
    team_end: np.ndarray,
    team_usage: np.ndarray,
    game_home: np.ndarray,
    game_away: np.ndarray,
    gk0: np.ndarray,
    gk1: np.ndarray,
    spread_home: np.ndarray,
    params: np.ndarray,
    quarters: np.ndarray,
    usage_mask: np.ndarray,
    score_weights: np.ndarray,
    bonus_mask: np.ndarray,
    first_world: np.int64,
    n_worlds: np.int64,
    block: np.int64,
    out_secs: np.ndarray,
    out_stats: np.ndarray,
    out_dk_q: np.ndarray,
    out_ot: np.ndarray,
    out_pace: np.ndarray,
    out_margin: np.ndarray,
    out_usage: np.ndarray,
) -> None:
    """Worlds first_world .. first_world + n_worlds - 1 of every game; outputs indexed by world - first_world.

    Players are grouped by team (team_start/team_end), teams by game
    (game_home/game_away). `force_order` lists each team's players by
    descending play probability (indices into the team's range) for the
    five-player floor.
    """
    n_games = game_home.shape[0]
    n_blocks = (n_worlds + block - 1) // block
    max_team = 0
    for t in range(team_start.shape[0]):
        max_team = max(max_team, team_end[t] - team_start[t])
    # The loop body is a plain compiled call: numba's parallel lowering of a large body is slower.
    for task in nb.prange(n_games * n_blocks):
        _task(
            task,
            n_blocks,
            max_team,
            pk0,
            pk1,
            play_prob,
            p10,
            p50,
            p90,
            starter,
            rates,
            pcts,
            powers,
            usage_weight,
            force_order,
            team_start,
            team_end,
            team_usage,
            game_home,
            game_away,
            gk0,
            gk1,
            spread_home,
            params,
            quarters,
            usage_mask,
            score_weights,
            bonus_mask,
            first_world,
            n_worlds,
            block,
            out_secs,
            out_stats,
            out_dk_q,
            out_ot,
            out_pace,
            out_margin,
            out_usage,
        )
