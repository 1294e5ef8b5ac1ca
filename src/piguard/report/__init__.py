"""Reports: the inventory as JSON and as a self-contained HTML page.

``write_report(store, folder)`` writes ``report.json`` and ``index.html`` atomically and
returns their paths.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from piguard.atomic import atomic_write_text

if TYPE_CHECKING:
    from piguard.inventory.store import Store


def write_report(store: Store, folder: Path | str) -> tuple[Path, Path]:
    """Write ``report.json`` and ``index.html`` into ``folder``; return both paths."""
    from piguard.report.build import build
    from piguard.report.html import render

    folder = Path(folder)
    report = build(store)
    json_path = folder / "report.json"
    html_path = folder / "index.html"
    atomic_write_text(json_path, json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    atomic_write_text(html_path, render(report))
    return json_path, html_path


__all__ = ["write_report"]
