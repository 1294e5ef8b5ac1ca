"""Surrogates: 10,000 per entity, all format-valid, none a real identifier where designed so."""

from __future__ import annotations

import datetime as dt
import ipaddress
import random
import re

import phonenumbers
import pytest

from piguard import data
from piguard.deid import reference, surrogates
from piguard.deid.address import admin_parts
from piguard.deid.dates import parse_date
from piguard.deid.keys import Keyring
from piguard.deid.operators import Context, Surrogate
from piguard.detect import checks

N = 10_000
RNG_SEED = 20251130


def _ctx() -> Context:
    return Context(keyring=Keyring.from_bytes(b"k" * 32))


def _ids(n: int) -> list[str]:
    rng = random.Random(RNG_SEED)
    regions = ["110105", "330106", "440305", "510107", "650102", "370202", "120101"]
    out = []
    for _ in range(n):
        d = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(30000))
        body = f"{rng.choice(regions)}{d:%Y%m%d}{rng.randrange(1000):03d}"
        out.append(body + checks.mod11_2_check(body))
    return out


def _mobiles(n: int) -> list[str]:
    rng = random.Random(RNG_SEED)
    return [rng.choice(["138", "139", "186", "159", "177", "199"]) + f"{rng.randrange(10**8):08d}"
            for _ in range(n)]


def _cards(n: int) -> list[str]:
    rng = random.Random(RNG_SEED)
    out = []
    for _ in range(n):
        body = rng.choice(["622202", "621700", "436742", "518710"]) + "".join(
            rng.choice("0123456789") for _ in range(rng.choice([9, 12])))
        out.append(body + checks.luhn_check_digit(body))
    return out


def test_id_surrogates_have_valid_check_and_never_a_real_region():
    op = Surrogate()
    c = _ctx()
    unassigned = set(reference.unassigned_regions())
    seen = set()
    for value in _ids(N):
        s = op.apply(value, "CN_RESIDENT_ID", c)
        assert len(s) == 18 and s[:17].isdigit()
        assert checks.mod11_2_check(s[:17]) == s[17]                        # check character
        assert checks.real_date(int(s[6:10]), int(s[10:12]), int(s[12:14]))  # a real date
        assert s[:6] in unassigned
        assert not data.division_periods(s[:6])            # no such division, ever
        assert checks.cn_id18_kind(s) is None               # so no full validator accepts it
        seen.add(s)
    assert len(seen) > N * 0.99


def test_id_surrogates_with_real_region_validate_fully():
    op = Surrogate(region="real")
    c = _ctx()
    for value in _ids(N):
        s = op.apply(value, "CN_RESIDENT_ID", c)
        assert checks.cn_id18_kind(s) is not None, "real-region surrogate must validate"


def test_id_surrogates_keep_birth_year_and_sex_when_asked():
    op = Surrogate(keep_birth="year", keep_sex=True, region="keep")
    c = _ctx()
    for value in _ids(2000):
        s = op.apply(value, "CN_RESIDENT_ID", c)
        assert s[:6] == value[:6] and s[6:10] == value[6:10]
        assert int(s[16]) % 2 == int(value[16]) % 2
        assert s != value and checks.mod11_2_check(s[:17]) == s[17]


def test_id_age_band_kept():
    from piguard.deid.dates import age_band, age_on
    today = dt.date(2025, 6, 1)
    op = Surrogate(keep_birth="age_band")
    c = Context(keyring=Keyring.from_bytes(b"k" * 32), today=today)
    for value in _ids(2000):
        s = op.apply(value, "CN_RESIDENT_ID", c)
        born = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
        new = dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
        assert age_band(age_on(new, today)) == age_band(age_on(born, today))


def test_legacy_15_digit_surrogate():
    s = Surrogate().apply("110105491231002", "CN_RESIDENT_ID", _ctx())
    assert len(s) == 15 and s.isdigit() and s[:6] in set(reference.unassigned_regions())


def test_hmt_permit_surrogate_keeps_type_but_no_real_region():
    s = Surrogate().apply("810000199408230021", "CN_RESIDENCE_PERMIT_HMT", _ctx())
    assert s.startswith("8100") and s[:6] != "810000"
    assert checks.mod11_2_check(s[:17]) == s[17]


def test_mobile_surrogates_are_in_an_unassigned_block():
    op = Surrogate()
    c = _ctx()
    outs = set()
    for value in _mobiles(N):
        s = op.apply(value, "PHONE_NUMBER", c)
        assert re.fullmatch(r"154\d{8}", s)
        assert not data.is_cn_mobile(s) and data.cn_mobile_carrier(s) is None
        assert not phonenumbers.is_valid_number(phonenumbers.parse(s, "CN"))
        outs.add(s)
    assert len(outs) > N * 0.99


@pytest.mark.parametrize(("value", "pattern"), [
    ("+86 138-1234-8000", r"\+86 154-\d{4}-\d{4}"),
    ("138 1234 8000", r"154 \d{4} \d{4}"),
    ("0086-13812348000", r"0086-154\d{8}"),
    ("010-87654321", r"010-1\d{7}"),
    ("(0571)87654321", r"\(0571\)1\d{7}"),
    ("+1 415 555 2671", r"\+1 415 555 01\d\d"),
    ("(415) 555-2671", r"\(415\) 555-01\d\d"),
])
def test_phone_surrogate_layouts(value, pattern):
    assert re.fullmatch(pattern, Surrogate().apply(value, "PHONE_NUMBER", _ctx()))


def test_landline_surrogates_are_not_subscriber_numbers():
    op = Surrogate()
    c = _ctx()
    for i in range(2000):
        s = op.apply(f"0755-8{i:07d}", "PHONE_NUMBER", c)
        assert s.startswith("0755-1")   # local numbers never start with 1


def test_card_surrogates_keep_bin_and_luhn():
    op = Surrogate()
    c = _ctx()
    for value in _cards(N):
        s = op.apply(value, "BANK_CARD", c)
        assert s[:6] == value[:6] and len(s) == len(value) and checks.luhn_valid(s)
        assert s != value


def test_name_surrogates_from_tables():
    op = Surrogate()
    c = _ctx()
    rng = random.Random(RNG_SEED)
    surnames = set(reference.single_surnames())
    compound = set(reference.compound_surnames())
    chars = set(reference.given_name_chars())
    for _ in range(N):
        sur = rng.choice(["王", "李", "张", "欧阳", "司马"])
        value = sur + "".join(rng.choice("伟芳娜敏静丽强磊") for _ in range(rng.choice([1, 2])))
        s = op.apply(value, "PERSON_NAME", c)
        assert len(s) == len(value) and s != value
        head = s[:2] if len(sur) == 2 else s[:1]
        assert head in (compound if len(sur) == 2 else surnames)
        assert set(s[len(head):]) <= chars
    assert op.apply("欧阳娜娜", "PERSON_NAME", c) == op.apply("欧阳娜娜", "PERSON_NAME", c)
    kept = Surrogate(keep_surname=True).apply("王小明", "PERSON_NAME", c)
    assert kept.startswith("王") and kept != "王小明"
    en = op.apply("John Smith", "PERSON_NAME", c)
    assert len(en.split()) == 2 and en != "John Smith"


def test_address_surrogates_compose_divisions():
    op = Surrogate()
    c = _ctx()
    for i in range(2000):
        s = op.apply(f"北京市朝阳区建国路{i}号", "ADDRESS", c)
        parts = admin_parts(s)
        assert s.endswith("号") and ("district" in parts or "city" in parts), s
    kept = Surrogate(keep="district").apply("浙江省杭州市西湖区文三路90号", "ADDRESS", c)
    assert kept.startswith("浙江省杭州市西湖区") and "文三路90号" not in kept


def test_other_entity_surrogates():
    c = _ctx()
    op = Surrogate()
    for i in range(N // 10):
        e = op.apply(f"user{i}@corp.cn", "EMAIL_ADDRESS", c)
        assert re.fullmatch(r"[a-z]+\.\d{4}@example\.(com|org|net)", e)
        ip = ipaddress.ip_address(op.apply(f"10.{i % 250}.3.{i % 200}", "IP_ADDRESS", c))
        assert any(ip in ipaddress.ip_network(n) for n in
                   ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"))
        ip6 = ipaddress.ip_address(op.apply(f"fe80::{i:x}", "IP_ADDRESS", c))
        assert ip6 in ipaddress.ip_network("2001:db8::/32")
        mac = op.apply(f"00:1A:2B:3C:{i % 256:02X}:5E", "MAC_ADDRESS", c)
        assert int(mac[:2], 16) & 0b11 == 0b10   # locally administered unicast
        dob = op.apply(f"19{60 + i % 40}-0{1 + i % 9}-1{i % 10}", "DATE_OF_BIRTH", c)
        assert parse_date(dob) is not None
        ssn = op.apply(f"123-45-{i:04d}", "US_SSN", c)
        from stdnum.us import ssn as us_ssn
        assert re.fullmatch(r"9\d\d-\d\d-\d{4}", ssn) and not us_ssn.is_valid(ssn)
        imei = op.apply("490154203237518", "IMEI", c)
        assert checks.luhn_valid(imei) and imei[:8] == "49015420"
    vin = op.apply("1M8GDM9AXKP042788", "VIN", c)
    assert checks.vin_valid(vin) and vin[:3] == "1M8"
    uscc = op.apply("91110000600037341L", "CN_USCC", c)
    assert checks.uscc_valid(uscc) and uscc != "91110000600037341L"
    plate = op.apply("京A12345", "CN_LICENSE_PLATE", c)
    assert plate.startswith("京") and len(plate) == 7


def test_surrogates_are_consistent_and_key_separated():
    a = Surrogate().apply("11010519491231002X", "CN_RESIDENT_ID", _ctx())
    assert a == Surrogate().apply("11010519491231002x", "CN_RESIDENT_ID", _ctx())
    other = Context(keyring=Keyring.from_bytes(b"j" * 32))
    assert Surrogate().apply("11010519491231002X", "CN_RESIDENT_ID", other) != a
    assert Surrogate(domain="r2").apply("11010519491231002X", "CN_RESIDENT_ID", _ctx()) != a


def test_surrogate_keeps_separators():
    s = Surrogate().apply("110105 19491231 002X", "CN_RESIDENT_ID", _ctx())
    assert s[6] == " " and s[15] == " "
    s = Surrogate().apply("6222 0212 3456 7890", "BANK_CARD", _ctx())
    assert s[4] == " " and checks.luhn_valid(s.replace(" ", ""))


def test_unsupported_values_raise():
    with pytest.raises(surrogates.UnsupportedValue):
        Surrogate().apply("abc", "CN_RESIDENT_ID", _ctx())
    with pytest.raises(surrogates.UnsupportedValue):
        surrogates.make("HEALTH", "糖尿病", b"x" * 32, surrogates.SurrogateOptions())
