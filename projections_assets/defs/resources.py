"""Resources shared by every asset: the lake IO manager and the lake reader."""

from collections.abc import Sequence
from datetime import date, datetime

import dagster as dg
from pydantic import Field

from projections_assets.platform.io_manager import LAKE_INPUTS_METADATA_KEY, LakeIOManager
from projections_assets.platform.lake import Lake, TableRef
from projections_assets.platform.reader import HistoryRead, read_history
from projections_assets.settings import resolve_lake_root

LAKE_IO_MANAGER_KEY = "io_manager"


class LakeReader(dg.ConfigurableResource):
    """Reads a table's history across partitions (current runs only) in one filtered scan."""

    lake_root: str | None = Field(
        default=None,
        description=(
            "Directory of the lake. Unset: $PROJECTIONS_LAKE_ROOT at run time, else <project>/.lake."
        ),
    )

    def lake(self) -> Lake:
        return Lake(resolve_lake_root(self.lake_root))

    def read(
        self,
        table: TableRef,
        *,
        start: date | None = None,
        end: date | None = None,
        as_of: datetime | None = None,
        asof_column: str = "available_at",
        columns: Sequence[str] | None = None,
    ) -> HistoryRead:
        """Rows of `table` with game_date in [start, end] and `asof_column <= as_of`."""
        return read_history(
            self.lake(), table, start=start, end=end, as_of=as_of, asof_column=asof_column, columns=columns
        )


def lake_inputs_metadata(*reads: HistoryRead) -> dict[str, dg.MetadataValue]:
    """Output metadata that carries lake-reader lineage into the partition's manifest."""
    return {
        LAKE_INPUTS_METADATA_KEY: dg.MetadataValue.json([r.record.model_dump(mode="json") for r in reads])
    }


def default_resources() -> dict[str, dg.ConfigurableResource | dg.ConfigurableIOManager]:
    return {LAKE_IO_MANAGER_KEY: LakeIOManager(), "lake_reader": LakeReader()}
