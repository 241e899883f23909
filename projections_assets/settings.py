"""Static project settings read from `config/` (never from the environment)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = PROJECT_ROOT / "config"
DEFAULT_LAKE_ROOT = PROJECT_ROOT / ".lake"
# The simulated league's generated tables (the embedded default source), one directory per seed.
DEFAULT_LEAGUE_DIR = PROJECT_ROOT / ".league"
LAKE_ROOT_ENV = "PROJECTIONS_LAKE_ROOT"


def resolve_lake_root(configured: str | None) -> Path:
    """The lake directory: configured value, else $PROJECTIONS_LAKE_ROOT, else <project>/.lake.

    Called when a resource is used, never at import, so a deployment can point
    every process at one volume with a single environment variable.
    """
    return Path(configured or os.environ.get(LAKE_ROOT_ENV) or DEFAULT_LAKE_ROOT)


@dataclass(frozen=True)
class PartitionSettings:
    start_date: date
    timezone: str
    end_offset: int
    first_slot: time
    last_slot: time
    slot_minutes: int


@cache
def partition_settings(config_dir: Path = CONFIG_DIR) -> PartitionSettings:
    raw = tomllib.loads((config_dir / "partitions.toml").read_text())
    return PartitionSettings(
        start_date=date.fromisoformat(raw["start_date"]),
        timezone=raw["timezone"],
        end_offset=int(raw["end_offset"]),
        first_slot=time.fromisoformat(raw["first_slot"]),
        last_slot=time.fromisoformat(raw["last_slot"]),
        slot_minutes=int(raw["slot_minutes"]),
    )
