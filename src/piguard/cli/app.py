"""The typer application object shared by the verb modules."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="piguard",
    help="Find, grade, de-identify and protect personal information.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Find, grade, de-identify and protect personal information."""
