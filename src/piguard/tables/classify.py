"""Column classification: one entity per column, from its name, comment and sampled values.

For each column of a sample:

1. **Hints** from the name and comment (:mod:`piguard.tables.hints`): ``sfzh`` →
   CN_RESIDENT_ID (strong), ``xm`` → PERSON_NAME (weak), ``COMMENT '手机号'`` → PHONE_NUMBER.
2. **Value evidence** (:mod:`piguard.tables.values`): the share of non-null values that
   validate as each entity, and how much a match proves (checksum > format > weak shape).
3. **Decision.** An entity is accepted when its valid share clears a bar that depends on the
   level and on whether a hint agrees:

   ============  ================  ==================
   level          without a hint    with a hint
   ============  ================  ==================
   PROOF          ≥ 50 %            ≥ 10 %
   FORMAT         ≥ 70 %            ≥ 30 %
   WEAK           never             ≥ 50 %
   hint only      never             strong hint, values present
   ============  ================  ==================

   Among accepted entities the best ``share × level weight + 0.5 × hint`` wins. A name that
   says PI over values that do not validate (a hashed ``phone_md5``) is reported as a hint,
   not as PI.
4. **Free text.** A text column with no single entity goes through the detector
   (``piguard.scan``); it is PI when findings appear in at least 2 values and 1 % (long
   text) or 5 % (short values) of the values scanned; the result carries per-entity counts.

The output follows the JSON shape of ARCHITECTURE.md (``piguard classify --format json``).
"""

from __future__ import annotations

import datetime as _dt
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from piguard.entities import CATALOGUE
from piguard.sources.base import Batch, Column, Document, Problem, Sampling, Table
from piguard.tables import hints as _hints
from piguard.tables import values as _values
from piguard.tables.values import HINT_ONLY, Level

LEVEL_WEIGHT = {Level.PROOF: 1.2, Level.FORMAT: 1.0, Level.WEAK: 0.6}
ID_ENTITIES = frozenset({"CN_RESIDENT_ID", "CN_RESIDENCE_PERMIT_HMT", "CN_FOREIGNER_PR_ID"})
BIRTH_ENTITIES = ID_ENTITIES | {"DATE_OF_BIRTH"}
MODEL_ONLY_SHARE = 0.1   # text columns where only the name/address model finds anything


@dataclass(slots=True)
class Options:
    """How classification samples and decides. Defaults suit an inventory."""

    sample_rows: int = 1000
    sampling: Sampling = Sampling.RANDOM
    text_sample: int = 300            # values per text column given to the detector
    document_chars: int = 2_000_000   # characters of a document scanned in sample mode
    minor_age: int = 14               # PIPL Art. 28/31: under 14 (GB/T 35273 says ≤ 14)
    seed: int = 0
    today: _dt.date | None = None


@dataclass(slots=True)
class ColumnResult:
    column: str
    type: str | None = None
    comment: str | None = None
    entity: str | None = None
    confidence: float = 0.0
    match_ratio: float = 0.0
    evidence: list[str] = field(default_factory=list)
    free_text: bool = False
    entities: dict[str, int] = field(default_factory=dict)
    values_checked: int = 0            # values examined (free text: given to the detector)
    non_null: int = 0                  # non-null values in the sample
    valid: int = 0                     # of them, valid values of ``entity``
    hinted: str | None = None          # the name/comment suggests this entity, values disagree
    example: str | None = None         # a masked preview of one value

    @property
    def personal(self) -> bool:
        return self.entity is None or CATALOGUE[self.entity].personal

    @property
    def is_pi(self) -> bool:
        if self.entity is not None:
            return CATALOGUE[self.entity].personal
        return self.free_text and bool(self.entities)

    @property
    def sensitive(self) -> bool:
        if self.entity is not None:
            return CATALOGUE[self.entity].sensitive and CATALOGUE[self.entity].personal
        return any(CATALOGUE[e].sensitive and CATALOGUE[e].personal
                   for e in self.entities if e in CATALOGUE)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"column": self.column}
        if self.comment:
            out["comment"] = self.comment
        if self.free_text:
            out.update(entity=None, free_text=True, entities=dict(self.entities),
                       sensitive=self.sensitive, values_checked=self.values_checked)
        else:
            out.update(entity=self.entity, confidence=round(self.confidence, 2),
                       match_ratio=round(self.match_ratio, 2), evidence=list(self.evidence),
                       sensitive=self.sensitive)
            if self.entity is not None and not self.personal:
                out["personal"] = False
        if self.hinted:
            out["hinted"] = self.hinted
            out.setdefault("evidence", list(self.evidence))
        if self.example:
            out["example"] = self.example
        return out


@dataclass(slots=True)
class TableResult:
    source: str
    table: str
    kind: str = "table"               # "table" | "document"
    rows_sampled: int = 0
    rows_total: int | None = None
    columns: list[ColumnResult] = field(default_factory=list)
    comment: str | None = None
    sample_rows_with_pi: int = 0      # rows of the sample holding at least one PI value
    sample_minor_rows: int = 0        # rows of the sample whose ID/DOB says under minor_age
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def pi_columns(self) -> list[ColumnResult]:
        return [c for c in self.columns if c.is_pi]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"table": self.table}
        if self.kind != "table":
            out["kind"] = self.kind
        if self.comment:
            out["comment"] = self.comment
        out.update(rows_sampled=self.rows_sampled, rows_total=self.rows_total,
                   columns=[c.to_dict() for c in self.columns])
        if self.sample_minor_rows:
            out["minor_rows_sampled"] = self.sample_minor_rows
        if self.problems:
            out["problems"] = [str(p) for p in self.problems]
        return out


# --------------------------------------------------------------------------- detector


_DETECTOR: Any = None


class RobustDetector:
    """The default detector; when its name/address model fails on a text, that text is
    scanned again without the model (patterns, checks and context only) and the failure is
    counted in ``model_failures``, so one bad text never leaves a whole column unscanned."""

    def __init__(self, inner: Any):
        self.inner = inner
        self.min_score = getattr(inner, "min_score", None)
        self.model_failures = 0
        self._fallback: Any = None

    def __repr__(self) -> str:
        return f"RobustDetector({self.inner!r}, model_failures={self.model_failures})"

    def scan(self, text: str, *, entities: Any = None, min_score: float | None = None) -> list[Any]:
        try:
            return self.inner.scan(text, entities=entities, min_score=min_score)
        except Exception:
            if self._fallback is None:
                from piguard.detect.detector import Detector

                self._fallback = Detector(min_score=self.min_score, ner=False)
            found = self._fallback.scan(text, entities=entities, min_score=min_score)
            self.model_failures += 1
            return found

    def scan_many(self, texts: Iterable[str]) -> Any:
        for text in texts:
            yield self.scan(text)


def detector() -> Any:
    """The shared default detector (built once per process; see :class:`RobustDetector`)."""
    global _DETECTOR
    if _DETECTOR is None:
        from piguard.detect.detector import default_detector

        _DETECTOR = RobustDetector(default_detector())
    return _DETECTOR


def _scan_texts(texts: list[str]) -> list[list[Any]]:
    det = detector()
    return list(det.scan_many(texts))


def _model_note(before: int, where: Any, problems: list[Problem] | None) -> None:
    failed = getattr(detector(), "model_failures", 0) - before
    if failed and problems is not None:
        problems.append(Problem(where, f"name/address model failed on {failed} text value(s); "
                                       "those were scanned without it", "error"))


def _model_based(f: Any) -> bool:
    return any(e.startswith("model:") for e in f.evidence)


def counts_in_text(f: Any, text: str) -> bool:
    """A finding that makes a text column PI: a personal entity, and not a model guess that
    covers the whole cell (whole-cell names and addresses are the value checks' job; the
    model alone calls product names and membership levels names)."""
    if f.entity not in CATALOGUE or not CATALOGUE[f.entity].personal:
        return False
    return not (_model_based(f) and f.end - f.start >= len(text.strip()))


# --------------------------------------------------------------------------- decision


@dataclass(slots=True)
class _Evidence:
    name: str
    non_null: int
    distinct: int
    counts: dict[str, dict[str, Any]]
    hints: dict[str, float]
    hint_evidence: list[str]


def decide(ev: _Evidence) -> tuple[str | None, float, int, list[str]]:
    """``(entity, confidence, valid, evidence)`` for one column (entity None: no single one)."""
    n = ev.non_null
    best: tuple[float, str, float, int] | None = None   # score, entity, confidence, valid
    candidates = set(ev.counts) | set(ev.hints)
    for entity in sorted(candidates):
        h = ev.hints.get(entity, 0.0)
        if h < 0:  # vetoed by the name (a "version" column is not IP addresses)
            continue
        slot = ev.counts.get(entity)
        valid = slot["valid"] if slot else 0
        r = valid / n if n else 0.0
        if slot is not None:
            level = Level(slot["level"])
            if level is Level.PROOF:
                ok = r >= 0.5 or (h > 0 and r >= 0.1)
            elif level is Level.FORMAT:
                ok = r >= 0.7 or (h > 0 and r >= 0.3)
            else:
                ok = h > 0 and r >= 0.5
            if ok and entity == "PERSON_NAME" and h == 0:
                # Han 2–4 character values with a surname are also product and place names;
                # without a hint, require most values to be names and to vary like names.
                ok = r >= 0.8 and (n < 20 or ev.distinct >= 0.2 * n)
            if ok and entity == "ADDRESS" and h == 0:
                ok = r >= 0.6
            weight = LEVEL_WEIGHT[level]
            base, span = {Level.PROOF: (0.55, 0.4), Level.FORMAT: (0.5, 0.35),
                          Level.WEAK: (0.4, 0.25)}[level]
        elif entity in HINT_ONLY:
            ok = h >= _hints.STRONG and n > 0
            r, valid, weight, base, span = 1.0, n, 0.5, 0.5, 0.1
        else:
            continue
        if not ok:
            continue
        score = r * weight + 0.5 * h
        conf = base + span * r + (0.1 * h if h else 0.0)
        if h == 0 and ev.hints and max(ev.hints.values()) >= _hints.STRONG:
            conf -= 0.1  # the name says something else
        conf = max(0.05, min(0.99, conf))
        if best is None or score > best[0]:
            best = (score, entity, conf, valid)
    evidence = list(ev.hint_evidence)
    if best is None:
        return None, 0.0, 0, evidence
    _, entity, conf, valid = best
    if entity in HINT_ONLY and entity not in ev.counts:
        evidence.append(f"values:{n} present")
    else:
        evidence.append(f"values:{valid}/{n} valid")
    return entity, conf, valid, evidence


# --------------------------------------------------------------------------- columns


def _concat(parts: list[Any]) -> Any:
    import pyarrow as pa

    if not parts:
        return pa.array([], pa.string())
    return pa.concat_arrays(parts) if len(parts) > 1 else parts[0]


def _texty(arr: Any, non_null: int) -> tuple[bool, float]:
    """Whether a column holds text worth giving to the detector, and its mean length.

    Text has spaces, Han characters or punctuation: in most values, or in a few values of a
    column of short codes (a log message column where most lines say "ok"). Long codes
    without any of them (card-like merchant numbers, hashes) are not text.
    """
    import pyarrow.compute as pc

    if non_null == 0:
        return False, 0.0
    mean = float(pc.mean(pc.utf8_length(arr)).as_py() or 0.0)
    spaced = pc.sum(pc.match_substring_regex(arr, r"[\s\p{Han}:：,，;；/]")).as_py() or 0
    if spaced >= 0.3 * non_null:
        return True, mean
    return spaced >= max(2, 0.02 * non_null) and mean >= 4, mean


def classify_arrays(columns: list[Column], arrays: dict[str, Any],
                    options: Options | None = None,
                    problems: list[Problem] | None = None,
                    where: Any = None) -> tuple[list[ColumnResult], int, int]:
    """Classify sampled columns. Returns ``(results, rows_with_pi, minor_rows)`` for the sample.

    ``arrays`` maps column name → Arrow string array of the sampled values (equal lengths).
    """
    import pyarrow.compute as pc

    from piguard.detect.preview import mask_value

    options = options or Options()
    cutoff = _values.minor_cutoff(options.minor_age, options.today)
    pi_rows: set[int] = set()
    minor_rows: set[int] = set()
    results: list[ColumnResult] = []
    detector_failed = False
    for col in columns:
        arr = _values.trimmed(arrays[col.name])
        non_null = len(arr) - arr.null_count
        res = ColumnResult(col.name, col.type, col.comment, values_checked=non_null,
                           non_null=non_null)
        results.append(res)
        hinted, hint_ev = _hints.hints(col.name, col.comment)
        if non_null == 0:
            res.evidence = [*hint_ev, "values:none"]
            if any(v > 0 for v in hinted.values()):
                res.hinted = max(hinted, key=lambda e: hinted[e])
            continue
        counts = _values.count_entities(arr)
        distinct = len(pc.unique(arr)) - (1 if arr.null_count else 0)
        entity, conf, valid, evidence = decide(
            _Evidence(col.name, non_null, distinct, counts, hinted, hint_ev))
        res.evidence = evidence
        if entity is not None:
            res.entity, res.confidence, res.valid = entity, conf, valid
            res.match_ratio = valid / non_null
            rows_of = counts.get(entity, {}).get("rows")
            if rows_of is None:  # hint-only entity: every non-null row
                rows_of = set(pc.indices_nonzero(pc.is_valid(arr)).to_pylist())
            if CATALOGUE[entity].personal:
                pi_rows.update(rows_of)
            first = min(rows_of) if rows_of else None
            if first is not None:
                res.example = mask_value(entity, arr[first].as_py())
            if entity in BIRTH_ENTITIES and rows_of:
                ordered = sorted(rows_of)
                vals = pc.take(arr, ordered).to_pylist()
                for row, birth in zip(ordered, _values.birth_dates(entity, vals), strict=True):
                    if birth is not None and birth > cutoff:
                        minor_rows.add(row)
            continue
        if any(v > 0 for v in hinted.values()):
            top = max(hinted, key=lambda e: hinted[e])
            res.hinted = top
            slot = counts.get(top)
            res.evidence.append(f"values:{slot['valid'] if slot else 0}/{non_null} valid")
        texty, mean = _texty(arr, non_null)
        if not texty or detector_failed:
            continue
        if non_null >= 20 and distinct <= 0.1 * non_null:
            # A handful of values repeated (levels, categories, template texts): whatever
            # the detector thinks of "黄金会员", such a column does not describe people.
            res.evidence.append(f"values:categorical ({distinct} distinct)")
            continue
        present = pc.indices_nonzero(pc.is_valid(arr))
        take = present[: options.text_sample]
        texts = pc.take(arr, take).to_pylist()
        before = getattr(detector(), "model_failures", 0)
        try:
            found = _scan_texts(texts)
            _model_note(before, where, problems)
        except Exception as exc:
            detector_failed = True
            if problems is not None:
                problems.append(Problem(where, f"free-text detector unavailable "
                                               f"({type(exc).__name__}); text columns not "
                                               "scanned for PI", "error"))
            continue
        per_entity: dict[str, int] = {}
        with_findings: list[int] = []
        example = None
        model_only = True
        for i, (text, fs) in enumerate(zip(texts, found, strict=True)):
            fs = [f for f in fs if counts_in_text(f, text)]
            if not fs:
                continue
            with_findings.append(take[i].as_py())
            for f in fs:
                per_entity[f.entity] = per_entity.get(f.entity, 0) + 1
                model_only = model_only and _model_based(f)
                if example is None:
                    example = f"{f.entity}: {mask_value(f.entity, text[f.start:f.end])}"
        share = 0.01 if mean >= 16 else 0.05
        if model_only:
            share = max(share, MODEL_ONLY_SHARE)
        scanned = len(texts)
        if per_entity and len(with_findings) >= max(2 if scanned >= 20 else 1,
                                                    share * scanned):
            res.free_text = True
            res.entities = dict(sorted(per_entity.items(), key=lambda kv: -kv[1]))
            res.values_checked = scanned
            res.example = example
            res.evidence.append(f"text:{len(with_findings)}/{scanned} values with findings")
            pi_rows.update(with_findings)
    return results, len(pi_rows), len(minor_rows)


def with_read_columns(columns: list[Column], batches: Iterable[Batch]) -> list[Column]:
    """``columns`` plus any that only appeared while reading (JSON tables reveal fields late)."""
    known = {c.name for c in columns}
    for b in batches:
        for name in b.data.schema.names:
            if name not in known:
                columns.append(Column(name))
                known.add(name)
    return columns


def sample_arrays(columns: list[Column], batches: Iterable[Batch]) -> tuple[dict[str, Any], int]:
    """Concatenate sampled batches into one string array per column (missing → nulls)."""
    import pyarrow as pa

    parts: dict[str, list[Any]] = {c.name: [] for c in columns}
    rows = 0
    for batch in batches:
        data = batch.data
        names = set(data.schema.names)
        for c in columns:
            parts[c.name].append(data.column(c.name) if c.name in names
                                 else pa.nulls(data.num_rows, pa.string()))
        rows += data.num_rows
    return {name: _concat(p) for name, p in parts.items()}, rows


def classify_table(table: Table, options: Options | None = None) -> TableResult:
    """Sample ``table`` and classify its columns. Read errors land in ``problems``."""
    from piguard.sources.base import SourceError

    options = options or Options()
    t0 = time.perf_counter()
    result = TableResult(table.source, table.name, comment=table.comment)
    try:
        limit = None if options.sampling is Sampling.FULL else options.sample_rows
        batches = list(table.batches(options.sampling, limit=limit, seed=options.seed))
        columns = with_read_columns(table.columns(), batches)
        arrays, rows = sample_arrays(columns, batches)
        del batches
        result.rows_sampled = rows
        result.rows_total = table.count_rows()
        if result.rows_total is None and (options.sampling is Sampling.FULL
                                          or rows < options.sample_rows):
            result.rows_total = rows
        cols, pi_rows, minors = classify_arrays(columns, arrays, options,
                                                result.problems, table.location)
        result.columns = cols
        result.sample_rows_with_pi = pi_rows
        result.sample_minor_rows = minors
    except SourceError as exc:
        result.problems.append(Problem(table.location, exc.reason, "skipped"))
    except Exception as exc:  # never let one table stop a scan; never echo its content
        result.problems.append(Problem(table.location, f"read failed ({type(exc).__name__})",
                                       "skipped"))
    result.problems[:0] = table.problems
    result.seconds = time.perf_counter() - t0
    return result


def classify_document(doc: Document, options: Options | None = None,
                      *, max_chars: int | None = None) -> TableResult:
    """Findings per entity in a document (txt, log, docx, pdf), as one free-text column."""
    from piguard.detect.preview import mask_value
    from piguard.sources.base import SourceError

    options = options or Options()
    t0 = time.perf_counter()
    result = TableResult(doc.source, doc.name, kind="document")
    col = ColumnResult("(text)", free_text=True)
    cutoff = _values.minor_cutoff(options.minor_age, options.today)
    chars = 0
    minors = 0
    try:
        units = list(doc.units(max_chars=max_chars))
        found = _scan_texts([u.text for u in units])
        for unit, fs in zip(units, found, strict=True):
            chars += len(unit.text)
            for f in fs:
                if f.entity not in CATALOGUE or not CATALOGUE[f.entity].personal:
                    continue
                col.entities[f.entity] = col.entities.get(f.entity, 0) + 1
                value = unit.text[f.start:f.end]
                if col.example is None:
                    col.example = f"{f.entity}: {mask_value(f.entity, value)}"
                if f.entity in ID_ENTITIES:
                    birth = _values.id_birth("".join(ch for ch in value if ch.isalnum()))
                    if birth is not None and birth > cutoff:
                        minors += 1
        result.rows_sampled = len(units)
    except SourceError as exc:
        result.problems.append(Problem(doc.location, exc.reason, "skipped"))
    except Exception as exc:
        result.problems.append(Problem(doc.location, f"free-text detector failed "
                                                     f"({type(exc).__name__})", "error"))
    col.entities = dict(sorted(col.entities.items(), key=lambda kv: -kv[1]))
    col.values_checked = chars
    col.free_text = True
    result.columns = [col]
    result.sample_minor_rows = minors
    result.sample_rows_with_pi = sum(col.entities.values())
    result.rows_total = result.rows_sampled
    result.problems[:0] = doc.problems
    result.seconds = time.perf_counter() - t0
    return result
