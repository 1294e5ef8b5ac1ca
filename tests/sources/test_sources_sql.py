"""SQL sources: SQLite, PostgreSQL and MariaDB through SQLAlchemy URLs.

PostgreSQL and MariaDB run on this machine (127.0.0.1, database ``test``); each test uses
a unique schema or table prefix and cleans up. Values are synthetic.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from piguard.demo import fake
from piguard.sources import Problem, iter_source
from piguard.sources.sql import Database, SqlTable

RNG = random.Random(11)
PHONES = [fake.mobile(RNG) for _ in range(500)]
IDS = [fake.resident_id(RNG) for _ in range(500)]


def _sqlite(tmp_path: Path, rows: int = 500) -> Path:
    path = tmp_path / "shop.db"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE users (id INTEGER PRIMARY KEY, shouji TEXT, sfzh TEXT, amount REAL);
        CREATE TABLE nokey (a TEXT, b INTEGER);
        CREATE TABLE audit_log (id INTEGER PRIMARY KEY, msg TEXT);
    """)
    conn.executemany("INSERT INTO users VALUES (?,?,?,?)",
                     [(i + 1, PHONES[i % 500], IDS[i % 500], i * 1.5) for i in range(rows)])
    conn.executemany("INSERT INTO nokey VALUES (?,?)", [(f"x{i}", i) for i in range(50)])
    conn.commit()
    conn.close()
    return path


def _table(url: str, name: str, **kw) -> SqlTable:
    tables = {t.name: t for t in Database(url, **kw).tables()}
    return tables[name]


def _values(table: SqlTable, sampling: str, **kw) -> list[dict]:
    return [r for b in table.batches(sampling, **kw) for r in b.data.to_pylist()]


def test_sqlite_file_is_found_in_a_folder_and_read_only(tmp_path: Path) -> None:
    path = _sqlite(tmp_path)
    items = list(iter_source(str(tmp_path)))
    assert sorted(i.name for i in items) == ["audit_log", "nokey", "users"]
    assert all(i.source == str(path) for i in items)
    db = Database(f"sqlite:///{path}")
    with pytest.raises(sa.exc.OperationalError), db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM users"))  # the source is opened read-only
    assert sqlite3.connect(path).execute("select count(*) from users").fetchone()[0] == 500


def test_sqlite_sampling_strategies(tmp_path: Path) -> None:
    url = f"sqlite:///{_sqlite(tmp_path, rows=5000)}"
    users = _table(url, "users")
    assert users.key_column() == "id" and users.count_rows() == 5000
    first = _values(users, "first", limit=10)
    assert [r["id"] for r in first] == [str(i) for i in range(1, 11)]
    assert first[0]["shouji"] == PHONES[0] and first[1]["amount"] == "1.5"
    rnd = _values(users, "random", limit=100)
    assert 50 <= len(rnd) <= 100
    assert max(int(r["id"]) for r in rnd) > 2500  # spread over the table
    full = _values(users, "full", batch_rows=700)
    assert len(full) == 5000 and full[-1]["id"] == "5000"


def test_keyset_read_resumes_after_a_key(tmp_path: Path) -> None:
    users = _table(f"sqlite:///{_sqlite(tmp_path)}", "users")
    batches = list(users.batches("full", batch_rows=100, after_key=450))
    assert [b.num_rows for b in batches] == [50]
    assert batches[0].keys.to_pylist()[0] == "451"


def test_table_without_key_is_streamed(tmp_path: Path) -> None:
    nokey = _table(f"sqlite:///{_sqlite(tmp_path)}", "nokey")
    assert nokey.key_column() is None
    assert len(_values(nokey, "full", batch_rows=7)) == 50
    assert nokey.fingerprint().values["max_key"] is None


def test_include_exclude_patterns(tmp_path: Path) -> None:
    url = f"sqlite:///{_sqlite(tmp_path)}"
    assert [t.name for t in Database(url, include=["u*", "a*"], exclude=["audit_*"]).tables()] \
        == ["users"]


def test_bad_url_and_unreachable_database_are_problems(tmp_path: Path) -> None:
    items = list(iter_source(f"sqlite:///{tmp_path / 'missing.db'}"))
    assert len(items) == 1 and isinstance(items[0], Problem)
    assert "not found" in items[0].reason
    items = list(iter_source("postgresql+psycopg2://nobody:secret@127.0.0.1:1/none"))
    assert isinstance(items[0], Problem) and "cannot connect" in items[0].reason
    assert "secret" not in str(items[0])  # the password never shows


def _fill(engine, name: str, schema: str | None, rows: int = 300) -> None:
    meta = sa.MetaData(schema=schema)
    table = sa.Table(
        name, meta,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("c7", sa.String(18), comment="身份证号码"),
        sa.Column("lxdh", sa.String(20), comment="联系电话"),
        sa.Column("amount", sa.Numeric(10, 2)),
        sa.Column("created", sa.DateTime),
        comment="客户表")
    meta.create_all(engine)
    import datetime as dt

    with engine.begin() as conn:
        conn.execute(table.insert(), [
            {"id": i + 1, "c7": IDS[i % 500], "lxdh": PHONES[i % 500], "amount": i,
             "created": dt.datetime(2024, 1, 1) + dt.timedelta(hours=i)} for i in range(rows)])


def test_postgresql_comments_schema_filter_and_sampling(postgres) -> None:
    _fill(postgres.engine, postgres.prefix + "kh", postgres.schema, rows=3000)
    db = Database(postgres.url, schemas=[postgres.schema])
    tables = db.tables()
    assert [t.name for t in tables] == [f"{postgres.schema}.{postgres.prefix}kh"]
    t = tables[0]
    assert t.comment == "客户表"
    assert {c.name: c.comment for c in t.columns()}["c7"] == "身份证号码"
    assert t.key_column() == "id" and t.count_rows() == 3000
    sample = _values(t, "random", limit=200)
    assert 100 <= len(sample) <= 200
    assert all(r["c7"] in IDS for r in sample)
    assert sample[0]["amount"].startswith(str(int(sample[0]["id"]) - 1))
    assert len(_values(t, "full", batch_rows=1000)) == 3000
    assert [b.num_rows for b in t.batches("full", batch_rows=1000, after_key=2500)] == [500]
    # checkpoints store keys as text: a text key resumes an integer key column too
    assert [b.num_rows for b in t.batches("full", batch_rows=1000, after_key="2500")] == [500]
    fp = t.fingerprint().values
    assert fp["rows"] == 3000 and fp["max_key"] == "3000"


def test_postgresql_connection_is_read_only(postgres) -> None:
    _fill(postgres.engine, postgres.prefix + "ro", postgres.schema, rows=5)
    db = Database(postgres.url, schemas=[postgres.schema])
    with pytest.raises(sa.exc.DBAPIError), db.engine.begin() as conn:
        conn.execute(sa.text(f'DELETE FROM "{postgres.schema}"."{postgres.prefix}ro"'))


def test_mariadb_comments_and_sampling(mariadb) -> None:
    _fill(mariadb.engine, mariadb.prefix + "kh", None, rows=2000)
    db = Database(mariadb.url, include=[mariadb.prefix + "*"])
    tables = db.tables()
    assert [t.name for t in tables] == [mariadb.prefix + "kh"]
    t = tables[0]
    assert t.comment == "客户表"
    assert {c.name: c.comment for c in t.columns()}["lxdh"] == "联系电话"
    sample = _values(t, "random", limit=150)
    assert 75 <= len(sample) <= 150
    assert all(r["lxdh"] in PHONES for r in sample)
    assert len(_values(t, "full", batch_rows=600)) == 2000
    assert _values(t, "first", limit=3)[2]["id"] == "3"
    assert sum(b.num_rows for b in t.batches("full", after_key="1990")) == 10
    with pytest.raises(sa.exc.DBAPIError), db.engine.begin() as conn:
        conn.execute(sa.text(f"DELETE FROM `{mariadb.prefix}kh`"))
