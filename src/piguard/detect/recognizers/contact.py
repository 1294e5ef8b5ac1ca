"""Contact identifiers: phone numbers, e-mail, QQ, WeChat.

- CN mobile: 11 digits on a prefix that the numbering plan assigns to mobile service
  (table generated from ``phonenumbers`` metadata, ``data/cn_mobile_prefixes.csv``), written
  ``13812345678``, ``138 1234 5678``, ``138-1234-5678`` or with ``+86`` / ``0086`` / ``86-``.
- CN landline: ``0`` + a real area code (``data/cn_area_codes.csv``) + a 7–8 digit local
  number not starting with 0 or 1: ``010-87654321``, ``(0571)87654321``, ``0755 8888 6666``.
  Bare digit strings need a cue (they look like order numbers).
- International: ``+`` and a country code (not 86), validated by ``phonenumbers``; North
  American ``(415) 555-2671`` / ``415-555-2671`` validated as US numbers.
- Service and hotline numbers (95xxx, 10086, 12345, 400/800 ...) are never personal phones.
- QQ (5–11 digits, no leading 0) and WeChat IDs (6–20 characters, leading letter; or
  ``wxid_…``) only right after their cue word.
"""

from __future__ import annotations

import re

import phonenumbers

from piguard import data
from piguard.detect.recognizers.base import Candidate, E, Pattern

_DIGITS = re.compile(r"[0-9]")


def _digits(value: str) -> str:
    return "".join(_DIGITS.findall(value))


_FOREIGN_CC_BEFORE = re.compile(r"\+(?!86)[0-9]{1,3}[ -]?$")


def glued(text: str, start: int, end: int) -> bool:
    """True when the value is one group of a longer separated number or token:
    ``5250 0396 9076 4798``, ``uuid=5f3c-0396-9076-4798-…``."""
    if start >= 2:
        sep, before = text[start - 1], text[start - 2]
        if (sep == "-" and before.isascii() and before.isalnum()) or (sep == " " and before.isdigit()):
            return True
    if end + 1 < len(text):
        sep, after = text[end], text[end + 1]
        if (sep == "-" and after.isascii() and after.isalnum()) or (sep == " " and after.isdigit()):
            return True
    return False


def _cn_mobile(text: str, m: re.Match[str]) -> Candidate | None:
    if glued(text, m.start(), m.end()):
        return None
    if not m.group().startswith(("+", "00", "86", "(")) and _FOREIGN_CC_BEFORE.search(text, max(0, m.start() - 6), m.start()):
        return None  # the national part of a foreign number: +49 151 3965 6892
    digits = _digits(m.group())
    if len(digits) > 11:
        digits = digits[-11:]
    if not data.is_cn_mobile(digits):
        return None
    return Candidate("PHONE_NUMBER", m.start(), m.end(), 0.85,
                     ("pattern:cn-mobile", "check:mobile-prefix", "kind:mobile"))


def _cn_landline(text: str, m: re.Match[str]) -> Candidate | None:
    if glued(text, m.start(), m.end()):
        return None
    value = m.group()
    digits = _digits(value)
    if value.startswith(("+", "00")):
        digits = "0" + digits[2:] if digits.startswith("86") else "0" + digits[4:]
    if data.is_service_number(digits):
        return None
    area = data.cn_area_code(digits)
    if area is None:
        return None
    local = digits[len(area):]
    if len(local) not in (7, 8) or local[0] in "01":
        return None
    formatted = any(c in value for c in " -()+")
    score = 0.7 if formatted else 0.45
    return Candidate("PHONE_NUMBER", m.start(), m.end(), score,
                     ("pattern:cn-landline", "check:area-code", "kind:landline"),
                     needs_context=not formatted)


_NOT_PERSONAL = frozenset((
    phonenumbers.PhoneNumberType.TOLL_FREE, phonenumbers.PhoneNumberType.PREMIUM_RATE,
    phonenumbers.PhoneNumberType.SHARED_COST, phonenumbers.PhoneNumberType.UAN,
))


def _personal(num: phonenumbers.PhoneNumber) -> bool:
    return phonenumbers.is_valid_number(num) and phonenumbers.number_type(num) not in _NOT_PERSONAL


def _intl(text: str, m: re.Match[str]) -> Candidate | None:
    value = m.group()
    try:
        num = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return None
    if num.country_code == 86 or not _personal(num):
        return None
    return Candidate("PHONE_NUMBER", m.start(), m.end(), 0.8,
                     ("pattern:intl-phone", "check:phonenumbers", "kind:international"))


def _nanp(text: str, m: re.Match[str]) -> Candidate | None:
    try:
        num = phonenumbers.parse(m.group(), "US")
    except phonenumbers.NumberParseException:
        return None
    if not _personal(num):
        return None
    return Candidate("PHONE_NUMBER", m.start(), m.end(), 0.6,
                     ("pattern:nanp-phone", "check:phonenumbers", "kind:international"))


_TLD_OK = re.compile(r"\.(?:[A-Za-z]{2,24}|xn--[A-Za-z0-9-]{1,59})$")


def _email(text: str, m: re.Match[str]) -> Candidate | None:
    value = m.group()
    local, _, domain = value.rpartition("@")
    if local.startswith(".") or local.endswith(".") or ".." in value or not _TLD_OK.search(domain):
        return None
    if any(len(label) > 63 or label.startswith("-") or label.endswith("-")
           for label in domain.split(".")):
        return None
    return Candidate("EMAIL_ADDRESS", m.start(), m.end(), 0.95, ("pattern:email", "check:domain"))


def _cued(entity: str, name: str, cue: str, score: float = 0.9):
    def check(text: str, m: re.Match[str]) -> Candidate:
        return Candidate(entity, m.start("v"), m.end("v"), score, (f"pattern:{name}", f"context:{cue}"))
    return check


_MOBILE = r"(?:(?:\+|00)86[ -]?|86[ -]|\(\+?86\)[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}"
_LANDLINE = (r"(?:(?:\+|00)86[ -]?(?:\([1-9][0-9]{1,3}\)|[1-9][0-9]{1,3})"
             r"|\(0[1-9][0-9]{1,3}\)|0[1-9][0-9]{1,3})[ -]?[2-9][0-9]{2,3}[ -]?[0-9]{4}")

PATTERNS = (
    Pattern("cn-mobile", r"(?<![0-9A-Za-z+])" + _MOBILE + E, _cn_mobile, ("PHONE_NUMBER",)),
    Pattern("cn-landline", r"(?<![0-9A-Za-z+])" + _LANDLINE + E, _cn_landline, ("PHONE_NUMBER",)),
    Pattern("intl-phone",
            r"(?<![0-9A-Za-z+])\+(?!86)[1-9][0-9]{0,2}(?:[ .-]?\(?[0-9]{1,4}\)?){2,5}" + E,
            _intl, ("PHONE_NUMBER",)),
    Pattern("nanp-phone",
            r"(?<![0-9A-Za-z+(])(?:\([2-9][0-9]{2}\) ?|[2-9][0-9]{2}[.-])[2-9][0-9]{2}[.-][0-9]{4}" + E,
            _nanp, ("PHONE_NUMBER",)),
    Pattern("email",
            r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+"
            r"(?:[A-Za-z]{2,24}|xn--[A-Za-z0-9-]{1,59})(?![A-Za-z0-9-])",
            _email, ("EMAIL_ADDRESS",),
            # Prefilter on the "@" and its neighbours only: bounded repeats slow the scan.
            hs=r"[A-Za-z0-9._%+-]@[A-Za-z0-9]"),
    Pattern("qq", r"(?:(?<![A-Za-z])QQ|扣扣)(?:号码?|号|账号)?(?:是|为| is| number is| no\.?)?[ :：=]{0,3}"
            r"(?P<v>[1-9][0-9]{4,10})" + E,
            _cued("CN_QQ", "qq", "QQ"), ("CN_QQ",), flags=re.IGNORECASE),
    Pattern("wechat",
            r"(?:(?:微信号?|[vV]信)(?:吧|是|为|号是)?[ :：]{0,3}"
            r"|(?<![A-Za-z])(?:wechat(?: ?id)?|weixin|wx|vx)(?: is|[ :：=]){1,3}[ ]?)"
            r"(?P<v>[A-Za-z][A-Za-z0-9_-]{5,19})(?![A-Za-z0-9_-])",
            _cued("CN_WECHAT_ID", "wechat", "微信"), ("CN_WECHAT_ID",), flags=re.IGNORECASE),
    Pattern("wxid", r"(?<![A-Za-z0-9_])(?P<v>wxid_[a-z0-9]{8,24})(?![A-Za-z0-9_])",
            _cued("CN_WECHAT_ID", "wxid", "wxid_", 0.95), ("CN_WECHAT_ID",)),
)
