"""Player names as the sources print them, folded to keys that compare across spellings.

`Last, First` (the injury report) and `First Last` (the player index, DraftKings) split into first,
last and generational suffix; diacritics, punctuation and case fold away (`Dončić` is `Doncic`).
Pure domain code: no I/O, no Dagster.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import pandas as pd

NameFormat = Literal["auto", "last_first", "first_last"]

#: Generational suffixes, folded ("Jr." -> "jr"); kept apart from the last name.
SUFFIXES: frozenset[str] = frozenset({"jr", "sr", "ii", "iii", "iv", "v"})

# Letters NFKD does not split into a base letter and combining marks.
_TRANSLITERATE = str.maketrans(
    {
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "ı": "i",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "Th",
    }
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_SEPARATORS = re.compile(r"[\s,]+")


def fold(text: str) -> str:
    """Lowercase ASCII letters and digits only: `Dončić` -> `doncic`, `Jackson-Davis` -> `jacksondavis`."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_ALNUM.sub("", plain.lower())


def clean_text(text: str) -> str:
    return " ".join(text.split())


def _is_suffix(token: str) -> bool:
    return fold(token) in SUFFIXES


def _split_suffix(text: str, keep: int = 1) -> tuple[str, str]:
    """Trailing suffix tokens off `text`, keeping at least `keep` tokens: ("Porter", "Jr.")."""
    tokens = [t for t in _SEPARATORS.split(text.strip()) if t]
    suffix: list[str] = []
    while len(tokens) > keep and _is_suffix(tokens[-1]):
        suffix.insert(0, tokens.pop())
    return " ".join(tokens), " ".join(suffix)


def split_display_name(name: str) -> tuple[str, str, str]:
    """`First Last [Suffix]` -> (first, last, suffix): `Michael Porter Jr.` -> ("Michael", "Porter", "Jr.").

    The first word is the first name and the rest the last name (a multi-word first name such as
    `Eli John Ndiaye` splits at the wrong word; name keys join the parts, so keys still agree).
    """
    rest, suffix = _split_suffix(name, keep=2)
    first, _, last = rest.partition(" ")
    if not first:
        raise ValueError(f"empty name: {name!r}")
    return first, last, suffix


def split_report_name(name: str) -> tuple[str, str, str]:
    """`Last [Suffix], First` -> (first, last, suffix): `Porter Jr., Michael` -> ("Michael", "Porter", "Jr.").

    Splits at the last comma, so a comma inside the last name (`Miličić, Jr., Igor`) stays in it; a
    name whose part after the last comma is a suffix (`Igor Miličić, Jr.`) is `First Last, Suffix`.
    """
    text = clean_text(name)
    head, sep, tail = text.rpartition(",")
    if not sep:
        raise ValueError(f"not a 'Last, First' name: {name!r}")
    if _is_suffix(tail) and " " in head.strip():
        return split_display_name(text)
    last, suffix = _split_suffix(head)
    # A suffix printed after the first name ("Porter, Michael Jr.") belongs to the person too.
    first, first_suffix = _split_suffix(tail)
    if not last or not first:
        raise ValueError(f"not a 'Last, First' name: {name!r}")
    return first, last, " ".join(s for s in (suffix, first_suffix) if s)


def split_name(name: str, name_format: NameFormat = "auto") -> tuple[str, str, str]:
    """(first, last, suffix) of `name` in `name_format` ("auto": `Last, First` if it has a comma)."""
    if name_format == "last_first" or (name_format == "auto" and "," in name):
        return split_report_name(name)
    if name_format in ("first_last", "auto"):
        return split_display_name(name)
    raise ValueError(f"unknown name format {name_format!r}")


@dataclass(frozen=True)
class NameKey:
    """A person's name folded for matching: first and last name apart, suffixes apart from both."""

    first: str
    last: str
    suffix: str

    @property
    def base(self) -> str:
        """First and last name without suffix, spaces and hyphens folded away: `michaelporter`."""
        return self.first + self.last

    @property
    def full(self) -> str:
        """`base` plus the suffix: `michaelporter|jr` (the bare `base` when there is none)."""
        return f"{self.base}|{self.suffix}" if self.suffix else self.base

    @property
    def initial(self) -> str:
        return self.first[:1]

    def suffix_compatible(self, other: NameKey) -> bool:
        """Suffixes agree or one side prints none (`Marcus Morris Sr.` vs `Marcus Morris`)."""
        return self.suffix == other.suffix or not self.suffix or not other.suffix


def name_key_from_parts(first: str, last: str, suffix: str = "") -> NameKey:
    """The key of a name given as separate fields (the player index's first/last names)."""
    last_only, last_suffix = _split_suffix(last)
    if not last_only and not first.strip():
        raise ValueError("empty name")
    suffixes = " ".join(s for s in (last_suffix, suffix) if s)
    folded_suffix = " ".join(fold(s) for s in suffixes.split())
    return NameKey(fold(first), fold(last_only), folded_suffix)


def name_key(name: str, name_format: NameFormat = "auto") -> NameKey:
    """The key of a printed name in either `Last, First` or `First Last` form."""
    first, last, suffix = split_name(name, name_format)
    return name_key_from_parts(first, last, suffix)


def normalize_name(name: str, name_format: NameFormat = "auto") -> str:
    """One key per person for `Porter Jr., Michael`, `Michael Porter Jr`, `michael porter`: `michaelporter`.

    Diacritics stripped (NFKD), case, punctuation, spaces and hyphens folded, suffixes dropped (see
    `name_key` for the suffix).
    """
    return name_key(name, name_format).base


def is_blank(value: object) -> bool:
    """None, NaN/NA or an empty string: a cell that names nothing."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
