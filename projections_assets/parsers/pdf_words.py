"""The words of a PDF's pages, placed as printed: pdfium (the backend) and pdfplumber (its reference).

Words come from pdfium (pypdfium2), split and placed as pdfplumber's `extract_words` places them
(pdfplumber was the backend before; it is ~10x slower and stays as `pdfplumber_words`, the
reference the pdfium words are tested against). pdfium reads a damaged file leniently and without
a word, so the file is checked first (`pdf_integrity`): every compressed stream must inflate to its
end (checksum included) and the cross-reference table must match the file.
"""

from __future__ import annotations

import io
import logging
import math
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from projections_assets.parsers.errors import InjuryReportParseError
from projections_assets.parsers.pdf_integrity import check_streams, checked_bytes

# Glyphs inside a word touch (gap ~0) while a missing space leaves a gap of ~0.22 em (1.8 pt at
# 8 pt, 2.3 pt at 10 pt), so any gap above 1 pt separates words.
WORD_GAP_PT = 1.0
# Words of one printed line share their top to within rounding.
SAME_LINE_PT = 2.0


@dataclass(frozen=True)
class Word:
    """A printed word: its text, left edge, top, bottom and font size, in points from the page's top left."""

    text: str
    x0: float
    top: float
    bottom: float
    size: float


# pdfium is not thread-safe, not even across documents: the parser reads one PDF at a time per
# process (parallel backfills use processes).
_PDFIUM_LOCK = threading.Lock()
_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


def pdfium_words(data: bytes, source: str) -> list[list[Word]]:
    """The words of each page, read with pdfium (the parser's backend)."""
    data = checked_bytes(data, source)
    check_streams(data, source)
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


def _pdfium_page_words(page: Any) -> list[Word]:
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


def _assemble_words(chars: list[_Char], font_size: Callable[[int], float]) -> list[Word]:
    """Characters -> words, as pdfplumber's `extract_words` makes them from the same characters.

    With x_tolerance=WORD_GAP_PT and y_tolerance=SAME_LINE_PT, pdfplumber clusters characters
    into lines by their top, sorts each line left to right, and ends a word at a space, at a gap over
    `WORD_GAP_PT`, or where the next character's top is more than `SAME_LINE_PT` away. Bottoms
    stand in for tops here (pdfium gives no pdfminer top; within a line the font size is the same,
    so they cluster alike). A word's size is its first character's (`font_size(index)`), its bottom
    the highest character bottom (a loose box reaches lower where a glyph overshoots the font's
    descent, e.g. a parenthesis), and its top one size above that, as pdfminer places it.
    """
    chars.sort(key=itemgetter(2))
    lines: list[list[_Char]] = []
    previous = -math.inf
    for char in chars:
        if char[2] - previous > SAME_LINE_PT:
            lines.append([])
        lines[-1].append(char)
        previous = char[2]
    words: list[Word] = []

    def emit(run: list[_Char]) -> None:
        size = font_size(run[0][1])
        low = min(c[2] for c in run)
        words.append(Word("".join(c[4] for c in run), run[0][0], low - size, low, size))  # type: ignore[misc]

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
                if char[0] > last[3] + WORD_GAP_PT or abs(char[2] - last[2]) > SAME_LINE_PT:
                    emit(run)
                    run = []
            run.append(char)
        if run:
            emit(run)
    return words


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


def pdfplumber_words(data: bytes, source: str) -> list[list[Word]]:
    """The words of each page, read with pdfplumber: the parser's former backend, ~10x slower.

    Kept as the reference the pdfium backend is checked against (tests, `projections bench
    injury_pdf`): `injury_pdf._parse(data, source, pdfplumber_words)` parses with it.
    """
    import pdfplumber  # deferred: importing pdfminer is slow and only needed here

    data = checked_bytes(data, source)
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
                        x_tolerance=WORD_GAP_PT,
                        y_tolerance=SAME_LINE_PT,
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
                    Word(w["text"], float(w["x0"]), float(w["top"]), float(w["bottom"]), float(w["size"]))
                    for w in raw_words
                ]
            )
        return pages
