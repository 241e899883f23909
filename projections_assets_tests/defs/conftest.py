"""Fixtures for the Dagster-level tests: resources on a temporary lake over the test league."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from projections_assets.defs.resources import (
    CurrentMinutesModel,
    CurrentRatesModel,
    LakeReader,
    LeagueSources,
    lake_io_manager,
)
from projections_assets_tests.conftest import LEAGUE_SEASONS, LEAGUE_SEED

# A frozen league clock after the test league's last game: everything has happened (backfills of any date).
LEAGUE_END_OF_TIME = "2100-01-01T00:00:00Z"


def league_sources(league_dir: Path, clock: str = LEAGUE_END_OF_TIME, **overrides) -> LeagueSources:
    """The in-process league feed, its clock frozen at `clock`; retries do not sleep (nothing here waits)."""
    return LeagueSources(
        seed=LEAGUE_SEED,
        seasons=LEAGUE_SEASONS,
        league_dir=str(league_dir),
        retry_base_delay_s=0.0,
        clock_start=clock,
        clock_speed=0.0,
        **overrides,
    )


def resources(lake_root: Path, sources: dg.ConfigurableResource) -> dict[str, object]:
    return {
        "io_manager": lake_io_manager(str(lake_root)),
        "lake_reader": LakeReader(lake_root=str(lake_root)),
        "minutes_model": CurrentMinutesModel(lake_root=str(lake_root)),
        "rates_model": CurrentRatesModel(lake_root=str(lake_root)),
        "sources": sources,
    }


@pytest.fixture
def instance() -> dg.DagsterInstance:
    with dg.DagsterInstance.ephemeral() as inst:
        yield inst
