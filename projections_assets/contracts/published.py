"""Contracts of the publication records: which run of each table a published slate is made of."""

import pandera.pandas as pa

from projections_assets.contracts import register
from projections_assets.platform.contracts import TableContract
from projections_assets.platform.lake import TableRef

SLATE_PUBLICATION = register(
    TableContract(
        table=TableRef("published", "slate"),
        schema=pa.DataFrameSchema(
            {
                "table": pa.Column(str),
                "partition_key": pa.Column(str),
                "run_id": pa.Column(str),
                "path": pa.Column(str),
                "row_count": pa.Column("int64", pa.Check.ge(0)),
            },
            strict=True,
        ),
        keys=("table",),
        asof_column=None,
        description="One row per member table of a published slate: the exact run it publishes.",
    )
)
