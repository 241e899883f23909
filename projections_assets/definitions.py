"""The one place the code location's Definitions are assembled."""

import warnings

import dagster as dg

# backfill_policy and per-partition checks are Dagster beta/preview features we rely on knowingly.
warnings.filterwarnings("ignore", category=dg.BetaWarning)
warnings.filterwarnings("ignore", category=dg.PreviewWarning)

from projections_assets.defs.bronze import BRONZE_ASSETS  # noqa: E402
from projections_assets.defs.evaluation import EVALUATION_ASSETS  # noqa: E402
from projections_assets.defs.gold import GOLD_ASSETS  # noqa: E402
from projections_assets.defs.jobs import JOBS, PUBLISHED_SLATE  # noqa: E402
from projections_assets.defs.labels import LABEL_ASSETS  # noqa: E402
from projections_assets.defs.resources import default_resources  # noqa: E402
from projections_assets.defs.schedules import SCHEDULES  # noqa: E402
from projections_assets.defs.sensors import SENSORS  # noqa: E402
from projections_assets.defs.silver import SILVER_ASSETS  # noqa: E402

defs = dg.Definitions(
    assets=[*BRONZE_ASSETS, *SILVER_ASSETS, *GOLD_ASSETS, PUBLISHED_SLATE, *LABEL_ASSETS, *EVALUATION_ASSETS],
    jobs=JOBS,
    sensors=SENSORS,
    schedules=SCHEDULES,
    resources=default_resources(),
)
