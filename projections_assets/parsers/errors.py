"""The one parse error, and the checked accessors every parser reads payloads through.

Every parser turns `bytes` from a named source into a typed DataFrame. When the
bytes are not what the format promises (truncated JSON, a missing key, a value
of the wrong type, a 200 with zero games) the failure must say *which* input
and *where* in it, so an operator can open the bronze payload and see the
problem. The accessors here exist so that no parser ever lets a bare
`KeyError` or `JSONDecodeError` escape: each one raises `ParseError` naming the
source and a JSON-path-like location (`leagueSchedule.gameDates[3].games[0].gameId`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd


class ParseError(ValueError):
    """A payload from `source` is malformed at `field`.

    `source` names the input (a file name, URL or bronze key); `field` is the
    path inside it (a JSON path, a CSV column and line, or `<document>` when the
    whole payload is unreadable).
    """

    def __init__(self, source: str, field: str, message: str) -> None:
        self.source = source
        self.field = field
        self.message = message
        super().__init__(f"{source}: {field}: {message}")


DOCUMENT = "<document>"


class InjuryReportParseError(ParseError):
    """A PDF report (the injury report) that cannot be read; the message names the file and the page/field.

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


# Column dtype names accepted by `build_frame`; "date" means Python `datetime.date`
# objects (pyarrow writes them as date32), everything else is a pandas dtype.
DATE = "date"
UTC_TS = "datetime64[ns, UTC]"


def decode_text(data: bytes | str, source: str) -> str:
    """Bytes -> text, accepting a UTF-8 byte-order mark (some CSV exports carry one)."""
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(source, DOCUMENT, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def load_json(data: bytes | str, source: str) -> Any:
    """Parse a JSON document; a truncated or empty body names the position where it broke."""
    text = decode_text(data, source)
    if not text.strip():
        raise ParseError(source, DOCUMENT, "empty body")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(
            source, DOCUMENT, f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc


def join_path(path: str, key: str | int) -> str:
    """`a.b` + `c` -> `a.b.c`; `a.b` + 3 -> `a.b[3]`."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _type_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def need(
    obj: Any,
    key: str,
    source: str,
    path: str,
    kind: type | tuple[type, ...] | None = None,
    *,
    nullable: bool = False,
) -> Any:
    """`obj[key]`, which must exist (and be of `kind`, unless None and `nullable`)."""
    where = join_path(path, key)
    if not isinstance(obj, Mapping):
        raise ParseError(source, path or DOCUMENT, f"expected an object, got {type(obj).__name__}")
    if key not in obj:
        raise ParseError(source, where, "missing")
    value = obj[key]
    return _check_kind(value, kind, source, where, nullable)


def maybe(
    obj: Mapping[str, Any],
    key: str,
    source: str,
    path: str,
    kind: type | tuple[type, ...] | None = None,
    default: Any = None,
) -> Any:
    """`obj.get(key, default)`, type-checked when present and not null."""
    if key not in obj or obj[key] is None:
        return default
    return _check_kind(obj[key], kind, source, join_path(path, key), False)


def _check_kind(
    value: Any, kind: type | tuple[type, ...] | None, source: str, where: str, nullable: bool
) -> Any:
    if value is None:
        if nullable or kind is None:
            return None
        raise ParseError(source, where, f"is null, expected {_type_name(kind)}")
    if kind is None:
        return value
    # bool is an int subclass; a JSON `true` where a count belongs is a format error.
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        raise ParseError(source, where, f"expected {_type_name(kind)}, got bool")
    if float in kinds and isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, kinds):
        raise ParseError(source, where, f"expected {_type_name(kind)}, got {type(value).__name__}")
    return value


def need_list(obj: Any, key: str, source: str, path: str) -> list[Any]:
    """`obj[key]` as a JSON array."""
    return need(obj, key, source, path, list)


def need_nonempty(items: Sequence[Any], source: str, path: str, what: str) -> Sequence[Any]:
    """A 200 with nothing in it is a failed fetch, not an empty slate."""
    if not items:
        raise ParseError(source, path, f"zero {what}: an empty payload is an error, not an empty slate")
    return items


_FRACTION_RE = re.compile(r"(\.\d{6})\d+")


def parse_utc(text: Any, source: str, where: str) -> pd.Timestamp:
    """An ISO-8601 instant (`...Z`, `+00:00`, up to 7 fractional digits) as a UTC Timestamp.

    A value without an offset is rejected: every instant these sources publish
    carries one, and guessing a zone would silently shift as-of times.
    """
    if not isinstance(text, str) or not text:
        raise ParseError(source, where, f"expected an ISO timestamp, got {text!r}")
    # .NET-style timestamps carry 7 fractional digits; Python and pandas stop at 6.
    trimmed = _FRACTION_RE.sub(r"\1", text)
    try:
        ts = pd.Timestamp(trimmed)
    except ValueError as exc:
        raise ParseError(source, where, f"not an ISO timestamp: {text!r}") from exc
    if ts.tzinfo is None:
        raise ParseError(source, where, f"timestamp without offset: {text!r}")
    return ts.tz_convert("UTC")


def build_frame(rows: Iterable[Mapping[str, Any]], schema: Mapping[str, str], source: str) -> pd.DataFrame:
    """Rows -> DataFrame with exactly `schema`'s columns, in order, cast to its dtypes."""
    frame = pd.DataFrame(list(rows), columns=list(schema))
    for column, dtype in schema.items():
        if dtype == DATE:
            frame[column] = frame[column].astype(object)
            continue
        if dtype == UTC_TS:
            frame[column] = pd.to_datetime(frame[column], utc=True).astype(UTC_TS)
            continue
        try:
            frame[column] = frame[column].astype(dtype)
        except (TypeError, ValueError) as exc:
            raise ParseError(source, column, f"cannot read as {dtype}: {exc}") from exc
    return frame
