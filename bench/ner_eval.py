#!/usr/bin/env python3
"""Accuracy and speed of piguard's names/addresses (PERSON_NAME, ADDRESS) on labelled dev sets.

Reads ``../shared/eval/normalized/*.spans.jsonl`` (evaluation only; nothing here trains) and
scores the default detector's ``PERSON_NAME``/``ADDRESS`` findings against the gold spans:

| set | gold labels used |
|---|---|
| cluener_dev | name -> PERSON_NAME, address -> ADDRESS |
| msra_val | PER -> PERSON_NAME |
| peoples_daily_dev | PER -> PERSON_NAME |
| resume_dev | NAME -> PERSON_NAME |
| weibo_dev | PER.NAM -> PERSON_NAME |
| presidio_synth_v2 | PERSON -> PERSON_NAME, STREET_ADDRESS -> ADDRESS |

Metrics per set and entity: *strict* (same start, end and type) and *overlap* (a finding of
the same type that overlaps a gold span; one-to-one, greedy) precision/recall/F1.  Findings
of an entity the set does not label (e.g. ADDRESS on MSRA) are not counted.  presidio synth
v2 ADDRESS is printed twice: against its gold as is, and (``ADDRESS*``) with adjacent
STREET_ADDRESS pieces of one address joined (see ``merge_adjacent``).

``--mode detector`` (default) scores ``piguard.Detector()`` at its default threshold, the
product's behaviour; ``--mode raw`` scores every span ``piguard.ner.recognize`` proposes,
whatever its score (e.g. bare place names, which the detector keeps below the threshold
only if ``PLACE_ONLY_SCORE`` is below it).

Throughput (``--speed``): chars/s of ``piguard.Detector()`` (identifiers + names +
addresses) scanning each record of CLUENER dev + MSRA val (Chinese) and presidio synth v2
(English) one by one (``zh``, ``en``: short texts, 30-90 characters, so per-call overhead
counts), and the same records joined by newlines into ~2,000-character documents
(``zh-doc``, ``en-doc``: what a file scan sees), in this process, best of 3 passes after
a warm-up; and all records of a language joined into one text (``zh-file``, ``en-file``:
what ``piguard scan`` hands the detector for a file, up to 4 MB at a time, so the model's
decoding runs over many windows at once).  Run it with ``OPENBLAS_NUM_THREADS=1 taskset -c 0``
to measure one core.

Usage: .venv/bin/python bench/ner_eval.py [--mode raw] [--speed] [--sets cluener_dev,...] [--model PATH]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "eval" / "normalized"

SETS = {
    "cluener_dev": ("cluener_dev.spans.jsonl", {"name": "PERSON_NAME", "address": "ADDRESS"}),
    "msra_val": ("msra_val.spans.jsonl", {"PER": "PERSON_NAME"}),
    "peoples_daily_dev": ("peoples_daily_dev.spans.jsonl", {"PER": "PERSON_NAME"}),
    "resume_dev": ("resume_dev.spans.jsonl", {"NAME": "PERSON_NAME"}),
    "weibo_dev": ("weibo_dev.spans.jsonl", {"PER.NAM": "PERSON_NAME"}),
    "presidio_synth_v2": ("presidio_synth_v2.spans.jsonl",
                          {"PERSON": "PERSON_NAME", "STREET_ADDRESS": "ADDRESS"}),
}

# sets whose gold splits one address into adjacent pieces: also scored with them joined
MERGED = {"presidio_synth_v2": "ADDRESS"}


def load(name: str, limit: int | None = None) -> tuple[list[str], list[list[tuple[int, int, str]]], dict]:
    fname, mapping = SETS[name]
    texts, golds = [], []
    with (SHARED / fname).open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            texts.append(r["text"])
            golds.append([(s, e, mapping[lab]) for s, e, lab in r["spans"] if lab in mapping])
            if limit and len(texts) >= limit:
                break
    return texts, golds, mapping


MERGE_GAP = re.compile(r"[ \t,]*\Z")


def merge_adjacent(text: str, spans: list[tuple[int, int, str]], entity: str) -> list[tuple[int, int, str]]:
    """Join spans of ``entity`` separated only by spaces/tabs/commas on one line.

    presidio-research templates write one address as several ``{{STREET_ADDRESS}}``
    placeholders side by side (building number, street, unit: ``28245`` ``Puruntie 82``
    ``Apt. 595``), so its gold has three spans where a reader sees one address; its own
    evaluator scores tokens, where this does not matter.  The merged view is what an
    address finding should cover (ARCHITECTURE: from the first unit or street to the last).
    """
    out: list[tuple[int, int, str]] = []
    for s, e, t in sorted(spans):
        if (t == entity and out and out[-1][2] == entity
                and MERGE_GAP.match(text[out[-1][1]:s]) and out[-1][1] <= s):
            out[-1] = (out[-1][0], e, t)
        else:
            out.append((s, e, t))
    return out


def prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def score(golds, preds, entity: str) -> dict:
    n_gold = n_pred = strict = overlap = 0
    for g, p in zip(golds, preds):
        gs = [(s, e) for s, e, t in g if t == entity]
        ps = [(s, e) for s, e, t in p if t == entity]
        n_gold += len(gs)
        n_pred += len(ps)
        gset = set(gs)
        strict += sum(1 for x in ps if x in gset)
        used = set()
        for ps_, pe in ps:
            for i, (gs_, ge) in enumerate(gs):
                if i not in used and ps_ < ge and gs_ < pe:
                    used.add(i)
                    overlap += 1
                    break
    return {"gold": n_gold, "pred": n_pred, "strict": prf(strict, n_pred, n_gold),
            "overlap": prf(overlap, n_pred, n_gold)}


def predict(texts: list[str], mode: str, min_score: float | None = None) -> list[list[tuple[int, int, str]]]:
    if mode == "raw":
        from piguard.detect.normalize import normalize
        from piguard.ner import recognize_many

        norms = [normalize(t) for t in texts]
        out = []
        for nz, cands in zip(norms, recognize_many([nz.text for nz in norms])):
            out.append([(*nz.span(c.start, c.end), c.entity) for c in cands])
        return out
    import piguard

    det = piguard.Detector() if min_score is None else piguard.Detector(min_score=min_score)
    return [[(f.start, f.end, f.entity) for f in det.scan(t)] for t in texts]


def _docs(texts: list[str], size: int = 2000) -> list[str]:
    """Records joined by newlines into documents of about ``size`` characters."""
    out, cur, n = [], [], 0
    for t in texts:
        cur.append(t)
        n += len(t) + 1
        if n >= size:
            out.append("\n".join(cur))
            cur, n = [], 0
    if cur:
        out.append("\n".join(cur))
    return out


def speed(runs: int = 3) -> dict:
    import piguard

    zh = load("cluener_dev")[0] + load("msra_val")[0]
    en = load("presidio_synth_v2")[0]
    det = piguard.Detector()
    out = {}
    cases = (("zh", zh), ("en", en), ("zh-doc", _docs(zh)), ("en-doc", _docs(en)),
             ("zh-file", ["\n".join(zh)]), ("en-file", ["\n".join(en)]))
    for name, texts in cases:
        n = sum(map(len, texts))
        for t in texts[:50]:
            det.scan(t[:5000])
        best = 0.0
        for _ in range(runs):
            t0 = time.perf_counter()
            for t in texts:
                det.scan(t)
            best = max(best, n / (time.perf_counter() - t0))
        out[name] = {"chars": n, "texts": len(texts), "chars_per_s": round(best)}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mode", choices=("detector", "raw"), default="detector")
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--min-score", type=float, default=None,
                    help="detector threshold (default: the detector's own, 0.5)")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--speed", action="store_true", help="also measure chars/s")
    ap.add_argument("--no-accuracy", action="store_true")
    ap.add_argument("--json", type=Path, default=None, help="write the results here")
    ap.add_argument("--model", type=Path, default=None,
                    help="score this model file instead of the shipped one (training experiments)")
    args = ap.parse_args(argv)
    if args.model is not None:
        import piguard.ner as ner
        from piguard.ner.runtime import Model

        ner._model = Model.load(args.model)
    if not SHARED.exists():
        print(f"no evaluation data at {SHARED}", file=sys.stderr)
        return 2
    results: dict = {"mode": args.mode, "sets": {}}
    if not args.no_accuracy:
        print(f"mode={args.mode}" + (f" min_score={args.min_score}" if args.min_score is not None else ""))
        print(f"{'set':20} {'entity':12} {'gold':>5} {'pred':>5}   strict P / R / F1      overlap P / R / F1")
        for name in args.sets.split(","):
            texts, golds, mapping = load(name, args.limit)
            t0 = time.perf_counter()
            preds = predict(texts, args.mode, args.min_score)
            dt = time.perf_counter() - t0
            results["sets"][name] = {}
            for entity in sorted(set(mapping.values()), reverse=True):
                r = score(golds, preds, entity)
                results["sets"][name][entity] = r
                sp, op = r["strict"], r["overlap"]
                print(f"{name:20} {entity:12} {r['gold']:5d} {r['pred']:5d}   "
                      f"{sp[0]:.3f} {sp[1]:.3f} {sp[2]:.3f}      {op[0]:.3f} {op[1]:.3f} {op[2]:.3f}")
            if name in MERGED:
                entity = MERGED[name]
                merged = [merge_adjacent(t, g, entity) for t, g in zip(texts, golds)]
                r = score(merged, preds, entity)
                results["sets"][name][entity + " (merged)"] = r
                sp, op = r["strict"], r["overlap"]
                print(f"{name:20} {entity[:7] + '*':12} {r['gold']:5d} {r['pred']:5d}   "
                      f"{sp[0]:.3f} {sp[1]:.3f} {sp[2]:.3f}      {op[0]:.3f} {op[1]:.3f} {op[2]:.3f}")
            results["sets"][name]["seconds"] = round(dt, 2)
    if args.speed:
        results["speed"] = speed()
        for lang, r in results["speed"].items():
            print(f"throughput {lang}: {r['chars_per_s']:,} chars/s over {r['chars']:,} chars "
                  f"({r['texts']} texts), Detector() default, one process")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
