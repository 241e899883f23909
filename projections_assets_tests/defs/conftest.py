"""Fixtures for the Dagster-level tests: resources on a temporary lake over the test league."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from projections_assets.defs.resources import LakeReader, LeagueSources, lake_io_manager
from projections_assets_tests.conftest import LEAGUE_SEASONS, LEAGUE_SEED


def league_sources(league_dir: Path, **overrides) -> LeagueSources:
    """The in-process league feed; retries do not sleep (nothing in a test waits on a clock)."""
    return LeagueSources(
        seed=LEAGUE_SEED,
        seasons=LEAGUE_SEASONS,
        league_dir=str(league_dir),
        retry_base_delay_s=0.0,
        **overrides,
    )


def resources(lake_root: Path, sources: dg.ConfigurableResource) -> dict[str, object]:
    return {
        "io_manager": lake_io_manager(str(lake_root)),
        "lake_reader": LakeReader(lake_root=str(lake_root)),
        "sources": sources,
    }


@pytest.fixture
def instance() -> dg.DagsterInstance:
    with dg.DagsterInstance.ephemeral() as inst:
        yield inst
