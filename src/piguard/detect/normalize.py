"""Normalisation before matching, with an exact map back to the caller's offsets.

What changes:

- full-width ASCII (U+FF01–U+FF5E) → ASCII, the ideographic space U+3000 → space, ``×`` and
  full-width ``Ｘ`` → ``X`` (ID check characters written that way); these are 1:1, so offsets
  do not move;
- zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen) are removed, so
  ``138\u200b1234\u200b5678`` matches; offsets are mapped back through the kept indices.

Separators inside numbers (spaces, hyphens) are *not* removed: the patterns allow them, so
the finding covers them, as the span conventions require.

ASCII text (the common case for logs) and non-ASCII text without any of these characters
take a fast path that allocates nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ONE_TO_ONE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_ONE_TO_ONE[0x3000] = 0x20
_ONE_TO_ONE[0x00D7] = ord("X")
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_REMOVE = {ord(c): None for c in _ZERO_WIDTH}
_NEEDS = re.compile("[\uff01-\uff5e\u3000\u00d7" + _ZERO_WIDTH + "]")
_HAS_ZW = re.compile("[" + _ZERO_WIDTH + "]")


@dataclass(frozen=True, slots=True)
class Normalized:
    """The normalised text and, when characters were removed, the kept original indices."""

    text: str
    kept: list[int] | None = None  # kept[i] = original index of normalised char i

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text back to the original text."""
        if self.kept is None:
            return start, end
        if start >= end:
            i = self.kept[start] if start < len(self.kept) else (self.kept[-1] + 1 if self.kept else 0)
            return i, i
        return self.kept[start], self.kept[end - 1] + 1


def normalize(text: str) -> Normalized:
    if text.isascii() or _NEEDS.search(text) is None:
        return Normalized(text)
    out = text.translate(_ONE_TO_ONE)
    if _HAS_ZW.search(out) is None:
        return Normalized(out)
    kept = [i for i, c in enumerate(out) if c not in _ZERO_WIDTH]
    return Normalized(out.translate(_REMOVE), kept)
