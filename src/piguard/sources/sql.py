"""SQL databases through SQLAlchemy URLs: SQLite, PostgreSQL, MySQL/MariaDB.

- Connections are **read-only** where the database allows it (SQLite ``mode=ro``, PostgreSQL
  ``default_transaction_read_only``, MySQL ``SET SESSION TRANSACTION READ ONLY``): a scan
  never modifies a source.
- Table and column comments are read (``COMMENT ON``/``COMMENT '...'``); they are evidence
  for column classification (``身份证号`` on a column named ``c7``).
- Schema filters: ``schemas`` (default: the connection's default schema) and fnmatch
  ``include``/``exclude`` patterns on ``table`` or ``schema.table``.
- Sampling without loading a table: ``first`` (``LIMIT n`` in key order), ``random``
  (PostgreSQL ``TABLESAMPLE BERNOULLI``, MySQL ``RAND() < p``, SQLite ``random()``; all stream
  and stop at ``n`` rows), ``full`` (keyset pagination over a single-column primary key, so a
  scan can resume after the last key it finished; a server-side cursor otherwise).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Sequence
from typing import Any

from piguard.sources.base import (
    DEFAULT_BATCH_ROWS,
    Batch,
    Column,
    Fingerprint,
    Location,
    Problem,
    Sampling,
    SourceError,
    Table,
    redact_url,
    safe_key,
)
from piguard.sources.files import cell_text

SQLITE_MAGIC = b"SQLite format 3\x00"


def is_database_url(spec: str) -> bool:
    return "://" in spec and not spec.startswith("file://")


def sqlite_url_for(path: str) -> str:
    return f"sqlite:///{path}"


def _read_only_engine(url: str) -> Any:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    u = make_url(url)
    backend = u.get_backend_name()
    kwargs: dict[str, Any] = {}
    if backend == "sqlite":
        db = u.database or ""
        if db and db != ":memory:" and not db.startswith("file:"):
            import pathlib
            import urllib.parse

            path = pathlib.Path(db).resolve()
            if not path.exists():
                raise SourceError(redact_url(url), "SQLite database file not found")
            u = u.set(database=f"file:{urllib.parse.quote(str(path))}?mode=ro",
                      query={**u.query, "uri": "true"})
    elif backend == "postgresql":
        kwargs["connect_args"] = {"options": "-c default_transaction_read_only=on",
                                  "connect_timeout": 10}
    elif backend in ("mysql", "mariadb"):
        kwargs["connect_args"] = {"connect_timeout": 10}
    engine = sa.create_engine(u, **kwargs)
    if backend in ("mysql", "mariadb"):
        @sa.event.listens_for(engine, "connect")
        def _ro(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("SET SESSION TRANSACTION READ ONLY")
            cur.close()
    return engine


class Database:
    """The tables of one database, filtered by schema and name patterns."""

    def __init__(self, url: str, *, schemas: Sequence[str] | None = None,
                 include: Sequence[str] | None = None, exclude: Sequence[str] | None = None):
        self.url = url
        self.display = redact_url(url)
        self.schemas = list(schemas) if schemas else None
        self.include = list(include or [])
        self.exclude = list(exclude or [])
        self.problems: list[Problem] = []
        try:
            self.engine = _read_only_engine(url)
        except SourceError:
            raise
        except Exception as exc:
            raise SourceError(self.display, f"invalid database URL ({type(exc).__name__})") \
                from None
        self.dialect = self.engine.dialect.name

    def _wanted(self, schema: str | None, name: str) -> bool:
        qualified = f"{schema}.{name}" if schema else name
        if self.include and not any(fnmatch.fnmatchcase(n, p) for p in self.include
                                    for n in (name, qualified)):
            return False
        return not any(fnmatch.fnmatchcase(n, p) for p in self.exclude for n in (name, qualified))

    def tables(self) -> list[SqlTable]:
        import sqlalchemy as sa

        try:
            insp = sa.inspect(self.engine)
            default = insp.default_schema_name
            schemas = self.schemas or [default]
        except Exception as exc:
            raise SourceError(self.display, f"cannot connect ({_db_reason(exc)})") from None
        out: list[SqlTable] = []
        for schema in schemas:
            try:
                names = insp.get_table_names(schema=schema)
            except Exception as exc:
                self.problems.append(Problem(Location(self.display, schema),
                                             f"cannot list tables ({_db_reason(exc)})", "skipped"))
                continue
            for name in sorted(names):
                shown_schema = None if schema == default else schema
                if not self._wanted(shown_schema, name):
                    continue
                try:
                    out.append(SqlTable(self, insp, schema if schema != default else None, name))
                except SourceError as exc:
                    self.problems.append(Problem(Location(self.display, name), exc.reason,
                                                 "skipped"))
        return out

    def close(self) -> None:
        self.engine.dispose()


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_LONG_TOKEN = re.compile(r"[0-9A-Za-z@._+-]*[0-9@][0-9A-Za-z@._+-]{4,}")


def _db_reason(exc: BaseException) -> str:
    """The driver's first line, without quoted literals or long tokens: a message may echo a
    key value (which can be PI, a phone number as primary key) or a password."""
    orig = getattr(exc, "orig", None) or exc
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else ""
    if "password" in first.lower():
        first = "authentication failed"
    first = _LONG_TOKEN.sub("…", _QUOTED.sub("'…'", first))
    return f"{type(orig).__name__}: {first[:160]}" if first else type(orig).__name__


db_reason = _db_reason   # public name for the writers


class SqlTable(Table):
    """One database table. Values are read as strings; nothing is written."""

    def __init__(self, db: Database, insp: Any, schema: str | None, name: str):
        import sqlalchemy as sa

        super().__init__(db.display, f"{schema}.{name}" if schema else name)
        self.db = db
        self.schema = schema
        self.table_name = name
        try:
            cols = insp.get_columns(name, schema=schema)
            pk = insp.get_pk_constraint(name, schema=schema).get("constrained_columns") or []
        except Exception as exc:
            raise SourceError(f"{db.display}: {self.name}",
                              f"cannot read columns ({_db_reason(exc)})") from None
        try:
            self.comment = (insp.get_table_comment(name, schema=schema) or {}).get("text")
        except (NotImplementedError, Exception):
            self.comment = None
        self._columns = [Column(c["name"], str(c["type"]), c.get("comment")) for c in cols]
        self._pk = pk[0] if len(pk) == 1 else None
        meta = sa.MetaData()
        self._table = sa.Table(name, meta, *[sa.Column(c.name) for c in self._columns],
                               schema=schema)
        self._row_count: int | None = None

    def columns(self) -> list[Column]:
        return list(self._columns)

    def key_column(self) -> str | None:
        return self._pk

    def count_rows(self) -> int | None:
        import sqlalchemy as sa

        if self._row_count is None:
            with self.db.engine.connect() as conn:
                self._row_count = int(conn.execute(
                    sa.select(sa.func.count()).select_from(self._table)).scalar() or 0)
        return self._row_count

    def max_key(self) -> str | None:
        """The largest primary-key value when it is a surrogate integer (see ``safe_key``)."""
        import sqlalchemy as sa

        if self._pk is None:
            return None
        with self.db.engine.connect() as conn:
            value = conn.execute(sa.select(sa.func.max(self._table.c[self._pk]))).scalar()
        return safe_key(cell_text(value))

    def fingerprint(self) -> Fingerprint:
        try:
            return Fingerprint({"rows": self.count_rows(), "max_key": self.max_key(),
                                "columns": [c.name for c in self._columns]})
        except Exception as exc:
            raise SourceError(f"{self.source}: {self.name}",
                              f"cannot count rows ({_db_reason(exc)})") from None

    def batches(self, sampling: Sampling | str = Sampling.FULL, *, limit: int | None = None,
                batch_rows: int = DEFAULT_BATCH_ROWS, after_key: Any = None,
                seed: int = 0) -> Iterator[Batch]:
        sampling = Sampling(sampling)
        try:
            if sampling is Sampling.FULL or limit is None:
                if self._pk is not None:
                    yield from self._keyset(batch_rows, after_key)
                else:
                    yield from self._stream(self._select(), batch_rows)
            elif sampling is Sampling.FIRST:
                stmt = self._select()
                if self._pk is not None:
                    stmt = stmt.order_by(self._table.c[self._pk])
                yield from self._stream(stmt.limit(limit), batch_rows)
            else:
                yield from self._random(limit, batch_rows, seed)
        except SourceError:
            raise
        except Exception as exc:
            raise SourceError(f"{self.source}: {self.name}",
                              f"read failed ({_db_reason(exc)})") from None

    def _select(self) -> Any:
        import sqlalchemy as sa

        return sa.select(*self._table.c)

    def _to_batch(self, rows: list[Any], start: int) -> Batch:
        names = [c.name for c in self._columns]
        data = rows_to_batch(names, rows)
        keys = data.column(names.index(self._pk)) if self._pk is not None else None
        return Batch(data, Location(self.source, self.name), start, None, keys)

    def row_batches(self, batch_rows: int = DEFAULT_BATCH_ROWS,
                    after_key: Any = None) -> Iterator[list[Any]]:
        """Every row, as the driver returns it (no conversion to text), in lists of at most
        ``batch_rows``: in primary-key order (keyset pagination, resumable after
        ``after_key``) when the table has a single-column key, else in storage order. For
        copies that must keep values exactly (dates, decimals, JSON, bytes)."""
        try:
            if self._pk is not None:
                yield from self._keyset_rows(batch_rows, after_key)
            else:
                yield from self._stream_rows(self._select(), batch_rows)
        except SourceError:
            raise
        except Exception as exc:
            raise SourceError(f"{self.source}: {self.name}",
                              f"read failed ({_db_reason(exc)})") from None

    def column_values(self, names: Sequence[str],
                      batch_rows: int = DEFAULT_BATCH_ROWS) -> Iterator[list[Any]]:
        """Rows of just these columns, as the driver returns them, in storage order."""
        import sqlalchemy as sa

        try:
            yield from self._stream_rows(sa.select(*[self._table.c[n] for n in names]),
                                         batch_rows)
        except Exception as exc:
            raise SourceError(f"{self.source}: {self.name}",
                              f"read failed ({_db_reason(exc)})") from None

    def _keyset(self, batch_rows: int, after_key: Any) -> Iterator[Batch]:
        start = 0
        for rows in self._keyset_rows(batch_rows, after_key):
            yield self._to_batch(rows, start)
            start += len(rows)

    def _keyset_rows(self, batch_rows: int, after_key: Any) -> Iterator[list[Any]]:
        pk = self._table.c[self._pk]
        pk_index = [c.name for c in self._columns].index(self._pk)
        last = after_key
        with self.db.engine.connect() as conn:
            while True:
                stmt = self._select().order_by(pk).limit(batch_rows)
                if last is not None:
                    stmt = stmt.where(pk > last)
                rows = conn.execute(stmt).fetchall()
                if not rows:
                    return
                last = rows[-1][pk_index]
                yield rows
                if len(rows) < batch_rows:
                    return

    def _stream(self, stmt: Any, batch_rows: int) -> Iterator[Batch]:
        start = 0
        for rows in self._stream_rows(stmt, batch_rows):
            yield self._to_batch(rows, start)
            start += len(rows)

    def _stream_rows(self, stmt: Any, batch_rows: int) -> Iterator[list[Any]]:
        with self.db.engine.connect() as conn:
            result = conn.execution_options(stream_results=True,
                                            yield_per=batch_rows).execute(stmt)
            for part in result.partitions(batch_rows):
                yield list(part)

    def _random(self, limit: int, batch_rows: int, seed: int) -> Iterator[Batch]:
        import sqlalchemy as sa

        total = self.count_rows() or 0
        if total <= limit:
            yield from self._stream(self._select(), batch_rows)
            return
        share = min(1.0, 1.5 * limit / total)
        dialect = self.db.dialect
        if dialect == "postgresql":
            sampled = self._table.tablesample(sa.func.bernoulli(share * 100),
                                             seed=sa.literal_column(str(int(seed))))
            stmt = sa.select(*sampled.c).limit(limit)
        elif dialect in ("mysql", "mariadb"):
            stmt = self._select().where(sa.func.rand(seed) < share).limit(limit)
        elif dialect == "sqlite":
            stmt = self._select().where(
                sa.func.abs(sa.func.random()) % 1_000_000 < int(share * 1_000_000)).limit(limit)
        else:
            stmt = self._select().limit(limit)
        yield from self._stream(stmt, batch_rows)


def values_to_strings(values: Sequence[Any]) -> Any:
    """One column of database values as an Arrow string array (``None`` stays null)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = None
    try:
        typed = pa.array(values, from_pandas=False)
        t = typed.type
        if pa.types.is_string(t):
            arr = typed
        elif pa.types.is_null(t):
            arr = pa.nulls(len(values), pa.string())
        elif (pa.types.is_integer(t) or pa.types.is_decimal(t) or pa.types.is_date(t)
              or pa.types.is_boolean(t) or pa.types.is_large_string(t)):
            arr = pc.cast(typed, pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        arr = None
    if arr is None:
        arr = pa.array([cell_text(v) for v in values], pa.string())
    return arr


def rows_to_batch(names: list[str], rows: list[Any]) -> Any:
    """Database rows as an Arrow record batch of strings (``None`` stays null)."""
    import pyarrow as pa

    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    return pa.RecordBatch.from_arrays([values_to_strings(v) for v in columns], names=names)
