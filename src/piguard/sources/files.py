"""File sources: txt/log, CSV, JSON/JSONL, Parquet, XLSX (tables) and DOCX, PDF (documents).

Files as they really are:

- **Encodings.** A BOM decides (UTF-8, UTF-16, UTF-32). Otherwise the first MiB must decode
  as UTF-8; if it does not and it decodes as GB18030 (a superset of GBK and GB2312, the usual
  encoding of Chinese Excel exports), that is taken; otherwise charset-normalizer guesses.
- **CSV dialects** are sniffed (``,`` ``;`` tab ``|``; quote char); a header row is assumed
  unless the first row looks like data. Malformed rows (wrong number of fields) are recorded
  as problems with their row number and skipped; the rest of the file is read.
- **JSON / JSONL**: one object per line (JSONL, also ``.log`` files whose lines are JSON) or a
  JSON document (an array of objects is a table). Nested fields become dotted paths
  (``user.phone``); lists of objects become ``items[].name`` whose cell joins the elements'
  values with ``"; "``.
- **XLSX**: one table per sheet (``book.xlsx#Sheet1``), first non-empty row is the header.
  Integers stored as floats (``1.3812345678e10``) read back as integers.
- **Parquet**: streamed by record batch; structs are flattened to dotted paths.

Unreadable files (permissions, broken links, FIFOs, devices) are reported, never opened
blindly: a FIFO would block a scan forever.
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import hashlib
import io
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from piguard.sources.base import (
    DEFAULT_BATCH_ROWS,
    Batch,
    Column,
    Document,
    Location,
    Problem,
    Sampling,
    SourceError,
    Table,
    TextUnit,
)

SNIFF_BYTES = 1 << 20
MAX_PROBLEMS_PER_FILE = 20
MAX_JSON_DOCUMENT_BYTES = 256 << 20
TEXT_UNIT_CHARS = 64_000

TABLE_SUFFIXES = {".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".parquet", ".xlsx", ".xlsm"}
DOCUMENT_SUFFIXES = {".txt", ".log", ".md", ".docx", ".pdf", ".text"}
SUPPORTED_SUFFIXES = TABLE_SUFFIXES | DOCUMENT_SUFFIXES

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


# --------------------------------------------------------------------------- helpers


def check_readable(path: Path) -> None:
    """Raise :class:`SourceError` unless ``path`` is a regular file we may open."""
    where = str(path)
    try:
        st = path.stat()  # follows links: a broken link raises FileNotFoundError
    except FileNotFoundError:
        if path.is_symlink():
            raise SourceError(where, "broken symbolic link") from None
        raise SourceError(where, "file not found") from None
    except PermissionError:
        raise SourceError(where, "permission denied") from None
    except OSError as exc:
        raise SourceError(where, f"cannot stat ({exc.strerror or type(exc).__name__})") from None
    if stat.S_ISFIFO(st.st_mode):
        raise SourceError(where, "is a FIFO (named pipe), not a regular file")
    if not stat.S_ISREG(st.st_mode):
        raise SourceError(where, "not a regular file")
    if not os.access(path, os.R_OK):
        raise SourceError(where, "permission denied")


def open_binary(path: Path) -> io.BufferedReader:
    try:
        return open(path, "rb")
    except PermissionError:
        raise SourceError(str(path), "permission denied") from None
    except OSError as exc:
        raise SourceError(str(path), f"cannot open ({exc.strerror or type(exc).__name__})") from None


def detect_encoding(head: bytes) -> tuple[str, int]:
    """``(python codec name, BOM length)`` for a file starting with ``head``."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, len(bom)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8", 0
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
        return "gb18030", 0
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(head).best()
        if best is not None and best.encoding:
            return codecs.lookup(best.encoding).name, 0
    except Exception:  # pragma: no cover - charset-normalizer is optional
        pass
    return "latin-1", 0


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open_binary(path) as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def unique_names(names: list[Any]) -> list[str]:
    """Column names made non-empty and unique (``column_3``, ``name_2``)."""
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(names, 1):
        name = str(raw).strip() if raw is not None else ""
        if not name:
            name = f"column_{i}"
        base = name
        while name in seen:
            seen[base] += 1
            name = f"{base}_{seen[base]}"
        seen.setdefault(name, 1)
        out.append(name)
    return out


def cell_text(value: Any) -> str | None:
    """A cell value as text: floats holding integers lose their ``.0``; dates are ISO."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _string_batch(columns: dict[str, list[str | None]]) -> Any:
    import pyarrow as pa

    return pa.RecordBatch.from_pydict(
        {name: pa.array(values, type=pa.string()) for name, values in columns.items()})


class FileTable(Table):
    """A table stored in one file."""

    def __init__(self, path: Path, name: str | None = None):
        super().__init__(str(path), name or str(path))
        self.path = path

    def _rows(self) -> Iterator[tuple[int, dict[str, str | None]]]:
        raise NotImplementedError

    def batches(self, sampling: Sampling | str = Sampling.FULL, *, limit: int | None = None,
                batch_rows: int = DEFAULT_BATCH_ROWS, after_key: Any = None,
                seed: int = 0) -> Iterator[Batch]:
        sampling = Sampling(sampling)
        if sampling is Sampling.RANDOM and limit is not None:
            yield from _reservoir(self, limit, batch_rows, seed)
            return
        cap = limit if sampling is Sampling.FIRST else None
        yield from self._read(cap, batch_rows)

    def _read(self, cap: int | None, batch_rows: int) -> Iterator[Batch]:
        """Default: build batches from ``_rows`` (JSON, XLSX)."""
        cols: dict[str, list[str | None]] = {}
        lines: list[int] = []
        n = 0
        start = 0
        for line, row in self._rows():
            for name in row.keys() - cols.keys():
                cols[name] = [None] * len(lines)
            for name, values in cols.items():
                values.append(row.get(name))
            lines.append(line)
            n += 1
            if len(lines) >= batch_rows:
                yield Batch(_string_batch(cols), self.location, start, lines)
                start += len(lines)
                cols = {name: [] for name in cols}
                lines = []
            if cap is not None and n >= cap:
                break
        if lines:
            yield Batch(_string_batch(cols), self.location, start, lines)


def _reservoir(table: FileTable, k: int, batch_rows: int, seed: int) -> Iterator[Batch]:
    """About ``k`` rows spread over a file: one streaming pass, memory bounded by ``k`` rows.

    Files cannot seek to row *n*, so random sampling reads the file once and keeps a
    reservoir. Algorithm L (Li 1994) jumps between replacements, so the cost per skipped row
    is nil and only kept rows are copied out of their batch.
    """
    import math
    import random

    rng = random.Random(seed)
    kept: list[tuple[int, dict[str, str | None]]] = []
    names: dict[str, None] = {}
    w = math.exp(math.log(rng.random() or 1e-12) / k)
    next_pick = k + int(math.log(rng.random() or 1e-12) / math.log(1 - w)) if w < 1 else k

    def row_at(data: Any, i: int) -> dict[str, str | None]:
        return {name: data.column(j)[i].as_py() for j, name in enumerate(data.schema.names)}

    seen = 0
    for batch in table._read(None, batch_rows):
        data = batch.data
        names.update(dict.fromkeys(data.schema.names))
        end = seen + data.num_rows
        for i in range(seen, min(end, k)):
            kept.append((i, row_at(data, i - seen)))
        while next_pick < end:
            kept[rng.randrange(k)] = (next_pick, row_at(data, next_pick - seen))
            w *= math.exp(math.log(rng.random() or 1e-12) / k)
            next_pick += int(math.log(rng.random() or 1e-12) / math.log(1 - w)) + 1 \
                if w < 1 else 1
        seen = end
    if not kept:
        return
    kept.sort(key=lambda t: t[0])
    cols = {name: [row.get(name) for _, row in kept] for name in names}
    yield Batch(_string_batch(cols), table.location, 0, None)


# --------------------------------------------------------------------------- CSV


class CsvTable(FileTable):
    """A CSV/TSV file read with Arrow's streaming CSV reader, all columns as strings."""

    def __init__(self, path: Path):
        super().__init__(path)
        check_readable(path)
        with open_binary(path) as f:
            head = f.read(SNIFF_BYTES)
        self.encoding, self._bom = detect_encoding(head)
        if b"\x00" in head[:8192] and not self.encoding.startswith(("utf-16", "utf-32")):
            raise SourceError(str(path), "binary content (NUL bytes), not CSV text")
        text = head[self._bom:].decode(self.encoding, errors="replace")
        if len(head) == SNIFF_BYTES:  # drop a possibly cut last line
            text = text[: text.rfind("\n") + 1] or text
        self.delimiter, self.quotechar = _sniff_dialect(text, path.suffix.lower())
        try:
            first = next(csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter,
                                    quotechar=self.quotechar), [])
        except csv.Error:
            raise SourceError(str(path), "not parseable as CSV (header row)") from None
        self.has_header = bool(first) and not _looks_like_data(first)
        self._names = unique_names(first if self.has_header else
                                   [f"column_{i}" for i in range(1, len(first) + 1)])
        self._rows_read: int | None = None

    def columns(self) -> list[Column]:
        return [Column(n, "string") for n in self._names]

    def count_rows(self) -> int | None:
        return self._rows_read

    def _read(self, cap: int | None, batch_rows: int) -> Iterator[Batch]:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        if not self._names:
            return
        problems = 0
        header_rows = 1 if self.has_header else 0

        def on_invalid(row: Any) -> str:
            nonlocal problems
            problems += 1
            if problems <= MAX_PROBLEMS_PER_FILE:
                where = Location(self.source, self.name, line=row.number)
                self.problems.append(Problem(
                    where, f"malformed row: expected {row.expected_columns} fields, "
                           f"got {row.actual_columns}; row skipped"))
            return "skip"

        encoding = "utf8" if self.encoding == "utf-8" else self.encoding
        if self.encoding == "utf-8" and self._bom:
            encoding = "utf-8-sig"
        read_options = pacsv.ReadOptions(
            use_threads=False, block_size=1 << 20, column_names=self._names,
            skip_rows=header_rows, encoding=encoding)
        parse_options = pacsv.ParseOptions(
            delimiter=self.delimiter, quote_char=self.quotechar or False,
            newlines_in_values=True, invalid_row_handler=on_invalid)
        convert_options = pacsv.ConvertOptions(
            column_types={n: pa.string() for n in self._names}, strings_can_be_null=True,
            null_values=[""], quoted_strings_can_be_null=True)
        try:
            reader = pacsv.open_csv(self.path, read_options=read_options,
                                    parse_options=parse_options,
                                    convert_options=convert_options)
        except (pa.ArrowInvalid, OSError, UnicodeDecodeError) as exc:
            raise SourceError(self.source, f"cannot parse as CSV ({_arrow_reason(exc)})") from None
        start = 0
        try:
            pending: list[pa.RecordBatch] = []
            pending_rows = 0
            for rb in reader:
                if cap is not None and start + pending_rows + rb.num_rows > cap:
                    rb = rb.slice(0, cap - start - pending_rows)
                pending.append(rb)
                pending_rows += rb.num_rows
                while pending_rows >= batch_rows:
                    table = pa.Table.from_batches(pending)
                    head = table.slice(0, batch_rows).combine_chunks().to_batches()[0]
                    rest = table.slice(batch_rows)
                    yield Batch(head, self.location, start)
                    start += batch_rows
                    pending = rest.combine_chunks().to_batches() if rest.num_rows else []
                    pending_rows = rest.num_rows
                if cap is not None and start + pending_rows >= cap:
                    break
            if pending_rows:
                table = pa.Table.from_batches(pending).combine_chunks()
                yield Batch(table.to_batches()[0], self.location, start)
                start += pending_rows
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise SourceError(self.source, f"stopped after row {start + header_rows}: "
                                           f"{_arrow_reason(exc)}") from None
        if problems > MAX_PROBLEMS_PER_FILE:
            self.problems.append(Problem(
                self.location, f"{problems - MAX_PROBLEMS_PER_FILE} more malformed rows skipped"))
        if cap is None:
            self._rows_read = start


def _arrow_reason(exc: BaseException) -> str:
    # Arrow's messages may quote a row; keep only the first clause, which names the problem.
    text = str(exc).split(":", 1)[0].strip()
    return text[:120] or type(exc).__name__


def _sniff_dialect(text: str, suffix: str) -> tuple[str, str]:
    if suffix == ".tsv":
        return "\t", '"'
    sample = text[:65536]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        return dialect.delimiter, dialect.quotechar or '"'
    except csv.Error:
        counts = {d: sample.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return (best if counts[best] else ","), '"'


def _looks_like_data(row: list[str]) -> bool:
    """A first row is data (no header) when a cell is a number or longer than a name would be."""
    for cell in row:
        c = cell.strip()
        if not c:
            return True  # header names are rarely empty; data cells often are
        if c.replace(".", "", 1).replace("-", "", 1).replace("+", "", 1).isdigit():
            return True
        if "@" in c or len(c) > 64:
            return True
    return len(set(row)) != len(row)


# --------------------------------------------------------------------------- JSON


def flatten(obj: Any, prefix: str = "", out: dict[str, Any] | None = None) -> dict[str, Any]:
    """Nested dicts to dotted paths; lists of scalars / objects to ``path[]`` cells."""
    if out is None:
        out = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            flatten(v, f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(obj, list):
        key = f"{prefix}[]"
        for item in obj:
            if isinstance(item, (dict, list)):
                for k, v in flatten(item, key).items():
                    _append(out, k, v)
            else:
                _append(out, key, item)
    else:
        out[prefix or "value"] = obj
    return out


def _append(out: dict[str, Any], key: str, value: Any) -> None:
    text = cell_text(value)
    if text is None:
        return
    out[key] = text if key not in out or out[key] is None else f"{out[key]}; {text}"


class JsonTable(FileTable):
    """JSONL (one object per line, also JSON logs) or a JSON array of objects."""

    def __init__(self, path: Path, *, lines: bool | None = None):
        super().__init__(path)
        check_readable(path)
        with open_binary(path) as f:
            head = f.read(SNIFF_BYTES)
        self.encoding, self._bom = detect_encoding(head)
        self.lines = _is_json_lines(head[self._bom:].decode(self.encoding, "replace")) \
            if lines is None else lines
        self._names: list[str] | None = None
        self._rows_read: int | None = None

    def columns(self) -> list[Column]:
        if self._names is None:
            names: dict[str, None] = {}
            for i, (_, row) in enumerate(self._rows(record_problems=False)):
                names.update(dict.fromkeys(row))
                if i >= 1000:
                    break
            self._names = list(names)
        return [Column(n) for n in self._names]

    def count_rows(self) -> int | None:
        return self._rows_read

    def _rows(self, record_problems: bool = True) -> Iterator[tuple[int, dict[str, Any]]]:
        if self.lines:
            yield from self._jsonl_rows(record_problems)
        else:
            yield from self._document_rows()

    def _jsonl_rows(self, record_problems: bool) -> Iterator[tuple[int, dict[str, Any]]]:
        problems = 0
        n = 0
        with open_binary(self.path) as raw:
            raw.seek(self._bom)
            text = io.TextIOWrapper(raw, encoding=self.encoding, errors="replace", newline="")
            for lineno, line in enumerate(text, 1):
                s = line.strip()
                if not s:
                    continue
                try:
                    obj = json.loads(s)
                except ValueError as exc:
                    problems += 1
                    if record_problems and problems <= MAX_PROBLEMS_PER_FILE:
                        self.problems.append(Problem(
                            Location(self.source, self.name, line=lineno),
                            f"invalid JSON ({type(exc).__name__} at column {getattr(exc, 'colno', '?')}); "
                            "line skipped"))
                    continue
                n += 1
                yield lineno, {k: cell_text(v) for k, v in flatten(obj).items()}
        if record_problems and problems > MAX_PROBLEMS_PER_FILE:
            self.problems.append(Problem(
                self.location, f"{problems - MAX_PROBLEMS_PER_FILE} more invalid JSON lines skipped"))
        if record_problems:
            self._rows_read = n

    def _document_rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        size = self.path.stat().st_size
        if size > MAX_JSON_DOCUMENT_BYTES:
            raise SourceError(self.source, f"JSON document of {size >> 20} MiB is too large to "
                                           "load; convert it to JSON lines")
        with open_binary(self.path) as f:
            data = f.read()[self._bom:].decode(self.encoding, "replace")
        try:
            doc = json.loads(data)
        except ValueError as exc:
            raise SourceError(self.source, f"invalid JSON (line {getattr(exc, 'lineno', '?')}, "
                                           f"column {getattr(exc, 'colno', '?')})") from None
        items = doc if isinstance(doc, list) else [doc]
        if isinstance(doc, dict):
            # {"data": [{...}, ...]}: a single list of objects is the table.
            lists = [v for v in doc.values() if isinstance(v, list) and v
                     and all(isinstance(x, dict) for x in v)]
            if len(lists) == 1:
                items = lists[0]
        for i, item in enumerate(items, 1):
            yield i, {k: cell_text(v) for k, v in flatten(item).items()}
        self._rows_read = len(items)


def _is_json_lines(text: str) -> bool:
    """Several lines, each a JSON object on its own."""
    lines = [s for s in (line.strip() for line in text.splitlines()[:20]) if s]
    if len(lines) < 2:
        return False
    ok = 0
    for s in lines[:-1]:  # the last line of the sample may be cut
        try:
            ok += isinstance(json.loads(s), dict)
        except ValueError:
            pass
    return ok >= max(1, (len(lines) - 1) // 2)


# --------------------------------------------------------------------------- Parquet


class ParquetTable(FileTable):
    def __init__(self, path: Path):
        super().__init__(path)
        check_readable(path)
        import pyarrow.parquet as pq

        try:
            self._file = pq.ParquetFile(path)
        except Exception as exc:
            raise SourceError(self.source, f"not a readable Parquet file ({type(exc).__name__})") \
                from None

    def columns(self) -> list[Column]:
        schema = self._file.schema_arrow
        return [Column(f.name, str(f.type)) for f in _flat_fields(schema)]

    def count_rows(self) -> int | None:
        return self._file.metadata.num_rows

    def _read(self, cap: int | None, batch_rows: int) -> Iterator[Batch]:
        start = 0
        for rb in self._file.iter_batches(batch_size=batch_rows):
            if cap is not None and start + rb.num_rows > cap:
                rb = rb.slice(0, cap - start)
            yield Batch(to_string_batch(rb), self.location, start)
            start += rb.num_rows
            if cap is not None and start >= cap:
                break

    def close(self) -> None:
        self._file.close()


def _flat_fields(schema: Any) -> list[Any]:
    import pyarrow as pa

    out = []
    for f in schema:
        if pa.types.is_struct(f.type):
            out.extend(pa.field(f"{f.name}.{c.name}", c.type) for c in
                       _flat_fields(pa.schema(list(f.type))))
        else:
            out.append(f)
    return out


def to_string_batch(rb: Any) -> Any:
    """Any Arrow record batch as all-string columns (structs flattened to dotted names)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if any(pa.types.is_struct(f.type) for f in rb.schema):
        table = pa.Table.from_batches([rb])
        while any(pa.types.is_struct(f.type) for f in table.schema):
            table = table.flatten()  # "a.b" names
        rb = table.combine_chunks().to_batches()[0] if table.num_rows else \
            pa.RecordBatch.from_pylist([], schema=table.schema)
    arrays = []
    for col in rb.columns:
        if pa.types.is_string(col.type):
            arrays.append(col)
        elif pa.types.is_large_string(col.type):
            arrays.append(col.cast(pa.string()))
        elif pa.types.is_floating(col.type):
            arrays.append(pa.array([cell_text(v) for v in col.to_pylist()], pa.string()))
        else:
            try:
                arrays.append(pc.cast(col, pa.string()))
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                arrays.append(pa.array(
                    [None if v is None else json.dumps(v, default=str, ensure_ascii=False)
                     for v in col.to_pylist()], pa.string()))
    return pa.RecordBatch.from_arrays(arrays, names=rb.schema.names)


# --------------------------------------------------------------------------- XLSX


class SheetTable(FileTable):
    """One worksheet of an XLSX workbook, read in openpyxl's streaming (read-only) mode."""

    def __init__(self, path: Path, sheet: str, book: Any):
        super().__init__(path, sheet)
        self.sheet = sheet
        self._book = book
        self._header: list[str] | None = None
        self._header_row = 0
        self._rows_read: int | None = None

    def _ws(self) -> Any:
        return self._book[self.sheet]

    def columns(self) -> list[Column]:
        if self._header is None:
            self._header = []
            for i, row in enumerate(self._ws().iter_rows(values_only=True), 1):
                if any(v not in (None, "") for v in row):
                    self._header = unique_names(list(row))
                    self._header_row = i
                    break
        return [Column(n) for n in self._header]

    def count_rows(self) -> int | None:
        return self._rows_read

    def _rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        names = [c.name for c in self.columns()]
        n = 0
        for i, row in enumerate(self._ws().iter_rows(values_only=True), 1):
            if i <= self._header_row:
                continue
            if all(v in (None, "") for v in row):
                continue
            n += 1
            yield i, {names[j] if j < len(names) else f"column_{j + 1}": cell_text(v)
                      for j, v in enumerate(row)}
        self._rows_read = n


def open_workbook(path: Path) -> tuple[Any, list[SheetTable]]:
    check_readable(path)
    try:
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise SourceError(str(path), f"not a readable XLSX workbook ({type(exc).__name__})") \
            from None
    return book, [SheetTable(path, name, book) for name in book.sheetnames]


# --------------------------------------------------------------------------- documents


class TextDocument(Document):
    """Plain text or a log file, decoded with the detected encoding, read in units of lines."""

    def __init__(self, path: Path):
        super().__init__(str(path))
        check_readable(path)
        self.path = path
        with open_binary(path) as f:
            head = f.read(SNIFF_BYTES)
        self.encoding, self._bom = detect_encoding(head)
        if b"\x00" in head and not self.encoding.startswith("utf-16") \
                and not self.encoding.startswith("utf-32"):
            raise SourceError(self.source, "binary content (NUL bytes), not text")

    def units(self, *, max_chars: int | None = None) -> Iterator[TextUnit]:
        total = 0
        with open_binary(self.path) as raw:
            raw.seek(self._bom)
            text = io.TextIOWrapper(raw, encoding=self.encoding, errors="replace", newline="")
            buf: list[str] = []
            size = 0
            first = 1
            for lineno, line in enumerate(text, 1):
                if not buf:
                    first = lineno
                buf.append(line)
                size += len(line)
                if size >= TEXT_UNIT_CHARS:
                    yield TextUnit("".join(buf), Location(self.source, self.name, line=first))
                    total += size
                    buf, size = [], 0
                    if max_chars is not None and total >= max_chars:
                        return
            if buf:
                yield TextUnit("".join(buf), Location(self.source, self.name, line=first))


class DocxDocument(Document):
    def __init__(self, path: Path):
        super().__init__(str(path))
        check_readable(path)
        self.path = path

    def units(self, *, max_chars: int | None = None) -> Iterator[TextUnit]:
        try:
            import docx

            doc = docx.Document(str(self.path))
        except Exception as exc:
            raise SourceError(self.source, f"not a readable DOCX file ({type(exc).__name__})") \
                from None
        total = 0
        n = 0
        for n, para in enumerate(doc.paragraphs, 1):
            if para.text.strip():
                total += len(para.text)
                yield TextUnit(para.text, Location(self.source, self.name, page=n))
                if max_chars is not None and total >= max_chars:
                    return
        for t, table in enumerate(doc.tables, 1):
            for r, row in enumerate(table.rows, 1):
                text = "\t".join(cell.text for cell in row.cells)
                if text.strip():
                    yield TextUnit(text, Location(self.source, f"{self.name}#table{t}", line=r))


class PdfDocument(Document):
    def __init__(self, path: Path):
        super().__init__(str(path))
        check_readable(path)
        self.path = path

    def units(self, *, max_chars: int | None = None) -> Iterator[TextUnit]:
        import logging

        logging.getLogger("pypdf").setLevel(logging.ERROR)
        try:
            from pypdf import PdfReader

            reader = PdfReader(str(self.path))
            if reader.is_encrypted:
                raise SourceError(self.source, "encrypted PDF")
            pages = reader.pages
        except SourceError:
            raise
        except Exception as exc:
            raise SourceError(self.source, f"not a readable PDF ({type(exc).__name__})") from None
        total = 0
        for i, page in enumerate(pages, 1):
            try:
                text = page.extract_text() or ""
            except Exception as exc:
                self.problems.append(Problem(Location(self.source, self.name, page=i),
                                             f"page text not extractable ({type(exc).__name__})"))
                continue
            if text.strip():
                total += len(text)
                yield TextUnit(text, Location(self.source, self.name, page=i))
                if max_chars is not None and total >= max_chars:
                    return


# --------------------------------------------------------------------------- opening


def open_file(path: Path) -> list[Table | Document]:
    """The tables or documents stored in one file. Raises :class:`SourceError`."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        return [CsvTable(path)]
    if suffix in (".jsonl", ".ndjson"):
        return [JsonTable(path, lines=True)]
    if suffix == ".json":
        return [JsonTable(path)]
    if suffix == ".parquet":
        return [ParquetTable(path)]
    if suffix in (".xlsx", ".xlsm"):
        _, sheets = open_workbook(path)
        return list(sheets)
    if suffix == ".docx":
        return [DocxDocument(path)]
    if suffix == ".pdf":
        return [PdfDocument(path)]
    if suffix in (".txt", ".log", ".md", ".text"):
        check_readable(path)
        with open_binary(path) as f:
            head = f.read(SNIFF_BYTES)
        enc, bom = detect_encoding(head)
        if suffix == ".log" and _is_json_lines(head[bom:].decode(enc, "replace")):
            return [JsonTable(path, lines=True)]
        return [TextDocument(path)]
    raise SourceError(str(path), f"unsupported file type {suffix or '(no extension)'!r}")


def walk(root: Path) -> Iterator[Path]:
    """Files under ``root`` in a stable order; hidden entries are skipped, links not followed
    into directories (no loops)."""
    if not root.is_dir():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name
