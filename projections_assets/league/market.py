"""The betting and DraftKings side of the league: odds, slates, salaries, contests.

All of it is derived from the simulated games and the knowledge paths, so a
line moves when (and only when) news reaches the market, salaries follow
recent box scores, and the contest field chases value given the news at lock.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from functools import cache

import numpy as np
import pandas as pd

from projections_assets.nba.calendar import season_start

from .draws import uniform_choice
from .game import GameSetup, expected_margin, planned_minutes
from .knowledge import GameKnowledge
from .params import LeagueParams
from .schedule import et_epoch

BOOKMAKERS = (("draftkings", "DraftKings"), ("fanduel", "FanDuel"))
# Roster slots of DraftKings NBA classic, in lineup order, with the DK slot ids of draftables.
DK_SLOTS = ("PG", "SG", "SF", "PF", "C", "G", "F", "UTIL")
DK_SLOT_IDS = dict(zip(DK_SLOTS, range(458, 466), strict=True))
_SLOT_ELIGIBLE = {
    "PG": {"PG"},
    "SG": {"SG"},
    "SF": {"SF"},
    "PF": {"PF"},
    "C": {"C"},
    "G": {"PG", "SG"},
    "F": {"SF", "PF"},
    "UTIL": {"PG", "SG", "SF", "PF", "C"},
}
MARGIN_SD_MARKET = 13.0
_SLOT_COLUMNS = tuple(f"slot_{slot.lower()}" for slot in DK_SLOTS)  # contest_standings' lineup columns
# A quote's spread-price skew, drawn uniformly per quote, and the (home, away) prices it gives.
_SKEWS = (-0.02, 0.0, 0.02)
_SPREAD_PRICES = {skew: (round(1.91 + skew, 2), round(1.91 - skew, 2)) for skew in _SKEWS}


def p_matrix(gk: GameKnowledge, ts: int) -> np.ndarray:
    """P(available) of every roster slot `[2, N]` as known at `ts`."""
    return gk.p_known(ts)


def change_times(gk: GameKnowledge) -> list[int]:
    """Times at which anything knowable about the game's availability changed."""
    ts = {t for side in gk.p_paths for path in side for t, _ in path}
    ts.update(t.initial for t in gk.times)
    return sorted(x for x in ts if x < gk.tip)


def dk_per_minute(setup: GameSetup) -> np.ndarray:
    """Expected DraftKings points per minute from each player's rates `[2, N]` (no bonuses)."""
    r, pct = setup.rates, setup.pct
    pts = 2 * r[..., 0] * pct[..., 0] + 3 * r[..., 1] * pct[..., 1] + r[..., 2] * pct[..., 2]
    return (
        pts
        + 0.5 * r[..., 1] * pct[..., 1]
        + 1.25 * (r[..., 5] + r[..., 6])
        + 1.5 * r[..., 3]
        + 2 * (r[..., 7] + r[..., 8])
        - 0.5 * r[..., 4]
    )


def expected_total(setup: GameSetup, p: np.ndarray, params: LeagueParams) -> float:
    """Expected combined score given availability probabilities."""
    plan = planned_minutes(setup, p[None], params)[0]
    plan = plan * 240.0 / np.maximum(plan.sum(-1, keepdims=True), 1e-9)
    r, pct = setup.rates, setup.pct
    pts = 2 * r[..., 0] * pct[..., 0] + 3 * r[..., 1] * pct[..., 1] + r[..., 2] * pct[..., 2]
    return float((pts * plan).sum())


def _american(prob: float) -> int:
    if prob >= 0.5:
        return -int(round(100 * prob / (1 - prob)))
    return int(round(100 * (1 - prob) / prob))


def odds_quotes(knowledge: Sequence[GameKnowledge], params: LeagueParams, seed: int) -> pd.DataFrame:
    """Spread, total and moneyline quotes per game and bookmaker, moving after news."""
    rows = []
    for gk in knowledge:
        rng = np.random.default_rng([seed, 31, gk.setup.game_index])
        bias_spread = rng.normal(0, params.market_spread_sd)
        bias_total = rng.normal(0, params.market_total_sd)
        opening = min(t.initial for t in gk.times) + int(rng.integers(1, 6)) * 3600
        news = [t for t in change_times(gk) if t > opening]
        times = [opening] + [t + int(rng.integers(3, 21)) * 60 for t in news]
        times += [int(rng.integers(opening, gk.tip - 600)) for _ in range(2)]
        times = sorted({t for t in times if t < gk.tip - 120})
        book_off = rng.choice([-0.5, 0.0, 0.0, 0.5], size=(len(BOOKMAKERS), 2))
        drift = 0.0
        # The fair margin and total depend on the knowledge state alone, and a game's quote
        # times share few states: compute each state's once (a pure function of p).
        fair: dict[bytes, tuple[float, float]] = {}
        for ts in times:
            p = p_matrix(gk, ts - 180)  # the market reacts to news a few minutes old
            state = p.tobytes()
            if state not in fair:
                fair[state] = (
                    float(expected_margin(gk.setup, p[None], params)[0]),
                    expected_total(gk.setup, p, params),
                )
            mu = fair[state][0] + bias_spread
            tot = fair[state][1] + bias_total
            drift += rng.normal(0, 0.25)
            # The moneyline is the same at both books (no book offset in it).
            p_home = 0.5 * (1 + math.erf((mu + drift) / (MARGIN_SD_MARKET * math.sqrt(2))))
            p_home = min(max(p_home, 0.02), 0.98)
            vig = 0.0225
            moneyline = {
                "home_ml": _american(p_home + vig),
                "away_ml": _american(1 - p_home + vig),
                "home_ml_price": round(1 / (p_home + vig), 2),
                "away_ml_price": round(1 / (1 - p_home + vig), 2),
            }
            for b, (key, title) in enumerate(BOOKMAKERS):
                home_spread = -round((mu + drift + book_off[b, 0]) * 2) / 2
                total = round((tot + 2 * book_off[b, 1]) * 2) / 2
                skew = uniform_choice(rng, _SKEWS)  # rng.choice(_SKEWS), the same draw
                home_price, away_price = _SPREAD_PRICES[skew]
                rows.append(
                    {
                        "game_id": gk.game_id,
                        "bookmaker": key,
                        "bookmaker_title": title,
                        "available_at": ts,
                        "home_spread": home_spread,
                        "away_spread": -home_spread,
                        "home_spread_price": home_price,
                        "away_spread_price": away_price,
                        "total": total,
                        "over_price": 1.91,
                        "under_price": 1.91,
                        **moneyline,
                    }
                )
    return pd.DataFrame(rows)


def draft_groups(games: pd.DataFrame, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Classic draft groups per date: Main, Early and Late when tips split, and All Day.

    Returns (`draft_groups`, `draft_group_games`). Lock is the group's first tip.
    """
    rng = np.random.default_rng([seed, 41])
    next_id = 100_000 + int(rng.integers(0, 5_000))
    groups, members = [], []
    # Each date's games as (tip_ts, game_id, tip_et) tuples: slicing a pandas frame per date
    # and slate cost seconds, tuples sorted by (tip_ts, game_id) give the same slates.
    by_date: dict[date, list[tuple[pd.Timestamp, str, str]]] = {}
    for d, tip, gid, tip_et in zip(
        games["game_date"], games["tip_ts"], games["game_id"], games["tip_et"], strict=True
    ):
        by_date.setdefault(d, []).append((tip, gid, tip_et))
    for d in sorted(by_date):
        day = sorted(by_date[d])
        if len(day) < 2:
            continue
        evening = [g for g in day if g[2] >= "19:00"]
        early = [g for g in day if g[2] < "19:00"]
        late = [g for g in day if g[2] >= "22:00"]
        slates: list[tuple[str, list[tuple[pd.Timestamp, str, str]]]] = []
        if len(evening) >= 2:
            slates.append(("Main", evening))
            if len(early) >= 2:
                slates.append(("Early", early))
            if len(late) >= 2 and len(late) < len(evening):
                slates.append(("Late", late))
            if len(evening) < len(day):
                slates.append(("All Day", day))
        else:
            slates.append(("Main", day))
        for name, g in slates:
            next_id += int(rng.integers(3, 40))
            groups.append(
                {
                    "draft_group_id": next_id,
                    "game_date": d,
                    "slate": name,
                    "game_type": "Classic",
                    "lock_ts": g[0][0],  # the first tip (the slate is sorted by tip)
                    "n_games": len(g),
                    "salary_available_at": pd.Timestamp(
                        et_epoch(d - timedelta(days=1), 12 * 60), unit="s", tz="UTC"
                    ),
                }
            )
            members += [{"draft_group_id": next_id, "game_id": gid} for _, gid, _ in g]
    return pd.DataFrame(groups), pd.DataFrame(members)


def salaries(box: pd.DataFrame, games: pd.DataFrame, players: pd.DataFrame, seed: int) -> pd.DataFrame:
    """One salary per player and game date, set the day before from recent DraftKings form.

    Uses only box scores of games at least two days old (the prices are
    published at noon ET the day before). Players without history are priced
    from their role.
    """
    rng = np.random.default_rng([seed, 43])
    b = box[["game_id", "game_date", "person_id", "team_id", "played", "dk_pts", "base_minutes"]].copy()
    b = b.sort_values(["person_id", "game_date", "game_id"], kind="stable")
    df = pd.DataFrame(
        {
            "game_date": b["game_date"].tolist(),
            "game_id": b["game_id"].tolist(),
            "person_id": b["person_id"].tolist(),
            "team_id": b["team_id"].tolist(),
            "form_fpts": _form_fpts(b),
        }
    )
    noise = rng.normal(0, 200, len(df))
    sal = np.clip(2500 + 150 * df["form_fpts"].to_numpy() + noise, 3000, 12500)
    df["salary"] = (np.round(sal / 100) * 100).astype(np.int64)
    pos = players.set_index("person_id")["dk_position"]
    df["dk_position"] = df["person_id"].map(pos)
    df["roster_positions"] = df["dk_position"].map(_roster_positions)
    published = {
        d: pd.Timestamp(et_epoch(d - timedelta(days=1), 12 * 60), unit="s", tz="UTC")
        for d in set(df["game_date"])
    }
    df["available_at"] = [published[d] for d in df["game_date"]]
    return df[
        [
            "game_date",
            "game_id",
            "person_id",
            "team_id",
            "dk_position",
            "roster_positions",
            "salary",
            "form_fpts",
            "available_at",
        ]
    ]


def _form_fpts(b: pd.DataFrame) -> np.ndarray:
    """Each row's DraftKings form as priced the day before (`b` sorted by player, date, game).

    The mean of the player's last ten played games at least two days old in the same
    season, shrunk toward a role prior (0.95 x base minutes) with the weight of three
    games; the prior alone without such games. Vectorized over rows: a player's history
    is a contiguous run of the played rows, so the window is found by binary search.
    """
    day = np.array([d.toordinal() for d in b["game_date"]], dtype=np.int64)
    first_day = {d: season_start(d).toordinal() for d in set(b["game_date"])}
    start = np.array([first_day[d] for d in b["game_date"]], dtype=np.int64)
    pid = b["person_id"].to_numpy(np.int64)
    # (player, day) packed in one int64 that sorts like the rows (day ordinals < 2**20).
    key = (pid << 20) | day
    played = b["played"].to_numpy(bool)
    hist, pts = key[played], b["dk_pts"].to_numpy(float)[played]
    hi = np.searchsorted(hist, (pid << 20) | (day - 2), side="right")
    lo = np.maximum(np.searchsorted(hist, (pid << 20) | start, side="left"), hi - 10)
    n = np.maximum(hi - lo, 0)
    # The window mean as recent.mean() computed it: each row's n values summed along one axis
    # (DK points are multiples of 0.25, so their sums are exact in any order) and divided by n.
    mean = np.zeros(len(b))
    for m in range(1, 11):
        rows = np.flatnonzero(n == m)
        if rows.size:
            mean[rows] = pts[lo[rows, None] + np.arange(m)].sum(axis=1) / m
    prior = 0.95 * b["base_minutes"].to_numpy(float)
    return np.where(n == 0, prior, (n / (n + 3)) * mean + (3 / (n + 3)) * prior)


@cache
def _eligible_slots(dk_position: str) -> tuple[bool, ...]:
    """Which of `DK_SLOTS` a player listed at `dk_position` (e.g. `PF/C`) can fill."""
    pos = set(dk_position.split("/"))
    return tuple(bool(pos & _SLOT_ELIGIBLE[s]) for s in DK_SLOTS)


@cache
def _roster_positions(dk_position: str) -> str:
    """`PF/C` -> `PF/C/F/UTIL`, the DKSalaries.csv 'Roster Position' column."""
    return "/".join(s for s, ok in zip(DK_SLOTS, _eligible_slots(dk_position), strict=True) if ok)


def build_field(
    rng: np.random.Generator,
    proj: np.ndarray,
    salary: np.ndarray,
    positions: Sequence[str],
    game_of: np.ndarray,
    entries: int,
    cap: int,
) -> np.ndarray:
    """A contest field: `entries` valid classic lineups `[E, 8]` of player indices.

    Each entrant fills the eight slots in order, choosing by value and
    projection plus personal taste (Gumbel noise), while keeping enough salary
    to fill the remaining slots; the last slot takes the best affordable
    player. Lineups with players from a single game are dropped.
    """
    k = proj.size
    eligible = np.array([_eligible_slots(p) for p in positions], dtype=bool).reshape(k, len(DK_SLOTS)).T
    value = proj / (salary / 1000.0)
    base_score = 0.6 * value + 0.05 * proj
    min_sal = float(salary.min())
    picks = np.zeros((entries, len(DK_SLOTS)), np.int64)
    remaining = np.full(entries, float(cap))
    # One taste draw per entrant and player: who an entrant likes does not depend on the slot.
    taste = rng.gumbel(size=(entries, k)).astype(np.float32) * 1.5
    every = np.arange(entries)
    for si in range(len(DK_SLOTS)):
        left = len(DK_SLOTS) - si - 1
        # Only the slot's eligible players are scored (most slots take one or two positions
        # of five). An ineligible player scored -inf before, so he was never the pick unless
        # nobody was pickable, which `valid` below handles the same way.
        cols = np.flatnonzero(eligible[si])
        if cols.size == 0:
            picks[:, si] = -1
            continue
        sal = salary[cols]
        if left == 0:
            score = proj[cols] * 0.2 + taste[:, cols]
        else:
            # base + (-0.35 * |salary - pace| / 1000) + taste, term for term as the expression
            # (IEEE + and * commute exactly), computed in place on one [E, K] buffer.
            pace = remaining / (left + 1)
            score = np.subtract(sal[None, :], pace[:, None])
            np.abs(score, out=score)
            score *= -0.35
            score /= 1000.0
            score += base_score[cols]
            score += taste[:, cols]
        # Rule out (-inf) whom the entrant cannot take. His earlier picks: at most one per
        # earlier slot, so set those few cells rather than masking the whole matrix.
        col_of = np.full(k, -1)
        col_of[cols] = np.arange(cols.size)
        earlier = picks[:, :si].ravel()
        at = col_of[np.maximum(earlier, 0)]
        taken = (earlier >= 0) & (at >= 0)
        score[np.repeat(every, si)[taken], at[taken]] = -np.inf
        # Players he cannot afford while keeping the minimum salary for each slot left; early
        # in the lineup everyone is affordable and the mask is skipped.
        budget = remaining - left * min_sal
        if sal.max() > budget.min():
            score[sal[None, :] > budget[:, None]] = -np.inf
        best = score.argmax(1)
        valid = np.isfinite(score[every, best])
        pick = cols[best]
        picks[:, si] = np.where(valid, pick, -1)
        remaining -= np.where(valid, salary[pick], 0)
    good = (picks >= 0).all(1)
    g = game_of[np.maximum(picks, 0)]
    multi_game = (g.min(1) != g.max(1)) & good
    return picks[multi_game]


def contests(
    groups: pd.DataFrame,
    group_games: pd.DataFrame,
    sal: pd.DataFrame,
    box: pd.DataFrame,
    knowledge: Sequence[GameKnowledge],
    params: LeagueParams,
    seed: int,
    progress: Callable[[str], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ownership per draft group and player, and the top of each contest's standings.

    Draft groups are independent (each has its own seeded random stream) and most of a
    group's time is numpy work that releases the GIL (the field's taste draws and scoring),
    so groups run on a few threads and their rows are gathered in draft-group order: the
    tables are the same as one thread's. The inputs are only read; the lazily filled caches
    on the knowledge (`p_known`, the plan weights) are idempotent, so a race only repeats work.
    """
    by_game = {gk.game_id: gk for gk in knowledge}
    # Plain dicts: a pandas lookup per player and draft group cost more than the contest.
    columns = [sal[c].tolist() for c in ("game_date", "person_id", "salary", "dk_position")]
    sal_of = {(d, pid): (salary, pos) for d, pid, salary, pos in zip(*columns, strict=True)}
    keys = zip(box["game_id"].tolist(), box["person_id"].tolist(), strict=True)
    dk_actual = dict(zip(keys, box["dk_pts"].tolist(), strict=True))
    games_of = group_games.groupby("draft_group_id")["game_id"].apply(list)
    tasks = [
        (grp.draft_group_id, grp.game_date, int(grp.lock_ts.timestamp()), games_of[grp.draft_group_id])
        for grp in groups.itertuples(index=False)
    ]

    def one(
        task: tuple[int, date, int, list[str]],
    ) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
        group_id, game_date, lock, game_ids = task
        games = [by_game[gid] for gid in game_ids]
        return _contest(group_id, game_date, lock, games, sal_of, dk_actual, params, seed)

    own_rows: list[dict[str, object]] = []
    entry_rows: list[dict[str, object]] = []
    with ThreadPoolExecutor(max_workers=_threads()) as pool:
        for n_done, (own, entries) in enumerate(pool.map(one, tasks)):
            own_rows += own
            entry_rows += entries
            if progress and n_done % 200 == 199:
                progress(f"contests: {n_done + 1}/{len(groups)} draft groups")
    return pd.DataFrame(own_rows), pd.DataFrame(entry_rows)


def _threads() -> int:
    """Worker threads for the contests: the CPUs this process may use, at most four."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(4, cpus))


def _contest(
    group_id: int,
    game_date: date,
    lock: int,
    games: list[GameKnowledge],
    sal_of: dict[tuple[date, int], tuple[int, str]],
    dk_actual: dict[tuple[str, int], float],
    params: LeagueParams,
    seed: int,
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """One draft group's ownership rows and contest standings rows (`lock`: epoch seconds)."""
    own_rows: list[dict[str, object]] = []
    entry_rows: list[dict[str, object]] = []
    rng = np.random.default_rng([seed, 47, int(group_id)])
    pids: list[int] = []
    proj: list[float] = []
    game_of: list[int] = []
    gids: list[str] = []
    for gi, gk in enumerate(games):
        p = p_matrix(gk, lock - 60)
        plan = planned_minutes(gk.setup, p[None], params)[0]
        fpm = dk_per_minute(gk.setup)
        # The public's view: roles given the news at lock, with consensus error.
        pub = plan * p * fpm * np.exp(rng.normal(0, 0.12, p.shape))
        # In the pool: listed players likely to play with a projection worth a slot.
        pooled = gk.setup.valid & ~(p < 0.3) & ~(pub < 4.0)
        for s in range(2):
            kept = np.flatnonzero(pooled[s])
            pids += gk.setup.person_id[s, kept].tolist()
            proj += pub[s, kept].tolist()
            game_of += [gi] * kept.size
            gids += [gk.game_id] * kept.size
    if len(pids) < 8:
        return own_rows, entry_rows
    priced = [sal_of[game_date, pid] for pid in pids]
    field = build_field(
        rng,
        np.array(proj),
        np.array([salary for salary, _ in priced], dtype=float),
        [pos for _, pos in priced],
        np.array(game_of),
        params.field_size,
        params.salary_cap,
    )
    ownership = np.bincount(field.ravel(), minlength=len(pids)) / max(len(field), 1)
    for j, (pid, own) in enumerate(zip(pids, ownership.tolist(), strict=True)):
        own_rows.append(
            {
                "draft_group_id": group_id,
                "game_id": gids[j],
                "person_id": pid,
                "ownership": own,
                "public_proj": proj[j],
            }
        )
    actual = np.array([float(dk_actual.get((gids[j], pid), 0.0)) for j, pid in enumerate(pids)])
    pts = actual[field].sum(1)
    top = np.argsort(-pts, kind="stable")[:50]
    for rank, e in enumerate(top):
        row = {
            "draft_group_id": group_id,
            "rank": rank + 1,
            "entry_id": int(4_000_000_000 + e),
            "entry_name": f"player{int(rng.integers(1000, 99999))}",
            "points": float(pts[e]),
        }
        for col, j in zip(_SLOT_COLUMNS, field[e].tolist(), strict=True):
            row[col] = pids[j]
        entry_rows.append(row)
    return own_rows, entry_rows
