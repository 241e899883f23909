"""Jobs: what a slate run, a poller run and a labels run materialize.

Slate runs use the in-process executor: on 2 cores a process per step costs
about 5 s each (docs/dagster_notes.md), more than most steps take. The same
slate on Celery workers (`slate_celery`) is for more machines, not for speed on one
(docs/scaleout.md).
"""

import dagster as dg

from projections_assets.contracts.sim import SIM_WORLDS
from projections_assets.defs.bronze import (
    BRONZE_SLATE_ASSETS,
    POLLED_BRONZE_KEYS,
    bronze_boxscores,
    bronze_contest_standings,
)
from projections_assets.defs.evaluation import EVALUATION_ASSETS
from projections_assets.defs.gold import (
    SLATE_GOLD_ASSETS,
    minutes_model_asset,
    minutes_model_promotion,
    minutes_training_set_asset,
)
from projections_assets.defs.labels import LABEL_ASSETS
from projections_assets.defs.publish import build_slate_publish_asset
from projections_assets.defs.rates import RATES_TRAINING_ASSETS, SLATE_RATES_ASSETS
from projections_assets.defs.scaleout import redis_celery_executor
from projections_assets.defs.silver import SILVER_ASSETS
from projections_assets.defs.sim import SIM_TRAINING_ASSETS, SLATE_SIM_ASSETS
from projections_assets.defs.unified import OWNERSHIP_TRAINING_ASSETS, SLATE_UNIFIED_ASSETS
from projections_assets.defs.what_changed import WHAT_CHANGED_ASSETS
from projections_assets.platform.lake import TableRef

SIM_WORLDS_KEY = dg.AssetKey(SIM_WORLDS.table.key_path)
# A slot's gold tables: minutes features and projections, rates, the sim, ownership and the unified table.
SLATE_GOLD = [*SLATE_GOLD_ASSETS, *SLATE_RATES_ASSETS, *SLATE_SIM_ASSETS, *SLATE_UNIFIED_ASSETS]
# What a published slate is made of: the run of each table that the slot's pointer names (the worlds
# are not: the summary and the unified table carry what readers use, and the worlds stay in the lake).
SLATE_MEMBERS = [
    t
    for a in (*SILVER_ASSETS, *SLATE_GOLD)
    for t in [TableRef.from_path(k.path) for k in a.keys]
    if t != TableRef.from_path(SIM_WORLDS_KEY.path)
]
PUBLISHED_SLATE = build_slate_publish_asset(SLATE_MEMBERS)
# Every asset of a (game_date, slot) partition, sources first.
# "What changed" runs after publication (it depends on it) and is no member of the published slate.
SLATE_ASSETS = [*BRONZE_SLATE_ASSETS, *SILVER_ASSETS, *SLATE_GOLD, PUBLISHED_SLATE, *WHAT_CHANGED_ASSETS]
SLATE_KEYS = [key for asset in SLATE_ASSETS for key in asset.keys]


def slate_selection(include_polled: bool) -> list[dg.AssetKey]:
    """A slate run's assets: everything of the partition, with or without the polled sources.

    Against the real hosts the pollers capture odds, rosters, lineups,
    draftables and the schedule live shortly before each slot, so the run an
    injury report triggers leaves them alone; a source that answers "as of"
    (the league feed) is captured by the run itself.
    """
    return [k for k in SLATE_KEYS if include_polled or k not in POLLED_BRONZE_KEYS]


SLATE_JOB = dg.define_asset_job(
    "slate",
    selection=SLATE_KEYS,
    executor_def=dg.in_process_executor,
    description="Everything of one (game_date, slot): sources, snapshots, projections, publication.",
)

# The same selection, so a scaled-out run takes no code path the daily one does not; only the executor differs.
SLATE_CELERY_JOB = dg.define_asset_job(
    "slate_celery",
    selection=SLATE_KEYS,
    executor_def=redis_celery_executor,
    description=(
        "The slate job with each step a Celery task on the workers listening to the configured queue "
        "(docs/scaleout.md): for spreading partitions over machines that share the lake and the instance."
    ),
)

CAPTURE_JOB = dg.define_asset_job(
    "capture_sources",
    selection=POLLED_BRONZE_KEYS,
    executor_def=dg.in_process_executor,
    description="Capture odds, rosters, lineups, draftables and the schedule of a slot (what the pollers run).",
)

LABELS_JOB = dg.define_asset_job(
    "labels",
    selection=[key for a in (bronze_boxscores, bronze_contest_standings, *LABEL_ASSETS) for key in a.keys],
    executor_def=dg.in_process_executor,
    description="Final box scores and contest standings of a game_date -> frozen labels and actual ownership.",
)

EVALUATION_JOB = dg.define_asset_job(
    "evaluation",
    selection=[key for a in EVALUATION_ASSETS for key in a.keys],
    executor_def=dg.in_process_executor,
    description="A game_date's minutes accuracy (model, oracle, baselines) and the tip-2h vs last-slot report.",
)

TRAINING_JOB = dg.define_asset_job(
    "train_minutes",
    selection=[
        key
        for a in (minutes_training_set_asset, minutes_model_asset, minutes_model_promotion)
        for key in a.keys
    ],
    executor_def=dg.in_process_executor,
    description="Build the training set, train the minutes model and promote it if it is no worse.",
)

RATES_TRAINING_JOB = dg.define_asset_job(
    "train_rates",
    selection=[key for a in (*RATES_TRAINING_ASSETS, *SIM_TRAINING_ASSETS) for key in a.keys],
    executor_def=dg.in_process_executor,
    description=(
        "Build the rates training set, train the twelve rates heads and promote them if they are no worse "
        "than the current model and better than the trailing baseline; fit the sim's calibration on the "
        "same games."
    ),
)

SIM_JOB = dg.define_asset_job(
    "simulate",
    selection=[key for a in SLATE_SIM_ASSETS for key in a.keys],
    executor_def=dg.in_process_executor,
    description=(
        "The sim worlds and their summary of one (game_date, slot), from the slot's minutes and rates "
        "projections and the current sim calibration."
    ),
)

OWNERSHIP_TRAINING_JOB = dg.define_asset_job(
    "train_ownership",
    selection=[key for a in OWNERSHIP_TRAINING_ASSETS for key in a.keys],
    executor_def=dg.in_process_executor,
    description=(
        "Build the ownership training set from the lake's own projections at each past draft group's lock "
        "and the contest standings, train the ownership model and promote it if it is no worse than the "
        "current one and better than ranking by value."
    ),
)

JOBS = [
    OWNERSHIP_TRAINING_JOB,
    SLATE_JOB,
    SLATE_CELERY_JOB,
    CAPTURE_JOB,
    LABELS_JOB,
    EVALUATION_JOB,
    TRAINING_JOB,
    RATES_TRAINING_JOB,
    SIM_JOB,
]
