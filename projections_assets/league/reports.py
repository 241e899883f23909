"""Injury reports as data: when they are published and which rows each contains.

The official report is published hourly at :30 until 2025-12-22 and every
quarter hour from then on (the file-naming eras of `Injury-Report_*.pdf`).
A report covers the games of its own Eastern date and the next day's; a team
that has not filed for a covered game shows one `NOT YET SUBMITTED` row.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd

from projections_assets.nba.injury_report import QUARTER_HOUR_NAMING_FROM, report_filename

from .schedule import ET

# The switch from hourly to quarter-hour reports, shared with the parser's naming rule.
QUARTER_HOUR_ERA_START = QUARTER_HOUR_NAMING_FROM
REPORT_COLUMNS = [
    "report_ts",
    "game_date",
    "game_time_et",
    "matchup",
    "team",
    "player_name",
    "status",
    "reason",
    "game_id",
    "team_id",
    "person_id",
]


def report_times(first: date, last: date) -> list[pd.Timestamp]:
    """Every report timestamp (Eastern, tz-aware) on dates `first`..`last` inclusive."""
    out = []
    d = first
    while d <= last:
        if d < QUARTER_HOUR_ERA_START:
            minutes = [h * 60 + 30 for h in range(24)]
        else:
            minutes = list(range(0, 24 * 60, 15))
        for m in minutes:
            out.append(pd.Timestamp(datetime(d.year, d.month, d.day, m // 60, m % 60, tzinfo=ET)))
        d += timedelta(days=1)
    return out


def report_file_name(report_ts: pd.Timestamp) -> str:
    """`Injury-Report_2025-01-10_05PM.pdf` (hourly era) or `..._06_30PM.pdf` (quarter-hour era).

    One naming rule for the whole project: the parser's (it also maps names back to times).
    """
    return report_filename(pd.Timestamp(report_ts).to_pydatetime())


class InjuryReports:
    """Answers "what did the report at T say" from a league's tables."""

    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        games = tables["games"]
        self._games = games[
            [
                "game_id",
                "game_date",
                "tip_et",
                "tip_ts",
                "away_team_id",
                "home_team_id",
                "away_tricode",
                "home_tricode",
            ]
        ].sort_values(["game_date", "tip_ts", "game_id"])
        teams = tables["teams"].set_index("team_id")
        self._team_name = teams["full_name"].to_dict()
        self._names = tables["players"].set_index("person_id")["report_name"].to_dict()
        self._news = tables["injury_news"]
        self._filed = tables["injury_filings"].set_index(["game_id", "team_id"])["filed_ts"]
        self._news_by_game = {g: df for g, df in self._news.groupby("game_id", sort=False)}

    def rows(self, report_ts: pd.Timestamp | datetime | str) -> pd.DataFrame:
        """The rows of the report stamped `report_ts` (any timezone; naive means Eastern)."""
        ts = pd.Timestamp(report_ts)
        ts = ts.tz_localize(ET) if ts.tzinfo is None else ts.tz_convert(ET)
        d0 = ts.date()
        covered = self._games[self._games["game_date"].isin([d0, d0 + timedelta(days=1)])]
        out: list[dict[str, object]] = []
        ts_utc = ts.tz_convert("UTC")
        for g in covered.itertuples(index=False):
            matchup = f"{g.away_tricode}@{g.home_tricode}"
            news = self._news_by_game.get(g.game_id)
            for team_id in (g.away_team_id, g.home_team_id):
                base = {
                    "report_ts": ts,
                    "game_date": g.game_date,
                    "game_time_et": g.tip_et,
                    "matchup": matchup,
                    "team": self._team_name[team_id],
                    "game_id": g.game_id,
                    "team_id": team_id,
                }
                if ts_utc < self._filed[(g.game_id, team_id)]:
                    out.append(
                        {
                            **base,
                            "player_name": "",
                            "status": "NOT YET SUBMITTED",
                            "reason": "",
                            "person_id": None,
                        }
                    )
                    continue
                if news is None:
                    continue
                known = news[(news["team_id"] == team_id) & (news["available_at"] <= ts_utc)]
                latest = known.groupby("person_id", sort=False).tail(1)
                rows = [
                    {
                        **base,
                        "player_name": self._names[int(r.person_id)],
                        "status": r.status,
                        "reason": r.reason,
                        "person_id": int(r.person_id),
                    }
                    for r in latest.itertuples(index=False)
                ]
                out += sorted(rows, key=lambda r: str(r["player_name"]))
        df = pd.DataFrame(out, columns=REPORT_COLUMNS)
        df["person_id"] = df["person_id"].astype("Int64")
        return df


def injury_report_rows(
    tables: dict[str, pd.DataFrame], report_ts: pd.Timestamp | datetime | str
) -> pd.DataFrame:
    """One-off convenience around `InjuryReports` (build the index once when calling repeatedly)."""
    return InjuryReports(tables).rows(report_ts)
