"""Mobile prefixes, area codes and service numbers."""

from __future__ import annotations

import csv
import importlib.util
from importlib import resources
from pathlib import Path

import phonenumbers
import pytest

import piguard.data as data

REPO = Path(__file__).resolve().parents[2]
GENERATED_WITH = "9.0.43"  # phonenumbers version of the shipped tables (PROVENANCE.md)


@pytest.mark.parametrize(
    ("number", "carrier"),
    [
        ("13800138000", "中国移动"),
        ("13912345678", "中国移动"),
        ("13012345678", "中国联通"),
        ("18912345678", "中国电信"),
        ("19912345678", "中国电信"),
        ("19212345678", "中国广电"),
        ("19612345678", "中国联通"),
        ("19712345678", "中国移动"),
        ("17031234567", "中国移动"),
        ("17041234567", "中国联通"),
        ("17001234567", "中国电信"),
        ("17400123456", "中国电信"),
        ("17405123456", "中国电信"),
        ("16101234567", "中国广电"),
        ("14712345678", "中国移动"),
        ("16212345678", ""),  # valid, no carrier in the metadata
        ("13491234567", ""),
    ],
)
def test_valid_mobiles(number, carrier):
    assert data.is_cn_mobile(number)
    assert data.cn_mobile_carrier(number) == carrier


@pytest.mark.parametrize(
    "number",
    [
        "14012345678",  # 140: not a mobile range
        "14412345678",
        "14812345678",
        "17499123456",  # 174 outside 17400-17405
        "17406123456",
        "12012345678",
        "10012345678",
        "15412345678",
        "19412345678",
        "1380013800",  # 10 digits
        "138001380001",  # 12 digits
        "1380013800a",
        "１３８００１３８０００",  # full-width digits: normalise first
        "",
    ],
)
def test_invalid_mobiles(number):
    assert not data.is_cn_mobile(number)
    assert data.cn_mobile_carrier(number) is None


def test_country_code_prefixes():
    for number in ("+8613800138000", "008613800138000", "8613800138000"):
        assert data.cn_mobile_carrier(number) == "中国移动"


def test_prefix_table_agrees_with_phonenumbers():
    text = resources.files("piguard.data").joinpath("cn_mobile_prefixes.csv").read_text("utf-8")
    table = list(csv.DictReader(text.splitlines()))
    assert 60 <= len(table) <= 120
    assert {len(r["prefix"]) for r in table} == {3, 4, 5}
    for r in table:
        number = r["prefix"] + "5" * (11 - len(r["prefix"]))
        parsed = phonenumbers.parse("+86" + number)
        assert phonenumbers.is_valid_number(parsed), number
        assert phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE


@pytest.mark.skipif(phonenumbers.__version__ != GENERATED_WITH, reason="other phonenumbers")
def test_generator_reproduces_tables():
    spec = importlib.util.spec_from_file_location(
        "gen_phone", REPO / "scripts" / "gen_phone_prefixes.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.mobile_prefixes() == data._mobile_prefixes()
    assert [row[0] for row in module.area_codes()] == list(data._area_codes())


@pytest.mark.parametrize(
    ("digits", "code"),
    [
        ("01012345678", "010"),
        ("02112345678", "021"),
        ("02087654321", "020"),
        ("057187654321", "0571"),
        ("075588886666", "0755"),
        ("08718765432", "0871"),  # 7-digit local number
        ("0571", None),
        ("0571123", None),
        ("0261234567", None),  # 026 is not assigned
        ("12345678901", None),
        ("0571-8765432", None),  # separators: normalise first
        ("0755888866661", None),  # local part too long
    ],
)
def test_area_codes(digits, code):
    assert data.cn_area_code(digits) == code


def test_area_regions():
    assert data.cn_area_region("010") == "北京市"
    assert data.cn_area_region("0571") == "浙江省杭州市"
    assert data.cn_area_region("0755") == "广东省深圳市"
    assert data.cn_area_region("0999") is not None
    assert data.cn_area_region("0000") is None
    text = resources.files("piguard.data").joinpath("cn_area_codes.csv").read_text("utf-8")
    table = list(csv.DictReader(text.splitlines()))
    assert 300 <= len(table) <= 400
    assert all(r["code"].startswith("0") and len(r["code"]) in (3, 4) for r in table)


@pytest.mark.parametrize(
    "digits",
    [
        "110",
        "119",
        "120",
        "122",
        "114",
        "12345",
        "12315",
        "12306",
        "12110",
        "10086",
        "10010",
        "10000",
        "10099",
        "95588",
        "95555",
        "955881",
        "96110",
        "4008001234",
        "8008001234",
        "10690123456789",
        "1065502100",
        "16012345",
        "075596110",
        "01012345",
        "+8695588",
        "9501234567",
    ],
)
def test_service_numbers(digits):
    assert data.is_service_number(digits)


@pytest.mark.parametrize(
    "digits",
    [
        "13800138000",
        "01012345678",
        "057187654321",
        "075588886666",
        "4008",
        "12",
        "95588123456789",
        "",
    ],
)
def test_not_service_numbers(digits):
    assert not data.is_service_number(digits)
