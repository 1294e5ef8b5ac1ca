"""The shape every recognizer family module shares.

A family module declares :class:`Pattern` objects: a regex (the candidate filter, run by the
engine), and a ``check`` that receives the text and the match and returns zero or more
:class:`Candidate` (entity, span, base score, evidence, whether a context cue is required).
Context keywords live in :mod:`piguard.detect.context`; overlap resolution in the detector.

Shared regex pieces keep boundaries consistent: a numeric value must not be glued to other
letters or digits (``B`` = not preceded by ``[0-9A-Za-z]``, ``E`` = not followed by one).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

B = r"(?<![0-9A-Za-z])"
E = r"(?![0-9A-Za-z])"
BD = r"(?<![0-9])"   # digit-only left boundary
ED = r"(?![0-9])"    # digit-only right boundary
SEP = r"[ -]?"       # an optional separator inside a number (never a newline)


@dataclass(frozen=True, slots=True)
class Candidate:
    entity: str
    start: int
    end: int
    score: float
    evidence: tuple[str, ...]
    needs_context: bool = False


Check = Callable[[str, re.Match[str]], "Candidate | list[Candidate] | None"]


@dataclass(frozen=True)
class Pattern:
    name: str
    regex: str
    check: Check
    entities: tuple[str, ...]
    flags: int = 0
    hs: str | None = None
    notes: str = field(default="", compare=False)


def compact(value: str) -> str:
    """Remove separators (space, hyphen, dot) and upper-case."""
    return value.replace(" ", "").replace("-", "").replace(".", "").upper()
