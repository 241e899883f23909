"""What the status surface shows, read from the lake with its own readers (pointers, never mtimes).

The published unified table comes through `projections export`'s reader (the slate pointer's member run),
the "what changed" rows through `projections explain`'s, the newest injury report from the bronze reports'
current runs. No Dagster.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
import pyarrow.parquet as pq

from projections_assets.cli.export import ExportError, published_unified_dir, slot_run_dir
from projections_assets.contracts.sources import BRONZE_INJURY_REPORTS
from projections_assets.contracts.unified import WHAT_CHANGED
from projections_assets.core.exports import main_draft_group
from projections_assets.core.what_changed import GROUP_WORDS
from projections_assets.partitions import InvalidPartitionKey, parse_key
from projections_assets.platform.lake import DATA_FILE, POINTERS_DIR, Lake
from projections_assets.platform.pointers import read_pointer
from projections_assets.platform.reader import read_history
from projections_assets.status.health import PublishedSlot

SLATE_POINTERS = "slate"
# How far back the newest injury report is looked for (game_dates before the clock's date).
REPORT_LOOKBACK_DAYS = 3


def published_slots(lake: Lake) -> list[PublishedSlot]:
    """Every game_date's published slot (its slate pointer), oldest slot first."""
    found = []
    for path in sorted((lake.root / POINTERS_DIR / SLATE_POINTERS).glob("game_date=*.json")):
        entry = read_pointer(path)
        if entry is None or not entry.partition_key:
            continue
        try:
            partition = parse_key(entry.partition_key)
        except InvalidPartitionKey:
            continue
        found.append(
            PublishedSlot(
                partition_key=partition.key,
                game_date=partition.game_date.isoformat(),
                slot=partition.slot_key,
                slot_ts=partition.run_as_of_ts,
                published_at=entry.published_at,
            )
        )
    return sorted(found, key=lambda s: s.slot_ts)


def newest_published(lake: Lake, now: datetime) -> PublishedSlot | None:
    """The newest published slot whose instant the clock has reached (a replayed day's later slots are not
    yet current), or None."""
    reached = [s for s in published_slots(lake) if s.slot_ts <= now]
    return reached[-1] if reached else None


def newest_report_ts(lake: Lake, now: datetime, lookback_days: int = REPORT_LOOKBACK_DAYS) -> datetime | None:
    """The stamp of the newest injury report captured in the lake at or before `now`, or None."""
    day = now.date()
    read = read_history(
        lake,
        BRONZE_INJURY_REPORTS.table,
        start=day - timedelta(days=lookback_days),
        end=day + timedelta(days=1),
        as_of=now,
        asof_column="report_ts",
        columns=["report_ts"],
    )
    stamps = read.frame["report_ts"].dropna() if "report_ts" in read.frame else pd.Series(dtype=object)
    return None if stamps.empty else pd.Timestamp(stamps.max()).tz_convert("UTC").to_pydatetime()


@dataclass(frozen=True)
class Slate:
    """A slot's published unified table (all draft groups) and its main group."""

    partition_key: str
    table: pd.DataFrame
    main_group: int | None

    @property
    def game_date(self) -> str:
        return self.partition_key.split("|")[0]

    @property
    def slot(self) -> str:
        return self.partition_key.split("|")[1]


def read_slate(lake: Lake, game_date: str, slot: str | None = None) -> Slate:
    """The game_date's published unified table (or `slot`'s current one); `ExportError` when there is none."""
    key, run_dir = published_unified_dir(lake, game_date, slot)
    table = pq.read_table(run_dir / DATA_FILE).to_pandas()
    return Slate(key, table, main_draft_group(table))


def last_changes(lake: Lake, partition_key: str) -> dict[int, str]:
    """player_id -> his DK mean's change since the previous slot and its largest part, in words; empty when the
    slot has no "what changed" run."""
    game_date, slot = partition_key.split("|")
    try:
        _, run_dir = slot_run_dir(lake, WHAT_CHANGED.table, game_date, slot)
    except ExportError:
        return {}
    table = pq.read_table(run_dir / DATA_FILE).to_pandas()
    out: dict[int, str] = {}
    for player_id, rows in table.groupby("player_id"):
        top = rows.loc[rows["part"].abs().idxmax()]
        why = GROUP_WORDS[top["group"]] + (f" ({top['detail']})" if top["detail"] else "")
        out[int(player_id)] = f"{rows['total'].iloc[0]:+.1f}: {why}"
    return out
