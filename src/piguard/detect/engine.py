"""The candidate pass: every recognizer pattern over a text, in linear time.

Two backends give identical candidates:

- ``hyperscan`` (when importable): one multi-pattern pass over the UTF-8 bytes with
  *prefilter* versions of the patterns (lookarounds removed, so a superset of the exact
  matches). It tells, per pattern, which lines can hold a match; the exact Python pattern then
  runs only over those lines (adjacent lines coalesced into ranges).
- ``re`` (pure Python): the exact pattern runs over the whole text.

Why the results are identical: no pattern matches across a newline (patterns use ``[ -]``
separators, never ``\\s``), so a ``finditer`` over the whole text and a ``finditer`` over
each line (or run of lines) find the same matches; lookbehinds at a line start see the
``\\n`` and lookaheads at a range end see the end of the range, which agree with what they
see in the whole text. Lines the prefilter does not flag cannot hold an exact match.

All Python patterns are compiled with ``re.ASCII`` (``\\d`` is ``[0-9]``) and are built from
constructs with no nested quantifiers, so matching is linear in the text length.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

try:  # pragma: no cover - exercised in both states by tests via `backend=`
    import hyperscan as _hs
except ImportError:  # pragma: no cover
    _hs = None

HAVE_HYPERSCAN = _hs is not None
BACKEND = "hyperscan" if HAVE_HYPERSCAN and os.environ.get("PIGUARD_ENGINE") != "re" else "re"

_RANGE_GAP = 64  # coalesce flagged lines closer than this into one finditer range

_LOOKAROUND = re.compile(r"\(\?<?[=!](?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)")


_LEADING_NOT = re.compile(r"^\(\?<!(\[[^\]]+\])\)")
_TRAILING_NOT = re.compile(r"\(\?!(\[[^\]]+\])\)$")


def prefilter_form(regex: str) -> str:
    """A hyperscan-compatible pattern matching a superset of ``regex``'s matches.

    A negative class lookbehind at the very start, ``(?<![0-9A-Za-z])``, becomes the
    consuming ``(?:^|[^0-9A-Za-z])`` (and likewise a trailing negative lookahead): the
    prefilter then fires once per isolated value instead of at every end inside a long digit
    run. Any other lookaround is dropped, which can only widen the match set.
    """
    lead = _LEADING_NOT.match(regex)
    head = ""
    if lead:
        head = "(?:^|[^" + lead.group(1)[1:] + ")"
        regex = regex[lead.end():]
    trail = _TRAILING_NOT.search(regex)
    tail = ""
    if trail:
        tail = "(?:[^" + trail.group(1)[1:] + "|$)"
        regex = regex[:trail.start()]
    body = _LOOKAROUND.sub("", regex)
    if "|" in body and (head or tail):
        body = "(?:" + body + ")"
    return head + body + tail


@dataclass(frozen=True, slots=True)
class Spec:
    """One pattern: ``regex`` (exact, Python) and optionally its own hyperscan prefilter."""

    key: int
    regex: str
    flags: int = 0
    hs: str | None = None


class Engine:
    """Compiles a set of :class:`Spec` once; :meth:`matches` yields ``(key, match)``."""

    def __init__(self, specs: Sequence[Spec], backend: str | None = None):
        self.specs = list(specs)
        self.compiled = [re.compile(s.regex, re.ASCII | s.flags) for s in self.specs]
        want = backend or BACKEND
        if want == "hyperscan" and not HAVE_HYPERSCAN:
            raise RuntimeError("the hyperscan backend was asked for but `hyperscan` is not installed")
        self.backend = want
        self._db = None
        if want == "hyperscan":
            self._db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
            exprs, ids, flags = [], [], []
            for i, s in enumerate(self.specs):
                exprs.append((s.hs or prefilter_form(s.regex)).encode("utf-8"))
                ids.append(i)
                f = _hs.HS_FLAG_PREFILTER | _hs.HS_FLAG_UTF8 | _hs.HS_FLAG_ALLOWEMPTY
                if s.flags & re.IGNORECASE:
                    f |= _hs.HS_FLAG_CASELESS
                flags.append(f)
            self._db.compile(expressions=exprs, ids=ids, elements=len(exprs), flags=flags)
            self._scratch = _hs.Scratch(self._db)

    def matches(self, text: str) -> Iterator[tuple[int, re.Match[str]]]:
        if self._db is None:
            for spec, rx in zip(self.specs, self.compiled, strict=True):
                for m in rx.finditer(text):
                    yield spec.key, m
            return
        yield from self._hyperscan_matches(text)

    def _hyperscan_matches(self, text: str) -> Iterator[tuple[int, re.Match[str]]]:
        raw = text.encode("utf-8", errors="replace") if not text.isascii() else text.encode("ascii")
        hits: dict[int, list[int]] = {}

        def on_match(pid: int, _frm: int, to: int, _flags: int, _ctx: object) -> None:
            lst = hits.get(pid)
            if lst is None:
                hits[pid] = [to]
            elif lst[-1] != to:
                lst.append(to)

        self._db.scan(raw, match_event_handler=on_match, scratch=self._scratch)
        if not hits:
            return
        per_pattern = [(pid, list(_line_ranges(raw, hits[pid]))) for pid in sorted(hits)]
        if len(raw) != len(text):
            offsets = sorted({o for _, rs in per_pattern for r in rs for o in r})
            char_of = dict(zip(offsets, _bytes_to_chars(raw, offsets), strict=True))
            per_pattern = [(pid, [(char_of[lo], char_of[hi]) for lo, hi in rs])
                           for pid, rs in per_pattern]
        for pid, ranges in per_pattern:
            rx = self.compiled[pid]
            key = self.specs[pid].key
            for lo, hi in ranges:
                for m in rx.finditer(text, lo, hi):
                    yield key, m


def _line_ranges(raw: bytes, ends: list[int]) -> Iterator[tuple[int, int]]:
    """Byte ranges of whole lines holding the given match ends, close ones coalesced."""
    ends.sort()
    n = len(raw)
    cur_lo = cur_hi = -1
    for to in ends:
        if to <= cur_hi:
            continue
        lo = raw.rfind(b"\n", 0, max(to - 1, 0)) + 1
        hi = raw.find(b"\n", to)
        if hi < 0:
            hi = n
        if cur_hi >= 0 and lo - cur_hi <= _RANGE_GAP:
            cur_hi = hi
            continue
        if cur_hi >= 0:
            yield cur_lo, cur_hi
        cur_lo, cur_hi = lo, hi
    if cur_hi >= 0:
        yield cur_lo, cur_hi


def _bytes_to_chars(raw: bytes, offsets: list[int]) -> list[int]:
    """str offsets for increasing UTF-8 byte offsets that sit on character boundaries."""
    out = []
    b = c = 0
    for off in offsets:
        c += len(raw[b:off].decode("utf-8", errors="replace"))
        b = off
        out.append(c)
    return out
