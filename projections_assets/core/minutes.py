"""The minutes model: LightGBM quantiles of minutes-if-he-plays, a play probability, calibration.

* `train(train_rows, calib_rows)` fits p10/p50/p90 regressors on the rows of
  players who played and a play-probability classifier on every row of a
  player not listed Out, then calibrates on held-out dates: each side of the
  p10..p90 band is shifted by the split-conformal quantile of its
  calibration errors (conformalized quantile regression), so the band covers
  80% on new dates. The classifier is fitted on every date and not
  recalibrated (see `train`).
* `predict(model, features)` scores rows; a player listed Out gets 0 minutes
  and probability 0 by rule, never by the model.
* `reconcile(scored)` scales each team's expected minutes to the game's
  expected total (see its docstring).
* `metrics(...)` are the evaluation figures (MAE of p50, pinball loss,
  coverage and width of p10..p90, Brier), overall and by role.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd

from projections_assets.core.features import FEATURE_COLUMNS
from projections_assets.settings import CONFIG_DIR

QUANTILE_NAMES = {0.1: "p10", 0.5: "p50", 0.9: "p90"}
ROLE_BUCKETS = ("starter", "rotation", "bench")


@dataclass(frozen=True)
class MinutesSettings:
    quantiles: tuple[float, ...]
    calibration_share: float
    team_minutes: float
    sanity_band: tuple[float, float]
    max_player_minutes: float
    lightgbm: dict[str, Any]
    lightgbm_play: dict[str, Any] = field(default_factory=dict)


@cache
def minutes_settings(config_dir: Path = CONFIG_DIR) -> MinutesSettings:
    raw = tomllib.loads((config_dir / "minutes.toml").read_text())
    return MinutesSettings(
        quantiles=tuple(float(q) for q in raw["quantiles"]),
        calibration_share=float(raw["calibration_share"]),
        team_minutes=float(raw["team_minutes"]),
        sanity_band=(float(raw["sanity_band"][0]), float(raw["sanity_band"][1])),
        max_player_minutes=float(raw["max_player_minutes"]),
        lightgbm=dict(raw["lightgbm"]),
        lightgbm_play={**raw["lightgbm"], **raw.get("lightgbm_play", {})},
    )


def role_bucket(features: pd.DataFrame) -> pd.Series:
    """starter (projected starter, or 28+ trailing minutes), rotation (12+), bench."""
    trail = features["min_last5"].fillna(0.0)
    return pd.Series(
        np.select(
            [(features["projected_starter"] == 1) | (trail >= 28), trail >= 12],
            ["starter", "rotation"],
            "bench",
        ),
        index=features.index,
    )


class NotEnoughHistory(ValueError):
    """Too few game dates to fit, calibrate and hold out."""


def split_dates(rows: pd.DataFrame, share: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(earlier rows, held-out rows): the latest `share` of game dates (at least one) are held out."""
    dates = np.sort(rows["game_date"].unique())
    if len(dates) < 2:
        raise NotEnoughHistory(f"{len(dates)} game date(s) of rows: at least 2 are needed to hold one out")
    cut = dates[min(max(1, int(round(len(dates) * (1 - share)))), len(dates) - 1) - 1]
    return rows[rows["game_date"] <= cut], rows[rows["game_date"] > cut]


def _matrix(rows: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    columns = list(FEATURE_COLUMNS) if columns is None else columns
    missing = [c for c in columns if c not in rows.columns]
    if missing:
        raise ValueError(
            f"the model needs feature columns the rows lack: {missing}; retrain it on these features"
        )
    x = rows[columns].copy()
    # lgb.train rejects pandas str columns; categories it reads natively.
    x["position_group"] = pd.Categorical(x["position_group"].astype(str), categories=["G", "F", "C"])
    return x


def eligible(rows: pd.DataFrame) -> pd.Series:
    """Rows the model scores: players not listed Out at the as-of time."""
    return rows["status"] != "Out"


@dataclass
class MinutesModel:
    """The fitted boosters, their calibration, and what they were trained on."""

    quantile_models: dict[float, lgb.Booster]
    play_model: lgb.Booster
    band_shift: dict[float, float]
    feature_columns: list[str]
    info: dict[str, Any] = field(default_factory=dict)

    def save(self, directory: Path) -> list[Path]:
        """Write the model into `directory` (boosters as text, calibration and info as JSON)."""
        directory.mkdir(parents=True, exist_ok=True)
        paths = []
        for q, booster in self.quantile_models.items():
            path = directory / f"minutes_{QUANTILE_NAMES[q]}.txt"
            booster.save_model(str(path))
            paths.append(path)
        path = directory / "play_probability.txt"
        self.play_model.save_model(str(path))
        paths.append(path)
        calib = {
            "band_shift": {QUANTILE_NAMES[q]: s for q, s in self.band_shift.items()},
            "feature_columns": self.feature_columns,
            "info": self.info,
        }
        path = directory / "calibration.json"
        path.write_text(json.dumps(calib, indent=2, sort_keys=True, default=str))
        paths.append(path)
        return paths

    @classmethod
    def load(cls, directory: Path) -> MinutesModel:
        calib = json.loads((directory / "calibration.json").read_text())
        by_name = {v: k for k, v in QUANTILE_NAMES.items()}
        models = {
            by_name[name]: lgb.Booster(model_file=str(directory / f"minutes_{name}.txt"))
            for name in calib["band_shift"]
        }
        if calib.get("isotonic") is not None:
            # No model trained by this code carries one; scoring without it would change its figures.
            raise ValueError(
                f"{directory}: the model carries an isotonic play-probability map, which this version "
                "no longer applies; retrain it (the train_minutes job)"
            )
        return cls(
            quantile_models=models,
            play_model=lgb.Booster(model_file=str(directory / "play_probability.txt")),
            band_shift={by_name[k]: float(v) for k, v in calib["band_shift"].items()},
            feature_columns=list(calib["feature_columns"]),
            info=dict(calib["info"]),
        )


def _fit(x: pd.DataFrame, y: np.ndarray, objective: dict[str, Any], config: dict[str, Any]) -> lgb.Booster:
    params = {k: v for k, v in config.items() if k != "num_boost_round"}
    params.update(objective, verbose=-1, deterministic=True, force_col_wise=True)
    data = lgb.Dataset(x, label=y, categorical_feature=["position_group"], free_raw_data=True)
    return lgb.train(params, data, num_boost_round=int(config["num_boost_round"]))


def _raw_predict(model: MinutesModel, x: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=x.index)
    for q, booster in model.quantile_models.items():
        out[QUANTILE_NAMES[q]] = booster.predict(x, num_threads=1)
    out["play_prob"] = model.play_model.predict(x, num_threads=1)
    return out


def train(rows: pd.DataFrame, settings: MinutesSettings | None = None) -> MinutesModel:
    """Fit on the earlier dates of `rows` (features + `minutes`, `played`), calibrate on the latest."""
    settings = settings or minutes_settings()
    rows = rows[eligible(rows)]
    fit_rows, calib_rows = split_dates(rows, settings.calibration_share)
    played = fit_rows[fit_rows["played"]]
    x_played = _matrix(played)
    quantile_models = {
        q: _fit(
            x_played, played["minutes"].to_numpy(), {"objective": "quantile", "alpha": q}, settings.lightgbm
        )
        for q in settings.quantiles
    }
    # The classifier learns from every date: its log-loss objective keeps it calibrated, and an
    # isotonic map fitted on the latest dates (the season's end: rest, tanking) mis-calibrated the
    # rest of the season (validation Brier 0.0961 without vs 0.0973 with, season 2 from season 1).
    play_model = _fit(
        _matrix(rows), rows["played"].astype(int).to_numpy(), {"objective": "binary"}, settings.lightgbm_play
    )
    model = MinutesModel(
        quantile_models, play_model, {q: 0.0 for q in settings.quantiles}, list(FEATURE_COLUMNS)
    )
    raw = _raw_predict(model, _matrix(calib_rows))
    played_calib = calib_rows["played"].to_numpy()
    y = calib_rows["minutes"].to_numpy()[played_calib]
    lo, hi = min(settings.quantiles), max(settings.quantiles)
    # Split-conformal shifts: the band's sides move by the quantile of their held-out misses.
    shift_lo = float(np.quantile(raw[QUANTILE_NAMES[lo]].to_numpy()[played_calib] - y, 1 - lo))
    shift_hi = float(np.quantile(y - raw[QUANTILE_NAMES[hi]].to_numpy()[played_calib], hi))
    model.band_shift = {lo: -shift_lo, 0.5: 0.0, hi: shift_hi}
    model.info = {
        "fit_rows": int(len(fit_rows)),
        "fit_played_rows": int(len(played)),
        "calibration_rows": int(len(calib_rows)),
        "fit_dates": [str(fit_rows["game_date"].min()), str(fit_rows["game_date"].max())],
        "calibration_dates": [str(calib_rows["game_date"].min()), str(calib_rows["game_date"].max())],
        "lightgbm": settings.lightgbm,
    }
    return model


def predict(model: MinutesModel, features: pd.DataFrame) -> pd.DataFrame:
    """p10/p50/p90 (minutes if he plays), play_prob and expected minutes per feature row."""
    out = features[["game_id", "team_id", "player_id", "as_of_ts", "status"]].copy()
    for name in ("p10", "p50", "p90", "play_prob"):
        out[name] = 0.0
    live = eligible(features)
    if live.any():
        # A model scores with the features it was trained on (an older model survives a feature added since).
        raw = _raw_predict(model, _matrix(features[live], model.feature_columns))
        for q, shift in model.band_shift.items():
            raw[QUANTILE_NAMES[q]] += shift
        q = np.clip(np.sort(raw[["p10", "p50", "p90"]].to_numpy(), axis=1), 0.0, 48.0)
        out.loc[live, ["p10", "p50", "p90"]] = q
        out.loc[live, "play_prob"] = raw["play_prob"].clip(0, 1).to_numpy()
    out["exp_minutes"] = out["play_prob"] * out["p50"]
    return out


def reconcile(scored: pd.DataFrame, settings: MinutesSettings | None = None) -> pd.DataFrame:
    """Scale each team's expected minutes so they sum to the game's expected team minutes.

    Method: the team factor is `team_minutes / sum(exp_minutes)`; every
    player's expected minutes and quantiles are multiplied by it, then anyone
    above `max_player_minutes` is capped and the excess is passed to the
    others in proportion (repeated until nobody exceeds the cap). Players at
    0 (Out) stay at 0. The unscaled sum is kept as `team_sum_raw`, and
    `sanity_flag` marks teams outside the sanity band before reconciliation.
    """
    settings = settings or minutes_settings()
    out = scored.copy()
    keys = ["game_id", "team_id", "as_of_ts"]
    raw_sum = out.groupby(keys)["exp_minutes"].transform("sum")
    out["team_sum_raw"] = raw_sum
    lo, hi = settings.sanity_band
    out["sanity_flag"] = (raw_sum < lo) | (raw_sum > hi)
    target, cap = settings.team_minutes, settings.max_player_minutes
    exp = out["exp_minutes"].to_numpy(dtype=float).copy()
    groups = out.groupby(keys).indices
    for idx in groups.values():
        e = exp[idx]
        if e.sum() <= 0:
            continue
        fixed = np.zeros(len(e), bool)
        for _ in range(10):
            free_total = e[~fixed].sum()
            if free_total <= 0:
                break
            e[~fixed] *= (target - e[fixed].sum()) / free_total
            over = (~fixed) & (e > cap)
            if not over.any():
                break
            e[over] = cap
            fixed |= over
        exp[idx] = e
    factor = np.divide(
        exp, out["exp_minutes"].to_numpy(), out=np.ones_like(exp), where=out["exp_minutes"].to_numpy() > 0
    )
    out["exp_minutes"] = exp
    for name in ("p10", "p50", "p90"):
        out[name] = np.minimum(out[name] * factor, 48.0)
    return out


# --------------------------------------------------------------------------- evaluation


def pinball(y: np.ndarray, pred: np.ndarray, q: float) -> np.ndarray:
    diff = y - pred
    return np.maximum(q * diff, (q - 1) * diff)


def metrics(
    rows: pd.DataFrame,
    *,
    p10: str = "p10",
    p50: str = "p50",
    p90: str = "p90",
    play_prob: str | None = "play_prob",
) -> dict[str, float]:
    """Figures on rows not listed Out: MAE/pinball/coverage on those who played, Brier on all."""
    rows = rows[eligible(rows)]
    played = rows[rows["played"]]
    y = played["minutes"].to_numpy()
    out: dict[str, float] = {"rows": float(len(rows)), "played_rows": float(len(played))}
    out["mae"] = float(np.abs(y - played[p50]).mean())
    out["pinball"] = float(
        np.mean([pinball(y, played[c].to_numpy(), q).mean() for c, q in ((p10, 0.1), (p50, 0.5), (p90, 0.9))])
    )
    inside = (y >= played[p10].to_numpy()) & (y <= played[p90].to_numpy())
    out["coverage_p10_p90"] = float(inside.mean())
    out["width_p10_p90"] = float((played[p90] - played[p10]).mean())
    if play_prob is not None:
        out["brier"] = float(((rows[play_prob] - rows["played"].astype(float)) ** 2).mean())
    return out


def coverage_by_role(
    rows: pd.DataFrame, roles: pd.Series, p10: str = "p10", p90: str = "p90"
) -> dict[str, float]:
    rows = rows.assign(_role=roles)
    rows = rows[eligible(rows) & rows["played"]]
    inside = (rows["minutes"] >= rows[p10]) & (rows["minutes"] <= rows[p90])
    return {
        role: float(inside[rows["_role"] == role].mean())
        for role in ROLE_BUCKETS
        if (rows["_role"] == role).any()
    }


def unprojected_players(roster: pd.DataFrame, projections: pd.DataFrame) -> pd.DataFrame:
    """Roster rows (game, player) that have no projection row."""
    keys = ["game_id", "player_id"]
    merged = roster[[*keys, "player_name", "team_id"]].merge(
        projections[keys].drop_duplicates(), on=keys, how="left", indicator=True
    )
    return merged.loc[merged["_merge"] == "left_only", [*keys, "player_name", "team_id"]].reset_index(
        drop=True
    )


def project(
    model: MinutesModel, features: pd.DataFrame, model_run_id: str, columns: Sequence[str]
) -> pd.DataFrame:
    """Score and reconcile one partition's features; `columns` (the projections table's) in order."""
    scored = reconcile(predict(model, features))
    ids = features[["game_date", "tip_ts", "player_name", "available_at"]]
    out = scored.join(ids)
    # Aligned on the index, not through `.to_numpy()`: that turns the str column into object, which
    # an empty partition (a day without games) keeps and the contract refuses.
    out["role"] = role_bucket(features)
    out["model_run_id"] = model_run_id
    out["sanity_flag"] = out["sanity_flag"].astype(bool)
    return out[list(columns)]
