"""Projected DraftKings ownership: features known at a draft group's lock, a LightGBM model, 800% per group.

A classic lineup holds 8 players, so a classic group's ownership sums to 800% over its players. The
model learns each player's share from what the field sees at lock: his salary, our projection
(`dk_mean`, `dk_p90` from the out-of-sample points history), value per $1,000, his positions, where
his salary and value rank within his position and within the group, DraftKings' own points per game
(the number the field sees beside each salary) and the value it implies, his play probability, minutes
(median if he plays, and mean) and DK points per minute, how many cheaper players project
more, his value beside the best at his position and in his $1,000 salary band and its z-score in the
group, the group's size, his game's total and spread and how many teammates are ruled out. Two boosters
on the listed players: a regression on the log percent less its group's mean, and a LambdaRank ranker
per group; their within-group z-scores, averaged, order each group, the regression's shares give the
sizes, scaled so each group sums to 800% (`SLOTS_PER_LINEUP` x 100), each player kept within [0, 100].

Pure pandas and LightGBM, no Dagster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd

SLOTS_PER_LINEUP = 8
POSITIONS = ("PG", "SG", "SF", "PF", "C")
# The columns a candidate row brings (one row per draft group and player), besides the identifiers.
INPUT_COLUMNS = (
    "salary",
    "dk_position",
    "dk_mean",
    "dk_p90",
    "game_total",
    "team_spread",
    "teammates_out",
    "fppg",
    "minutes_mean",
    "play_prob",
    "p50",
)
KEY = ["draft_group_id", "player_id"]

FEATURES: tuple[str, ...] = (
    "salary",
    "dk_mean",
    "dk_p90",
    "value",
    "ceiling_value",
    "fppg",
    "fppg_value",
    "play_prob",
    "p50",
    "minutes_mean",
    "dk_per_minute",
    *(f"is_{p.lower()}" for p in POSITIONS),
    "salary_rank_group",
    "value_rank_group",
    "projection_rank_group",
    "salary_rank_position",
    "value_rank_position",
    "cheaper_better",
    "value_vs_best_position",
    "value_z_group",
    "value_rank_band",
    "value_vs_best_band",
    "group_players",
    "group_games",
    "game_total",
    "team_spread",
    "teammates_out",
)

LIGHTGBM: dict[str, Any] = {
    "objective": "regression",
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_data_in_leaf": 50,
    "feature_fraction": 0.9,
    "bagging_fraction": 0.9,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "seed": 7,
    "num_threads": 2,
    "verbose": -1,
    "deterministic": True,
    "force_col_wise": True,
}
ROUNDS = 400
# The ranker beside the regression: LambdaRank per draft group on the listed players' ownership cut into
# `RANK_LEVELS` within-group quantiles (0 the least owned), every pair of a group counted.
RANK_LEVELS = 10
RANKER: dict[str, Any] = {
    "objective": "lambdarank",
    "label_gain": [float(k) for k in range(RANK_LEVELS)],
    "lambdarank_truncation_level": 1000,
}
# The weight of the ranker's within-group z-score in the order (the regression's takes the rest).
RANK_WEIGHT = 0.5
# The least percent the log target reads (the standings list no one below it).
LOG_FLOOR = 0.05
SALARY_BAND = 1000.0


def _percentile_rank(values: pd.Series, keys: list[pd.Series]) -> pd.Series:
    """1 for the highest value of the group, towards 0 for the lowest (ties share the mean rank)."""
    return values.groupby(keys).rank(pct=True, method="average")


def ownership_features(candidates: pd.DataFrame) -> pd.DataFrame:
    """`candidates` (KEY, `game_id`, `team_id`, `INPUT_COLUMNS`) with the model's `FEATURES` added.

    A player without a projection (ruled out, or no history) counts as projecting 0.
    """
    missing = [c for c in (*KEY, "game_id", *INPUT_COLUMNS) if c not in candidates.columns]
    if missing:
        raise ValueError(f"ownership candidates lack columns {missing}")
    out = candidates.copy()
    out["dk_mean"] = out["dk_mean"].fillna(0.0).astype("float64")
    out["dk_p90"] = out["dk_p90"].fillna(0.0).astype("float64")
    for col in ("minutes_mean", "play_prob", "p50"):
        out[col] = out[col].fillna(0.0).astype("float64")
    # The field projects minutes as the coach plans them; our mean folds in garbage time and foul trouble.
    out["dk_per_minute"] = (out["dk_mean"] / out["minutes_mean"].where(out["minutes_mean"] > 0)).fillna(0.0)
    out["salary"] = out["salary"].astype("float64")
    thousands = out["salary"] / 1000.0
    out["value"] = out["dk_mean"] / thousands
    out["ceiling_value"] = out["dk_p90"] / thousands
    # What DraftKings shows beside the salary (AvgPointsPerGame): much of the field reads value off it.
    out["fppg"] = out["fppg"].astype("float64")
    out["fppg_value"] = out["fppg"] / thousands
    positions = out["dk_position"].astype(str).str.split("/")
    for p in POSITIONS:
        out[f"is_{p.lower()}"] = positions.map(lambda ps, p=p: p in ps).astype("int64")
    group = [out["draft_group_id"]]
    primary = positions.str[0]
    by_position = [out["draft_group_id"], primary]
    out["salary_rank_group"] = _percentile_rank(out["salary"], group)
    out["value_rank_group"] = _percentile_rank(out["value"], group)
    out["projection_rank_group"] = _percentile_rank(out["dk_mean"], group)
    out["salary_rank_position"] = _percentile_rank(out["salary"], by_position)
    out["value_rank_position"] = _percentile_rank(out["value"], by_position)
    out["cheaper_better"] = _cheaper_better(out)
    # Value beside the alternatives the field weighs: the best at his position, the group's spread, and
    # the players of his $1,000 salary band.
    best_position = out.groupby(by_position)["value"].transform("max")
    out["value_vs_best_position"] = (out["value"] / best_position.where(best_position > 0)).fillna(0.0)
    spread = out.groupby(group)["value"].transform("std")
    mean = out.groupby(group)["value"].transform("mean")
    out["value_z_group"] = ((out["value"] - mean) / spread.where(spread > 0)).fillna(0.0)
    by_band = [out["draft_group_id"], (out["salary"] // SALARY_BAND)]
    out["value_rank_band"] = _percentile_rank(out["value"], by_band)
    best_band = out.groupby(by_band)["value"].transform("max")
    out["value_vs_best_band"] = (out["value"] / best_band.where(best_band > 0)).fillna(0.0)
    out["group_players"] = out.groupby("draft_group_id")["player_id"].transform("size").astype("float64")
    out["group_games"] = out.groupby("draft_group_id")["game_id"].transform("nunique").astype("float64")
    for col in ("game_total", "team_spread", "teammates_out"):
        out[col] = out[col].astype("float64")
    return out


def _cheaper_better(rows: pd.DataFrame) -> pd.Series:
    """Per player: how many players of his group cost less and project more."""
    counts = np.zeros(len(rows))
    for _, idx in rows.groupby("draft_group_id").indices.items():
        salary = rows["salary"].to_numpy()[idx]
        mean = rows["dk_mean"].to_numpy()[idx]
        counts[idx] = ((salary[None, :] < salary[:, None]) & (mean[None, :] > mean[:, None])).sum(axis=1)
    return pd.Series(counts, index=rows.index)


@dataclass
class OwnershipModel:
    """The fitted boosters (regression, and the ranker if any) and what they were trained on."""

    booster: lgb.Booster
    ranker: lgb.Booster | None = None
    features: list[str] = field(default_factory=lambda: list(FEATURES))
    info: dict[str, Any] = field(default_factory=dict)


def train(rows: pd.DataFrame, rounds: int = ROUNDS, params: dict[str, Any] | None = None) -> OwnershipModel:
    """Fit on feature rows with `ownership` (percent, 0-100) of the players the standings list.

    Two boosters: a regression on the log of the percent less its group's mean (a group's size moves
    every share, not their order), and a LambdaRank ranker on within-group ownership quantiles. `params`
    override both (their objectives aside).
    """
    if rows.empty:
        raise ValueError("no ownership rows to train on")
    rows = rows.sort_values(["draft_group_id", "player_id"], kind="stable")
    x = rows[list(FEATURES)].astype("float64")
    log = pd.Series(np.log(rows["ownership"].to_numpy(float).clip(LOG_FLOOR, 100)), index=rows.index)
    y = log - log.groupby(rows["draft_group_id"]).transform("mean")
    extra = {k: v for k, v in (params or {}).items() if k != "objective"}
    booster = lgb.train({**LIGHTGBM, **extra}, lgb.Dataset(x, label=y.to_numpy()), num_boost_round=rounds)
    quantile = rows.groupby("draft_group_id")["ownership"].rank(pct=True, method="average").to_numpy()
    levels = np.minimum((quantile * RANK_LEVELS).astype(int), RANK_LEVELS - 1)
    sizes = rows.groupby("draft_group_id", sort=False).size().to_numpy()
    ranker = lgb.train(
        {**LIGHTGBM, **RANKER, **extra}, lgb.Dataset(x, label=levels, group=sizes), num_boost_round=rounds
    )
    return OwnershipModel(
        booster, ranker, info={"rows": int(len(rows)), "groups": int(rows["draft_group_id"].nunique())}
    )


def _group_z(values: np.ndarray, group: pd.Series) -> pd.Series:
    """Each value less its group's mean, over its group's standard deviation (0 in a group of equals)."""
    s = pd.Series(values, index=group.index)
    spread = s.groupby(group).transform("std")
    return ((s - s.groupby(group).transform("mean")) / spread.where(spread > 0)).fillna(0.0)


def predict(model: OwnershipModel, rows: pd.DataFrame) -> pd.Series:
    """Ownership in percent per row: each group scaled to 800%, every player within [0, 100].

    The order within a group is the blend of the two boosters' within-group z-scores; the sizes are the
    regression's shares, handed out in that order (the largest share to the first), then `normalize`d.
    """
    x = rows[model.features].astype("float64")
    group = rows["draft_group_id"]
    shares = pd.Series(np.exp(model.booster.predict(x, num_threads=1)), index=rows.index)
    if model.ranker is None:
        return normalize(shares, group)
    order = (1.0 - RANK_WEIGHT) * _group_z(np.log(shares.to_numpy()), group) + RANK_WEIGHT * _group_z(
        model.ranker.predict(x, num_threads=1), group
    )
    raw = pd.Series(0.0, index=rows.index)
    for _, idx in group.groupby(group).indices.items():
        by_order = np.argsort(-order.to_numpy()[idx], kind="stable")
        raw.iloc[idx[by_order]] = np.sort(shares.to_numpy()[idx])[::-1]
    return normalize(raw, group)


def normalize(raw: pd.Series, group: pd.Series, total: float = SLOTS_PER_LINEUP * 100.0) -> pd.Series:
    """Scale each group's non-negative scores to sum to `total`, capping players at 100 (excess spread
    over the others in proportion), so a group of 8+ players sums exactly to `total`."""
    out = raw.clip(lower=0).astype("float64").copy()
    for _, idx in group.groupby(group).groups.items():
        values = out.loc[idx].to_numpy()
        capped = np.zeros(len(values), dtype=bool)
        for _ in range(len(values)):
            free = total - 100.0 * capped.sum()
            rest = values[~capped].sum()
            scaled = np.where(
                capped, 100.0, values * (free / rest) if rest > 0 else free / max((~capped).sum(), 1)
            )
            over = (scaled > 100.0) & ~capped
            if not over.any():
                break
            capped |= over
        out.loc[idx] = np.minimum(scaled, 100.0)
    return out


def group_spearman(rows: pd.DataFrame, predicted: str, actual: str = "ownership") -> float:
    """Mean over draft groups of Spearman's correlation between `predicted` and `actual` (groups of 3+)."""
    values = []
    for _, g in rows.groupby("draft_group_id"):
        if len(g) >= 3 and g[predicted].nunique() > 1 and g[actual].nunique() > 1:
            values.append(g[predicted].rank().corr(g[actual].rank()))
    return float(np.mean(values)) if values else float("nan")
