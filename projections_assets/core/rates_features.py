"""Rates features: one builder for live partitions and for bulk training sets.

`rates_features(minutes_rows, history)` takes minutes feature rows (the output
of `core.features.minutes_features` for any number of (game, as_of) pairs,
with `available_at`) and the label history prepared as `RatesHistory`, and
returns one row per rostered player, game and as_of with `RATES_FEATURE_COLUMNS`.
A live partition passes one slot's minutes features; a training set passes
every game's horizons at once; the rows are the same either way (the parity
check holds the two to it).

Only information available at the row's as_of is used: the minutes features
are already "as of", and every label lookup takes the newest game strictly
before the row's game date (per player for his own rates, per team for the
opponent's allowed rates).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from projections_assets.core.features import (
    ID_COLUMNS,
    PlayerHistory,
    SlateInputs,
    asof_history,
    minutes_features,
)
from projections_assets.core.training import partition_features, select, with_available_at
from projections_assets.nba.calendar import EASTERN_NAME, season_start_year_of
from projections_assets.nba.calendar import UTC_TS as TS

# Per-minute counting stats the model projects (the sim engine multiplies them by minutes).
COUNT_STATS = ("fg2a", "fg3a", "fta", "ast", "tov", "oreb", "dreb", "stl", "blk")
# Make rates: (made column, attempts column) of the labels.
MAKES: dict[str, tuple[str, str]] = {"fg2": ("fg2m", "fg2a"), "fg3": ("fg3m", "fg3a"), "ft": ("ftm", "fta")}
# Every label column a training row carries (counts are what the heads learn from).
LABEL_STATS = tuple(dict.fromkeys([*COUNT_STATS, *(c for pair in MAKES.values() for c in pair)]))
# Trailing windows over the games a player played.
WINDOWS = (5, 10)
# Opponents' games the allowed rates look back over.
OPP_WINDOW = 10
ROLES = ("starter", "bench")

_minutes_columns: dict[str, str] = {
    "min_ewm": "float64",
    "min_last5": "float64",
    "starts_last5": "float64",
    "projected_starter": "int64",
    "depth_rank": "float64",
    "vacated_minutes": "float64",
    "p_out": "float64",
    "is_home": "int64",
    "rest_days": "float64",
    "back_to_back": "int64",
    "team_spread": "float64",
    "game_total": "float64",
}
RATES_FEATURE_COLUMNS: dict[str, str] = {
    **{f"{s}_pm_{w}": "float64" for s in COUNT_STATS for w in ("last5", "last10", "season", "shrunk")},
    **{
        f"{m}_{kind}": "float64"
        for m in MAKES
        for kind in ("pct_last10", "pct_season", "pct_shrunk", "att_last10", "att_season")
    },
    **{f"opp_{s}_allowed": "float64" for s in COUNT_STATS},
    "opp_fg2_pct_allowed": "float64",
    "opp_fg3_pct_allowed": "float64",
    "usage_pm_last10": "float64",
    "usage_pm_season": "float64",
    "vacated_usage": "float64",
    "vacated_usage_share": "float64",
    "team_implied_total": "float64",
    "exp_minutes": "float64",
    "games_played_season": "float64",
    "minutes_season": "float64",
    "minutes_last10": "float64",
    "role_starter": "int64",
    **_minutes_columns,
    "position_group": "category",
}
RATES_ID_COLUMNS: dict[str, str] = {**ID_COLUMNS, "available_at": TS}
KEY = ["game_id", "player_id", "as_of_ts"]


@dataclass(frozen=True)
class Priors:
    """Per-minute rates and make rates of a (position group, role), and how much history outweighs them.

    A player's season rate is shrunk toward his prior as `(stat + k * prior) / (minutes + k)`, with
    `k = prior_minutes` (or `prior_attempts[make]` for make rates): a short history says little. His
    last ten games' rate is then shrunk toward that season rate with `k = recent_minutes`.
    """

    rates: Mapping[tuple[str, str], Mapping[str, float]]
    prior_minutes: float
    prior_attempts: Mapping[str, float]
    # How many minutes of his last ten games outweigh his (shrunk) season rate.
    recent_minutes: float

    def column(self, position: pd.Series, role: pd.Series, name: str) -> np.ndarray:
        """The prior of `name` (a count stat or a make such as `fg3`) for each row's group and role."""
        table = {k: v[name] for k, v in self.rates.items()}
        keys = zip(position.astype(str), role.astype(str), strict=True)
        return np.array([table.get(k, np.nan) for k in keys], dtype="float64")


def shrink(total: pd.Series | np.ndarray, exposure: pd.Series | np.ndarray, prior: np.ndarray, k: float):
    """`(total + k * prior) / (exposure + k)`: the prior with no history, the raw rate with a long one."""
    total = np.nan_to_num(np.asarray(total, dtype="float64"))
    exposure = np.nan_to_num(np.asarray(exposure, dtype="float64"))
    return (total + k * prior) / (exposure + k)


# --------------------------------------------------------------------------- label history


def _window_sum(values: pd.Series, keys: list[pd.Series], window: int | None) -> pd.Series:
    """Sum of the last `window` values per group (all of them when None), including the row itself."""
    total = values.groupby(keys, sort=False).cumsum()
    if window is None:
        return total
    return total - total.groupby(keys, sort=False).shift(window).fillna(0.0)


def player_rates_history(labels: pd.DataFrame) -> pd.DataFrame:
    """Per player and game he played: trailing stat and minutes sums *including* that game.

    Only played games enter (a DNP says nothing about rates). Every sum looks
    backwards, so a row is the same whatever later games the labels hold.
    """
    h = labels[labels["played"].astype(bool) & (labels["minutes"] > 0)]
    h = h[["game_id", "game_date", "team_id", "player_id", "minutes", *LABEL_STATS]].copy()
    h["game_date"] = pd.to_datetime(h["game_date"])
    h["season"] = season_start_year_of(h["game_date"])
    h = h.sort_values(["player_id", "game_date", "game_id"], kind="stable").reset_index(drop=True)
    h["usage"] = h["fg2a"] + h["fg3a"] + 0.44 * h["fta"] + h["tov"]
    by_player, by_season = [h["player_id"]], [h["player_id"], h["season"]]
    out = h[["player_id", "game_date", "season"]].copy()
    for col in ["minutes", *LABEL_STATS, "usage"]:
        values = h[col].astype("float64")
        for w in WINDOWS:
            out[f"{col}_sum{w}"] = _window_sum(values, by_player, w)
        out[f"{col}_sum_season"] = _window_sum(values, by_season, None)
    out["games_season"] = h.groupby(by_season).cumcount().astype("float64") + 1
    return out


def team_allowed_history(labels: pd.DataFrame) -> pd.DataFrame:
    """Per team and game: what its opponents did against it over its last `OPP_WINDOW` games."""
    cols = ["minutes", *LABEL_STATS]
    totals = labels.groupby(["game_id", "game_date", "opponent_team_id"], as_index=False)[cols].sum()
    t = totals.rename(columns={"opponent_team_id": "team_id"})
    t["game_date"] = pd.to_datetime(t["game_date"])
    t = t.sort_values(["team_id", "game_date", "game_id"], kind="stable").reset_index(drop=True)
    out = t[["team_id", "game_date"]].copy()
    sums = {c: _window_sum(t[c].astype("float64"), [t["team_id"]], OPP_WINDOW) for c in cols}
    minutes = sums["minutes"].where(sums["minutes"] > 0)
    # Per 240 team minutes: a team-game's worth, whatever overtime the games had.
    for s in COUNT_STATS:
        out[f"opp_{s}_allowed"] = 240.0 * sums[s] / minutes
    for make in ("fg2", "fg3"):
        made, att = MAKES[make]
        out[f"opp_{make}_pct_allowed"] = sums[made] / sums[att].where(sums[att] > 0)
    return out


@dataclass(frozen=True)
class RatesHistory:
    """Label history prepared once for any number of rates feature builds."""

    players: pd.DataFrame | None
    teams: pd.DataFrame | None

    @classmethod
    def from_labels(cls, labels: pd.DataFrame | None) -> RatesHistory:
        """Players' played games and teams' allowed rates from the labels (none: no history)."""
        if labels is None or labels.empty:
            return cls(None, None)
        return cls(player_rates_history(labels), team_allowed_history(labels))


# --------------------------------------------------------------------------- the builder


def _opponents(rows: pd.DataFrame) -> pd.Series:
    """Each row's opponent: the other team of its game in the same frame (NaN when it is missing)."""
    teams = rows.groupby("game_id")["team_id"].agg(lambda s: sorted(set(s)))
    pair = rows["game_id"].map(teams)
    first = pair.map(lambda p: p[0] if len(p) == 2 else np.nan)
    second = pair.map(lambda p: p[1] if len(p) == 2 else np.nan)
    return pd.Series(np.where(rows["team_id"] == first, second, first), index=rows.index, dtype="float64")


def role_of(starts_last5: pd.Series) -> pd.Series:
    """starter (3+ starts in his last five games) or bench: the role his prior is taken from."""
    return pd.Series(np.where(starts_last5.fillna(0) >= 3, "starter", "bench"), index=starts_last5.index)


def rates_features(minutes_rows: pd.DataFrame, history: RatesHistory, priors: Priors) -> pd.DataFrame:
    """One row per minutes feature row: identifiers (`RATES_ID_COLUMNS`) and `RATES_FEATURE_COLUMNS`.

    `minutes_rows` are minutes feature rows with `available_at`; the label
    lookups take each player's (and opponent's) newest game strictly before
    the row's game date, so `history` may hold later dates too.
    """
    if minutes_rows.empty:
        return empty_rates_features()
    t = minutes_rows.reset_index(drop=True).copy()
    t["position_group"] = t["position_group"].astype(str)
    role = role_of(t["starts_last5"])
    t["role_starter"] = (role == "starter").astype("int64")
    sums = [f"{c}_sum{w}" for c in ["minutes", *LABEL_STATS, "usage"] for w in (*WINDOWS, "_season")]
    if history.players is not None:
        looked = asof_history(t, history.players, "player_id", [*sums, "games_season", "season"])
        p = looked[sums].reset_index(drop=True)
        # Season sums reset when a new season starts.
        stale = looked["season"].to_numpy() != season_start_year_of(t["game_date"])
        season_cols = [c for c in sums if c.endswith("_season")]
        p.loc[stale, season_cols] = np.nan
        games_season = pd.Series(np.where(stale, 0.0, looked["games_season"].fillna(0.0)))
    else:
        p = pd.DataFrame(np.nan, index=t.index, columns=sums)
        games_season = pd.Series(0.0, index=t.index)
    t["games_played_season"] = games_season.to_numpy()
    t["minutes_season"] = p["minutes_sum_season"].fillna(0.0).to_numpy()
    t["minutes_last10"] = p["minutes_sum10"].fillna(0.0).to_numpy()

    def per_minute(stat: str, window: str) -> pd.Series:
        minutes = p[f"minutes_sum{window}"]
        return p[f"{stat}_sum{window}"] / minutes.where(minutes > 0)

    for s in COUNT_STATS:
        t[f"{s}_pm_last5"] = per_minute(s, "5").to_numpy()
        t[f"{s}_pm_last10"] = per_minute(s, "10").to_numpy()
        t[f"{s}_pm_season"] = per_minute(s, "_season").to_numpy()
        prior = priors.column(t["position_group"], role, s)
        season = shrink(p[f"{s}_sum_season"], p["minutes_sum_season"], prior, priors.prior_minutes)
        # Two levels: the season toward the prior, then his last ten games toward that season rate.
        t[f"{s}_pm_shrunk"] = shrink(p[f"{s}_sum10"], p["minutes_sum10"], season, priors.recent_minutes)
    for make, (made, att) in MAKES.items():
        for window, name in (("10", "last10"), ("_season", "season")):
            attempts = p[f"{att}_sum{window}"]
            t[f"{make}_pct_{name}"] = (p[f"{made}_sum{window}"] / attempts.where(attempts > 0)).to_numpy()
            t[f"{make}_att_{name}"] = attempts.fillna(0.0).to_numpy()
        prior = priors.column(t["position_group"], role, make)
        t[f"{make}_pct_shrunk"] = shrink(
            p[f"{made}_sum_season"], p[f"{att}_sum_season"], prior, priors.prior_attempts[make]
        )
    t["usage_pm_last10"] = per_minute("usage", "10").to_numpy()
    t["usage_pm_season"] = per_minute("usage", "_season").to_numpy()
    t = _opponent_columns(t, history)
    t = _team_columns(t)
    out = t[[*RATES_ID_COLUMNS, *RATES_FEATURE_COLUMNS]].copy()
    out["position_group"] = pd.Categorical(out["position_group"], categories=["G", "F", "C"])
    dtypes = {**RATES_ID_COLUMNS, **RATES_FEATURE_COLUMNS}
    # astype leaves a block per column: copy() consolidates them (merges of the frame stay fast).
    out = out.astype({c: d for c, d in dtypes.items() if d != "category"}).copy()
    return out.sort_values(["game_id", "team_id", "player_id", "as_of_ts"]).reset_index(drop=True)


def _opponent_columns(t: pd.DataFrame, history: RatesHistory) -> pd.DataFrame:
    cols = [*(f"opp_{s}_allowed" for s in COUNT_STATS), "opp_fg2_pct_allowed", "opp_fg3_pct_allowed"]
    opponent = _opponents(t)
    if history.teams is None:
        for c in cols:
            t[c] = np.nan
        return t
    targets = pd.DataFrame({"team_id": opponent.fillna(-1).astype("int64"), "game_date": t["game_date"]})
    looked = asof_history(targets, history.teams, "team_id", cols)
    for c in cols:
        t[c] = looked[c].to_numpy()
    return t


def _team_columns(t: pd.DataFrame) -> pd.DataFrame:
    """Pace from the posted total, expected minutes, and the usage his absent teammates leave."""
    # The team's implied points: half the total, less half its spread (a favourite's spread is negative).
    t["team_implied_total"] = t["game_total"] / 2 - t["team_spread"] / 2
    plan = t["min_ewm"].fillna(t["min_last5"]).fillna(0.0)
    t["exp_minutes"] = plan * (1 - t["p_out"])
    by_team = [t["game_id"], t["as_of_ts"], t["team_id"]]
    volume = t["usage_pm_last10"].fillna(0.0) * plan
    vacated = (volume * t["p_out"]).groupby(by_team).transform("sum") - volume * t["p_out"]
    t["vacated_usage"] = vacated
    team_volume = volume.groupby(by_team).transform("sum")
    t["vacated_usage_share"] = vacated / team_volume.where(team_volume > 0)
    return t


def empty_rates_features() -> pd.DataFrame:
    """A rates features frame with no rows and every column's dtype."""
    data = {
        c: pd.Series(dtype=d if d != "category" else "str")
        for c, d in {**RATES_ID_COLUMNS, **RATES_FEATURE_COLUMNS}.items()
    }
    frame = pd.DataFrame(data)
    frame["position_group"] = pd.Categorical(frame["position_group"], categories=["G", "F", "C"])
    return frame


# --------------------------------------------------------------------------- training rows


def training_rows(
    inputs: SlateInputs, labels: pd.DataFrame, horizons: pd.DataFrame, priors: Priors
) -> pd.DataFrame:
    """Rates feature rows of every (game, horizon) in `horizons`, with minutes, played and the stats.

    The same builders as a live partition: minutes features of the chosen
    snapshots, then `rates_features`. Players the box score does not list
    have no label and are left out (`coverage` counts them).
    """
    minutes_rows = with_available_at(minutes_features(select(inputs, horizons), labels))
    feats = rates_features(minutes_rows, RatesHistory.from_labels(labels), priors)
    hz = horizons.assign(as_of_ts=pd.to_datetime(horizons["as_of_ts"], utc=True).astype(TS))
    feats = feats.merge(hz, on=["game_id", "as_of_ts"], how="inner")
    outcome = labels[["game_id", "player_id", "minutes", "played", *LABEL_STATS]].drop_duplicates(
        ["game_id", "player_id"]
    )
    rows = feats.merge(outcome, on=["game_id", "player_id"], how="inner")
    rows["played"] = rows["played"].astype(bool)
    rows = rows.astype({s: "int64" for s in LABEL_STATS})
    return rows.sort_values(["game_date", "game_id", "horizon", "team_id", "player_id"]).reset_index(
        drop=True
    )


def expected_rows(inputs: SlateInputs, horizons: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """(game_date, game_id, horizon, player_id): the active roster a complete training set holds.

    Every player on the roster snapshot of a game's horizon whom the box score
    lists as active; computed from the inputs, independently of the builder.
    """
    picked = select(inputs, horizons)
    hz = horizons.assign(as_of_ts=pd.to_datetime(horizons["as_of_ts"], utc=True).astype(TS))
    roster = picked.roster[["game_id", "as_of_ts", "player_id"]].merge(hz, on=["game_id", "as_of_ts"])
    active = labels[labels["status"].astype(str).str.upper() != "INACTIVE"]
    active = active[["game_id", "game_date", "player_id"]].drop_duplicates(["game_id", "player_id"])
    out = roster.merge(active.assign(game_date=active["game_date"].astype(str)), on=["game_id", "player_id"])
    return out[["game_date", "game_id", "horizon", "player_id"]].drop_duplicates().reset_index(drop=True)


def coverage(expected: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Per game date: games and active roster rows expected, rows the training set holds, rows missing.

    A row counts as held when the set has that (game, horizon, player) with
    `played` or an active status; a date the set dropped entirely shows every
    one of its rows missing.
    """
    keys = ["game_date", "game_id", "horizon", "player_id"]
    held = rows[keys].drop_duplicates().assign(_held=True)
    merged = expected[keys].merge(held, on=keys, how="left")
    merged["_held"] = merged["_held"].fillna(False).astype(bool)
    per_date = merged.groupby("game_date").agg(
        games=("game_id", "nunique"), expected_rows=("_held", "size"), rows=("_held", "sum")
    )
    per_date["missing_rows"] = per_date["expected_rows"] - per_date["rows"]
    per_date["share_held"] = per_date["rows"] / per_date["expected_rows"]
    return per_date.reset_index().astype({"rows": "int64", "missing_rows": "int64"})


def incomplete_dates(per_date: pd.DataFrame) -> pd.DataFrame:
    """The dates of `coverage` that miss any active roster row."""
    return per_date[per_date["missing_rows"] > 0].reset_index(drop=True)


# --------------------------------------------------------------------------- parity


def partition_rates_features(inputs: SlateInputs, labels: pd.DataFrame, priors: Priors) -> pd.DataFrame:
    """The partition path from silver: minutes features, then rates features (labels before the date)."""
    return rates_features(
        partition_features(inputs, PlayerHistory.from_labels(labels)),
        RatesHistory.from_labels(labels),
        priors,
    )


def compare_rows(bulk: pd.DataFrame, live: pd.DataFrame, partition: str) -> list[dict]:
    """Every difference between the bulk rows and the live rows of one partition (missing rows, columns)."""
    cols = ["game_id", "player_id", *RATES_FEATURE_COLUMNS]
    # Only the compared columns, consolidated (a frame built column by column merges slowly).
    merged = (
        bulk[cols]
        .copy()
        .merge(
            live[cols].copy(),
            on=["game_id", "player_id"],
            suffixes=("_bulk", "_live"),
            how="left",
            indicator=True,
        )
    )
    problems: list[dict] = []
    missing = int((merged["_merge"] == "left_only").sum())
    if missing:
        problems.append({"partition": partition, "rows_missing_from_partition_path": missing})
    extra = len(live) - (len(merged) - missing)
    if extra > 0:
        problems.append({"partition": partition, "rows_missing_from_bulk": int(extra)})
    both = merged[merged["_merge"] == "both"]
    for col in RATES_FEATURE_COLUMNS:
        a, b = both[f"{col}_bulk"], both[f"{col}_live"]
        if col == "position_group":
            differ = a.astype(str) != b.astype(str)
        else:
            differ = ~np.isclose(a.astype(float), b.astype(float), equal_nan=True)
        if differ.any():
            problems.append({"partition": partition, "column": col, "rows": int(differ.sum())})
    return problems


def parity_problems(
    rows: pd.DataFrame,
    labels: pd.DataFrame,
    load_inputs: Callable[[str], SlateInputs],
    priors: Priors,
    rng: np.random.Generator,
    samples: int,
) -> list[dict]:
    """Rebuild sampled (date, slot) partitions through the partition path; list every difference.

    Each sampled partition sees only the labels of dates before its own, as
    the live partition did; all of its bulk rows must come back equal.
    """
    pairs = rows[["game_date", "as_of_ts"]].drop_duplicates().reset_index(drop=True)
    picked = pairs.iloc[rng.choice(len(pairs), size=min(samples, len(pairs)), replace=False)]
    problems = []
    for pair in picked.itertuples():
        slot = pd.Timestamp(pair.as_of_ts).tz_convert(EASTERN_NAME).strftime("%H:%M")
        key = f"{pair.game_date}|{slot}"
        earlier = labels[labels["game_date"].astype(str) < pair.game_date]
        live = partition_rates_features(load_inputs(key), earlier, priors)
        bulk = rows[(rows["game_date"] == pair.game_date) & (rows["as_of_ts"] == pair.as_of_ts)]
        # One slot can be both horizons of a game: its rows are the same features twice.
        bulk = bulk.drop_duplicates(["game_id", "player_id"])
        # Horizons pick one slot per game: the live partition also holds games at other horizons.
        live = live[live["game_id"].isin(bulk["game_id"])]
        problems += compare_rows(bulk, live, key)
    return problems
