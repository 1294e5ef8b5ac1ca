"""``piguard classify``, ``piguard inventory``, ``piguard report``: discover stored PI.

- ``classify SOURCE``: classify the columns of a file, a folder or a database (one entity
  per column, or free text with per-entity counts); ``--format json`` gives the JSON shape
  of ARCHITECTURE.md.
- ``inventory SOURCE...``: scan sources into an inventory store (SQLite file by default,
  PostgreSQL by URL); re-runs skip what has not changed and resume interrupted scans.
- ``report -o DIR``: JSON + self-contained HTML report from the store.

Results go to stdout, progress bars and problems to stderr; values appear only masked.
Exit codes: 0 done, 2 usage or input error (nothing could be read), 130 interrupted.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from piguard.cli.app import app
from piguard.cli.progress import ProgressBars
from piguard.cli.progress import short as cut

SourceArg = Annotated[str, typer.Argument(help="File, folder, SQLite file or SQLAlchemy URL.")]
FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table or json.")]
SchemaOpt = Annotated[list[str] | None, typer.Option(
    "--schema", help="Database schema to scan (repeatable; default: the default schema).")]
IncludeOpt = Annotated[list[str] | None, typer.Option(
    "--include", help="Only tables matching this pattern (fnmatch; repeatable).")]
ExcludeOpt = Annotated[list[str] | None, typer.Option(
    "--exclude", help="Skip tables matching this pattern (fnmatch; repeatable).")]
SampleOpt = Annotated[int, typer.Option("--sample", min=1, help="Rows sampled per table.")]
SamplingOpt = Annotated[str, typer.Option(
    "--sampling", help="first, random or full (every row).")]
MinorAgeOpt = Annotated[int, typer.Option(
    "--minor-age", min=1, max=30, help="Records of people younger than this are minors' "
                                       "(PIPL: 14; GB/T 35273 counts 14 itself: use 15).")]
StoreOpt = Annotated[str | None, typer.Option(
    "--store", help="Inventory store: SQLAlchemy URL or SQLite path "
                    "[default: ./piguard-inventory.db].")]


def _err(msg: str) -> None:
    from rich.console import Console

    Console(stderr=True, highlight=False, soft_wrap=True).print(msg, markup=False)


def _check_format(fmt: str) -> None:
    if fmt not in ("table", "json"):
        _err(f"error: --format must be table or json, not {fmt!r}")
        raise typer.Exit(2)


def _sampling(value: str) -> Any:
    from piguard.sources import Sampling

    try:
        return Sampling(value)
    except ValueError:
        _err(f"error: --sampling must be first, random or full, not {value!r}")
        raise typer.Exit(2) from None


def _progress_console() -> Any:
    from rich.console import Console

    return Console(stderr=True)


# --------------------------------------------------------------------------- classify


@app.command()
def classify(
    source: SourceArg,
    fmt: FormatOpt = "table",
    sample: SampleOpt = 1000,
    sampling: SamplingOpt = "random",
    schema: SchemaOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    minor_age: MinorAgeOpt = 14,
) -> None:
    """Classify the columns of a table, file, folder or database (one entity per column)."""
    from piguard.sources import Document, Problem, display_name, iter_source
    from piguard.tables import Options, classify_document, classify_table

    _check_format(fmt)
    options = Options(sample_rows=sample, sampling=_sampling(sampling), minor_age=minor_age)
    results = []
    problems: list[Problem] = []
    console = _progress_console()
    with console.status("classifying…", spinner="dots") if console.is_terminal else _null():
        for item in iter_source(source, schemas=schema, include=include, exclude=exclude):
            if isinstance(item, Problem):
                problems.append(item)
                continue
            try:
                if isinstance(item, Document):
                    max_chars = None if options.sampling.value == "full" else \
                        options.document_chars
                    res = classify_document(item, options, max_chars=max_chars)
                else:
                    res = classify_table(item, options)
            finally:
                item.close()
            problems.extend(p for p in res.problems if p not in problems)
            if res.columns or not any(p.kind == "skipped" for p in res.problems):
                results.append(res)
    if fmt == "json":
        out = {"source": display_name(source),
               "tables": [r.to_dict() for r in results],
               "problems": [{"location": str(p.location), "reason": p.reason, "kind": p.kind}
                            for p in problems]}
        for t in out["tables"]:
            t.pop("problems", None)
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    else:
        _print_classification(results)
    for p in problems:
        _err(f"{p.kind}: {p}")
    if not results:
        raise typer.Exit(2)


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: object) -> None:
        return None


def _print_classification(results: list[Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    if not console.is_terminal:  # pipes and files: no truncation at 80 columns
        console = Console(highlight=False, width=200)
    for r in results:
        title = r.table if r.table == r.source else f"{r.source} › {r.table}"
        rows = f"{r.rows_sampled:,} of {r.rows_total:,}" if r.rows_total is not None \
            else f"{r.rows_sampled:,}"
        caption = f"{'units' if r.kind == 'document' else 'rows'} sampled: {rows}"
        if r.sample_minor_rows:
            caption += f" · minors in sample: {r.sample_minor_rows}"
        t = Table(title=title, caption=caption, title_justify="left", caption_justify="left")
        for name, kw in (("column", {}), ("entity", {}), ("conf", {"justify": "right"}),
                         ("match", {"justify": "right"}), ("sensitive", {}), ("example", {}),
                         ("evidence", {})):
            t.add_column(name, **kw)
        for c in r.columns:
            if c.free_text and c.entities:
                entity = "free text: " + ", ".join(f"{e} {n}" for e, n in c.entities.items())
                conf = match = ""
            elif c.entity:
                entity, conf, match = c.entity, f"{c.confidence:.2f}", f"{c.match_ratio:.0%}"
            else:
                entity = f"({c.hinted}?)" if c.hinted else "-"
                conf = match = ""
            t.add_row(c.column, entity, conf, match,
                      "yes" if c.is_pi and c.sensitive else "", c.example or "",
                      ", ".join(c.evidence), style=None if c.is_pi else "dim")
        console.print(t)


# --------------------------------------------------------------------------- inventory


@app.command()
def inventory(
    sources: Annotated[list[str], typer.Argument(help="Files, folders, SQLite files or URLs.")],
    store: StoreOpt = None,
    mode: Annotated[str, typer.Option(
        "--mode", help="sample (estimate from a sample) or full (count every row).")] = "sample",
    sample: SampleOpt = 1000,
    sampling: SamplingOpt = "random",
    schema: SchemaOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    minor_age: MinorAgeOpt = 14,
    force: Annotated[bool, typer.Option(
        "--force", help="Rescan everything, even unchanged tables and files.")] = False,
    fmt: FormatOpt = "table",
) -> None:
    """Scan sources into the PI inventory store (incremental and resumable)."""
    from piguard.inventory import Scanner, ScanOptions, Store

    _check_format(fmt)
    if mode not in ("sample", "full"):
        _err(f"error: --mode must be sample or full, not {mode!r}")
        raise typer.Exit(2)
    options = ScanOptions(mode=mode, sample_rows=sample, sampling=_sampling(sampling),
                          schemas=schema, include=include, exclude=exclude,
                          minor_age=minor_age, force=force)
    try:
        st = Store(store)
    except Exception as exc:
        _err(f"error: cannot open the inventory store ({type(exc).__name__})")
        raise typer.Exit(2) from None
    try:
        with _Progress() as progress:
            summary = Scanner(st, options, progress).run(list(sources))
    except KeyboardInterrupt:
        _err("interrupted: finished tables are saved; run the same command again to resume.")
        raise typer.Exit(130) from None
    finally:
        st.close()
    if fmt == "json":
        sys.stdout.write(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        _print_summary(summary, st.url)
    for loc, reason, kind in summary.problems:
        _err(f"{kind}: {loc}: {reason}")
    if summary.scanned + summary.unchanged == 0:
        raise typer.Exit(2)


def _print_summary(summary: Any, url: str) -> None:
    skipped = sum(1 for p in summary.problems if p[2] == "skipped")
    errors = len(summary.problems) - skipped
    cells = f" ({summary.cells_read / summary.seconds:,.0f} cells/s)" \
        if summary.mode == "full" and summary.seconds and summary.cells_read else ""
    lines = [
        f"scan #{summary.scan_id} ({summary.mode}) {summary.status} in {summary.seconds:.1f} s",
        f"  tables and documents: {summary.scanned} scanned"
        + (f" ({summary.resumed} resumed)" if summary.resumed else "")
        + f", {summary.unchanged} unchanged, {summary.failed} failed",
        f"  with PI: {summary.assets_with_pi}",
        f"  rows read: {summary.rows_read:,}{cells}",
        f"  not scanned: {skipped} skipped, {errors} partial errors (details on stderr)",
        f"  store: {url}",
    ]
    sys.stdout.write("\n".join(lines) + "\n")


class _Progress(ProgressBars):
    """Progress of an inventory scan (events from the Scanner's callback)."""

    def __init__(self) -> None:
        super().__init__()
        self._assets = self._bar.add_task("tables and documents", total=None)

    def __call__(self, event: str, **info: Any) -> None:
        name = str(info.get("name", ""))
        short = cut(name)
        if event == "asset":
            self._bar.update(self._assets, advance=1 if info.get("outcome") else 0,
                             description=f"{info.get('outcome', '')} {short}")
        elif event == "table":
            self._tasks[name] = self._bar.add_task(f"  rows of {short}", total=info.get("total"),
                                                   completed=info.get("done", 0))
        elif event == "rows" and name in self._tasks:
            self._bar.advance(self._tasks[name], info.get("n", 0))


# --------------------------------------------------------------------------- report


@app.command()
def report(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the report.")],
    store: StoreOpt = None,
) -> None:
    """Write the inventory report: report.json and a self-contained index.html."""
    from piguard.inventory import Store, store_url
    from piguard.report import write_report

    url = store_url(store)
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        _err(f"error: no inventory store at {url[len('sqlite:///'):]}; "
             "run `piguard inventory SOURCE...` first")
        raise typer.Exit(2)
    try:
        st = Store(url)
    except Exception as exc:
        _err(f"error: cannot open the inventory store ({type(exc).__name__})")
        raise typer.Exit(2) from None
    try:
        json_path, html_path = write_report(st, output)
    finally:
        st.close()
    sys.stdout.write(f"{html_path}\n{json_path}\n")
