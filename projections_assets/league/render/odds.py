"""Render The Odds API v4 responses from odds records.

Three shapes, matching `odds/oddsapi_v4_hist_*.json`: the live
`/v4/sports/basketball_nba/odds` list of events with bookmakers, the events
list (`/events`, no bookmakers), and the historical wrapper
`{timestamp, previous_timestamp, next_timestamp, data}` around either (a list
of events, or one event for the historical event-odds endpoint).
"""

from __future__ import annotations

from typing import Any

from projections_assets.league.render.formats import JsonStyle, dump_json, utc_z
from projections_assets.league.render.records import (
    OddsBookmaker,
    OddsEvent,
    OddsMarket,
    OddsOutcome,
    OddsSnapshot,
)


def _outcome(o: OddsOutcome) -> dict[str, Any]:
    out: dict[str, Any] = {"name": o.name, "price": float(o.price)}
    if o.point is not None:
        out["point"] = float(o.point)
    return out


def _market(m: OddsMarket) -> dict[str, Any]:
    return {"key": m.key, "last_update": utc_z(m.last_update), "outcomes": [_outcome(o) for o in m.outcomes]}


def _bookmaker(b: OddsBookmaker) -> dict[str, Any]:
    return {
        "key": b.key,
        "title": b.title,
        "last_update": utc_z(b.last_update),
        "markets": [_market(m) for m in b.markets],
    }


def event_payload(event: OddsEvent, with_bookmakers: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": event.event_id,
        "sport_key": event.sport_key,
        "sport_title": event.sport_title,
        "commence_time": utc_z(event.commence_time),
        "home_team": event.home_team,
        "away_team": event.away_team,
    }
    if with_bookmakers:
        out["bookmakers"] = [_bookmaker(b) for b in event.bookmakers]
    return out


def render_odds(events: tuple[OddsEvent, ...], with_bookmakers: bool = True) -> bytes:
    """The live odds list (or, without bookmakers, the events list)."""
    return dump_json([event_payload(e, with_bookmakers) for e in events], JsonStyle.COMPACT)


def snapshot_payload(snapshot: OddsSnapshot, with_bookmakers: bool = True) -> dict[str, Any]:
    data: Any
    if isinstance(snapshot.data, OddsEvent):
        data = event_payload(snapshot.data, with_bookmakers)
    else:
        data = [event_payload(e, with_bookmakers) for e in snapshot.data]
    return {
        "timestamp": utc_z(snapshot.timestamp),
        "previous_timestamp": utc_z(snapshot.previous_timestamp) if snapshot.previous_timestamp else None,
        "next_timestamp": utc_z(snapshot.next_timestamp) if snapshot.next_timestamp else None,
        "data": data,
    }


def render_odds_historical(snapshot: OddsSnapshot, with_bookmakers: bool = True) -> bytes:
    """A historical endpoint's response: the snapshot wrapper around events (or one event)."""
    return dump_json(snapshot_payload(snapshot, with_bookmakers), JsonStyle.COMPACT)
