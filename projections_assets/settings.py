"""Static project settings read from `config/`, and where the data folders are.

Config ships with the code: the repository's top-level `config/` in a checkout, a copy inside the
package in an installed wheel. Data folders (`.lake`, `.league`, `.dagster_home`) belong to the user:
they live in $PROJECTIONS_HOME, else the working directory, and are resolved when used, never at
import, so an installed package never writes into site-packages.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
# The source checkout (repository-only tools such as bench/ live there; an installed wheel has none).
PROJECT_ROOT = _PACKAGE_DIR.parent
# Where the wheel build puts config/ (pyproject: [tool.hatch.build.targets.wheel.force-include]).
PACKAGED_CONFIG_DIR = _PACKAGE_DIR / "_config"
HOME_ENV = "PROJECTIONS_HOME"
LAKE_ROOT_ENV = "PROJECTIONS_LAKE_ROOT"
DAGSTER_HOME_ENV = "DAGSTER_HOME"


def find_config_dir() -> Path:
    """config/ inside the installed package, else the repository checkout's top-level config/."""
    for candidate in (PACKAGED_CONFIG_DIR, PROJECT_ROOT / "config"):
        if (candidate / "partitions.toml").is_file():
            return candidate
    raise FileNotFoundError(
        f"no project config: neither {PACKAGED_CONFIG_DIR} (installed package) nor "
        f"{PROJECT_ROOT / 'config'} (repository checkout) holds partitions.toml"
    )


CONFIG_DIR = find_config_dir()


def projections_home() -> Path:
    """The directory that holds the data folders: $PROJECTIONS_HOME, else the working directory."""
    return Path(os.environ.get(HOME_ENV) or Path.cwd()).absolute()


def default_league_dir(seed: int) -> Path:
    """Where league `seed` is generated when no directory is given: <home>/.league/seed=<seed>."""
    return projections_home() / ".league" / f"seed={seed}"


def resolve_lake_root(configured: str | None) -> Path:
    """The lake directory: configured value, else $PROJECTIONS_LAKE_ROOT, else <home>/.lake.

    Called when a resource is used, never at import, so a deployment can point
    every process at one volume with a single environment variable.
    """
    return Path(configured or os.environ.get(LAKE_ROOT_ENV) or projections_home() / ".lake")


def dagster_home() -> Path:
    """The Dagster instance directory: $DAGSTER_HOME, else <home>/.dagster_home."""
    return Path(os.environ.get(DAGSTER_HOME_ENV) or projections_home() / ".dagster_home")


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


@dataclass(frozen=True)
class OperationsSettings:
    """The daemon's cadences (config/operations.toml)."""

    retrain_weekday: int
    retrain_hour: int
    freeze_lead_minutes: int
    retention_older_than_days: int
    retention_hour: int


def _bounded(raw: dict, section: str, key: str, low: int, high: int) -> int:
    value = raw[section][key]
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"operations.toml [{section}] {key} = {value!r} must be an integer in {low}..{high}")
    return value


def alert_settings(config_dir: Path = CONFIG_DIR) -> dict[str, object]:
    """config/alerts.toml's [alerts] table: settings of the alerts resource (the keys it sets; an empty
    table keeps every default). Read when the definitions are built, never at import."""
    raw = tomllib.loads((config_dir / "alerts.toml").read_text())
    return dict(raw.get("alerts", {}))


@cache
def operations_settings(config_dir: Path = CONFIG_DIR) -> OperationsSettings:
    """Read when the definitions are built (or a command needs it), never at import."""
    raw = tomllib.loads((config_dir / "operations.toml").read_text())
    return OperationsSettings(
        retrain_weekday=_bounded(raw, "retraining", "weekday", 0, 6),
        retrain_hour=_bounded(raw, "retraining", "hour", 0, 23),
        freeze_lead_minutes=_bounded(raw, "freeze", "lead_minutes", 1, 180),
        retention_older_than_days=_bounded(raw, "retention", "older_than_days", 1, 3650),
        retention_hour=_bounded(raw, "retention", "hour", 0, 23),
    )
