"""Player/team identity on the real fixtures, the hard cases, and the simulated league."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from projections_assets.core.identity import (
    DK_ID,
    EXACT,
    LEAGUE_UNIQUE,
    LINK_COLUMNS,
    MATCH_METHODS,
    NO_NAME,
    NORMALIZED,
    NORMALIZED_NO_SUFFIX,
    UNIQUE_LAST_NAME_ON_TEAM,
    UNMATCHED,
    UNMATCHED_COLUMNS,
    PlayerDirectory,
    link_draftables,
    match_contest_players,
    match_dk_salaries,
    match_injury_report,
    match_summary,
    unmatched,
)
from projections_assets.core.names import name_key, normalize_name, split_display_name, split_report_name
from projections_assets.core.teams import DK_TEAM_ALIASES, Team, TeamDirectory, UnknownTeam
from projections_assets.parsers.contest_standings import parse_contest_standings
from projections_assets.parsers.dk_salaries import parse_dk_salaries
from projections_assets.parsers.draftables import parse_draftables
from projections_assets.parsers.injury_pdf import parse_injury_pdf
from projections_assets.parsers.roster import parse_commonteamroster, parse_playerindex
from projections_assets_tests.conftest import REAL_FIXTURES

INDEX_FILE = REAL_FIXTURES / "stats_nba" / "playerindex_2025-26.json"
ROSTER_FILE = REAL_FIXTURES / "stats_nba" / "commonteamroster_CLE_2025-26.json"
INJURY_CSVS = sorted((REAL_FIXTURES / "injury_pdf" / "expected").glob("*.csv"))
REPORT_2026 = REAL_FIXTURES / "injury_pdf" / "expected" / "Injury-Report_2026-02-08_03_30PM.csv"
DRAFTABLES_FILE = REAL_FIXTURES / "dk" / "draftables_raw_139174.json"
DK_SALARIES_FILE = REAL_FIXTURES / "dk" / "DKSalaries_NBA_2023-01-18_classic.csv"


@pytest.fixture(scope="module")
def index() -> pd.DataFrame:
    return parse_playerindex(INDEX_FILE.read_bytes(), INDEX_FILE.name)


@pytest.fixture(scope="module")
def teams(index: pd.DataFrame) -> TeamDirectory:
    return TeamDirectory.from_player_index(index)


@pytest.fixture(scope="module")
def directory(index: pd.DataFrame, teams: TeamDirectory) -> PlayerDirectory:
    return PlayerDirectory(index, teams)


def _injury_rows(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _index_ids(index: pd.DataFrame) -> set[str]:
    return {
        normalize_name(f"{f} {ln}", "first_last")
        for f, ln in zip(index["first_name"], index["last_name"], strict=True)
    }


# ---------------------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("printed", "parts"),
    [
        ("Porter Jr., Michael", ("Michael", "Porter", "Jr.")),
        ("Jackson Jr., Jaren", ("Jaren", "Jackson", "Jr.")),
        ("Williams III, Robert", ("Robert", "Williams", "III")),
        ("Antetokounmpo, Giannis", ("Giannis", "Antetokounmpo", "")),
        ("Jackson-Davis, Trayce", ("Trayce", "Jackson-Davis", "")),
        ("Van der Berg, Jordan", ("Jordan", "Van der Berg", "")),
        ("Dončić, Luka", ("Luka", "Dončić", "")),
        ("Liddell, E.J.", ("E.J.", "Liddell", "")),
        ("Miličić, Jr., Igor", ("Igor", "Miličić", "Jr.")),  # the index's last name has the comma
        ("Igor Miličić, Jr.", ("Igor", "Miličić", "Jr.")),
        ("  Porter   Jr. ,  Michael ", ("Michael", "Porter", "Jr.")),
    ],
)
def test_split_report_name(printed: str, parts: tuple[str, str, str]) -> None:
    assert split_report_name(printed) == parts


@pytest.mark.parametrize(
    ("printed", "parts"),
    [
        ("Michael Porter Jr.", ("Michael", "Porter", "Jr.")),
        ("Cody Gilmore-Alexander Jr.", ("Cody", "Gilmore-Alexander", "Jr.")),
        ("Zach De La Cruz III", ("Zach", "De La Cruz", "III")),
        ("Marcus Morris Sr.", ("Marcus", "Morris", "Sr.")),
        ("Lonnie Walker IV", ("Lonnie", "Walker", "IV")),
        ("Jimmy V", ("Jimmy", "V", "")),  # a lone last name is never a suffix
        ("Nene", ("Nene", "", "")),
    ],
)
def test_split_display_name(printed: str, parts: tuple[str, str, str]) -> None:
    assert split_display_name(printed) == parts


@pytest.mark.parametrize("bad", ["", "   ", "Porter Jr.,", ", Michael", "Porter Jr."])
def test_split_report_name_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        split_report_name(bad)


@pytest.mark.parametrize(
    "variants",
    [
        ("Dončić, Luka", "Doncic, Luka", "Luka Doncic", "LUKA DONČIĆ"),
        (
            "Porter Jr., Michael",
            "Michael Porter Jr.",
            "Michael Porter",
            "Porter, Michael",
            "michael porter jr",
        ),
        ("Jackson-Davis, Trayce", "Trayce Jackson Davis", "Trayce JacksonDavis"),
        ("O'Neale, Royce", "Royce ONeale", "Royce O’Neale"),
        ("McConnell, T.J.", "TJ McConnell", "T. J. McConnell"),
        ("Đurišić, Nikola", "Nikola Durisic"),
        ("Schröder, Dennis", "Dennis Schroder"),
        ("da Silva, Tristan", "Tristan Da Silva", "Tristan DaSilva"),
        ("Miličić, Jr., Igor", "Igor Milicic Jr.", "Milicic Jr., Igor"),
    ],
)
def test_normalize_name_one_key_per_person(variants: tuple[str, ...]) -> None:
    assert len({normalize_name(v) for v in variants}) == 1


def test_name_key_keeps_the_suffix_apart() -> None:
    key = name_key("Porter Jr., Michael")
    assert (key.first, key.last, key.suffix, key.base, key.full) == (
        "michael",
        "porter",
        "jr",
        "michaelporter",
        "michaelporter|jr",
    )
    assert name_key("Williams III, Robert").suffix == "iii"
    assert name_key("Michael Porter").suffix_compatible(key)
    assert not name_key("Michael Porter Sr.").suffix_compatible(key)
    assert normalize_name("Porter, Kevin") != normalize_name("Porter, Michael")


# ---------------------------------------------------------------------------------------- teams


@pytest.mark.parametrize(
    ("value", "tricode", "team_id"),
    [
        ("LA Clippers", "LAC", 1610612746),
        ("Los Angeles Lakers", "LAL", 1610612747),
        ("Golden State Warriors", "GSW", 1610612744),
        ("Portland Trail Blazers", "POR", 1610612757),
        ("Philadelphia 76ers", "PHI", 1610612755),
        ("la clippers", "LAC", 1610612746),
        ("L.A. Clippers", "LAC", 1610612746),
        ("LAC", "LAC", 1610612746),
        ("okc", "OKC", 1610612760),
        (1610612752, "NYK", 1610612752),
        ("1610612752", "NYK", 1610612752),
    ],
)
def test_team_resolves(teams: TeamDirectory, value: object, tricode: str, team_id: int) -> None:
    team = teams.resolve(value)
    assert (team.tricode, team.team_id) == (tricode, team_id)


@pytest.mark.parametrize(("alias", "tricode"), sorted(DK_TEAM_ALIASES.items()))
def test_dk_aliases(teams: TeamDirectory, alias: str, tricode: str) -> None:
    assert teams.resolve(alias).tricode == tricode


@pytest.mark.parametrize(
    "value", ["Los Angeles Clippers", "Clippers", "LA", "Seattle SuperSonics", "XYZ", 42]
)
def test_unknown_team_is_never_guessed(teams: TeamDirectory, value: object) -> None:
    with pytest.raises(UnknownTeam):
        teams.resolve(value)
    assert teams.get(value) is None


def test_team_directory_has_the_30_teams(teams: TeamDirectory) -> None:
    assert len(teams.teams) == 30
    lac = teams.resolve("LAC")
    assert (lac.city, lac.name, lac.full_name) == ("LA", "Clippers", "LA Clippers")
    assert teams.resolve_matchup("GSW@IND") == (teams.resolve("GSW"), teams.resolve("IND"))
    assert teams.resolve_matchup("OKC @ MIN") == (teams.resolve("OKC"), teams.resolve("MIN"))
    ids = teams.team_ids(pd.Series(["LA Clippers", "GS", "nope", None]))
    assert (
        ids.dtype == "Int64"
        and ids.iloc[:2].tolist() == [1610612746, 1610612744]
        and ids.iloc[2:].isna().all()
    )
    assert teams.unknown(["LA Clippers", "nope", None, "", "nope"]) == ["nope"]


def test_conflicting_team_keys_raise() -> None:
    a, b = Team(1, "AAA", "Alpha", "Ants"), Team(2, "BBB", "Beta", "Bees")
    with pytest.raises(ValueError, match="names both"):
        TeamDirectory([a, b], aliases={"AAA": "BBB"})
    with pytest.raises(ValueError, match="named twice"):
        TeamDirectory([a, Team(1, "CCC", "Gamma", "Goats")])
    assert TeamDirectory([a], aliases={"ZZ": "BBB"}).get("ZZ") is None  # alias of an absent team: no key


@pytest.mark.parametrize("path", INJURY_CSVS, ids=lambda p: p.stem)
def test_every_injury_row_resolves_to_a_team_of_its_matchup(teams: TeamDirectory, path: Path) -> None:
    rows = _injury_rows(path)
    assert teams.unknown(rows["team"]) == []
    for team_name, matchup in zip(rows["team"], rows["matchup"], strict=True):
        team = teams.resolve(team_name)
        assert team.full_name == team_name
        assert team in teams.resolve_matchup(matchup)


def test_real_dk_team_abbreviations_resolve(teams: TeamDirectory) -> None:
    dft = parse_draftables(DRAFTABLES_FILE.read_bytes(), DRAFTABLES_FILE.name)
    sal = parse_dk_salaries(DK_SALARIES_FILE.read_bytes(), DK_SALARIES_FILE.name)
    for column in (
        dft["team_abbrev"],
        dft["opp_abbrev"],
        sal["team_abbrev"],
        sal["away_abbrev"],
        sal["home_abbrev"],
    ):
        assert teams.unknown(column) == []
        # DraftKings' current exports print the NBA tricodes.
        assert all(teams.resolve(v).tricode == v for v in column.dropna())


# ------------------------------------------------------------------------------ hard cases


def _one(directory: PlayerDirectory, name: str, team: str | None, fmt: str = "auto") -> pd.Series:
    frame = pd.DataFrame({"name": [name], "team": [team]})
    return directory.match(frame, "name", "team", fmt).iloc[0]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "team", "player_id", "method"),
    [
        ("Porter Jr., Michael", "Brooklyn Nets", 1629008, EXACT),
        ("Porter Jr., Kevin", "Milwaukee Bucks", 1629645, EXACT),
        ("Porter Jr., Craig", "Cleveland Cavaliers", 1641854, EXACT),
        ("Porter, Michael", "Brooklyn Nets", 1629008, NORMALIZED_NO_SUFFIX),
        ("Jackson Jr., Jaren", "Memphis Grizzlies", 1628991, EXACT),
        ("Jackson Jr., Andre", "Milwaukee Bucks", 1641748, EXACT),
        ("Williams III, Robert", "Portland Trail Blazers", 1629057, EXACT),
        ("Williams, Robert", "Portland Trail Blazers", 1629057, NORMALIZED_NO_SUFFIX),
        ("Antetokounmpo, Giannis", "Milwaukee Bucks", 203507, EXACT),
        ("Dončić, Luka", "Los Angeles Lakers", 1629029, EXACT),
        ("Doncic, Luka", "Los Angeles Lakers", 1629029, NORMALIZED),
        ("Durisic, Nikola", "Atlanta Hawks", 1642365, NORMALIZED),
        ("Milicic Jr., Igor", "Philadelphia 76ers", 1642945, NORMALIZED),
        ("Gilgeous-Alexander, Shai", "Oklahoma City Thunder", 1628983, EXACT),
        ("Gilgeous Alexander, Shai", "Oklahoma City Thunder", 1628983, NORMALIZED),
        ("da Silva, Tristan", "Orlando Magic", 1641783, EXACT),
        ("Da Silva, Tristan", "Orlando Magic", 1641783, NORMALIZED),
        ("Baldwin Jr., Patrick", "LA Clippers", 1631116, EXACT),
        ("McConnell, TJ", "Indiana Pacers", 204456, NORMALIZED),
        ("Fox, De'Aaron", "San Antonio Spurs", 1628368, EXACT),
        ("Niederhauser, Yanic Konan", "LA Clippers", 1642949, NORMALIZED),
        ("Williams, Jalen", "Oklahoma City Thunder", 1631114, EXACT),
        ("Williams, Jaylin", "Oklahoma City Thunder", 1631119, EXACT),
        # Nicknames: the team's only player with the last name and first initial.
        ("Sarr, Alexandre", "Washington Wizards", 1642259, UNIQUE_LAST_NAME_ON_TEAM),
        ("Jones, Herb", "New Orleans Pelicans", 1630529, UNIQUE_LAST_NAME_ON_TEAM),
        ("Thomas, Cameron", "Brooklyn Nets", 1630560, UNIQUE_LAST_NAME_ON_TEAM),
        # Traded since the index: the name is unique league-wide.
        ("Young, Trae", "Washington Wizards", 1629027, LEAGUE_UNIQUE),
        ("Dowtin, Jeff", "Golden State Warriors", 1630288, LEAGUE_UNIQUE),
        # ... and it beats the new team's only Green with a J: Josh Green (CHA) is not Jalen Green.
        ("Green, Jalen", "Charlotte Hornets", 1630224, LEAGUE_UNIQUE),
        # DraftKings' `First Last` with DK abbreviations.
        ("Stephen Curry", "GS", 201939, EXACT),
        ("Nikola Jokic", "DEN", 203999, NORMALIZED),
        ("Michael Porter Jr.", "BKN", 1629008, EXACT),
        ("Nicolas Claxton", "BKN", 1629651, UNIQUE_LAST_NAME_ON_TEAM),
        ("Kevin Porter", None, 1629645, NORMALIZED_NO_SUFFIX),  # no team: league-wide, unique
    ],
)
def test_hard_cases_match(
    directory: PlayerDirectory, name: str, team: str | None, player_id: int, method: str
) -> None:
    row = _one(directory, name, team)
    assert (row["player_id"], row["match_method"]) == (player_id, method), row["match_reason"]


@pytest.mark.parametrize(
    ("name", "team", "reason"),
    [
        ("Beal, Bradley", "LA Clippers", "not in the index"),  # absent from the index
        ("James, LeBron", "Los Angeles Lakerz", "unknown team"),
        ("Williams, J.", "Oklahoma City Thunder", "3 OKC players share the last name"),
        (
            "Carrington, Carlton",
            "Washington Wizards",
            "only WAS player with that last name is Bub Carrington",
        ),
        ("Smith Jr., Dennis", "Charlotte Hornets", "Nick Smith Jr."),
        ("Porter Sr., Michael", "Brooklyn Nets", "not in the index"),  # another suffix: someone else
        ("Porter Jr.", None, "name not in the index"),  # auto format reads it as `First Last`
    ],
)
def test_hard_cases_stay_unmatched(
    directory: PlayerDirectory, name: str, team: str | None, reason: str
) -> None:
    row = _one(directory, name, team)
    assert pd.isna(row["player_id"]) and row["match_method"] == UNMATCHED
    assert reason in row["match_reason"]


def test_unreadable_name_is_reported(directory: PlayerDirectory) -> None:
    row = _one(directory, "Porter Jr.", "BKN", "last_first")
    assert row["match_method"] == UNMATCHED and "unreadable name" in row["match_reason"]


def test_same_name_on_two_teams(index: pd.DataFrame, teams: TeamDirectory) -> None:
    twin = pd.DataFrame(
        {"player_id": [9990001], "first_name": ["Jalen"], "last_name": ["Smith"], "team_id": [1610612738]}
    )
    d = PlayerDirectory(pd.concat([index, twin], ignore_index=True), teams)
    assert _one(d, "Smith, Jalen", "Chicago Bulls")["player_id"] == 1630188
    assert _one(d, "Smith, Jalen", "Boston Celtics")["player_id"] == 9990001
    for team in ("Miami Heat", None):  # on neither team, or no team: ambiguous, never a guess
        row = _one(d, "Smith, Jalen", team)
        assert row["match_method"] == UNMATCHED and "ambiguous: 2 players league-wide" in row["match_reason"]
        assert "1630188" in row["match_reason"] and "9990001" in row["match_reason"]


def test_same_name_twice_on_one_team(teams: TeamDirectory) -> None:
    people = pd.DataFrame(
        {
            "player_id": [1, 2, 3],
            "first_name": ["Chris", "Chris", "Chris"],
            "last_name": ["Johnson", "Johnson", "Johnson Jr."],
            "team_id": [1610612738, 1610612738, 1610612737],
        }
    )
    d = PlayerDirectory(people, teams)
    row = _one(d, "Johnson, Chris", "Boston Celtics")
    assert row["match_method"] == UNMATCHED and "ambiguous: 2 players on BOS" in row["match_reason"]
    assert _one(d, "Johnson Jr., Chris", "Atlanta Hawks")["player_id"] == 3


def test_a_traded_player_listed_on_both_teams_is_one_player(
    index: pd.DataFrame, teams: TeamDirectory
) -> None:
    # The index (old team) plus the new team's roster: one person, found from either team.
    young = index[index["player_id"] == 1629027].assign(team_id=1610612764)
    d = PlayerDirectory(pd.concat([index, young], ignore_index=True), teams)
    assert len(d) == len(index)
    for team in ("Atlanta Hawks", "Washington Wizards"):
        row = _one(d, "Young, Trae", team)
        assert (row["player_id"], row["match_method"]) == (1629027, EXACT)
    assert _one(d, "Trae Young", None)["player_id"] == 1629027


def test_roster_people_by_player_name(teams: TeamDirectory) -> None:
    roster = parse_commonteamroster(ROSTER_FILE.read_bytes(), ROSTER_FILE.name)
    d = PlayerDirectory(roster[["player_id", "team_id", "player_name"]], teams)
    frame = pd.DataFrame({"name": [f"{ln}, {f}" for f, _, ln in map(_first_rest, roster["player_name"])]})
    frame["team"] = "Cleveland Cavaliers"
    matched = d.match(frame, "name", "team", "last_first")
    assert matched["player_id"].tolist() == roster["player_id"].tolist()
    assert set(matched["match_method"]) <= {EXACT, NORMALIZED}


def _first_rest(name: str) -> tuple[str, str, str]:
    first, _, rest = name.partition(" ")
    return first, "", rest


def test_match_keeps_every_row_and_refuses_to_overwrite(directory: PlayerDirectory) -> None:
    frame = pd.DataFrame(
        {"name": ["Curry, Stephen", "", None, "Nobody, Noone"], "team": ["GSW", "BOS", "BOS", "BOS"]},
        index=[10, 11, 12, 13],
    )
    out = directory.match(frame, "name", "team")
    assert out.index.tolist() == [10, 11, 12, 13]
    assert out["player_id"].dtype == "Int64"
    assert out["match_method"].tolist() == [EXACT, NO_NAME, NO_NAME, UNMATCHED]
    with pytest.raises(ValueError, match="already has"):
        directory.match(out, "name", "team")


def test_unique_within_unmatches_two_rows_of_one_player(directory: PlayerDirectory) -> None:
    frame = pd.DataFrame(
        {
            "name": ["Curry, Stephen", "Curry, Steph", "Curry, Stephen"],
            "team": ["GSW", "GSW", "GSW"],
            "day": ["a", "a", "b"],
        }
    )
    out = directory.match(frame, "name", "team", unique_within=["day"])
    assert out["match_method"].tolist() == [UNMATCHED, UNMATCHED, EXACT]
    assert "2 rows resolve to player 201939" in out["match_reason"].iloc[0]


# ------------------------------------------------------------------------ real injury reports


@pytest.mark.parametrize("path", INJURY_CSVS, ids=lambda p: p.stem)
def test_real_injury_reports_every_row_accounted_for(
    index: pd.DataFrame, directory: PlayerDirectory, path: Path
) -> None:
    rows = _injury_rows(path)
    matched = match_injury_report(rows, directory)
    assert len(matched) == len(rows)
    assert set(matched["match_method"]) <= set(MATCH_METHODS)
    # NOT YET SUBMITTED rows are `no_name`; every named row is matched or listed as unmatched.
    assert ((matched["match_method"] == NO_NAME) == (rows["player_name"] == "")).all()
    missing = unmatched(matched, "player_name", "team", path.name)
    assert list(missing.columns) == list(UNMATCHED_COLUMNS)
    assert len(missing) == (matched["match_method"] == UNMATCHED).sum()
    assert (missing["reason"] != "").all() and (missing["source"] == path.name).all()
    # Unmatched names are not in the index at all; matched rows carry the index's name.
    known = _index_ids(index)
    assert not set(missing["name"].map(normalize_name)) & known
    by_id = dict(zip(index["player_id"], index["first_name"] + " " + index["last_name"], strict=True))
    ok = matched[matched["player_id"].notna() & (matched["match_method"] != UNIQUE_LAST_NAME_ON_TEAM)]
    for name, pid in zip(ok["player_name"], ok["player_id"], strict=True):
        assert normalize_name(name) == normalize_name(by_id[pid], "first_last")
    summary = match_summary(matched, "player_name", "team", path.name)
    json.dumps(summary)
    assert summary["rows"] == len(rows) == summary["named"] + summary["no_name"]
    assert summary["matched"] + summary["unmatched"] == summary["named"]
    assert len(summary["unmatched_rows"]) == summary["unmatched"]


def test_real_2026_report_match_rate(directory: PlayerDirectory) -> None:
    """The 2026-02-08 report against the 2025-26 index: after the trade deadline, yet 57 of 61."""
    matched = match_injury_report(_injury_rows(REPORT_2026), directory)
    summary = match_summary(matched, "player_name", "team", REPORT_2026.name)
    assert (summary["named"], summary["matched"], summary["no_name"]) == (61, 57, 18)
    assert summary["match_rate"] >= 0.93
    assert {r["name"] for r in summary["unmatched_rows"]} == {
        "Gill, Anthony",
        "Beal, Bradley",
        "Juzang, Johnny",
        "Kawamura, Yuki",
    }
    methods = summary["methods"]
    assert methods[EXACT] == 39 and methods[NORMALIZED] == 2 and methods[LEAGUE_UNIQUE] == 16
    got = dict(zip(matched["player_name"], matched["player_id"], strict=True))
    # Diacritics (Jakučionis, Jović in the index) and deadline trades (Young to WAS, Zubac to IND).
    assert got["Jakucionis, Kasparas"] == 1642857 and got["Jovic, Nikola"] == 1631107
    assert got["Young, Trae"] == 1629027 and got["Zubac, Ivica"] == 1627826
    assert got["Towns, Karl-Anthony"] == 1626157 and got["Shannon Jr., Terrence"] == 1630545


def test_real_2025_report_match_rate(directory: PlayerDirectory) -> None:
    matched = match_injury_report(_injury_rows(INJURY_CSVS[1]), directory)
    summary = match_summary(matched, "player_name", "team")
    assert (summary["named"], summary["matched"]) == (112, 102)
    got = dict(zip(matched["player_name"], matched["player_id"], strict=True))
    assert got["Sarr, Alexandre"] == 1642259 and got["Jokic, Nikola"] == 203999
    assert got["Payton II, Gary"] == 1627780 and got["Hardaway Jr., Tim"] == 203501


# --------------------------------------------------------------------------- real DraftKings


@pytest.fixture(scope="module")
def real_draftables() -> pd.DataFrame:
    return parse_draftables(DRAFTABLES_FILE.read_bytes(), DRAFTABLES_FILE.name, draft_group_id=139174)


def test_real_draftables_link(directory: PlayerDirectory, real_draftables: pd.DataFrame) -> None:
    links = link_draftables(real_draftables, directory)
    assert list(links.columns) == list(LINK_COLUMNS) and len(links) == len(real_draftables) == 70
    assert links["dk_player_id"].tolist() == real_draftables["player_id"].tolist()  # DK's playerId kept
    summary = match_summary(links, "display_name", "team_abbrev", "draftables_139174")
    assert summary["matched"] == 68 and summary["match_rate"] >= 0.97
    assert {r["name"] for r in summary["unmatched_rows"]} == {"Johnny Juzang", "Chris Youngblood"}
    got = dict(zip(links["display_name"], links["player_id"], strict=True))
    assert got["Shai Gilgeous-Alexander"] == 1628983 and got["Nikola Vucevic"] == 202696
    assert got["Terrence Shannon Jr."] == 1630545 and got["Nikola Topic"] == 1642260
    assert links["player_id"].dropna().is_unique


def test_dk_links_resolve_later_rows(directory: PlayerDirectory, real_draftables: pd.DataFrame) -> None:
    links = link_draftables(real_draftables, directory)
    linked = directory.with_dk_links(links)
    assert directory.dk_links.empty and len(linked.dk_links) == 68
    # The next slate: the same DraftKings players, some under a new team abbreviation (traded).
    later = real_draftables.assign(team_abbrev="BOS")
    again = link_draftables(later, linked)
    known = links["player_id"].notna()
    assert (again.loc[known, "match_method"] == DK_ID).all()
    assert again.loc[known, "player_id"].tolist() == links.loc[known, "player_id"].tolist()
    # A salaries export of the slate: its ID is a draftable id.
    sal = pd.DataFrame(
        {
            "dk_id": real_draftables["draftable_id"],
            "name": real_draftables["display_name"],
            "team_abbrev": real_draftables["team_abbrev"],
        }
    )
    by_id = match_dk_salaries(sal, linked)
    assert (by_id.loc[known.to_numpy(), "match_method"] == DK_ID).all()
    # An id whose linked DraftKings name disagrees is not trusted: the name decides.
    wrong = sal.head(2).assign(dk_id=[sal["dk_id"].iloc[1], sal["dk_id"].iloc[0]])
    out = match_dk_salaries(wrong, linked)
    assert (out["match_method"] == EXACT).all() and out["match_reason"].str.contains("a different name").all()
    assert out["player_id"].tolist() == links["player_id"].head(2).tolist()


def test_conflicting_dk_links_raise(directory: PlayerDirectory, real_draftables: pd.DataFrame) -> None:
    links = link_draftables(real_draftables, directory)
    bad = links.head(1).assign(player_id=pd.array([2544], dtype="Int64"))
    with pytest.raises(ValueError, match="links to NBA players"):
        directory.with_dk_links(pd.concat([links, bad], ignore_index=True))


def test_real_dk_salaries_2023_against_the_2025_index(
    index: pd.DataFrame, directory: PlayerDirectory
) -> None:
    """Three seasons apart: many moved (league_unique) or left the league (listed, not dropped)."""
    sal = parse_dk_salaries(DK_SALARIES_FILE.read_bytes(), DK_SALARIES_FILE.name)
    matched = match_dk_salaries(sal, directory)
    summary = match_summary(matched, "name", "team_abbrev", DK_SALARIES_FILE.name)
    assert summary["rows"] == summary["named"] == len(sal) == 293
    assert summary["matched"] == 197 and summary["unmatched"] == 96
    assert summary["methods"][LEAGUE_UNIQUE] == 120
    missing = unmatched(matched, "name", "team_abbrev")
    assert not set(missing["name"].map(normalize_name)) & _index_ids(index)
    got = dict(zip(matched["name"], matched["player_id"], strict=True))
    assert got["LeBron James"] == 2544 and got["Nikola Jokic"] == 203999 and got["Vit Krejci"] == 1630249
    assert got["Jaren Jackson Jr."] == 1628991 and got["Kelly Oubre Jr."] == 1626162
    assert pd.isna(got["Dennis Smith Jr."])  # not Nick Smith Jr., CHA's other Smith Jr.


# --------------------------------------------------------------------------- simulated league

LEAGUE_SEED = 11
AT = datetime(2026, 1, 15, 23, 0, tzinfo=UTC)  # 6 PM Eastern, mid-season, after several trades
EARLY = datetime(2025, 12, 1, 23, 0, tzinfo=UTC)  # before the season's first trade


@pytest.fixture(scope="module")
def league_tables() -> dict[str, pd.DataFrame]:
    from projections_assets.league.generate import generate_league

    return generate_league(LEAGUE_SEED, seasons=1).tables


@pytest.fixture(scope="module")
def payloads(league_tables: dict[str, pd.DataFrame]):  # type: ignore[no-untyped-def]
    from projections_assets.league.payloads import LeaguePayloads

    return LeaguePayloads(league_tables)


def _league_index(payloads, as_of: datetime) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    return parse_playerindex(payloads.render("playerindex", as_of).body, "playerindex")


def _groups(tables: dict[str, pd.DataFrame]) -> tuple[int, int, int]:
    """(an earlier group, the group open at AT, a group final by AT)."""
    groups = tables["draft_groups"]
    live = groups[(groups["salary_available_at"] <= AT) & (groups["lock_ts"] > AT)]
    open_id = int(live.sort_values("n_games")["draft_group_id"].iloc[-1])
    ends = tables["draft_group_games"].merge(tables["games"][["game_id", "end_ts"]])
    done = ends.groupby("draft_group_id")["end_ts"].max()
    done_id = int(done[done <= AT].index[-1])
    earlier = groups[groups["lock_ts"] <= EARLY].sort_values("n_games")
    return int(earlier["draft_group_id"].iloc[-1]), open_id, done_id


def test_league_every_player_resolves(payloads, league_tables: dict[str, pd.DataFrame]) -> None:  # type: ignore[no-untyped-def]
    players = league_tables["players"]
    by_report = dict(zip(players["report_name"], players["person_id"], strict=True))
    by_display = dict(zip(players["display_name"], players["person_id"], strict=True))
    by_dk = dict(zip(players["dk_player_id"], players["person_id"], strict=True))
    early_id, open_id, done_id = _groups(league_tables)
    seen = 0

    # Injury reports of both file-naming eras, each against the index of its day.
    for report, as_of in (
        ("Injury-Report_2025-12-01_05PM.pdf", EARLY),
        ("Injury-Report_2026-01-15_05_30PM.pdf", AT),
    ):
        directory = PlayerDirectory.from_player_index(_league_index(payloads, as_of))
        pdf = payloads.render("injury_pdf", as_of, report)
        matched = match_injury_report(parse_injury_pdf(pdf.body, pdf.file_name), directory)
        named = matched[matched["match_method"] != NO_NAME]
        assert match_summary(named, "player_name", "team")["match_rate"] == 1.0
        assert named["player_id"].tolist() == named["player_name"].map(by_report).tolist()
        seen += len(named)

    # DraftKings: link an earlier slate against the index at its lock (a ten-day contract since expired
    # is in no later one), then the open one goes through the links, then its CSV.
    directory = PlayerDirectory.from_player_index(_league_index(payloads, AT))
    dft = lambda gid: parse_draftables(payloads.render("draftables", AT, str(gid)).body, "d", gid)  # noqa: E731
    groups = league_tables["draft_groups"].set_index("draft_group_id")
    early_lock = pd.Timestamp(groups.loc[early_id, "lock_ts"]).to_pydatetime()
    early = link_draftables(
        dft(early_id), PlayerDirectory.from_player_index(_league_index(payloads, early_lock))
    )
    assert early["player_id"].tolist() == early["player_dk_id"].map(by_dk).tolist()
    linked = directory.with_dk_links(early)
    links = link_draftables(dft(open_id), linked)
    assert match_summary(links, "display_name", "team_abbrev")["match_rate"] == 1.0
    assert links["player_id"].tolist() == links["player_dk_id"].map(by_dk).tolist()
    assert ((links["match_method"] == DK_ID) == links["player_dk_id"].isin(early["player_dk_id"])).all()
    linked = linked.with_dk_links(links)
    sal = parse_dk_salaries(payloads.render("dk_salaries", AT, str(open_id)).body, "csv")
    sal_matched = match_dk_salaries(sal, linked)
    assert match_summary(sal_matched, "name", "team_abbrev")["match_rate"] == 1.0
    assert sal_matched["player_id"].tolist() == sal["name"].map(by_display).tolist()

    # Contest standings name players only: resolved within their draft group's linked draftables.
    done_links = link_draftables(dft(done_id), directory)
    standings = parse_contest_standings(payloads.render("contest_standings", AT, str(done_id)).body, "cs")
    own = match_contest_players(standings, done_links, directory.teams, draft_group_id=done_id)
    assert match_summary(own, "player_name")["match_rate"] == 1.0
    assert own["player_id"].tolist() == standings["player_name"].map(by_display).tolist()
    seen += len(links) + len(sal) + len(own) + len(early)
    assert seen > 1000


def test_league_stale_index_never_guesses(payloads, league_tables: dict[str, pd.DataFrame]) -> None:  # type: ignore[no-untyped-def]
    """An index from before the trades against January's slate: traded players resolve league-wide,
    players the index never saw are listed as unmatched, and no row gets someone else's id."""
    stale = _league_index(payloads, EARLY)
    directory = PlayerDirectory.from_player_index(stale)
    players = league_tables["players"]
    by_dk = dict(zip(players["dk_player_id"], players["person_id"], strict=True))
    _, open_id, _ = _groups(league_tables)
    dft = parse_draftables(payloads.render("draftables", AT, str(open_id)).body, "d", open_id)
    links = link_draftables(dft, directory)
    truth = links["player_dk_id"].map(by_dk)
    ok = links["player_id"].notna()
    assert (links.loc[ok, "player_id"] == truth[ok]).all()
    assert not set(truth[~ok]) & set(stale["player_id"])  # unmatched = absent from the stale index
    assert (links.loc[~ok, "match_reason"] != "").all()
    stale_team = dict(zip(stale["player_id"], stale["team_tricode"], strict=True))
    moved = {
        pid
        for pid, team in zip(truth, links["team_abbrev"], strict=True)
        if stale_team.get(pid, team) != team
    }
    assert moved, "the slate should include a player traded since the stale index"
    assert set(links.loc[links["match_method"] == LEAGUE_UNIQUE, "player_id"]) == moved
