"""Scan jobs: sources → classified tables and documents → the inventory store.

A scan walks each source spec (file, folder, database URL), and for every table or document:

1. **Skips it when unchanged** since the last scan that covered the same mode (a full scan
   covers a sampling one): files by size + mtime, and when only the mtime moved, by SHA-256
   of the content; database tables by row count + max primary key + column list.
2. **Classifies** its columns on a sample (:mod:`piguard.tables`).
3. **Counts.** *Sample mode* scales the sample's counts to the table's rows (estimates).
   *Full mode* streams every row in bounded batches and counts exactly, with vectorised
   pre-filters and validators only on candidates; free-text columns go through the
   detector. Progress is checkpointed (last primary key or row offset, counters so far), so a
   scan interrupted in the middle of a large table resumes there.
4. **Records** the result, the sensitivity of each column (PIPL Art. 28 flag with its basis,
   GB/T 43697 category) and the rows of minors (birth date from IDs or birth-date columns,
   younger than ``minor_age``, default 14 after PIPL Art. 28/31).

Everything that could not be read becomes a problem record with its place and reason.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from piguard.entities import CATALOGUE
from piguard.inventory.store import AssetRecord, ColumnRecord, Store
from piguard.sources import Document, Problem, Sampling, SourceError, Table
from piguard.sources import iter_source as _iter_source
from piguard.sources.base import safe_key
from piguard.tables import classify as _classify
from piguard.tables import values as _values
from piguard.tables.classify import ColumnResult, TableResult

Progress = Callable[..., None]


@dataclass(slots=True)
class ScanOptions:
    mode: str = "sample"               # "sample" | "full"
    sample_rows: int = 1000
    sampling: Sampling = Sampling.RANDOM
    schemas: list[str] | None = None
    include: list[str] | None = None
    exclude: list[str] | None = None
    minor_age: int = 14
    force: bool = False
    batch_rows: int = 20_000
    text_sample: int = 300
    checkpoint_seconds: float = 2.0

    def __post_init__(self) -> None:
        if self.mode not in ("sample", "full"):
            raise ValueError(f"mode must be 'sample' or 'full', not {self.mode!r}")
        self.sampling = Sampling(self.sampling)

    def classify_options(self) -> _classify.Options:
        return _classify.Options(sample_rows=self.sample_rows, sampling=self.sampling,
                                 text_sample=self.text_sample, minor_age=self.minor_age)


@dataclass(slots=True)
class ScanSummary:
    scan_id: int
    mode: str
    roots: list[str]
    status: str = "running"
    scanned: int = 0
    unchanged: int = 0
    resumed: int = 0
    failed: int = 0
    assets_with_pi: int = 0
    rows_read: int = 0
    cells_read: int = 0
    seconds: float = 0.0
    problems: list[tuple[str, str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["problems"] = [{"location": loc, "reason": r, "kind": k} for loc, r, k in self.problems]
        return d


def root_name(spec: str) -> str:
    """How a source spec is recorded: a URL without password, a path made absolute."""
    from piguard.sources.sql import is_database_url

    if is_database_url(spec):
        from piguard.sources import redact_url

        return redact_url(spec)
    return str(Path(spec).absolute())


def _covers(previous_mode: str, mode: str) -> bool:
    return previous_mode == mode or previous_mode == "full"


class Scanner:
    """Runs one scan job over source specs into a :class:`Store`."""

    def __init__(self, store: Store, options: ScanOptions | None = None,
                 progress: Progress | None = None):
        self.store = store
        self.options = options or ScanOptions()
        self.progress = progress or (lambda *_a, **_k: None)
        self._detector_checked = False

    def run(self, specs: list[str]) -> ScanSummary:
        opts = self.options
        roots = [root_name(s) for s in specs]
        options_record = {k: v for k, v in dataclasses.asdict(opts).items()
                          if k not in ("checkpoint_seconds",)}
        scan_id = self.store.start_scan(opts.mode, roots, options_record)
        summary = ScanSummary(scan_id, opts.mode, roots)
        t0 = time.perf_counter()
        self._summary = summary
        try:
            for spec, root in zip(specs, roots, strict=True):
                self._root(scan_id, spec, root)
            summary.status = "done"
        except KeyboardInterrupt:
            summary.status = "interrupted"
            raise
        except BaseException:
            summary.status = "failed"
            raise
        finally:
            summary.seconds = round(time.perf_counter() - t0, 3)
            self.store.finish_scan(scan_id, summary.status, summary.to_dict())
        return summary

    # ----------------------------------------------------------------- roots

    def _root(self, scan_id: int, spec: str, root: str) -> None:
        from piguard.sources.sql import is_database_url

        opts = self.options
        target = spec if is_database_url(spec) else root
        problems: list[tuple[str, str, str]] = []
        seen: set[tuple[str, str]] = set()
        root_failed = False
        for item in _iter_source(target, schemas=opts.schemas, include=opts.include,
                                 exclude=opts.exclude):
            if isinstance(item, Problem):
                problems.append((str(item.location), item.reason, item.kind))
                if item.location.table is None and item.location.source in (root, target):
                    root_failed = True
                continue
            seen.add((item.source, item.name))
            try:
                outcome, rec = self._asset(scan_id, root, item)
            finally:
                item.close()
            if outcome == "unchanged":
                self._summary.unchanged += 1
            else:
                self._summary.scanned += 1
                if outcome == "resumed":
                    self._summary.resumed += 1
            if rec is not None:
                if rec.status != "ok" and outcome != "unchanged":
                    self._summary.failed += 1
                if rec.pi_columns:
                    self._summary.assets_with_pi += 1
                self._summary.problems.extend(rec.problems)
        self.store.replace_problems(scan_id, root, problems)
        self._summary.problems[:0] = problems
        if not root_failed:
            self.store.drop_missing(root, seen)

    # ----------------------------------------------------------------- assets

    def _fingerprint(self, item: Table | Document, prev: AssetRecord | None) -> dict[str, Any]:
        """Files: size, mtime, SHA-256 (reused when size and mtime match); database tables:
        row count, max key, columns. Both carry the piguard version: new rules rescan."""
        from piguard import __version__

        path = getattr(item, "path", None)
        if path is None:
            return {**item.fingerprint().values, "piguard": __version__}
        st = Path(path).stat()
        quick = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "piguard": __version__}
        old = prev.fingerprint if prev else {}
        if old.get("size") == quick["size"] and old.get("mtime_ns") == quick["mtime_ns"] \
                and "sha256" in old:
            return {**quick, "sha256": old["sha256"]}
        from piguard.sources.files import sha256_file

        return {**quick, "sha256": sha256_file(Path(path))}

    @staticmethod
    def _same(fp: dict[str, Any], old: dict[str, Any]) -> bool:
        if fp.get("piguard") != old.get("piguard"):
            return False
        if "sha256" in fp:
            return fp.get("size") == old.get("size") and fp["sha256"] == old.get("sha256")
        return all(fp.get(k) == old.get(k) for k in ("rows", "max_key", "columns"))

    def _asset(self, scan_id: int, root: str, item: Table | Document
               ) -> tuple[str, AssetRecord | None]:
        opts = self.options
        prev = self.store.asset(root, item.source, item.name)
        try:
            fp = self._fingerprint(item, prev)
        except (SourceError, OSError) as exc:
            reason = exc.reason if isinstance(exc, SourceError) else \
                f"cannot read ({exc.strerror or type(exc).__name__})"
            rec = AssetRecord(root, item.source, item.name, kind=item.kind, status="error",
                              mode=opts.mode, error=reason, scan_id=scan_id)
            rec.problems = _problem_rows(item, rec)
            self.store.save_asset(rec)
            return "scanned", rec
        if (not opts.force and prev is not None and prev.status == "ok"
                and _covers(prev.mode, opts.mode) and self._same(fp, prev.fingerprint)):
            self.store.touch_asset(prev, fp, scan_id)
            self.progress("asset", name=item.name, outcome="unchanged")
            return "unchanged", prev
        self.progress("asset", name=item.name, outcome="scanning")
        t0 = time.perf_counter()
        if isinstance(item, Document):
            rec, outcome = self._document(root, item, fp, scan_id), "scanned"
        else:
            rec, outcome = self._table(root, item, fp, scan_id)
        rec.seconds = round(time.perf_counter() - t0, 3)
        rec.problems = _problem_rows(item, rec)
        self.store.save_asset(rec)
        return outcome, rec

    def _document(self, root: str, doc: Document, fp: dict[str, Any],
                  scan_id: int) -> AssetRecord:
        opts = self.options
        max_chars = opts.classify_options().document_chars if opts.mode == "sample" else None
        result = _classify.classify_document(doc, opts.classify_options(), max_chars=max_chars)
        _merge_problems(doc, result)
        rec = self._record(root, result, fp, scan_id)
        rec.rows_scanned = result.rows_sampled
        col = result.columns[0]
        rec.columns[0].entities = dict(col.entities)
        rec.columns[0].estimated_count = sum(col.entities.values())
        rec.rows_with_pi = sum(col.entities.values())
        rec.minor_rows = result.sample_minor_rows
        rec.sensitive = rec.sensitive or rec.minor_rows > 0
        self._summary.rows_read += result.rows_sampled
        return rec

    def _record(self, root: str, result: TableResult, fp: dict[str, Any],
                scan_id: int) -> AssetRecord:
        opts = self.options
        skipped = [p for p in result.problems if p.kind == "skipped"]
        rec = AssetRecord(root, result.source, result.table, kind=result.kind,
                          status="error" if skipped else "ok", mode=opts.mode, fingerprint=fp,
                          rows_total=result.rows_total, rows_scanned=result.rows_sampled,
                          comment=result.comment, scan_id=scan_id,
                          error=skipped[0].reason if skipped else None)
        for i, c in enumerate(result.columns):
            rec.columns.append(_column_record(i, c))
        rec.sensitive = any(c.sensitive for c in rec.columns if c.is_pi)
        return rec

    # ----------------------------------------------------------------- tables

    def _table(self, root: str, table: Table, fp: dict[str, Any],
               scan_id: int) -> tuple[AssetRecord, str]:
        opts = self.options
        ckpt = None
        if opts.mode == "full":
            ckpt = self.store.checkpoint(root, table.source, table.name)
            if ckpt is not None and (ckpt["fingerprint"] != fp
                                     or "classification" not in ckpt["state"]):
                ckpt = None
        if ckpt is not None:
            result = _result_from_state(ckpt["state"]["classification"])
            outcome = "resumed"
        else:
            result = _classify.classify_table(table, opts.classify_options())
            outcome = "scanned"
        _merge_problems(table, result)
        if opts.mode == "sample":
            self._summary.rows_read += result.rows_sampled
            self._summary.cells_read += result.rows_sampled * len(result.columns)
        if any(p.kind == "skipped" for p in result.problems) or opts.mode == "sample":
            rec = self._record(root, result, fp, scan_id)
            if rec.status == "ok":
                _scale_sample(rec, result)
            return rec, outcome
        state = ckpt["state"] if ckpt else {
            "classification": _result_to_state(result), "rows": 0, "last_key": None,
            "counts": {}, "free": {}, "non_null": {}, "rows_with_pi": 0, "minor_rows": 0}
        try:
            self._full_pass(root, table, fp, scan_id, result, state)
        except Exception as exc:  # the checkpoint stays: the next scan resumes there
            reason = exc.reason if isinstance(exc, SourceError) else \
                f"read failed ({type(exc).__name__})"
            result.problems.append(Problem(table.location, reason, "skipped"))
            return self._record(root, result, fp, scan_id), outcome
        rec = self._record(root, result, fp, scan_id)
        rec.rows_total = state["rows"]
        rec.rows_scanned = state["rows"]
        rec.rows_with_pi = state["rows_with_pi"]
        rec.minor_rows = state["minor_rows"]
        for c in rec.columns:
            non_null = state["non_null"].get(c.name, 0)
            if c.entity is not None:
                c.estimated_count = state["counts"].get(c.name, 0)
                c.match_ratio = c.estimated_count / non_null if non_null else 0.0
            elif c.free_text:
                c.entities = dict(state["free"].get(c.name, {}))
                c.estimated_count = sum(c.entities.values())
        rec.sensitive = rec.sensitive or rec.minor_rows > 0
        return rec, outcome

    def _full_pass(self, root: str, table: Table, fp: dict[str, Any], scan_id: int,
                   result: TableResult, state: dict[str, Any]) -> None:
        opts = self.options
        cutoff = _values.minor_cutoff(opts.minor_age)
        columns = [c for c in result.columns if c.entity is not None or c.free_text]
        # Resume after the last key when it could be stored (a surrogate integer, see
        # safe_key), else by skipping the rows already counted.
        after_key = state["last_key"] if table.key_column() is not None else None
        skip = state["rows"] if after_key is None else 0
        track_keys = table.key_column() is not None and (after_key is not None or not skip)
        last_save = time.monotonic()
        counts, free, non_null = state["counts"], state["free"], state["non_null"]
        self.progress("table", name=table.name, total=table.count_rows(), done=state["rows"])
        for batch in table.batches(Sampling.FULL, batch_rows=opts.batch_rows,
                                   after_key=after_key):
            data = batch.data
            if skip:
                if skip >= data.num_rows:
                    skip -= data.num_rows
                    continue
                data = data.slice(skip)
                skip = 0
            n = data.num_rows
            names = set(data.schema.names)
            pi_rows: set[int] = set()
            minor_rows: set[int] = set()
            for c in columns:
                if c.column not in names:
                    continue
                arr = _values.trimmed(data.column(c.column))
                non_null[c.column] = non_null.get(c.column, 0) + n - arr.null_count
                if c.entity is not None:
                    personal = CATALOGUE[c.entity].personal
                    if c.entity in _values.HINT_ONLY:
                        import pyarrow.compute as pc

                        rows = pc.indices_nonzero(pc.is_valid(arr)).to_pylist()
                        counts[c.column] = counts.get(c.column, 0) + len(rows)
                        if personal:
                            pi_rows.update(rows)
                        continue
                    found = _values.valid_rows(c.entity, arr)
                    counts[c.column] = counts.get(c.column, 0) + len(found)
                    if personal:
                        pi_rows.update(found)
                    if c.entity in _classify.BIRTH_ENTITIES and found:
                        rows_ = list(found)
                        births = _values.birth_dates(c.entity, [found[r] for r in rows_])
                        minor_rows.update(r for r, b in zip(rows_, births, strict=True)
                                          if b is not None and b > cutoff)
                else:
                    per = free.setdefault(c.column, {})
                    pi_rows.update(_free_text_counts(arr, per))
            state["rows"] += n
            state["rows_with_pi"] += len(pi_rows)
            state["minor_rows"] += len(minor_rows)
            if track_keys and batch.keys is not None and len(batch.keys):
                state["last_key"] = safe_key(batch.keys[len(batch.keys) - 1].as_py())
                track_keys = state["last_key"] is not None
            self._summary.rows_read += n
            self._summary.cells_read += n * data.num_columns
            if time.monotonic() - last_save >= opts.checkpoint_seconds:
                self.store.save_checkpoint(root, table.source, table.name, scan_id, fp, state)
                last_save = time.monotonic()
            self.progress("rows", name=table.name, n=n)


def _problem_rows(item: Table | Document, rec: AssetRecord) -> list[tuple[str, str, str]]:
    """The asset's problems, deduplicated (a full scan re-reads rows the sample read)."""
    rows: list[tuple[str, str, str]] = []
    for p in item.problems:
        row = (str(p.location), p.reason, p.kind)
        if row not in rows:
            rows.append(row)
    if rec.error and not any(r[1] == rec.error for r in rows):
        where = rec.source if rec.name == rec.source else f"{rec.source} ({rec.name})"
        rows.append((where, rec.error, "skipped"))
    return rows


def _merge_problems(item: Table | Document, result: TableResult) -> None:
    for p in result.problems:
        if p not in item.problems:
            item.problems.append(p)


def _free_text_counts(arr: Any, per: dict[str, int]) -> list[int]:
    """Detector over the non-null cells of ``arr``; adds findings to ``per``; rows with PI."""
    import pyarrow.compute as pc

    idx = pc.indices_nonzero(pc.is_valid(arr))
    if not len(idx):
        return []
    texts = pc.take(arr, idx).to_pylist()
    rows = idx.to_pylist()
    hit: list[int] = []
    for row, text, fs in zip(rows, texts, _classify.detector().scan_many(texts), strict=True):
        personal = [f for f in fs if _classify.counts_in_text(f, text)]
        if personal:
            hit.append(row)
            for f in personal:
                per[f.entity] = per.get(f.entity, 0) + 1
    return hit


def _column_record(position: int, c: ColumnResult) -> ColumnRecord:
    rec = ColumnRecord(
        name=c.column, position=position, type=c.type, comment=c.comment, entity=c.entity,
        confidence=round(c.confidence, 4), match_ratio=round(c.match_ratio, 4),
        free_text=c.free_text and bool(c.entities), entities=dict(c.entities),
        sensitive=c.sensitive if c.is_pi else False, evidence=list(c.evidence),
        hinted=c.hinted, example=c.example)
    if c.entity is not None:
        e = CATALOGUE[c.entity]
        rec.category = e.category
        rec.sensitive_basis = e.sensitive_basis
    elif rec.free_text:
        cats = sorted({CATALOGUE[e].category for e in c.entities if e in CATALOGUE})
        rec.category = "; ".join(cats) or None
        bases = sorted({CATALOGUE[e].sensitive_basis for e in c.entities
                        if e in CATALOGUE and CATALOGUE[e].sensitive})
        rec.sensitive_basis = "; ".join(bases) or None
    return rec


def _scale_sample(rec: AssetRecord, result: TableResult) -> None:
    """Estimates for the whole table from the sample's counts."""
    sampled = result.rows_sampled
    total = result.rows_total if result.rows_total is not None else sampled
    rec.rows_total = total
    scale = total / sampled if sampled else 0.0
    for c, r in zip(rec.columns, result.columns, strict=True):
        if r.entity is not None:
            c.estimated_count = round(r.valid * scale)
        elif c.free_text and r.values_checked:
            # r.values_checked values went through the detector out of r.non_null present
            per_value = (r.non_null / r.values_checked) * scale
            c.entities = {e: round(n * per_value) for e, n in r.entities.items()}
            c.estimated_count = sum(c.entities.values())
    rec.rows_with_pi = round(result.sample_rows_with_pi * scale)
    rec.minor_rows = round(result.sample_minor_rows * scale)
    rec.sensitive = rec.sensitive or rec.minor_rows > 0


def _result_to_state(result: TableResult) -> dict[str, Any]:
    return {"source": result.source, "table": result.table, "kind": result.kind,
            "rows_sampled": result.rows_sampled, "rows_total": result.rows_total,
            "comment": result.comment,
            "columns": [dataclasses.asdict(c) for c in result.columns]}


def _result_from_state(state: dict[str, Any]) -> TableResult:
    return TableResult(state["source"], state["table"], kind=state["kind"],
                       rows_sampled=state["rows_sampled"], rows_total=state["rows_total"],
                       comment=state["comment"],
                       columns=[ColumnResult(**c) for c in state["columns"]])


def scan(specs: list[str], *, store: Store | str | None = None,
         options: ScanOptions | None = None, progress: Progress | None = None) -> ScanSummary:
    """Run an inventory scan of ``specs`` into ``store`` (a Store, URL or path)."""
    own = not isinstance(store, Store)
    st = store if isinstance(store, Store) else Store(store)
    try:
        return Scanner(st, options, progress).run(specs)
    finally:
        if own:
            st.close()


__all__ = ["ScanOptions", "ScanSummary", "Scanner", "root_name", "scan"]
