"""Validators never crash and agree with python-stdnum where both apply."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn as stdnum_luhn
from stdnum.cn import uscc as stdnum_uscc
from stdnum.iso7064 import mod_11_2

from piguard.detect import checks

digits = st.text(alphabet="0123456789", min_size=1, max_size=25)


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_mod11_2_matches_iso7064(body: str) -> None:
    assert checks.mod11_2_check(body) == mod_11_2.calc_check_digit(body)


@given(digits)
def test_luhn_matches_stdnum(number: str) -> None:
    assert checks.luhn_valid(number) == stdnum_luhn.is_valid(number)
    assert checks.luhn_valid(number + checks.luhn_check_digit(number))


@given(st.text(max_size=30))
def test_validators_never_crash(value: str) -> None:
    checks.cn_id18_kind(value)
    checks.cn_id15_birth(value)
    checks.uscc_valid(value)
    checks.vin_valid(value)
    checks.iban_valid(value)
    checks.luhn_valid(value)


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=17, max_size=17))
def test_uscc_outer_check_matches_stdnum(body: str) -> None:
    assert checks.uscc_check_char(body) == stdnum_uscc.calc_check_digit(body)
    value = body + checks.uscc_check_char(body)
    if value[2:8].isdigit():
        assert checks.uscc_valid(value, inner=False)


def test_uscc_inner_check() -> None:
    assert checks.uscc_valid("91110000600037341L")
    # same outer check recomputed over a broken organisation-code check digit
    body = "9111000060003734" + "2"
    assert not checks.uscc_valid(body + checks.uscc_check_char(body))
    assert checks.uscc_valid(body + checks.uscc_check_char(body), inner=False)


def test_cn_id_components() -> None:
    assert checks.cn_id18_kind("11010519491231002X")[0] == "citizen"
    assert checks.cn_id18_kind("81000019900101001" + checks.mod11_2_check("81000019900101001"))[0] == "hmt_permit"
    future = "1101052099010100" + "1"
    assert checks.cn_id18_kind(future + checks.mod11_2_check(future)) is None
    bad_region = "99999919900101001"[:17]
    assert checks.cn_id18_kind(bad_region + checks.mod11_2_check(bad_region)) is None


def test_typed_errors_do_not_echo_the_value() -> None:
    value = "11010519491231002Y"
    try:
        checks.validate_cn_id18(value)
    except checks.InvalidIdentifier as exc:
        assert value not in str(exc)
    else:
        raise AssertionError("expected an error")
