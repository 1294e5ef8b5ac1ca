"""Value checks: does a whole cell hold a value of an entity type?

A column's values are checked in two steps, so a million cells cost little:

1. an RE2 pattern over the whole Arrow column (``pyarrow.compute.match_substring_regex``,
   vectorised, anchored ``^...$`` on the trimmed cell) keeps the candidates;
2. the validator from :mod:`piguard.detect.checks` (MOD 11-2, Luhn, USCC, VIN, IBAN, real
   dates, division codes...) runs on the candidates only.

Each :class:`ValueCheck` has a *level* that says how much a match proves on its own:

- ``PROOF``  a checksum or a validated structure (ID with MOD 11-2 + real birth date + a
  division code, Luhn card, USCC, VIN, IBAN): random data rarely passes;
- ``FORMAT`` a specific shape (mobile number with a real prefix, e-mail, IPv4, MAC, plate,
  a 2–4 character Han name with a known surname, a structured Chinese address);
- ``WEAK``   a shape many unrelated values share (8 digits, a decimal number, a UUID, a
  date): it counts only when the column's name or comment points at the entity.

Values never leave this module except as counts and masks.
"""

from __future__ import annotations

import datetime as _dt
import enum
import functools
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from piguard import data
from piguard.detect import checks


class Level(enum.IntEnum):
    WEAK = 1
    FORMAT = 2
    PROOF = 3


# An entity with no value shape at all: only a strong name/comment hint classifies it.
HINT_ONLY = frozenset({"CREDENTIAL", "HEALTH", "CN_MILITARY_ID", "CN_SOCIAL_SECURITY_CARD"})


@dataclass(frozen=True, slots=True)
class ValueCheck:
    name: str
    entity: str                                  # entity when ``validate`` is None
    pattern: str                                 # RE2, applied to the trimmed cell
    level: Level
    validate: Callable[[str], str | None] | None = None   # → entity name, or None
    compact: bool = False                        # drop spaces and dashes before validating


def _const(entity: str, test: Callable[[str], bool]) -> Callable[[str], str | None]:
    def f(v: str) -> str | None:
        return entity if test(v) else None
    return f


_ID_KIND = {"citizen": "CN_RESIDENT_ID", "hmt_permit": "CN_RESIDENCE_PERMIT_HMT",
            "foreigner_pr": "CN_FOREIGNER_PR_ID"}


def id18_entity(v: str) -> str | None:
    res = checks.cn_id18_kind(v.upper())
    return _ID_KIND.get(res[0]) if res else None


def id_birth(v: str) -> _dt.date | None:
    """Birth date of an 18- or 15-character ID value, when valid."""
    v = v.strip().upper()
    if len(v) == 18:
        res = checks.cn_id18_kind(v)
        return res[1] if res else None
    if len(v) == 15:
        return checks.cn_id15_birth(v)
    return None


_NON_DIGITS = re.compile(r"[^0-9]")


def _mobile(v: str) -> bool:
    digits = v if len(v) == 11 and v.isdigit() else _NON_DIGITS.sub("", v)[-11:]
    return data.is_cn_mobile(digits)


def _landline(v: str) -> bool:
    digits = "".join(c for c in v if c.isdigit())
    if v.count("-") > 1 or (v.count("-") == 1 and v.index("-") > 5):  # extension
        digits = "".join(c for c in v.rsplit("-", 1)[0] if c.isdigit())
    return data.cn_area_code(digits) is not None


def _intl_phone(v: str) -> bool:
    try:
        import phonenumbers

        return phonenumbers.is_valid_number(phonenumbers.parse(v, None))
    except Exception:
        return False


def _card(v: str) -> bool:
    n = len(v)
    if not 13 <= n <= 19 or not checks.luhn_valid(v):
        return False
    if n == 15:
        return v[:2] in ("34", "37")
    if n in (13, 14):
        return v[0] in "34"
    return v[0] in "3456" or v.startswith("81")  # 81: UnionPay domestic-only ranges


def _imei(v: str) -> bool:
    return checks.luhn_valid(v) and v[:2] not in ("34", "37")


def _ip(v: str) -> bool:
    try:
        ipaddress.ip_address(v)
        return True
    except ValueError:
        return False


def _ssn(v: str) -> bool:
    area, group, serial = v.split("-")
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def _geo_pair(v: str) -> bool:
    a, b = (float(x) for x in v.split(","))
    return (-90 <= a <= 90 and -180 <= b <= 180) or (-180 <= a <= 180 and -90 <= b <= 90)


def _geo_single(v: str) -> bool:
    return -180 <= float(v) <= 180 and float(v) != 0


_DATE_NUMS = re.compile(r"\d+")


def _date(v: str) -> bool:
    nums = _DATE_NUMS.findall(v)
    if len(nums) == 1 and len(nums[0]) == 8:
        y, m, d = int(nums[0][:4]), int(nums[0][4:6]), int(nums[0][6:])
    elif len(nums) >= 3:
        y, m, d = int(nums[0]), int(nums[1]), int(nums[2])
    else:
        return False
    return checks.real_date(y, m, d, earliest=1900) is not None


@functools.cache
def _name_tables() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    surnames = data.cn_surnames()
    return (frozenset(s for s in surnames if len(s) == 1),
            frozenset(data.cn_compound_surnames()), frozenset(data.cn_given_name_chars()))


def _cn_name(v: str) -> bool:
    """A known surname, and at least half of the given name in common given-name characters
    (so 李子 passes, 小米 and 待发货 do not)."""
    single, double, given_chars = _name_tables()
    if "·" in v:  # transliterated names (艾力·买买提): the dot is the strong signal
        return True
    if len(v) >= 3 and v[:2] in double:
        given = v[2:]
    elif v[0] in single:
        given = v[1:]
    else:
        return False
    return sum(c in given_chars for c in given) * 2 >= len(given)


_ADDRESS_STRUCTURE = re.compile(
    r"(?:省|市|自治区|特别行政区|区|县|旗|州|盟)"
    r".*?(?:路|街|道|巷|弄|胡同|村|组|号|大厦|小区|花园|公寓|苑|栋|幢|楼|单元|室|镇|乡)")


def _address(v: str) -> bool:
    return bool(_ADDRESS_STRUCTURE.search(v)) and sum(map(str.isdigit, v)) < len(v) // 2


ETHNIC_GROUPS = frozenset(
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水"
    " 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克"
    " 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺".split())


def _ethnic(v: str) -> bool:
    return (v[:-1] if v.endswith("族") else v) in ETHNIC_GROUPS


RELIGIONS = frozenset({"佛教", "道教", "伊斯兰教", "基督教", "天主教", "东正教", "新教", "犹太教",
                       "印度教", "无宗教信仰", "Buddhism", "Christianity", "Islam", "Catholic",
                       "Hinduism", "Judaism", "Taoism", "None"})


_D = r"[0-9]"
_PLATE_PROV = data.plate_provinces()

CHECKS: tuple[ValueCheck, ...] = (
    ValueCheck("id18", "CN_RESIDENT_ID", rf"^{_D}{{17}}[0-9Xx]$", Level.PROOF, id18_entity),
    ValueCheck("id15", "CN_RESIDENT_ID", rf"^{_D}{{15}}$", Level.WEAK,
               _const("CN_RESIDENT_ID", lambda v: checks.cn_id15_birth(v) is not None)),
    ValueCheck("mobile", "PHONE_NUMBER",
               r"^(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}$", Level.FORMAT,
               _const("PHONE_NUMBER", _mobile)),
    ValueCheck("landline", "PHONE_NUMBER",
               r"^(?:\(0[0-9]{2,3}\)|0[0-9]{2,3})[ -]?[2-9][0-9]{6,7}(?:-[0-9]{1,5})?$",
               Level.FORMAT, _const("PHONE_NUMBER", _landline)),
    ValueCheck("intl_phone", "PHONE_NUMBER", r"^\+[1-9][0-9 ().-]{6,18}$", Level.FORMAT,
               _const("PHONE_NUMBER", _intl_phone)),
    ValueCheck("email", "EMAIL_ADDRESS",
               r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$",
               Level.FORMAT),
    ValueCheck("card", "BANK_CARD", r"^[0-9]{4}(?:[ -]?[0-9]{4}){2}[ -]?[0-9]{1,7}$",
               Level.PROOF, _const("BANK_CARD", _card), compact=True),
    ValueCheck("imei", "IMEI", r"^[0-9]{15}$", Level.PROOF, _const("IMEI", _imei)),
    ValueCheck("imsi", "IMSI", r"^46[0-9]{13}$", Level.FORMAT),
    ValueCheck("meid", "MEID", r"^[0-9A-Fa-f]{14}$", Level.WEAK),
    ValueCheck("ipv4", "IP_ADDRESS",
               r"^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}"
               r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$", Level.FORMAT),
    ValueCheck("ipv6", "IP_ADDRESS", r"^[0-9A-Fa-f]{0,4}:[0-9A-Fa-f:.]{2,41}$", Level.FORMAT,
               _const("IP_ADDRESS", _ip)),
    ValueCheck("mac", "MAC_ADDRESS",
               r"^[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){5}$|^[0-9A-Fa-f]{4}(?:\.[0-9A-Fa-f]{4}){2}$",
               Level.FORMAT),
    ValueCheck("vin", "VIN", r"^[A-HJ-NPR-Z0-9]{17}$", Level.PROOF,
               _const("VIN", lambda v: not v.isdigit() and checks.vin_valid(v))),
    ValueCheck("uscc", "CN_USCC", r"^[0-9A-HJ-NPQRTUWXY]{18}$", Level.PROOF,
               _const("CN_USCC", checks.uscc_valid)),
    ValueCheck("iban", "IBAN", r"^[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}$", Level.PROOF,
               _const("IBAN", checks.iban_valid), compact=True),
    ValueCheck("ssn", "US_SSN", r"^[0-9]{3}-[0-9]{2}-[0-9]{4}$", Level.FORMAT,
               _const("US_SSN", _ssn)),
    ValueCheck("plate", "CN_LICENSE_PLATE",
               rf"^[{_PLATE_PROV}][A-HJ-NP-Z][·•]?[A-HJ-NP-Z0-9]{{4,5}}[A-HJ-NP-Z0-9挂学警港澳]$",
               Level.FORMAT),
    ValueCheck("cn_passport", "CN_PASSPORT", r"^(?:[EGDSP][0-9]{8}|E[A-HJ-NP-Z][0-9]{7})$",
               Level.FORMAT),
    ValueCheck("hk_macau_permit", "CN_HK_MACAU_PERMIT", r"^[HM][0-9]{8}(?:[0-9]{2})?$",
               Level.WEAK),
    ValueCheck("exit_entry", "CN_EXIT_ENTRY_PERMIT", r"^[CL][A-Z0-9][0-9]{7}$", Level.WEAK),
    ValueCheck("taiwan_permit", "CN_TAIWAN_PERMIT", r"^[0-9]{8}$", Level.WEAK),
    ValueCheck("passport", "PASSPORT", r"^[A-Z0-9]{6,9}$", Level.WEAK),
    ValueCheck("qq", "CN_QQ", r"^[1-9][0-9]{4,10}$", Level.WEAK),
    ValueCheck("wechat", "CN_WECHAT_ID", r"^[A-Za-z][-_A-Za-z0-9]{5,19}$", Level.WEAK),
    ValueCheck("geo_pair", "GEO_COORDINATE",
               r"^-?[0-9]{1,3}\.[0-9]{3,} ?, ?-?[0-9]{1,3}\.[0-9]{3,}$", Level.FORMAT,
               _const("GEO_COORDINATE", _geo_pair)),
    ValueCheck("geo_single", "GEO_COORDINATE", r"^-?[0-9]{1,3}\.[0-9]{3,}$", Level.WEAK,
               _const("GEO_COORDINATE", _geo_single)),
    ValueCheck("date", "DATE_OF_BIRTH",
               r"^(?:19|20)[0-9]{2}(?:[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}日?|[0-9]{4})"
               r"(?:[ T]00:00(?::00(?:\.0+)?)?)?$", Level.WEAK, _const("DATE_OF_BIRTH", _date)),
    ValueCheck("cn_name", "PERSON_NAME", r"^\p{Han}{2,4}$|^\p{Han}{1,5}·\p{Han}{1,8}$",
               Level.FORMAT, _const("PERSON_NAME", _cn_name)),
    ValueCheck("en_name", "PERSON_NAME", r"^[A-Z][a-z]+(?: [A-Z]\.?)?(?: [A-Z][a-z'-]+){1,2}$",
               Level.WEAK),
    ValueCheck("address", "ADDRESS", r"^[\p{Han}0-9A-Za-z()（）#·,，\- ]{6,80}$", Level.FORMAT,
               _const("ADDRESS", _address)),
    ValueCheck("ethnicity", "ETHNICITY", r"^\p{Han}{1,5}族?$", Level.FORMAT,
               _const("ETHNICITY", _ethnic)),
    ValueCheck("religion", "RELIGION", r"^[\p{Han}A-Za-z ]{2,12}$", Level.WEAK,
               _const("RELIGION", lambda v: v in RELIGIONS)),
    ValueCheck("uuid", "DEVICE_ID",
               r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$",
               Level.WEAK),
    ValueCheck("android_id", "DEVICE_ID", r"^[0-9a-f]{16}$", Level.WEAK),
    ValueCheck("account", "BANK_ACCOUNT", r"^[0-9]{10,25}$", Level.WEAK),
)

CHECKS_BY_ENTITY: dict[str, tuple[ValueCheck, ...]] = {}
for _c in CHECKS:
    CHECKS_BY_ENTITY[_c.entity] = (*CHECKS_BY_ENTITY.get(_c.entity, ()), _c)
# id18 can also yield residence permits and PR IDs.
for _e in ("CN_RESIDENCE_PERMIT_HMT", "CN_FOREIGNER_PR_ID"):
    CHECKS_BY_ENTITY[_e] = (CHECKS[0],)

_COMPACT = re.compile(r"[\s-]")


def trimmed(arr: Any) -> Any:
    """A string array with surrounding whitespace removed and empty cells as null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_string(arr.type):
        arr = arr.cast(pa.string())
    arr = pc.utf8_trim_whitespace(arr)
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)


def candidates(check: ValueCheck, arr: Any) -> tuple[Any, list[str]]:
    """Indices (Arrow int64) and values of the cells matching the check's pattern."""
    import pyarrow.compute as pc

    mask = pc.match_substring_regex(arr, check.pattern)
    idx = pc.indices_nonzero(pc.fill_null(mask, False))
    if len(idx) == 0:
        return idx, []
    return idx, pc.take(arr, idx).to_pylist()


def run_check(check: ValueCheck, arr: Any) -> tuple[Any, list[str | None]]:
    """``(indices, entities)``: each matching cell and the entity it validated as (or None)."""
    idx, values = candidates(check, arr)
    if not values:
        return idx, []
    if check.validate is None:
        return idx, [check.entity] * len(values)
    validate = check.validate
    out: list[str | None] = []
    for v in values:
        if check.compact:
            v = _COMPACT.sub("", v)
        try:
            out.append(validate(v))
        except (ValueError, IndexError, KeyError):
            out.append(None)
    return idx, out


def count_entities(arr: Any, checks_: tuple[ValueCheck, ...] = CHECKS) -> dict[str, dict[str, Any]]:
    """Per entity over the cells of ``arr`` (trimmed): ``{"valid": n, "level": Level,
    "rows": set of row indices}``. A cell counts once per entity even if two checks match it.
    """
    result: dict[str, dict[str, Any]] = {}
    for check in checks_:
        idx, ents = run_check(check, arr)
        if not ents:
            continue
        for row, ent in zip(idx.to_pylist(), ents, strict=True):
            if ent is None:
                continue
            slot = result.setdefault(ent, {"valid": 0, "level": int(check.level), "rows": set()})
            if row in slot["rows"]:
                continue
            slot["rows"].add(row)
            slot["valid"] += 1
            slot["level"] = max(slot["level"], int(check.level))
    return result


def valid_rows(entity: str, arr: Any) -> dict[int, str]:
    """Rows of ``arr`` (trimmed) holding a valid ``entity`` value → the value.

    Used by full scans: only the checks of the column's entity run.
    """
    found: dict[int, str] = {}
    for check in CHECKS_BY_ENTITY.get(entity, ()):
        idx, values = candidates(check, arr)
        if not values:
            continue
        for row, v in zip(idx.to_pylist(), values, strict=True):
            if row in found:
                continue
            w = _COMPACT.sub("", v) if check.compact else v
            try:
                ok = check.entity if check.validate is None else check.validate(w)
            except (ValueError, IndexError, KeyError):
                ok = None
            if ok == entity:
                found[row] = v
    return found


def minor_cutoff(age: int, today: _dt.date | None = None) -> _dt.date:
    """People born after this date are younger than ``age`` years today."""
    today = today or _dt.date.today()
    try:
        return today.replace(year=today.year - age)
    except ValueError:  # 29 February
        return today.replace(year=today.year - age, day=28)


def _id_birth_unchecked(v: str) -> _dt.date | None:
    """Birth date of an ID already validated (its date is real): no second validation."""
    v = v.strip()
    try:
        if len(v) == 18:
            return _dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
        if len(v) == 15:
            return _dt.date(1900 + int(v[6:8]), int(v[8:10]), int(v[10:12]))
    except ValueError:
        return None
    return None


def birth_dates(entity: str, values: list[str]) -> list[_dt.date | None]:
    """Birth dates carried by *valid* ID or date-of-birth values (None where unknown)."""
    if entity in ("CN_RESIDENT_ID", "CN_RESIDENCE_PERMIT_HMT", "CN_FOREIGNER_PR_ID"):
        return [_id_birth_unchecked(v) for v in values]
    if entity == "DATE_OF_BIRTH":
        out: list[_dt.date | None] = []
        for v in values:
            nums = _DATE_NUMS.findall(v)
            try:
                if len(nums) == 1 and len(nums[0]) == 8:
                    out.append(_dt.date(int(nums[0][:4]), int(nums[0][4:6]), int(nums[0][6:])))
                elif len(nums) >= 3:
                    out.append(_dt.date(int(nums[0]), int(nums[1]), int(nums[2])))
                else:
                    out.append(None)
            except ValueError:
                out.append(None)
        return out
    return [None] * len(values)
