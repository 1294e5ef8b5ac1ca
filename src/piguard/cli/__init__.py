"""The ``piguard`` command (typer + rich). Thin: every verb calls the library.

Each verb lives in its own module and registers itself on :data:`app`; this module only
imports them. Results go to stdout, progress and logs to stderr. Exit codes: 0 nothing
found / done, 1 PI found (``scan``), 2 usage or input error.
"""

from __future__ import annotations

import importlib

from piguard.cli.app import app

# Verb modules: each registers its commands on `app` when imported.
_VERB_MODULES = ("scan", "deid", "discover", "deidentify", "demo")


def _load_verbs() -> None:
    for name in _VERB_MODULES:
        try:
            importlib.import_module(f"piguard.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"piguard.cli.{name}":
                raise


def main() -> None:
    _load_verbs()
    app()


__all__ = ["app", "main"]
