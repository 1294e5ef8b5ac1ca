"""The redactor: overlaps, fallbacks, items, verification, keys, and re-identification."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import piguard
from piguard.deid.keys import ENV_KEY, ENV_KEYRING, Keyring, MissingKeyError
from piguard.deid.operators import DateShift, Encrypt, Fpe, Keep, Mask, Replace
from piguard.deid.policy import Policy
from piguard.deid.redactor import (
    Redaction,
    RedactionItem,
    ReidentifyError,
    VerificationError,
    redact,
    reidentify,
    reidentify_report,
    resolve_overlaps,
)
from piguard.detect.checks import luhn_check_digit, mod11_2_check
from piguard.detect.finding import Finding

ID = "11010519491231002X"
MOBILE = "13812348000"
CARD = "6222021234567890128"
TEXT = f"该用户的身份证号是{ID}，手机{MOBILE}，卡号{CARD}。"
RING = Keyring.from_bytes(b"r" * 32)
# Tests of the identifier operators use the identifier recognizers only, so that what the
# name/address model finds in random filler text cannot change what they check.
IDENTIFIERS = piguard.Detector(ner=False)


@pytest.fixture(autouse=True)
def _no_env_keys(monkeypatch):
    monkeypatch.delenv(ENV_KEY, raising=False)
    monkeypatch.delenv(ENV_KEYRING, raising=False)


def F(entity, start, end, score=0.9):
    return Finding(entity, start, end, score)


# -- with the detector ------------------------------------------------------------------------
def test_default_policy_masks_with_detector():
    r = piguard.redact(TEXT)
    assert isinstance(r, Redaction)
    assert r.text == "该用户的身份证号是110105**********2X，手机138****8000，卡号622202*********0128。"
    assert [it.entity for it in r.items] == ["CN_RESIDENT_ID", "PHONE_NUMBER", "BANK_CARD"]
    for it in r.items:
        assert it.operator == "mask" and it.key_id is None
        assert r.text[it.new_start:it.new_end] != TEXT[it.start:it.end]


def test_items_and_repr_hold_no_values():
    r = redact(TEXT, Policy.preset("replace"))
    blob = repr(r) + repr(r.items) + json.dumps([it.to_dict() for it in r.items])
    for value in (ID, MOBILE, CARD, "1949", "8000"):
        assert value not in blob
    assert r.text == "该用户的身份证号是<CN_RESIDENT_ID_1>，手机<PHONE_NUMBER_1>，卡号<BANK_CARD_1>。"


def test_replace_numbers_consistently_within_a_document():
    text = f"手机{MOBILE}，备用手机13912345678，再说一次手机{MOBILE}。"
    out = redact(text, Policy.preset("replace")).text
    assert out == "手机<PHONE_NUMBER_1>，备用手机<PHONE_NUMBER_2>，再说一次手机<PHONE_NUMBER_1>。"


def test_labelled_corpus_leaves_no_identifier_values():
    rng = random.Random(7)
    docs, values = [], []
    for i in range(200):
        body = f"{rng.choice(['110105', '330106', '440305'])}19{rng.randrange(50, 99)}0{rng.randrange(1, 9)}1{rng.randrange(0, 9)}{rng.randrange(1000):03d}"
        pid = body + mod11_2_check(body)
        mob = rng.choice(["138", "139", "186", "150"]) + f"{rng.randrange(10**8):08d}"
        cbody = "622202" + f"{rng.randrange(10**12):012d}"
        card = cbody + luhn_check_digit(cbody)
        mail = f"user{i}.x@mail{i % 7}.com"
        docs.append(f"客户{i}：身份证号{pid}，手机号码：{mob}；银行卡号 {card}，邮箱 {mail}。"
                    f"登录IP 10.{i % 200}.3.{i % 250}。")
        values.append((pid, mob, card, mail))
    for doc, vals in zip(docs, values, strict=True):
        out = piguard.redact(doc).text
        for v in vals:
            assert v not in out, "identifier survived redaction"


# -- constructed findings -----------------------------------------------------------------------
def test_partial_overlap_is_replaced_whole():
    text = "abc 0123456789 xyz"
    r = redact(text, Policy({}, Replace()), findings=[F("PHONE_NUMBER", 4, 11, 0.8),
                                                      F("BANK_CARD", 8, 14, 0.9)], verify=False)
    assert r.text == "abc <BANK_CARD_1> xyz"
    assert (r.items[0].start, r.items[0].end) == (4, 14)


def test_contained_finding_is_absorbed():
    fs = resolve_overlaps([F("PHONE_NUMBER", 2, 5, 0.99), F("CN_RESIDENT_ID", 0, 10, 0.5)])
    assert fs == [F("CN_RESIDENT_ID", 0, 10, 0.5)]


def test_kept_entity_never_wins_an_overlap():
    policy = Policy({"CN_USCC": Keep()}, Mask())
    fs = resolve_overlaps([F("CN_USCC", 0, 18, 1.0), F("CN_RESIDENT_ID", 2, 20, 0.6)], policy)
    assert fs[0].entity == "CN_RESIDENT_ID" and (fs[0].start, fs[0].end) == (0, 20)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 15), st.floats(0, 1)), max_size=12))
def test_overlap_resolution_covers_everything_without_overlap(spans):
    fs = [F("PHONE_NUMBER", s, s + n, sc) for s, n, sc in spans]
    out = resolve_overlaps(fs)
    covered_in = {i for f in fs for i in range(f.start, f.end)}
    covered_out = {i for f in out for i in range(f.start, f.end)}
    assert covered_in == covered_out
    assert all(a.end <= b.start for a, b in itertools.pairwise(out))


def test_finding_outside_text_rejected():
    with pytest.raises(ValueError, match="outside the text"):
        redact("short", findings=[F("PHONE_NUMBER", 2, 50)])


def test_unsupported_value_falls_back_to_a_tag():
    policy = Policy({"DATE_OF_BIRTH": DateShift()}, Mask())
    r = redact("生日：下周二", policy, keyring=RING, findings=[F("DATE_OF_BIRTH", 3, 6)],
               verify=False)
    assert r.text == "生日：<DATE_OF_BIRTH>"
    assert r.items[0].operator == "replace" and "fallback from date_shift" in r.items[0].note


def test_date_shift_subject():
    policy = Policy({"DATE_OF_BIRTH": DateShift()}, Mask())
    text = "出生日期：1990-03-05"
    a = redact(text, policy, keyring=RING, findings=[F("DATE_OF_BIRTH", 5, 15)], subject="p1",
               verify=False).text
    b = redact(text, policy, keyring=RING, findings=[F("DATE_OF_BIRTH", 5, 15)], subject="p1",
               verify=False).text
    assert a == b and a != text and dt.date.fromisoformat(a[5:])


# -- verification -------------------------------------------------------------------------------
def test_verify_fails_when_pi_survives():
    text = f"手机{MOBILE}，另一个手机13912345678。"
    with pytest.raises(VerificationError) as info:
        redact(text, findings=[F("PHONE_NUMBER", 2, 13, 0.99)])
    assert "PHONE_NUMBER" in str(info.value) and "13912345678" not in str(info.value)
    with pytest.raises(VerificationError):
        redact(text, findings=[F("PHONE_NUMBER", 2, 13, 0.99)], verify="full")
    assert redact(text, findings=[F("PHONE_NUMBER", 2, 13, 0.99)], verify=False)


def test_verify_accepts_format_valid_surrogates():
    r = redact(TEXT, Policy.preset("pseudonymize"), keyring=RING)
    assert ID not in r.text and MOBILE not in r.text and CARD not in r.text
    assert r.text.count("622202") == 1   # card BIN kept, rest replaced


# -- keys -------------------------------------------------------------------------------------
def test_keyed_policy_without_key_explains(monkeypatch):
    with pytest.raises(MissingKeyError, match=r"piguard keys new --keyring FILE") as info:
        redact(TEXT, Policy.preset("pseudonymize"))
    assert "*:surrogate" in str(info.value)


def test_keyed_policy_uses_env_key(monkeypatch):
    import base64
    monkeypatch.setenv(ENV_KEY, base64.b64encode(b"e" * 32).decode())
    r = redact(TEXT, Policy.preset("encrypt"))
    assert reidentify(r.text) == TEXT


def test_determinism_and_separation():
    pol = Policy.preset("encrypt")
    a = redact(TEXT, pol, keyring=RING).text
    assert redact(TEXT, pol, keyring=RING).text == a
    other = redact(TEXT, pol, keyring=Keyring.from_bytes(b"s" * 32)).text
    assert other != a
    dom = Policy({}, Encrypt(deterministic=True, domain="partner-b"))
    assert redact(TEXT, dom, keyring=RING).text != a


# -- reidentify -------------------------------------------------------------------------------
def test_reidentify_encrypt_tokens_needs_no_side_car():
    for det in (True, False):
        r = redact(TEXT, Policy({}, Encrypt(deterministic=det)), keyring=RING)
        assert ID not in r.text
        assert reidentify(r.text, RING) == TEXT


def test_reidentify_fpe_needs_items():
    r = redact(TEXT, Policy({}, Fpe()), keyring=RING)
    assert ID not in r.text and MOBILE not in r.text and CARD not in r.text
    assert len(r.text) == len(TEXT)
    assert reidentify(r.text, RING) == r.text             # no items: nothing to find
    assert reidentify(r.text, RING, items=r.items) == TEXT
    side = [json.loads(json.dumps(it.to_dict())) for it in r.items]
    assert reidentify(r.text, RING, items=side) == TEXT


def test_reidentify_domain_from_items_or_policy():
    pol = Policy({}, Encrypt(domain="d1"))
    r = redact(TEXT, pol, keyring=RING)
    assert reidentify(r.text, RING, items=r.items) == TEXT
    assert reidentify(r.text, RING, policy=pol) == TEXT
    with pytest.raises(ReidentifyError):
        reidentify(r.text, RING)


def test_reidentify_after_rotation(tmp_path):
    from piguard.deid.keys import create_key_file
    path = tmp_path / "k.json"
    ring = create_key_file(path)
    before = redact(TEXT, Policy.preset("encrypt"), keyring=ring)
    fpe = redact(TEXT, Policy({}, Fpe()), keyring=ring)
    ring.rotate()
    ring.save(path)
    ring = Keyring.load(path)
    after = redact(TEXT, Policy.preset("encrypt"), keyring=ring)
    assert after.text != before.text
    assert reidentify(before.text + after.text, ring) == TEXT + TEXT
    assert reidentify(fpe.text, ring, items=fpe.items) == TEXT


def test_reidentify_errors_hold_no_values():
    r = redact(TEXT, Policy.preset("encrypt"), keyring=RING)
    other = Keyring.from_bytes(b"z" * 32)
    with pytest.raises(ReidentifyError) as info:
        reidentify(r.text, other)
    msg = str(info.value)
    assert "could not be restored" in msg and ID not in msg and MOBILE not in msg
    report = reidentify_report(r.text, other)
    assert report.restored == 0 and len(report.unresolved) == 3
    assert reidentify(r.text, other, strict=False) == r.text
    with pytest.raises(MissingKeyError):
        reidentify(r.text)


def test_bad_fpe_item_is_reported():
    item = RedactionItem("PHONE_NUMBER", 0, 11, 0, 99, "fpe", key_id=RING.active.id)
    with pytest.raises(ReidentifyError, match="does not fit"):
        reidentify("13800000000", RING, items=[item])


# -- round trips ------------------------------------------------------------------------------
FILLER = st.text(alphabet="的是在了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严，。：；！ ",
                 max_size=12)


@st.composite
def documents(draw):
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        parts.append(draw(FILLER))
        kind = draw(st.sampled_from(["id", "mobile", "card"]))
        if kind == "id":
            d = draw(st.dates(dt.date(1940, 1, 1), dt.date(2010, 12, 31)))
            body = f"{draw(st.sampled_from(['110105', '330106', '440305']))}{d:%Y%m%d}{draw(st.integers(0, 999)):03d}"
            parts.append("身份证号" + body + mod11_2_check(body))
        elif kind == "mobile":
            parts.append("手机" + draw(st.sampled_from(["138", "139", "186"])) +
                         f"{draw(st.integers(0, 10**8 - 1)):08d}")
        else:
            body = "622202" + f"{draw(st.integers(0, 10**12 - 1)):012d}"
            parts.append("卡号" + body + luhn_check_digit(body))
        parts.append("。")
    return "".join(parts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents(), op=st.sampled_from(["enc", "det", "fpe"]))
def test_round_trip_with_detector(doc, op):
    operator = {"enc": Encrypt(), "det": Encrypt(deterministic=True), "fpe": Fpe()}[op]
    r = redact(doc, Policy({}, operator), keyring=RING, detector=IDENTIFIERS)
    assert reidentify(r.text, RING, items=r.items) == doc


@settings(max_examples=150, deadline=None)
@given(text=st.text(min_size=1, max_size=80), data=st.data(), det=st.booleans())
def test_round_trip_any_text_and_spans(text, data, det):
    cuts = sorted(set(data.draw(st.lists(st.integers(0, len(text)), max_size=6))))
    spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if a < b]
    findings = [F("PERSON_NAME", a, b) for a, b in spans]
    r = redact(text, Policy({}, Encrypt(deterministic=det)), keyring=RING, findings=findings,
               verify=False)
    assert reidentify(r.text, RING) == text


@settings(max_examples=150, deadline=None)
@given(prefix=st.text(max_size=10), digits=st.text("0123456789", min_size=6, max_size=25),
       suffix=st.text(max_size=10))
def test_fpe_round_trip_any_digits(prefix, digits, suffix):
    text = f"{prefix}{digits}{suffix}"
    f = F("BANK_ACCOUNT", len(prefix), len(prefix) + len(digits))
    r = redact(text, Policy({}, Fpe()), keyring=RING, findings=[f], verify=False)
    assert r.items[0].operator == "fpe" and len(r.text) == len(text)
    assert reidentify(r.text, RING, items=r.items) == text


def test_no_key_material_in_logs_or_errors(tmp_path, caplog):
    import base64
    import logging

    from piguard.deid.keys import create_key_file
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "k.json"
    ring = create_key_file(path)
    material = base64.b64decode(json.loads(path.read_text())["keys"][0]["material"])
    messages = [repr(ring)]
    for preset in ("encrypt", "pseudonymize"):
        r = redact(TEXT, Policy.preset(preset), keyring=ring)
        messages += [repr(r), repr(r.items)]
    for bad in (lambda: reidentify(redact(TEXT, Policy.preset("encrypt"), keyring=ring).text,
                                   Keyring.generate()),
                lambda: redact(TEXT, Policy.preset("encrypt")),
                lambda: reidentify("<PHONE_NUMBER:enc:" + ring.active.id + ":" + "A" * 40 + ">",
                                   ring)):
        with pytest.raises(Exception) as info:
            bad()
        messages.append(str(info.value))
        messages.append(repr(info.value))
    messages.append(caplog.text)
    blob = "\n".join(messages)
    subkeys = [ring.subkey(p, e, length=n)[1] for p, n in (("encrypt", 32), ("encrypt-det", 64),
                                                           ("surrogate", 32))
               for e in ("CN_RESIDENT_ID", "PHONE_NUMBER")]
    for secret in (material, *subkeys):
        assert base64.b64encode(secret).decode() not in blob
        assert secret.hex() not in blob
