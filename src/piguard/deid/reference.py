"""Reference data the surrogates and generalisers need, read through :mod:`piguard.data`.

Each accessor calls the data loader when it offers the function and falls back to a small
built-in sample otherwise, so de-identification keeps working (with less variety) on a tree
whose data package is older or newer than this module. The fallbacks are samples for
variety, not sources of truth; nothing here validates identifiers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

# Built-in samples used only when piguard.data does not provide the table.
_FALLBACK_SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
_FALLBACK_COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐")
_FALLBACK_GIVEN = tuple("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红娥玲芬燕彬鹏辉宇浩然子轩梓涵欣怡雨萱思远嘉博文宁安晨阳佳琪一诺")
_FALLBACK_EN_FIRST = ("James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael",
                      "Linda", "David", "Elizabeth", "William", "Susan", "Richard", "Jessica",
                      "Joseph", "Sarah", "Thomas", "Karen", "Daniel", "Lisa", "Anna", "Peter")
_FALLBACK_EN_LAST = ("Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller",
                     "Davis", "Rodriguez", "Martinez", "Wilson", "Anderson", "Taylor", "Moore",
                     "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark")
# (province, prefecture, county) sample used when the division table is missing.
_FALLBACK_DIVISIONS = (
    ("110105", "北京市", "", "朝阳区"), ("310115", "上海市", "", "浦东新区"),
    ("440305", "广东省", "深圳市", "南山区"), ("330106", "浙江省", "杭州市", "西湖区"),
    ("510107", "四川省", "成都市", "武侯区"), ("420106", "湖北省", "武汉市", "武昌区"),
    ("320102", "江苏省", "南京市", "玄武区"), ("610113", "陕西省", "西安市", "雁塔区"),
)
_FALLBACK_PROVINCES = ("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34",
                       "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52",
                       "53", "54", "61", "62", "63", "64", "65")
STREET_WORDS = tuple("人民解放建设中山和平胜利新华光明文化东风朝阳长江黄河幸福团结友谊")
STREET_SUFFIXES = ("路", "街", "大道", "巷")


def _data_fn(name: str) -> Callable[..., Any] | None:
    try:
        from piguard import data
    except ImportError:  # pragma: no cover - the package always ships data/
        return None
    return getattr(data, name, None)


def _call(name: str, *args: Any) -> Any:
    fn = _data_fn(name)
    if fn is None:
        return None
    try:
        return fn(*args)
    except (LookupError, ValueError, OSError):
        return None


@functools.cache
def surnames() -> tuple[str, ...]:
    got = _call("cn_surnames")
    return tuple(s for s in got if s) if got else _FALLBACK_SURNAMES


@functools.cache
def compound_surnames() -> tuple[str, ...]:
    got = _call("cn_compound_surnames")
    return tuple(s for s in got if len(s) >= 2) if got else _FALLBACK_COMPOUND


@functools.cache
def single_surnames() -> tuple[str, ...]:
    return tuple(s for s in surnames() if len(s) == 1) or _FALLBACK_SURNAMES


@functools.cache
def given_name_chars() -> tuple[str, ...]:
    got = _call("cn_given_name_chars")
    return tuple(c for c in got if c) if got else _FALLBACK_GIVEN


@functools.cache
def en_first_names() -> tuple[str, ...]:
    got = _call("en_first_names")
    return tuple(got) if got else _FALLBACK_EN_FIRST


@functools.cache
def en_last_names() -> tuple[str, ...]:
    got = _call("en_last_names")
    return tuple(got) if got else _FALLBACK_EN_LAST


def division_name(code: str) -> str | None:
    got = _call("division_name", code)
    if isinstance(got, str) and got:
        return got
    for c, province, prefecture, county in _FALLBACK_DIVISIONS:
        if code == c:
            return county
        if code == c[:2] + "0000":
            return province
        if prefecture and code == c[:4] + "00":
            return prefecture
    return None


def full_division_name(code: str) -> str | None:
    """Province + prefecture + county names of a 6-digit code, without repetitions."""
    parts: list[str] = []
    for level_code in (code[:2] + "0000", code[:4] + "00", code):
        name = division_name(level_code)
        if not name or name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue
        if parts and (name == parts[-1] or "".join(parts).endswith(name)):
            continue
        parts.append(name)
    return "".join(parts) or None


@functools.cache
def generation_divisions() -> tuple[str, ...]:
    """Current county-level codes to draw real regions from."""
    got = _call("division_codes_for_generation")
    if got:
        codes = tuple(sorted({str(c) for c in got if len(str(c)) == 6 and str(c).isdigit()}))
        if codes:
            return codes
    return tuple(c for c, *_ in _FALLBACK_DIVISIONS)


@functools.cache
def unassigned_regions() -> tuple[str, ...]:
    """Six-digit region codes that no person's ID number can carry.

    From the data package when it lists them; otherwise codes of the form ``PP00CC``
    (a real province, prefecture ``00``, county ``01``–``99``): GB/T 2260 uses prefecture
    ``00`` only for the province's own row (``PP0000``), so a county under it never existed.
    """
    got = _call("residence_unassigned_regions")
    if got:
        codes = tuple(sorted({str(c) for c in got if len(str(c)) == 6 and str(c).isdigit()}))
        if codes:
            return codes
    return tuple(f"{p}00{c:02d}" for p in _FALLBACK_PROVINCES for c in range(1, 100))


def mobile_carrier(number: str) -> str | None:
    got = _call("cn_mobile_carrier", number)
    return got if isinstance(got, str) and got else None


def division_valid_for_birth_year(code: str, year: int) -> bool | None:
    """True/False from the data package, None when it cannot answer."""
    got = _call("division_valid_for_birth_year", code, year)
    return None if got is None else bool(got)
