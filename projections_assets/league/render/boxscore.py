"""Render a cdn.nba.com liveData box score (`boxscore_{gameId}.json`) from a `BoxScore` record.

Key order and value formats follow `cdn_nba/boxscore_0042200123.json`: flags
as "1"/"0" strings, minutes as ISO durations, percentages as floats, `position`
only on starters, `notPlayingReason`/`notPlayingDescription` right after
`status` when the player has them.

Team game-flow figures the simulation does not track play by play (biggest
lead, lead changes, scoring runs, time leading, fast-break and paint attempts)
are derived from the period scores and the players' counting stats with simple
fixed rules, so they are plausible, deterministic and internally consistent,
but they are not modelled.
"""

from __future__ import annotations

from datetime import UTC
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from projections_assets.league.render.formats import JsonStyle, dump_json, offset_iso, utc_z
from projections_assets.league.render.records import EASTERN, BoxPlayer, BoxScore, BoxTeam, Official
from projections_assets.nba.durations import iso_duration, iso_duration_whole_minutes

REGULATION_PERIODS = 4
PERIOD_SECONDS = 12 * 60
OVERTIME_SECONDS = 5 * 60


def _pct(made: int, attempted: int) -> float:
    return made / attempted if attempted else 0.0


def _flag(value: bool) -> str:
    return "1" if value else "0"


def _player_statistics(p: BoxPlayer) -> dict[str, Any]:
    return {
        "assists": p.ast,
        "blocks": p.blk,
        "blocksReceived": p.blocks_received,
        "fieldGoalsAttempted": p.fga,
        "fieldGoalsMade": p.fgm,
        "fieldGoalsPercentage": _pct(p.fgm, p.fga),
        "foulsOffensive": p.fouls_offensive,
        "foulsDrawn": p.fouls_drawn,
        "foulsPersonal": p.pf,
        "foulsTechnical": p.fouls_technical,
        "freeThrowsAttempted": p.fta,
        "freeThrowsMade": p.ftm,
        "freeThrowsPercentage": _pct(p.ftm, p.fta),
        "minus": float(p.minus),
        "minutes": iso_duration(p.seconds),
        "minutesCalculated": iso_duration_whole_minutes(p.seconds),
        "plus": float(p.plus),
        "plusMinusPoints": float(p.plus - p.minus),
        "points": p.points,
        "pointsFastBreak": p.points_fast_break,
        "pointsInThePaint": p.points_in_the_paint,
        "pointsSecondChance": p.points_second_chance,
        "reboundsDefensive": p.dreb,
        "reboundsOffensive": p.oreb,
        "reboundsTotal": p.reb,
        "steals": p.stl,
        "threePointersAttempted": p.fg3a,
        "threePointersMade": p.fg3m,
        "threePointersPercentage": _pct(p.fg3m, p.fg3a),
        "turnovers": p.tov,
        "twoPointersAttempted": p.fg2a,
        "twoPointersMade": p.fg2m,
        "twoPointersPercentage": _pct(p.fg2m, p.fg2a),
    }


def _player(p: BoxPlayer, order: int) -> dict[str, Any]:
    out: dict[str, Any] = {"status": p.status}
    if p.not_playing_reason is not None:
        out["notPlayingReason"] = p.not_playing_reason
        out["notPlayingDescription"] = p.not_playing_description or ""
    out.update({"order": order, "personId": p.person_id, "jerseyNum": p.jersey_num})
    if p.position:
        out["position"] = p.position
    out.update(
        {
            "starter": _flag(p.starter),
            "oncourt": _flag(p.on_court),
            "played": _flag(p.played),
            "statistics": _player_statistics(p),
            "name": p.name,
            "nameI": p.name_i,
            "firstName": p.first_name,
            "familyName": p.family_name,
        }
    )
    return out


def _periods(team: BoxTeam) -> list[dict[str, Any]]:
    return [
        {"period": i + 1, "periodType": "REGULAR" if i < REGULATION_PERIODS else "OVERTIME", "score": score}
        for i, score in enumerate(team.period_scores)
    ]


def _game_seconds(periods: int) -> int:
    return REGULATION_PERIODS * PERIOD_SECONDS + max(0, periods - REGULATION_PERIODS) * OVERTIME_SECONDS


def _made_attempted(points: int, rate: float) -> tuple[int, int]:
    # Two points per make; attempts from a fixed conversion rate.
    made = points // 2
    return made, round(made / rate) if made else 0


def _team_statistics(team: BoxTeam, opponent: BoxTeam, home: bool) -> dict[str, Any]:
    ps = team.players
    total = {
        name: sum(getattr(p, name) for p in ps)
        for name in (
            "ast",
            "blk",
            "blocks_received",
            "fga",
            "fgm",
            "fg2a",
            "fg2m",
            "fg3a",
            "fg3m",
            "fta",
            "ftm",
            "fouls_offensive",
            "fouls_drawn",
            "pf",
            "fouls_technical",
            "points",
            "points_fast_break",
            "points_in_the_paint",
            "points_second_chance",
            "oreb",
            "dreb",
            "stl",
            "tov",
        )
    }
    turnovers_total = total["tov"] + team.team_turnovers
    opp_turnovers = sum(p.tov for p in opponent.players) + opponent.team_turnovers
    # Margins at the end of each period, from this team's point of view.
    own_cum = list(accumulate(team.period_scores))
    opp_cum = list(accumulate(opponent.period_scores))
    margins = [a - b for a, b in zip(own_cum, opp_cum, strict=True)]
    lead_at = max(range(len(margins)), key=lambda i: (margins[i], -i))
    run_at = max(range(len(team.period_scores)), key=lambda i: (team.period_scores[i], -i))

    def score_text(i: int) -> str:
        # Scores are written "away-home".
        away, home_pts = (opp_cum[i], own_cum[i]) if home else (own_cum[i], opp_cum[i])
        return f"{away}-{home_pts}"

    signs = [m > 0 for m in margins if m != 0]
    lead_changes = sum(1 for a, b in zip(signs, signs[1:], strict=False) if a != b)
    leading_seconds = sum(
        PERIOD_SECONDS if i < REGULATION_PERIODS else OVERTIME_SECONDS for i, m in enumerate(margins) if m > 0
    )
    fast_made, fast_att = _made_attempted(total["points_fast_break"], 0.55)
    paint_made, paint_att = _made_attempted(total["points_in_the_paint"], 0.54)
    second_made, second_att = _made_attempted(total["points_second_chance"], 0.5)
    ts_attempts = total["fga"] + 0.44 * total["fta"]
    team_minutes = _game_seconds(len(team.period_scores)) * 5
    return {
        "assists": total["ast"],
        "assistsTurnoverRatio": total["ast"] / turnovers_total if turnovers_total else 0.0,
        "benchPoints": sum(p.points for p in ps if not p.starter),
        "biggestLead": max(0, margins[lead_at]),
        "biggestLeadScore": score_text(lead_at),
        "biggestScoringRun": team.period_scores[run_at] // 3,
        "biggestScoringRunScore": score_text(run_at),
        "blocks": total["blk"],
        "blocksReceived": total["blocks_received"],
        "fastBreakPointsAttempted": fast_att,
        "fastBreakPointsMade": fast_made,
        "fastBreakPointsPercentage": _pct(fast_made, fast_att),
        "fieldGoalsAttempted": total["fga"],
        "fieldGoalsEffectiveAdjusted": (total["fgm"] + 0.5 * total["fg3m"]) / total["fga"]
        if total["fga"]
        else 0.0,
        "fieldGoalsMade": total["fgm"],
        "fieldGoalsPercentage": _pct(total["fgm"], total["fga"]),
        "foulsOffensive": total["fouls_offensive"],
        "foulsDrawn": total["fouls_drawn"],
        "foulsPersonal": total["pf"],
        "foulsTeam": total["pf"] - total["fouls_offensive"],
        "foulsTechnical": total["fouls_technical"],
        "foulsTeamTechnical": 0,
        "freeThrowsAttempted": total["fta"],
        "freeThrowsMade": total["ftm"],
        "freeThrowsPercentage": _pct(total["ftm"], total["fta"]),
        "leadChanges": lead_changes,
        "minutes": iso_duration(team_minutes),
        "minutesCalculated": iso_duration_whole_minutes(team_minutes),
        "points": team.score,
        "pointsAgainst": opponent.score,
        "pointsFastBreak": total["points_fast_break"],
        "pointsFromTurnovers": min(team.score, round(opp_turnovers * 1.2)),
        "pointsInThePaint": total["points_in_the_paint"],
        "pointsInThePaintAttempted": paint_att,
        "pointsInThePaintMade": paint_made,
        "pointsInThePaintPercentage": _pct(paint_made, paint_att),
        "pointsSecondChance": total["points_second_chance"],
        "reboundsDefensive": total["dreb"],
        "reboundsOffensive": total["oreb"],
        "reboundsPersonal": total["oreb"] + total["dreb"],
        "reboundsTeam": team.team_rebounds_offensive + team.team_rebounds_defensive,
        "reboundsTeamDefensive": team.team_rebounds_defensive,
        "reboundsTeamOffensive": team.team_rebounds_offensive,
        "reboundsTotal": total["oreb"]
        + total["dreb"]
        + team.team_rebounds_offensive
        + team.team_rebounds_defensive,
        "secondChancePointsAttempted": second_att,
        "secondChancePointsMade": second_made,
        "secondChancePointsPercentage": _pct(second_made, second_att),
        "steals": total["stl"],
        "threePointersAttempted": total["fg3a"],
        "threePointersMade": total["fg3m"],
        "threePointersPercentage": _pct(total["fg3m"], total["fg3a"]),
        "timeLeading": iso_duration(leading_seconds),
        "timesTied": sum(1 for m in margins if m == 0),
        "trueShootingAttempts": round(ts_attempts, 2),
        "trueShootingPercentage": total["points"] / (2 * ts_attempts) if ts_attempts else 0.0,
        "turnovers": total["tov"],
        "turnoversTeam": team.team_turnovers,
        "turnoversTotal": turnovers_total,
        "twoPointersAttempted": total["fg2a"],
        "twoPointersMade": total["fg2m"],
        "twoPointersPercentage": _pct(total["fg2m"], total["fg2a"]),
    }


def _team(team: BoxTeam, opponent: BoxTeam, home: bool) -> dict[str, Any]:
    return {
        "teamId": team.team.team_id,
        "teamName": team.team.name,
        "teamCity": team.team.city,
        "teamTricode": team.team.tricode,
        "score": team.score,
        "inBonus": _flag(team.in_bonus),
        "timeoutsRemaining": team.timeouts_remaining,
        "periods": _periods(team),
        "players": [_player(p, i + 1) for i, p in enumerate(team.players)],
        "statistics": _team_statistics(team, opponent, home),
    }


def _official(o: Official) -> dict[str, Any]:
    return {
        "personId": o.person_id,
        "name": f"{o.first_name} {o.family_name}",
        "nameI": f"{o.first_name[:1]}. {o.family_name}",
        "firstName": o.first_name,
        "familyName": o.family_name,
        "jerseyNum": o.jersey_num,
        "assignment": o.assignment,
    }


def _status_text(box: BoxScore) -> str:
    if box.game_status == 3:
        overtimes = box.periods - REGULATION_PERIODS
        return "Final" if overtimes <= 0 else ("Final/OT" if overtimes == 1 else f"Final/{overtimes}OT")
    if box.game_status == 1:
        return "Scheduled"
    return f"Q{box.periods}" if box.periods <= REGULATION_PERIODS else f"OT{box.periods - REGULATION_PERIODS}"


def boxscore_payload(box: BoxScore) -> dict[str, Any]:
    """The liveData box score document as a dict (key order as published)."""
    tip = box.tip_utc
    published = box.published_at.astimezone(UTC)
    return {
        "meta": {
            "version": 1,
            "code": 200,
            "request": f"http://nba.cloud/games/{box.game_id}/boxscore?Format=json",
            "time": published.strftime("%Y-%m-%d %H:%M:%S.%f"),
        },
        "game": {
            "gameId": box.game_id,
            "gameTimeLocal": offset_iso(tip.astimezone(ZoneInfo(box.arena.timezone))),
            "gameTimeUTC": utc_z(tip),
            "gameTimeHome": offset_iso(tip.astimezone(ZoneInfo(box.home.team.timezone))),
            "gameTimeAway": offset_iso(tip.astimezone(ZoneInfo(box.away.team.timezone))),
            "gameEt": offset_iso(tip.astimezone(EASTERN)),
            "duration": box.duration_minutes,
            "gameCode": box.game_code,
            "gameStatusText": _status_text(box),
            "gameStatus": box.game_status,
            "regulationPeriods": REGULATION_PERIODS,
            "period": box.periods,
            "gameClock": iso_duration(box.clock_seconds),
            "attendance": box.attendance,
            "sellout": _flag(box.sellout),
            "arena": {
                "arenaId": box.arena.arena_id,
                "arenaName": box.arena.name,
                "arenaCity": box.arena.city,
                "arenaState": box.arena.state,
                "arenaCountry": box.arena.country,
                "arenaTimezone": box.arena.timezone,
            },
            "officials": [_official(o) for o in box.officials],
            "homeTeam": _team(box.home, box.away, True),
            "awayTeam": _team(box.away, box.home, False),
        },
    }


def render_boxscore(box: BoxScore) -> bytes:
    """`boxscore_{gameId}.json` bytes (spaced JSON, like the liveData feed)."""
    return dump_json(boxscore_payload(box), JsonStyle.SPACED)
