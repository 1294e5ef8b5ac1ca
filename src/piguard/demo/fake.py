"""Synthetic, format-valid personal information for demos and tests — never real people.

Every value is made up from a seeded :class:`random.Random`: ID numbers carry a real county
code (:func:`piguard.data.division_codes_for_generation`), a real birth date and a correct
MOD 11-2 check character; cards pass Luhn; mobiles use real prefixes; USCCs and VINs carry
their check characters. Any match with a real person's data is chance.
"""

from __future__ import annotations

import datetime as _dt
import random
import string
from functools import cache

from piguard import data
from piguard.detect import checks

MOBILE_PREFIXES = ("130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152",
                   "155", "156", "158", "159", "166", "176", "177", "180", "181", "186", "187",
                   "188", "189", "191", "199")
CARD_BINS = ("622202", "622848", "621700", "622588", "622609", "621483", "622700", "436742",
             "625965", "622262")
EMAIL_DOMAINS = ("example.com", "example.cn", "mail.example.org", "demo.example.net")
STREETS = ("建国路", "人民路", "中山路", "解放大道", "长江路", "科技园路", "文一西路", "天府大道",
           "南京路", "和平街", "光明大街", "学院路", "滨江路", "新华路", "东风路")
PLACES = ("阳光小区", "锦绣花园", "幸福里", "翠湖苑", "万科城", "碧桂园", "绿地中心", "金融大厦")
ETHNIC = ("汉族",) * 18 + ("回族", "满族", "壮族", "苗族", "维吾尔族", "土家族", "蒙古族")
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


@cache
def _counties() -> tuple[str, ...]:
    # Prefer long-standing, well-known urban districts: stable across data updates.
    codes = data.division_codes_for_generation()
    wanted = [c for c in codes if c[:2] in ("11", "31", "44", "33", "51", "42", "32", "12")]
    return tuple(wanted or codes)


def birth_date(rng: random.Random, *, minor: bool = False,
               today: _dt.date | None = None) -> _dt.date:
    today = today or _dt.date.today()
    if minor:  # 1..13 years old
        days = rng.randint(365, 13 * 365)
    else:
        days = rng.randint(18 * 365 + 5, 75 * 365)
    return today - _dt.timedelta(days=days)


def resident_id(rng: random.Random, born: _dt.date | None = None) -> str:
    region = rng.choice(_counties())
    born = born or birth_date(rng)
    body = f"{region}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + checks.mod11_2_check(body)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"


def landline(rng: random.Random) -> str:
    area = rng.choice(("010", "021", "020", "0571", "028", "027", "025", "022"))
    return f"{area}-{rng.randint(2, 8)}{rng.randint(0, 9_999_999):07d}"


def bank_card(rng: random.Random) -> str:
    bin_ = rng.choice(CARD_BINS)
    length = rng.choice((16, 16, 19))
    body = bin_ + "".join(rng.choice(string.digits) for _ in range(length - len(bin_) - 1))
    return body + checks.luhn_check_digit(body)


def imei(rng: random.Random) -> str:
    body = rng.choice(("35", "86", "01")) + "".join(rng.choice(string.digits) for _ in range(12))
    return body + checks.luhn_check_digit(body)


def person_name(rng: random.Random) -> str:
    surnames = data.cn_surnames()[:100]
    given = data.cn_given_name_chars()
    return rng.choice(surnames) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2))))


def english_name(rng: random.Random) -> str:
    return f"{rng.choice(data.en_first_names()[:200])} {rng.choice(data.en_last_names()[:200])}"


def pinyin_handle(rng: random.Random) -> str:
    syllables = ("wang", "li", "zhang", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou",
                 "xiao", "ming", "hua", "jun", "ling", "fang", "wei", "jie", "yu", "xin")
    return "".join(rng.choice(syllables) for _ in range(2)) + str(rng.randint(1, 9999))


def email(rng: random.Random) -> str:
    return f"{pinyin_handle(rng)}@{rng.choice(EMAIL_DOMAINS)}"


def address(rng: random.Random) -> str:
    county = rng.choice(_counties())
    province = data.division_name(county[:2] + "0000") or ""
    city = data.division_name(county[:4] + "00") or ""
    district = data.division_name(county) or "新区"
    if province == city or city in ("市辖区", ""):
        city = ""
    return (f"{province}{city}{district}{rng.choice(STREETS)}{rng.randint(1, 999)}号"
            f"{rng.choice(PLACES)}{rng.randint(1, 30)}栋{rng.randint(101, 2808)}室")


def plate(rng: random.Random) -> str:
    prov = rng.choice(data.plate_provinces())
    tail = "".join(rng.choice(PLATE_LETTERS + string.digits) for _ in range(5))
    return f"{prov}{rng.choice(PLATE_LETTERS)}{tail}"


def vin(rng: random.Random) -> str:
    chars = [rng.choice(VIN_ALPHABET) for _ in range(17)]
    chars[0] = "L"  # China
    chars[9] = rng.choice("LMNPRS")  # model year
    chars[8] = "0"
    check = checks.vin_check_char("".join(chars))
    chars[8] = check or "0"
    return "".join(chars)


def uscc(rng: random.Random) -> str:
    region = rng.choice(_counties())
    org = "".join(rng.choice(string.digits + "ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    body = "91" + region + org + checks.org_code_check_char(org)
    return body + checks.uscc_check_char(body)


def ipv4(rng: random.Random) -> str:
    return f"{rng.choice((36, 58, 59, 101, 111, 114, 116, 117, 120, 183, 223))}." \
           f"{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def mac(rng: random.Random) -> str:
    return ":".join(f"{rng.randint(0, 255):02x}" for _ in range(6))


def passport(rng: random.Random) -> str:
    return "E" + f"{rng.randint(0, 99_999_999):08d}"


def qq(rng: random.Random) -> str:
    return str(rng.randint(10_000, 3_999_999_999))


def geo(rng: random.Random) -> tuple[float, float]:
    return round(rng.uniform(22.5, 40.0), 6), round(rng.uniform(103.0, 121.5), 6)


def uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"
