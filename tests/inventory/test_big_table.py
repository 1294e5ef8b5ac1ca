"""A one-million-row table: sampling mode in seconds, full scans in bounded memory.

The full scan runs in a subprocess over 200,000 and 1,000,000 rows of the same table shape;
peak memory (RSS, and Arrow's pool peak) must not grow with the table.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from piguard.demo.bigtable import make_sqlite_table
from piguard.inventory import Scanner, ScanOptions, Store

MILLION = 1_000_000


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("big") / "big.db"
    make_sqlite_table(path, MILLION)
    return path


def test_sampling_a_million_row_ten_column_table_takes_seconds(big_db: Path,
                                                               tmp_path: Path) -> None:
    store = Store(str(tmp_path / "inv.db"))
    t0 = time.perf_counter()
    summary = Scanner(store, ScanOptions(mode="sample")).run([str(big_db)])
    elapsed = time.perf_counter() - t0
    assert elapsed < 10, f"sampling took {elapsed:.1f} s"
    a = next(iter(store.assets_all()))
    assert a.rows_total == MILLION and len(a.columns) == 10
    ents = {c.name: c.entity for c in a.columns}
    assert ents == {"id": None, "xm": "PERSON_NAME", "sfzh": "CN_RESIDENT_ID",
                    "shouji": "PHONE_NUMBER", "email": "EMAIL_ADDRESS", "dz": "ADDRESS",
                    "yhk": "BANK_CARD", "amount": None, "status": None, "created_at": None}
    yhk = next(c for c in a.columns if c.name == "yhk")
    assert abs(yhk.estimated_count - 2 * MILLION / 3) < 0.05 * MILLION
    assert summary.rows_read <= 1000


_PROBE = """
import json, resource, sys, time
import pyarrow as pa
from piguard.inventory import ScanOptions, Scanner, Store
store = Store(sys.argv[2])
t0 = time.perf_counter()
s = Scanner(store, ScanOptions(mode="full", include=[sys.argv[3]])).run([sys.argv[1]])
a = next(iter(store.assets_all()))
print(json.dumps({"rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "arrow_peak": pa.default_memory_pool().max_memory(),
                  "rows": a.rows_scanned, "phones": a.columns[1].estimated_count,
                  "seconds": time.perf_counter() - t0}))
"""


def _narrow(src: Path, dst_table: str, rows: int) -> None:
    conn = sqlite3.connect(src)
    conn.execute(f'DROP TABLE IF EXISTS "{dst_table}"')
    conn.execute(f'CREATE TABLE "{dst_table}" (id INTEGER PRIMARY KEY, shouji TEXT, status TEXT)')
    conn.execute(f'INSERT INTO "{dst_table}" SELECT id, shouji, status FROM people '
                 "WHERE id <= ?", (rows,))
    conn.commit()
    conn.close()


def test_full_scan_memory_does_not_grow_with_the_table(big_db: Path, tmp_path: Path) -> None:
    _narrow(big_db, "narrow_200k", 200_000)
    _narrow(big_db, "narrow_1m", MILLION)
    out = {}
    for name in ("narrow_200k", "narrow_1m"):
        proc = subprocess.run([sys.executable, "-c", _PROBE, str(big_db),
                               str(tmp_path / f"{name}.inv.db"), name],
                              capture_output=True, text=True, timeout=300, check=True)
        out[name] = json.loads(proc.stdout.strip().splitlines()[-1])
    small, big = out["narrow_200k"], out["narrow_1m"]
    assert big["rows"] == MILLION and big["phones"] == MILLION
    assert small["rows"] == 200_000
    # Five times the rows, (almost) the same peak: memory is bounded by the batch size.
    assert big["rss_kb"] - small["rss_kb"] < 40_000, out
    assert big["arrow_peak"] < 64 << 20, out
