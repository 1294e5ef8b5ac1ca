"""De-identified copies of tables, files and whole databases: ``piguard deidentify``.

``deidentify(SOURCE, TARGET)`` turns a production table, file or database into a copy that
still works: joins still join, formats still validate, and nothing identifying is left.

**What is copied.** SOURCE is a file (CSV/TSV, JSONL, Parquet, XLSX: one table per sheet), a
folder of such files, an SQLite file or a SQLAlchemy URL (SQLite, PostgreSQL, MySQL/MariaDB;
the whole database or ``tables`` patterns). TARGET is a file, a folder or a database. Every
row of every selected table is copied; row counts match (rows a reader cannot parse, such as
a malformed CSV line, are reported by place and left out).

**How columns are treated.** Each table is classified on a sample (:mod:`piguard.tables`);
the policy (``[entities]`` and ``[columns."table.column"]``, see :mod:`piguard.deid.policy`)
decides per column:

- ``transform``: a column of one entity; every value goes through the entity's operator
  (default policy ``pseudonymize``: format-valid keyed surrogates);
- ``redact``: free text; the redactor replaces each span it finds;
- ``keep``: PI the policy keeps (``keep`` operator, ``skip = true``), reported as kept;
- ``copy``: no PI found; copied unchanged (and checked again after the copy).

Classification is tuned for inventories (a share of values must be PI); a copy fails closed:
a text column whose sample shows even one span proven by a pattern or checksum (a phone
number in one remark out of a hundred) is redacted rather than copied.

**Referential integrity.** The operators are deterministic and keyed, and one operator object
serves an entity everywhere (:class:`piguard.tables.transform.TransformSet`): the same value
becomes the same output in every table, column and free-text span, so foreign keys, user ids
and phone-based joins still work. A foreign-key column always follows the column it
references (same entity, same operator), whatever its own sample suggested. *Key columns
that are PI* (a phone number as primary key, a unique e-mail, an ID referenced by other
tables) keep their joins through the deterministic surrogate; because a fake space can be
smaller than the value space, the entities of such columns are *guarded*: a value whose fake
is already taken by another value is redrawn
(:class:`piguard.tables.transform.CollisionGuard`), so unique columns stay unique and joins
keep their row counts. Fakes of some entities live among real values (a card keeps its BIN):
for those every original value of the job is reserved first, so no fake is somebody else's
real number. An operator that is not one-to-one on a key column (``mask``, ``redact``...) is
flagged in the plan, and a unique constraint the copied values break is reported as not
recreated (the rows are copied).

**Target schema.** Database targets get the source's columns, types (the generic type when
the dialects differ), NOT NULL, defaults (same dialect), primary key, unique constraints,
indexes and foreign keys. A transformed text column shorter than its operator's output can
be is widened (``VARCHAR(11)`` stays for phone surrogates; e-mail surrogates get 128
characters; tokens and tags 255); the plan says so.

**Safety.** Sources are opened read-only and a TARGET that is the SOURCE (same file, same
database and schema) is refused. Each table is written under a temporary name and put in
place atomically (:mod:`piguard.sources.writers`); files go through a temporary file and a
rename. A job records finished tables (a state table ``piguard_deidentify_state`` in the
target database, or ``.piguard-deidentify.json`` beside the target files), in the same
transaction as the rename where the database allows; a rerun of the same command skips them
(unless the source table changed) and continues; the record goes away when the job is done.

**Verification.** After the copy, a sample of each table (``verify_rows``, the first rows in
key order, the same rows in source and target) is checked: no transformed value may come out
unchanged; no original identifier (phone, ID, card, e-mail... from a column or from the
source's free text) may appear anywhere in the target row, as a cell or inside text;
identifier columns are also searched for the sampled originals over the whole target table
(databases); and columns copied unchanged are classified again, and scanned span by span,
on the target sample. Findings are reported as *leaks* and *remaining PI*;
``strict`` callers (``--strict``) fail on them.

Nothing in a summary, a note, a problem or a progress event holds a value from the data:
counts, column names and masked previews only.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from piguard.deid.keys import HOW_TO_MAKE_A_KEY, Keyring, KeyringError
from piguard.deid.operators import Keep, Operator, OperatorError, Replace
from piguard.deid.policy import ColumnRule, Policy
from piguard.entities import CATALOGUE
from piguard.sources.base import Problem, Sampling, SourceError, Table
from piguard.sources.writers import (
    FILE_FORMATS,
    ColumnDef,
    CsvDialect,
    FileSink,
    ForeignKeyDef,
    IndexDef,
    SqlTarget,
    TableDef,
    WriteError,
    to_strings,
)
from piguard.tables.transform import (
    GUARDABLE,
    REAL_SPACE,
    ColumnStats,
    TransformSet,
    is_deterministic,
    is_injective,
)

__all__ = ["ColumnPlan", "DeidentifyError", "DeidentifyOptions", "DeidentifySummary",
           "TableReport", "VerificationReport", "deidentify"]

STATE_TABLE = "piguard_deidentify_state"
STATE_FILE = ".piguard-deidentify.json"
TEMP_MARK = "__pgd"
DB_SUFFIXES = frozenset({".db", ".sqlite", ".sqlite3"})
GUARD_CHUNK = 512 * 1024          # characters of base64 per state row
# Surrogates of these entities can be longer than the original (target text columns widen).
LENGTHENING = frozenset({"EMAIL_ADDRESS", "ADDRESS", "PERSON_NAME", "IP_ADDRESS", "MAC_ADDRESS",
                         "DEVICE_ID", "CN_WECHAT_ID", "GEO_COORDINATE", "PASSPORT"})
SHAPE_KEEPING = frozenset({"surrogate", "fpe", "keep", "date_shift"})

Progress = Callable[..., None]


class DeidentifyError(Exception):
    """A copy cannot start: bad arguments, unreadable source, unusable target or key."""


# =========================================================================== results


@dataclass(slots=True)
class DeidentifyOptions:
    tables: list[str] | None = None          # fnmatch patterns on table / sheet names
    schemas: list[str] | None = None         # source schemas (default: the default schema)
    target_schema: str | None = None         # PostgreSQL target schema
    file_format: str = "csv"                 # database → folder: csv, jsonl, parquet, xlsx
    batch_rows: int = 20_000
    sample_rows: int = 1000                  # rows sampled to classify a table
    sampling: str = "random"                 # how: random (spread) or first (key order)
    verify: bool = True
    verify_rows: int = 1000
    restart: bool = False                    # ignore a saved unfinished job
    dry_run: bool = False                    # plan only
    seed: int = 0

    def __post_init__(self) -> None:
        if self.file_format not in ("csv", "jsonl", "parquet", "xlsx"):
            raise DeidentifyError(f"file format must be csv, jsonl, parquet or xlsx, not "
                                  f"{self.file_format!r}")
        if self.batch_rows < 1 or self.sample_rows < 1 or self.verify_rows < 1:
            raise DeidentifyError("batch, sample and verification sizes must be positive")
        if self.sampling not in ("random", "first"):
            raise DeidentifyError(f"sampling must be random or first, not {self.sampling!r}")


@dataclass(slots=True)
class ColumnPlan:
    """What happens to one column, and (after the copy) how many values it touched."""

    column: str
    action: str = "copy"                     # transform | redact | keep | copy
    entity: str | None = None
    operator: str | None = None
    options: dict[str, Any] = field(default_factory=dict)   # the operator's non-default options
    by: str = "classifier"                   # classifier | policy | foreign key → t.c
    confidence: float = 0.0
    entities: dict[str, int] = field(default_factory=dict)   # free text (sample)
    hinted: str | None = None
    key: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stats: ColumnStats = field(default_factory=ColumnStats)
    op: Operator | None = field(default=None, repr=False, compare=False)

    def describe(self) -> str:
        if self.action == "transform":
            opts = "".join(f" {k}={v}" for k, v in self.options.items())
            return f"{self.entity} → {self.operator}{opts}"
        if self.action == "redact":
            found = ", ".join(self.entities) if self.entities else "spans"
            return f"free text ({found}) → redacted"
        if self.action == "keep":
            return f"{self.entity or 'PI'} kept by the policy"
        return f"copied (name suggests {self.hinted})" if self.hinted else "copied"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"column": self.column, "action": self.action}
        if self.entity:
            out["entity"] = self.entity
        if self.operator:
            out["operator"] = self.operator
        if self.options:
            out["options"] = dict(self.options)
        out["by"] = self.by
        if self.confidence:
            out["confidence"] = round(self.confidence, 2)
        if self.entities:
            out["entities"] = dict(self.entities)
        for name in ("hinted", "key", "notes"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        if self.action in ("transform", "redact"):
            out["stats"] = self.stats.to_dict()
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ColumnPlan:
        plan = cls(d["column"], d.get("action", "copy"), d.get("entity"), d.get("operator"),
                   dict(d.get("options", {})), d.get("by", "classifier"), d.get("confidence", 0.0),
                   dict(d.get("entities", {})), d.get("hinted"), list(d.get("key", [])),
                   list(d.get("notes", [])))
        stats = d.get("stats") or {}
        plan.stats = ColumnStats(**{k: v for k, v in stats.items()
                                    if k in ColumnStats.__dataclass_fields__})
        return plan


@dataclass(slots=True)
class TableReport:
    table: str                               # source table (file path, sheet, db table)
    target: str = ""                         # target table or file
    status: str = "planned"                  # planned | copied | resumed | failed
    rows_read: int = 0
    rows_written: int = 0
    rows_total: int | None = None
    seconds: float = 0.0
    columns: list[ColumnPlan] = field(default_factory=list)
    constraints: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def column(self, name: str) -> ColumnPlan | None:
        return next((c for c in self.columns if c.column == name), None)

    def to_dict(self) -> dict[str, Any]:
        out = {"table": self.table, "target": self.target, "status": self.status,
               "rows_read": self.rows_read, "rows_written": self.rows_written,
               "rows_total": self.rows_total, "seconds": round(self.seconds, 3),
               "columns": [c.to_dict() for c in self.columns]}
        for name in ("constraints", "notes", "problems"):
            if getattr(self, name):
                out[name] = list(getattr(self, name))
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TableReport:
        return cls(d["table"], d.get("target", ""), d.get("status", "copied"),
                   d.get("rows_read", 0), d.get("rows_written", 0), d.get("rows_total"),
                   d.get("seconds", 0.0), [ColumnPlan.from_dict(c) for c in d.get("columns", [])],
                   list(d.get("constraints", [])), list(d.get("notes", [])),
                   list(d.get("problems", [])))


@dataclass(slots=True)
class VerificationReport:
    """After the copy: what a sample of the target still holds (counts, never values)."""

    tables: int = 0
    rows_checked: int = 0
    leaks: list[dict[str, Any]] = field(default_factory=list)       # original values found
    remaining: list[dict[str, Any]] = field(default_factory=list)   # PI in copied columns
    kept: list[dict[str, Any]] = field(default_factory=list)        # PI the policy keeps
    not_checked: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.leaks and not self.remaining

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "tables": self.tables, "rows_checked": self.rows_checked,
                "leaks": self.leaks, "remaining": self.remaining, "kept": self.kept,
                "not_checked": self.not_checked}


@dataclass(slots=True)
class DeidentifySummary:
    source: str
    target: str
    policy: str
    key_id: str | None = None
    status: str = "running"                  # done | planned | failed | interrupted
    tables: list[TableReport] = field(default_factory=list)
    foreign_keys: list[dict[str, Any]] = field(default_factory=list)
    verification: VerificationReport | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    copy_seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(t.rows_written for t in self.tables if t.status == "copied")

    @property
    def failed(self) -> list[TableReport]:
        return [t for t in self.tables if t.status == "failed"]

    def to_dict(self) -> dict[str, Any]:
        rate = self.rows / self.copy_seconds if self.copy_seconds else None
        return {"source": self.source, "target": self.target, "policy": self.policy,
                "key_id": self.key_id, "status": self.status,
                "tables": [t.to_dict() for t in self.tables],
                "foreign_keys": self.foreign_keys,
                "verification": self.verification.to_dict() if self.verification else None,
                "problems": self.problems, "notes": self.notes,
                "rows_copied": self.rows, "seconds": round(self.seconds, 3),
                "rows_per_second": round(rate) if rate else None}


# =========================================================================== sources


def _sanitize(name: str) -> str:
    out = re.sub(r"[^\w]+", "_", name).strip("_")
    return out or "table"


@dataclass(eq=False)
class _SourceTable:
    """One source table and what the copy needs to know about it."""

    table: Table
    aliases: list[str]
    names: list[str]
    target_name: str                         # table name (databases) or sheet/file label
    sdef: TableDef | None = None             # reflected definition (database sources)
    dialect: str | None = None
    table_name: str = ""                     # the bare table name (databases)

    @property
    def display(self) -> str:
        return self.table.name

    def fingerprint(self) -> dict[str, Any]:
        path = getattr(self.table, "path", None)
        if path is not None:
            st = Path(path).stat()
            return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
        return dict(self.table.fingerprint().values)

    def batches(self, batch_rows: int) -> Iterator[tuple[list[Any], int]]:
        """``(columns in ``names`` order, rows)``: Python values for databases (exact), Arrow
        arrays for files (strings; Parquet keeps its types)."""
        from piguard.sources.sql import SqlTable

        t = self.table
        if isinstance(t, SqlTable):
            for rows in t.row_batches(batch_rows):
                yield [list(c) for c in zip(*rows, strict=True)], len(rows)
            return
        from piguard.sources.files import ParquetTable

        if isinstance(t, ParquetTable):
            yield from self._parquet(batch_rows)
            return
        import pyarrow as pa

        for batch in t.batches(Sampling.FULL, batch_rows=batch_rows):
            data = batch.data
            have = set(data.schema.names)
            yield [data.column(n) if n in have else pa.nulls(data.num_rows, pa.string())
                   for n in self.names], data.num_rows

    def _parquet(self, batch_rows: int) -> Iterator[tuple[list[Any], int]]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        with pq.ParquetFile(self.table.path) as f:  # type: ignore[attr-defined]
            for rb in f.iter_batches(batch_size=batch_rows):
                table = pa.Table.from_batches([rb])
                while any(pa.types.is_struct(x.type) for x in table.schema):
                    table = table.flatten()
                cols = {n: table.column(n).combine_chunks() for n in table.schema.names}
                yield [cols[n] if n in cols else pa.nulls(rb.num_rows, pa.string())
                       for n in self.names], rb.num_rows


def _reflect(engine: Any, schema: str | None, name: str) -> TableDef:
    """The definition of a source table (source dialect types)."""
    import sqlalchemy as sa

    insp = sa.inspect(engine)
    cols = insp.get_columns(name, schema=schema)
    pk = insp.get_pk_constraint(name, schema=schema) or {}
    pk_cols = list(pk.get("constrained_columns") or [])
    columns = []
    for c in cols:
        default = c.get("default")
        auto = bool(c.get("autoincrement") is True or c.get("identity"))
        if isinstance(default, str) and default.lower().startswith("nextval("):
            default, auto = None, True
        computed = (c.get("computed") or {}).get("sqltext")
        columns.append(ColumnDef(c["name"], c["type"], bool(c.get("nullable", True)),
                                 str(default) if default is not None else None,
                                 auto and pk_cols == [c["name"]], c.get("comment"),
                                 str(computed) if computed is not None else None))
    indexes: list[IndexDef] = []
    seen: set[tuple[tuple[str, ...], bool]] = set()
    try:
        uniques = insp.get_unique_constraints(name, schema=schema)
    except NotImplementedError:
        uniques = []
    for u in uniques:
        key = (tuple(u["column_names"]), True)
        if None in key[0] or key in seen:
            continue
        seen.add(key)
        indexes.append(IndexDef(u.get("name"), list(u["column_names"]), True, True))
    if engine.dialect.name == "sqlite":
        indexes += _sqlite_uniques(engine, name, seen)
    notes = []
    for ix in insp.get_indexes(name, schema=schema):
        cols_ = ix.get("column_names") or []
        if ix.get("duplicates_constraint") or not cols_:
            continue
        if None in cols_:
            notes.append(f"expression index {ix.get('name')} not recreated")
            continue
        key = (tuple(cols_), bool(ix.get("unique")))
        if key in seen or (bool(ix.get("unique")) and any(
                i.name == ix.get("name") for i in indexes)):
            continue
        seen.add(key)
        lengths = (ix.get("dialect_options") or {}).get("mysql_length") or {}
        if isinstance(lengths, int):
            lengths = {cols_[0]: lengths}
        indexes.append(IndexDef(ix.get("name"), list(cols_), bool(ix.get("unique")), False,
                                dict(lengths)))
    fks = []
    actions = _sqlite_fk_actions(engine, name) if engine.dialect.name == "sqlite" else {}
    for fk in insp.get_foreign_keys(name, schema=schema):
        opts = dict(fk.get("options") or {})
        for k, v in actions.get((fk["referred_table"], tuple(fk["constrained_columns"])), {}).items():
            opts.setdefault(k, v)
        fks.append(ForeignKeyDef(fk.get("name"), list(fk["constrained_columns"]),
                                 fk["referred_table"], list(fk["referred_columns"]),
                                 opts.get("ondelete"), opts.get("onupdate")))
    try:
        comment = (insp.get_table_comment(name, schema=schema) or {}).get("text")
    except NotImplementedError:
        comment = None
    return TableDef(name, columns, pk_cols, pk.get("name"), indexes, fks, comment, notes)


def _sqlite_fk_actions(engine: Any, name: str) -> dict[tuple[str, tuple[str, ...]], dict[str, str]]:
    """ON DELETE / ON UPDATE of SQLite foreign keys (the inspector misses them on columns)."""
    groups: dict[int, dict[str, Any]] = {}
    with engine.connect() as conn:
        q = engine.dialect.identifier_preparer.quote
        for row in conn.exec_driver_sql(f"PRAGMA foreign_key_list({q(name)})"):
            g = groups.setdefault(row[0], {"table": row[2], "cols": [], "upd": row[5], "del": row[6]})
            g["cols"].append(row[3])
    out = {}
    for g in groups.values():
        acts = {k: v for k, v in (("onupdate", g["upd"]), ("ondelete", g["del"]))
                if v and v.upper() != "NO ACTION"}
        out[(g["table"], tuple(g["cols"]))] = acts
    return out


def _sqlite_uniques(engine: Any, name: str, seen: set[tuple[tuple[str, ...], bool]]) -> list[IndexDef]:
    """SQLite's inline ``UNIQUE`` columns (auto-indexes the inspector does not list)."""
    out = []
    with engine.connect() as conn:
        q = engine.dialect.identifier_preparer.quote
        for row in conn.exec_driver_sql(f"PRAGMA index_list({q(name)})").fetchall():
            _, index, unique, origin = row[0], row[1], row[2], row[3]
            if origin != "u" or not unique:
                continue
            cols = [r[2] for r in conn.exec_driver_sql(f"PRAGMA index_info({q(index)})")]
            key = (tuple(cols), True)
            if key in seen or None in cols:
                continue
            seen.add(key)
            out.append(IndexDef(None, cols, True, True))
    return out


# =========================================================================== planning


def _plan_column(name: str, cr: Any, rule: ColumnRule | None, policy: Policy) -> ColumnPlan:
    """The action for one column from its classification and the policy."""
    plan = ColumnPlan(name)
    if cr is not None:
        plan.hinted = cr.hinted
        plan.confidence = cr.confidence
    if rule is not None:
        plan.by = "policy"
        if rule.skip:
            plan.action = "keep"
            plan.entity = cr.entity if cr is not None else None
            plan.notes.append("skip = true in the policy")
            return plan
        if rule.free_text:
            plan.action = "redact"
            plan.entities = dict(cr.entities) if cr is not None else {}
            return plan
        assert rule.entity is not None
        return _with_operator(plan, rule.entity, rule.operator or policy.operator_for(rule.entity))
    if cr is not None and cr.entity is not None:
        return _with_operator(plan, cr.entity, policy.operator_for(cr.entity))
    if cr is not None and cr.free_text and cr.entities:
        plan.action = "redact"
        plan.entities = dict(cr.entities)
    return plan


def _with_operator(plan: ColumnPlan, entity: str, op: Operator) -> ColumnPlan:
    try:
        op.check_entity(entity)
    except OperatorError:
        plan.notes.append(f"{op.name} cannot handle {entity}; values become tags")
        op = Replace(numbered=False)
    plan.entity, plan.op, plan.operator = entity, op, op.name
    plan.options = {k: v for k, v in op.options.items() if v != op.OPTIONS[k].default}
    plan.action = "keep" if isinstance(op, Keep) else "transform"
    return plan


def _target_type(ctype: Any, plan: ColumnPlan) -> tuple[Any, str | None]:
    """The target column type for a transformed column, widened where outputs can be longer.
    Returns ``(type, note)``."""
    import sqlalchemy as sa

    if plan.action not in ("transform", "redact"):
        return ctype, None
    op_name = plan.operator or ""
    texty = isinstance(ctype, sa.String)
    shape = plan.action == "transform" and op_name in SHAPE_KEEPING
    if not texty:
        if shape:
            return ctype, None
        return sa.String(255), f"type {ctype} → VARCHAR(255): {op_name or 'redaction'} output is text"
    length = getattr(ctype, "length", None)
    if not length:
        return ctype, None
    want = length
    if op_name in ("encrypt", "hash", "replace"):
        want = max(length * 4 + 64, 255)      # tokens: a prefix and base64 of the UTF-8 value
    elif not shape or plan.action == "redact":
        want = max(length, 255)
    elif plan.entity in LENGTHENING:
        want = max(length, 128)
    if want == length:
        return ctype, None
    return sa.String(want), f"widened from {length} to {want} characters for {op_name or 'redaction'} output"


def _adapt_type(ctype: Any, same_dialect: bool, dialect: Any) -> Any:
    import sqlalchemy as sa

    if same_dialect:
        return ctype
    for candidate in (_generic(ctype), ctype):
        if candidate is None:
            continue
        try:
            candidate.compile(dialect=dialect)
            return candidate
        except Exception:  # a type the target cannot spell: try the next
            continue
    return sa.Text()


def _generic(ctype: Any) -> Any:
    try:
        return ctype.as_generic()
    except NotImplementedError:
        return None


_ARROW_SA = {"int": "BigInteger", "uint": "BigInteger", "float": "Float", "bool": "Boolean",
             "date": "Date", "timestamp": "DateTime", "decimal": "Numeric"}


def _sa_for_arrow(arrow_type: str | None) -> Any:
    import sqlalchemy as sa

    t = (arrow_type or "").lower()
    for prefix, name in _ARROW_SA.items():
        if t.startswith(prefix):
            return getattr(sa, name)()
    return sa.Text()


# =========================================================================== state


class _State:
    """Finished units and collision guards of one job (a table or a file)."""

    def load(self) -> tuple[str | None, dict[str, Any], dict[str, bytes]]:
        raise NotImplementedError

    def mark_done(self, job: str, key: str, record: dict[str, Any],
                  guards: dict[str, bytes]) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError


class _FileState(_State):
    def __init__(self, path: Path):
        self.path = path
        self.doc: dict[str, Any] = {}

    def load(self) -> tuple[str | None, dict[str, Any], dict[str, bytes]]:
        try:
            self.doc = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.doc = {}
            return None, {}, {}
        guards = {k: base64.b64decode(v) for k, v in self.doc.get("guards", {}).items()}
        return self.doc.get("job"), dict(self.doc.get("done", {})), guards

    def mark_done(self, job: str, key: str, record: dict[str, Any],
                  guards: dict[str, bytes]) -> None:
        from piguard.atomic import atomic_write_text

        if self.doc.get("job") != job:
            self.doc = {"job": job, "done": {}, "guards": {}}
        self.doc["done"][key] = record
        self.doc["guards"] = {k: base64.b64encode(v).decode("ascii") for k, v in guards.items()}
        atomic_write_text(self.path, json.dumps(self.doc, ensure_ascii=False))

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
        self.doc = {}


class _DbState(_State):
    def __init__(self, target: SqlTarget):
        self.target = target
        self.mark = "?" if target.dialect == "sqlite" else "%s"

    def _ensure(self) -> None:
        import sqlalchemy as sa
        from sqlalchemy.dialects import mysql

        md = sa.MetaData()
        table = sa.Table(STATE_TABLE, md, sa.Column("job", sa.String(64), nullable=False),
                         sa.Column("item", sa.String(255), nullable=False),
                         sa.Column("payload", sa.Text().with_variant(mysql.LONGTEXT(), "mysql",
                                                                      "mariadb")),
                         schema=self.target.schema)
        ddl = str(sa.schema.CreateTable(table, if_not_exists=True).compile(
            dialect=self.target.engine.dialect))
        self.target.execute(ddl)
        if self.target.dialect != "sqlite":
            self.target.commit()

    def load(self) -> tuple[str | None, dict[str, Any], dict[str, bytes]]:
        if STATE_TABLE not in self.target.table_names():
            return None, {}, {}
        rows = self.target.execute(f"SELECT job, item, payload FROM {self.target.q(STATE_TABLE)}"
                                   ).fetchall()
        if self.target.dialect != "sqlite":
            self.target.commit()
        jobs = {r[0] for r in rows}
        if len(jobs) != 1:
            return (None if not jobs else "several"), {}, {}
        job = next(iter(jobs))
        done: dict[str, Any] = {}
        chunks: dict[str, list[tuple[int, str]]] = {}
        for _, item, payload in rows:
            if item.startswith("done:"):
                done[item[5:]] = json.loads(payload)
            elif item.startswith("guard:"):
                name, _, idx = item[6:].rpartition("#")
                chunks.setdefault(name, []).append((int(idx), payload))
        guards = {name: base64.b64decode("".join(p for _, p in sorted(parts)))
                  for name, parts in chunks.items()}
        return job, done, guards

    def mark_done(self, job: str, key: str, record: dict[str, Any],
                  guards: dict[str, bytes]) -> None:
        t, m = self.target.q(STATE_TABLE), self.mark
        self.target.execute(f"DELETE FROM {t} WHERE job <> {m}", (job,))
        self.target.execute(f"DELETE FROM {t} WHERE job = {m} AND (item = {m} OR item LIKE {m})",
                            (job, f"done:{key}", "guard:%"))
        rows = [(job, f"done:{key}", json.dumps(record, ensure_ascii=False))]
        for name, data in guards.items():
            text = base64.b64encode(data).decode("ascii")
            for i in range(0, max(len(text), 1), GUARD_CHUNK):
                rows.append((job, f"guard:{name}#{i // GUARD_CHUNK}", text[i:i + GUARD_CHUNK]))
        cur = self.target.raw().cursor()
        cur.executemany(f"INSERT INTO {t} (job, item, payload) VALUES ({m}, {m}, {m})", rows)

    def start(self) -> None:
        self._ensure()

    def clear(self) -> None:
        self.target.drop(STATE_TABLE)


# =========================================================================== the job


class DeidentifyInterrupted(KeyboardInterrupt):
    """Ctrl-C during a copy: finished tables are saved; ``summary`` says what was done."""

    def __init__(self, summary: DeidentifySummary):
        super().__init__("interrupted")
        self.summary = summary


@dataclass(eq=False)
class _Unit:
    """What is committed at once: a database table, or a target file (its tables)."""

    key: str
    tables: list[_SourceTable]
    path: Path | None = None
    fmt: str | None = None
    csv: CsvDialect | None = None


def _is_sqlite_file(path: Path) -> bool:
    from piguard.sources.sql import SQLITE_MAGIC

    try:
        with open(path, "rb") as f:
            return path.is_file() and f.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def _db_identity(url: str) -> tuple[str, ...]:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    backend = u.get_backend_name()
    if backend == "sqlite":
        db = u.database or ""
        return ("sqlite", str(Path(db).resolve()) if db and db != ":memory:" else db)
    family = "mysql" if backend in ("mysql", "mariadb") else backend
    host = (u.host or "localhost").lower()
    if host in ("127.0.0.1", "::1", "localhost"):
        host = "localhost"
    port = str(u.port or {"postgresql": 5432, "mysql": 3306}.get(family, ""))
    return (family, host, port, u.database or "")


class _Job:
    def __init__(self, source: str, target: str, policy: Policy, keyring: Keyring | None,
                 options: DeidentifyOptions, progress: Progress | None):
        from piguard.sources import display_name

        self.source_spec = source
        self.target_spec = target
        self.policy = policy
        self.keyring = keyring
        self.options = options
        self.progress = progress or (lambda *_a, **_k: None)
        key_id = keyring.active.id if keyring is not None else None
        self.summary = DeidentifySummary(display_name(source), display_name(target), policy.name,
                                         key_id)
        self.target: SqlTarget | None = None
        self.reports: dict[int, TableReport] = {}
        self.transforms: TransformSet | None = None
        self.state: _State | None = None
        self.job_id = ""
        self.tag = ""
        self._source_db: Any = None
        self.tables: list[_SourceTable] = []

    # ------------------------------------------------------------------ endpoints
    def _source_url(self) -> str | None:
        from piguard.sources.sql import is_database_url, sqlite_url_for

        if is_database_url(self.source_spec):
            return self.source_spec
        path = Path(self.source_spec)
        if path.is_file() and _is_sqlite_file(path):
            return sqlite_url_for(str(path))
        return None

    def _target_kind(self) -> str:
        from piguard.sources.sql import is_database_url

        if is_database_url(self.target_spec):
            return "db"
        path = Path(self.target_spec)
        suffix = path.suffix.lower()
        if path.is_dir():
            return "folder"
        if suffix in DB_SUFFIXES or (path.is_file() and _is_sqlite_file(path)):
            return "db"
        if suffix in FILE_FORMATS:
            return "file"
        if suffix:
            raise DeidentifyError(f"target {self.target_spec}: unknown file type {suffix!r} "
                                  "(csv, tsv, jsonl, parquet, xlsx; .db/.sqlite for SQLite; "
                                  "a folder; or a database URL)")
        return "folder"

    def _open(self) -> tuple[str, list[_SourceTable], list[Problem]]:
        url = self._source_url()
        if url is not None:
            return "db", *self._db_tables(url)
        path = Path(self.source_spec)
        if not path.exists():
            raise DeidentifyError(f"{self.source_spec}: no such file, folder or database URL")
        return ("folder" if path.is_dir() else "file"), *self._file_tables(path)

    def _db_tables(self, url: str) -> tuple[list[_SourceTable], list[Problem]]:
        from piguard.sources.sql import Database

        try:
            db = Database(url, schemas=self.options.schemas, include=self.options.tables)
            tables = db.tables()
        except SourceError as exc:
            raise DeidentifyError(f"{exc.where}: {exc.reason}") from None
        self._source_db = db
        out = []
        seen: dict[str, str] = {}
        for t in tables:
            if t.table_name in seen:
                raise DeidentifyError(f"tables {seen[t.table_name]} and {t.name} would both be "
                                      f"copied to {t.table_name}; copy one schema at a time")
            seen[t.table_name] = t.name
            try:
                sdef = _reflect(db.engine, t.schema, t.table_name)
            except Exception as exc:
                from piguard.sources.sql import db_reason

                db.problems.append(Problem(t.location, f"cannot read the table definition "
                                                       f"({db_reason(exc)})", "skipped"))
                continue
            aliases = [t.name, t.table_name] if t.schema else [t.table_name]
            out.append(_SourceTable(t, aliases, [c.name for c in t.columns()], t.table_name,
                                    sdef, db.dialect, t.table_name))
        return out, list(db.problems)

    def _file_tables(self, root: Path) -> tuple[list[_SourceTable], list[Problem]]:
        from piguard.sources import files
        from piguard.sources.base import Location

        out: list[_SourceTable] = []
        problems: list[Problem] = []
        for path in files.walk(root):
            where = str(path)
            if root.is_dir() and path.suffix.lower() not in files.TABLE_SUFFIXES:
                reason = "SQLite database inside a folder: copy it on its own" \
                    if _is_sqlite_file(path) else "not a table file (csv, tsv, jsonl, json, " \
                                                  "parquet, xlsx); not copied"
                problems.append(Problem(Location(where), reason, "skipped"))
                continue
            try:
                opened = files.open_file(path)
            except SourceError as exc:
                problems.append(Problem(Location(where), exc.reason, "skipped"))
                continue
            except Exception as exc:
                problems.append(Problem(Location(where), f"cannot read ({type(exc).__name__})",
                                        "skipped"))
                continue
            for item in opened:
                if not isinstance(item, Table):
                    problems.append(Problem(Location(where), "a document, not a table; use "
                                                             "`piguard redact` for text", "skipped"))
                    continue
                st = self._file_table(path, item)
                if st is not None:
                    out.append(st)
        return out, problems

    def _file_table(self, path: Path, t: Table) -> _SourceTable | None:
        from piguard.sources.files import JsonTable, SheetTable

        stem = path.stem
        if isinstance(t, SheetTable):
            aliases = [f"{stem}#{t.sheet}", t.sheet, stem]
            label = t.sheet
            target_name = _sanitize(f"{stem}_{t.sheet}")
        else:
            aliases = [stem, path.name]
            label = path.name
            target_name = _sanitize(stem)
        if self.options.tables and not any(fnmatch.fnmatchcase(a, p) for a in [*aliases, label]
                                           for p in self.options.tables):
            return None
        try:
            if isinstance(t, JsonTable):
                names: dict[str, None] = {}
                for _, row in t._rows(record_problems=False):
                    names.update(dict.fromkeys(row))
                cols = list(names)
            else:
                cols = [c.name for c in t.columns()]
        except SourceError as exc:
            t.problems.append(Problem(t.location, exc.reason, "skipped"))
            cols = []
        return _SourceTable(t, aliases, cols, target_name)

    # ------------------------------------------------------------------ safety
    def _refuse_same(self, source_kind: str, target_kind: str) -> None:
        if target_kind == "db":
            src_url = self._source_url()
            if src_url is None:
                return
            tgt_url = self._target_url()
            if _db_identity(src_url) != _db_identity(tgt_url):
                return
            if _db_identity(src_url)[0] == "postgresql":
                db = self._source_db
                import sqlalchemy as sa

                with db.engine.connect() as conn:
                    default = sa.inspect(conn).default_schema_name
                source_schemas = set(self.options.schemas or [default])
                if (self.options.target_schema or default) not in source_schemas:
                    return
            raise DeidentifyError("the target is the source database (and schema); a copy "
                                  "never writes into its source: give another database"
                                  + (" or --to-schema" if _db_identity(src_url)[0] == "postgresql"
                                     else ""))
        src = Path(self.source_spec)
        tgt = Path(self.target_spec)
        if source_kind == "db" and self._source_url() is not None and not src.exists():
            return
        try:
            same = tgt.exists() and os.path.samefile(src, tgt)
        except OSError:
            same = False
        src_r, tgt_r = src.resolve(), tgt.resolve()
        inside = tgt_r == src_r or (src.is_dir() and src_r in tgt_r.parents) or \
            (target_kind == "folder" and tgt_r in src_r.parents and src.is_dir())
        if same or inside:
            raise DeidentifyError(f"target {self.target_spec} is, or lies inside, the source "
                                  f"{self.source_spec}; a copy never writes into its source")

    def _target_url(self) -> str:
        from piguard.sources.sql import is_database_url, sqlite_url_for

        if is_database_url(self.target_spec):
            return self.target_spec
        return sqlite_url_for(str(Path(self.target_spec).resolve()))

    # ------------------------------------------------------------------ units
    def _units(self, source_kind: str, target_kind: str,
               tables: list[_SourceTable]) -> list[_Unit]:
        from piguard.sources.files import CsvTable

        if target_kind == "db":
            return [_Unit(st.target_name, [st]) for st in tables]
        target = Path(self.target_spec)
        if target_kind == "file":
            fmt = FILE_FORMATS[target.suffix.lower()]
            if fmt != "xlsx" and len(tables) > 1:
                raise DeidentifyError(f"{len(tables)} tables cannot go into one {fmt} file: give "
                                      "a folder, an .xlsx workbook or --tables")
            return [_Unit(target.name, tables, target, fmt, self._dialect(tables, fmt))]
        units: list[_Unit] = []
        if source_kind == "db":
            fmt = self.options.file_format
            suffix = {"csv": ".csv", "jsonl": ".jsonl", "parquet": ".parquet", "xlsx": ".xlsx"}[fmt]
            for st in tables:
                units.append(_Unit(st.target_name + suffix, [st], target / (st.target_name + suffix),
                                   fmt, CsvDialect()))
            return units
        root = Path(self.source_spec)
        by_file: dict[Path, list[_SourceTable]] = {}
        for st in tables:
            by_file.setdefault(Path(st.table.path), []).append(st)  # type: ignore[attr-defined]
        for path, group in by_file.items():
            rel = path.relative_to(root) if root.is_dir() else Path(path.name)
            suffix = path.suffix.lower()
            fmt = "xlsx" if suffix in (".xlsx", ".xlsm") else "jsonl" if suffix in (
                ".jsonl", ".ndjson", ".json", ".log") else FILE_FORMATS.get(suffix, "csv")
            out = target / rel
            if suffix in (".xlsm", ".json", ".log"):
                out = out.with_suffix(".xlsx" if fmt == "xlsx" else ".jsonl")
            dialect = self._dialect(group, fmt) if isinstance(group[0].table, CsvTable) else None
            units.append(_Unit(str(rel), group, out, fmt, dialect))
        return units

    @staticmethod
    def _dialect(tables: list[_SourceTable], fmt: str) -> CsvDialect | None:
        from piguard.sources.files import CsvTable

        if fmt != "csv":
            return None
        t = tables[0].table if tables else None
        if isinstance(t, CsvTable):
            return CsvDialect(t.encoding, bool(t._bom), t.delimiter, t.has_header)
        return CsvDialect()

    # ------------------------------------------------------------------ run
    def run(self) -> DeidentifySummary:
        t0 = time.perf_counter()
        summary = self.summary
        try:
            self._run()
        except KeyboardInterrupt:
            summary.status = "interrupted"
            summary.seconds = time.perf_counter() - t0
            raise DeidentifyInterrupted(summary) from None
        finally:
            if self.target is not None:
                self.target.close()
            if self._source_db is not None:
                self._source_db.close()
        summary.seconds = time.perf_counter() - t0
        return summary

    def _run(self) -> None:
        opts = self.options
        summary = self.summary
        if self.policy.needs_key and self.keyring is None:
            raise DeidentifyError(f"policy {self.policy.name!r} uses operators that need a key "
                                  f"({', '.join(self.policy.key_users())}); {HOW_TO_MAKE_A_KEY}")
        source_kind, tables, problems = self._open()
        summary.problems += [str(p) for p in problems]
        self.tables = tables
        target_kind = self._target_kind()
        self._refuse_same(source_kind, target_kind)
        if not tables:
            raise DeidentifyError("nothing to copy: no table in the source"
                                  + (" matches --tables" if opts.tables else ""))
        units = self._units(source_kind, target_kind, tables)
        self.job_id = self._job_id()
        self.tag = self.job_id[:6]
        if target_kind == "db" and not opts.dry_run:
            try:
                self.target = SqlTarget(self._target_url(), opts.target_schema)
            except WriteError as exc:
                raise DeidentifyError(str(exc)) from None
            self.state = _DbState(self.target)
        elif not opts.dry_run:
            base = Path(self.target_spec)
            self.state = _FileState(base / STATE_FILE if target_kind == "folder"
                                    else base.parent / f".{base.name}{STATE_FILE}")
        done, guards = self._load_state()
        self._plan(units, done)
        if opts.dry_run:
            summary.status = "planned"
            return
        self._cleanup_leftovers(units)
        if isinstance(self.state, _DbState):
            self.state.start()
        assert self.transforms is not None
        for name, data in guards.items():
            self.transforms.restore_guard(name, data)
        self._reserve(units, restored=set(guards))
        t_copy = time.perf_counter()
        for unit in self._ordered(units):
            if all(self.reports[id(st)].status == "resumed" for st in unit.tables):
                continue
            self._copy(unit)
        summary.copy_seconds = time.perf_counter() - t_copy
        if self.target is not None:
            self._foreign_keys(units)
        if opts.verify:
            self._verify(units)
        summary.status = "failed" if summary.failed else "done"
        if summary.status == "done" and self.state is not None:
            try:
                self.state.clear()
            except WriteError as exc:
                summary.notes.append(f"job state not removed ({exc.reason})")

    def _job_id(self) -> str:
        from piguard import __version__

        opts = self.options
        src = self.source_spec if self._source_url() == self.source_spec else \
            str(Path(self.source_spec).resolve())
        tgt = self.target_spec if "://" in self.target_spec else str(Path(self.target_spec).resolve())
        from piguard.sources import redact_url

        doc = {"source": redact_url(src) if "://" in src else src,
               "target": redact_url(tgt) if "://" in tgt else tgt,
               "tables": opts.tables, "schemas": opts.schemas, "to_schema": opts.target_schema,
               "format": opts.file_format, "policy": self.policy.to_dict(),
               "key": self.summary.key_id, "piguard": __version__}
        return hashlib.sha256(json.dumps(doc, sort_keys=True, default=str).encode()).hexdigest()

    def _load_state(self) -> tuple[dict[str, Any], dict[str, bytes]]:
        if self.state is None:
            return {}, {}
        try:
            job, done, guards = self.state.load()
        except Exception as exc:
            self.summary.notes.append(f"saved job state unreadable ({type(exc).__name__}); "
                                      "starting over")
            return {}, {}
        if job is None:
            return {}, {}
        if self.options.restart:
            self.summary.notes.append("--restart: the saved job state was discarded")
            return {}, {}
        if job != self.job_id:
            self.summary.notes.append("an unfinished job with other settings (source, policy, "
                                      "key or tables) was found in the target; starting over")
            return {}, {}
        return done, guards

    def _cleanup_leftovers(self, units: list[_Unit]) -> None:
        if self.target is not None:
            pattern = re.compile(rf"(?:{TEMP_MARK}|__old_)[0-9a-f]{{6}}$")
            for name in sorted(self.target.table_names()):
                if pattern.search(name):
                    try:
                        self.target.drop(name)
                    except WriteError as exc:
                        self.summary.notes.append(f"leftover {name} not removed ({exc.reason})")
            return
        for unit in units:
            if unit.path is not None and unit.path.parent.is_dir():
                for leftover in unit.path.parent.glob(f".{unit.path.name}.*.piguard-tmp"):
                    leftover.unlink(missing_ok=True)

    # ------------------------------------------------------------------ planning
    def _plan(self, units: list[_Unit], done: dict[str, Any]) -> None:
        from piguard.tables.classify import Options

        opts = self.options
        copy_opts = Options(sample_rows=opts.sample_rows, sampling=Sampling(opts.sampling),
                            seed=opts.seed)
        by_name: dict[str, _SourceTable] = {}
        for unit in units:
            record = done.get(unit.key)
            for st in unit.tables:
                by_name[st.table_name or st.display] = st
                saved = (record or {}).get("tables", {}).get(st.display)
                fps = (record or {}).get("fingerprints", {})
                if saved is not None and self._unchanged(st, fps.get(st.display)):
                    report = TableReport.from_dict(saved)
                    report.status = "resumed"
                    self.reports[id(st)] = report
                    continue
                self.progress("plan", table=st.display)
                report = TableReport(st.display, self._target_label(unit, st))
                result, arrays = self._classify(st, copy_opts)
                report.rows_total = result.rows_total
                skipped = [p for p in result.problems if p.kind == "skipped"]
                results = {c.column: c for c in result.columns}
                names = list(st.names) + [n for n in results if n not in st.names]
                st.names = names
                for name in names:
                    rule = self.policy.column_rule(st.aliases, name)
                    plan = _plan_column(name, results.get(name), rule, self.policy)
                    if plan.action == "copy" and rule is None and name in arrays:
                        # De-identification fails closed: one proven span of PI in a text
                        # column's sample is enough to send the column through the redactor.
                        found = self._spans(arrays[name], personal_only=True)
                        if found:
                            plan.action, plan.entities = "redact", found
                            plan.notes.append(f"{sum(found.values())} PI span(s) in the sample; "
                                              "too few for the classifier, redacted anyway")
                    report.columns.append(plan)
                if skipped:
                    report.status = "failed"
                    report.problems += [str(p) for p in skipped]
                own = {str(p) for p in st.table.problems}
                report.notes += [f"classification: {p.reason}" for p in result.problems
                                 if p.kind != "skipped" and str(p) not in own]
                if st.sdef is not None:
                    report.notes += st.sdef.notes
                self.reports[id(st)] = report
        self._keys(by_name)
        surrogates = [c for r in self.reports.values() for c in r.columns
                      if c.action == "transform" and c.operator == "surrogate" and c.entity]
        guarded = {c.entity for c in surrogates if c.key or c.entity in REAL_SPACE}
        self.transforms = TransformSet(self.policy, self.keyring, guarded=guarded)
        for r in self.reports.values():
            for c in r.columns:
                if c.action != "transform" or c.op is None or c.entity is None:
                    continue
                if c.key and not is_injective(c.op, c.entity, guarded=c.entity in guarded):
                    c.notes.append(f"{c.operator} is not one-to-one for {c.entity}: a "
                                   f"{' / '.join(c.key)} column may get duplicates")
                if not is_deterministic(c.op):
                    c.notes.append("random output: joins on this column will not match")
        self.summary.tables = [self.reports[id(st)] for u in self._ordered(units)
                               for st in u.tables]

    def _classify(self, st: _SourceTable, options: Any) -> tuple[Any, dict[str, Any]]:
        """:func:`piguard.tables.classify.classify_table`, keeping the sampled arrays."""
        from piguard.sources.base import Column
        from piguard.tables.classify import (
            TableResult,
            classify_arrays,
            sample_arrays,
            with_read_columns,
        )

        t = st.table
        result = TableResult(t.source, t.name, comment=t.comment)
        arrays: dict[str, Any] = {}
        try:
            batches = list(t.batches(options.sampling, limit=options.sample_rows,
                                     seed=options.seed))
            by_name = {c.name: c for c in t.columns()}
            columns = with_read_columns([by_name.get(n, Column(n)) for n in st.names], batches)
            arrays, rows = sample_arrays(columns, batches)
            del batches
            result.rows_sampled = rows
            result.rows_total = t.count_rows()
            if result.rows_total is None and rows < options.sample_rows:
                result.rows_total = rows
            result.columns, _, _ = classify_arrays(columns, arrays, options, result.problems,
                                                   t.location)
        except SourceError as exc:
            result.problems.append(Problem(t.location, exc.reason, "skipped"))
        except Exception as exc:   # never let one table stop a job; never echo its content
            result.problems.append(Problem(t.location, f"read failed ({type(exc).__name__})",
                                           "skipped"))
        result.problems[:0] = t.problems
        return result, arrays

    def _reserve(self, units: list[_Unit], restored: set[str]) -> None:
        """Reserve every original value of the entities whose fakes live among real values
        (cards keep their BIN): no fake may be somebody else's real number. A guard restored
        from a saved job holds its reservations already."""
        from piguard.sources.sql import SqlTable, values_to_strings

        assert self.transforms is not None
        for unit in units:
            for st in unit.tables:
                report = self.reports[id(st)]
                wanted = [c for c in report.columns if c.action == "transform"
                          and c.operator == "surrogate" and c.entity in REAL_SPACE
                          and c.op is not None and c.column in st.names and
                          TransformSet.guard_name(c.entity, c.op) not in restored]
                if not wanted:
                    continue
                self.progress("reserve", table=st.display)
                vts = [self.transforms.value(c.entity, c.op) for c in wanted]  # type: ignore[arg-type]
                try:
                    if isinstance(st.table, SqlTable):
                        for rows in st.table.column_values([c.column for c in wanted],
                                                           self.options.batch_rows):
                            for vt, values in zip(vts, zip(*rows, strict=True), strict=True):
                                vt.reserve(values_to_strings(values))
                    else:
                        index = [st.names.index(c.column) for c in wanted]
                        for columns, _ in st.batches(self.options.batch_rows):
                            for vt, i in zip(vts, index, strict=True):
                                vt.reserve(to_strings(columns[i]))
                except SourceError as exc:
                    report.status = "failed"
                    report.problems.append(f"{exc.where}: {exc.reason}")

    def _target_label(self, unit: _Unit, st: _SourceTable) -> str:
        if unit.path is None:
            return st.target_name
        from piguard.sources.files import SheetTable

        if unit.fmt == "xlsx" and isinstance(st.table, SheetTable):
            return f"{unit.path}#{st.table.sheet}"
        return str(unit.path)

    def _unchanged(self, st: _SourceTable, saved: Any) -> bool:
        try:
            return saved is not None and json.loads(json.dumps(st.fingerprint(), default=str)) == saved
        except (OSError, SourceError):
            return False

    def _keys(self, by_name: dict[str, _SourceTable]) -> None:
        """Mark key columns; make foreign-key columns follow the columns they reference."""
        for st in by_name.values():
            if st.sdef is None:
                continue
            report = self.reports[id(st)]
            marks: list[tuple[list[str], str]] = [(st.sdef.primary_key, "primary key")]
            for fk in st.sdef.foreign_keys:
                parent = by_name.get(fk.ref_table)
                if parent is not None and parent.sdef is not None:
                    for c in fk.ref_columns:
                        plan = self.reports[id(parent)].column(c)
                        if plan is not None and "referenced" not in plan.key:
                            plan.key.append("referenced")
            marks += [(ix.columns, "unique") for ix in st.sdef.indexes if ix.unique or ix.constraint]
            marks += [(fk.columns, "foreign key") for fk in st.sdef.foreign_keys]
            for cols, what in marks:
                for c in cols:
                    plan = report.column(c)
                    if plan is not None and what not in plan.key:
                        plan.key.append(what)
        order = ("primary key", "unique", "foreign key", "referenced")
        for r in self.reports.values():
            for c in r.columns:
                c.key.sort(key=order.index)
        for st in self._topological(list(by_name.values())):
            if st.sdef is None or self.reports[id(st)].status == "resumed":
                continue
            report = self.reports[id(st)]
            for fk in st.sdef.foreign_keys:
                parent = by_name.get(fk.ref_table)
                if parent is None:
                    continue
                for c, pc in zip(fk.columns, fk.ref_columns, strict=False):
                    child, ref = report.column(c), self.reports[id(parent)].column(pc)
                    if child is None or ref is None or (parent is st and c == pc):
                        continue
                    if (child.action, child.entity, child.operator) != \
                            (ref.action, ref.entity, ref.operator):
                        child.notes.append(f"follows {fk.ref_table}.{pc} (foreign key); "
                                           f"alone it would be {child.describe()}")
                    child.action, child.entity, child.operator, child.op, child.options = \
                        ref.action, ref.entity, ref.operator, ref.op, dict(ref.options)
                    child.by = f"foreign key → {fk.ref_table}.{pc}"

    @staticmethod
    def _topological(tables: list[_SourceTable]) -> list[_SourceTable]:
        """Parents before children (foreign keys); cycles broken by name order."""
        names = {st.table_name: st for st in tables if st.table_name}
        out: list[_SourceTable] = []
        state: dict[int, int] = {}

        def visit(st: _SourceTable) -> None:
            if state.get(id(st)) is not None:
                return
            state[id(st)] = 1
            for fk in (st.sdef.foreign_keys if st.sdef else []):
                parent = names.get(fk.ref_table)
                if parent is not None and parent is not st:
                    visit(parent)
            state[id(st)] = 2
            out.append(st)

        for st in sorted(tables, key=lambda s: s.display):
            visit(st)
        return out

    def _ordered(self, units: list[_Unit]) -> list[_Unit]:
        if not any(st.sdef is not None for u in units for st in u.tables):
            return units
        order = {id(st): i for i, st in enumerate(self._topological(
            [st for u in units for st in u.tables]))}
        return sorted(units, key=lambda u: order.get(id(u.tables[0]), 0))

    # ------------------------------------------------------------------ copy
    def _transform(self, plans: list[ColumnPlan], columns: list[Any]) -> list[Any]:
        assert self.transforms is not None
        out = list(columns)
        for i, plan in enumerate(plans):
            if plan.action == "transform":
                assert plan.entity is not None and plan.op is not None
                vt = self.transforms.value(plan.entity, plan.op)
                out[i] = vt.apply(to_strings(columns[i]), plan.stats)
            elif plan.action == "redact":
                out[i] = self.transforms.text().apply(to_strings(columns[i]), plan.stats)
        return out

    def _copy(self, unit: _Unit) -> None:
        if self.target is not None:
            st = unit.tables[0]
            report = self.reports[id(st)]
            if report.status == "failed":
                return
            self._copy_db(unit, st, report)
        else:
            self._copy_files(unit)

    def _record(self, unit: _Unit) -> dict[str, Any]:
        return {"tables": {st.display: self.reports[id(st)].to_dict() for st in unit.tables},
                "fingerprints": {st.display: json.loads(json.dumps(st.fingerprint(), default=str))
                                 for st in unit.tables}}

    def _guards(self) -> dict[str, bytes]:
        assert self.transforms is not None
        return {name: g.to_bytes() for name, g in self.transforms.guards.items()}

    def _copy_db(self, unit: _Unit, st: _SourceTable, report: TableReport) -> None:
        assert self.target is not None and isinstance(self.state, _DbState)
        target = self.target
        t0 = time.perf_counter()
        temp = self._temp_name(st.target_name)
        self.progress("table", table=st.display, total=report.rows_total)
        plans = [report.column(n) or ColumnPlan(n) for n in st.names]
        try:
            tdef = self._target_def(st, report)
            report.notes += target.create(tdef, temp)
            insert = target.inserter(tdef, temp)
            index = {n: i for i, n in enumerate(st.names)}
            picks = [index[n] for n in tdef.insert_columns]
            text = [plans[i].action in ("transform", "redact") for i in picks]
            for columns, n in st.batches(self.options.batch_rows):
                out = self._transform(plans, columns)
                insert([out[i] for i in picks], text)
                report.rows_read += n
                report.rows_written += n
                self.progress("rows", table=st.display, n=n)
            target.end_inserts()
            made, notes = target.finish(tdef, temp, self.tag)
            report.problems += notes          # a constraint the copy could not get back
            if tdef.primary_key:
                made.insert(0, f"primary key ({', '.join(tdef.primary_key)})")
            made += [ix.describe() for ix in tdef.indexes] if target.dialect == "sqlite" else []
            report.constraints = made
            report.status = "copied"
            report.seconds = time.perf_counter() - t0
            self._row_problems(st, report)

            def record() -> None:
                assert isinstance(self.state, _DbState)
                self.state.mark_done(self.job_id, unit.key, self._record(unit), self._guards())

            for note in target.publish(tdef, temp, self.tag, record):
                if "not recreated" in note:     # SQLite builds its indexes at publication
                    report.problems.append(note)
                    report.constraints = [c for c in report.constraints if c not in note]
                else:
                    report.notes.append(note)
        except (SourceError, WriteError) as exc:
            self._fail(report, str(exc) if isinstance(exc, WriteError) else f"{exc.where}: {exc.reason}")
            self._drop_quietly(temp)
        except Exception as exc:   # a driver error while inserting, or a bug: this table only
            from piguard.sources.sql import db_reason

            self._fail(report, f"{target.display}: {st.target_name}: copy failed "
                               f"({db_reason(exc)})")
            self._drop_quietly(temp)
        except BaseException:
            self._drop_quietly(temp)
            raise
        self.progress("done", table=st.display, status=report.status)

    def _row_problems(self, st: _SourceTable, report: TableReport) -> None:
        for p in st.table.problems:
            text = str(p)
            if text not in report.problems:
                report.problems.append(text)

    def _fail(self, report: TableReport, reason: str) -> None:
        report.status = "failed"
        report.problems.append(reason)
        report.rows_written = 0

    def _drop_quietly(self, temp: str) -> None:
        if self.target is None:
            return
        try:
            self.target.rollback()
            self.target.drop(temp)
        except Exception:  # the connection may be gone; a rerun removes leftovers
            pass

    def _temp_name(self, name: str) -> str:
        from piguard.sources.writers import _ident

        assert self.target is not None
        suffix = f"{TEMP_MARK}{self.tag}"
        return _ident(name, self.target.name_limit - len(suffix)) + suffix

    def _target_def(self, st: _SourceTable, report: TableReport) -> TableDef:
        import sqlalchemy as sa

        assert self.target is not None
        target = self.target
        same = st.dialect is not None and st.dialect == target.dialect
        if st.sdef is None:
            types = {c.name: c.type for c in st.table.columns()}
            parquet = type(st.table).__name__ == "ParquetTable"
            columns = [ColumnDef(n, _sa_for_arrow(types.get(n)) if parquet else sa.Text())
                       for n in st.names]
            tdef = TableDef(st.target_name, columns)
        else:
            src = st.sdef
            columns = []
            for c in src.columns:
                ctype = _adapt_type(c.type, same, target.engine.dialect)
                computed = c.computed if same else None
                columns.append(ColumnDef(c.name, ctype, c.nullable, c.default if same else None,
                                         c.autoincrement, c.comment, computed))
            names = {x.target_name for x in self.tables}
            existing = target.table_names()
            fks = [fk for fk in src.foreign_keys if fk.ref_table in names or fk.ref_table in existing]
            for fk in src.foreign_keys:
                if fk not in fks:
                    report.notes.append(f"foreign key ({', '.join(fk.columns)}) → {fk.ref_table} "
                                        "not recreated: that table is not in the copy")
            tdef = TableDef(st.target_name, columns, list(src.primary_key), src.pk_name,
                            list(src.indexes), fks, src.comment)
        for c in tdef.columns:
            plan = report.column(c.name)
            if plan is None:
                continue
            new, note = _target_type(c.type, plan)
            if note:
                c.type = new
                plan.notes.append(note)
                c.default = None
        return tdef

    def _copy_files(self, unit: _Unit) -> None:
        assert unit.path is not None and self.state is not None
        reports = [self.reports[id(st)] for st in unit.tables]
        if any(r.status == "failed" for r in reports):
            return
        t0 = time.perf_counter()
        try:
            sink = FileSink(unit.path, unit.fmt, csv=unit.csv)
        except WriteError as exc:
            for r in reports:
                self._fail(r, str(exc))
            return
        try:
            for st, report in zip(unit.tables, reports, strict=True):
                self.progress("table", table=st.display, total=report.rows_total)
                plans = [report.column(n) or ColumnPlan(n) for n in st.names]
                writer = sink.table(st.target_name if unit.fmt != "xlsx" else
                                    getattr(st.table, "sheet", st.target_name), st.names)
                for columns, n in st.batches(self.options.batch_rows):
                    writer.write(self._transform(plans, columns))
                    report.rows_read += n
                    report.rows_written += n
                    self.progress("rows", table=st.display, n=n)
                if unit.fmt == "xlsx":
                    report.target = f"{unit.path}#{writer.sheet}"  # type: ignore[attr-defined]
                report.status = "copied"
                self._row_problems(st, report)
            sink.commit()
            for report in reports:
                report.seconds = (time.perf_counter() - t0) / len(reports)
            self.state.mark_done(self.job_id, unit.key, self._record(unit), self._guards())
        except (SourceError, WriteError) as exc:
            sink.abort()
            reason = str(exc) if isinstance(exc, WriteError) else f"{exc.where}: {exc.reason}"
            for r in reports:
                self._fail(r, reason)
        except Exception as exc:   # a bug or an unexpected value type: this file only
            sink.abort()
            for r in reports:
                self._fail(r, f"{unit.path}: copy failed ({type(exc).__name__})")
        except BaseException:
            sink.abort()
            raise
        for st, report in zip(unit.tables, reports, strict=True):
            self.progress("done", table=st.display, status=report.status)

    # ------------------------------------------------------------------ foreign keys
    def _foreign_keys(self, units: list[_Unit]) -> None:
        assert self.target is not None
        target = self.target
        existing = target.table_names()
        status = {st.target_name: self.reports[id(st)].status for st in self.tables}
        for st in self._topological(self.tables):
            report = self.reports[id(st)]
            if st.sdef is None or report.status not in ("copied", "resumed"):
                continue
            for fk in st.sdef.foreign_keys:
                entry: dict[str, Any] = {
                    "table": st.target_name, "columns": list(fk.columns),
                    "references": f"{fk.ref_table} ({', '.join(fk.ref_columns)})"}
                if fk.ref_table not in existing or status.get(fk.ref_table) == "failed":
                    entry["status"] = "not recreated: the referenced table is not in the target"
                elif target.dialect == "sqlite":
                    entry["status"] = "declared"
                else:
                    why = target.add_foreign_key(TableDef(st.target_name, []), fk)
                    entry["status"] = "recreated" if why is None else f"failed: {why}"
                self.summary.foreign_keys.append(entry)

    # ------------------------------------------------------------------ verification
    def _verify(self, units: list[_Unit]) -> None:
        ver = VerificationReport()
        self.summary.verification = ver
        target_db = None
        try:
            if self.target is not None:
                from piguard.sources.sql import Database

                target_db = Database(self._target_url(),
                                     schemas=[self.target.schema] if self.target.schema else None)
                target_tables = {t.table_name: t for t in target_db.tables()}
            for unit in units:
                for st in unit.tables:
                    report = self.reports[id(st)]
                    if report.status not in ("copied", "resumed"):
                        continue
                    self.progress("verify", table=st.display)
                    try:
                        if target_db is not None:
                            copy = target_tables.get(st.target_name)
                        else:
                            copy = self._target_file_table(unit, report)
                        if copy is None:
                            ver.not_checked.append({"table": st.display,
                                                    "reason": "the copy cannot be opened"})
                            continue
                        self._verify_table(st, report, copy, ver)
                    except (SourceError, WriteError) as exc:
                        ver.not_checked.append({"table": st.display, "reason": exc.reason})
                    except Exception as exc:
                        from piguard.sources.sql import db_reason

                        ver.not_checked.append({"table": st.display,
                                                "reason": f"verification failed ({db_reason(exc)})"})
        except SourceError as exc:
            ver.not_checked.append({"table": "*", "reason": exc.reason})
        finally:
            if target_db is not None:
                target_db.close()

    def _target_file_table(self, unit: _Unit, report: TableReport) -> Table | None:
        from piguard.sources import files

        assert unit.path is not None
        tables = [t for t in files.open_file(unit.path) if isinstance(t, Table)]
        if unit.fmt == "xlsx":
            sheet = report.target.rsplit("#", 1)[-1]
            return next((t for t in tables if getattr(t, "sheet", None) == sheet), None)
        return tables[0] if tables else None

    @staticmethod
    def _sample(table: Table, n: int, names: list[str]) -> tuple[dict[str, list[Any]], int]:
        from piguard.sources.base import Column
        from piguard.tables.classify import sample_arrays

        arrays, rows = sample_arrays([Column(c) for c in names],
                                     table.batches(Sampling.FIRST, limit=n))
        return {c: arrays[c].to_pylist() for c in names}, rows

    def _verify_table(self, st: _SourceTable, report: TableReport, copy: Table,
                      ver: VerificationReport) -> None:
        n = self.options.verify_rows
        plans = {c.column: c for c in report.columns}
        names = [c for c in st.names if c in plans]
        src, src_rows = self._sample(st.table, n, names)
        tgt_names = [c.name for c in copy.columns()]
        tgt, tgt_rows = self._sample(copy, n, tgt_names)
        rows = min(src_rows, tgt_rows)
        ver.tables += 1
        ver.rows_checked += rows
        changed = {c for c, p in plans.items() if p.action in ("transform", "redact")}
        transformed = [c for c in names if plans[c].action == "transform" and c in tgt]
        redacted = [c for c in names if plans[c].action == "redact" and c in tgt]
        kept = {c for c, p in plans.items() if p.action == "keep"}
        same = [c for c in names if plans[c].action in ("copy", "keep") and c in tgt]
        pk = st.sdef.primary_key if st.sdef is not None else []
        aligned = rows > 0 and not any(c in changed for c in pk)
        if aligned and same:
            agree = sum(all(_norm(src[c][i]) == _norm(tgt[c][i]) for c in same) for i in range(rows))
            aligned = agree >= 0.9 * rows
        leaks: dict[str, int] = {}
        detector = self.transforms.text().detector if redacted and self.transforms else None
        # Identifiers must not appear anywhere; names, addresses and dates (small fake spaces,
        # common values) are checked in their own column only.
        ids = [c for c in transformed if plans[c].entity in GUARDABLE]

        def hit(c: str) -> None:
            leaks[c] = leaks.get(c, 0) + 1

        if aligned:
            others = [c for c in tgt_names if c not in kept]
            for i in range(rows):
                anywhere: list[str] = []
                for c in transformed:
                    s = src[c][i]
                    if s is None or not str(s).strip():
                        continue
                    if _norm(tgt[c][i]) == _norm(s):
                        hit(c)
                    if c in ids:
                        anywhere.append(str(s).strip())
                for c in redacted:
                    text = src[c][i]
                    if not text or detector is None:
                        continue
                    out = "" if tgt[c][i] is None else str(tgt[c][i])
                    for f in detector.scan(str(text), min_score=self.policy.min_score):
                        if not self.policy.redacts(f.entity):
                            continue
                        span = str(text)[f.start:f.end]
                        if f.entity in GUARDABLE:
                            anywhere.append(span)
                        if len(span) >= (4 if f.entity in GUARDABLE else 3) and span in out:
                            hit(c)
                            break
                for c in others:
                    cell = tgt[c][i]
                    if cell is None or (c in transformed and c not in ids):
                        continue
                    cell = str(cell)
                    if any(cell.strip() == v or (len(v) >= 6 and v in cell) for v in anywhere):
                        hit(c)
        else:
            known = {str(src[c][i]).strip() for c in ids for i in range(src_rows)
                     if src[c][i] is not None and str(src[c][i]).strip()}
            for c in tgt_names:
                if c in kept:
                    continue
                hits = sum(1 for v in tgt[c] if v is not None and str(v).strip() in known)
                if hits:
                    leaks[c] = leaks.get(c, 0) + hits
        if self.target is not None and ids:
            for c, hits in self._whole_table_hits(st.target_name, ids, src).items():
                if hits and c not in leaks:
                    leaks[c] = hits
        for c, hits in sorted(leaks.items()):
            ver.leaks.append({"table": st.display, "column": c, "values": hits})
        self._remaining(st, report, same, redacted, tgt, ver)
        for c in sorted(kept):
            p = plans[c]
            if p.entity is None or CATALOGUE[p.entity].personal:
                ver.kept.append({"table": st.display, "column": c, "entity": p.entity})
        if src_rows != tgt_rows and not (src_rows >= n and tgt_rows >= n):
            report.problems.append(f"verification sample: {src_rows} source rows, "
                                   f"{tgt_rows} target rows")

    def _whole_table_hits(self, table: str, columns: list[str],
                          src: dict[str, list[Any]]) -> dict[str, int]:
        """Sampled original values searched in the whole target column (databases)."""
        import sqlalchemy as sa

        assert self.target is not None
        t = sa.table(table, *[sa.column(c) for c in columns], schema=self.target.schema)
        out: dict[str, int] = {}
        with self.target.engine.connect() as conn:
            for c in columns:
                values = sorted({str(v) for v in src[c] if v is not None and str(v).strip()})
                total = 0
                for i in range(0, len(values), 500):
                    stmt = sa.select(sa.func.count()).select_from(t).where(
                        sa.cast(t.c[c], sa.String).in_(values[i:i + 500]))
                    total += int(conn.execute(stmt).scalar() or 0)
                out[c] = total
        return out

    def _remaining(self, st: _SourceTable, report: TableReport, same: list[str],
                   redacted: list[str], tgt: dict[str, list[Any]],
                   ver: VerificationReport) -> None:
        """PI found again in the target sample where the policy should have removed it."""
        import pyarrow as pa

        from piguard.sources.base import Column
        from piguard.tables.classify import Options, classify_arrays

        plans = {c.column: c for c in report.columns}
        copied = [c for c in same if plans[c].action == "copy"]
        if copied:
            arrays = {c: pa.array([None if v is None else str(v) for v in tgt[c]], pa.string())
                      for c in copied}
            results, _, _ = classify_arrays([Column(c) for c in copied], arrays,
                                            Options(sample_rows=self.options.verify_rows))
            flagged = set()
            for r in results:
                if not r.is_pi:
                    continue
                flagged.add(r.column)
                entry: dict[str, Any] = {"table": st.display, "column": r.column}
                if r.entity is not None:
                    entry.update(entity=r.entity, values=r.valid)
                else:
                    entry.update(entities=dict(r.entities), values=sum(r.entities.values()))
                if r.example:
                    entry["example"] = r.example
                ver.remaining.append(entry)
            # Classification needs a share of values; here a single span of text is enough.
            for c in copied:
                if c in flagged:
                    continue
                found = self._spans(arrays[c], personal_only=True)
                if found:
                    ver.remaining.append({"table": st.display, "column": c, "entities": found,
                                          "values": sum(found.values())})
        for c in redacted:
            values = pa.array([None if v is None else str(v) for v in tgt[c]], pa.string())
            found = self._spans(values, personal_only=False)
            if found:
                ver.remaining.append({"table": st.display, "column": c, "entities": found,
                                      "values": sum(found.values())})

    def _spans(self, arr: Any, *, personal_only: bool) -> dict[str, int]:
        """Findings per entity in the text cells of ``arr`` that the policy should have
        removed: entities it redacts with an operator whose output does not look like the
        entity (surrogates and FPE output do, by design). ``personal_only``: findings that
        make a column PI (:func:`piguard.tables.classify.counts_in_text`)."""
        import numpy as np
        import pyarrow.compute as pc

        from piguard.tables.classify import _texty, counts_in_text
        from piguard.tables.classify import detector as shared_detector

        non_null = len(arr) - arr.null_count
        if not non_null or (personal_only and not _texty(arr, non_null)[0]):
            return {}
        detector = self.transforms.text().detector if self.transforms else shared_detector()
        found: dict[str, int] = {}
        enc = pc.dictionary_encode(arr.drop_null())
        counts = np.bincount(np.asarray(enc.indices), minlength=len(enc.dictionary))
        for text, n in zip(enc.dictionary.to_pylist(), counts.tolist(), strict=True):
            if not text or not text.strip():
                continue
            for f in detector.scan(text, min_score=self.policy.min_score):
                if personal_only:
                    # Model guesses alone ("黄金会员" as a name) are the classifier's call,
                    # made above on shares; patterns and checks count one by one.
                    ok = counts_in_text(f, text) and self.policy.redacts(f.entity) and \
                        not any(e.startswith("model:") for e in f.evidence)
                else:
                    ok = self.policy.redacts(f.entity) and \
                        self.policy.operator_for(f.entity).name not in SHAPE_KEEPING
                if ok:
                    found[f.entity] = found.get(f.entity, 0) + n
        return found


def _norm(v: Any) -> str | None:
    return None if v is None else str(v).strip()


def deidentify(source: str, target: str, *, policy: Policy | str | None = None,
               keyring: Keyring | None = None, options: DeidentifyOptions | None = None,
               progress: Progress | None = None) -> DeidentifySummary:
    """Copy ``source`` to ``target`` de-identified (see the module docstring).

    ``policy`` defaults to the ``pseudonymize`` preset (keyed, format-valid surrogates);
    ``keyring`` defaults to ``$PIGUARD_KEYRING`` / ``$PIGUARD_KEY``. Raises
    :class:`DeidentifyError` when the copy cannot start, :class:`DeidentifyInterrupted` on
    Ctrl-C (finished tables are kept; the same call resumes). Tables that fail are reported
    in the summary (``status == "failed"``) while the others are copied.
    """
    from piguard.deid.policy import PolicyError

    try:
        pol = Policy.resolve(policy if policy is not None else "pseudonymize")
        ring = keyring if keyring is not None else (Keyring.from_env() if pol.needs_key else None)
    except (PolicyError, KeyringError) as exc:
        raise DeidentifyError(str(exc)) from None
    return _Job(source, target, pol, ring, options or DeidentifyOptions(), progress).run()
