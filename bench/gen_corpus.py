#!/usr/bin/env python3
"""Seeded generator of piguard's labelled benchmark corpus (synthetic, mixed zh/en).

Writes to ``--out`` (default ``bench/out``):

- ``dense.jsonl``      dense-PI documents in six genres, about one PI value per ~100 characters;
- ``negatives.jsonl``  hard negatives only (no spans): things that look like PI and are not;
- ``logs.txt``         sparse, digit-heavy application logs (~1 PI line in 200), for throughput;
- ``logs.jsonl``       labels for the first ``--log-label-lines`` lines of ``logs.txt``,
                       in blocks of ``--log-block`` lines (same text, byte for byte);
- ``manifest.json``    seed, sizes and counts.

Record format (one JSON object per line)::

    {"id": "chat-000001", "genre": "chat", "text": "...",
     "spans": [[start, end, "ENTITY"], ...],          # gold PI, str offsets, end exclusive
     "hard_negatives": [[start, end, "kind"], ...]}   # look-alikes embedded on purpose

Spans follow ARCHITECTURE.md: the value only (no cue word, quotes or brackets), separators
inside, a phone's country code inside, names without titles (王先生 -> 王).

Every value is generated here, independently of piguard's code: own MOD 11-2, Luhn, USCC
(GB 32100 + GB 11714 inner check), ISO 3779 VIN and ISO 13616 IBAN implementations.
Division codes come from ``--division-codes`` (year,code,name CSV; defaults to the shared
jxlwqq/address-code-of-china copy) with a small built-in fallback. Names are composed from
short syllable lists; no real person's data is used.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "out"
DEFAULT_DIVISIONS = Path("/work/shared/eval/cn_admin_division_codes/address_code.csv")
GENERATOR_VERSION = "2"

# --------------------------------------------------------------------------------------
# Check algorithms (own implementations)
# --------------------------------------------------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def mod11_2(body17: str) -> str:
    """GB 11643 / ISO 7064 MOD 11-2 check character for a 17-digit body."""
    s = sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True))
    return "10X98765432"[s % 11]


def luhn_digit(body: str) -> str:
    """The Luhn check digit to append to ``body``."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(number: str) -> bool:
    return len(number) > 1 and luhn_digit(number[:-1]) == number[-1]


USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check(body17: str) -> str:
    s = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - s % 31) % 31]


def org_code_check(body8: str) -> str:
    """GB 11714 organisation-code check character (positions 9-16 of a USCC)."""
    s = sum(int(c, 36) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    c = 11 - s % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


VIN_TRANSLIT = {
    **{str(d): d for d in range(10)},
    "A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 8,
    "J": 1, "K": 2, "L": 3, "M": 4, "N": 5, "P": 7, "R": 9,
    "S": 2, "T": 3, "U": 4, "V": 5, "W": 6, "X": 7, "Y": 8, "Z": 9,
}
VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_check(vin17: str) -> str:
    """ISO 3779 check digit (position 9) for a 17-character VIN (position 9 ignored)."""
    s = sum(VIN_TRANSLIT[c] * w for c, w in zip(vin17, VIN_WEIGHTS, strict=True))
    r = s % 11
    return "X" if r == 10 else str(r)


def iban_check_digits(cc: str, bban: str) -> str:
    rearranged = bban + cc + "00"
    num = int("".join(str(int(ch, 36)) for ch in rearranged))
    return f"{98 - num % 97:02d}"


def iban_ok(iban: str) -> bool:
    s = iban.replace(" ", "")
    num = int("".join(str(int(ch, 36)) for ch in s[4:] + s[:4]))
    return num % 97 == 1


# --------------------------------------------------------------------------------------
# Division codes
# --------------------------------------------------------------------------------------

# Fallback when the CSV is absent: (code, first_year, last_year, province, city, county).
FALLBACK_DIVISIONS = [
    ("110101", 1980, 2020, "北京市", "", "东城区"),
    ("110105", 1980, 2020, "北京市", "", "朝阳区"),
    ("110108", 1980, 2020, "北京市", "", "海淀区"),
    ("110103", 1980, 2009, "北京市", "", "崇文区"),
    ("120101", 1980, 2020, "天津市", "", "和平区"),
    ("310101", 1980, 2020, "上海市", "", "黄浦区"),
    ("310104", 1980, 2020, "上海市", "", "徐汇区"),
    ("310103", 1980, 2011, "上海市", "", "卢湾区"),
    ("320102", 1980, 2020, "江苏省", "南京市", "玄武区"),
    ("320505", 1980, 2020, "江苏省", "苏州市", "虎丘区"),
    ("330106", 1980, 2020, "浙江省", "杭州市", "西湖区"),
    ("330102", 1980, 2020, "浙江省", "杭州市", "上城区"),
    ("370102", 1980, 2020, "山东省", "济南市", "历下区"),
    ("420106", 1980, 2020, "湖北省", "武汉市", "武昌区"),
    ("430104", 1980, 2020, "湖南省", "长沙市", "岳麓区"),
    ("440106", 1980, 2020, "广东省", "广州市", "天河区"),
    ("440305", 1990, 2020, "广东省", "深圳市", "南山区"),
    ("500103", 1997, 2020, "重庆市", "", "渝中区"),
    ("510104", 1980, 2020, "四川省", "成都市", "锦江区"),
    ("610113", 1980, 2020, "陕西省", "西安市", "雁塔区"),
]

PLACEHOLDER_NAMES = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖行政单位"}


@dataclass(frozen=True, slots=True)
class County:
    code: str
    first: int
    last: int
    province: str
    city: str
    county: str


def load_divisions(path: Path | None) -> tuple[list[County], str]:
    if path is None or not path.exists():
        return [County(*row) for row in FALLBACK_DIVISIONS], "built-in fallback (20 codes)"
    years: dict[str, list[int]] = {}
    names: dict[tuple[int, str], str] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.reader(fh):
            if len(row) < 3 or not row[0].isdigit():
                continue
            year, code, name = int(row[0]), row[1].strip(), row[2].strip()
            names[(year, code)] = name
            if code.endswith("00"):
                continue
            years.setdefault(code, []).append(year)
    counties = []
    for code, ys in years.items():
        first, last = min(ys), max(ys)
        county = names[(last, code)]
        if county in PLACEHOLDER_NAMES:
            continue
        province = names.get((last, code[:2] + "0000"), "")
        city = names.get((last, code[:4] + "00"), "")
        if city in PLACEHOLDER_NAMES or city == province:
            city = ""
        if not province:
            continue
        counties.append(County(code, first, last, province, city, county))
    counties.sort(key=lambda c: c.code)
    return counties, f"{path} ({len(counties)} county-level codes)"


# --------------------------------------------------------------------------------------
# Small synthetic vocabularies
# --------------------------------------------------------------------------------------

ZH_SURNAMES = [*list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严武戴莫孔向汤"
), "欧阳", "司马", "上官", "诸葛", "慕容"]
ZH_GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红玲芬婷宇浩凯鹏晨欣怡佳嘉子梓涵轩博"
    "文思雨泽睿诗若梦晓俊天一可心乐安雪林辰瑶琪然昊宁远航志成海波晴蕾翔"
)
EN_FIRST = [
    "Emily", "James", "Olivia", "Liam", "Sophia", "Noah", "Ava", "Ethan", "Mia", "Lucas",
    "Chloe", "Daniel", "Grace", "Ryan", "Hannah", "Nathan", "Zoe", "Owen", "Leah", "Caleb",
]
EN_LAST = [
    "Carter", "Bennett", "Hayes", "Morgan", "Foster", "Reed", "Collins", "Brooks", "Parker",
    "Hughes", "Ward", "Porter", "Fleming", "Walsh", "Sutton", "Lawson", "Holt", "Fisher",
    "Barker", "Doyle",
]
PY_SURNAMES = ["zhang", "wang", "li", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou",
               "xu", "sun", "ma", "hu", "guo", "lin", "he", "gao", "luo", "zheng"]
PY_GIVEN = ["wei", "fang", "na", "min", "jing", "qiang", "lei", "jun", "yang", "yong", "yan",
            "jie", "tao", "ming", "chao", "xia", "ping", "hua", "yu", "hao", "kai", "peng",
            "chen", "xin", "yi", "jia", "zi", "han", "xuan", "bo", "wen", "si", "rui", "ning"]
EMAIL_DOMAINS = ["qq.com", "163.com", "126.com", "sina.com", "foxmail.com", "gmail.com",
                 "outlook.com", "yahoo.com", "example.com", "example.org", "mail.example.cn",
                 "corp.example.com.cn", "univ.example.edu.cn", "hotmail.com", "icloud.com"]
ROAD_HEAD = ["人民", "中山", "解放", "建设", "长江", "黄河", "文化", "新华", "和平", "胜利", "光明",
             "东风", "青年", "幸福", "迎宾", "滨江", "科技", "学院", "工业", "朝阳", "金湖", "北环"]
ROAD_TAIL = ["路", "大道", "街", "东路", "西路", "南路", "北路", "中路", "大街"]
ESTATE_HEAD = ["阳光", "金桥", "翠苑", "锦绣", "枫林", "碧水", "华庭", "御景", "紫荆", "海棠",
               "春晓", "明珠", "绿洲", "和谐", "静安", "天悦"]
ESTATE_TAIL = ["花园", "小区", "家园", "公寓", "新村", "雅苑", "名邸", "大厦"]
TOWN_HEAD = ["城关", "新塘", "石桥", "白沙", "清水", "高桥", "柳河", "东坝"]
VILLAGE_HEAD = ["大王", "李家", "前进", "红星", "新民", "张庄", "河西", "上湾"]
EN_STREETS = ["Maple", "Oak", "Pine", "Cedar", "Elm", "Lake", "Hill", "Park", "Willow",
              "Sunset", "River", "Meadow", "Highland", "Chestnut"]
EN_STREET_SUFFIX = ["Street", "Avenue", "Road", "Lane", "Drive", "Boulevard", "Court", "Way"]
EN_CITIES = [("Springfield", "IL"), ("Riverton", "WY"), ("Fairview", "OR"),
             ("Greenville", "SC"), ("Madison", "WI"), ("Georgetown", "TX"),
             ("Franklin", "TN"), ("Salem", "MA"), ("Clinton", "IA"), ("Arlington", "VA")]
PROVINCE_ABBR = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
VIN_YEAR = "ABCDEFGHJKLMNPRSTVWXY123456789"
VIN_WMI = ["LSV", "LFV", "LGB", "LBV", "LVS", "LHG", "LSG", "LGW", "LRW", "LGX", "LFP", "LDC",
           "WBA", "WVW", "JHM", "1HG", "5YJ", "KMH"]
MOBILE_PREFIXES = (
    [f"13{d}" for d in range(10)]
    + ["145", "147", "150", "151", "152", "153", "155", "156", "157", "158", "159", "166",
       "172", "173", "175", "176", "177", "178"]
    + [f"18{d}" for d in range(10)]
    + ["190", "191", "193", "195", "196", "197", "198", "199"]
)
# area code -> local number length (checked against libphonenumber while writing this)
LANDLINE_AREAS = {
    "010": 8, "020": 8, "021": 8, "022": 8, "023": 8, "024": 8, "025": 8, "027": 8,
    "028": 8, "029": 8, "0571": 8, "0574": 8, "0755": 8, "0757": 8, "0769": 8, "0512": 8,
    "0531": 8, "0532": 8, "0551": 8, "0731": 8, "0371": 8, "0311": 8, "0431": 8,
    "0871": 8, "0898": 8, "0592": 7, "0351": 7, "0991": 7,
}
UNIONPAY_BINS = ["622202", "622848", "621700", "622588", "621483", "622609", "623058",
                 "621226", "622700", "621661", "622908", "625800", "622260", "621799"]
US_AREA = ["201", "202", "206", "212", "213", "305", "312", "404", "415", "425", "503",
           "512", "617", "646", "702", "718", "773", "917", "971"]
FOREIGN_NATIONALITY = ["840", "826", "392", "410", "276", "250", "036", "124", "643", "702",
                       "764", "458", "380", "724", "528"]
PR_PROVINCES = ["11", "12", "31", "32", "33", "35", "37", "44", "50", "51", "42", "61"]
HOTLINES = ["95588", "95533", "95555", "95566", "95599", "95559", "95508", "95511", "10086",
            "10010", "10000", "12345", "12315", "12306", "12366", "400-820-8820",
            "800-810-8888", "4008208820", "400-610-1234", "1-800-123-4567", "1-800-275-2273"]
MODELS = ["SM-G9910", "SM-S9180", "iPhone15,2", "A2848", "XQ-AT52", "ALN-AL00", "M2012K11AC",
          "22081212C", "V2231A", "PGT-AN10", "RTX 4090", "ThinkPad X1 Carbon Gen 11 21HM0017CD",
          "MacBookPro18,3", "MI 13 Pro", "Redmi K70", "HUAWEI Mate 60 Pro", "2201123C",
          "DS-2CD3T46WDV3-I3", "WH-1000XM5", "KFR-35GW/NhGc1B"]

ZH_FILLER = [
    "好的，我知道了。", "请问还有其他问题吗？", "系统显示已经受理，请耐心等待。",
    "麻烦尽快处理，谢谢！", "这个问题之前也反馈过一次。", "我们会在二十四小时内回复您。",
    "活动期间满三百减四十，可以叠加优惠券。", "如有疑问可随时联系在线客服。", "感谢您的耐心等待。",
    "页面一直在转圈，刷新也没用。", "昨天晚上已经提交过申请了。", "好的，稍后给您回电。",
    "请核对以下信息是否正确。", "根据相关规定，需要补充材料。", "请勿将验证码告知他人。",
    "天气转凉，注意保暖。", "这边帮您备注一下。", "明白，那就按原地址发货。",
]
EN_FILLER = [
    "Thanks for reaching out.", "Please let me know if you need anything else.",
    "I have attached the screenshot.", "This is the second time this happened.",
    "We will get back to you within one business day.", "Sorry for the inconvenience.",
    "The app keeps crashing after the update.", "Could you please look into it asap?",
    "Best regards.", "I appreciate your help.", "Looking forward to your reply.",
]


# --------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Val:
    text: str
    entity: str | None = None  # gold entity, or None
    neg: str | None = None  # hard-negative kind, or None (plain text)


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def digit_run_is_risky(s: str) -> bool:
    """True when a pure-digit negative would accidentally be a valid value of some entity
    under its checksum (Luhn card/IMEI, MOD 11-2 ID, USCC with its inner check) or read as
    a bare CN mobile number. Negatives must be unambiguous, so these are re-drawn."""
    if not s.isdigit():
        return False
    n = len(s)
    if 13 <= n <= 19 and luhn_ok(s):
        return True
    if n == 18 and (mod11_2(s[:17]) == s[17] or (uscc_check(s[:17]) == s[17]
                                                  and org_code_check(s[8:16]) == s[16])):
        return True
    return n == 11 and s[0] == "1" and s[1] in "3456789"


def group(s: str, sizes: list[int], sep: str) -> str:
    out, i = [], 0
    for k in sizes:
        if i >= len(s):
            break
        out.append(s[i:i + k])
        i += k
    if i < len(s):
        out.append(s[i:])
    return sep.join(out)


class Gen:
    """Value generators; ``make(kind)`` dispatches to ``k_<kind>``."""

    def __init__(self, rng: random.Random, counties: list[County]) -> None:
        self.rng = rng
        self.counties = counties
        self.alive = [c for c in counties if c.last >= 2020] or counties
        self.abolished = [c for c in counties if c.last < 2020]
        self.old = [c for c in counties if c.first <= 1980] or counties

    def make(self, kind: str) -> Val:
        fn = getattr(self, "k_" + kind, None)
        if fn is None:
            raise KeyError(f"unknown placeholder {{{kind}}}")
        return fn()

    # ---- helpers ---------------------------------------------------------------------
    def date(self, y0: int, y1: int) -> tuple[int, int, int]:
        r = self.rng
        y = r.randint(y0, y1)
        m = r.randint(1, 12)
        mdays = [31, 29 if (y % 4 == 0 and (y % 100 or y % 400 == 0)) else 28, 31, 30, 31, 30,
                 31, 31, 30, 31, 30, 31][m - 1]
        return y, m, r.randint(1, mdays)

    def id18_parts(self) -> tuple[str, str]:
        """(body17, check) of a valid citizen number."""
        r = self.rng
        c = r.choice(self.abolished) if self.abolished and r.random() < 0.1 else \
            r.choice(self.alive)
        lo = 1935 if c.first <= 1980 else c.first
        hi = min(c.last, 2016)
        y, m, d = self.date(min(lo, hi), hi)
        body = f"{c.code}{y:04d}{m:02d}{d:02d}{digits(r, 3)}"
        return body, mod11_2(body)

    def county(self) -> County:
        return self.rng.choice(self.alive)

    # ---- identity --------------------------------------------------------------------
    def k_id18(self) -> Val:
        body, chk = self.id18_parts()
        if chk == "X" and self.rng.random() < 0.05:
            chk = "x"
        return Val(body + chk, "CN_RESIDENT_ID")

    def k_id15(self) -> Val:
        r = self.rng
        c = r.choice(self.old)
        y, m, d = self.date(1935, max(1935, min(1984, c.last)))
        return Val(f"{c.code}{y % 100:02d}{m:02d}{d:02d}{digits(r, 3)}", "CN_RESIDENT_ID")

    def k_hmt(self) -> Val:
        r = self.rng
        y, m, d = self.date(1945, 2010)
        body = f"{r.choice(['810000', '820000', '830000'])}{y:04d}{m:02d}{d:02d}{digits(r, 3)}"
        return Val(body + mod11_2(body), "CN_RESIDENCE_PERMIT_HMT")

    def k_pr(self) -> Val:
        r = self.rng
        y, m, d = self.date(1950, 2010)
        body = (f"9{r.choice(PR_PROVINCES)}{r.choice(FOREIGN_NATIONALITY)}"
                f"{y:04d}{m:02d}{d:02d}{digits(r, 3)}")
        return Val(body + mod11_2(body), "CN_FOREIGNER_PR_ID")

    def k_passport(self) -> Val:
        r = self.rng
        x = r.random()
        if x < 0.4:
            v = "E" + digits(r, 8)
        elif x < 0.9:
            v = "E" + r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + digits(r, 7)
        else:
            v = "G" + digits(r, 8)
        return Val(v, "CN_PASSPORT")

    def k_hkmo(self) -> Val:
        return Val(self.rng.choice("HM") + digits(self.rng, 8), "CN_HK_MACAU_PERMIT")

    def k_twp(self) -> Val:
        return Val(str(self.rng.randint(1, 9)) + digits(self.rng, 7), "CN_TAIWAN_PERMIT")

    def k_exitp(self) -> Val:
        """往来港澳通行证 (mainland residents to HK/Macau): C + 8 digits or C + letter + 7."""
        r = self.rng
        if r.random() < 0.5:
            return Val("C" + digits(r, 8), "CN_EXIT_ENTRY_PERMIT")
        return Val("C" + r.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + digits(r, 7),
                   "CN_EXIT_ENTRY_PERMIT")

    def k_exitp_tw(self) -> Val:
        """往来台湾通行证 (mainland residents to Taiwan): L + 8 digits."""
        return Val("L" + digits(self.rng, 8), "CN_EXIT_ENTRY_PERMIT")

    def k_uscc(self) -> Val:
        r = self.rng
        head = r.choices(["91", "92", "12", "52", "93", "31"], [70, 10, 8, 5, 3, 4])[0]
        org = digits(r, 8)
        body = head + self.county().code + org + org_code_check(org)
        return Val(body + uscc_check(body), "CN_USCC")

    # ---- contact ---------------------------------------------------------------------
    def mobile_digits(self) -> str:
        r = self.rng
        p = r.choice(MOBILE_PREFIXES)
        if p == "134":
            return p + str(r.randint(0, 8)) + digits(r, 7)
        return p + digits(r, 8)

    def k_mobile(self) -> Val:
        r = self.rng
        n = self.mobile_digits()
        a, b, c = n[:3], n[3:7], n[7:]
        x = r.random()
        if x < 0.52:
            v = n
        elif x < 0.60:
            v = f"{a} {b} {c}"
        elif x < 0.70:
            v = f"{a}-{b}-{c}"
        elif x < 0.78:
            v = f"+86 {a} {b} {c}"
        elif x < 0.84:
            v = f"+86 {n}"
        elif x < 0.88:
            v = f"+86-{a}-{b}-{c}"
        elif x < 0.94:
            v = f"+86{n}"
        elif x < 0.96:
            v = f"0086 {n}"
        else:
            v = f"+86-{n}"
        return Val(v, "PHONE_NUMBER")

    def k_mobile_plain(self) -> Val:
        return Val(self.mobile_digits(), "PHONE_NUMBER")

    def k_landline(self) -> Val:
        r = self.rng
        area, n = r.choice(list(LANDLINE_AREAS.items()))
        local = str(r.randint(2, 8)) + digits(r, n - 1)
        half = n // 2
        x = r.random()
        if x < 0.45:
            v = f"{area}-{local}"
        elif x < 0.62:
            v = f"({area}){local}"
        elif x < 0.70:
            v = f"{area} {local[:half]} {local[half:]}"
        elif x < 0.75:
            v = f"({area}) {local[:half]}-{local[half:]}"
        elif x < 0.80:
            v = f"{area}-{local[:half]} {local[half:]}"
        elif x < 0.90:
            v = f"+86 {area[1:]} {local[:half]} {local[half:]}"
        elif x < 0.94:
            v = f"+86-{area[1:]}-{local}"
        else:
            v = f"{area}{local}"
        return Val(v, "PHONE_NUMBER")

    def k_intl_phone(self) -> Val:
        r = self.rng
        x = r.random()
        if x < 0.40:  # US, fictional 555-01xx range
            a, line = r.choice(US_AREA), f"01{digits(r, 2)}"
            v = r.choice([f"+1 {a}-555-{line}", f"+1 ({a}) 555-{line}", f"({a}) 555-{line}",
                          f"{a}-555-{line}", f"+1 {a} 555 {line}"])
        elif x < 0.52:  # UK drama range
            v = f"+44 20 7946 0{digits(r, 3)}"
        elif x < 0.64:  # prefixes libphonenumber accepts in full
            hk = r.choice(["61", "63", "64", "65", "69", "94", "96", "97"])
            v = f"+852 {hk}{digits(r, 2)} {digits(r, 4)}"
        elif x < 0.72:
            sg = r.choice(["8" + str(r.randint(1, 9)), "9" + str(r.randint(0, 8))])
            v = f"+65 {sg}{digits(r, 2)} {digits(r, 4)}"
        elif x < 0.80:
            v = f"+81 80-{digits(r, 4)}-{digits(r, 4)}"
        elif x < 0.88:
            v = f"+886 9{digits(r, 2)} {digits(r, 3)} {digits(r, 3)}"
        elif x < 0.94:
            v = f"+82 10-{digits(r, 4)}-{digits(r, 4)}"
        else:
            v = f"+49 151 {digits(r, 8)}"
        return Val(v, "PHONE_NUMBER")

    def local_part(self) -> str:
        r = self.rng
        s, g = r.choice(PY_SURNAMES), r.choice(PY_GIVEN)
        x = r.random()
        if x < 0.2:
            return s + g + str(r.randint(1, 99))
        if x < 0.35:
            return f"{g}.{s}"
        if x < 0.45:
            return f"{s[0]}{g[0]}_{r.randint(1970, 2005)}"
        if x < 0.55:
            return str(r.randint(10000, 3999999999))  # QQ-mail style
        if x < 0.70:
            f, la = r.choice(EN_FIRST).lower(), r.choice(EN_LAST).lower()
            return f"{f}.{la}" if r.random() < 0.6 else f"{f[0]}{la}{r.randint(1, 99)}"
        if x < 0.78:
            return f"{s}{g}+{r.choice(['shop', 'news', 'bank'])}"
        if x < 0.85:
            return f"{s}-{g}{r.randint(1, 9)}"
        return s + g

    def k_email(self) -> Val:
        r = self.rng
        v = f"{self.local_part()}@{r.choice(EMAIL_DOMAINS)}"
        if r.random() < 0.04:
            v = v.upper() if r.random() < 0.3 else v[0].upper() + v[1:]
        return Val(v, "EMAIL_ADDRESS")

    def k_qq(self) -> Val:
        n = self.rng.choice([6, 7, 8, 9, 9, 10, 10])
        return Val(str(self.rng.randint(1, 9)) + digits(self.rng, n - 1), "CN_QQ")

    def k_wechat(self) -> Val:
        r = self.rng
        if r.random() < 0.3:
            v = "wxid_" + "".join(r.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                                  for _ in range(14))
        else:
            s, g = r.choice(PY_SURNAMES), r.choice(PY_GIVEN)
            v = r.choice([f"{s}{g}_{r.randint(1970, 2010)}", f"{g}-{s}{r.randint(1, 99)}",
                          f"{s.capitalize()}{g.capitalize()}{r.randint(100, 999)}",
                          f"{r.choice(EN_FIRST).lower()}_{s}{r.randint(1, 9)}"])
        return Val(v, "CN_WECHAT_ID")

    # ---- finance ---------------------------------------------------------------------
    def card_digits(self) -> str:
        r = self.rng
        x = r.random()
        if x < 0.55:
            bin6 = r.choice(UNIONPAY_BINS)
            n = 19 if (bin6.startswith(("621", "622", "623")) and r.random() < 0.65) else 16
        elif x < 0.75:
            bin6, n = "4" + digits(r, 5), 16
        elif x < 0.90:
            bin6 = (str(r.randint(51, 55)) + digits(r, 4)) if r.random() < 0.8 else \
                (str(r.randint(2221, 2720)) + digits(r, 2))
            n = 16
        elif x < 0.95:
            bin6, n = r.choice(["34", "37"]) + digits(r, 4), 15
        else:
            bin6, n = str(r.randint(3528, 3589)) + digits(r, 2), 16
        body = bin6 + digits(r, n - 7)
        return body + luhn_digit(body)

    def k_card(self) -> Val:
        r = self.rng
        num = self.card_digits()
        x = r.random()
        if len(num) == 15:
            sizes = [4, 6, 5]
        else:
            sizes = [4, 4, 4, 4, 4]
        if x < 0.40:
            v = num
        elif x < 0.88:
            v = group(num, sizes, " ")
        else:
            v = group(num, sizes, "-")
        return Val(v, "BANK_CARD")

    def k_card_plain(self) -> Val:
        return Val(self.card_digits(), "BANK_CARD")

    def k_iban(self) -> Val:
        r = self.rng
        cc = r.choice(["DE", "GB", "NL", "CH", "AT", "FR"])
        if cc == "DE":
            bban = digits(r, 18)
        elif cc == "GB":
            bban = r.choice(["NWBK", "BARC", "HBUK", "LOYD", "MIDL"]) + digits(r, 14)
        elif cc == "NL":
            bban = r.choice(["ABNA", "INGB", "RABO", "TRIO"]) + digits(r, 10)
        elif cc == "CH":
            bban = digits(r, 17)
        elif cc == "AT":
            bban = digits(r, 16)
        else:  # FR with a correct RIB key
            bank, branch, acct = digits(r, 5), digits(r, 5), digits(r, 11)
            key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(acct)) % 97
            bban = f"{bank}{branch}{acct}{key:02d}"
        compact = cc + iban_check_digits(cc, bban) + bban
        v = group(compact, [4] * 9, " ") if r.random() < 0.6 else compact
        return Val(v, "IBAN")

    # ---- network / device ------------------------------------------------------------
    def k_ipv4(self) -> Val:
        r = self.rng
        x = r.random()
        if x < 0.12:
            v = f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"
        elif x < 0.22:
            v = f"192.168.{r.randint(0, 255)}.{r.randint(1, 254)}"
        elif x < 0.27:
            v = f"172.{r.randint(16, 31)}.{r.randint(0, 255)}.{r.randint(1, 254)}"
        else:
            first = r.choice([36, 39, 42, 58, 59, 60, 61, 101, 106, 110, 111, 112, 113, 114,
                              115, 116, 117, 119, 120, 121, 122, 123, 124, 125, 180, 182, 183,
                              202, 203, 210, 211, 218, 219, 220, 221, 222, 223, 23, 45, 66, 98])
            v = f"{first}.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}"
        return Val(v, "IP_ADDRESS")

    def k_ipv6(self) -> Val:
        r = self.rng

        def h() -> str:
            return f"{r.getrandbits(16):x}"

        x = r.random()
        pre = r.choice(["240e", "2408", "2409", "2001:db8", "2400:da00", "2a02"])
        npre = pre.count(":") + 1
        if x < 0.3:
            v = ":".join([pre] + [h() for _ in range(8 - npre)])
        elif x < 0.85:
            v = ":".join([pre] + [h() for _ in range(r.randint(1, 3))]) + "::" + \
                ":".join(h() for _ in range(r.randint(1, 2)))
        else:
            v = "fe80::" + ":".join(h() for _ in range(4))
        return Val(v, "IP_ADDRESS")

    def k_mac(self) -> Val:
        r = self.rng
        b = [r.getrandbits(8) for _ in range(6)]
        b[0] &= 0xFC
        x = r.random()
        if x < 0.5:
            v = ":".join(f"{o:02X}" for o in b)
        elif x < 0.75:
            v = ":".join(f"{o:02x}" for o in b)
        elif x < 0.9:
            v = "-".join(f"{o:02X}" for o in b)
        else:
            hx = "".join(f"{o:02x}" for o in b)
            v = f"{hx[0:4]}.{hx[4:8]}.{hx[8:12]}"
        return Val(v, "MAC_ADDRESS")

    def k_imei(self) -> Val:
        r = self.rng
        body = r.choice(["86", "35", "86", "01"]) + digits(r, 12)
        return Val(body + luhn_digit(body), "IMEI")

    # ---- vehicle / location ----------------------------------------------------------
    def k_plate(self) -> Val:
        r = self.rng
        p, a = r.choice(PROVINCE_ABBR), r.choice(PLATE_LETTERS)
        x = r.random()
        if x < 0.73:
            chars = list(digits(r, 5))
            for _ in range(r.choice([0, 0, 1, 1, 2])):
                chars[r.randrange(5)] = r.choice(PLATE_LETTERS)
            body = "".join(chars)
            v = f"{p}{a}{body}" if x < 0.65 else f"{p}{a}·{body}"
        elif x < 0.85:
            v = f"{p}{a}{r.choice('DF')}{r.choice(PLATE_LETTERS + '0123456789')}{digits(r, 4)}"
        elif x < 0.89:
            v = f"{p}{a}{digits(r, 5)}{r.choice('DF')}"
        elif x < 0.92:
            v = f"{p}{a}{digits(r, 4)}学"
        elif x < 0.95:
            v = f"{p}{a}{digits(r, 4)}警"
        elif x < 0.98:
            v = f"粤Z{digits(r, 4)}{r.choice('港澳')}"
        else:
            v = f"{p}{a}{digits(r, 4)}挂"
        return Val(v, "CN_LICENSE_PLATE")

    def k_vin(self) -> Val:
        r = self.rng
        s = (r.choice(VIN_WMI) + "".join(r.choice(VIN_CHARS) for _ in range(5)) + "0"
             + r.choice(VIN_YEAR) + r.choice(VIN_CHARS) + digits(r, 6))
        return Val(s[:8] + vin_check(s) + s[9:], "VIN")

    def k_geo(self) -> Val:
        r = self.rng
        nd = r.choice([4, 5, 6])
        lat, lon = r.uniform(18.2, 53.5), r.uniform(73.5, 134.7)
        sep = r.choice([", ", ",", ", ", ",", ", ", ", ", ",", " "])
        return Val(f"{lat:.{nd}f}{sep}{lon:.{nd}f}", "GEO_COORDINATE")

    def k_geo_us(self) -> Val:
        r = self.rng
        nd = r.choice([4, 5, 6])
        lat, lon = r.uniform(25.0, 48.5), r.uniform(-124.0, -70.0)
        return Val(f"{lat:.{nd}f}, {lon:.{nd}f}", "GEO_COORDINATE")

    # ---- person ----------------------------------------------------------------------
    def k_dob_zh(self) -> Val:
        r = self.rng
        y, m, d = self.date(1950, 2012)
        v = r.choice([f"{y}-{m:02d}-{d:02d}", f"{y}年{m}月{d}日", f"{y}/{m:02d}/{d:02d}",
                      f"{y}.{m:02d}.{d:02d}", f"{y}年{m:02d}月{d:02d}日"])
        return Val(v, "DATE_OF_BIRTH")

    def k_dob_en(self) -> Val:
        r = self.rng
        y, m, d = self.date(1950, 2012)
        months = ["January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"]
        v = r.choice([f"{months[m - 1]} {d}, {y}", f"{d:02d} {months[m - 1][:3]} {y}",
                      f"{y}-{m:02d}-{d:02d}", f"{m:02d}/{d:02d}/{y}"])
        return Val(v, "DATE_OF_BIRTH")

    def k_ssn(self) -> Val:
        r = self.rng
        area = r.choice([a for a in range(1, 900) if a != 666])
        g, s = r.randint(1, 99), r.randint(1, 9999)
        sep = "-" if r.random() < 0.85 else " "
        return Val(f"{area:03d}{sep}{g:02d}{sep}{s:04d}", "US_SSN")

    def k_name_zh(self) -> Val:
        r = self.rng
        n = r.choice([1, 2, 2])
        return Val(r.choice(ZH_SURNAMES) + "".join(r.choice(ZH_GIVEN) for _ in range(n)),
                   "PERSON_NAME")

    def k_name_zh_sur(self) -> Val:
        return Val(self.rng.choice(ZH_SURNAMES), "PERSON_NAME")

    def k_name_en(self) -> Val:
        r = self.rng
        if r.random() < 0.2:
            return Val(f"{r.choice(PY_GIVEN).capitalize()} {r.choice(PY_SURNAMES).capitalize()}",
                       "PERSON_NAME")
        return Val(f"{r.choice(EN_FIRST)} {r.choice(EN_LAST)}", "PERSON_NAME")

    def k_name_en_first(self) -> Val:
        return Val(self.rng.choice(EN_FIRST), "PERSON_NAME")

    def k_name_en_last(self) -> Val:
        return Val(self.rng.choice(EN_LAST), "PERSON_NAME")

    def k_addr_zh(self) -> Val:
        r = self.rng
        c = self.county()
        head = c.province + c.city if (not c.city or r.random() < 0.7) else c.city
        head += c.county
        if r.random() < 0.15:
            tail = (f"{r.choice(TOWN_HEAD)}镇{r.choice(VILLAGE_HEAD)}村{r.randint(1, 12)}组"
                    f"{r.randint(1, 99)}号")
        else:
            tail = f"{r.choice(ROAD_HEAD)}{r.choice(ROAD_TAIL)}{r.randint(1, 999)}号"
            y = r.random()
            if y < 0.6:
                tail += (f"{r.choice(ESTATE_HEAD)}{r.choice(ESTATE_TAIL)}{r.randint(1, 30)}栋"
                         f"{r.randint(1, 6)}单元{r.randint(1, 33)}{r.randint(1, 8):02d}室")
            elif y < 0.8:
                tail += f"{r.randint(1, 40)}楼{r.randint(1, 40):02d}室"
        return Val(head + tail, "ADDRESS")

    def k_addr_en(self) -> Val:
        r = self.rng
        city, st = r.choice(EN_CITIES)
        unit = r.choice(["", f", Apt {r.randint(1, 30)}{r.choice('ABCD')}",
                         f", Suite {r.randint(100, 999)}"])
        return Val(f"{r.randint(10, 9999)} {r.choice(EN_STREETS)} {r.choice(EN_STREET_SUFFIX)}"
                   f"{unit}, {city}, {st} {r.randint(10000, 99999)}", "ADDRESS")

    # ---- plain literals (no label) ---------------------------------------------------
    def k_sex(self) -> Val:
        return Val(self.rng.choice("男女"))

    def k_n(self) -> Val:
        return Val(str(self.rng.randint(1, 9)))

    def k_port(self) -> Val:
        return Val(str(self.rng.randint(1025, 65535)))

    def k_ms(self) -> Val:
        return Val(str(self.rng.randint(1, 2500)))

    def k_chat_ts(self) -> Val:
        r = self.rng
        y, m, d = self.date(2023, 2024)
        return Val(f"{y}-{m:02d}-{d:02d} {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:"
                   f"{r.randint(0, 59):02d}")

    def k_log_ts(self) -> Val:
        r = self.rng
        y, m, d = self.date(2023, 2024)
        return Val(f"{y}-{m:02d}-{d:02d} {r.randint(0, 23):02d}:{r.randint(0, 59):02d}:"
                   f"{r.randint(0, 59):02d}.{r.randint(0, 999):03d}")

    def k_thread(self) -> Val:
        r = self.rng
        return Val(r.choice([f"http-nio-8080-exec-{r.randint(1, 200)}",
                             f"pool-{r.randint(1, 9)}-thread-{r.randint(1, 64)}",
                             "main", f"kafka-consumer-{r.randint(1, 12)}",
                             f"grpc-default-executor-{r.randint(0, 99)}"]))

    def k_level(self) -> Val:
        return Val(self.rng.choice(["INFO", "INFO", "INFO", "WARN", "DEBUG", "ERROR"]))

    # ---- hard negatives --------------------------------------------------------------
    def _neg_digits(self, make, kind: str) -> Val:
        for _ in range(100):
            s = make()
            if not digit_run_is_risky(s.replace(" ", "").replace("-", "")):
                return Val(s, None, kind)
        raise RuntimeError(kind)

    def k_neg_id_badcheck(self) -> Val:
        while True:
            body, chk = self.id18_parts()
            bad = self.rng.choice([c for c in "0123456789X" if c != chk])
            if not digit_run_is_risky(body + bad):
                return Val(body + bad, None, "id_bad_check")

    def k_neg_id_in_run(self) -> Val:
        r = self.rng
        while True:
            body, chk = self.id18_parts()
            if chk != "X":
                break
        return Val(digits(r, r.randint(2, 5)) + body + chk + digits(r, r.randint(2, 5)),
                   None, "id_in_digit_run")

    def k_neg_phone_in_id(self) -> Val:
        """An ID-shaped number (wrong check) whose 199x birth year reads like a 199 mobile."""
        r = self.rng
        c = r.choice(self.alive)
        y, m, d = self.date(1990, 1999)
        while True:
            body = f"{c.code}{y:04d}{m:02d}{d:02d}{digits(r, 3)}"
            bad = r.choice([x for x in "0123456789X" if x != mod11_2(body)])
            if not digit_run_is_risky(body + bad):
                return Val(body + bad, None, "phone_inside_id")

    def k_neg_order(self) -> Val:
        r = self.rng

        def mk() -> str:
            y, m, d = self.date(2023, 2024)
            return f"{y}{m:02d}{d:02d}" + digits(r, r.choice([10, 11, 11, 12]))

        return self._neg_digits(mk, "order_number")

    def k_neg_trade_no(self) -> Val:
        r = self.rng
        y, m, d = self.date(2023, 2024)
        return Val(f"4200{digits(r, 6)}{y}{m:02d}{d:02d}{digits(r, 10)}", None, "trade_number")

    def k_neg_ts13(self) -> Val:
        return self._neg_digits(lambda: str(self.rng.randint(1_690_000_000_000,
                                                             1_720_000_000_000)), "timestamp")

    def k_neg_ts10(self) -> Val:
        return Val(str(self.rng.randint(1_690_000_000, 1_720_000_000)), None, "timestamp")

    def k_neg_ts14(self) -> Val:
        r = self.rng
        y, m, d = self.date(2023, 2024)
        return Val(f"{y}{m:02d}{d:02d}{r.randint(0, 23):02d}{r.randint(0, 59):02d}"
                   f"{r.randint(0, 59):02d}", None, "timestamp")

    def k_neg_datetime(self) -> Val:
        v = self.k_chat_ts().text
        return Val(v, None, "date_not_dob")

    def k_neg_date_zh(self) -> Val:
        y, m, d = self.date(2023, 2025)
        return Val(f"{y}年{m}月{d}日", None, "date_not_dob")

    def k_neg_luhnfail16(self) -> Val:
        r = self.rng
        while True:
            body = r.choice(["62", "4", "5" + str(r.randint(1, 5))])
            body += digits(r, 16 - len(body))
            if not luhn_ok(body):
                break
        v = group(body, [4, 4, 4, 4], " ") if r.random() < 0.4 else body
        return Val(v, None, "luhn_fail_16")

    def k_neg_version(self) -> Val:
        """Version strings that are not IPv4-shaped (those are k_neg_version4, after a cue)."""
        r = self.rng
        v = r.choice([
            f"v10.0.{r.choice([19041, 19045, 22621, 22631])}.{r.randint(1, 4000)}",
            f"Chrome/{r.randint(100, 131)}.0.{r.randint(5000, 6800)}.{r.randint(10, 200)}",
            f"10.0.{r.choice([19041, 19045, 22621, 22631])}.{r.randint(1, 4000)}",
            f"v{r.randint(1, 9)}.{r.randint(0, 30)}.{r.randint(0, 30)}",
            f"{r.randint(1, 20)}.{r.randint(0, 9)}.{r.randint(0, 99)}.{r.randint(1000, 99999)}",
        ])
        return Val(v, None, "version")

    def k_neg_version4(self) -> Val:
        """An IPv4-shaped version string (always written after a version cue)."""
        r = self.rng
        return Val(f"{r.randint(1, 9)}.{r.randint(0, 9)}.{r.randint(0, 9)}.{r.randint(0, 20)}",
                   None, "version")

    def k_neg_hotline(self) -> Val:
        return Val(self.rng.choice(HOTLINES), None, "hotline")

    def k_neg_masked_phone(self) -> Val:
        r = self.rng
        n = self.mobile_digits()
        v = r.choice([f"{n[:3]}****{n[7:]}", f"{n[:3]} **** {n[7:]}", f"+86 {n[:3]}****{n[7:]}",
                      f"{n[:3]}*****{n[8:]}", "*" * 7 + n[7:]])
        return Val(v, None, "masked")

    def k_neg_masked_id(self) -> Val:
        r = self.rng
        body, chk = self.id18_parts()
        v = r.choice([body[:6] + "*" * 8 + body[14:] + chk, body[:4] + "*" * 10 + body[14:] + chk,
                      body[:3] + "*" * 11 + body[14:] + chk, body[:1] + "*" * 15 + body[16:] + chk,
                      body[:6] + "********" + "****"])
        return Val(v, None, "masked")

    def k_neg_masked_card(self) -> Val:
        r = self.rng
        num = self.card_digits()
        v = r.choice([f"{num[:4]} **** **** {num[-4:]}", f"{num[:6]}******{num[-4:]}",
                      f"**** **** **** {num[-4:]}", f"{num[:6]}*********{num[-4:]}"])
        return Val(v, None, "masked")

    def k_neg_masked_name(self) -> Val:
        r = self.rng
        return Val(r.choice(ZH_SURNAMES[:80]) + r.choice(["*", "**", "某", "某某"]), None, "masked")

    def k_neg_masked_email(self) -> Val:
        r = self.rng
        lp = self.local_part()
        return Val(f"{lp[0]}***@{r.choice(EMAIL_DOMAINS)}", None, "masked")

    def k_neg_tail4(self) -> Val:
        return Val(digits(self.rng, 4), None, "card_tail")

    def k_neg_tracking(self) -> Val:
        r = self.rng

        def mk() -> str:
            return r.choice([
                "SF" + str(r.randint(1, 9)) + digits(r, 12), "YT" + digits(r, 13),
                "JT" + digits(r, 13), "JD" + digits(r, 13), "773" + digits(r, 12),
                "43" + digits(r, 11), "E" + r.choice("ABMKL") + digits(r, 9) + "CN",
                "1Z" + "".join(r.choice("0123456789ABCDEFGHJKLMNPRSTUVWXY") for _ in range(16)),
            ])

        return self._neg_digits(mk, "tracking_number")

    def k_neg_sku(self) -> Val:
        r = self.rng

        def mk() -> str:
            return r.choice([
                "1000" + digits(r, 8), "SKU-" + r.choice("ABCDEFGH") + digits(r, 4) + "-"
                + r.choice(["S", "M", "L", "XL"]), digits(r, 9) + r.choice("ABC"),
                "P" + digits(r, 10),
            ])

        return self._neg_digits(mk, "sku")

    def k_neg_amount(self) -> Val:
        r = self.rng
        a = r.randint(1, 99_999_999) / 100
        v = r.choice([f"¥{a:,.2f}", f"￥{a:,.2f}", f"{a:,.2f}元", f"USD {a:,.2f}", f"${a:,.2f}",
                      f"{a:.2f}", f"RMB{a:.2f}"])
        return Val(v, None, "amount")

    def k_neg_zip(self) -> Val:
        r = self.rng
        return Val(r.choice(["100020", "310012", "518000", "200040", "610041", "430070",
                             f"{r.randint(10, 85)}{digits(r, 4)}"]), None, "zip_code")

    def k_neg_zip_us(self) -> Val:
        r = self.rng
        return Val(f"{r.randint(10000, 99999)}" + (f"-{digits(r, 4)}" if r.random() < .3 else ""),
                   None, "zip_code")

    def k_neg_model(self) -> Val:
        return Val(self.rng.choice(MODELS), None, "product_model")

    def k_neg_uuid(self) -> Val:
        return Val(str(uuid.UUID(int=self.rng.getrandbits(128), version=4)), None, "uuid")

    def k_neg_hash(self) -> Val:
        bits = self.rng.choice([128, 160, 256])
        return Val(f"{self.rng.getrandbits(bits):0{bits // 4}x}", None, "hex_hash")

    def k_neg_ticket(self) -> Val:
        r = self.rng
        y, m, d = self.date(2023, 2024)
        return Val(f"GD{y}{m:02d}{d:02d}{digits(r, 6)}", None, "ticket_number")

    def k_neg_ticket_en(self) -> Val:
        return Val(str(self.rng.randint(100000, 999999)), None, "ticket_number")

    def k_neg_uid(self) -> Val:
        return Val(str(self.rng.randint(100000, 99999999)), None, "user_id")

    def k_neg_icp(self) -> Val:
        r = self.rng
        return Val(f"{r.choice(PROVINCE_ABBR)}ICP备{r.randint(10_000_000, 99_999_999)}号-"
                   f"{r.randint(1, 9)}", None, "icp_licence")

    def k_neg_batch(self) -> Val:
        y, m, d = self.date(2019, 2024)
        return Val(f"E{y}{m:02d}{d:02d}", None, "batch_code")

    def k_neg_invoice(self) -> Val:
        r = self.rng
        return Val(f"{r.choice('01')}{self.county().code[:4]}{digits(r, 7)}", None, "invoice_code")

    def k_neg_member(self) -> Val:
        return self._neg_digits(lambda: str(self.rng.randint(10_000_000, 999_999_999)),
                                "member_number")

    def k_neg_percent(self) -> Val:
        return Val(f"{self.rng.uniform(0, 100):.2f}%", None, "amount")


# --------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------

CHAT_CUSTOMER = [
    "您好，我想查一下订单，手机号是{mobile}。",
    "我的身份证号码是{id18}，麻烦帮我核实一下实名信息。",
    "身份证：{id18}，姓名{name_zh}，帮我查下积分。",
    "收货地址改成{addr_zh}，谢谢。",
    "快递一直没到，单号{neg_tracking}，你们客服电话{neg_hotline}打不通。",
    "退款请打到我的银行卡{card}，开户名{name_zh}。",
    "卡号{card}，是{name_zh}本人的卡。",
    "我邮箱是{email}，发票开到这个邮箱就行。",
    "加我微信吧：{wechat}，或者QQ {qq}。",
    "我的QQ号是{qq}，微信号{wechat}。",
    "我的车牌是{plate}，停车费扣了两次。",
    "车牌号{plate}，上周在地下车库被刮了。",
    "老身份证号是{id15}，新的系统里查不到。",
    "我是香港居民，港澳台居民居住证号码{hmt}。",
    "我是台湾居民，居住证号{hmt}，还有台胞证号码{twp}。",
    "我是外籍人士，外国人永久居留身份证号码 {pr}。",
    "护照号码{passport}，出生日期{dob_zh}。",
    "我用护照登记的，护照号：{passport}",
    "回乡证号码：{hkmo}，港澳居民来往内地通行证也可以用吗？",
    "台胞证号码 {twp}，请帮忙登记。",
    "往来港澳通行证号码{exitp}，下周出行。",
    "去台湾要办往来台湾通行证吗？我的是{exitp_tw}。",
    "刚才登录提示异地，IP是{ipv4}，不是我本人操作。",
    "设备IMEI：{imei}，手机丢了请帮忙冻结账号。",
    "座机也可以联系：{landline}",
    "白天打我座机{landline}，晚上打手机{mobile}。",
    "你们短信里显示的手机号{neg_masked_phone}不是我的。",
    "订单号 {neg_order}，金额{neg_amount}，一直显示待发货。",
    "我上次说的那个{neg_model}有货吗？SKU {neg_sku}",
    "车架号{vin}，保险需要登记一下。",
    "我在这个位置：{geo}，骑手找不到。",
    "I'm traveling, you can reach me at {intl_phone}.",
    "公司统一社会信用代码是{uscc}，开专票用。",
    "我生日是{dob_zh}，会员生日券怎么没到？",
    "App版本{neg_version}，一打开就闪退。",
    "预约的是{neg_date_zh}上午，能改期吗？",
    "电话{mobile}，地址{addr_zh}，收件人{name_zh}。",
]
CHAT_AGENT = [
    "您好，很高兴为您服务，请问有什么可以帮您？",
    "好的，已为您核实，您预留的手机号是{neg_masked_phone}，对吗？",
    "系统中登记的身份证号为{neg_masked_id}，请确认。",
    "请稍等，正在为您查询。",
    "已为您登记，工单号{neg_ticket}，处理结果会短信通知您。",
    "如需人工服务请拨打{neg_hotline}。",
    "{name_zh_sur}先生您好，您的订单已加急处理。",
    "{name_zh_sur}女士，退款将在3-5个工作日原路退回尾号{neg_tail4}的银行卡。",
    "收到，已更新联系电话为{mobile}。",
    "您的包裹单号是{neg_tracking}，预计明天送达。",
    "系统版本 {neg_version4} 升级后偶尔会有延迟，请谅解。",
    "您绑定的银行卡是{neg_masked_card}，确认无误吗？",
    "收件人显示为{neg_masked_name}，需要修改吗？",
    "已为您发送验证邮件至{neg_masked_email}，请查收。",
]
FORMS = [
    "【实名登记表】\n姓名：{name_zh}\n性别：{sex}\n出生日期：{dob_zh}\n证件类型：居民身份证\n"
    "证件号码：{id18}\n联系电话：{mobile}\n电子邮箱：{email}\n现住址：{addr_zh}\n"
    "紧急联系人：{name_zh}，电话{mobile}\n登记时间：{neg_datetime}\n",
    "【酒店入住登记】\n住客姓名：{name_zh}\n证件类型：护照\n护照号码：{passport}\n国籍：中国\n"
    "手机：{mobile}\n车牌号：{plate}\n入住日期：{neg_date_zh}\n房号：{n}0{n}\n",
    "【酒店入住登记】\n住客：{name_zh}\n证件类型：港澳台居民居住证\n证件号码：{hmt}\n"
    "联系电话：{intl_phone}\n入住时间：{neg_datetime}\n",
    "【访客登记】\n姓名：{name_en}\n证件类型：外国人永久居留身份证\n证件号码：{pr}\n"
    "电话：{mobile}\n被访人：{name_zh}\n事由：商务洽谈\n",
    "【银行开户申请】\n申请人：{name_zh}\n身份证号：{id18}\n手机号码：{mobile}\n"
    "银行卡号：{card}\n单位名称：某某科技有限公司\n统一社会信用代码：{uscc}\n"
    "单位地址：{addr_zh}\n单位电话：{landline}\n",
    "【旧系统迁移核对】\n姓名：{name_zh}\n身份证号（15位）：{id15}\n身份证号（18位）：{id18}\n"
    "联系电话：{landline}\n",
    "【机动车登记】\n车主：{name_zh}\n身份证号码：{id18}\n号牌号码：{plate}\n"
    "车辆识别代号：{vin}\n联系电话：{mobile}\n住所地址：{addr_zh}\n",
    "【出入境证件信息】\n姓名：{name_zh}\n往来港澳通行证：{exitp}\n往来台湾通行证：{exitp_tw}\n"
    "回乡证：{hkmo}\n台胞证：{twp}\n护照：{passport}\n",
    "【会员资料】\n昵称：小{neg_masked_name}\nQQ：{qq}\n微信：{wechat}\n生日：{dob_zh}\n"
    "常用设备IMEI：{imei}\n设备MAC地址：{mac}\n注册IP：{ipv4}\n",
    "Registration form\nName: {name_en}\nDate of Birth: {dob_en}\nSSN: {ssn}\nPhone: {intl_phone}\n"
    "Email: {email}\nAddress: {addr_en}\nIBAN: {iban}\n",
    "【企业信息】\n企业名称：某某贸易有限公司\n统一社会信用代码：{uscc}\n法定代表人：{name_zh}\n"
    "联系电话：{landline}\n注册地址：{addr_zh}\n网站备案：{neg_icp}\n",
    "【配送信息】\n骑手定位：{geo}\n收件人：{name_zh}\n电话：{mobile}\n",
]
ORDERS = [
    "订单编号：{neg_order}\n下单时间：{neg_datetime}\n收货人：{name_zh}\n联系电话：{mobile}\n"
    "收货地址：{addr_zh}\n商品：{neg_model} ×{n}\nSKU：{neg_sku}\n实付金额：{neg_amount}\n"
    "支付方式：银行卡 {card}\n物流单号：{neg_tracking}\n邮编：{neg_zip}\n",
    "订单号 {neg_order} 已发货，{neg_tracking}，收件人{name_zh}，电话{mobile}，"
    "地址{addr_zh}，邮政编码{neg_zip}。支付卡{neg_masked_card}。",
    "【发票信息】订单{neg_order}，抬头：某某网络科技有限公司，税号{uscc}，"
    "发票代码{neg_invoice}，金额{neg_amount}，接收邮箱{email}。",
    "支付回调 orderNo={neg_order} tradeNo={neg_trade_no} amount={neg_amount} "
    "payer={mobile} status=SUCCESS",
    "退货申请：订单{neg_order}，商品型号{neg_model}，退款至尾号{neg_tail4}的卡，"
    "联系人{name_zh_sur}女士 {mobile}。",
    "Order #{neg_order}\nShip to: {name_en}, {addr_en}\nPhone: {intl_phone}\n"
    "Paid with card {card}\nTracking: {neg_tracking}\nTotal: {neg_amount}\n",
    "收货人：{name_zh}\n手机：{neg_masked_phone}\n地址：{addr_zh}\n备用电话：{landline}\n",
    "跨境订单 {neg_order}：收件人{name_en}，护照号{passport}，电话{intl_phone}，"
    "邮箱{email}，清关金额{neg_amount}。",
    "外卖订单{neg_order}：{addr_zh}，{name_zh_sur}先生，{mobile}，定位{geo}。",
]
DUMP_SCHEMAS = [
    ("姓名,身份证号,手机号,地址", "{name_zh},{id18},{mobile_plain},{addr_zh}"),
    ("name|mobile|email|card", "{name_zh}|{mobile_plain}|{email}|{card_plain}"),
    ("idcard\tname\tmobile\tip", "{id18}\t{name_zh}\t{mobile_plain}\t{ipv4}"),
    ("uid;phone;pwd_md5;email;reg_ip", "{neg_uid};{mobile_plain};{neg_hash};{email};{ipv4}"),
    ("姓名,身份证,手机,邮箱,注册时间", "{name_zh},{id18},{mobile_plain},{email},{neg_datetime}"),
    ("uid,name,phone_masked,id_masked,balance",
     "{neg_uid},{name_zh},{neg_masked_phone},{neg_masked_id},{neg_amount}"),
    ("qq,email,phone", "qq={qq};email={email};phone={mobile_plain}"),
    ("name,email,phone,ssn,dob", "{name_en},{email},{intl_phone},ssn={ssn},dob={dob_en}"),
    ("order_no,name,phone,address,amount",
     "{neg_order},{name_zh},{mobile_plain},{addr_zh},{neg_amount}"),
    ("姓名,居住证号码,手机", "{name_zh},{hmt},{mobile_plain}"),
    ("email,password_sha1,last_ip", "{email},{neg_hash},{ipv6}"),
    ("card_no,holder,phone,created", "{card_plain},{name_zh},{mobile_plain},{neg_ts13}"),
]
DUMP_NOISE_ROWS = [
    "{name_zh},{neg_id_badcheck},{mobile_plain},{addr_zh}",
    "{neg_ts13},{neg_id_in_run},{neg_order}",
    "# rows={neg_uid} exported_at={neg_datetime} md5={neg_hash}",
    "{neg_uid},{neg_masked_name},{neg_masked_phone},{neg_order}",
]
APPLOGS = [
    "{log_ts} INFO [{thread}] c.e.user.RegisterService - register ok uid={neg_uid} "
    "mobile={mobile_plain} idNo={id18} ip={ipv4} cost={ms}ms",
    "{log_ts} WARN [{thread}] c.e.auth.LoginFilter - login failed user={email} from {ipv4} "
    "attempts={n}",
    "{log_ts} DEBUG [{thread}] c.e.device.DeviceReporter - imei={imei} mac={mac} "
    "os=Android 14 appVersion={neg_version4}",
    "{log_ts} INFO [{thread}] c.e.pay.PayService - pay ok cardNo={card_plain} amount={neg_amount} "
    "orderId={neg_order} traceId={neg_uuid}",
    '{log_ts} INFO [{thread}] c.e.sms.SmsSender - {{"ts":{neg_ts13},"phone":"{mobile}",'
    '"tpl":"SMS_{neg_uid}","status":"OK"}}',
    "{log_ts} INFO [{thread}] c.e.gw.AccessLog - client={ipv6} path=/api/v2/orders/{neg_order} "
    "status=200 cost={ms}ms ua=Mozilla/5.0 {neg_version}",
    "{log_ts} ERROR [{thread}] c.e.kyc.KycClient - verify failed name={name_zh} "
    "idCard={id18} reason=MISMATCH requestId={neg_hash}",
    "{log_ts} INFO [{thread}] c.e.cache.Stats - hitRatio={neg_percent} size={neg_uid} "
    "evictions={ms} build={neg_version}",
    "{log_ts} INFO [{thread}] c.e.job.Settle - run_id={neg_ts14} rows={neg_uid} "
    "file={neg_hash}.csv",
    "{log_ts} INFO [{thread}] c.e.user.Profile - user {neg_uid} masked phone={neg_masked_phone} "
    "card={neg_masked_card}",
    "{log_ts} WARN [{thread}] c.e.risk.Geo - abnormal location {geo} for uid={neg_uid} "
    "ip={ipv4}:{port}",
    "{log_ts} INFO [{thread}] c.e.vehicle.EtcService - plate={plate} vin={vin} "
    "gantry=G{neg_uid} fee={neg_amount}",
]
TICKETS_EN = [
    "Ticket #{neg_ticket_en}\nFrom: {name_en} <{email}>\nSubject: Card charged twice\n\n"
    "Hi team,\nMy card {card} was charged twice for order {neg_order}. You can call me at "
    "{intl_phone}. Thanks,\n{name_en_first}\n",
    "Ticket #{neg_ticket_en}\nSubject: Identity verification\n\nHello, for the verification "
    "my SSN is {ssn} and my date of birth is {dob_en}. I live at {addr_en}.\n",
    "Ticket #{neg_ticket_en}\nSubject: Refund\n\nPlease send the refund to IBAN {iban} "
    "(account holder {name_en}). Our hotline {neg_hotline} never answers.\n",
    "Ticket #{neg_ticket_en}\nSubject: App crash\n\nThe app crashed on my phone (IMEI {imei}), "
    "build {neg_version}, model {neg_model}. Device MAC {mac}. Log id {neg_uuid}.\n",
    "Ticket #{neg_ticket_en}\nSubject: Suspicious login\n\nThere was a login from IP {ipv4} and "
    "{ipv6} that was not me. My email is {email}.\n",
    "Ticket #{neg_ticket_en}\nSubject: China trip\n\nMy passport number is {passport} and my "
    "WeChat ID is {wechat}; my QQ is {qq}. Mr. {name_en_last} said you need them.\n",
    "Ticket #{neg_ticket_en}\nSubject: Rental car\n\nThe car (VIN {vin}, plate {plate}) broke "
    "down at {geo_us}. Please call {intl_phone}.\n",
    "Ticket #{neg_ticket_en}\nSubject: Address change\n\nHi, this is {name_en}. New address: "
    "{addr_en}. Zip code {neg_zip_us}. Phone {intl_phone}.\n",
    "Ticket #{neg_ticket_en}\nSubject: 中文客户\n\n客户{name_zh}来电，手机{mobile}，"
    "身份证{id18}，要求退款到{card}。Agent note: verified.\n",
    "Ticket #{neg_ticket_en}\nSubject: Invoice\n\nInvoice {neg_invoice} for {neg_amount}, "
    "company credit code {uscc}. Contact Ms. {name_en_last} at {email}.\n",
    "Ticket #{neg_ticket_en}\nSubject: Device\n\nThe hash {neg_hash} and request {neg_uuid} "
    "are from version {neg_version4}; not an IP. Call 1-800 support later.\n",
]

# Hard-negative sentences for negatives.jsonl: (kind placeholder, templates)
NEG_SENTENCES: dict[str, list[str]] = {
    "neg_id_badcheck": ["编号{x}已作废。", "流水号 {x}", "ref {x} not found", "单据号：{x}"],
    "neg_id_in_run": ["交易流水号{x}", "batch={x}", "内部编码 {x} 请勿外传"],
    "neg_phone_in_id": ["记录号 {x}", "序列号：{x}", "serial {x}"],
    "neg_order": ["订单号 {x} 已签收", "订单编号：{x}", "order id {x} shipped", "{x}号订单已退款"],
    "neg_trade_no": ["微信支付单号 {x}", "交易单号：{x}"],
    "neg_ts13": ["ts={x}", "时间戳 {x}", "created_at: {x}", "\"timestamp\": {x}"],
    "neg_ts10": ["expires={x}", "时间戳{x}"],
    "neg_ts14": ["批次 {x}", "run_id={x}", "生成时间{x}"],
    "neg_luhnfail16": ["批次号 {x}", "ref no. {x}", "序列 {x} 校验失败", "编号：{x}"],
    "neg_version": ["当前版本 {x}", "version {x}", "User-Agent: Mozilla/5.0 {x} Safari/537.36",
                    "Windows {x}", "升级到 {x} 后正常"],
    "neg_version4": ["版本 {x}", "version {x} released", "客户端版本号：{x}", "firmware v{x}"],
    "neg_hotline": ["客服热线 {x}", "请拨打{x}咨询", "call {x} for support", "服务电话：{x}"],
    "neg_masked_phone": ["手机号 {x} 已绑定", "尊敬的用户{x}，您好", "phone: {x}"],
    "neg_masked_id": ["身份证号：{x}", "证件号 {x}", "ID {x}"],
    "neg_masked_card": ["银行卡 {x}", "card {x}", "尾号卡：{x}"],
    "neg_masked_name": ["收件人：{x}", "{x}先生您好", "客户{x}已签收"],
    "neg_masked_email": ["邮箱 {x}", "email sent to {x}"],
    "neg_tracking": ["快递单号 {x}", "运单号：{x}", "tracking number {x}"],
    "neg_sku": ["SKU：{x}", "商品编码 {x}", "item {x}"],
    "neg_amount": ["金额 {x}", "total {x}", "实付{x}", "余额：{x}"],
    "neg_zip": ["邮编 {x}", "邮政编码：{x}"],
    "neg_zip_us": ["zip {x}", "ZIP code: {x}"],
    "neg_model": ["型号 {x}", "model {x}", "设备：{x}"],
    "neg_uuid": ["request_id={x}", "trace {x}", "会话 {x}", "session={x}"],
    "neg_hash": ["md5={x}", "sha: {x}", "commit {x}", "文件校验值 {x}"],
    "neg_ticket": ["工单号 {x}", "受理编号：{x}"],
    "neg_datetime": ["下单时间：{x}", "created {x}", "最后登录 {x}"],
    "neg_date_zh": ["预约日期{x}", "会议定于{x}召开", "有效期至{x}"],
    "neg_icp": ["备案号：{x}", "网站备案 {x}"],
    "neg_batch": ["生产批号 {x}", "批号：{x}", "lot {x}"],
    "neg_invoice": ["发票代码 {x}", "invoice code {x}"],
    "neg_member": ["会员号 {x}", "工号：{x}", "member #{x}"],
    "neg_uid": ["uid={x}", "用户ID {x}"],
}


# --------------------------------------------------------------------------------------
# Document builder
# --------------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")


class Doc:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.spans: list[list] = []
        self.negs: list[list] = []

    def text(self, s: str) -> None:
        if s:
            self.parts.append(s)
            self.pos += len(s)

    def value(self, v: Val) -> None:
        start = self.pos
        self.text(v.text)
        if v.entity:
            self.spans.append([start, self.pos, v.entity])
        elif v.neg:
            self.negs.append([start, self.pos, v.neg])

    def render(self, template: str, gen: Gen) -> None:
        i = 0
        for m in PLACEHOLDER.finditer(template):
            self.text(template[i:m.start()].replace("{{", "{").replace("}}", "}"))
            self.value(gen.make(m.group(1)))
            i = m.end()
        self.text(template[i:].replace("{{", "{").replace("}}", "}"))

    def record(self, rid: str, genre: str) -> dict:
        return {"id": rid, "genre": genre, "text": "".join(self.parts), "spans": self.spans,
                "hard_negatives": self.negs}


def build_doc(genre: str, gen: Gen, rng: random.Random, logw: LogWriter) -> Doc:
    d = Doc()
    if genre == "chat":
        for _ in range(rng.randint(4, 10)):
            who = "用户" if rng.random() < 0.6 else "客服"
            d.text("[")
            d.value(gen.k_chat_ts())
            d.text(f"] {who}：")
            pool = CHAT_CUSTOMER if who == "用户" else CHAT_AGENT
            d.render(rng.choice(pool), gen)
            d.text("".join(rng.sample(ZH_FILLER, rng.randint(0, 3))))
            d.text("\n")
    elif genre == "form":
        for _ in range(rng.randint(1, 2)):
            d.render(rng.choice(FORMS), gen)
            d.text("备注：" + "".join(rng.sample(ZH_FILLER, rng.randint(4, 9))) + "\n\n")
    elif genre == "order":
        for _ in range(rng.randint(1, 3)):
            d.render(rng.choice(ORDERS), gen)
            d.text("\n" + "".join(rng.sample(ZH_FILLER, rng.randint(1, 4))) + "\n")
    elif genre == "dump":
        header, row = rng.choice(DUMP_SCHEMAS)
        d.text(f"-- export {rng.choice(['users', 'members', 'orders', 'crm'])}_"
               f"{rng.randint(2019, 2024)} --\n{header}\n")
        for _ in range(rng.randint(3, 10)):
            d.render(rng.choice(DUMP_NOISE_ROWS) if rng.random() < 0.12 else row, gen)
            d.text("\n")
    elif genre == "applog":
        for _ in range(rng.randint(3, 8)):
            d.render(rng.choice(APPLOGS), gen)
            d.text("\n")
            for _ in range(rng.randint(1, 3)):
                d.text(logw.plain() + "\n")
    elif genre == "ticket_en":
        d.render(rng.choice(TICKETS_EN), gen)
        d.text(" ".join(rng.sample(EN_FILLER, rng.randint(3, 7))) + "\n")
    else:
        raise ValueError(genre)
    return d


GENRE_WEIGHTS = {"chat": 22, "form": 18, "order": 18, "dump": 14, "applog": 14, "ticket_en": 14}


def check_record(rec: dict) -> None:
    text = rec["text"]
    prev_end = 0
    for s, e, ent in rec["spans"]:
        v = text[s:e]
        assert 0 <= s < e <= len(text), rec["id"]
        assert s >= prev_end, f"overlapping spans in {rec['id']}"
        assert v == v.strip(), f"{rec['id']}: span with outer whitespace {ent}"
        prev_end = e
        if ent == "CN_RESIDENT_ID" and len(v) == 18:
            assert mod11_2(v[:17]) == v[17].upper(), v
        elif ent == "BANK_CARD":
            assert luhn_ok(re.sub(r"[ -]", "", v)), v
        elif ent == "IBAN":
            assert iban_ok(v), v
        elif ent == "VIN":
            assert vin_check(v) == v[8], v


def write_dense(out: Path, gen: Gen, rng: random.Random, target_bytes: int) -> dict:
    genres = list(GENRE_WEIGHTS)
    logw = LogWriter(rng, gen)
    weights = [GENRE_WEIGHTS[g] for g in genres]
    counters = Counter()
    per_entity: Counter = Counter()
    neg_kinds: Counter = Counter()
    g_chars: Counter = Counter()
    g_spans: Counter = Counter()
    nbytes = nchars = nspans = 0
    with (out / "dense.jsonl").open("w", encoding="utf-8") as fh:
        while nbytes < target_bytes:
            genre = rng.choices(genres, weights)[0]
            counters[genre] += 1
            rec = build_doc(genre, gen, rng, logw).record(f"{genre}-{counters[genre]:06d}", genre)
            check_record(rec)
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            nbytes += len(rec["text"].encode("utf-8"))
            nchars += len(rec["text"])
            nspans += len(rec["spans"])
            g_chars[genre] += len(rec["text"])
            g_spans[genre] += len(rec["spans"])
            per_entity.update(s[2] for s in rec["spans"])
            neg_kinds.update(n[2] for n in rec["hard_negatives"])
    return {"records": sum(counters.values()), "text_bytes": nbytes, "text_chars": nchars,
            "spans": nspans, "chars_per_span": round(nchars / max(nspans, 1), 1),
            "genres": {g: {"records": counters[g], "chars": g_chars[g], "spans": g_spans[g],
                           "chars_per_span": round(g_chars[g] / max(g_spans[g], 1), 1)}
                       for g in genres},
            "entities": dict(sorted(per_entity.items())),
            "embedded_hard_negatives": dict(sorted(neg_kinds.items()))}


def write_negatives(out: Path, gen: Gen, rng: random.Random, per_kind: int) -> dict:
    kinds: Counter = Counter()
    n = 0
    with (out / "negatives.jsonl").open("w", encoding="utf-8") as fh:
        for kind, sentences in NEG_SENTENCES.items():
            for _ in range(per_kind):
                v = gen.make(kind)
                sent = rng.choice(sentences)
                i = sent.index("{x}")
                text = sent[:i] + v.text + sent[i + 3:]
                n += 1
                kinds[v.neg] += 1
                rec = {"id": f"neg-{n:06d}", "genre": "negative", "kind": v.neg, "text": text,
                       "spans": [], "hard_negatives": [[i, i + len(v.text), v.neg]]}
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        # paragraphs mixing several look-alikes, zh and en
        mixers = list(NEG_SENTENCES)
        for _ in range(per_kind * 4):
            d = Doc()
            for kind in rng.sample(mixers, rng.randint(3, 7)):
                sent = rng.choice(NEG_SENTENCES[kind])
                i = sent.index("{x}")
                d.text(sent[:i])
                d.value(gen.make(kind))
                d.text(sent[i + 3:] + rng.choice(["；", "。", ", ", " | ", "\n"]))
            n += 1
            rec = d.record(f"neg-{n:06d}", "negative")
            rec["kind"] = "mixed"
            kinds["mixed"] += 1
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return {"records": n, "kinds": dict(sorted(kinds.items()))}


# --------------------------------------------------------------------------------------
# Logs (fast templating)
# --------------------------------------------------------------------------------------

LOGGERS = ["c.e.order.OrderService", "c.e.gw.RouteFilter", "o.s.web.servlet.DispatcherServlet",
           "c.z.hikari.pool.HikariPool", "c.e.inventory.StockClient", "c.e.search.QueryEngine",
           "c.e.cache.RedisTemplate", "o.a.k.clients.consumer.KafkaConsumer"]
SERVICES = ["order-svc", "payment-svc", "user-svc", "search-svc", "inventory-svc", "gateway"]
STATUSES = [200, 200, 200, 200, 201, 204, 301, 304, 400, 401, 403, 404, 429, 500, 502, 503]
PATHS = ["/api/v1/orders", "/api/v2/feed", "/api/v1/cart/items", "/api/v1/search", "/healthz",
         "/api/v3/inventory/sku", "/metrics", "/api/v1/coupons"]


class LogWriter:
    def __init__(self, rng: random.Random, gen: Gen) -> None:
        self.rng = rng
        self.gen = gen
        self.ms = 1_700_409_600_000  # 2023-11-20 00:00:00 +08:00
        self._sec = -1
        self._parts: tuple = ()

    def _clock(self) -> tuple:
        self.ms += self.rng.randint(0, 25)
        sec = self.ms // 1000
        if sec != self._sec:
            self._sec = sec
            t = time.gmtime(sec + 8 * 3600)
            mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                   "Dec"][t.tm_mon - 1]
            self._parts = (f"{t.tm_year}-{t.tm_mon:02d}-{t.tm_mday:02d}",
                           f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}",
                           f"{t.tm_mday:02d}/{mon}/{t.tm_year}", f"{t.tm_mon:02d}{t.tm_mday:02d}",
                           f"{t.tm_mon:02d}-{t.tm_mday:02d}")
        return self._parts

    def _safe_num(self, lo: int, hi: int) -> str:
        while True:
            s = str(self.rng.randint(lo, hi))
            if not digit_run_is_risky(s):
                return s

    def plain(self) -> str:
        """A line without PI (ASCII only)."""
        r = self.rng
        date, hms, _clf, md, md2 = self._clock()
        ms = self.ms % 1000
        k = r.randrange(12)
        if k == 0:
            return (f"{date} {hms}.{ms:03d} {r.choice(['INFO', 'INFO', 'DEBUG', 'WARN']):5} "
                    f"{r.randint(1000, 65000)} --- [http-nio-8080-exec-{r.randint(1, 200)}] "
                    f"{r.choice(LOGGERS)} : Completed {r.choice(STATUSES)} in "
                    f"{r.randint(1, 3000)}ms")
        if k == 1:
            return (f"{date} {hms}.{ms:03d} INFO [pool-{r.randint(1, 9)}-thread-"
                    f"{r.randint(1, 64)}] c.e.order.OrderService - fetch order "
                    f"{self.gen.k_neg_order().text} tenant={r.randint(1000, 9999)} "
                    f"items={r.randint(1, 30)} cost={r.randint(1, 900)}ms")
        if k == 2:
            return (f'{{"ts":"{date}T{hms}.{ms:03d}+08:00","level":"info","svc":'
                    f'"{r.choice(SERVICES)}","trace_id":"{r.getrandbits(128):032x}","span_id":'
                    f'"{r.getrandbits(64):016x}","latency_ms":{r.randint(0, 5000)},"status":'
                    f'{r.choice(STATUSES)},"bytes":{r.randint(0, 900000)}}}')
        if k == 3:
            return (f"I{md} {hms}.{ms:03d}{r.randint(0, 999):03d}   {r.randint(1, 99999)} "
                    f"controller.go:{r.randint(10, 999)}] Reconciling pod default/"
                    f"{r.choice(SERVICES)}-{r.getrandbits(32):08x}-{r.getrandbits(20):05x} "
                    f"generation={r.randint(1, 99)} resourceVersion={self._safe_num(10**8, 10**9)}")
        if k == 4:
            return (f"{md2} {hms}.{ms:03d}  {r.randint(1000, 32000)}  {r.randint(1000, 32000)} D "
                    f"OkHttp  : <-- {r.choice(STATUSES)} https://api.example.com"
                    f"{r.choice(PATHS)}?page={r.randint(1, 50)}&ts={self.gen.k_neg_ts13().text} "
                    f"({r.randint(1, 2000)}ms)")
        if k == 5:
            return (f"metric name=http_server_requests_seconds_count uri={r.choice(PATHS)} "
                    f"status={r.choice(STATUSES)} value={r.randint(0, 9999999)} "
                    f"ts={r.randint(1_700_000_000, 1_710_000_000)}")
        if k == 6:
            return (f"[{date} {hms},{ms:03d}] INFO [Consumer clientId=consumer-order-group-"
                    f"{r.randint(1, 9)}, groupId=order-group] Committed offset "
                    f"{self._safe_num(10**6, 10**10)} for partition orders-{r.randint(0, 63)} "
                    f"(org.apache.kafka.clients.consumer.internals.ConsumerCoordinator)")
        if k == 7:
            return (f"{date} {hms}.{ms:03d} INFO [main] c.e.boot.Startup - client=okhttp/4.12.0 "
                    f"app=com.example.shop/{r.randint(1, 9)}.{r.randint(0, 20)}.{r.randint(0, 9)}"
                    f" (build {r.randint(100000, 999999)}) os=Android {r.randint(10, 15)} "
                    f"sdk={r.randint(29, 35)} {self.gen.k_neg_version().text}")
        if k == 8:
            return (f"slowlog id={r.randint(1, 999999)} duration_us={r.randint(10000, 999999)} "
                    f"cmd=HGETALL order:{self.gen.k_neg_order().text} client_port="
                    f"{r.randint(1025, 65535)}")
        if k == 9:
            return (f"{date} {hms}.{ms:03d} INFO [pay-callback-{r.randint(1, 16)}] "
                    f"c.e.pay.Callback - orderNo={self.gen.k_neg_order().text} tradeNo="
                    f"{self.gen.k_neg_trade_no().text} amount={r.randint(1, 99999)}."
                    f"{r.randint(0, 99):02d} status=SUCCESS")
        if k == 10:
            n = self.gen.mobile_digits()
            return (f"{date} {hms}.{ms:03d} INFO [http-nio-8080-exec-{r.randint(1, 200)}] "
                    f"c.e.user.LoginService - login ok mobile={n[:3]}****{n[7:]} "
                    f"uid={r.randint(100000, 99999999)} session={r.getrandbits(64):016x}")
        y, m, d = self.gen.date(2023, 2024)
        return (f"{date} {hms}.{ms:03d} INFO [scheduling-1] c.e.job.Settle - job=settle-daily "
                f"run_id={y}{m:02d}{d:02d}{r.randint(0, 23):02d}{r.randint(0, 59):02d}"
                f"{r.randint(0, 59):02d} rows={r.randint(0, 9999999)} duration="
                f"{r.randint(0, 999)}.{r.randint(0, 999):03d}s uuid="
                f"{uuid.UUID(int=r.getrandbits(128), version=4)}")

    def with_pi(self) -> list[tuple[str, str | None]]:
        """A line with PI, as (piece, entity-or-None) parts."""
        r = self.rng
        g = self.gen
        date, hms, clf, _md, _md2 = self._clock()
        ms = self.ms % 1000
        head = f"{date} {hms}.{ms:03d} INFO [http-nio-8080-exec-{r.randint(1, 200)}] "
        k = r.randrange(9)

        def v(val: Val) -> tuple[str, str | None]:
            return (val.text, val.entity)

        if k == 0:
            return [(head + "c.e.user.RegisterService - register ok uid="
                     f"{r.randint(100000, 99999999)} mobile=", None), v(g.k_mobile_plain()),
                    (f" cost={r.randint(1, 900)}ms", None)]
        if k == 1:
            return [(head + "c.e.kyc.KycClient - verify idNo=", None), v(g.k_id18()),
                    (" name=", None), v(g.k_name_zh()), (" result=PASS", None)]
        if k == 2:
            return [(head + "c.e.mail.Sender - send mail to=", None), v(g.k_email()),
                    (f" template=welcome_{r.randint(1, 9)} status=250", None)]
        if k == 3:
            return [v(g.k_ipv4()), (f' - - [{clf}:{hms} +0800] "GET {r.choice(PATHS)} HTTP/1.1" '
                                    f'{r.choice(STATUSES)} {r.randint(0, 99999)} "-" '
                                    f'"okhttp/4.12.0"', None)]
        if k == 4:
            return [(head + "c.e.gw.AccessLog - client=", None), v(g.k_ipv6()),
                    (f" status={r.choice(STATUSES)} cost={r.randint(1, 900)}ms", None)]
        if k == 5:
            return [(head + "c.e.pay.BindCard - bind ok cardNo=", None), v(g.k_card_plain()),
                    (f" bank=UNIONPAY uid={r.randint(100000, 99999999)}", None)]
        if k == 6:
            return [(head + "c.e.device.Report - imei=", None), v(g.k_imei()), (" mac=", None),
                    v(g.k_mac()), (f" os=Android {r.randint(10, 15)}", None)]
        if k == 7:
            return [(head + 'c.e.user.Profile - update {"phone":"', None), v(g.k_mobile()),
                    ('","email":"', None), v(g.k_email()), ('"}', None)]
        return [(head + "c.e.auth.Login - login ok user=", None), v(g.k_email()),
                (" from ip=", None), v(g.k_ipv4())]


def write_logs(out: Path, gen: Gen, rng: random.Random, target_bytes: int, label_lines: int,
               block: int, pi_rate: float) -> dict:
    lw = LogWriter(rng, gen)
    size = lines = pi_lines = 0
    per_entity: Counter = Counter()
    buf: list[str] = []
    blk_text: list[str] = []
    blk_spans: list[list] = []
    blk_pos = 0
    blk_first = 1
    nblocks = 0
    with (out / "logs.txt").open("w", encoding="utf-8", newline="\n") as fh, \
            (out / "logs.jsonl").open("w", encoding="utf-8") as jf:

        def flush_block() -> None:
            nonlocal blk_text, blk_spans, blk_pos, blk_first, nblocks
            if not blk_text:
                return
            nblocks += 1
            rec = {"id": f"log-{nblocks:06d}", "genre": "log", "first_line": blk_first,
                   "text": "".join(blk_text), "spans": blk_spans, "hard_negatives": []}
            jf.write(json.dumps(rec, ensure_ascii=False) + "\n")
            blk_first += len(blk_text)
            blk_text, blk_spans, blk_pos = [], [], 0

        while size < target_bytes:
            lines += 1
            if rng.random() < pi_rate:
                pi_lines += 1
                parts = lw.with_pi()
                line = "".join(p for p, _ in parts)
                nbytes = len(line.encode("utf-8")) + 1
                if lines <= label_lines:
                    pos = blk_pos
                    for piece, ent in parts:
                        if ent:
                            blk_spans.append([pos, pos + len(piece), ent])
                        pos += len(piece)
                per_entity.update(ent for _, ent in parts if ent)
            else:
                line = lw.plain()
                nbytes = len(line) + 1
            buf.append(line)
            size += nbytes
            if lines <= label_lines:
                blk_text.append(line + "\n")
                blk_pos += len(line) + 1
                if len(blk_text) >= block:
                    flush_block()
            if len(buf) >= 4096:
                fh.write("\n".join(buf) + "\n")
                buf.clear()
        if buf:
            fh.write("\n".join(buf) + "\n")
        flush_block()
    return {"bytes": size, "lines": lines, "pi_lines": pi_lines,
            "labelled_lines": min(lines, label_lines), "labelled_blocks": nblocks,
            "entities": dict(sorted(per_entity.items()))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=20231120)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--division-codes", type=Path, default=DEFAULT_DIVISIONS,
                    help="year,code,name CSV (default: shared jxlwqq copy; fallback built in)")
    ap.add_argument("--dense-mb", type=float, default=2.5, help="UTF-8 MB of dense text")
    ap.add_argument("--logs-mb", type=float, default=55.0, help="size of logs.txt in MB")
    ap.add_argument("--log-label-lines", type=int, default=50_000)
    ap.add_argument("--log-block", type=int, default=100, help="lines per logs.jsonl record")
    ap.add_argument("--log-pi-rate", type=float, default=1 / 200)
    ap.add_argument("--neg-per-kind", type=int, default=60)
    ap.add_argument("--skip-logs", action="store_true", help="do not (re)write logs.*")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    counties, div_source = load_divisions(args.division_codes)
    mb = 1024 * 1024
    # Independent streams so that changing one part does not shift the others.
    dense = write_dense(args.out, Gen(random.Random(f"{args.seed}:dense"), counties),
                        random.Random(f"{args.seed}:dense-layout"), int(args.dense_mb * mb))
    negs = write_negatives(args.out, Gen(random.Random(f"{args.seed}:neg"), counties),
                           random.Random(f"{args.seed}:neg-layout"), args.neg_per_kind)
    manifest = {"generator_version": GENERATOR_VERSION, "seed": args.seed,
                "division_codes": div_source, "dense": dense, "negatives": negs}
    if not args.skip_logs:
        rng = random.Random(f"{args.seed}:logs")
        manifest["logs"] = write_logs(args.out, Gen(rng, counties), rng, int(args.logs_mb * mb),
                                      args.log_label_lines, args.log_block, args.log_pi_rate)
    manifest["seconds"] = round(time.perf_counter() - t0, 1)
    (args.out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2)
                                            + "\n", encoding="utf-8")
    print(f"division codes: {div_source}")
    print(f"dense.jsonl     {dense['records']} records, {dense['text_bytes'] / mb:.2f} MB text, "
          f"{dense['text_chars']} chars, {dense['spans']} spans "
          f"(1 per {dense['chars_per_span']} chars)")
    print(f"negatives.jsonl {negs['records']} records")
    if "logs" in manifest:
        lg = manifest["logs"]
        print(f"logs.txt        {lg['bytes'] / mb:.1f} MB, {lg['lines']} lines, "
              f"{lg['pi_lines']} with PI; logs.jsonl labels the first {lg['labelled_lines']} "
              f"lines in {lg['labelled_blocks']} blocks")
    print(f"wrote {args.out} in {manifest['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
