"""Cheaper, draw-for-draw identical equivalents of `Generator.choice` for the hot loops.

`Generator.choice` validates its arguments on every call, which costs far more
than the draw itself when it is called a few hundred thousand times per league.
These helpers consume the random stream exactly as `choice` does and return
the same values, so the league a seed generates does not change (checked by
generating leagues with both and comparing every table exactly):

- with weights `p`, `choice` draws one `rng.random()` and returns the index of
  the first normalized cumulative weight above it;
- without weights, it draws `rng.integers(0, len(values))`.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from typing import Generic, TypeVar

import numpy as np

T = TypeVar("T")


def weights_cdf(p: np.ndarray) -> np.ndarray:
    """The normalized cumulative weights `Generator.choice` searches (`p` already sums to ~1)."""
    cdf = np.asarray(p, dtype=float).cumsum()
    cdf /= cdf[-1]
    return cdf


def choice_index(rng: np.random.Generator, cdf: np.ndarray) -> int:
    """`rng.choice(len(cdf), p=p)` given `cdf = weights_cdf(p)`."""
    return int(cdf.searchsorted(rng.random(), side="right"))


def list_choice_index(rng: np.random.Generator, weights: list[float], total: float) -> int:
    """`rng.choice(len(weights), p=np.array(weights) / total)` for a short list, in plain Python.

    The same arithmetic step for step (elementwise division, a sequential cumulative sum,
    normalization by its last value, a right-side search), so the same index for the same
    draw, provided `total` is what numpy's sum gives (exact for the half-integer weights of
    the callers).
    """
    cdf = list(accumulate(w / total for w in weights))
    last = cdf[-1]
    return bisect_right([c / last for c in cdf], rng.random())


def uniform_choice(rng: np.random.Generator, values: Sequence[T]) -> T:
    """`rng.choice(values)` (no weights, one draw) returning the original Python object."""
    return values[int(rng.integers(0, len(values)))]


class Categorical(Generic[T]):
    """`rng.choice(values, p=p)` for fixed `values` and `p`, the weights prepared once."""

    def __init__(self, values: Sequence[T], p: np.ndarray) -> None:
        self.values = tuple(values)
        self.cdf = weights_cdf(p)

    def draw(self, rng: np.random.Generator) -> T:
        return self.values[choice_index(rng, self.cdf)]
