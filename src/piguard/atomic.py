"""Atomic file writes: a temporary file in the target folder, fsync, then rename.

A reader never sees a half-written output, and an interrupted write leaves the old file (or
none). The temporary file is created with mode 0600 by ``mkstemp`` and only then given its
final mode, so key files are never briefly readable by others. Every writer in piguard
(reports, de-identified files, key files, demo data) goes through here.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write_bytes(path: str | os.PathLike[str], payload: bytes, *, mode: int = 0o644) -> None:
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".piguard-tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        if mode != 0o600:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str, *, bom: bool = False,
                      mode: int = 0o644) -> None:
    """Write ``text`` as UTF-8 (with a BOM when ``bom``)."""
    atomic_write_bytes(path, (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"), mode=mode)
