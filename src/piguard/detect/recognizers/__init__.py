"""Recognizer families. Each module declares ``PATTERNS``: see :mod:`.base`."""

from __future__ import annotations

from functools import cache

from piguard.detect.recognizers.base import Pattern


@cache
def all_patterns() -> tuple[Pattern, ...]:
    from piguard.detect.recognizers import (
        contact,
        finance,
        identity,
        international,
        network,
        person,
        vehicle,
    )

    return (*identity.PATTERNS, *contact.PATTERNS, *finance.PATTERNS, *network.PATTERNS,
            *vehicle.PATTERNS, *person.PATTERNS, *international.PATTERNS)
