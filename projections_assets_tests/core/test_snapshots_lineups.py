"""`lineups_snapshot`: the newest entry per player by the cutoff, and who the feed marks Inactive."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from projections_assets.core.snapshots import lineups_snapshot

TIP = pd.Timestamp("2025-12-07T00:30:00Z")


def _row(person_id: int, available_at: str, captured_at: str, roster_status: str | None) -> dict:
    return {
        "game_id": "0022500001",
        "team_id": 1,
        "person_id": person_id,
        "player_name": f"Player {person_id}",
        "position": "",
        "is_starter": False,
        "lineup_status": "Expected",
        "confirmed": False,
        "roster_status": roster_status,
        "available_at": pd.Timestamp(available_at),
        "captured_at": pd.Timestamp(captured_at),
    }


def test_a_player_the_newest_capture_marks_inactive_is_inactive_and_a_missing_status_is_not() -> None:
    rows = pd.DataFrame(
        [
            # One version captured twice: he was ruled out between the two captures (a late scratch).
            _row(10, "2025-12-06T17:00:00Z", "2025-12-06T22:30:00Z", "Active"),
            _row(10, "2025-12-06T17:00:00Z", "2025-12-06T23:45:00Z", "Inactive"),
            _row(11, "2025-12-06T17:00:00Z", "2025-12-06T23:45:00Z", "Active"),
            _row(12, "2025-12-06T17:00:00Z", "2025-12-06T23:45:00Z", None),
        ]
    )
    games = pd.DataFrame({"game_id": ["0022500001"], "tip_ts": [TIP]})
    out = lineups_snapshot(rows, games, datetime(2025, 12, 6, 23, 45, tzinfo=UTC))
    assert dict(zip(out["person_id"], out["inactive"], strict=True)) == {10: True, 11: False, 12: False}
    assert out["inactive"].dtype == bool
