"""A deliberately small regex detector used only to self-test the bench harness.

It is not piguard and makes no attempt to be good: ``evaluate.py --detector stub`` and
``throughput.py --stub`` use it to check that the scripts run end to end when the real
detector is missing or broken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StubFinding:
    entity: str
    start: int
    end: int
    score: float = 0.5
    evidence: tuple[str, ...] = ("stub",)


_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id_ok(v: str) -> bool:
    return "10X98765432"[sum(int(c) * w for c, w in zip(v[:17], _W, strict=True)) % 11] == \
        v[17].upper()


def _luhn_ok(v: str) -> bool:
    d = [int(c) for c in v if c.isdigit()]
    total = 0
    for i, x in enumerate(reversed(d)):
        if i % 2:
            x = x * 2 - 9 if x > 4 else x * 2
        total += x
    return total % 10 == 0


_PATTERNS = [
    ("CN_RESIDENT_ID", re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])"), _id_ok),
    ("BANK_CARD", re.compile(r"(?<!\d)(?:62|4|5[1-5])\d{2}(?:[ -]?\d{4}){3}(?:\d{3})?(?!\d)"),
     _luhn_ok),
    ("EMAIL_ADDRESS", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"), None),
    ("PHONE_NUMBER", re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), None),
    ("IP_ADDRESS", re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])"), None),
]


def scan(text: str) -> list[StubFinding]:
    found: list[StubFinding] = []
    taken: list[tuple[int, int]] = []
    for entity, rx, check in _PATTERNS:
        for m in rx.finditer(text):
            if check is not None and not check(m.group()):
                continue
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append(StubFinding(entity, m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)
