"""Parse a DraftKings contest standings export (`contest-standings-{id}.csv`).

ASSUMPTION: no real sample exists here. The layout is modelled on DraftKings'
export as DFS players know it: header
`Rank,EntryId,EntryName,TimeRemaining,Points,Lineup,,Player,Roster Position,%Drafted,FPTS`.
The left six columns list entries (the lineup as `SLOT Name SLOT Name ...`);
after an empty separator column, the right four list each drafted player once
with his ownership (`45.12%`) and fantasy points. Both tables share rows, so
either side may be blank when the other is longer.

`parse_contest_standings` returns the player table (`OWNERSHIP_COLUMNS`): `player_name` (str),
`roster_position` (str), `drafted` (float64, ownership as a fraction: "45.12%" -> 0.4512),
`fpts` (float64).

`parse_contest_entries` returns the entry table (`ENTRY_COLUMNS`): `rank` (int64),
`entry_id` (int64), `entry_name` (str), `time_remaining` (int64), `points` (float64),
`lineup` (str, as exported; `split_lineup` turns it into (slot, name) pairs).
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from projections_assets.nba.draftkings import LINEUP_SLOTS, STANDINGS_HEADER
from projections_assets.parsers.errors import ParseError, build_frame, decode_text, need_nonempty

OWNERSHIP_COLUMNS: dict[str, str] = {
    "player_name": "str",
    "roster_position": "str",
    "drafted": "float64",
    "fpts": "float64",
}
ENTRY_COLUMNS: dict[str, str] = {
    "rank": "int64",
    "entry_id": "int64",
    "entry_name": "str",
    "time_remaining": "int64",
    "points": "float64",
    "lineup": "str",
}


def split_lineup(text: str) -> tuple[tuple[str, str], ...]:
    """`C Nikola Jokic F LeBron James ...` -> (("C", "Nikola Jokic"), ("F", "LeBron James"), ...)."""
    pairs: list[tuple[str, list[str]]] = []
    for token in text.split():
        if token in LINEUP_SLOTS:
            pairs.append((token, []))
        elif not pairs:
            raise ValueError(f"lineup does not start with a slot: {text!r}")
        else:
            pairs[-1][1].append(token)
    return tuple((slot, " ".join(words)) for slot, words in pairs)


def _rows(data: bytes | str, source: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(decode_text(data, source), newline=""))
    header = next(reader, None)
    if header is None:
        raise ParseError(source, "<document>", "empty file")
    if tuple(header) != STANDINGS_HEADER:
        missing = [c for c in STANDINGS_HEADER if c not in header]
        raise ParseError(source, missing[0] if missing else "header", f"unexpected header {header!r}")
    out = []
    for line, row in enumerate(reader, start=2):
        if len(row) != len(STANDINGS_HEADER):
            raise ParseError(
                source, f"line {line}", f"expected {len(STANDINGS_HEADER)} columns, got {len(row)}"
            )
        out.append((line, row))
    return out


def _float(text: str, source: str, where: str) -> float:
    try:
        return float(text)
    except ValueError as exc:
        raise ParseError(source, where, f"not a number: {text!r}") from exc


def parse_contest_standings(data: bytes | str, source: str) -> pd.DataFrame:
    """Standings CSV bytes -> one row per drafted player with his ownership fraction."""
    rows = []
    for line, row in _rows(data, source):
        player, position, drafted, fpts = row[7:11]
        if not player:
            continue
        if not drafted.endswith("%"):
            raise ParseError(source, f"line {line}, %Drafted", f"not a percentage: {drafted!r}")
        rows.append(
            {
                "player_name": player,
                "roster_position": position,
                "drafted": _float(drafted[:-1], source, f"line {line}, %Drafted") / 100,
                "fpts": _float(fpts, source, f"line {line}, FPTS"),
            }
        )
    need_nonempty(rows, source, "Player", "players")
    return build_frame(rows, OWNERSHIP_COLUMNS, source)


def parse_contest_entries(data: bytes | str, source: str) -> pd.DataFrame:
    """Standings CSV bytes -> one row per entry."""
    rows = []
    for line, row in _rows(data, source):
        rank, entry_id, entry_name, time_remaining, points, lineup = row[:6]
        if not rank:
            continue
        try:
            rows.append(
                {
                    "rank": int(rank),
                    "entry_id": int(entry_id),
                    "entry_name": entry_name,
                    "time_remaining": int(time_remaining),
                    "points": float(points),
                    "lineup": lineup,
                }
            )
        except ValueError as exc:
            raise ParseError(source, f"line {line}", f"unreadable entry: {exc}") from exc
    need_nonempty(rows, source, "Rank", "entries")
    return build_frame(rows, ENTRY_COLUMNS, source)
