"""Captured payloads -> bronze rows: each parser's columns plus the capture's provenance.

Pure functions (no Dagster, no I/O): the bytes come in a `Capture`, the blob
path says where bronze stored them. Every row gets `available_at`, the time
its information existed (docs/design.md decision 2):

| source | available_at |
|---|---|
| injury report | the report's stamped time (its header) |
| odds | each quote's `last_update` (never later than the capture) |
| lineups | each row's `updated_at` (never later than the capture) |
| schedule, player index, draftables, box scores | the capture's instant |

A capture's instant is the "as of" time it was asked for (a backfill) or, for
a live fetch, the source's own clock (`Date`) or ours.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import pandas as pd

from projections_assets.core.captures import Capture
from projections_assets.nba.calendar import EASTERN_NAME as ET
from projections_assets.nba.calendar import UTC_TS as TS
from projections_assets.nba.injury_report import QUARTER_HOUR_NAMING_FROM, report_name
from projections_assets.parsers import boxscore, draftables, lineups, odds, roster, schedule
from projections_assets.parsers.injury_pdf import parse_injury_pdf_records, records_to_frame

PROVENANCE = ("source_url", "content_sha256", "blob_path", "captured_at", "available_at")
# Around the switch to quarter-hour file names both names are tried (seeds: the exact day was not announced).
NAMING_OVERLAP = timedelta(days=3)


def _utc(value: datetime | pd.Series) -> pd.Series | pd.Timestamp:
    if isinstance(value, pd.Series):
        return pd.to_datetime(value, utc=True).astype(TS)
    return pd.Timestamp(value).tz_convert("UTC").as_unit("us")


def stamp(
    frame: pd.DataFrame,
    capture: Capture,
    sha256: str,
    blob_path: str,
    available_at: pd.Series | datetime | None = None,
) -> pd.DataFrame:
    """`frame` with every timestamp in microsecond UTC and the provenance columns appended."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = out[col].astype(TS)
    captured = _utc(capture.captured_at)
    out["source_url"] = capture.url
    out["content_sha256"] = sha256
    out["blob_path"] = blob_path
    out["captured_at"] = pd.Series([captured] * len(out), index=out.index, dtype=TS)
    if available_at is None:
        out["available_at"] = out["captured_at"]
    elif isinstance(available_at, pd.Series):
        # A row's own time, but never later than the capture that saw it.
        out["available_at"] = _utc(available_at).clip(upper=captured).fillna(captured).astype(TS)
    else:
        out["available_at"] = pd.Series([_utc(available_at)] * len(out), index=out.index, dtype=TS)
    return out.reset_index(drop=True)


def eastern_date(ts: pd.Series) -> pd.Series:
    """The Eastern calendar date (`YYYY-MM-DD`) of each UTC instant."""
    return pd.to_datetime(ts, utc=True).dt.tz_convert(ET).dt.strftime("%Y-%m-%d")


# --------------------------------------------------------------------------- injury reports


def report_candidates(start: datetime, end: datetime) -> list[tuple[pd.Timestamp, str]]:
    """Every (report time, file name) the NBA may have published in (start, end].

    Hourly-era reports exist only at :30 (named by the hour); quarter-hour-era
    reports at every quarter hour. Within `NAMING_OVERLAP` of the switch both
    names of a time are tried.
    """
    first = pd.Timestamp(start).tz_convert(ET).floor("15min") + pd.Timedelta(minutes=15)
    last = pd.Timestamp(end).tz_convert(ET)
    out: list[tuple[pd.Timestamp, str]] = []
    t = first
    switch = pd.Timestamp(QUARTER_HOUR_NAMING_FROM).tz_localize(ET)
    while t <= last:
        names: list[str] = []
        near_switch = abs(t - switch) <= NAMING_OVERLAP
        if t.minute == 30 and (t < switch or near_switch):
            names.append(report_name(t.to_pydatetime(), quarter_hour=False))
        if t >= switch or near_switch:
            names.append(report_name(t.to_pydatetime(), quarter_hour=True))
        for name in dict.fromkeys(names):
            out.append((t, name))
        t += pd.Timedelta(minutes=15)
    return out


def injury_report_rows(capture: Capture, sha256: str, blob_path: str) -> pd.DataFrame:
    """One report PDF -> its rows; `available_at` is the report's stamped time."""
    name = capture.ident or capture.url.rsplit("/", 1)[-1]
    records = parse_injury_pdf_records(capture.body, source=name)
    frame = records_to_frame(records)
    frame.insert(1, "report_name", name)
    frame.insert(2, "row_index", pd.Series(range(len(frame)), dtype="int64"))
    frame["report_ts"] = pd.to_datetime(frame["report_ts"], utc=True)
    return stamp(
        frame, capture, sha256, blob_path, available_at=frame["report_ts"].iloc[0] if len(frame) else None
    )


# --------------------------------------------------------------------------- polled sources


def schedule_rows(capture: Capture, sha256: str, blob_path: str, game_date: date) -> pd.DataFrame:
    """The games of `game_date` (Eastern) in one schedule capture (none on an off day)."""
    frame = schedule.parse_schedule(capture.body, source=capture.url)
    day = frame[frame["game_date"].astype(str) == game_date.isoformat()]
    return stamp(day, capture, sha256, blob_path)


def odds_rows(capture: Capture, sha256: str, blob_path: str, game_date: date) -> pd.DataFrame:
    """Every quote of the games that tip on `game_date` (Eastern)."""
    frame = odds.parse_odds(capture.body, source=capture.url)
    day = frame[eastern_date(frame["commence_time"]) == game_date.isoformat()]
    return stamp(day, capture, sha256, blob_path, available_at=day["last_update"])


def playerindex_rows(capture: Capture, sha256: str, blob_path: str) -> pd.DataFrame:
    """Every player of the league's player index, as captured."""
    return stamp(roster.parse_playerindex(capture.body, source=capture.url), capture, sha256, blob_path)


def lineups_rows(capture: Capture, sha256: str, blob_path: str) -> pd.DataFrame:
    """Projected/confirmed starting lineups; `available_at` is each row's update time."""
    frame = lineups.parse_lineups(capture.body, source=capture.url)
    return stamp(frame, capture, sha256, blob_path, available_at=frame["updated_at"])


def lobby_groups(capture: Capture, game_date: date) -> pd.DataFrame:
    """The lobby's classic draft groups whose games start on `game_date` (Eastern), one row per group."""
    frame = draftables.parse_lobby(capture.body, source=capture.url)
    frame = frame[(frame["game_type"] == "Classic")]
    first = frame.groupby("draft_group_id")["game_start_ts"].transform("min")
    frame = frame[eastern_date(first) == game_date.isoformat()]
    return (
        frame.groupby("draft_group_id", as_index=False)
        .agg(game_type=("game_type", "first"), suffix=("suffix", "first"), lock_ts=("lock_ts", "min"))
        .sort_values("draft_group_id")
        .reset_index(drop=True)
    )


def draftables_rows(capture: Capture, sha256: str, blob_path: str, group: pd.Series) -> pd.DataFrame:
    """One draft group's draftables with the lobby's facts about the group."""
    frame = draftables.parse_draftables(
        capture.body, source=capture.url, draft_group_id=int(group["draft_group_id"])
    )
    frame["lobby_game_type"] = str(group["game_type"])
    frame["lobby_suffix"] = str(group["suffix"])
    frame["lock_ts"] = pd.Series([_utc(group["lock_ts"])] * len(frame), index=frame.index, dtype=TS)
    return stamp(frame, capture, sha256, blob_path)


def boxscore_rows(capture: Capture, sha256: str, blob_path: str) -> pd.DataFrame:
    """Every listed player of one game's box score, as captured."""
    return stamp(boxscore.parse_boxscore(capture.body, source=capture.url), capture, sha256, blob_path)


def concat(frames: Iterable[pd.DataFrame], empty: pd.DataFrame) -> pd.DataFrame:
    """Concatenate bronze frames; `empty` (with the right columns and dtypes) when there are none."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty
    return pd.concat(frames, ignore_index=True)


def empty_like(columns: dict[str, str]) -> pd.DataFrame:
    """A zero-row frame with bronze dtypes for a parser's column map plus provenance."""
    data: dict[str, pd.Series] = {}
    for name, dtype in columns.items():
        if dtype == "date":
            data[name] = pd.Series(dtype=object)
        elif dtype.startswith("datetime64"):
            data[name] = pd.Series(dtype=TS)
        else:
            data[name] = pd.Series(dtype=dtype)
    for name in PROVENANCE:
        data[name] = pd.Series(dtype=TS if name in ("captured_at", "available_at") else "str")
    return pd.DataFrame(data)
