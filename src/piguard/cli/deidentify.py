"""``piguard deidentify SOURCE --to TARGET``: a de-identified copy of a table, file or database.

A thin shell over :func:`piguard.tables.deidentify.deidentify`: the summary (what each
column became, constraints, verification) goes to stdout, progress and problems to stderr.
Exit codes: 0 done; 1 the verification found PI left in the copy and ``--strict`` was given;
2 usage or input error, or a table could not be copied (the others are); 130 interrupted
(finished tables are kept: run the same command again to resume).
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

_POLICY_HELP = ("Policy: a TOML/YAML file (entities and columns sections), or a preset "
                "(pseudonymize, encrypt, replace, default). Default: pseudonymize.")
_KEYRING_HELP = "Key file (JSON, mode 600). Default: $PIGUARD_KEYRING, else $PIGUARD_KEY."


def _err(message: str) -> None:
    from rich.console import Console

    Console(stderr=True, highlight=False, soft_wrap=True).print(message, markup=False)


@app.command()
def deidentify(
    source: Annotated[str, typer.Argument(
        help="File (csv, tsv, jsonl, parquet, xlsx), folder, SQLite file or SQLAlchemy URL.")],
    to: Annotated[str, typer.Option(
        "--to", help="Target: a file, a folder, an SQLite file (.db) or a SQLAlchemy URL.")],
    policy: Annotated[str | None, typer.Option("--policy", "-p", help=_POLICY_HELP)] = None,
    keyring: Annotated[Path | None, typer.Option("--keyring", "-k", help=_KEYRING_HELP)] = None,
    tables: Annotated[str | None, typer.Option(
        "--tables", help="Only these tables or sheets (comma-separated; * and ? patterns).")] = None,
    schema: Annotated[list[str] | None, typer.Option(
        "--schema", help="Source database schema (repeatable; default: the default schema).")] = None,
    to_schema: Annotated[str | None, typer.Option(
        "--to-schema", help="PostgreSQL target schema (created if missing).")] = None,
    to_format: Annotated[str, typer.Option(
        "--to-format", help="Database → folder: csv, jsonl, parquet or xlsx.")] = "csv",
    strict: Annotated[bool, typer.Option(
        "--strict", help="Exit 1 if the verification finds PI left in the copy.")] = False,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Classify and print the plan; write nothing.")] = False,
    verify: Annotated[bool, typer.Option(
        "--verify/--no-verify", help="Scan a sample of the copy afterwards.")] = True,
    verify_rows: Annotated[int, typer.Option(
        "--verify-rows", min=1, help="Rows per table the verification reads.")] = 1000,
    sample: Annotated[int, typer.Option(
        "--sample", min=1, help="Rows sampled per table to classify its columns.")] = 1000,
    sampling: Annotated[str, typer.Option(
        "--sampling", help="random (spread over the table) or first (in key order).")] = "random",
    batch_rows: Annotated[int, typer.Option(
        "--batch-rows", min=100, help="Rows per batch (memory is bounded by this).")] = 20_000,
    restart: Annotated[bool, typer.Option(
        "--restart", help="Ignore a saved unfinished job and copy everything again.")] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stdout.")] = False,
) -> None:
    """Copy a table, file or database de-identified: joins still join, formats validate."""
    from piguard.deid.keys import Keyring, KeyringError
    from piguard.deid.policy import Policy, PolicyError
    from piguard.tables.deidentify import (
        DeidentifyError,
        DeidentifyInterrupted,
        DeidentifyOptions,
    )
    from piguard.tables.deidentify import deidentify as run

    if fmt not in ("table", "json"):
        _err(f"error: --format must be table or json, not {fmt!r}")
        raise typer.Exit(2)
    try:
        pol = Policy.resolve(policy if policy is not None else "pseudonymize")
        ring = Keyring.resolve(keyring)
        options = DeidentifyOptions(
            tables=[t.strip() for t in tables.split(",") if t.strip()] if tables else None,
            schemas=schema, target_schema=to_schema, file_format=to_format,
            batch_rows=batch_rows, sample_rows=sample, sampling=sampling, verify=verify,
            verify_rows=verify_rows,
            restart=restart, dry_run=dry_run)
    except (PolicyError, KeyringError, DeidentifyError) as exc:
        _err(f"error: {exc}")
        raise typer.Exit(2) from None
    try:
        with _Progress() as progress:
            summary = run(source, to, policy=pol, keyring=ring, options=options,
                          progress=progress)
    except DeidentifyInterrupted as exc:
        _print(exc.summary, fmt, quiet)
        _err("interrupted: finished tables are kept; run the same command again to resume.")
        raise typer.Exit(130) from None
    except DeidentifyError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(2) from None
    _print(summary, fmt, quiet)
    for p in summary.problems:
        _err(f"skipped: {p}")
    for t in summary.tables:
        for p in t.problems:
            _err(f"{'failed' if t.status == 'failed' else 'problem'}: {p}")
    if summary.failed:
        raise typer.Exit(2)
    ver = summary.verification
    if strict and ver is not None and not ver.ok:
        raise typer.Exit(1)


def _print(summary: Any, fmt: str, quiet: bool) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n")
    elif not quiet:
        _print_table(summary)


def _print_table(summary: Any) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=160)
    key = f", key {summary.key_id}" if summary.key_id else ""
    console.print(f"{summary.source} → {summary.target} (policy {summary.policy}{key})",
                  markup=False)
    for t in summary.tables:
        rows = f"{t.rows_written:,} rows" if t.status in ("copied", "resumed") else \
            (f"{t.rows_total:,} rows" if t.rows_total is not None else "")
        when = f", {t.seconds:.1f} s" if t.status == "copied" else ""
        where = f" → {t.target}" if t.target and t.target != t.table else ""
        title = f"{t.table}{where}: {t.status}, {rows}{when}".replace(", ,", ",").rstrip(", ")
        grid = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                     title_style="bold")
        for name, kw in (("column", {}), ("treatment", {}), ("by", {}), ("key", {}),
                         ("changed", {"justify": "right"}), ("notes", {})):
            grid.add_column(name, **kw)
        for c in t.columns:
            changed = ""
            if c.action in ("transform", "redact") and c.stats.values:
                changed = f"{c.stats.changed:,}/{c.stats.values:,}"
            notes = list(c.notes)
            if c.stats.fallback:
                notes.append(f"{c.stats.fallback:,} values became tags")
            if c.stats.model_failures:
                notes.append(f"name/address model failed on {c.stats.model_failures:,} cells "
                             "(scanned without it)")
            if c.stats.cells_failed_verification:
                notes.append(f"{c.stats.cells_failed_verification:,} cells replaced whole "
                             "(re-scan found PI)")
            by = "" if c.action == "copy" and c.by == "classifier" else c.by
            grid.add_row(c.column, c.describe(), by, ", ".join(c.key), changed,
                         "; ".join(notes), style=None if c.action != "copy" else "dim")
        console.print(grid)
        extra = []
        if t.constraints:
            extra.append("recreated: " + ", ".join(t.constraints))
        extra += t.notes
        for line in extra:
            console.print(f"  {line}", markup=False)
    if summary.foreign_keys:
        console.print("foreign keys:", markup=False)
        for fk in summary.foreign_keys:
            console.print(f"  {fk['table']} ({', '.join(fk['columns'])}) → {fk['references']}: "
                          f"{fk['status']}", markup=False)
    ver = summary.verification
    if ver is not None:
        if ver.ok:
            line = (f"verification: {ver.rows_checked:,} rows in {ver.tables} table(s) checked; "
                    "no original value and no PI left")
        else:
            parts = [f"{x['table']}.{x['column']} ({x['values']} values)" for x in ver.leaks]
            line = "verification: ORIGINAL VALUES FOUND in " + ", ".join(parts) if parts else ""
            rest = [f"{x['table']}.{x['column']} ({x.get('entity') or ', '.join(x['entities'])}"
                    f", {x['values']})" for x in ver.remaining]
            if rest:
                line = (line + "; " if line else "verification: ") + "PI LEFT in " + ", ".join(rest)
        console.print(line, markup=False)
        if ver.kept:
            console.print("kept by the policy: " + ", ".join(
                f"{x['table']}.{x['column']}" + (f" ({x['entity']})" if x.get("entity") else "")
                for x in ver.kept), markup=False)
        for x in ver.not_checked:
            console.print(f"not verified: {x['table']}: {x['reason']}", markup=False)
    for note in summary.notes:
        console.print(f"note: {note}", markup=False)
    copied = [t for t in summary.tables if t.status == "copied"]
    if summary.status == "planned":
        console.print(f"dry run: {len(summary.tables)} table(s) planned; nothing written",
                      markup=False)
    else:
        rate = f" (copy phase {summary.rows / summary.copy_seconds:,.0f} rows/s)" \
            if summary.copy_seconds and summary.rows else ""
        resumed = sum(1 for t in summary.tables if t.status == "resumed")
        failed = len(summary.failed)
        console.print(f"{summary.status}: {len(copied)} table(s) copied"
                      + (f", {resumed} resumed" if resumed else "")
                      + (f", {failed} FAILED" if failed else "")
                      + f", {summary.rows:,} rows in {summary.seconds:.1f} s{rate}", markup=False)


class _Progress(ProgressBars):
    """Progress of a copy job (events from the job's callback)."""

    def __call__(self, event: str, **info: Any) -> None:
        name = str(info.get("table", ""))
        short = cut(name)
        if event == "plan":
            self._status(f"classifying {short}")
        elif event == "table":
            self._tasks[name] = self._bar.add_task(f"copying {short}", total=info.get("total"))
        elif event == "rows" and name in self._tasks:
            self._bar.advance(self._tasks[name], info.get("n", 0))
        elif event == "verify":
            self._status(f"verifying {short}")

    def _status(self, text: str) -> None:
        task = self._tasks.get("")
        if task is None:
            self._tasks[""] = self._bar.add_task(text, total=None)
        else:
            self._bar.update(task, description=text)
