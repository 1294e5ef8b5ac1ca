"""A labelled database for measuring column classification.

:func:`labelled_tables` builds 12 tables as real systems name them: pinyin abbreviations
(``sfzh``, ``sjhm``, ``xm``, ``jtzz``), English names, *misleading* names (``col_a`` holding
IDs, ``phone`` holding ID numbers, ``name`` holding e-mails), comments that alone say what a
column is (``c8 COMMENT 'QQ号'``), dirty columns (nulls, ``N/A``, typos), and hard negatives
(tracking numbers, order numbers, versions that look like IPv4, hashes, UUIDs, amounts,
product names, timestamps, hashed phones). Each column carries its expected label:

- an entity name — the column should be classified as that entity;
- ``"free_text:ENTITY"`` — a text column in which the detector should find ENTITY;
- ``None`` — no PI (organisation identifiers such as a USCC count as no PI).

:func:`write_sqlalchemy` writes the tables (with comments where the database supports them)
under a name prefix, so concurrent test runs do not collide.
"""

from __future__ import annotations

import datetime as _dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from piguard.demo import fake


@dataclass(frozen=True, slots=True)
class LabelledColumn:
    name: str
    expected: str | None
    make: Callable[[random.Random, int], Any]
    comment: str | None = None
    sql_type: str = "text"            # text | int | real


@dataclass(frozen=True, slots=True)
class LabelledTable:
    name: str
    columns: tuple[LabelledColumn, ...]
    rows: list[tuple[Any, ...]]


def _dirty(make: Callable[[random.Random], Any], share: float,
           junk: tuple[Any, ...] = (None, "", "N/A", "-", "无")) -> Callable[[random.Random, int], Any]:
    def f(rng: random.Random, _i: int) -> Any:
        return rng.choice(junk) if rng.random() < share else make(rng)
    return f


def _v(make: Callable[[random.Random], Any]) -> Callable[[random.Random, int], Any]:
    return lambda rng, _i: make(rng)


def _seq(prefix: str, width: int = 8) -> Callable[[random.Random, int], Any]:
    return lambda _rng, i: f"{prefix}{i:0{width}d}"


def _pick(*values: Any) -> Callable[[random.Random, int], Any]:
    return lambda rng, _i: rng.choice(values)


def _date(start: str = "2022-01-01", days: int = 900, time: bool = True
          ) -> Callable[[random.Random, int], Any]:
    base = _dt.datetime.fromisoformat(start)

    def f(rng: random.Random, _i: int) -> str:
        d = base + _dt.timedelta(seconds=rng.randint(0, days * 86400))
        return d.strftime("%Y-%m-%d %H:%M:%S" if time else "%Y-%m-%d")
    return f


def _dob(rng: random.Random) -> str:
    return fake.birth_date(rng, minor=rng.random() < 0.1).isoformat()


def _hex(n: int) -> Callable[[random.Random, int], Any]:
    return lambda rng, _i: f"{rng.getrandbits(4 * n):0{n}x}"


def _memo_with_phone(rng: random.Random) -> str:
    return rng.choice((
        f"客户要求改约，回电{fake.mobile(rng)}",
        f"联系人电话：{fake.mobile(rng)}，下午方便",
        "已处理，无需回访",
        "客户表示满意",
        f"请发票寄到 {fake.email(rng)}",
    ))


def _description(rng: random.Random) -> str:
    return rng.choice((
        "这款产品采用环保材料，适合家庭日常使用，支持七天无理由退换。",
        "Lightweight and durable, ships within 48 hours of payment.",
        "限时促销，满199减30，部分地区包邮。",
        "商品规格：500ml，保质期12个月，请存放于阴凉干燥处。",
        "Compatible with most devices; warranty one year from purchase.",
    ))


def _tracking(rng: random.Random) -> str:
    return str(rng.randint(10**11, 10**12 - 1))  # 12-digit express tracking number


def _version(rng: random.Random) -> str:
    return f"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}.{rng.randint(0, 999)}"


def _merchant_no(rng: random.Random) -> str:
    return "".join(rng.choice("0123456789") for _ in range(16))


def _english_name(rng: random.Random) -> str:
    return fake.english_name(rng)


def _passport(rng: random.Random) -> str:
    return fake.passport(rng)


def _wechat(rng: random.Random) -> str:
    return "wxid_" + "".join(rng.choice("abcdefghijkmnpqrstuvwxyz0123456789") for _ in range(10))


def labelled_tables(rows: int = 300, seed: int = 7) -> list[LabelledTable]:
    """The labelled tables with ``rows`` rows each (deterministic for a seed)."""
    C = LabelledColumn
    specs: list[tuple[str, tuple[LabelledColumn, ...]]] = [
        ("kh_xx", (  # 客户信息: pinyin abbreviations
            C("id", None, lambda _r, i: i, sql_type="int"),
            C("xm", "PERSON_NAME", _v(fake.person_name)),
            C("sfzh", "CN_RESIDENT_ID", _v(fake.resident_id)),
            C("sjhm", "PHONE_NUMBER", _v(fake.mobile)),
            C("jtzz", "ADDRESS", _v(fake.address)),
            C("csrq", "DATE_OF_BIRTH", _v(_dob)),
            C("mz", "ETHNICITY", _pick(*fake.ETHNIC)),
            C("khdj", None, _pick("A", "B", "C", "VIP")),
            C("cjsj", None, _date()),
        )),
        ("t_order", (
            C("order_id", None, lambda _r, i: 100000 + i, sql_type="int"),
            C("ddh", None, _seq("DD2024", 8)),
            C("shr", "PERSON_NAME", _v(fake.person_name)),
            C("shr_dh", "PHONE_NUMBER", _dirty(fake.mobile, 0.15)),
            C("shdz", "ADDRESS", _v(fake.address)),
            C("kh", "BANK_CARD", _dirty(fake.bank_card, 0.3, (None,))),
            C("je", None, lambda r, _i: round(r.uniform(1, 5000), 2), sql_type="real"),
            C("kdh", None, _v(_tracking)),
            C("zt", None, _pick("待发货", "已发货", "已完成", "已取消")),
        )),
        ("sys_misc", (  # misleading names: value evidence only
            C("pk", None, lambda _r, i: i, sql_type="int"),
            C("col_a", "CN_RESIDENT_ID", _v(fake.resident_id)),
            C("ext1", "PHONE_NUMBER", _v(fake.mobile)),
            C("contact_info", "EMAIL_ADDRESS", _v(fake.email)),
            C("field_07", "BANK_CARD", _v(fake.bank_card)),
            C("attr3", "PERSON_NAME", _v(fake.person_name)),
            C("info", "ADDRESS", _v(fake.address)),
            C("c9", "IP_ADDRESS", _v(fake.ipv4)),
            C("flag", None, _pick("0", "1")),
        )),
        ("vehicle_reg", (
            C("id", None, lambda _r, i: i, sql_type="int"),
            C("cph", "CN_LICENSE_PLATE", _v(fake.plate)),
            C("cjh", "VIN", _v(fake.vin)),
            C("data_x", "CN_LICENSE_PLATE", _v(fake.plate)),
            C("key2", "VIN", _v(fake.vin)),
            C("owner_xm", "PERSON_NAME", _v(fake.person_name)),
            C("brand", None, _pick("比亚迪", "吉利", "长城", "Tesla", "BMW")),
            C("djrq", None, _date(time=False)),
        )),
        ("device_log", (
            C("id", None, lambda _r, i: i, sql_type="int"),
            C("num1", "IMEI", _v(fake.imei)),
            C("reserved", "MAC_ADDRESS", _v(fake.mac)),
            C("login_ip", "IP_ADDRESS", _v(fake.ipv4)),
            C("app_version", None, _v(_version)),
            C("request_id", None, lambda r, _i: fake.uuid(r)),
            C("jd", "GEO_COORDINATE", lambda r, _i: fake.geo(r)[1], sql_type="real"),
            C("wd", "GEO_COORDINATE", lambda r, _i: fake.geo(r)[0], sql_type="real"),
            C("ts", None, _date()),
        )),
        ("members", (  # English names, some dirty
            C("member_id", None, lambda _r, i: 5_000_000 + i, sql_type="int"),
            C("real_name", "PERSON_NAME", _v(fake.person_name)),
            C("id_card_no", "CN_RESIDENT_ID", _dirty(fake.resident_id, 0.2)),
            C("mobile", "PHONE_NUMBER", _v(fake.mobile)),
            C("email", "EMAIL_ADDRESS", _dirty(fake.email, 0.1)),
            C("birthday", "DATE_OF_BIRTH", _v(_dob)),
            C("nick_name", None, lambda r, _i: fake.pinyin_handle(r)),
            C("level", None, _pick("bronze", "silver", "gold")),
            C("points", None, lambda r, _i: r.randint(0, 99999), sql_type="int"),
        )),
        ("wrong_names", (  # names that say the wrong thing
            C("id", None, lambda _r, i: i, sql_type="int"),
            C("phone", "CN_RESIDENT_ID", _v(fake.resident_id)),
            C("name", "EMAIL_ADDRESS", _v(fake.email)),
            C("address", "PHONE_NUMBER", _v(fake.mobile)),
            C("phone_md5", None, _hex(32)),
            C("wx_openid", None, lambda r, _i: "o" + _hex(27)(r, 0)),
        )),
        ("staff", (
            C("gh", None, _seq("E", 6)),
            C("xingming", "PERSON_NAME", _v(fake.person_name)),
            C("gmsfhm", "CN_RESIDENT_ID", _v(fake.resident_id)),
            C("yhkh", "BANK_CARD", _v(fake.bank_card)),
            C("lxdh", "PHONE_NUMBER", _v(fake.mobile)),
            C("yx", "EMAIL_ADDRESS", _v(fake.email)),
            C("hzh", "CN_PASSPORT", _dirty(_passport, 0.5, (None,))),
            C("bm", None, _pick("财务部", "技术部", "市场部")),
            C("gz", None, lambda r, _i: r.randint(5000, 50000), sql_type="int"),
        )),
        ("social", (
            C("uid", None, lambda _r, i: 10_000_000 + i, sql_type="int"),
            C("qq", "CN_QQ", _v(fake.qq)),
            C("wxh", "CN_WECHAT_ID", _v(_wechat)),
            C("c8", "CN_QQ", _v(fake.qq), comment="QQ号"),
            C("f_x", "PERSON_NAME", _v(_english_name), comment="联系人姓名"),
            C("sign", None, _pick("今天也要加油", "hello world", "", "热爱生活")),
        )),
        ("tickets", (
            C("id", None, lambda _r, i: i, sql_type="int"),
            C("memo", "free_text:PHONE_NUMBER", _v(_memo_with_phone)),
            C("subject", None, _pick("退款", "物流", "发票", "售后")),
            C("created_at", None, _date()),
            C("agent", None, lambda r, _i: f"agent{r.randint(1, 30):02d}"),
        )),
        ("products", (
            C("sku", None, _seq("SKU-", 6)),
            C("product_name", None, _pick("无线耳机", "保温杯", "电饭煲", "机械键盘", "羽绒服",
                                          "儿童书包", "护眼台灯")),
            C("description", None, _v(_description)),
            C("price", None, lambda r, _i: round(r.uniform(5, 999), 2), sql_type="real"),
            C("merchant_no", None, _v(_merchant_no)),
            C("supplier_code", None, _v(fake.uscc)),
            C("city", None, _pick("北京市", "上海市", "杭州市", "成都市")),
        )),
        ("audit_trail", (
            C("id", None, lambda _r, i: i, sql_type="int"),
            C("operator", None, lambda r, _i: f"op_{r.randint(1, 50)}"),
            C("client_ip", "IP_ADDRESS", _v(fake.ipv4)),
            C("action", None, _pick("login", "export", "delete", "update")),
            C("payload_hash", None, _hex(64)),
            C("invoice_no", None, lambda r, _i: str(r.randint(10_000_000, 99_999_999))),
            C("happened_at", None, _date()),
        )),
    ]
    rng = random.Random(seed)
    tables = []
    for name, cols in specs:
        data = [tuple(c.make(rng, i) for c in cols) for i in range(1, rows + 1)]
        tables.append(LabelledTable(name, cols, data))
    return tables


def truth(tables: list[LabelledTable], prefix: str = "", *, comments: bool = True
          ) -> dict[tuple[str, str], str | None]:
    """Expected labels by ``(table, column)``. Without ``comments`` (SQLite, files), columns
    only a comment identifies are left out: nothing could identify them."""
    return {(prefix + t.name, c.name): c.expected for t in tables for c in t.columns
            if comments or c.comment is None}


def write_sqlalchemy(engine: Any, tables: list[LabelledTable], *, prefix: str = "",
                     schema: str | None = None) -> list[str]:
    """Create and fill the tables (``prefix + name``); returns the created table names."""
    import sqlalchemy as sa

    types = {"text": sa.Text, "int": sa.BigInteger, "real": sa.Double}
    meta = sa.MetaData(schema=schema)
    created = []
    for t in tables:
        cols = [sa.Column(c.name, types[c.sql_type], comment=c.comment) for c in t.columns]
        table = sa.Table(prefix + t.name, meta, *cols)
        created.append(table)
    meta.create_all(engine)
    with engine.begin() as conn:
        for t, table in zip(tables, created, strict=True):
            conn.execute(table.insert(), [dict(zip([c.name for c in t.columns], row, strict=True))
                                          for row in t.rows])
    return [t.name for t in created]


@dataclass(frozen=True, slots=True)
class Score:
    pi_columns: int
    pi_correct: int
    non_pi_columns: int
    false_pi: int
    misses: tuple[tuple[str, str, str | None, str | None], ...]   # table, column, want, got

    @property
    def recall(self) -> float:
        return self.pi_correct / self.pi_columns if self.pi_columns else 1.0

    @property
    def false_pi_rate(self) -> float:
        return self.false_pi / self.non_pi_columns if self.non_pi_columns else 0.0


def score(results: list[Any], expected: dict[tuple[str, str], str | None]) -> Score:
    """Compare :class:`piguard.tables.TableResult` objects with the labels."""
    pi = correct = non_pi = false = 0
    misses = []
    for r in results:
        for c in r.columns:
            key = (r.table, c.column)
            if key not in expected:
                continue
            want = expected[key]
            if c.entity is not None:
                got = c.entity if c.is_pi else None
            elif c.free_text and c.entities:
                got = "free_text:" + ",".join(sorted(c.entities))
            else:
                got = None
            if want is None:
                non_pi += 1
                if got is not None:
                    false += 1
                    misses.append((r.table, c.column, want, got))
            else:
                pi += 1
                ok = (got == want) or (want.startswith("free_text:") and got is not None
                                       and got.startswith("free_text:")
                                       and want.split(":", 1)[1] in got.split(":", 1)[1])
                if ok:
                    correct += 1
                else:
                    misses.append((r.table, c.column, want, got))
    return Score(pi, correct, non_pi, false, tuple(misses))
