"""Writers: the counterpart of the readers, for de-identified copies of tables.

Files (:class:`FileSink`): CSV/TSV, JSON lines, Parquet and XLSX. A sink streams into a
temporary file beside the target (``.NAME.XXXX.piguard-tmp``, mode 600, as
:mod:`piguard.atomic` names them; a copy is too large to hold in memory for
``atomic_write_bytes``), fsyncs it and renames it over the target on :meth:`FileSink.commit`
(``os.replace``: atomic on one file system), so a reader never sees half a file and an
interrupted copy leaves the old target untouched. A workbook
holds one sheet per table; the other formats one table.

- CSV keeps the source's dialect where one is given: encoding (GBK files stay GB18030, a
  superset of GBK), byte-order mark, delimiter and header row. Values are written by Arrow's
  CSV writer, quoted only where needed.
- JSON lines: one object per row; dotted column names (``user.phone``, how the reader
  flattens nested objects) become nested objects again; nulls are left out.
- Parquet keeps Arrow types of columns that arrive typed; text columns are strings.
- XLSX: openpyxl's streaming writer; characters a worksheet cannot hold are dropped.

Databases (:class:`SqlTarget`): a table is created under a temporary name with the
columns, types, NOT NULL, defaults and primary key of its definition (:class:`TableDef`),
filled with bulk inserts (``executemany`` for SQLite and MySQL/MariaDB; PostgreSQL ``COPY
FROM STDIN`` in CSV, or ``execute_values`` when a batch holds JSON, arrays or bytes), given its unique constraints and indexes, and then *published*: in one
transaction (SQLite, PostgreSQL) the old table is dropped and the new one renamed into
place; MySQL renames both tables in one atomic ``RENAME TABLE``. Foreign keys are added
when every table is in place (SQLite declares them in ``CREATE TABLE``). Driver messages go
through :func:`piguard.sources.sql.db_reason`, which strips quoted literals and long tokens, so an
error never echoes a value.
"""

from __future__ import annotations

import codecs
import datetime as _dt
import decimal
import json
import os
import re
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from piguard.sources.base import redact_url
from piguard.sources.files import cell_text
from piguard.sources.sql import db_reason, values_to_strings

Column = "pa.Array | list[Any]"       # a column of a batch: an Arrow array or Python values

FILE_FORMATS = {".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl",
                ".parquet": "parquet", ".xlsx": "xlsx"}


class WriteError(Exception):
    """A copy cannot be written. The message names the place, never a value."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


def to_strings(col: Any) -> pa.Array:
    """A batch column as an Arrow string array (floats holding integers lose their ``.0``)."""
    import pyarrow.compute as pc

    if isinstance(col, (list, tuple)):
        return values_to_strings(col)
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    t = col.type
    if pa.types.is_string(t):
        return col
    if pa.types.is_large_string(t) or pa.types.is_dictionary(t):
        return col.cast(pa.string())
    if pa.types.is_floating(t):
        return pa.array([cell_text(v) for v in col.to_pylist()], pa.string())
    try:
        return pc.cast(col, pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.array([None if v is None else json.dumps(v, default=str, ensure_ascii=False)
                         for v in col.to_pylist()], pa.string())


def to_values(col: Any) -> Sequence[Any]:
    return col if isinstance(col, (list, tuple)) else col.to_pylist()


# =========================================================================== files


@dataclass(slots=True)
class CsvDialect:
    encoding: str = "utf-8"
    bom: bool = False
    delimiter: str = ","
    header: bool = True


class TableWriter:
    """Writes the batches of one table into a sink."""

    def __init__(self, names: list[str]):
        self.names = names
        self.rows = 0

    def write(self, columns: Sequence[Any]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class FileSink:
    """One target file, written to a temporary file and renamed into place on commit."""

    def __init__(self, path: Path, fmt: str | None = None, *, csv: CsvDialect | None = None):
        self.path = Path(path)
        self.fmt = fmt or FILE_FORMATS.get(self.path.suffix.lower(), "")
        if self.fmt not in ("csv", "jsonl", "parquet", "xlsx"):
            raise WriteError(str(path), f"unsupported target file type {self.path.suffix!r} "
                                        "(csv, tsv, jsonl, parquet, xlsx)")
        self.csv = csv or CsvDialect(delimiter="\t" if self.path.suffix.lower() == ".tsv" else ",")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.",
                                       suffix=".piguard-tmp")
        except OSError as exc:
            raise WriteError(str(path), f"cannot create a file here "
                                        f"({exc.strerror or type(exc).__name__})") from None
        os.close(fd)
        self.tmp = Path(tmp)
        self._tables: list[TableWriter] = []
        self._book: Any = None
        self._done = False

    def __repr__(self) -> str:
        return f"FileSink({str(self.path)!r}, {self.fmt})"

    def table(self, name: str, names: list[str]) -> TableWriter:
        if self.fmt == "xlsx":
            if self._book is None:
                import openpyxl

                self._book = openpyxl.Workbook(write_only=True)
            writer: TableWriter = _XlsxWriter(self._book, name, names,
                                              {t.sheet for t in self._tables})  # type: ignore[attr-defined]
        elif self._tables:
            raise WriteError(str(self.path), f"a {self.fmt} file holds one table; write several "
                                             "tables to a folder or a workbook")
        elif self.fmt == "csv":
            writer = _CsvWriter(self.tmp, names, self.csv)
        elif self.fmt == "jsonl":
            writer = _JsonlWriter(self.tmp, names)
        else:
            writer = _ParquetWriter(self.tmp, names)
        self._tables.append(writer)
        return writer

    def commit(self) -> None:
        """Close every table, flush to disk and rename the temporary file over the target."""
        try:
            for t in self._tables:
                t.close()
            if self._book is not None:
                if not self._tables:
                    self._book.create_sheet("Sheet1")
                self._book.save(self.tmp)
            elif not self._tables:
                self.tmp.write_bytes(b"")
            with open(self.tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.chmod(self.tmp, 0o644)
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.abort()
            raise WriteError(str(self.path), f"cannot write ({exc.strerror or type(exc).__name__})") \
                from None
        self._done = True

    def abort(self) -> None:
        if self._done:
            return
        for t in self._tables:
            try:
                t.close()
            except Exception:
                pass
        self.tmp.unlink(missing_ok=True)
        self._done = True


class _CsvWriter(TableWriter):
    def __init__(self, path: Path, names: list[str], dialect: CsvDialect):
        super().__init__(names)
        self.dialect = dialect
        self.encoding = codecs.lookup(dialect.encoding).name
        self._fh = open(path, "wb")
        if dialect.bom:
            self._fh.write({"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE,
                            "utf-16-be": codecs.BOM_UTF16_BE, "utf-32-le": codecs.BOM_UTF32_LE,
                            "utf-32-be": codecs.BOM_UTF32_BE}.get(self.encoding, b""))
        self._header = dialect.header

    def write(self, columns: Sequence[Any]) -> None:
        import io

        import pyarrow.csv as pacsv

        batch = pa.RecordBatch.from_arrays([to_strings(c) for c in columns], names=self.names)
        if batch.num_rows == 0 and not self._header:
            return
        buf = io.BytesIO()
        try:   # no quotes unless a value needs them (Arrow's "needed" quotes every string)
            pacsv.write_csv(batch, buf, pacsv.WriteOptions(
                include_header=self._header, delimiter=self.dialect.delimiter,
                quoting_style="none", quoting_header="none"))
        except pa.ArrowInvalid:
            buf = io.BytesIO()
            pacsv.write_csv(batch, buf, pacsv.WriteOptions(
                include_header=self._header, delimiter=self.dialect.delimiter,
                quoting_style="needed"))
        self._header = False
        data = buf.getvalue()
        if self.encoding != "utf-8":
            data = data.decode("utf-8").encode(self.encoding)
        self._fh.write(data)
        self.rows += batch.num_rows

    def close(self) -> None:
        if self._header:   # no batch at all: still write the header row
            self.write([pa.array([], pa.string()) for _ in self.names])
        if not self._fh.closed:
            self._fh.close()


def _nesting(names: list[str]) -> list[tuple[str, ...]]:
    """Where each flattened column goes in a JSON object: ``user.phone`` → ("user", "phone").

    Names with ``[]`` (flattened lists) and names that would clash with a value stay flat.
    """
    paths = [tuple(n.split(".")) if "." in n and "[]" not in n and "" not in n.split(".")
             else (n,) for n in names]
    leaves = set(paths)
    out = []
    for p in paths:
        clash = any(p[:i] in leaves for i in range(1, len(p)))
        out.append(p if not clash else (".".join(p),))
    return out


class _JsonlWriter(TableWriter):
    def __init__(self, path: Path, names: list[str]):
        super().__init__(names)
        self._paths = _nesting(names)
        self._fh = open(path, "w", encoding="utf-8", newline="\n")

    def write(self, columns: Sequence[Any]) -> None:
        values = [to_values(c) for c in columns]
        paths = self._paths
        lines = []
        for row in zip(*values, strict=True):
            obj: dict[str, Any] = {}
            for path, v in zip(paths, row, strict=True):
                if v is None:
                    continue
                node = obj
                for part in path[:-1]:
                    node = node.setdefault(part, {})
                node[path[-1]] = v
            lines.append(json.dumps(obj, ensure_ascii=False, default=str))
        if lines:
            self._fh.write("\n".join(lines) + "\n")
        self.rows += len(lines)

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()


class _ParquetWriter(TableWriter):
    def __init__(self, path: Path, names: list[str]):
        super().__init__(names)
        self.path = path
        self._writer: Any = None
        self._schema: pa.Schema | None = None

    def write(self, columns: Sequence[Any]) -> None:
        import pyarrow.parquet as pq

        arrays = []
        for i, c in enumerate(columns):
            if isinstance(c, (list, tuple)):
                arr = _typed(list(c))
            else:
                arr = c.combine_chunks() if isinstance(c, pa.ChunkedArray) else c
            if self._schema is not None:
                arr = self._conform(i, arr)
            arrays.append(arr)
        batch = pa.RecordBatch.from_arrays(arrays, names=self.names)
        if self._writer is None:
            schema = pa.schema([pa.field(f.name, pa.string() if pa.types.is_null(f.type) else f.type)
                                for f in batch.schema])
            batch = batch.cast(schema) if schema != batch.schema else batch
            self._schema = schema
            self._writer = pq.ParquetWriter(self.path, schema, compression="zstd")
        self._writer.write_batch(batch)
        self.rows += batch.num_rows

    def _conform(self, i: int, arr: pa.Array) -> pa.Array:
        assert self._schema is not None
        want = self._schema.field(i).type
        if arr.type == want:
            return arr
        if arr.null_count == len(arr):
            return pa.nulls(len(arr), want)
        try:
            return arr.cast(want)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
            if pa.types.is_string(want):
                return to_strings(arr)
        raise WriteError(str(self.path), f"column {self.names[i]!r} changed type between batches")

    def close(self) -> None:
        import pyarrow.parquet as pq

        if self._writer is None:
            self._writer = pq.ParquetWriter(self.path, pa.schema([(n, pa.string()) for n in self.names]))
        self._writer.close()
        self._writer = None


_COPYABLE = (str, int, float, decimal.Decimal, _dt.date, _dt.datetime, _dt.time, uuid.UUID)


def _copyable(col: Any) -> bool:
    """Whether a column's text form is what PostgreSQL's COPY reads back as the same value
    (plain scalars; not JSON, arrays or bytes)."""
    if not isinstance(col, (list, tuple)):
        t = col.type
        return not (pa.types.is_binary(t) or pa.types.is_nested(t))
    sample = next((v for v in col if v is not None), None)
    return sample is None or isinstance(sample, _COPYABLE)


def _typed(values: list[Any]) -> pa.Array:
    """Python values (from a database) as a typed Arrow array when they share a plain type,
    else as strings."""
    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, (bool, int, float, decimal.Decimal, _dt.date, _dt.datetime, str)):
        try:
            arr = pa.array(values, from_pandas=False)
            if not (pa.types.is_struct(arr.type) or pa.types.is_list(arr.type)):
                return arr
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            pass
    return values_to_strings(values)


_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_TYPES = (bool, int, float, decimal.Decimal, _dt.date, _dt.datetime, _dt.time)


class _XlsxWriter(TableWriter):
    def __init__(self, book: Any, name: str, names: list[str], taken: set[str]):
        super().__init__(names)
        title = re.sub(r"[\[\]:*?/\\]", "_", name.rsplit("#", 1)[-1])[:31] or "Sheet"
        base, n = title, 1
        while title in taken:
            n += 1
            title = f"{base[:28]}_{n}"
        self.sheet = title
        self._ws = book.create_sheet(title)
        self._ws.append(names)

    def write(self, columns: Sequence[Any]) -> None:
        values = [to_values(c) for c in columns]
        for row in zip(*values, strict=True):
            self._ws.append([_ILLEGAL_XLSX.sub("", v) if isinstance(v, str) else
                             str(v) if isinstance(v, (dict, list, uuid.UUID)) else v for v in row])
            self.rows += 1


# =========================================================================== databases


@dataclass(slots=True)
class ColumnDef:
    name: str
    type: Any                          # SQLAlchemy type (for the target dialect)
    nullable: bool = True
    default: str | None = None         # server default as SQL text
    autoincrement: bool = False
    comment: str | None = None
    computed: str | None = None        # generated column expression (not inserted)


@dataclass(slots=True)
class ForeignKeyDef:
    name: str | None
    columns: list[str]
    ref_table: str
    ref_columns: list[str]
    ondelete: str | None = None
    onupdate: str | None = None


@dataclass(slots=True)
class IndexDef:
    name: str | None
    columns: list[str]
    unique: bool = False
    constraint: bool = False           # a UNIQUE constraint rather than an index
    lengths: dict[str, int] = field(default_factory=dict)   # MySQL prefix lengths

    def describe(self) -> str:
        kind = "unique" if self.constraint or self.unique else "index"
        return f"{kind} ({', '.join(self.columns)})"


@dataclass(slots=True)
class TableDef:
    """What a copy of a table needs: columns and constraints (names as in the source)."""

    name: str
    columns: list[ColumnDef]
    primary_key: list[str] = field(default_factory=list)
    pk_name: str | None = None
    indexes: list[IndexDef] = field(default_factory=list)
    foreign_keys: list[ForeignKeyDef] = field(default_factory=list)
    comment: str | None = None
    notes: list[str] = field(default_factory=list)   # what the definition cannot carry

    @property
    def insert_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.computed is None]


def _ident(name: str, limit: int = 60) -> str:
    if len(name.encode("utf-8")) <= limit:
        return name
    import hashlib

    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    return name.encode("utf-8")[: limit - 9].decode("utf-8", "ignore") + "_" + digest


class SqlTarget:
    """A database the copy writes to (never a source: the caller checks)."""

    def __init__(self, url: str, schema: str | None = None):
        import sqlalchemy as sa
        from sqlalchemy.engine import make_url

        self.display = redact_url(url)
        try:
            u = make_url(url)
            kwargs: dict[str, Any] = {}
            if u.get_backend_name() in ("postgresql", "mysql", "mariadb"):
                kwargs["connect_args"] = {"connect_timeout": 10}
            self.engine = sa.create_engine(u, **kwargs)
            self.dialect = self.engine.dialect.name
            with self.engine.connect() as conn:
                default = sa.inspect(conn).default_schema_name
        except Exception as exc:
            raise WriteError(self.display, f"cannot connect ({db_reason(exc)})") from None
        self.default_schema = default
        self.schema = schema if schema and schema != default else None
        if self.schema is not None:
            self._ensure_schema()
        self._conn: Any = None

    def __repr__(self) -> str:
        return f"SqlTarget({self.display!r}, schema={self.schema!r})"

    # -- helpers ---------------------------------------------------------------------------
    def q(self, name: str) -> str:
        prep = self.engine.dialect.identifier_preparer
        quoted = prep.quote(name)
        return f"{prep.quote_schema(self.schema)}.{quoted}" if self.schema else quoted

    def qn(self, name: str) -> str:
        return self.engine.dialect.identifier_preparer.quote(name)

    @property
    def name_limit(self) -> int:
        return {"postgresql": 63, "mysql": 64, "mariadb": 64}.get(self.dialect, 120)

    def raw(self) -> Any:
        """The job's one DBAPI connection (SQLite in autocommit mode: transactions explicit)."""
        if self._conn is None:
            self._conn = self.engine.raw_connection()
            if self.dialect == "sqlite":
                self._conn.driver_connection.isolation_level = None
        return self._conn

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        cur = self.raw().cursor()
        cur.execute(sql, params) if params is not None else cur.execute(sql)
        return cur

    def begin(self) -> None:
        if self.dialect == "sqlite":
            self.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        if self.dialect == "sqlite":
            self.execute("COMMIT")
        else:
            self.raw().commit()

    def rollback(self) -> None:
        try:
            if self.dialect == "sqlite":
                conn = self.raw().driver_connection
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
            else:
                self.raw().rollback()
        except Exception:
            pass

    def close(self) -> None:
        if self._conn is not None:
            self.rollback()
            self._conn.close()
            self._conn = None
        self.engine.dispose()

    def _ensure_schema(self) -> None:
        if self.dialect != "postgresql":
            raise WriteError(self.display, "a target schema is only supported for PostgreSQL; "
                                           "give the database in the URL")
        try:
            with self.engine.begin() as conn:
                conn.exec_driver_sql(f"CREATE SCHEMA IF NOT EXISTS "
                                     f"{self.engine.dialect.identifier_preparer.quote(self.schema)}")
        except Exception as exc:
            raise WriteError(self.display, f"cannot create schema ({db_reason(exc)})") from None

    def table_names(self) -> set[str]:
        import sqlalchemy as sa

        with self.engine.connect() as conn:
            return set(sa.inspect(conn).get_table_names(schema=self.schema))

    def foreign_key_names(self, table: str) -> set[str]:
        import sqlalchemy as sa

        with self.engine.connect() as conn:
            return {fk["name"] for fk in sa.inspect(conn).get_foreign_keys(table, schema=self.schema)
                    if fk.get("name")}

    # -- create ----------------------------------------------------------------------------
    def create(self, tdef: TableDef, temp: str) -> list[str]:
        """Create ``temp`` with ``tdef``'s columns and primary key (and, on SQLite, its foreign
        keys). Returns notes (defaults dropped...)."""
        import sqlalchemy as sa

        notes: list[str] = []
        self.drop(temp)
        for attempt in ("defaults", "plain"):
            md = sa.MetaData()
            cols = []
            for c in tdef.columns:
                kw: dict[str, Any] = {"nullable": c.nullable, "comment": c.comment,
                                      "autoincrement": c.autoincrement}
                if c.default is not None and attempt == "defaults":
                    kw["server_default"] = sa.text(c.default)
                if c.computed is not None and attempt == "defaults":
                    kw["nullable"] = True
                    cols.append(sa.Column(c.name, c.type, sa.Computed(sa.text(c.computed)), **kw))
                    continue
                cols.append(sa.Column(c.name, c.type, **kw))
            args: list[Any] = list(cols)
            if tdef.primary_key:
                pk_name = _ident(f"{temp}_pkey", self.name_limit) if self.dialect == "postgresql" else None
                args.append(sa.PrimaryKeyConstraint(*tdef.primary_key, name=pk_name))
            if self.dialect == "sqlite":
                for fk in tdef.foreign_keys:
                    sa.Table(fk.ref_table, md, *[sa.Column(c) for c in fk.ref_columns],
                             extend_existing=True, schema=self.schema)
                    args.append(sa.ForeignKeyConstraint(
                        fk.columns, [f"{fk.ref_table}.{c}" for c in fk.ref_columns],
                        name=fk.name, ondelete=fk.ondelete, onupdate=fk.onupdate))
            table = sa.Table(temp, md, *args, schema=self.schema, comment=tdef.comment)
            ddl = [str(sa.schema.CreateTable(table).compile(dialect=self.engine.dialect))]
            if self.dialect == "postgresql":   # comments are separate statements there
                if tdef.comment:
                    ddl.append(str(sa.schema.SetTableComment(table).compile(dialect=self.engine.dialect)))
                ddl += [str(sa.schema.SetColumnComment(col).compile(dialect=self.engine.dialect))
                        for col in table.columns if col.comment]
            try:
                for statement in ddl:
                    self.execute(statement)
                if self.dialect != "sqlite":
                    self.commit()
                break
            except Exception as exc:
                self.rollback()
                if attempt == "plain":
                    raise WriteError(f"{self.display}: {tdef.name}",
                                     f"cannot create table ({db_reason(exc)})") from None
                if not any(c.default or c.computed for c in tdef.columns):
                    raise WriteError(f"{self.display}: {tdef.name}",
                                     f"cannot create table ({db_reason(exc)})") from None
                notes.append("column defaults not recreated (the target refused them)")
        return notes

    # -- insert ----------------------------------------------------------------------------
    def inserter(self, tdef: TableDef, temp: str) -> Callable[[Sequence[Any], Sequence[bool]], None]:
        """A function that inserts one batch (columns of ``tdef.insert_columns``).

        ``text`` flags the columns that hold transformed text (inserted as strings)."""
        names = tdef.insert_columns
        cols = ", ".join(self.qn(n) for n in names)
        types = {c.name: c.type for c in tdef.columns}
        conn = self.raw()
        if self.dialect == "postgresql":
            from psycopg2.extras import execute_values

            sql = f"INSERT INTO {self.q(temp)} ({cols}) VALUES %s"
            copy_sql = f"COPY {self.q(temp)} ({cols}) FROM STDIN WITH (FORMAT csv)"

            def insert(columns: Sequence[Any], text: Sequence[bool]) -> None:
                if all(t or _copyable(c) for c, t in zip(columns, text, strict=True)):
                    # COPY in CSV: Arrow writes the text, an unquoted empty field is NULL
                    import io

                    import pyarrow.csv as pacsv

                    batch = pa.RecordBatch.from_arrays([to_strings(c) for c in columns],
                                                       names=[f"c{i}" for i in range(len(names))])
                    buf = io.BytesIO()
                    pacsv.write_csv(batch, buf, pacsv.WriteOptions(include_header=False,
                                                                   quoting_style="needed"))
                    buf.seek(0)
                    with conn.cursor() as cur:
                        cur.copy_expert(copy_sql, buf)
                    return
                rows = list(zip(*[self._values(c, types[n], t)
                                  for c, n, t in zip(columns, names, text, strict=True)], strict=True))
                with conn.cursor() as cur:
                    execute_values(cur, sql, rows, page_size=2000)
            return insert
        mark = "?" if self.dialect == "sqlite" else "%s"
        sql = f"INSERT INTO {self.q(temp)} ({cols}) VALUES ({', '.join([mark] * len(names))})"
        if self.dialect == "sqlite":
            def insert_sqlite(columns: Sequence[Any], text: Sequence[bool]) -> None:
                rows = list(zip(*[self._values(c, types[n], t)
                                  for c, n, t in zip(columns, names, text, strict=True)], strict=True))
                cur = conn.cursor()
                if not conn.driver_connection.in_transaction:
                    cur.execute("BEGIN")
                cur.executemany(sql, rows)
            return insert_sqlite

        def insert_mysql(columns: Sequence[Any], text: Sequence[bool]) -> None:
            rows = list(zip(*[self._values(c, types[n], t)
                              for c, n, t in zip(columns, names, text, strict=True)], strict=True))
            with conn.cursor() as cur:
                cur.executemany(sql, rows)
        return insert_mysql

    def _values(self, col: Any, sa_type: Any, text: bool) -> Sequence[Any]:
        """A column's values as the target driver wants them."""
        values = to_values(col)
        if text:
            return values
        sample = next((v for v in values if v is not None), None)
        if sample is None or (isinstance(sample, (str, int, float)) and not isinstance(sample, bool)):
            return values
        convert = self._converter(sample, sa_type)
        return values if convert is None else [None if v is None else convert(v) for v in values]

    def _converter(self, sample: Any, sa_type: Any) -> Callable[[Any], Any] | None:
        import sqlalchemy as sa

        d = self.dialect
        if isinstance(sample, (dict, list)):
            if d == "postgresql":
                if isinstance(sa_type, sa.ARRAY) and isinstance(sample, list):
                    return None
                from psycopg2.extras import Json

                return Json if isinstance(sa_type, sa.JSON) else \
                    (lambda v: json.dumps(v, ensure_ascii=False, default=str))
            return lambda v: json.dumps(v, ensure_ascii=False, default=str)
        if isinstance(sample, memoryview):
            return bytes
        if isinstance(sample, uuid.UUID):
            return str
        if d == "sqlite":
            if isinstance(sample, (_dt.date, _dt.datetime, _dt.time)):
                return lambda v: v.isoformat(sep=" ") if isinstance(v, _dt.datetime) else v.isoformat()
            if isinstance(sample, (decimal.Decimal, _dt.timedelta)):
                return str
            if isinstance(sample, bool):
                return int
        return None

    def end_inserts(self) -> None:
        """Commit the rows inserted so far."""
        if self.dialect == "sqlite":
            if self.raw().driver_connection.in_transaction:
                self.execute("COMMIT")
        else:
            self.raw().commit()

    # -- finish and publish ------------------------------------------------------------------
    def finish(self, tdef: TableDef, temp: str, tag: str) -> tuple[list[str], list[str]]:
        """Unique constraints, indexes and sequences on ``temp`` (SQLite: at publish).
        Returns ``(recreated, notes)``: descriptions, and what could not be recreated."""
        done: list[str] = []
        notes: list[str] = []
        if self.dialect == "sqlite":
            return done, notes
        stmts: list[tuple[str, str]] = []
        for ix in tdef.indexes:
            final = self._index_name(tdef, ix)
            name = self._temp_ident(final, tag) if self.dialect == "postgresql" else final
            cols = ", ".join(self._index_column(ix, c) for c in ix.columns)
            if ix.constraint:
                sql = (f"ALTER TABLE {self.q(temp)} ADD CONSTRAINT {self.qn(name)} UNIQUE ({cols})")
            else:
                sql = (f"CREATE {'UNIQUE ' if ix.unique else ''}INDEX {self.qn(name)} ON "
                       f"{self.q(temp)} ({cols})")
            stmts.append((ix.describe(), sql))
        if self.dialect == "postgresql":
            for c in tdef.columns:
                if c.autoincrement and tdef.primary_key == [c.name]:
                    stmts.append(("", f"SELECT setval(pg_get_serial_sequence("
                                  f"'{self._literal_name(temp)}', '{c.name}'), COALESCE((SELECT "
                                  f"MAX({self.qn(c.name)}) FROM {self.q(temp)}), 0) + 1, false)"))
        for what, sql in stmts:
            try:
                self.execute(sql)
                self.commit()
                if what:
                    done.append(what)
            except Exception as exc:
                self.rollback()
                notes.append(f"{what or 'sequence'} not recreated ({db_reason(exc)})")
        return done, notes

    def _index_name(self, tdef: TableDef, ix: IndexDef) -> str:
        if ix.name and not ix.name.startswith("sqlite_"):
            return ix.name
        kind = "uq" if ix.unique or ix.constraint else "ix"
        return _ident(f"{kind}_{tdef.name}_{'_'.join(ix.columns)}", self.name_limit)

    def _index_column(self, ix: IndexDef, column: str) -> str:
        length = ix.lengths.get(column)
        if length and self.dialect in ("mysql", "mariadb"):
            return f"{self.qn(column)}({int(length)})"
        return self.qn(column)

    def _temp_ident(self, final: str, tag: str) -> str:
        return _ident(f"{final}__{tag}", self.name_limit)

    def _literal_name(self, name: str) -> str:
        qualified = self.q(name)
        return qualified.replace("'", "''")

    def publish(self, tdef: TableDef, temp: str, tag: str,
                in_transaction: Callable[[], None] | None = None) -> list[str]:
        """Replace ``tdef.name`` by ``temp`` atomically (MySQL: one RENAME TABLE), then run
        ``in_transaction`` (the job state) in the same transaction where the database allows.
        Returns notes."""
        notes: list[str] = []
        final = tdef.name
        try:
            if self.dialect == "mysql" or self.dialect == "mariadb":
                notes += self._publish_mysql(final, temp, tag)
                if in_transaction is not None:
                    in_transaction()
                self.commit()
                return notes
            self.begin()
            if self.dialect == "postgresql":
                notes += self._pg_drop(final)
                self.execute(f"ALTER TABLE {self.q(temp)} RENAME TO {self.qn(final)}")
                pk_tmp = _ident(f"{temp}_pkey", self.name_limit)
                if tdef.primary_key:
                    pk_final = tdef.pk_name or _ident(f"{final}_pkey", self.name_limit)
                    self.execute(f"ALTER TABLE {self.q(final)} RENAME CONSTRAINT "
                                 f"{self.qn(pk_tmp)} TO {self.qn(pk_final)}")
                existing = self._pg_relations(final)
                for ix in tdef.indexes:
                    want = self._index_name(tdef, ix)
                    have = self._temp_ident(want, tag)
                    if have not in existing:
                        continue
                    if ix.constraint:
                        self.execute(f"ALTER TABLE {self.q(final)} RENAME CONSTRAINT "
                                     f"{self.qn(have)} TO {self.qn(want)}")
                    else:
                        self.execute(f"ALTER INDEX {self.q(have)} RENAME TO {self.qn(want)}")
                self._pg_rename_sequences(tdef, temp)
            else:  # sqlite
                self.execute(f"DROP TABLE IF EXISTS {self.q(final)}")
                self.execute(f"ALTER TABLE {self.q(temp)} RENAME TO {self.qn(final)}")
                for ix in tdef.indexes:
                    notes += self._sqlite_index(tdef, ix)
            if in_transaction is not None:
                in_transaction()
            self.commit()
        except WriteError:
            self.rollback()
            raise
        except Exception as exc:
            self.rollback()
            raise WriteError(f"{self.display}: {final}",
                             f"cannot put the copy in place ({db_reason(exc)})") from None
        return notes

    def _pg_drop(self, final: str) -> list[str]:
        """Drop the old copy; what depends on it (views, other tables' foreign keys) goes too,
        and the note says so."""
        self.execute("SAVEPOINT piguard_drop")
        try:
            self.execute(f"DROP TABLE IF EXISTS {self.q(final)}")
            self.execute("RELEASE SAVEPOINT piguard_drop")
            return []
        except Exception:
            self.execute("ROLLBACK TO SAVEPOINT piguard_drop")
            self.execute(f"DROP TABLE {self.q(final)} CASCADE")
            return [f"objects depending on the previous {final} (foreign keys of other tables, "
                    "views) were dropped with it"]

    def _sqlite_index(self, tdef: TableDef, ix: IndexDef) -> list[str]:
        unique = ix.unique or ix.constraint
        sql = (f"CREATE {'UNIQUE ' if unique else ''}INDEX IF NOT EXISTS "
               f"{self.q(self._index_name(tdef, ix))} ON {self.qn(tdef.name)} "
               f"({', '.join(self.qn(c) for c in ix.columns)})")
        try:
            self.execute("SAVEPOINT piguard_index")
            self.execute(sql)
            self.execute("RELEASE piguard_index")
            return []
        except Exception as exc:
            self.execute("ROLLBACK TO piguard_index")
            self.execute("RELEASE piguard_index")
            return [f"{ix.describe()} not recreated ({db_reason(exc)})"]

    def _pg_relations(self, table: str) -> set[str]:
        cur = self.execute(
            "SELECT c.conname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE t.relname = %s AND n.nspname = %s "
            "UNION SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
            "WHERE t.relname = %s AND n.nspname = %s",
            (table, self.schema or self.default_schema, table, self.schema or self.default_schema))
        return {r[0] for r in cur.fetchall()}

    def _pg_rename_sequences(self, tdef: TableDef, temp: str) -> None:
        for c in tdef.columns:
            if not (c.autoincrement and c.name in tdef.primary_key):
                continue
            cur = self.execute("SELECT pg_get_serial_sequence(%s, %s)",
                               (self.q(tdef.name), c.name))
            seq = cur.fetchone()[0]
            want = _ident(f"{tdef.name}_{c.name}_seq", self.name_limit)
            if seq and seq.rsplit(".", 1)[-1].strip('"') != want:
                exists = self.execute(
                    "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relname = %s AND n.nspname = %s",
                    (want, self.schema or self.default_schema)).fetchone()
                if not exists:
                    self.execute(f"ALTER SEQUENCE {seq} RENAME TO {self.qn(want)}")

    def _publish_mysql(self, final: str, temp: str, tag: str) -> list[str]:
        old = _ident(f"{final}__old_{tag}", self.name_limit)
        exists = final in self.table_names()
        self.execute("SET SESSION FOREIGN_KEY_CHECKS = 0")
        try:
            if exists:
                self.execute(f"RENAME TABLE {self.q(final)} TO {self.q(old)}, "
                             f"{self.q(temp)} TO {self.q(final)}")
                self.execute(f"DROP TABLE {self.q(old)}")
            else:
                self.execute(f"RENAME TABLE {self.q(temp)} TO {self.q(final)}")
        finally:
            self.execute("SET SESSION FOREIGN_KEY_CHECKS = 1")
        return []

    def drop(self, name: str) -> None:
        try:
            if self.dialect == "mysql" or self.dialect == "mariadb":
                self.execute("SET SESSION FOREIGN_KEY_CHECKS = 0")
            cascade = " CASCADE" if self.dialect == "postgresql" else ""
            self.execute(f"DROP TABLE IF EXISTS {self.q(name)}{cascade}")
            if self.dialect == "mysql" or self.dialect == "mariadb":
                self.execute("SET SESSION FOREIGN_KEY_CHECKS = 1")
            if self.dialect != "sqlite":
                self.commit()
        except Exception as exc:
            self.rollback()
            raise WriteError(f"{self.display}: {name}", f"cannot drop ({db_reason(exc)})") from None

    def add_foreign_key(self, tdef: TableDef, fk: ForeignKeyDef) -> str | None:
        """Add one foreign key to the published ``tdef.name`` (SQLite: declared at creation).
        Returns None when done, else why not."""
        if self.dialect == "sqlite":
            return None
        name = fk.name or _ident(f"fk_{tdef.name}_{'_'.join(fk.columns)}", self.name_limit)
        sql = (f"ALTER TABLE {self.q(tdef.name)} ADD CONSTRAINT {self.qn(name)} FOREIGN KEY "
               f"({', '.join(self.qn(c) for c in fk.columns)}) REFERENCES {self.q(fk.ref_table)} "
               f"({', '.join(self.qn(c) for c in fk.ref_columns)})")
        if fk.ondelete:
            sql += f" ON DELETE {fk.ondelete}"
        if fk.onupdate:
            sql += f" ON UPDATE {fk.onupdate}"
        try:
            if name in self.foreign_key_names(tdef.name):
                drop = "FOREIGN KEY" if self.dialect in ("mysql", "mariadb") else "CONSTRAINT"
                self.execute(f"ALTER TABLE {self.q(tdef.name)} DROP {drop} {self.qn(name)}")
            self.execute(sql)
            self.commit()
        except Exception as exc:
            self.rollback()
            return db_reason(exc)
        return None
