"""The one place the code location's Definitions are assembled.

`defs` is built when Dagster loads the code location, not when this module is imported, so the
deployment ($PROJECTIONS_DEPLOYMENT, default "embedded") is read by the process that serves the
definitions: the webserver's code server, the daemon's, and every run worker.
"""

import os
import warnings
from collections.abc import Callable

import dagster as dg

# backfill_policy and per-partition checks are Dagster beta/preview features we rely on knowingly.
warnings.filterwarnings("ignore", category=dg.BetaWarning)
warnings.filterwarnings("ignore", category=dg.PreviewWarning)

from projections_assets.defs.alerts import ALERT_SENSORS  # noqa: E402
from projections_assets.defs.bronze import BRONZE_ASSETS  # noqa: E402
from projections_assets.defs.evaluation import EVALUATION_ASSETS  # noqa: E402
from projections_assets.defs.gold import GOLD_ASSETS  # noqa: E402
from projections_assets.defs.jobs import JOBS, PUBLISHED_SLATE  # noqa: E402
from projections_assets.defs.labels import LABEL_ASSETS  # noqa: E402
from projections_assets.defs.operations import OPERATIONS_JOBS, OPERATIONS_SENSORS, operations_schedules  # noqa: E402
from projections_assets.defs.rates import RATES_ASSETS  # noqa: E402
from projections_assets.defs.resources import (  # noqa: E402
    ResourceMap,
    default_resources,
    feed_live_resources,
    feed_resources,
    production_resources,
)
from projections_assets.defs.schedules import SCHEDULES  # noqa: E402
from projections_assets.defs.sensors import SENSORS  # noqa: E402
from projections_assets.defs.silver import SILVER_ASSETS  # noqa: E402
from projections_assets.defs.sim import SIM_ASSETS  # noqa: E402
from projections_assets.defs.unified import UNIFIED_ASSETS  # noqa: E402
from projections_assets.defs.what_changed import WHAT_CHANGED_ASSETS  # noqa: E402

DEPLOYMENT_ENV = "PROJECTIONS_DEPLOYMENT"
DEFAULT_DEPLOYMENT = "embedded"
# embedded: the simulated league and a local lake; feed: the same over HTTP from a league feed on
# loopback ($PROJECTIONS_FEED_URL); feed_live: that feed polled as the real hosts are (the pollers
# capture the polled sources, a report's run only its report); production: the real hosts (docker/).
DEPLOYMENTS: dict[str, Callable[[], ResourceMap]] = {
    "embedded": default_resources,
    "feed": feed_resources,
    "feed_live": feed_live_resources,
    "production": production_resources,
}


def deployment_resources(deployment: str) -> ResourceMap:
    """The resources of a named deployment; an unknown name fails, listing the known ones."""
    if deployment not in DEPLOYMENTS:
        raise ValueError(
            f"unknown deployment {deployment!r} (${DEPLOYMENT_ENV}); known deployments: {', '.join(DEPLOYMENTS)}"
        )
    return DEPLOYMENTS[deployment]()


def build_definitions(deployment: str | None = None) -> dg.Definitions:
    """Every asset, check, job, sensor and schedule with the resources of `deployment`.

    Unset: $PROJECTIONS_DEPLOYMENT, else "embedded".
    """
    name = deployment or os.environ.get(DEPLOYMENT_ENV) or DEFAULT_DEPLOYMENT
    return dg.Definitions(
        assets=[
            *BRONZE_ASSETS,
            *SILVER_ASSETS,
            *GOLD_ASSETS,
            *RATES_ASSETS,
            *SIM_ASSETS,
            *UNIFIED_ASSETS,
            PUBLISHED_SLATE,
            *WHAT_CHANGED_ASSETS,
            *LABEL_ASSETS,
            *EVALUATION_ASSETS,
        ],
        jobs=[*JOBS, *OPERATIONS_JOBS],
        # Every job without its own executor, `dagster asset materialize` and the UI's materializations
        # included, runs in-process: a process per step costs ~5 s on 2 cores (docs/dagster_notes.md), and
        # the partition run lock then spans the whole run (docs/backfills.md).
        executor=dg.in_process_executor,
        sensors=[*SENSORS, *ALERT_SENSORS, *OPERATIONS_SENSORS],
        # Their cadences come from config/operations.toml, read here (when the location loads), not at import.
        schedules=[*SCHEDULES, *operations_schedules()],
        resources=deployment_resources(name),
    )


@dg.definitions
def defs() -> dg.Definitions:
    """The code location (workspace.yaml, `-m projections_assets.definitions`)."""
    return build_definitions()
