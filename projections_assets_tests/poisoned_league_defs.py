"""The small test league's Definitions with one partition made to fail its contract, on demand.

A CLI test names `-m projections_assets_tests.poisoned_league_defs` to rehearse a backfill in which one
partition fails: with $PROJECTIONS_TEST_POISON set to `TABLE@GAME_DATE` (e.g.
`gold.minutes_features@2025-12-20`), the lake IO manager's contract of that table gains a rule that every
row of that game date breaks, so that partition's output is refused exactly as a real contract violation
is (a failed manifest in its run directory, the step failed). Unset, the contracts are the product's.
"""

import dataclasses
import os

import dagster as dg
import pandas as pd

from projections_assets import definitions
from projections_assets.contracts import get_contract as product_contract
from projections_assets.defs.resources import LAKE_IO_MANAGER_KEY
from projections_assets.platform.contracts import ContractRule, TableContract
from projections_assets.platform.io_manager import LakeIOManager
from projections_assets.platform.lake import TableRef
from projections_assets_tests import small_league_defs

POISON_ENV = "PROJECTIONS_TEST_POISON"
MODULE = __name__
RULE = "poisoned_partition"


def get_contract(table: TableRef) -> TableContract:
    """The product's contract, with the poisoned date's rows failing it when $PROJECTIONS_TEST_POISON names the table."""
    contract = product_contract(table)
    target, _, day = os.environ.get(POISON_ENV, "").partition("@")
    if target != str(table):
        return contract

    def failing(df: pd.DataFrame) -> pd.DataFrame:
        return df[df["game_date"].astype(str) == day] if "game_date" in df else df.iloc[0:0]

    rule = ContractRule(RULE, f"rows of {day} are poisoned by ${POISON_ENV} (a rehearsed failure)", failing)
    return dataclasses.replace(contract, rules=(*contract.rules, rule))


@dg.definitions
def defs() -> dg.Definitions:
    small = small_league_defs.small_league(definitions.build_definitions())
    return dg.Definitions(
        assets=small.assets,
        asset_checks=small.asset_checks,
        jobs=small.jobs,
        sensors=small.sensors,
        schedules=small.schedules,
        executor=small.executor,
        resources={**small.resources, LAKE_IO_MANAGER_KEY: LakeIOManager(contracts=f"{MODULE}:get_contract")},
    )
