"""Render cdn.nba.com `scheduleLeagueV2.json` from `Schedule` records.

Structure, key order and value formats follow the real 2024-25 payload
(`cdn_nba/scheduleLeagueV2_2024-25_full.json.gz`): games grouped by Eastern
date under `leagueSchedule.gameDates`, each game with its Eastern, UTC and
team-local times, broadcaster lists, both teams and the points leaders.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from projections_assets.league.render.formats import (
    JsonStyle,
    date_z,
    dump_json,
    et_clock_text,
    utc_z,
    wall_z,
)
from projections_assets.league.render.records import (
    EASTERN,
    Broadcaster,
    PointsLeader,
    Schedule,
    ScheduleGame,
    ScheduleWeek,
    TeamRef,
)

# The twelve broadcaster lists every game carries, in the real payload's order.
BROADCASTER_LISTS: tuple[tuple[str, str], ...] = tuple(
    (scope, media) for scope in ("national", "home", "away") for media in ("Tv", "Radio", "Ott")
) + (("intl", "Radio"), ("intl", "Tv"), ("intl", "Ott"))

_SCOPE_OF_LIST = {"national": ("natl",), "home": ("home",), "away": ("away",), "intl": ("can", "intl")}

_STATUS_TEXT = {2: "In Progress", 3: "Final"}


def _status_text(game: ScheduleGame) -> str:
    if game.game_status in _STATUS_TEXT:
        return _STATUS_TEXT[game.game_status]
    return et_clock_text(game.tip_utc)


def _broadcaster(b: Broadcaster) -> dict[str, Any]:
    out: dict[str, Any] = {
        "broadcasterScope": b.scope,
        "broadcasterMedia": b.media,
        "broadcasterId": b.broadcaster_id,
        "broadcasterDisplay": b.display,
        "broadcasterAbbreviation": b.abbreviation,
        "broadcasterDescription": "",
        "tapeDelayComments": "",
        "broadcasterVideoLink": "",
        "regionId": b.region_id,
        "broadcasterTeamId": b.team_id,
        "broadcasterRanking": None,
    }
    if (b.scope, b.media) == ("natl", "tv"):
        # Only national TV entries carry this key in the real payload (always "").
        out["localizationRegion"] = ""
    return out


def _broadcasters(game: ScheduleGame) -> dict[str, list[dict[str, Any]]]:
    if not game.broadcasters:
        # The common case, and a hot path: a season's schedule renders every game.
        return {f"{group}{media}Broadcasters": [] for group, media in BROADCASTER_LISTS}
    lists: dict[str, list[dict[str, Any]]] = {}
    for group, media in BROADCASTER_LISTS:
        lists[f"{group}{media}Broadcasters"] = [
            _broadcaster(b)
            for b in game.broadcasters
            if b.scope in _SCOPE_OF_LIST[group] and b.media == media.lower()
        ]
    return lists


def _team(team: TeamRef, wins: int, losses: int, score: int) -> dict[str, Any]:
    return {
        "teamId": team.team_id,
        "teamName": team.name,
        "teamCity": team.city,
        "teamTricode": team.tricode,
        "teamSlug": team.slug,
        "wins": wins,
        "losses": losses,
        "score": score,
        "seed": 0,
    }


def _leader(leader: PointsLeader) -> dict[str, Any]:
    return {
        "personId": leader.person_id,
        "firstName": leader.first_name,
        "lastName": leader.last_name,
        "teamId": leader.team.team_id,
        "teamCity": leader.team.city,
        "teamName": leader.team.name,
        "teamTricode": leader.team.tricode,
        "points": float(leader.points),
    }


def _game(game: ScheduleGame, sequence: int) -> dict[str, Any]:
    tip_et = game.tip_et
    tip_utc = game.tip_utc.astimezone(UTC)
    midnight_et = datetime.combine(game.game_date, time(0), tzinfo=EASTERN)
    return {
        "gameId": game.game_id,
        "gameCode": game.game_code,
        "gameStatus": game.game_status,
        "gameStatusText": _status_text(game),
        "gameSequence": sequence,
        "gameDateEst": date_z(game.game_date),
        "gameTimeEst": f"1900-01-01T{tip_et:%H:%M:%S}Z",
        "gameDateTimeEst": wall_z(tip_et),
        "gameDateUTC": utc_z(midnight_et),
        "gameTimeUTC": f"1900-01-01T{tip_utc:%H:%M:%S}Z",
        "gameDateTimeUTC": utc_z(tip_utc),
        "awayTeamTime": wall_z(game.tip_utc.astimezone(ZoneInfo(game.away.timezone))),
        "homeTeamTime": wall_z(game.tip_utc.astimezone(ZoneInfo(game.home.timezone))),
        "day": f"{tip_et:%a}",
        "monthNum": tip_et.month,
        "weekNumber": game.week_number,
        "weekName": game.week_name,
        "ifNecessary": False,
        "seriesGameNumber": "",
        "gameLabel": game.game_label,
        "gameSubLabel": game.game_sub_label,
        "seriesText": game.series_text,
        "arenaName": game.arena.name,
        "arenaState": game.arena.state,
        "arenaCity": game.arena.city,
        "postponedStatus": "Y" if game.postponed else "N",
        "branchLink": "",
        "gameSubtype": game.game_subtype,
        "isNeutral": game.is_neutral,
        "broadcasters": _broadcasters(game),
        "homeTeam": _team(game.home, game.home_wins, game.home_losses, game.home_score),
        "awayTeam": _team(game.away, game.away_wins, game.away_losses, game.away_score),
        "pointsLeaders": [_leader(p) for p in game.points_leaders],
    }


def _week(week: ScheduleWeek) -> dict[str, Any]:
    return {
        "weekNumber": week.number,
        "weekName": week.name,
        "startDate": date_z(week.start),
        "endDate": date_z(week.end),
    }


def _broadcaster_list(games: tuple[ScheduleGame, ...]) -> list[dict[str, Any]]:
    # The league-level directory: each broadcaster once, by id.
    seen: dict[int, Broadcaster] = {}
    for game in games:
        for b in game.broadcasters:
            seen.setdefault(b.broadcaster_id, b)
    return [
        {
            "broadcasterId": b.broadcaster_id,
            "broadcasterDisplay": b.display,
            "broadcasterAbbreviation": b.abbreviation,
            "broadcasterDescription": "",
            "regionId": b.region_id,
        }
        for _, b in sorted(seen.items())
    ]


def schedule_payload(schedule: Schedule) -> dict[str, Any]:
    """The scheduleLeagueV2 document as a dict (key order as published)."""
    by_date: dict[date, list[ScheduleGame]] = defaultdict(list)
    for game in schedule.games:
        by_date[game.game_date].append(game)
    game_dates = []
    for day in sorted(by_date):
        # gameSequence numbers a date's games by tip time; ties keep game id order.
        ordered = sorted(by_date[day], key=lambda g: (g.tip_utc, g.game_id))
        game_dates.append(
            {
                "gameDate": f"{day:%m/%d/%Y} 00:00:00",
                "games": [_game(g, i + 1) for i, g in enumerate(ordered)],
            }
        )
    published = schedule.published_at.astimezone(UTC)
    return {
        "meta": {
            "version": 1,
            "request": f"http://nba.cloud/league/00/{schedule.season_year}/scheduleleaguev2?Format=json",
            "time": published.strftime("%Y-%m-%dT%H:%M:%S.") + f"{published.microsecond // 1000:03d}Z",
        },
        "leagueSchedule": {
            "seasonYear": schedule.season_year,
            "leagueId": "00",
            "gameDates": game_dates,
            "weeks": [_week(w) for w in schedule.weeks],
            "broadcasterList": _broadcaster_list(schedule.games),
        },
    }


def render_schedule(schedule: Schedule) -> bytes:
    """`scheduleLeagueV2.json` bytes (compact JSON, like cdn.nba.com serves it)."""
    return dump_json(schedule_payload(schedule), JsonStyle.COMPACT)
