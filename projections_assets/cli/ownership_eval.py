"""The ownership evaluation of `projections eval ownership`: train on two seasons of contests, judge the next.

The league is generated with four seasons (its own directory, `seed=<N>-seasons=4`), because every
projection the ownership model learns from must come from points models trained on earlier seasons
only (`core.points_history`): season 1 trains the first points models, seasons 2 and 3 are the
ownership model's training seasons (projected by the points models of seasons 1, and 1-2), season 4
is judged (projected by the points models of seasons 1-3).

1. Each classic draft group's lock instant: the last slot strictly before its lock (the slate run
   the field would read); the points history of every game of the group at that slot (one run per
   distinct slot of a game, so a game in two groups is projected as each group saw it).
2. Candidates: every player with a salary in the group, with his projection (`dk_mean`, `dk_p90`,
   0 when ruled out), his game's total and spread and his teammates ruled Out at that slot
   (`core.ownership_model.ownership_features`).
3. Labels: the league's contest ownership of the players the standings list (the label path,
   contest standings -> `core.ownership.ownership_labels`, gives the same shares); a candidate the
   standings do not list owns 0%.
4. The model on the listed players of seasons 2-3, scored on season 4 (every candidate scored, each
   group scaled to 800%): mean within-group Spearman with actual ownership
   over the listed players, MAE in percentage points, beside the rankings by salary, our projected
   mean and our value, and the league's own public value ranking (a reference no model reads).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from projections_assets.cli.minutes_eval import asof_inputs, league_inputs, season_of
from projections_assets.cli.points_eval import labels_with_makes
from projections_assets.cli.progress import progress
from projections_assets.core import ownership_model, points_history, rates, training, unified
from projections_assets.core import rates_features as rf
from projections_assets.core.features import SlateInputs
from projections_assets.league.asof import LeagueAsOf, horizon_targets
from projections_assets.league.generate import ensure_league, read_league_tables
from projections_assets.nba.calendar import UTC_TS as TS
from projections_assets.partitions import slot_times
from projections_assets.settings import default_league_dir

SEASONS = 4
WORLDS = 1000
# What each candidate takes from the points history: DK points and the minutes behind them.
HISTORY_COLUMNS = ("dk_mean", "dk_p90", "minutes_mean", "play_prob", "p50")


def ownership_league_dir(seed: int) -> Path:
    """Where the evaluation's four-season league of `seed` lives, beside the three-season one."""
    base = default_league_dir(seed)
    return base.with_name(f"{base.name}-seasons={SEASONS}")


def lock_targets(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per classic draft group and game: `draft_group_id`, `game_id`, `game_date`, `as_of_ts` (the last
    slot strictly before the group's lock)."""
    groups = tables["draft_groups"]
    groups = groups[groups["game_type"] == "Classic"]
    locks = pd.DataFrame(
        {
            "game_id": groups["draft_group_id"].astype(str),
            "game_date": groups["game_date"],
            "tip_ts": groups["lock_ts"],
        }
    )
    at = horizon_targets(locks, slot_times(), ("last",))[["game_id", "as_of_ts"]]
    at = at.rename(columns={"game_id": "draft_group_id"}).astype({"draft_group_id": "int64"})
    members = tables["draft_group_games"].merge(groups[["draft_group_id", "game_date"]], on="draft_group_id")
    out = members.merge(at, on="draft_group_id")
    out["game_id"] = out["game_id"].astype(str)
    return out[["draft_group_id", "game_id", "game_date", "as_of_ts"]]


def _layers(pairs: pd.DataFrame) -> list[pd.DataFrame]:
    """Split (game_id, as_of_ts) pairs into frames holding each game at most once."""
    pairs = pairs.drop_duplicates().sort_values(["game_id", "as_of_ts"])
    rank = pairs.groupby("game_id").cumcount()
    return [pairs[rank == k] for k in range(int(rank.max()) + 1)] if len(pairs) else []


def _context(inputs: SlateInputs) -> pd.DataFrame:
    """Per (game_id, as_of_ts, team_id): the game's total, the team's spread and its players ruled Out."""
    sched = inputs.schedule[["game_id", "as_of_ts", "home_team_id", "away_team_id"]].drop_duplicates(
        ["game_id", "as_of_ts"]
    )
    odds = inputs.odds[["game_id", "as_of_ts", "spread_home", "total"]].drop_duplicates(
        ["game_id", "as_of_ts"]
    )
    g = sched.merge(odds, on=["game_id", "as_of_ts"], how="left")
    home = g.assign(team_id=g["home_team_id"], team_spread=g["spread_home"])
    away = g.assign(team_id=g["away_team_id"], team_spread=-g["spread_home"])
    teams = pd.concat([home, away])[["game_id", "as_of_ts", "team_id", "team_spread", "total"]]
    inj = inputs.injuries[inputs.injuries["status"] == "Out"][["game_id", "as_of_ts", "player_id"]].dropna()
    roster = inputs.roster[["game_id", "as_of_ts", "player_id", "team_id"]]
    inj = inj.astype({"player_id": "int64"}).merge(roster, on=["game_id", "as_of_ts", "player_id"])
    out = inj.groupby(["game_id", "as_of_ts", "team_id"]).size().rename("teammates_out")
    teams = teams.merge(out.reset_index(), on=["game_id", "as_of_ts", "team_id"], how="left")
    teams["teammates_out"] = teams["teammates_out"].fillna(0.0)
    teams["as_of_ts"] = pd.to_datetime(teams["as_of_ts"], utc=True).astype(TS)
    return teams.rename(columns={"total": "game_total"}).astype({"team_id": "int64", "game_id": str})


def dk_fppg(labels: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """DraftKings' AvgPointsPerGame as its draftables show it: per (player_id, game_date) of `keys`, his
    mean DK points over the games he played on earlier dates (NaN before his first)."""
    played = labels.loc[labels["played"].astype(bool), ["player_id", "game_date", "dk_pts"]].copy()
    played["game_date"] = played["game_date"].astype(str)
    per_day = played.groupby(["player_id", "game_date"])["dk_pts"].agg(["sum", "size"]).reset_index()
    per_day = per_day.sort_values(["player_id", "game_date"])
    per_day[["sum", "size"]] = per_day.groupby("player_id")[["sum", "size"]].cumsum()
    k = keys.drop_duplicates().assign(game_date=lambda d: d["game_date"].astype(str))
    k["_day"] = pd.to_datetime(k["game_date"]) - pd.Timedelta(days=1)
    per_day["_day"] = pd.to_datetime(per_day["game_date"])
    merged = pd.merge_asof(
        k.sort_values("_day"),
        per_day.drop(columns="game_date").sort_values("_day"),
        on="_day",
        by="player_id",
        direction="backward",
    )
    merged["fppg"] = merged["sum"] / merged["size"]
    return merged[["player_id", "game_date", "fppg"]]


def candidates(
    tables: dict[str, pd.DataFrame],
    labels: pd.DataFrame,
    targets: pd.DataFrame,
    history: pd.DataFrame,
    context: pd.DataFrame,
) -> pd.DataFrame:
    """Every salaried player of each classic group with his projection at the group's slot, its context
    and his actual ownership in percent (0 when the standings do not list him), with the features."""
    sal = tables["salaries"][["game_id", "person_id", "team_id", "dk_position", "salary"]]
    sal = sal.rename(columns={"person_id": "player_id"}).astype({"game_id": str, "team_id": "int64"})
    rows = targets.merge(sal, on="game_id").assign(game_date=lambda d: d["game_date"].astype(str))
    hist = history[["game_id", "player_id", "as_of_ts", *HISTORY_COLUMNS]].assign(
        as_of_ts=pd.to_datetime(history["as_of_ts"], utc=True).astype(TS),
        game_id=history["game_id"].astype(str),
    )
    rows = rows.assign(as_of_ts=pd.to_datetime(rows["as_of_ts"], utc=True).astype(TS))
    rows = rows.merge(hist, on=["game_id", "player_id", "as_of_ts"], how="left")
    rows = rows.merge(context, on=["game_id", "as_of_ts", "team_id"], how="left")
    rows = rows.merge(
        dk_fppg(labels, rows[["player_id", "game_date"]]), on=["player_id", "game_date"], how="left"
    )
    own = tables["ownership"][["draft_group_id", "person_id", "ownership", "public_proj"]].rename(
        columns={"person_id": "player_id"}
    )
    own = own[own["ownership"] > 0]
    rows = rows.merge(own, on=["draft_group_id", "player_id"], how="left")
    rows["listed"] = rows["ownership"].notna()
    rows["ownership"] = rows["ownership"].fillna(0.0) * 100.0
    return ownership_model.ownership_features(rows.reset_index(drop=True))


def evaluate(
    seed: int,
    league_dir: Path | None = None,
    say: Callable[[str], None] | None = None,
    worlds: int = WORLDS,
    league_seasons: int = SEASONS,
    rows_out: Path | None = None,
) -> dict:
    """Train the ownership model on the league's seasons 2-3 (all but the first and the last), judge the last.

    `league_seasons`: how many seasons the league has when it must be generated (3 is the least that works);
    `rows_out`: also write every candidate row (features, projection, labels) there as parquet.
    """
    say = say or progress("eval")
    league_dir = league_dir or ownership_league_dir(seed)
    ensure_league(seed, league_dir, seasons=league_seasons, progress=say)
    tables = read_league_tables(league_dir)
    labels = labels_with_makes(tables)
    inputs, horizon = league_inputs(tables, say)
    h_season = season_of(horizon["partition_key"].str.slice(0, 10))
    seasons = sorted(int(s) for s in h_season.unique())
    if len(seasons) < 3:
        raise ValueError(f"the league has {len(seasons)} seasons; the ownership evaluation needs 3 or more")
    minutes_rows = training.training_rows(
        inputs, labels, horizon[h_season < seasons[-1]][["game_id", "horizon", "as_of_ts"]]
    )
    rates_settings = rates.rates_settings()
    rates_rows = rf.training_rows(
        inputs,
        labels,
        horizon[(horizon["horizon"] == "last") & (h_season < seasons[-1])],
        rates_settings.priors,
    )
    m_season = season_of(minutes_rows["game_date"])
    r_season = season_of(rates_rows["game_date"])

    targets = lock_targets(tables)
    targets = targets[season_of(targets["game_date"]).isin(seasons[1:])].reset_index(drop=True)
    lock_in = asof_inputs(
        LeagueAsOf(tables, slot_times()), targets[["game_id", "as_of_ts"]].drop_duplicates()
    )
    say(f"{targets['draft_group_id'].nunique()} classic draft groups of seasons {seasons[1:]}")
    histories = []
    t_season = season_of(targets["game_date"])
    for season in seasons[1:]:
        say(
            f"points models on seasons {[s for s in seasons if s < season]}, projecting {season} at each lock"
        )
        models = points_history.train_points_models(
            minutes_rows[m_season < season],
            rates_rows[r_season < season],
            labels,
            rates_settings=rates_settings,
        )
        for layer in _layers(targets.loc[t_season == season, ["game_id", "as_of_ts"]]):
            histories.append(
                points_history.points_history(lock_in, labels, layer, models, rates_settings.priors, worlds)
            )
    history = pd.concat(histories, ignore_index=True)
    rows = candidates(tables, labels, targets, history, _context(lock_in))
    if rows_out is not None:
        rows.to_parquet(rows_out, index=False)
    r_season = season_of(rows["game_date"])
    train_rows, test_rows = rows[r_season < seasons[-1]], rows[r_season == seasons[-1]].copy()
    # The players the standings list: an undrafted player's 0% says he was outside the field's pool,
    # not how the field ranks its pool (chosen on seasons 2 -> 3: Spearman 0.569 with them, 0.650 without).
    train_rows = train_rows[train_rows["listed"]]
    say(f"ownership model on {len(train_rows)} listed rows of seasons {seasons[1:-1]}; judging {seasons[-1]}")
    model = ownership_model.train(train_rows)
    test_rows["predicted"] = ownership_model.predict(model, test_rows)
    return {"seed": seed, "training_seasons": [int(s) for s in seasons[1:-1]], **figures(test_rows)}


def figures(rows: pd.DataFrame) -> dict:
    """The issue's figures on scored rows (`predicted`, `ownership`, `listed`, `salary`, `dk_mean`,
    `value`, `public_proj`): Spearman and MAE over the listed players of each group."""
    listed = rows[rows["listed"]].copy()
    listed["public_value"] = listed["public_proj"] / listed["salary"]
    group_totals = rows.groupby("draft_group_id")["predicted"].sum()
    return {
        # The same figures the ownership model's gates record (core.unified), and the reference.
        **unified.ownership_figures(rows),
        "public_value_spearman": ownership_model.group_spearman(listed, "public_value"),
        "groups": int(listed["draft_group_id"].nunique()),
        "rows": int(len(listed)),
        "predicted_total_per_group": float(group_totals.mean()),
    }
