"""``piguard demo``: a synthetic company, its PI inventory and the report, in one folder.

:func:`run` generates the company (:mod:`piguard.demo.company`) into ``folder``, scans it
into ``folder/inventory.db`` and writes ``folder/report/index.html`` + ``report.json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from piguard.inventory.scan import Progress, ScanSummary

DEFAULT_FOLDER = "demo-out"


@dataclass(frozen=True, slots=True)
class DemoResult:
    folder: Path
    data: Path
    store: Path
    report_html: Path
    report_json: Path
    summary: ScanSummary


def run(folder: Path | str = DEFAULT_FOLDER, *, users: int = 3000, seed: int = 20240601,
        progress: Progress | None = None) -> DemoResult:
    from piguard.demo.company import generate
    from piguard.inventory import Scanner, ScanOptions, Store
    from piguard.report import write_report

    folder = Path(folder)
    data = folder / "company"
    generate(data, users=users, seed=seed)
    store_path = folder / "inventory.db"
    store = Store(str(store_path))
    try:
        summary = Scanner(store, ScanOptions(mode="sample"), progress).run([str(data)])
        json_path, html_path = write_report(store, folder / "report")
    finally:
        store.close()
    return DemoResult(folder, data, store_path, html_path, json_path, summary)


__all__ = ["DEFAULT_FOLDER", "DemoResult", "run"]
