"""Parse The Odds API v4 responses: live lists and the historical wrapper.

`parse_odds` accepts a live response (a JSON list of events) or a historical
one (`{timestamp, previous_timestamp, next_timestamp, data}` with `data` a list
of events or a single event) and returns one row per event x bookmaker x
market x outcome (`ODDS_COLUMNS`):

`event_id` (str), `commence_time` (datetime64[ns, UTC]), `home_team`, `away_team` (str, full
names), `bookmaker_key`, `bookmaker_title` (str), `bookmaker_last_update` (UTC), `market_key`
(str: "h2h", "spreads", "totals"), `last_update` (UTC: the market's `last_update`, the quote's
source time), `outcome_name` (str: a team name, "Over" or "Under"), `price` (float64, as
published), `point` (float64, NaN for h2h), `snapshot_ts` (UTC: the historical snapshot's
`timestamp`, NaT for live responses).

`parse_odds_events` returns one row per event (`EVENT_COLUMNS`: `event_id`, `sport_key`,
`commence_time`, `home_team`, `away_team`, `snapshot_ts`) and reads the events endpoints too,
whose events carry no bookmakers.

An empty event list is valid here (no upcoming games on the board), unlike a
schedule with zero games.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from projections_assets.parsers.errors import (
    UTC_TS,
    ParseError,
    build_frame,
    join_path,
    load_json,
    maybe,
    need,
    need_list,
    parse_utc,
)

EVENT_COLUMNS: dict[str, str] = {
    "event_id": "str",
    "sport_key": "str",
    "commence_time": UTC_TS,
    "home_team": "str",
    "away_team": "str",
    "snapshot_ts": UTC_TS,
}

ODDS_COLUMNS: dict[str, str] = {
    "event_id": "str",
    "commence_time": UTC_TS,
    "home_team": "str",
    "away_team": "str",
    "bookmaker_key": "str",
    "bookmaker_title": "str",
    "bookmaker_last_update": UTC_TS,
    "market_key": "str",
    "last_update": UTC_TS,
    "outcome_name": "str",
    "price": "float64",
    "point": "float64",
    "snapshot_ts": UTC_TS,
}


def _events(payload: Any, source: str) -> tuple[list[tuple[str, Any]], pd.Timestamp | None]:
    """(path, event) pairs and the snapshot time, for a live list or a historical wrapper."""
    if isinstance(payload, list):
        return [(f"[{i}]", e) for i, e in enumerate(payload)], None
    if not isinstance(payload, dict):
        raise ParseError(source, "<document>", f"expected a list or an object, got {type(payload).__name__}")
    snapshot = parse_utc(need(payload, "timestamp", source, ""), source, "timestamp")
    data = need(payload, "data", source, "", (list, dict))
    if isinstance(data, dict):
        return [("data", data)], snapshot
    return [(join_path("data", i), e) for i, e in enumerate(data)], snapshot


def _event_fields(event: Any, source: str, path: str) -> dict[str, Any]:
    return {
        "event_id": need(event, "id", source, path, str),
        "commence_time": parse_utc(
            need(event, "commence_time", source, path), source, join_path(path, "commence_time")
        ),
        "home_team": need(event, "home_team", source, path, str),
        "away_team": need(event, "away_team", source, path, str),
    }


def parse_odds_events(data: bytes | str, source: str) -> pd.DataFrame:
    """Odds API bytes -> one row per event (see module docstring)."""
    events, snapshot = _events(load_json(data, source), source)
    rows = [
        {
            **_event_fields(e, source, path),
            "sport_key": need(e, "sport_key", source, path, str),
            "snapshot_ts": snapshot,
        }
        for path, e in events
    ]
    return build_frame(rows, EVENT_COLUMNS, source)


def parse_odds(data: bytes | str, source: str) -> pd.DataFrame:
    """Odds API bytes -> one row per event x bookmaker x market x outcome (see module docstring)."""
    events, snapshot = _events(load_json(data, source), source)
    rows = []
    for path, event in events:
        fields = _event_fields(event, source, path)
        for b, book in enumerate(need_list(event, "bookmakers", source, path)):
            book_path = join_path(join_path(path, "bookmakers"), b)
            book_fields = {
                "bookmaker_key": need(book, "key", source, book_path, str),
                "bookmaker_title": need(book, "title", source, book_path, str),
                "bookmaker_last_update": parse_utc(
                    need(book, "last_update", source, book_path), source, join_path(book_path, "last_update")
                ),
            }
            for m, market in enumerate(need_list(book, "markets", source, book_path)):
                market_path = join_path(join_path(book_path, "markets"), m)
                market_fields = {
                    "market_key": need(market, "key", source, market_path, str),
                    "last_update": parse_utc(
                        need(market, "last_update", source, market_path),
                        source,
                        join_path(market_path, "last_update"),
                    ),
                }
                for o, outcome in enumerate(need_list(market, "outcomes", source, market_path)):
                    outcome_path = join_path(join_path(market_path, "outcomes"), o)
                    rows.append(
                        {
                            **fields,
                            **book_fields,
                            **market_fields,
                            "outcome_name": need(outcome, "name", source, outcome_path, str),
                            "price": float(need(outcome, "price", source, outcome_path, float)),
                            "point": maybe(outcome, "point", source, outcome_path, float),
                            "snapshot_ts": snapshot,
                        }
                    )
    return build_frame(rows, ODDS_COLUMNS, source)
