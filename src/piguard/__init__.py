"""piguard: find, grade, de-identify and protect personal information.

Public API (see ARCHITECTURE.md): ``scan``, ``Detector``, ``Finding``, ``redact``, ``Policy``,
``Keyring``, ``entities``. Heavy parts load lazily so ``import piguard`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from piguard import entities
from piguard.detect.finding import Finding

__version__ = "0.1.0"

if TYPE_CHECKING:
    from piguard.deid.keys import Keyring
    from piguard.deid.policy import Policy
    from piguard.deid.redactor import Redaction
    from piguard.detect.detector import Detector


def scan(text: str, *, entities: list[str] | None = None,
         min_score: float | None = None) -> list[Finding]:
    """Findings of the default detector in ``text``: sorted by start, non-overlapping."""
    from piguard.detect.detector import default_detector

    return default_detector().scan(text, entities=entities, min_score=min_score)


def redact(text: str, policy: Policy | None = None, *, keyring: Keyring | None = None) -> Redaction:
    """De-identify ``text`` under ``policy`` (the default policy when None)."""
    from piguard.deid.redactor import redact as _redact

    return _redact(text, policy, keyring=keyring)


_LAZY = {
    "Detector": ("piguard.detect.detector", "Detector"),
    "Policy": ("piguard.deid.policy", "Policy"),
    "Keyring": ("piguard.deid.keys", "Keyring"),
    "Redaction": ("piguard.deid.redactor", "Redaction"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'piguard' has no attribute {name!r}")


__all__ = ["Detector", "Finding", "Keyring", "Policy", "Redaction", "entities", "redact", "scan"]
