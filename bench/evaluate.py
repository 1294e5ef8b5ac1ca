#!/usr/bin/env python3
"""Accuracy of piguard's detector on the synthetic benchmark corpus (see gen_corpus.py).

Runs the detector over ``dense.jsonl``, ``negatives.jsonl`` and the labelled log blocks in
``logs.jsonl`` and prints:

- per-entity precision / recall / F1, strict (same entity, same start and end) and overlap
  (same entity, spans intersect; one-to-one);
- per-genre strict precision / recall;
- an error breakdown (missed, boundary, wrong type, spurious) with the most frequent value
  *shapes* (digits -> 9, letters -> A/a, CJK -> 中) and masked examples;
- findings on the hard negatives, by entity and by kind, with masked examples.

Values are never printed raw (the middle is masked), even though the corpus is synthetic.
``--dump-errors FILE`` writes every false positive / false negative as JSONL, raw, with
context, for tuning (``--mask-dump`` masks them too).

``--check`` exits 1 unless: strict F1 >= 0.99 for CN_RESIDENT_ID, BANK_CARD, EMAIL_ADDRESS;
>= 0.97 for PHONE_NUMBER, IP_ADDRESS, CN_LICENSE_PLATE, CN_PASSPORT; and no finding at all on
negatives.jsonl. Exit 2 on usage errors (missing corpus, detector not importable).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE / "out"

THRESHOLDS = {
    "CN_RESIDENT_ID": 0.99, "BANK_CARD": 0.99, "EMAIL_ADDRESS": 0.99,
    "PHONE_NUMBER": 0.97, "IP_ADDRESS": 0.97, "CN_LICENSE_PLATE": 0.97, "CN_PASSPORT": 0.97,
}
MAX_NEGATIVE_FINDINGS = 0

Span = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class Pred:
    entity: str
    start: int
    end: int
    score: float
    evidence: tuple[str, ...]


# --------------------------------------------------------------------------------------
# Detector adapters
# --------------------------------------------------------------------------------------


def make_detector(kind: str, engine: str | None) -> tuple[Callable[[str], list[Pred]], str]:
    """A ``text -> [Pred]`` function and a description."""
    if kind == "stub":
        sys.path.insert(0, str(HERE))
        import stub_detector  # type: ignore[import-not-found]

        fn = stub_detector.scan
        desc = "bench/stub_detector.py (harness self-test, not piguard)"
    else:
        try:
            import piguard
        except ImportError as exc:  # pragma: no cover - environment problem
            raise SystemExit(f"error: cannot import piguard ({exc}); "
                             "run `.venv/bin/pip install -e .` first") from exc
        if kind == "scan" and engine is None:
            fn = piguard.scan
            desc = "piguard.scan (default detector)"
        else:
            kwargs: dict = {"ner": kind != "identifiers"}
            if engine:
                kwargs["engine"] = engine
            det = piguard.Detector(**kwargs)
            fn = det.scan
            desc = f"piguard.Detector({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"
        backend = getattr(det, "backend", None) if kind != "scan" or engine else None
        backend = backend or _backend()
        if backend:
            desc += f", backend {backend}"

    def run(text: str) -> list[Pred]:
        return [Pred(f.entity, f.start, f.end, float(getattr(f, "score", 1.0)),
                     tuple(getattr(f, "evidence", ()) or ())) for f in fn(text)]

    return run, desc


def _backend() -> str | None:
    try:
        from piguard.detect import engine as _engine
    except ImportError:
        return None
    return getattr(_engine, "BACKEND", None)


# --------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------


@dataclass
class Tally:
    gold: int = 0
    pred: int = 0
    strict_tp: int = 0
    overlap_tp_gold: int = 0  # gold spans matched under overlap
    overlap_tp_pred: int = 0  # predictions matched under overlap

    def add(self, other: Tally) -> None:
        self.gold += other.gold
        self.pred += other.pred
        self.strict_tp += other.strict_tp
        self.overlap_tp_gold += other.overlap_tp_gold
        self.overlap_tp_pred += other.overlap_tp_pred

    def strict(self) -> tuple[float, float, float]:
        return prf(self.strict_tp, self.strict_tp, self.pred, self.gold)

    def overlap(self) -> tuple[float, float, float]:
        return prf(self.overlap_tp_pred, self.overlap_tp_gold, self.pred, self.gold)


def prf(tp_p: int, tp_g: int, npred: int, ngold: int) -> tuple[float, float, float]:
    p = tp_p / npred if npred else (1.0 if ngold == 0 else 0.0)
    r = tp_g / ngold if ngold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def _overlaps(a0: int, a1: int, b0: int, b1: int) -> bool:
    return a0 < b1 and b0 < a1


@dataclass
class Error:
    kind: str  # "FN" | "FP"
    category: str  # missed / boundary / wrong_type / spurious
    record: str
    genre: str
    entity: str
    start: int
    end: int
    other: str | None = None  # the overlapping gold/pred entity, for wrong_type / boundary
    score: float | None = None
    evidence: tuple[str, ...] = ()
    hard_negative: str | None = None


@dataclass
class Result:
    per_entity: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    per_genre: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    errors: list[Error] = field(default_factory=list)
    neg_findings: list[tuple[dict, Pred]] = field(default_factory=list)
    embedded_neg_hits: Counter = field(default_factory=Counter)
    bad_offsets: int = 0
    records: int = 0
    chars: int = 0
    seconds: float = 0.0


def compare(rec: dict, preds: list[Pred], res: Result) -> None:
    text = rec["text"]
    genre = rec.get("genre", "?")
    gold: list[Span] = [(s, e, ent) for s, e, ent in rec.get("spans", [])]
    negs = rec.get("hard_negatives", [])
    ok_preds = []
    for p in preds:
        if not (0 <= p.start < p.end <= len(text)):
            res.bad_offsets += 1
            continue
        ok_preds.append(p)
    preds = ok_preds
    gset = set(gold)
    pset = {(p.start, p.end, p.entity) for p in preds}

    local: dict[str, Tally] = defaultdict(Tally)
    for s, e, ent in gold:
        local[ent].gold += 1
        if (s, e, ent) in pset:
            local[ent].strict_tp += 1
    for p in preds:
        local[p.entity].pred += 1

    # overlap matching, one-to-one, same entity, largest overlap first
    pairs = []
    for gi, (gs, ge, gent) in enumerate(gold):
        for pi, p in enumerate(preds):
            if p.entity == gent and _overlaps(gs, ge, p.start, p.end):
                pairs.append((min(ge, p.end) - max(gs, p.start), gi, pi))
    pairs.sort(reverse=True)
    g_used: set[int] = set()
    p_used: set[int] = set()
    for _, gi, pi in pairs:
        if gi in g_used or pi in p_used:
            continue
        g_used.add(gi)
        p_used.add(pi)
        local[gold[gi][2]].overlap_tp_gold += 1
        local[gold[gi][2]].overlap_tp_pred += 1

    for ent, t in local.items():
        res.per_entity[ent].add(t)
        res.per_genre[genre].add(t)

    # errors (strict)
    for s, e, ent in gold:
        if (s, e, ent) in pset:
            continue
        same = [p for p in preds if p.entity == ent and _overlaps(s, e, p.start, p.end)]
        other = [p for p in preds if p.entity != ent and _overlaps(s, e, p.start, p.end)]
        if same:
            cat, oth = "boundary", same[0].entity
        elif other:
            cat, oth = "wrong_type", other[0].entity
        else:
            cat, oth = "missed", None
        res.errors.append(Error("FN", cat, rec["id"], genre, ent, s, e, oth))
    for p in preds:
        if (p.start, p.end, p.entity) in gset:
            continue
        same = [g for g in gold if g[2] == p.entity and _overlaps(g[0], g[1], p.start, p.end)]
        other = [g for g in gold if g[2] != p.entity and _overlaps(g[0], g[1], p.start, p.end)]
        hn = next((n[2] for n in negs if _overlaps(n[0], n[1], p.start, p.end)), None)
        if same:
            cat, oth = "boundary", same[0][2]
        elif other:
            cat, oth = "wrong_type", other[0][2]
        else:
            cat, oth = "spurious", None
        if hn and cat == "spurious":
            res.embedded_neg_hits[(hn, p.entity)] += 1
        res.errors.append(Error("FP", cat, rec["id"], genre, p.entity, p.start, p.end, oth,
                                p.score, p.evidence, hn))


# --------------------------------------------------------------------------------------
# Presentation helpers
# --------------------------------------------------------------------------------------


def mask(v: str) -> str:
    """Keep about a fifth of the characters at each end; star the middle."""
    n = len(v)
    if n <= 2:
        return "*" * n
    k = max(1, n // 5)
    if n <= 4:
        k = 1
    return v[:k] + "*" * (n - 2 * k) + v[n - k:]


_ALNUM_RUN = re.compile(r"[0-9A-Za-z@._+:-]{5,}")


def masked_context(text: str, start: int, end: int, spans: list, left: int = 12,
                   right: int = 8) -> str:
    """``…left⟦masked value⟧right…`` with every other value and long alnum run masked too."""
    lo, hi = max(0, start - left), min(len(text), end + right)
    chars = list(text[lo:hi])
    for s, e, *_ in spans:
        s2, e2 = max(s, lo), min(e, hi)
        if s2 < e2 and not (s == start and e == end):
            chars[s2 - lo:e2 - lo] = mask(text[s2:e2])
    out = "".join(chars)
    a, b = start - lo, end - lo
    def hide(m: re.Match) -> str:
        g = m.group()
        return mask(g) if "@" in g or sum(c.isdigit() for c in g) >= 3 else g

    left_s = _ALNUM_RUN.sub(hide, out[:a])
    right_s = _ALNUM_RUN.sub(hide, out[b:])
    return (f"…{left_s}⟦{mask(text[start:end])}⟧{right_s}…").replace("\n", " ")


def shape(v: str) -> str:
    out = []
    for ch in v:
        if ch.isdigit() and ch.isascii():
            out.append("9")
        elif ch.isascii() and ch.isalpha():
            out.append("A" if ch.isupper() else "a")
        elif "\u4e00" <= ch <= "\u9fff":
            out.append("中")
        else:
            out.append(ch)
    s = "".join(out)
    return s if len(s) <= 48 else s[:45] + "..."


def pct(x: float) -> str:
    return f"{100 * x:6.2f}"


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def print_table(title: str, rows: dict[str, Tally], order: list[str] | None = None) -> None:
    print(f"\n{title}")
    print(f"  {'entity':26} {'gold':>6} {'pred':>6} | {'P':>6} {'R':>6} {'F1':>6} | "
          f"{'P~':>6} {'R~':>6} {'F1~':>6}")
    keys = order or sorted(rows)
    total = Tally()
    for k in keys:
        t = rows[k]
        if t.gold == 0 and t.pred == 0:
            continue
        total.add(t)
        sp, sr, sf = t.strict()
        op, orr, of = t.overlap()
        flag = ""
        if k in THRESHOLDS:
            flag = "  ok" if sf >= THRESHOLDS[k] else f"  < {THRESHOLDS[k]}"
        print(f"  {k:26} {t.gold:6d} {t.pred:6d} | {pct(sp)} {pct(sr)} {pct(sf)} | "
              f"{pct(op)} {pct(orr)} {pct(of)}{flag}")
    sp, sr, sf = total.strict()
    op, orr, of = total.overlap()
    print(f"  {'(micro, all rows)':26} {total.gold:6d} {total.pred:6d} | {pct(sp)} {pct(sr)} "
          f"{pct(sf)} | {pct(op)} {pct(orr)} {pct(of)}")


def print_errors(res: Result, texts: dict[str, str], top: int) -> None:
    by = defaultdict(list)
    for err in res.errors:
        by[(err.kind, err.entity)].append(err)
    print("\nErrors by entity (strict): FN = gold missed exactly, FP = finding not exactly gold")
    print("  categories: missed / boundary (same entity, other span) / wrong_type (overlaps "
          "another entity) / spurious (overlaps no gold)")
    for (kind, ent), errs in sorted(by.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        cats = Counter(e.category for e in errs)
        cat_s = ", ".join(f"{c} {n}" for c, n in cats.most_common())
        print(f"\n  {kind} {ent}: {len(errs)}  ({cat_s})")
        shapes: Counter = Counter()
        example: dict[tuple, Error] = {}
        for e in errs:
            key = (e.category, e.other, shape(texts[e.record][0][e.start:e.end]))
            shapes[key] += 1
            example.setdefault(key, e)
        for key, n in shapes.most_common(top):
            e = example[key]
            cat, other, shp = key
            text, spans = texts[e.record]
            ctx = masked_context(text, e.start, e.end, spans)
            extra = f" vs {other}" if other and other != ent else ""
            hn = f" [hard negative: {e.hard_negative}]" if e.hard_negative else ""
            ev = f" evidence={','.join(e.evidence)}" if e.evidence else ""
            print(f"    {n:5d}  {cat}{extra}  shape {shp!r}  e.g. {ctx} ({e.record}){hn}{ev}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--detector", choices=["scan", "identifiers", "ner", "stub"], default="scan",
                    help="scan: piguard.scan; identifiers: Detector(ner=False); "
                         "ner: Detector(ner=True); stub: harness self-test")
    ap.add_argument("--engine", choices=["re", "hyperscan"], default=None,
                    help="passed to piguard.Detector(engine=...) when it accepts it")
    ap.add_argument("--no-logs", action="store_true", help="skip logs.jsonl")
    ap.add_argument("--limit", type=int, default=0, help="only the first N dense records")
    ap.add_argument("--top", type=int, default=6, help="shapes shown per error group")
    ap.add_argument("--check", action="store_true", help="exit 1 when a threshold fails")
    ap.add_argument("--dump-errors", type=Path, default=None, metavar="FILE",
                    help="write every FP/FN as JSONL (raw values; synthetic data)")
    ap.add_argument("--mask-dump", action="store_true", help="mask values in --dump-errors")
    args = ap.parse_args(argv)

    dense_p, neg_p, logs_p = (args.corpus / n for n in
                              ("dense.jsonl", "negatives.jsonl", "logs.jsonl"))
    for p in (dense_p, neg_p):
        if not p.exists():
            print(f"error: {p} not found; run `python bench/gen_corpus.py` first",
                  file=sys.stderr)
            return 2
    detect, desc = make_detector(args.detector, args.engine)
    try:
        detect("smoke test 13800138000")
    except Exception:  # the detector itself is broken: not a threshold failure
        traceback.print_exc()
        print(f"error: the detector ({desc}) failed on a smoke-test string", file=sys.stderr)
        return 2

    dense = load_jsonl(dense_p)
    if args.limit:
        dense = dense[:args.limit]
    labelled = list(dense)
    if not args.no_logs and logs_p.exists():
        labelled += load_jsonl(logs_p)
    negatives = load_jsonl(neg_p)

    res = Result()
    t0 = time.perf_counter()
    for rec in labelled:
        compare(rec, detect(rec["text"]), res)
        res.chars += len(rec["text"])
    neg_tally = Result()
    for rec in negatives:
        preds = detect(rec["text"])
        compare(rec, preds, neg_tally)
        res.chars += len(rec["text"])
        for p in preds:
            res.neg_findings.append((rec, p))
    res.seconds = time.perf_counter() - t0
    res.records = len(labelled) + len(negatives)
    texts = {r["id"]: (r["text"], r.get("spans", []) + r.get("hard_negatives", []))
             for r in labelled + negatives}

    print(f"detector: {desc}")
    print(f"corpus:   {args.corpus}  ({len(dense)} dense records, "
          f"{len(labelled) - len(dense)} log blocks, {len(negatives)} negatives; "
          f"{res.chars:,} chars scanned in {res.seconds:.1f} s)")
    if res.bad_offsets:
        print(f"WARNING: {res.bad_offsets} findings with offsets outside their text (ignored)")

    order = sorted(res.per_entity, key=lambda k: (k not in THRESHOLDS, k))
    print_table("Per entity (dense + logs); P/R/F1 strict, ~ = overlap match", res.per_entity,
                order)
    print_table("Per genre (all entities)", res.per_genre)
    print_errors(res, texts, args.top)

    # hard negatives
    print(f"\nFindings on negatives.jsonl: {len(res.neg_findings)}")
    by_ent: dict[str, list] = defaultdict(list)
    for rec, p in res.neg_findings:
        by_ent[p.entity].append((rec, p))
    for ent, items in sorted(by_ent.items(), key=lambda kv: -len(kv[1])):
        kinds = Counter()
        for rec, p in items:
            hn = next((n[2] for n in rec.get("hard_negatives", [])
                       if _overlaps(n[0], n[1], p.start, p.end)), rec.get("kind", "?"))
            kinds[hn] += 1
        print(f"  {ent:24} {len(items):5d}  kinds: "
              + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
        for rec, p in items[:3]:
            v = rec["text"][p.start:p.end]
            ctx = masked_context(rec["text"], p.start, p.end, rec.get("hard_negatives", []))
            print(f"      e.g. {ctx} shape {shape(v)!r} in {rec['id']} "
                  f"(score {p.score:.2f}; {','.join(p.evidence)})")
    if res.embedded_neg_hits:
        print("\nSpurious findings on hard negatives embedded in dense/log text (kind -> entity):")
        for (kind, ent), n in res.embedded_neg_hits.most_common():
            print(f"  {kind:22} -> {ent:22} {n:5d}")

    # dump
    if args.dump_errors:
        n = 0
        with args.dump_errors.open("w", encoding="utf-8") as fh:
            for e in res.errors:
                text = texts[e.record][0]
                v = text[e.start:e.end]
                ctx = text[max(0, e.start - 40):e.end + 40]
                if args.mask_dump:
                    ctx = ctx.replace(v, mask(v))
                    v = mask(v)
                fh.write(json.dumps({
                    "type": e.kind, "category": e.category, "entity": e.entity,
                    "other": e.other, "record": e.record, "genre": e.genre,
                    "start": e.start, "end": e.end, "value": v, "shape": shape(v),
                    "context": ctx, "score": e.score, "evidence": list(e.evidence),
                    "hard_negative": e.hard_negative}, ensure_ascii=False) + "\n")
                n += 1
            for rec, p in res.neg_findings:
                v = rec["text"][p.start:p.end]
                fh.write(json.dumps({
                    "type": "FP", "category": "negatives_file", "entity": p.entity,
                    "record": rec["id"], "genre": "negative", "kind": rec.get("kind"),
                    "start": p.start, "end": p.end, "value": mask(v) if args.mask_dump else v,
                    "shape": shape(v), "context": rec["text"] if not args.mask_dump else
                    rec["text"].replace(v, mask(v)), "score": p.score,
                    "evidence": list(p.evidence)}, ensure_ascii=False) + "\n")
                n += 1
        print(f"\nwrote {n} error cases to {args.dump_errors}")

    # thresholds
    failures = []
    for ent, thr in THRESHOLDS.items():
        t = res.per_entity.get(ent)
        if t is None or t.gold == 0:
            failures.append(f"{ent}: no gold spans in corpus")
            continue
        f1 = t.strict()[2]
        if f1 < thr:
            failures.append(f"{ent}: strict F1 {f1:.4f} < {thr}")
    if len(res.neg_findings) > MAX_NEGATIVE_FINDINGS:
        failures.append(f"negatives.jsonl: {len(res.neg_findings)} findings > "
                        f"{MAX_NEGATIVE_FINDINGS}")
    print("\nThresholds: " + ("all met" if not failures else "FAILED"))
    for f in failures:
        print(f"  - {f}")
    return 1 if (args.check and failures) else 0


if __name__ == "__main__":
    sys.exit(main())
