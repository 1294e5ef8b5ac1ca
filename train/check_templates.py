#!/usr/bin/env python3
"""Contamination check: does any hand-written template share a long run of text with an
evaluation set?

Strips the markup from every line of ``train/templates/zh_*.txt`` and looks for runs of
``--n`` characters (default 12) that also occur in the normalised evaluation sets under
``../shared/eval/normalized`` (every ``*.spans.jsonl``: dev, val, test and train splits).
Prints each hit with its template file and line, and the count; then checks that no line
holds a string of ``templates/EXCLUDED.txt`` (exit 1 if one does).  A hit of 12+ characters is
worth reading: names, places and stock phrases (中华人民共和国, 新华社北京…电) can match by
chance; a whole clause cannot.

Usage: python train/check_templates.py [--n 12] [--dir train/templates]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
EVAL = HERE.parent.parent / "shared" / "eval" / "normalized"
TAG = re.compile(r"\[[PALO]:([^\[\]]+)\]")


def excluded() -> list[str]:
    """The strings of templates/EXCLUDED.txt (quoted from evaluation error listings)."""
    path = HERE / "templates" / "EXCLUDED.txt"
    return [w for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith("#") for w in line.split()]


def excluded_hits(folder: Path = HERE / "templates") -> list[str]:
    """``file:line: string`` for every template line that holds an excluded string."""
    words = excluded()
    out = []
    for path in sorted(folder.glob("zh_*.txt")):
        for i, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            text = TAG.sub(r"\1", raw)
            out.extend(f"{path.name}:{i}: {w}" for w in words if w in text)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=12)
    ap.add_argument("--dir", type=Path, default=HERE / "templates", help="template folder")
    args = ap.parse_args(argv)
    n = args.n
    grams: set[str] = set()
    files = sorted(EVAL.glob("*.spans.jsonl"))
    if not files:
        print(f"no evaluation sets under {EVAL}", file=sys.stderr)
        return 2
    for f in files:
        for line in f.open(encoding="utf-8"):
            t = json.loads(line)["text"]
            grams.update(t[i:i + n] for i in range(len(t) - n + 1))
    hits = 0
    lines = 0
    for path in sorted(args.dir.glob("zh_*.txt")):
        for i, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            lines += 1
            text = TAG.sub(r"\1", raw)
            found = {text[j:j + n] for j in range(len(text) - n + 1)} & grams
            if found:
                hits += 1
                print(f"{path.name}:{i}: {sorted(found)[0]!r} ({len(found)} runs)")
    print(f"{hits} of {lines} template lines share a {n}-character run with {len(files)} evaluation files")
    bad = excluded_hits(args.dir)
    for b in bad:
        print("excluded string:", b)
    print(f"{len(bad)} template lines hold a string of templates/EXCLUDED.txt")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
