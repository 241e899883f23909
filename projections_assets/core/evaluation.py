"""Evaluating minutes projections against what happened, beside naive baselines and the oracle.

Figures are computed on players not listed Out at the as-of time: MAE,
pinball loss and p10..p90 coverage on those who played (the quantiles are
minutes if he plays), Brier of the play probability on all of them. The
model and the oracle are compared on every such row.

Baselines, from the label history only, each compared with the model on the
rows where it exists:

* `last5`: the mean of the player's last five games played (as docs/league_realism.md measures it);
* `season_avg`: his minutes per game he was active for this season, a
  coach's decision counting as 0 (the average an analyst reads off the box
  scores of the games he was available for);
* `season_avg_played` (reported, not a target): his average in the games he played this season.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from projections_assets.core.minutes import coverage_by_role, metrics
from projections_assets.nba.calendar import season_start_year_of


def baselines(rows: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """`last5`, `season_avg` and `season_avg_played` per row (player_id, game_date), from earlier dates."""
    h = labels[["player_id", "game_date", "game_id", "minutes", "played", "status"]].copy()
    h["game_date"] = pd.to_datetime(h["game_date"])
    h["season"] = season_start_year_of(h["game_date"])
    h = h.sort_values(["player_id", "game_date", "game_id"]).reset_index(drop=True)
    active = h["status"].astype(str).str.upper().ne("INACTIVE")
    played = h["minutes"].where(h["played"].astype(bool))
    h["last5"] = played.groupby(h["player_id"]).transform(
        lambda s: s.dropna().rolling(5).mean().reindex(s.index).ffill()
    )
    by_season = [h["player_id"], h["season"]]
    h["season_avg"] = h["minutes"].where(active).groupby(by_season).transform(lambda s: s.expanding().mean())
    h["season_avg_played"] = played.groupby(by_season).transform(lambda s: s.expanding().mean())
    h[["season_avg", "season_avg_played"]] = h.groupby(by_season)[["season_avg", "season_avg_played"]].ffill()
    left = rows[["player_id", "game_date"]].copy()
    day = pd.to_datetime(left["game_date"])
    left["_date"] = day - pd.Timedelta(days=1)
    left["_season"] = season_start_year_of(day)
    left["_row"] = np.arange(len(left))
    merged = pd.merge_asof(
        left.sort_values("_date"),
        h[["player_id", "game_date", "last5", "season_avg", "season_avg_played", "season"]].sort_values(
            "game_date"
        ),
        left_on="_date",
        right_on="game_date",
        by="player_id",
        direction="backward",
    ).sort_values("_row")
    out = rows.copy()
    out["last5"] = merged["last5"].to_numpy()
    # A season average needs a game of this season.
    same = merged["season"].to_numpy() == merged["_season"].to_numpy()
    out["season_avg"] = np.where(same, merged["season_avg"], np.nan)
    out["season_avg_played"] = np.where(same, merged["season_avg_played"], np.nan)
    return out


BASELINES = ("last5", "season_avg", "season_avg_played")


def comparison(rows: pd.DataFrame, roles: pd.Series) -> tuple[pd.DataFrame, dict[str, dict[str, float]]]:
    """Figures of the model, the oracle (if `oracle_p50` is there) and each baseline.

    The model and the oracle are scored on every row they both cover; each
    baseline on the rows where it exists, beside the model's MAE on exactly
    those rows (`model_mae`). Returns a long table (predictor, role, metric,
    value) and the overall figures per predictor.
    """
    table: list[dict[str, object]] = []
    overall: dict[str, dict[str, float]] = {}

    def add(
        name: str, part: pd.DataFrame, cols: dict[str, str | None], keep: tuple[str, ...] | None = None
    ) -> None:
        figures = metrics(part, **cols)
        if keep is not None:
            figures = {k: v for k, v in figures.items() if k in keep}
            figures["model_mae"] = metrics(part)["mae"]
        overall[name] = figures
        for role in [*sorted(roles.loc[part.index].unique()), "all"]:
            sub = part if role == "all" else part[roles.loc[part.index] == role]
            for metric, value in (figures if role == "all" else metrics(sub, **cols)).items():
                if keep is None or metric in (*keep, "model_mae"):
                    table.append({"predictor": name, "role": role, "metric": metric, "value": float(value)})

    has_oracle = "oracle_p50" in rows
    scored = rows.dropna(subset=["oracle_p50"]) if has_oracle else rows
    add("model", scored, {"p10": "p10", "p50": "p50", "p90": "p90", "play_prob": "play_prob"})
    overall["model"]["coverage_by_role"] = coverage_by_role(scored, roles.loc[scored.index])  # type: ignore[assignment]
    if has_oracle:
        cols = {
            "p10": "oracle_p10",
            "p50": "oracle_p50",
            "p90": "oracle_p90",
            "play_prob": "oracle_play_prob",
        }
        add("oracle", scored, cols)
    for name in BASELINES:
        if name in rows:
            part = scored.dropna(subset=[name])
            add(
                name,
                part,
                {"p10": name, "p50": name, "p90": name, "play_prob": None},
                keep=("rows", "played_rows", "mae"),
            )
    return pd.DataFrame(table), overall


def what_if(
    early: pd.DataFrame, late: pd.DataFrame, outcome: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Projections at tip - 2 h vs the last slot before tip: per player deltas and accuracy at each."""
    cols = ["game_id", "player_id", "player_name", "team_id", "status", "p50", "exp_minutes", "play_prob"]
    both = early[cols].merge(
        late[cols], on=["game_id", "player_id", "player_name", "team_id"], suffixes=("_early", "_late")
    )
    both = both.merge(
        outcome[["game_id", "player_id", "minutes", "played"]], on=["game_id", "player_id"], how="left"
    )
    both["delta_exp_minutes"] = both["exp_minutes_late"] - both["exp_minutes_early"]
    both["status_changed"] = both["status_early"] != both["status_late"]
    summary: dict[str, float] = {"players": float(len(both))}
    summary["mean_abs_delta"] = float(both["delta_exp_minutes"].abs().mean()) if len(both) else 0.0
    summary["moved_3_plus"] = float((both["delta_exp_minutes"].abs() >= 3).sum())
    summary["status_changes"] = float(both["status_changed"].sum())
    known = both[both["minutes"].notna()]
    for when in ("early", "late"):
        ok = known[known[f"status_{when}"] != "Out"]
        summary[f"exp_minutes_mae_{when}"] = (
            float((ok["minutes"] - ok[f"exp_minutes_{when}"]).abs().mean()) if len(ok) else float("nan")
        )
        pl = ok[ok["played"].astype(bool)]
        summary[f"p50_mae_{when}"] = (
            float((pl["minutes"] - pl[f"p50_{when}"]).abs().mean()) if len(pl) else float("nan")
        )
    return both.sort_values("delta_exp_minutes", key=np.abs, ascending=False).reset_index(drop=True), summary


# The oracle's minutes columns (league/oracle.py ORACLE_COLUMNS) and their names beside a projection.
MINUTES_ORACLE_COLUMNS = {
    "minutes_p10": "oracle_p10",
    "minutes_p50": "oracle_p50",
    "minutes_p90": "oracle_p90",
    "p_play": "oracle_play_prob",
}


def with_oracle(
    rows: pd.DataFrame, oracle: pd.DataFrame | None, columns: Mapping[str, str] = MINUTES_ORACLE_COLUMNS
) -> pd.DataFrame:
    """`rows` with the oracle's `columns` (oracle name -> name here) in force at each row's `as_of_ts`.

    The default is the minutes figures: p10/p50/p90 and the play probability.
    """
    if oracle is None or oracle.empty:
        return rows
    wanted = list(columns)
    o = oracle.rename(columns={"person_id": "player_id", "as_of_ts": "oracle_as_of"})
    o = o[["game_id", "player_id", "oracle_as_of", *wanted]]
    o["oracle_as_of"] = pd.to_datetime(o["oracle_as_of"], utc=True)
    merged = (
        rows[["game_id", "player_id", "as_of_ts"]]
        .reset_index()
        .merge(o, on=["game_id", "player_id"], how="left")
    )
    # The oracle row in force at the projection's instant (its first row also covers earlier times).
    merged = merged[(merged["oracle_as_of"] <= merged["as_of_ts"]) | merged["oracle_as_of"].isna()]
    first = o.sort_values("oracle_as_of").groupby(["game_id", "player_id"]).head(1)
    newest = merged.sort_values("oracle_as_of").groupby("index").tail(1).set_index("index")
    out = rows.join(newest[wanted], how="left")
    missing = out[wanted[0]].isna()
    if missing.any():
        fill = rows.loc[missing, ["game_id", "player_id"]].merge(
            first, on=["game_id", "player_id"], how="left"
        )
        for col in wanted:
            out.loc[missing, col] = fill[col].to_numpy()
    return out.rename(columns=dict(columns))
