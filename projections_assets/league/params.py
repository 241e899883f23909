"""The league's knobs: one frozen dataclass, documented in the package README.

The defaults were set once so the league lands on the real figures in
`docs/league_realism.md`; the realism tests pin the outcome with fixed tolerances.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Per-36-minute league averages the player rates are calibrated to (minutes-weighted).
DEFAULT_PER36: dict[str, float] = {
    "fg2a": 8.3,
    "fg3a": 5.9,
    "fta": 3.2,
    "ast": 4.75,
    "tov": 1.9,
    "oreb": 1.5,
    "dreb": 5.55,
    "stl": 1.2,
    "blk": 0.75,
    "pf": 2.9,
}
DEFAULT_PCT: dict[str, float] = {"fg2": 0.545, "fg3": 0.362, "ft": 0.785}


@dataclass(frozen=True)
class LeagueParams:
    """Everything that shapes the simulated league. Defaults reproduce the real NBA."""

    seasons: int = 3
    last_season_start_year: int = 2025

    # Rosters: standard contracts plus two-way contracts, all listed in box scores.
    standard_roster: int = 15
    two_way_roster: int = 3
    roster_capacity: int = 21  # array slots per team, room for hardship call-ups

    # Coach's planned minutes at full strength by depth-chart rank (noised per player).
    depth_minutes: tuple[float, ...] = (
        36.5,
        35.0,
        33.5,
        32.0,
        30.0,
        24.0,
        20.5,
        17.0,
        13.0,
        8.0,
        4.5,
        2.5,
        1.5,
        1.0,
        0.5,
    )
    two_way_minutes: float = 1.5
    # Additive game-to-game minutes noise (SD, minutes) before the 240 normalization.
    minutes_noise_sd: float = 4.2
    # Heavier tails: share of player-games drawing noise from a wider distribution.
    minutes_wide_share: float = 0.10
    minutes_wide_sd: float = 8.0
    # Below this many raw minutes the coach does not use the player (DNP-CD).
    dnp_threshold: float = 5.0
    foul_trouble_rate: float = 0.07
    in_game_injury_rate: float = 0.006
    # Share of an absent player's planned minutes the bench absorbs per head vs. starters.
    bench_absorb_ratio: float = 2.0
    # Game script: final-margin SD around the pregame spread, and the blowout minutes shift.
    margin_sd: float = 13.0
    blowout_start: float = 14.0
    blowout_full: float = 30.0
    blowout_starter_cut: float = 9.0
    home_advantage: float = 1.8
    # Spread of the teams' system/coaching rating (points of margin); it persists 60% a season.
    team_strength_sd: float = 3.8
    # Each team-game's points beyond the expected output of who played (the game's shooting,
    # pace and luck): SD of the combined score around it; the margin's noise is `margin_sd`.
    total_noise_sd: float = 15.5
    # How far each team's full-strength shot and playmaking volume is pulled to the league's
    # (0: the sum of its players' appetites, 1: every team the same): possessions, not
    # players, set a team's volume.
    team_volume_pull: float = 0.85
    ot_rate: float = 0.062
    multi_ot_share: float = 0.2
    # Drift of a player's planned minutes (random walk, minutes per sqrt(day)) and of form.
    minutes_drift_sd: float = 0.4
    form_sd: float = 0.09
    form_halflife_days: float = 20.0
    role_swap_rate_per_day: float = 0.008

    # Per-minute rates.
    per36: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_PER36))
    pct: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_PCT))
    # How steeply per-minute usage (shots, assists) and the other rates rise with talent (log scale).
    usage_talent_slope: float = 0.20
    rate_talent_slope: float = 0.06
    count_dispersion: float = 0.12  # gamma-Poisson: variance = mu + k mu^2
    usage_shift: float = 1.0  # how strongly absent usage flows to teammates' rates

    # Availability.
    injury_rate_per_game: float = 0.019
    injury_practice_rate_per_day: float = 0.003
    recurrence_multiplier: float = 3.0
    recurrence_window_games: int = 12
    rest_rate_b2b_star: float = 0.10
    rest_rate_other: float = 0.004
    late_scratch_rate: float = 0.006
    personal_absence_rate: float = 0.002
    two_way_assignment_rate: float = 0.55
    standard_assignment_rate: float = 0.04
    trades_per_season: int = 14
    new_players_per_season: float = 0.12  # share of the league replaced between seasons

    # Market: what the bookmakers do not know of each game's expected margin and total (SD).
    market_spread_sd: float = 1.0
    market_total_sd: float = 2.5

    # DraftKings.
    salary_cap: int = 50_000
    field_size: int = 1_000
    sims_oracle: int = 240
