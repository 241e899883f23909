"""Render a DraftKings contest standings export from a `ContestStandings` record.

ASSUMPTION: modelled on DraftKings' export without a real sample; the layout is
documented in `projections_assets/parsers/contest_standings.py`. Ownership is
printed as a percentage with two decimals, points with two decimals at most.
"""

from __future__ import annotations

from projections_assets.league.render.formats import decimal_text, dump_csv
from projections_assets.league.render.records import ContestEntry, ContestStandings, PlayerOwnership
from projections_assets.nba.draftkings import STANDINGS_HEADER


def _entry_cells(e: ContestEntry) -> list[str]:
    lineup = " ".join(f"{slot} {name}" for slot, name in e.lineup)
    return [str(e.rank), str(e.entry_id), e.entry_name, str(e.time_remaining), decimal_text(e.points), lineup]


def _player_cells(p: PlayerOwnership) -> list[str]:
    return [p.player_name, p.roster_position, f"{p.drafted * 100:.2f}%", decimal_text(p.fpts)]


def render_contest_standings(standings: ContestStandings) -> bytes:
    """Standings CSV bytes: entries on the left, player ownership on the right, sharing rows."""
    rows = []
    for i in range(max(len(standings.entries), len(standings.players))):
        left = _entry_cells(standings.entries[i]) if i < len(standings.entries) else [""] * 6
        right = _player_cells(standings.players[i]) if i < len(standings.players) else [""] * 4
        rows.append([*left, "", *right])
    return dump_csv(STANDINGS_HEADER, rows)
