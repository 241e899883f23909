"""Drift: has the nightly evaluation's rolling p10-p90 coverage left its band?

A calibrated p10-p90 interval covers 80% of outcomes. Over a rolling window of game dates the coverage
of minutes (per horizon, on the players who played) and of DK points (at the last slot before tip) is
pooled, each date weighted by the rows it scored, and compared with a configured band: below it the
intervals are too narrow (overconfident), above it too wide. Too few rows in the window say nothing
either way (`min_rows`). Pure Python, no Dagster.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from projections_assets.core.alerts import Alert, Finding

Series = Literal["minutes", "points"]
SERIES: tuple[Series, ...] = ("minutes", "points")
LABELS: dict[Series, str] = {"minutes": "Minutes", "points": "DK points"}
COVERAGE = "coverage_p10_p90"
# What each evaluation's coverage is a share of: minutes cover the players who played, DK points every row.
WEIGHTS: dict[Series, str] = {"minutes": "played_rows", "points": "rows"}


@dataclass(frozen=True)
class Band:
    """The coverage a p10-p90 interval may have before it counts as drifted (inclusive)."""

    low: float
    high: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.low < self.high <= 1.0:
            raise ValueError(
                f"a coverage band needs 0 <= low < high <= 1, got low {self.low}, high {self.high}"
            )

    def __str__(self) -> str:
        return f"{self.low:.2f}-{self.high:.2f}"


@dataclass(frozen=True)
class CoverageDay:
    """One game date's coverage of one series (and horizon), and the rows it is a share of."""

    series: Series
    horizon: str | None
    game_date: str
    coverage: float
    rows: int


@dataclass(frozen=True)
class Rolling:
    series: Series
    horizon: str | None
    coverage: float
    rows: int
    first: str
    last: str
    dates: int

    @property
    def label(self) -> str:
        return LABELS[self.series] + (f" (horizon {self.horizon})" if self.horizon else "")


def coverage_days(evaluation: pd.DataFrame, series: Series) -> list[CoverageDay]:
    """The model's overall coverage per game date (and horizon) in an evaluation's long table
    (`gold/minutes_evaluation` or `gold/points_evaluation`: predictor, role, metric, value)."""
    if series not in WEIGHTS:
        raise ValueError(f"unknown coverage series {series!r}: one of {', '.join(SERIES)}")
    if evaluation.empty:
        return []
    model = evaluation[(evaluation["predictor"] == "model") & (evaluation["role"] == "all")]
    index = ["game_date", "horizon"] if "horizon" in model else ["game_date"]
    wide = model.pivot_table(index=index, columns="metric", values="value", aggfunc="first")
    if COVERAGE not in wide or WEIGHTS[series] not in wide:
        return []
    wide = wide.dropna(subset=[COVERAGE, WEIGHTS[series]]).reset_index()
    return [
        CoverageDay(
            series=series,
            horizon=str(row["horizon"]) if "horizon" in wide else None,
            game_date=str(row["game_date"]),
            coverage=float(row[COVERAGE]),
            rows=int(row[WEIGHTS[series]]),
        )
        for _, row in wide.iterrows()
    ]


def rolling_coverage(days: Iterable[CoverageDay]) -> list[Rolling]:
    """Per series and horizon, the window's coverage pooled over its rows."""
    groups: dict[tuple[Series, str | None], list[CoverageDay]] = {}
    for day in days:
        groups.setdefault((day.series, day.horizon), []).append(day)
    out = []
    for (series, horizon), part in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        rows = sum(d.rows for d in part)
        dates = sorted(d.game_date for d in part)
        covered = sum(d.coverage * d.rows for d in part)
        out.append(
            Rolling(
                series,
                horizon,
                covered / rows if rows else float("nan"),
                rows,
                dates[0],
                dates[-1],
                len(dates),
            )
        )
    return out


def drift_findings(
    days: Iterable[CoverageDay], bands: Mapping[Series, Band], min_rows: int, window_days: int
) -> list[Finding]:
    """A finding per series (and horizon) whose rolling coverage is outside its band, on `min_rows`+ rows."""
    findings = []
    for rolling in rolling_coverage(days):
        band = bands[rolling.series]
        if rolling.rows < min_rows or band.low <= rolling.coverage <= band.high:
            continue
        side = "low" if rolling.coverage < band.low else "high"
        meaning = "too narrow (overconfident)" if side == "low" else "too wide"
        findings.append(
            Finding(
                key=f"drift:{rolling.series}:{rolling.horizon or 'all'}:{side}",
                alert=Alert(
                    kind="drift",
                    title=(
                        f"{rolling.label} p10-p90 coverage {rolling.coverage:.2f} left its band {band} "
                        f"over the last {window_days} days"
                    ),
                    partition=f"{rolling.first}...{rolling.last}",
                    error=(
                        f"{rolling.label}: p10-p90 coverage {rolling.coverage:.3f} on {rolling.rows} rows of "
                        f"{rolling.dates} game dates ({rolling.first}..{rolling.last}), band {band}: the "
                        f"intervals are {meaning} for a nominal 80% band"
                    ),
                    details={
                        "metric": rolling.series,
                        "horizon": rolling.horizon,
                        "coverage": round(rolling.coverage, 4),
                        "low": band.low,
                        "high": band.high,
                        "rows": rolling.rows,
                        "game_dates": rolling.dates,
                        "first_date": rolling.first,
                        "last_date": rolling.last,
                        "window_days": window_days,
                    },
                ),
            )
        )
    return findings
