"""Points history: every player-game's DK points as projected at the last slot before tip, out of sample.

The bulk builder behind the ownership model's training set (issue 12) and `projections eval points`.
For every (game, as_of) target it runs the live chain's own pieces over many dates at once:

1. minutes and rates feature rows of every rostered player (`core.features.minutes_features`, then
   `core.rates_features.rates_features`: the builders the live partitions and the training sets use);
2. the minutes model (`minutes.predict`, `minutes.reconcile`, `minutes.role_bucket`, as
   `minutes.project` scores a partition) and the rates heads (`rates.predict`);
3. per game date, the sim's players and closing lines (`core.sim.inputs.slate_players`,
   `closing_lines`: what the live sim asset joins), `engine.simulate` and `summary.summarize`.

**Out of sample, by construction.** The models come as `PointsModels`, which records the seasons its
minutes model, rates heads and sim calibration were trained on (`train_points_models` derives them
from the training rows; nobody declares them). Projecting a season that is not later than every one
of those seasons raises `InSampleProjection` before any work is done: the ownership model must never
learn from in-sample projections (nor from the oracle or the league's public projection, which this
module cannot even import: core imports no league).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from projections_assets.core import minutes, rates
from projections_assets.core.features import SlateInputs, minutes_features
from projections_assets.core.rates_features import Priors, RatesHistory, rates_features
from projections_assets.core.sim import inputs as sim_inputs
from projections_assets.core.sim.engine import SimCalibration, SimWorlds, fit_calibration, simulate
from projections_assets.core.sim.summary import summarize
from projections_assets.core.training import select, with_available_at
from projections_assets.nba.calendar import UTC_TS as TS
from projections_assets.nba.calendar import season_start_year_of
from projections_assets.settings import CONFIG_DIR

# What the history adds to the sim summary's columns, from the minutes projections of the slot.
MINUTES_COLUMNS = ("status", "play_prob", "p10", "p50", "p90", "exp_minutes")


@dataclass(frozen=True)
class PointsSettings:
    """config/points.toml."""

    worlds: int
    min_earlier_played: int
    pair_min_projection: float
    stats: tuple[str, ...]


@cache
def points_settings(config_dir: Path = CONFIG_DIR) -> PointsSettings:
    """The settings of `config_dir/points.toml`."""
    raw = tomllib.loads((config_dir / "points.toml").read_text())
    ev = raw["evaluation"]
    return PointsSettings(
        worlds=int(raw["worlds"]),
        min_earlier_played=int(ev["min_earlier_played"]),
        pair_min_projection=float(ev["pair_min_projection"]),
        stats=tuple(ev["stats"]),
    )


class InSampleProjection(ValueError):
    """Projections asked of models trained on the projected season or a later one."""


def seasons_of(game_dates: Iterable[object]) -> tuple[int, ...]:
    """The seasons (start years) of some game dates, sorted, each once."""
    days = pd.Series(pd.to_datetime(pd.Series(list(game_dates), dtype="object").astype(str)))
    if days.empty:
        return ()
    return tuple(sorted({int(s) for s in season_start_year_of(days)}))


@dataclass(frozen=True)
class PointsModels:
    """The three fitted parts of a points projection and the seasons they were trained on."""

    minutes: minutes.MinutesModel
    rates: rates.RatesModel
    calibration: SimCalibration
    training_seasons: tuple[int, ...]

    def __post_init__(self) -> None:
        if not self.training_seasons:
            raise ValueError("PointsModels needs the seasons its models were trained on")

    def check_out_of_sample(self, seasons: Iterable[int]) -> None:
        """Refuse any projected season that is not later than every training season."""
        last = max(self.training_seasons)
        bad = sorted({int(s) for s in seasons if int(s) <= last})
        if bad:
            raise InSampleProjection(
                f"points history of season(s) {bad} asked of models trained on seasons "
                f"{list(self.training_seasons)}: the projected season must be later than every training "
                "season (an in-sample projection would teach the ownership model what the models already "
                "knew); train on earlier seasons only"
            )


def train_points_models(
    minutes_rows: pd.DataFrame,
    rates_rows: pd.DataFrame,
    labels: pd.DataFrame,
    minutes_settings: minutes.MinutesSettings | None = None,
    rates_settings: rates.RatesSettings | None = None,
) -> PointsModels:
    """Fit the minutes model, the rates heads and the sim calibration; record their seasons.

    `minutes_rows`: minutes training rows (`core.training.training_rows`); `rates_rows`: rates
    training rows at the last slot before tip (`core.rates_features.training_rows`), whose games
    and closing lines also fit the calibration, as the `gold/sim_calibration` asset does.
    """
    calibration_labels = labels[labels["game_id"].isin(rates_rows["game_id"])]
    calibration = fit_calibration(calibration_labels, sim_inputs.closing_lines(rates_rows))
    return PointsModels(
        minutes=minutes.train(minutes_rows, minutes_settings),
        rates=rates.train(rates_rows, rates_settings),
        calibration=calibration,
        training_seasons=seasons_of(
            pd.concat(
                [minutes_rows["game_date"], rates_rows["game_date"], calibration_labels["game_date"]]
            ).astype(str)
        ),
    )


@dataclass(frozen=True)
class ProjectedSlates:
    """Every target's minutes projections, rates projections and minutes feature rows, by game date."""

    minutes: pd.DataFrame
    rates: pd.DataFrame
    features: pd.DataFrame

    @property
    def dates(self) -> list[str]:
        return sorted(self.minutes["game_date"].unique())

    def of_date(self, day: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        return tuple(f[f["game_date"] == day] for f in (self.minutes, self.rates, self.features))  # type: ignore[return-value]


def _targets(inputs: SlateInputs, targets: pd.DataFrame) -> pd.DataFrame:
    t = targets[["game_id", "as_of_ts"]].copy()
    t["game_id"] = t["game_id"].astype(str)
    t["as_of_ts"] = pd.to_datetime(t["as_of_ts"], utc=True).astype(TS)
    if t["game_id"].duplicated().any():
        dup = sorted(t.loc[t["game_id"].duplicated(), "game_id"])[:5]
        raise ValueError(f"points history takes one as_of per game (the last slot before tip); twice: {dup}")
    days = inputs.schedule[["game_id", "game_date"]].drop_duplicates("game_id")
    t = t.merge(days.assign(game_id=days["game_id"].astype(str)), on="game_id", how="left")
    missing = sorted(t.loc[t["game_date"].isna(), "game_id"])
    if missing:
        raise ValueError(f"targets of games the schedule snapshots do not hold: {missing[:5]}")
    return t


def project_slates(
    inputs: SlateInputs, labels: pd.DataFrame, targets: pd.DataFrame, models: PointsModels, priors: Priors
) -> ProjectedSlates:
    """Minutes and rates projections of every rostered player of the targets' (game, as_of) pairs.

    `inputs`: as-of snapshots holding at least the targets' instants; `labels`: the label history
    (only each row's earlier dates are read, so it may run past the targets); `targets`: one
    (game_id, as_of_ts) per game. Refuses (`InSampleProjection`) before any work when a target's
    season is not later than every season the models were trained on.
    """
    t = _targets(inputs, targets)
    models.check_out_of_sample(seasons_of(t["game_date"]))
    features = with_available_at(minutes_features(select(inputs, t), labels))
    scored = minutes.reconcile(minutes.predict(models.minutes, features))
    scored["role"] = minutes.role_bucket(features)
    scored["game_date"] = features["game_date"]
    rated = rates_features(features, RatesHistory.from_labels(labels), priors)
    rated = rated[["game_id", "game_date", "team_id", "player_id", "as_of_ts"]].join(
        rates.predict(models.rates, rated)
    )
    return ProjectedSlates(scored, rated, features)


def simulate_slates(
    projected: ProjectedSlates, calibration: SimCalibration, worlds: int | None = None
) -> Iterator[tuple[SimWorlds, pd.DataFrame]]:
    """Per game date: the sim worlds of its projected players (not Out) and their history rows.

    The rows are `summary.summarize`'s with `game_date`, `as_of_ts` and the minutes projection's
    `MINUTES_COLUMNS`, in the summary's player order (the worlds' order).
    """
    worlds = worlds or points_settings().worlds
    for day in projected.dates:
        mins, rts, feats = projected.of_date(day)
        players = sim_inputs.slate_players(mins, rts, feats)
        sim = simulate(players, sim_inputs.closing_lines(feats), calibration, day, worlds=worlds)
        table = summarize(sim)
        extra = mins[["game_id", "player_id", "as_of_ts", *MINUTES_COLUMNS]]
        table = table.merge(extra.assign(game_id=extra["game_id"].astype(str)), on=["game_id", "player_id"])
        table.insert(1, "game_date", day)
        yield sim, table


def history_frame(rows: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """The per-date history rows as one frame, ordered by date, game, team and player."""
    frames = list(rows)
    if not frames:
        raise ValueError("no game dates to project")
    out = pd.concat(frames, ignore_index=True)
    out["as_of_ts"] = out["as_of_ts"].astype(TS)
    return out.sort_values(["game_date", "game_id", "team_id", "player_id"]).reset_index(drop=True)


def points_history(
    inputs: SlateInputs,
    labels: pd.DataFrame,
    targets: pd.DataFrame,
    models: PointsModels,
    priors: Priors,
    worlds: int | None = None,
) -> pd.DataFrame:
    """One row per player not listed Out of every target game: DK points mean, SD, p10..p99 and more.

    The projection as the live chain would have made it at each target's instant (normally the game's
    last slot before tip) with `models`, which must have been trained on earlier seasons only
    (`InSampleProjection` otherwise). `dk_mean` and `dk_p90` are the figures the ownership model reads.
    """
    projected = project_slates(inputs, labels, targets, models, priors)
    return history_frame(table for _, table in simulate_slates(projected, models.calibration, worlds))
