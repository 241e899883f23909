"""A small history for the gold tests: silver at two slots a day, the labels before it, trained models.

Labels come through the real label path (box score payloads -> bronze -> labels). The silver history
is written from the league's as-of adapter, which the league tests prove equal to the silver path, so
a fortnight of history takes seconds instead of minutes.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import pandas as pd

from projections_assets.contracts import silver as silver_contracts
from projections_assets.defs.bronze import bronze_boxscores
from projections_assets.defs.gold import (
    minutes_model_asset,
    minutes_model_promotion,
    minutes_training_set_asset,
)
from projections_assets.defs.labels import game_labels_asset
from projections_assets.defs.rates import RATES_TRAINING_ASSETS
from projections_assets.defs.resources import OracleResource
from projections_assets.defs.sim import SIM_TRAINING_ASSETS
from projections_assets.league.asof import LeagueAsOf
from projections_assets.league.generate import read_league_tables
from projections_assets.partitions import parse_key, slot_times
from projections_assets.platform.lake import Lake, PartitionLocation
from projections_assets.platform.publish import publish_partition
from projections_assets_tests.defs.conftest import league_sources, resources

FIRST, LAST = date(2026, 1, 2), date(2026, 1, 16)
SLOTS = ("17:00", "18:45")
# Labels start this long before the silver history, so its first features have a trailing form.
LABEL_LEAD = timedelta(days=30)
TRAINING = [minutes_training_set_asset, minutes_model_asset, minutes_model_promotion]
RATES_TRAINING = RATES_TRAINING_ASSETS
SILVER = {
    "schedule": silver_contracts.SILVER_SCHEDULE,
    "roster": silver_contracts.SILVER_ROSTER,
    "injuries": silver_contracts.SILVER_INJURIES,
    "lineups": silver_contracts.SILVER_LINEUPS,
    "odds": silver_contracts.SILVER_ODDS,
}


def history_days(first: date = FIRST, last: date = LAST) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def seed_silver(
    lake: Lake, league_dir: Path, days: Sequence[date] | None = None, slots: Sequence[str] = SLOTS
) -> None:
    """Silver snapshots of every game of `days` at `slots`, from the league's as-of adapter."""
    tables = read_league_tables(league_dir)
    asof, games = LeagueAsOf(tables, slot_times()), tables["games"]
    for day in days or history_days():
        ids = games.loc[games["game_date"].astype(str) == day.isoformat(), "game_id"]
        for slot in slots:
            key = f"{day.isoformat()}|{slot}"
            targets = pd.DataFrame({"game_id": ids, "as_of_ts": parse_key(key).run_as_of_ts})
            for name, contract in SILVER.items():
                frame = getattr(asof, name)(targets, freshness=True)
                if name == "injuries":
                    frame.insert(list(contract.schema.columns).index("match_method"), "match_method", "exact")
                frame = frame[list(contract.schema.columns)]
                publish_partition(
                    lake, contract.table, PartitionLocation.from_key(key), "seed", frame, contract
                )


def history_resources(lake_root: Path, league_dir: Path) -> dict[str, object]:
    return {**resources(lake_root, league_sources(league_dir)), "oracle": OracleResource()}


def materialize_labels(
    instance: dg.DagsterInstance, res: dict[str, object], first: date, last: date
) -> dg.ExecuteInProcessResult:
    """Box scores -> frozen labels of every game date in [first, last], in one run."""
    return dg.materialize(
        [bronze_boxscores, game_labels_asset],
        instance=instance,
        resources=res,
        tags={
            "dagster/asset_partition_range_start": first.isoformat(),
            "dagster/asset_partition_range_end": last.isoformat(),
        },
    )


@dataclass(frozen=True)
class TrainedHistory:
    """A lake holding the history and promoted models, shared by a test session: copy it to write."""

    root: Path
    # The minutes training run, whose model is the current one.
    run_id: str
    # The minutes training run's check results, by check name.
    checks: dict[str, bool]
    # The same of the rates training run.
    rates_run_id: str
    rates_checks: dict[str, bool]

    def copy_to(self, root: Path) -> Lake:
        shutil.copytree(self.root, root)
        return Lake(root)


def build_trained_lake(lake_root: Path, league_dir: Path) -> TrainedHistory:
    """The silver history of FIRST..LAST, labels from FIRST - LABEL_LEAD, minutes and rates models on them."""
    seed_silver(Lake(lake_root), league_dir)
    res = history_resources(lake_root, league_dir)
    with dg.DagsterInstance.ephemeral() as instance:
        assert materialize_labels(instance, res, FIRST - LABEL_LEAD, LAST).success
        trained = dg.materialize(TRAINING, instance=instance, resources=res)
        assert trained.success
        # The train_rates job's selection: the rates heads and the sim's calibration on the same games.
        rates = dg.materialize([*RATES_TRAINING, *SIM_TRAINING_ASSETS], instance=instance, resources=res)
        assert rates.success
    checks = {c.check_name: c.passed for c in trained.get_asset_check_evaluations()}
    rates_checks = {c.check_name: c.passed for c in rates.get_asset_check_evaluations()}
    return TrainedHistory(lake_root, trained.run_id, checks, rates.run_id, rates_checks)
