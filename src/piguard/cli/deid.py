"""``piguard redact``, ``piguard reidentify`` and ``piguard keys``: thin shells over piguard.deid.

``redact PATH|-``: stdin → stdout, a file → ``-o OUT`` (or stdout), a folder → ``-o OUTDIR``
mirroring the folder's structure. The input is never written over (an output that is, or
lies inside, the input is refused), every output is written atomically (temporary file in
the target folder, then rename), progress goes to stderr. A file that cannot be redacted
(unreadable, not a regular file, not UTF-8, binary, failed verification) is reported by path
and written nowhere; the rest finish. Exit codes: 0 all done; 2 usage error, or anything
skipped (listed at the end, so a pipeline notices an input that was not de-identified).

``--items FILE`` writes the redaction items as JSON lines (entity, offsets, operator, key id;
never values): the side-car ``reidentify --items`` needs to restore FPE values.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer

from piguard.atomic import atomic_write_text
from piguard.cli.app import app

MAX_FILE_BYTES = 512 * 1024 * 1024
_KEYRING_HELP = "Key file (JSON, mode 600). Default: $PIGUARD_KEYRING, else $PIGUARD_KEY."
_POLICY_HELP = ("Policy: a TOML/YAML file, or a preset (default, replace, pseudonymize, "
                "encrypt). Default: mask for display, no key needed.")


@dataclass
class _Run:
    files: int = 0
    values: Counter[str] = field(default_factory=Counter)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _err() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _fail(message: str) -> typer.Exit:
    from rich.markup import escape

    _err().print(f"[red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(2)


def _read(path: Path) -> tuple[str | None, str, bool]:
    """``(text, reason, had_bom)``: the UTF-8 text, or None and why it cannot be used."""
    try:
        if path.is_symlink() and not path.exists():
            return None, "unreadable: broken symbolic link", False
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            return None, "not a regular file", False
        if st.st_size > MAX_FILE_BYTES:
            return None, f"larger than {MAX_FILE_BYTES // 2**20} MiB", False
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        return None, f"unreadable: {exc.strerror or type(exc).__name__}", False
    bom = raw.startswith(b"\xef\xbb\xbf")
    if bom:
        raw = raw[3:]
    if b"\x00" in raw[:8192]:
        return None, "binary file (not text)", bom
    try:
        return raw.decode("utf-8"), "", bom
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 (invalid byte at offset {exc.start})", bom


def _write_atomic(target: Path, text: str, *, bom: bool = False, mode: int = 0o644) -> None:
    atomic_write_text(target, text, bom=bom, mode=mode)


def _each_file(src: Path, output: Path, run: _Run, err: Any, label: str,
               fn: Callable[[str, Path, Path], str | None]) -> None:
    """Mirror the folder ``src`` into ``output``: ``fn(text, path, relative path)`` gives each
    file's new text (None: skipped, recorded by ``fn``); unreadable files are recorded here."""
    files = list(_walk(src, run))
    progress, task = _progress(err, len(files), label)
    try:
        for f in files:
            rel = f.relative_to(src)
            text, why, bom = _read(f)
            if text is None:
                run.skipped.append((str(f), why))
            else:
                out = fn(text, f, rel)
                if out is not None:
                    _write_atomic(output / rel, out, bom=bom, mode=stat.S_IMODE(f.stat().st_mode))
            if progress is not None:
                progress.advance(task)
    finally:
        if progress is not None:
            progress.stop()


def _walk(root: Path, run: _Run) -> Iterator[Path]:
    def onerror(exc: OSError) -> None:
        run.skipped.append((str(exc.filename), f"cannot list folder: {exc.strerror}"))

    for folder, dirs, files in os.walk(root, onerror=onerror):
        dirs.sort()
        for name in sorted(files):
            yield Path(folder) / name


def _inside(a: Path, b: Path) -> bool:
    """Whether ``a`` is ``b`` or lies inside it (resolved paths)."""
    try:
        a.resolve().relative_to(b.resolve())
    except ValueError:
        return False
    return True


def _load(policy: str | None, keyring: Path | None) -> tuple[Any, Any]:
    from piguard.deid.keys import Keyring, KeyringError
    from piguard.deid.policy import Policy, PolicyError

    try:
        pol = Policy.resolve(policy)
        ring = Keyring.resolve(keyring)
    except (PolicyError, KeyringError) as exc:
        raise _fail(str(exc)) from None
    return pol, ring


def _progress(err: Any, total: int, label: str) -> tuple[Any, Any]:
    if not err.is_terminal or total < 2:
        return None, None
    from rich.progress import Progress

    progress = Progress(console=err, transient=True)
    task = progress.add_task(label, total=total)
    progress.start()
    return progress, task


def _summary(err: Any, run: _Run, verb: str, unit: str) -> None:
    from rich.markup import escape

    detail = ", ".join(f"{e} {n}" for e, n in run.values.most_common())
    total = sum(run.values.values())
    err.print(f"{verb} {run.files} file(s), {total} {unit}" + (f" ({detail})" if detail else ""),
              soft_wrap=True)
    if run.skipped:
        err.print(f"[yellow]skipped {len(run.skipped)} file(s):[/]")
        for path, why in run.skipped:
            err.print(f"  {escape(path)}: {escape(why)}", soft_wrap=True)


# -- redact -----------------------------------------------------------------------------------
@app.command()
def redact(
    path: Annotated[str, typer.Argument(help="A file, a folder, or - for stdin.")],
    policy: Annotated[str | None, typer.Option("--policy", "-p", help=_POLICY_HELP)] = None,
    keyring: Annotated[Path | None, typer.Option("--keyring", "-k", help=_KEYRING_HELP)] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Output file, or output folder for a folder. Default: stdout.")] = None,
    items: Annotated[Path | None, typer.Option(
        help="Write the redaction items (no values) as JSON lines: the FPE side-car.")] = None,
    verify: Annotated[bool | None, typer.Option(
        "--verify/--no-verify", help="Re-scan the output (default: as the policy says).")] = None,
    subject: Annotated[str, typer.Option(help="Subject id for date_shift offsets.")] = "",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary on stderr.")] = False,
) -> None:
    """De-identify text, a file or a folder under a policy. Exit 2 if anything was skipped."""
    from piguard.deid.keys import KeyringError
    from piguard.deid.redactor import VerificationError
    from piguard.deid.redactor import redact as do_redact

    err = _err()
    pol, ring = _load(policy, keyring)
    if pol.needs_key and ring is None:
        from piguard.deid.keys import HOW_TO_MAKE_A_KEY

        raise _fail(f"policy {pol.name!r} uses operators that need a key "
                    f"({', '.join(pol.key_users())}); {HOW_TO_MAKE_A_KEY}")
    src = None if path == "-" else Path(path)
    if src is not None and not (src.exists() or src.is_symlink()):
        raise _fail(f"{path}: no such file or folder")
    folder = src is not None and src.is_dir()
    if folder and output is None:
        raise _fail("redacting a folder needs --output OUTDIR (the input is never written over)")
    if src is not None and output is not None and (
            _inside(output, src) or (folder and _inside(src, output))
            or (not folder and output.exists() and output.resolve() == src.resolve())):
        raise _fail(f"output {output} would write over or inside the input {path}")
    if items is not None and src is not None and items.exists() and _inside(items, src):
        raise _fail(f"--items {items} would write over the input")

    run = _Run()
    item_lines: list[str] = []

    def one(text: str, where: str) -> str | None:
        try:
            result = do_redact(text, pol, keyring=ring, verify=verify, subject=subject)
        except VerificationError as exc:
            run.skipped.append((where, str(exc)))
            return None
        except (KeyringError, ValueError) as exc:
            run.skipped.append((where, f"{type(exc).__name__}: {exc}"))
            return None
        run.files += 1
        run.values.update(it.entity for it in result.items)
        if items is not None:
            for it in result.items:
                rec = it.to_dict()
                if folder:
                    rec = {"path": where, **rec}
                item_lines.append(json.dumps(rec, ensure_ascii=False))
        return result.text

    if src is None:
        text = sys.stdin.read()
        out = one(text, "<stdin>")
        if out is not None:
            if output is None:
                sys.stdout.write(out)
            else:
                _write_atomic(output, out)
    elif not folder:
        text, why, bom = _read(src)
        if text is None:
            run.skipped.append((str(src), why))
        else:
            out = one(text, str(src))
            if out is not None:
                if output is None:
                    sys.stdout.write(out)
                else:
                    _write_atomic(output, out, bom=bom, mode=stat.S_IMODE(src.stat().st_mode))
    else:
        assert output is not None

        def one_file(text: str, f: Path, rel: Path) -> str | None:
            out = one(text, str(rel))  # items name the path relative to the folder
            if out is None and run.skipped and run.skipped[-1][0] == str(rel):
                run.skipped[-1] = (str(f), run.skipped[-1][1])  # problems name the input
            return out

        _each_file(src, output, run, err, "redacting", one_file)
    if items is not None:
        _write_atomic(items, "".join(line + "\n" for line in item_lines), mode=0o600)
    if (folder and not quiet) or run.skipped:
        _summary(err, run, "redacted", "value(s)")
    raise typer.Exit(2 if run.skipped else 0)


# -- reidentify -------------------------------------------------------------------------------
def _read_items(path: Path) -> dict[str, list[dict[str, Any]]]:
    by_path: dict[str, list[dict[str, Any]]] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"cannot read --items {path}: {exc}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            raise _fail(f"{path}:{n}: not a JSON object") from None
        by_path.setdefault(str(rec.pop("path", "")), []).append(rec)
    return by_path


@app.command()
def reidentify(
    path: Annotated[str, typer.Argument(help="A redacted file, folder, or - for stdin.")],
    keyring: Annotated[Path | None, typer.Option("--keyring", "-k", help=_KEYRING_HELP)] = None,
    items: Annotated[Path | None, typer.Option(
        help="The side-car `piguard redact --items` wrote (needed for FPE values).")] = None,
    policy: Annotated[str | None, typer.Option(
        "--policy", "-p", help="The redaction policy (for encrypt domains).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Output file or folder.")] = None,
    lenient: Annotated[bool, typer.Option(
        help="Leave values that cannot be restored instead of failing the file.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Restore encrypted tokens (and FPE values, given --items) with the keyring."""
    from piguard.deid.keys import HOW_TO_MAKE_A_KEY
    from piguard.deid.redactor import reidentify_report

    err = _err()
    pol, ring = _load(policy, keyring)
    if ring is None:
        raise _fail(f"reidentify needs the keyring that made the tokens; {HOW_TO_MAKE_A_KEY}")
    side = _read_items(items) if items is not None else {}
    src = None if path == "-" else Path(path)
    if src is not None and not (src.exists() or src.is_symlink()):
        raise _fail(f"{path}: no such file or folder")
    folder = src is not None and src.is_dir()
    if folder and output is None:
        raise _fail("a folder needs --output OUTDIR (the input is never written over)")
    if src is not None and output is not None and (
            _inside(output, src) or (folder and _inside(src, output))):
        raise _fail(f"output {output} would write over or inside the input {path}")
    run = _Run()

    def one(text: str, where: str, key: str) -> str | None:
        report = reidentify_report(text, ring, items=side.get(key, []),
                                   policy=pol if policy is not None else None)
        if report.unresolved and not lenient:
            first = report.unresolved[0]
            run.skipped.append((where, f"{len(report.unresolved)} value(s) could not be "
                                       f"restored (first at {first[0]}-{first[1]}: {first[2]})"))
            return None
        run.files += 1
        run.values["restored"] += report.restored
        if report.unresolved:
            run.values["left as is"] += len(report.unresolved)
        return report.text

    if src is None or not folder:
        if src is None:
            text, why, bom = sys.stdin.read(), "", False
        else:
            text, why, bom = _read(src)
        where = "<stdin>" if src is None else str(src)
        if text is None:
            run.skipped.append((where, why))
        else:
            out = one(text, where, "")
            if out is not None:
                if output is None:
                    sys.stdout.write(out)
                else:
                    _write_atomic(output, out, bom=bom)
    else:
        assert output is not None
        _each_file(src, output, run, err, "restoring",
                   lambda text, f, rel: one(text, str(f), str(rel)))
    if (folder and not quiet) or run.skipped:
        _summary(err, run, "re-identified", "value(s)")
    raise typer.Exit(2 if run.skipped else 0)


# -- keys -------------------------------------------------------------------------------------
keys_app = typer.Typer(help="Create, rotate and list de-identification keys (never prints key "
                            "material).", no_args_is_help=True)
app.add_typer(keys_app, name="keys")

_KEYFILE = Annotated[Path | None, typer.Option(
    "--keyring", "-k", envvar="PIGUARD_KEYRING", help="Key file (JSON, mode 600).")]


def _need_path(keyring: Path | None) -> Path:
    if keyring is None:
        raise _fail("give the key file with --keyring FILE (or set PIGUARD_KEYRING)")
    return keyring


@keys_app.command("new")
def keys_new(keyring: _KEYFILE = None) -> None:
    """Create a key file with one new active key (mode 600). Refuses an existing file."""
    from piguard.deid.keys import KeyringError, create_key_file

    path = _need_path(keyring)
    try:
        ring = create_key_file(path)
    except (KeyringError, OSError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"created {path} with active key {ring.active.id}")


@keys_app.command("rotate")
def keys_rotate(keyring: _KEYFILE = None) -> None:
    """Add a new active key; the old one is retired (still reads old tokens)."""
    from piguard.deid.keys import Keyring, KeyringError

    path = _need_path(keyring)
    try:
        ring = Keyring.load(path)
        old = ring.active.id
        new = ring.rotate()
        ring.save(path)
    except (KeyringError, OSError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"rotated {path}: active key {new.id} (retired {old})")


@keys_app.command("list")
def keys_list(
    keyring: _KEYFILE = None,
    format: Annotated[str, typer.Option("--format", "-f", help="table | json")] = "table",
) -> None:
    """Key ids, creation times and statuses (never key material)."""
    from piguard.deid.keys import Keyring, KeyringError

    try:
        ring = Keyring.load(keyring) if keyring is not None else Keyring.from_env()
    except KeyringError as exc:
        raise _fail(str(exc)) from None
    if ring is None:
        raise _fail("no keyring: give --keyring FILE, or set PIGUARD_KEYRING or PIGUARD_KEY")
    rows = ring.info()
    if format == "json":
        typer.echo(json.dumps({"source": ring.source, "keys": [
            {"id": k.id, "created": k.created, "status": k.status} for k in rows]}, indent=2))
        return
    if format != "table":
        raise _fail(f"unknown --format {format!r} (table, json)")
    typer.echo(f"{'id':<10}{'status':<9}created")
    for k in rows:
        typer.echo(f"{k.id:<10}{k.status:<9}{k.created}")
