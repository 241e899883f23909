"""The sim's inputs, settings and calibration, and `simulate`: N worlds of every non-Out player of a date.

Model of one world (docs/sim.md has the full statement):

* per game (stream `game_date|game|game_id`): a pace factor, lognormal with
  mean 1 and log-SD `pace_sd`, shared by both teams' counting stats; a game
  script, the home margin `-spread_home + margin_sd x z`; overtimes (each
  adds 25 team minutes and 5 to every player's cap);
* per player (stream `game_date|player|player_id`): plays with probability
  `play_prob` (at least five of a team play); minutes-if-he-plays from
  `kernel.minutes_quantile` through his p10/p50/p90; in a blowout (script
  beyond the threshold) starters give `blowout_slope` of their minutes per
  point beyond it to the bench; each team's minutes are scaled to exactly
  240 (+25 per overtime) seconds-exact;
* counting stats: negative binomial with mean rate x minutes x pace (x the
  team's usage factor for the usage stats: the team's expected usage per
  minute over the world's, so the shots of an absent star go to whoever
  plays) and the calibrated over-dispersion; makes binomial from attempts
  at the make rates; DraftKings points from `config/scoring.toml`;
* team volume: a team's attempt draws (then its makes) compete through a
  Gaussian copula (`kernel.compete`) so its points vary with the calibrated
  `team_pts_sd`, every player's draw keeping its own law.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import numba as nb
import numpy as np
import pandas as pd

from projections_assets.core.scoring import ScoringRules, dk_rules
from projections_assets.core.sim import kernel as k
from projections_assets.core.sim.rng import key_words, stream_key
from projections_assets.settings import CONFIG_DIR

RATE_COLUMNS = tuple(f"rate_{s}" for s in k.COUNT_STATS)
PCT_COLUMNS = ("pct_fg2", "pct_fg3", "pct_ft")
PLAYER_COLUMNS = (
    "game_id",
    "team_id",
    "player_id",
    "is_home",
    "status",
    "role",
    "play_prob",
    "p10",
    "p50",
    "p90",
    "exp_minutes",
    *RATE_COLUMNS,
    *PCT_COLUMNS,
)
GAME_COLUMNS = ("game_id", "home_team_id", "away_team_id", "spread_home", "total")


@dataclass(frozen=True)
class SimSettings:
    """config/sim.toml."""

    worlds: int
    chunk_worlds: int
    block_worlds: int
    min_minutes: float
    max_minutes: float
    min_players: int
    regulation_team_minutes: float
    overtime_team_minutes: float
    overtime_player_minutes: float
    max_overtimes: int
    usage_stats: tuple[str, ...]
    usage_elasticity: float
    fta_usage_weight: float
    blowout_threshold: float
    blowout_max_shift: float
    calibration_min_games: int
    calibration_min_minutes: float


@cache
def sim_settings(config_dir: Path = CONFIG_DIR) -> SimSettings:
    """The sim settings of `config_dir/sim.toml`."""
    raw = tomllib.loads((config_dir / "sim.toml").read_text())
    mins, usage, blow, cal = raw["minutes"], raw["usage"], raw["blowout"], raw["calibration"]
    unknown = [s for s in usage["stats"] if s not in k.COUNT_STATS]
    if unknown:
        raise ValueError(f"sim.toml [usage] stats {unknown} are not counting stats {k.COUNT_STATS}")

    return SimSettings(
        worlds=int(raw["worlds"]),
        chunk_worlds=int(raw["chunk_worlds"]),
        block_worlds=int(raw["block_worlds"]),
        min_minutes=float(mins["min_minutes"]),
        max_minutes=float(mins["max_minutes"]),
        min_players=int(mins["min_players"]),
        regulation_team_minutes=float(mins["regulation_team_minutes"]),
        overtime_team_minutes=float(mins["overtime_team_minutes"]),
        overtime_player_minutes=float(mins["overtime_player_minutes"]),
        max_overtimes=int(mins["max_overtimes"]),
        usage_stats=tuple(usage["stats"]),
        usage_elasticity=float(usage["elasticity"]),
        fta_usage_weight=float(usage["fta_weight"]),
        blowout_threshold=float(blow["threshold"]),
        blowout_max_shift=float(blow["max_shift"]),
        calibration_min_games=int(cal["min_games"]),
        calibration_min_minutes=float(cal["min_minutes"]),
    )


@dataclass(frozen=True)
class SimCalibration:
    """What the sim estimates from training labels (`fit_calibration`), never from the league's parameters.

    margin_sd: SD of the home margin about the closing spread (the game script's residual SD).
    total_sd: SD of the game total about the closing total (reported; the sim draws its shared part).
    pace_sd: log-SD of the pace factor both teams share: the covariance of the two teams' points
        about their implied team totals, relative to the mean implied team total.
    dispersion: per counting stat, the negative binomial's Var = mean + dispersion x mean^2 term
        beyond what the shared pace already adds.
    blowout_slope: share of the starters' minutes moved to the bench per point of margin beyond the
        settings' threshold.
    overtime_prob, overtime_more_prob: P(a game goes to overtime), P(another overtime | one more).
    team_pts_sd: SD of a team's points about the sum of its players' season points per minute x
        minutes: what the team's attempts (then makes) compete towards (0: independent draws).
    """

    margin_sd: float
    total_sd: float
    pace_sd: float
    dispersion: dict[str, float]
    blowout_slope: float
    overtime_prob: float
    overtime_more_prob: float
    info: dict[str, object] = field(default_factory=dict)
    team_pts_sd: float = 0.0

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-able fields (for an artifact or an asset's metadata)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, object]) -> SimCalibration:
        """The inverse of `to_dict`."""
        return cls(**raw)  # type: ignore[arg-type]


def _season(dates: pd.Series) -> pd.Series:
    d = pd.to_datetime(dates.astype(str))
    return (d.dt.year - (d.dt.month < 8)).astype("int64")


def fit_calibration(
    labels: pd.DataFrame, closing_odds: pd.DataFrame, settings: SimSettings | None = None
) -> SimCalibration:
    """Fit the sim's calibration on training labels and the closing odds of the same games.

    `labels`: game labels (game_id, game_date, team_id, is_home, player_id,
    starter, played, minutes and the box-score counts of `kernel.COUNT_STATS`
    and pts). `closing_odds`: one row per game (game_id, spread_home, total),
    the consensus at the last slot before tip. Games without odds count only
    for the overtime, blowout and over-dispersion figures.
    """
    settings = settings or sim_settings()
    lab = labels.copy()
    lab["game_id"] = lab["game_id"].astype(str)
    lab["minutes"] = lab["minutes"].astype("float64").where(lab["played"].astype(bool), 0.0)
    teams = lab.groupby(["game_id", "team_id", "is_home"], as_index=False).agg(
        pts=("pts", "sum"), minutes=("minutes", "sum")
    )
    starters = lab[lab["starter"].astype(bool)].groupby(["game_id", "team_id"])["minutes"].sum()
    teams = teams.join(starters.rename("starter_minutes"), on=["game_id", "team_id"])
    home = teams[teams["is_home"].astype(bool)].set_index("game_id")
    away = teams[~teams["is_home"].astype(bool)].set_index("game_id")
    games = home[["pts", "minutes"]].join(away[["pts", "minutes"]], how="inner", suffixes=("_home", "_away"))
    games["margin"] = games["pts_home"] - games["pts_away"]

    odds = closing_odds.assign(game_id=closing_odds["game_id"].astype(str)).set_index("game_id")
    priced = games.join(odds[["spread_home", "total"]], how="inner").dropna(subset=["spread_home", "total"])
    if len(priced) < 30:
        raise ValueError(f"{len(priced)} labelled games with closing odds: at least 30 are needed")
    margin_sd = float((priced["margin"] + priced["spread_home"]).std())
    total_sd = float((priced["pts_home"] + priced["pts_away"] - priced["total"]).std())
    implied_home = (priced["total"] - priced["spread_home"]) / 2
    implied_away = (priced["total"] + priced["spread_home"]) / 2
    cov = float(np.cov(priced["pts_home"] - implied_home, priced["pts_away"] - implied_away)[0, 1])
    pace_sd = math.sqrt(max(cov, 0.0)) / float(pd.concat([implied_home, implied_away]).mean())

    reg, ot = settings.regulation_team_minutes, settings.overtime_team_minutes
    n_ot = np.rint((games[["minutes_home", "minutes_away"]].max(axis=1) - reg) / ot).clip(lower=0)
    overtime_prob = float((n_ot >= 1).mean())
    overtime_more_prob = float((n_ot >= 2).sum() / max(1, int((n_ot >= 1).sum())))

    # Blowouts: the starters' share of team minutes against the final margin beyond the threshold.
    share = (teams["starter_minutes"].fillna(0.0) / teams["minutes"]).to_numpy()
    excess = np.maximum(
        0.0, teams["game_id"].map(games["margin"].abs()).to_numpy() - settings.blowout_threshold
    )
    ok = np.isfinite(share) & np.isfinite(excess)
    close = ok & (excess == 0)
    base = float(share[close].mean())
    drop = 1.0 - share[ok] / base
    x = excess[ok]
    blowout_slope = max(0.0, float((x * drop).sum() / max((x * x).sum(), 1e-12)))

    # Over-dispersion: per stat, E[(y - mu)^2 - mu] / E[mu^2] about the player-season's per-minute
    # rate x minutes, less the pace factor's own share (pace_sd^2), floored at 0 (Poisson).
    played = lab[lab["played"].astype(bool) & (lab["minutes"] >= settings.calibration_min_minutes)].copy()
    played["season"] = _season(played["game_date"])
    groups = played.groupby(["player_id", "season"])
    enough = groups["minutes"].transform("size") >= settings.calibration_min_games
    played = played[enough]
    groups = played.groupby(["player_id", "season"])
    dispersion = {}
    for stat in k.COUNT_STATS:
        rate = groups[stat].transform("sum") / groups["minutes"].transform("sum")
        mu = rate * played["minutes"]
        excess_var = float(((played[stat] - mu) ** 2 - mu).sum() / max(float((mu**2).sum()), 1e-12))
        dispersion[stat] = max(0.0, excess_var - pace_sd**2)
    team_pts_sd = _team_points_sd(lab, pace_sd)
    return SimCalibration(
        margin_sd=margin_sd,
        total_sd=total_sd,
        pace_sd=pace_sd,
        dispersion=dispersion,
        blowout_slope=blowout_slope,
        overtime_prob=overtime_prob,
        overtime_more_prob=overtime_more_prob,
        team_pts_sd=team_pts_sd,
        info={
            "games": int(len(games)),
            "games_with_odds": int(len(priced)),
            "player_seasons": int(groups.ngroups),
            "dispersion_rows": int(len(played)),
            "close_game_starter_share": base,
        },
    )


def _team_points_sd(lab: pd.DataFrame, pace_sd: float) -> float:
    """SD of a team's points about the sum of its players' season points per minute x minutes.

    Every played row; the pace's share (pace_sd x the expectation) is left in, the kernel takes it
    out. The same footing as the over-dispersion: about player-season rates, given the minutes.
    """
    played = lab[lab["played"].astype(bool) & (lab["minutes"] > 0)].copy()
    played["season"] = _season(played["game_date"])
    groups = played.groupby(["player_id", "season"])
    mu = groups["pts"].transform("sum") / groups["minutes"].transform("sum") * played["minutes"]
    frame = pd.DataFrame(
        {"game_id": played["game_id"], "team_id": played["team_id"], "y": played["pts"], "mu": mu}
    )
    team = frame.groupby(["game_id", "team_id"])[["y", "mu"]].sum()
    return float((team["y"] - team["mu"]).std())


@dataclass
class SimWorlds:
    """The worlds of one date: arrays indexed [player, world] in the order of `players`.

    `stats` is [stat, player, world] in `kernel.STORED_STATS` order (uint8);
    `seconds` uint16 (0: did not play); `dk_q` DraftKings points x 4 (int16,
    exact: every scoring weight is a multiple of 0.25). Game arrays
    (`overtimes`, `pace`, `margin`) are [game, world] in the order of `games`;
    `usage` [team, world] in the order of `teams`: the usage factor the
    kernel applied to `usage_stats`.
    """

    game_date: str
    players: pd.DataFrame
    games: pd.DataFrame
    teams: pd.DataFrame
    seconds: np.ndarray
    stats: np.ndarray
    dk_q: np.ndarray
    overtimes: np.ndarray
    pace: np.ndarray
    margin: np.ndarray
    usage: np.ndarray
    usage_stats: tuple[str, ...] = ()

    @property
    def worlds(self) -> int:
        """Number of worlds."""
        return int(self.dk_q.shape[1])

    def stat(self, name: str) -> np.ndarray:
        """[player, world] counts of one stat (pts and reb derived)."""
        s = {n: i for i, n in enumerate(k.STORED_STATS)}
        if name == "pts":
            return 2 * self.stat("fg2m").astype(np.int64) + 3 * self.stat("fg3m") + self.stat("ftm")
        if name == "reb":
            return self.stat("oreb").astype(np.int64) + self.stat("dreb")
        return self.stats[s[name]]

    @property
    def dk(self) -> np.ndarray:
        """[player, world] DraftKings points."""
        return self.dk_q / 4.0


def _scoring_vectors(rules: ScoringRules) -> tuple[np.ndarray, np.ndarray]:
    index = {n: i for i, n in enumerate(k.SCORE_STATS)}
    unknown = [s for s in (*rules.points, *rules.bonus_categories) if s not in index]
    if unknown:
        raise KeyError(f"the sim cannot score stats {unknown}; it draws {k.SCORE_STATS}")
    weights = np.zeros(len(k.SCORE_STATS))
    for name, w in rules.points.items():
        weights[index[name]] = w
    quarters = [*rules.points.values(), rules.double_double, rules.triple_double]
    if any(abs(4 * w - round(4 * w)) > 1e-12 for w in quarters):
        raise ValueError("the sim stores DraftKings points in quarter points: every weight must be k/4")
    mask = np.zeros(len(k.SCORE_STATS), np.bool_)
    for name in rules.bonus_categories:
        mask[index[name]] = True
    return weights, mask


def kernel_params(calibration: SimCalibration, settings: SimSettings, rules: ScoringRules) -> np.ndarray:
    """The kernel's scalar parameter vector (layout: `kernel.P_*`)."""
    p = np.zeros(k.N_PARAMS)
    p[k.P_PACE_SD] = calibration.pace_sd
    p[k.P_MARGIN_SD] = calibration.margin_sd
    p[k.P_OT_PROB] = calibration.overtime_prob
    p[k.P_OT_MORE] = calibration.overtime_more_prob
    p[k.P_BLOW_SLOPE] = calibration.blowout_slope
    p[k.P_BLOW_THRESHOLD] = settings.blowout_threshold
    p[k.P_BLOW_MAX] = settings.blowout_max_shift
    p[k.P_ELASTICITY] = settings.usage_elasticity
    p[k.P_MIN_MINUTES] = settings.min_minutes
    p[k.P_MAX_MINUTES] = settings.max_minutes
    p[k.P_MIN_PLAYERS] = settings.min_players
    p[k.P_REG_MINUTES] = settings.regulation_team_minutes
    p[k.P_OT_MINUTES] = settings.overtime_team_minutes
    p[k.P_OT_PLAYER_MINUTES] = settings.overtime_player_minutes
    p[k.P_MAX_OT] = settings.max_overtimes
    p[k.P_BONUS_THRESHOLD] = rules.bonus_threshold
    p[k.P_DOUBLE] = rules.double_double
    p[k.P_TRIPLE] = rules.triple_double
    p[k.P_TEAM_PTS_SD] = calibration.team_pts_sd
    return p


def usage_weight(players: pd.DataFrame, settings: SimSettings) -> np.ndarray:
    """Each player's usage per minute: field-goal attempts + fta_weight x free-throw attempts + turnovers."""
    return (
        players["rate_fg2a"] + players["rate_fg3a"] + settings.fta_usage_weight * players["rate_fta"]
    ).to_numpy(float) + players["rate_tov"].to_numpy(float)


def prepare(
    players: pd.DataFrame, games: pd.DataFrame, settings: SimSettings
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Validated, canonically ordered (players without Out, games, teams) frames.

    Order: games by game_id; in a game the home team, then the away team; in
    a team players by player_id. Input row order never matters.
    """
    missing = [c for c in PLAYER_COLUMNS if c not in players.columns]
    if missing:
        raise KeyError(f"sim players lack columns {missing}")
    missing = [c for c in GAME_COLUMNS if c not in games.columns]
    if missing:
        raise KeyError(f"sim games lack columns {missing}")
    g = games[list(GAME_COLUMNS)].copy()
    g["game_id"] = g["game_id"].astype(str)
    g = g.sort_values("game_id").reset_index(drop=True)
    if g["game_id"].duplicated().any():
        raise ValueError("sim games: a game_id appears twice")
    p = players[players["status"].astype(str) != "Out"].copy()
    p["game_id"] = p["game_id"].astype(str)
    unknown = sorted(set(p["game_id"]) - set(g["game_id"]))
    if unknown:
        raise ValueError(f"sim players of games not in the games frame: {unknown[:5]}")
    values = [*RATE_COLUMNS, *PCT_COLUMNS, "play_prob", "p10", "p50", "p90", "exp_minutes"]
    bad = p[p[values].isna().any(axis=1)]
    if len(bad):
        raise ValueError(
            f"sim players with missing inputs: {bad[['game_id', 'player_id']].head().to_dict('records')}"
        )
    if p.duplicated(["game_id", "player_id"]).any():
        raise ValueError("sim players: a (game_id, player_id) appears twice")
    p = p.merge(g[["game_id", "home_team_id", "away_team_id"]], on="game_id", how="left")
    side = np.where(p["team_id"] == p["home_team_id"], 0, np.where(p["team_id"] == p["away_team_id"], 1, -1))
    if (side < 0).any():
        raise ValueError("sim players whose team is neither side of their game")
    p["_side"] = side
    p = p.sort_values(["game_id", "_side", "player_id"]).reset_index(drop=True)
    teams = pd.DataFrame(
        {
            "game_id": np.repeat(g["game_id"].to_numpy(), 2),
            "team_id": np.column_stack([g["home_team_id"], g["away_team_id"]]).ravel().astype("int64"),
            "is_home": np.tile([True, False], len(g)),
        }
    ).reset_index(drop=True)
    sizes = p.groupby(["game_id", "team_id"]).size()
    counts = teams.join(sizes.rename("n"), on=["game_id", "team_id"])["n"].fillna(0).astype(int)
    short = teams[counts < settings.min_players]
    if len(short):
        raise ValueError(
            f"every team needs {settings.min_players}+ players not Out; short: {short.to_dict('records')[:5]}"
        )
    teams["n_players"] = counts.to_numpy()
    return p.drop(columns=["home_team_id", "away_team_id", "_side"]), g, teams


def simulate(
    players: pd.DataFrame,
    games: pd.DataFrame,
    calibration: SimCalibration,
    game_date: str,
    worlds: int | None = None,
    settings: SimSettings | None = None,
    rules: ScoringRules | None = None,
) -> SimWorlds:
    """`worlds` worlds (default: the settings') of every player of `players` not listed Out.

    Deterministic: world w of a player depends only on (game_date, his
    player_id, his game's inputs, the calibration, the settings); a game whose
    rows did not change keeps identical worlds whatever happens elsewhere.
    """
    settings = settings or sim_settings()
    rules = rules or dk_rules()
    n_worlds = int(worlds if worlds is not None else settings.worlds)
    if not 0 < n_worlds < 2**31:
        raise ValueError(f"worlds must be positive, got {n_worlds}")
    p, g, teams = prepare(players, games, settings)
    n_p, n_g = len(p), len(g)
    ends = np.cumsum(teams["n_players"].to_numpy(np.int64))
    starts = ends - teams["n_players"].to_numpy(np.int64)
    pk = [key_words(stream_key(game_date, "player", int(pid))) for pid in p["player_id"]]
    gk = [key_words(stream_key(game_date, "game", gid)) for gid in g["game_id"]]
    uw = usage_weight(p, settings)
    exp = p["exp_minutes"].to_numpy(float)
    team_usage = np.zeros(len(teams))
    force = np.zeros(n_p, np.int64)
    prob = p["play_prob"].to_numpy(float)
    pid = p["player_id"].to_numpy(np.int64)
    for t, (a, b) in enumerate(zip(starts, ends, strict=True)):
        e = exp[a:b].sum()
        team_usage[t] = float((uw[a:b] * exp[a:b]).sum() / e) if e > 0 else 0.0
        force[a:b] = np.lexsort((pid[a:b], -prob[a:b]))
    weights, mask = _scoring_vectors(rules)
    pcts = np.ascontiguousarray(p[list(PCT_COLUMNS)].to_numpy(float).clip(0.0, 1.0))
    team_index = {
        (gid, tid): i for i, (gid, tid) in enumerate(zip(teams["game_id"], teams["team_id"], strict=True))
    }
    game_home = np.array([team_index[(r.game_id, r.home_team_id)] for r in g.itertuples()], np.int64)
    game_away = np.array([team_index[(r.game_id, r.away_team_id)] for r in g.itertuples()], np.int64)

    out = SimWorlds(
        game_date=game_date,
        players=p,
        games=g,
        teams=teams,
        seconds=np.empty((n_p, n_worlds), np.uint16),
        stats=np.empty((len(k.STORED_STATS), n_p, n_worlds), np.uint8),
        dk_q=np.empty((n_p, n_worlds), np.int16),
        overtimes=np.zeros((n_g, n_worlds), np.uint8),
        pace=np.zeros((n_g, n_worlds), np.float32),
        margin=np.zeros((n_g, n_worlds), np.float32),
        usage=np.zeros((len(teams), n_worlds), np.float32),
        usage_stats=settings.usage_stats,
    )
    args = (
        np.array([a for a, _ in pk], np.uint64),
        np.array([b for _, b in pk], np.uint64),
        prob,
        p["p10"].to_numpy(float),
        p["p50"].to_numpy(float),
        p["p90"].to_numpy(float),
        (p["role"].astype(str) == "starter").to_numpy(np.bool_),
        np.ascontiguousarray(p[list(RATE_COLUMNS)].to_numpy(float)),
        pcts,
        k.binomial_powers(pcts),
        uw,
        force,
        starts,
        ends,
        team_usage,
        game_home,
        game_away,
        np.array([a for a, _ in gk], np.uint64),
        np.array([b for _, b in gk], np.uint64),
        g["spread_home"].astype(float).fillna(0.0).to_numpy(float),
        kernel_params(calibration, settings, rules),
        np.array([k.shape_quarters(calibration.dispersion[s]) for s in k.COUNT_STATS], np.int64),
        np.array([s in settings.usage_stats for s in k.COUNT_STATS], np.bool_),
        weights,
        mask,
    )
    chunk = max(1, settings.chunk_worlds)
    for first in range(0, n_worlds, chunk):
        # One (game, block) task at a time per thread: a core slowed by other work takes fewer tasks
        # (numba's default hands each thread an equal share up front).
        with nb.parallel_chunksize(1):
            _run_chunk(args, out, first, min(chunk, n_worlds - first), settings.block_worlds)
    return out


def _run_chunk(args: tuple, out: SimWorlds, first: int, n: int, block: int) -> None:
    sl = slice(first, first + n)
    k.simulate_kernel(
        *args,
        np.int64(first),
        np.int64(n),
        np.int64(block),
        out.seconds[:, sl],
        out.stats[:, :, sl],
        out.dk_q[:, sl],
        out.overtimes[:, sl],
        out.pace[:, sl],
        out.margin[:, sl],
        out.usage[:, sl],
    )
