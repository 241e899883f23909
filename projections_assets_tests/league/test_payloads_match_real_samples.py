"""Every league payload that has a real sample has that sample's keys and value types.

`test_render_formats.py` checks the renderers on random records; this file checks
what the league itself publishes (`LeaguePayloads.render`), against the real
payloads in `projections_assets_tests/fixtures/real/`. The comparison walks both documents:

* object keys must be the same at every path: the league may neither drop a key
  the real sample has nor invent one, and a key present in every real object
  must be present in every league object;
* list elements are compared as one union shape per list;
* value types (int, float, str, bool, null, list, dict) must be ones the real
  sample uses at that path, so null is accepted only where the real sample
  itself shows null there;
* stats.nba.com `resultSets` are compared per result set: the `headers` lists
  exactly, then the types of each column of the rows.

Where the league knowingly publishes less than the real payload (a list it
never fills, a key it leaves out), the difference is listed below with the
reason, and the test fails if a listed difference stops occurring, so the lists
cannot go stale.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from _league_cache import SEEDS, league

from projections_assets.league.payloads import LeaguePayloads
from projections_assets_tests.conftest import REAL_FIXTURES

REAL: Path = REAL_FIXTURES
# 6 PM Eastern on a mid-season Thursday of the one-season test league (2025-26): some games are
# final, tonight's are not yet, and tomorrow's draft groups are open.
AT = datetime(2026, 1, 15, 23, 0, tzinfo=UTC)


# ----------------------------------------------------------------------------- the comparison


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    # bool before int: JSON true is a Python bool, which is also an int.
    for py, name in ((bool, "bool"), (int, "int"), (float, "float"), (str, "str"), (list, "list")):
        if isinstance(value, py):
            return name
    if isinstance(value, dict):
        return "dict"
    raise TypeError(f"not a JSON value: {value!r}")


@dataclass
class Shape:
    """The union of every value seen at one JSON path."""

    types: set[str] = field(default_factory=set)
    objects: int = 0  # how many objects were seen here
    keys: dict[str, Shape] = field(default_factory=dict)
    key_counts: dict[str, int] = field(default_factory=dict)
    items: Shape | None = None  # the union of all elements of the lists seen here

    def add(self, value: Any) -> Shape:
        self.types.add(json_type(value))
        if isinstance(value, dict):
            self.objects += 1
            for key, child in value.items():
                self.keys.setdefault(key, Shape()).add(child)
                self.key_counts[key] = self.key_counts.get(key, 0) + 1
        elif isinstance(value, list):
            self.items = self.items or Shape()
            for child in value:
                self.items.add(child)
        return self


def shape_of(docs: Iterable[Any]) -> Shape:
    shape = Shape()
    for doc in docs:
        shape.add(doc)
    return shape


def differences(got: Shape, want: Shape, path: str = "$") -> set[tuple[str, str]]:
    """(path, problem) for every way the league shape `got` departs from the real shape `want`."""
    found: set[tuple[str, str]] = set()
    if not got.types <= want.types:
        found.add((path, f"types {sorted(got.types)}, real {sorted(want.types)}"))
    if got.objects and want.objects:
        for key in want.keys.keys() - got.keys.keys():
            found.add((f"{path}.{key}", "missing"))
        for key in got.keys.keys() - want.keys.keys():
            found.add((f"{path}.{key}", "not in the real payload"))
        for key in want.keys.keys() & got.keys.keys():
            if want.key_counts[key] == want.objects and got.key_counts[key] < got.objects:
                found.add((f"{path}.{key}", "sometimes missing"))
            found |= differences(got.keys[key], want.keys[key], f"{path}.{key}")
    real_items, league_items = want.items, got.items
    # A list the real sample only shows empty has no element shape to compare with.
    if real_items is not None and real_items.types and league_items is not None:
        if not league_items.types:
            found.add((f"{path}[]", "always empty"))
        else:
            found |= differences(league_items, real_items, f"{path}[]")
    return found


def assert_same_shape(
    league_docs: Iterable[Any], real_docs: Iterable[Any], expected: Mapping[tuple[str, str], str] = {}
) -> None:
    """The league documents have the real documents' shape, but for the `expected` differences."""
    found = differences(shape_of(league_docs), shape_of(real_docs))
    assert sorted(found - set(expected)) == [], "league payload departs from the real sample"
    assert sorted(set(expected) - found) == [], "a listed difference no longer occurs: drop it from the list"


def column_types(docs: Iterable[Any]) -> dict[str, dict[str, set[str]]]:
    """stats.nba.com documents -> {result set name: {header: types of that column}}."""
    out: dict[str, dict[str, set[str]]] = {}
    for doc in docs:
        for result in doc["resultSets"]:
            columns = out.setdefault(result["name"], {h: set() for h in result["headers"]})
            assert list(columns) == result["headers"], result["name"]
            for row in result["rowSet"]:
                assert len(row) == len(result["headers"]), result["name"]
                for header, value in zip(result["headers"], row, strict=True):
                    columns[header].add(json_type(value))
    return out


def assert_same_result_sets(
    league_docs: list[Any], real: Any, expected_empty: Mapping[str, str] = {}
) -> None:
    """The wrapper has the real shape; each result set has the real headers and column types."""

    def wrapper(doc: Any) -> dict[str, Any]:
        return {k: v for k, v in doc.items() if k != "resultSets"}

    assert_same_shape(map(wrapper, league_docs), [wrapper(real)])
    for doc in league_docs:
        assert [r["name"] for r in doc["resultSets"]] == [r["name"] for r in real["resultSets"]]
        for got, want in zip(doc["resultSets"], real["resultSets"], strict=True):
            assert got["headers"] == want["headers"], got["name"]
            assert set(got) == set(want), got["name"]
    league_columns, real_columns = column_types(league_docs), column_types([real])
    for name, real_cols in real_columns.items():
        if name in expected_empty:
            assert all(not types for types in league_columns[name].values()), f"{name} is no longer empty"
            continue
        for header, types in league_columns[name].items():
            assert types, (name, header, "no rows to compare")
            assert types <= real_cols[header], (name, header, sorted(types), sorted(real_cols[header]))


def real_json(name: str) -> Any:
    data = (REAL / name).read_bytes()
    return json.loads(gzip.decompress(data) if name.endswith(".gz") else data)


# ----------------------------------------------------------------------------- the league


@pytest.fixture(scope="module")
def payloads() -> LeaguePayloads:
    return LeaguePayloads(league(SEEDS[0]).tables)


def _render_json(payloads: LeaguePayloads, kind: str, as_of: datetime, ident: str | None = None) -> Any:
    return json.loads(payloads.render(kind, as_of, ident).body)


def _open_group(payloads: LeaguePayloads, at: datetime = AT) -> int:
    groups = payloads.tables["draft_groups"]
    live = groups[(groups["salary_available_at"] <= at) & (groups["lock_ts"] > at)]
    return int(live["draft_group_id"].iloc[0])


# ----------------------------------------------------------------------------- cdn.nba.com

NO_BROADCASTERS = "the league simulates no broadcasters, so every broadcaster list is empty"
SCHEDULE_GAPS = {
    **{
        (f"$.leagueSchedule.gameDates[].games[].broadcasters.{name}[]", "always empty"): NO_BROADCASTERS
        for name in (
            "nationalTvBroadcasters",
            "nationalRadioBroadcasters",
            "homeTvBroadcasters",
            "homeRadioBroadcasters",
            "awayTvBroadcasters",
            "awayRadioBroadcasters",
            "intlTvBroadcasters",
            "intlOttBroadcasters",
        )
    },
    ("$.leagueSchedule.broadcasterList[]", "always empty"): NO_BROADCASTERS,
    ("$.leagueSchedule.weeks[]", "always empty"): (
        "the league does not number regular-season weeks (every game has weekNumber 0, weekName '')"
    ),
}


def test_schedule_matches_scheduleleaguev2(payloads: LeaguePayloads) -> None:
    games = payloads.tables["games"]
    # Mid-season (finals with points leaders beside scheduled games) and half an hour into a game, so
    # every game status (1 scheduled, 2 live, 3 final) is compared.
    during = (games["tip_ts"].iloc[len(games) // 2] + timedelta(minutes=30)).to_pydatetime()
    rendered = [_render_json(payloads, "schedule", t) for t in (AT, during)]
    days = [day for doc in rendered for day in doc["leagueSchedule"]["gameDates"]]
    assert {g["gameStatus"] for day in days for g in day["games"]} == {1, 2, 3}
    # Both real seasons: the full 2024-25 schedule and the trimmed 2025-26 one (the current key set).
    real = [
        real_json("cdn_nba/scheduleLeagueV2_2024-25_full.json.gz"),
        real_json("cdn_nba/scheduleLeagueV2_2025-26_trimmed.json"),
    ]
    assert_same_shape(rendered, real, SCHEDULE_GAPS)


def test_boxscore_matches_livedata_boxscore(payloads: LeaguePayloads) -> None:
    games = payloads.tables["games"]
    final = games[games["end_ts"] <= pd.Timestamp(AT)]
    # A whole evening of games plus every overtime game, so starters, bench, DNPs and OT periods all occur.
    chosen = pd.concat([final[final["game_date"] == final["game_date"].max()], final[final["n_ot"] > 0]])
    assert chosen["n_ot"].max() > 0 and len(chosen) > 5
    rendered = [_render_json(payloads, "boxscore", AT, g) for g in chosen["game_id"].unique()]
    players = [
        p for doc in rendered for side in ("homeTeam", "awayTeam") for p in doc["game"][side]["players"]
    ]
    assert {p["played"] for p in players} == {"0", "1"}
    assert {p["status"] for p in players} == {"ACTIVE", "INACTIVE"}
    assert_same_shape(
        rendered,
        [real_json("cdn_nba/boxscore_0042200123.json")],
        {("$.game.officials[]", "always empty"): "the league simulates no referees"},
    )


# ----------------------------------------------------------------------------- stats.nba.com


def test_roster_matches_commonteamroster(payloads: LeaguePayloads) -> None:
    teams = payloads.tables["teams"]["team_id"]
    rendered = [_render_json(payloads, "roster", AT, str(t)) for t in teams]
    assert_same_result_sets(
        rendered,
        real_json("stats_nba/commonteamroster_CLE_2025-26.json"),
        {"Coaches": "the league simulates no coaching staffs"},
    )


def test_playerindex_matches_playerindex(payloads: LeaguePayloads) -> None:
    rendered = [_render_json(payloads, "playerindex", AT)]
    assert_same_result_sets(rendered, real_json("stats_nba/playerindex_2025-26.json"))


# ----------------------------------------------------------------------------- The Odds API

H2H_NO_POINT = {
    ("$.outcomes[].point", "missing"): (
        "h2h outcomes carry no point (The Odds API v4); the real sample quotes only spreads and totals"
    )
}


def _odds_documents(payloads: LeaguePayloads) -> tuple[list[Any], list[Any]]:
    """(historical snapshots, live odds lists) of the league, with bookmakers quoting games."""
    # Historical snapshots asked later than they were taken, as a backfill does: next_timestamp is set.
    snapshots = [
        json.loads(payloads.odds_historical(t, AT).body)
        for t in (datetime(2026, 1, 15, 16, 0, tzinfo=UTC), datetime(2026, 1, 14, 22, 2, tzinfo=UTC))
    ]
    live = [_render_json(payloads, "odds", t) for t in (AT, datetime(2026, 1, 15, 15, 0, tzinfo=UTC))]
    assert all(doc["data"] and doc["next_timestamp"] for doc in snapshots)
    assert all(live)
    return snapshots, live


def test_odds_historical_matches_the_odds_api_samples(payloads: LeaguePayloads) -> None:
    # The league serves /v4/historical/sports/basketball_nba/odds (a list of events with bookmakers);
    # the real samples are its two neighbours: the historical events list (events without bookmakers)
    # and the historical event odds (one event with bookmakers). All three share the wrapper, the
    # event object and the bookmaker/market/outcome objects.
    events_sample = real_json("odds/oddsapi_v4_hist_events_20250309.json")
    event_odds_sample = real_json("odds/oddsapi_v4_hist_event_odds_spreads_20240125.json")
    snapshots, live = _odds_documents(payloads)

    def wrapper(doc: Any) -> dict[str, Any]:
        return {k: v for k, v in doc.items() if k != "data"}

    assert_same_shape(map(wrapper, snapshots), [wrapper(events_sample), wrapper(event_odds_sample)])
    events = [e for doc in snapshots for e in doc["data"]] + [e for doc in live for e in doc]
    bare = [{k: v for k, v in e.items() if k != "bookmakers"} for e in events]
    assert_same_shape(bare, events_sample["data"])
    # The real event odds sample has no h2h market: compare the other markets with it as they are,
    # and the h2h markets with its markets but for the point their outcomes do not have.
    without_h2h = [
        {
            **e,
            "bookmakers": [
                {**b, "markets": [m for m in b["markets"] if m["key"] != "h2h"]} for b in e["bookmakers"]
            ],
        }
        for e in events
    ]
    assert_same_shape(without_h2h, [event_odds_sample["data"]])
    h2h = [m for e in events for b in e["bookmakers"] for m in b["markets"] if m["key"] == "h2h"]
    assert h2h
    real_markets = [m for b in event_odds_sample["data"]["bookmakers"] for m in b["markets"]]
    assert_same_shape(h2h, real_markets, H2H_NO_POINT)


# ----------------------------------------------------------------------------- DraftKings


def test_draftables_match_the_draftables_api(payloads: LeaguePayloads) -> None:
    # An open draft group, and one whose games are over (its players carry injury statuses).
    ends = (
        payloads.tables["draft_group_games"]
        .merge(payloads.tables["games"][["game_id", "end_ts"]])
        .groupby("draft_group_id")["end_ts"]
        .max()
    )
    done = int(ends[ends <= pd.Timestamp(AT)].index[-1])
    rendered = [_render_json(payloads, "draftables", AT, str(g)) for g in (_open_group(payloads), done)]
    statuses = {d["status"] for doc in rendered for d in doc["draftables"]}
    assert {"None", "OUT"} <= statuses
    assert_same_shape(rendered, [real_json("dk/draftables_raw_139174.json")])


def _cell_type(value: str) -> str:
    if re.fullmatch(r"-?\d+", value):
        return "int"
    if re.fullmatch(r"-?\d+\.\d+", value):
        return "float"
    return "str" if value else "empty"


# The Game Info column: "SAC@LAL 01/18/2023 10:30PM ET" in the real export.
GAME_INFO = re.compile(r"[A-Z]{2,3}@[A-Z]{2,3} \d\d/\d\d/\d{4} \d\d:\d\d[AP]M ET")


def _csv_columns(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_dk_salaries_csv_matches_the_real_export(payloads: LeaguePayloads) -> None:
    real = (REAL / "dk/DKSalaries_NBA_2023-01-18_classic.csv").read_bytes()
    body = payloads.render("dk_salaries", AT, str(_open_group(payloads))).body
    # Same header line, same CRLF line ends, and like the real export no line end after the last row.
    assert body.split(b"\r\n", 1)[0] == real.split(b"\r\n", 1)[0]
    assert body.count(b"\n") == body.count(b"\r\n") and not body.endswith(b"\n") and not real.endswith(b"\n")
    header, league_rows = _csv_columns(body)
    real_header, real_rows = _csv_columns(real)
    assert header == real_header and league_rows
    for column in header:
        got = {_cell_type(r[column]) for r in league_rows}
        want = {_cell_type(r[column]) for r in real_rows}
        assert got <= want, (column, sorted(got), sorted(want))
    for row in [*league_rows, *real_rows]:
        assert row["Name + ID"] == f"{row['Name']} ({row['ID']})"
        assert GAME_INFO.fullmatch(row["Game Info"]), row["Game Info"]
        assert row["Roster Position"].endswith("/UTIL") and row["Position"] in row["Roster Position"]
        assert row["TeamAbbrev"] in row["Game Info"].split(" ")[0].split("@")
