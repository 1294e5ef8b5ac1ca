"""Positives and hard negatives per recognizer family (values are synthetic)."""

from __future__ import annotations

import pytest

import piguard
from piguard.detect import checks


def found(text: str, **kw) -> list[tuple[str, str]]:
    return [(f.entity, text[f.start:f.end]) for f in piguard.scan(text, **kw)]


def _id(body17: str) -> str:
    return body17 + checks.mod11_2_check(body17)


ID_BJ = _id("11010519491231002")          # 北京市朝阳区, 1949-12-31 (published sample)
ID_GZ = _id("44011320141005001")          # 广州市番禺区
PERMIT_HK = _id("81000019900101001")
PERMIT_TW = _id("83000019920130002")
PR_2023 = _id("91115619900101001")
CARD = "6222021234567890128"             # Luhn-valid UnionPay test number


POSITIVES = [
    (f"身份证号码：{ID_BJ}", "CN_RESIDENT_ID", ID_BJ),
    (f"sfz {ID_GZ.lower()} 已核验", "CN_RESIDENT_ID", ID_GZ.lower()),
    (f"张三,{ID_BJ},13812345678", "CN_RESIDENT_ID", ID_BJ),
    (f"证件号 {ID_BJ[:6]} {ID_BJ[6:14]} {ID_BJ[14:]}", "CN_RESIDENT_ID",
     f"{ID_BJ[:6]} {ID_BJ[6:14]} {ID_BJ[14:]}"),
    ("身份证：110105491231002", "CN_RESIDENT_ID", "110105491231002"),
    (f"居住证 {PERMIT_HK}", "CN_RESIDENCE_PERMIT_HMT", PERMIT_HK),
    (f"{PERMIT_TW}", "CN_RESIDENCE_PERMIT_HMT", PERMIT_TW),
    (f"永居证号码 {PR_2023}", "CN_FOREIGNER_PR_ID", PR_2023),
    ("统一社会信用代码 91110000600037341L", "CN_USCC", "91110000600037341L"),
    ("护照号码：E12345678", "CN_PASSPORT", "E12345678"),
    ("passport: EA1234567", "CN_PASSPORT", "EA1234567"),
    ("回乡证 H12345678", "CN_HK_MACAU_PERMIT", "H12345678"),
    ("台胞证号码 12345678", "CN_TAIWAN_PERMIT", "12345678"),
    ("往来港澳通行证 C12345678", "CN_EXIT_ENTRY_PERMIT", "C12345678"),
    ("手机13812345678请回电", "PHONE_NUMBER", "13812345678"),
    ("联系方式 138-1234-5678", "PHONE_NUMBER", "138-1234-5678"),
    ("call +86 138 1234 5678 now", "PHONE_NUMBER", "+86 138 1234 5678"),
    ("号码 19212345678", "PHONE_NUMBER", "19212345678"),
    ("座机 010-87654321", "PHONE_NUMBER", "010-87654321"),
    ("电话(0571)87654321", "PHONE_NUMBER", "(0571)87654321"),
    ("Tel: +44 20 7946 0958", "PHONE_NUMBER", "+44 20 7946 0958"),
    ("邮箱：zhang.san@example.com。", "EMAIL_ADDRESS", "zhang.san@example.com"),
    (f"卡号 {CARD}", "BANK_CARD", CARD),
    ("card 4111 1111 1111 1111 exp", "BANK_CARD", "4111 1111 1111 1111"),
    ("IBAN DE89 3704 0044 0532 0130 00", "IBAN", "DE89 3704 0044 0532 0130 00"),
    ("login from 203.0.113.45 failed", "IP_ADDRESS", "203.0.113.45"),
    ("ip=2001:db8::8a2e:370:7334", "IP_ADDRESS", "2001:db8::8a2e:370:7334"),
    ("MAC 00:1A:2B:3C:4D:5E", "MAC_ADDRESS", "00:1A:2B:3C:4D:5E"),
    ("IMEI 490154203237518", "IMEI", "490154203237518"),
    ("车牌京AD12345", "CN_LICENSE_PLATE", "京AD12345"),
    ("粤Z1234港 过关", "CN_LICENSE_PLATE", "粤Z1234港"),
    ("沪A1234学 教练车", "CN_LICENSE_PLATE", "沪A1234学"),
    ("苏E·12345", "CN_LICENSE_PLATE", "苏E·12345"),
    ("VIN 1M8GDM9AXKP042788", "VIN", "1M8GDM9AXKP042788"),
    ("QQ：123456789", "CN_QQ", "123456789"),
    ("微信号: zhang_san88", "CN_WECHAT_ID", "zhang_san88"),
    ("出生日期：1990-03-07", "DATE_OF_BIRTH", "1990-03-07"),
    ("DOB: March 7, 1990", "DATE_OF_BIRTH", "March 7, 1990"),
    ("经纬度 39.904200, 116.407400", "GEO_COORDINATE", "39.904200, 116.407400"),
    ("SSN 078-05-1120", "US_SSN", "078-05-1120"),
    ("PESEL 44051401458", "PL_NATIONAL_ID", "44051401458"),
    ("주민등록번호 971013-9019902", "KR_RRN", "971013-9019902"),
]


@pytest.mark.parametrize(("text", "entity", "value"), POSITIVES)
def test_positive(text: str, entity: str, value: str) -> None:
    assert (entity, value) in found(text)


NEGATIVES = [
    ID_BJ[:-1] + ("0" if ID_BJ[-1] != "0" else "1"),         # wrong check character
    "9" + ID_BJ + "7",                                        # ID inside a longer digit run
    "订单号 2023112012345678901",                              # order number
    "timestamp 1700000000123 and 20231120153045",
    "6222021234567890127",                                    # Luhn fails, no card cue
    "version 1.2.3.4 build v10.0.19041.1 Chrome/120.0.6099.109",
    "客服热线 95588，移动 10086，投诉 12345，400-820-8820，800-810-8888",
    "手机 138****5678，身份证 110101********0038，卡 6222 **** **** 1234",
    "SKU A1B2C3D4E5, uuid 123e4567-e89b-12d3-a456-426614174000",
    "md5 5d41402abc4b2a76b9719d911017c592 sha1 aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d",
    "邮编 100101，金额 ¥12345.67，数量 13812345",
    "model RT-AC68U, firmware 3.0.0.4.386_51665",
    "14412345678 is not a mobile number",                    # 144 is not a mobile prefix
    "12:34:56 and 2026-11-30T12:34:56Z",
    "E12345678 without a cue",
    "123456789 is not an SSN without a cue",
    "IP 0.0.0.0 and 127.0.0.1 and 255.255.255.255",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_hard_negative(text: str) -> None:
    assert found(text) == []


def test_phone_inside_id_is_not_a_phone() -> None:
    text = f"身份证 {ID_BJ}"
    assert found(text) == [("CN_RESIDENT_ID", ID_BJ)]


def test_span_excludes_cue_and_punctuation() -> None:
    text = "「手机：13812345678」"
    (f,) = piguard.scan(text)
    assert text[f.start:f.end] == "13812345678"


def test_full_width_and_zero_width() -> None:
    text = "手机：１３８\u200b1234\u200b5678，身份证" + ID_BJ[:-1] + "×" if ID_BJ.endswith("X") else ""
    res = piguard.scan(text)
    assert [f.entity for f in res] == ["PHONE_NUMBER", "CN_RESIDENT_ID"]
    assert text[res[0].start:res[0].end] == "１３８\u200b1234\u200b5678"


def test_negative_context_lowers() -> None:
    assert found("订单号 13812345678") == []
    assert found("手机 13812345678") == [("PHONE_NUMBER", "13812345678")]


def test_evidence_explains() -> None:
    (f,) = piguard.scan(f"身份证号码：{ID_BJ}")
    assert f.score == 1.0
    assert "check:mod11-2" in f.evidence and "context:身份证号码" in f.evidence


def test_entities_filter_and_unknown() -> None:
    text = f"手机 13812345678 身份证 {ID_BJ}"
    assert [f.entity for f in piguard.scan(text, entities=["PHONE_NUMBER"])] == ["PHONE_NUMBER"]
    with pytest.raises(ValueError, match="NOPE"):
        piguard.scan(text, entities=["NOPE"])


def test_min_score() -> None:
    text = "login from 203.0.113.45"
    assert piguard.scan(text, min_score=0.99) == []
    assert piguard.scan(text, min_score=0.5)


def test_surrogate_region_codes_are_never_ids() -> None:
    body = "11009919900101001"  # XX0099: structurally impossible outside Hainan's history
    assert found("身份证 " + body + checks.mod11_2_check(body)) == []


def test_unknown_but_plausible_region_kept_lower() -> None:
    body = "44030119900101001"  # 市辖区-style code missing from the table
    (f,) = piguard.scan(body + checks.mod11_2_check(body))
    assert f.entity == "CN_RESIDENT_ID" and f.score < 1.0
    assert "check:region-unknown" in f.evidence


def test_replacement_tags_are_not_cues() -> None:
    assert found("<BANK_CARD_7> 订单 2023112012345678901") == []
    assert found("<PHONE_NUMBER_1> 400123456") == []
