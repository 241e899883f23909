"""The season loop: day by day, rosters drift (`rosters.py`), news happens, games are played.

Outputs plain row lists (turned into tables by `generate.py`) plus, per game,
the `GameSetup` and knowledge paths the oracle replays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

import numpy as np
import pandas as pd

from .availability import (
    RETURN_HAZARD,
    PlayerContext,
    PlayerDay,
    TeamTimes,
    body_of,
    draw_injury,
    player_day,
)
from .game import (
    BOX_STATS,
    GameSetup,
    dk_points,
    draw_script,
    plus_minus,
    rebalance_points,
    simulate_box,
    simulate_minutes,
    team_volume,
)
from .knowledge import GameKnowledge
from .params import LeagueParams
from .players import DK_POSITIONS, IdAllocator, PlayerPool
from .rosters import RosterMoves
from .schedule import back_to_back_flags, et_epoch, load_teams, season_schedule, season_start_years

KNOCK_RATE = 0.03
GAME_LENGTH_S = int(2.4 * 3600)


@dataclass
class Records:
    """Row lists accumulated over the seasons."""

    games: list[dict[str, object]] = field(default_factory=list)
    box: list[dict[str, object]] = field(default_factory=list)
    news: list[dict[str, object]] = field(default_factory=list)
    filings: list[dict[str, object]] = field(default_factory=list)
    lineups: list[dict[str, object]] = field(default_factory=list)
    transactions: list[dict[str, object]] = field(default_factory=list)
    rosters: list[dict[str, object]] = field(default_factory=list)
    knowledge: list[GameKnowledge] = field(default_factory=list)


@dataclass
class _Health:
    """Injury state per player index (grows with the pool)."""

    cls: list[int] = field(default_factory=list)
    reason: list[str] = field(default_factory=list)
    last_body: list[str | None] = field(default_factory=list)
    since_return: list[int] = field(default_factory=list)

    def grow(self, n: int) -> None:
        while len(self.cls) < n:
            self.cls.append(-1)
            self.reason.append("")
            self.last_body.append(None)
            self.since_return.append(999)


class _Fixture(NamedTuple):
    """The schedule fields the simulation of one game reads."""

    game_id: str
    game_date: date
    away_team_id: int
    home_team_id: int


class LeagueSimulator(RosterMoves):
    """Runs the seasons of one seeded league."""

    def __init__(
        self, params: LeagueParams, seed: int, progress: Callable[[str], None] | None = None
    ) -> None:
        self.params = params
        self.seed = seed
        self.rng = np.random.default_rng([seed, 1])
        self.ids = IdAllocator(np.random.default_rng([seed, 2]))
        self.pool = PlayerPool()
        self.health = _Health()
        self.rec = Records()
        self.teams = load_teams()
        self.team_strength = np.zeros(len(self.teams))
        self.last_game_end = np.zeros(len(self.teams), dtype=np.int64)
        self.progress = progress or (lambda _msg: None)
        self.rate_scale: np.ndarray | None = None
        self.pct_shift: np.ndarray | None = None
        self.roster_open: dict[int, dict[str, object]] = {}
        self.game_counter = 0

    # --------------------------------------------------------------- the days
    def _team_times(self, ti: int, d: date, tip: int, b2b: bool) -> TeamTimes:
        rng = self.rng
        prev = d - timedelta(days=1)
        if b2b:
            filed = et_epoch(d, int(rng.integers(11 * 60, 12 * 60 + 50)))
        else:
            filed = et_epoch(prev, int(rng.integers(13 * 60, 16 * 60 + 55)))
        initial = max(et_epoch(prev, 9 * 60), int(self.last_game_end[ti]) + 600)
        filed = min(filed, tip - 4 * 3600)
        initial = min(initial, filed - 600)
        aft = min(et_epoch(d, int(rng.integers(13 * 60, 14 * 60 + 30))), tip - 150 * 60)
        eve = min(et_epoch(d, int(rng.integers(17 * 60, 18 * 60 + 45))), tip - 100 * 60)
        pre = tip - int(rng.integers(40, 91)) * 60
        aft = max(aft, filed + 300)
        eve = max(eve, aft + 300)
        pre = min(max(pre, eve + 300), tip - 35 * 60)
        return TeamTimes(initial, filed, aft, eve, pre, tip - 30 * 60)

    def _contexts(
        self, members: np.ndarray, depth: np.ndarray, b2b: bool, traded: set[int], season_year: int
    ) -> list[PlayerContext]:
        pool, p, h = self.pool, self.params, self.health
        out = []
        for k, i in enumerate(members):
            i = int(i)
            age = season_year - int(pool.birth_year[i])
            if i in traded:
                out.append(PlayerContext("traded"))
            elif h.cls[i] >= 0:
                out.append(PlayerContext("injured", injury_class=h.cls[i], injury_reason=h.reason[i]))
            elif pool.roster_type[i] == 1:
                out.append(
                    PlayerContext(
                        "two_way", q_assign=p.two_way_assignment_rate, assign_reason="G League - Two-Way"
                    )
                )
            else:
                dk = int(depth[k])
                if b2b and dk < 5 and age >= 30:
                    q_rest = p.rest_rate_b2b_star
                elif b2b and dk < 8:
                    q_rest = 0.02
                else:
                    q_rest = p.rest_rate_other if dk < 8 else 0.0
                recur = h.since_return[i] < p.recurrence_window_games
                out.append(
                    PlayerContext(
                        "healthy",
                        q_assign=p.standard_assignment_rate if (dk >= 11 and age <= 23) else 0.0,
                        q_rest=q_rest,
                        q_personal=p.personal_absence_rate,
                        q_knock=min(
                            0.5, KNOCK_RATE * float(pool.prone[i]) * (p.recurrence_multiplier if recur else 1)
                        ),
                        q_late=p.late_scratch_rate if dk < 13 else 0.0,
                    )
                )
        return out

    def run(self) -> Records:
        p = self.params
        years = season_start_years(p.seasons, p.last_season_start_year)
        for si, year in enumerate(years):
            games = season_schedule(year, si)
            season = games["season"].iloc[0]
            first_day = games["game_date"].iloc[0]
            if si == 0:
                self._build_initial_rosters(year)
            else:
                self._offseason(year, season, first_day)
            for i in np.flatnonzero(self.pool.team >= 0):
                self._open_roster_row(
                    int(i), int(self.pool.team[i]), first_day - timedelta(days=7), "Roster", season
                )
            self._run_season(games, season, year, si)
            self.progress(f"season {season}: {len(games)} games simulated")
        for i in list(self.roster_open):
            row = self.roster_open.pop(i)
            row["to_date"] = None
            self.rec.rosters.append(row)
        return self.rec

    def _trade_days(self, games: pd.DataFrame) -> dict[date, int]:
        """Trade dates: a trickle from mid-December and a rush before the deadline."""
        rng, p = self.rng, self.params
        dates = sorted(set(games["game_date"]))
        start = dates[0] + timedelta(days=55)
        deadline = dates[0] + timedelta(days=107)
        pool_dates = [d for d in dates if start <= d <= deadline]
        late = [d for d in pool_dates if d >= deadline - timedelta(days=7)]
        counts: dict[date, int] = {}
        for k in range(p.trades_per_season):
            src = late if (k % 2 == 0 and late) else pool_dates
            d = src[int(rng.integers(len(src)))]
            counts[d] = counts.get(d, 0) + 1
        return counts

    def _run_season(self, games: pd.DataFrame, season: str, year: int, si: int) -> None:
        pool = self.pool
        b2b = back_to_back_flags(games)
        trade_days = self._trade_days(games)
        team_index = {t.team_id: k for k, t in enumerate(self.teams)}
        tip_epoch = (games["tip_ts"].astype("int64") // 10**6).to_numpy()
        # Plain tuples: a pandas row per game cost more than some of the game's simulation.
        fixtures = [
            _Fixture(str(gid), gd, int(away), int(home))
            for gid, gd, away, home in zip(
                games["game_id"],
                games["game_date"],
                games["away_team_id"],
                games["home_team_id"],
                strict=True,
            )
        ]
        prev_day: date | None = None
        pending_trade: dict[int, date] = {}
        for d, day_games in games.groupby("game_date", sort=True):
            if prev_day is not None:
                self._drift((d - prev_day).days)
            prev_day = d
            for i in range(pool.n):
                end = pool.contract_end[i]
                if end is not None and end < d and pool.team[i] >= 0:
                    self._close_roster_row(i, end)
                    pool.team[i] = -1
                    pool.contract_end[i] = None
                    self.rec.transactions.append(
                        {
                            "date": d,
                            "available_at": et_epoch(d, 9 * 60),
                            "type": "contract_expired",
                            "person_id": pool.person_id[i],
                            "from_team_id": None,
                            "to_team_id": None,
                        }
                    )
            for _ in range(trade_days.get(d, 0)):
                for i in self._trade(d, season, et_epoch(d, 10 * 60)):
                    pending_trade[i] = d
            for gi in day_games.index:
                self._play_game(
                    fixtures[gi], int(tip_epoch[gi]), b2b[gi], team_index, season, year, pending_trade
                )
            pending_trade = {i: td for i, td in pending_trade.items() if td >= d}

    # ------------------------------------------------------------- one game
    def _play_game(
        self,
        g: _Fixture,
        tip: int,
        b2b: np.ndarray,
        team_index: dict[int, int],
        season: str,
        year: int,
        pending_trade: dict[int, date],
    ) -> None:
        pool, p, rng = self.pool, self.params, self.rng
        d = g.game_date
        sides = (team_index[g.away_team_id], team_index[g.home_team_id])
        cap = p.roster_capacity
        n = cap
        valid = np.zeros((2, n), bool)
        idx = np.full((2, n), -1, np.int64)
        days: list[list[PlayerDay]] = [[], []]
        times: list[TeamTimes] = []
        for s, ti in enumerate(sides):
            healthy_std = [
                i
                for i in np.flatnonzero((pool.team == ti) & (pool.roster_type != 1))
                if self.health.cls[i] < 0 or self.health.cls[i] == 0
            ]
            members_now = int((pool.team == ti).sum())
            if len(healthy_std) < 12 and members_now < cap:
                self._call_up(ti, d, season, year)
            members = np.flatnonzero(pool.team == ti)
            # Listing order: standard contracts by role, then two-ways.
            order = np.lexsort((-pool.base_min[members], pool.roster_type[members] == 1))
            members = members[order][:cap]
            depth = np.argsort(
                np.argsort(
                    -np.where(pool.roster_type[members] == 1, -1, pool.base_min[members]), kind="stable"
                ),
                kind="stable",
            )
            t = self._team_times(ti, d, tip, bool(b2b[s]))
            times.append(t)
            traded = {i for i, td in pending_trade.items() if td == d}
            ctxs = self._contexts(members, depth, bool(b2b[s]), traded, year)
            for k, (i, ctx) in enumerate(zip(members, ctxs, strict=True)):
                recur = self.health.since_return[int(i)] < p.recurrence_window_games
                pd_ = player_day(ctx, t, rng, recur, self.health.last_body[int(i)])
                days[s].append(pd_)
                valid[s, k] = True
                idx[s, k] = i
        setup = self._setup(idx, valid, sides, b2b)
        avail = np.zeros((1, 2, n), bool)
        for s in range(2):
            for k, pdy in enumerate(days[s]):
                avail[0, s, k] = pdy.available
        margin, n_ot = draw_script(setup, avail, p, rng)
        seconds, injured = simulate_minutes(setup, avail, margin, n_ot, p, rng)
        box = simulate_box(setup, seconds, p, rng)
        # The score: both teams' expected output plus game-level noise, split by the margin.
        exp_pts = self._expected_points(setup, seconds)
        ot = int(n_ot[0])
        if ot:
            m_final = int(rng.integers(1, 9)) * (1 if rng.random() < 0.5 + 0.02 * margin[0] else -1)
        else:
            m_final = int(np.rint(margin[0])) or (1 if margin[0] >= 0 else -1)
        total = int(np.rint(exp_pts.sum() + rng.normal(0, p.total_noise_sd)))
        if (total + m_final) % 2:
            total += 1
        home_pts = (total + m_final) // 2
        target = np.array([total - home_pts, home_pts])
        rebalance_points(box, seconds, target, rng)
        dk = dk_points(box)
        pm = plus_minus(seconds, m_final, rng)
        starters = self._starters(setup, avail[0])
        gk = GameKnowledge(
            setup, (times[0], times[1]), [[pdy.p_path for pdy in days[s]] for s in range(2)], tip, g.game_id
        )
        self._record_game(g, gk, days, seconds[0], box, dk[0], pm, starters, injured[0], target, ot, sides)
        end = tip + GAME_LENGTH_S + ot * 15 * 60
        for ti in sides:
            self.last_game_end[ti] = end
        self.rec.knowledge.append(gk)
        self.game_counter += 1

    def _setup(
        self, idx: np.ndarray, valid: np.ndarray, sides: tuple[int, int], b2b: np.ndarray
    ) -> GameSetup:
        pool = self.pool
        safe = np.where(valid, idx, 0)
        base = np.where(valid, pool.base_min[safe], 0.0)
        depth = np.argsort(
            np.argsort(-np.where(valid, base, -1.0), axis=-1, kind="stable"), axis=-1, kind="stable"
        )
        form = np.exp(pool.form[safe])
        rates = team_volume(pool.rates[safe] * form[..., None], base, valid, self.params)
        return GameSetup(
            game_index=self.game_counter,
            valid=valid,
            person_id=np.where(valid, np.asarray(pool.person_id, np.int64)[safe], 0),
            base_min=base,
            depth=depth,
            pos_group=pool.pos_group[safe],
            rates=rates,
            pct=pool.pct[safe],
            usage=pool.usage[safe] * form,
            talent=pool.talent[safe],
            team_strength=self.team_strength[list(sides)].copy(),
            back_to_back=np.asarray(b2b, bool).copy(),
        )

    def _expected_points(self, setup: GameSetup, seconds: np.ndarray) -> np.ndarray:
        from .game import expected_rates

        minutes = seconds / 60.0
        lam = expected_rates(setup, minutes, self.params)[0] * minutes[0][..., None]
        pct = setup.pct
        pts = 2 * lam[..., 0] * pct[..., 0] + 3 * lam[..., 1] * pct[..., 1] + lam[..., 2] * pct[..., 2]
        return pts.sum(-1)

    def _starters(self, setup: GameSetup, avail: np.ndarray) -> np.ndarray:
        from .game import planned_minutes

        plan = planned_minutes(setup, avail[None].astype(float), self.params)[0]
        order = np.argsort(-np.where(avail & setup.valid, plan, -1.0), axis=-1, kind="stable")
        rank = np.argsort(order, axis=-1, kind="stable")
        return (rank < 5) & avail & setup.valid

    def _record_game(
        self,
        g: _Fixture,
        gk: GameKnowledge,
        days: list[list[PlayerDay]],
        seconds: np.ndarray,
        box: dict[str, np.ndarray],
        dk: np.ndarray,
        pm: np.ndarray,
        starters: np.ndarray,
        injured: np.ndarray,
        score: np.ndarray,
        ot: int,
        sides: tuple[int, int],
    ) -> None:
        h, rng = self.health, self.rng
        setup, times = gk.setup, gk.times
        gid, d = g.game_id, g.game_date
        self.rec.games.append(
            {
                "game_id": gid,
                "away_score": int(score[0]),
                "home_score": int(score[1]),
                "n_ot": ot,
                "end_ts": gk.tip + GAME_LENGTH_S + ot * 900,
            }
        )
        for s, ti in enumerate(sides):
            team_id = self.teams[ti].team_id
            opp_id = self.teams[sides[1 - s]].team_id
            self.rec.filings.append(
                {
                    "game_id": gid,
                    "team_id": team_id,
                    "filed_ts": times[s].filed,
                    "initial_ts": times[s].initial,
                    "afternoon_ts": times[s].afternoon,
                    "evening_ts": times[s].evening,
                    "pregame_ts": times[s].pregame,
                    "confirmed_ts": times[s].confirmed,
                }
            )
            n_players = len(days[s])
            # Box order: starters first, then by minutes.
            key = np.where(starters[s, :n_players], 10_000, 0) + seconds[s, :n_players] / 60.0
            order = np.argsort(-key, kind="stable")
            # The side's arrays as Python lists, read per row below: the same ints, floats and
            # bools the per-element int()/float()/bool() conversions gave, at a fraction of the cost.
            sec, pid, start = seconds[s].tolist(), setup.person_id[s].tolist(), starters[s].tolist()
            hurt, plus, fpts = injured[s].tolist(), pm[s].tolist(), dk[s].tolist()
            base, depth = setup.base_min[s].tolist(), setup.depth[s].tolist()
            counts = {stat: box[stat][0, s].tolist() for stat in BOX_STATS}
            for pos_order, k in enumerate(order.tolist()):
                i = self._index_of(pid[k])
                pdy = days[s][k]
                last = pdy.listings[-1] if pdy.listings else None
                if not pdy.available:
                    reason = last[2] if last else "Inactive"
                    npr = _not_playing_reason(reason)
                elif sec[k] == 0:
                    npr, reason = "DNP_COACH", "Coach's Decision"
                else:
                    npr, reason = "", ""
                row = {
                    "game_id": gid,
                    "game_date": d,
                    "team_id": team_id,
                    "opp_team_id": opp_id,
                    "is_home": bool(s == 1),
                    "person_id": pid[k],
                    "order": pos_order + 1,
                    "starter": start[k],
                    "available": bool(pdy.available),
                    "played": sec[k] > 0,
                    "seconds": sec[k],
                    "minutes": sec[k] / 60.0,
                    "not_playing_reason": npr,
                    "not_playing_description": reason,
                }
                for stat in BOX_STATS:
                    row[stat] = counts[stat][k]
                row["plus_minus"] = plus[k]
                row["dk_pts"] = fpts[k]
                row["left_injured"] = hurt[k]
                row["base_minutes"] = base[k]
                row["depth"] = depth[k]
                self.rec.box.append(row)
                for ts, status, why in pdy.listings:
                    self.rec.news.append(
                        {
                            "game_id": gid,
                            "team_id": team_id,
                            "person_id": row["person_id"],
                            "available_at": ts,
                            "status": status,
                            "reason": why,
                        }
                    )
                # Injury state for the next game.
                if pdy.healed:
                    h.cls[i], h.since_return[i] = -1, 0
                if pdy.new_injury is not None:
                    h.cls[i], h.reason[i] = pdy.new_injury
                    h.last_body[i] = body_of(pdy.new_injury[1])
                elif hurt[k]:
                    cls, why = draw_injury(
                        rng, h.last_body[i], h.since_return[i] < self.params.recurrence_window_games
                    )
                    h.cls[i], h.reason[i], h.last_body[i] = cls, why, body_of(why)
                elif pdy.available and h.cls[i] < 0:
                    h.since_return[i] += 1
            self._record_lineups(gid, team_id, s, gk, days[s], starters)

    def _index_of(self, person_id: int) -> int:
        if not hasattr(self, "_pid_index") or len(self._pid_index) != self.pool.n:
            self._pid_index = {pid: k for k, pid in enumerate(self.pool.person_id)}
        return self._pid_index[int(person_id)]

    def _record_lineups(
        self,
        gid: str,
        team_id: int,
        s: int,
        gk: GameKnowledge,
        days: list[PlayerDay],
        starters: np.ndarray,
    ) -> None:
        """Projected lineups at each update (when they change), then the confirmed one."""
        from .game import planned_minutes

        setup, t = gk.setup, gk.times[s]
        n = len(days)
        previous: tuple[int, ...] = ()
        likely_before: np.ndarray | None = None
        for ts in (max(t.filed, t.initial), t.afternoon, t.evening, t.pregame):
            likely = np.zeros_like(setup.valid)
            likely[s, :n] = gk.p_known(ts)[s, :n] >= 0.5
            likely[1 - s] = setup.valid[1 - s]
            # Nobody crossed 50% since the last update: the same plan, the same five, no new lineup.
            if likely_before is not None and np.array_equal(likely, likely_before):
                continue
            likely_before = likely
            plan = planned_minutes(setup, likely[None].astype(float), self.params)[0, s]
            top = np.argsort(-np.where(likely[s], plan, -1.0), kind="stable")[:5]
            five = tuple(int(x) for x in top)
            if five != previous:
                self._emit_lineup(gid, team_id, s, setup, five, ts, "Expected")
                previous = five
        five = tuple(int(k) for k in np.flatnonzero(starters[s]))
        self._emit_lineup(gid, team_id, s, setup, five, t.confirmed, "Confirmed")

    def _emit_lineup(
        self, gid: str, team_id: int, s: int, setup: GameSetup, five: tuple[int, ...], ts: int, status: str
    ) -> None:
        pos = sorted(five, key=lambda k: (self.pool.primary[self._index_of(setup.person_id[s, k])], k))
        for slot, k in enumerate(pos):
            self.rec.lineups.append(
                {
                    "game_id": gid,
                    "team_id": team_id,
                    "available_at": ts,
                    "lineup_status": status,
                    "slot": slot + 1,
                    "position": DK_POSITIONS[slot],
                    "person_id": int(setup.person_id[s, k]),
                }
            )


def _not_playing_reason(reason: str) -> str:
    if reason.startswith("G League - Two-Way"):
        return "INACTIVE_GLEAGUE_TWOWAY"
    if reason.startswith("G League"):
        return "INACTIVE_GLEAGUE_ON_ASSIGNMENT"
    if reason in ("Personal Reasons", "Not With Team"):
        return "INACTIVE_PERSONAL"
    if reason == "Rest":
        return "INACTIVE_REST"
    if reason == "Trade Pending":
        return "INACTIVE_TRADE_PENDING"
    return "INACTIVE_INJURY"


__all__ = ["LeagueSimulator", "Records", "GameKnowledge", "RETURN_HAZARD"]
