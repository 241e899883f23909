"""Silver snapshots are exactly "what was known at min(run_as_of_ts, tip)", and never more.

A day of bronze is captured from the league at several slots, then rows
stamped after later slots and after the games' tips are injected into bronze.
Silver for randomly chosen slots must equal a brute-force selection written
plainly from every bronze file in the lake, be non-empty, and contain none of
the injected rows it must not see.
"""

from __future__ import annotations

import random
from datetime import timedelta

import dagster as dg
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from projections_assets.contracts import silver as silver_contracts
from projections_assets.contracts import sources as bronze_contracts
from projections_assets.contracts.rules import CHECK_ROSTER_ROWS, MIN_ROWS_PER_TEAM_GAME
from projections_assets.defs.bronze import BRONZE_SLATE_ASSETS
from projections_assets.defs.jobs import SLATE_ASSETS
from projections_assets.defs.silver import SILVER_ASSETS
from projections_assets.platform.contracts import evaluate_contract
from projections_assets.platform.lake import Lake, PartitionLocation
from projections_assets.platform.publish import load_partition, publish_partition
from projections_assets_tests.defs.conftest import league_sources, resources

DAY = "2026-01-16"
CAPTURED_SLOTS = ("12:00", "17:30", "18:45", "19:30", "21:00", "23:00")
EXTRA_SLOTS = ("18:20", "23:30")  # silver only: bronze of their own slot is never captured
LEAK = "LEAKED"
# Off the half-point grid books quote on, so no real total can look like one.
LEAK_TOTALS = {"18:15": 248.25, "23:15": 249.75}


def _inject(lake: Lake, slot: str, base_report: pd.DataFrame, base_odds: pd.DataFrame) -> None:
    """A later slot's bronze: a report and quotes stamped at that slot, marked so a leak is visible."""
    loc = PartitionLocation.from_key(f"{DAY}|{slot}")
    stamp = pd.Timestamp(loc.run_as_of_ts).as_unit("us")
    report = base_report.assign(
        report_ts=stamp,
        available_at=stamp,
        captured_at=stamp,
        report_name=f"Injury-Report_injected_{slot.replace(':', '')}.pdf",
        reason=f"{LEAK} {slot}",
        status=np.where(base_report["status"] == "NOT YET SUBMITTED", "NOT YET SUBMITTED", "Out"),
    )
    publish_partition(
        lake,
        bronze_contracts.BRONZE_INJURY_REPORTS.table,
        loc,
        f"inject-{slot.replace(':', '')}",
        report,
        bronze_contracts.BRONZE_INJURY_REPORTS,
    )
    quote_ts = stamp - pd.Timedelta(minutes=2)
    # Plausible enough to pass the contract, unusual enough to spot: every total LEAK_TOTALS[slot].
    marked = np.where(base_odds["market_key"] == "totals", LEAK_TOTALS[slot], base_odds["point"])
    odds = base_odds.assign(last_update=quote_ts, available_at=quote_ts, captured_at=stamp, point=marked)
    publish_partition(
        lake,
        bronze_contracts.BRONZE_ODDS.table,
        loc,
        f"inject-{slot.replace(':', '')}",
        odds,
        bronze_contracts.BRONZE_ODDS,
    )


@pytest.fixture(scope="module")
def day_lake(tmp_path_factory, league_dir):
    root = tmp_path_factory.mktemp("silver") / "lake"
    lake = Lake(root)
    res = resources(root, league_sources(league_dir))
    with dg.DagsterInstance.ephemeral() as instance:
        for slot in CAPTURED_SLOTS:
            assert dg.materialize(
                BRONZE_SLATE_ASSETS, partition_key=f"{DAY}|{slot}", resources=res, instance=instance
            ).success
        base = PartitionLocation.from_key(f"{DAY}|17:30")
        report = load_partition(lake, bronze_contracts.BRONZE_INJURY_REPORTS.table, base)
        odds = load_partition(lake, bronze_contracts.BRONZE_ODDS.table, base)
        # 18:15: after the 17:30 slot but before every tip; 23:15: after every tip.
        for slot in ("18:15", "23:15"):
            _inject(lake, slot, report, odds)
        rng = random.Random(20260116)
        chosen = sorted(rng.sample([*CAPTURED_SLOTS, *EXTRA_SLOTS], 4) + ["17:30"])
        for slot in dict.fromkeys(chosen):
            assert dg.materialize(
                SILVER_ASSETS, partition_key=f"{DAY}|{slot}", resources=res, instance=instance
            ).success
        yield lake, list(dict.fromkeys(chosen))


def _bronze(lake: Lake, name: str) -> pd.DataFrame:
    """Every bronze row of the day, read file by file (no lake reader, no pointers' help but the pointer)."""
    files = sorted((lake.root / "bronze" / name / f"game_date={DAY}").glob("slot=*/run=*/data.parquet"))
    return pd.concat([pq.read_table(f).to_pandas() for f in files], ignore_index=True)


def _games(lake: Lake, slot: str) -> pd.DataFrame:
    return load_partition(
        lake, silver_contracts.SILVER_SCHEDULE.table, PartitionLocation.from_key(f"{DAY}|{slot}")
    )


def _cutoffs(games: pd.DataFrame, slot: str) -> dict[str, pd.Timestamp]:
    as_of = pd.Timestamp(PartitionLocation.from_key(f"{DAY}|{slot}").run_as_of_ts)
    return {g.game_id: min(as_of, g.tip_ts) for g in games.itertuples()}


def _brute_injuries(reports: pd.DataFrame, games: pd.DataFrame, slot: str) -> set[tuple[str, str, str, str]]:
    """Per game: the newest report by the cutoff; per team on it, its newest filed list."""
    out = set()
    cut = _cutoffs(games, slot)
    for game in games.itertuples():
        matchup = f"{game.away_tricode}@{game.home_tricode}"
        rows = reports[(reports["matchup"] == matchup) & (reports["game_date"] == DAY)]
        rows = rows[rows["report_ts"] <= cut[game.game_id]]
        if rows.empty:
            continue
        newest = rows[rows["report_ts"] == rows["report_ts"].max()]
        for team in newest["team"].unique():
            team_rows = rows[rows["team"] == team]
            filed = team_rows[team_rows["status"] != "NOT YET SUBMITTED"]
            if filed.empty:
                continue
            latest = filed[filed["report_ts"] == filed["report_ts"].max()]
            out |= {(game.game_id, r.player_name, r.status, r.reason) for r in latest.itertuples()}
    return out


def _tricodes(rosters: pd.DataFrame) -> dict[str, str]:
    """Nickname -> tricode from the player index (bookmakers spell cities their own way)."""
    teams = rosters[["team_tricode", "team_name"]].drop_duplicates()
    return {r.team_name: r.team_tricode for r in teams.itertuples() if r.team_name}


def _brute_odds(quotes: pd.DataFrame, games: pd.DataFrame, slot: str, nick: dict[str, str]) -> dict:
    """Per game: each book's newest quote by the cutoff, then the median home spread and total."""
    cut = _cutoffs(games, slot)
    home = quotes["home_team"].map(lambda name: next(t for n, t in nick.items() if name.endswith(n)))
    out = {}
    for game in games.itertuples():
        q = quotes[(home == game.home_tricode) & (quotes["available_at"] <= cut[game.game_id])]
        q = q.sort_values("available_at").groupby(["bookmaker_key", "market_key", "outcome_name"]).tail(1)
        spreads = q[(q["market_key"] == "spreads") & (q["outcome_name"] == q["home_team"])]
        totals = q[(q["market_key"] == "totals") & (q["outcome_name"] == "Over")]
        out[game.game_id] = (float(spreads["point"].median()), float(totals["point"].median()))
    return out


def test_silver_injuries_are_exactly_what_was_known(day_lake) -> None:
    lake, slots = day_lake
    reports = _bronze(lake, "injury_reports")
    for slot in slots:
        games = _games(lake, slot)
        silver = load_partition(
            lake, silver_contracts.SILVER_INJURIES.table, PartitionLocation.from_key(f"{DAY}|{slot}")
        )
        assert len(silver), slot
        got = {(r.game_id, r.player_name, r.status, r.reason) for r in silver.itertuples()}
        assert got == _brute_injuries(reports, games, slot), slot
        as_of = pd.Timestamp(PartitionLocation.from_key(f"{DAY}|{slot}").run_as_of_ts)
        assert (silver["report_ts"] <= as_of).all() and (silver["report_ts"] <= silver["tip_ts"]).all()
        leaked = silver[silver["reason"].str.startswith(LEAK)]
        # The 18:15 injection is legitimately known from 18:15 on, for games not yet started; 23:15 never is.
        assert not leaked["reason"].str.endswith("23:15").any()
        assert leaked.empty or (slot >= "18:15" and (leaked["tip_ts"] > leaked["report_ts"]).all())


def test_silver_odds_are_exactly_what_was_known(day_lake) -> None:
    lake, slots = day_lake
    quotes = _bronze(lake, "odds")
    nick = _tricodes(_bronze(lake, "rosters"))
    for slot in slots:
        games = _games(lake, slot)
        silver = load_partition(
            lake, silver_contracts.SILVER_ODDS.table, PartitionLocation.from_key(f"{DAY}|{slot}")
        )
        assert len(silver) == len(games) == 9, slot
        expected = _brute_odds(quotes, games, slot, nick)
        got = {r.game_id: (r.spread_home, r.total) for r in silver.itertuples()}
        assert got == expected, slot
        as_of = pd.Timestamp(PartitionLocation.from_key(f"{DAY}|{slot}").run_as_of_ts)
        # Quotes stamped after every tip never show; those of 18:15 not before 18:15.
        assert not (silver["total"] == LEAK_TOTALS["23:15"]).any()
        assert slot >= "18:15" or not (silver["total"] == LEAK_TOTALS["18:15"]).any()
        assert (silver["available_at"] <= silver["tip_ts"].clip(upper=as_of)).all()


def test_silver_lineups_and_rosters_respect_each_games_cutoff(day_lake) -> None:
    lake, slots = day_lake
    lineups = _bronze(lake, "lineups")
    rosters = _bronze(lake, "rosters")
    for slot in slots:
        loc = PartitionLocation.from_key(f"{DAY}|{slot}")
        games = _games(lake, slot)
        cut = _cutoffs(games, slot)
        silver_lineups = load_partition(lake, silver_contracts.SILVER_LINEUPS.table, loc)
        expected = set()
        for game_id, rows in lineups.groupby("game_id"):
            if game_id not in cut:
                continue
            known = rows[rows["available_at"] <= cut[game_id]].sort_values(["available_at", "captured_at"])
            newest = known.groupby("person_id").tail(1)
            expected |= {
                (
                    game_id,
                    int(r.person_id),
                    bool(r.is_starter),
                    r.lineup_status,
                    r.roster_status == "Inactive",
                )
                for r in newest.itertuples()
            }
        got = {
            (r.game_id, int(r.person_id), bool(r.is_starter), r.lineup_status, bool(r.inactive))
            for r in silver_lineups.itertuples()
        }
        assert got == expected and got, slot
        silver_roster = load_partition(lake, silver_contracts.SILVER_ROSTER.table, loc)
        for game in games.itertuples():
            stamps = rosters.loc[rosters["available_at"] <= cut[game.game_id], "available_at"]
            newest = rosters[rosters["available_at"] == stamps.max()]
            teams = {game.home_team_id, game.away_team_id}
            want = set(newest.loc[newest["team_id"].isin(teams) & newest["on_roster"], "player_id"])
            have = set(silver_roster.loc[silver_roster["game_id"] == game.game_id, "player_id"])
            assert have == want and len(have) >= 26, (slot, game.game_id)


def test_a_game_first_seen_after_its_tip_is_left_out(tmp_path, league_dir, instance) -> None:
    # Captured only at 23:00, every game of the night is already under way or over: nothing
    # about them may be used, so the snapshot fails with a clear error and publishes nothing.
    res = resources(tmp_path / "lake", league_sources(league_dir))
    key = f"{DAY}|23:00"
    schedule_assets = [
        a for a in SLATE_ASSETS if any(k.path[-1] in ("schedule", "schedule_snapshot") for k in a.keys)
    ]
    result = dg.materialize(
        schedule_assets, partition_key=key, resources=res, instance=instance, raise_on_error=False
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert (
        "no capture of 2026-01-16's games before their tips" in failure.event_specific_data.error.to_string()
    )
    assert not (tmp_path / "lake" / "silver" / "schedule_snapshot").exists()


def test_freshness_is_a_column_and_in_metadata(day_lake) -> None:
    lake, slots = day_lake
    loc = PartitionLocation.from_key(f"{DAY}|{slots[0]}")
    silver = load_partition(lake, silver_contracts.SILVER_INJURIES.table, loc)
    as_of = pd.Timestamp(loc.run_as_of_ts)
    expected_age = (as_of - silver["available_at"]) / timedelta(minutes=1)
    assert np.allclose(silver["age_minutes"], expected_age)
    assert np.allclose(silver["minutes_to_tip"], (silver["tip_ts"] - as_of) / timedelta(minutes=1))


def test_a_roster_missing_a_team_or_thin_on_players_breaks_its_contract(day_lake) -> None:
    lake, slots = day_lake
    loc = PartitionLocation.from_key(f"{DAY}|{slots[0]}")
    roster = load_partition(lake, silver_contracts.SILVER_ROSTER.table, loc)
    contract = silver_contracts.SILVER_ROSTER

    def outcome(frame: pd.DataFrame):
        (rule,) = [o for o in evaluate_contract(contract, frame) if o.name == CHECK_ROSTER_ROWS]
        return rule

    assert outcome(roster).passed
    game = roster["game_id"].iloc[0]
    home = roster.loc[roster["game_id"] == game, "team_id"].iloc[0]
    one_team = roster[~((roster["game_id"] == game) & (roster["team_id"] != home))]
    failed = outcome(one_team)
    assert not failed.passed and failed.failing_rows["game_id"].tolist() == [game]
    team_rows = roster.index[(roster["game_id"] == game) & (roster["team_id"] == home)]
    thin = roster.drop(team_rows[: len(team_rows) - (MIN_ROWS_PER_TEAM_GAME - 1)])
    failed = outcome(thin)
    assert not failed.passed
    assert failed.failing_rows[["game_id", "team_id"]].values.tolist() == [[game, home]]
