"""Kept for imports of the report package; the implementation is :mod:`piguard.atomic`."""

from piguard.atomic import atomic_write_bytes, atomic_write_text

__all__ = ["atomic_write_bytes", "atomic_write_text"]
