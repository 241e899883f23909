"""Injury report PDF parser: the real reports, 200 league-rendered reports, malformed input, file names."""

from __future__ import annotations

import io
import random
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pdfplumber
import pytest
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen.canvas import Canvas

from projections_assets import cli
from projections_assets.league.feed import _corrupt
from projections_assets.league.render.injury_pdf import (
    COLUMN_EDGES,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    paginate_injury_rows,
    render_injury_pdf,
)
from projections_assets.nba.injury_report import report_filename, report_time_from_filename
from projections_assets.parsers import injury_pdf, pdf_words
from projections_assets.parsers.errors import ParseError
from projections_assets.parsers.injury_pdf import (
    COLUMNS,
    InjuryReportParseError,
    parse_injury_pdf,
    parse_injury_pdf_records,
)
from projections_assets_tests.conftest import REAL_FIXTURES

REAL = REAL_FIXTURES / "injury_pdf"
REAL_REPORTS = (
    "Injury-Report_2021-10-19_12AM",  # older layout, header on every page
    "Injury-Report_2025-01-10_05PM",  # hourly era, 8 pages
    "Injury-Report_2026-02-08_03_30PM",  # quarter-hour era, two game dates, a row split by a page break
)
ET = ZoneInfo("America/New_York")


def _expected(name: str) -> pd.DataFrame:
    frame = pd.read_csv(REAL / "expected" / f"{name}.csv", dtype=str, keep_default_na=False)
    frame["page"] = frame["page"].astype("int64")
    return frame


# --- the real reports -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", REAL_REPORTS)
def test_real_report_parses_to_expected_csv(name: str) -> None:
    got = parse_injury_pdf((REAL / f"{name}.pdf").read_bytes(), f"{name}.pdf")
    expected = _expected(name)
    assert list(got.columns) == list(COLUMNS)
    assert len(got) == len(expected)
    for index in range(len(expected)):
        assert got.iloc[index].tolist() == expected.iloc[index].tolist(), f"{name} row {index}"
    assert got["page"].dtype == "int64"
    # The CSV form is what the CLI prints; it must equal the file byte for byte.
    assert got.to_csv(index=False, lineterminator="\n") == (REAL / "expected" / f"{name}.csv").read_text()


def test_cli_prints_expected_csv(capsys: pytest.CaptureFixture[str]) -> None:
    name = REAL_REPORTS[2]
    assert cli.main(["parse", "injury-pdf", str(REAL / f"{name}.pdf")]) == 0
    assert capsys.readouterr().out == (REAL / "expected" / f"{name}.csv").read_text()


def test_cli_error_exits_2_naming_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "Injury-Report_2025-01-10_05PM.pdf"
    bad.write_bytes(b"<html>403 Forbidden</html>")
    assert cli.main(["parse", "injury-pdf", str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert str(bad) in captured.err and "not a PDF" in captured.err
    assert cli.main(["parse", "injury-pdf", str(tmp_path / "missing.pdf")]) == 2
    assert "missing.pdf" in capsys.readouterr().err


# --- league-rendered round trips --------------------------------------------------------------------

_TEAMS = (
    "Atlanta Hawks", "Boston Celtics", "Brooklyn Nets", "Charlotte Hornets", "Chicago Bulls",
    "Cleveland Cavaliers", "Dallas Mavericks", "Denver Nuggets", "Detroit Pistons", "Golden State Warriors",
    "Houston Rockets", "Indiana Pacers", "LA Clippers", "Los Angeles Lakers", "Memphis Grizzlies",
    "Miami Heat", "Milwaukee Bucks", "Minnesota Timberwolves", "New Orleans Pelicans", "New York Knicks",
    "Oklahoma City Thunder", "Orlando Magic", "Philadelphia 76ers", "Phoenix Suns", "Portland Trail Blazers",
    "Sacramento Kings", "San Antonio Spurs", "Toronto Raptors", "Utah Jazz", "Washington Wizards",
)  # fmt: skip
_TRICODES = dict(zip(_TEAMS, (
    "ATL", "BOS", "BKN", "CHA", "CHI", "CLE", "DAL", "DEN", "DET", "GSW", "HOU", "IND", "LAC", "LAL", "MEM",
    "MIA", "MIL", "MIN", "NOP", "NYK", "OKC", "ORL", "PHI", "PHX", "POR", "SAC", "SAS", "TOR", "UTA", "WAS",
), strict=True))  # fmt: skip
# (24-hour ET, as printed): written out here so the test does not reuse the code under test.
_TIPS = (
    ("12:00", "12:00 (ET)"), ("12:30", "12:30 (ET)"), ("13:00", "01:00 (ET)"), ("15:30", "03:30 (ET)"),
    ("17:00", "05:00 (ET)"), ("19:00", "07:00 (ET)"), ("19:30", "07:30 (ET)"), ("20:00", "08:00 (ET)"),
    ("21:00", "09:00 (ET)"), ("22:00", "10:00 (ET)"), ("22:30", "10:30 (ET)"), ("23:59", "11:59 (ET)"),
)  # fmt: skip
# The longest combination ("Gilgeous-Alexander III, De'Anthony") still fits its column.
_FIRST = ("Stephen", "Michael", "Gary", "Kasparas", "De'Anthony", "N'Faly", "OG", "RJ", "Jaime", "Bam")
_LAST = ("Curry", "Porter", "Payton", "Gilgeous-Alexander", "Da Silva", "O'Neale", "Van der Berg", "Jackson")
_SUFFIX = ("Jr.", "II", "III", "Sr.")
_STATUSES = ("Out", "Questionable", "Doubtful", "Probable", "Available")
_PARTS = ("Left Ankle", "Right Knee", "Lower Back", "Right Achilles Tendon", "Left Hamstring", "N/A")
_DIAGNOSES = ("Sprain", "Soreness", "Injury Management", "Patellar Tendinopathy", "Torn ACL", "Illness")
_REASONS = (
    "G League - Two-Way", "G League - On Assignment", "Not With Team", "Personal Reasons", "Rest - Rest",
    "Trade Pending", "Return to Competition Reconditioning", "League Suspension",
)  # fmt: skip
_LONG_TAIL = ("Fractured Fourth Metacarpal; Surgical Repair Scheduled With Ongoing Rehabilitation "
              "and Reconditioning Program Before Return to Basketball Activities")  # fmt: skip
QUARTER_HOUR_ERA = datetime(2025, 12, 22, tzinfo=ET)


def _reason(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.03:
        return ""
    if roll < 0.10:  # long enough to wrap onto three or more lines
        return f"Injury/Illness - {rng.choice(_PARTS)}; {_LONG_TAIL}"
    if roll < 0.35:
        return rng.choice(_REASONS)
    return f"Injury/Illness - {rng.choice(_PARTS)}; {rng.choice(_DIAGNOSES)}"


def _player(rng: random.Random) -> str:
    last = rng.choice(_LAST)
    if rng.random() < 0.2:
        last = f"{last} {rng.choice(_SUFFIX)}"
    return f"{last}, {rng.choice(_FIRST)}"


def _random_report(seed: int) -> pd.DataFrame:
    """A report as the parser should read it: every hard case occurs at some seed."""
    rng = random.Random(seed)
    hourly = seed % 2 == 0
    start = datetime(2024, 10, 22, tzinfo=ET) if hourly else QUARTER_HOUR_ERA
    day = start.date() + timedelta(days=rng.randrange(420))
    if hourly and day >= QUARTER_HOUR_ERA.date():
        day = QUARTER_HOUR_ERA.date() - timedelta(days=1 + rng.randrange(60))
    minute = 30 if hourly else rng.choice((0, 15, 30, 45))
    report_ts = datetime(day.year, day.month, day.day, rng.randrange(24), minute, tzinfo=ET)
    big = seed % 8 == 0
    dates = [day] if rng.random() < 0.6 else [day, day + timedelta(days=1)]
    rows: list[dict[str, object]] = []
    previous_home: str | None = None
    for game_date in dates:
        teams = list(_TEAMS)
        rng.shuffle(teams)
        if previous_home is not None and rng.random() < 0.5:
            # A back-to-back: the team printed last on day 1 prints first on day 2.
            teams.remove(previous_home)
            teams.insert(0, previous_home)
        n_games = rng.randint(6, 10) if big else rng.randint(1, 3)
        tips = sorted(rng.sample(_TIPS, min(n_games, len(_TIPS))))
        for game in range(n_games):
            away, home = teams[2 * game], teams[2 * game + 1]
            tip_et, tip_raw = tips[min(game, len(tips) - 1)]
            for team in (away, home):
                if rng.random() < (0.25 if game_date > day else 0.08):
                    players: list[tuple[str, str, str]] = [("", "NOT YET SUBMITTED", "")]
                else:
                    count = rng.randint(3, 8) if big else rng.randint(1, 4)
                    players = [(_player(rng), rng.choice(_STATUSES), _reason(rng)) for _ in range(count)]
                for name, status, reason in players:
                    rows.append(
                        {
                            "report_ts": report_ts.isoformat(),
                            "game_date": game_date.isoformat(),
                            "game_time_et": tip_et,
                            "game_time_raw": tip_raw,
                            "matchup": f"{_TRICODES[away]}@{_TRICODES[home]}",
                            "team": team,
                            "player_name": name,
                            "status": status,
                            "reason": reason,
                        }
                    )
            previous_home = home
    frame = pd.DataFrame(rows, columns=list(COLUMNS[:-1]))
    frame["page"] = pd.Series(paginate_injury_rows(frame), dtype="int64")
    return frame


def _split_rows(pdf: bytes) -> int:
    """Pages that open with the rest of a row from the page before (reason text, no player)."""
    reason_left, player_left = COLUMN_EDGES[6], COLUMN_EDGES[4]
    count = 0
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages[1:]:
            words = [w for w in page.extract_words(x_tolerance=1) if 76 < w["top"] < 530]
            top = min(w["top"] for w in words)
            first_line = [w for w in words if abs(w["top"] - top) < 2]
            if all(w["x0"] > reason_left for w in first_line) and not any(
                player_left < w["x0"] < reason_left and abs(w["top"] - top) < 10 for w in words
            ):
                count += 1
    return count


def test_round_trip_200_rendered_reports() -> None:
    seen: Counter[str] = Counter()
    for seed in range(200):
        expected = _random_report(seed)
        pdf = render_injury_pdf(expected)
        name = report_filename(datetime.fromisoformat(expected["report_ts"].iloc[0]))
        got = parse_injury_pdf(pdf, name)
        assert list(got.columns) == list(COLUMNS), f"seed {seed}"
        assert len(got) == len(expected), f"seed {seed}: {len(got)} rows parsed, {len(expected)} rendered"
        for index in range(len(expected)):
            assert got.iloc[index].tolist() == expected.iloc[index].tolist(), f"seed {seed} row {index}"
        assert report_time_from_filename(name) == datetime.fromisoformat(expected["report_ts"].iloc[0])

        pages = int(got["page"].max())
        seen["multi-page"] += pages > 1
        # The layout scan is slow and only the count up to 3 matters.
        seen["split across pages"] += seen["split across pages"] < 3 and pages > 1 and _split_rows(pdf) > 0
        seen["wrapped reason"] += any(len(r) > 45 for r in expected["reason"])
        seen["3+ line reason"] += expected["reason"].str.contains("Rehabilitation").any()
        seen["not yet submitted"] += (expected["status"] == "NOT YET SUBMITTED").any()
        seen["two dates"] += expected["game_date"].nunique() == 2
        seen["noon game"] += expected["game_time_et"].str.startswith("12:").any()
        seen["suffix name"] += expected["player_name"].str.contains(r" (?:Jr\.|II|III|Sr\.),").any()
        seen["LA Clippers"] += (expected["team"] == "LA Clippers").any()
        seen["empty reason"] += ((expected["reason"] == "") & (expected["player_name"] != "")).any()
        same_team_next_day = (expected["team"] == expected["team"].shift()) & (
            expected["game_date"] != expected["game_date"].shift()
        )
        seen["same team on both dates, adjacent"] += same_team_next_day.any()
        seen["hourly name"] += name.count("_") == 2
        seen["quarter-hour name"] += name.count("_") == 3
    # Every hard case must actually have been exercised, several times.
    assert min(seen.values()) >= 3 and len(seen) == 13, seen


# --- malformed input --------------------------------------------------------------------------------


def _handmade_pdf(
    pages: list[list[tuple[float, float, str]]], *, footers: bool = True, rotation: int = 0, **canvas_args
) -> bytes:
    """A PDF with (x, top, text) strings per page, for layouts the renderer refuses to make.

    Each page gets its `Page N of M` footer unless `footers=False`. With `rotation` the page is
    stored turned (its /Rotate) and its content drawn turned back, so it displays as the others.
    """
    # Page space of a page displayed landscape after turning it clockwise by `rotation`, and the
    # matrix taking displayed (x, y up) to page space.
    size, matrix = {
        0: ((PAGE_WIDTH, PAGE_HEIGHT), (1, 0, 0, 1, 0, 0)),
        90: ((PAGE_HEIGHT, PAGE_WIDTH), (0, 1, -1, 0, PAGE_HEIGHT, 0)),
        180: ((PAGE_WIDTH, PAGE_HEIGHT), (-1, 0, 0, -1, PAGE_WIDTH, PAGE_HEIGHT)),
        270: ((PAGE_HEIGHT, PAGE_WIDTH), (0, -1, 1, 0, 0, PAGE_WIDTH)),
    }[rotation]
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=size, invariant=1, **canvas_args)
    for number, page in enumerate(pages, start=1):
        canvas.setPageRotation(rotation)
        canvas.transform(*matrix)
        footer = [(400.0, 538.12, f"Page {number} of {len(pages)}")] if footers else []
        for x, top, text in [*page, *footer]:
            canvas.setFont("Helvetica", 10)
            canvas.drawString(x, PAGE_HEIGHT - top - 8, text)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


_TITLE = (300.0, 50.0, "Injury Report: 01/10/25 05:30 PM")
_HEADER = [
    (edge + 4, 108.0, label)
    for edge, label in zip(
        COLUMN_EDGES,
        ("Game Date", "Game Time", "Matchup", "Team", "Player Name", "Current Status", "Reason"),
        strict=False,
    )
]


def _row(top: float, time_text: str = "07:00 (ET)") -> list[tuple[float, float, str]]:
    cells = ("01/10/2025", time_text, "GSW@IND", "Golden State Warriors", "Curry, Stephen", "Out", "Rest")
    return [(edge + 5, top, text) for edge, text in zip(COLUMN_EDGES, cells, strict=False)]


def test_not_a_pdf_names_the_file() -> None:
    with pytest.raises(InjuryReportParseError, match=r"^report\.pdf: <document>: not a PDF") as info:
        parse_injury_pdf(b"<html>403</html>", "report.pdf")
    # One error type for every parser: callers catch ParseError.
    assert isinstance(info.value, ParseError) and info.value.page is None


def test_truncated_pdf_names_the_file() -> None:
    data = (REAL / f"{REAL_REPORTS[1]}.pdf").read_bytes()
    for cut in (100, len(data) // 3, len(data) // 2, len(data) - 2000):
        with pytest.raises(InjuryReportParseError, match=r"^cut\.pdf: ") as info:
            parse_injury_pdf(data[:cut], "cut.pdf")
        assert info.value.source == "cut.pdf"


def test_corrupt_bytes_name_the_file() -> None:
    data = bytearray((REAL / f"{REAL_REPORTS[2]}.pdf").read_bytes())
    data[2000:6000] = bytes(4000)
    with pytest.raises(InjuryReportParseError, match=r"^bad\.pdf: "):
        parse_injury_pdf(bytes(data), "bad.pdf")


def test_corrupt_page_content_names_the_page() -> None:
    rows = _expected(REAL_REPORTS[2])
    pdf = render_injury_pdf(rows)
    # Garble the middle of page 2's compressed content stream: pdfium would keep what it can inflate.
    start = pdf.index(b"stream", pdf.index(b"/FlateDecode", pdf.index(b"/FlateDecode") + 1)) + 7
    middle = (start + pdf.index(b"endstream", start)) // 2
    garbled = pdf[:middle] + b"!" * 40 + pdf[middle + 40 :]
    with pytest.raises(InjuryReportParseError, match=r"^bad\.pdf: page 2"):
        parse_injury_pdf(garbled, "bad.pdf")


def test_page_without_header_names_file_and_page() -> None:
    pdf = _handmade_pdf([[_TITLE, *_HEADER, *_row(130)], _row(90)])
    with pytest.raises(
        InjuryReportParseError, match=r"^x\.pdf: page 2, field header: no 'Injury Report"
    ) as info:
        parse_injury_pdf(pdf, "x.pdf")
    assert info.value.page == 2


def test_unparseable_time_names_file_page_and_field() -> None:
    pdf = _handmade_pdf([[_TITLE, *_HEADER, *_row(130)], [_TITLE, *_row(90, time_text="7pm")]])
    with pytest.raises(InjuryReportParseError, match=r"^x\.pdf: page 2, field game_time: .*'7pm'"):
        parse_injury_pdf(pdf, "x.pdf")


def test_missing_column_header_and_footer_mismatch() -> None:
    with pytest.raises(InjuryReportParseError, match=r"page 1, field column header"):
        parse_injury_pdf(_handmade_pdf([[_TITLE, *_row(130)]]), "x.pdf")
    footer = (400.0, 540.0, "Page 1 of 3")
    with pytest.raises(InjuryReportParseError, match=r"page 1, field footer: .*Page 1 of 3"):
        parse_injury_pdf(_handmade_pdf([[_TITLE, *_HEADER, *_row(130), footer]], footers=False), "x.pdf")


def test_unknown_status_and_orphan_text() -> None:
    bad_status = [(x, top, "Sidelined" if text == "Out" else text) for x, top, text in _row(130)]
    with pytest.raises(InjuryReportParseError, match=r"page 1, field status: 'Sidelined'"):
        parse_injury_pdf(_handmade_pdf([[_TITLE, *_HEADER, *bad_status]]), "x.pdf")
    orphan = [(COLUMN_EDGES[6] + 5, 200.0, "Fracture")]
    with pytest.raises(
        InjuryReportParseError, match=r"page 1, field reason: reason text 'Fracture' belongs to no row"
    ):
        parse_injury_pdf(_handmade_pdf([[_TITLE, *_HEADER, *_row(130), *orphan]]), "x.pdf")


def test_page_without_footer_names_the_page() -> None:
    # Every page prints `Page N of M`; a page without it has lost text (or is not a report page).
    pdf = _handmade_pdf([[_TITLE, *_HEADER, *_row(130)], [_TITLE, *_row(90)]])
    assert len(parse_injury_pdf(pdf, "x.pdf")) == 2
    footless = _handmade_pdf(
        [[_TITLE, *_HEADER, *_row(130), (400.0, 538.12, "Page 1 of 2")], [_TITLE, *_row(90)]], footers=False
    )
    with pytest.raises(
        InjuryReportParseError, match=r"^x\.pdf: page 2, field footer: no 'Page N of M' footer"
    ):
        parse_injury_pdf(footless, "x.pdf")


def _real(index: int) -> bytes:
    return (REAL / f"{REAL_REPORTS[index]}.pdf").read_bytes()


def _stream(data: bytes, objnum: int) -> tuple[int, int]:
    """(start, end) of the data of stream object `objnum` in a real report (GemBox writes /Length)."""
    match = re.search(rb"\n%d 0 obj\s*<<([^>]*)>>\s*stream\r?\n" % objnum, data)
    assert match is not None
    length = re.search(rb"/Length (\d+)", match[1])
    assert length is not None
    return match.end(), match.end() + int(length[1])


def test_checksum_damage_names_the_page() -> None:
    # What pdfminer's "Data-loss" warning used to catch: the stream inflates, its checksum fails.
    data = _real(2)
    assert re.search(rb"\n13 0 obj\s*<<\s*/Type/Page\b[^>]*/Contents 14 0 R", data)  # page 2's content
    _, end = _stream(data, 14)
    damaged = data[: end - 4] + bytes(b ^ 0xFF for b in data[end - 4 : end]) + data[end:]
    with pytest.raises(
        InjuryReportParseError,
        match=r"^bad\.pdf: page 2: the page's content stream \(object 14\) does not decode .*incorrect data check",
    ):
        parse_injury_pdf(damaged, "bad.pdf")


def test_garbled_stream_that_is_not_page_content_names_the_file() -> None:
    # The report's embedded fonts: pdfium would carry on with what it could inflate.
    data = _real(2)
    start, end = _stream(data, 21)
    middle = (start + end) // 2
    damaged = data[:middle] + b"!" * 40 + data[middle + 40 :]
    with pytest.raises(
        InjuryReportParseError,
        match=r"^bad\.pdf: <document>: damaged file: a compressed stream \(object 21\)",
    ):
        parse_injury_pdf(damaged, "bad.pdf")


def test_missing_or_added_bytes_name_the_file() -> None:
    # Bytes lost inside a font's glyph widths: pdfium (and pdfminer) would read words squashed
    # together, and object offsets no longer match the cross-reference table.
    data = _real(2)
    at = data.index(b"/Widths[") + 20
    for damaged in (data[:at] + data[at + 100 :], data[:at] + b" " * 5 + data[at:]):
        with pytest.raises(InjuryReportParseError, match=r"^bad\.pdf: <document>: .*cross-reference table"):
            parse_injury_pdf(damaged, "bad.pdf")


def test_page_that_cannot_load_or_lost_its_content_names_the_page() -> None:
    data = _real(2)
    page2 = data.index(b"\n13 0 obj")
    at = data.index(b"/Type/Page", page2)
    with pytest.raises(InjuryReportParseError, match=r"^bad\.pdf: page 2: cannot load the page"):
        parse_injury_pdf(data[:at] + b"/Type/Xxxx" + data[at + 10 :], "bad.pdf")
    at = data.index(b"/Contents", page2)  # the page loads, blank
    with pytest.raises(InjuryReportParseError, match=r"^bad\.pdf: page 2, field header: no 'Injury Report"):
        parse_injury_pdf(data[:at] + b"/Cxntents" + data[at + 9 :], "bad.pdf")


def test_league_corrupt_pdf_fault_is_an_error_naming_the_file() -> None:
    # The league feed's `corrupt_pdf` fault: same length and %PDF header, middle third blanked.
    rendered = render_injury_pdf(_expected(REAL_REPORTS[2]))
    cases = [(_real(i), f"{name}.pdf") for i, name in enumerate(REAL_REPORTS)] + [(rendered, "rendered.pdf")]
    for data, name in cases:
        with pytest.raises(InjuryReportParseError, match=rf"^{re.escape(name)}: ") as info:
            parse_injury_pdf(_corrupt(data), name)
        assert info.value.source == name


def test_encrypted_pdf_parses() -> None:
    # Stream bytes of an encrypted file are not checked here (pdfium decrypts them).
    encryption = StandardEncryption("", ownerPassword="owner", canModify=0)
    pdf = _handmade_pdf([[_TITLE, *_HEADER, *_row(130)]], encrypt=encryption)
    assert b"/Encrypt" in pdf
    assert parse_injury_pdf(pdf, "x.pdf")["player_name"].tolist() == ["Curry, Stephen"]


# --- the pdfium backend against the former pdfplumber one -------------------------------------------


def _assert_same_words(data: bytes, *, top_pt: float) -> None:
    """pdfium's words are pdfplumber's: same text, same lines, same x0, same size, top within `top_pt`.

    Tops differ by a constant per font: pdfium and pdfminer read a font's descent differently
    (0 for the real reports' embedded fonts; up to 0.02 em for base-14 fonts, which pdfium substitutes).
    """
    new = pdf_words.pdfium_words(data, "x.pdf")
    old = pdf_words.pdfplumber_words(data, "x.pdf")
    assert len(new) == len(old)
    for page, (new_words, old_words) in enumerate(zip(new, old, strict=True), start=1):
        new_lines, old_lines = injury_pdf._lines(new_words), injury_pdf._lines(old_words)
        assert [[w.text for w in line.words] for line in new_lines] == [
            [w.text for w in line.words] for line in old_lines
        ], f"page {page}"
        pairs = [
            pair
            for new_line, old_line in zip(new_lines, old_lines, strict=True)
            for pair in zip(new_line.words, old_line.words, strict=True)
        ]
        for got, want in pairs:
            assert got.x0 == pytest.approx(want.x0, abs=0.1), (page, want)
            assert got.top == pytest.approx(want.top, abs=top_pt), (page, want)
            assert got.bottom == pytest.approx(want.bottom, abs=top_pt), (page, want)
            assert got.size == pytest.approx(want.size, abs=1e-6), (page, want)


@pytest.mark.parametrize("name", REAL_REPORTS)
def test_pdfium_reads_real_reports_as_pdfplumber(name: str) -> None:
    _assert_same_words((REAL / f"{name}.pdf").read_bytes(), top_pt=0.15)


def test_pdfium_reads_rendered_reports_as_pdfplumber() -> None:
    for seed in (0, 1, 8):  # seed 8: a big report (11 pages)
        _assert_same_words(render_injury_pdf(_random_report(seed)), top_pt=0.5)


@pytest.mark.parametrize("rotation", (0, 90, 180, 270))
def test_rotated_pages_read_as_displayed(rotation: int) -> None:
    # The older layout is stored as portrait pages turned by /Rotate 90.
    pages = [[_TITLE, *_HEADER, *_row(130), *_row(160)], [_TITLE, *_row(90)]]
    pdf = _handmade_pdf(pages, rotation=rotation)
    _assert_same_words(pdf, top_pt=0.5)
    expected = parse_injury_pdf(_handmade_pdf(pages), "x.pdf")
    assert len(expected) == 3
    pd.testing.assert_frame_equal(parse_injury_pdf(pdf, "x.pdf"), expected)


def test_parsing_in_threads_gives_the_same_rows() -> None:
    # pdfium is not thread-safe; the parser serialises its use.
    reports = [(_real(i), f"{name}.pdf") for i, name in enumerate(REAL_REPORTS)]
    serial = [parse_injury_pdf_records(data, name) for data, name in reports]
    with ThreadPoolExecutor(max_workers=4) as pool:
        parallel = list(pool.map(lambda i: parse_injury_pdf_records(*reports[i % 3]), range(12)))
    assert parallel == [serial[i % 3] for i in range(12)]


# --- file names -------------------------------------------------------------------------------------


def test_file_names_both_eras() -> None:
    assert report_time_from_filename("Injury-Report_2025-01-10_05PM.pdf") == datetime(
        2025, 1, 10, 17, 30, tzinfo=ET
    )
    assert report_time_from_filename("Injury-Report_2021-10-19_12AM.pdf") == datetime(
        2021, 10, 19, 0, 30, tzinfo=ET
    )
    assert report_time_from_filename(
        "https://x/referee/injury/Injury-Report_2026-02-08_06_30PM.pdf"
    ) == datetime(2026, 2, 8, 18, 30, tzinfo=ET)
    assert report_time_from_filename("Injury-Report_2026-02-08_12_00PM.pdf") == datetime(
        2026, 2, 8, 12, 0, tzinfo=ET
    )
    assert report_filename(datetime(2025, 1, 10, 17, 30, tzinfo=ET)) == "Injury-Report_2025-01-10_05PM.pdf"
    assert report_filename(datetime(2026, 2, 8, 18, 30, tzinfo=ET)) == "Injury-Report_2026-02-08_06_30PM.pdf"
    assert report_filename(datetime(2025, 12, 22, 0, 15, tzinfo=ET)) == "Injury-Report_2025-12-22_12_15AM.pdf"
    assert report_filename(datetime(2025, 12, 21, 12, 30, tzinfo=ET)) == "Injury-Report_2025-12-21_12PM.pdf"
    # An aware time in another zone names the Eastern report.
    assert (
        report_filename(datetime(2025, 1, 10, 22, 30, tzinfo=ZoneInfo("UTC")))
        == "Injury-Report_2025-01-10_05PM.pdf"
    )
    for bad in (datetime(2025, 1, 10, 17, 15, tzinfo=ET), datetime(2026, 2, 8, 18, 20, tzinfo=ET)):
        with pytest.raises(ValueError):
            report_filename(bad)
    for bad_name in (
        "Injury-Report_2025-01-10_13PM.pdf",
        "Injury-Report_2026-02-08_06_20PM.pdf",
        "report.pdf",
    ):
        with pytest.raises(ValueError):
            report_time_from_filename(bad_name)


def test_file_name_round_trip_every_quarter_hour_of_switch_days() -> None:
    for day in (date(2025, 12, 21), date(2025, 12, 22)):
        for step in range(96):
            ts = datetime(day.year, day.month, day.day, tzinfo=ET) + timedelta(minutes=15 * step)
            if day < date(2025, 12, 22) and ts.minute != 30:
                continue
            assert report_time_from_filename(report_filename(ts)) == ts
