"""The `Finding`: where a value of one entity type sits in a text.

A Finding holds offsets and never the value, so it can be logged, printed and sent to a
report safely. Offsets are Python ``str`` indices into the caller's string (not into any
normalised copy): ``text[f.start:f.end]`` is the value.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Finding:
    entity: str
    start: int
    end: int
    score: float
    evidence: tuple[str, ...] = ()

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Finding) -> bool:
        return self.start < other.end and other.start < self.end

    def to_dict(self) -> dict:
        return {
            "entity": self.entity,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 4),
            "evidence": list(self.evidence),
        }
