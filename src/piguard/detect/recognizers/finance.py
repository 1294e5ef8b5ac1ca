"""Financial identifiers: payment cards, bank accounts, IBANs.

- ``BANK_CARD``: ISO/IEC 7812 PAN, 15–19 digits (groups of 4 with spaces or hyphens
  allowed), on a known brand prefix (UnionPay 62 / 81 and PBOC domestic 9 and 6, Visa 4,
  Mastercard 51–55 and 2221–2720, AmEx 34/37, JCB 3528–3589, Diners 36/38, Discover 6011/65),
  Luhn check. Some legacy domestic debit cards fail Luhn: a 62-prefixed number that fails is
  kept only with a card cue (卡号/银行卡/开户行) and a lower score.
- ``BANK_ACCOUNT``: an account number (账号) right after its cue; no checksum exists.
- ``IBAN``: ISO 13616, country-specific length and mod-97 (python-stdnum).
"""

from __future__ import annotations

import re

from piguard.detect import checks
from piguard.detect.recognizers.base import B, Candidate, E, Pattern

_BRANDS = (
    ("62", "unionpay"), ("81", "unionpay"), ("4", "visa"), ("34", "amex"), ("37", "amex"),
    ("36", "diners"), ("38", "diners"), ("6011", "discover"), ("65", "discover"),
    ("9", "domestic"), ("60", "domestic"), ("68", "domestic"), ("30", "diners"),
    ("50", "maestro"), ("56", "maestro"), ("57", "maestro"), ("58", "maestro"), ("6", "maestro"),
)


def _brand(digits: str) -> str | None:
    if digits[:2] in ("51", "52", "53", "54", "55") or 2221 <= int(digits[:4]) <= 2720:
        return "mastercard"
    if 3528 <= int(digits[:4]) <= 3589:
        return "jcb"
    for prefix, brand in _BRANDS:
        if digits.startswith(prefix):
            return brand
    return None


def _card(text: str, m: re.Match[str]) -> Candidate | None:
    value = m.group()
    digits = value.replace(" ", "").replace("-", "")
    n = len(digits)
    if n < 14 or n > 19:
        return None
    brand = _brand(digits)
    if brand is None:
        return None
    if (n == 15) != (brand == "amex") or (n == 14 and brand != "diners"):
        return None
    if checks.luhn_valid(digits):
        return Candidate("BANK_CARD", m.start(), m.end(), 1.0,
                         ("pattern:card", "check:luhn", f"brand:{brand}"))
    if brand == "unionpay" and n >= 16:
        return Candidate("BANK_CARD", m.start(), m.end(), 0.45,
                         ("pattern:card", "check:luhn-failed", f"brand:{brand}"), needs_context=True)
    return None


def _account(text: str, m: re.Match[str]) -> Candidate | None:
    digits = m.group("v").replace(" ", "").replace("-", "")
    if not 8 <= len(digits) <= 30:
        return None
    return Candidate("BANK_ACCOUNT", m.start("v"), m.end("v"), 0.8,
                     ("pattern:bank-account", "context:账号"))


def _iban(text: str, m: re.Match[str]) -> Candidate | None:
    value = m.group()
    # The pattern is greedy over 4-character groups; a word after the IBAN ("… 8901 X in")
    # can be swallowed, so shorter prefixes ending at a separator are tried too.
    ends = [len(value)] + [i for i in range(len(value) - 1, 14, -1) if value[i] in " -"]
    for end in ends:
        if checks.iban_valid(value[:end].replace("-", "")):
            return Candidate("IBAN", m.start(), m.start() + end, 1.0, ("pattern:iban", "check:mod97"))
    return None


PATTERNS = (
    # First digits limited to issued brand ranges (no 0, 1, 20, 21, 28, 29, 7, 80, 82-89), so
    # date-stamped order numbers (2023…) are not even candidates.
    Pattern("card", B + r"(?:[3-69][0-9]|2[2-7]|81)[0-9]{2}[ -]?(?:[0-9]{4}[ -]?){2}[0-9]{4}(?:[ -]?[0-9]{1,3})?" + E,
            _card, ("BANK_CARD",)),
    Pattern("card-amex-diners", B + r"3[0-9]{3}[ -]?[0-9]{6}[ -]?[0-9]{4,5}" + E, _card, ("BANK_CARD",)),
    Pattern("bank-account",
            r"(?:银行账号|收款账号|对公账户|银行账户|账号|(?<![A-Za-z])(?:account (?:no\.?|number)|acct\.?(?: no\.?)?))"
            r"[ :：#]{0,3}(?P<v>[0-9][0-9 -]{6,34}[0-9])" + E,
            _account, ("BANK_ACCOUNT",), flags=re.IGNORECASE),
    Pattern("iban", B + r"[A-Z]{2}[0-9]{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?" + E, _iban, ("IBAN",)),
)
