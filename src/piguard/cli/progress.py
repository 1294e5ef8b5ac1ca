"""Progress bars for long jobs: rich, on stderr, shown only on a terminal, gone when done."""

from __future__ import annotations

from typing import Any


def short(name: str, width: int = 40) -> str:
    """A long table or file name cut from the left, so the distinguishing end stays."""
    return name if len(name) <= width else "…" + name[-(width - 1):]


class ProgressBars:
    """A rich ``Progress`` on stderr with named tasks; subclasses turn job events into bars."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        console = Console(stderr=True)
        self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                             TimeElapsedColumn(), console=console, transient=True,
                             disable=not console.is_terminal)
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> ProgressBars:
        self._bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.__exit__(*exc)  # type: ignore[arg-type]

    def __call__(self, event: str, **info: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError
