"""The league's calendar: the real 2024-25 regular season, reused for every season.

The real schedule (`scheduleLeagueV2`, 2024-25) is reduced once, by
`derive_fixture`, to two small CSV files shipped in `data/`: the 30 teams and
the 1,230 regular-season games (NBA Cup group and knockout games included,
since their game ids are regular-season ids; the Cup final, preseason, All-Star
and playoff games are dropped). The generator reads only these files.

Other seasons reuse the 2024-25 dates shifted by a multiple of 364 days
(52 weeks): weekdays stay the same, so Saturday matinees, Christmas-week
doubleheaders and back-to-backs keep their real rhythm, at the cost of the
calendar date drifting one day earlier per season (two around a leap year).
Tip times keep their Eastern wall-clock time, so DST is handled when a tip is
converted to UTC.
"""

from __future__ import annotations

import csv
import gzip
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from projections_assets.nba.calendar import EASTERN as ET
from projections_assets.nba.calendar import UTC_TS, season_label

UTC = ZoneInfo("UTC")
DATA_DIR = Path(__file__).resolve().parent / "data"
TEAMS_CSV = DATA_DIR / "teams.csv"
SCHEDULE_CSV = DATA_DIR / "schedule_2024_25.csv"
BASE_SEASON_START_YEAR = 2024
SHIFT_DAYS_PER_SEASON = 364

# Synthetic DraftKings team ids. DraftKings numbers teams with its own small
# ints (CHI=4, CLE=5, MIN=16, OKC=25 in real draftables); the rest follow the
# same legacy alphabetical-by-franchise order as a plausible stand-in.
_DK_TEAM_IDS = {
    "ATL": 1,
    "BOS": 2,
    "NOP": 3,
    "CHI": 4,
    "CLE": 5,
    "DAL": 6,
    "DEN": 7,
    "DET": 8,
    "GSW": 9,
    "HOU": 10,
    "IND": 11,
    "LAC": 12,
    "LAL": 13,
    "MIA": 14,
    "MIL": 15,
    "MIN": 16,
    "BKN": 17,
    "NYK": 18,
    "ORL": 19,
    "PHI": 20,
    "PHX": 21,
    "POR": 22,
    "SAC": 23,
    "SAS": 24,
    "OKC": 25,
    "UTA": 26,
    "WAS": 27,
    "TOR": 28,
    "MEM": 29,
    "CHA": 5312,
}

# Conferences are not in scheduleLeagueV2; needed by renderers of standings-like fields.
_WEST = {
    "DAL",
    "DEN",
    "GSW",
    "HOU",
    "LAC",
    "LAL",
    "MEM",
    "MIN",
    "NOP",
    "OKC",
    "PHX",
    "POR",
    "SAC",
    "SAS",
    "UTA",
}


@dataclass(frozen=True)
class Team:
    """One franchise as the NBA's own payloads name it."""

    team_id: int
    tricode: str
    city: str
    name: str
    slug: str
    arena_name: str
    arena_city: str
    arena_state: str

    @property
    def full_name(self) -> str:
        """The name printed in injury reports and The Odds API ("LA Clippers")."""
        return f"{self.city} {self.name}"


def derive_fixture(src: Path, out_dir: Path = DATA_DIR) -> None:
    """Reduce the real scheduleLeagueV2 JSON (gzip) to `teams.csv` and the game list.

    A maintenance helper, run once by hand; the generator never calls it.
    """
    payload = json.loads(gzip.decompress(src.read_bytes()))
    games: list[dict[str, object]] = []
    teams: dict[int, dict[str, str]] = {}
    for day in payload["leagueSchedule"]["gameDates"]:
        for g in day["games"]:
            # Regular-season ids start "002"; the Cup final ("006"), preseason,
            # All-Star, play-in and playoffs do not count toward the 82 games.
            if not g["gameId"].startswith("002"):
                continue
            est = g["gameDateTimeEst"]  # ET wall-clock time despite the "Z"
            games.append(
                {
                    "seq": int(g["gameId"][5:]),
                    "game_date": est[:10],
                    "tip_et": est[11:16],
                    "away_team_id": g["awayTeam"]["teamId"],
                    "home_team_id": g["homeTeam"]["teamId"],
                    "game_label": g["gameLabel"],
                    "game_sub_label": g["gameSubLabel"],
                    "arena_name": g["arenaName"],
                    "arena_city": g["arenaCity"],
                    "arena_state": g["arenaState"],
                    "is_neutral": int(bool(g["isNeutral"])),
                }
            )
            for side in ("homeTeam", "awayTeam"):
                t = g[side]
                teams.setdefault(
                    t["teamId"],
                    {
                        "tricode": t["teamTricode"],
                        "city": t["teamCity"],
                        "name": t["teamName"],
                        "slug": t["teamSlug"],
                    },
                )
            if not g["isNeutral"]:
                teams[g["homeTeam"]["teamId"]].update(
                    arena_name=g["arenaName"], arena_city=g["arenaCity"], arena_state=g["arenaState"]
                )
    games.sort(key=lambda r: (r["game_date"], r["tip_et"], r["seq"]))
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / SCHEDULE_CSV.name).open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(games[0]))
        w.writeheader()
        w.writerows(games)
    with (out_dir / TEAMS_CSV.name).open("w", newline="") as fh:
        fields = ["team_id", "tricode", "city", "name", "slug", "arena_name", "arena_city", "arena_state"]
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        for tid in sorted(teams):
            w.writerow({"team_id": tid, **teams[tid]})


@cache
def load_teams() -> tuple[Team, ...]:
    """The 30 teams, ordered by NBA team id."""
    with TEAMS_CSV.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    return tuple(
        Team(
            team_id=int(r["team_id"]),
            tricode=r["tricode"],
            city=r["city"],
            name=r["name"],
            slug=r["slug"],
            arena_name=r["arena_name"],
            arena_city=r["arena_city"],
            arena_state=r["arena_state"],
        )
        for r in rows
    )


def teams_frame() -> pd.DataFrame:
    """The `teams` table."""
    rows = [
        {
            "team_id": t.team_id,
            "tricode": t.tricode,
            "city": t.city,
            "name": t.name,
            "full_name": t.full_name,
            "slug": t.slug,
            "conference": "West" if t.tricode in _WEST else "East",
            "arena_name": t.arena_name,
            "arena_city": t.arena_city,
            "arena_state": t.arena_state,
            "dk_team_id": _DK_TEAM_IDS[t.tricode],
        }
        for t in load_teams()
    ]
    return pd.DataFrame(rows)


@cache
def _base_games() -> tuple[dict[str, str], ...]:
    with SCHEDULE_CSV.open(newline="") as fh:
        return tuple(csv.DictReader(fh))


def season_start_years(seasons: int, last_start_year: int) -> list[int]:
    """The start years of `seasons` consecutive seasons ending with `last_start_year`."""
    return list(range(last_start_year - seasons + 1, last_start_year + 1))


def season_schedule(start_year: int, season_index: int) -> pd.DataFrame:
    """The games of one season: the real 2024-25 calendar shifted by whole weeks.

    `season_index` (0-based order among generated seasons) only feeds the
    DraftKings/odds ids so they stay unique across seasons.
    """
    shift = timedelta(days=SHIFT_DAYS_PER_SEASON * (start_year - BASE_SEASON_START_YEAR))
    team_by_id = {t.team_id: t for t in load_teams()}
    rows = []
    for r in _base_games():
        gdate = date.fromisoformat(r["game_date"]) + shift
        hh, mm = (int(x) for x in r["tip_et"].split(":"))
        tip_et = datetime(gdate.year, gdate.month, gdate.day, hh, mm, tzinfo=ET)
        seq = int(r["seq"])
        away, home = int(r["away_team_id"]), int(r["home_team_id"])
        rows.append(
            {
                "game_id": f"002{start_year % 100:02d}{seq:05d}",
                "season": season_label(start_year),
                "season_start_year": start_year,
                "game_date": gdate,
                "tip_ts": tip_et.astimezone(UTC),
                "tip_et": r["tip_et"],
                "away_team_id": away,
                "home_team_id": home,
                "away_tricode": team_by_id[away].tricode,
                "home_tricode": team_by_id[home].tricode,
                "game_label": r["game_label"],
                "game_sub_label": r["game_sub_label"],
                "arena_name": r["arena_name"],
                "arena_city": r["arena_city"],
                "arena_state": r["arena_state"],
                "is_neutral": bool(int(r["is_neutral"])),
                "game_code": f"{gdate:%Y%m%d}/{team_by_id[away].tricode}{team_by_id[home].tricode}",
                "dk_competition_id": 6_000_000 + season_index * 10_000 + seq,
            }
        )
    games = pd.DataFrame(rows)
    games["tip_ts"] = pd.to_datetime(games["tip_ts"], utc=True).astype(UTC_TS)
    return games.sort_values(["tip_ts", "game_id"], kind="stable").reset_index(drop=True)


def et_epoch(d: date, minute_of_day: int) -> int:
    """Epoch seconds of an Eastern wall-clock minute on date `d`."""
    dt = datetime(d.year, d.month, d.day, tzinfo=ET) + timedelta(minutes=int(minute_of_day))
    # Re-localize so DST days land on the right wall-clock time.
    dt = datetime(dt.year, dt.month, dt.day, dt.hour, dt.minute, tzinfo=ET)
    return int(dt.timestamp())


def back_to_back_flags(games: pd.DataFrame) -> np.ndarray:
    """Per game and side (away, home): whether that team also played the day before."""
    played: set[tuple[int, date]] = set()
    for gd, a, h in zip(games["game_date"], games["away_team_id"], games["home_team_id"], strict=True):
        played.add((a, gd))
        played.add((h, gd))
    out = np.zeros((len(games), 2), dtype=bool)
    for i, (gd, a, h) in enumerate(
        zip(games["game_date"], games["away_team_id"], games["home_team_id"], strict=True)
    ):
        prev = gd - timedelta(days=1)
        out[i, 0] = (a, prev) in played
        out[i, 1] = (h, prev) in played
    return out
