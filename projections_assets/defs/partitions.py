"""The Dagster partitions definition of every slate asset (values from projections_assets.partitions)."""

import dagster as dg

from projections_assets.partitions import GAME_DATE_DIM, SLOT_DIM, slot_keys
from projections_assets.settings import partition_settings

_settings = partition_settings()

GAME_DATE_PARTITIONS = dg.DailyPartitionsDefinition(
    start_date=_settings.start_date.isoformat(),
    timezone=_settings.timezone,
    end_offset=_settings.end_offset,
)

SLATE_PARTITIONS = dg.MultiPartitionsDefinition(
    {
        GAME_DATE_DIM: GAME_DATE_PARTITIONS,
        SLOT_DIM: dg.StaticPartitionsDefinition(slot_keys()),
    }
)
