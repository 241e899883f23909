"""Rosters over the seasons: initial rosters, roles, the off-season, drift, trades and call-ups.

`RosterMoves` is the part of `season.LeagueSimulator` that changes who is on which team (and the
roster rows and transactions that record it); the simulator's day loop calls it.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from .players import add_players, calibrate_rates
from .schedule import et_epoch


class RosterMoves:
    """Roster state changes of `LeagueSimulator` (a mixin: it reads and writes the simulator's state)."""

    # ----------------------------------------------------------------- rosters
    def _new_players(
        self, primary: np.ndarray, talent: np.ndarray, ages: np.ndarray, season_year: int, rookie: bool
    ) -> np.ndarray:
        idx = add_players(
            self.pool,
            self.rng,
            self.ids,
            primary,
            talent,
            season_year - ages,
            rookie,
            self.rate_scale,
            self.pct_shift,
            self.params.usage_talent_slope,
            self.params.rate_talent_slope,
        )
        self.health.grow(self.pool.n)
        return idx

    def _build_initial_rosters(self, season_year: int) -> None:
        p = self.params
        rng = self.rng
        for ti in range(len(self.teams)):
            self.team_strength[ti] = rng.normal(0, p.team_strength_sd)
            primary = np.repeat(np.arange(5), p.standard_roster // 5)
            talent = rng.normal(0.0, 1.0, primary.size) + rng.normal(0, 0.3)
            ages = np.clip(np.rint(rng.normal(26.5, 4.0, primary.size)), 19, 38).astype(int)
            idx = self._new_players(primary, talent, ages, season_year, rookie=False)
            self.pool.team[idx] = ti
            tw_primary = rng.integers(0, 5, p.two_way_roster)
            tw = self._new_players(
                tw_primary,
                rng.normal(-1.6, 0.5, p.two_way_roster),
                rng.integers(20, 25, p.two_way_roster),
                season_year,
                rookie=False,
            )
            self.pool.team[tw] = ti
            self.pool.roster_type[tw] = 1
        for ti in range(len(self.teams)):
            self._assign_roles(ti)
        self.rate_scale, self.pct_shift = calibrate_rates(self.pool, np.maximum(self.pool.base_min, 0.5), p)

    def _assign_roles(self, ti: int) -> None:
        """Depth chart from talent: the best player at each position starts, the rest by talent."""
        pool, p = self.pool, self.params
        members = np.flatnonzero((pool.team == ti) & (pool.roster_type != 1))
        order = members[np.argsort(-pool.talent[members], kind="stable")]
        starters: list[int] = []
        for pos in range(5):
            cands = [i for i in order if pool.primary[i] == pos and i not in starters]
            if cands:
                starters.append(cands[0])
        rest = [i for i in order if i not in starters]
        depth_order = sorted(starters, key=lambda i: -pool.talent[i]) + rest
        tmpl = np.array(p.depth_minutes)
        for rank, i in enumerate(depth_order):
            base = tmpl[min(rank, tmpl.size - 1)]
            pool.base_min[i] = max(0.5, base + self.rng.normal(0, 1.5))
        tw = np.flatnonzero((pool.team == ti) & (pool.roster_type == 1))
        pool.base_min[tw] = p.two_way_minutes * self.rng.uniform(0.5, 1.5, tw.size)

    def _open_roster_row(self, i: int, ti: int, d: date, how: str, season: str) -> None:
        self.roster_open[i] = {
            "season": season,
            "team_id": self.teams[ti].team_id,
            "person_id": self.pool.person_id[i],
            "roster_type": ("standard", "two_way", "ten_day")[self.pool.roster_type[i]],
            "from_date": d,
            "to_date": None,
            "how_acquired": how,
        }

    def _close_roster_row(self, i: int, d: date) -> None:
        row = self.roster_open.pop(i, None)
        if row is not None:
            row["to_date"] = d
            self.rec.rosters.append(row)

    # ------------------------------------------------------------- off-season
    def _offseason(self, season_year: int, season: str, first_day: date) -> None:
        """Aging, retirements and new players; injuries mostly heal over the summer."""
        pool, rng, p = self.pool, self.rng, self.params
        on_team = np.flatnonzero(pool.team >= 0)
        for i in on_team:
            self._close_roster_row(int(i), first_day - timedelta(days=120))
        age = season_year - pool.birth_year
        pool.talent += rng.normal(0, 0.25, pool.n) + np.where(age < 25, 0.15, np.where(age > 31, -0.2, 0.0))
        for i in np.flatnonzero(pool.roster_type == 2):
            pool.team[i] = -1
            pool.roster_type[i] = 0
        for ti in range(len(self.teams)):
            members = np.flatnonzero((pool.team == ti) & (pool.roster_type == 0))
            leave_p = p.new_players_per_season * np.where(age[members] > 32, 2.5, 1.0)
            leaving = members[rng.random(members.size) < leave_p]
            pool.team[leaving] = -1
            if leaving.size:
                new = self._new_players(
                    pool.primary[leaving],
                    rng.normal(-0.3, 0.9, leaving.size),
                    rng.integers(19, 23, leaving.size),
                    season_year,
                    rookie=True,
                )
                pool.team[new] = ti
            tws = np.flatnonzero((pool.team == ti) & (pool.roster_type == 1))
            pool.team[tws] = -1
            tw = self._new_players(
                rng.integers(0, 5, p.two_way_roster),
                rng.normal(-1.6, 0.5, p.two_way_roster),
                rng.integers(20, 24, p.two_way_roster),
                season_year,
                rookie=True,
            )
            pool.team[tw] = ti
            pool.roster_type[tw] = 1
            # 60% carries over; the fresh part keeps the spread stationary.
            self.team_strength[ti] = 0.6 * self.team_strength[ti] + rng.normal(0, 0.8 * p.team_strength_sd)
            self._assign_roles(ti)
        for i in range(pool.n):
            if self.health.cls[i] >= 0:
                self.health.cls[i] = 3 if self.health.cls[i] == 4 and rng.random() < 0.5 else -1
        pool.form[:] = 0.0

    # ----------------------------------------------------------- roster moves
    def _drift(self, days: int) -> None:
        """Form (AR(1)) and role (random walk) drift between game days."""
        if days <= 0:
            return
        pool, p, rng = self.pool, self.params, self.rng
        phi = 0.5 ** (days / p.form_halflife_days)
        pool.form = phi * pool.form + np.sqrt(1 - phi**2) * p.form_sd * rng.standard_normal(pool.n)
        std = pool.roster_type != 1
        step = rng.standard_normal(pool.n) * p.minutes_drift_sd * np.sqrt(days)
        # Mild pull back toward the role keeps a season's drift bounded.
        pool.base_min = np.where(std, np.clip(pool.base_min + step, 0.3, 39.0), pool.base_min)
        for ti in range(len(self.teams)):
            if rng.random() < p.role_swap_rate_per_day * days:
                members = np.flatnonzero((pool.team == ti) & std)
                ranked = members[np.argsort(-pool.base_min[members], kind="stable")]
                if ranked.size > 8:
                    a = int(rng.integers(2, 7))
                    b = a + int(rng.integers(1, 3))
                    ia, ib = ranked[a], ranked[b]
                    pool.base_min[ia], pool.base_min[ib] = pool.base_min[ib], pool.base_min[ia]

    def _trade(self, d: date, season: str, ts: int) -> list[int]:
        """Two teams swap rotation players of similar roles."""
        pool, rng = self.pool, self.rng
        ta, tb = (int(x) for x in rng.choice(len(self.teams), 2, replace=False))
        moved: list[int] = []
        picks = []
        for t in (ta, tb):
            members = np.flatnonzero((pool.team == t) & (pool.roster_type == 0))
            ranked = members[np.argsort(-pool.base_min[members], kind="stable")]
            picks.append(int(ranked[int(rng.integers(3, min(12, ranked.size)))]))
        ia, ib = picks
        pool.base_min[ia], pool.base_min[ib] = pool.base_min[ib], pool.base_min[ia]
        for i, src, dst in ((ia, ta, tb), (ib, tb, ta)):
            self._close_roster_row(i, d - timedelta(days=1))
            pool.team[i] = dst
            self._open_roster_row(i, dst, d, f"Traded from {self.teams[src].tricode} on {d:%m/%d/%y}", season)
            self.rec.transactions.append(
                {
                    "date": d,
                    "available_at": ts,
                    "type": "trade",
                    "person_id": pool.person_id[i],
                    "from_team_id": self.teams[src].team_id,
                    "to_team_id": self.teams[dst].team_id,
                }
            )
            moved.append(i)
        return moved

    def _call_up(self, ti: int, d: date, season: str, season_year: int) -> None:
        """Hardship signing: a G League player on a 10-day contract."""
        pool, rng = self.pool, self.rng
        new = self._new_players(
            rng.integers(0, 5, 1), rng.normal(-1.4, 0.5, 1), rng.integers(21, 27, 1), season_year, rookie=True
        )
        i = int(new[0])
        pool.team[i] = ti
        pool.roster_type[i] = 2
        pool.base_min[i] = float(rng.uniform(2.0, 7.0))
        pool.contract_end[i] = d + timedelta(days=9)
        self._open_roster_row(i, ti, d, f"Signed on {d:%m/%d/%y}", season)
        self.rec.transactions.append(
            {
                "date": d,
                "available_at": et_epoch(d, 9 * 60),
                "type": "ten_day_signing",
                "person_id": pool.person_id[i],
                "from_team_id": None,
                "to_team_id": self.teams[ti].team_id,
            }
        )
