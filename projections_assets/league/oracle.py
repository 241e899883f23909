"""The oracle: the best projection possible given what was knowable at each moment.

For every game it replays the generator's own model (the same functions that
produced the realized game) by Monte Carlo, with availability drawn from the
exact P(available) known at each as-of time and the game script drawn fresh
(before tip the margin is unknown). One row per player, game and as-of time
at which anything knowable about that game changed; a row holds from its
`as_of_ts` until the next row of the same game. The first row of a game is
stamped at its earliest knowledge time (the day before, or after the team's
previous game) and also describes any earlier moment.

Random numbers are common across a game's as-of times (seeded by league seed
and game), so differences between rows come from news, not Monte-Carlo noise.
Expected stats ignore the final score-reconciliation step of the realized
game, a mean-zero adjustment.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from datetime import date

import numpy as np
import pandas as pd

from projections_assets.nba.calendar import EASTERN_NAME, UTC_TS

from .game import dk_points, draw_script, simulate_box, simulate_minutes
from .generate import League
from .knowledge import GameKnowledge
from .market import change_times, p_matrix
from .params import LeagueParams

EXPECTED_STATS = ("pts", "reb", "ast", "stl", "blk", "tov", "fg3m", "fg2a", "fg3a", "fta", "oreb", "dreb")
ORACLE_COLUMNS = [
    "game_id",
    "game_date",
    "team_id",
    "person_id",
    "as_of_ts",
    "p_available",
    "p_play",
    "exp_minutes",
    "exp_minutes_if_play",
    "minutes_p10",
    "minutes_p50",
    "minutes_p90",
    "exp_dk_pts",
    "dk_pts_p10",
    "dk_pts_p90",
    *[f"exp_{s}" for s in EXPECTED_STATS],
]


def _simulate_state(
    gk: GameKnowledge, p: np.ndarray, params: LeagueParams, seed: int, sims: int
) -> dict[str, np.ndarray]:
    """Monte-Carlo summaries `[2, N]` for one knowledge state."""
    rng = np.random.default_rng([seed, 97, gk.setup.game_index])
    u = rng.random((sims, *p.shape))
    avail = (u < p[None]) & gk.setup.valid[None]
    margin, n_ot = draw_script(gk.setup, avail, params, rng)
    seconds, _ = simulate_minutes(gk.setup, avail, margin, n_ot, params, rng)
    box = simulate_box(gk.setup, seconds, params, rng)
    dk = dk_points(box)
    minutes = seconds / 60.0
    played = seconds > 0
    out: dict[str, np.ndarray] = {
        "p_play": played.mean(0),
        "exp_minutes": minutes.mean(0),
        "exp_dk_pts": dk.mean(0),
    }
    cond = np.where(played, minutes, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out["exp_minutes_if_play"] = np.nanmean(cond, 0)
        q = np.nanquantile(cond, [0.1, 0.5, 0.9], axis=0)
    out["minutes_p10"], out["minutes_p50"], out["minutes_p90"] = q
    dq = np.quantile(dk, [0.1, 0.9], axis=0)
    out["dk_pts_p10"], out["dk_pts_p90"] = dq
    for s in EXPECTED_STATS:
        out[f"exp_{s}"] = box[s].mean(0)
    return out


def oracle_for_game(
    gk: GameKnowledge, params: LeagueParams, seed: int, sims: int | None = None
) -> list[dict[str, object]]:
    """Oracle rows of one game, one block per knowledge change."""
    sims = sims or params.sims_oracle
    rows: list[dict[str, object]] = []
    previous: np.ndarray | None = None
    for ts in change_times(gk):
        p = p_matrix(gk, ts)
        if previous is not None and np.array_equal(p, previous):
            continue
        previous = p
        summ = _simulate_state(gk, p, params, seed, sims)
        for s in range(2):
            for k in np.flatnonzero(gk.setup.valid[s]):
                row: dict[str, object] = {
                    "game_id": gk.game_id,
                    "side": s,
                    "person_id": int(gk.setup.person_id[s, k]),
                    "as_of_ts": ts,
                    "p_available": float(p[s, k]),
                }
                for name, arr in summ.items():
                    row[name] = float(arr[s, k])
                rows.append(row)
    return rows


def oracle_table(
    league: League,
    game_ids: Iterable[str] | None = None,
    dates: Iterable[date] | None = None,
    sims: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> pd.DataFrame:
    """The oracle for the chosen games (default: all), joined to the realized box score."""
    games = league["games"]
    wanted = set(games["game_id"])
    if game_ids is not None:
        wanted &= set(game_ids)
    if dates is not None:
        wanted &= set(games.loc[games["game_date"].isin(set(dates)), "game_id"])
    rows: list[dict[str, object]] = []
    selected = [gk for gk in league.knowledge if gk.game_id in wanted]
    for n, gk in enumerate(selected):
        rows += oracle_for_game(gk, league.params, league.seed, sims)
        if progress and n % 500 == 499:
            progress(f"oracle: {n + 1}/{len(selected)} games")
    df = pd.DataFrame(rows)
    if df.empty:
        return pd.DataFrame(columns=ORACLE_COLUMNS)
    df["as_of_ts"] = pd.to_datetime(df["as_of_ts"], unit="s", utc=True).astype(UTC_TS)
    g = games.set_index("game_id")
    df["game_date"] = df["game_id"].map(g["game_date"])
    df["team_id"] = np.where(
        df["side"] == 1, df["game_id"].map(g["home_team_id"]), df["game_id"].map(g["away_team_id"])
    )
    df = df.drop(columns="side")[ORACLE_COLUMNS]
    actual_cols = [
        "minutes",
        "seconds",
        "played",
        "available",
        "starter",
        "pts",
        "reb",
        "ast",
        "stl",
        "blk",
        "tov",
        "fg3m",
        "dk_pts",
    ]
    actual = league["box_scores"][["game_id", "person_id", *actual_cols]]
    actual = actual.rename(columns={c: f"actual_{c}" for c in actual_cols})
    return df.merge(actual, on=["game_id", "person_id"], how="left")


def oracle_at(
    league: League,
    as_of: pd.Timestamp | str,
    game_date: date | None = None,
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The oracle's view at `as_of` for the games of `game_date` (default: as_of's Eastern date).

    Pass a precomputed `oracle_table` to avoid recomputing it. Only knowledge
    stamped at or before `as_of` (and before tip) is used.
    """
    ts = pd.Timestamp(as_of)
    ts = ts.tz_localize(EASTERN_NAME) if ts.tzinfo is None else ts
    ts = ts.tz_convert("UTC")
    d = game_date or ts.tz_convert(EASTERN_NAME).date()
    tab = table if table is not None else oracle_table(league, dates=[d])
    tab = tab[tab["game_date"] == d]
    first = tab.groupby("game_id")["as_of_ts"].transform("min")
    usable = tab[(tab["as_of_ts"] <= ts) | (tab["as_of_ts"] == first)]
    latest = usable.groupby("game_id")["as_of_ts"].transform("max")
    return usable[usable["as_of_ts"] == latest].reset_index(drop=True)
