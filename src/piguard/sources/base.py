"""What every source yields: tables of string batches and text units, each with a location.

A *source* is a file, a folder or a database URL. It opens into:

- :class:`Table` — rows and named columns (a CSV, a sheet, a JSONL file, a Parquet file, a
  database table). ``batches()`` yields :class:`Batch` objects: an Arrow record batch whose
  columns are all ``string`` (values as text, ``None`` for null) plus where the rows sit.
- :class:`Document` — running text (txt, log, docx, pdf). ``units()`` yields
  :class:`TextUnit` objects: a piece of text and where it sits (line, page, paragraph).

Readers never modify a source and never load a whole table into memory: batches are bounded
by ``batch_rows``. Problems inside a source (a malformed row, an undecodable line) go to the
source's ``problems`` list as :class:`Problem` records that name the place but never the
value, and reading goes on.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

DEFAULT_BATCH_ROWS = 20_000


class SourceError(Exception):
    """A source (or a part of it) cannot be read. The message names the place, never values."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Location:
    """Where a value, a row range or a text unit sits. Unset fields are ``None``."""

    source: str                       # path or URL (URL without password)
    table: str | None = None          # table, sheet ("book.xlsx#Sheet1"), file-as-table
    column: str | None = None
    line: int | None = None           # 1-based line (text, CSV, JSONL) or spreadsheet row
    page: int | None = None           # PDF page / DOCX paragraph (1-based)
    key: Any = None                   # primary-key value of a database row

    def __str__(self) -> str:
        parts = [self.source]
        if self.table and self.table != self.source:
            parts.append(self.table)
        if self.column:
            parts.append(f"column {self.column}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.key is not None:
            parts.append(f"key {self.key}")
        return ": ".join(parts[:1]) + (" (" + ", ".join(parts[1:]) + ")" if parts[1:] else "")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something that could not be read. ``reason`` never contains a value from the source."""

    location: Location
    reason: str
    kind: str = "error"               # "error" (part skipped) | "skipped" (not scanned at all)

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str | None = None           # source type as text ("VARCHAR(18)", "int64"), if known
    comment: str | None = None        # database column comment, if any


@dataclass(slots=True)
class Batch:
    """Rows ``row_start .. row_start + len(data) - 1`` of a table (0-based), all string columns.

    ``lines`` (files) or ``keys`` (databases with a primary key) give each row's place.
    """

    data: pa.RecordBatch = field(repr=False)       # values: never in a repr
    location: Location
    row_start: int = 0
    lines: list[int] | None = field(default=None, repr=False)
    keys: pa.Array | None = field(default=None, repr=False)

    @property
    def num_rows(self) -> int:
        return self.data.num_rows


@dataclass(frozen=True, slots=True)
class TextUnit:
    text: str = field(repr=False)
    location: Location


class Sampling(enum.StrEnum):
    """How many rows of a table a scan reads."""

    FIRST = "first"                   # the first N rows in storage / key order
    RANDOM = "random"                 # about N rows spread over the table
    FULL = "full"                     # every row, streamed


@dataclass(slots=True)
class Fingerprint:
    """What a re-scan compares to decide that a database table is unchanged: row count, max
    primary key and the column list. (Files are compared by size, mtime and SHA-256 in
    ``piguard.inventory``.)"""

    values: dict[str, Any] = field(default_factory=dict)


class Table:
    """A readable table. Subclasses implement ``columns``, ``count_rows`` and ``_read``."""

    kind = "table"
    source: str
    name: str
    comment: str | None = None
    problems: list[Problem]

    def __init__(self, source: str, name: str):
        self.source = source
        self.name = name
        self.problems = []

    @property
    def location(self) -> Location:
        return Location(self.source, self.name)

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def count_rows(self) -> int | None:
        """Rows in the table, or ``None`` when only a full read would tell."""
        return None

    def key_column(self) -> str | None:
        """Single-column primary key, when the table has one (databases)."""
        return None

    def fingerprint(self) -> Fingerprint:
        """Database tables only; file tables are fingerprinted by their file."""
        raise NotImplementedError

    def batches(self, sampling: Sampling | str = Sampling.FULL, *, limit: int | None = None,
                batch_rows: int = DEFAULT_BATCH_ROWS, after_key: Any = None,
                seed: int = 0) -> Iterator[Batch]:
        """Yield string batches. ``limit`` caps rows for FIRST / RANDOM; ``after_key`` resumes
        a FULL read of a keyed table after that key (databases only)."""
        raise NotImplementedError

    def close(self) -> None:
        pass


class Document:
    """Running text (txt, log, docx, pdf) read as :class:`TextUnit` objects."""

    kind = "document"
    source: str
    name: str
    problems: list[Problem]

    def __init__(self, source: str, name: str | None = None):
        self.source = source
        self.name = name or source
        self.problems = []

    @property
    def location(self) -> Location:
        return Location(self.source, self.name)

    def units(self, *, max_chars: int | None = None) -> Iterator[TextUnit]:
        """Text units in order; stop after about ``max_chars`` characters when given."""
        raise NotImplementedError

    def close(self) -> None:
        pass


def safe_key(value: Any) -> str | None:
    """A primary-key value that may be stored (inventory fingerprints, resume checkpoints).

    Surrogate integer keys (up to 9 digits) are kept; anything else may itself be PI (a
    phone number or ID number as the key) and is not stored: ``None``.
    """
    text = None if value is None else str(value)
    return text if text is not None and text.isdigit() and len(text) <= 9 else None


def redact_url(url: str) -> str:
    """A database URL without its password, for locations, logs and reports."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url.split("@", 1)[-1] if "@" in url else url
