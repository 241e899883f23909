"""The run-scoped atomic parquet IO manager (the only Dagster-aware piece of platform/).

Every asset output lands in `<lake>/<layer>/<table>/<partition>/run=<dagster run id>/`
through `publish_partition` (stage, fsync, validate against the table's
contract, manifest, rename, pointer); inputs are loaded through the
partition's pointer. Using the Dagster run id as the run directory means all
steps of a run agree on it by construction.

The platform knows no table: the code location names, in the `contracts`
field, the function that returns each table's contract.
"""

import importlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import pandas as pd
from pydantic import Field, PrivateAttr

from projections_assets.platform.contracts import TableContract
from projections_assets.platform.lake import DATA_FILE, Lake, PartitionLocation, TableRef
from projections_assets.platform.manifests import InputRecord, utcnow
from projections_assets.platform.publish import current_run_dir, load_partition, publish_partition
from projections_assets.settings import resolve_lake_root

# Output metadata key under which an asset hands the IO manager the lineage of
# history it read through the lake reader (see defs.resources.lake_inputs_metadata).
LAKE_INPUTS_METADATA_KEY = "lake_inputs"


def _partition_keys(context: dg.OutputContext | dg.InputContext) -> list[str | None]:
    if not context.has_asset_partitions:
        return [None]
    return list(context.asset_partition_keys)


def _frames_by_key(obj: Any, keys: list[str | None], asset: str) -> dict[str | None, pd.DataFrame]:
    if isinstance(obj, pd.DataFrame):
        if len(keys) != 1:
            raise TypeError(
                f"{asset}: a run over {len(keys)} partitions must return a dict of partition key -> DataFrame"
            )
        return {keys[0]: obj}
    if isinstance(obj, Mapping):
        missing = [k for k in keys if k not in obj]
        extra = [k for k in obj if k not in keys]
        if missing or extra:
            raise KeyError(
                f"{asset}: output partitions differ from the run's (missing {missing}, extra {extra})"
            )
        for key, frame in obj.items():
            if not isinstance(frame, pd.DataFrame):
                raise TypeError(f"{asset} partition {key}: expected a DataFrame, got {type(frame).__name__}")
        return dict(obj)
    raise TypeError(f"{asset}: expected a DataFrame or a dict of DataFrames, got {type(obj).__name__}")


def _step_name(context: dg.OutputContext | dg.InputContext) -> str:
    """The consuming/producing op's name: pairs a step's loads with its outputs."""
    try:
        return context.op_def.name
    except dg.DagsterInvariantViolationError:
        # Contexts built outside a run (tests, scripts) may carry no op.
        return context.asset_key.to_user_string()


def _lake_input_records(context: dg.OutputContext, key: str | None) -> list[InputRecord]:
    """Inputs the asset declared in its output metadata: a list for every partition, or one per key."""
    value = (context.output_metadata or {}).get(LAKE_INPUTS_METADATA_KEY)
    data = getattr(value, "data", value)
    if isinstance(data, Mapping):
        data = data.get(str(key), [])
    return [InputRecord.model_validate(item) for item in data or []]


def load_contract_lookup(path: str) -> Callable[[TableRef], TableContract]:
    """The function named `module:attribute` that returns a table's contract."""
    module_name, sep, attribute = path.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"contracts {path!r} is not 'module:function'")
    try:
        lookup = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"contracts {path!r}: cannot import it ({exc})") from exc
    if not callable(lookup):
        raise ValueError(f"contracts {path!r} is not a function")
    return lookup


class LakeIOManager(dg.ConfigurableIOManager):
    """Writes every output atomically into a run directory and loads inputs through pointers."""

    lake_root: str | None = Field(
        default=None,
        description=(
            "Directory of the lake. Unset: $PROJECTIONS_LAKE_ROOT at run time, else $PROJECTIONS_HOME (or the working directory)/.lake."
        ),
    )

    contracts: str = Field(
        description=(
            "The function that returns each table's contract, as 'module:function' (a TableRef in, a "
            "TableContract out): every output is validated against it before it is promoted."
        ),
    )

    # Inputs loaded per step (op name) in this process, for the step's manifests.
    _loaded: dict[str, list[InputRecord]] = PrivateAttr(default_factory=dict)

    def lake(self) -> Lake:
        return Lake(resolve_lake_root(self.lake_root))

    def handle_output(self, context: dg.OutputContext, obj: Any) -> None:
        table = TableRef.from_path(context.asset_key.path)
        contract = load_contract_lookup(self.contracts)(table)
        lake = self.lake()
        keys = _partition_keys(context)
        frames = _frames_by_key(obj, keys, str(table))
        loaded = self._loaded.pop(_step_name(context), [])
        started = utcnow()
        run_dirs: list[str] = []
        rows = 0
        for key in keys:
            location = PartitionLocation.from_key(key)
            result = publish_partition(
                lake,
                table,
                location,
                context.run_id,
                frames[key],
                contract,
                inputs=loaded + _lake_input_records(context, key),
                orchestrator_run_id=context.run_id,
                started_at=started,
            )
            run_dirs.append(lake.relative(result.run_dir))
            rows += result.manifest.outputs[0].row_count
        context.add_output_metadata(
            {
                "lake_path": dg.MetadataValue.path(
                    run_dirs[0] if len(run_dirs) == 1 else lake.relative(lake.table_dir(table))
                ),
                "run_dirs": dg.MetadataValue.json(run_dirs),
                "dagster/row_count": rows,
                "partitions_written": len(run_dirs),
            }
        )

    def load_input(self, context: dg.InputContext) -> pd.DataFrame | dict[str, pd.DataFrame]:
        table = TableRef.from_path(context.asset_key.path)
        lake = self.lake()
        keys = _partition_keys(context)
        frames: dict[str | None, pd.DataFrame] = {}
        records = self._loaded.setdefault(_step_name(context), [])
        for key in keys:
            location = PartitionLocation.from_key(key)
            run_dir: Path = current_run_dir(lake, table, location)
            frame = load_partition(lake, table, location)
            frames[key] = frame
            records.append(
                InputRecord(
                    name=str(table),
                    path=lake.relative(run_dir / DATA_FILE),
                    partition=key,
                    run_id=run_dir.name.removeprefix("run="),
                    row_count=len(frame),
                    file_count=1,
                )
            )
        if len(keys) == 1:
            return frames[keys[0]]
        return {str(k): v for k, v in frames.items()}
