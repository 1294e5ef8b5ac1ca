"""``piguard demo``: generate a synthetic company, inventory it and write the report.

What ``make demo`` runs. Everything lands in one folder (default ``./demo-out``): the
company's data (``company/``), the inventory store (``inventory.db``) and the report
(``report/index.html``, ``report/report.json``). All values are synthetic.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from piguard.cli.app import app


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the demo.")] = Path(
        "demo-out"),
    users: Annotated[int, typer.Option("--users", min=50, max=1_000_000,
                                       help="Synthetic users to generate.")] = 3000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 20240601,
) -> None:
    """Generate a synthetic company, run the PI inventory over it and write the report."""
    from rich.console import Console

    from piguard.cli.discover import _Progress
    from piguard.demo import run

    err = Console(stderr=True, highlight=False)
    err.print(f"generating a synthetic company in {out}/company …", markup=False)
    with _Progress() as progress:
        result = run(out, users=users, seed=seed, progress=progress)
    s = result.summary
    skipped = [p for p in s.problems if p[2] == "skipped"]
    partial = [p for p in s.problems if p[2] != "skipped"]
    lines = [
        f"data:    {result.data}/  (shop.db, exports/*.csv|xlsx, logs/app.log, docs/*.pdf)",
        f"scanned: {s.scanned} tables and documents, {s.unchanged} unchanged, "
        f"{s.assets_with_pi} with PI, in {s.seconds:.1f} s",
        f"not scanned: {len(skipped)} skipped, {len(partial)} partial errors "
        "(listed in the report)",
        f"store:   {result.store}",
        f"report:  {result.report_html}",
        f"         {result.report_json}",
    ]
    sys.stdout.write("\n".join(lines) + "\n")
