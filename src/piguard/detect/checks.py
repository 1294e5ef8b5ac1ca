"""Validators: small pure functions that prove (or disprove) an identifier's format.

Each check takes the *compact* value (separators removed, upper case) and answers with a
bool, or raises a typed :class:`InvalidIdentifier` subclass from a ``validate_*`` function
when the caller wants to know why. Messages never contain the value.

- ``mod11_2_check``: ISO 7064 MOD 11-2, the check character of GB 11643-1999 citizen IDs,
  HK/Macau/Taiwan residence permits and 2023 foreigner permanent-residence IDs.
  Weights ``2^(18-i) mod 11``; check = ``"10X98765432"[sum % 11]``.
- ``luhn_*``: ISO/IEC 7812 Luhn (payment cards, IMEI).
- ``uscc_valid``: GB 32100-2015 unified social credit code (mod 31) plus the GB 11714
  organisation-code check inside it (positions 9–17), which python-stdnum does not check.
- ``vin_valid``: ISO 3779 / FMVSS 115 check digit at position 9.

>>> mod11_2_check("11010519491231002")
'X'
>>> luhn_valid("6222021234567890128")
True
>>> uscc_valid("91110000600037341L")
True
"""

from __future__ import annotations

import datetime as _dt

from piguard import data as _data


class InvalidIdentifier(ValueError):
    """Base class: the value is not a valid identifier of the expected kind."""


class InvalidLength(InvalidIdentifier):
    pass


class InvalidFormat(InvalidIdentifier):
    pass


class InvalidChecksum(InvalidIdentifier):
    pass


class InvalidComponent(InvalidIdentifier):
    pass


class UnknownRegion(InvalidComponent):
    """Province valid, county code not in the table for the birth year.

    The table (1980–2025) lacks some codes real numbers carry: pre-1983 市区/郊区 codes,
    市辖区 summary codes, development zones. Detection keeps such numbers at a lower score.
    """


def mod11_2_check(body17: str) -> str:
    """Check character (``0-9`` or ``X``) for a 17-digit body.

    Σ dᵢ·2^(18-i) mod 11 equals (1 - 2·int(body, 13)) mod 11 because 13 ≡ 2 (mod 11), so the
    sum is computed by one C-level base-13 parse.
    """
    if len(body17) != 17 or not body17.isdigit() or not body17.isascii():
        raise InvalidFormat("an ID body is 17 ASCII digits")
    r = (1 - 2 * int(body17, 13)) % 11
    return "X" if r == 10 else str(r)


def _today() -> _dt.date:
    return _dt.date.today()


def real_date(year: int, month: int, day: int, *, earliest: int = 1880) -> _dt.date | None:
    """The date if it exists on the calendar, is not in the future and not before ``earliest``."""
    if year < earliest:
        return None
    try:
        d = _dt.date(year, month, day)
    except ValueError:
        return None
    return d if d <= _today() else None


def validate_cn_id18(value: str) -> tuple[str, _dt.date]:
    """Validate an 18-character citizen ID / residence permit / 2023 PR ID body.

    Returns ``(kind, birth_date)`` where kind is ``"citizen"``, ``"hmt_permit"`` or
    ``"foreigner_pr"``. Raises an :class:`InvalidIdentifier` subclass otherwise.
    """
    if len(value) != 18:
        raise InvalidLength("an ID number has 18 characters")
    body, check = value[:17], value[17]
    if not body.isdigit() or not body.isascii():
        raise InvalidFormat("the first 17 characters of an ID number are digits")
    if mod11_2_check(body) != check.upper():
        raise InvalidChecksum("the MOD 11-2 check character does not match")
    if body[0] == "9":
        # 2023 foreigner PR ID: 9 + 2-digit province + 3-digit nationality + YYYYMMDD + seq.
        birth = real_date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
        if birth is None:
            raise InvalidComponent("the birth date is not a real past date")
        if not _data.division_periods(body[1:3] + "0000"):
            raise InvalidComponent("unknown province of acceptance")
        return "foreigner_pr", birth
    birth = real_date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    if birth is None:
        raise InvalidComponent("the birth date is not a real past date")
    region = body[:6]
    if _data.is_residence_permit_prefix(region):
        return "hmt_permit", birth
    if not _data.division_valid_for_birth_year(region, birth.year):
        if not _data.division_periods(region[:2] + "0000"):
            raise InvalidComponent("unknown province in the region code")
        if region[2:4] == "00" and region[:2] != "46" and not _data.division_periods(region):
            # XX00YY: a county directly under a province exists only in Hainan's history
            # (4600YY, 1988-2003); elsewhere it is structurally impossible, and piguard's
            # surrogate IDs use such codes so that they can never be someone's number.
            raise InvalidComponent("the region code cannot be held by anyone")
        raise UnknownRegion("the region code is not in the division table for the birth year")
    return "citizen", birth


def cn_id18_kind(value: str) -> tuple[str, _dt.date] | None:
    """``(kind, birth_date)`` for a valid 18-character ID, else None."""
    try:
        return validate_cn_id18(value)
    except InvalidIdentifier:
        return None


def cn_id15_birth(value: str) -> _dt.date | None:
    """Birth date of a plausible 15-digit legacy ID (no check digit exists), else None."""
    if len(value) != 15 or not value.isdigit():
        return None
    birth = real_date(1900 + int(value[6:8]), int(value[8:10]), int(value[10:12]))
    if birth is None or not _data.division_valid_for_birth_year(value[:6], max(birth.year, 1980)):
        return None
    return birth


def luhn_checksum(digits: str) -> int:
    total = 0
    parity = len(digits) % 2
    for i, c in enumerate(digits):
        d = ord(c) - 48
        if i % 2 == parity:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10


def luhn_valid(digits: str) -> bool:
    return digits.isdigit() and luhn_checksum(digits) == 0


def luhn_check_digit(body: str) -> str:
    """The digit that makes ``body + digit`` Luhn-valid."""
    return str((10 - luhn_checksum(body + "0")) % 10)


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(body17: str) -> str:
    total = sum(_USCC_VALUE[c] * w for c, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """GB 11714 organisation-code check character for 8 characters (digits or letters)."""
    total = 0
    for c, w in zip(body8, _ORG_WEIGHTS, strict=True):
        v = ord(c) - 48 if c.isdigit() else ord(c) - 55
        total += v * w
    r = 11 - total % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


def uscc_valid(value: str, *, inner: bool = True) -> bool:
    """GB 32100 check; with ``inner`` also the GB 11714 code in positions 9–17."""
    if len(value) != 18 or any(c not in _USCC_VALUE for c in value):
        return False
    if not value[2:8].isdigit():
        return False
    if uscc_check_char(value[:17]) != value[17]:
        return False
    if inner:
        org = value[8:17]
        if not org[:8].isalnum() or org_code_check_char(org[:8]) != org[8]:
            return False
    return True


_VIN_TRANSLIT = {
    **{str(i): i for i in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)), "P": 7, "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_check_char(vin: str) -> str | None:
    try:
        total = sum(_VIN_TRANSLIT[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    except KeyError:
        return None
    r = total % 11
    return "X" if r == 10 else str(r)


def vin_valid(vin: str) -> bool:
    """17 characters from the VIN alphabet (no I, O, Q) with a correct position-9 check."""
    if len(vin) != 17:
        return False
    return vin_check_char(vin) == vin[8]


def iban_valid(value: str) -> bool:
    """ISO 13616 IBAN: country length and mod-97 (via python-stdnum)."""
    from stdnum import iban

    return bool(iban.is_valid(value))
