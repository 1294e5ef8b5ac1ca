"""Pass rates of piguard's recognizers on the public test vectors in ../shared/eval.

    .venv/bin/python scripts/vector_pass_rates.py [--shared ../shared] [--json]

- python-stdnum vectors (cn.ric, cn.uscc, iban, luhn, imei, mac): ``validate`` calls; a
  vector passes when piguard's validator agrees (valid ↔ no ``raises``).
- id-validator vectors (CN IDs incl. 15-digit and 81/82/83 permits): ``is_valid`` cases,
  checked by scanning the number after the cue 身份证 and comparing found/not found.
- Presidio recognizer cases (credit card, email, IBAN, IP, MAC, phone, US SSN, KR RRN,
  PL PESEL, IN Aadhaar): a case passes when piguard finds exactly the expected spans of that
  entity (negatives: none). Presidio reports some low-score matches (SSNs without a cue,
  loopback IPs) that piguard deliberately does not; the rates show that honestly.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import piguard
from piguard.detect import checks

PRESIDIO = {
    "credit_card": ("BANK_CARD", "text", "expected_res"),
    "email": ("EMAIL_ADDRESS", "text", "expected_positions"),
    "iban": ("IBAN", "iban", "expected_res"),
    "ip": ("IP_ADDRESS", "text", "expected_positions"),
    "mac": ("MAC_ADDRESS", "text", "expected_positions"),
    "phone": ("PHONE_NUMBER", "text", "expected_positions"),
    "us_ssn": ("US_SSN", "text", "expected_positions"),
    "kr_rrn": ("KR_RRN", "text", "expected_positions"),
    "pl_pesel": ("PL_NATIONAL_ID", "text", "expected_positions"),
    "in_aadhaar": ("IN_AADHAAR", "text", "expected_position"),
}


def _stdnum_validator(name: str):
    from stdnum import mac as stdnum_mac

    return {
        "tests/test_cn_ric.doctest": lambda v: checks.cn_id18_kind(v.replace(" ", "").upper()) is not None,
        "tests/test_cn_uscc.doctest": lambda v: checks.uscc_valid(v.replace(" ", "").upper()),
        "tests/test_iban.doctest": lambda v: checks.iban_valid(v),
        "tests/test_luhn.doctest": lambda v: checks.luhn_valid(v),
        "tests/test_imei.doctest": lambda v: checks.luhn_valid(v.replace("-", "").replace(" ", ""))
        and len(v.replace("-", "").replace(" ", "")) in (14, 15, 16),
        "tests/test_mac.doctest": lambda v: bool(stdnum_mac.is_valid(v)),
    }.get(name)


def stdnum_rates(shared: Path) -> dict[str, tuple[int, int]]:
    data = json.loads((shared / "eval/stdnum_vectors/stdnum_test_vectors.json").read_text())
    out = {}
    for name, spec in data["files"].items():
        validator = _stdnum_validator(name)
        if validator is None:
            continue
        cases = [c for c in spec["calls"] if c["call"] == "validate"]
        ok = sum(validator(c["input"]) == ("raises" not in c) for c in cases)
        out["stdnum:" + Path(name).stem.removeprefix("test_")] = (ok, len(cases))
    return out


def id_validator_rates(shared: Path) -> dict[str, tuple[int, int]]:
    data = json.loads((shared / "eval/id_validator_vectors/cn_id_vectors.json").read_text())
    ok = 0
    cases = data["is_valid"]
    for c in cases:
        found = piguard.scan("身份证 " + c["input"])
        ok += bool(found) == c["valid"]
    return {"id-validator:is_valid": (ok, len(cases))}


def presidio_rates(shared: Path, details: bool = False) -> dict[str, tuple[int, int]]:
    files = json.loads((shared / "eval/presidio_recognizer_cases/presidio_recognizer_test_cases.json")
                       .read_text())["files"]
    out = {}
    failures = defaultdict(list)
    for key, (entity, text_arg, pos_arg) in PRESIDIO.items():
        spec = files[f"presidio-analyzer/tests/test_{key}_recognizer.py"]
        ok = total = 0
        for test in spec["tests"]:
            names = test["argnames"]
            if text_arg not in names or "expected_len" not in names or pos_arg not in names:
                continue
            for case in test["cases"]:
                args = dict(zip(names, case))
                if "leniency" in args:
                    continue
                text = args[text_arg]
                want_len = args["expected_len"]
                pos = args[pos_arg]
                if pos and isinstance(pos[0], int):
                    pos = [pos]
                want = sorted(tuple(p) for p in pos[:want_len]) if want_len else []
                got = sorted((f.start, f.end) for f in piguard.scan(text) if f.entity == entity)
                total += 1
                if got == want:
                    ok += 1
                else:
                    failures[key].append((text, want, got))
        out["presidio:" + key] = (ok, total)
    if details:
        for key, rows in failures.items():
            for text, want, got in rows:
                print(f"  FAIL {key}: {text!r} want {want} got {got}", file=sys.stderr)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--details", action="store_true", help="print failing cases (synthetic test vectors)")
    args = ap.parse_args()
    rates = {**stdnum_rates(args.shared), **id_validator_rates(args.shared),
             **presidio_rates(args.shared, args.details)}
    if args.json:
        print(json.dumps({k: {"passed": a, "total": b} for k, (a, b) in rates.items()}, indent=2))
    else:
        for k, (a, b) in rates.items():
            print(f"{k:32s} {a:4d}/{b:<4d} {a / b:6.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
