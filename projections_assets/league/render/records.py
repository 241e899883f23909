"""Renderer inputs: one frozen record type per payload the simulated league publishes.

The generator fills these records; the renderers in this package turn them into
bytes shaped like the real sources (see `projections_assets_tests/fixtures/real/`). Records hold
only what varies between payloads. Everything a real payload carries that can be
derived (a game code from its date and teams, a player's points from his makes,
DraftKings roster slots from his position) is a property here or is computed by
the renderer, so a record can never contradict itself.

Conventions: instants are timezone-aware `datetime`s (any zone; renderers
convert), calendar dates are `date`s in US Eastern time (the NBA's and
DraftKings' day), money and counts are `int`, fractions are `float` in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from projections_assets.nba.calendar import EASTERN, EASTERN_NAME


def _require_aware(value: datetime, what: str) -> None:
    # A naive datetime would be rendered in whatever zone the host runs in.
    if value.tzinfo is None:
        raise ValueError(f"{what} must be timezone-aware, got {value!r}")


def eastern_date(instant: datetime) -> date:
    """The US Eastern calendar date of an instant: the NBA's game date."""
    return instant.astimezone(EASTERN).date()


# --------------------------------------------------------------------------- shared


@dataclass(frozen=True)
class TeamRef:
    """A team as the NBA's payloads name it (`teamId`, `teamTricode`, city, nickname, slug).

    `timezone` is the team's home zone: scheduleLeagueV2 prints each tip in both
    teams' local times (`homeTeamTime`, `awayTeamTime`).
    """

    team_id: int
    tricode: str
    city: str
    name: str
    slug: str
    timezone: str = EASTERN_NAME

    @property
    def full_name(self) -> str:
        return f"{self.city} {self.name}"


@dataclass(frozen=True)
class Arena:
    """Where a game is played (boxscore `arena` block, schedule `arena*` fields)."""

    name: str
    city: str
    state: str
    arena_id: int = 0
    country: str = "US"
    timezone: str = EASTERN_NAME


# --------------------------------------------------------------------------- schedule


@dataclass(frozen=True)
class Broadcaster:
    """One broadcaster entry of a scheduled game; scope and media pick its list."""

    scope: str  # "natl", "home", "away", "can", "intl"
    media: str  # "tv", "radio", "ott"
    broadcaster_id: int
    display: str
    abbreviation: str
    region_id: int = 1
    team_id: int = -1


@dataclass(frozen=True)
class PointsLeader:
    """The top scorer of a final game, as scheduleLeagueV2 lists it."""

    person_id: int
    first_name: str
    last_name: str
    team: TeamRef
    points: float


@dataclass(frozen=True)
class ScheduleGame:
    """One game of scheduleLeagueV2.

    `game_status` is 1 scheduled, 2 live, 3 final. `week_number` is 0 outside
    the regular season's numbered weeks. Scores and records are 0 before tip.
    """

    game_id: str
    tip_utc: datetime
    home: TeamRef
    away: TeamRef
    arena: Arena
    week_number: int = 0
    week_name: str = ""
    game_label: str = ""
    game_sub_label: str = ""
    game_subtype: str = ""
    series_text: str = ""
    game_status: int = 1
    home_score: int = 0
    away_score: int = 0
    home_wins: int = 0
    home_losses: int = 0
    away_wins: int = 0
    away_losses: int = 0
    is_neutral: bool = False
    postponed: bool = False
    broadcasters: tuple[Broadcaster, ...] = ()
    points_leaders: tuple[PointsLeader, ...] = ()

    def __post_init__(self) -> None:
        _require_aware(self.tip_utc, "ScheduleGame.tip_utc")
        if len(self.game_id) != 10 or not self.game_id.isdigit():
            raise ValueError(f"game_id must be 10 digits, got {self.game_id!r}")

    @property
    def tip_et(self) -> datetime:
        return self.tip_utc.astimezone(EASTERN)

    @property
    def game_date(self) -> date:
        return eastern_date(self.tip_utc)

    @property
    def game_code(self) -> str:
        """`YYYYMMDD/AWYHOM`, the NBA's human-readable game key."""
        return f"{self.game_date:%Y%m%d}/{self.away.tricode}{self.home.tricode}"


@dataclass(frozen=True)
class ScheduleWeek:
    """A numbered week of the regular season (the schedule's `weeks` list)."""

    number: int
    name: str
    start: date
    end: date


@dataclass(frozen=True)
class Schedule:
    """A whole scheduleLeagueV2 payload: one season's games as published at `published_at`."""

    season_year: str  # "2024-25"
    games: tuple[ScheduleGame, ...]
    published_at: datetime
    weeks: tuple[ScheduleWeek, ...] = ()

    def __post_init__(self) -> None:
        _require_aware(self.published_at, "Schedule.published_at")


# --------------------------------------------------------------------------- box score


@dataclass(frozen=True)
class BoxPlayer:
    """One player's line in a liveData box score.

    Two-point and three-point makes/attempts and free throws are stored; field
    goals and points are derived from them. `position` is set for starters only
    (the real payload omits the key for bench players). `plus`/`minus` are the
    points scored/allowed while on court. A player who did not play has
    `seconds == 0` and, when the league gave a reason, `not_playing_reason`
    (`DNP_INJURY`, `DNP_COACH`, `INACTIVE_INJURY`, ...) and its description.
    """

    person_id: int
    first_name: str
    family_name: str
    jersey_num: str
    starter: bool
    position: str = ""
    status: str = "ACTIVE"
    not_playing_reason: str | None = None
    not_playing_description: str | None = None
    on_court: bool = False
    seconds: float = 0.0
    fg2m: int = 0
    fg2a: int = 0
    fg3m: int = 0
    fg3a: int = 0
    ftm: int = 0
    fta: int = 0
    oreb: int = 0
    dreb: int = 0
    ast: int = 0
    stl: int = 0
    blk: int = 0
    tov: int = 0
    pf: int = 0
    blocks_received: int = 0
    fouls_drawn: int = 0
    fouls_offensive: int = 0
    fouls_technical: int = 0
    points_fast_break: int = 0
    points_in_the_paint: int = 0
    points_second_chance: int = 0
    plus: int = 0
    minus: int = 0

    def __post_init__(self) -> None:
        for made, attempted in ((self.fg2m, self.fg2a), (self.fg3m, self.fg3a), (self.ftm, self.fta)):
            if not 0 <= made <= attempted:
                raise ValueError(f"player {self.person_id}: makes {made} outside [0, attempts {attempted}]")
        if self.seconds < 0:
            raise ValueError(f"player {self.person_id}: negative seconds")

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.family_name}"

    @property
    def name_i(self) -> str:
        return f"{self.first_name[:1]}. {self.family_name}"

    @property
    def played(self) -> bool:
        return self.seconds > 0

    @property
    def fgm(self) -> int:
        return self.fg2m + self.fg3m

    @property
    def fga(self) -> int:
        return self.fg2a + self.fg3a

    @property
    def points(self) -> int:
        return 2 * self.fg2m + 3 * self.fg3m + self.ftm

    @property
    def reb(self) -> int:
        return self.oreb + self.dreb


@dataclass(frozen=True)
class BoxTeam:
    """One side of a box score: its players in display order and its per-period points.

    More than four periods means overtime. Team rebounds and team turnovers are
    the ones credited to no player.
    """

    team: TeamRef
    players: tuple[BoxPlayer, ...]
    period_scores: tuple[int, ...]
    timeouts_remaining: int = 0
    in_bonus: bool = False
    team_rebounds_offensive: int = 0
    team_rebounds_defensive: int = 0
    team_turnovers: int = 0

    @property
    def score(self) -> int:
        return sum(self.period_scores)


@dataclass(frozen=True)
class Official:
    person_id: int
    first_name: str
    family_name: str
    jersey_num: str
    assignment: str  # "OFFICIAL1".."OFFICIAL3", "ALTERNATE"


@dataclass(frozen=True)
class BoxScore:
    """A liveData `boxscore_{gameId}.json` payload as published at `published_at`.

    `game_status` 3 is final; 2 is in progress (then `period` and `clock_seconds`
    say where the game is).
    """

    game_id: str
    tip_utc: datetime
    home: BoxTeam
    away: BoxTeam
    arena: Arena
    published_at: datetime
    game_status: int = 3
    period: int | None = None
    clock_seconds: float = 0.0
    attendance: int = 0
    sellout: bool = False
    duration_minutes: int = 0
    officials: tuple[Official, ...] = ()

    def __post_init__(self) -> None:
        _require_aware(self.tip_utc, "BoxScore.tip_utc")
        _require_aware(self.published_at, "BoxScore.published_at")
        if len(self.home.period_scores) != len(self.away.period_scores):
            raise ValueError("home and away must have the same number of periods")

    @property
    def periods(self) -> int:
        return self.period if self.period is not None else len(self.home.period_scores)

    @property
    def game_code(self) -> str:
        return f"{eastern_date(self.tip_utc):%Y%m%d}/{self.away.team.tricode}{self.home.team.tricode}"


# --------------------------------------------------------------------------- rosters


@dataclass(frozen=True)
class RosterPlayer:
    """One row of stats.nba.com commonteamroster's `CommonTeamRoster` result set.

    `experience` is years in the league as the NBA prints it ("R" for rookies).
    """

    player_id: int
    name: str
    nickname: str
    slug: str
    jersey_num: str | None
    position: str
    height: str  # "6-2"
    weight: str  # "192"
    birth_date: date
    age: float
    experience: str
    school: str | None
    how_acquired: str | None


@dataclass(frozen=True)
class Coach:
    """One row of commonteamroster's `Coaches` result set."""

    coach_id: int
    first_name: str
    last_name: str
    coach_type: str  # "Head Coach", "Assistant Coach", ...
    is_assistant: int  # the NBA's code: 1 head, 2 assistant, 3 trainer, 9 associate
    sort_sequence: int | None
    sub_sort_sequence: int


@dataclass(frozen=True)
class TeamRoster:
    """A commonteamroster payload: one team's players and staff for a season."""

    team_id: int
    season_year: str  # "2025-26"
    players: tuple[RosterPlayer, ...]
    coaches: tuple[Coach, ...] = ()


@dataclass(frozen=True)
class PlayerIndexEntry:
    """One row of stats.nba.com playerindex (the league-wide player directory)."""

    person_id: int
    first_name: str
    last_name: str
    slug: str
    team: TeamRef
    jersey_num: str | None
    position: str | None
    height: str | None
    weight: str | None
    college: str
    country: str | None
    draft_year: int | None
    draft_round: int | None
    draft_number: int | None
    from_year: str
    to_year: str
    on_roster: bool = True


@dataclass(frozen=True)
class PlayerIndex:
    season_year: str
    entries: tuple[PlayerIndexEntry, ...]


# --------------------------------------------------------------------------- daily lineups


@dataclass(frozen=True)
class LineupPlayer:
    """One player of a team's daily lineup.

    `position` is the starting slot ("PG", "SG", "SF", "PF", "C") for a
    projected or confirmed starter and "" for everyone else. `lineup_status` is
    "Expected" until the team confirms its starters (about 30 minutes before
    tip), then "Confirmed". `roster_status` is "Active" or "Inactive".
    """

    person_id: int
    first_name: str
    last_name: str
    position: str
    lineup_status: str
    roster_status: str
    updated_at: datetime

    def __post_init__(self) -> None:
        _require_aware(self.updated_at, "LineupPlayer.updated_at")


@dataclass(frozen=True)
class LineupTeam:
    team: TeamRef
    players: tuple[LineupPlayer, ...]


@dataclass(frozen=True)
class LineupGame:
    game_id: str
    tip_utc: datetime
    home: LineupTeam
    away: LineupTeam
    game_status: int = 1

    def __post_init__(self) -> None:
        _require_aware(self.tip_utc, "LineupGame.tip_utc")


@dataclass(frozen=True)
class DailyLineups:
    """The NBA's daily lineups JSON for one Eastern date."""

    game_date: date
    games: tuple[LineupGame, ...]


# --------------------------------------------------------------------------- odds


@dataclass(frozen=True)
class OddsOutcome:
    """A price (decimal odds) and, for spreads and totals, its point."""

    name: str
    price: float
    point: float | None = None


@dataclass(frozen=True)
class OddsMarket:
    key: str  # "h2h", "spreads", "totals"
    last_update: datetime
    outcomes: tuple[OddsOutcome, ...]

    def __post_init__(self) -> None:
        _require_aware(self.last_update, "OddsMarket.last_update")


@dataclass(frozen=True)
class OddsBookmaker:
    key: str  # "draftkings"
    title: str  # "DraftKings"
    last_update: datetime
    markets: tuple[OddsMarket, ...]

    def __post_init__(self) -> None:
        _require_aware(self.last_update, "OddsBookmaker.last_update")


@dataclass(frozen=True)
class OddsEvent:
    """One event of The Odds API v4; team names are full names ("Los Angeles Clippers")."""

    event_id: str
    commence_time: datetime
    home_team: str
    away_team: str
    bookmakers: tuple[OddsBookmaker, ...] = ()
    sport_key: str = "basketball_nba"
    sport_title: str = "NBA"

    def __post_init__(self) -> None:
        _require_aware(self.commence_time, "OddsEvent.commence_time")


@dataclass(frozen=True)
class OddsSnapshot:
    """The historical endpoints' wrapper: the snapshot at `timestamp` and its neighbours.

    `data` is a tuple of events for the historical odds/events endpoints and a
    single event for the historical event-odds endpoint.
    """

    timestamp: datetime
    previous_timestamp: datetime | None
    next_timestamp: datetime | None
    data: tuple[OddsEvent, ...] | OddsEvent

    def __post_init__(self) -> None:
        _require_aware(self.timestamp, "OddsSnapshot.timestamp")


# --------------------------------------------------------------------------- DraftKings


@dataclass(frozen=True)
class DkTeam:
    """A team as DraftKings numbers it (its own small team ids, e.g. CHI=4)."""

    dk_team_id: int
    abbreviation: str
    name: str
    city: str


@dataclass(frozen=True)
class DkCompetition:
    """A game as DraftKings lists it in draftables and the lobby."""

    competition_id: int
    home: DkTeam
    away: DkTeam
    start_time: datetime
    venue: str = ""
    state: str = "Upcoming"

    def __post_init__(self) -> None:
        _require_aware(self.start_time, "DkCompetition.start_time")

    @property
    def name(self) -> str:
        return f"{self.away.abbreviation} @ {self.home.abbreviation}"


@dataclass(frozen=True)
class DkPlayer:
    """A player of a draft group. Draftables emit one row per eligible roster slot.

    `position` is DraftKings' position string ("PG/SG"); eligible Classic slots
    follow from it. `status` is DraftKings' text: "None", "Q", "GTD", "OUT", ...
    `first_draftable_id` numbers his first row; the others follow consecutively,
    as in the real API. `fppg` None renders as "-" (no games yet).
    """

    player_id: int
    player_dk_id: int
    first_name: str
    last_name: str
    position: str
    salary: int
    team: DkTeam
    competition: DkCompetition
    first_draftable_id: int
    status: str = "None"
    news_status: str = "None"
    fppg: float | None = None
    opponent_rank: int = 15

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def short_name(self) -> str:
        return f"{self.first_name[:1]}. {self.last_name}"


@dataclass(frozen=True)
class Draftables:
    """`/draftgroups/v1/draftgroups/{id}/draftables`: a draft group's players and games."""

    draft_group_id: int
    players: tuple[DkPlayer, ...]


@dataclass(frozen=True)
class DkDraftGroup:
    """A draft group in the lobby. It locks at its first game's start.

    `suffix` is DraftKings' contest start time suffix: None for the main slate,
    " (Early)", " (Late)", " (Night)", " (All Day)" ... for the others.
    """

    draft_group_id: int
    competitions: tuple[DkCompetition, ...]
    suffix: str | None = None
    game_type: str = "Classic"
    tag: str = "Featured"

    def __post_init__(self) -> None:
        if not self.competitions:
            raise ValueError(f"draft group {self.draft_group_id} has no games")

    @property
    def start_time(self) -> datetime:
        return min(c.start_time for c in self.competitions)


@dataclass(frozen=True)
class DkLobby:
    """The NBA lobby: every open draft group."""

    draft_groups: tuple[DkDraftGroup, ...]


@dataclass(frozen=True)
class DkSalaryRow:
    """One player of a `DKSalaries.csv` export (Classic)."""

    dk_id: int
    name: str
    position: str
    salary: int
    team_abbrev: str
    away_abbrev: str
    home_abbrev: str
    start_time: datetime
    avg_points: float

    def __post_init__(self) -> None:
        _require_aware(self.start_time, "DkSalaryRow.start_time")


@dataclass(frozen=True)
class ContestEntry:
    """One entry of a contest's standings; `lineup` is (slot, player name) in slot order."""

    rank: int
    entry_id: int
    entry_name: str
    points: float
    lineup: tuple[tuple[str, str], ...]
    time_remaining: int = 0


@dataclass(frozen=True)
class PlayerOwnership:
    """One player of the standings' right-hand table: share of lineups that drafted him."""

    player_name: str
    roster_position: str
    drafted: float
    fpts: float


@dataclass(frozen=True)
class ContestStandings:
    entries: tuple[ContestEntry, ...]
    players: tuple[PlayerOwnership, ...]
