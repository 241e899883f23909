"""Injury report PDFs in the official layout (the GemBox-produced layout of the 2025-26 reports).

Geometry was measured on the real reports with pdfplumber: an A4-landscape page of 841.95 x 595.35
pt, a dark-blue title band with `Injury Report: MM/DD/YY HH:MM AM/PM` in 22 pt bold, a grey column
header on page 1 only, seven columns with fixed left edges, 10 pt body text inset 5 pt into each
cell, rows 8 pt + 14.04 pt per text line, cells vertically centred, `Page N of M` centred in the
footer, horizontal rules only under cells that end (no vertical rules). A row that does not fit at
the bottom of a page breaks: the reason lines that fit stay, the rest open the next page.

The real reports use Calibri and Segoe UI, which are not installed here and cannot be shipped;
Helvetica (a PDF base font, so nothing is embedded and the bytes stay small and deterministic)
takes their place at the same sizes and positions, scaled horizontally to their widths so text
wraps and pages break where the real ones do.

The rendered file parses back through the product's injury report parser to the input rows.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from projections_assets.nba.injury_report import (
    CARRIED_FIELDS,
    NOT_YET_SUBMITTED,
    STATUSES,
    TABLE_FIELDS,
    TABLE_LABELS,
    as_eastern,
    game_time_raw_from_et,
    report_filename,
    report_header,
    report_time_from_filename,
)

__all__ = [
    "PAGE_HEIGHT",
    "PAGE_WIDTH",
    "COLUMN_EDGES",
    "paginate_injury_rows",
    "render_injury_pdf",
    "report_filename",
    "report_time_from_filename",
]

PAGE_WIDTH = 841.95
PAGE_HEIGHT = 595.35
#: Left edges of the seven table columns (TABLE_FIELDS order), then the table's right edge.
COLUMN_EDGES: tuple[float, ...] = (
    19.1488,
    115.5871,
    195.9524,
    260.2445,
    420.975,
    581.7055,
    662.0708,
    822.8013,
)


@dataclass(frozen=True)
class _Style:
    """A base font standing in for a real report font: same size, condensed/expanded to its width."""

    font: str
    size: float
    scale: float  # horizontal scale matching the real font's width


# Calibri words measure 0.91 of the same words in Helvetica (median over the real reports), so body
# text is condensed to that width: cells then fill and wrap about as the real ones do. Segoe UI Bold
# labels match Helvetica-Bold at 10 pt; the 22 pt title measures 1.031 of it.
_BODY = _Style("Helvetica", 10.0, 0.91)
_LABEL = _Style("Helvetica-Bold", 10.0, 1.0)
_TITLE = _Style("Helvetica-Bold", 22.0, 1.031)

# pdfminer places a base-14 glyph box 0.207 em below the baseline (the AFM descender), so a text
# top measured on the real reports maps to a baseline 0.793 em lower.
_BASELINE_BELOW_TOP_EM = 0.793

_TITLE_BAND = (35.4, 75.4)  # top, bottom
_TITLE_BAND_COLOR = (0.114, 0.259, 0.541)
# The real title is centred on the band right of the logo area (84.195 pt to the page edge).
_TITLE_CENTER_X = (84.195 + PAGE_WIDTH) / 2
_TITLE_TOP = 45.53
_HEADER_BAND = (100.438, 121.734)
_HEADER_COLOR = (0.965, 0.973, 0.973)
_HEADER_TEXT_TOP = 107.739
_HEADER_INSET = 4.0
_CELL_INSET = 5.0
_FOOTER_TOP = 538.12
_FOOTER_GREY = 0.267
_RULE_GREY = 0.502

_FIRST_PAGE_BODY_TOP = _HEADER_BAND[1]
_BODY_TOP = _TITLE_BAND[1]
# Lowest row bottom seen on the real pages (515.7): the table must end above it.
_BODY_BOTTOM = 516.0
_ROW_PADDING = 8.0
_LINE_PITCH = 14.04
_TEXT_OFFSET = 6.71  # from a row's top to its first text line's top

_REQUIRED = ("report_ts", "game_date", "game_time_et", "matchup", "team", "player_name", "status", "reason")


@dataclass(frozen=True)
class _Entry:
    """One row ready to print: its printed cells and its reason wrapped into lines."""

    key: tuple[str, ...]  # CARRIED_FIELDS values as printed
    player_name: str
    status: str
    reason_lines: tuple[str, ...]


@dataclass
class _Fragment:
    """The part of a row printed on one page."""

    top: float
    n_lines: int
    texts: dict[str, str]  # carried/player/status cells printed on this fragment (anchor only)
    reason_lines: tuple[str, ...]
    rule_fields: tuple[str, ...]  # columns whose cell ends under this row (all do at a page's end)


@dataclass
class _Page:
    fragments: list[_Fragment] = field(default_factory=list)


def _row_height(n_lines: int) -> float:
    return _ROW_PADDING + _LINE_PITCH * n_lines


def _lines_fitting(space: float) -> int:
    return max(0, math.floor((space - _ROW_PADDING) / _LINE_PITCH + 1e-9))


def _text_width(text: str, style: _Style = _BODY) -> float:
    return stringWidth(text, style.font, style.size) * style.scale


def _column_text_width(field_name: str) -> float:
    index = TABLE_FIELDS.index(field_name)
    return COLUMN_EDGES[index + 1] - COLUMN_EDGES[index] - 2 * _CELL_INSET


def _wrap(text: str, width: float) -> tuple[str, ...]:
    """Greedy word wrap at spaces, as a word processor does; an over-long word gets its own line."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and _text_width(candidate) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return tuple(lines)


def _text(row: Mapping[str, Any], name: str, index: int) -> str:
    value = row.get(name, "")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        value = ""
    text = value.isoformat() if isinstance(value, date | datetime) else str(value)
    # Extraction collapses runs of whitespace; anything else would not read back as written.
    if text != " ".join(text.split()):
        raise ValueError(f"row {index}: {name} {text!r} has leading, trailing or repeated whitespace")
    try:
        text.encode("cp1252")
    except UnicodeEncodeError as exc:
        raise ValueError(f"row {index}: {name} {text!r} has characters the report font cannot print") from exc
    return text


def _entry(row: Mapping[str, Any], index: int) -> _Entry:
    game_date = date.fromisoformat(_text(row, "game_date", index))
    game_time_raw = game_time_raw_from_et(_text(row, "game_time_et", index))
    printed_raw = _text(row, "game_time_raw", index)
    if printed_raw and printed_raw != game_time_raw:
        raise ValueError(
            f"row {index}: game_time_raw {printed_raw!r} disagrees with game_time_et ({game_time_raw!r})"
        )
    key = (f"{game_date:%m/%d/%Y}", game_time_raw, _text(row, "matchup", index), _text(row, "team", index))
    player, status, reason = (_text(row, name, index) for name in ("player_name", "status", "reason"))
    if status == NOT_YET_SUBMITTED:
        if player or reason:
            raise ValueError(f"row {index}: a NOT YET SUBMITTED row has no player or reason")
        reason_lines: tuple[str, ...] = (NOT_YET_SUBMITTED,)
    elif status in STATUSES:
        if not player:
            raise ValueError(f"row {index}: player_name is empty")
        reason_lines = _wrap(reason, _column_text_width("reason"))
    else:
        raise ValueError(f"row {index}: status {status!r} is not one of {STATUSES + (NOT_YET_SUBMITTED,)}")
    printed_status = "" if status == NOT_YET_SUBMITTED else status
    for name, text in zip(
        (*CARRIED_FIELDS, "player_name", "status"), (*key, player, printed_status), strict=True
    ):
        if not text and name in CARRIED_FIELDS:
            raise ValueError(f"row {index}: {name} is empty")
        # A cell spilling into the next column would be read as part of that column.
        if _text_width(text) > _column_text_width(name):
            raise ValueError(f"row {index}: {name} {text!r} is too wide for its column")
    return _Entry(key, player, printed_status, reason_lines)


def _stamp(value: datetime | str) -> datetime:
    return as_eastern(value if isinstance(value, datetime) else datetime.fromisoformat(str(value)))


def _normalise(
    rows: pd.DataFrame | Iterable[Mapping[str, Any]], report_ts: datetime | str | None
) -> tuple[datetime, list[_Entry]]:
    records = rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)
    stamps: set[datetime] = set()
    for index, row in enumerate(records):
        missing = [name for name in _REQUIRED if name not in row]
        if missing:
            raise ValueError(f"row {index}: missing columns {missing}")
        stamps.add(_stamp(row["report_ts"]))
    if report_ts is not None:
        stamps.add(_stamp(report_ts))
    if len(stamps) != 1:
        raise ValueError(
            "one report has one time: got " + (", ".join(sorted(s.isoformat() for s in stamps)) or "none")
        )
    return stamps.pop(), [_entry(row, index) for index, row in enumerate(records)]


def _first_difference(key: tuple[str, ...], other: tuple[str, ...] | None) -> int:
    """Index of the first carried cell where two rows differ (0 without a neighbour, len if none)."""
    if other is None:
        return 0
    return next((depth for depth, (a, b) in enumerate(zip(key, other, strict=True)) if a != b), len(key))


def _layout(entries: Sequence[_Entry]) -> tuple[list[_Page], list[int]]:
    """Place rows on pages; returns the pages and each row's starting page (1-based)."""
    pages = [_Page()]
    row_pages: list[int] = []
    y = _FIRST_PAGE_BODY_TOP
    for index, entry in enumerate(entries):
        previous = entries[index - 1].key if index else None
        following = entries[index + 1].key if index + 1 < len(entries) else None
        # A carried cell is printed when it or any cell left of it changes, so a group never
        # continues across a change of the enclosing group (same team on two dates, say).
        depth_changed = _first_difference(entry.key, previous)
        depth_ends = _first_difference(entry.key, following)
        texts = {name: entry.key[d] for d, name in enumerate(CARRIED_FIELDS) if d >= depth_changed}
        texts["player_name"] = entry.player_name
        texts["status"] = entry.status
        row_rules = tuple(name for d, name in enumerate(CARRIED_FIELDS) if d >= depth_ends) + (
            "player_name",
            "status",
            "reason",
        )

        remaining = entry.reason_lines or ("",)
        first = True
        while remaining:
            fit = _lines_fitting(_BODY_BOTTOM - y)
            if fit == 0:
                pages.append(_Page())
                y = _BODY_TOP
                fit = _lines_fitting(_BODY_BOTTOM - y)
            # Rows may break across pages: the lines that fit stay, the rest open the next page.
            count = min(fit, len(remaining))
            pages[-1].fragments.append(
                _Fragment(
                    top=y,
                    n_lines=count,
                    texts=texts if first else {},
                    reason_lines=tuple(line for line in remaining[:count] if line),
                    rule_fields=row_rules,
                )
            )
            if first:
                row_pages.append(len(pages))
            first = False
            y += _row_height(count)
            remaining = remaining[count:]
    return pages, row_pages


def _baseline(top: float, size: float) -> float:
    """Canvas y of the baseline for text whose extracted top is `top` (measured from the page top)."""
    return PAGE_HEIGHT - (top + _BASELINE_BELOW_TOP_EM * size)


def _draw_text(canvas: Canvas, x: float, top: float, text: str, style: _Style = _BODY) -> None:
    """Draw `text` starting at `x` so that its extracted top is `top`."""
    obj = canvas.beginText(x, _baseline(top, style.size))
    obj.setFont(style.font, style.size)
    obj.setHorizScale(100 * style.scale)
    obj.textOut(text)
    canvas.drawText(obj)


def _draw_centred(canvas: Canvas, centre: float, top: float, text: str, style: _Style = _BODY) -> None:
    _draw_text(canvas, centre - _text_width(text, style) / 2, top, text, style)


def _draw_page(canvas: Canvas, page: _Page, number: int, total: int, report_ts: datetime) -> None:
    canvas.setFillColorRGB(*_TITLE_BAND_COLOR)
    band_top, band_bottom = _TITLE_BAND
    canvas.rect(0, PAGE_HEIGHT - band_bottom, PAGE_WIDTH, band_bottom - band_top, stroke=0, fill=1)
    canvas.setFillGray(1)
    _draw_centred(canvas, _TITLE_CENTER_X, _TITLE_TOP, report_header(report_ts), _TITLE)

    if number == 1:
        header_top, header_bottom = _HEADER_BAND
        for index, label in enumerate(TABLE_LABELS):
            left, right = COLUMN_EDGES[index], COLUMN_EDGES[index + 1]
            canvas.setFillColorRGB(*_HEADER_COLOR)
            canvas.rect(
                left, PAGE_HEIGHT - header_bottom, right - left, header_bottom - header_top, stroke=0, fill=1
            )
            canvas.setFillGray(0)
            _draw_text(canvas, left + _HEADER_INSET, _HEADER_TEXT_TOP, label, _LABEL)

    canvas.setFillGray(0)
    canvas.setStrokeGray(_RULE_GREY)
    canvas.setLineWidth(0)
    for fragment in page.fragments:
        first_line_top = fragment.top + _TEXT_OFFSET
        anchor_top = first_line_top + (fragment.n_lines - 1) * _LINE_PITCH / 2
        for name, text in fragment.texts.items():
            if text:
                left = COLUMN_EDGES[TABLE_FIELDS.index(name)]
                _draw_text(canvas, left + _CELL_INSET, anchor_top, text)
        reason_left = COLUMN_EDGES[TABLE_FIELDS.index("reason")] + _CELL_INSET
        for line_index, line in enumerate(fragment.reason_lines):
            top = first_line_top + line_index * _LINE_PITCH
            _draw_text(canvas, reason_left, top, line)
        rule_y = PAGE_HEIGHT - (fragment.top + _row_height(fragment.n_lines))
        ruled = TABLE_FIELDS if fragment is page.fragments[-1] else fragment.rule_fields
        for name in ruled:
            index = TABLE_FIELDS.index(name)
            canvas.line(COLUMN_EDGES[index], rule_y, COLUMN_EDGES[index + 1], rule_y)

    canvas.setFillGray(_FOOTER_GREY)
    _draw_centred(canvas, PAGE_WIDTH / 2, _FOOTER_TOP, f"Page {number} of {total}")


def paginate_injury_rows(
    rows: pd.DataFrame | Iterable[Mapping[str, Any]], *, report_ts: datetime | str | None = None
) -> list[int]:
    """The page (1-based) on which each row starts in `render_injury_pdf(rows)`: the parser's `page`."""
    _, entries = _normalise(rows, report_ts)
    return _layout(entries)[1]


def render_injury_pdf(
    rows: pd.DataFrame | Iterable[Mapping[str, Any]], *, report_ts: datetime | str | None = None
) -> bytes:
    """Render rows (the parser's columns; `page` and `game_time_raw` optional) as an injury report PDF.

    Rows print in the given order; game date, time, matchup and team are printed only where they
    change. Every row must carry the same `report_ts` (ISO string or datetime; naive means Eastern),
    which `report_ts=` supplies for a report with no rows. Status is one of STATUSES, or
    NOT YET SUBMITTED with empty player and reason. Game times must be 12:00-23:59 ET, the range the
    printed 12-hour clock can express. Same rows -> same bytes.
    """
    stamp, entries = _normalise(rows, report_ts)
    pages, _ = _layout(entries)
    buffer = io.BytesIO()
    # invariant=1 pins the document id; the date formatter pins the info dates to the report time.
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1, pageCompression=1)
    offset = stamp.utcoffset()
    assert offset is not None
    offset_minutes = int(offset.total_seconds() // 60)
    sign = "+" if offset_minutes >= 0 else "-"
    pdf_date = f"D:{stamp:%Y%m%d%H%M%S}{sign}{abs(offset_minutes) // 60:02d}'{abs(offset_minutes) % 60:02d}'"
    canvas.setDateFormatter(lambda *_: pdf_date)
    canvas.setTitle(report_header(stamp))
    canvas.setAuthor("NBA")
    canvas.setCreator("projections simulated league")
    canvas.setProducer("projections simulated league (reportlab)")
    canvas.setSubject("")
    for number, page in enumerate(pages, start=1):
        _draw_page(canvas, page, number, len(pages), stamp)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
