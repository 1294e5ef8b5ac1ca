"""``piguard scan``: find PI in text, files, folders or stdin.

Results on stdout (``table``, ``json``, ``jsonl``, ``sarif``), progress and problems on
stderr. Only masked previews of values are ever printed. Exit 0 when nothing was found,
1 when PI was found, 2 on a usage error or when no input could be read.
"""

from __future__ import annotations

import codecs
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, BinaryIO

import typer

from piguard.cli.app import app

BINARY_SNIFF = 8192
CHUNK_BYTES = 4 << 20
CHUNK_CHARS = 4 << 20
MAX_LINE_CHARS = 64 << 20


@dataclass
class FileResult:
    path: str
    findings: list = field(default_factory=list)  # (line, col, Finding, preview)


@dataclass
class Summary:
    files: int = 0
    chars: int = 0
    binaries: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    decode_fallbacks: list[str] = field(default_factory=list)


def _iter_files(paths: list[str], summary: Summary) -> Iterator[Path | None]:
    for p in paths:
        if p == "-":
            yield None
            continue
        path = Path(p)
        if path.is_dir():
            for root, dirs, files in os.walk(path, onerror=lambda e: summary.skipped.append(
                    (str(e.filename), f"cannot list folder: {e.strerror}"))):
                dirs.sort()
                for name in sorted(files):
                    yield Path(root) / name
        elif path.exists() or path.is_symlink():
            yield path
        else:
            summary.skipped.append((p, "no such file or folder"))


def _open(path: Path, summary: Summary) -> BinaryIO | None:
    """The file opened for reading, or None (reason recorded) when it cannot be scanned."""
    try:
        if not path.is_file():
            summary.skipped.append((str(path), "not a regular file"))
            return None
        return open(path, "rb")  # closed by the caller
    except OSError as exc:
        summary.skipped.append((str(path), f"unreadable: {exc.strerror or type(exc).__name__}"))
        return None


def _pieces(fh: BinaryIO, where: str, summary: Summary) -> Iterator[str] | None:
    """The stream's text in pieces that end at line ends (bounded memory on huge files).

    Encoding: as for tables (:func:`piguard.sources.files.detect_encoding`: BOMs, UTF-8,
    GB18030, then charset detection); undecodable bytes are replaced and the place reported.
    Returns None for a binary file (NUL byte in the first block).
    """
    try:
        first = fh.read(CHUNK_BYTES)
    except OSError as exc:
        summary.skipped.append((where, f"unreadable: {exc.strerror or type(exc).__name__}"))
        return None
    if b"\x00" in first[:BINARY_SNIFF]:
        summary.binaries += 1
        return None
    from piguard.sources.files import detect_encoding

    codec, bom = detect_encoding(first)
    first = first[bom:]
    if codec != "utf-8":
        summary.decode_fallbacks.append(f"{where}: decoded as {codec.upper()}")
    return _decode_stream(fh, first, codec, where, summary)


def _decode_stream(fh: BinaryIO, first: bytes, codec: str, where: str,
                   summary: Summary) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(codec)("strict")
    consumed = 0
    buf = ""
    block = first
    while True:
        final = not block
        try:
            buf += decoder.decode(block, final=final)
        except UnicodeDecodeError as exc:
            summary.decode_fallbacks.append(
                f"{where}: invalid {codec.upper()} near byte {consumed + exc.start:,}; "
                "undecodable bytes replaced")
            decoder = codecs.getincrementaldecoder(codec)("replace")
            buf += decoder.decode(block, final=final)
        consumed += len(block)
        if final:
            if buf:
                yield buf
            return
        if len(buf) >= CHUNK_CHARS:
            cut = buf.rfind("\n") + 1
            if cut == 0 and len(buf) >= MAX_LINE_CHARS:
                cut = len(buf)  # one enormous line: cut it (a value across the cut may be missed)
                summary.decode_fallbacks.append(f"{where}: a line longer than {MAX_LINE_CHARS:,} "
                                                "characters was scanned in pieces")
            if cut:
                yield buf[:cut]
                buf = buf[cut:]
        try:
            block = fh.read(CHUNK_BYTES)
        except OSError as exc:
            summary.skipped.append((where, f"read error after {consumed:,} bytes: "
                                           f"{exc.strerror or type(exc).__name__}"))
            block = b""


def _line_col(text: str, offset: int, line_starts: list[int]) -> tuple[int, int]:
    import bisect

    i = bisect.bisect_right(line_starts, offset) - 1
    return i + 1, offset - line_starts[i] + 1


def _line_starts(text: str) -> list[int]:
    starts = [0]
    pos = text.find("\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


def _sarif(results: list[FileResult]) -> dict:
    from piguard import __version__
    from piguard.entities import CATALOGUE

    rules = sorted({f.entity for r in results for _, _, f, _ in r.findings})
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "piguard", "version": __version__,
                "rules": [{"id": e, "shortDescription": {"text": CATALOGUE[e].description},
                           "properties": {"sensitive": CATALOGUE[e].sensitive,
                                          "category": CATALOGUE[e].category}} for e in rules],
            }},
            "results": [{
                "ruleId": f.entity,
                "level": "error" if CATALOGUE[f.entity].sensitive else "warning",
                "message": {"text": f"{f.entity}: {preview}"},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": r.path},
                    "region": {"startLine": line, "startColumn": col,
                               "charOffset": f.start, "charLength": f.end - f.start},
                }}],
                "properties": {"score": f.score, "evidence": list(f.evidence)},
            } for r in results for line, col, f, preview in r.findings],
        }],
    }


@app.command()
def scan(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (recursive) or - for stdin.")],
    format: Annotated[str, typer.Option("--format", "-f",
                                        help="table | json | jsonl | sarif")] = "table",
    entities: Annotated[str | None, typer.Option(
        "--entities", "-e", help="Comma-separated entity names to look for (default: all).")] = None,
    min_score: Annotated[float | None, typer.Option(help="Drop findings scored below this.")] = None,
    engine: Annotated[str | None, typer.Option(help="Candidate engine: hyperscan | re.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary on stderr.")] = False,
) -> None:
    """Find PI in text, files and folders. Exit 1 when anything is found."""
    from rich.console import Console

    from piguard.detect.detector import Detector
    from piguard.detect.finding import Finding
    from piguard.detect.preview import mask_value

    err = Console(stderr=True)
    if format not in ("table", "json", "jsonl", "sarif"):
        err.print(f"[red]error:[/] unknown --format {format!r} (table, json, jsonl, sarif)")
        raise typer.Exit(2)
    wanted = [e.strip() for e in entities.split(",") if e.strip()] if entities else None
    try:
        detector = Detector(wanted, engine=engine, **({} if min_score is None else {"min_score": min_score}))
    except (ValueError, RuntimeError) as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None

    summary = Summary()
    results: list[FileResult] = []
    counts: Counter[str] = Counter()
    show_progress = not quiet and err.is_terminal
    files = list(_iter_files(paths, summary))
    progress = None
    if show_progress and len(files) > 1:
        from rich.progress import Progress

        progress = Progress(console=err, transient=True)
        task = progress.add_task("scanning", total=len(files))
        progress.start()
    try:
        for path in files:
            if path is None:
                where, fh = "-", sys.stdin.buffer
            else:
                where, fh = str(path), _open(path, summary)
            if progress is not None:
                progress.advance(task)
            if fh is None:
                continue
            try:
                pieces = _pieces(fh, where, summary)
                if pieces is None:
                    continue
                summary.files += 1
                fr = FileResult(where)
                line_base = 0
                char_base = 0
                for text in pieces:
                    summary.chars += len(text)
                    found = detector.scan(text)
                    if found:
                        starts = _line_starts(text)
                        for f in found:
                            line, col = _line_col(text, f.start, starts)
                            shifted = Finding(f.entity, f.start + char_base, f.end + char_base,
                                              f.score, f.evidence)
                            fr.findings.append((line + line_base, col, shifted,
                                                mask_value(f.entity, text[f.start:f.end])))
                            counts[f.entity] += 1
                    line_base += text.count("\n")
                    char_base += len(text)
            finally:
                if fh is not sys.stdin.buffer:
                    fh.close()
            if not fr.findings:
                continue
            results.append(fr)
            if format == "jsonl":
                for line, col, f, preview in fr.findings:
                    sys.stdout.write(json.dumps({"path": where, "line": line, "column": col,
                                                 **f.to_dict(), "preview": preview},
                                                ensure_ascii=False) + "\n")
    finally:
        if progress is not None:
            progress.stop()

    if format == "table":
        _print_table(results)
    elif format == "json":
        doc = {"files_scanned": summary.files, "characters": summary.chars,
               "findings": [{"path": r.path, "line": line, "column": col, **f.to_dict(), "preview": p}
                            for r in results for line, col, f, p in r.findings],
               "counts": dict(counts),
               "skipped": [{"path": p, "reason": why} for p, why in summary.skipped],
               "binary_files_skipped": summary.binaries}
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    elif format == "sarif":
        sys.stdout.write(json.dumps(_sarif(results), ensure_ascii=False, indent=2) + "\n")

    if not quiet:
        total = sum(counts.values())
        parts = ", ".join(f"{e} {n}" for e, n in counts.most_common())
        err.print(f"scanned {summary.files} file(s), {summary.chars:,} characters: "
                  f"{total} finding(s){' (' + parts + ')' if parts else ''}")
        if summary.binaries:
            err.print(f"skipped {summary.binaries} binary file(s)")
        for p, why in summary.skipped:
            err.print(f"[yellow]skipped[/] {p}: {why}")
        for note in summary.decode_fallbacks:
            err.print(f"[yellow]note[/] {note}")
    if summary.files == 0 and summary.skipped:
        raise typer.Exit(2)
    raise typer.Exit(1 if counts else 0)


def _print_table(results: list[FileResult]) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Console()
    if not results:
        return
    table = Table(show_header=True, header_style="bold")
    for col in ("location", "entity", "preview", "score"):
        table.add_column(col, overflow="fold")
    for r in results:
        for line, col, f, preview in r.findings:
            table.add_row(f"{r.path}:{line}:{col}", f.entity, preview, f"{f.score:.2f}")
    out.print(table)
