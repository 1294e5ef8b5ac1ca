"""Column transforms: bulk surrogates are valid and never the original, every value gets the
same output whatever batch it sits in and however it is spelled, the collision guard keeps
key columns one-to-one, and free-text spans get the fakes their columns get."""

from __future__ import annotations

import datetime as _dt
import random

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piguard.deid import reference
from piguard.deid.keys import Keyring
from piguard.deid.operators import Context, make_operator
from piguard.deid.policy import Policy
from piguard.demo import fake
from piguard.detect import checks
from piguard.tables import transform as tr
from piguard.tables.transform import (
    CollisionGuard,
    ColumnStats,
    TransformSet,
    ValueTransform,
    column_prf,
    hash64,
)

RING = Keyring.from_bytes(bytes(range(32)))
POLICY = Policy.preset("pseudonymize")


def _vt(entity: str, op: str = "surrogate", *, guard: bool = False, ring: Keyring = RING,
        **options: object) -> ValueTransform:
    ctx = Context(keyring=ring, today=tr.SURROGATE_TODAY)
    return ValueTransform(entity, make_operator(op, **options), ctx,
                          guard=CollisionGuard() if guard else None)


def _values(make, n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return [make(rng) for _ in range(n)]


GENERATORS = {
    "PHONE_NUMBER": fake.mobile,
    "CN_RESIDENT_ID": lambda r: fake.resident_id(r),
    "BANK_CARD": fake.bank_card,
    "EMAIL_ADDRESS": fake.email,
    "PERSON_NAME": fake.person_name,
    "ADDRESS": fake.address,
    "DATE_OF_BIRTH": lambda r: fake.birth_date(r).isoformat(),
}


@pytest.mark.parametrize("entity", sorted(GENERATORS))
def test_bulk_surrogates_change_every_value_and_repeat_consistently(entity: str) -> None:
    values = _values(GENERATORS[entity], 3000)
    vt = _vt(entity)
    assert vt.bulk is not None
    stats = ColumnStats()
    out = vt.apply(pa.array([*values, None, "", "  "]), stats).to_pylist()
    assert out[-3:] == [None, "", "  "]
    assert all(o != v for o, v in zip(out, values, strict=False))
    assert stats.values == 3000 and stats.changed == 3000 and stats.fallback == 0
    # the same value, the same output: reversed order, other batch, one value at a time
    again = vt.apply(pa.array(values[::-1])).to_pylist()[::-1]
    assert again == out[:-3]
    assert vt.apply_values(values[:5]) == out[:5]


def test_bulk_surrogates_are_valid() -> None:
    ids = _vt("CN_RESIDENT_ID").apply_values(_values(GENERATORS["CN_RESIDENT_ID"], 2000))
    unassigned = set(reference.unassigned_regions())
    for v in ids:
        assert len(v) == 18 and checks.mod11_2_check(v[:17]) == v[17]
        born = checks.real_date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
        assert born is not None and _dt.date(1940, 1, 1) <= born <= _dt.date(2005, 12, 31)
        assert v[:6] in unassigned
        with pytest.raises(checks.InvalidComponent):
            checks.validate_cn_id18(v)         # a region nobody can hold, by design
    cards_in = _values(GENERATORS["BANK_CARD"], 2000)
    for orig, v in zip(cards_in, _vt("BANK_CARD").apply_values(cards_in), strict=True):
        assert checks.luhn_valid(v) and len(v) == len(orig) and v[:6] == orig[:6]
    for v in _vt("PHONE_NUMBER").apply_values(_values(fake.mobile, 500)):
        assert len(v) == 11 and v.startswith("154") and v.isdigit()
    for v in _vt("EMAIL_ADDRESS").apply_values(_values(fake.email, 500)):
        assert v.rsplit("@", 1)[1] in ("example.com", "example.org", "example.net")
    names_in = _values(fake.person_name, 500)
    for orig, v in zip(names_in, _vt("PERSON_NAME").apply_values(names_in), strict=True):
        assert len(v) == len(orig) and all("\u4e00" <= c <= "\u9fff" for c in v)
    for v in _vt("DATE_OF_BIRTH").apply_values(["1990-01-02", "2001-12-31"]):
        assert _dt.date.fromisoformat(v)


def test_spellings_of_one_value_get_one_fake_in_their_own_layout() -> None:
    vt = _vt("PHONE_NUMBER")
    plain, dashed, intl, wide = vt.apply_values(
        ["13812345678", "138-1234-5678", "+86 138 1234 5678", "１３８１２３４５６７８"])
    assert dashed == f"{plain[:3]}-{plain[3:7]}-{plain[7:]}"
    assert intl == f"+86 {plain[:3]} {plain[3:7]} {plain[7:]}"
    assert wide == "".join(chr(ord(c) + 0xFEE0) for c in plain)
    vid = _vt("CN_RESIDENT_ID")
    a, b = vid.apply_values(["11010519491231002X", "110105 19491231 002x"])
    assert b.replace(" ", "").upper() == a and b.count(" ") == 2


def test_other_values_take_the_library_route_consistently() -> None:
    vt = _vt("PHONE_NUMBER")
    landline, junk, han = vt.apply_values(["010-87654321", "n/a", "无"])
    assert landline.startswith("010-1") and landline != "010-87654321"
    assert junk != "n/a" and len(junk) == 3           # keyed letters-for-letters fallback
    assert han == "<PHONE_NUMBER>"                     # nothing to keep the shape of: a tag
    assert vt.apply_values(["010-87654321"]) == [landline]
    old_id = _vt("CN_RESIDENT_ID").apply_values(["110105491231002"])[0]
    assert len(old_id) == 15 and old_id != "110105491231002"


def test_other_operators_match_the_library_value_by_value() -> None:
    ctx = Context(keyring=RING, today=tr.SURROGATE_TODAY)
    phones = _values(fake.mobile, 50)
    for name, opts in (("hash", {}), ("encrypt", {"deterministic": True}), ("fpe", {}),
                       ("mask", {}), ("replace", {"numbered": False})):
        op = make_operator(name, **opts)
        out = ValueTransform("PHONE_NUMBER", op, ctx).apply_values(phones)
        assert out == [op.apply(p, "PHONE_NUMBER", ctx) for p in phones], name


def test_outputs_depend_on_key_and_domain() -> None:
    phones = _values(fake.mobile, 20)
    base = _vt("PHONE_NUMBER").apply_values(phones)
    assert _vt("PHONE_NUMBER", ring=Keyring.generate()).apply_values(phones) != base
    assert _vt("PHONE_NUMBER", domain="partner").apply_values(phones) != base
    assert _vt("PHONE_NUMBER").apply_values(phones) == base


def test_non_default_options_use_the_library_operator() -> None:
    vt = _vt("CN_RESIDENT_ID", keep_birth="year")
    assert vt.bulk is None
    out = vt.apply_values(["11010519491231002X"])[0]
    assert out[6:10] == "1949" and checks.mod11_2_check(out[:17]) == out[17]


class _TinyPhone(tr._Phone):
    """A phone generator with only 50 fakes: forces collisions."""

    def generate(self, canon: pa.Array, bits: np.ndarray) -> pa.Array:
        return super().generate(canon, bits % np.uint64(50))


def test_collision_guard_keeps_a_small_fake_space_one_to_one() -> None:
    guard = CollisionGuard()
    vt = _vt("PHONE_NUMBER", guard=True)
    vt.guard = guard
    vt.bulk = _TinyPhone()
    phones = [f"1381234{i:04d}" for i in range(40)]
    first = vt.apply(pa.array(phones[:25])).to_pylist()
    second = vt.apply(pa.array(phones)).to_pylist()
    assert second[:25] == first                        # earlier claims stand
    assert len(set(second)) == len(phones)             # no two values share a fake
    assert vt.redrawn > 0
    # a restored guard makes the same decisions
    restored = _vt("PHONE_NUMBER", guard=True)
    restored.guard = CollisionGuard.from_bytes(guard.to_bytes())
    restored.bulk = _TinyPhone()
    assert restored.apply(pa.array(phones[::-1])).to_pylist()[::-1] == second


def test_reserved_originals_are_never_drawn() -> None:
    vt = _vt("PHONE_NUMBER", guard=True)
    vt.bulk = _TinyPhone()
    taken = [f"154000000{i:02d}" for i in range(0, 50, 2)]      # half of the fake space
    vt.reserve(pa.array([*taken, None]))
    out = vt.apply_values([f"1391234{i:04d}" for i in range(20)])
    assert len(set(out)) == 20 and not set(out) & set(taken)


def test_guard_claims() -> None:
    g = CollisionGuard()
    origins = np.array([1, 2, 3], np.uint64)
    assert not g.claim(origins, np.array([10, 20, 30], np.uint64)).any()
    assert g.claim(np.array([4, 2], np.uint64), np.array([10, 20], np.uint64)).tolist() == [True, False]
    assert g.claim(np.array([5, 6], np.uint64), np.array([40, 40], np.uint64)).tolist() == [False, True]


def test_free_text_spans_get_the_column_fakes() -> None:
    ts = TransformSet(POLICY, RING)
    phone = "13812345678"
    column = ts.value("PHONE_NUMBER", POLICY.operator_for("PHONE_NUMBER")).apply_values([phone])[0]
    stats = ColumnStats()
    out = ts.text().apply(pa.array([f"客户电话{phone}，请回电", None, "没有个人信息"]), stats).to_pylist()
    assert out[0] == f"客户电话{column}，请回电"
    assert out[1:] == [None, "没有个人信息"]
    assert stats.entities == {"PHONE_NUMBER": 1} and stats.changed == 1


def test_hash64_and_prf_are_stable_and_slice_safe() -> None:
    arr = pa.array(["a", "", "abc", "手机13812345678", None])
    h = hash64(arr)
    assert h[4] == 0 and len(set(h[:4].tolist())) == 4
    assert hash64(arr.slice(2, 2)).tolist() == h[2:4].tolist()
    key, aes = b"k" * 32, (b"a" * 16, b"b" * 16)
    long = "x" * 40
    bits = column_prf(key, aes, pa.array(["abc", long]))
    assert column_prf(key, aes, pa.array([long, "abc"]))[::-1].tolist() == bits.tolist()
    assert column_prf(key, aes, pa.array(["abc"]).slice(0, 1)).tolist() == bits[:1].tolist()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=12), min_size=1, max_size=20))
def test_any_value_gets_the_same_output_alone_or_in_a_batch(values: list[str]) -> None:
    vt = _VT_PROP
    batch = vt.apply(pa.array(values)).to_pylist()
    assert batch == [vt.apply(pa.array([v])).to_pylist()[0] for v in values]
    assert all(o == v for o, v in zip(batch, values, strict=True) if not v.strip())


_VT_PROP = _vt("PHONE_NUMBER")
