"""Masked previews of values: what piguard may show a person instead of raw PI.

Every place that shows a value (CLI tables, reports, error messages, logs) goes through
:func:`mask_value`, which follows the entity's display mask from the catalogue
(:mod:`piguard.entities`). The de-identification ``mask`` operator uses the same styles.
"""

from __future__ import annotations

from piguard.entities import CATALOGUE

MASK_CHAR = "*"


def keep(value: str, first: int, last: int, char: str = MASK_CHAR) -> str:
    """Keep ``first`` and ``last`` characters; mask the rest (at least half is always masked)."""
    n = len(value)
    if first + last > n // 2:
        # Too short to keep that much and still hide something meaningful.
        first = min(first, n // 4)
        last = min(last, n // 4)
    return value[:first] + char * (n - first - last) + (value[n - last:] if last else "")


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


def mask_value(entity: str, value: str) -> str:
    """A preview of ``value`` masked by the display style of ``entity``."""
    try:
        style = CATALOGUE[entity].mask
    except KeyError:
        style = "all"
    if style.startswith("keep:"):
        _, first, last = style.split(":")
        return keep(value, int(first), int(last))
    if style == "id":
        return _mask_id(value)
    if style == "email":
        return _mask_email(value)
    if style == "phone":
        return _mask_phone(value)
    if style == "ip":
        return _mask_ip(value)
    if style == "name":
        return value[:1] + MASK_CHAR * (len(value) - 1) if len(value) > 1 else MASK_CHAR
    if style == "address":
        return _mask_address(value)
    return MASK_CHAR * len(value)
