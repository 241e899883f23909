"""`projections league generate|oracle` write parquet tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from _league_cache import SEEDS, league

from projections_assets import cli
from projections_assets.league import generate as generate_mod
from projections_assets.league.generate import TABLES


@pytest.fixture
def cached(monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI's work is the generator, tested elsewhere; reuse the session's league.
    monkeypatch.setattr(generate_mod, "generate_league", lambda seed, **_: league(SEEDS[0]))


def test_generate_writes_every_table(tmp_path: Path, cached: None) -> None:
    rc = cli.main(["league", "generate", "--seed", str(SEEDS[0]), "--seasons", "1", "--out", str(tmp_path)])
    assert rc == 0
    assert {p.stem for p in tmp_path.glob("*.parquet")} == set(TABLES)
    assert len(pd.read_parquet(tmp_path / "games.parquet")) == 1230


def test_oracle_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cached: None) -> None:
    from projections_assets.league import oracle as oracle_mod

    real = oracle_mod.oracle_table
    monkeypatch.setattr(
        oracle_mod,
        "oracle_table",
        lambda lg, sims=None, progress=None: real(lg, game_ids=lg["games"]["game_id"][:3], sims=40),
    )
    rc = cli.main(["league", "oracle", "--seed", str(SEEDS[0]), "--out", str(tmp_path)])
    assert rc == 0
    out = pd.read_parquet(tmp_path / "oracle.parquet")
    assert {
        "p_play",
        "exp_minutes",
        "minutes_p10",
        "minutes_p50",
        "minutes_p90",
        "exp_dk_pts",
        "actual_minutes",
    } <= set(out.columns)
