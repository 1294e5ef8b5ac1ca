"""Public test vectors (../shared/eval): pass rates must not regress.

The rates per recognizer are printed by ``scripts/vector_pass_rates.py``; the floors here
are what the current recognizers reach, so a change that loses vectors fails.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"


def _rates() -> dict[str, tuple[int, int]]:
    spec = importlib.util.spec_from_file_location("vector_pass_rates", ROOT / "scripts/vector_pass_rates.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return {**mod.stdnum_rates(SHARED), **mod.id_validator_rates(SHARED), **mod.presidio_rates(SHARED)}


FLOORS = {
    "stdnum:cn_ric": 1.0, "stdnum:cn_uscc": 1.0, "stdnum:iban": 1.0, "stdnum:luhn": 1.0,
    "stdnum:mac": 1.0, "stdnum:imei": 0.8, "id-validator:is_valid": 0.9,
    "presidio:credit_card": 0.89, "presidio:email": 1.0, "presidio:iban": 0.99,
    "presidio:ip": 0.83, "presidio:mac": 1.0, "presidio:phone": 0.88,
}


@pytest.fixture(scope="module")
def rates() -> dict[str, tuple[int, int]]:
    require_service((SHARED / "eval").is_dir(), "../shared/eval (public test vectors)")
    return _rates()


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_pass_rate(rates: dict[str, tuple[int, int]], name: str) -> None:
    ok, total = rates[name]
    assert total > 0
    assert ok / total >= FLOORS[name], f"{name}: {ok}/{total}"
