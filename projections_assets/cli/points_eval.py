"""The points evaluation of `projections eval points`: train on two league seasons, simulate the third.

The pieces are the minutes evaluation's (`cli.minutes_eval`: the league's as-of snapshots, the oracle
of the evaluated season computed once and kept beside the league) and the points history builder
(`core.points_history`), so the evaluation and the ownership model's history share one code path:

1. minutes training rows of seasons 1-2 at both horizons and rates training rows at the last slot
   before tip (the pipeline's own builders); the minutes model, the twelve rates heads and the sim
   calibration fitted on them (`train_points_models`);
2. the third season's points history at each game's last slot before tip, `config/points.toml`'s
   worlds per date; the worlds' residual pair sums are taken date by date, as they are simulated;
3. the row set and the figures of `core.points_evaluation`, the oracle's expected DK points (and
   expected stats) in force at each row's slot beside them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from projections_assets.cli.minutes_eval import EVAL_HORIZON, league_inputs, season_of, season_oracle
from projections_assets.cli.progress import progress
from projections_assets.core import evaluation, points_evaluation, points_history, rates, training
from projections_assets.core import rates_features as rf
from projections_assets.league.asof import league_labels
from projections_assets.league.generate import ensure_league, read_league_tables
from projections_assets.settings import default_league_dir


def labels_with_makes(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The league's labels with the two make columns the rates heads learn from (the lake's labels hold them)."""
    labels = league_labels(tables)
    box = tables["box_scores"][["game_id", "person_id", "fg2m", "ftm"]]
    box = box.assign(game_id=box["game_id"].astype(str)).rename(columns={"person_id": "player_id"})
    out = labels.merge(box.astype({"fg2m": "int64", "ftm": "int64"}), on=["game_id", "player_id"], how="left")
    return out.fillna({"fg2m": 0, "ftm": 0})


def evaluate(
    seed: int,
    league_dir: Path | None = None,
    say: Callable[[str], None] | None = None,
    worlds: int | None = None,
    rows_out: Path | None = None,
) -> dict:
    """Train on the league's first two seasons, simulate the third; the figures of the issue.

    `rows_out`: also write the evaluated rows (the row set with projections, actuals, the oracle and
    the baselines) there as parquet, to look into a figure.
    """
    say = say or progress("eval")
    settings = points_history.points_settings()
    worlds = worlds or settings.worlds
    league_dir = league_dir or default_league_dir(seed)
    ensure_league(seed, league_dir, progress=say)
    tables = read_league_tables(league_dir)
    labels = labels_with_makes(tables)
    inputs, targets = league_inputs(tables, say)
    season = season_of(targets["partition_key"].str.slice(0, 10))
    seasons = sorted(season.unique())
    if len(seasons) < 3:
        raise ValueError(f"the league of seed {seed} has {len(seasons)} seasons; the evaluation needs 3")
    train_targets = targets[season < seasons[-1]][["game_id", "horizon", "as_of_ts"]]
    last = train_targets[train_targets["horizon"] == EVAL_HORIZON]
    minutes_rows = training.training_rows(inputs, labels, train_targets)
    rates_settings = rates.rates_settings()
    rates_rows = rf.training_rows(inputs, labels, last, rates_settings.priors)
    say(
        f"training on {len(minutes_rows)} minutes rows and {len(rates_rows)} rates rows (seasons {seasons[:-1]})"
    )
    models = points_history.train_points_models(
        minutes_rows, rates_rows, labels, rates_settings=rates_settings
    )

    test = targets[(season == seasons[-1]) & (targets["horizon"] == EVAL_HORIZON)]
    projected = points_history.project_slates(inputs, labels, test, models, rates_settings.priors)
    say(f"simulating {len(projected.dates)} dates of season {seasons[-1]}, {worlds} worlds each")
    tables_by_date = []
    allowed = _row_set_keys(projected.minutes, labels, settings)
    mates, opps = points_evaluation.PairMoments(), points_evaluation.PairMoments()
    for n, (sim, table) in enumerate(points_history.simulate_slates(projected, models.calibration, worlds)):
        tables_by_date.append(table)
        in_row_set = pd.MultiIndex.from_frame(table[["game_id", "player_id"]]).isin(allowed)
        m, o = points_evaluation.sim_pair_moments(sim.dk, table, in_row_set, settings)
        mates, opps = mates + m, opps + o
        if n % 40 == 39:
            say(f"simulated {n + 1}/{len(projected.dates)} dates")
    history = points_history.history_frame(tables_by_date)
    rows = points_evaluation.eval_rows(history, labels, settings)
    oracle = season_oracle(seed, league_dir, int(seasons[-1]), say)
    rows = evaluation.with_oracle(rows, oracle, points_evaluation.ORACLE_POINTS_COLUMNS)
    rows = rows.dropna(subset=["oracle_dk"]).reset_index(drop=True)
    figures = points_evaluation.points_figures(rows, (mates, opps), settings)
    if rows_out is not None:
        rows.to_parquet(rows_out, index=False)
    return {
        "seed": seed,
        "worlds": worlds,
        "training_seasons": list(models.training_seasons),
        "evaluated_season": int(seasons[-1]),
        **figures,
    }


def _row_set_keys(
    players: pd.DataFrame, labels: pd.DataFrame, settings: points_history.PointsSettings
) -> pd.MultiIndex:
    """(game_id, player_id) of the projected players the row set can hold: labelled, enough earlier games.

    The worlds' pairs are taken from these as each date is simulated, so that the sim's correlation and
    the realized one pair the same players.
    """
    keys = players[["game_id", "player_id", "game_date"]].assign(game_id=players["game_id"].astype(str))
    lab = labels[["game_id", "player_id"]].drop_duplicates().assign(game_id=labels["game_id"].astype(str))
    keys = keys.merge(lab, on=["game_id", "player_id"])
    keys = keys[points_evaluation.earlier_played(keys, labels) >= settings.min_earlier_played]
    return pd.MultiIndex.from_frame(keys[["game_id", "player_id"]])
