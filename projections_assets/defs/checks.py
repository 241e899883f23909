"""Contract -> Dagster asset checks.

`contract_check_specs` declares one blocking check per contract rule (names
are the constants in platform.contracts); `contract_outputs` evaluates them on an
asset's output, yields their results (offending rows in metadata), then the
Output. The IO manager re-runs the same evaluation before promoting, so a
failed check can never leave a promoted file behind (docs/dagster_notes.md: blocking
checks do not stop their own asset's output from being written).
"""

from collections.abc import Iterator, Mapping

import dagster as dg
import pandas as pd

from projections_assets.platform.contracts import (
    CHECK_ANTI_LEAK,
    CHECK_NON_EMPTY,
    CHECK_SCHEMA,
    CHECK_UNIQUE_KEYS,
    CheckOutcome,
    TableContract,
    evaluate_contract,
)
from projections_assets.platform.lake import PartitionLocation

_CHECK_DESCRIPTIONS = {
    CHECK_SCHEMA: "Columns, dtypes and value checks match the table's pandera schema.",
    CHECK_UNIQUE_KEYS: "No two rows share the table's key.",
    CHECK_NON_EMPTY: "The partition has at least one row.",
    CHECK_ANTI_LEAK: "Every row's available_at is <= min(run_as_of_ts, tip_ts): no information from the future.",
}


def _asset_key(contract: TableContract) -> dg.AssetKey:
    return dg.AssetKey(contract.table.key_path)


def _description(contract: TableContract, name: str) -> str:
    rules = {rule.name: rule.description for rule in contract.rules}
    return rules.get(name) or _CHECK_DESCRIPTIONS[name]


def contract_check_specs(contract: TableContract) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(
            name, asset=_asset_key(contract), blocking=True, description=_description(contract, name)
        )
        for name in contract.check_names()
    ]


def extra_check_spec(
    contract: TableContract, name: str, description: str, *, blocking: bool = True
) -> dg.AssetCheckSpec:
    """A check on the contract's table beyond the contract itself (computed by the asset)."""
    return dg.AssetCheckSpec(name, asset=_asset_key(contract), blocking=blocking, description=description)


def selected_check_names(context: dg.AssetExecutionContext) -> set[str]:
    """Names of the checks this run must report (the UI can deselect some)."""
    return {k.name for k in context.selected_asset_check_keys}


def _combine(
    name: str, contract: TableContract, by_key: dict[str | None, CheckOutcome]
) -> dg.AssetCheckResult:
    failed = {k: o for k, o in by_key.items() if not o.passed}
    metadata: dict[str, object] = {"partitions_evaluated": len(by_key)}
    if failed:
        first = next(iter(failed.values()))
        metadata.update(
            {
                "failing_partitions": dg.MetadataValue.json([str(k) for k in failed]),
                "failing_count": sum(o.failing_count for o in failed.values()),
                "failing_rows": dg.MetadataValue.json(first.failing_records()),
                "description": "; ".join(f"{k}: {o.description}" for k, o in failed.items())[:4000],
            }
        )
    else:
        metadata["description"] = next(iter(by_key.values())).description
    return dg.AssetCheckResult(
        asset_key=_asset_key(contract),
        check_name=name,
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata=metadata,
    )


def contract_check_results(
    contract: TableContract, frames: Mapping[str | None, pd.DataFrame]
) -> list[dg.AssetCheckResult]:
    per_key = {
        key: evaluate_contract(contract, frame, PartitionLocation.from_key(key).run_as_of_ts)
        for key, frame in frames.items()
    }
    results = []
    for index, name in enumerate(contract.check_names()):
        results.append(_combine(name, contract, {k: outcomes[index] for k, outcomes in per_key.items()}))
    return results


def contract_outputs(
    context: dg.AssetExecutionContext,
    contract: TableContract,
    output: pd.DataFrame | Mapping[str, pd.DataFrame],
    metadata: Mapping[str, object] | None = None,
    output_name: str = "result",
) -> Iterator[dg.AssetCheckResult | dg.Output]:
    """Yield the contract's check results, then the output for the IO manager (`output_name` names it
    in a multi-asset)."""
    if isinstance(output, pd.DataFrame):
        keys = (
            context.partition_keys if context.has_partition_key_range or context.has_partition_key else [None]
        )
        if len(keys) != 1:
            raise TypeError(f"{contract.table}: a multi-partition run must return a dict of DataFrames")
        frames: Mapping[str | None, pd.DataFrame] = {keys[0]: output}
    else:
        frames = output
    # Only the checks selected for this run may be reported (the UI can deselect
    # them); the IO manager enforces the whole contract either way.
    selected = context.selected_asset_check_keys
    for result in contract_check_results(contract, frames):
        if dg.AssetCheckKey(result.asset_key, result.check_name) in selected:
            yield result
    yield dg.Output(output, output_name=output_name, metadata=dict(metadata or {}))
