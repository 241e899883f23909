"""Same seed -> identical parquet bytes; different seeds -> different leagues."""

from __future__ import annotations

import hashlib
from pathlib import Path

from _league_cache import SEEDS, league

from projections_assets.league.generate import TABLES, generate_league, write_league


def _digests(paths: list[Path]) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first = _digests(write_league(league(SEEDS[0]), tmp_path / "a"))
    again = _digests(write_league(generate_league(SEEDS[0], seasons=1), tmp_path / "b"))
    assert set(first) == {f"{name}.parquet" for name in TABLES}
    assert first == again


def test_different_seeds_differ(tmp_path: Path) -> None:
    a = _digests(write_league(league(SEEDS[0]), tmp_path / "a"))
    b = _digests(write_league(league(SEEDS[1]), tmp_path / "b"))
    for name in ("players", "box_scores", "injury_news", "odds", "salaries", "ownership"):
        assert a[f"{name}.parquet"] != b[f"{name}.parquet"], name
