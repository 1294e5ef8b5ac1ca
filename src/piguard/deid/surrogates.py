"""Surrogates: format-valid fakes, the same fake for the same value under one key.

The caller (the ``surrogate`` operator) derives a seed with HMAC from a keyed sub-key and the
canonical value, so a value always maps to the same fake under one key and domain, and
nobody without the key can tell which value a fake stands for. Different values may share a
fake where the fake space is small (names); this is a pseudonym, not an encryption.

What each fake looks like, and why it is not somebody's real identifier:

=====================  ========================================================================
entity                 surrogate
=====================  ========================================================================
CN_RESIDENT_ID         18 characters with a correct MOD 11-2 check character. By default the
(and HMT permit,       region code is one no person can hold (``region="unassigned"``: codes
foreigner PR ID)       ``PP00CC``, a province with prefecture ``00``, which GB/T 2260 never
                       assigns below the province row, or the list the data package gives), so
                       the number passes the check character but never the region check of a
                       full validator. ``region="real"`` draws a current county code (for test
                       systems that validate regions; such a number may exist), ``"keep"`` keeps
                       the original region. ``keep_birth`` = ``year`` / ``decade`` /
                       ``age_band`` keeps that much of the birth date; ``keep_sex`` keeps the
                       parity of the 17th digit. 15-digit legacy numbers give 15-digit fakes.
PHONE_NUMBER           CN mobile: the unassigned block ``154`` + 8 digits (no carrier holds
                       154; ``phonenumbers`` rejects it). CN landline: the same area code and a
                       local number starting with ``1``, which the numbering plan never gives a
                       subscriber. North America: ``555-01xx``, reserved for fiction. Other
                       countries: same country code, other digits (not guaranteed unassigned).
                       Separators and the country-code prefix keep their places.
BANK_CARD              the same BIN (first 6 digits), other digits, a valid Luhn check digit
                       (may coincide with a real card number: use ``fpe``/``encrypt`` where
                       that matters). IMEI: same TAC (8 digits), Luhn-valid.
PERSON_NAME            Chinese: a surname (compound if the original is compound) and given-name
                       characters from the name tables, same length; ``keep_surname`` keeps the
                       surname. Latin script: first and last names from the English tables.
ADDRESS                province + prefecture + county names of a division-table code, a street,
                       a house number (and a room if the original has one); ``keep`` =
                       ``province`` / ``city`` / ``district`` keeps the original down to there.
EMAIL_ADDRESS          a random local part at ``example.com/.org/.net`` (RFC 2606, no mailbox).
IP_ADDRESS             RFC 5737 documentation ranges (IPv4), ``2001:db8::/32`` (IPv6).
MAC_ADDRESS            a locally administered unicast address (never a manufacturer's).
DATE_OF_BIRTH          another real date in the same written form (``keep_birth`` as for IDs).
US_SSN                 area 900–999 with group 01–49: neither an SSN nor an ITIN.
VIN, CN_USCC           same leading characters (WMI / registration office), other characters,
                       the check character recomputed.
others                 digits → digits, letters → letters of the same case, everything else kept.
=====================  ========================================================================

ETHNICITY, RELIGION and HEALTH have no surrogate (free text); the operator rejects them.
"""

from __future__ import annotations

import datetime as _dt
import random
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from piguard.deid import reference
from piguard.deid.address import admin_prefix_end
from piguard.deid.dates import age_band, age_on, parse_date
from piguard.detect import checks
from piguard.detect.preview import SEPARATORS

UNSUPPORTED = frozenset({"ETHNICITY", "RELIGION", "HEALTH"})
ID_ENTITIES = frozenset({"CN_RESIDENT_ID", "CN_RESIDENCE_PERMIT_HMT", "CN_FOREIGNER_PR_ID"})
REGION_CHOICES = ("unassigned", "real", "keep")
BIRTH_CHOICES = ("none", "year", "decade", "age_band")
ADDRESS_KEEP_CHOICES = ("none", "province", "city", "district")
UNASSIGNED_MOBILE_BLOCK = "154"
_SEPARATORS = SEPARATORS  # one definition, shared with the display masks


class UnsupportedValue(ValueError):
    """The operator cannot transform this value (the redactor falls back to a tag)."""


@dataclass(frozen=True, slots=True)
class SurrogateOptions:
    region: str = "unassigned"
    keep_birth: str = "none"
    keep_sex: bool = False
    keep_surname: bool = False
    keep: str = "none"
    keep_domain: bool = False
    today: _dt.date | None = None


# -- helpers ----------------------------------------------------------------------------------
def _is_han(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff" or "\U00020000" <= c <= "\U0002ffff"


def compact(value: str) -> str:
    """The value without separators, full-width digits made ASCII."""
    if value.isascii() and value.isalnum():
        return value
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c
                   for c in value if c not in _SEPARATORS)


def reshape(original: str, new_compact: str) -> str:
    """Put ``new_compact`` into the places of the original's non-separator characters.

    Separators stay where they were; full-width digits stay full-width; a lowercase letter
    position gets a lowercase letter.
    """
    if original.isascii() and original.isalnum() and not any(c.islower() for c in original):
        return new_compact
    out = []
    it = iter(new_compact)
    for c in original:
        if c in _SEPARATORS:
            out.append(c)
            continue
        n = next(it)
        if c.isdecimal() and not c.isascii() and n.isdigit():
            n = chr(ord(c) - unicodedata.decimal(c) + int(n))
        elif c.isalpha() and c.islower():
            n = n.lower()
        out.append(n)
    return "".join(out)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _random_birth(rng: random.Random, original: _dt.date | None, keep: str,
                  today: _dt.date) -> _dt.date:
    """A real past date; keeps the original's year, decade or age band when asked."""
    latest = today - _dt.timedelta(days=18 * 365)
    lo, hi = _dt.date(1940, 1, 1), latest
    if original is not None and keep != "none":
        if keep == "year":
            lo, hi = _dt.date(original.year, 1, 1), _dt.date(original.year, 12, 31)
        elif keep == "decade":
            start = original.year - original.year % 10
            lo, hi = _dt.date(start, 1, 1), _dt.date(start + 9, 12, 31)
        elif keep == "age_band":
            band = age_band(age_on(original, today))
            low_age = int(band.rstrip("+").split("-")[0])
            high_age = 110 if band.endswith("+") else int(band.split("-")[1])
            hi = _date_years_before(today, low_age)
            lo = _date_years_before(today, high_age + 1) + _dt.timedelta(days=1)
        hi = min(hi, today)
    if lo > hi:
        lo = hi
    return lo + _dt.timedelta(days=rng.randrange((hi - lo).days + 1))


def _date_years_before(d: _dt.date, years: int) -> _dt.date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


# -- identity ---------------------------------------------------------------------------------
def _region(rng: random.Random, entity: str, original_region: str | None, opts: SurrogateOptions,
            body_first: str) -> str:
    if opts.region == "keep" and original_region:
        return original_region
    if entity == "CN_RESIDENCE_PERMIT_HMT" and opts.region != "real":
        # 810000/820000/830000 are the only permit regions; 8X00CC is held by nobody.
        head = original_region[:2] if original_region and original_region[:2] in ("81", "82", "83") else "81"
        return f"{head}00{rng.randrange(1, 100):02d}"
    if entity == "CN_FOREIGNER_PR_ID" or body_first == "9":
        # 9 + province of acceptance; province 00 does not exist.
        return "900" + _digits(rng, 3) if opts.region != "real" else "9" + rng.choice(
            reference.generation_divisions())[:2] + _digits(rng, 3)
    if opts.region == "real":
        return rng.choice(reference.generation_divisions())
    return rng.choice(reference.unassigned_regions())


def cn_id(value: str, rng: random.Random, opts: SurrogateOptions, entity: str) -> str:
    c = compact(value).upper()
    today = opts.today or _dt.date.today()
    if len(c) == 18 and c[:17].isdigit():
        region, seq = c[:6], c[14:17]
        birth = checks.real_date(int(c[6:10]), int(c[10:12]), int(c[12:14]))
        new_region = _region(rng, entity, region, opts, c[0])
        new_birth = _random_birth(rng, birth, opts.keep_birth, today)
        seq_n = rng.randrange(1000)
        if opts.keep_sex and seq[2].isdigit() and (seq_n - int(seq[2])) % 2:
            seq_n = (seq_n + 1) % 1000
        body = f"{new_region}{new_birth:%Y%m%d}{seq_n:03d}"
        new = body + checks.mod11_2_check(body)
    elif len(c) == 15 and c.isdigit():
        birth = checks.real_date(1900 + int(c[6:8]), int(c[8:10]), int(c[10:12]))
        new_region = _region(rng, entity, c[:6], opts, c[0])
        new_birth = _random_birth(rng, birth, opts.keep_birth, min(today, _dt.date(1999, 12, 31)))
        if new_birth.year < 1900:
            new_birth = new_birth.replace(year=1950)
        seq_n = rng.randrange(1000)
        if opts.keep_sex and (seq_n - int(c[14])) % 2:
            seq_n = (seq_n + 1) % 1000
        new = f"{new_region}{new_birth:%y%m%d}{seq_n:03d}"
    else:
        raise UnsupportedValue("not an 18- or 15-character ID number")
    if new == c:
        raise UnsupportedValue("surrogate collided with the original")
    return reshape(value, new)


# -- contact ----------------------------------------------------------------------------------
def _area_code(digits: str) -> str:
    fn = reference._data_fn("cn_area_code")
    if fn is not None:
        try:
            area = fn(digits)
        except (LookupError, ValueError):
            area = None
        if isinstance(area, str) and area:
            return area
    return digits[:3] if digits[:2] in ("01", "02") else digits[:4]


def _country_code(digits: str) -> str:
    import phonenumbers

    try:
        return str(phonenumbers.parse("+" + digits, None).country_code)
    except phonenumbers.NumberParseException:
        return digits[:2]


def phone(value: str, rng: random.Random, opts: SurrogateOptions, entity: str) -> str:
    d = compact(value)
    if not d.isdigit() or len(d) < 7:
        raise UnsupportedValue("a phone number needs at least 7 digits")
    plus = value.lstrip().startswith(("+", "＋"))
    exit_code = "00" if d.startswith("00") and not plus else ""
    rest = d[len(exit_code):]
    if plus or exit_code:
        cc = _country_code(rest)
    elif len(d) == 13 and d.startswith("861"):
        cc = "86"
    else:
        cc = ""
    national = rest[len(cc):]
    if cc in ("", "86") and len(national) == 11 and national[0] == "1":
        new_national = UNASSIGNED_MOBILE_BLOCK + _digits(rng, 8)
    elif cc == "86" or (cc == "" and national.startswith("0")):
        with_trunk = national if national.startswith("0") else "0" + national
        area = _area_code(with_trunk)
        local_len = len(with_trunk) - len(area)
        if local_len < 4:
            raise UnsupportedValue("unrecognised Chinese phone number")
        # Local numbers never start with 1 (that block is for service codes).
        new = area + "1" + _digits(rng, local_len - 1)
        new_national = new if national.startswith("0") else new[1:]
    elif cc == "1" or (cc == "" and len(national) == 10):
        if len(national) != 10:
            raise UnsupportedValue("a North American number has 10 digits")
        # Keep the area code; 555-0100..0199 is reserved for fiction.
        new_national = national[:3] + "55501" + _digits(rng, 2)
    else:
        new_national = _digits(rng, len(national))
    return reshape(value, exit_code + cc + new_national)


def email(value: str, rng: random.Random, opts: SurrogateOptions, entity: str) -> str:
    local, at, domain = value.rpartition("@")
    if not at or not local:
        raise UnsupportedValue("not an e-mail address")
    first = rng.choice(reference.en_first_names()).lower()
    new_local = f"{first}.{_digits(rng, 4)}"
    new_domain = domain if opts.keep_domain else rng.choice(
        ("example.com", "example.org", "example.net"))
    return f"{new_local}@{new_domain}"


# -- finance / devices ------------------------------------------------------------------------
def _luhn_surrogate(value: str, rng: random.Random, keep: int, min_len: int) -> str:
    c = compact(value)
    if not c.isdigit() or len(c) < min_len:
        raise UnsupportedValue("not a digit string of the expected length")
    for _ in range(16):
        body = c[:keep] + _digits(rng, len(c) - keep - 1)
        new = body + checks.luhn_check_digit(body)
        if new != c:
            return reshape(value, new)
    raise UnsupportedValue("surrogate collided with the original")


def bank_card(value: str, rng: random.Random, opts: SurrogateOptions, entity: str) -> str:
    return _luhn_surrogate(value, rng, 6, 12)


def imei(value: str, rng: random.Random, opts: SurrogateOptions, entity: str) -> str:
    if len(compact(value)) == 15:
        return _luhn_surrogate(value, rng, 8, 15)
    return generic(value, rng, opts, entity)


def us_ssn(value: str, rng: random.Random, opts: SurrogateOptions, entity: str) -> str:
    c = compact(value)
    if len(c) != 9 or not c.isdigit():
        raise UnsupportedValue("an SSN has 9 digits")
    new = "9" + _digits(rng, 2) + f"{rng.randrange(1, 50):02d}" + f"{rng.randrange(1, 10000):04d}"
    return reshape(value, new)


def ip_address(value: str, rng: random.Random, opts: SurrogateOptions, entity: str) -> str:
    if ":" in value:
        groups = [f"{rng.randrange(0x10000):x}" for _ in range(6)]
        return "2001:db8:" + ":".join(groups)
    if value.count(".") != 3:
        raise UnsupportedValue("not an IPv4 address")
    net = rng.choice(("192.0.2", "198.51.100", "203.0.113"))
    return f"{net}.{rng.randrange(1, 255)}"


def mac_address(value: str, rng: random.Random, opts: SurrogateOptions, entity: str) -> str:
    c = compact(value)
    if len(c) != 12 or any(ch not in string.hexdigits for ch in c):
        raise UnsupportedValue("not a MAC address")
    octets = [rng.randrange(256) for _ in range(6)]
    octets[0] = (octets[0] & 0xFC) | 0x02  # locally administered, unicast
    hexed = "".join(f"{o:02X}" for o in octets)
    if value == value.lower():
        hexed = hexed.lower()
    return reshape(value, hexed)


# -- person / location ------------------------------------------------------------------------
def person_name(value: str, rng: random.Random, opts: SurrogateOptions, entity: str) -> str:
    name = value.strip()
    if not name:
        raise UnsupportedValue("empty name")
    if all(_is_han(c) for c in name):
        surname_len = 2 if len(name) >= 3 and name[:2] in reference.compound_surnames() else 1
        for _ in range(16):
            if opts.keep_surname:
                surname = name[:surname_len]
            else:
                # Tables are in population order: mostly common surnames, sometimes rare ones.
                table = (reference.compound_surnames() if surname_len == 2
                         else reference.single_surnames())
                common = table[: 10 if surname_len == 2 else 100]
                surname = rng.choice(common if rng.random() < 0.9 else table)
            given = "".join(rng.choice(reference.given_name_chars())
                            for _ in range(max(len(name) - surname_len, 0)))
            new = surname + given
            if new != name:
                return value.replace(name, new)
        raise UnsupportedValue("surrogate collided with the original")
    if any(_is_han(c) for c in name):
        # Transliterated names with a middle dot (阿卜杜·热合曼): random given-name characters.
        return "".join(rng.choice(reference.given_name_chars()) if _is_han(c) else c
                       for c in value)
    words = name.split()
    if not all(w.replace("-", "").replace("'", "").replace(".", "").isalpha() for w in words):
        raise UnsupportedValue("not a name")
    new_words = []
    for i, w in enumerate(words):
        last = i == len(words) - 1
        if last and opts.keep_surname:
            new_words.append(w)
            continue
        pick = rng.choice(reference.en_last_names() if last and len(words) > 1
                          else reference.en_first_names())
        new_words.append(pick.upper() if w.isupper() and len(w) > 1 else pick)
    return value.replace(name, " ".join(new_words))


def address(value: str, rng: random.Random, opts: SurrogateOptions, entity: str) -> str:
    text = value.strip()
    if not any(_is_han(c) for c in text):
        street = rng.choice(reference.en_last_names())
        return f"{rng.randrange(1, 1000)} {street} Street"
    head = ""
    if opts.keep != "none":
        end = admin_prefix_end(text, opts.keep)
        head = text[:end] if end else ""
    if not head:
        code = rng.choice(reference.generation_divisions())
        head = reference.full_division_name(code) or ""
    street = "".join(rng.choice(reference.STREET_WORDS) for _ in range(2))
    new = f"{head}{street}{rng.choice(reference.STREET_SUFFIXES)}{rng.randrange(1, 400)}号"
    if any(k in text for k in ("室", "单元", "栋", "楼", "幢")):
        new += f"{rng.randrange(1, 30)}栋{rng.randrange(1, 6)}单元{rng.randrange(1, 33)}0{rng.randrange(1, 5)}室"
    return new


def date_of_birth(value: str, rng: random.Random, opts: SurrogateOptions, entity: str) -> str:
    parsed = parse_date(value)
    if parsed is None:
        raise UnsupportedValue("not a date in a supported form")
    birth, style = parsed
    today = opts.today or _dt.date.today()
    for _ in range(16):
        new = _random_birth(rng, birth, opts.keep_birth, today)
        if new != birth:
            return style.format(new)
    raise UnsupportedValue("surrogate collided with the original")


# -- checked codes and the generic fallback ---------------------------------------------------
_VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def vin(value: str, rng: random.Random, opts: SurrogateOptions, entity: str) -> str:
    c = compact(value).upper()
    if len(c) != 17:
        raise UnsupportedValue("a VIN has 17 characters")
    chars = list(c[:3] + "".join(rng.choice(_VIN_ALPHABET) for _ in range(14)))
    chars[8] = checks.vin_check_char("".join(chars)) or "0"
    return reshape(value, "".join(chars))


def uscc(value: str, rng: random.Random, opts: SurrogateOptions, entity: str) -> str:
    c = compact(value).upper()
    if len(c) != 18:
        raise UnsupportedValue("a USCC has 18 characters")
    org = "".join(rng.choice(string.digits + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    org += checks.org_code_check_char(org)
    body = c[:8] + org
    if any(ch not in _USCC_ALPHABET for ch in body):
        raise UnsupportedValue("character outside the USCC alphabet")
    return reshape(value, body + checks.uscc_check_char(body))


def generic(value: str, rng: random.Random, opts: SurrogateOptions, entity: str) -> str:
    out = []
    changed = False
    for c in value:
        if c.isdecimal():
            n = rng.choice(string.digits)
            if not c.isascii():
                n = chr(ord(c) - unicodedata.decimal(c) + int(n))
        elif c.isascii() and c.isupper():
            n = rng.choice(string.ascii_uppercase)
        elif c.isascii() and c.islower():
            n = rng.choice(string.ascii_lowercase)
        else:
            n = c
        changed |= n != c
        out.append(n)
    if not changed:
        raise UnsupportedValue("no digit or letter to replace")
    return "".join(out)


_GENERATORS: dict[str, Callable[[str, random.Random, SurrogateOptions, str], str]] = {
    **dict.fromkeys(ID_ENTITIES, cn_id),
    "PHONE_NUMBER": phone,
    "EMAIL_ADDRESS": email,
    "BANK_CARD": bank_card,
    "IMEI": imei,
    "US_SSN": us_ssn,
    "IP_ADDRESS": ip_address,
    "MAC_ADDRESS": mac_address,
    "PERSON_NAME": person_name,
    "ADDRESS": address,
    "DATE_OF_BIRTH": date_of_birth,
    "VIN": vin,
    "CN_USCC": uscc,
}


def supports(entity: str) -> bool:
    return entity not in UNSUPPORTED


def make(entity: str, value: str, seed: bytes, opts: SurrogateOptions) -> str:
    """The surrogate of ``value`` for ``entity`` drawn from ``seed`` (deterministic)."""
    if entity in UNSUPPORTED:
        raise UnsupportedValue(f"no surrogate for {entity}")
    rng = random.Random(int.from_bytes(seed, "big"))
    return _GENERATORS.get(entity, generic)(value, rng, opts, entity)
