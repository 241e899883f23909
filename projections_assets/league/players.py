"""The player pool: identities, positions, talent and per-minute rates.

A player is a row index into parallel numpy arrays (`PlayerPool`), so a day
of the season updates everybody's form and role drift in a few vector ops.
Identity columns (names, bio) are plain lists because only tables read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

from .game import PCT_STATS, RATE_STATS
from .names import report_name, slug, synthesize_names
from .params import LeagueParams

DK_POSITIONS = ("PG", "SG", "SF", "PF", "C")
# Per-36 archetypes by primary DraftKings position, before league calibration.
_ARCHETYPE_PER36 = np.array(
    [
        # fg2a fg3a fta  ast  tov  oreb dreb stl  blk  pf
        [7.2, 6.6, 3.2, 7.2, 2.6, 0.6, 3.5, 1.35, 0.30, 2.4],  # PG
        [7.4, 6.8, 3.0, 3.8, 1.9, 0.7, 3.8, 1.20, 0.40, 2.6],  # SG
        [7.4, 5.8, 2.8, 2.9, 1.6, 1.1, 4.9, 1.10, 0.60, 2.9],  # SF
        [8.2, 4.4, 3.0, 2.5, 1.6, 2.0, 6.5, 0.90, 0.95, 3.2],  # PF
        [9.2, 1.6, 3.3, 2.6, 1.8, 3.6, 8.2, 0.80, 1.70, 3.6],  # C
    ]
)
_ARCHETYPE_PCT = np.array(
    [[0.51, 0.365, 0.84], [0.52, 0.37, 0.82], [0.53, 0.36, 0.79], [0.56, 0.35, 0.75], [0.61, 0.33, 0.70]]
)
# Share of DK-eligibility that is dual (e.g. "PG/SG"), and the adjacent second position.
_DUAL_SHARE = 0.45
_NBA_POSITION = {
    ("PG", False): "G",
    ("SG", False): "G",
    ("SF", False): "F",
    ("PF", False): "F",
    ("C", False): "C",
    ("PG", True): "G",
    ("SG", True): "G-F",
    ("SF", True): "F-G",
    ("PF", True): "F-C",
    ("C", True): "C-F",
}
_POS_GROUP = {"PG": 0, "SG": 0, "SF": 1, "PF": 1, "C": 2}
_COUNTRIES = ("USA",) * 14 + (
    "Canada",
    "France",
    "Serbia",
    "Australia",
    "Nigeria",
    "Germany",
    "Spain",
    "Lithuania",
    "Japan",
    "Cameroon",
    "Greece",
    "Slovenia",
)
_COLLEGES = (
    "Kentucky",
    "Duke",
    "Kansas",
    "North Carolina",
    "UCLA",
    "Gonzaga",
    "Arizona",
    "Villanova",
    "Baylor",
    "Michigan",
    "Texas",
    "Florida",
    "Auburn",
    "Houston",
    "Tennessee",
    "Alabama",
    "Connecticut",
    "Memphis",
    "Stanford",
    "Oregon",
    "Iowa State",
    "Virginia",
    "Utah State",
    "Santa Clara",
    "Wake Forest",
)
ROSTER_TYPES = ("standard", "two_way", "ten_day")


@dataclass
class PlayerPool:
    """All players ever created in a league, indexed 0..n-1."""

    person_id: list[int] = field(default_factory=list)
    first: list[str] = field(default_factory=list)
    last: list[str] = field(default_factory=list)
    dk_position: list[str] = field(default_factory=list)
    nba_position: list[str] = field(default_factory=list)
    bio: list[dict[str, object]] = field(default_factory=list)
    primary: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    pos_group: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    talent: np.ndarray = field(default_factory=lambda: np.zeros(0))
    usage: np.ndarray = field(default_factory=lambda: np.zeros(0))
    rates: np.ndarray = field(default_factory=lambda: np.zeros((0, len(RATE_STATS))))
    pct: np.ndarray = field(default_factory=lambda: np.zeros((0, len(PCT_STATS))))
    prone: np.ndarray = field(default_factory=lambda: np.zeros(0))
    birth_year: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    # Dynamic state, updated through the seasons.
    team: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    roster_type: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    base_min: np.ndarray = field(default_factory=lambda: np.zeros(0))
    form: np.ndarray = field(default_factory=lambda: np.zeros(0))
    contract_end: list[date | None] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.person_id)

    def name(self, i: int) -> str:
        return f"{self.first[i]} {self.last[i]}"

    def report_name(self, i: int) -> str:
        return report_name(self.first[i], self.last[i])


class IdAllocator:
    """Hands out unique NBA-style person ids (7 digits, 16xxxxx) and DraftKings player ids."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._used: set[int] = set()
        self._next_rookie = 1642400

    def veteran(self) -> int:
        while True:
            pid = int(self._rng.integers(1626100, 1642300))
            if pid not in self._used:
                self._used.add(pid)
                return pid

    def rookie(self) -> int:
        self._next_rookie += int(self._rng.integers(1, 40))
        self._used.add(self._next_rookie)
        return self._next_rookie


def add_players(
    pool: PlayerPool,
    rng: np.random.Generator,
    ids: IdAllocator,
    primary: np.ndarray,
    talent: np.ndarray,
    birth_year: np.ndarray,
    rookie: bool,
    rate_scale: np.ndarray | None,
    pct_shift: np.ndarray | None,
    usage_slope: float = 0.30,
    rate_slope: float = 0.10,
) -> np.ndarray:
    """Create players with the given primary positions and talents; returns their indices."""
    k = len(primary)
    start = pool.n
    names = synthesize_names(rng, k, taken={pool.name(i) for i in range(pool.n)})
    for j in range(k):
        pos = DK_POSITIONS[primary[j]]
        dual = bool(rng.random() < _DUAL_SHARE)
        if dual:
            # The adjacent position on the PG..C line; centers pair with PF.
            other = DK_POSITIONS[primary[j] + 1] if primary[j] < 4 else "PF"
            dk = "/".join(sorted((pos, other), key=DK_POSITIONS.index))
        else:
            dk = pos
        first, last = names[j]
        pool.person_id.append(ids.rookie() if rookie else ids.veteran())
        pool.first.append(first)
        pool.last.append(last)
        pool.dk_position.append(dk)
        pool.nba_position.append(_NBA_POSITION[(pos, dual)])
        height_in = int(np.clip(rng.normal([74, 77, 79, 81, 83][primary[j]], 1.6), 69, 88))
        by = int(birth_year[j])
        bdate = date(by, 1, 1) + timedelta(days=int(rng.integers(0, 365)))
        draft_year = by + int(rng.integers(19, 23))
        undrafted = rng.random() < 0.18
        pool.bio.append(
            {
                "height": f"{height_in // 12}-{height_in % 12}",
                "weight": int(np.clip(rng.normal(140 + 1.1 * height_in, 12), 165, 290)),
                "birth_date": bdate,
                "country": str(_COUNTRIES[rng.integers(len(_COUNTRIES))]),
                "college": str(_COLLEGES[rng.integers(len(_COLLEGES))]),
                "draft_year": draft_year,
                "draft_round": None if undrafted else int(1 + (rng.random() < 0.45)),
                "draft_number": None if undrafted else int(rng.integers(1, 31)),
                "jersey": str(
                    rng.choice(
                        [
                            0,
                            1,
                            2,
                            3,
                            4,
                            5,
                            7,
                            8,
                            9,
                            10,
                            11,
                            12,
                            13,
                            14,
                            15,
                            20,
                            21,
                            22,
                            23,
                            24,
                            25,
                            30,
                            31,
                            32,
                            33,
                            34,
                            35,
                            41,
                            42,
                            44,
                            55,
                            77,
                        ]
                    )
                ),
                "dk_player_id": int(20000 + (pool.person_id[-1] * 7919) % 900000),
                "slug": slug(first, last),
                "report_name": report_name(first, last),
            }
        )
        pool.contract_end.append(None)
    # Better players create more of their team's offense; rebounding and defense vary less with talent.
    usage = np.exp(usage_slope * talent + rng.normal(0, 0.14, k))
    other = np.exp(rate_slope * talent[:, None] + rng.normal(0, 0.22, (k, len(RATE_STATS))))
    per36 = _ARCHETYPE_PER36[primary] * other
    usage_cols = np.array([s in {"fg2a", "fg3a", "fta", "ast", "tov"} for s in RATE_STATS])
    per36[:, usage_cols] = (
        _ARCHETYPE_PER36[primary][:, usage_cols]
        * usage[:, None]
        * np.exp(rng.normal(0, 0.15, (k, int(usage_cols.sum()))))
    )
    per36[:, RATE_STATS.index("pf")] = _ARCHETYPE_PER36[primary, RATE_STATS.index("pf")] * np.exp(
        rng.normal(0, 0.18, k)
    )
    rates = per36 / 36.0
    if rate_scale is not None:
        rates = rates * rate_scale
    pct = (
        _ARCHETYPE_PCT[primary]
        + np.array([0.018, 0.012, 0.03]) * talent[:, None]
        + rng.normal(0, [0.025, 0.03, 0.06], (k, 3))
    )
    if pct_shift is not None:
        pct = pct + pct_shift
    pct = np.clip(pct, [0.38, 0.2, 0.45], [0.72, 0.46, 0.94])

    def cat(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.concatenate([a, b])

    pool.primary = cat(pool.primary, primary.astype(np.int64))
    pool.pos_group = cat(pool.pos_group, np.array([_POS_GROUP[DK_POSITIONS[p]] for p in primary], np.int64))
    pool.talent = cat(pool.talent, talent)
    pool.usage = cat(pool.usage, usage)
    pool.rates = np.concatenate([pool.rates, rates])
    pool.pct = np.concatenate([pool.pct, pct])
    pool.prone = cat(pool.prone, np.exp(rng.normal(0, 0.45, k)))
    pool.birth_year = cat(pool.birth_year, birth_year.astype(np.int64))
    pool.team = cat(pool.team, np.full(k, -1, np.int64))
    pool.roster_type = cat(pool.roster_type, np.zeros(k, np.int64))
    pool.base_min = cat(pool.base_min, np.zeros(k))
    pool.form = cat(pool.form, np.zeros(k))
    return np.arange(start, pool.n)


def calibrate_rates(
    pool: PlayerPool, weights: np.ndarray, params: LeagueParams
) -> tuple[np.ndarray, np.ndarray]:
    """Rescale rates so the minutes-weighted league averages hit the real per-36 figures.

    Returns the scale and percentage shift, reused for players created later.
    """
    w = weights / weights.sum()
    target = np.array([params.per36[s] for s in RATE_STATS]) / 36.0
    current = (pool.rates * w[:, None]).sum(0)
    scale = target / current
    # Usage-weighted shooting: percentages count by attempts.
    att = pool.rates[:, :3] * w[:, None]
    cur_pct = (pool.pct * att).sum(0) / att.sum(0)
    shift = np.array([params.pct[s] for s in PCT_STATS]) - cur_pct
    pool.rates *= scale
    pool.pct = np.clip(pool.pct + shift, [0.38, 0.2, 0.45], [0.72, 0.46, 0.94])
    return scale, shift


def players_frame(pool: PlayerPool) -> pd.DataFrame:
    """The `players` table: static identity and bio (roster membership lives in `rosters`)."""
    rows = []
    for i in range(pool.n):
        rows.append(
            {
                "person_id": pool.person_id[i],
                "first_name": pool.first[i],
                "last_name": pool.last[i],
                "display_name": pool.name(i),
                "report_name": pool.bio[i]["report_name"],
                "slug": pool.bio[i]["slug"],
                "position": pool.nba_position[i],
                "dk_position": pool.dk_position[i],
                "height": pool.bio[i]["height"],
                "weight": pool.bio[i]["weight"],
                "birth_date": pool.bio[i]["birth_date"],
                "country": pool.bio[i]["country"],
                "college": pool.bio[i]["college"],
                "draft_year": pool.bio[i]["draft_year"],
                "draft_round": pool.bio[i]["draft_round"],
                "draft_number": pool.bio[i]["draft_number"],
                "jersey": pool.bio[i]["jersey"],
                "dk_player_id": pool.bio[i]["dk_player_id"],
            }
        )
    df = pd.DataFrame(rows)
    for c in ("draft_round", "draft_number"):
        df[c] = df[c].astype("Int64")
    return df
