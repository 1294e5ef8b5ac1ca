"""Inventory scans: estimates and exact counts, minors, incremental re-scans, resumption
after an interruption, problems, PostgreSQL as the store. Values are synthetic."""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

import pytest

from piguard.demo import fake
from piguard.inventory import Scanner, ScanOptions, Store, root_name, scan
from piguard.sources.files import sha256_file

RNG = random.Random(21)


def _db(path: Path, rows: int, *, minors_every: int = 10, seed: int = 1) -> dict[str, int]:
    """users(id, xm, sfzh, shouji, yhk (every 3rd null), note); returns true counts."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, xm TEXT, sfzh TEXT,"
                 " shouji TEXT, yhk TEXT, note TEXT)")
    start = conn.execute("select coalesce(max(id), 0) from users").fetchone()[0]
    data, minors, cards = [], 0, 0
    for i in range(start + 1, start + rows + 1):
        minor = i % minors_every == 0
        minors += minor
        card = fake.bank_card(rng) if i % 3 else None
        cards += card is not None
        data.append((i, fake.person_name(rng), fake.resident_id(rng, fake.birth_date(
            rng, minor=minor)), fake.mobile(rng), card, rng.choice(["ok", "vip", ""])))
    conn.executemany("INSERT INTO users VALUES (?,?,?,?,?,?)", data)
    conn.commit()
    conn.close()
    return {"rows": rows, "minors": minors, "cards": cards}


def _asset(store: Store, name: str = "users"):
    return next(a for a in store.assets_all() if a.name == name)


def _col(asset, name: str):
    return next(c for c in asset.columns if c.name == name)


def test_sample_mode_estimates(tmp_path: Path) -> None:
    truth = _db(tmp_path / "s.db", 20_000)
    store = Store(str(tmp_path / "inv.db"))
    summary = Scanner(store, ScanOptions(sample_rows=2000)).run([str(tmp_path / "s.db")])
    assert summary.status == "done" and summary.scanned == 1 and summary.assets_with_pi == 1
    a = _asset(store)
    assert a.mode == "sample" and a.rows_total == 20_000 and a.rows_scanned <= 2000
    assert _col(a, "sfzh").entity == "CN_RESIDENT_ID" and _col(a, "sfzh").sensitive
    assert _col(a, "sfzh").estimated_count == 20_000
    assert _col(a, "sfzh").category == "个人身份信息"
    assert "PIPL" in _col(a, "sfzh").sensitive_basis
    assert abs(_col(a, "yhk").estimated_count - truth["cards"]) < 0.06 * truth["rows"]
    assert abs(a.minor_rows - truth["minors"]) < 0.4 * truth["minors"]
    assert a.sensitive and a.rows_with_pi == 20_000
    assert not _col(a, "note").is_pi


def test_full_mode_counts_exactly(tmp_path: Path) -> None:
    truth = _db(tmp_path / "f.db", 12_000)
    store = Store(str(tmp_path / "inv.db"))
    Scanner(store, ScanOptions(mode="full", batch_rows=2500)).run([str(tmp_path / "f.db")])
    a = _asset(store)
    assert a.mode == "full" and a.rows_scanned == 12_000
    assert _col(a, "yhk").estimated_count == truth["cards"]
    assert _col(a, "yhk").match_ratio == 1.0
    assert _col(a, "shouji").estimated_count == 12_000
    assert a.minor_rows == truth["minors"]


def test_minor_age_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "kids.csv"
    today = __import__("datetime").date.today()
    born_13 = today.replace(year=today.year - 14) + __import__("datetime").timedelta(days=1)
    born_14 = today.replace(year=today.year - 14) - __import__("datetime").timedelta(days=1)
    rows = ["sfzh"] + [fake.resident_id(RNG, born_13) for _ in range(5)] + \
        [fake.resident_id(RNG, born_14) for _ in range(7)]
    path.write_text("\n".join(rows) + "\n")
    s14 = Store(str(tmp_path / "a.db"))
    Scanner(s14, ScanOptions(mode="full")).run([str(path)])
    assert _asset(s14, str(path)).minor_rows == 5
    s15 = Store(str(tmp_path / "b.db"))
    Scanner(s15, ScanOptions(mode="full", minor_age=15)).run([str(path)])
    assert _asset(s15, str(path)).minor_rows == 12


def test_rescans_are_incremental(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _db(data / "shop.db", 3000)
    csv_path = data / "export.csv"
    csv_path.write_text("手机号\n" + "\n".join(fake.mobile(RNG) for _ in range(100)) + "\n")
    store = Store(str(tmp_path / "inv.db"))
    first = Scanner(store).run([str(data)])
    assert (first.scanned, first.unchanged) == (2, 0)
    second = Scanner(store).run([str(data)])
    assert (second.scanned, second.unchanged) == (0, 2)
    # same content, new mtime: the checksum says unchanged
    os.utime(csv_path, (1_700_000_000, 1_700_000_000))
    assert Scanner(store).run([str(data)]).unchanged == 2
    assert store.asset(str(data), str(csv_path), str(csv_path)).fingerprint["sha256"] == \
        sha256_file(csv_path)
    # changed content and new rows in the table: both rescanned
    with open(csv_path, "a") as f:
        f.write(fake.mobile(RNG) + "\n")
    _db(data / "shop.db", 10, seed=2)
    third = Scanner(store).run([str(data)])
    assert (third.scanned, third.unchanged) == (2, 0)
    assert _asset(store).rows_total == 3010
    # a sampling scan does not cover a full one; a full one covers sampling
    assert Scanner(store, ScanOptions(mode="full")).run([str(data)]).scanned == 2
    assert Scanner(store).run([str(data)]).unchanged == 2
    assert Scanner(store, ScanOptions(force=True)).run([str(data)]).scanned == 2
    # a deleted file leaves the inventory
    csv_path.unlink()
    Scanner(store).run([str(data)])
    assert [a.name for a in store.assets_all()] == ["users"]


class Interrupt:
    """A progress callback that interrupts the scan after ``after`` batches."""

    def __init__(self, after: int):
        self.after = after
        self.batches = 0
        self.rows = 0

    def __call__(self, event: str, **info) -> None:
        if event == "rows":
            self.batches += 1
            self.rows += info["n"]
            if self.batches == self.after:
                raise KeyboardInterrupt


@pytest.mark.parametrize("kind", ["table", "csv", "phone_key"])
def test_interrupted_full_scan_resumes(tmp_path: Path, kind: str) -> None:
    truth = _db(tmp_path / "r.db", 30_000)
    if kind == "phone_key":  # a key that is PI itself: never stored, resume by offset
        target = tmp_path / "k.db"
        conn = sqlite3.connect(target)
        conn.execute(f"ATTACH '{tmp_path / 'r.db'}' AS src")
        conn.execute("CREATE TABLE users (shouji TEXT PRIMARY KEY, xm TEXT, sfzh TEXT, yhk TEXT)")
        conn.execute("INSERT OR IGNORE INTO users SELECT shouji, xm, sfzh, yhk FROM src.users")
        conn.commit()
        assert conn.execute("select count(*) from users").fetchone()[0] == 30_000
        conn.close()
    elif kind == "csv":
        conn = sqlite3.connect(tmp_path / "r.db")
        rows = conn.execute("select xm, sfzh, shouji, yhk from users order by id").fetchall()
        conn.close()
        target = tmp_path / "r.csv"
        target.write_text("xm,sfzh,shouji,yhk\n" + "".join(
            f"{a},{b},{c},{d or ''}\n" for a, b, c, d in rows))
        (tmp_path / "r.db").unlink()
    else:
        target = tmp_path / "r.db"
    opts = ScanOptions(mode="full", batch_rows=3000, checkpoint_seconds=0)
    store = Store(str(tmp_path / "inv.db"))
    stop = Interrupt(after=4)
    with pytest.raises(KeyboardInterrupt):
        Scanner(store, opts, stop).run([str(target)])
    assert store.scans_list()[-1]["status"] == "interrupted"
    assert not list(store.assets_all())  # nothing half-written
    state = store.checkpoint(str(target), str(target),
                             "users" if kind != "csv" else str(target))["state"]
    assert state["rows"] == 4 * 3000
    assert state["last_key"] == ("12000" if kind == "table" else None)
    resumed_progress = Interrupt(after=10**9)
    summary = Scanner(store, opts, resumed_progress).run([str(target)])
    assert summary.resumed == 1 and summary.status == "done"
    assert resumed_progress.rows == 30_000 - 4 * 3000  # only the rest was read
    a = next(iter(store.assets_all()))
    assert a.rows_scanned == 30_000
    assert _col(a, "yhk").estimated_count == truth["cards"]
    assert _col(a, "sfzh").estimated_count == 30_000
    assert a.minor_rows == truth["minors"]
    # same figures as an uninterrupted scan
    clean = Store(str(tmp_path / "clean.db"))
    Scanner(clean, opts).run([str(target)])
    b = next(iter(clean.assets_all()))
    assert [(c.name, c.entity, c.estimated_count) for c in a.columns] == \
        [(c.name, c.entity, c.estimated_count) for c in b.columns]
    assert (a.rows_with_pi, a.minor_rows) == (b.rows_with_pi, b.minor_rows)


def test_problems_are_recorded_and_kept_for_unchanged_files(tmp_path: Path) -> None:
    data = tmp_path / "share"
    data.mkdir()
    lines = ["xm,shouji"] + [f"{fake.person_name(RNG)},{fake.mobile(RNG)}" for _ in range(40)]
    lines.insert(10, "broken-row-without-comma")
    (data / "a.csv").write_text("\n".join(lines) + "\n")
    os.symlink(data / "nowhere.csv", data / "link.csv")
    (data / "blob.bin").write_bytes(b"\x00\x01")
    store = Store(str(tmp_path / "inv.db"))
    for _ in range(2):  # the second scan finds a.csv unchanged
        summary = Scanner(store).run([str(data)])
        reasons = sorted(p["reason"] for p in store.problems_all())
        assert reasons == ["broken symbolic link",
                           "malformed row: expected 2 fields, got 1; row skipped",
                           "unsupported file type '.bin'"]
        assert len(summary.problems) == 3
    a = next(iter(store.assets_all()))
    assert a.rows_total == 40 and a.status == "ok"


def test_store_never_holds_raw_pi(tmp_path: Path) -> None:
    ids = [fake.resident_id(RNG) for _ in range(50)]
    (tmp_path / "ids.csv").write_text("sfzh\n" + "\n".join(ids) + "\n")
    scan([str(tmp_path / "ids.csv")], store=str(tmp_path / "inv.db"))
    raw = (tmp_path / "inv.db").read_bytes()
    wal = tmp_path / "inv.db-wal"
    raw += wal.read_bytes() if wal.exists() else b""
    assert not any(i.encode() in raw for i in ids)


def test_postgresql_store(postgres, tmp_path: Path) -> None:
    _db(tmp_path / "p.db", 2000)
    store = Store(postgres.url, schema=postgres.schema)
    try:
        first = Scanner(store).run([str(tmp_path / "p.db")])
        assert first.scanned == 1
        assert Scanner(store).run([str(tmp_path / "p.db")]).unchanged == 1
        a = _asset(store)
        assert _col(a, "sfzh").entity == "CN_RESIDENT_ID" and a.rows_total == 2000
    finally:
        store.close()


def test_database_source_scanned_into_the_inventory(mariadb, tmp_path: Path) -> None:
    import sqlalchemy as sa

    meta = sa.MetaData()
    t = sa.Table(mariadb.prefix + "kh", meta,
                 sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                 sa.Column("c1", sa.String(20), comment="手机号"),
                 sa.Column("c2", sa.String(40)))
    meta.create_all(mariadb.engine)
    with mariadb.engine.begin() as conn:
        conn.execute(t.insert(), [{"id": i, "c1": fake.mobile(RNG), "c2": "x"}
                                  for i in range(1, 1501)])
    store = Store(str(tmp_path / "inv.db"))
    opts = ScanOptions(mode="full", include=[mariadb.prefix + "*"], batch_rows=400)
    Scanner(store, opts).run([mariadb.url])
    a = next(iter(store.assets_all()))
    assert a.root == root_name(mariadb.url) == "mysql+pymysql://root:***@127.0.0.1:3306/test"
    assert _col(a, "c1").entity == "PHONE_NUMBER" and _col(a, "c1").estimated_count == 1500
    assert Scanner(store, opts).run([mariadb.url]).unchanged == 1
