"""The inventory store: where PI lives, how much, how sensitive — in SQLite or PostgreSQL.

Tables (SQLAlchemy Core, created on first use):

- ``scans``       one row per scan job: when, mode, sources, status (running / done /
                  interrupted / failed) and a JSON summary;
- ``assets``      the latest result per table or document (``root`` = the source spec a scan
                  was given, ``source`` = file or database, ``name`` = table, sheet or file):
                  fingerprint, rows, estimated rows with PI, minors' rows, status;
- ``columns``     per asset column: entity, confidence, match ratio, estimated count,
                  sensitivity (PIPL Art. 28 flag and its basis, GB/T 43697 category);
- ``problems``    what could not be scanned and why, per root (replaced by each scan of it);
- ``checkpoints`` progress of an unfinished full scan of one asset (last key or row offset
                  and the counters so far), so an interrupted scan resumes there.

Each asset's result is written in one transaction; a scan interrupted at any point leaves
a consistent store. Nothing raw from a source is stored: values appear only as masked
previews.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_STORE = "piguard-inventory.db"


def store_url(spec: str | None) -> str:
    """A SQLAlchemy URL for ``--store``: a URL as is, a path as an SQLite file."""
    spec = spec or DEFAULT_STORE
    if "://" in spec:
        return spec
    return f"sqlite:///{Path(spec).expanduser().resolve()}"


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()


def _j(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _unj(text: str | None, default: Any = None) -> Any:
    if not text:
        return default
    return json.loads(text)


@dataclass(slots=True)
class ColumnRecord:
    name: str
    position: int = 0
    type: str | None = None
    comment: str | None = None
    entity: str | None = None
    confidence: float = 0.0
    match_ratio: float = 0.0
    free_text: bool = False
    entities: dict[str, int] = field(default_factory=dict)      # free text: estimated counts
    estimated_count: int = 0
    sensitive: bool = False
    category: str | None = None
    sensitive_basis: str | None = None
    evidence: list[str] = field(default_factory=list)
    hinted: str | None = None
    example: str | None = None

    @property
    def is_pi(self) -> bool:
        return self.entity is not None or (self.free_text and bool(self.entities))


@dataclass(slots=True)
class AssetRecord:
    root: str
    source: str
    name: str
    kind: str = "table"
    status: str = "ok"                 # ok | error
    mode: str = "sample"               # sample | full
    fingerprint: dict[str, Any] = field(default_factory=dict)
    rows_total: int | None = None
    rows_scanned: int = 0
    rows_with_pi: int = 0              # estimated (sample) or counted (full)
    minor_rows: int = 0
    sensitive: bool = False
    comment: str | None = None
    error: str | None = None
    scan_id: int | None = None
    scanned_at: str | None = None
    seconds: float = 0.0
    columns: list[ColumnRecord] = field(default_factory=list)
    problems: list[tuple[str, str, str]] = field(default_factory=list)  # location, reason, kind
    id: int | None = None

    @property
    def pi_columns(self) -> list[ColumnRecord]:
        return [c for c in self.columns if c.is_pi]


class Store:
    """An inventory database. ``Store(url)``; ``schema`` puts its tables in a schema (PG)."""

    def __init__(self, url: str | None = None, *, schema: str | None = None):
        import sqlalchemy as sa

        self.url = store_url(url)
        self.schema = schema
        self.engine = sa.create_engine(self.url)
        if self.engine.dialect.name == "sqlite":
            @sa.event.listens_for(self.engine, "connect")
            def _pragmas(dbapi_conn: Any, _record: Any) -> None:
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.close()
        self.meta = sa.MetaData(schema=schema)
        m = self.meta
        self.scans = sa.Table(
            "scans", m,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("started_at", sa.String(32)), sa.Column("finished_at", sa.String(32)),
            sa.Column("status", sa.String(16)), sa.Column("mode", sa.String(16)),
            sa.Column("roots", sa.Text), sa.Column("options", sa.Text),
            sa.Column("summary", sa.Text))
        self.assets = sa.Table(
            "assets", m,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("root", sa.Text, nullable=False), sa.Column("source", sa.Text, nullable=False),
            sa.Column("name", sa.Text, nullable=False), sa.Column("kind", sa.String(16)),
            sa.Column("status", sa.String(16)), sa.Column("mode", sa.String(16)),
            sa.Column("fingerprint", sa.Text), sa.Column("rows_total", sa.BigInteger),
            sa.Column("rows_scanned", sa.BigInteger), sa.Column("rows_with_pi", sa.BigInteger),
            sa.Column("minor_rows", sa.BigInteger), sa.Column("sensitive", sa.Boolean),
            sa.Column("comment", sa.Text), sa.Column("error", sa.Text),
            sa.Column("scan_id", sa.Integer), sa.Column("scanned_at", sa.String(32)),
            sa.Column("seconds", sa.Float),
            sa.UniqueConstraint("root", "source", "name", name="assets_place"))
        self.columns = sa.Table(
            "columns", m,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("asset_id", sa.Integer,
                      sa.ForeignKey(self.assets.c.id, ondelete="CASCADE"), index=True),
            sa.Column("position", sa.Integer), sa.Column("name", sa.Text),
            sa.Column("type", sa.Text), sa.Column("comment", sa.Text),
            sa.Column("entity", sa.String(64)), sa.Column("confidence", sa.Float),
            sa.Column("match_ratio", sa.Float), sa.Column("free_text", sa.Boolean),
            sa.Column("entities", sa.Text), sa.Column("estimated_count", sa.BigInteger),
            sa.Column("sensitive", sa.Boolean), sa.Column("category", sa.Text),
            sa.Column("sensitive_basis", sa.Text), sa.Column("evidence", sa.Text),
            sa.Column("hinted", sa.String(64)), sa.Column("example", sa.Text))
        self.problems = sa.Table(
            "problems", m,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("scan_id", sa.Integer), sa.Column("root", sa.Text),
            sa.Column("source", sa.Text), sa.Column("name", sa.Text),
            sa.Column("location", sa.Text), sa.Column("reason", sa.Text),
            sa.Column("kind", sa.String(16)))
        self.checkpoints = sa.Table(
            "checkpoints", m,
            sa.Column("root", sa.Text, primary_key=True),
            sa.Column("source", sa.Text, primary_key=True),
            sa.Column("name", sa.Text, primary_key=True),
            sa.Column("scan_id", sa.Integer), sa.Column("fingerprint", sa.Text),
            sa.Column("state", sa.Text), sa.Column("updated_at", sa.String(32)))
        m.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    # ----------------------------------------------------------------- scans

    def start_scan(self, mode: str, roots: list[str], options: dict[str, Any]) -> int:
        with self.engine.begin() as conn:
            # A scan still marked running is one that was interrupted without cleanup.
            conn.execute(self.scans.update().where(self.scans.c.status == "running")
                         .values(status="interrupted"))
            res = conn.execute(self.scans.insert().values(
                started_at=_now(), status="running", mode=mode, roots=_j(roots),
                options=_j(options)))
            return int(res.inserted_primary_key[0])

    def finish_scan(self, scan_id: int, status: str, summary: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            conn.execute(self.scans.update().where(self.scans.c.id == scan_id).values(
                finished_at=_now(), status=status, summary=_j(summary)))

    def scans_list(self) -> list[dict[str, Any]]:
        import sqlalchemy as sa

        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(self.scans).order_by(self.scans.c.id)).mappings()
            return [{**dict(r), "roots": _unj(r["roots"], []), "options": _unj(r["options"], {}),
                     "summary": _unj(r["summary"], {})} for r in rows]

    # ----------------------------------------------------------------- assets

    def asset(self, root: str, source: str, name: str) -> AssetRecord | None:
        import sqlalchemy as sa

        a = self.assets.c
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(self.assets).where(
                a.root == root, a.source == source, a.name == name)).mappings().first()
            if row is None:
                return None
            return self._asset(conn, row)

    def _asset(self, conn: Any, row: Any, with_columns: bool = True) -> AssetRecord:
        import sqlalchemy as sa

        rec = AssetRecord(
            root=row["root"], source=row["source"], name=row["name"], kind=row["kind"],
            status=row["status"], mode=row["mode"], fingerprint=_unj(row["fingerprint"], {}),
            rows_total=row["rows_total"], rows_scanned=row["rows_scanned"] or 0,
            rows_with_pi=row["rows_with_pi"] or 0, minor_rows=row["minor_rows"] or 0,
            sensitive=bool(row["sensitive"]), comment=row["comment"], error=row["error"],
            scan_id=row["scan_id"], scanned_at=row["scanned_at"], seconds=row["seconds"] or 0.0,
            id=row["id"])
        p = self.problems.c
        rec.problems = [(r.location, r.reason, r.kind) for r in conn.execute(
            sa.select(p.location, p.reason, p.kind).where(
                p.root == rec.root, p.source == rec.source, p.name == rec.name)
            .order_by(p.id))]
        if with_columns:
            c = self.columns.c
            for r in conn.execute(sa.select(self.columns).where(c.asset_id == row["id"])
                                  .order_by(c.position)).mappings():
                rec.columns.append(ColumnRecord(
                    name=r["name"], position=r["position"], type=r["type"], comment=r["comment"],
                    entity=r["entity"], confidence=r["confidence"] or 0.0,
                    match_ratio=r["match_ratio"] or 0.0, free_text=bool(r["free_text"]),
                    entities=_unj(r["entities"], {}), estimated_count=r["estimated_count"] or 0,
                    sensitive=bool(r["sensitive"]), category=r["category"],
                    sensitive_basis=r["sensitive_basis"], evidence=_unj(r["evidence"], []),
                    hinted=r["hinted"], example=r["example"]))
        return rec

    def assets_all(self) -> Iterator[AssetRecord]:
        import sqlalchemy as sa

        a = self.assets.c
        with self.engine.connect() as conn:
            rows = list(conn.execute(sa.select(self.assets).order_by(a.root, a.source, a.name))
                        .mappings())
            for row in rows:
                yield self._asset(conn, row)

    def save_asset(self, rec: AssetRecord) -> None:
        """Replace the asset's result (and its columns) in one transaction."""
        import sqlalchemy as sa

        a = self.assets.c
        values = dict(
            root=rec.root, source=rec.source, name=rec.name, kind=rec.kind, status=rec.status,
            mode=rec.mode, fingerprint=_j(rec.fingerprint), rows_total=rec.rows_total,
            rows_scanned=rec.rows_scanned, rows_with_pi=rec.rows_with_pi,
            minor_rows=rec.minor_rows, sensitive=rec.sensitive, comment=rec.comment,
            error=rec.error, scan_id=rec.scan_id, scanned_at=rec.scanned_at or _now(),
            seconds=rec.seconds)
        with self.engine.begin() as conn:
            existing = conn.execute(sa.select(a.id).where(
                a.root == rec.root, a.source == rec.source, a.name == rec.name)).scalar()
            if existing is None:
                asset_id = int(conn.execute(self.assets.insert().values(**values))
                               .inserted_primary_key[0])
            else:
                asset_id = int(existing)
                conn.execute(self.assets.update().where(a.id == asset_id).values(**values))
                conn.execute(self.columns.delete().where(self.columns.c.asset_id == asset_id))
            if rec.columns:
                conn.execute(self.columns.insert(), [dict(
                    asset_id=asset_id, position=c.position, name=c.name, type=c.type,
                    comment=c.comment, entity=c.entity, confidence=c.confidence,
                    match_ratio=c.match_ratio, free_text=c.free_text, entities=_j(c.entities),
                    estimated_count=c.estimated_count, sensitive=c.sensitive,
                    category=c.category, sensitive_basis=c.sensitive_basis,
                    evidence=_j(c.evidence), hinted=c.hinted, example=c.example)
                    for c in rec.columns])
            conn.execute(self.checkpoints.delete().where(
                self.checkpoints.c.root == rec.root, self.checkpoints.c.source == rec.source,
                self.checkpoints.c.name == rec.name))
            p = self.problems.c
            conn.execute(self.problems.delete().where(
                p.root == rec.root, p.source == rec.source, p.name == rec.name))
            if rec.problems:
                conn.execute(self.problems.insert(), [
                    dict(scan_id=rec.scan_id, root=rec.root, source=rec.source, name=rec.name,
                         location=loc, reason=reason, kind=kind)
                    for loc, reason, kind in rec.problems])
        rec.id = asset_id

    def touch_asset(self, rec: AssetRecord, fingerprint: dict[str, Any], scan_id: int) -> None:
        """An unchanged asset: keep its result, record the fresh fingerprint."""
        a = self.assets.c
        with self.engine.begin() as conn:
            conn.execute(self.assets.update().where(a.id == rec.id).values(
                fingerprint=_j(fingerprint)))

    def drop_missing(self, root: str, seen: set[tuple[str, str]]) -> int:
        """Delete assets of ``root`` that a completed scan no longer found (deleted files)."""
        import sqlalchemy as sa

        a = self.assets.c
        with self.engine.begin() as conn:
            rows = conn.execute(sa.select(a.id, a.source, a.name).where(a.root == root)).all()
            gone = [r.id for r in rows if (r.source, r.name) not in seen]
            p = self.problems.c
            for r in rows:
                if (r.source, r.name) not in seen:
                    conn.execute(self.problems.delete().where(
                        p.root == root, p.source == r.source, p.name == r.name))
            if gone:
                conn.execute(self.columns.delete().where(self.columns.c.asset_id.in_(gone)))
                conn.execute(self.assets.delete().where(a.id.in_(gone)))
            return len(gone)

    # ----------------------------------------------------------------- problems

    def replace_problems(self, scan_id: int, root: str, problems: list[tuple[str, str, str]]) -> None:
        """Replace the problems of ``root`` that belong to no asset (unreadable files...)."""
        p = self.problems.c
        with self.engine.begin() as conn:
            conn.execute(self.problems.delete().where(p.root == root, p.name.is_(None)))
            if problems:
                conn.execute(self.problems.insert(), [
                    dict(scan_id=scan_id, root=root, location=loc, reason=reason, kind=kind)
                    for loc, reason, kind in problems])

    def problems_all(self) -> list[dict[str, Any]]:
        import sqlalchemy as sa

        p = self.problems.c
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(
                sa.select(self.problems).order_by(p.root, p.location, p.id)).mappings()]

    # ----------------------------------------------------------------- checkpoints

    def checkpoint(self, root: str, source: str, name: str) -> dict[str, Any] | None:
        import sqlalchemy as sa

        c = self.checkpoints.c
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(self.checkpoints).where(
                c.root == root, c.source == source, c.name == name)).mappings().first()
        if row is None:
            return None
        return {"scan_id": row["scan_id"], "fingerprint": _unj(row["fingerprint"], {}),
                "state": _unj(row["state"], {})}

    def save_checkpoint(self, root: str, source: str, name: str, scan_id: int,
                        fingerprint: dict[str, Any], state: dict[str, Any]) -> None:
        c = self.checkpoints.c
        values = dict(scan_id=scan_id, fingerprint=_j(fingerprint), state=_j(state),
                      updated_at=_now())
        with self.engine.begin() as conn:
            res = conn.execute(self.checkpoints.update().where(
                c.root == root, c.source == source, c.name == name).values(**values))
            if res.rowcount == 0:
                conn.execute(self.checkpoints.insert().values(
                    root=root, source=source, name=name, **values))
