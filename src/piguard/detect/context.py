"""Context cues: keywords near a candidate that raise or lower its score.

One regex holds every keyword (Chinese as plain text; English whole-word, case-insensitive).
For a candidate, the *nearest* keyword in the window before it decides (``身份证：… 手机：138…``
gives the phone the cue 手机, not 身份证). A keyword is either positive for some entities
(身份证 → CN_RESIDENT_ID) or negative for every numeric entity (订单号, version, 时间戳 ...).

Entities with no checksum (15-digit legacy IDs, passports, permits, IMEI, coordinates ...)
*require* a positive cue; that is decided by the recognizer (``Candidate.needs_context``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ID = ("CN_RESIDENT_ID", "CN_RESIDENCE_PERMIT_HMT", "CN_FOREIGNER_PR_ID")

POSITIVE: dict[str, tuple[str, ...]] = {
    # identity
    "身份证": _ID, "身份证号": _ID, "身份证号码": _ID, "身份号码": _ID, "公民身份号码": _ID,
    "证件号": _ID, "证件号码": _ID, "身份证件": _ID, "sfz": _ID, "sfzh": _ID,
    "id card": _ID, "id number": _ID, "id no": _ID, "identity card": _ID, "national id": _ID,
    "居住证": ("CN_RESIDENCE_PERMIT_HMT",), "港澳台居民居住证": ("CN_RESIDENCE_PERMIT_HMT",),
    "永久居留": ("CN_FOREIGNER_PR_ID",), "永居证": ("CN_FOREIGNER_PR_ID",),
    "护照": ("CN_PASSPORT", "PASSPORT"), "护照号": ("CN_PASSPORT", "PASSPORT"),
    "护照号码": ("CN_PASSPORT", "PASSPORT"), "passport": ("CN_PASSPORT", "PASSPORT"),
    "回乡证": ("CN_HK_MACAU_PERMIT",), "港澳居民来往内地通行证": ("CN_HK_MACAU_PERMIT",),
    "来往内地通行证": ("CN_HK_MACAU_PERMIT",), "home return permit": ("CN_HK_MACAU_PERMIT",),
    "台胞证": ("CN_TAIWAN_PERMIT",), "台湾居民来往大陆通行证": ("CN_TAIWAN_PERMIT",),
    "港澳通行证": ("CN_EXIT_ENTRY_PERMIT",), "往来港澳通行证": ("CN_EXIT_ENTRY_PERMIT",),
    "往来台湾通行证": ("CN_EXIT_ENTRY_PERMIT",), "大陆居民往来台湾通行证": ("CN_EXIT_ENTRY_PERMIT",),
    "通行证": ("CN_EXIT_ENTRY_PERMIT", "CN_HK_MACAU_PERMIT", "CN_TAIWAN_PERMIT"),
    "exit-entry permit": ("CN_EXIT_ENTRY_PERMIT",),
    # contact
    "手机": ("PHONE_NUMBER",), "手机号": ("PHONE_NUMBER",), "手机号码": ("PHONE_NUMBER",),
    "电话": ("PHONE_NUMBER",), "联系电话": ("PHONE_NUMBER",), "联系方式": ("PHONE_NUMBER",),
    "座机": ("PHONE_NUMBER",), "固话": ("PHONE_NUMBER",), "号码": ("PHONE_NUMBER",),
    "致电": ("PHONE_NUMBER",), "拨打": ("PHONE_NUMBER",), "来电": ("PHONE_NUMBER",),
    "tel": ("PHONE_NUMBER",), "phone": ("PHONE_NUMBER",), "mobile": ("PHONE_NUMBER",),
    "cell": ("PHONE_NUMBER",), "telephone": ("PHONE_NUMBER",), "call": ("PHONE_NUMBER",),
    "邮箱": ("EMAIL_ADDRESS",), "email": ("EMAIL_ADDRESS",), "e-mail": ("EMAIL_ADDRESS",),
    # finance
    "卡号": ("BANK_CARD",), "银行卡": ("BANK_CARD",), "银行卡号": ("BANK_CARD",),
    "信用卡": ("BANK_CARD",), "借记卡": ("BANK_CARD",), "储蓄卡": ("BANK_CARD",),
    "开户行": ("BANK_CARD", "BANK_ACCOUNT"), "card": ("BANK_CARD",), "card number": ("BANK_CARD",),
    "credit card": ("BANK_CARD",), "visa": ("BANK_CARD",), "mastercard": ("BANK_CARD",),
    "iban": ("IBAN",),
    "统一社会信用代码": ("CN_USCC",), "社会信用代码": ("CN_USCC",), "信用代码": ("CN_USCC",),
    "credit code": ("CN_USCC",), "uscc": ("CN_USCC",), "税号": ("CN_USCC",),
    # device / vehicle / location
    "imei": ("IMEI",), "串号": ("IMEI",), "设备号": ("IMEI",), "手机串号": ("IMEI",),
    "设备识别码": ("IMEI",),
    "mac": ("MAC_ADDRESS",), "mac地址": ("MAC_ADDRESS",), "物理地址": ("MAC_ADDRESS",),
    "ip": ("IP_ADDRESS",), "ip地址": ("IP_ADDRESS",), "登录ip": ("IP_ADDRESS",),
    "车牌": ("CN_LICENSE_PLATE",), "车牌号": ("CN_LICENSE_PLATE",), "plate": ("CN_LICENSE_PLATE",),
    "vin": ("VIN",), "车架号": ("VIN",), "车辆识别代号": ("VIN",), "车辆识别码": ("VIN",),
    "经纬度": ("GEO_COORDINATE",), "坐标": ("GEO_COORDINATE",), "定位": ("GEO_COORDINATE",),
    "位置": ("GEO_COORDINATE",), "gps": ("GEO_COORDINATE",), "location": ("GEO_COORDINATE",),
    "coordinates": ("GEO_COORDINATE",), "lat": ("GEO_COORDINATE",), "latitude": ("GEO_COORDINATE",),
    "lat/lng": ("GEO_COORDINATE",), "lat,lng": ("GEO_COORDINATE",),
    # international
    "ssn": ("US_SSN",), "social security": ("US_SSN",), "social security number": ("US_SSN",),
}

# Cues that a number is *not* personal: the nearest cue before a candidate being one of these
# lowers its score below the default threshold.
NEGATIVE: tuple[str, ...] = (
    "订单", "订单号", "订单编号", "单号", "流水号", "交易号", "交易单号", "快递单号", "运单号",
    "物流单号", "工单号", "发票号", "发票代码", "版本", "版本号", "时间戳", "序号", "批次号",
    "商品编码", "条码", "型号", "邮编", "邮政编码", "金额", "价格", "热线", "客服热线",
    "order", "order id", "order no", "order number", "tracking", "tracking number", "invoice",
    "version", "ver", "build", "timestamp", "ts", "sku", "model", "serial", "zip", "zipcode",
    "postcode", "amount", "price", "hotline", "ticket", "request id", "trace id", "txn",
)


@dataclass(frozen=True, slots=True)
class Cue:
    keyword: str
    positive_for: frozenset[str]
    negative: bool


def _trie_regex(words: list[str]) -> str:
    """A regex for a set of literal words, shaped as a trie (one branch tried per char)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return build(trie)


def _compile() -> tuple[re.Pattern[str], dict[str, Cue]]:
    cues: dict[str, Cue] = {}
    for kw, ents in POSITIVE.items():
        cues[kw.lower()] = Cue(kw, frozenset(ents), False)
        if not kw.isascii() and not kw.endswith("号"):
            # 护照号码 / 回乡证号 / 卡号是: the number words belong to the cue before them,
            # not to the generic cue 号码 (a phone cue).
            for suffix in ("号码", "号", "号是", "号码是", "是"):
                cues.setdefault((kw + suffix).lower(), Cue(kw + suffix, frozenset(ents), False))
    for kw in NEGATIVE:
        prev = cues.get(kw.lower())
        cues[kw.lower()] = Cue(kw, prev.positive_for if prev else frozenset(), True)
    return re.compile(_trie_regex(list(cues)), re.IGNORECASE), cues


_CUE_RE, _CUES = _compile()


def _is_letter(c: str) -> bool:
    return ("a" <= c <= "z") or ("A" <= c <= "Z")


def _whole(text: str, m: re.Match[str]) -> bool:
    """English cues must be whole words: not glued to letters on either side."""
    s, e = m.span()
    if not text[s].isascii():
        return True
    if s > 0 and _is_letter(text[s - 1]):
        # camelCase keys count as word starts: appVersion, userPhone
        if not (text[s].isupper() and text[s - 1].islower()):
            return False
    if e < len(text) and _is_letter(text[e]):
        return text[e].isupper() and text[e - 1].islower()  # phoneNumber, versionCode
    return True


def _in_tag(text: str, s: int, e: int) -> bool:
    """Inside a replacement tag such as ``<BANK_CARD_7>``: tags are not cues."""
    lt = text.rfind("<", max(0, s - 32), s)
    if lt < 0 or text.rfind(">", lt, s) >= 0:
        return False
    gt = text.find(">", e, e + 32)
    return gt >= 0 and text.find("<", e, gt) < 0


def nearest_cue_before(text: str, start: int, window: int) -> tuple[Cue | None, int]:
    """The keyword nearest to ``start`` within ``window`` characters before it, and the gap
    (characters between the keyword's end and ``start``)."""
    last = None
    for m in _CUE_RE.finditer(text, max(0, start - window), start):
        if _whole(text, m) and not _in_tag(text, m.start(), m.end()):
            last = m
    if last is None:
        return None, window
    return _CUES[last.group().lower()], start - last.end()


def cue_right_after(text: str, end: int, window: int = 6) -> Cue | None:
    """A keyword starting within ``window`` characters after ``end`` (e.g. ``138…（手机）``)."""
    for m in _CUE_RE.finditer(text, end, min(len(text), end + window)):
        if _whole(text, m) and not _in_tag(text, m.start(), m.end()):
            return _CUES[m.group().lower()]
    return None
