"""League tables -> payload bytes as of an instant: content, publication gating, determinism."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from _league_cache import SEEDS, league

from projections_assets.league.generate import generate_league
from projections_assets.league.payloads import (
    KINDS,
    LeaguePayloads,
    NotPublished,
    UnknownPayload,
    as_utc,
    period_scores,
)
from projections_assets.league.reports import InjuryReports
from projections_assets.parsers import (
    boxscore,
    contest_standings,
    dk_salaries,
    draftables,
    lineups,
    odds,
    roster,
)
from projections_assets.parsers import schedule as schedule_parser
from projections_assets.parsers.injury_pdf import parse_injury_pdf

# 6 PM Eastern on a mid-season Thursday of 2025-26 (the one-season test league).
AT = datetime(2026, 1, 15, 23, 0, tzinfo=UTC)
DAY = date(2026, 1, 15)


@pytest.fixture(scope="module")
def payloads() -> LeaguePayloads:
    return LeaguePayloads(league(SEEDS[0]).tables)


def _final_game(p: LeaguePayloads) -> pd.Series:
    games = p.tables["games"]
    return games[games["end_ts"] <= AT].sort_values("end_ts").iloc[-1]


def _group(p: LeaguePayloads, *, locked: bool) -> int:
    """A draft group whose salaries are out at AT: one already final, or one not yet locked."""
    groups = p.tables["draft_groups"]
    if locked:
        ends = p.tables["draft_group_games"].merge(p.tables["games"][["game_id", "end_ts"]])
        done = ends.groupby("draft_group_id")["end_ts"].max()
        return int(done[done <= AT].index[-1])
    live = groups[(groups["salary_available_at"] <= AT) & (groups["lock_ts"] > AT)]
    return int(live["draft_group_id"].iloc[0])


def _ids(p: LeaguePayloads) -> dict[str, str | None]:
    """One published id per kind at AT."""
    return {
        "injury_pdf": "Injury-Report_2026-01-15_05_30PM.pdf",
        "schedule": None,
        "boxscore": str(_final_game(p)["game_id"]),
        "roster": "1610612737",
        "playerindex": None,
        "lineups": DAY.isoformat(),
        "odds": None,
        "odds_historical": None,
        "lobby": None,
        "draftables": str(_group(p, locked=False)),
        "dk_salaries": str(_group(p, locked=False)),
        "contest_standings": str(_group(p, locked=True)),
    }


def test_injury_pdf_matches_report_rows(payloads: LeaguePayloads) -> None:
    pdf = payloads.render("injury_pdf", AT, "Injury-Report_2026-01-15_05_30PM.pdf")
    parsed = parse_injury_pdf(pdf.body)
    expected = InjuryReports(payloads.tables).rows(pd.Timestamp("2026-01-15 17:30", tz="America/New_York"))
    assert len(parsed) == len(expected) > 0
    assert list(parsed["status"]) == list(expected["status"])
    assert set(parsed["game_date"].astype(str)) <= {"2026-01-15", "2026-01-16"}
    # The hourly era names reports by the hour; the quarter-hour spelling of that slot names nothing.
    old = payloads.render("injury_pdf", AT, "Injury-Report_2025-12-01_05PM.pdf")
    assert old.file_name == "Injury-Report_2025-12-01_05PM.pdf"
    with pytest.raises(UnknownPayload):
        payloads.render("injury_pdf", AT, "Injury-Report_2025-12-01_05_30PM.pdf")
    with pytest.raises(UnknownPayload):
        payloads.render("injury_pdf", AT, "Injury-Report_2026-01-15_05_10PM.pdf")


def test_schedule_finals_and_records(payloads: LeaguePayloads) -> None:
    games = payloads.tables["games"]
    parsed = schedule_parser.parse_schedule(payloads.schedule(AT).body, "schedule")
    assert len(parsed) == len(games)
    finals = parsed[parsed["game_status"] == 3]
    assert set(finals["game_id"]) == set(games.loc[games["end_ts"] <= AT, "game_id"])
    g = _final_game(payloads)
    row = parsed.set_index("game_id").loc[g["game_id"]]
    assert (row["home_score"], row["away_score"]) == (g["home_score"], g["away_score"])
    assert (parsed.loc[parsed["game_status"] == 1, "home_score"] == 0).all()


def test_boxscore_is_the_table(payloads: LeaguePayloads) -> None:
    g = _final_game(payloads)
    parsed = boxscore.parse_boxscore(payloads.boxscore(g["game_id"], AT).body, "box")
    box = payloads.tables["box_scores"]
    box = box[box["game_id"] == g["game_id"]].set_index("person_id")
    assert set(parsed["person_id"]) == set(box.index)
    merged = parsed.set_index("person_id").join(box[["pts", "ast"]].add_suffix("_table"))
    assert (merged["pts"] == merged["pts_table"]).all()
    assert (merged["ast"] == merged["ast_table"]).all()
    home = parsed[parsed["is_home"]]
    assert home["pts"].sum() == g["home_score"]
    assert parsed["minutes"].sum() == pytest.approx((480 + 50 * g["n_ot"]), abs=0.1)


@pytest.mark.parametrize("n_ot", [0, 1, 3])
def test_period_scores_end_level_before_the_last_period(n_ot: int) -> None:
    import numpy as np

    home, away = period_scores(118, 112, n_ot, np.random.default_rng(n_ot))
    assert sum(home) == 118 and sum(away) == 112 and len(home) == len(away) == 4 + n_ot
    if n_ot:
        assert sum(home[:4]) == sum(away[:4])
        assert home[4:-1] == away[4:-1]
    assert min(home + away) >= 0


def test_rosters_and_player_index(payloads: LeaguePayloads) -> None:
    team = roster.parse_commonteamroster(payloads.roster(1610612737, AT).body, "roster")
    index = roster.parse_playerindex(payloads.playerindex(AT).body, "index")
    assert 13 <= len(team) <= 21
    assert (team["team_id"] == 1610612737).all()
    assert set(team["player_id"]) == set(index.loc[index["team_id"] == 1610612737, "player_id"])
    assert index["player_id"].is_unique and index["team_id"].nunique() == 30
    with pytest.raises(UnknownPayload):
        payloads.render("roster", AT, "42")


def test_lineups_show_only_what_was_known(payloads: LeaguePayloads) -> None:
    first_tip = payloads.tables["games"].query("game_date == @DAY")["tip_ts"].min()
    early = lineups.parse_lineups(
        payloads.lineups(DAY, (first_tip - timedelta(hours=3)).to_pydatetime()).body, "l"
    )
    late = lineups.parse_lineups(
        payloads.lineups(DAY, (first_tip + timedelta(minutes=1)).to_pydatetime()).body, "l"
    )
    assert not early["confirmed"].any()
    first = late[late["game_id"] == late["game_id"].iloc[0]]
    assert first["confirmed"].all() and first["is_starter"].sum() == 10
    assert len(first) > 20 and set(first.loc[~first["is_starter"], "position"]) == {""}
    # Players ruled Out by then are listed Inactive.
    assert (~late["active"]).sum() > 0
    known = payloads.tables["lineups"]
    assert (pd.to_datetime(early["updated_at"], utc=True) <= first_tip - timedelta(hours=3)).all()
    starters = late[late["is_starter"]]
    assert set(zip(starters["game_id"], starters["person_id"], strict=True)) <= set(
        zip(known["game_id"], known["person_id"], strict=True)
    )


def test_odds_are_the_latest_quotes(payloads: LeaguePayloads) -> None:
    parsed = odds.parse_odds(payloads.odds(AT).body, "odds")
    quotes = payloads.tables["odds"]
    games = payloads.tables["games"].set_index("game_id")
    assert (parsed["commence_time"] > AT).all() and len(parsed) > 0
    spreads = parsed[(parsed["market_key"] == "spreads") & (parsed["bookmaker_key"] == "draftkings")]
    row = spreads.iloc[0]
    game_id = row["event_id"][-10:]
    q = quotes[
        (quotes["game_id"] == game_id)
        & (quotes["bookmaker"] == "draftkings")
        & (quotes["available_at"] <= AT)
    ]
    q = q.iloc[-1]
    home = spreads[(spreads["event_id"] == row["event_id"]) & (spreads["outcome_name"] == row["home_team"])]
    assert home["point"].iloc[0] == q["home_spread"]
    assert pd.Timestamp(home["last_update"].iloc[0]) == q["available_at"]
    assert games.loc[game_id, "tip_ts"] == row["commence_time"]


def test_historical_odds_wrapper(payloads: LeaguePayloads) -> None:
    at = datetime(2026, 1, 14, 12, 7, 31, tzinfo=UTC)
    snap = payloads.odds_historical(at, AT)
    assert snap.published_at == datetime(2026, 1, 14, 12, 5, tzinfo=UTC)
    parsed = odds.parse_odds(snap.body, "hist")
    assert (parsed["snapshot_ts"] == pd.Timestamp(snap.published_at)).all()
    live_then = odds.parse_odds(payloads.odds(snap.published_at).body, "live")
    assert parsed.drop(columns="snapshot_ts").equals(live_then.drop(columns="snapshot_ts"))
    with pytest.raises(NotPublished):
        payloads.odds_historical(AT + timedelta(minutes=1), AT)


def test_draftkings_payloads(payloads: LeaguePayloads) -> None:
    open_id = _group(payloads, locked=False)
    lobby = draftables.parse_lobby(payloads.lobby(AT).body, "lobby")
    assert open_id in set(lobby["draft_group_id"])
    assert (lobby["lock_ts"] > AT).all()
    sal = payloads.tables["salaries"]
    games = payloads.tables["draft_group_games"].query("draft_group_id == @open_id")["game_id"]
    expected = sal[sal["game_id"].isin(games)].set_index("person_id")["salary"]
    dft = draftables.parse_draftables(payloads.draftables(open_id, AT).body, "dft", draft_group_id=open_id)
    assert dft.groupby("player_id")["salary"].first().to_dict() == expected.to_dict()
    csv = dk_salaries.parse_dk_salaries(payloads.dk_salaries(open_id, AT).body, "csv")
    assert sorted(csv["salary"]) == sorted(expected)
    assert csv["salary"].between(3000, 12500).all()
    done_id = _group(payloads, locked=True)
    standings = contest_standings.parse_contest_standings(payloads.contest_standings(done_id, AT).body, "cs")
    entries = contest_standings.parse_contest_entries(payloads.contest_standings(done_id, AT).body, "cs")
    assert standings["drafted"].sum() == pytest.approx(8.0, abs=0.02)
    assert list(entries["rank"]) == sorted(entries["rank"]) and entries["rank"].iloc[0] == 1


def test_nothing_exists_before_publication(payloads: LeaguePayloads) -> None:
    ids = _ids(payloads)
    for kind, ident in ids.items():
        published = payloads.render(kind, AT, ident).published_at
        assert published <= AT, kind
        if kind in ("odds", "odds_historical", "lobby"):
            continue  # always answer, possibly with nothing in them
        with pytest.raises(NotPublished):
            payloads.render(kind, published - timedelta(seconds=1), ident)
        assert payloads.render(kind, published, ident).body


def test_unknown_kind_and_ids(payloads: LeaguePayloads) -> None:
    with pytest.raises(UnknownPayload):
        payloads.render("nope", AT)
    for kind in ("boxscore", "draftables", "contest_standings", "lineups"):
        with pytest.raises(UnknownPayload):
            payloads.render(kind, AT, "0000000000" if kind != "lineups" else "2026-07-04")
    with pytest.raises(UnknownPayload):
        payloads.render("boxscore", AT)
    assert as_utc("2026-01-15T18:00:00-05:00") == AT


def test_deterministic_bytes_for_every_kind(payloads: LeaguePayloads) -> None:
    again = LeaguePayloads(generate_league(SEEDS[0], seasons=1).tables)
    other = LeaguePayloads(league(SEEDS[1]).tables)
    ids = _ids(payloads)
    assert set(ids) == set(KINDS)
    for kind, ident in ids.items():
        body = payloads.render(kind, AT, ident).body
        assert again.render(kind, AT, ident).body == body, kind
        other_ident = _ids(other)[kind]
        assert other.render(kind, AT, other_ident).body != body, kind


def test_render_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, payloads: LeaguePayloads) -> None:
    from projections_assets import cli
    from projections_assets.league import generate as generate_mod

    # The command's work is the generator (tested elsewhere) and the payloads (above).
    monkeypatch.setattr(generate_mod, "generate_league", lambda seed, **_: league(SEEDS[0]))
    out = tmp_path / "box.json"
    game_id = str(_final_game(payloads)["game_id"])
    argv = [
        "league",
        "render",
        "--seed",
        str(SEEDS[0]),
        "--kind",
        "boxscore",
        "--id",
        game_id,
        "--out",
        str(out),
    ]
    assert cli.main([*argv, "--at", AT.isoformat()]) == 0
    assert out.read_bytes() == payloads.boxscore(game_id, AT).body
    assert cli.main([*argv, "--at", "2025-10-01T00:00:00Z"]) == 1  # not yet published
