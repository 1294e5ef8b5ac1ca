"""Regenerate the CN phone tables in ``src/piguard/data/`` from ``phonenumbers`` metadata.

``phonenumbers`` (Apache-2.0, a port of Google's libphonenumber) is the source of truth:

* ``cn_mobile_prefixes.csv`` (``prefix,carrier``): every 5-digit block ``1xxxx`` is tested
  with sample numbers through ``phonenumbers.is_valid_number`` and ``number_type`` ==
  MOBILE; valid blocks are then merged into the shortest 3-, 4- or 5-digit prefixes whose
  numbers share validity and carrier.  Validity and carrier are uniform inside a 5-digit
  block (the mobile pattern and the carrier data never look further), and the script
  checks this on every block.  ``carrier`` is ``phonenumbers.carrier.name_for_number(...,
  'zh')``; empty where the metadata names none (e.g. 162, 165, 1349).
* ``cn_area_codes.csv`` (``code,province,region,region_en``): every long-distance code
  (010, 02x, 0xxx) for which a fixed-line number is valid, with the zh/en descriptions of
  ``phonenumbers.geocoder``; ``province`` is the province-level unit the description starts
  with.

Run from the repository root::

    .venv/bin/python scripts/gen_phone_prefixes.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneNumberType, carrier, geocoder

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "src" / "piguard" / "data"
MOBILE_SUFFIXES = ("000000", "123456", "555555", "987654", "999999")
LOCAL_SAMPLES = ("2345678", "23456789", "62345678", "8765432", "56781234")
FIXED = {PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE}
PROVINCE_SHORT = (
    "北京",
    "天津",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "上海",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "重庆",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
)


def mobile_block(block: str) -> tuple[bool, str]:
    """Validity and carrier of the 5-digit block ``block`` (checked to be uniform)."""
    results = set()
    for suffix in MOBILE_SUFFIXES:
        number = phonenumbers.parse("+86" + block + suffix)
        valid = phonenumbers.is_valid_number(number) and (
            phonenumbers.number_type(number) == PhoneNumberType.MOBILE
        )
        results.add((valid, carrier.name_for_number(number, "zh") if valid else ""))
    if len(results) != 1:
        raise SystemExit(f"block {block} is not uniform: {results}")
    return results.pop()


def merge(blocks: dict[str, str]) -> dict[str, str]:
    """Merge full sets of 10 sibling prefixes with one carrier into their parent prefix."""
    current = dict(blocks)
    for length in (5, 4):
        parents: dict[str, set[str]] = {}
        for prefix, name in current.items():
            if len(prefix) == length:
                parents.setdefault(prefix[:-1], set()).add(name)
        for parent, names in parents.items():
            children = [parent + d for d in "0123456789"]
            if len(names) == 1 and all(c in current for c in children):
                for c in children:
                    del current[c]
                current[parent] = names.pop()
    return current


def mobile_prefixes() -> dict[str, str]:
    valid = {}
    for n in range(10000, 20000):
        block = str(n)
        ok, name = mobile_block(block)
        if ok:
            valid[block] = name
    return merge(valid)


def area_codes() -> list[tuple[str, str, str, str]]:
    candidates = ["10"] + [f"2{d}" for d in range(10)]
    candidates += [f"{a}{b:02d}" for a in range(3, 10) for b in range(100)]
    rows = []
    for code in candidates:
        for local in LOCAL_SAMPLES:
            number = phonenumbers.parse("0" + code + local, "CN")
            if phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in FIXED:
                region = geocoder.description_for_number(number, "zh")
                region_en = geocoder.description_for_number(number, "en")
                province = next((p for p in PROVINCE_SHORT if region.startswith(p)), "")
                rows.append(("0" + code, province, region, region_en))
                break
    return rows


def main() -> int:
    prefixes = mobile_prefixes()
    with (DATA / "cn_mobile_prefixes.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["prefix", "carrier"])
        writer.writerows(sorted(prefixes.items()))
    areas = area_codes()
    with (DATA / "cn_area_codes.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["code", "province", "region", "region_en"])
        writer.writerows(areas)
    print(
        f"phonenumbers {phonenumbers.__version__}: {len(prefixes)} mobile prefixes, "
        f"{len(areas)} area codes",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
