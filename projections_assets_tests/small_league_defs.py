"""The product's Definitions with the sources on the small test league, for tests that drive the CLI.

Where a command names `-m projections_assets.definitions`, a CLI test names
`-m projections_assets_tests.small_league_defs`: the same assets, checks, jobs, sensors,
schedules and resources, except that `sources` is the test league (conftest's seed and
seasons), found in the directory $PROJECTIONS_TEST_LEAGUE_DIR names when a run starts.
"""

import dagster as dg

from projections_assets import definitions
from projections_assets.defs.resources import SOURCES_KEY, LeagueSources
from projections_assets_tests.conftest import LEAGUE_SEASONS, LEAGUE_SEED

LEAGUE_DIR_ENV = "PROJECTIONS_TEST_LEAGUE_DIR"
MODULE = __name__


def small_league(product: dg.Definitions) -> dg.Definitions:
    # A function, not a module-level copy: the CLI refuses a module holding two Definitions.
    return dg.Definitions(
        assets=product.assets,
        asset_checks=product.asset_checks,
        jobs=product.jobs,
        sensors=product.sensors,
        schedules=product.schedules,
        executor=product.executor,
        loggers=product.loggers,
        metadata=product.metadata,
        resources={
            **product.resources,
            SOURCES_KEY: LeagueSources(
                seed=LEAGUE_SEED,
                seasons=LEAGUE_SEASONS,
                league_dir=dg.EnvVar(LEAGUE_DIR_ENV),
                # Retries do not sleep: nothing in a test waits on a clock.
                retry_base_delay_s=0.0,
            ),
        },
    )


@dg.definitions
def defs() -> dg.Definitions:
    return small_league(definitions.build_definitions())
