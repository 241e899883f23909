"""A small partitioned chain on toy data: bronze -> silver -> published slate.

It exercises the platform exactly as the product's assets do (contract checks,
the lake IO manager, the lake reader, the publish step) without NBA logic.
"""

from datetime import timedelta

import dagster as dg
import pandas as pd
import pandera.pandas as pa

from projections_assets.contracts import register
from projections_assets.defs.checks import contract_check_specs, contract_outputs
from projections_assets.defs.partitions import SLATE_PARTITIONS
from projections_assets.defs.publish import build_slate_publish_asset
from projections_assets.defs.resources import LakeReader, lake_inputs_metadata, lake_io_manager
from projections_assets.platform.contracts import TableContract
from projections_assets.platform.lake import PartitionLocation, TableRef

TOY_EVENTS = register(
    TableContract(
        table=TableRef("bronze", "toy_events"),
        schema=pa.DataFrameSchema(
            {
                "event_id": pa.Column(str),
                "game_date": pa.Column(str),
                "value": pa.Column("int64", pa.Check.ge(0)),
                "available_at": pa.Column("datetime64[us, UTC]"),
            },
            strict=True,
        ),
        keys=("event_id",),
    )
)

TOY_TOTALS = register(
    TableContract(
        table=TableRef("silver", "toy_totals"),
        schema=pa.DataFrameSchema(
            {
                "game_date": pa.Column(str),
                "events_so_far": pa.Column("int64", pa.Check.ge(0)),
                "value_so_far": pa.Column("int64", pa.Check.ge(0)),
                "partition_events": pa.Column("int64", pa.Check.ge(0)),
                "available_at": pa.Column("datetime64[us, UTC]"),
            },
            strict=True,
        ),
        keys=("game_date",),
    )
)


class ToyConfig(dg.Config):
    leak: bool = False
    negative_value: bool = False


def toy_events_frame(key: str, leak: bool = False, negative_value: bool = False) -> pd.DataFrame:
    """Three events known at or before the partition's run_as_of_ts (deterministic in the key)."""
    location = PartitionLocation.from_key(key)
    assert location.run_as_of_ts is not None
    ts = location.run_as_of_ts
    slot = key.split("|")[1].replace(":", "")
    stamps = [ts - timedelta(minutes=10), ts - timedelta(minutes=5), ts]
    if leak:
        stamps[-1] = ts + timedelta(minutes=1)
    frame = pd.DataFrame(
        {
            "event_id": [f"{location.game_date}-{slot}-{i}" for i in range(3)],
            "game_date": [str(location.game_date)] * 3,
            "value": [1, 2, -3 if negative_value else 3],
            "available_at": pd.to_datetime(stamps, utc=True).as_unit("us"),
        }
    )
    return frame


@dg.asset(
    key=TOY_EVENTS.table.key_path,
    partitions_def=SLATE_PARTITIONS,
    check_specs=contract_check_specs(TOY_EVENTS),
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="bronze",
)
def toy_events(context: dg.AssetExecutionContext, config: ToyConfig):
    """Toy bronze events: three rows per partition, stamped up to run_as_of_ts."""
    frames = {k: toy_events_frame(k, config.leak, config.negative_value) for k in context.partition_keys}
    yield from contract_outputs(
        context, TOY_EVENTS, frames if len(frames) > 1 else next(iter(frames.values()))
    )


@dg.asset(
    key=TOY_TOTALS.table.key_path,
    partitions_def=SLATE_PARTITIONS,
    deps=[dg.AssetKey(TOY_EVENTS.table.key_path)],
    check_specs=contract_check_specs(TOY_TOTALS),
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="silver",
)
def toy_totals(context: dg.AssetExecutionContext, lake_reader: LakeReader):
    """Toy silver: everything known about the game_date as of the partition's run_as_of_ts."""
    frames, reads = {}, []
    for key in context.partition_keys:
        location = PartitionLocation.from_key(key)
        history = lake_reader.read(
            TOY_EVENTS.table, start=location.game_date, end=location.game_date, as_of=location.run_as_of_ts
        )
        reads.append(history)
        events = history.frame
        frames[key] = pd.DataFrame(
            {
                "game_date": [str(location.game_date)],
                "events_so_far": [len(events)],
                "value_so_far": [int(events["value"].sum()) if len(events) else 0],
                "partition_events": [
                    int(events["event_id"].str.contains(key.split("|")[1].replace(":", "")).sum())
                ],
                "available_at": pd.to_datetime([location.run_as_of_ts], utc=True).as_unit("us"),
            }
        )
    output = frames if len(frames) > 1 else next(iter(frames.values()))
    yield from contract_outputs(context, TOY_TOTALS, output, metadata=lake_inputs_metadata(*reads))


toy_published = build_slate_publish_asset([TOY_EVENTS.table, TOY_TOTALS.table])

TOY_ASSETS = [toy_events, toy_totals, toy_published]

TOY_JOB = dg.define_asset_job("toy_slate", selection=[a.key for a in TOY_ASSETS])

toy_defs = dg.Definitions(
    assets=TOY_ASSETS,
    jobs=[TOY_JOB],
    resources={"io_manager": lake_io_manager(), "lake_reader": LakeReader()},
)
