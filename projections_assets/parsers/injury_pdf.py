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

Words come from pdfium (pypdfium2), split and placed as pdfplumber's `extract_words` places them
(pdfplumber was the backend before; it is ~10x slower and stays as `_pdfplumber_words`, the
reference the pdfium words are tested against). pdfium reads a damaged file leniently and without
a word, so the file is checked first: every compressed stream must inflate to its end (checksum
included), the cross-reference table must match the file, and every page must load and show its
header and its `Page N of M` footer.

The file-name <-> report-time mapping lives here too, for both naming eras, and is shared with the
simulated league's renderer.
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
import math
import re
import threading
import zlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from projections_assets.parsers.errors import DOCUMENT, ParseError

EASTERN = ZoneInfo("America/New_York")

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

#: Statuses a filed player can have.
STATUSES: tuple[str, ...] = ("Out", "Questionable", "Doubtful", "Probable", "Available")
NOT_YET_SUBMITTED = "NOT YET SUBMITTED"

#: Printed table columns, left to right, and their header labels.
TABLE_FIELDS: tuple[str, ...] = (
    "game_date",
    "game_time",
    "matchup",
    "team",
    "player_name",
    "status",
    "reason",
)
TABLE_LABELS: tuple[str, ...] = (
    "Game Date",
    "Game Time",
    "Matchup",
    "Team",
    "Player Name",
    "Current Status",
    "Reason",
)
#: Cells printed only when they change (carried down otherwise), outermost first.
CARRIED_FIELDS: tuple[str, ...] = ("game_date", "game_time", "matchup", "team")

#: First report date named by the quarter hour (`_06_30PM`); earlier reports are named by the hour.
QUARTER_HOUR_NAMING_FROM = date(2025, 12, 22)

# Glyphs inside a word touch (gap ~0) while a missing space leaves a gap of ~0.22 em (1.8 pt at
# 8 pt, 2.3 pt at 10 pt), so any gap above 1 pt separates words.
_WORD_GAP_PT = 1.0
# Words of one printed line share their top to within rounding.
_SAME_LINE_PT = 2.0
# Lines of one wrapped cell are ~1.4 font sizes apart; separate rows are >= ~2.2 sizes apart.
_WRAP_PITCH_MAX_EM = 1.8
# Data text starts 1 pt right (newer layout) or 1 pt left (older layout) of its header label.
_COLUMN_SLACK_PT = 3.0
# A row's anchor line sits at the vertical centre of its reason lines.
_ANCHOR_SPAN_SLACK_PT = 1.0

_TITLE_RE = re.compile(r"InjuryReport:(\d{2})/(\d{2})/(\d{2})(\d{2}):(\d{2})(AM|PM)")
_FOOTER_RE = re.compile(r"Page(\d+)of(\d+)")
_GAME_DATE_RE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_GAME_TIME_RE = re.compile(r"(\d{2}):(\d{2}) ?\(ET\)")
_GAME_TIME_ET_RE = re.compile(r"(\d{2}):(\d{2})")
_MATCHUP_RE = re.compile(r"[A-Z]{2,3}@[A-Z]{2,3}")
_FILENAME_RE = re.compile(r"Injury-Report_(\d{4})-(\d{2})-(\d{2})_(\d{2})(?:_(\d{2}))?(AM|PM)\.pdf")


class InjuryReportParseError(ParseError):
    """An injury report PDF that cannot be read; the message names the file and the page/field.

    `field` (the location, as for every ParseError) reads `page 2, field game_time`, or
    `<document>` when the file as a whole is unreadable; `page` and `column` hold its parts.
    """

    def __init__(self, source: str, problem: str, *, page: int | None = None, column: str | None = None):
        self.page = page
        self.column = column
        where = []
        if page is not None:
            where.append(f"page {page}")
        if column is not None:
            where.append(f"field {column}")
        super().__init__(source, ", ".join(where) or DOCUMENT, problem)


# --- times and names shared with the renderer ------------------------------------------------------


def as_eastern(ts: datetime) -> datetime:
    """`ts` in US Eastern time; a naive datetime is taken as Eastern wall time already."""
    if ts.tzinfo is None:
        return ts.replace(tzinfo=EASTERN)
    return ts.astimezone(EASTERN)


def _hour12(hour: int) -> tuple[int, str]:
    return (hour % 12 or 12), ("AM" if hour < 12 else "PM")


def _hour24(hour12: int, meridiem: str) -> int:
    if not 1 <= hour12 <= 12:
        raise ValueError(f"hour {hour12:02d} is not a 12-hour clock hour")
    return hour12 % 12 + (12 if meridiem == "PM" else 0)


def report_header(report_ts: datetime) -> str:
    """The page title of the report stamped `report_ts`: `Injury Report: 01/10/25 05:30 PM`."""
    ts = as_eastern(report_ts)
    hour, meridiem = _hour12(ts.hour)
    return f"Injury Report: {ts:%m/%d/%y} {hour:02d}:{ts.minute:02d} {meridiem}"


def report_filename(report_ts: datetime) -> str:
    """File name under which the league publishes the report stamped `report_ts`.

    From 2025-12-22 reports come every quarter hour and are named by it
    (`Injury-Report_2026-02-08_06_30PM.pdf`); before, they came hourly, stamped at :30 but named by
    the hour (`Injury-Report_2025-01-10_05PM.pdf` is the 5:30 PM report).
    """
    ts = as_eastern(report_ts)
    hour, meridiem = _hour12(ts.hour)
    if ts.second or ts.microsecond:
        raise ValueError(f"report time {ts.isoformat()} is not on a whole minute")
    if ts.date() >= QUARTER_HOUR_NAMING_FROM:
        if ts.minute % 15:
            raise ValueError(f"report time {ts.isoformat()} is not on a quarter hour")
        return f"Injury-Report_{ts:%Y-%m-%d}_{hour:02d}_{ts.minute:02d}{meridiem}.pdf"
    if ts.minute != 30:
        raise ValueError(f"hourly-era report time {ts.isoformat()} is not stamped at :30")
    return f"Injury-Report_{ts:%Y-%m-%d}_{hour:02d}{meridiem}.pdf"


def report_time_from_filename(name: str) -> datetime:
    """Report time (Eastern, aware) of an injury report file name, URL or path, in either era.

    The era is not enforced: around the naming switch a fetcher tries both forms.
    """
    base = PurePosixPath(name.split("?", 1)[0]).name
    match = _FILENAME_RE.fullmatch(base)
    if match is None:
        raise ValueError(
            f"{name!r} is not an injury report file name "
            "(Injury-Report_YYYY-MM-DD_hhAM.pdf or Injury-Report_YYYY-MM-DD_hh_mmAM.pdf)"
        )
    year, month, day, hour12, minute, meridiem = match.groups()
    # Hourly-era names give the hour only; those reports are stamped at :30.
    minutes = 30 if minute is None else int(minute)
    if minutes % 15:
        raise ValueError(f"{name!r}: minute {minutes:02d} is not a quarter hour")
    hour = _hour24(int(hour12), meridiem)
    return datetime(int(year), int(month), int(day), hour, minutes, tzinfo=EASTERN)


def game_time_et_from_raw(raw: str) -> str:
    """`07:00 (ET)` -> `19:00`: printed hours 12 are noon, 01-11 are PM."""
    match = _GAME_TIME_RE.fullmatch(raw.strip())
    if match is None:
        raise ValueError(f"game time {raw!r} is not like '07:00 (ET)'")
    hour, minute = int(match[1]), int(match[2])
    if not 1 <= hour <= 12 or minute > 59:
        raise ValueError(f"game time {raw!r} is not a 12-hour clock time")
    return f"{hour % 12 + 12:02d}:{minute:02d}"


def game_time_raw_from_et(game_time_et: str) -> str:
    """`19:00` -> `07:00 (ET)`, the printed form; only 12:00-23:59 can be printed unambiguously."""
    match = _GAME_TIME_ET_RE.fullmatch(game_time_et.strip())
    if match is None:
        raise ValueError(f"game time {game_time_et!r} is not HH:MM")
    hour, minute = int(match[1]), int(match[2])
    if not 12 <= hour <= 23 or minute > 59:
        raise ValueError(f"game time {game_time_et!r} is outside 12:00-23:59, which the report cannot print")
    return f"{hour - 12 if hour > 12 else 12:02d}:{minute:02d} (ET)"


def squash(text: str) -> str:
    """Text without whitespace, to compare printed labels however their spaces were extracted."""
    return "".join(text.split())


# --- word geometry ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Word:
    text: str
    x0: float
    top: float
    bottom: float
    size: float


@dataclass
class _Line:
    """Words printed on one line of a page, left to right."""

    top: float
    bottom: float
    words: list[_Word]

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

    def cells(self, words: Sequence[_Word]) -> dict[str, str]:
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


def _lines(words: Sequence[_Word]) -> list[_Line]:
    """A page's words grouped into printed lines, top to bottom, each left to right."""
    lines: list[_Line] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if lines and word.top - lines[-1].top <= _SAME_LINE_PT:
            lines[-1].words.append(word)
            lines[-1].bottom = max(lines[-1].bottom, word.bottom)
        else:
            lines.append(_Line(word.top, word.bottom, [word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


def _checked_bytes(data: bytes, source: str) -> bytes:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"{source}: expected PDF bytes, got {type(data).__name__}")
    data = bytes(data)
    if data.lstrip()[:5] != b"%PDF-":
        raise InjuryReportParseError(source, "not a PDF (no %PDF- signature at the start)")
    return data


# --- stream integrity -------------------------------------------------------------------------------
#
# pdfium inflates a damaged compressed stream as far as it can and carries on without telling: a
# garbled content stream silently loses the rest of its page's rows. So before pdfium sees the file,
# every FlateDecode stream in it is inflated here and must end properly (checksum included).

_OBJ_NUMBER_RE = re.compile(rb"(\d+)\s+\d+\s+$")
_FILTER_RE = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")
_LENGTH_RE = re.compile(rb"/Length\s+(\d+)\b(?!\s+\d+\s+R)")


def _stream_owner(data: bytes, keyword: int) -> tuple[int, int] | None:
    """(object number, end of its `obj` header) of the dictionary ending at a `stream` keyword."""
    end = keyword
    while (header := data.rfind(b"obj", 0, end)) >= 0:
        if data[header - 3 : header] == b"end":
            return None  # the previous object's end: this one's header is gone
        number = _OBJ_NUMBER_RE.search(data, max(0, header - 24), header)
        if number is not None:
            return int(number[1]), header + 3
        end = header
    return None


def _broken_streams(data: bytes) -> list[tuple[int | None, str]]:
    """(object number, what is wrong) of every FlateDecode stream that does not inflate completely.

    Walks the file's `stream` keywords (skipping each stream's data); a stream's dictionary is the
    text since its `N G obj` header.
    """
    if b"/Encrypt" in data:
        return []  # stream bytes are encrypted: only pdfium can read them
    broken: list[tuple[int | None, str]] = []
    pos = 0
    while (keyword := data.find(b"stream", pos)) >= 0:
        pos = keyword + 6
        if data[keyword - 3 : keyword] == b"end":
            continue
        if data[pos : pos + 2] == b"\r\n":
            start = pos + 2
        elif data[pos : pos + 1] in (b"\n", b"\r"):
            start = pos + 1
        else:
            continue  # the word in some text, not the keyword
        owner = _stream_owner(data, keyword)
        if owner is None:
            if b"/FlateDecode" in data[max(0, keyword - 300) : keyword]:
                broken.append((None, "has lost its object header"))
            continue
        objnum, dictionary = owner[0], data[owner[1] : keyword]
        declared = _FILTER_RE.search(dictionary)
        filters = re.findall(rb"/([A-Za-z0-9]+)", declared[1]) if declared else []
        if b"FlateDecode" not in filters:
            continue
        length = _LENGTH_RE.search(dictionary)
        end = start + int(length[1]) if length else -1
        if length is None or not data[end : end + 20].lstrip().startswith(b"endstream"):
            end = data.find(b"endstream", start)  # no usable /Length: the data ends at endstream
        if end < 0:
            broken.append((objnum, "is cut off (no endstream)"))
            break
        pos = end
        problem = _inflate_problem(data[start:end], filters)
        if problem is not None:
            broken.append((objnum, problem))
    return broken


def _inflate_problem(body: bytes, filters: list[bytes]) -> str | None:
    """What is wrong with a stream's data if it does not decode to the end of its FlateDecode step.

    ASCII85/ASCIIHex steps before the FlateDecode (reportlab writes `[/ASCII85Decode /FlateDecode]`)
    are undone first; a stream with any other filter before it is not checked.
    """
    if not body.strip():
        return None  # an empty stream: nothing to lose
    for name in filters:
        try:
            if name == b"ASCII85Decode":
                text = re.sub(rb"\s+", b"", body)
                body = base64.a85decode(text if text.endswith(b"~>") else text + b"~>", adobe=True)
            elif name == b"ASCIIHexDecode":
                text = re.sub(rb"\s+", b"", body).rstrip(b">")
                body = binascii.unhexlify(text + b"0" * (len(text) % 2))
            elif name == b"FlateDecode":
                inflater = zlib.decompressobj()
                inflater.decompress(body)
                return None if inflater.eof else "ends before its compressed data does"
            else:
                return None
        except (ValueError, binascii.Error, zlib.error) as exc:
            return f"does not decode ({exc!r})"
    return None


def _content_pages(data: bytes) -> dict[int, int]:
    """Object number of each page content stream -> its page number (1-based); {} if unknown.

    Only used to name the page of a broken stream, so it leans on pdfminer's lenient parser.
    """
    try:
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfpage import PDFPage
        from pdfminer.pdfparser import PDFParser
        from pdfminer.pdftypes import PDFObjRef, resolve1

        pages: dict[int, int] = {}
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        for page_no, page in enumerate(PDFPage.create_pages(document), start=1):
            contents = page.attrs.get("Contents")
            if isinstance(contents, PDFObjRef):
                pages.setdefault(contents.objid, page_no)
                contents = resolve1(contents)
            for ref in contents if isinstance(contents, list) else []:
                if isinstance(ref, PDFObjRef):
                    pages.setdefault(ref.objid, page_no)
        return pages
    except Exception:  # a damaged file: the error is then reported for the document
        return {}


def _check_streams(data: bytes, source: str) -> None:
    broken = _broken_streams(data)
    if not broken:
        return
    pages = _content_pages(data)
    for objnum, problem in broken:
        if objnum in pages:
            raise InjuryReportParseError(
                source,
                f"the page's content stream (object {objnum}) {problem}: rows would be lost",
                page=pages[objnum],
            )
    objnum, problem = broken[0]
    where = "" if objnum is None else f" (object {objnum})"
    raise InjuryReportParseError(source, f"damaged file: a compressed stream{where} {problem}")


# --- words with pdfium ------------------------------------------------------------------------------

# pdfium is not thread-safe, not even across documents: the parser reads one PDF at a time per
# process (parallel backfills use processes).
_PDFIUM_LOCK = threading.Lock()
_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


def _pdfium_words(data: bytes, source: str) -> list[list[_Word]]:
    """The words of each page, read with pdfium (the parser's backend)."""
    data = _checked_bytes(data, source)
    _check_streams(data, source)
    import pypdfium2  # deferred: loads the pdfium library
    import pypdfium2.raw

    with _PDFIUM_LOCK:
        try:
            document = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError as exc:
            raise InjuryReportParseError(source, f"corrupt or truncated PDF ({exc})") from exc
        try:
            if not pypdfium2.raw.FPDF_DocumentHasValidCrossReferenceTable(document.raw):
                # pdfium rebuilt it by scanning the file: bytes were lost, added or cut off.
                raise InjuryReportParseError(
                    source, "damaged file: its cross-reference table does not match the file (truncated?)"
                )
            n_pages = len(document)
            if n_pages == 0:
                raise InjuryReportParseError(source, "the PDF has no pages")
            pages = []
            for index in range(n_pages):
                try:
                    page = document[index]
                except pypdfium2.PdfiumError as exc:
                    raise InjuryReportParseError(
                        source, f"cannot load the page ({exc})", page=index + 1
                    ) from exc
                try:
                    pages.append(_pdfium_page_words(page))
                except pypdfium2.PdfiumError as exc:
                    raise InjuryReportParseError(
                        source, f"cannot read the page's text ({exc})", page=index + 1
                    ) from exc
                finally:
                    page.close()
            return pages
        finally:
            document.close()


def _pdfium_page_words(page: Any) -> list[_Word]:
    """Words of one page, split and placed as pdfplumber's `extract_words` (see `_assemble_words`).

    pdfium gives each character's box in unrotated page space, y up; pdfplumber works in the page
    as displayed (rotation applied), y down, and that is what the layout constants are measured in.
    A character's "loose" box spans the font's descent to ascent and the glyph's advance: its
    bottom is pdfminer's, its top is not (pdfminer puts the top one font size above the bottom).
    """
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    rotation = page.get_rotation()
    left, bottom, right, top = page.get_bbox()
    textpage = page.get_textpage()
    try:
        handle = textpage.raw
        count = textpage.count_chars()
        get_unicode, is_generated = pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_IsGenerated
        get_box, box = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FS_RECTF()
        chars: list[_Char] = []
        for index in range(count):
            code = get_unicode(handle, index)
            text: str | None = chr(code)
            if (code <= 32 or code >= 127) and text.isspace():  # type: ignore[union-attr]
                if is_generated(handle, index) == 1:
                    continue  # pdfium's guessed spaces and line breaks: words split at gaps here
                text = None  # a printed space: a word break where it sits
            elif 0xFB00 <= code <= 0xFB06:
                text = _LIGATURES.get(text, text)  # type: ignore[arg-type]
            if not get_box(handle, index, box):
                raise pypdfium2.PdfiumError(f"no box for character {index}")
            if rotation == 0:
                chars.append((box.left - left, index, top - box.bottom, box.right - left, text))
            elif rotation == 90:
                chars.append((box.bottom - bottom, index, box.right - left, box.top - bottom, text))
            elif rotation == 180:
                chars.append((right - box.right, index, box.top - bottom, right - box.left, text))
            else:
                chars.append((top - box.top, index, right - box.left, top - box.bottom, text))
        get_size = pdfium_c.FPDFText_GetFontSize
        return _assemble_words(chars, lambda index: abs(get_size(handle, index)))
    finally:
        textpage.close()


#: A character as `_assemble_words` takes it: (x0, index in the page, bottom, x1, text or None for a
#: printed space), coordinates in points from the displayed page's top left.
_Char = tuple[float, int, float, float, str | None]


def _assemble_words(chars: list[_Char], font_size: Callable[[int], float]) -> list[_Word]:
    """Characters -> words, as pdfplumber's `extract_words` makes them from the same characters.

    With x_tolerance=_WORD_GAP_PT and y_tolerance=_SAME_LINE_PT, pdfplumber clusters characters
    into lines by their top, sorts each line left to right, and ends a word at a space, at a gap over
    `_WORD_GAP_PT`, or where the next character's top is more than `_SAME_LINE_PT` away. Bottoms
    stand in for tops here (pdfium gives no pdfminer top; within a line the font size is the same,
    so they cluster alike). A word's size is its first character's (`font_size(index)`), its bottom
    the highest character bottom (a loose box reaches lower where a glyph overshoots the font's
    descent, e.g. a parenthesis), and its top one size above that, as pdfminer places it.
    """
    chars.sort(key=itemgetter(2))
    lines: list[list[_Char]] = []
    previous = -math.inf
    for char in chars:
        if char[2] - previous > _SAME_LINE_PT:
            lines.append([])
        lines[-1].append(char)
        previous = char[2]
    words: list[_Word] = []

    def emit(run: list[_Char]) -> None:
        size = font_size(run[0][1])
        low = min(c[2] for c in run)
        words.append(_Word("".join(c[4] for c in run), run[0][0], low - size, low, size))  # type: ignore[misc]

    for line in lines:
        line.sort()  # by x0, then page order (indexes are unique)
        run: list[_Char] = []
        for char in line:
            if char[4] is None:
                if run:
                    emit(run)
                    run = []
                continue
            if run:
                last = run[-1]
                if char[0] > last[3] + _WORD_GAP_PT or abs(char[2] - last[2]) > _SAME_LINE_PT:
                    emit(run)
                    run = []
            run.append(char)
        if run:
            emit(run)
    return words


# --- words with pdfplumber (the former backend) -----------------------------------------------------


class _DataLossWatch(logging.Handler):
    """Notes pdfminer's warning that a compressed stream is corrupt (raised in this thread).

    pdfminer only logs it and goes on with the part it could inflate, which would silently drop the
    rest of the page's rows.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self._thread = threading.get_ident()
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self._thread and "Data-loss" in record.getMessage():
            self.seen = True


@contextmanager
def _watch_data_loss() -> Iterator[_DataLossWatch]:
    watch = _DataLossWatch()
    logger = logging.getLogger("pdfminer.pdftypes")
    logger.addHandler(watch)
    try:
        yield watch
    finally:
        logger.removeHandler(watch)


def _pdfplumber_words(data: bytes, source: str) -> list[list[_Word]]:
    """The words of each page, read with pdfplumber: the parser's former backend, ~10x slower.

    Kept as the reference the pdfium backend is checked against (tests, `projections bench
    injury_pdf`): `_parse(data, source, _pdfplumber_words)` parses with it.
    """
    import pdfplumber  # deferred: importing pdfminer is slow and only needed here

    data = _checked_bytes(data, source)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        n_pages = len(pdf.pages)
    except Exception as exc:  # pdfminer's syntax errors have no common base class worth naming
        raise InjuryReportParseError(source, f"corrupt or truncated PDF ({exc!r})") from exc
    with pdf:
        if n_pages == 0:
            raise InjuryReportParseError(source, "the PDF has no pages")
        pages = []
        for page_no, page in enumerate(pdf.pages, start=1):
            try:
                with _watch_data_loss() as watch:
                    raw_words = page.extract_words(
                        x_tolerance=_WORD_GAP_PT,
                        y_tolerance=_SAME_LINE_PT,
                        keep_blank_chars=False,
                        use_text_flow=False,
                        extra_attrs=["size"],
                    )
            except Exception as exc:  # pdfminer raises many unrelated types on damaged content streams
                raise InjuryReportParseError(
                    source, f"cannot read the page's text ({exc!r})", page=page_no
                ) from exc
            finally:
                page.close()  # drop the page's parsed objects: reports can run to many pages
            if watch.seen:
                raise InjuryReportParseError(
                    source, "a compressed content stream is corrupt (rows would be lost)", page=page_no
                )
            pages.append(
                [
                    _Word(w["text"], float(w["x0"]), float(w["top"]), float(w["bottom"]), float(w["size"]))
                    for w in raw_words
                ]
            )
        return pages


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
                _hour24(int(hour12), meridiem),
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
    data: bytes, source: str, words: Callable[[bytes, str], list[list[_Word]]] = _pdfium_words
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
