"""Leagues shared by the league tests: generated once per test session (one season each)."""

from __future__ import annotations

from functools import cache

from projections_assets.league.generate import League, generate_league

SEEDS = (11, 12)


@cache
def league(seed: int) -> League:
    return generate_league(seed, seasons=1)
