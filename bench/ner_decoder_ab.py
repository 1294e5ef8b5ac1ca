#!/usr/bin/env python3
"""A/B throughput of the default detector with the numpy decoder and with the compiled one
(``piguard.ner._viterbi``), passes interleaved in one process so machine noise hits both.

Usage: OPENBLAS_NUM_THREADS=1 taskset -c 1 .venv/bin/python bench/ner_decoder_ab.py [en|zh] [passes]
Prints chars/s (best pass) of ~2,000-character documents made of presidio synth v2 records
(en) or CLUENER dev + MSRA val records (zh), as in ``ner_eval.py --speed`` (``en-doc``).
"""

from __future__ import annotations

import sys
import time

import ner_eval
import piguard
import piguard.ner as N
from piguard.ner import runtime


def main(argv: list[str]) -> int:
    lang = argv[0] if argv else "en"
    passes = int(argv[1]) if len(argv) > 1 else 12
    if lang == "en":
        texts = ner_eval.load("presidio_synth_v2")[0]
    else:
        texts = ner_eval.load("cluener_dev")[0] + ner_eval.load("msra_val")[0]
    docs = ner_eval._docs(texts)
    n = sum(map(len, docs))
    det = piguard.Detector()
    model = N._get()
    for d in docs:
        det.scan(d)
    variants = {"numpy": False} | ({"compiled": True} if runtime._C is not None else {})
    best = dict.fromkeys(variants, float("inf"))
    for _ in range(passes):
        for name, compiled in variants.items():
            model.compiled = compiled
            t0 = time.perf_counter()
            for d in docs:
                det.scan(d)
            best[name] = min(best[name], time.perf_counter() - t0)
    model.compiled = True
    for name, t in best.items():
        print(f"{lang}-doc decoder={name}: {n / t:,.0f} chars/s (best of {passes}, {n:,} chars)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
