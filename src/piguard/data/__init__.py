"""Shipped reference data and a small, fast loader API.

The files beside this module are plain CSV/TXT; ``PROVENANCE.md`` gives the source, licence,
date and regenerate command of each.  Every loader reads its file once, lazily, through
``importlib.resources`` and caches the parsed result (``functools.cache``), so importing this
module costs nothing and repeated look-ups are dictionary hits.

Administrative division codes (GB/T 2260; the first 6 digits of a resident ID number)
    ``division_codes.csv`` has one row per (code, name) period: ``code,name,first_year,
    last_year,kind``.  ``last_year`` is the last calendar year in which the code was in force
    for at least part of the year (empty: still in force); ``first_year`` 1980 means "1980 or
    earlier" (the base table starts in 1980, and ID numbers were first issued in 1984).  A
    renamed code has one row per name; the old name's ``last_year`` equals the new name's
    ``first_year``.  ``kind`` is ``province`` (XX0000), ``prefecture`` (XXYY00), ``county``
    (the rest) or ``permit`` (830000, the Taiwan-resident permit prefix, which is not a
    division).  810000/820000/830000 are the address codes of residence permits for Hong
    Kong, Macao and Taiwan residents (港澳台居民居住证, since 2018).

CN phone numbers
    ``cn_mobile_prefixes.csv`` maps 3-, 4- or 5-digit prefixes of 11-digit mobile numbers to
    a carrier (from ``phonenumbers`` metadata); ``cn_area_codes.csv`` lists the long-distance
    codes (010, 02x, 0xxx); ``cn_service_numbers.txt`` lists service-number patterns (110,
    12345, 10086, 95xxx, 96xxx, 400/800 ...) that are not personal phones.

Names and plates
    ``cn_surnames.txt`` (single and compound surnames, top 100 ranked),
    ``cn_given_name_chars.txt``, ``en_first_names.txt``/``en_last_names.txt`` (1990 US Census),
    ``plate_provinces.txt`` (the 31 province abbreviations that open a licence plate).

>>> division_name("110105")
'朝阳区'
>>> division_valid_for_birth_year("110103", 1990), division_valid_for_birth_year("110103", 2015)
(True, False)
>>> cn_mobile_carrier("13800138000"), is_cn_mobile("14012345678")
('中国移动', False)
>>> cn_area_code("057187654321")
'0571'
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

__all__ = [
    "RESIDENCE_PERMIT_PREFIXES",
    "cn_area_code",
    "cn_area_region",
    "cn_compound_surnames",
    "cn_given_name_chars",
    "cn_mobile_carrier",
    "cn_surname_rank",
    "cn_surnames",
    "division_codes_for_generation",
    "division_kind",
    "division_name",
    "division_periods",
    "division_valid_for_birth_year",
    "en_first_names",
    "en_last_names",
    "is_cn_mobile",
    "is_residence_permit_prefix",
    "is_service_number",
    "plate_provinces",
    "residence_unassigned_regions",
    "world_places_zh",
]

RESIDENCE_PERMIT_PREFIXES: frozenset[str] = frozenset({"810000", "820000", "830000"})
"""Address codes of residence permits for Hong Kong, Macao and Taiwan residents."""

BASE_FIRST_YEAR = 1980
"""First year of the division table: a ``first_year`` of 1980 means "in 1980 or earlier"."""

Period = tuple[int, int | None, str]


def _read_text(name: str) -> str:
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def _content_lines(name: str) -> list[str]:
    """Lines of a TXT data file without blank lines and ``#`` comments."""
    return [
        line
        for line in _read_text(name).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


# --- administrative division codes --------------------------------------------------------


@cache
def _divisions() -> tuple[dict[str, tuple[Period, ...]], dict[str, str]]:
    periods: dict[str, list[Period]] = {}
    kinds: dict[str, str] = {}
    lines = _read_text("division_codes.csv").splitlines()
    # Names hold no commas or quotes (checked by the tests), so a plain split is safe and
    # several times faster than the csv module.
    for line in lines[1:]:
        code, name, first, last, kind = line.split(",")
        periods.setdefault(code, []).append((int(first), int(last) if last else None, name))
        kinds[code] = kind
    frozen = {code: tuple(sorted(ps, key=lambda p: p[0])) for code, ps in periods.items()}
    return frozen, kinds


def division_periods(code: str) -> tuple[Period, ...]:
    """``((first_year, last_year or None, name), ...)`` of a 6-digit code, oldest first.

    Empty when the code is unknown.  ``last_year`` is the last year in which the code was in
    force (for part of the year at least); ``None`` means it is still in force.
    """
    return _divisions()[0].get(code, ())


def division_kind(code: str) -> str | None:
    """``'province'``, ``'prefecture'``, ``'county'``, ``'permit'`` or ``None`` if unknown."""
    return _divisions()[1].get(code)


def is_residence_permit_prefix(code: str) -> bool:
    """True for 810000 (Hong Kong), 820000 (Macao) and 830000 (Taiwan) residence permits."""
    return code in RESIDENCE_PERMIT_PREFIXES


def division_valid_for_birth_year(code: str, birth_year: int, *, grace_years: int = 0) -> bool:
    """Whether an ID number of someone born in ``birth_year`` can carry ``code``.

    Rule: a citizen number is assigned at or after birth and kept for life, so its address
    code must have been in force at some time in or after the birth year, i.e. the code is in
    the table (any kind: county, prefecture or province level) and was not abolished before
    ``birth_year`` (some period has ``last_year`` None or >= ``birth_year``).  A code created
    after the birth year is fine (the number may have been assigned later; ID numbers were
    first issued in 1984, so people born before 1980 carry codes of the 1980s or later).
    810000/820000/830000 (HK/Macao/Taiwan residence permits) are valid for every birth year.

    ``grace_years`` widens the window, for codes that may have stayed in use a little after
    their official abolition and for abolition years that are only known to the year (taken
    from year-end snapshots).  The table also lacks some codes seen in real numbers (市辖区
    summary codes, development-zone codes; see PROVENANCE.md), so a failed check is evidence
    against a number, not proof that it is fake.
    """
    if code in RESIDENCE_PERMIT_PREFIXES:
        return True
    for _first, last, _name in division_periods(code):
        if last is None or last + grace_years >= birth_year:
            return True
    return False


def division_name(code: str, year: int | None = None) -> str | None:
    """Name of ``code`` (the current or last name), or its name in force in ``year``.

    In a year of renaming both names were in force; the newer one is returned.  Years before
    1980 are answered with the 1980 name when the code was in force in 1980.  ``None`` when
    the code is unknown or was not in force in ``year``.
    """
    periods = division_periods(code)
    if not periods:
        return None
    if year is None:
        return periods[-1][2]
    for first, last, name in reversed(periods):
        if (first <= year or first == BASE_FIRST_YEAR) and (last is None or year <= last):
            return name
    return None


@cache
def division_codes_for_generation() -> tuple[str, ...]:
    """County-level codes in force today, sorted: address codes for generating fake IDs."""
    periods, kinds = _divisions()
    return tuple(
        code
        for code in sorted(periods)
        if kinds[code] == "county" and any(last is None for _f, last, _n in periods[code])
    )


@cache
def residence_unassigned_regions() -> tuple[str, ...]:
    """Region codes no real ID number can carry: ``XX0099`` for 30 mainland provinces.

    GB/T 2260 codes are province (XX) + prefecture (YY) + county (ZZ).  Prefecture part ``00``
    appears only in the province's own code XX0000, with one exception: Hainan (46) used
    4600ZZ for its directly administered counties in 1988-2003, so Hainan is left out.
    ``XX00ZZ`` (ZZ != 00) has therefore never been a county code elsewhere, and does not fit
    the scheme, while its first two digits are a real province (validators that check only
    the province accept it).  The tests check that none of these codes is in the division
    table.  Use them as the address part of surrogate ID numbers that can never be someone's
    real number.  Note: ``division_valid_for_birth_year`` rejects them, so a detector that
    checks address codes will not flag such surrogates as real IDs.
    """
    periods, kinds = _divisions()
    provinces = sorted(
        code[:2]
        for code, kind in kinds.items()
        if kind == "province"
        and code[:2] not in {"46", "71", "81", "82"}
        and any(last is None for _f, last, _n in periods[code])
    )
    return tuple(f"{prefix}0099" for prefix in provinces)


# --- mobile numbers -----------------------------------------------------------------------


@cache
def _mobile_prefixes() -> dict[str, str]:
    table = {}
    for line in _read_text("cn_mobile_prefixes.csv").splitlines()[1:]:
        prefix, carrier = line.split(",", 1)
        table[prefix] = carrier
    return table


def _national_mobile(number: str) -> str:
    if len(number) == 11:
        return number
    if number.startswith("+86"):
        return number[3:]
    if number.startswith("0086"):
        return number[4:]
    if len(number) == 13 and number.startswith("86"):
        return number[2:]
    return number


def cn_mobile_carrier(number: str) -> str | None:
    """Carrier of an 11-digit CN mobile number ('中国移动', '中国联通', '中国电信', '中国广电').

    ``None`` when ``number`` is not 11 ASCII digits with a valid mobile prefix; ``''`` for a
    valid prefix without a known carrier (162, 165, 1349).  A leading ``+86``/``0086``/``86``
    is accepted; separators are not (normalise first).  Prefixes are 3, 4 or 5 digits (138,
    1703, 17400) taken from ``phonenumbers`` metadata.
    """
    number = _national_mobile(number)
    if len(number) != 11 or not (number.isascii() and number.isdigit()):
        return None
    table = _mobile_prefixes()
    carrier = table.get(number[:3])
    if carrier is None:
        carrier = table.get(number[:4])
        if carrier is None:
            carrier = table.get(number[:5])
    return carrier


def is_cn_mobile(number: str) -> bool:
    """True when ``number`` is an 11-digit CN mobile number with a valid prefix."""
    return cn_mobile_carrier(number) is not None


# --- landlines and service numbers ----------------------------------------------------------


@cache
def _area_codes() -> dict[str, tuple[str, str]]:
    with resources.files(__name__).joinpath("cn_area_codes.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return {code: (province, region) for code, province, region, _en in rows[1:]}


def _area_prefix(digits: str) -> str | None:
    table = _area_codes()
    for length in (3, 4):
        if digits[:length] in table:
            return digits[:length]
    return None


def cn_area_code(digits: str) -> str | None:
    """Long-distance code of a landline digit string, e.g. '057187654321' -> '0571'.

    ``digits`` is the national form with its leading 0 and no separators.  The code must be
    a known one (010, 02x, 0xxx) and be followed by a 7- or 8-digit local number; otherwise
    ``None``.
    """
    if not digits.startswith("0") or not (digits.isascii() and digits.isdigit()):
        return None
    code = _area_prefix(digits)
    if code is None or not 7 <= len(digits) - len(code) <= 8:
        return None
    return code


def cn_area_region(code: str) -> str | None:
    """Region of a long-distance code, e.g. '0571' -> '浙江省杭州市' (phonenumbers geocoder)."""
    entry = _area_codes().get(code)
    return entry[1] if entry else None


@cache
def _service_pattern() -> re.Pattern[str]:
    patterns = [line.split()[0] for line in _content_lines("cn_service_numbers.txt")]
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def is_service_number(digits: str) -> bool:
    """True for service numbers that are not personal phones (110, 12345, 10086, 95588, 400...).

    Matches the patterns of ``cn_service_numbers.txt`` against the whole digit string, also
    after removing a ``+86``/``0086`` prefix or a leading area code (0755-96xxx).
    """
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    pattern = _service_pattern()
    if pattern.fullmatch(digits):
        return True
    if digits.startswith("0"):
        code = _area_prefix(digits)
        if code is not None and pattern.fullmatch(digits[len(code) :]):
            return True
    return False


# --- plates and names -----------------------------------------------------------------------


@cache
def plate_provinces() -> str:
    """The 31 province abbreviations that open a civilian plate, e.g. '京津沪渝冀豫...'."""
    return "".join(line.split("\t")[0] for line in _content_lines("plate_provinces.txt"))


@cache
def _surnames() -> tuple[tuple[str, int | None], ...]:
    rows = []
    for line in _content_lines("cn_surnames.txt"):
        fields = line.split("\t")
        rank = int(fields[1]) if len(fields) > 1 and fields[1] else None
        rows.append((fields[0], rank))
    return tuple(rows)


@cache
def cn_surnames() -> tuple[str, ...]:
    """Chinese surnames, single then compound; the first 100 in population-rank order."""
    return tuple(name for name, _rank in _surnames())


@cache
def cn_compound_surnames() -> tuple[str, ...]:
    """Two-character surnames (欧阳, 上官, 司马, 诸葛 ...), most common first."""
    return tuple(name for name, _rank in _surnames() if len(name) > 1)


@cache
def _surname_ranks() -> dict[str, int]:
    return {name: rank for name, rank in _surnames() if rank is not None}


def cn_surname_rank(surname: str) -> int | None:
    """Approximate population rank (1 = 王) of the 100 most common surnames, else ``None``."""
    return _surname_ranks().get(surname)


@cache
def cn_given_name_chars() -> str:
    """A few hundred characters common in Chinese given names, as one string."""
    return "".join("".join(line.split()) for line in _content_lines("cn_given_name_chars.txt"))


@cache
def cn_translit_chars() -> str:
    """Characters used to transliterate foreign names into Chinese (克, 林, 顿, 斯 ...)."""
    return "".join("".join(line.split()) for line in _content_lines("cn_translit_chars.txt"))


@cache
def world_places_zh() -> dict[str, str]:
    """Chinese names of countries/territories and time-zone cities (Unicode CLDR):
    ``{name: "territory" | "city"}``."""
    out: dict[str, str] = {}
    for line in _content_lines("world_places_zh.txt"):
        name, kind = line.split("\t")
        out[name] = kind
    return out


@cache
def _en_first_names() -> tuple[tuple[str, str], ...]:
    return tuple(
        (fields[0], fields[1])
        for fields in (line.split("\t") for line in _content_lines("en_first_names.txt"))
    )


@cache
def en_first_names(sex: str | None = None) -> tuple[str, ...]:
    """Common US given names (1990 Census), most frequent first; ``sex`` 'M' or 'F' filters."""
    return tuple(name for name, s in _en_first_names() if sex is None or s == sex)


@cache
def en_last_names() -> tuple[str, ...]:
    """Common US surnames (1990 Census), most frequent first."""
    return tuple(_content_lines("en_last_names.txt"))
