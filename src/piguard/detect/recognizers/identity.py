"""Chinese identity documents.

- ``CN_RESIDENT_ID``: GB 11643-1999, 18 characters = 6-digit division code + YYYYMMDD birth
  date + 3-digit sequence (odd = male) + ISO 7064 MOD 11-2 check (``X`` = 10). Valid when the
  check matches, the date is real and past, and the division code existed in or after the
  birth year (numbers are for life; abolished codes stay valid for those born before).
  The 15-digit first-generation form (YYMMDD, no check) needs a context cue.
- ``CN_RESIDENCE_PERMIT_HMT``: same layout on 810000 / 820000 / 830000 (HK / Macau / Taiwan).
- ``CN_FOREIGNER_PR_ID``: 2023 foreigner permanent-residence ID, 18 digits, leading 9,
  MOD 11-2 (新版外国人永久居留身份证机读信息规则, 2023).
- ``CN_USCC``: GB 32100-2015 unified social credit code (mod 31) with the GB 11714
  organisation-code check inside; an organisation, detected so that it is not mistaken for
  a personal number.
- Travel documents (context required; formats from NIA/MFA descriptions, see
  research/chinese-pi.md §1.8): passports ``E12345678`` / ``EA1234567`` / ``G12345678`` /
  ``PE``/``SE``/``DE`` + 7, HK/Macau residents' permits ``H``/``M`` + 8 (+2), Taiwan residents'
  permits 8 (+2) digits, exit-entry permits ``C`` + 8 / ``C`` + letter + 7 / ``L`` + 8.
"""

from __future__ import annotations

import re

from piguard.detect import checks
from piguard.detect.recognizers.base import B, Candidate, E, Pattern

_DATE8 = r"(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_DATE6 = r"[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"

_KIND_ENTITY = {
    "citizen": "CN_RESIDENT_ID",
    "hmt_permit": "CN_RESIDENCE_PERMIT_HMT",
    "foreigner_pr": "CN_FOREIGNER_PR_ID",
}


def _id18(text: str, m: re.Match[str]) -> Candidate | None:
    value = m.group().replace(" ", "").replace("-", "")
    try:
        kind, _birth = checks.validate_cn_id18(value.upper())
    except checks.UnknownRegion:
        return Candidate("CN_RESIDENT_ID", m.start(), m.end(), 0.75,
                         ("pattern:id18", "check:mod11-2", "check:date", "check:region-unknown"))
    except checks.InvalidIdentifier:
        return None
    ev = ("pattern:id18", "check:mod11-2", "check:date",
          "check:region" if kind == "citizen" else f"kind:{kind}")
    return Candidate(_KIND_ENTITY[kind], m.start(), m.end(), 1.0, ev)


def _id15(text: str, m: re.Match[str]) -> Candidate | None:
    if checks.cn_id15_birth(m.group()) is None:
        return None
    return Candidate("CN_RESIDENT_ID", m.start(), m.end(), 0.55,
                     ("pattern:id15-legacy", "check:date", "check:region"), needs_context=True)


def _uscc(text: str, m: re.Match[str]) -> Candidate | None:
    if not checks.uscc_valid(m.group()):
        return None
    return Candidate("CN_USCC", m.start(), m.end(), 1.0,
                     ("pattern:uscc", "check:gb32100-mod31", "check:gb11714"))


def _context_only(entity: str, name: str, score: float = 0.5):
    def check(text: str, m: re.Match[str]) -> Candidate:
        return Candidate(entity, m.start(), m.end(), score, (f"pattern:{name}",),
                         needs_context=True)
    return check


PATTERNS = (
    Pattern("id18", B + r"[1-9][0-9]{5}[ -]?" + _DATE8 + r"[ -]?[0-9]{3}[0-9Xx]" + E, _id18,
            ("CN_RESIDENT_ID", "CN_RESIDENCE_PERMIT_HMT", "CN_FOREIGNER_PR_ID")),
    Pattern("id15", B + r"[1-8][0-9]{5}" + _DATE6 + r"[0-9]{3}" + E, _id15, ("CN_RESIDENT_ID",)),
    Pattern("uscc", B + r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}" + E, _uscc,
            ("CN_USCC",)),
    Pattern("cn-passport",
            B + r"(?:E[0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|G[0-9]{8}|(?:PE|SE|DE|MA)[0-9]{7}|K[0-9]{8})" + E,
            _context_only("CN_PASSPORT", "cn-passport"), ("CN_PASSPORT",)),
    Pattern("hk-macau-permit", B + r"[HM][0-9]{8}(?:[0-9]{2})?" + E,
            _context_only("CN_HK_MACAU_PERMIT", "hk-macau-permit"), ("CN_HK_MACAU_PERMIT",)),
    Pattern("exit-entry-permit", B + r"(?:C[0-9A-HJ-NP-Z][0-9]{7}|L[0-9]{8})" + E,
            _context_only("CN_EXIT_ENTRY_PERMIT", "exit-entry-permit"), ("CN_EXIT_ENTRY_PERMIT",)),
    # Taiwan residents' permit: bare digits, so the cue is part of the pattern.
    Pattern("taiwan-permit",
            r"(?:台胞证|台湾居民来往大陆通行证)(?:号码?|号)?[ :：]{0,3}(?P<v>[0-9]{8}(?:[0-9]{2})?)" + E,
            lambda t, m: Candidate("CN_TAIWAN_PERMIT", m.start("v"), m.end("v"), 0.9,
                                   ("pattern:taiwan-permit", "context:台胞证")),
            ("CN_TAIWAN_PERMIT",)),
)
