"""League-rendered injury reports across a season: they parse back exactly, and every hard case occurs.

Issue 3 requires each hard case of the official layout to occur in a simulated season; issue 4 requires
the parser to round-trip 200 league-rendered PDFs chosen to include every hard case.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime

import pandas as pd
import pytest
from _league_cache import league

from projections_assets.league.payloads import LeaguePayloads
from projections_assets.league.reports import InjuryReports, report_times
from projections_assets.parsers.injury_pdf import COLUMNS, parse_injury_pdf
from projections_assets_tests.parsers.test_injury_pdf import _split_rows

REPORTS = 200
EVERYTHING_PUBLISHED = datetime(2030, 1, 1, tzinfo=UTC)
# Column header width of the reason column holds about this many characters before wrapping.
WRAP_CHARS = 45


def _expected(rows: pd.DataFrame) -> pd.DataFrame:
    """League report rows as the parser prints them."""
    return pd.DataFrame(
        {
            "report_ts": [pd.Timestamp(t).isoformat() for t in rows["report_ts"]],
            "game_date": [str(d) for d in rows["game_date"]],
            "game_time_et": rows["game_time_et"].astype(str),
            "matchup": rows["matchup"].astype(str),
            "team": rows["team"].astype(str),
            "player_name": rows["player_name"].astype(str),
            "status": rows["status"].astype(str),
            "reason": rows["reason"].astype(str),
        }
    )


@pytest.fixture(scope="module")
def season_reports():
    """200 report times spread over the season (both naming eras), with their PDFs."""
    tables = league(11).tables
    payloads = LeaguePayloads(tables)
    days = sorted(tables["games"]["game_date"].unique())
    rng = random.Random(2026)
    chosen = []
    for _ in range(REPORTS):
        day = rng.choice(days)
        chosen.append(rng.choice(report_times(day, day)))
    return payloads, InjuryReports(tables), sorted(set(chosen))


def test_league_pdfs_round_trip_and_cover_every_hard_case(season_reports):
    payloads, reports, times = season_reports
    seen: Counter[str] = Counter()
    for ts in times:
        payload = payloads.injury_pdf(ts, EVERYTHING_PUBLISHED)
        got = parse_injury_pdf(payload.body, payload.file_name)
        expected = _expected(reports.rows(ts))
        assert len(got) == len(expected), (
            f"{payload.file_name}: {len(got)} rows parsed, {len(expected)} rendered"
        )
        cols = [c for c in COLUMNS if c not in ("game_time_raw", "page")]
        pd.testing.assert_frame_equal(
            got[cols].reset_index(drop=True), expected[cols].reset_index(drop=True), obj=payload.file_name
        )
        pages = int(got["page"].max()) if len(got) else 1
        seen["multi-page"] += pages > 1
        # The layout scan is slow and only the count up to 3 matters.
        seen["row split across pages"] += (
            seen["row split across pages"] < 3 and pages > 1 and _split_rows(payload.body) > 0
        )
        seen["wrapped reason"] += bool((got["reason"].str.len() > WRAP_CHARS).any())
        seen["not yet submitted"] += bool((got["status"] == "NOT YET SUBMITTED").any())
        seen["two game dates"] += got["game_date"].nunique() == 2
        seen["carried-down cells"] += bool(got["matchup"].duplicated().any())
        seen["suffix name"] += bool(got["player_name"].str.contains(r" (?:Jr\.|Sr\.|II|III|IV),").any())
        seen["LA Clippers"] += bool((got["team"] == "LA Clippers").any())
        seen["hourly file name"] += payload.file_name.count("_") == 2
        seen["quarter-hour file name"] += payload.file_name.count("_") == 3
    assert len(times) >= 190
    assert len(seen) == 10 and min(seen.values()) >= 3, seen
