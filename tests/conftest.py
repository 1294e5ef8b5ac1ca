"""Shared test fixtures. Every value in these tests is synthetic (generated or a published
test vector); none belongs to a real person."""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_service(ok: bool, what: str) -> None:
    """Skip locally when a service is missing, but fail loudly in CI."""
    if ok:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not reachable")
    pytest.skip(f"{what} not reachable")
