"""Official NBA injury report PDF -> one row per listed player (or NOT YET SUBMITTED team).

The report is a table printed by a word processor: plain text extraction squashes the spaces of
newer reports (`MiamiHeat`) because they contain no space glyphs, only gaps. So the parser works on
word positions: words are split at gaps, grouped into printed lines by their top, and assigned to
columns whose left edges come from the column header (printed on page 1 only in newer reports,
on every page in the older layout).

Printed layout facts the row assembly relies on:

* Cells of a row are vertically centred, so a reason that wraps onto a second line puts its first
  line *above* the player's line. The lines of one cell are about 1.4 font sizes apart while
  consecutive rows are at least 2.2 font sizes apart, which separates a wrapped reason from the
  next row's reason.
* Game date, time, matchup and team are printed only when they change: blank cells carry down from
  the row above, also across pages.
* A row can be split by a page break; its remaining reason lines then open the next page above
  (and apart from) the first row printed there.
* A team that has not filed shows `NOT YET SUBMITTED` in the reason column with no player/status.
* Times are 12-hour without AM/PM: 12:xx is noon, 01:00-11:59 are PM (no game tips before noon).

The words come from `pdf_words` (pdfium, after the file's integrity checks); here every page must
show its header and its `Page N of M` footer. The report's file names, printed times and table
labels are facts shared with the simulated league's renderer (`projections_assets.nba.injury_report`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pandas as pd

from projections_assets.nba.calendar import EASTERN
from projections_assets.nba.injury_report import (
    CARRIED_FIELDS,
    NOT_YET_SUBMITTED,
    STATUSES,
    TABLE_FIELDS,
    TABLE_LABELS,
    game_time_et_from_raw,
    hour24,
)
from projections_assets.parsers.errors import InjuryReportParseError
from projections_assets.parsers.pdf_words import SAME_LINE_PT, Word, pdfium_words

#: Columns of the parsed table, in order (the expected CSVs' header).
COLUMNS: tuple[str, ...] = (
    "report_ts",
    "game_date",
    "game_time_et",
    "game_time_raw",
    "matchup",
    "team",
    "player_name",
    "status",
    "reason",
    "page",
)

# Lines of one wrapped cell are ~1.4 font sizes apart; separate rows are >= ~2.2 sizes apart.
_WRAP_PITCH_MAX_EM = 1.8
# Data text starts 1 pt right (newer layout) or 1 pt left (older layout) of its header label.
_COLUMN_SLACK_PT = 3.0
# A row's anchor line sits at the vertical centre of its reason lines.
_ANCHOR_SPAN_SLACK_PT = 1.0

_TITLE_RE = re.compile(r"InjuryReport:(\d{2})/(\d{2})/(\d{2})(\d{2}):(\d{2})(AM|PM)")
_FOOTER_RE = re.compile(r"Page(\d+)of(\d+)")
_GAME_DATE_RE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_MATCHUP_RE = re.compile(r"[A-Z]{2,3}@[A-Z]{2,3}")


def squash(text: str) -> str:
    """Text without whitespace, to compare printed labels however their spaces were extracted."""
    return "".join(text.split())


# --- lines and columns ------------------------------------------------------------------------------


@dataclass
class _Line:
    """Words printed on one line of a page, left to right."""

    top: float
    bottom: float
    words: list[Word]

    @property
    def squashed(self) -> str:
        return "".join(w.text for w in self.words)

    @property
    def size(self) -> float:
        return max(w.size for w in self.words)


@dataclass(frozen=True)
class _Columns:
    """Left edges of the printed table columns (TABLE_FIELDS order)."""

    starts: tuple[float, ...]

    def cells(self, words: Sequence[Word]) -> dict[str, str]:
        parts: dict[str, list[str]] = {name: [] for name in TABLE_FIELDS}
        for word in words:
            index = 0
            for i, start in enumerate(self.starts):
                if word.x0 >= start:
                    index = i
            parts[TABLE_FIELDS[index]].append(word.text)
        return {name: " ".join(texts) for name, texts in parts.items()}


@dataclass
class _Row:
    page: int
    top: float
    cells: dict[str, str]
    reason_parts: list[str] = field(default_factory=list)


def _lines(words: Sequence[Word]) -> list[_Line]:
    """A page's words grouped into printed lines, top to bottom, each left to right."""
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines and word.top - lines[-1].top <= SAME_LINE_PT:
            lines[-1].words.append(word)
            lines[-1].bottom = max(lines[-1].bottom, word.bottom)
        else:
            lines.append(_Line(word.top, word.bottom, [word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


# --- page structure ---------------------------------------------------------------------------------


def _title(lines: Sequence[_Line], source: str, page_no: int) -> tuple[datetime, _Line]:
    for line in lines:
        match = _TITLE_RE.search(line.squashed)
        if match is None:
            continue
        month, day, year, hour12, minute, meridiem = match.groups()
        try:
            ts = datetime(
                2000 + int(year),
                int(month),
                int(day),
                hour24(int(hour12), meridiem),
                int(minute),
                tzinfo=EASTERN,
            )
        except ValueError as exc:
            raise InjuryReportParseError(
                source, f"bad report time in {line.squashed!r}: {exc}", page=page_no, column="header"
            ) from exc
        return ts, line
    raise InjuryReportParseError(
        source, "no 'Injury Report: MM/DD/YY HH:MM AM/PM' header on the page", page=page_no, column="header"
    )


def _column_header(lines: Sequence[_Line], source: str, page_no: int) -> tuple[_Columns, _Line] | None:
    wanted = squash("".join(TABLE_LABELS)).lower()
    for line in lines:
        if line.squashed.lower() != wanted:
            continue
        # Labels may come out as one word each ("GameDate") or one per printed word ("Game", "Date").
        starts: list[float] = []
        words = line.words
        i = 0
        for label in TABLE_LABELS:
            target = squash(label).lower()
            x0 = words[i].x0
            text = ""
            while i < len(words) and len(text) < len(target):
                text += words[i].text.lower()
                i += 1
            if text != target:
                raise InjuryReportParseError(
                    source, f"column header {label!r} not found", page=page_no, column="column header"
                )
            starts.append(x0 - _COLUMN_SLACK_PT)
        return _Columns(tuple(starts)), line
    return None


def _check_footer(line: _Line, source: str, page_no: int, n_pages: int) -> bool:
    """True if `line` is the `Page N of M` footer; a footer that disagrees with the file is an error."""
    match = _FOOTER_RE.fullmatch(line.squashed)
    if match is None:
        return False
    printed, total = int(match[1]), int(match[2])
    if (printed, total) != (page_no, n_pages):
        raise InjuryReportParseError(
            source,
            f"footer says 'Page {printed} of {total}' but the file has this as page {page_no} of {n_pages}"
            " (truncated or damaged file?)",
            page=page_no,
            column="footer",
        )
    return True


def _assemble_page(
    body: Sequence[_Line], columns: _Columns, page_no: int, rows: list[_Row], source: str
) -> None:
    """Turn a page's table lines into rows appended to `rows` (which holds the earlier pages' rows)."""
    anchors: list[_Row] = []
    reason_lines: list[tuple[float, float, str]] = []  # (top, font size, text)
    for line in body:
        cells = columns.cells(line.words)
        not_submitted = squash(cells["reason"]) == squash(NOT_YET_SUBMITTED)
        if cells["player_name"] or cells["status"] or not_submitted:
            anchors.append(_Row(page_no, line.top, cells))
            if cells["reason"] and not not_submitted:
                reason_lines.append((line.top, line.size, cells["reason"]))
            continue
        stray = [name for name in TABLE_FIELDS if name != "reason" and cells[name]]
        if stray:
            raise InjuryReportParseError(
                source,
                f"{cells[stray[0]]!r} is printed on a line without a player, status or NOT YET SUBMITTED",
                page=page_no,
                column=stray[0],
            )
        reason_lines.append((line.top, line.size, cells["reason"]))

    # Group wrapped reason lines into cells by their pitch.
    blocks: list[list[tuple[float, float, str]]] = []
    for entry in reason_lines:
        if blocks and entry[0] - blocks[-1][-1][0] <= _WRAP_PITCH_MAX_EM * entry[1]:
            blocks[-1].append(entry)
        else:
            blocks.append([entry])

    first_anchor_top = anchors[0].top if anchors else math.inf
    for block in blocks:
        first, last = block[0][0], block[-1][0]
        texts = [text for _, _, text in block]
        owners = [
            a for a in anchors if first - _ANCHOR_SPAN_SLACK_PT <= a.top <= last + _ANCHOR_SPAN_SLACK_PT
        ]
        if len(owners) == 1:
            owners[0].reason_parts.extend(texts)
        elif owners:
            raise InjuryReportParseError(
                source, f"reason lines {texts!r} span several rows", page=page_no, column="reason"
            )
        elif last < first_anchor_top and rows:
            # The rest of a row split by the page break.
            rows[-1].reason_parts.extend(texts)
        else:
            raise InjuryReportParseError(
                source, f"reason text {' '.join(texts)!r} belongs to no row", page=page_no, column="reason"
            )
    rows.extend(anchors)


def _row_record(row: _Row, carried: dict[str, str], report_ts: datetime, source: str) -> dict[str, Any]:
    def fail(name: str, problem: str) -> InjuryReportParseError:
        return InjuryReportParseError(source, problem, page=row.page, column=name)

    for name in CARRIED_FIELDS:
        if row.cells[name]:
            carried[name] = row.cells[name]
        elif not carried[name]:
            raise fail(name, "blank, with no row above to carry it down from")

    date_match = _GAME_DATE_RE.fullmatch(carried["game_date"])
    if date_match is None:
        raise fail("game_date", f"{carried['game_date']!r} is not MM/DD/YYYY")
    try:
        game_date = date(int(date_match[3]), int(date_match[1]), int(date_match[2]))
    except ValueError as exc:
        raise fail("game_date", f"{carried['game_date']!r}: {exc}") from exc
    try:
        game_time_et = game_time_et_from_raw(carried["game_time"])
    except ValueError as exc:
        raise fail("game_time", str(exc)) from exc
    if _MATCHUP_RE.fullmatch(carried["matchup"]) is None:
        raise fail("matchup", f"{carried['matchup']!r} is not AWAY@HOME tricodes")

    player, status = row.cells["player_name"], row.cells["status"]
    reason = " ".join(row.reason_parts)
    if squash(row.cells["reason"]) == squash(NOT_YET_SUBMITTED) and not player and not status:
        status = NOT_YET_SUBMITTED
    elif status not in STATUSES:
        raise fail("status", f"{status!r} is not one of {', '.join(STATUSES)}")
    elif not player:
        raise fail("player_name", f"blank for a row with status {status!r}")
    return {
        "report_ts": report_ts.isoformat(),
        "game_date": game_date.isoformat(),
        "game_time_et": game_time_et,
        "game_time_raw": carried["game_time"],
        "matchup": carried["matchup"],
        "team": carried["team"],
        "player_name": player,
        "status": status,
        "reason": reason,
        "page": row.page,
    }


def _parse(
    data: bytes, source: str, words: Callable[[bytes, str], list[list[Word]]] = pdfium_words
) -> list[dict[str, Any]]:
    """Rows of the report `data`, from the words of each page as `words` reads them."""
    pages = words(data, source)
    n_pages = len(pages)
    report_ts: datetime | None = None
    columns: _Columns | None = None
    rows: list[_Row] = []
    for page_no, page_words in enumerate(pages, start=1):
        lines = _lines(page_words)
        page_ts, title_line = _title(lines, source, page_no)
        if report_ts is None:
            report_ts = page_ts
        elif page_ts != report_ts:
            raise InjuryReportParseError(
                source,
                f"header time {page_ts.isoformat()} differs from page 1's {report_ts.isoformat()}",
                page=page_no,
                column="header",
            )
        body_top = title_line.bottom
        found = _column_header(lines, source, page_no)
        if found is not None:
            columns, header_line = found
            body_top = max(body_top, header_line.bottom)
        elif columns is None:
            raise InjuryReportParseError(
                source,
                "no column header (" + ", ".join(TABLE_LABELS) + ") above the first row",
                page=page_no,
                column="column header",
            )
        body: list[_Line] = []
        footer_seen = False
        for line in lines:
            if line.top < body_top:
                continue
            if _check_footer(line, source, page_no, n_pages):
                footer_seen = True
            else:
                body.append(line)
        if not footer_seen:
            # Every page prints its `Page N of M`; a page without it has lost text.
            raise InjuryReportParseError(
                source,
                "no 'Page N of M' footer on the page (damaged or incomplete page?)",
                page=page_no,
                column="footer",
            )
        _assemble_page(body, columns, page_no, rows, source)
    assert report_ts is not None  # the backends return at least one page, and _title raises without one
    carried = dict.fromkeys(CARRIED_FIELDS, "")
    return [_row_record(row, carried, report_ts, source) for row in rows]


def parse_injury_pdf_records(data: bytes, source: str = "<bytes>") -> list[dict[str, Any]]:
    """Rows of an injury report PDF as dicts keyed by COLUMNS (see `parse_injury_pdf`)."""
    return _parse(data, source)


def records_to_frame(records: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """The parsed-rows frame: COLUMNS in order, text columns as str, `page` as int64."""
    frame = pd.DataFrame({name: [r[name] for r in records] for name in COLUMNS}, columns=list(COLUMNS))
    text_columns = [name for name in COLUMNS if name != "page"]
    frame[text_columns] = frame[text_columns].astype(str)
    frame["page"] = frame["page"].astype("int64")
    return frame


def parse_injury_pdf(data: bytes, source: str = "<bytes>") -> pd.DataFrame:
    """Parse an official NBA injury report PDF into rows with COLUMNS.

    `source` names the file in error messages. Text columns are strings (empty, never missing:
    `player_name` and `reason` are empty on NOT YET SUBMITTED rows); `page` is the 1-based page where
    the row starts. Raises InjuryReportParseError for anything that is not a readable report.
    """
    return records_to_frame(parse_injury_pdf_records(data, source))
