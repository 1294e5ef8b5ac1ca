"""Regenerate ``src/piguard/data/division_codes.csv`` (GB/T 2260 codes with validity years).

Inputs:

* the MIT-licensed yearly MCA snapshots 1980-2020 from ``jxlwqq/address-code-of-china``
  (``../shared/eval/cn_admin_division_codes/address_code.csv``: rows ``year,code,name``);
* ``src/piguard/data/division_supplement.csv``: rows the MIT base lacks or mislabels
  (三沙市 districts of 2020, 710000 台湾省, the HK/Macao SAR codes, the 830000
  Taiwan-resident permit prefix);
* ``src/piguard/data/division_changes_2021_2025.csv``: the hand-maintained 2021-2025
  changes, one row per opened or closed (code, name) period, each with its source.

Snapshot year Y holds the state at the end of year Y, so a code last seen in snapshot Y
went out of use during year Y + 1: that year is its ``last_year`` (the last year in which
it was in force for at least part of the year).  A renamed code gets one row per name; the
old name's ``last_year`` equals the new name's ``first_year``.  ``first_year`` 1980 means
"in force in 1980 or earlier".

Run from the repository root::

    .venv/bin/python scripts/gen_division_codes.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "src" / "piguard" / "data"
MIT_RELATIVE = Path("eval") / "cn_admin_division_codes" / "address_code.csv"
BASE_FIRST_YEAR = 1980
BASE_LAST_YEAR = 2020
# Rows of the MIT file that are not MCA data: it adds 810000/820000/830000 from 2013 on
# (830000 labelled 台湾省). They come from division_supplement.csv instead.
MIT_SKIP = {"810000", "820000", "830000"}
PERMIT_ONLY = {"830000"}  # a residence-permit prefix, not a GB/T 2260 division

Period = list  # [first_year, last_year | None, name]


def kind_of(code: str) -> str:
    if code in PERMIT_ONLY:
        return "permit"
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "prefecture"
    return "county"


def read_base(path: Path) -> dict[str, list[Period]]:
    by_code: dict[str, dict[int, str]] = defaultdict(dict)
    with path.open(encoding="utf-8", newline="") as f:
        for year, code, name in csv.reader(f):
            if code in MIT_SKIP:
                continue
            by_code[code][int(year)] = name.strip()
    periods: dict[str, list[Period]] = {}
    for code, names in by_code.items():
        runs: list[Period] = []
        for year in sorted(names):
            name = names[year]
            if runs and runs[-1][2] == name and year <= runs[-1][1] + 1:
                runs[-1][1] = year
            else:
                runs.append([year, year, name])
        result: list[Period] = []
        for first, last_seen, name in runs:
            last = None if last_seen == BASE_LAST_YEAR else last_seen + 1
            # A one-snapshot hole with the same name is a gap in the data, not a change.
            if (
                result
                and result[-1][2] == name
                and result[-1][1] is not None
                and first <= result[-1][1] + 1
            ):
                result[-1][1] = last
            else:
                result.append([first, last, name])
        periods[code] = result
    return periods


def read_hand_file(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        code = row["code"]
        if len(code) != 6 or not code.isdigit():
            raise SystemExit(f"{path.name}: bad code {code!r}")
        if not row["source"].strip():
            raise SystemExit(f"{path.name}: {code} has no source")
    return rows


def apply_rows(periods: dict[str, list[Period]], rows: list[dict[str, str]], label: str) -> None:
    for row in rows:
        code, name = row["code"], row["name"]
        first = int(row["first_year"]) if row["first_year"] else None
        last = int(row["last_year"]) if row["last_year"] else None
        existing = periods.setdefault(code, [])
        if first is None:
            # Closes the open period of (code, name).
            open_periods = [p for p in existing if p[2] == name and p[1] is None]
            if len(open_periods) != 1 or last is None:
                raise SystemExit(f"{label}: cannot close {code} {name}: no single open period")
            open_periods[0][1] = last
            continue
        clash = [p for p in existing if p[1] is None and p[2] != name and last is None]
        if clash:
            raise SystemExit(f"{label}: {code} {name} opens while {clash} is still open")
        if any(p[2] == name and p[1] is None for p in existing):
            raise SystemExit(f"{label}: {code} {name} is already open")
        existing.append([first, last, name])
        existing.sort(key=lambda p: (p[0], p[1] if p[1] is not None else 9999))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=REPO.parent / "shared",
        help="the shared folder holding eval/cn_admin_division_codes",
    )
    parser.add_argument("--out", type=Path, default=DATA / "division_codes.csv")
    args = parser.parse_args(argv)

    base_path = args.shared / MIT_RELATIVE
    if not base_path.exists():
        print(f"missing {base_path}", file=sys.stderr)
        return 2
    periods = read_base(base_path)
    apply_rows(periods, read_hand_file(DATA / "division_supplement.csv"), "supplement")
    apply_rows(periods, read_hand_file(DATA / "division_changes_2021_2025.csv"), "changes")

    rows = []
    for code in sorted(periods):
        for first, last, name in periods[code]:
            rows.append((code, name, first, "" if last is None else last, kind_of(code)))
    with args.out.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["code", "name", "first_year", "last_year", "kind"])
        writer.writerows(rows)
    live = sum(1 for r in rows if r[3] == "")
    print(
        f"{args.out}: {len(rows)} periods, {len(periods)} codes, {live} in force", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
