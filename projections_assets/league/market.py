"""The betting and DraftKings side of the league: odds, slates, salaries, contests.

All of it is derived from the simulated games and the knowledge paths, so a
line moves when (and only when) news reaches the market, salaries follow
recent box scores, and the contest field chases value given the news at lock.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

from .game import GameSetup, expected_margin, planned_minutes
from .params import LeagueParams
from .season import GameKnowledge, et_epoch

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


def p_matrix(gk: GameKnowledge, ts: int) -> np.ndarray:
    """P(available) of every roster slot `[2, N]` as known at `ts`."""
    out = np.zeros(gk.setup.valid.shape)
    for s in range(2):
        for k, path in enumerate(gk.p_paths[s]):
            p = path[0][1] if path else 1.0
            for t, v in path:
                if t > ts:
                    break
                p = v
            out[s, k] = p
    return out


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
        bias_spread = rng.normal(0, 1.0)
        bias_total = rng.normal(0, 3.5)
        opening = min(t.initial for t in gk.times) + int(rng.integers(1, 6)) * 3600
        news = [t for t in change_times(gk) if t > opening]
        times = [opening] + [t + int(rng.integers(3, 21)) * 60 for t in news]
        times += [int(rng.integers(opening, gk.tip - 600)) for _ in range(2)]
        times = sorted({t for t in times if t < gk.tip - 120})
        book_off = rng.choice([-0.5, 0.0, 0.0, 0.5], size=(len(BOOKMAKERS), 2))
        drift = 0.0
        for ts in times:
            p = p_matrix(gk, ts - 180)  # the market reacts to news a few minutes old
            mu = float(expected_margin(gk.setup, p[None], params)[0]) + bias_spread
            tot = expected_total(gk.setup, p, params) + bias_total
            drift += rng.normal(0, 0.25)
            for b, (key, title) in enumerate(BOOKMAKERS):
                home_spread = -round((mu + drift + book_off[b, 0]) * 2) / 2
                total = round((tot + 2 * book_off[b, 1]) * 2) / 2
                p_home = 0.5 * (1 + math.erf((mu + drift) / (MARGIN_SD_MARKET * math.sqrt(2))))
                p_home = min(max(p_home, 0.02), 0.98)
                vig = 0.0225
                skew = float(rng.choice([-0.02, 0.0, 0.02]))
                rows.append(
                    {
                        "game_id": gk.game_id,
                        "bookmaker": key,
                        "bookmaker_title": title,
                        "available_at": ts,
                        "home_spread": home_spread,
                        "away_spread": -home_spread,
                        "home_spread_price": round(1.91 + skew, 2),
                        "away_spread_price": round(1.91 - skew, 2),
                        "total": total,
                        "over_price": 1.91,
                        "under_price": 1.91,
                        "home_ml": _american(p_home + vig),
                        "away_ml": _american(1 - p_home + vig),
                        "home_ml_price": round(1 / (p_home + vig), 2),
                        "away_ml_price": round(1 / (1 - p_home + vig), 2),
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
    for d, day in games.groupby("game_date", sort=True):
        day = day.sort_values(["tip_ts", "game_id"])
        if len(day) < 2:
            continue
        evening = day[day["tip_et"] >= "19:00"]
        early = day[day["tip_et"] < "19:00"]
        late = day[day["tip_et"] >= "22:00"]
        slates: list[tuple[str, pd.DataFrame]] = []
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
                    "lock_ts": g["tip_ts"].min(),
                    "n_games": len(g),
                    "salary_available_at": pd.Timestamp(
                        et_epoch(d - timedelta(days=1), 12 * 60), unit="s", tz="UTC"
                    ),
                }
            )
            members += [{"draft_group_id": next_id, "game_id": gid} for gid in g["game_id"]]
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
    played = b[b["played"]]
    out = []
    hist_by_player = {
        pid: (g["game_date"].to_numpy(), g["dk_pts"].to_numpy())
        for pid, g in played.groupby("person_id", sort=False)
    }
    for row in b.itertuples(index=False):
        d = row.game_date
        dates_p, pts_p = hist_by_player.get(row.person_id, (np.array([], dtype=object), np.array([])))
        cutoff = d - timedelta(days=2)
        season_start = date(d.year if d.month >= 8 else d.year - 1, 8, 1)
        mask = (dates_p <= cutoff) & (dates_p >= season_start) if len(dates_p) else np.zeros(0, bool)
        recent = pts_p[mask][-10:]
        prior = 0.95 * row.base_minutes
        n = recent.size
        fp = prior if n == 0 else (n / (n + 3)) * float(recent.mean()) + (3 / (n + 3)) * prior
        out.append(
            {
                "game_date": d,
                "game_id": row.game_id,
                "person_id": row.person_id,
                "team_id": row.team_id,
                "form_fpts": fp,
            }
        )
    df = pd.DataFrame(out)
    noise = rng.normal(0, 200, len(df))
    sal = np.clip(2500 + 150 * df["form_fpts"].to_numpy() + noise, 3000, 12500)
    df["salary"] = (np.round(sal / 100) * 100).astype(np.int64)
    pos = players.set_index("person_id")["dk_position"]
    df["dk_position"] = df["person_id"].map(pos)
    df["roster_positions"] = df["dk_position"].map(_roster_positions)
    df["available_at"] = [
        pd.Timestamp(et_epoch(d - timedelta(days=1), 12 * 60), unit="s", tz="UTC") for d in df["game_date"]
    ]
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


def _roster_positions(dk_position: str) -> str:
    """`PF/C` -> `PF/C/F/UTIL`, the DKSalaries.csv 'Roster Position' column."""
    pos = dk_position.split("/")
    slots = [s for s in DK_SLOTS if set(pos) & _SLOT_ELIGIBLE[s]]
    return "/".join(s for s in slots)


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
    eligible = np.array([[bool(set(p.split("/")) & _SLOT_ELIGIBLE[s]) for p in positions] for s in DK_SLOTS])
    value = proj / (salary / 1000.0)
    base_score = 0.6 * value + 0.05 * proj
    min_sal = float(salary.min())
    chosen = np.zeros((entries, k), bool)
    picks = np.zeros((entries, len(DK_SLOTS)), np.int64)
    remaining = np.full(entries, float(cap))
    # One taste draw per entrant and player: who an entrant likes does not depend on the slot.
    taste = rng.gumbel(size=(entries, k)).astype(np.float32) * 1.5
    for si in range(len(DK_SLOTS)):
        left = len(DK_SLOTS) - si - 1
        afford = salary[None, :] <= (remaining - left * min_sal)[:, None]
        ok = eligible[si][None, :] & ~chosen & afford
        pace = remaining / (left + 1)
        fit = -0.35 * np.abs(salary[None, :] - pace[:, None]) / 1000.0
        score = (proj[None, :] * 0.2 if left == 0 else base_score[None, :] + fit) + taste
        score = np.where(ok, score, -np.inf)
        pick = score.argmax(1)
        valid = np.isfinite(score[np.arange(entries), pick])
        picks[:, si] = np.where(valid, pick, -1)
        chosen[np.arange(entries), pick] |= valid
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
    """Ownership per draft group and player, and the top of each contest's standings."""
    by_game = {gk.game_id: gk for gk in knowledge}
    sal_by_date = {d: g.set_index("person_id") for d, g in sal.groupby("game_date")}
    dk_actual = box.set_index(["game_id", "person_id"])["dk_pts"]
    own_rows, entry_rows = [], []
    games_of = group_games.groupby("draft_group_id")["game_id"].apply(list)
    for n_done, grp in enumerate(groups.itertuples(index=False)):
        rng = np.random.default_rng([seed, 47, int(grp.draft_group_id)])
        lock = int(grp.lock_ts.timestamp())
        pids, proj, game_of, gids = [], [], [], []
        for gi, gid in enumerate(games_of[grp.draft_group_id]):
            gk = by_game[gid]
            p = p_matrix(gk, lock - 60)
            plan = planned_minutes(gk.setup, p[None], params)[0]
            fpm = dk_per_minute(gk.setup)
            # The public's view: roles given the news at lock, with consensus error.
            pub = plan * p * fpm * np.exp(rng.normal(0, 0.12, p.shape))
            for s in range(2):
                for kk in np.flatnonzero(gk.setup.valid[s]):
                    if p[s, kk] < 0.3 or pub[s, kk] < 4.0:
                        continue
                    pids.append(int(gk.setup.person_id[s, kk]))
                    proj.append(float(pub[s, kk]))
                    game_of.append(gi)
                    gids.append(gid)
        if len(pids) < 8:
            continue
        s_day = sal_by_date[grp.game_date].loc[pids]
        field = build_field(
            rng,
            np.array(proj),
            s_day["salary"].to_numpy().astype(float),
            list(s_day["dk_position"]),
            np.array(game_of),
            params.field_size,
            params.salary_cap,
        )
        counts = np.bincount(field.ravel(), minlength=len(pids))
        for j, pid in enumerate(pids):
            own_rows.append(
                {
                    "draft_group_id": grp.draft_group_id,
                    "game_id": gids[j],
                    "person_id": pid,
                    "ownership": counts[j] / max(len(field), 1),
                    "public_proj": proj[j],
                }
            )
        actual = np.array([float(dk_actual.get((gids[j], pid), 0.0)) for j, pid in enumerate(pids)])
        pts = actual[field].sum(1)
        top = np.argsort(-pts, kind="stable")[:50]
        for rank, e in enumerate(top):
            row = {
                "draft_group_id": grp.draft_group_id,
                "rank": rank + 1,
                "entry_id": int(4_000_000_000 + e),
                "entry_name": f"player{int(rng.integers(1000, 99999))}",
                "points": float(pts[e]),
            }
            for si, slot in enumerate(DK_SLOTS):
                row[f"slot_{slot.lower()}"] = pids[field[e, si]]
            entry_rows.append(row)
        if progress and n_done % 200 == 199:
            progress(f"contests: {n_done + 1}/{len(groups)} draft groups")
    return pd.DataFrame(own_rows), pd.DataFrame(entry_rows)
