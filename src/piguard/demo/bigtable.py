"""A large synthetic table for benchmarks and bounded-memory tests.

``make_sqlite_table(path, rows)`` writes an SQLite table ``people`` with 10 columns (id,
xm 姓名, sfzh 身份证号, shouji 手机, email, dz 地址, yhk 银行卡, amount, status, created_at).
Generating a million valid IDs in Python would take longer than the scan being measured, so
a pool of synthetic people is generated once and rows cycle through it inside SQLite.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from piguard.demo import fake

COLUMNS = ("id", "xm", "sfzh", "shouji", "email", "dz", "yhk", "amount", "status", "created_at")


def make_sqlite_table(path: Path | str, rows: int = 1_000_000, *, table: str = "people",
                      pool: int = 5000, seed: int = 1, minors_share: float = 0.05) -> Path:
    """Create (or replace) ``table`` with ``rows`` rows in the SQLite file at ``path``."""
    path = Path(path)
    rng = random.Random(seed)
    people = []
    for i in range(pool):
        born = fake.birth_date(rng, minor=rng.random() < minors_share)
        people.append((i, fake.person_name(rng), fake.resident_id(rng, born), fake.mobile(rng),
                       fake.email(rng), fake.address(rng), fake.bank_card(rng)))
    conn = sqlite3.connect(path)
    try:
        conn.executescript(f"""
            DROP TABLE IF EXISTS "{table}";
            DROP TABLE IF EXISTS _pool;
            CREATE TEMP TABLE _pool (i INTEGER PRIMARY KEY, xm TEXT, sfzh TEXT, shouji TEXT,
                                     email TEXT, dz TEXT, yhk TEXT);
            CREATE TABLE "{table}" (id INTEGER PRIMARY KEY, xm TEXT, sfzh TEXT, shouji TEXT,
                                    email TEXT, dz TEXT, yhk TEXT, amount REAL, status TEXT,
                                    created_at TEXT);
        """)
        conn.executemany("INSERT INTO _pool VALUES (?,?,?,?,?,?,?)", people)
        conn.execute(f"""
            INSERT INTO "{table}"
            WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?)
            SELECT x, p.xm, p.sfzh, p.shouji, p.email, p.dz,
                   CASE WHEN x % 3 = 0 THEN NULL ELSE p.yhk END,
                   (x * 37 % 100000) / 100.0,
                   CASE x % 4 WHEN 0 THEN 'paid' WHEN 1 THEN 'shipped' WHEN 2 THEN 'done'
                              ELSE 'refund' END,
                   date('2023-01-01', '+' || (x % 700) || ' days')
            FROM n JOIN _pool p ON p.i = x % ?
        """, (rows, pool))
        conn.commit()
    finally:
        conn.close()
    return path
