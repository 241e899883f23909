"""The rates model: twelve LightGBM heads, per-minute counting stats and make rates.

* `train(rows)` fits one head per count stat (`COUNT_STATS`: 2PA, 3PA, FTA,
  AST, TOV, OREB, DREB, STL, BLK) on the per-minute rate of the games a
  player played, weighted by his minutes (a Poisson objective: rates are
  non-negative and the count's variance grows with them), and one head per
  make rate (2P%, 3P%, FT%) on made / attempted, weighted by attempts (a
  cross-entropy objective: a probability).
* `predict(model, features)` scores rows: `rate_<stat>` per minute and
  `pct_<make>`, the columns the sim engine reads.
* `metrics(rows, predictions)` are the holdout figures a gate compares: per
  head the mean absolute error of the count it implies (rate x actual minutes,
  or make rate x actual attempts), on played rows; `baseline(rows)` is the
  naive trailing predictor (last ten played games, else the season, else the
  prior) scored the same way.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd

from projections_assets.core.rates_features import (
    COUNT_STATS,
    MAKES,
    RATES_FEATURE_COLUMNS,
    ROLES,
    Priors,
    role_of,
)
from projections_assets.settings import CONFIG_DIR

# Every head, in the order the projections table lists them.
HEADS = (*COUNT_STATS, *MAKES)
RATE_COLUMNS = {s: f"rate_{s}" for s in COUNT_STATS}
PCT_COLUMNS = {m: f"pct_{m}" for m in MAKES}
OUTPUT_COLUMNS = {**RATE_COLUMNS, **PCT_COLUMNS}
POSITIONS = ("G", "F", "C")


@dataclass(frozen=True)
class RatesSettings:
    """config/rates.toml: horizons, holdout share, the shrinkage priors and the LightGBM settings."""

    horizons: tuple[str, ...]
    holdout_share: float
    min_minutes: float
    priors: Priors
    lightgbm: dict[str, Any]
    lightgbm_pct: dict[str, Any] = field(default_factory=dict)


@cache
def rates_settings(config_dir: Path = CONFIG_DIR) -> RatesSettings:
    """The rates settings of `config_dir` (read once per process)."""
    raw = tomllib.loads((config_dir / "rates.toml").read_text())
    prior = raw["prior"]
    rates = {
        (pos, role): {name: float(v) for name, v in prior[pos][role].items()}
        for pos in POSITIONS
        for role in ROLES
    }
    missing = [(k, h) for k, v in rates.items() for h in HEADS if h not in v]
    if missing:
        raise ValueError(f"{config_dir / 'rates.toml'}: priors missing for {missing[:5]}")
    return RatesSettings(
        horizons=tuple(raw["horizons"]),
        holdout_share=float(raw["holdout_share"]),
        min_minutes=float(raw["min_minutes"]),
        priors=Priors(
            rates=rates,
            prior_minutes=float(raw["shrinkage"]["prior_minutes"]),
            prior_attempts={k: float(v) for k, v in raw["shrinkage"]["prior_attempts"].items()},
            recent_minutes=float(raw["shrinkage"]["recent_minutes"]),
        ),
        lightgbm=dict(raw["lightgbm"]),
        lightgbm_pct={**raw["lightgbm"], **raw.get("lightgbm_pct", {})},
    )


def _matrix(rows: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    missing = [c for c in columns if c not in rows.columns]
    if missing:
        raise ValueError(
            f"the rates model needs feature columns the rows lack: {missing}; retrain it on these features"
        )
    x = rows[list(columns)].copy()
    # lgb.train rejects pandas str columns; categories it reads natively.
    x["position_group"] = pd.Categorical(x["position_group"].astype(str), categories=list(POSITIONS))
    return x


def head_data(
    rows: pd.DataFrame, head: str, min_minutes: float
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """(rows, label, weight) a head learns from: per-minute rates by minutes, make rates by attempts."""
    played = rows[rows["played"].astype(bool) & (rows["minutes"] >= min_minutes)]
    if head in MAKES:
        made, att = MAKES[head]
        played = played[played[att] > 0]
        return played, (played[made] / played[att]).to_numpy(float), played[att].to_numpy(float)
    minutes = played["minutes"].to_numpy(float)
    return played, played[head].to_numpy(float) / minutes, minutes


@dataclass
class RatesModel:
    """The twelve fitted heads and what they were trained on."""

    heads: dict[str, lgb.Booster]
    feature_columns: list[str]
    info: dict[str, Any] = field(default_factory=dict)

    def save(self, directory: Path) -> list[Path]:
        """Write the model into `directory` (boosters as text, the feature list and info as JSON)."""
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for head, booster in self.heads.items():
            path = directory / f"rates_{head}.txt"
            booster.save_model(str(path))
            paths.append(path)
        path = directory / "rates.json"
        meta = {"heads": list(self.heads), "feature_columns": self.feature_columns, "info": self.info}
        path.write_text(json.dumps(meta, indent=2, sort_keys=True, default=str))
        return [*paths, path]

    @classmethod
    def load(cls, directory: Path) -> RatesModel:
        """A model written by `save`."""
        meta = json.loads((directory / "rates.json").read_text())
        heads = {h: lgb.Booster(model_file=str(directory / f"rates_{h}.txt")) for h in meta["heads"]}
        missing = [h for h in HEADS if h not in heads]
        if missing:
            raise ValueError(f"{directory}: the rates model lacks heads {missing}; retrain it (train_rates)")
        return cls(heads, list(meta["feature_columns"]), dict(meta["info"]))


def base_score(features: pd.DataFrame, head: str) -> np.ndarray:
    """The raw score a head boosts from: its shrunk season rate, on the objective's link scale.

    Trees learn corrections to the shrunk rate (log link for rates, logit for
    make rates), so a head with little data stays near it instead of chasing
    a fortnight's noise.
    """
    if head in MAKES:
        p = np.clip(features[f"{head}_pct_shrunk"].to_numpy(float), 0.01, 0.99)
        return np.log(p / (1 - p))
    return np.log(np.clip(features[f"{head}_pm_shrunk"].to_numpy(float), 1e-4, None))


def _fit(
    x: pd.DataFrame,
    y: np.ndarray,
    w: np.ndarray,
    init: np.ndarray,
    objective: str,
    config: Mapping[str, Any],
) -> lgb.Booster:
    params = {k: v for k, v in config.items() if k != "num_boost_round"}
    params.update(objective=objective, verbose=-1, deterministic=True, force_col_wise=True)
    data = lgb.Dataset(
        x, label=y, weight=w, init_score=init, categorical_feature=["position_group"], free_raw_data=True
    )
    return lgb.train(params, data, num_boost_round=int(config["num_boost_round"]))


def train(rows: pd.DataFrame, settings: RatesSettings | None = None) -> RatesModel:
    """Fit every head on `rows` (rates features with `minutes`, `played` and the label stats)."""
    settings = settings or rates_settings()
    columns = list(RATES_FEATURE_COLUMNS)
    heads, counts = {}, {}
    for head in HEADS:
        data, y, w = head_data(rows, head, settings.min_minutes)
        if data.empty:
            raise ValueError(f"no played rows with attempts to fit the {head} head on")
        pct = head in MAKES
        objective = "cross_entropy" if pct else "poisson"
        config = settings.lightgbm_pct if pct else settings.lightgbm
        heads[head] = _fit(_matrix(data, columns), y, w, base_score(data, head), objective, config)
        counts[head] = int(len(data))
    info = {
        "fit_rows": int(len(rows)),
        "head_rows": counts,
        "fit_dates": [str(rows["game_date"].min()), str(rows["game_date"].max())],
        "lightgbm": settings.lightgbm,
        "lightgbm_pct": settings.lightgbm_pct,
        "boosted_from": "shrunk season rate (log / logit link)",
    }
    return RatesModel(heads, columns, info)


def predict(model: RatesModel, features: pd.DataFrame) -> pd.DataFrame:
    """`rate_<stat>` (per minute) and `pct_<make>` for every feature row (same index)."""
    out = pd.DataFrame(index=features.index)
    if features.empty:
        for column in OUTPUT_COLUMNS.values():
            out[column] = pd.Series(dtype="float64")
        return out
    # A model scores with the features it was trained on (an older model survives a feature added since).
    x = _matrix(features, model.feature_columns)
    for head, column in OUTPUT_COLUMNS.items():
        raw = model.heads[head].predict(x, raw_score=True, num_threads=1) + base_score(features, head)
        out[column] = 1.0 / (1.0 + np.exp(-raw)) if head in MAKES else np.exp(raw)
    return out


def baseline(features: pd.DataFrame, priors: Priors) -> pd.DataFrame:
    """The naive trailing predictor: last ten played games, else the season, else the role prior."""
    out = pd.DataFrame(index=features.index)
    role = role_of(features["starts_last5"])
    position = features["position_group"].astype(str)
    for s, column in RATE_COLUMNS.items():
        prior = pd.Series(priors.column(position, role, s), index=features.index)
        out[column] = features[f"{s}_pm_last10"].fillna(features[f"{s}_pm_season"]).fillna(prior)
    for m, column in PCT_COLUMNS.items():
        prior = pd.Series(priors.column(position, role, m), index=features.index)
        out[column] = features[f"{m}_pct_last10"].fillna(features[f"{m}_pct_season"]).fillna(prior)
    return out


def metrics(rows: pd.DataFrame, predictions: pd.DataFrame, min_minutes: float = 0.0) -> dict[str, float]:
    """Per head `mse_<head>` and `mae_<head>` of the count it implies, on played rows (makes: with attempts).

    A rate's count is rate x actual minutes and a make rate's is pct x actual
    attempts, so the figures judge the rate, not the minutes. The gates compare
    the squared error: the heads estimate a mean, which the absolute error
    does not reward (a median does better on it).
    """
    out: dict[str, float] = {}
    for head, column in OUTPUT_COLUMNS.items():
        data, _, exposure = head_data(rows, head, min_minutes)
        made = (data[MAKES[head][0]] if head in MAKES else data[head]).to_numpy(float)
        miss = made - predictions.loc[data.index, column].to_numpy(float) * exposure
        out[f"mse_{head}"] = float(np.mean(miss**2)) if len(data) else np.nan
        out[f"mae_{head}"] = float(np.mean(np.abs(miss))) if len(data) else np.nan
    return out


def gate_metrics(figures: Mapping[str, float]) -> dict[str, float]:
    """The figures the gates compare: each head's squared error."""
    return {k: v for k, v in figures.items() if k.startswith("mse_")}


def worse_heads(
    candidate: Mapping[str, float], reference: Mapping[str, float], *, strict: bool, tolerance: float = 1e-9
) -> list[str]:
    """The metrics on which `candidate` loses to `reference` (strict: must be below it, else no worse)."""
    worse = []
    for name, value in candidate.items():
        if name not in reference or np.isnan(value) or np.isnan(reference[name]):
            continue
        if (value >= reference[name] - tolerance) if strict else (value > reference[name] + tolerance):
            worse.append(name)
    return worse


def project(
    model: RatesModel, features: pd.DataFrame, model_run_id: str, columns: Sequence[str]
) -> pd.DataFrame:
    """One partition's rates projections: identifiers, `rate_*`, `pct_*`, the model run; `columns` in order."""
    ids = features[["game_id", "game_date", "tip_ts", "as_of_ts", "team_id", "player_id", "player_name"]]
    out = ids.join(predict(model, features))
    out["model_run_id"] = model_run_id
    out["available_at"] = features["available_at"]
    return out[list(columns)].reset_index(drop=True)
