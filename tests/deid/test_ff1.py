"""FF1 against the NIST SP 800-38G sample vectors, plus round-trip properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piguard.deid.ff1 import FF1, FF1Error

K128 = "2B7E151628AED2A6ABF7158809CF4F3C"
K192 = K128 + "EF4359D8D580AA4F"
K256 = K192 + "7F036D6F04FC6A94"
T10 = "39383736353433323130"
T11 = "3737373770717273373737"
PT10 = "0123456789"
PT36 = "0123456789abcdefghi"

# NIST "FF1 samples" (csrc.nist.gov examples), samples 1-9.
NIST = [
    (1, K128, 10, "", PT10, "2433477484"),
    (2, K128, 10, T10, PT10, "6124200773"),
    (3, K128, 36, T11, PT36, "a9tv40mll9kdu509eum"),
    (4, K192, 10, "", PT10, "2830668132"),
    (5, K192, 10, T10, PT10, "2496655549"),
    (6, K192, 36, T11, PT36, "xbj3kv35jrawxv32ysr"),
    (7, K256, 10, "", PT10, "6657667009"),
    (8, K256, 10, T10, PT10, "1001623463"),
    (9, K256, 36, T11, PT36, "xs8a0azh2avyalyzuwd"),
]


@pytest.mark.parametrize(("sample", "key", "radix", "tweak", "pt", "ct"), NIST,
                         ids=[f"sample{s[0]}" for s in NIST])
def test_nist_sample_vectors(sample, key, radix, tweak, pt, ct):
    ff1 = FF1(bytes.fromhex(key), radix)
    assert ff1.encrypt(pt, bytes.fromhex(tweak)) == ct
    assert ff1.decrypt(ct, bytes.fromhex(tweak)) == pt


@settings(max_examples=200, deadline=None)
@given(digits=st.text("0123456789", min_size=6, max_size=40),
       tweak=st.binary(max_size=20), key=st.binary(min_size=32, max_size=32))
def test_round_trip_digits(digits, tweak, key):
    ff1 = FF1(key, 10)
    ct = ff1.encrypt(digits, tweak)
    assert len(ct) == len(digits) and ct.isdigit()
    assert ff1.decrypt(ct, tweak) == digits


@settings(max_examples=100, deadline=None)
@given(numerals=st.lists(st.integers(0, 255), min_size=3, max_size=24))
def test_round_trip_radix_256(numerals):
    ff1 = FF1(bytes(range(16)), 256)
    assert ff1.decrypt_numerals(ff1.encrypt_numerals(numerals, b"t"), b"t") == numerals


def test_tweak_and_key_change_the_output():
    a = FF1(bytes(16)).encrypt("1234567890", b"a")
    assert a != FF1(bytes(16)).encrypt("1234567890", b"b")
    assert a != FF1(bytes([1]) + bytes(15)).encrypt("1234567890", b"a")


def test_small_domain_refused():
    with pytest.raises(FF1Error, match="minimum"):
        FF1(bytes(16)).encrypt("12345")          # 10^5 < 10^6
    assert len(FF1(bytes(16)).encrypt("123456")) == 6


@pytest.mark.parametrize("bad", [b"short", bytes(20)])
def test_bad_key_length(bad):
    with pytest.raises(FF1Error):
        FF1(bad)


def test_numeral_outside_radix():
    with pytest.raises(FF1Error):
        FF1(bytes(16)).encrypt("12345a7890")


def test_repr_has_no_key():
    assert repr(FF1(bytes.fromhex(K128))) == "FF1(radix=10)"
