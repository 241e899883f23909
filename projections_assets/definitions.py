"""The one place the code location's Definitions are assembled."""

import dagster as dg

from projections_assets.defs.resources import default_resources

# Later layers (bronze, silver, gold, sim, publish, training, evaluation,
# sensors, schedules) add their definitions here, each from its defs/ module.
defs = dg.Definitions(
    assets=[],
    asset_checks=[],
    resources=default_resources(),
)
