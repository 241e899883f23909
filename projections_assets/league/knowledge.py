"""What the oracle replays of one game: its setup and how each player's availability became known."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

import numpy as np

from .availability import TeamTimes
from .game import GameSetup


@dataclass
class GameKnowledge:
    """What the oracle needs to replay one game: its setup and each slot's knowledge path."""

    setup: GameSetup
    times: tuple[TeamTimes, TeamTimes]
    p_paths: list[list[list[tuple[int, float]]]]  # [side][slot] -> [(ts, p)]
    tip: int
    game_id: str
    # (change times, `[len(times) + 1, 2, N]` P(available) table), built by the first `p_known`.
    _timeline: tuple[list[int], np.ndarray] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def p_known(self, ts: int) -> np.ndarray:
        """P(available) of every roster slot `[2, N]` as known at `ts` (a new array; empty slots 0).

        A slot's value is that of the last entry of its path before the first entry stamped
        after `ts`; its first entry also holds before it. Lineups, quotes and contests ask
        this some twenty times per game, so the answers are tabulated once per change time.
        """
        if self._timeline is None:
            self._timeline = self._tabulate()
        times, table = self._timeline
        return table[bisect_right(times, ts)].copy()

    def _tabulate(self) -> tuple[list[int], np.ndarray]:
        n_sides, n_slots = self.setup.valid.shape
        # Per slot, (time an entry is reached, p): an entry is reached once it and every entry
        # before it on the path are stamped at or before the as-of time.
        reached: dict[tuple[int, int], list[tuple[int, float]]] = {}
        for s, side in enumerate(self.p_paths):
            for k, path in enumerate(side):
                top, steps = -(2**62), []
                for t, v in path:
                    top = max(top, t)
                    steps.append((top, v))
                reached[s, k] = steps
        times = sorted({t for steps in reached.values() for t, _ in steps})
        row = {t: r + 1 for r, t in enumerate(times)}
        n_rows = len(times) + 1
        # One column of values per slot, filled in Python and converted once.
        columns = []
        for s in range(n_sides):
            for k in range(n_slots):
                steps = reached.get((s, k))
                if steps is None:  # an empty roster slot
                    columns.append([0.0] * n_rows)
                    continue
                col = [steps[0][1] if steps else 1.0] * n_rows
                for t, v in steps:  # in path order: a later entry overwrites from its row on
                    r = row[t]
                    col[r:] = [v] * (n_rows - r)
                columns.append(col)
        table = np.array(columns, dtype=float).T.reshape(n_rows, n_sides, n_slots)
        return times, table
