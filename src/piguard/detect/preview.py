"""Masked previews of values: what piguard may show a person instead of raw PI.

Every place that shows a value (CLI tables, reports, error messages, logs) goes through
:func:`mask_value`, which follows the entity's display mask from the catalogue
(:mod:`piguard.entities`). The de-identification ``mask`` operator uses the same styles.
"""

from __future__ import annotations

import re
from functools import cache

from piguard.entities import CATALOGUE

MASK_CHAR = "*"
# Characters that structure a value and stay visible when it is masked.
SEPARATORS = frozenset(" -_./()+:·\u3000＋－（）")


def keep(value: str, first: int, last: int, char: str = MASK_CHAR) -> str:
    """Keep ``first`` and ``last`` characters; mask the rest (at least half is always masked)."""
    n = len(value)
    if first + last > n // 2:
        # Too short to keep that much and still hide something meaningful.
        first = min(first, n // 4)
        last = min(last, n // 4)
    return value[:first] + char * (n - first - last) + (value[n - last:] if last else "")


def keep_separated(value: str, first: int, last: int, char: str = MASK_CHAR, *,
                   half: bool = True) -> str:
    """Keep ``first``/``last`` non-separator characters; separators stay visible.

    With ``half`` at least half of the characters are hidden (display previews); without it
    at least a third (configured masks such as a card's first 6 + last 4).
    """
    idx = [i for i, c in enumerate(value) if c not in SEPARATORS]
    n = len(idx)
    if half:
        masked = keep("x" * n, first, last, "*")
        shown = {idx[i] for i, c in enumerate(masked) if c != "*"}
    else:
        min_hidden = max(1, n // 3)
        if n - first - last < min_hidden:
            scale = max(n - min_hidden, 0) / max(first + last, 1)
            first, last = int(first * scale), int(last * scale)
        shown = set(idx[:first]) | (set(idx[n - last:]) if last else set())
    return "".join(char if (i not in shown and c not in SEPARATORS) else c
                   for i, c in enumerate(value))


@cache
def _compound_surnames() -> frozenset[str]:
    from piguard import data

    return frozenset(data.cn_compound_surnames())


def _mask_name(value: str, char: str = MASK_CHAR) -> str:
    name = value.strip()
    if not name:
        return value
    if all("\u3400" <= c <= "\u9fff" or c == "·" for c in name):
        if len(name) == 1:
            return value.replace(name, char)
        keep_n = 2 if len(name) >= 3 and name[:2] in _compound_surnames() else 1
        return value.replace(name, name[:keep_n] + char * (len(name) - keep_n))
    # Latin script: initials only (a western surname is as identifying as a given name).
    return re.sub(r"(?<=\w)\w", char, value)


def _mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    return (local[:1] + MASK_CHAR * 3 + "@" + domain) if domain else keep(value, 1, 0)


def _mask_ip(value: str) -> str:
    if "." in value and ":" not in value:
        parts = value.split(".")
        return ".".join(parts[:2] + [MASK_CHAR] * (len(parts) - 2))
    parts = value.split(":")
    return ":".join(parts[:2] + [MASK_CHAR] * (len(parts) - 2))


def _mask_phone(value: str) -> str:
    digits = [i for i, c in enumerate(value) if c.isdigit()]
    if len(digits) < 7:
        return MASK_CHAR * len(value)
    hide = set(digits[-8:-4]) if len(digits) >= 8 else set(digits[-6:-3])
    return "".join(MASK_CHAR if i in hide else c for i, c in enumerate(value))


def _mask_id(value: str) -> str:
    # Region (6) stays; birth date and sequence never show; last 2 stay for look-up.
    if len(value) >= 15:
        return value[:6] + MASK_CHAR * (len(value) - 8) + value[-2:]
    return keep(value, 1, 1)


def _mask_address(value: str) -> str:
    for i, c in enumerate(value):
        if c in "区县旗" and i >= 2:
            return value[: i + 1] + MASK_CHAR * (len(value) - i - 1)
    return keep(value, min(6, len(value) // 3), 0)


STYLES = ("id", "email", "phone", "ip", "name", "address", "all")


def mask_style(style: str, value: str, char: str = MASK_CHAR) -> str:
    """``value`` masked in a named style (see :mod:`piguard.entities`): ``keep:F:L``,
    ``id``, ``email``, ``phone``, ``ip``, ``name``, ``address`` or ``all``."""
    if style.startswith("keep:"):
        _, first, last = style.split(":")
        out = keep_separated(value, int(first), int(last))
    elif style == "id":
        out = _mask_id(value)
    elif style == "email":
        out = _mask_email(value)
    elif style == "phone":
        out = _mask_phone(value)
    elif style == "ip":
        out = _mask_ip(value)
    elif style == "name":
        return _mask_name(value, char)
    elif style == "address":
        out = _mask_address(value)
    else:
        return char * len(value)
    return out if char == MASK_CHAR else out.replace(MASK_CHAR, char)


def mask_value(entity: str, value: str) -> str:
    """A preview of ``value`` masked by the display style of ``entity``."""
    try:
        style = CATALOGUE[entity].mask
    except KeyError:
        style = "all"
    return mask_style(style, value)
