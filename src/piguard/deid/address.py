"""The administrative head of a Chinese address: province, prefecture (city), county (district).

:func:`admin_parts` finds where each level ends in ``浙江省杭州市西湖区文三路90号`` so the
generalize, surrogate and mask operators can keep an address down to a chosen level and drop
the rest. It reads suffixes (省/自治区/市/州/盟/地区/区/县/旗), the way addresses are written;
it does not validate names against the division table.
"""

from __future__ import annotations

import re

_HAN = r"[\u3400-\u9fff]"
_MUNICIPALITY = r"(?:北京|天津|上海|重庆)市?"
_PROVINCE = rf"(?:{_HAN}{{2,8}}?(?:省|自治区|特别行政区)|{_MUNICIPALITY}(?![区县]))"
_CITY = rf"(?:{_HAN}{{2,9}}?(?:自治州|地区|盟|市|州))"
_COUNTY = rf"(?:{_HAN}{{1,9}}?(?:自治县|自治旗|林区|新区|区|县|旗|市))"
_ADMIN = re.compile(rf"^\s*(?P<province>{_PROVINCE})?\s*(?P<city>{_CITY})?\s*(?P<county>{_COUNTY})?")

LEVELS = ("province", "city", "district")


def admin_parts(address: str) -> dict[str, int]:
    """End offsets of the administrative levels found at the start of ``address``.

    >>> admin_parts("浙江省杭州市西湖区文三路90号")
    {'province': 3, 'city': 6, 'district': 9}
    """
    m = _ADMIN.match(address)
    if not m:
        return {}
    out: dict[str, int] = {}
    for level, group in zip(LEVELS, ("province", "city", "county"), strict=True):
        if m.group(group):
            out[level] = m.end(group)
    return out


def admin_prefix_end(address: str, level: str) -> int | None:
    """Where to cut ``address`` to keep it down to ``level`` (or the deepest level above it)."""
    parts = admin_parts(address)
    best = None
    for name in LEVELS[: LEVELS.index(level) + 1]:
        if name in parts:
            best = parts[name]
    return best
