"""Betting odds: the win probability a moneyline implies."""

from __future__ import annotations

import numpy as np
import pandas as pd


def implied_probability(price: pd.Series) -> pd.Series:
    """Win probability implied by a moneyline: American (|price| >= 100) or decimal odds."""
    p = price.astype("float64")
    american = p.abs() >= 100
    from_american = np.where(p > 0, 100.0 / (p + 100.0), -p / (-p + 100.0))
    from_decimal = 1.0 / p
    return pd.Series(np.where(american, from_american, from_decimal), index=price.index)
