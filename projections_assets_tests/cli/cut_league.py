"""A small three-season league for the evaluation commands (`eval minutes`, `eval points`).

The evaluations need three seasons; a league of three whole seasons (3 x 1,230 games) takes minutes to
train on and its oracle several more. `cut_league` keeps every `step`-th game date of the league's
calendar (still three seasons spanning both report-naming eras), generates the league once for both of
an evaluation's uses (its tables, then the oracle's replay) and draws the oracle with fewer Monte-Carlo
samples. Everything else is the evaluation's own path.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from projections_assets.cli import minutes_eval
from projections_assets.core import minutes, rates
from projections_assets.league import generate, schedule
from projections_assets.league.oracle import oracle_table

ORACLE_SIMS = 60


@contextmanager
def cut_league(directory: Path, step: int, contests: bool = False) -> Iterator[Path]:
    """While open: the league's calendar cut to every `step`-th game date, generated once, the oracle's
    draws cut. Yields where the evaluation writes the league (`directory`). `contests`: with the DraftKings
    contests (ownership), which only the ownership evaluation reads."""
    games = schedule._base_games()
    dates = set(sorted({g["game_date"] for g in games})[::step])
    kept = tuple(g for g in games if g["game_date"] in dates)
    real_generate = generate.generate_league

    # Contests are not part of the minutes and points evaluations; every other table is the same with or
    # without them.
    @functools.cache
    def league_of(seed: int, seasons: int | None) -> generate.League:
        return real_generate(seed, seasons=seasons, with_contests=contests)

    def league_once(seed: int, seasons: int | None = None, **_ignored) -> generate.League:
        return league_of(seed, seasons)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(schedule, "_base_games", lambda: kept)
        mp.setattr(generate, "generate_league", league_once)
        mp.setattr(minutes_eval, "generate_league", league_once)
        mp.setattr(minutes_eval, "oracle_table", functools.partial(oracle_table, sims=ORACLE_SIMS))
        yield directory


@contextmanager
def small_boosters(minutes_rounds: int, rates_rounds: int) -> Iterator[None]:
    """While open: the minutes model's boosters (quantiles and play probability) and the rates heads
    train `minutes_rounds` and `rates_rounds` rounds (the figures' computation is under test, not the
    models' accuracy)."""
    m, r = minutes.minutes_settings(), rates.rates_settings()
    small_minutes = dataclasses.replace(
        m,
        lightgbm={**m.lightgbm, "num_boost_round": minutes_rounds},
        lightgbm_play={**m.lightgbm_play, "num_boost_round": minutes_rounds},
    )
    small_rates = dataclasses.replace(r, lightgbm={**r.lightgbm, "num_boost_round": rates_rounds})
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(minutes, "minutes_settings", lambda *_a: small_minutes)
        mp.setattr(rates, "rates_settings", lambda *_a: small_rates)
        yield
