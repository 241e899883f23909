"""`core.points_evaluation`'s pure figures: the band coverage of a distribution with an atom at 0."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from projections_assets.core.points_evaluation import band_coverage


def _rows(actual: list[float], p10: list[float], p90: list[float], p_zero: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"actual_dk": actual, "dk_p10": p10, "dk_p90": p90, "dk_p_zero": p_zero})


def test_an_actual_off_zero_counts_one_inside_the_band_and_zero_outside() -> None:
    rows = _rows(
        [12.0, 4.0, 50.0, 30.0], [5.0, 5.0, 5.0, 0.0], [40.0, 40.0, 40.0, 40.0], [0.0, 0.0, 0.0, 0.3]
    )
    assert band_coverage(rows).tolist() == [1.0, 0.0, 0.0, 1.0]


@pytest.mark.parametrize(
    ("p_zero", "expected"),
    [
        (0.05, 0.0),  # the whole atom lies below the 10th percentile level
        (0.25, 0.6),  # levels 0.10-0.25 of 0-0.25
        (0.50, 0.8),  # levels 0.10-0.50 of 0-0.50
        (0.95, 0.8 / 0.95),  # levels 0.10-0.90 of 0-0.95
    ],
)
def test_an_actual_zero_counts_the_share_of_the_atom_inside_the_band(p_zero: float, expected: float) -> None:
    rows = _rows([0.0], [0.0], [30.0], [p_zero])
    assert band_coverage(rows).iloc[0] == pytest.approx(expected)


def test_a_zero_the_worlds_never_produced_counts_as_an_ordinary_actual() -> None:
    rows = _rows([0.0, 0.0], [0.0, 2.0], [30.0, 30.0], [0.0, 0.0])
    assert band_coverage(rows).tolist() == [1.0, 0.0]


def test_a_calibrated_distribution_with_an_atom_covers_eighty_percent_where_the_plain_interval_does_not() -> (
    None
):
    # He sits with probability 0.3, else scores uniformly on (0, 50]: p10 = 0, p90 = 0.3 + 0.7 u = 0.9.
    rng = np.random.default_rng(3)
    n = 200_000
    plays = rng.random(n) >= 0.3
    actual = np.where(plays, rng.uniform(0, 50, n), 0.0)
    p90 = 50 * (0.9 - 0.3) / 0.7
    rows = _rows(actual.tolist(), [0.0] * n, [p90] * n, [0.3] * n)
    assert band_coverage(rows).mean() == pytest.approx(0.8, abs=0.005)
    plain = ((actual >= 0) & (actual <= p90)).mean()
    assert plain == pytest.approx(0.9, abs=0.005)
