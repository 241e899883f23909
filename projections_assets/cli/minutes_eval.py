"""The minutes evaluation of `projections eval minutes`: train on two league seasons, judge on the third.

The training and evaluation rows come from the pipeline's own builder
(`core.training.training_rows` over `core.features`), fed by the league's
as-of adapter (`league.asof`, proven equal to the silver path) so two whole
seasons take minutes, not hours. The model is `core.minutes`, trained exactly
as the training asset trains it. The oracle of the evaluated season is
computed once per seed and kept beside the league's tables.

Evaluation rows: the third season, each game's last slot before tip, players
not listed Out then. MAE, pinball loss and p10..p90 coverage on those who
played (the quantiles are minutes if he plays), Brier of the play
probability on all of them; the oracle and the two naive baselines on the
same rows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from projections_assets.cli.progress import progress
from projections_assets.core import evaluation, minutes, training
from projections_assets.core.features import SlateInputs
from projections_assets.league.asof import LeagueAsOf, league_labels
from projections_assets.league.generate import ensure_league, generate_league, read_league_tables
from projections_assets.league.oracle import oracle_table
from projections_assets.nba.calendar import season_start_year_of
from projections_assets.partitions import slot_times
from projections_assets.settings import default_league_dir

EVAL_HORIZON = "last"


def asof_inputs(asof: LeagueAsOf, targets: pd.DataFrame) -> SlateInputs:
    """The league's as-of snapshots at the targets' (game_id, as_of_ts) pairs, as the silver tables hold them."""
    return SlateInputs(
        schedule=asof.schedule(targets),
        roster=asof.roster(targets),
        injuries=asof.injuries(targets),
        lineups=asof.lineups(targets),
        odds=asof.odds(targets),
    )


def league_inputs(
    tables: dict[str, pd.DataFrame], say: Callable[[str], None] = print
) -> tuple[SlateInputs, pd.DataFrame]:
    """The league's as-of snapshots at every game's horizons, and those (game, horizon, as_of) targets."""
    asof = LeagueAsOf(tables, slot_times())
    targets = asof.horizon_targets()
    inputs = asof_inputs(asof, targets)
    say(f"as-of snapshots for {len(targets)} (game, horizon) pairs")
    return inputs, targets


def league_rows(tables: dict[str, pd.DataFrame], say: Callable[[str], None] = print) -> pd.DataFrame:
    """Training-set rows (features at both horizons + labels) for every game of the league."""
    inputs, targets = league_inputs(tables, say)
    rows = training.training_rows(inputs, league_labels(tables), targets[["game_id", "horizon", "as_of_ts"]])
    say(f"{len(rows)} feature rows")
    return rows


def season_of(dates: pd.Series) -> pd.Series:
    """The season (its start year) of each date (`YYYY-MM-DD` strings, dates or timestamps)."""
    return pd.Series(season_start_year_of(pd.to_datetime(dates.astype(str))), index=dates.index)


def season_oracle(seed: int, league_dir: Path, season_start: int, say: Callable[[str], None]) -> pd.DataFrame:
    """The oracle of one season's games, computed once and kept as `oracle_<season>.parquet`."""
    path = league_dir / f"oracle_{season_start}.parquet"
    if path.exists():
        return pd.read_parquet(path)
    say(f"computing the oracle of season {season_start} (once per seed; several minutes)")
    league = generate_league(seed, with_contests=False)
    games = league["games"]
    day = pd.to_datetime(games["game_date"])
    wanted = games.loc[season_start_year_of(day) == season_start, "game_id"]
    table = oracle_table(league, game_ids=wanted, progress=say)
    tmp = path.with_suffix(".tmp")
    table.to_parquet(tmp, index=False)
    tmp.replace(path)
    return table


def attach_oracle(rows: pd.DataFrame, oracle: pd.DataFrame) -> pd.DataFrame:
    """The oracle's figures in force at each row's as_of (its first row covers earlier instants)."""
    o = oracle.rename(columns={"person_id": "player_id", "as_of_ts": "oracle_as_of"})[
        ["game_id", "player_id", "oracle_as_of", "minutes_p10", "minutes_p50", "minutes_p90", "p_play"]
    ]
    o = o.assign(oracle_as_of=pd.to_datetime(o["oracle_as_of"], utc=True)).sort_values("oracle_as_of")
    left = rows.reset_index().sort_values("as_of_ts")
    merged = pd.merge_asof(
        left,
        o,
        left_on="as_of_ts",
        right_on="oracle_as_of",
        by=["game_id", "player_id"],
        direction="backward",
    )
    first = o.groupby(["game_id", "player_id"], as_index=False).head(1).drop(columns="oracle_as_of")
    merged = merged.merge(first, on=["game_id", "player_id"], how="left", suffixes=("", "_first"))
    for col in ("minutes_p10", "minutes_p50", "minutes_p90", "p_play"):
        merged[col] = merged[col].fillna(merged[f"{col}_first"])
    merged = merged.set_index("index").loc[rows.index]
    return rows.assign(
        oracle_p10=merged["minutes_p10"].to_numpy(),
        oracle_p50=merged["minutes_p50"].to_numpy(),
        oracle_p90=merged["minutes_p90"].to_numpy(),
        oracle_play_prob=merged["p_play"].to_numpy(),
    )


def evaluate(seed: int, league_dir: Path | None = None, say: Callable[[str], None] | None = None) -> dict:
    """Train on the league's first two seasons, evaluate on the third; the figures of the issue."""
    say = say or progress("eval")
    league_dir = league_dir or default_league_dir(seed)
    ensure_league(seed, league_dir, progress=say)
    tables = read_league_tables(league_dir)
    labels = league_labels(tables)
    rows = league_rows(tables, say)
    season = season_of(rows["game_date"])
    seasons = sorted(season.unique())
    if len(seasons) < 3:
        raise ValueError(f"the league of seed {seed} has {len(seasons)} seasons; the evaluation needs 3")
    train_rows, test_rows = (
        rows[season < seasons[-1]],
        rows[(season == seasons[-1]) & (rows["horizon"] == EVAL_HORIZON)],
    )
    say(f"training on {len(train_rows)} rows (seasons {seasons[0]}-{seasons[-2]})")
    model = minutes.train(train_rows)
    scored = test_rows.join(minutes.predict(model, test_rows)[["p10", "p50", "p90", "play_prob"]])
    scored = evaluation.baselines(scored, labels)
    scored = attach_oracle(scored, season_oracle(seed, league_dir, int(seasons[-1]), say))
    _, overall = evaluation.comparison(scored, minutes.role_bucket(scored))
    m, o = overall["model"], overall["oracle"]
    return {
        "seed": seed,
        "rows": int(m["rows"]),
        "played_rows": int(m["played_rows"]),
        "mae": m["mae"],
        "oracle_mae": o["mae"],
        "last5_mae": overall["last5"]["mae"],
        "model_mae_on_last5_rows": overall["last5"]["model_mae"],
        "baseline_mae": overall["season_avg"]["mae"],
        "model_mae_on_baseline_rows": overall["season_avg"]["model_mae"],
        "season_avg_played_mae": overall["season_avg_played"]["mae"],
        "pinball": m["pinball"],
        "oracle_pinball": o["pinball"],
        "coverage_p10_p90": m["coverage_p10_p90"],
        "width_p10_p90": m["width_p10_p90"],
        "oracle_coverage_p10_p90": o["coverage_p10_p90"],
        "coverage_by_role": m["coverage_by_role"],
        "brier": m["brier"],
        "oracle_brier": o["brier"],
        "band_shift": {str(k): v for k, v in model.band_shift.items()},
    }
