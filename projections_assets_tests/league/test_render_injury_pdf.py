"""Rendered injury report PDFs look like the real ones, carry every hard case, and are deterministic."""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pdfplumber
import pytest

from projections_assets.league.render import injury_pdf as render
from projections_assets.nba import injury_report
from projections_assets.parsers import injury_pdf as parser
from projections_assets_tests.conftest import REAL_FIXTURES

REAL = REAL_FIXTURES / "injury_pdf"
# Quarter-hour era, two game dates, NOT YET SUBMITTED rows, and a row split by a page break.
REAL_2026 = "Injury-Report_2026-02-08_03_30PM"
REAL_2025 = "Injury-Report_2025-01-10_05PM"
ET = ZoneInfo("America/New_York")


def _rows(name: str) -> pd.DataFrame:
    return pd.read_csv(REAL / "expected" / f"{name}.csv", dtype=str, keep_default_na=False)


def _words(pdf: bytes | Path) -> list[list[dict]]:
    source = io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf
    with pdfplumber.open(source) as document:
        return [
            page.extract_words(x_tolerance=1, extra_attrs=["fontname", "size"]) for page in document.pages
        ]


@pytest.fixture(scope="module")
def rendered_2026() -> bytes:
    return render.render_injury_pdf(_rows(REAL_2026))


def _column_of(x0: float) -> int:
    return max(i for i, edge in enumerate(render.COLUMN_EDGES[:-1]) if x0 >= edge - 3)


def test_page_size_fonts_and_positions_match_real(rendered_2026: bytes) -> None:
    with (
        pdfplumber.open(REAL / f"{REAL_2026}.pdf") as real,
        pdfplumber.open(io.BytesIO(rendered_2026)) as ours,
    ):
        assert (ours.pages[0].width, ours.pages[0].height) == pytest.approx(
            (real.pages[0].width, real.pages[0].height), abs=0.01
        )
        assert all(p.width > p.height for p in ours.pages)  # landscape
    real_words, our_words = _words(REAL / f"{REAL_2026}.pdf"), _words(rendered_2026)

    def by_text(words: list[dict]) -> dict[str, dict]:
        return {w["text"]: w for w in words}

    real_first, our_first = by_text(real_words[0]), by_text(our_words[0])
    # The title spans the same extent; the first row's cells sit at the same place, within 2 pt.
    assert our_first["PM"]["x1"] == pytest.approx(real_first["PM"]["x1"], abs=2)
    first_row = ("Injury", "02/08/2026", "MIA@WAS", "Adebayo,", "Available", "Injury/Illness")
    for text in first_row:
        assert our_first[text]["x0"] == pytest.approx(real_first[text]["x0"], abs=2), text
        assert our_first[text]["top"] == pytest.approx(real_first[text]["top"], abs=2), text
        assert our_first[text]["size"] == real_first[text]["size"], text
    real_labels = [w for w in real_words[0] if 100 < w["top"] < 120]
    our_labels = [w for w in our_words[0] if 100 < w["top"] < 120]
    assert [w["x0"] for w in our_labels] == pytest.approx([w["x0"] for w in real_labels], abs=2)
    assert "".join(w["text"] for w in our_labels) == "".join(w["text"] for w in real_labels)
    for page_real, page_ours in zip(real_words, our_words, strict=True):
        real_footer = [w for w in page_real if w["top"] > 530]
        our_footer = [w for w in page_ours if w["top"] > 530]
        assert "".join(w["text"] for w in our_footer) == "".join(w["text"] for w in real_footer)
        assert our_footer[0]["x0"] == pytest.approx(real_footer[0]["x0"], abs=2)
        assert our_footer[0]["top"] == pytest.approx(real_footer[0]["top"], abs=2)

    # Each column's text starts where the real column's text starts (its leftmost body word).
    def starts(pages: list[list[dict]]) -> list[float]:
        body = [w for page in pages for w in page if 75 < w["top"] < 530 and "Bold" not in w["fontname"]]
        return [min(w["x0"] for w in body if _column_of(w["x0"]) == i) for i in range(7)]

    assert starts(our_words) == pytest.approx(starts(real_words), abs=2)


def test_wraps_and_pagination_follow_real(rendered_2026: bytes) -> None:
    # Body text is condensed to Calibri's width, so rows wrap and pages break where the real ones do.
    for name in (REAL_2026, REAL_2025):
        with pdfplumber.open(REAL / f"{name}.pdf") as real:
            real_pages = len(real.pages)
        rows = _rows(name)
        assert render.paginate_injury_rows(rows) == rows["page"].astype(int).tolist(), name
        with pdfplumber.open(io.BytesIO(render.render_injury_pdf(rows))) as ours:
            assert len(ours.pages) == real_pages, name


def test_hard_cases_are_drawn(rendered_2026: bytes) -> None:
    pages = _words(rendered_2026)
    total = len(pages)
    for number, words in enumerate(pages, start=1):
        texts = [w["text"] for w in words]
        assert texts[:5] == ["Injury", "Report:", "02/08/26", "03:30", "PM"]
        assert texts[-4:] == ["Page", str(number), "of", str(total)]
        # The column header is printed on page 1 only.
        assert ("Matchup" in texts) == (number == 1)
    first = pages[0]
    rows_with_player = [w for w in first if 420 < w["x0"] < 581 and w["top"] > 125]
    dates = [w for w in first if w["x0"] < 115 and w["top"] > 125]
    assert len(dates) == 1 < len(rows_with_player)  # date printed once, carried down
    reasons = [w for w in first if w["x0"] > 662 and w["top"] > 125]
    herro = next(w for w in first if w["text"] == "Herro,")
    wrapped = [w for w in reasons if abs(w["top"] - herro["top"]) < 10 and w["x0"] < 670]
    assert (
        len(wrapped) == 2 and wrapped[0]["top"] < herro["top"] < wrapped[1]["top"]
    )  # centred around the row
    # The row split by the page break: page 3 opens with the rest of Toppin's reason.
    page3 = pages[2]
    top = min(w["top"] for w in page3 if w["top"] > 76)
    assert [w["text"] for w in page3 if w["top"] == top] == ["Fracture"]
    all_text = " ".join(w["text"] for page in pages for w in page)
    assert "NOT YET SUBMITTED" in all_text and "02/09/2026" in all_text and "LA Clippers" in all_text


def test_round_trip_and_metadata(rendered_2026: bytes) -> None:
    expected = _rows(REAL_2026)
    expected["page"] = expected["page"].astype("int64")
    got = parser.parse_injury_pdf(rendered_2026, "rendered.pdf")
    pd.testing.assert_frame_equal(got, expected)
    with pdfplumber.open(io.BytesIO(rendered_2026)) as document:
        assert document.metadata["CreationDate"] == "D:20260208153000-05'00'"
        assert document.metadata["Title"] == "Injury Report: 02/08/26 03:30 PM"


def test_deterministic_bytes_across_processes(rendered_2026: bytes) -> None:
    rows = _rows(REAL_2026)
    assert render.render_injury_pdf(rows) == rendered_2026
    assert render.render_injury_pdf(rows.to_dict("records")) == rendered_2026
    code = (
        "import hashlib, sys, pandas as pd\n"
        "from projections_assets.league.render.injury_pdf import render_injury_pdf\n"
        "rows = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)\n"
        "print(hashlib.sha256(render_injury_pdf(rows)).hexdigest())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(REAL / "expected" / f"{REAL_2026}.csv")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == hashlib.sha256(rendered_2026).hexdigest()
    changed = rows.copy()
    changed.loc[0, "status"] = "Out"
    assert render.render_injury_pdf(changed) != rendered_2026


def test_empty_report_and_invalid_rows() -> None:
    stamp = datetime(2025, 1, 10, 17, 30, tzinfo=ET)
    empty = render.render_injury_pdf([], report_ts=stamp)
    assert parser.parse_injury_pdf(empty, "empty.pdf").empty
    with pytest.raises(ValueError, match="one report has one time"):
        render.render_injury_pdf([])
    good = _rows(REAL_2026).head(3)
    cases = {
        "status": ("status", "Sidelined"),
        "outside 12:00-23:59": ("game_time_et", "09:00"),
        "too wide": ("player_name", "Gilgeous-Alexander-Antetokounmpo III, Karl-Anthony Jr."),
        "whitespace": ("reason", "Rest  -  Rest"),
        "disagrees": ("game_time_raw", "07:00 (ET)"),
    }
    for message, (column, value) in cases.items():
        bad = good.copy()
        bad.loc[1, column] = value
        with pytest.raises(ValueError, match=message):
            render.render_injury_pdf(bad)
    mixed = good.copy()
    mixed.loc[2, "report_ts"] = "2026-02-08T15:45:00-05:00"
    with pytest.raises(ValueError, match="one report has one time"):
        render.render_injury_pdf(mixed)


def test_file_name_function_is_shared() -> None:
    assert render.report_filename is injury_report.report_filename
    assert render.report_time_from_filename is injury_report.report_time_from_filename
    assert render.report_filename(datetime(2026, 2, 8, 15, 30, tzinfo=ET)) == f"{REAL_2026}.pdf"
    assert render.report_filename(datetime(2025, 1, 10, 17, 30, tzinfo=ET)) == f"{REAL_2025}.pdf"
