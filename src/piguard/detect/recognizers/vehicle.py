"""Vehicles and places: licence plates, VINs, coordinates.

- ``CN_LICENSE_PLATE`` (GA 36-2018): province abbreviation + issuing-office letter (no I/O)
  + 5 characters; new-energy plates have 6 (small: D/F/A–K + letter-or-digit + 4 digits;
  large: 5 digits + D/F/A–K); suffix forms end in 挂 (trailer), 学 (driving school), 警
  (police), 港/澳 (cross-border, 粤Z). A middle dot or space after the office letter is allowed.
- ``VIN`` (ISO 3779, GB 16735): 17 characters without I/O/Q; the check digit at position 9
  (mandatory in China and North America) must match; at least two letters and four digits.
- ``GEO_COORDINATE``: a ``lat, lng`` pair with 4+ decimals in range, after a location cue.
"""

from __future__ import annotations

import re

from piguard import data
from piguard.detect import checks
from piguard.detect.recognizers.base import B, Candidate, E, Pattern

_PROVINCES = data.plate_provinces()
_L = "[A-HJ-NP-Z]"
_A = "[A-HJ-NP-Z0-9]"
_NEV = "[ABCDEFGHJK]"


def _plate(text: str, m: re.Match[str]) -> Candidate | None:
    tail = m.group()[2:]
    if sum(c.isdigit() for c in tail) < 3:
        return None
    return Candidate("CN_LICENSE_PLATE", m.start(), m.end(), 0.85,
                     ("pattern:cn-plate", "check:province"))


def _vin(text: str, m: re.Match[str]) -> Candidate | None:
    vin = m.group()
    letters = sum(c.isalpha() for c in vin)
    if letters < 2 or 17 - letters < 4:
        return None
    if checks.vin_valid(vin):
        return Candidate("VIN", m.start(), m.end(), 1.0, ("pattern:vin", "check:iso3779"))
    return Candidate("VIN", m.start(), m.end(), 0.5, ("pattern:vin",), needs_context=True)


def _geo(text: str, m: re.Match[str]) -> Candidate | None:
    lat_s, lng_s = m.group("lat"), m.group("lng")
    lat, lng = float(lat_s), float(lng_s)
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    # Five or more decimals on both (about a metre) is a position, not a ratio or a price.
    precise = min(len(lat_s) - lat_s.index(".") - 1, len(lng_s) - lng_s.index(".") - 1) >= 5
    return Candidate("GEO_COORDINATE", m.start(), m.end(), 0.6 if precise else 0.55,
                     ("pattern:lat-lng", "check:range"), needs_context=not precise)


PATTERNS = (
    Pattern("cn-plate",
            "[" + _PROVINCES + "]" + _L + r"[·•. ]?"
            r"(?:" + _NEV + _A + r"[0-9]{4}|[0-9]{5}" + _NEV + r"|" + _A + r"{4}[挂学警港澳]|" + _A + r"{5})" + E,
            _plate, ("CN_LICENSE_PLATE",)),
    Pattern("vin", B + r"[A-HJ-NPR-Z0-9]{17}" + E, _vin, ("VIN",)),
    Pattern("lat-lng",
            r"(?<![0-9A-Za-z.])(?P<lat>[-+]?(?:[1-8]?[0-9]|90)\.[0-9]{4,8})(?:[ ]*[,，][ ]*|[ ]{1,3})"
            r"(?P<lng>[-+]?(?:1[0-7][0-9]|[1-9]?[0-9]|180)\.[0-9]{4,8})(?![0-9A-Za-z.])",
            _geo, ("GEO_COORDINATE",)),
)
