"""Sources: files, folders and SQL databases opened as tables and documents.

:func:`iter_source` turns a source *spec* (a path, a folder, a SQLAlchemy URL, or a path to
an SQLite file) into the :class:`Table` and :class:`Document` objects it holds, and a
:class:`Problem` for everything that cannot be opened — never a silent skip.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from piguard.sources.base import (
    Batch,
    Column,
    Document,
    Fingerprint,
    Location,
    Problem,
    Sampling,
    SourceError,
    Table,
    TextUnit,
    redact_url,
)

if TYPE_CHECKING:
    from piguard.sources.sql import Database

__all__ = [
    "Batch", "Column", "Document", "Fingerprint", "Location", "Problem", "Sampling",
    "SourceError", "Table", "TextUnit", "display_name", "iter_source", "redact_url",
]


def display_name(spec: str) -> str:
    """How a source is named in locations, the inventory and reports (no passwords)."""
    from piguard.sources.sql import is_database_url

    return redact_url(spec) if is_database_url(spec) else spec


def _is_sqlite_file(path: Path) -> bool:
    from piguard.sources.sql import SQLITE_MAGIC

    try:
        if not path.is_file():
            return False
        with open(path, "rb") as f:
            return f.read(16) == SQLITE_MAGIC
    except OSError:
        return False


def iter_source(spec: str, *, schemas: Sequence[str] | None = None,
                include: Sequence[str] | None = None,
                exclude: Sequence[str] | None = None) -> Iterator[Table | Document | Problem]:
    """Tables, documents and problems of one source spec, lazily (one file at a time)."""
    from piguard.sources import files
    from piguard.sources.sql import Database, is_database_url, sqlite_url_for

    if is_database_url(spec):
        try:
            db = Database(spec, schemas=schemas, include=include, exclude=exclude)
        except SourceError as exc:
            yield Problem(Location(display_name(spec)), exc.reason, "skipped")
            return
        yield from _database(db)
        return
    root = Path(spec)
    if not root.exists() and not root.is_symlink():
        yield Problem(Location(spec), "no such file, folder or database URL", "skipped")
        return
    for path in files.walk(root):
        where = str(path)
        if _is_sqlite_file(path):
            try:
                db = Database(sqlite_url_for(str(path)), include=include, exclude=exclude)
            except SourceError as exc:
                yield Problem(Location(where), exc.reason, "skipped")
                continue
            db.display = where
            yield from _database(db)
            continue
        if root.is_dir() and path.suffix.lower() not in files.SUPPORTED_SUFFIXES:
            yield Problem(Location(where), f"unsupported file type "
                          f"{path.suffix.lower() or '(no extension)'!r}", "skipped")
            continue
        try:
            opened = files.open_file(path)
        except SourceError as exc:
            yield Problem(Location(where), exc.reason, "skipped")
            continue
        except Exception as exc:  # a reader bug or a file no reader expected: go on
            yield Problem(Location(where), f"cannot read ({type(exc).__name__})", "skipped")
            continue
        yield from opened


def _database(db: Database) -> Iterator[Table | Document | Problem]:
    try:
        tables = db.tables()
    except SourceError as exc:
        yield Problem(Location(db.display), exc.reason, "skipped")
        return
    yield from db.problems
    for t in tables:
        t.source = db.display
    yield from tables
