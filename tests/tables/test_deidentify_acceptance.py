"""The acceptance check of ``bench/deidentify_bench.py`` at 20,000 rows: a 5-table shop
(users, addresses, orders, payments, tickets) copied end to end; no original identifier in
the target, every foreign-key and phone join returns the same row count, every surrogate ID
and card validates, row counts match."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import deidentify_bench  # noqa: E402
from piguard.deid.keys import Keyring  # noqa: E402


def test_shop_copy_20k_rows(tmp_path: Path) -> None:
    lines: list[str] = []
    result = deidentify_bench.run_acceptance(20_000, tmp_path, log=lines.append,
                                             keyring=Keyring.from_bytes(b"acceptance-test-key-32-bytes!!!!"))
    assert result["ok"], "\n".join(lines)
    assert result["rows"] == 20_000
    assert not result["leaks"]
    assert result["joins"]["orders.buyer_mobile=users.mobile"] == result["joins"]["orders→users"]
    assert result["invalid"]["checked"] > 10_000
