"""DraftKings fantasy points from box-score stats (rules in `config/scoring.toml`)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from projections_assets.settings import CONFIG_DIR


@dataclass(frozen=True)
class ScoringRules:
    points: Mapping[str, float]
    bonus_categories: tuple[str, ...]
    bonus_threshold: int
    double_double: float
    triple_double: float

    @property
    def stats(self) -> tuple[str, ...]:
        """Every column the rules read."""
        return tuple(dict.fromkeys([*self.points, *self.bonus_categories]))


@cache
def dk_rules(config_dir: Path = CONFIG_DIR) -> ScoringRules:
    raw = tomllib.loads((config_dir / "scoring.toml").read_text())
    bonus = raw["bonus"]
    return ScoringRules(
        points={k: float(v) for k, v in raw["points"].items()},
        bonus_categories=tuple(bonus["categories"]),
        bonus_threshold=int(bonus["threshold"]),
        double_double=float(bonus["double_double"]),
        triple_double=float(bonus["triple_double"]),
    )


def dk_points(
    stats: pd.DataFrame | Mapping[str, np.ndarray], rules: ScoringRules | None = None
) -> np.ndarray:
    """DraftKings points per row of `stats` (columns pts, fg3m, reb, ast, stl, blk, tov)."""
    rules = rules or dk_rules()
    missing = [c for c in rules.stats if c not in stats]
    if missing:
        raise KeyError(f"DraftKings scoring needs columns {missing}")
    base = sum(np.asarray(stats[k], dtype="float64") * w for k, w in rules.points.items())
    tens = sum(
        (np.asarray(stats[k]) >= rules.bonus_threshold).astype(np.int64) for k in rules.bonus_categories
    )
    return np.asarray(base + rules.double_double * (tens >= 2) + rules.triple_double * (tens >= 3))
