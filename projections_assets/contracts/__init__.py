"""One pandera contract per lake table, looked up by the table's asset key."""

from __future__ import annotations

import importlib

from projections_assets.platform.contracts import (
    CHECK_ANTI_LEAK,
    CHECK_NON_EMPTY,
    CHECK_SCHEMA,
    CHECK_UNIQUE_KEYS,
    CheckOutcome,
    ContractViolation,
    TableContract,
    evaluate_contract,
)
from projections_assets.platform.lake import TableRef

_REGISTRY: dict[TableRef, TableContract] = {}


class MissingContract(LookupError):
    """Every lake table needs a contract; this one has none."""


def register(contract: TableContract) -> TableContract:
    """Make `contract` the one the IO manager enforces for its table."""
    existing = _REGISTRY.get(contract.table)
    if existing is not None and existing is not contract:
        raise ValueError(f"table {contract.table} already has a contract")
    _REGISTRY[contract.table] = contract
    return contract


# The modules that register the product's contracts (imported on first lookup: they import this one).
CONTRACT_MODULES = ("published", "sources", "labels", "silver", "gold", "rates", "sim", "unified")


def get_contract(table: TableRef) -> TableContract:
    if table not in _REGISTRY:
        for name in CONTRACT_MODULES:
            importlib.import_module(f"{__name__}.{name}")
    try:
        return _REGISTRY[table]
    except KeyError:
        raise MissingContract(
            f"no contract registered for {table}: every lake table needs one (projections_assets.contracts)"
        ) from None


__all__ = [
    "CHECK_ANTI_LEAK",
    "CHECK_NON_EMPTY",
    "CHECK_SCHEMA",
    "CHECK_UNIQUE_KEYS",
    "CheckOutcome",
    "ContractViolation",
    "MissingContract",
    "TableContract",
    "evaluate_contract",
    "get_contract",
    "register",
]
