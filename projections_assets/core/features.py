"""Minutes features: one builder for live partitions and for bulk training sets.

`minutes_features(inputs, labels)` takes silver-shaped snapshots for any
number of (game, as_of) pairs (`SlateInputs`: each frame carries `as_of_ts`)
and the label history, and returns one row per rostered player, game and
as_of with the feature columns of `FEATURE_COLUMNS`. A live partition passes
one as_of; a training set passes every game's horizons at once; the rows are
the same either way (the parity check holds the two to it).

Only information available at the row's as_of is used: the snapshots are
already "as of", and label history is limited to games on dates before the
row's game date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from projections_assets.core.role_filter import blowout_share, play_chance_now, role_filter
from projections_assets.nba.calendar import UTC_TS as TS
from projections_assets.nba.calendar import season_start_year_of

KEY = ["game_id", "player_id", "as_of_ts"]

# What a listing tells about the chance a player sits (the league and the NBA use the same words).
STATUS_ORDINAL = {"": 0, "Available": 0, "Probable": 1, "Questionable": 2, "Doubtful": 3, "Out": 4}
STATUS_P_OUT = {"": 0.0, "Available": 0.0, "Probable": 0.1, "Questionable": 0.5, "Doubtful": 0.8, "Out": 1.0}
# Trailing windows over the games a player was available for (DNP-coach counts as 0 minutes).
WINDOWS = (1, 3, 5, 10)

FEATURE_COLUMNS: dict[str, str] = {
    "min_last1": "float64",
    "min_last3": "float64",
    "min_last5": "float64",
    "min_last10": "float64",
    "min_season": "float64",
    "min_ewm": "float64",
    "min_ewm_fast": "float64",
    "min_ewm_slow": "float64",
    "min_as_starter": "float64",
    "min_as_bench": "float64",
    "min_played_last5": "float64",
    "min_std10": "float64",
    "dk_per_min_all": "float64",
    "dk_per_min_last10": "float64",
    "play_rate10": "float64",
    "play_rate30": "float64",
    "min_last20": "float64",
    "min_filter_mean": "float64",
    "min_filter_sd": "float64",
    "play_rate_filter": "float64",
    "play_rate_season": "float64",
    "dnp_streak": "float64",
    "starts_last5": "float64",
    "started_last": "float64",
    "games_season": "float64",
    "games_since_return": "float64",
    "days_since_played": "float64",
    "missed_last10": "float64",
    "status_ordinal": "int64",
    "p_out": "float64",
    "listed": "int64",
    "lineup_known": "int64",
    "lineup_confirmed": "int64",
    "lineup_inactive": "int64",
    "projected_starter": "int64",
    "is_home": "int64",
    "rest_days": "float64",
    "back_to_back": "int64",
    "team_spread": "float64",
    "abs_spread": "float64",
    "game_total": "float64",
    "vacated_minutes": "float64",
    "vacated_minutes_pos": "float64",
    "team_available_minutes": "float64",
    "scaled_minutes": "float64",
    "vacated_share": "float64",
    "starters_out": "float64",
    "team_available_count": "float64",
    "depth_rank": "float64",
    "depth_rank_slow": "float64",
    "depth_rank_filter": "float64",
    "vacated_filter": "float64",
    "play_prob_filter_now": "float64",
    "ahead_out": "float64",
    "depth_at_position": "float64",
    "minutes_to_tip": "float64",
    "position_group": "category",
}
# The features read from the player's label history (the rest come from the slot's snapshots).
HISTORY_FEATURES = tuple(
    c
    for c in FEATURE_COLUMNS
    if c.startswith(("min_", "play_rate", "starts_", "started_", "games_", "missed_", "dnp_", "dk_per_min"))
)
ID_COLUMNS: dict[str, str] = {
    "game_id": "str",
    "game_date": "str",
    "tip_ts": TS,
    "as_of_ts": TS,
    "team_id": "int64",
    "player_id": "int64",
    "player_name": "str",
    "status": "str",
}


@dataclass(frozen=True)
class SlateInputs:
    """Silver-shaped snapshots, each with an `as_of_ts` column naming the instant it was taken at."""

    schedule: pd.DataFrame
    roster: pd.DataFrame
    injuries: pd.DataFrame
    lineups: pd.DataFrame
    odds: pd.DataFrame


def _utc(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, utc=True).astype(TS)


def position_group(position: pd.Series) -> pd.Series:
    """G, F or C from an NBA position (`G-F` -> G: the first listed is the primary)."""
    first = position.fillna("").astype(str).str.strip().str[:1]
    return first.where(first.isin(["G", "F", "C"]), "F")


# --------------------------------------------------------------------------- label history


def _grouped(values: pd.Series, keys: list[pd.Series], op) -> pd.Series:
    """`op(values.groupby(keys))` (a rolling/ewm/expanding aggregate) aligned back to `values`' index."""
    result = op(values.groupby(keys, sort=False))
    return result.droplevel(list(range(len(keys)))).reindex(values.index)


def _roll(
    values: pd.Series, keys: list[pd.Series], window: int, how: str = "mean", min_periods: int = 1
) -> pd.Series:
    return _grouped(values, keys, lambda g: getattr(g.rolling(window, min_periods=min_periods), how)())


def _last_n_present(values: pd.Series, player: pd.Series, n: int = 5) -> pd.Series:
    """At each row, the mean of the player's last `n` non-missing values up to it."""
    present = values.dropna()
    rolled = _roll(present, [player.loc[present.index]], n)
    return rolled.reindex(values.index).groupby(player, sort=False).ffill()


def player_history(labels: pd.DataFrame) -> pd.DataFrame:
    """Per player and labelled game: trailing stats *including* that game, for as-of lookups.

    A player's "available" games are those he was active for; DNP-coach
    games count as 0 minutes there. Played-only figures use games he played.
    Every figure looks backwards only, so a row's value is the same whatever
    later games the labels also hold.
    """
    cols = [
        "game_id",
        "game_date",
        "team_id",
        "player_id",
        "minutes",
        "played",
        "starter",
        "status",
        "dk_pts",
    ]
    h = labels[cols].copy()
    h["game_date"] = pd.to_datetime(h["game_date"])
    h["season"] = season_start_year_of(h["game_date"])
    h = h.sort_values(["player_id", "game_date", "game_id"], kind="stable").reset_index(drop=True)
    h["played"] = h["played"].astype(bool)
    h["starter"] = h["starter"].astype(bool)
    player = h["player_id"]
    by_player, by_season = [player], [player, h["season"]]
    active = h["status"].astype(str).str.upper().ne("INACTIVE")
    avail_min = h["minutes"].where(active)
    out = h[["player_id", "game_date", "team_id", "season"]].copy()
    for w in WINDOWS:
        out[f"min_last{w}"] = _roll(avail_min, by_player, w)
    out["min_last20"] = _roll(avail_min, by_player, 20)
    for name, alpha in (("min_ewm", 0.35), ("min_ewm_fast", 0.6), ("min_ewm_slow", 0.15)):
        out[name] = _grouped(avail_min, by_player, lambda g, a=alpha: g.ewm(alpha=a, ignore_na=True).mean())
    # Minutes in the role he had: the last five games he started, and the last five off the bench.
    out["min_as_starter"] = _last_n_present(h["minutes"].where(h["played"] & h["starter"]), player)
    out["min_as_bench"] = _last_n_present(h["minutes"].where(active & ~h["starter"]), player)
    out["min_std10"] = _roll(avail_min, by_player, 10, "std", min_periods=3)
    out["min_played_last5"] = _roll(h["minutes"].where(h["played"]), by_player, 5)
    # How productive he is per minute: coaches give better players more minutes.
    dk = h["dk_pts"].where(h["played"], 0.0)
    mins = h["minutes"].where(h["played"], 0.0)
    cum_dk, cum_min = dk.groupby(player).cumsum(), mins.groupby(player).cumsum()
    out["dk_per_min_all"] = (cum_dk / cum_min).where(cum_min >= 30)
    roll_dk, roll_min = _roll(dk, by_player, 10, "sum"), _roll(mins, by_player, 10, "sum")
    out["dk_per_min_last10"] = (roll_dk / roll_min).where(roll_min >= 30)
    out["min_season"] = _grouped(avail_min, by_season, lambda g: g.expanding().mean())
    out["games_season"] = h["played"].groupby(by_season).cumsum().astype("float64")
    played = h["played"].astype(float)
    out["play_rate10"] = _roll(played, by_player, 10)
    out["play_rate30"] = _roll(played, by_player, 30)
    out["play_rate_season"] = _grouped(played.where(active), by_season, lambda g: g.expanding().mean())
    # Consecutive games he was active for and did not play (a coach's decision, repeated).
    dnp = (active & ~h["played"]).astype(int)
    run_id = (dnp == 0).groupby(player).cumsum()
    out["dnp_streak"] = dnp.groupby([player, run_id]).cumsum().astype("float64")
    out["starts_last5"] = _roll(h["starter"].astype(float), by_player, 5, "sum")
    out["started_last"] = h["starter"].astype(float)
    out["missed_last10"] = _roll((~active).astype(float), by_player, 10, "sum")
    # Games played since the last game he was inactive for (a return from absence ramps up).
    missed_block = (~active).groupby(player).cumsum()
    since = h["played"].astype(int).groupby([player, missed_block]).cumsum()
    out["games_since_return"] = since.where(missed_block > 0, 99).clip(upper=20).astype("float64")
    # The plan behind his minutes (core.role_filter), each game read in its context: minutes his
    # inactive teammates left (by their form before it) and the final margin (garbage time).
    form_before = out["min_ewm"].groupby(player).shift()
    vacated = (form_before.fillna(0.0) * ~active).groupby([h["game_id"], h["team_id"]]).transform("sum")
    team_pts = labels.groupby(["game_id", "team_id"])["pts"].sum()
    game_pts = labels.groupby("game_id")["pts"].sum()
    margin = (
        2 * team_pts.reindex(pd.MultiIndex.from_frame(h[["game_id", "team_id"]])).to_numpy()
        - game_pts.reindex(h["game_id"]).to_numpy()
    )
    filtered = role_filter(h.assign(active=active, vacated=vacated, blowout=blowout_share(margin)))
    out = out.join(filtered)
    out["last_played_date"] = h["game_date"].where(h["played"]).groupby(player).ffill()
    return out


def team_history(labels: pd.DataFrame) -> pd.DataFrame:
    """Per team and labelled game date, for rest days: (team_id, game_date)."""
    t = labels[["team_id", "game_date"]].drop_duplicates().copy()
    t["game_date"] = pd.to_datetime(t["game_date"])
    return t.sort_values(["team_id", "game_date"]).reset_index(drop=True)


def asof_history(targets: pd.DataFrame, history: pd.DataFrame, by: str, columns: list[str]) -> pd.DataFrame:
    """For each target row, the history row of `by` with the latest game_date strictly before its date."""
    left = targets[[by, "game_date"]].copy()
    left["_date"] = pd.to_datetime(left["game_date"]) - pd.Timedelta(days=1)
    left["_row"] = np.arange(len(left))
    left = left.sort_values("_date", kind="stable")
    right = history[[by, "game_date", *columns]].rename(columns={"game_date": "_hist_date"})
    right = right.sort_values("_hist_date", kind="stable")
    merged = pd.merge_asof(
        left,
        right,
        left_on="_date",
        right_on="_hist_date",
        by=by,
        direction="backward",
        allow_exact_matches=True,
    )
    return merged.sort_values("_row").reset_index(drop=True)


# --------------------------------------------------------------------------- the builder


def _targets(inputs: SlateInputs) -> pd.DataFrame:
    roster = inputs.roster[["game_id", "as_of_ts", "player_id", "player_name", "team_id", "position"]].copy()
    sched = inputs.schedule[["game_id", "as_of_ts", "game_date", "tip_ts", "home_team_id", "away_team_id"]]
    t = roster.merge(sched, on=["game_id", "as_of_ts"], how="inner")
    t["as_of_ts"], t["tip_ts"] = _utc(t["as_of_ts"]), _utc(t["tip_ts"])
    t["game_date"] = t["game_date"].astype(str)
    t["is_home"] = (t["team_id"] == t["home_team_id"]).astype("int64")
    return t.drop_duplicates(KEY).reset_index(drop=True)


def _injury_columns(t: pd.DataFrame, injuries: pd.DataFrame) -> pd.DataFrame:
    inj = injuries[injuries["player_id"].notna()][["game_id", "as_of_ts", "player_id", "status"]].copy()
    inj["player_id"] = inj["player_id"].astype("int64")
    inj["as_of_ts"] = _utc(inj["as_of_ts"])
    inj = inj.drop_duplicates(KEY, keep="last")
    out = t.merge(inj, on=KEY, how="left")
    out["listed"] = out["status"].notna().astype("int64")
    out["status"] = out["status"].fillna("").astype(str)
    out["status_ordinal"] = out["status"].map(STATUS_ORDINAL).fillna(0).astype("int64")
    out["p_out"] = out["status"].map(STATUS_P_OUT).fillna(0.0).astype("float64")
    return out


def _lineup_columns(t: pd.DataFrame, lineups: pd.DataFrame) -> pd.DataFrame:
    lu = lineups[
        ["game_id", "as_of_ts", "person_id", "team_id", "is_starter", "confirmed", "inactive"]
    ].rename(columns={"person_id": "player_id", "team_id": "lineup_team_id"})
    lu = lu.assign(as_of_ts=_utc(lu["as_of_ts"]), player_id=lu["player_id"].astype("int64"))
    known = lu.groupby(["game_id", "as_of_ts", "lineup_team_id"]).agg(
        lineup_known=("is_starter", "size"), lineup_confirmed=("confirmed", "max")
    )
    out = t.merge(
        lu[["game_id", "as_of_ts", "player_id", "is_starter", "inactive"]].drop_duplicates(KEY),
        on=KEY,
        how="left",
    )
    out = out.merge(
        known.reset_index().rename(columns={"lineup_team_id": "team_id"}),
        on=["game_id", "as_of_ts", "team_id"],
        how="left",
    )
    out["projected_starter"] = out["is_starter"].fillna(False).astype("int64")
    out["lineup_known"] = out["lineup_known"].notna().astype("int64")
    out["lineup_confirmed"] = out["lineup_confirmed"].fillna(False).astype("int64")
    # Ruled out after the newest injury report (a late scratch): he is out whatever the report says.
    out["lineup_inactive"] = out["inactive"].fillna(False).astype("int64")
    out["p_out"] = out["p_out"].where(out["lineup_inactive"] == 0, 1.0)
    return out.drop(columns=["is_starter", "inactive"])


def _odds_columns(t: pd.DataFrame, odds: pd.DataFrame) -> pd.DataFrame:
    o = odds[["game_id", "as_of_ts", "spread_home", "total"]].assign(as_of_ts=lambda d: _utc(d["as_of_ts"]))
    out = t.merge(o.drop_duplicates(["game_id", "as_of_ts"]), on=["game_id", "as_of_ts"], how="left")
    out["team_spread"] = np.where(out["is_home"] == 1, out["spread_home"], -out["spread_home"])
    out["abs_spread"] = out["team_spread"].abs()
    out["game_total"] = out["total"]
    return out.drop(columns=["spread_home", "total"])


def _team_context(out: pd.DataFrame) -> pd.DataFrame:
    """Vacated minutes, the team's available minutes and each player's depth, per team-game and as_of."""
    by_team = [out[c] for c in ("game_id", "as_of_ts", "team_id")]
    by_pos = [*by_team, out["position_group"]]

    def rank(values: pd.Series, keys: list[pd.Series] = by_team) -> pd.Series:
        """1 for the most minutes in his team (or position group)."""
        return values.groupby(keys).rank(ascending=False, method="first").astype("float64")

    def teammates(values: pd.Series, keys: list[pd.Series] = by_team) -> pd.Series:
        """The sum over his teammates: minutes a player vacates are not his to absorb."""
        return values.groupby(keys).transform("sum") - values

    trail = out["min_ewm"].fillna(out["min_last5"]).fillna(0.0)
    exp_out = out["p_out"]
    out["vacated_minutes"] = teammates(trail * exp_out)
    out["vacated_minutes_pos"] = teammates(trail * exp_out, by_pos)
    avail = trail * (1 - exp_out)
    out["team_available_minutes"] = avail.groupby(by_team).transform("sum")
    # His trailing minutes if the team's available minutes were scaled to a full 240.
    out["scaled_minutes"] = (
        trail * 240.0 / out["team_available_minutes"].where(out["team_available_minutes"] > 0)
    )
    out["vacated_share"] = out["vacated_minutes"] / (
        out["vacated_minutes"] + out["team_available_minutes"]
    ).where(lambda v: v > 0)
    out["team_available_count"] = (1 - exp_out).groupby(by_team).transform("sum")
    out["starters_out"] = teammates((out["starts_last5"].fillna(0) >= 3).astype(float) * exp_out)
    out["depth_rank"] = rank(avail)
    # The depth chart moves slowly: rank by the long-run average too, and count who is out ahead of him.
    slow = out["min_ewm_slow"].fillna(trail)
    out["depth_rank_slow"] = rank(slow * (1 - exp_out))
    # The same by the filtered plan, and today's chance that plan clears a usable stint.
    plan = out["min_filter_mean"].fillna(trail)
    out["depth_rank_filter"] = rank(plan * (1 - exp_out))
    out["vacated_filter"] = teammates(plan * exp_out)
    out["play_prob_filter_now"] = play_chance_now(plan, out["min_filter_sd"], out["vacated_filter"])
    out["ahead_out"] = (rank(slow) - out["depth_rank_slow"]).clip(lower=0).astype("float64")
    out["depth_at_position"] = rank(avail, by_pos)
    return out


@dataclass(frozen=True)
class PlayerHistory:
    """Label history prepared once for any number of feature builds (players' and teams' games)."""

    players: pd.DataFrame | None
    teams: pd.DataFrame | None

    @classmethod
    def from_labels(cls, labels: pd.DataFrame) -> PlayerHistory:
        if labels is None or labels.empty:
            return cls(None, None)
        return cls(player_history(labels), team_history(labels))


def minutes_features(
    inputs: SlateInputs, labels: pd.DataFrame | None = None, *, history: PlayerHistory | None = None
) -> pd.DataFrame:
    """One row per rostered player, game and as_of: identifiers (`ID_COLUMNS`) and `FEATURE_COLUMNS`.

    Pass the label history as `labels`, or prepared once as `history`; only
    each player's games on dates before the row's game date are used.
    """
    t = _targets(inputs)
    if t.empty:
        return empty_features()
    history = history or PlayerHistory.from_labels(labels if labels is not None else pd.DataFrame())
    hist = history.players
    stat_cols = list(HISTORY_FEATURES)
    if hist is not None:
        looked = asof_history(t, hist, "player_id", [*stat_cols, "season", "last_played_date"])
        for col in stat_cols:
            t[col] = looked[col].to_numpy()
        season = season_start_year_of(t["game_date"])
        # Season figures reset when a new season starts.
        stale = looked["season"].to_numpy() != season
        t.loc[stale, ["min_season", "games_season"]] = np.nan
        t.loc[stale & t["games_season"].isna(), "games_season"] = 0.0
        t["days_since_played"] = (
            (pd.to_datetime(t["game_date"]) - pd.to_datetime(looked["last_played_date"]))
            .dt.days.astype("float64")
            .to_numpy()
        )
        teams = asof_history(t, history.teams, "team_id", [])
        t["rest_days"] = (
            (pd.to_datetime(t["game_date"]) - teams["_hist_date"]).dt.days.astype("float64").to_numpy()
        )
    else:
        for col in [*stat_cols, "days_since_played", "rest_days"]:
            t[col] = np.nan
    t["games_season"] = t["games_season"].fillna(0.0)
    t["back_to_back"] = (t["rest_days"] == 1).astype("int64")
    t["position_group"] = position_group(t["position"])
    t = _injury_columns(t, inputs.injuries)
    t = _lineup_columns(t, inputs.lineups)
    t = _odds_columns(t, inputs.odds)
    t = _team_context(t)
    # A tipped game's clock stops at its tip (its inputs are cut there too), so every slot after the
    # tip sees the game as its tip slot did (core.lock).
    t["minutes_to_tip"] = ((t["tip_ts"] - t["as_of_ts"]) / pd.Timedelta(minutes=1)).clip(lower=0.0)
    out = t[[*ID_COLUMNS, *FEATURE_COLUMNS]].copy()
    out["position_group"] = pd.Categorical(out["position_group"], categories=["G", "F", "C"])
    out = out.astype({c: d for c, d in {**ID_COLUMNS, **FEATURE_COLUMNS}.items() if d != "category"})
    return out.sort_values(["game_id", "team_id", "player_id", "as_of_ts"]).reset_index(drop=True)


def empty_features() -> pd.DataFrame:
    data = {
        c: pd.Series(dtype=d if d != "category" else "str")
        for c, d in {**ID_COLUMNS, **FEATURE_COLUMNS}.items()
    }
    frame = pd.DataFrame(data)
    frame["position_group"] = pd.Categorical(frame["position_group"], categories=["G", "F", "C"])
    return frame
