"""Acceptance benchmark for ``piguard deidentify``: a generated 5-table shop copied end to end.

1. Generates an SQLite shop with ``--rows`` rows in total (default 1,000,000): ``users`` 20 %
   (name, ID number, mobile, e-mail: unique, all distinct), ``addresses`` 15 % (receiver,
   phone, address; FK users), ``orders`` 30 % (FK users and addresses, the buyer's mobile as a
   soft join key), ``payments`` 25 % (card number; FK orders), ``tickets`` 10 % (free text with
   phone numbers, e-mails and ID numbers; FK users and orders).
2. Copies it with ``piguard.tables.deidentify`` (policy ``pseudonymize``) and checks:
   - no original identifier (ID number, phone, e-mail, card) anywhere in the target: every
     cell of every table, and every digit run / e-mail inside the ticket texts;
   - every foreign-key join, and the phone join orders.buyer_mobile = users.mobile, returns
     the same row count on source and target;
   - every surrogate ID number has a valid MOD 11-2 check character and a real birth date
     (its region code is one no person can hold, by design), every card number passes Luhn;
   - row counts match.
3. Measures throughput on a 10-column table with 5 PI columns (all values distinct):
   SQLite → SQLite and CSV → CSV, copy phase and end to end.

Usage::

    python bench/deidentify_bench.py                 # 1M rows (takes a few minutes)
    python bench/deidentify_bench.py --rows 100000 --throughput-rows 100000

Prints figures; exits 1 if a check fails. Everything is synthetic (:mod:`piguard.demo.fake`).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from piguard.demo import fake

SHARES = {"users": 0.20, "addresses": 0.15, "orders": 0.30, "payments": 0.25, "tickets": 0.10}
SCHEMA = """
CREATE TABLE users (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, id_number VARCHAR(18) NOT NULL UNIQUE,
    mobile VARCHAR(11) NOT NULL UNIQUE, email VARCHAR(64) UNIQUE, birthday DATE,
    vip_level TEXT, created_at TEXT);
CREATE TABLE addresses (
    id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), receiver TEXT,
    phone VARCHAR(20), address TEXT, is_default INTEGER);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
    address_id INTEGER REFERENCES addresses(id), buyer_mobile VARCHAR(11), amount REAL,
    status TEXT, created_at TEXT);
CREATE TABLE payments (
    id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders(id),
    card_no VARCHAR(19), amount REAL, paid_at TEXT);
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id),
    order_id INTEGER REFERENCES orders(id), subject TEXT, body TEXT, created_at TEXT);
CREATE INDEX ix_orders_user ON orders(user_id);
CREATE INDEX ix_payments_order ON payments(order_id);
"""
JOINS = {
    "addresses→users": "SELECT COUNT(*) FROM addresses a JOIN users u ON u.id = a.user_id",
    "orders→users": "SELECT COUNT(*) FROM orders o JOIN users u ON u.id = o.user_id",
    "orders→addresses": "SELECT COUNT(*) FROM orders o JOIN addresses a ON a.id = o.address_id",
    "payments→orders": "SELECT COUNT(*) FROM payments p JOIN orders o ON o.id = p.order_id",
    "tickets→users": "SELECT COUNT(*) FROM tickets t JOIN users u ON u.id = t.user_id",
    "tickets→orders": "SELECT COUNT(*) FROM tickets t JOIN orders o ON o.id = t.order_id",
    "orders.buyer_mobile=users.mobile":
        "SELECT COUNT(*) FROM orders o JOIN users u ON u.mobile = o.buyer_mobile",
    "addresses.phone=users.mobile":
        "SELECT COUNT(*) FROM addresses a JOIN users u ON u.mobile = a.phone",
}
STATUSES = ("待付款", "待发货", "已发货", "已完成", "已取消")
SUBJECTS = ("物流查询", "退款申请", "发票问题", "账户登录", "修改地址")


def _unique(make: Any, rng: random.Random, seen: set[str]) -> str:
    while True:
        v = make(rng)
        if v not in seen:
            seen.add(v)
            return v


def _ticket(rng: random.Random, user: tuple[Any, ...]) -> str:
    _, name, rid, mobile, mail = user[:5]
    return rng.choice((
        f"您好，我是{name}，订单一直没有发货，请尽快处理，电话{mobile}。",
        f"请把发票寄到我的邮箱{mail}，谢谢。",
        f"账户无法登录，实名认证身份证号{rid}，麻烦核实。",
        f"收货人电话 {mobile[:3]}-{mobile[3:7]}-{mobile[7:]}，地址有变，请联系。",
        "商品有质量问题，申请退货。",
    ))


def make_shop(path: Path | str, rows: int = 1_000_000, seed: int = 7) -> dict[str, int]:
    """Write the shop into a new SQLite file; returns the row count per table."""
    path = Path(path)
    path.unlink(missing_ok=True)
    rng = random.Random(seed)
    counts = {t: max(1, int(rows * share)) for t, share in SHARES.items()}
    counts["users"] += rows - sum(counts.values())
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    ids: set[str] = set()
    mobiles: set[str] = set()
    mails: set[str] = set()
    users = []
    for i in range(1, counts["users"] + 1):
        born = fake.birth_date(rng)
        users.append((i, fake.person_name(rng), _unique(lambda r, b=born: fake.resident_id(r, b), rng, ids),
                      _unique(fake.mobile, rng, mobiles), _unique(fake.email, rng, mails),
                      born.isoformat(), rng.choice(("普通会员", "黄金会员", "钻石会员")),
                      f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 10:00:00"))
    conn.executemany("INSERT INTO users VALUES (?,?,?,?,?,?,?,?)", users)
    addresses = []
    for i in range(1, counts["addresses"] + 1):
        u = users[rng.randrange(len(users))]
        phone = u[3] if rng.random() < 0.6 else _unique(fake.mobile, rng, mobiles)
        addresses.append((i, u[0], u[1] if rng.random() < 0.7 else fake.person_name(rng), phone,
                          fake.address(rng), int(rng.random() < 0.3)))
    conn.executemany("INSERT INTO addresses VALUES (?,?,?,?,?,?)", addresses)
    orders = []
    for i in range(1, counts["orders"] + 1):
        a = addresses[rng.randrange(len(addresses))]
        u = users[a[1] - 1]
        orders.append((i, u[0], a[0], u[3], round(rng.uniform(5, 2000), 2), rng.choice(STATUSES),
                       f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} 12:00:00"))
    conn.executemany("INSERT INTO orders VALUES (?,?,?,?,?,?,?)", orders)
    cards: dict[int, str] = {}
    payments = []
    for i in range(1, counts["payments"] + 1):
        o = orders[rng.randrange(len(orders))]
        card = cards.get(o[1])
        if card is None or rng.random() < 0.2:
            card = cards[o[1]] = fake.bank_card(rng)
        payments.append((i, o[0], card, o[4], o[6]))
    conn.executemany("INSERT INTO payments VALUES (?,?,?,?,?)", payments)
    tickets = []
    for i in range(1, counts["tickets"] + 1):
        o = orders[rng.randrange(len(orders))]
        u = users[o[1] - 1]
        tickets.append((i, u[0], o[0] if rng.random() < 0.8 else None, rng.choice(SUBJECTS),
                        _ticket(rng, u), o[6]))
    conn.executemany("INSERT INTO tickets VALUES (?,?,?,?,?,?)", tickets)
    conn.commit()
    conn.close()
    return counts


def join_counts(path: Path | str) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {name: conn.execute(sql).fetchone()[0] for name, sql in JOINS.items()}
    finally:
        conn.close()


def table_counts(path: Path | str) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in SHARES}
    finally:
        conn.close()


_DIGITS = re.compile(r"\d[\d\- ]{9,22}[\dXx]")
_MAIL = re.compile(r"[\w.+-]+@[\w.-]+\.\w+")


def identifiers(path: Path | str) -> set[str]:
    """Every original identifier value of the shop (ID numbers, phones, e-mails, cards)."""
    conn = sqlite3.connect(path)
    out: set[str] = set()
    try:
        for sql in ("SELECT id_number, mobile, email FROM users",
                    "SELECT phone, NULL, NULL FROM addresses", "SELECT card_no, NULL, NULL FROM payments"):
            for row in conn.execute(sql):
                out.update(v for v in row if v)
    finally:
        conn.close()
    return out


def leaked(target: Path | str, originals: set[str]) -> dict[str, int]:
    """Original identifiers found in the target: whole cells, and digit runs and e-mails
    inside text (separators removed)."""
    conn = sqlite3.connect(target)
    hits: dict[str, int] = {}
    try:
        for table in SHARES:
            cur = conn.execute(f"SELECT * FROM {table}")
            names = [d[0] for d in cur.description]
            for row in cur:
                for name, v in zip(names, row, strict=True):
                    if not isinstance(v, str):
                        continue
                    found = v in originals
                    if not found and len(v) > 20:
                        found = any(m.group().replace("-", "").replace(" ", "") in originals
                                    for m in _DIGITS.finditer(v)) or \
                            any(m.group() in originals for m in _MAIL.finditer(v))
                    if found:
                        key = f"{table}.{name}"
                        hits[key] = hits.get(key, 0) + 1
    finally:
        conn.close()
    return hits


def surrogate_validity(target: Path | str) -> dict[str, int]:
    """Invalid surrogates: ID numbers (MOD 11-2, real birth date, unassigned region) and cards
    (Luhn); phones must be 11 digits in the unassigned 154 block."""
    from piguard.detect import checks

    conn = sqlite3.connect(target)
    bad = {"id_number": 0, "card_no": 0, "mobile": 0, "checked": 0}
    try:
        for (v,) in conn.execute("SELECT id_number FROM users"):
            bad["checked"] += 1
            try:
                checks.validate_cn_id18(v)
                bad["id_number"] += 1          # a region someone could hold: not what we want
            except checks.InvalidComponent as exc:
                if "cannot be held" not in str(exc):
                    bad["id_number"] += 1
            except checks.InvalidIdentifier:
                bad["id_number"] += 1
        for (v,) in conn.execute("SELECT card_no FROM payments"):
            bad["checked"] += 1
            bad["card_no"] += not checks.luhn_valid(v)
        for (v,) in conn.execute("SELECT mobile FROM users"):
            bad["checked"] += 1
            bad["mobile"] += not (len(v) == 11 and v.startswith("154") and v.isdigit())
    finally:
        conn.close()
    return bad


def run_acceptance(rows: int, folder: Path, *, keyring: Any = None, seed: int = 7,
                   log: Any = print) -> dict[str, Any]:
    """Generate, copy and check; returns the figures (``ok`` says whether all checks pass)."""
    from piguard.deid.keys import Keyring
    from piguard.tables.deidentify import DeidentifyOptions, deidentify

    folder.mkdir(parents=True, exist_ok=True)
    src, dst = folder / "shop.db", folder / "shop_copy.db"
    dst.unlink(missing_ok=True)
    t0 = time.perf_counter()
    counts = make_shop(src, rows, seed)
    log(f"generated {sum(counts.values()):,} rows {counts} in {time.perf_counter() - t0:.1f} s")
    ring = keyring or Keyring.generate()
    t0 = time.perf_counter()
    summary = deidentify(str(src), str(dst), keyring=ring, options=DeidentifyOptions())
    total = time.perf_counter() - t0
    log(f"copied {summary.rows:,} rows in {total:.1f} s end to end ({summary.rows / total:,.0f} "
        f"rows/s); copy phase {summary.copy_seconds:.1f} s "
        f"({summary.rows / summary.copy_seconds:,.0f} rows/s); status {summary.status}")
    for t in summary.tables:
        cols = ", ".join(f"{c.column}:{c.entity or 'text'}" for c in t.columns
                         if c.action in ("transform", "redact"))
        log(f"  {t.table}: {t.rows_written:,} rows, {t.seconds:.1f} s; {cols}")
    src_joins, dst_joins = join_counts(src), join_counts(dst)
    joins_ok = src_joins == dst_joins
    log(f"joins equal: {joins_ok} {dst_joins if joins_ok else (src_joins, dst_joins)}")
    rows_ok = table_counts(src) == table_counts(dst)
    t0 = time.perf_counter()
    leaks = leaked(dst, identifiers(src))
    log(f"original identifiers in the target: {sum(leaks.values())} {leaks or ''} "
        f"(full scan, {time.perf_counter() - t0:.1f} s)")
    bad = surrogate_validity(dst)
    log(f"surrogates checked: {bad['checked']:,}; invalid ID numbers {bad['id_number']}, "
        f"cards {bad['card_no']}, mobiles {bad['mobile']}")
    ver = summary.verification
    log(f"verification: ok={ver.ok if ver else None} leaks={ver.leaks if ver else None} "
        f"remaining={ver.remaining if ver else None}")
    ok = (summary.status == "done" and joins_ok and rows_ok and not leaks
          and not any(bad[k] for k in ("id_number", "card_no", "mobile"))
          and ver is not None and ver.ok)
    return {"ok": ok, "rows": summary.rows, "seconds": total, "copy_seconds": summary.copy_seconds,
            "joins": dst_joins, "leaks": leaks, "invalid": bad, "summary": summary}


def make_people(path: Path | str, rows: int, seed: int = 1) -> None:
    """A 10-column table, 5 PI columns (name, ID, mobile, e-mail, card), values distinct."""
    rng = random.Random(seed)
    Path(path).unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE people (id INTEGER PRIMARY KEY, xm TEXT, sfzh TEXT, shouji TEXT, "
                 "email TEXT, yhk TEXT, amount REAL, status TEXT, created_at TEXT, code TEXT)")
    batch = []
    for i in range(1, rows + 1):
        batch.append((i, fake.person_name(rng), fake.resident_id(rng), fake.mobile(rng),
                      fake.email(rng), fake.bank_card(rng), round(rng.random() * 1000, 2),
                      rng.choice(("paid", "done", "refund")),
                      f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                      f"RC{rng.randint(0, 10**8):08d}"))
        if len(batch) == 50_000:
            conn.executemany("INSERT INTO people VALUES (?,?,?,?,?,?,?,?,?,?)", batch)
            batch = []
    if batch:
        conn.executemany("INSERT INTO people VALUES (?,?,?,?,?,?,?,?,?,?)", batch)
    conn.commit()
    conn.close()


def throughput(rows: int, folder: Path, log: Any = print) -> dict[str, float]:
    from piguard.deid.keys import Keyring
    from piguard.tables.deidentify import DeidentifyOptions, deidentify

    db = folder / "people.db"
    t0 = time.perf_counter()
    make_people(db, rows)
    log(f"throughput table: {rows:,} rows x 10 columns (5 PI, distinct) generated in "
        f"{time.perf_counter() - t0:.1f} s")
    csv = folder / "people.csv"
    conn = sqlite3.connect(db)
    import csv as csvmod

    with open(csv, "w", encoding="utf-8", newline="") as f:
        cur = conn.execute("SELECT * FROM people")
        w = csvmod.writer(f)
        w.writerow([d[0] for d in cur.description])
        w.writerows(cur)
    conn.close()
    ring = Keyring.generate()
    out: dict[str, float] = {}
    for label, src, dst in (("sqlite → sqlite", db, folder / "people_copy.db"),
                            ("csv → csv", csv, folder / "people_copy.csv")):
        dst.unlink(missing_ok=True)
        t0 = time.perf_counter()
        s = deidentify(str(src), str(dst), keyring=ring, options=DeidentifyOptions(verify=False))
        total = time.perf_counter() - t0
        pi = sum(1 for c in s.tables[0].columns if c.action == "transform")
        out[label] = s.rows / s.copy_seconds
        log(f"{label}: {s.rows:,} rows, {pi} PI columns transformed: copy phase "
            f"{s.rows / s.copy_seconds:,.0f} rows/s ({s.copy_seconds:.2f} s), end to end "
            f"{s.rows / total:,.0f} rows/s ({total:.2f} s, with classification)")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="shop rows in total")
    ap.add_argument("--throughput-rows", type=int, default=200_000)
    ap.add_argument("--out", type=Path, default=None, help="work folder (default: temporary)")
    ap.add_argument("--keep", action="store_true", help="keep the generated files")
    args = ap.parse_args(argv)
    os.environ.setdefault("PIGUARD_NER", "1")
    folder = args.out or Path(tempfile.mkdtemp(prefix="piguard-deid-bench-"))
    try:
        result = run_acceptance(args.rows, folder)
        rates = throughput(args.throughput_rows, folder) if args.throughput_rows else {}
        print(f"ACCEPTANCE {'PASS' if result['ok'] else 'FAIL'}: {result['rows']:,} rows; "
              + "; ".join(f"{k} {v:,.0f} rows/s" for k, v in rates.items()))
        return 0 if result["ok"] and all(v >= 50_000 for v in rates.values()) else 1
    finally:
        if not args.keep and args.out is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
