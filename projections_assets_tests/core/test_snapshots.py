"""As-of selection edge cases: roster fallbacks, stale sources, off days (pure functions)."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest

from projections_assets.core.snapshots import MaxAges, StaleSource, roster_snapshot, schedule_snapshot

AS_OF = datetime(2026, 1, 16, 22, 30, tzinfo=UTC)  # 5:30 PM ET
TIP = pd.Timestamp("2026-01-17T00:00:00Z")


def _games() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "game_id": ["0022500600"],
            "tip_ts": [TIP],
            "home_team_id": [1610612739],
            "home_tricode": ["CLE"],
            "away_team_id": [1610612738],
            "away_tricode": ["BOS"],
        }
    )


def _index(captured: str) -> pd.DataFrame:
    rows = [
        (1000 + i, "Player", f"{team}{i}", team_id, team)
        for team_id, team in ((1610612739, "CLE"), (1610612738, "BOS"))
        for i in range(14)
    ]
    frame = pd.DataFrame(rows, columns=["player_id", "first_name", "last_name", "team_id", "team_tricode"])
    frame["player_id"] += frame.index
    return frame.assign(position="G", on_roster=True, available_at=pd.Timestamp(captured))


def test_a_roster_from_an_earlier_day_is_used_and_recorded() -> None:
    frame = roster_snapshot(_index("2026-01-15T15:00:00Z"), _games(), AS_OF)
    assert len(frame) == 28 and set(frame["roster_source_date"]) == {"2026-01-15"}
    assert frame["age_minutes"].iloc[0] == pytest.approx(
        (AS_OF - pd.Timestamp("2026-01-15T15:00:00Z")).total_seconds() / 60
    )


def test_a_roster_older_than_its_max_age_fails_clearly() -> None:
    with pytest.raises(
        StaleSource, match=r"roster: newest usable player-index capture is 8\.3 days old .* \(max 7 days\)"
    ):
        roster_snapshot(_index("2026-01-08T15:00:00Z"), _games(), AS_OF, MaxAges())


def test_a_roster_captured_after_the_slot_is_not_used() -> None:
    with pytest.raises(StaleSource, match="no player-index capture at or before"):
        roster_snapshot(_index("2026-01-16T23:00:00Z"), _games(), AS_OF)


def _schedule_rows(captured: str) -> pd.DataFrame:
    return _games().assign(game_date="2026-01-16", game_status=1, available_at=pd.Timestamp(captured))


def test_an_off_day_is_an_empty_schedule_not_an_error() -> None:
    empty = _schedule_rows("2026-01-16T15:00:00Z").iloc[0:0]
    assert schedule_snapshot(empty, "2026-01-16", AS_OF).empty


def test_a_stale_schedule_fails_clearly() -> None:
    with pytest.raises(StaleSource, match=r"schedule: newest capture of 2026-01-16 is 79\.5 h old"):
        schedule_snapshot(_schedule_rows("2026-01-13T15:00:00Z"), "2026-01-16", AS_OF)
