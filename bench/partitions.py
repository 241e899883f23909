"""Benchmark: why game_date x static report_slot instead of game_date x dynamic run_as_of_ts.

Measures, for both designs over the same 419-day span, how many partitions
Dagster materialises, how long it takes to enumerate them and to resolve a
month-long backfill range. The dynamic design is emulated with a static
dimension of 2,000 as-of keys (what a dynamic dimension crosses with every
date). Prints a table and writes bench/results/partitions.json.
"""

from datetime import UTC, datetime

import dagster as dg

from projections_assets.cli.bench import median_seconds, write_result
from projections_assets.defs.partitions import SLATE_PARTITIONS
from projections_assets.nba.calendar import EASTERN_NAME

NOW = datetime(2024, 11, 23, 12, tzinfo=UTC)  # 419 days after the grid's 2023-10-01 start
REPEATS = 3


def measure(name: str, partitions: dg.MultiPartitionsDefinition, first: str, last: str) -> dict[str, object]:
    keys = partitions.get_partition_keys(current_time=NOW)
    range_ = dg.PartitionKeyRange(first, last)
    in_range = partitions.get_partition_keys_in_range(range_)
    return {
        "design": name,
        "partitions": len(keys),
        "enumerate_s": round(
            median_seconds(lambda: partitions.get_partition_keys(current_time=NOW), REPEATS), 3
        ),
        "month_range_keys": len(in_range),
        "month_range_s": round(
            median_seconds(lambda: partitions.get_partition_keys_in_range(range_), REPEATS), 3
        ),
    }


def main(argv: list[str] | None = None) -> int:
    as_of_keys = [f"k{i:04d}" for i in range(2000)]
    dynamic_like = dg.MultiPartitionsDefinition(
        {
            "game_date": dg.DailyPartitionsDefinition("2023-10-01", timezone=EASTERN_NAME, end_offset=1),
            "run_as_of_ts": dg.StaticPartitionsDefinition(as_of_keys),
        }
    )
    rows = [
        measure("game_date x report_slot (chosen)", SLATE_PARTITIONS, "2024-01-01|17:30", "2024-01-31|17:30"),
        measure("game_date x 2000 as-of keys", dynamic_like, "2024-01-01|k0000", "2024-01-31|k1999"),
    ]
    header = f"{'design':36} {'partitions':>11} {'enumerate s':>12} {'month keys':>11} {'month s':>8}"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['design']:36} {r['partitions']:>11,} {r['enumerate_s']:>12} "
            f"{r['month_range_keys']:>11,} {r['month_range_s']:>8}"
        )
    write_result("partitions", {"rows": rows})
    return 0


if __name__ == "__main__":
    main()
