"""A synthetic company, as a data-protection officer would find it.

``generate(folder)`` writes, deterministically for a seed:

- ``shop.db`` (SQLite): ``users`` (pinyin column names: xm, sfzh, shouji, csrq, dz, mz...),
  ``orders`` (receiver shr/shr_dh/shdz, card number in ``kh``), ``support_tickets`` (free text
  with phone numbers, e-mails and IDs inside), ``devices`` (IMEI, MAC, IP, lat/lng),
  ``employees`` and ``products`` (no PI);
- ``exports/会员导出_gbk.csv``: a GBK CSV export with Chinese headers and one malformed row;
- ``exports/vip_members.xlsx``: an Excel workbook (customers sheet + notes sheet);
- ``logs/app.log``: JSON-lines application log with nested user and request fields;
- ``docs/service_agreement.pdf``: a PDF with ASCII contact details;
- ``exports/legacy_dump.bak``: a file piguard cannot read (reported as skipped).

About 8 % of users are children under 14 (IDs with recent birth dates), so the report shows
minors' records. All values are synthetic (see :mod:`piguard.demo.fake`).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import random
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from piguard.atomic import atomic_write_bytes
from piguard.demo import fake
from piguard.demo.pdf import write_pdf

STATUSES = ("待付款", "待发货", "已发货", "已完成", "已取消", "退款中")
CHANNELS = ("app", "web", "phone", "wechat", "email")
PRODUCTS = ("无线蓝牙耳机", "智能手环", "机械键盘", "电饭煲", "空气净化器", "儿童书包", "保温杯",
            "运动鞋", "羽绒服", "笔记本支架", "移动电源", "护眼台灯", "咖啡机", "行李箱")
DEPARTMENTS = ("客服部", "财务部", "技术部", "市场部", "物流部", "人事部")
VIP = ("普通会员", "白银会员", "黄金会员", "钻石会员")
TICKET_SUBJECTS = ("物流查询", "退款申请", "发票问题", "账户登录", "商品质量", "修改地址")


@dataclass(frozen=True, slots=True)
class Generated:
    folder: Path
    database: Path
    files: tuple[Path, ...]
    users: int


def _when(rng: random.Random, start: _dt.datetime, days: int) -> str:
    return (start + _dt.timedelta(seconds=rng.randint(0, days * 86400))).strftime(
        "%Y-%m-%d %H:%M:%S")


def _ticket_text(rng: random.Random, name: str, phone: str, mail: str, rid: str) -> str:
    templates = (
        "您好，我是{name}，订单一直没有发货，请尽快处理，电话{phone}。",
        "请把发票寄到我的邮箱{mail}，谢谢。",
        "账户无法登录，实名认证身份证号{rid}，麻烦核实。",
        "快递员联系不上我，我的手机号是{phone}，收货人{name}。",
        "商品有质量问题，申请退货退款。",
        "想修改收货地址，请联系我 {phone} 或 {mail}。",
        "客服态度很好，问题已解决，五星好评！",
        "物流显示已签收，但我没有收到包裹。",
    )
    return rng.choice(templates).format(name=name, phone=phone, mail=mail, rid=rid)


def _write_database(path: Path, rng: random.Random, n_users: int) -> list[dict[str, str]]:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    conn = sqlite3.connect(tmp)
    start = _dt.datetime(2023, 1, 1)
    users: list[dict[str, str]] = []
    try:
        cur = conn.cursor()
        cur.executescript("""
            CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT, xm TEXT, sfzh TEXT,
              shouji TEXT, email TEXT, csrq TEXT, dz TEXT, mz TEXT, vip_level TEXT,
              pwd TEXT, created_at TEXT);
            CREATE TABLE orders (id INTEGER PRIMARY KEY, order_no TEXT, user_id INTEGER,
              amount REAL, status TEXT, shr TEXT, shr_dh TEXT, shdz TEXT, kh TEXT,
              client_ip TEXT, created_at TEXT);
            CREATE TABLE support_tickets (id INTEGER PRIMARY KEY, user_id INTEGER,
              channel TEXT, subject TEXT, content TEXT, agent TEXT, created_at TEXT);
            CREATE TABLE devices (id INTEGER PRIMARY KEY, user_id INTEGER, model TEXT,
              imei TEXT, mac TEXT, login_ip TEXT, lat REAL, lng REAL, last_seen TEXT);
            CREATE TABLE employees (id INTEGER PRIMARY KEY, gh TEXT, xingming TEXT,
              gmsfhm TEXT, yhkh TEXT, jtzz TEXT, lxdh TEXT, bumen TEXT, ruzhi_rq TEXT);
            CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT, title TEXT, price REAL,
              stock INTEGER, description TEXT);
        """)
        rows = []
        for i in range(1, n_users + 1):
            minor = rng.random() < 0.08
            born = fake.birth_date(rng, minor=minor)
            u = {"name": fake.person_name(rng), "id": fake.resident_id(rng, born),
                 "phone": fake.mobile(rng), "email": fake.email(rng),
                 "address": fake.address(rng)}
            users.append(u)
            rows.append((i, fake.pinyin_handle(rng), u["name"], u["id"], u["phone"],
                         u["email"], born.isoformat(), u["address"], rng.choice(fake.ETHNIC),
                         rng.choice(VIP), f"{rng.getrandbits(128):032x}",
                         _when(rng, start, 500)))
        cur.executemany("INSERT INTO users VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        rows = []
        for i in range(1, n_users * 3 + 1):
            u = rng.choice(users)
            receiver = u if rng.random() < 0.7 else {
                "name": fake.person_name(rng), "phone": fake.mobile(rng),
                "address": fake.address(rng)}
            rows.append((i, f"SO{20230000000 + i * 7}", rng.randint(1, n_users),
                         round(rng.uniform(9.9, 2999), 2), rng.choice(STATUSES),
                         receiver["name"], receiver["phone"], receiver["address"],
                         fake.bank_card(rng) if rng.random() < 0.6 else None,
                         fake.ipv4(rng), _when(rng, start, 500)))
        cur.executemany("INSERT INTO orders VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
        rows = []
        for i in range(1, n_users // 2 + 1):
            u = rng.choice(users)
            rows.append((i, rng.randint(1, n_users), rng.choice(CHANNELS),
                         rng.choice(TICKET_SUBJECTS),
                         _ticket_text(rng, u["name"], u["phone"], u["email"], u["id"]),
                         f"agent{rng.randint(1, 20):02d}", _when(rng, start, 500)))
        cur.executemany("INSERT INTO support_tickets VALUES (?,?,?,?,?,?,?)", rows)
        rows = []
        for i in range(1, n_users + 1):
            lat, lng = fake.geo(rng)
            rows.append((i, i, rng.choice(("iPhone 15", "Mate 60", "Xiaomi 14", "OPPO R17")),
                         fake.imei(rng), fake.mac(rng), fake.ipv4(rng), lat, lng,
                         _when(rng, start, 500)))
        cur.executemany("INSERT INTO devices VALUES (?,?,?,?,?,?,?,?,?)", rows)
        rows = []
        for i in range(1, 151):
            rows.append((i, f"E{10000 + i}", fake.person_name(rng), fake.resident_id(rng),
                         fake.bank_card(rng), fake.address(rng), fake.mobile(rng),
                         rng.choice(DEPARTMENTS), _when(rng, _dt.datetime(2015, 1, 1), 3000)[:10]))
        cur.executemany("INSERT INTO employees VALUES (?,?,?,?,?,?,?,?,?)", rows)
        rows = []
        for i in range(1, 201):
            title = rng.choice(PRODUCTS)
            rows.append((i, f"SKU-{rng.randint(100000, 999999)}", title,
                         round(rng.uniform(9.9, 999), 2), rng.randint(0, 5000),
                         f"{title}，品质保证，七天无理由退换。"))
        cur.executemany("INSERT INTO products VALUES (?,?,?,?,?,?)", rows)
        conn.commit()
    finally:
        conn.close()
    tmp.replace(path)
    return users


def _write_csv(path: Path, rng: random.Random, users: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["姓名", "手机号", "身份证号", "会员等级", "注册时间", "备注"])
    for i, u in enumerate(users[:600]):
        if i == min(250, len(users[:600]) // 2):
            buf.write("这一行格式错误,缺少字段\r\n")  # malformed: 2 fields instead of 6
        w.writerow([u["name"], u["phone"], u["id"], rng.choice(VIP),
                    _when(rng, _dt.datetime(2023, 1, 1), 400),
                    rng.choice(("", "老客户", "需回访", "投诉过一次", ""))])
    atomic_write_bytes(path, buf.getvalue().encode("gbk"))


def _write_xlsx(path: Path, rng: random.Random, users: list[dict[str, str]]) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "VIP客户"
    ws.append(["客户姓名", "联系电话", "邮箱", "生日", "积分", "所在城市"])
    for u in users[:300]:
        ws.append([u["name"], int(u["phone"]), u["email"], u["id"][6:10] + "-" + u["id"][10:12]
                   + "-" + u["id"][12:14], rng.randint(0, 20000),
                   rng.choice(("北京", "上海", "广州", "深圳", "杭州", "成都"))])
    notes = wb.create_sheet("说明")
    notes.append(["字段", "说明"])
    notes.append(["积分", "每消费1元累计1积分"])
    notes.append(["导出人", "市场部"])
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    tmp.replace(path)


def _write_log(path: Path, rng: random.Random, users: list[dict[str, str]]) -> None:
    lines = []
    t = _dt.datetime(2024, 6, 1, 8, 0, 0)
    for i in range(1500):
        u = rng.choice(users)
        t += _dt.timedelta(seconds=rng.randint(1, 40))
        event = rng.choice(("login", "login", "view", "pay", "logout", "reset_password"))
        rec = {"ts": t.isoformat(), "level": "INFO", "event": event,
               "user": {"id": rng.randint(1, len(users)), "phone": u["phone"]},
               "req": {"ip": fake.ipv4(rng), "ua": "Mozilla/5.0", "path": f"/api/{event}"},
               "msg": "ok" if event != "reset_password"
               else f"reset link sent to {u['email']}"}
        lines.append(json.dumps(rec, ensure_ascii=False))
        if i == 700:
            lines.append('{"ts": "2024-06-01T12:00:00", "level": "ERROR", "msg": "truncated')
    atomic_write_bytes(path, ("\n".join(lines) + "\n").encode("utf-8"))


def _write_pdf(path: Path, rng: random.Random) -> None:
    lines = ["SERVICE AGREEMENT (synthetic demo document)", ""]
    for n in range(1, 9):
        name = fake.english_name(rng)
        lines += [f"Party B #{n}: {name}",
                  f"  Email: {fake.email(rng)}   Mobile: +86 {fake.mobile(rng)}",
                  f"  ID card number: {fake.resident_id(rng)}",
                  f"  Bank card for refunds: {fake.bank_card(rng)}", ""]
    lines.append("All parties agree to the terms above.")
    write_pdf(path, lines, title="Service agreement")


def generate(folder: Path, *, users: int = 3000, seed: int = 20240601) -> Generated:
    """Write the synthetic company into ``folder`` (created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    db = folder / "shop.db"
    people = _write_database(db, rng, users)
    exports, logs, docs = folder / "exports", folder / "logs", folder / "docs"
    for d in (exports, logs, docs):
        d.mkdir(exist_ok=True)
    csv_path = exports / "会员导出_gbk.csv"
    xlsx_path = exports / "vip_members.xlsx"
    log_path = logs / "app.log"
    pdf_path = docs / "service_agreement.pdf"
    bak_path = exports / "legacy_dump.bak"
    _write_csv(csv_path, rng, people)
    _write_xlsx(xlsx_path, rng, people)
    _write_log(log_path, rng, people)
    _write_pdf(pdf_path, rng)
    atomic_write_bytes(bak_path, b"\x00\x01legacy binary dump\x00")
    return Generated(folder, db, (csv_path, xlsx_path, log_path, pdf_path, bak_path), users)
