"""`LeagueAsOf` gives what the real silver path gives: payloads -> bronze -> `core/snapshots.py`.

The real path is run in process for a sample of (game_date, slot) partitions across both
report eras: every payload a bronze capture fetches is rendered by `LeaguePayloads`, parsed
by the bronze functions and fed through the snapshot functions the silver assets call
(`defs/silver.py`: `schedule_snapshot`, `injury_snapshot` + `PlayerDirectory.match`,
`odds_snapshot`, `roster_snapshot`, `lineups_snapshot`). The adapter answers all the
sampled partitions' targets in one call per source, and each partition's slice must equal
the real frames (keys, values, dtypes; floats to 1e-12).

"Complete enough" history (a complete one renders every slot of the date and every report:
minutes per partition):

* Polled sources are captured at the partition's slot S, the date's first slot and, per game of
  the date, the newest slot <= min(S, tip) (schedule, player index) and the newest slot <= S
  strictly before tip (odds; lineups at all of these). Per game each snapshot picks the newest
  capture by the cutoff (schedule, index) or each key's newest row by it (odds, lineups), and
  every capture holds the newest rows as of its instant, so the capture a complete history
  would pick from is in the set and the frames are the same. A capture at slot s is the same
  whichever later slot reads it, so partitions of one date share them.
* Injury reports: every report of the day before and of the game date up to S is in the
  history (what silver reads). The two newest by each game's cutoff, the ones the snapshot
  picks from, are PDF round trips; the older ones are `InjuryReports.rows` (the rows the PDF
  renders) in the parsed columns, reused from the previous report when no filing or news time
  of a covered game lies between the two. Every PDF round trip must equal both.
* One partition (`FULL`) is captured completely: every polled source at every slot of the
  date up to S and every report of both days as a PDF.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from _league_cache import league

from projections_assets.contracts import silver as contracts
from projections_assets.core import bronze, snapshots
from projections_assets.core.captures import Capture
from projections_assets.core.identity import PlayerDirectory
from projections_assets.core.teams import TeamDirectory
from projections_assets.league.asof import LeagueAsOf, horizon_targets
from projections_assets.league.payloads import LeaguePayloads, NotPublished
from projections_assets.league.reports import InjuryReports, report_file_name, report_times
from projections_assets.parsers import lineups as lineup_parser
from projections_assets.partitions import SlatePartition, parse_key, slot_times, slot_window
from projections_assets.sources.clients import ENDPOINTS

SEED = 11
ET = "America/New_York"

# (game_date, slots): both report eras, the switch (2025-12-22, whose day before is hourly),
# the DST change (2025-11-02), early slots, slots at a tip (19:00, 19:30), after some tips, the last.
SAMPLE = {
    "2025-11-02": ("09:00", "15:30", "23:45"),
    "2025-11-19": ("11:00", "19:00", "21:15"),
    "2025-12-22": ("08:00", "19:30", "22:00"),
    "2026-01-10": ("13:45", "19:15", "23:45"),
    "2026-02-11": ("17:00", "20:30"),
}
FULL = "2025-11-19|08:45"
KEYS = [f"{day}|{slot}" for day, slots in SAMPLE.items() for slot in slots] + [FULL]

# The bronze injury columns the snapshot reads.
REPORT_COLUMNS = [
    "report_ts",
    "report_name",
    "game_date",
    "game_time_et",
    "matchup",
    "team",
    "player_name",
    "status",
    "reason",
    "available_at",
]
FRESHNESS = ["age_minutes", "minutes_to_tip"]


# --------------------------------------------------------------------------- the real path


def _slots_of(day: date) -> list[datetime]:
    return [SlatePartition(day, s).run_as_of_ts for s in slot_times()]


def _utc(value: object) -> pd.Timestamp:
    return pd.Timestamp(value).tz_convert("UTC")


class RealPath:
    """Bronze captures rendered from the league's payloads, and silver from the snapshot functions."""

    def __init__(self, tables: dict[str, pd.DataFrame]) -> None:
        self.tables = tables
        self.payloads = LeaguePayloads(tables)
        self.reports = InjuryReports(tables)
        self.games = tables["games"]
        self._captures: dict[tuple[str, str | None, datetime], Capture | None] = {}
        self._report_frames: dict[tuple[pd.Timestamp, bool], pd.DataFrame] = {}
        self._rows: dict[tuple, pd.DataFrame | None] = {}
        self._last: tuple[pd.Timestamp, pd.DataFrame] | None = None
        self._change_times: dict[date, np.ndarray] = {}
        self._report_days: dict[date, list[pd.Timestamp]] = {}
        self.pdf_round_trips = 0

    # ------------------------------------------------------------------ captures

    def capture(self, kind: str, at: datetime, ident: str | None = None) -> Capture | None:
        """The payload a bronze capture as of `at` fetches (None: not published yet), rendered once."""
        key = (kind, ident, at)
        if key not in self._captures:
            try:
                payload = self.payloads.render(kind, at, ident)
            except NotPublished:
                self._captures[key] = None
            else:
                self._captures[key] = Capture(
                    kind=kind,
                    ident=ident,
                    url=f"league://{kind}/{ident or ''}",
                    body=payload.body,
                    ext=ENDPOINTS[kind].ext,
                    fetched_at=at,
                    source_now=None,
                    as_of=None if kind == "injury_pdf" else at,
                )
        return self._captures[key]

    def rows(self, kind: str, at: datetime, day: date) -> pd.DataFrame | None:
        """The bronze rows one capture of a polled source gives for `day` (parsed once)."""
        key = (kind, None, at, day)
        if key not in self._rows:
            ident = day.isoformat() if kind == "lineups" else None
            capture = self.capture(kind, at, ident)
            if capture is None:
                self._rows[key] = None
            elif kind == "schedule":
                self._rows[key] = bronze.schedule_rows(capture, "sha", "blob", day)
            elif kind == "odds":
                self._rows[key] = bronze.odds_rows(capture, "sha", "blob", day)
            elif kind == "playerindex":
                self._rows[key] = bronze.playerindex_rows(capture, "sha", "blob")
            else:
                self._rows[key] = bronze.lineups_rows(capture, "sha", "blob")
        return self._rows[key]

    def polled(self, day: date, slots: dict[str, list[datetime]]) -> dict[str, pd.DataFrame]:
        """Bronze history of the polled slate sources, each captured at its `slots` (`defs/bronze.py`)."""
        out = {}
        for kind, at in slots.items():
            parts = [self.rows(kind, s, day) for s in at]
            empty = (
                bronze.empty_like(lineup_parser.LINEUP_COLUMNS) if kind == "lineups" else parts[0].iloc[0:0]
            )
            out[kind] = bronze.concat([p for p in parts if p is not None], empty)
        return out

    def report_frame(self, stamp: pd.Timestamp, pdf: bool) -> pd.DataFrame:
        """One report's bronze rows (REPORT_COLUMNS): a PDF round trip, or the rows it renders."""
        key = (stamp, pdf)
        if key not in self._report_frames:
            if pdf:
                name = report_file_name(stamp)
                capture = self.capture("injury_pdf", _utc(stamp).to_pydatetime(), name)
                assert capture is not None
                frame = bronze.injury_report_rows(capture, "sha", "blob")[REPORT_COLUMNS]
                self.pdf_round_trips += 1
                pd.testing.assert_frame_equal(frame, self._rows_bronze(self.reports.rows(stamp), stamp))
                pd.testing.assert_frame_equal(frame, self.report_frame(stamp, pdf=False))
            else:
                frame = self._rows_bronze(self._report_rows(stamp), stamp)
            self._report_frames[key] = frame
        return self._report_frames[key]

    def _report_rows(self, stamp: pd.Timestamp) -> pd.DataFrame:
        """`InjuryReports.rows(stamp)`, reusing the previous report's rows when nothing it reads changed.

        A report's rows depend on its stamp only through its Eastern date (the games it covers)
        and, for those games, which filing times and news times are <= the stamp.
        """
        day = stamp.date()
        if self._last is not None:
            last_stamp, last_rows = self._last
            if last_stamp.date() == day and last_stamp < stamp:
                changes = self._changes(day)
                lo, hi = _utc(last_stamp).value, _utc(stamp).value  # nanoseconds
                if not ((changes > lo) & (changes <= hi)).any():
                    rows = last_rows.assign(report_ts=stamp)
                    self._last = (stamp, rows)
                    return rows
        rows = self.reports.rows(stamp)
        self._last = (stamp, rows)
        return rows

    def _changes(self, day: date) -> np.ndarray:
        if day not in self._change_times:
            covered = self.games.loc[self.games["game_date"].isin([day, day + timedelta(days=1)]), "game_id"]
            filings = self.tables["injury_filings"]
            news = self.tables["injury_news"]
            times = pd.concat(
                [
                    filings.loc[filings["game_id"].isin(covered), "filed_ts"],
                    news.loc[news["game_id"].isin(covered), "available_at"],
                ]
            )
            self._change_times[day] = pd.DatetimeIndex(times).as_unit("ns").asi8
        return self._change_times[day]

    def _rows_bronze(self, rows: pd.DataFrame, stamp: pd.Timestamp) -> pd.DataFrame:
        ts = pd.Series([_utc(stamp)] * len(rows), dtype=snapshots.TS)
        return pd.DataFrame(
            {
                "report_ts": ts,
                "report_name": pd.Series([report_file_name(stamp)] * len(rows), dtype=str),
                "game_date": rows["game_date"].map(date.isoformat).astype(str).to_numpy(),
                "game_time_et": rows["game_time_et"].astype(str).to_numpy(),
                "matchup": rows["matchup"].astype(str).to_numpy(),
                "team": rows["team"].astype(str).to_numpy(),
                "player_name": rows["player_name"].astype(str).to_numpy(),
                "status": rows["status"].astype(str).to_numpy(),
                "reason": rows["reason"].astype(str).to_numpy(),
                "available_at": ts,
            }
        )

    def published_reports(self, start: datetime, end: datetime) -> list[pd.Timestamp]:
        """The reports bronze fetches for slot windows covering (start, end]: every candidate the feed serves."""
        out: list[pd.Timestamp] = []
        for stamp, name in bronze.report_candidates(start, end):
            day = stamp.date()
            if day not in self._report_days:
                self._report_days[day] = report_times(day, day)
            if stamp in self._report_days[day] and name == report_file_name(stamp) and stamp not in out:
                out.append(stamp)
        return out

    # ------------------------------------------------------------------ silver

    def silver(self, key: str, full: bool = False) -> dict[str, pd.DataFrame]:
        partition = parse_key(key)
        day, as_of = partition.game_date, partition.run_as_of_ts
        day_games = self.games[self.games["game_date"] == day]
        slots = [s for s in _slots_of(day) if s <= as_of]
        tips = [_utc(t).to_pydatetime() for t in day_games["tip_ts"]]
        if full:
            capture_at = dict.fromkeys(("schedule", "odds", "playerindex", "lineups"), slots)
        else:
            # Per game: the newest slot by its cutoff (schedule, index) and the last one before tip (odds).
            by_cutoff = {max(s for s in slots if s <= min(as_of, tip)) for tip in tips}
            before_tip = {[s for s in slots if s < tip][-1] for tip in tips if slots[0] < tip}
            common = {as_of, slots[0]}
            capture_at = {
                "schedule": sorted(common | by_cutoff),
                "odds": sorted(common | before_tip),
                "playerindex": sorted(common | by_cutoff),
                "lineups": sorted(common | by_cutoff | before_tip),
            }
        polled = self.polled(day, capture_at)
        # The lake reader: every capture of the partition's dates with available_at <= run_as_of_ts.
        history = {
            name: frame[pd.to_datetime(frame["available_at"], utc=True) <= as_of] if len(frame) else frame
            for name, frame in polled.items()
        }
        # Injury reports of the day before and the game date (the slot windows of both dates up to S).
        first_window = slot_window(SlatePartition(day - timedelta(days=1), slot_times()[0]))[0]
        stamps = self.published_reports(first_window, as_of)
        pdf = set(stamps) if full else set()
        if not full:
            for tip in tips:
                cut = min(as_of, tip)
                pdf |= set([s for s in stamps if _utc(s) <= cut][-2:])
        reports = pd.concat([self.report_frame(s, s in pdf) for s in stamps], ignore_index=True)

        schedule = snapshots.schedule_snapshot(history["schedule"], day.isoformat(), as_of)
        index = snapshots.latest_capture(history["playerindex"], "available_at")
        teams, players = TeamDirectory.from_player_index(index), PlayerDirectory.from_player_index(index)
        injuries, pending = snapshots.injury_snapshot(
            reports, schedule, as_of, lambda name: teams.resolve(name).tricode
        )
        injuries = players.match(
            injuries, "player_name", "team_tricode", "last_first", unique_within=["game_id"]
        )
        injuries = injuries[list(contracts.SILVER_INJURIES.schema.columns)]
        odds = snapshots.odds_snapshot(
            history["odds"], schedule, as_of, lambda name: teams.resolve_name(name).tricode
        )
        roster = snapshots.roster_snapshot(history["playerindex"], schedule, as_of)
        lineups = snapshots.lineups_snapshot(history["lineups"], schedule, as_of)
        return {
            "schedule": schedule,
            "injuries": injuries,
            "pending": pending,
            "odds": odds,
            "roster": roster,
            "lineups": lineups,
            "_games": day_games,
            "_reports": pd.Series(
                [len(stamps), len(pdf), sum(map(len, capture_at.values()))],
                index=["reports", "pdfs", "captures"],
            ),
        }


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return league(SEED).tables


@pytest.fixture(scope="module")
def adapter(tables: dict[str, pd.DataFrame]) -> LeagueAsOf:
    return LeagueAsOf(tables, slot_times())


@pytest.fixture(scope="module")
def real(tables: dict[str, pd.DataFrame]) -> dict[str, dict[str, pd.DataFrame]]:
    path = RealPath(tables)
    return {key: path.silver(key, full=key == FULL) for key in KEYS}


def _targets(tables: dict[str, pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    """Every game of each partition's date at the partition's run_as_of_ts."""
    games = tables["games"]
    frames = []
    for key in keys:
        p = parse_key(key)
        ids = games.loc[games["game_date"] == p.game_date, "game_id"].astype(str)
        frames.append(pd.DataFrame({"game_id": ids.to_numpy(), "as_of_ts": _utc(p.run_as_of_ts)}))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def fast(tables: dict[str, pd.DataFrame], adapter: LeagueAsOf) -> dict[str, pd.DataFrame]:
    """The adapter's frames for every sampled partition's targets, in one call per source (mixed days)."""
    targets = _targets(tables, KEYS).sample(frac=1.0, random_state=3)
    return {
        "schedule": adapter.schedule(targets, freshness=True),
        "injuries": adapter.injuries(targets, freshness=True),
        "pending": adapter.injury_pending(targets),
        "odds": adapter.odds(targets, freshness=True),
        "roster": adapter.roster(targets, freshness=True),
        "lineups": adapter.lineups(targets, freshness=True),
    }


# --------------------------------------------------------------------------- comparison

KEY_COLUMNS = {
    "schedule": ["game_id"],
    "injuries": ["game_id", "team_tricode", "player_name"],
    "pending": ["game_id", "team_tricode"],
    "odds": ["game_id"],
    "roster": ["game_id", "team_id", "player_id"],
    "lineups": ["game_id", "team_id", "person_id"],
}


def _slice(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    return frame[frame["as_of_ts"] == _utc(parse_key(key).run_as_of_ts)]


def _same(real_frame: pd.DataFrame, fast_frame: pd.DataFrame, name: str) -> None:
    keys = KEY_COLUMNS[name]
    if name == "pending":
        columns = keys
    else:
        columns = [c for c in real_frame.columns if c in fast_frame.columns]
        # Silver-shaped: the real columns (and nothing else), the injuries without match_method.
        assert set(real_frame.columns) - set(columns) == ({"match_method"} if name == "injuries" else set())
        assert set(fast_frame.columns) == set(columns)
    a = real_frame[columns].sort_values(keys).reset_index(drop=True)
    b = fast_frame[columns].sort_values(keys).reset_index(drop=True)
    assert a[keys].duplicated().sum() == 0
    assert list(zip(*[a[k] for k in keys], strict=True)) == list(zip(*[b[k] for k in keys], strict=True)), (
        name
    )
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, atol=1e-12, obj=name)


@pytest.mark.parametrize("key", KEYS)
def test_matches_real_silver(key: str, real: dict, fast: dict) -> None:
    expected = real[key]
    assert set(expected["schedule"]["game_id"]) == set(expected["_games"]["game_id"])
    for name in KEY_COLUMNS:
        _same(expected[name], _slice(fast[name], key), name)
    # The real path resolved every injury name: player_id is the person id there too.
    assert (expected["injuries"]["match_method"] != "unmatched").all()


def test_sample_covers_the_cases_that_matter(real: dict) -> None:
    """The sample exercises both report eras, pending teams, tips on a slot and finished cutoffs."""
    injuries = pd.concat([real[k]["injuries"] for k in KEYS])
    schedule = pd.concat([real[k]["schedule"] for k in KEYS])
    names = injuries["report_name"]
    assert names.str.fullmatch(r"Injury-Report_\d{4}-\d\d-\d\d_\d\d(AM|PM)\.pdf").any()
    assert names.str.fullmatch(r"Injury-Report_\d{4}-\d\d-\d\d_\d\d_\d\d(AM|PM)\.pdf").any()
    assert sum(len(real[k]["pending"]) for k in KEYS) > 0
    assert (schedule["game_status"] == 2).any() and (schedule["game_status"] == 1).any()
    assert (schedule["minutes_to_tip"] < 0).any() and (schedule["minutes_to_tip"] > 0).any()
    lineups = pd.concat([real[k]["lineups"] for k in KEYS])
    assert lineups["confirmed"].any() and (~lineups["confirmed"]).any()
    # Players the feed marks Inactive (ruled out), beside the active ones.
    assert lineups["inactive"].any() and (~lineups["inactive"]).any()
    full = real[FULL]["_reports"]
    assert full["pdfs"] == full["reports"] > 24


def test_frames_meet_the_silver_contracts(fast: dict) -> None:
    for name, contract in (
        ("schedule", contracts.SILVER_SCHEDULE),
        ("odds", contracts.SILVER_ODDS),
        ("roster", contracts.SILVER_ROSTER),
        ("lineups", contracts.SILVER_LINEUPS),
    ):
        contract.schema.validate(fast[name])
    contracts.SILVER_INJURIES.schema.remove_columns(["match_method"]).validate(fast["injuries"])


def _one(adapter: LeagueAsOf, targets: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every source for `targets`, without the target instant (to compare two instants' answers)."""
    out = {}
    for name in ("schedule", "injuries", "odds", "roster", "lineups"):
        frame = getattr(adapter, name)(targets).drop(columns="as_of_ts")
        out[name] = frame.sort_values(list(frame.columns[:3])).reset_index(drop=True)
    return out


def _day_targets(tables: dict[str, pd.DataFrame], day: str, at: pd.Timestamp) -> pd.DataFrame:
    games = tables["games"]
    ids = games.loc[games["game_date"] == date.fromisoformat(day), "game_id"].astype(str)
    return pd.DataFrame({"game_id": ids.to_numpy(), "as_of_ts": _utc(at)})


def test_off_grid_instants(tables: dict, adapter: LeagueAsOf) -> None:
    """Report times lie on the slot grid, so an instant between slots answers as the slot before it."""
    for day, slot in (("2025-11-19", "17:30"), ("2026-01-10", "19:00")):
        at = pd.Timestamp(f"{day} {slot}", tz=ET)
        at_slot = _one(adapter, _day_targets(tables, day, at))
        for offset in (7, 14):
            later = _one(adapter, _day_targets(tables, day, at + pd.Timedelta(minutes=offset, seconds=59)))
            for name, frame in at_slot.items():
                pd.testing.assert_frame_equal(frame, later[name], obj=name)
        following = _one(adapter, _day_targets(tables, day, at + pd.Timedelta(minutes=15)))
        assert not following["roster"].equals(at_slot["roster"])


def test_after_the_last_slot(tables: dict, adapter: LeagueAsOf) -> None:
    """After the date's last slot (and every tip) the answer is the last slot's: everything is cut at tip."""
    day = "2026-01-10"
    last = _one(adapter, _day_targets(tables, day, pd.Timestamp(f"{day} 23:45", tz=ET)))
    next_day = _one(
        adapter, _day_targets(tables, day, pd.Timestamp(f"{day} 23:45", tz=ET) + pd.Timedelta(hours=14))
    )
    for name, frame in last.items():
        assert len(frame), name
        pd.testing.assert_frame_equal(frame, next_day[name], obj=name)


def test_targets_are_checked_and_deduplicated(tables: dict, adapter: LeagueAsOf) -> None:
    targets = _day_targets(tables, "2025-12-22", pd.Timestamp("2025-12-22 19:30", tz=ET))
    twice = pd.concat([targets, targets], ignore_index=True)
    pd.testing.assert_frame_equal(adapter.injuries(twice), adapter.injuries(targets))
    pd.testing.assert_frame_equal(adapter.odds(twice), adapter.odds(targets))
    early = targets.assign(as_of_ts=_utc(pd.Timestamp("2025-12-22 07:59", tz=ET)))
    with pytest.raises(ValueError, match="first slot"):
        adapter.schedule(early)
    with pytest.raises(ValueError, match="unknown games"):
        adapter.lineups(targets.assign(game_id="0029999999"))
    empty = adapter.roster(targets.iloc[0:0])
    assert empty.empty and "as_of_ts" in empty.columns


def test_horizon_targets(tables: dict, adapter: LeagueAsOf) -> None:
    targets = adapter.horizon_targets()
    games = tables["games"].assign(game_id=lambda d: d["game_id"].astype(str)).set_index("game_id")
    assert len(targets) == 2 * len(games)
    step = pd.Timedelta(minutes=15)
    for horizon, lead in (("tip-2h", pd.Timedelta(hours=2)), ("last", pd.Timedelta(0))):
        t = targets[targets["horizon"] == horizon]
        tip = games.loc[t["game_id"], "tip_ts"].to_numpy()
        as_of = t["as_of_ts"].to_numpy()
        # On the grid: the key's run_as_of_ts is the instant, on the game's date.
        for key, instant, gid in t.sample(40, random_state=1)[
            ["partition_key", "as_of_ts", "game_id"]
        ].itertuples(index=False):
            partition = parse_key(key)
            assert (
                _utc(partition.run_as_of_ts) == instant and partition.game_date == games.loc[gid, "game_date"]
            )
        if horizon == "last":
            assert (as_of < tip).all() and (as_of + step >= tip).all()
        else:
            assert (as_of <= tip - lead).all() and (as_of + step > tip - lead).all()
    # Clamped to the date's grid: a 09:00 tip has no slot two hours before it.
    odd = pd.DataFrame(
        {
            "game_id": ["g1"],
            "game_date": [date(2026, 1, 10)],
            "tip_ts": [pd.Timestamp("2026-01-10 09:00", tz=ET)],
        }
    )
    clamped = horizon_targets(odd, slot_times(), ("tip-2h", "last", "tip-30m"))
    assert clamped["partition_key"].tolist() == ["2026-01-10|08:00", "2026-01-10|08:45", "2026-01-10|08:30"]
    with pytest.raises(ValueError, match="unknown horizon"):
        horizon_targets(odd, slot_times(), ("2h",))
