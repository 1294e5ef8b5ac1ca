"""Database services for tests: PostgreSQL and MariaDB on this machine, isolated per run.

Each fixture connects, creates a unique schema (PostgreSQL) or table-name prefix (MariaDB)
and drops it afterwards. A missing service skips locally and fails when ``CI=true``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.conftest import require_service

PG_URLS = ("postgresql+psycopg2://postgres@127.0.0.1:5432/test",
           "postgresql+psycopg2://root@127.0.0.1:5432/test")
MARIADB_URL = "mysql+pymysql://root:@127.0.0.1:3306/test"


@dataclass(frozen=True)
class Service:
    url: str
    engine: object
    schema: str | None      # PostgreSQL: the unique schema
    prefix: str             # MariaDB (and PG): unique table-name prefix


def _engine(url: str):
    import sqlalchemy as sa

    engine = sa.create_engine(url, connect_args={"connect_timeout": 5})
    with engine.connect() as conn:
        conn.execute(sa.text("select 1"))
    return engine


@pytest.fixture
def postgres() -> Iterator[Service]:
    import sqlalchemy as sa

    engine = url = None
    for candidate in PG_URLS:
        try:
            engine, url = _engine(candidate), candidate
            break
        except Exception:
            continue
    require_service(engine is not None, "PostgreSQL at 127.0.0.1:5432 (database test)")
    schema = f"piguard_{uuid.uuid4().hex[:10]}"
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield Service(url, engine, schema, f"t{uuid.uuid4().hex[:6]}_")
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def mariadb() -> Iterator[Service]:
    import sqlalchemy as sa

    try:
        engine = _engine(MARIADB_URL)
    except Exception:
        engine = None
    require_service(engine is not None, "MariaDB at 127.0.0.1:3306 (database test)")
    prefix = f"t{uuid.uuid4().hex[:8]}_"
    try:
        yield Service(MARIADB_URL, engine, None, prefix)
    finally:
        with engine.begin() as conn:
            names = [r[0] for r in conn.execute(sa.text(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = DATABASE() AND table_name LIKE :p"), {"p": prefix + "%"})]
            for name in names:
                conn.execute(sa.text(f"DROP TABLE `{name}`"))
        engine.dispose()
