"""Safe copies on real servers: PostgreSQL (schema to schema, with sequences, JSONB, comments,
foreign keys, an interrupted run resumed) and MariaDB (database to database), and a copy
across dialects. The fixtures give each test its own schema / table prefix; a missing
server skips locally and fails in CI."""

from __future__ import annotations

import random
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from piguard.deid.keys import Keyring
from piguard.demo import fake
from piguard.detect import checks
from piguard.tables.deidentify import (
    DeidentifyError,
    DeidentifyInterrupted,
    DeidentifyOptions,
    deidentify,
)
from tests.sources.services import MARIADB_URL, Service

RING = Keyring.from_bytes(b"piguard test key for deidentify!")


def _people(n: int, seed: int) -> list[tuple[str, str, str, str]]:
    rng = random.Random(seed)
    out, seen = [], set()
    while len(out) < n:
        row = (fake.person_name(rng), fake.resident_id(rng), fake.mobile(rng), fake.email(rng))
        if row[1] not in seen and row[2] not in seen:
            seen.update(row[1:3])
            out.append(row)
    return out


def _fill_pg(conn, schema: str, people) -> None:
    conn.execute(sa.text(f"""
        CREATE TABLE "{schema}".users (
            id SERIAL PRIMARY KEY, name TEXT NOT NULL, sfzh VARCHAR(18) NOT NULL UNIQUE,
            c7 VARCHAR(11) UNIQUE, email VARCHAR(64), meta JSONB, level TEXT DEFAULT 'silver',
            created TIMESTAMPTZ DEFAULT now());
        COMMENT ON COLUMN "{schema}".users.c7 IS '手机号';
        CREATE TABLE "{schema}".orders (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            user_id INT NOT NULL REFERENCES "{schema}".users(id) ON DELETE CASCADE,
            phone VARCHAR(11), amount NUMERIC(10, 2), note TEXT);
        CREATE INDEX orders_user_idx ON "{schema}".orders (user_id);
    """))
    conn.execute(sa.text(f'INSERT INTO "{schema}".users (name, sfzh, c7, email, meta) '
                         "VALUES (:n, :s, :m, :e, CAST(:j AS JSONB))"),
                 [{"n": n, "s": s, "m": m, "e": e, "j": '{"vip": true, "tags": [1, 2]}'}
                  for n, s, m, e in people])
    rng = random.Random(2)
    conn.execute(sa.text(f'INSERT INTO "{schema}".orders (user_id, phone, amount, note) '
                         "VALUES (:u, :p, :a, :t)"),
                 [{"u": (u := rng.randrange(len(people))) + 1, "p": people[u][2],
                   "a": f"{rng.uniform(1, 999):.2f}", "t": f"请联系{people[u][0]}，电话{people[u][2]}"}
                  for _ in range(len(people) * 3)])


def _pg_joins(conn, schema: str) -> list[tuple]:
    return [conn.execute(sa.text(q.format(s=schema))).fetchall() for q in (
        'SELECT COUNT(*) FROM "{s}".orders o JOIN "{s}".users u ON u.id = o.user_id',
        'SELECT COUNT(*) FROM "{s}".orders o JOIN "{s}".users u ON u.c7 = o.phone',
        'SELECT u.level, COUNT(*), SUM(o.amount) FROM "{s}".orders o JOIN "{s}".users u '
        'ON u.c7 = o.phone GROUP BY u.level ORDER BY 1',
    )]


def test_postgres_schema_copy(postgres: Service) -> None:
    engine = postgres.engine
    src, dst = postgres.schema, f"{postgres.schema}_copy"
    people = _people(150, 1)
    with engine.begin() as conn:
        _fill_pg(conn, src, people)
    options = DeidentifyOptions(schemas=[src], target_schema=dst)
    with pytest.raises(DeidentifyError, match="source"):
        deidentify(postgres.url, postgres.url, keyring=RING,
                   options=DeidentifyOptions(schemas=[src], target_schema=src))
    try:
        def stop(event: str, **info: object) -> None:
            if event == "rows" and info["table"] == f"{src}.orders":
                raise KeyboardInterrupt

        with pytest.raises(DeidentifyInterrupted):
            deidentify(postgres.url, postgres.url, keyring=RING, options=options, progress=stop)
        summary = deidentify(postgres.url, postgres.url, keyring=RING, options=options)
        assert summary.status == "done", summary.to_dict()
        assert {t.target: t.status for t in summary.tables} == {"users": "resumed",
                                                                "orders": "copied"}
        plan = {c.column: c for c in summary.tables[0].columns}
        assert plan["c7"].entity == "PHONE_NUMBER" and plan["c7"].key == ["unique"]
        assert plan["sfzh"].entity == "CN_RESIDENT_ID"
        assert summary.verification is not None and not summary.verification.leaks
        with engine.begin() as conn:
            assert _pg_joins(conn, src) == _pg_joins(conn, dst)
            cons = set(conn.execute(sa.text(
                "SELECT tc.table_name, tc.constraint_type, kcu.column_name "
                "FROM information_schema.table_constraints tc JOIN "
                "information_schema.key_column_usage kcu ON kcu.constraint_name = "
                "tc.constraint_name AND kcu.table_schema = tc.table_schema "
                "WHERE tc.table_schema = :s"), {"s": dst}).fetchall())
            assert {("users", "PRIMARY KEY", "id"), ("users", "UNIQUE", "sfzh"),
                    ("users", "UNIQUE", "c7"), ("orders", "PRIMARY KEY", "id"),
                    ("orders", "FOREIGN KEY", "user_id")} <= cons
            names = {r[0] for r in conn.execute(sa.text(
                "SELECT indexname FROM pg_indexes WHERE schemaname = :s"), {"s": dst})}
            assert {"orders_user_idx", "users_pkey", "users_sfzh_key"} <= names
            assert conn.execute(sa.text(
                "SELECT col_description(:t ::regclass, 4)"), {"t": f'"{dst}".users'}).scalar() == "手机号"
            rows = conn.execute(sa.text(f'SELECT sfzh, c7, email, meta FROM "{dst}".users')).fetchall()
            assert rows[0].meta == {"vip": True, "tags": [1, 2]}
            originals = {v for p in people for v in p[1:]}
            assert not {v for r in rows for v in r[:3]} & originals
            assert all(checks.mod11_2_check(r.sfzh[:17]) == r.sfzh[17] for r in rows)
            notes = [r[0] for r in conn.execute(sa.text(f'SELECT note FROM "{dst}".orders'))]
            assert not any(p[2] in n for p in people for n in notes[:50])
            # the sequence goes on after the copied ids; defaults came along
            new_id, level = conn.execute(sa.text(
                f'INSERT INTO "{dst}".users (name, sfzh) VALUES (:n, :s) RETURNING id, level'),
                {"n": "测试", "s": "x"}).one()
            assert new_id == len(people) + 1 and level == "silver"
            assert "piguard_deidentify_state" not in sa.inspect(conn).get_table_names(schema=dst)
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{dst}" CASCADE'))


@pytest.fixture
def maria_target(mariadb: Service):
    name = f"piguard_{uuid.uuid4().hex[:10]}"
    with mariadb.engine.begin() as conn:
        conn.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    try:
        yield MARIADB_URL.rsplit("/", 1)[0] + f"/{name}", name
    finally:
        with mariadb.engine.begin() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))


def test_mariadb_database_copy(mariadb: Service, maria_target: tuple[str, str]) -> None:
    p = mariadb.prefix
    target_url, target_db = maria_target
    people = _people(120, 3)
    with mariadb.engine.begin() as conn:
        conn.execute(sa.text(f"""CREATE TABLE `{p}users` (
            id INT AUTO_INCREMENT PRIMARY KEY, xm VARCHAR(20) NOT NULL,
            sfzh CHAR(18) NOT NULL, shouji VARCHAR(11), email VARCHAR(64), extra JSON,
            UNIQUE KEY uq_sfzh (sfzh), KEY ix_email (email(8))) DEFAULT CHARSET=utf8mb4"""))
        conn.execute(sa.text(f"""CREATE TABLE `{p}orders` (
            id INT PRIMARY KEY, user_id INT NOT NULL, shouji VARCHAR(11), amount DECIMAL(10,2),
            CONSTRAINT fk_{p}user FOREIGN KEY (user_id) REFERENCES `{p}users`(id))
            DEFAULT CHARSET=utf8mb4"""))
        conn.execute(sa.text(f"INSERT INTO `{p}users` (xm, sfzh, shouji, email, extra) "
                             "VALUES (:a, :b, :c, :d, :e)"),
                     [{"a": a, "b": b, "c": c, "d": d, "e": '{"k": "v"}'} for a, b, c, d in people])
        conn.execute(sa.text(f"INSERT INTO `{p}orders` VALUES (:i, :u, :s, :a)"),
                     [{"i": i, "u": i % len(people) + 1, "s": people[i % len(people)][2],
                       "a": "12.50"} for i in range(1, 361)])
    try:
        _check_mariadb_copy(mariadb, target_url, target_db, people)
    finally:   # the child first: the fixture drops tables in name order
        with mariadb.engine.begin() as conn:
            conn.execute(sa.text(f"DROP TABLE IF EXISTS `{p}orders`"))


def _check_mariadb_copy(mariadb: Service, target_url: str, target_db: str, people) -> None:
    p = mariadb.prefix
    summary = deidentify(MARIADB_URL, target_url, keyring=RING,
                         options=DeidentifyOptions(tables=[f"{p}*"]))
    assert summary.status == "done", summary.to_dict()
    assert summary.foreign_keys[0]["status"] == "recreated"
    joins = (f"SELECT COUNT(*) FROM `{{db}}`.`{p}orders` o JOIN `{{db}}`.`{p}users` u ON u.id = o.user_id",
             f"SELECT COUNT(*) FROM `{{db}}`.`{p}orders` o JOIN `{{db}}`.`{p}users` u ON u.shouji = o.shouji")
    with mariadb.engine.begin() as conn:
        for q in joins:
            assert conn.execute(sa.text(q.format(db="test"))).scalar() == \
                conn.execute(sa.text(q.format(db=target_db))).scalar() > 0
        keys = set(conn.execute(sa.text(
            "SELECT table_name, index_name, non_unique FROM information_schema.statistics "
            "WHERE table_schema = :d"), {"d": target_db}).fetchall())
        assert {(f"{p}users", "PRIMARY", 0), (f"{p}users", "uq_sfzh", 0),
                (f"{p}users", "ix_email", 1)} <= keys
        assert conn.execute(sa.text(
            "SELECT COUNT(*) FROM information_schema.referential_constraints "
            "WHERE constraint_schema = :d"), {"d": target_db}).scalar() == 1
        rows = conn.execute(sa.text(f"SELECT sfzh, shouji, email, extra FROM `{target_db}`.`{p}users`")).fetchall()
        assert not {v for r in rows for v in r[:3]} & {v for person in people for v in person[1:]}
        assert rows[0].extra == '{"k": "v"}'
        auto = conn.execute(sa.text(
            "SELECT extra FROM information_schema.columns WHERE table_schema = :d AND "
            "table_name = :t AND column_name = 'id'"), {"d": target_db, "t": f"{p}users"}).scalar()
        assert "auto_increment" in auto


def test_sqlite_into_postgres_across_dialects(postgres: Service, tmp_path: Path) -> None:
    from tests.tables.test_deidentify import JOINS, make_shop

    src = tmp_path / "shop.db"
    make_shop(src, users=60)
    dst = f"{postgres.schema}_x"
    try:
        summary = deidentify(str(src), postgres.url, keyring=RING,
                             options=DeidentifyOptions(target_schema=dst))
        assert summary.status == "done", summary.to_dict()
        import sqlite3

        lite = sqlite3.connect(src)
        with postgres.engine.begin() as conn:
            conn.execute(sa.text(f'SET search_path TO "{dst}"'))
            for q in JOINS[:3]:
                assert lite.execute(q).fetchall() == [tuple(r) for r in conn.execute(sa.text(q))]
        lite.close()
    finally:
        with postgres.engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{dst}" CASCADE'))
