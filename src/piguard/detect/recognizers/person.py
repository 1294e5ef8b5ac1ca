"""Person attributes that have a fixed written form: the date of birth.

``DATE_OF_BIRTH`` needs its cue (出生日期/生日/DOB/date of birth/born) right before a date
(``1990-03-07``, ``1990/3/7``, ``1990年3月7日``, ``19900307``, ``03/07/1990``,
``7 March 1990``, ``March 7, 1990``); the date must be real and in the past.
Names and addresses come from the model-based recognizer (issue: names and addresses).
"""

from __future__ import annotations

import re

from piguard.detect import checks
from piguard.detect.recognizers.base import Candidate, Pattern

_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
_NUM = re.compile(r"[0-9]+")
_WORD = re.compile(r"[A-Za-z]+")


def _parse(value: str) -> tuple[int, int, int] | None:
    nums = [int(x) for x in _NUM.findall(value)]
    word = _WORD.search(value)
    if word:
        month = _MONTHS.get(word.group()[:3].lower())
        if month is None or len(nums) != 2:
            return None
        day, year = (nums[0], nums[1]) if nums[1] > 31 else (nums[1], nums[0])
        return year, month, day
    if len(nums) == 1 and len(str(nums[0])) == 8:
        s = str(nums[0])
        return int(s[:4]), int(s[4:6]), int(s[6:])
    if len(nums) == 3:
        if nums[0] > 31:
            return nums[0], nums[1], nums[2]
        return nums[2], nums[0], nums[1]  # US order mm/dd/yyyy
    return None


def _dob(text: str, m: re.Match[str]) -> Candidate | None:
    parts = _parse(m.group("v"))
    if parts is None or checks.real_date(*parts, earliest=1900) is None:
        return None
    return Candidate("DATE_OF_BIRTH", m.start("v"), m.end("v"), 0.9,
                     ("pattern:dob", "check:date", "context:birth"))


_MON = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]{0,6}\.?"
_DATE = (r"(?:(?:19|20)[0-9]{2}(?:[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12][0-9]|3[01])"
         r"|年(?:0?[1-9]|1[0-2])月(?:0?[1-9]|[12][0-9]|3[01])日?"
         r"|(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01]))"
         r"|(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12][0-9]|3[01])/(?:19|20)[0-9]{2}"
         r"|(?:0?[1-9]|[12][0-9]|3[01]) " + _MON + r",? (?:19|20)[0-9]{2}"
         r"|" + _MON + r" (?:0?[1-9]|[12][0-9]|3[01]),? (?:19|20)[0-9]{2})")

PATTERNS = (
    Pattern("dob",
            r"(?:出生日期|出生年月日?|生日|出生于|(?<![A-Za-z])(?:DOB|D\.O\.B\.?|date of birth|birth ?date|"
            r"birthday|born(?: on)?))(?:是|为|:| is| was)?[ :：=]{0,3}(?P<v>" + _DATE + r")(?![0-9])",
            _dob, ("DATE_OF_BIRTH",), flags=re.IGNORECASE),
)
