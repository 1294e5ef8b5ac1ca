"""Operators one by one: outputs, options, keys, determinism and separation."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from piguard.deid.keys import Keyring, MissingKeyError
from piguard.deid.operators import (
    TOKEN_RE,
    Context,
    DateShift,
    Encrypt,
    Fpe,
    Generalize,
    Hash,
    Mask,
    OperatorError,
    Redact,
    Replace,
    Surrogate,
    TokenError,
    UnsupportedValue,
    canonical,
    decrypt_token,
    fpe_decrypt,
    make_operator,
)
from piguard.detect.checks import luhn_valid, mod11_2_check

ID = "11010519491231002X"        # the GB 11643 worked example
ID15 = "110105491231002"
MOBILE = "13812348000"
CARD = "6222021234567890128"     # Luhn-valid test number


def ring(seed: int = 0) -> Keyring:
    return Keyring.from_bytes(bytes([seed]) * 32)


def ctx(seed: int = 0, **kw) -> Context:
    return Context(keyring=ring(seed), **kw)


def id_strategy():
    @st.composite
    def build(draw):
        region = draw(st.sampled_from(["110105", "330106", "440305", "510107", "650102"]))
        d = draw(st.dates(dt.date(1930, 1, 1), dt.date(2015, 12, 31)))
        seq = draw(st.integers(0, 999))
        body = f"{region}{d:%Y%m%d}{seq:03d}"
        return body + mod11_2_check(body)
    return build()


def luhn_card():
    @st.composite
    def build(draw):
        from piguard.detect.checks import luhn_check_digit
        bin6 = draw(st.sampled_from(["622202", "621700", "436742", "518710"]))
        rest = draw(st.text("0123456789", min_size=9, max_size=12))
        body = bin6 + rest
        return body + luhn_check_digit(body)
    return build()


# -- mask ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("entity", "value", "expected"), [
    ("CN_RESIDENT_ID", ID, "110105**********2X"),
    ("CN_RESIDENT_ID", ID15, "110105*******02"),
    ("PHONE_NUMBER", MOBILE, "138****8000"),
    ("PHONE_NUMBER", "+86 138-1234-8000", "+86 138-****-8000"),
    ("BANK_CARD", "6222021234567890", "622202******7890"),
    ("BANK_CARD", "6222 0212 3456 7890 128", "6222 02** **** ***0 128"),
    ("BANK_CARD", CARD, "622202*********0128"),
    ("PERSON_NAME", "张三", "张*"),
    ("PERSON_NAME", "王小明", "王**"),
    ("PERSON_NAME", "欧阳娜娜", "欧阳**"),
    ("PERSON_NAME", "John Smith", "J*** S****"),
    ("ADDRESS", "北京市朝阳区建国路88号", "北京市朝阳区******"),
    ("EMAIL_ADDRESS", "zhang.san@example.com", "z***@example.com"),
    ("HEALTH", "糖尿病", "***"),
])
def test_mask_defaults(entity, value, expected):
    assert Mask().apply(value, entity, Context()) == expected


def test_mask_options():
    assert Mask(keep_first=3, keep_last=4).apply(MOBILE, "PHONE_NUMBER", Context()) == "138****8000"
    assert Mask(char="#").apply(MOBILE, "PHONE_NUMBER", Context()) == "138####8000"
    assert Mask(keep_first=1, keep_last=2).apply(ID, "CN_RESIDENT_ID", Context()) == "1***************2X"
    assert Mask(style="all").apply(MOBILE, "PHONE_NUMBER", Context()) == "*" * 11
    assert Mask(keep_first=4, keep_last=0).apply(CARD, "BANK_CARD", Context()).startswith("6222***")


def test_mask_refuses_to_show_id_birth_date():
    with pytest.raises(OperatorError, match="birth date"):
        Mask(keep_first=8).check_entity("CN_RESIDENT_ID")
    with pytest.raises(OperatorError, match="birth date"):
        Mask(keep_last=6).check_entity("CN_RESIDENT_ID")


@settings(max_examples=200, deadline=None)
@given(value=id_strategy(), first=st.integers(0, 6), last=st.integers(0, 4))
def test_mask_id_never_shows_birth_date(value, first, last):
    out = Mask(keep_first=first, keep_last=last).apply(value, "CN_RESIDENT_ID", Context())
    assert len(out) == 18
    assert set(out[6:14]) == {"*"}


@settings(max_examples=100, deadline=None)
@given(value=st.text("0123456789", min_size=15, max_size=15), last=st.integers(0, 4))
def test_mask_legacy_id_never_shows_birth_date(value, last):
    out = Mask(keep_last=last).apply(value, "CN_RESIDENT_ID", Context())
    assert set(out[6:12]) == {"*"}


@settings(max_examples=200, deadline=None)
@given(value=st.text(min_size=1, max_size=40))
def test_mask_hides_something_for_every_entity(value):
    for entity in ("CN_PASSPORT", "BANK_CARD", "PHONE_NUMBER", "IMEI", "CN_QQ", "US_SSN"):
        out = Mask().apply(value, entity, Context())
        if any(c.isalnum() for c in value):
            assert out != value


# -- redact / replace ---------------------------------------------------------------------------
def test_redact_and_replace():
    c = Context()
    assert Redact().apply(MOBILE, "PHONE_NUMBER", c) == ""
    assert Redact(text="[已删除]").apply(MOBILE, "PHONE_NUMBER", c) == "[已删除]"
    r = Replace()
    assert r.apply(MOBILE, "PHONE_NUMBER", c) == "<PHONE_NUMBER_1>"
    assert r.apply("13912345678", "PHONE_NUMBER", c) == "<PHONE_NUMBER_2>"
    assert r.apply("+86 138-1234-8000", "PHONE_NUMBER", c) == "<PHONE_NUMBER_1>"
    assert r.apply(ID, "CN_RESIDENT_ID", c) == "<CN_RESIDENT_ID_1>"
    assert Replace(numbered=False).apply(MOBILE, "PHONE_NUMBER", c) == "<PHONE_NUMBER>"
    assert Replace(format="[{entity}#{n}]").apply(MOBILE, "PHONE_NUMBER", c) == "[PHONE_NUMBER#1]"
    with pytest.raises(OperatorError):
        Replace(format="{value}")


def test_canonical_joins_spellings():
    assert canonical("PHONE_NUMBER", "+86 138-1234-8000") == canonical("PHONE_NUMBER", MOBILE)
    assert canonical("PHONE_NUMBER", "008613812348000") == MOBILE
    assert canonical("CN_RESIDENT_ID", "11010519491231002x") == ID
    assert canonical("CN_RESIDENT_ID", "１１０１０５１９４９１２３１００２Ｘ") == ID
    assert canonical("EMAIL_ADDRESS", "A@B.com") == "a@b.com"


# -- keyed operators need a key -------------------------------------------------------------------
@pytest.mark.parametrize("op", [Hash(), Encrypt(), Encrypt(deterministic=True), Fpe(),
                                Surrogate(), DateShift()])
def test_keyed_operator_without_key_says_how_to_make_one(op):
    entity = "DATE_OF_BIRTH" if op.name == "date_shift" else "PHONE_NUMBER"
    value = "1990-01-02" if op.name == "date_shift" else MOBILE
    with pytest.raises(MissingKeyError, match=r"piguard keys new --keyring FILE"):
        op.apply(value, entity, Context())


# -- hash ---------------------------------------------------------------------------------------
def test_hash_format_determinism_and_separation():
    h = Hash()
    a = h.apply(MOBILE, "PHONE_NUMBER", ctx(0))
    kid = ring(0).active.id
    assert re.fullmatch(rf"<PHONE_NUMBER:hash:{kid}:[a-z2-7]{{26}}>", a)
    assert h.apply(MOBILE, "PHONE_NUMBER", ctx(0)) == a                     # deterministic
    assert h.apply("+86 138 1234 8000", "PHONE_NUMBER", ctx(0)) == a          # canonical
    assert h.apply(MOBILE, "PHONE_NUMBER", ctx(1)).split(":")[3] != a.split(":")[3]   # key
    assert Hash(domain="b").apply(MOBILE, "PHONE_NUMBER", ctx(0)) != a      # domain
    assert h.apply(MOBILE, "CN_QQ", ctx(0)).split(":")[3] != a.split(":")[3]  # entity
    assert MOBILE not in a
    assert re.fullmatch(rf"{kid}:[a-z2-7]{{32}}", Hash(bits=160, tag=False).apply(
        MOBILE, "PHONE_NUMBER", ctx(0)))
    with pytest.raises(OperatorError):
        Hash(bits=64)


def test_hash_is_keyed_not_plain_sha256():
    import hashlib
    out = Hash(tag=False, bits=256).apply(ID, "CN_RESIDENT_ID", ctx(0)).split(":")[1]
    import base64
    plain = base64.b32encode(hashlib.sha256(ID.encode()).digest()).decode().rstrip("=").lower()
    assert out != plain


# -- encrypt ------------------------------------------------------------------------------------
def test_encrypt_modes_and_round_trip():
    c = ctx(0)
    det = Encrypt(deterministic=True)
    t1, t2 = det.apply(ID, "CN_RESIDENT_ID", c), det.apply(ID, "CN_RESIDENT_ID", c)
    assert t1 == t2 and ":det:" in t1
    r1, r2 = Encrypt().apply(ID, "CN_RESIDENT_ID", c), Encrypt().apply(ID, "CN_RESIDENT_ID", c)
    assert r1 != r2 and ":enc:" in r1
    for tok in (t1, r1):
        m = TOKEN_RE.fullmatch(tok)
        assert m and m.group(3) == ring(0).active.id
        assert decrypt_token(*m.groups(), ring(0)) == ID
        with pytest.raises(TokenError):
            decrypt_token(*m.groups(), ring(0), domain="other")
        with pytest.raises(Exception):  # noqa: B017 - another keyring: unknown key id
            decrypt_token(*m.groups(), ring(1))
    entity, mode, kid, payload = TOKEN_RE.fullmatch(t1).groups()
    tampered = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    with pytest.raises(TokenError):
        decrypt_token(entity, mode, kid, tampered, ring(0))


def test_deterministic_encryption_separated_by_domain_and_key():
    det = Encrypt(deterministic=True)
    base = det.apply(MOBILE, "PHONE_NUMBER", ctx(0))
    assert Encrypt(deterministic=True, domain="x").apply(MOBILE, "PHONE_NUMBER", ctx(0)) != base
    assert det.apply(MOBILE, "PHONE_NUMBER", ctx(1)).split(":")[3] != base.split(":")[3]


@settings(max_examples=100, deadline=None)
@given(value=st.text(min_size=1, max_size=60), det=st.booleans())
def test_encrypt_round_trip_any_text(value, det):
    tok = Encrypt(deterministic=det).apply(value, "PERSON_NAME", ctx(0))
    assert decrypt_token(*TOKEN_RE.fullmatch(tok).groups(), ring(0)) == value


# -- fpe ----------------------------------------------------------------------------------------
def _fpe_round(value, entity, **opts):
    op = Fpe(**opts)
    out = op.apply(value, entity, ctx(0))
    back = fpe_decrypt(out, entity, ring(0), ring(0).active.id, "", opts.get("keep_first"),
                       opts.get("keep_last"))
    return out, back


@settings(max_examples=200, deadline=None)
@given(value=id_strategy())
def test_fpe_id_keeps_check_character_and_round_trips(value):
    out, back = _fpe_round(value, "CN_RESIDENT_ID")
    assert back == value
    assert len(out) == 18 and out[:17].isdigit()
    assert mod11_2_check(out[:17]) == out[17]


@settings(max_examples=200, deadline=None)
@given(value=luhn_card())
def test_fpe_card_keeps_bin_and_luhn(value):
    out, back = _fpe_round(value, "BANK_CARD")
    assert back == value
    assert out[:6] == value[:6] and luhn_valid(out) and len(out) == len(value)


@settings(max_examples=200, deadline=None)
@given(digits=st.text("0123456789", min_size=11, max_size=11),
       sep=st.sampled_from(["", " ", "-"]), cc=st.sampled_from(["", "+86 "]))
def test_fpe_phone_round_trip_keeps_layout(digits, sep, cc):
    value = cc + "1" + digits[1:3] + sep + digits[3:7] + sep + digits[7:]
    out, back = _fpe_round(value, "PHONE_NUMBER")
    assert back == value
    assert [c.isdigit() for c in out] == [c.isdigit() for c in value]
    assert out[:len(cc) + 3] == value[:len(cc) + 3]


def test_fpe_invalid_check_stays_invalid_and_round_trips():
    bad = ID[:-1] + "5"
    out, back = _fpe_round(bad, "CN_RESIDENT_ID")
    assert back == bad and mod11_2_check(out[:17]) != out[17]


def test_fpe_full_width_digits():
    value = "１３８１２３４８０００"
    out, back = _fpe_round(value, "PHONE_NUMBER")
    assert back == value and all("０" <= c <= "９" for c in out)


def test_fpe_too_few_digits():
    with pytest.raises(UnsupportedValue):
        Fpe().apply("12345", "CN_QQ", ctx(0))
    assert Fpe(keep_first=5).apply(MOBILE, "PHONE_NUMBER", ctx(0))[:5] == MOBILE[:5]
    with pytest.raises(UnsupportedValue):
        Fpe(keep_first=6).apply(MOBILE, "PHONE_NUMBER", ctx(0))


def test_fpe_is_deterministic_and_keyed():
    a = Fpe().apply(ID, "CN_RESIDENT_ID", ctx(0))
    assert a == Fpe().apply(ID, "CN_RESIDENT_ID", ctx(0)) != ID
    assert Fpe().apply(ID, "CN_RESIDENT_ID", ctx(1)) != a
    assert Fpe(domain="x").apply(ID, "CN_RESIDENT_ID", ctx(0)) != a


# -- generalize -----------------------------------------------------------------------------------
TODAY = dt.date(2025, 6, 1)


@pytest.mark.parametrize(("entity", "value", "options", "expected"), [
    ("DATE_OF_BIRTH", "1990-03-05", {}, "1990"),
    ("DATE_OF_BIRTH", "1990年3月5日", {}, "1990年"),
    ("DATE_OF_BIRTH", "1990-03-05", {"birth": "age_band"}, "30-39"),
    ("DATE_OF_BIRTH", "1990/03/05", {"birth": "decade"}, "1990s"),
    ("ADDRESS", "浙江省杭州市西湖区文三路90号", {}, "浙江省杭州市"),
    ("ADDRESS", "浙江省杭州市西湖区文三路90号", {"level": "district"}, "浙江省杭州市西湖区"),
    ("ADDRESS", "浙江省杭州市西湖区文三路90号", {"level": "province"}, "浙江省"),
    ("IP_ADDRESS", "192.168.31.77", {}, "192.168.31.0/24"),
    ("GEO_COORDINATE", "30.274085,120.155070", {}, "30.27,120.16"),
])
def test_generalize(entity, value, options, expected):
    assert Generalize(**options).apply(value, entity, Context(today=TODAY)) == expected


def test_generalize_id_to_region_and_decade():
    out = Generalize().apply(ID, "CN_RESIDENT_ID", Context())
    assert out.endswith("1940年代") and "1949" not in out and "002X" not in out
    out = Generalize(level="district", birth="age_band").apply(ID, "CN_RESIDENT_ID",
                                                              Context(today=TODAY))
    assert out.endswith("70-79岁")


def test_generalize_rejects_other_entities():
    with pytest.raises(OperatorError):
        Generalize().check_entity("PHONE_NUMBER")
    with pytest.raises(UnsupportedValue):
        Generalize().apply("next Tuesday", "DATE_OF_BIRTH", Context())


# -- date_shift ---------------------------------------------------------------------------------
def test_date_shift_is_consistent_per_subject():
    op = DateShift(max_days=30)
    c = ctx(0, subject="patient-1")
    a = dt.date.fromisoformat(op.apply("2020-01-10", "DATE_OF_BIRTH", c))
    b = dt.date.fromisoformat(op.apply("2020-03-01", "DATE_OF_BIRTH", c))
    assert (b - a).days == (dt.date(2020, 3, 1) - dt.date(2020, 1, 10)).days
    assert 1 <= abs((a - dt.date(2020, 1, 10)).days) <= 30
    offsets = {op.offset(ctx(0, subject=f"s{i}")) for i in range(40)}
    assert len(offsets) > 10 and 0 not in offsets


def test_date_shift_keeps_written_form():
    c = ctx(0, subject="x")
    out = DateShift(max_days=5).apply("2020年1月10日", "DATE_OF_BIRTH", c)
    assert re.fullmatch(r"2020年1月\d{1,2}日", out)
    assert re.fullmatch(r"\d{8}", DateShift().apply("20200110", "DATE_OF_BIRTH", c))


# -- configuration errors -------------------------------------------------------------------------
def test_unknown_operator_and_options():
    with pytest.raises(OperatorError, match="unknown operator 'hsh'"):
        make_operator("hsh")
    with pytest.raises(OperatorError, match="unknown option 'colour'"):
        make_operator("mask", colour="red")
    with pytest.raises(OperatorError, match="must be int"):
        make_operator("mask", keep_first="3")
    with pytest.raises(OperatorError, match="must be one of"):
        make_operator("surrogate", region="mars")
    with pytest.raises(OperatorError, match="no fake for HEALTH"):
        Surrogate().check_entity("HEALTH")
