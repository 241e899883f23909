"""Leagues shared by the league tests: generated once per test session (one season each, or three)."""

from __future__ import annotations

from functools import cache

from projections_assets.league.generate import League, generate_league

SEEDS = (11, 12)


@cache
def league(seed: int) -> League:
    return generate_league(seed, seasons=1)


@cache
def full_league(seed: int) -> League:
    """Three seasons without contests: what the scoring and market bands are measured over."""
    return generate_league(seed, seasons=3, with_contests=False)
