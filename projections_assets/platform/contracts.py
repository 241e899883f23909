"""Table contracts: a pandera schema plus keys, as-of columns and rules, and the checks they imply.

The machinery only: the product's contracts (one per lake table) live in `projections_assets.contracts`
and are handed to the IO manager. `evaluate_contract` is the single implementation of every contract
check; the IO manager runs it before promoting a file and the Dagster check factory turns its outcomes
into asset check results, so the UI and the lake can never disagree about what passed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
import pandera.errors
import pandera.pandas as pa

from projections_assets.platform.lake import TableRef

CHECK_SCHEMA = "contract_schema"
CHECK_UNIQUE_KEYS = "unique_keys"
CHECK_NON_EMPTY = "non_empty"
CHECK_ANTI_LEAK = "anti_leak"
CONTRACT_CHECKS = (CHECK_SCHEMA, CHECK_UNIQUE_KEYS, CHECK_NON_EMPTY, CHECK_ANTI_LEAK)

# How many offending rows a failed check carries into metadata and manifests.
MAX_FAILING_ROWS = 20


@dataclass(frozen=True)
class ContractRule:
    """A table-level rule beyond the schema: `failing(df)` returns the offending rows (empty = pass).

    Rules are part of the contract, so the IO manager refuses to promote a
    table that breaks one, exactly as for a schema violation.
    """

    name: str
    description: str
    failing: Callable[[pd.DataFrame], pd.DataFrame]


@dataclass(frozen=True)
class TableContract:
    """What a table promises its readers.

    `asof_column` holds when each row's information existed; with a partition's
    run_as_of_ts (and the game's tip in `tip_column`, when the table has one)
    it drives the anti-leak check: available_at <= min(run_as_of_ts, tip_ts).
    `write_options` are keyword arguments of `pyarrow.parquet.write_table` for
    a table whose size matters (compression, encodings); empty = pyarrow's defaults.
    """

    table: TableRef
    schema: pa.DataFrameSchema
    keys: tuple[str, ...]
    asof_column: str | None = "available_at"
    tip_column: str | None = None
    allow_empty: bool = False
    description: str = ""
    rules: tuple[ContractRule, ...] = ()
    write_options: Mapping[str, object] = field(default_factory=dict, hash=False, compare=False)

    def check_names(self) -> tuple[str, ...]:
        names = [CHECK_SCHEMA, CHECK_UNIQUE_KEYS]
        if not self.allow_empty:
            names.append(CHECK_NON_EMPTY)
        if self.asof_column:
            names.append(CHECK_ANTI_LEAK)
        names += [rule.name for rule in self.rules]
        return tuple(names)


@dataclass(frozen=True)
class CheckOutcome:
    name: str
    passed: bool
    description: str
    failing_count: int = 0
    failing_rows: pd.DataFrame = field(default_factory=pd.DataFrame)

    def failing_records(self) -> list[dict[str, object]]:
        """The first offending rows, as JSON-safe dicts."""
        return [
            {str(k): _json_safe(v) for k, v in row.items()}
            for row in self.failing_rows.head(MAX_FAILING_ROWS).to_dict(orient="records")
        ]


def _json_safe(value: object) -> object:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if value != value else value
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    return str(value)


class ContractViolation(ValueError):
    """A table failed its contract; nothing was promoted."""

    def __init__(self, table: TableRef, partition: str | None, failed: list[CheckOutcome]) -> None:
        self.table = table
        self.partition = partition
        self.failed = failed
        names = ", ".join(o.name for o in failed)
        details = "; ".join(f"{o.name}: {o.description}" for o in failed)
        super().__init__(
            f"{table} partition {partition or '(unpartitioned)'} failed contract check(s) {names}: {details}"
        )


def _schema_outcome(contract: TableContract, df: pd.DataFrame) -> CheckOutcome:
    try:
        contract.schema.validate(df, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        # A missing column has no `column` in pandera's report: its name is the failure case.
        labels = cases["column"].where(cases["column"].notna(), cases["failure_case"]).astype(str)
        summary = "; ".join(sorted({f"{c}: {chk}" for c, chk in zip(labels, cases["check"], strict=True)}))
        return CheckOutcome(CHECK_SCHEMA, False, summary[:2000], len(cases), cases.astype(str))
    return CheckOutcome(CHECK_SCHEMA, True, f"{len(df)} rows match {contract.table}'s schema")


def _keys_outcome(contract: TableContract, df: pd.DataFrame) -> CheckOutcome:
    missing = [k for k in contract.keys if k not in df.columns]
    if missing:
        return CheckOutcome(CHECK_UNIQUE_KEYS, False, f"key columns missing: {missing}")
    dup_mask = df.duplicated(list(contract.keys), keep=False)
    dups = df.loc[dup_mask, list(contract.keys)]
    if len(dups):
        return CheckOutcome(
            CHECK_UNIQUE_KEYS,
            False,
            f"{len(dups)} rows share a key ({', '.join(contract.keys)})",
            len(dups),
            dups,
        )
    return CheckOutcome(CHECK_UNIQUE_KEYS, True, f"keys ({', '.join(contract.keys)}) unique")


def _non_empty_outcome(df: pd.DataFrame) -> CheckOutcome:
    if len(df) == 0:
        return CheckOutcome(CHECK_NON_EMPTY, False, "table has no rows")
    return CheckOutcome(CHECK_NON_EMPTY, True, f"{len(df)} rows")


def _to_utc(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, utc=True)


def _anti_leak_outcome(
    contract: TableContract, df: pd.DataFrame, run_as_of_ts: datetime | None
) -> CheckOutcome:
    col = contract.asof_column
    assert col is not None
    if col not in df.columns:
        return CheckOutcome(CHECK_ANTI_LEAK, False, f"as-of column {col!r} missing")
    available = _to_utc(df[col])
    cutoff = pd.Series(pd.Timestamp.max.tz_localize("UTC"), index=df.index)
    if run_as_of_ts is not None:
        cutoff = cutoff.clip(upper=pd.Timestamp(run_as_of_ts).tz_convert("UTC"))
    if contract.tip_column:
        if contract.tip_column not in df.columns:
            return CheckOutcome(CHECK_ANTI_LEAK, False, f"tip column {contract.tip_column!r} missing")
        cutoff = pd.concat([cutoff, _to_utc(df[contract.tip_column])], axis=1).min(axis=1)
    leaked = available.isna() | (available > cutoff)
    if leaked.any():
        bound = "min(run_as_of_ts, tip)" if contract.tip_column else "run_as_of_ts"
        return CheckOutcome(
            CHECK_ANTI_LEAK,
            False,
            f"{int(leaked.sum())} rows have {col} missing or after {bound}"
            + (f" ({run_as_of_ts.isoformat()})" if run_as_of_ts else ""),
            int(leaked.sum()),
            df.loc[leaked],
        )
    return CheckOutcome(CHECK_ANTI_LEAK, True, f"every {col} <= cutoff")


def evaluate_contract(
    contract: TableContract, df: pd.DataFrame, run_as_of_ts: datetime | None = None
) -> list[CheckOutcome]:
    """Every check of `contract` on `df`, in `contract.check_names()` order."""
    outcomes = [_schema_outcome(contract, df), _keys_outcome(contract, df)]
    if not contract.allow_empty:
        outcomes.append(_non_empty_outcome(df))
    if contract.asof_column:
        outcomes.append(_anti_leak_outcome(contract, df, run_as_of_ts))
    outcomes += [_rule_outcome(rule, df, outcomes[0].passed) for rule in contract.rules]
    return outcomes


def _rule_outcome(rule: ContractRule, df: pd.DataFrame, schema_passed: bool) -> CheckOutcome:
    if not schema_passed:
        # A rule reads columns the schema promises; without them it cannot say anything.
        return CheckOutcome(rule.name, False, f"not evaluated: the schema check failed ({rule.description})")
    bad = rule.failing(df)
    if len(bad):
        return CheckOutcome(rule.name, False, f"{len(bad)} violations: {rule.description}", len(bad), bad)
    return CheckOutcome(rule.name, True, rule.description)
