"""Dates as they are written in Chinese and international text, parsed and re-written.

:func:`parse_date` understands ``1990-03-05``, ``1990/3/5``, ``1990.03.05``, ``19900305``
and ``1990年3月5日`` (also ``号`` for ``日``, full-width digits) and returns the date with a
:class:`DateStyle` that writes another date the same way, so a shifted or surrogate date keeps
the look of the original. Day-first and month-first forms (``05/03/1990``) are ambiguous and
are not parsed: the operators that need a date fall back to a tag for them.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass

_SEP = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_CJK = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*([日号])$")
_CJK_YEAR_MONTH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月$")


@dataclass(frozen=True, slots=True)
class DateStyle:
    kind: str          # "sep", "compact", "cjk", "cjk-ym"
    sep: str = "-"
    pad: bool = True
    day_char: str = "日"

    def format(self, d: _dt.date) -> str:
        m, day = (f"{d.month:02d}", f"{d.day:02d}") if self.pad else (str(d.month), str(d.day))
        if self.kind == "compact":
            return f"{d.year:04d}{d.month:02d}{d.day:02d}"
        if self.kind == "cjk":
            return f"{d.year:04d}年{m}月{day}{self.day_char}"
        if self.kind == "cjk-ym":
            return f"{d.year:04d}年{m}月"
        return f"{d.year:04d}{self.sep}{m}{self.sep}{day}"

    def format_year(self, year: int) -> str:
        return f"{year}年" if self.kind.startswith("cjk") else str(year)


def _ascii_digits(value: str) -> str:
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in value)


def parse_date(value: str) -> tuple[_dt.date, DateStyle] | None:
    """``(date, style)`` for a date written in one of the supported forms, else None."""
    text = _ascii_digits(value.strip())
    try:
        if m := _SEP.match(text):
            pad = len(m.group(3)) == 2 and len(m.group(4)) == 2
            return (_dt.date(int(m.group(1)), int(m.group(3)), int(m.group(4))),
                    DateStyle("sep", m.group(2), pad))
        if m := _COMPACT.match(text):
            return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))), DateStyle("compact")
        if m := _CJK.match(text):
            pad = len(m.group(2)) == 2 and len(m.group(3)) == 2
            return (_dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))),
                    DateStyle("cjk", pad=pad, day_char=m.group(4)))
        if m := _CJK_YEAR_MONTH.match(text):
            return (_dt.date(int(m.group(1)), int(m.group(2)), 1),
                    DateStyle("cjk-ym", pad=len(m.group(2)) == 2))
    except ValueError:
        return None
    return None


def age_on(birth: _dt.date, today: _dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def age_band(age: int, width: int = 10) -> str:
    """``"30-39"`` for 34 with width 10; ``"90+"`` from 90 on."""
    if age >= 90:
        return "90+"
    low = (max(age, 0) // width) * width
    return f"{low}-{low + width - 1}"
