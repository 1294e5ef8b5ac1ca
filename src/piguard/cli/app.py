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


def _version(value: bool) -> None:
    if value:
        from piguard import __version__

        typer.echo(f"piguard {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Find, grade, de-identify and protect personal information."""
