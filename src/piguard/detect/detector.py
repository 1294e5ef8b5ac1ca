"""The Detector: candidates → checks → context → overlap resolution → Findings.

One engine pass per text finds every pattern's candidates (:mod:`piguard.detect.engine`),
each pattern's check validates them (:mod:`piguard.detect.checks`), context cues adjust the
score (:mod:`piguard.detect.context`), and a greedy pass keeps the best of overlapping
candidates (higher score, then longer, then the entity listed first). Offsets are mapped
back through normalisation, so they index the caller's string.
"""

from __future__ import annotations

import bisect
import itertools
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cache

from piguard import entities as _entities
from piguard.detect import context
from piguard.detect.engine import Engine, Spec
from piguard.detect.finding import Finding
from piguard.detect.normalize import Normalized, normalize
from piguard.detect.recognizers import all_patterns
from piguard.detect.recognizers.base import Candidate, Pattern

_NAME_LIKE = re.compile(r"[A-Z][A-Z_]{1,39}")

DEFAULT_MIN_SCORE = 0.5
CONTEXT_WINDOW = 24
POSITIVE_BOOST = 0.35
NEGATIVE_PENALTY = 0.6
NEGATIVE_WINDOW = 6  # a negative cue must label the value itself ("订单号：…", "ts=…")

# Tie-break between equally scored overlapping candidates: earlier wins.
_PRIORITY = {name: i for i, name in enumerate((
    "CN_RESIDENT_ID", "CN_RESIDENCE_PERMIT_HMT", "CN_FOREIGNER_PR_ID", "CN_USCC", "BANK_CARD",
    "IBAN", "EMAIL_ADDRESS", "PHONE_NUMBER", "IMEI", "VIN", "CN_LICENSE_PLATE", "IP_ADDRESS",
))}


class Detector:
    """A configured detector. Thread-safe; build once and reuse.

    ``entities`` limits the entity types (unknown names are an error); ``min_score`` is the
    default threshold; ``ner`` enables the name/address model where installed (default: on,
    unless the environment sets ``PIGUARD_NER=0``); ``engine``
    picks the candidate backend (``"hyperscan"`` or ``"re"``; default: hyperscan when
    importable).
    """

    def __init__(self, entities: Sequence[str] | None = None, *, min_score: float = DEFAULT_MIN_SCORE,
                 ner: bool | None = None, engine: str | None = None,
                 context_window: int = CONTEXT_WINDOW):
        self.entities = _check_entities(entities)
        self.min_score = min_score
        self.ner = ner
        self.context_window = context_window
        self._engine_name = engine
        self._patterns, self._engine = _build(self.entities, engine)
        if ner is None:
            ner = os.environ.get("PIGUARD_NER", "1").lower() not in ("0", "false", "no", "off")
        self._ner = _load_ner() if ner else None
        self._ner_many = _load_ner_many() if self._ner is not None else None

    @property
    def backend(self) -> str:
        return self._engine.backend

    def __repr__(self) -> str:
        n = "all" if self.entities is None else len(self.entities)
        return f"Detector(entities={n}, min_score={self.min_score}, backend={self.backend!r})"

    def scan(self, text: str, *, entities: Sequence[str] | None = None,
             min_score: float | None = None) -> list[Finding]:
        """Findings in ``text``, sorted by start and non-overlapping."""
        if not isinstance(text, str):
            raise TypeError(f"scan() takes a str, not {type(text).__name__}")
        if entities is not None:
            wanted = _check_entities(entities)
            if self.entities is not None:
                wanted = frozenset(wanted & self.entities)
            patterns, engine = _build(wanted, self._engine_name)
        else:
            wanted, patterns, engine = self.entities, self._patterns, self._engine
        threshold = self.min_score if min_score is None else min_score
        return _scan(text, patterns, engine, wanted, threshold, self.context_window, self._ner)

    def scan_many(self, texts: Iterable[str], *, batch: int = 64) -> Iterator[list[Finding]]:
        """Findings for each text, in order. The name/address model runs on ``batch`` texts at
        a time (one packed batch costs far less than many short calls)."""
        if self._ner_many is None:
            for text in texts:
                yield self.scan(text)
            return
        chunk: list[str] = []
        for text in texts:
            if not isinstance(text, str):
                raise TypeError(f"scan_many() takes str items, not {type(text).__name__}")
            chunk.append(text)
            if len(chunk) >= batch:
                yield from self._scan_chunk(chunk)
                chunk = []
        if chunk:
            yield from self._scan_chunk(chunk)

    def _scan_chunk(self, texts: list[str]) -> Iterator[list[Finding]]:
        norms = [normalize(t) for t in texts]
        model = self._ner_many([n.text for n in norms])
        for text, norm, cands in zip(texts, norms, model, strict=True):
            yield _scan(text, self._patterns, self._engine, self.entities, self.min_score,
                        self.context_window, None, norm=norm, ner_cands=cands)


def _check_entities(entities: Sequence[str] | None) -> frozenset[str] | None:
    if entities is None:
        return None
    if isinstance(entities, str):
        entities = [entities]
    unknown = [e for e in entities if e not in _entities.CATALOGUE]
    if unknown:
        # Echo only what looks like an entity name: a value pasted by mistake must not leak.
        shown = sorted(e if _NAME_LIKE.fullmatch(str(e)) else "<not an entity name>" for e in unknown)
        raise ValueError(f"unknown entity name(s): {', '.join(shown)}; "
                         "see `piguard.entities.names()`")
    return frozenset(entities)


@cache
def _build(wanted: frozenset[str] | None, backend: str | None) -> tuple[list[Pattern], Engine]:
    patterns = [p for p in all_patterns() if wanted is None or wanted.intersection(p.entities)]
    specs = [Spec(i, p.regex, p.flags, p.hs) for i, p in enumerate(patterns)]
    return patterns, Engine(specs, backend)


def _scan(text: str, patterns: list[Pattern], engine: Engine, wanted: frozenset[str] | None,
          threshold: float, window: int, ner: NerFunc | None = None, *,
          norm: Normalized | None = None, ner_cands: list[Candidate] | None = None) -> list[Finding]:
    norm = normalize(text) if norm is None else norm
    t = norm.text
    cands: list[Candidate] = []
    for key, m in engine.matches(t):
        res = patterns[key].check(t, m)
        if res is None:
            continue
        for c in (res if isinstance(res, list) else (res,)):
            if wanted is not None and c.entity not in wanted:
                continue
            c = _apply_context(t, c, window)
            if c is not None and c.score >= threshold:
                cands.append(c)
    if ner_cands is None and ner is not None and (wanted is None or not wanted.isdisjoint(NER_ENTITIES)):
        ner_cands = ner(t)
    if ner_cands and (wanted is None or not wanted.isdisjoint(NER_ENTITIES)):
        for c in ner_cands:
            if (wanted is None or c.entity in wanted) and c.score >= threshold:
                cands.append(c)
    if not cands:
        return []
    kept = _resolve(cands)
    out = []
    for c in kept:
        s, e = norm.span(c.start, c.end)
        out.append(Finding(c.entity, s, e, round(c.score, 4), c.evidence))
    return out


def _apply_context(text: str, c: Candidate, window: int) -> Candidate | None:
    if any(ev.startswith("context:") for ev in c.evidence):
        return c  # the cue is part of the pattern
    cue, gap = context.nearest_cue_before(text, c.start, window)
    if cue is not None and c.entity in cue.positive_for:
        score = c.score if c.score >= 1.0 else min(0.99, c.score + POSITIVE_BOOST)
        return Candidate(c.entity, c.start, c.end, score, (*c.evidence, f"context:{cue.keyword}"))
    if cue is not None and cue.negative and gap <= NEGATIVE_WINDOW:
        if c.needs_context:
            return None
        return Candidate(c.entity, c.start, c.end, c.score - NEGATIVE_PENALTY,
                         (*c.evidence, f"context-negative:{cue.keyword}"))
    after = context.cue_right_after(text, c.end)
    if after is not None and c.entity in after.positive_for:
        score = c.score if c.score >= 1.0 else min(0.99, c.score + POSITIVE_BOOST)
        return Candidate(c.entity, c.start, c.end, score, (*c.evidence, f"context:{after.keyword}"))
    if c.needs_context:
        return None
    return c


def _resolve(cands: list[Candidate]) -> list[Candidate]:
    cands.sort(key=lambda c: (c.start, c.end))
    if all(a.end <= b.start for a, b in itertools.pairwise(cands)):
        return cands  # the common case: nothing overlaps
    cands.sort(key=lambda c: (-c.score, -(c.end - c.start), _PRIORITY.get(c.entity, 99), c.start))
    starts: list[int] = []
    kept: list[Candidate] = []
    for c in cands:
        i = bisect.bisect_right(starts, c.start)
        if i > 0 and kept[i - 1].end > c.start:
            continue
        if i < len(kept) and kept[i].start < c.end:
            continue
        starts.insert(i, c.start)
        kept.insert(i, c)
    return kept


NER_ENTITIES = frozenset(("PERSON_NAME", "ADDRESS"))
NerFunc = Callable[[str], list[Candidate]]


def _load_ner() -> NerFunc | None:
    """The name/address recognizer, when the package ships one (``piguard.ner.recognize``).

    It receives the normalised text and returns :class:`Candidate` spans of ``PERSON_NAME``
    and ``ADDRESS``; it decides itself where the model is worth running (cheap triggers).
    """
    try:
        from piguard.ner import recognize
    except ImportError as exc:
        if exc.name not in ("piguard.ner",):
            raise
        return None
    return recognize


def _load_ner_many() -> Callable[[list[str]], list[list[Candidate]]] | None:
    try:
        from piguard.ner import recognize_many
    except ImportError:
        return None
    return recognize_many


_default: Detector | None = None
_default_lock = threading.Lock()


def default_detector() -> Detector:
    """The process-wide default detector (built on first use)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Detector()
    return _default
