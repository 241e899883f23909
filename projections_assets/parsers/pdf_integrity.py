"""Is a PDF whole? The checks made before any reader sees the file.

pdfium inflates a damaged compressed stream as far as it can and carries on without telling: a
garbled content stream silently loses the rest of its page's rows. So before pdfium sees the file,
every FlateDecode stream in it is inflated here and must end properly (checksum included).
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import zlib

from projections_assets.parsers.errors import InjuryReportParseError


def checked_bytes(data: bytes, source: str) -> bytes:
    """The PDF's bytes, once they are bytes and start like a PDF."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"{source}: expected PDF bytes, got {type(data).__name__}")
    data = bytes(data)
    if data.lstrip()[:5] != b"%PDF-":
        raise InjuryReportParseError(source, "not a PDF (no %PDF- signature at the start)")
    return data


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


def check_streams(data: bytes, source: str) -> None:
    """Raise if a compressed stream of the PDF does not inflate to its end, naming its page if known."""
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
