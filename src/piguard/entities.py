"""The entity catalogue: one record per canonical entity type.

Data, no logic. Each entity names its group, its GB/T 43697-2024 Annex B category
(一级类别 / 二级类别), whether it is *sensitive personal information* by default and under
which standard that default was taken, and the display mask used for previews.

Sensitivity defaults follow PIPL Art. 28 (特定身份, 金融账户, 行踪轨迹, 医疗健康, 宗教信仰,
生物识别, minors) read together with GB/T 35273-2020 Annex B. GB/T 45574-2025 no longer
treats the identity-card *number* as 特定身份 sensitive PI; an organisation that follows it
switches those flags off with :func:`Catalogue.with_overrides` (or a sensitivity profile file)
instead of editing code. Every flag records its ``sensitive_basis`` so a report can say which
standard a grade came from.

Display masks (``mask``) name a preview style understood by
:func:`piguard.detect.preview.mask_value`:

- ``keep:F:L``  keep the first F and last L characters, mask the rest with ``*``
- ``id``        national ID: keep the first 6 (region) and last 2, always hide the birth date
- ``email``     first character of the local part + ``***@domain``
- ``name``      keep the surname (first character), mask the rest
- ``address``   keep the leading administrative part, mask the rest
- ``all``       mask every character
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

PIPL = "PIPL Art.28 + GB/T 35273-2020 Annex B"
GB45574 = "GB/T 45574-2025 Annex A"
NOT_SENSITIVE = "GB/T 35273-2020 Annex A (general PI)"
ORG = "organisation identifier (not personal)"


@dataclass(frozen=True, slots=True)
class Entity:
    name: str
    group: str
    category: str          # GB/T 43697-2024 Annex B 一级类别
    subcategory: str       # 二级类别 / example row
    sensitive: bool
    sensitive_basis: str
    mask: str
    description: str
    personal: bool = True  # False for organisation identifiers (CN_USCC)


def _e(name, group, category, sub, sensitive, basis, mask, description, personal=True) -> Entity:
    return Entity(name, group, category, sub, sensitive, basis, mask, description, personal)


_IDENTITY = "个人身份信息"
_BASIC = "个人基本资料"
_NET = "网络身份标识信息"
_DEVICE = "个人设备信息"
_LOCATION = "个人位置信息"
_PROPERTY = "个人财产信息"

_ENTITIES: tuple[Entity, ...] = (
    # identity (CN)
    _e("CN_RESIDENT_ID", "identity", _IDENTITY, "身份证", True, PIPL, "id",
       "Resident identity card number (GB 11643-1999), 18-digit or 15-digit legacy"),
    _e("CN_RESIDENCE_PERMIT_HMT", "identity", _IDENTITY, "居住证", True, PIPL, "id",
       "Residence permit for Hong Kong, Macau and Taiwan residents (810000/820000/830000)"),
    _e("CN_FOREIGNER_PR_ID", "identity", _IDENTITY, "外国人永久居留身份证", True, PIPL, "id",
       "Foreigner permanent-residence ID card (2023 format: 18 digits, leading 9)"),
    _e("CN_PASSPORT", "identity", _IDENTITY, "护照", True, PIPL, "keep:1:3",
       "People's Republic of China passport number"),
    _e("CN_HK_MACAU_PERMIT", "identity", _IDENTITY, "港澳台通行证", True, PIPL, "keep:1:3",
       "Mainland Travel Permit for Hong Kong and Macau residents (回乡证, H/M + 8 digits)"),
    _e("CN_TAIWAN_PERMIT", "identity", _IDENTITY, "港澳台通行证", True, PIPL, "keep:1:3",
       "Mainland Travel Permit for Taiwan residents (台胞证, 8 digits)"),
    _e("CN_EXIT_ENTRY_PERMIT", "identity", _IDENTITY, "港澳台通行证", True, PIPL, "keep:1:3",
       "Exit-Entry Permit for mainland residents to HK/Macau (C…) or Taiwan (L…)"),
    _e("CN_MILITARY_ID", "identity", _IDENTITY, "军官证", True, PIPL, "keep:1:2",
       "Military officer / soldier identity document number (context only)"),
    _e("CN_SOCIAL_SECURITY_CARD", "identity", _IDENTITY, "社保卡", True, PIPL, "keep:1:2",
       "Social-security card number printed on the card (context only)"),
    _e("CN_USCC", "identity", "组织机构信息", "统一社会信用代码", False, ORG, "keep:8:2",
       "Unified social credit code (GB 32100-2015) of an organisation", personal=False),
    # contact
    _e("PHONE_NUMBER", "contact", _BASIC, "个人电话号码", False, NOT_SENSITIVE, "phone",
       "Telephone number: CN mobile, CN landline or international"),
    _e("EMAIL_ADDRESS", "contact", _BASIC, "电子邮件地址", False, NOT_SENSITIVE, "email",
       "E-mail address"),
    _e("CN_QQ", "contact", _NET, "即时通信账号", False, NOT_SENSITIVE, "keep:2:2",
       "QQ number (context required)"),
    _e("CN_WECHAT_ID", "contact", _NET, "即时通信账号", False, NOT_SENSITIVE, "keep:2:2",
       "WeChat ID (context required)"),
    # finance
    _e("BANK_CARD", "finance", _PROPERTY, "金融账户信息", True, PIPL, "keep:6:4",
       "Payment card number (UnionPay and international brands)"),
    _e("BANK_ACCOUNT", "finance", _PROPERTY, "金融账户信息", True, PIPL, "keep:4:4",
       "Bank account number (context only)"),
    _e("IBAN", "finance", _PROPERTY, "金融账户信息", True, PIPL, "keep:4:4",
       "International Bank Account Number (ISO 13616, mod-97 check)"),
    # network / device
    _e("IP_ADDRESS", "network", _NET, "IP地址", False, NOT_SENSITIVE, "ip",
       "IPv4 or IPv6 address"),
    _e("MAC_ADDRESS", "network", _DEVICE, "不可变更的唯一设备识别码", False, NOT_SENSITIVE,
       "keep:8:0", "MAC (EUI-48) hardware address"),
    _e("IMEI", "network", _DEVICE, "不可变更的唯一设备识别码", False, NOT_SENSITIVE, "keep:8:0",
       "International Mobile Equipment Identity (Luhn)"),
    _e("MEID", "network", _DEVICE, "不可变更的唯一设备识别码", False, NOT_SENSITIVE, "keep:8:0",
       "Mobile Equipment Identifier (CDMA)"),
    _e("IMSI", "network", _DEVICE, "SIM卡IMSI信息", False, NOT_SENSITIVE, "keep:5:0",
       "International Mobile Subscriber Identity"),
    _e("DEVICE_ID", "network", _DEVICE, "可变更的唯一设备识别码", False, NOT_SENSITIVE,
       "keep:4:0", "Resettable device identifier (IDFA, OAID, Android ID)"),
    # location / vehicle
    _e("ADDRESS", "location", _BASIC, "住址", False, NOT_SENSITIVE, "address",
       "Postal or street address"),
    _e("GEO_COORDINATE", "location", _LOCATION, "精准定位信息", True, PIPL, "keep:3:0",
       "Latitude/longitude pair (precise location, 行踪轨迹)"),
    _e("CN_LICENSE_PLATE", "location", _BASIC, "车辆信息", False, NOT_SENSITIVE, "keep:2:1",
       "Chinese motor-vehicle licence plate"),
    _e("VIN", "location", _BASIC, "车辆信息", False, NOT_SENSITIVE, "keep:3:4",
       "Vehicle identification number (ISO 3779 check digit)"),
    # person
    _e("PERSON_NAME", "person", _BASIC, "姓名", False, NOT_SENSITIVE, "name",
       "Name of a natural person"),
    _e("DATE_OF_BIRTH", "person", _BASIC, "生日", False, NOT_SENSITIVE, "keep:4:0",
       "Date of birth (context required)"),
    _e("ETHNICITY", "person", _BASIC, "民族", False, NOT_SENSITIVE, "all",
       "Ethnicity (民族)"),
    _e("RELIGION", "person", "其他个人信息", "宗教信仰", True, PIPL, "all",
       "Religious belief"),
    _e("HEALTH", "person", "个人健康生理信息", "医疗健康信息", True, PIPL, "all",
       "Health or medical information"),
    _e("CREDENTIAL", "person", "身份鉴别信息", "账号口令", True, PIPL, "all",
       "Password, verification code or other authentication secret"),
    # international
    _e("US_SSN", "international", _IDENTITY, "身份证", True, PIPL, "keep:0:4",
       "United States Social Security number"),
    _e("PASSPORT", "international", _IDENTITY, "护照", True, PIPL, "keep:1:3",
       "Non-Chinese passport number (context required)"),
)

# National IDs validated through python-stdnum, named XX_NATIONAL_ID or by their own short
# name. The table of modules lives in detect/recognizers/international.py; the catalogue
# only needs their names.
INTERNATIONAL_IDS: dict[str, str] = {
    "AR_NATIONAL_ID": "Argentina DNI", "AT_NATIONAL_ID": "Austria social insurance number",
    "AU_TFN": "Australia tax file number", "BE_NATIONAL_ID": "Belgium national number",
    "BG_NATIONAL_ID": "Bulgaria EGN", "BR_CPF": "Brazil CPF",
    "CA_SIN": "Canada social insurance number", "CH_NATIONAL_ID": "Switzerland AHV/AVS number",
    "CL_NATIONAL_ID": "Chile RUT", "CR_NATIONAL_ID": "Costa Rica cédula",
    "CU_NATIONAL_ID": "Cuba carné de identidad", "CZ_NATIONAL_ID": "Czech birth number",
    "DE_NATIONAL_ID": "Germany tax ID (IdNr)", "DK_NATIONAL_ID": "Denmark CPR",
    "DO_NATIONAL_ID": "Dominican Republic cédula", "EC_NATIONAL_ID": "Ecuador cédula",
    "EE_NATIONAL_ID": "Estonia isikukood", "ES_NATIONAL_ID": "Spain DNI/NIE",
    "FI_NATIONAL_ID": "Finland HETU", "FR_NATIONAL_ID": "France NIR",
    "GR_NATIONAL_ID": "Greece AMKA", "HR_NATIONAL_ID": "Croatia OIB",
    "ID_NATIONAL_ID": "Indonesia NIK", "IE_NATIONAL_ID": "Ireland PPS number",
    "IL_NATIONAL_ID": "Israel ID number", "IN_AADHAAR": "India Aadhaar", "IN_PAN": "India PAN",
    "IS_NATIONAL_ID": "Iceland kennitala", "IT_NATIONAL_ID": "Italy codice fiscale",
    "JP_MY_NUMBER": "Japan My Number", "KR_RRN": "South Korea resident registration number",
    "LT_NATIONAL_ID": "Lithuania asmens kodas", "LV_NATIONAL_ID": "Latvia personas kods",
    "MD_NATIONAL_ID": "Moldova IDNO", "MX_CURP": "Mexico CURP",
    "MY_NATIONAL_ID": "Malaysia NRIC", "NL_NATIONAL_ID": "Netherlands BSN",
    "NO_NATIONAL_ID": "Norway fødselsnummer", "NZ_IRD": "New Zealand IRD number",
    "PE_NATIONAL_ID": "Peru CUI/DNI", "PL_NATIONAL_ID": "Poland PESEL",
    "PT_NATIONAL_ID": "Portugal NIF", "RO_NATIONAL_ID": "Romania CNP",
    "SE_NATIONAL_ID": "Sweden personnummer", "SI_NATIONAL_ID": "Slovenia EMŠO",
    "TH_NATIONAL_ID": "Thailand ID number", "TR_NATIONAL_ID": "Turkey T.C. Kimlik No",
    "UA_NATIONAL_ID": "Ukraine RNTRC", "ZA_NATIONAL_ID": "South Africa ID number",
}

_ENTITIES = _ENTITIES + tuple(
    _e(name, "international", _IDENTITY, "身份证", True, PIPL, "keep:0:3", desc)
    for name, desc in INTERNATIONAL_IDS.items()
)


class Catalogue(Mapping[str, Entity]):
    """Read-only mapping name → :class:`Entity`, with overrides for sensitivity profiles."""

    __slots__ = ("_by_name",)

    def __init__(self, entities: tuple[Entity, ...] | list[Entity]):
        self._by_name = {e.name: e for e in entities}

    def __getitem__(self, name: str) -> Entity:
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"unknown entity {name!r}; see `piguard.entities.names()`") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    def with_overrides(self, sensitive: Mapping[str, bool], basis: str) -> Catalogue:
        """A copy where the named entities' sensitive flags are set, recording ``basis``.

        >>> c = CATALOGUE.with_overrides({"CN_RESIDENT_ID": False}, GB45574)
        >>> c["CN_RESIDENT_ID"].sensitive, c["CN_RESIDENT_ID"].sensitive_basis
        (False, 'GB/T 45574-2025 Annex A')
        """
        for name in sensitive:
            self[name]  # raises for unknown names
        return Catalogue([
            replace(e, sensitive=sensitive[e.name], sensitive_basis=basis)
            if e.name in sensitive else e
            for e in self._by_name.values()
        ])


CATALOGUE = Catalogue(_ENTITIES)


def get(name: str) -> Entity:
    """The catalogue record for ``name``; ``KeyError`` naming the entity if unknown."""
    return CATALOGUE[name]


def names() -> list[str]:
    """All canonical entity names."""
    return list(CATALOGUE)


def all_entities() -> list[Entity]:
    return list(CATALOGUE.values())
