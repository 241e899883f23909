"""Judging DK points projections (a points history, or a date's sim summary) against what happened.

**One row set for every MAE**: players not listed Out at the projection's slot (the sim stores no Out
player), with a label, and at least `min_earlier_played` played games earlier in the season; a DNP
counts as 0 DK points (the sim's worlds he sits score 0 too). On those rows: the MAE of the sim's
mean, of the oracle's expected DK points (when given), of the last-5 baseline (mean DK points of his
last five games played) and of the season average (his DK points per game he was active for this
season, a coach's DNP counting 0); the p10-p90 coverage overall and by role bucket; each scored stat's
MAE beside the oracle's.

**Residual correlations.** For pairs of players of the row set both projected `pair_min_projection`+
DK points, teammates and opponents: the sim's correlation of their residuals about their projected
means (pooled over pairs and worlds) beside the same correlation of actual minus projected mean in
the realized games (pooled over pairs). Both orderings of every pair enter, so the figure is
symmetric; the sums are accumulated per game (`PairMoments`), never as pair lists.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from projections_assets.core import evaluation
from projections_assets.core.minutes import ROLE_BUCKETS
from projections_assets.core.points_history import PointsSettings, points_settings
from projections_assets.nba.calendar import season_start_year_of

# The oracle's columns (league/oracle.py ORACLE_COLUMNS) the points figures read, and their names here.
ORACLE_POINTS_COLUMNS = {
    "exp_dk_pts": "oracle_dk",
    **{f"exp_{s}": f"oracle_{s}" for s in points_settings().stats},
}


def earlier_played(rows: pd.DataFrame, labels: pd.DataFrame) -> np.ndarray:
    """Per row (player_id, game_date): his played games of the same season on earlier dates."""
    h = labels.loc[labels["played"].astype(bool), ["player_id", "game_date"]].copy()
    h["game_date"] = pd.to_datetime(h["game_date"].astype(str))
    h["season"] = season_start_year_of(h["game_date"])
    per_day = h.groupby(["player_id", "season", "game_date"]).size().rename("n").reset_index()
    per_day["n"] = per_day.groupby(["player_id", "season"])["n"].cumsum()
    left = pd.DataFrame({"player_id": rows["player_id"].to_numpy(), "_row": np.arange(len(rows))})
    day = pd.to_datetime(rows["game_date"].astype(str)).to_numpy()
    left["_date"] = day - np.timedelta64(1, "D")
    left["_season"] = season_start_year_of(pd.Series(day))
    merged = pd.merge_asof(
        left.sort_values("_date"),
        per_day.sort_values("game_date"),
        left_on="_date",
        right_on="game_date",
        by="player_id",
        direction="backward",
    ).sort_values("_row")
    same = merged["season"].to_numpy() == merged["_season"].to_numpy()
    return np.where(same, merged["n"].fillna(0).to_numpy(), 0).astype("int64")


def eval_rows(
    history: pd.DataFrame, labels: pd.DataFrame, settings: PointsSettings | None = None
) -> pd.DataFrame:
    """The row set: history rows with a label and enough earlier played games; actual DK points and stats
    (0 for a DNP), the last-5 and season-average baselines in DK points."""
    settings = settings or points_settings()
    keep = ["game_id", "player_id", "played", "dk_pts", *settings.stats]
    outcome = labels[keep].drop_duplicates(["game_id", "player_id"])
    rows = history.merge(outcome.assign(game_id=outcome["game_id"].astype(str)), on=["game_id", "player_id"])
    rows["played"] = rows["played"].astype(bool)
    rows["actual_dk"] = np.where(rows["played"], rows["dk_pts"].astype(float), 0.0)
    for stat in settings.stats:
        rows[f"actual_{stat}"] = np.where(rows["played"], rows[stat].astype(float), 0.0)
    rows = rows.drop(columns=["dk_pts", *settings.stats])
    rows = rows[earlier_played(rows, labels) >= settings.min_earlier_played].reset_index(drop=True)
    # The minutes baselines of core.evaluation, read on DK points: last five played, season per active game.
    return evaluation.baselines(rows, labels.assign(minutes=labels["dk_pts"].astype(float)))


@dataclass
class PairMoments:
    """Sums of pooled (x, y) residual pairs, both orderings of each pair: sum y = sum x, sum y^2 = sum x^2."""

    n: float = 0.0
    sx: float = 0.0
    sxx: float = 0.0
    sxy: float = 0.0

    def __add__(self, other: PairMoments) -> PairMoments:
        return PairMoments(self.n + other.n, self.sx + other.sx, self.sxx + other.sxx, self.sxy + other.sxy)

    @property
    def pairs_worlds(self) -> int:
        return int(self.n)

    def corr(self) -> float:
        """Pearson's correlation of the pooled pairs (NaN with none)."""
        if self.n == 0:
            return float("nan")
        mean = self.sx / self.n
        var = self.sxx / self.n - mean * mean
        return float((self.sxy / self.n - mean * mean) / var) if var > 0 else float("nan")


def pair_moments(
    resid: np.ndarray, players: pd.DataFrame, mask: np.ndarray
) -> tuple[PairMoments, PairMoments]:
    """(teammates, opponents) moments of the residuals `resid` [player, world] of the `mask`ed players.

    `players` (game_id, team_id) are the rows of `resid`. Per game and world, with s a team's residual
    sum and q its sum of squares over k players: teammates add k(k-1) pairs, sum x = (k-1) s,
    sum x^2 = (k-1) q, sum xy = s^2 - q; opponents (teams A, B) add 2 kA kB pairs, sum x = kB sA + kA sB,
    sum x^2 = kB qA + kA qB, sum xy = 2 sA sB.
    """
    mates, opps = PairMoments(), PairMoments()
    sel = players.loc[mask, ["game_id", "team_id"]].reset_index(drop=True)
    r = np.asarray(resid, dtype="float64")[mask]
    worlds = r.shape[1]
    for _, game in sel.groupby("game_id", sort=False):
        sides = []
        for _, team in game.groupby("team_id", sort=False):
            part = r[team.index.to_numpy()]
            k, s, q = len(part), part.sum(axis=0), (part * part).sum(axis=0)
            sides.append((k, s, q))
            if k >= 2:
                mates += PairMoments(
                    k * (k - 1) * worlds, (k - 1) * s.sum(), (k - 1) * q.sum(), (s * s - q).sum()
                )
        if len(sides) == 2:
            (ka, sa, qa), (kb, sb, qb) = sides
            opps += PairMoments(
                2 * ka * kb * worlds,
                kb * sa.sum() + ka * sb.sum(),
                kb * qa.sum() + ka * qb.sum(),
                2 * (sa * sb).sum(),
            )
    return mates, opps


def pair_mask(rows: pd.DataFrame, settings: PointsSettings | None = None) -> np.ndarray:
    """Rows projected `pair_min_projection`+ DK points: the players whose residuals are paired."""
    settings = settings or points_settings()
    return (rows["dk_mean"] >= settings.pair_min_projection).to_numpy()


def actual_pair_moments(
    rows: pd.DataFrame, settings: PointsSettings | None = None
) -> tuple[PairMoments, PairMoments]:
    """(teammates, opponents) moments of actual minus projected mean in the realized games."""
    resid = (rows["actual_dk"] - rows["dk_mean"]).to_numpy(float)[:, None]
    return pair_moments(resid, rows.reset_index(drop=True), pair_mask(rows, settings))


def sim_pair_moments(
    dk: np.ndarray, summary: pd.DataFrame, in_row_set: np.ndarray, settings: PointsSettings | None = None
) -> tuple[PairMoments, PairMoments]:
    """(teammates, opponents) moments of the worlds' residuals about the projected means.

    `dk` [player, world] and `summary` (`dk_mean`) in the same player order; `in_row_set` marks the
    players of the evaluation's row set (only they are paired, as in the realized games).
    """
    resid = dk - summary["dk_mean"].to_numpy(float)[:, None]
    mask = np.asarray(in_row_set, dtype=bool) & pair_mask(summary, settings)
    return pair_moments(resid, summary.reset_index(drop=True), mask)


def _mae(pred: pd.Series, actual: pd.Series) -> float:
    return (
        float(np.mean(np.abs(pred.to_numpy(float) - actual.to_numpy(float)))) if len(pred) else float("nan")
    )


def band_coverage(rows: pd.DataFrame, low: float = 0.1, high: float = 0.9) -> pd.Series:
    """Per row, the share of the [low, high] probability band his actual DK points fall in.

    The randomized probability integral transform for a distribution with an
    atom (Czado, Gneiting and Held 2009): an actual of 0 takes every level of
    the atom [0, P(DK = 0)] (DK points below 0 are rare enough to put the atom
    at the bottom), and counts for the part of it inside [low, high]; any other
    actual counts 1 inside [p10, p90], 0 outside. A calibrated projection covers
    80% in expectation, whether or not he may sit; counting every 0 inside a
    band whose p10 is 0 covers more than 80% even for a perfect projection.
    """
    y = rows["actual_dk"].to_numpy(float)
    inside = ((y >= rows["dk_p10"].to_numpy(float)) & (y <= rows["dk_p90"].to_numpy(float))).astype(float)
    atom = rows["dk_p_zero"].to_numpy(float)
    part = np.clip(np.minimum(atom, high) - low, 0.0, None) / np.where(atom > 0, atom, 1.0)
    return pd.Series(np.where((y == 0) & (atom > 0), part, inside), index=rows.index)


def points_figures(
    rows: pd.DataFrame,
    sim_pairs: tuple[PairMoments, PairMoments],
    settings: PointsSettings | None = None,
) -> dict:
    """The figures of the issue on the row set `rows` (`eval_rows`, with the oracle's columns if known)."""
    settings = settings or points_settings()
    y = rows["actual_dk"]
    inside = band_coverage(rows)
    in_interval = (y >= rows["dk_p10"]) & (y <= rows["dk_p90"])
    has_oracle = "oracle_dk" in rows
    actual_mates, actual_opps = actual_pair_moments(rows, settings)
    out: dict = {
        "rows": int(len(rows)),
        "played_rows": int(rows["played"].sum()),
        "mae": _mae(rows["dk_mean"], y),
        "oracle_mae": _mae(rows["oracle_dk"], y) if has_oracle else None,
        "last5_mae": _mae(rows["last5"], y),
        "baseline_mae": _mae(rows["season_avg"], y),
        "coverage_p10_p90": float(inside.mean()),
        "interval_coverage_p10_p90": float(in_interval.mean()),
        "width_p10_p90": float((rows["dk_p90"] - rows["dk_p10"]).mean()),
        "coverage_by_role": {
            role: float(inside[rows["role"] == role].mean())
            for role in ROLE_BUCKETS
            if (rows["role"] == role).any()
        },
        "mae_by_role": {
            role: _mae(rows.loc[rows["role"] == role, "dk_mean"], y[rows["role"] == role])
            for role in ROLE_BUCKETS
            if (rows["role"] == role).any()
        },
        "stat_mae": {s: _mae(rows[f"{s}_mean"], rows[f"actual_{s}"]) for s in settings.stats},
        "oracle_stat_mae": (
            {s: _mae(rows[f"oracle_{s}"], rows[f"actual_{s}"]) for s in settings.stats}
            if has_oracle
            else None
        ),
        "teammate_corr_sim": sim_pairs[0].corr(),
        "teammate_corr_actual": actual_mates.corr(),
        "opponent_corr_sim": sim_pairs[1].corr(),
        "opponent_corr_actual": actual_opps.corr(),
        "teammate_pairs_actual": actual_mates.pairs_worlds,
        "opponent_pairs_actual": actual_opps.pairs_worlds,
        "mean_projection": float(rows["dk_mean"].mean()),
        "mean_actual": float(y.mean()),
    }
    return out


def long_table(figures: dict) -> pd.DataFrame:
    """The figures as (predictor, role, metric, value) rows, as the minutes evaluation table holds them."""
    rows: list[dict[str, object]] = []

    def add(predictor: str, role: str, metric: str, value: object) -> None:
        if value is not None and np.isfinite(float(value)):  # type: ignore[arg-type]
            rows.append({"predictor": predictor, "role": role, "metric": metric, "value": float(value)})  # type: ignore[arg-type]

    for metric in (
        "rows",
        "played_rows",
        "mae",
        "coverage_p10_p90",
        "interval_coverage_p10_p90",
        "width_p10_p90",
    ):
        add("model", "all", metric, figures[metric])
    for name in ("oracle", "last5", "baseline"):
        add(name, "all", "mae", figures[f"{name}_mae"])
    for role, value in figures["coverage_by_role"].items():
        add("model", role, "coverage_p10_p90", value)
    for role, value in figures["mae_by_role"].items():
        add("model", role, "mae", value)
    for stat, value in figures["stat_mae"].items():
        add("model", "all", f"mae_{stat}", value)
    for stat, value in (figures["oracle_stat_mae"] or {}).items():
        add("oracle", "all", f"mae_{stat}", value)
    for side in ("teammate", "opponent"):
        add("sim", "all", f"{side}_corr", figures[f"{side}_corr_sim"])
        add("actual", "all", f"{side}_corr", figures[f"{side}_corr_actual"])
    return pd.DataFrame(rows, columns=["predictor", "role", "metric", "value"])
