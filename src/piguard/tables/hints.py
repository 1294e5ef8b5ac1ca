"""Name and comment hints: what a column's name or comment says it holds.

Chinese databases name columns in English (``id_card``, ``mobile``), in pinyin initials
(``sfzh`` 身份证号, ``sjhm`` 手机号码, ``xm`` 姓名, ``dz`` 地址, ``csrq`` 出生日期), in full
pinyin (``shouji``, ``dianhua``) or in Chinese, and explain them in comments
(``COMMENT '身份证号码'``). A hint has a *strength*: ``STRONG`` (the name says it plainly:
``sfzh``, ``phone``, ``身份证``) or ``WEAK`` (short or ambiguous: ``xm`` is also 项目, ``dz``,
``kh`` 卡号/客户, ``tel``). A hint alone never classifies a column whose entity has a value
shape; it lowers the share of valid values needed (see ``classify``).

Names are split into tokens: ``idCardNo`` → ``id card no``; ``user_mobile2`` →
``user mobile``; the joined form (``idcardno``) is also compared with the abbreviation list,
with common prefixes (``user_``, ``cust_``, ``kh``...) removed.
"""

from __future__ import annotations

import re

STRONG = 1.0
WEAK = 0.5

_ID = ("CN_RESIDENT_ID",)
_DOC = ("CN_RESIDENT_ID", "CN_PASSPORT", "CN_RESIDENCE_PERMIT_HMT", "CN_HK_MACAU_PERMIT",
        "CN_TAIWAN_PERMIT", "CN_FOREIGNER_PR_ID", "CN_EXIT_ENTRY_PERMIT", "PASSPORT")
_PASSPORT = ("CN_PASSPORT", "PASSPORT")
_PHONE = ("PHONE_NUMBER",)
_NAME = ("PERSON_NAME",)
_ADDR = ("ADDRESS",)
_EMAIL = ("EMAIL_ADDRESS",)
_CARD = ("BANK_CARD",)
_ACCOUNT = ("BANK_ACCOUNT", "BANK_CARD")
_DOB = ("DATE_OF_BIRTH",)
_GEO = ("GEO_COORDINATE",)
_DEVICE = ("DEVICE_ID",)

# Joined-name abbreviations (lower case, separators removed, trailing digits removed).
# ``suffix=True`` entries (3+ letters) also match at the end of a longer name (khsjh).
_ABBREVIATIONS: dict[str, tuple[tuple[str, ...], float]] = {
    # identity
    "sfz": (_ID, STRONG), "sfzh": (_ID, STRONG), "sfzhm": (_ID, STRONG), "sfzjh": (_ID, STRONG),
    "sfzhao": (_ID, STRONG), "shenfenzheng": (_ID, STRONG), "shenfenzhenghao": (_ID, STRONG),
    "gmsfhm": (_ID, STRONG), "sfzmhm": (_ID, STRONG), "idcard": (_ID, STRONG),
    "idcardno": (_ID, STRONG), "idcardnum": (_ID, STRONG), "idcardnumber": (_ID, STRONG),
    "idno": (_ID, WEAK), "idnumber": (_ID, WEAK), "identityno": (_ID, STRONG),
    "identitycard": (_ID, STRONG), "identitynumber": (_ID, STRONG), "citizenid": (_ID, STRONG),
    "nationalid": (_ID, STRONG), "residentid": (_ID, STRONG), "sfzhma": (_ID, STRONG),
    "zjhm": (_DOC, WEAK), "zjh": (_DOC, WEAK), "zjhao": (_DOC, WEAK), "certno": (_DOC, WEAK),
    "certid": (_DOC, WEAK), "certnum": (_DOC, WEAK), "certificateno": (_DOC, WEAK),
    "zhengjianhao": (_DOC, WEAK), "zhengjianhaoma": (_DOC, WEAK),
    "hzh": (_PASSPORT, STRONG), "hzhm": (_PASSPORT, STRONG), "huzhao": (_PASSPORT, STRONG),
    "huzhaohao": (_PASSPORT, STRONG), "passportno": (_PASSPORT, STRONG),
    "gatxz": (("CN_HK_MACAU_PERMIT", "CN_EXIT_ENTRY_PERMIT"), STRONG),
    "hxz": (("CN_HK_MACAU_PERMIT",), STRONG), "tbz": (("CN_TAIWAN_PERMIT",), STRONG),
    "twtxz": (("CN_TAIWAN_PERMIT", "CN_EXIT_ENTRY_PERMIT"), STRONG),
    "yjjlz": (("CN_FOREIGNER_PR_ID",), STRONG),
    "jgz": (("CN_MILITARY_ID",), STRONG), "junguanzheng": (("CN_MILITARY_ID",), STRONG),
    "sbk": (("CN_SOCIAL_SECURITY_CARD",), STRONG), "sbkh": (("CN_SOCIAL_SECURITY_CARD",), STRONG),
    "shebaoka": (("CN_SOCIAL_SECURITY_CARD",), STRONG),
    "ybkh": (("CN_SOCIAL_SECURITY_CARD",), STRONG),
    "ssn": (("US_SSN",), STRONG),
    "tyshxydm": (("CN_USCC",), STRONG), "shxydm": (("CN_USCC",), STRONG),
    "uscc": (("CN_USCC",), STRONG), "creditcode": (("CN_USCC",), WEAK),
    # contact
    "sj": (_PHONE, WEAK), "sjh": (_PHONE, STRONG), "sjhm": (_PHONE, STRONG),
    "sjhao": (_PHONE, STRONG), "shouji": (_PHONE, STRONG), "shoujihao": (_PHONE, STRONG),
    "shoujihaoma": (_PHONE, STRONG), "dh": (_PHONE, WEAK), "dhhm": (_PHONE, STRONG),
    "dianhua": (_PHONE, STRONG), "dianhuahaoma": (_PHONE, STRONG), "lxdh": (_PHONE, STRONG),
    "lxfs": (_PHONE, WEAK), "yddh": (_PHONE, STRONG), "gddh": (_PHONE, STRONG),
    "bgdh": (_PHONE, STRONG), "jtdh": (_PHONE, STRONG), "lxrdh": (_PHONE, STRONG),
    "msisdn": (_PHONE, STRONG), "mobileno": (_PHONE, STRONG), "phoneno": (_PHONE, STRONG),
    "cellphone": (_PHONE, STRONG), "telephone": (_PHONE, STRONG), "telno": (_PHONE, STRONG),
    "mobilephone": (_PHONE, STRONG), "phonenumber": (_PHONE, STRONG),
    "email": (_EMAIL, STRONG), "emailaddress": (_EMAIL, STRONG), "yx": (_EMAIL, WEAK),
    "yxdz": (_EMAIL, STRONG), "dzyx": (_EMAIL, STRONG), "dzyj": (_EMAIL, STRONG),
    "youxiang": (_EMAIL, STRONG), "youjian": (_EMAIL, WEAK),
    "qq": (("CN_QQ",), STRONG), "qqh": (("CN_QQ",), STRONG), "qqhm": (("CN_QQ",), STRONG),
    "qqhao": (("CN_QQ",), STRONG), "qqno": (("CN_QQ",), STRONG),
    "wx": (("CN_WECHAT_ID",), WEAK), "wxh": (("CN_WECHAT_ID",), STRONG),
    "weixin": (("CN_WECHAT_ID",), STRONG), "weixinhao": (("CN_WECHAT_ID",), STRONG),
    "wechat": (("CN_WECHAT_ID",), STRONG), "wechatid": (("CN_WECHAT_ID",), STRONG),
    "wxid": (("CN_WECHAT_ID",), STRONG),
    # person
    "xm": (_NAME, WEAK), "xingming": (_NAME, STRONG), "khxm": (_NAME, STRONG),
    "hzxm": (_NAME, STRONG), "lxr": (_NAME, STRONG), "lxrxm": (_NAME, STRONG),
    "shr": (_NAME, STRONG), "shrxm": (_NAME, STRONG), "sjr": (_NAME, STRONG),
    "jjr": (_NAME, STRONG), "realname": (_NAME, STRONG), "fullname": (_NAME, STRONG),
    "truename": (_NAME, STRONG), "firstname": (_NAME, STRONG), "lastname": (_NAME, STRONG),
    "surname": (_NAME, STRONG), "givenname": (_NAME, STRONG), "familyname": (_NAME, STRONG),
    "contactname": (_NAME, STRONG), "xingm": (_NAME, STRONG), "name": (_NAME, WEAK),
    "csrq": (_DOB, STRONG), "csny": (_DOB, STRONG), "chusheng": (_DOB, STRONG),
    "chushengriqi": (_DOB, STRONG), "shengri": (_DOB, STRONG), "sr": (_DOB, WEAK),
    "birth": (_DOB, STRONG), "birthday": (_DOB, STRONG), "birthdate": (_DOB, STRONG),
    "dob": (_DOB, STRONG), "dateofbirth": (_DOB, STRONG), "borndate": (_DOB, STRONG),
    "mz": (("ETHNICITY",), WEAK), "minzu": (("ETHNICITY",), STRONG),
    "ethnic": (("ETHNICITY",), STRONG), "ethnicity": (("ETHNICITY",), STRONG),
    "nation": (("ETHNICITY",), WEAK),
    "zjxy": (("RELIGION",), STRONG), "zongjiao": (("RELIGION",), STRONG),
    "religion": (("RELIGION",), STRONG), "xy": (("RELIGION",), WEAK),
    "zd": (("HEALTH",), WEAK), "zdjg": (("HEALTH",), STRONG), "zhenduan": (("HEALTH",), STRONG),
    "diagnosis": (("HEALTH",), STRONG), "bingli": (("HEALTH",), STRONG),
    "bingshi": (("HEALTH",), STRONG), "jws": (("HEALTH",), STRONG), "gms": (("HEALTH",), STRONG),
    "jibing": (("HEALTH",), STRONG), "disease": (("HEALTH",), STRONG),
    "illness": (("HEALTH",), STRONG), "allergy": (("HEALTH",), STRONG),
    "symptom": (("HEALTH",), STRONG), "symptoms": (("HEALTH",), STRONG),
    "medicalhistory": (("HEALTH",), STRONG), "medicalrecord": (("HEALTH",), STRONG),
    "password": (("CREDENTIAL",), STRONG), "passwd": (("CREDENTIAL",), STRONG),
    "pwd": (("CREDENTIAL",), STRONG), "mima": (("CREDENTIAL",), STRONG),
    "mm": (("CREDENTIAL",), WEAK), "dlmm": (("CREDENTIAL",), STRONG),
    "zfmm": (("CREDENTIAL",), STRONG), "yzm": (("CREDENTIAL",), STRONG),
    "paypwd": (("CREDENTIAL",), STRONG), "passcode": (("CREDENTIAL",), STRONG),
    "otp": (("CREDENTIAL",), STRONG), "smscode": (("CREDENTIAL",), STRONG),
    "verifycode": (("CREDENTIAL",), STRONG), "secret": (("CREDENTIAL",), WEAK),
    "pin": (("CREDENTIAL",), WEAK),
    # location
    "dz": (_ADDR, WEAK), "dizhi": (_ADDR, STRONG), "zz": (_ADDR, WEAK), "jtzz": (_ADDR, STRONG),
    "jtdz": (_ADDR, STRONG), "hjdz": (_ADDR, STRONG), "hjszd": (_ADDR, STRONG),
    "xzz": (_ADDR, STRONG), "xjzd": (_ADDR, STRONG), "shdz": (_ADDR, STRONG),
    "sjdz": (_ADDR, STRONG), "jzdz": (_ADDR, STRONG), "txdz": (_ADDR, STRONG),
    "zhuzhi": (_ADDR, STRONG), "address": (_ADDR, STRONG), "addr": (_ADDR, WEAK),
    "homeaddress": (_ADDR, STRONG), "street": (_ADDR, WEAK),
    "cph": (("CN_LICENSE_PLATE",), STRONG), "cphm": (("CN_LICENSE_PLATE",), STRONG),
    "hphm": (("CN_LICENSE_PLATE",), STRONG), "chepai": (("CN_LICENSE_PLATE",), STRONG),
    "chepaihao": (("CN_LICENSE_PLATE",), STRONG), "plateno": (("CN_LICENSE_PLATE",), STRONG),
    "licenseplate": (("CN_LICENSE_PLATE",), STRONG), "carno": (("CN_LICENSE_PLATE",), WEAK),
    "plate": (("CN_LICENSE_PLATE",), WEAK),
    "vin": (("VIN",), STRONG), "cjh": (("VIN",), STRONG), "clsbdh": (("VIN",), STRONG),
    "frameno": (("VIN",), STRONG), "chassisno": (("VIN",), STRONG),
    "lat": (_GEO, STRONG), "latitude": (_GEO, STRONG), "lng": (_GEO, STRONG),
    "lon": (_GEO, STRONG), "longitude": (_GEO, STRONG), "jd": (_GEO, WEAK),
    "wd": (_GEO, WEAK), "jwd": (_GEO, STRONG), "gps": (_GEO, STRONG), "coord": (_GEO, STRONG),
    "coords": (_GEO, STRONG), "coordinate": (_GEO, STRONG), "coordinates": (_GEO, STRONG),
    "location": (_GEO, WEAK), "latlng": (_GEO, STRONG), "lnglat": (_GEO, STRONG),
    "zb": (_GEO, WEAK), "dw": (_GEO, WEAK),
    # finance
    "yhk": (_CARD, STRONG), "yhkh": (_CARD, STRONG), "yinhangka": (_CARD, STRONG),
    "yinhangkahao": (_CARD, STRONG), "kh": (_CARD, WEAK), "kahao": (_CARD, STRONG),
    "bankcard": (_CARD, STRONG), "bankcardno": (_CARD, STRONG), "cardno": (_CARD, WEAK),
    "cardnum": (_CARD, WEAK), "cardnumber": (_CARD, WEAK), "creditcard": (_CARD, STRONG),
    "debitcard": (_CARD, STRONG), "pan": (_CARD, WEAK),
    "yhzh": (_ACCOUNT, STRONG), "zh": (_ACCOUNT, WEAK), "bankaccount": (_ACCOUNT, STRONG),
    "accountno": (_ACCOUNT, WEAK), "acctno": (_ACCOUNT, WEAK), "account": (_ACCOUNT, WEAK),
    "iban": (("IBAN",), STRONG),
    # network / device
    "ip": (("IP_ADDRESS",), STRONG), "ipaddr": (("IP_ADDRESS",), STRONG),
    "ipaddress": (("IP_ADDRESS",), STRONG), "clientip": (("IP_ADDRESS",), STRONG),
    "loginip": (("IP_ADDRESS",), STRONG), "remoteip": (("IP_ADDRESS",), STRONG),
    "remoteaddr": (("IP_ADDRESS",), STRONG), "srcip": (("IP_ADDRESS",), STRONG),
    "userip": (("IP_ADDRESS",), STRONG), "ipdz": (("IP_ADDRESS",), STRONG),
    "mac": (("MAC_ADDRESS",), STRONG), "macaddr": (("MAC_ADDRESS",), STRONG),
    "macaddress": (("MAC_ADDRESS",), STRONG), "macdz": (("MAC_ADDRESS",), STRONG),
    "imei": (("IMEI",), STRONG), "imsi": (("IMSI",), STRONG), "meid": (("MEID",), STRONG),
    "idfa": (_DEVICE, STRONG), "idfv": (_DEVICE, STRONG), "oaid": (_DEVICE, STRONG),
    "androidid": (_DEVICE, STRONG), "deviceid": (_DEVICE, STRONG), "udid": (_DEVICE, STRONG),
    "sbh": (_DEVICE, WEAK), "sbid": (_DEVICE, WEAK), "devid": (_DEVICE, STRONG),
    "shebeihao": (_DEVICE, STRONG),
}

# Prefixes that qualify who the value belongs to; removed before a second look-up.
_PREFIXES = ("user", "usr", "cust", "customer", "client", "member", "kh", "emp", "staff",
             "patient", "hz", "shr", "sjr", "jjr", "buyer", "receiver", "recv", "sender", "contact", "lx", "lxr",
             "emergency", "jj", "home", "jt", "work", "gz", "reg", "login", "owner", "holder",
             "f", "c", "col", "fld", "t", "u", "s", "m", "my", "main", "primary", "bind", "bd",
             "legal", "fr", "guardian", "jhr", "parent", "student", "xs", "teacher", "driver")

# Tokens after which "name" does not mean a person's name.
_NOT_PERSON = frozenset({
    "product", "goods", "item", "sku", "spu", "company", "corp", "org", "organization",
    "shop", "store", "merchant", "file", "table", "column", "field", "city", "province",
    "country", "district", "region", "area", "dept", "department", "brand", "category", "cat",
    "tag", "app", "host", "server", "bank", "channel", "nick", "nickname", "user", "username",
    "login", "account", "display", "screen", "project", "task", "job", "course", "class",
    "school", "hospital", "street", "road", "group", "role", "team", "site", "domain", "event",
    "model", "device", "type", "status", "key", "label", "title", "sheet", "db", "schema",
    "index", "image", "img", "pic", "icon", "font", "color", "plan", "package", "pkg", "module",
    "service", "method", "action", "menu", "page", "template", "tpl", "sp", "gs", "dw", "jg",
    "xx", "mc"})
_PERSON_QUALIFIERS = frozenset({
    "first", "last", "full", "real", "true", "given", "family", "middle", "contact",
    "patient", "holder", "cardholder", "receiver", "recipient", "sender", "emergency",
    "legal", "person", "customer", "cust", "buyer", "guardian", "parent", "student", "driver",
    "employee", "emp", "staff", "member", "owner", "applicant", "insured", "beneficiary"})

# Token phrases (all tokens present) for English names.
_PHRASES: tuple[tuple[frozenset[str], tuple[str, ...], float], ...] = (
    (frozenset({"id", "card"}), _ID, STRONG),
    (frozenset({"identity"}), _ID, WEAK),
    (frozenset({"id", "no"}), _ID, WEAK),
    (frozenset({"id", "number"}), _ID, WEAK),
    (frozenset({"bank", "card"}), _CARD, STRONG),
    (frozenset({"credit", "card"}), _CARD, STRONG),
    (frozenset({"card", "no"}), _CARD, WEAK),
    (frozenset({"card", "number"}), _CARD, WEAK),
    (frozenset({"bank", "account"}), _ACCOUNT, STRONG),
    (frozenset({"phone"}), _PHONE, STRONG),
    (frozenset({"mobile"}), _PHONE, STRONG),
    (frozenset({"tel"}), _PHONE, STRONG),
    (frozenset({"cell"}), _PHONE, WEAK),
    (frozenset({"fax"}), _PHONE, WEAK),
    (frozenset({"email"}), _EMAIL, STRONG),
    (frozenset({"mail"}), _EMAIL, WEAK),
    (frozenset({"passport"}), _PASSPORT, STRONG),
    (frozenset({"birthday"}), _DOB, STRONG),
    (frozenset({"birth"}), _DOB, STRONG),
    (frozenset({"dob"}), _DOB, STRONG),
    (frozenset({"ip"}), ("IP_ADDRESS",), STRONG),
    (frozenset({"mac"}), ("MAC_ADDRESS",), STRONG),
    (frozenset({"imei"}), ("IMEI",), STRONG),
    (frozenset({"imsi"}), ("IMSI",), STRONG),
    (frozenset({"device", "id"}), _DEVICE, STRONG),
    (frozenset({"android", "id"}), _DEVICE, STRONG),
    (frozenset({"idfa"}), _DEVICE, STRONG),
    (frozenset({"oaid"}), _DEVICE, STRONG),
    (frozenset({"address"}), _ADDR, STRONG),
    (frozenset({"addr"}), _ADDR, WEAK),
    (frozenset({"lat"}), _GEO, STRONG),
    (frozenset({"lng"}), _GEO, STRONG),
    (frozenset({"lon"}), _GEO, STRONG),
    (frozenset({"latitude"}), _GEO, STRONG),
    (frozenset({"longitude"}), _GEO, STRONG),
    (frozenset({"gps"}), _GEO, STRONG),
    (frozenset({"religion"}), ("RELIGION",), STRONG),
    (frozenset({"ethnicity"}), ("ETHNICITY",), STRONG),
    (frozenset({"diagnosis"}), ("HEALTH",), STRONG),
    (frozenset({"disease"}), ("HEALTH",), STRONG),
    (frozenset({"allergy"}), ("HEALTH",), STRONG),
    (frozenset({"medical"}), ("HEALTH",), WEAK),
    (frozenset({"password"}), ("CREDENTIAL",), STRONG),
    (frozenset({"passwd"}), ("CREDENTIAL",), STRONG),
    (frozenset({"pwd"}), ("CREDENTIAL",), STRONG),
    (frozenset({"qq"}), ("CN_QQ",), STRONG),
    (frozenset({"wechat"}), ("CN_WECHAT_ID",), STRONG),
    (frozenset({"weixin"}), ("CN_WECHAT_ID",), STRONG),
    (frozenset({"plate"}), ("CN_LICENSE_PLATE",), WEAK),
    (frozenset({"license", "plate"}), ("CN_LICENSE_PLATE",), STRONG),
    (frozenset({"vin"}), ("VIN",), STRONG),
    (frozenset({"ssn"}), ("US_SSN",), STRONG),
    (frozenset({"iban"}), ("IBAN",), STRONG),
)

# Chinese keywords, found anywhere in a name or comment.
_CHINESE: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("身份证", _ID, STRONG), ("公民身份号码", _ID, STRONG), ("身份号码", _ID, STRONG),
    ("证件号", _DOC, WEAK), ("证件编号", _DOC, WEAK),
    ("护照", _PASSPORT, STRONG), ("港澳通行证", ("CN_HK_MACAU_PERMIT", "CN_EXIT_ENTRY_PERMIT"),
                                 STRONG),
    ("回乡证", ("CN_HK_MACAU_PERMIT",), STRONG), ("台胞证", ("CN_TAIWAN_PERMIT",), STRONG),
    ("居住证", ("CN_RESIDENCE_PERMIT_HMT",), WEAK), ("永久居留", ("CN_FOREIGNER_PR_ID",), STRONG),
    ("军官证", ("CN_MILITARY_ID",), STRONG), ("士兵证", ("CN_MILITARY_ID",), STRONG),
    ("社保卡", ("CN_SOCIAL_SECURITY_CARD",), STRONG), ("医保卡", ("CN_SOCIAL_SECURITY_CARD",), STRONG),
    ("社会保障卡", ("CN_SOCIAL_SECURITY_CARD",), STRONG),
    ("统一社会信用代码", ("CN_USCC",), STRONG), ("信用代码", ("CN_USCC",), STRONG),
    ("手机", _PHONE, STRONG), ("电话", _PHONE, STRONG), ("移动电话", _PHONE, STRONG),
    ("座机", _PHONE, STRONG), ("联系方式", _PHONE, WEAK), ("传真", _PHONE, WEAK),
    ("邮箱", _EMAIL, STRONG), ("电子邮件", _EMAIL, STRONG), ("邮件地址", _EMAIL, STRONG),
    ("QQ", ("CN_QQ",), STRONG), ("微信", ("CN_WECHAT_ID",), STRONG),
    ("姓名", _NAME, STRONG), ("联系人", _NAME, STRONG), ("收货人", _NAME, STRONG),
    ("收件人", _NAME, STRONG), ("寄件人", _NAME, STRONG), ("持卡人", _NAME, STRONG),
    ("户主", _NAME, STRONG), ("监护人", _NAME, WEAK), ("法定代表人", _NAME, STRONG),
    ("出生日期", _DOB, STRONG), ("出生年月", _DOB, STRONG), ("生日", _DOB, STRONG),
    ("民族", ("ETHNICITY",), STRONG), ("宗教", ("RELIGION",), STRONG), ("信仰", ("RELIGION",), WEAK),
    ("诊断", ("HEALTH",), STRONG), ("病历", ("HEALTH",), STRONG), ("病史", ("HEALTH",), STRONG),
    ("疾病", ("HEALTH",), STRONG), ("过敏", ("HEALTH",), STRONG), ("症状", ("HEALTH",), STRONG),
    ("病情", ("HEALTH",), STRONG), ("既往史", ("HEALTH",), STRONG), ("健康状况", ("HEALTH",), WEAK),
    ("密码", ("CREDENTIAL",), STRONG), ("口令", ("CREDENTIAL",), STRONG),
    ("验证码", ("CREDENTIAL",), STRONG),
    ("地址", _ADDR, STRONG), ("住址", _ADDR, STRONG), ("住所", _ADDR, STRONG),
    ("居住地", _ADDR, STRONG), ("户籍地", _ADDR, STRONG), ("所在地", _ADDR, WEAK),
    ("车牌", ("CN_LICENSE_PLATE",), STRONG), ("号牌", ("CN_LICENSE_PLATE",), STRONG),
    ("车架号", ("VIN",), STRONG), ("车辆识别代号", ("VIN",), STRONG),
    ("经度", _GEO, STRONG), ("纬度", _GEO, STRONG), ("经纬度", _GEO, STRONG),
    ("坐标", _GEO, STRONG), ("定位", _GEO, WEAK),
    ("银行卡", _CARD, STRONG), ("信用卡", _CARD, STRONG), ("卡号", _CARD, WEAK),
    ("银行账号", _ACCOUNT, STRONG), ("银行账户", _ACCOUNT, STRONG), ("账号", _ACCOUNT, WEAK),
    ("IP地址", ("IP_ADDRESS",), STRONG), ("IP", ("IP_ADDRESS",), WEAK),
    ("MAC", ("MAC_ADDRESS",), STRONG), ("IMEI", ("IMEI",), STRONG), ("IMSI", ("IMSI",), STRONG),
    ("设备号", _DEVICE, STRONG), ("设备标识", _DEVICE, STRONG), ("设备ID", _DEVICE, STRONG),
)

# Addresses that are not postal: "ip address", "mac address", "email address".
_ADDRESS_OF = {"ip": "IP_ADDRESS", "mac": "MAC_ADDRESS", "email": "EMAIL_ADDRESS",
               "mail": "EMAIL_ADDRESS", "wallet": None, "contract": None, "server": None,
               "url": None, "web": None, "site": None, "ipv4": "IP_ADDRESS",
               "ipv6": "IP_ADDRESS"}

# Tokens that rule an entity out whatever the values look like (a four-part version number
# is a valid IPv4 address). A vetoed entity gets strength VETO.
VETO = -1.0
_VETOES = {"version": ("IP_ADDRESS",), "ver": ("IP_ADDRESS",), "build": ("IP_ADDRESS",),
           "release": ("IP_ADDRESS",), "oid": ("IP_ADDRESS",), "bbh": ("IP_ADDRESS",)}

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SPLIT = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def tokens(name: str) -> list[str]:
    """``idCardNo`` → ``["id", "card", "no"]``; digits at the end of tokens are dropped."""
    parts = _SPLIT.split(_CAMEL.sub(" ", name))
    out = []
    for p in parts:
        p = p.lower().rstrip("0123456789")
        if p:
            out.append(p)
    return out


def _abbreviation(joined: str) -> tuple[str, tuple[tuple[str, ...], float]] | None:
    if joined in _ABBREVIATIONS:
        return joined, _ABBREVIATIONS[joined]
    for prefix in _PREFIXES:
        if joined.startswith(prefix) and joined[len(prefix):] in _ABBREVIATIONS:
            rest = joined[len(prefix):]
            if len(rest) >= 2:
                return rest, _ABBREVIATIONS[rest]
    # khsjh, lxrsjhm: a 3+ letter strong abbreviation at the end of a pinyin run
    for n in range(min(len(joined) - 1, 8), 2, -1):
        tail = joined[-n:]
        hit = _ABBREVIATIONS.get(tail)
        if hit and hit[1] == STRONG and joined.isalpha():
            return tail, hit
    return None


def hints(name: str, comment: str | None = None) -> tuple[dict[str, float], list[str]]:
    """Entities a column's name and comment point at, with strength, and the evidence."""
    found: dict[str, float] = {}
    evidence: list[str] = []

    def add(ents: tuple[str, ...], strength: float, why: str) -> None:
        for e in ents:
            if found.get(e) != VETO and strength > found.get(e, 0.0):
                found[e] = strength
        if why not in evidence:
            evidence.append(why)

    for text, source in ((name, "name"), (comment or "", "comment")):
        if not text:
            continue
        if _HAN.search(text) or source == "comment":
            for word, ents, strength in _CHINESE:
                if word.isascii():
                    if re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", text):
                        add(ents, strength, f"{source}:{word}")
                elif word in text:
                    add(ents, strength, f"{source}:{word}")
        toks = tokens(text) if source == "name" or not _HAN.search(text) else \
            tokens(_HAN.sub(" ", text))
        if not toks:
            continue
        tokset = set(toks)
        for t in toks:
            for e in _VETOES.get(t, ()):
                found[e] = VETO
                evidence.append(f"{source}:{t} (not {e})")
        # "ip address", "email_addr": not a postal address
        addressed = [t for t in toks if t in _ADDRESS_OF]
        if addressed and tokset & {"address", "addr"}:
            target = _ADDRESS_OF[addressed[0]]
            if target:
                add((target,), STRONG, f"{source}:{'_'.join(toks)}")
            continue
        joined = "".join(toks)
        hit = _abbreviation(joined)
        if hit is not None:
            abbr, (ents, strength) = hit
            if ents == _NAME:
                if tokset & _NOT_PERSON and not tokset & _PERSON_QUALIFIERS:
                    continue
                if tokset & _PERSON_QUALIFIERS:
                    strength = STRONG
            add(ents, strength, f"{source}:{abbr}")
            continue
        for phrase, ents, strength in _PHRASES:
            if phrase <= tokset:
                add(ents, strength, f"{source}:{'_'.join(t for t in toks if t in phrase)}")
        if "name" in tokset and not tokset & _NOT_PERSON:
            strength = STRONG if tokset & _PERSON_QUALIFIERS else WEAK
            add(_NAME, strength, f"{source}:{'_'.join(toks)}")
        # Compounds put the head last (shr_dh: 收货人电话 is a phone): the last token that
        # is an abbreviation wins.
        for t in reversed(toks):
            hit = _ABBREVIATIONS.get(t) or (_abbreviation(t) or (None, None))[1]
            if hit and t not in ("name", "pan", "pin", "account", "s", "m", "t", "f", "c"):
                if hit[0] == _NAME and tokset & _NOT_PERSON:
                    break
                add(hit[0], hit[1] if len(t) >= 3 else WEAK, f"{source}:{t}")
                break
    return found, evidence
