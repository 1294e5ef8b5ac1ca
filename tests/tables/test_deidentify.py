"""Safe copies (SQLite and files): joins still join, constraints come back, nothing original
is left, interrupted jobs resume, the policy names what the classifier misses, files keep
their encoding and shape, and a copy never writes into its source."""

from __future__ import annotations

import csv
import io
import json
import random
import re
import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from piguard.deid.keys import Keyring
from piguard.deid.policy import Policy
from piguard.demo import fake
from piguard.detect import checks
from piguard.tables.deidentify import (
    DeidentifyError,
    DeidentifyInterrupted,
    DeidentifyOptions,
    deidentify,
)

RING = Keyring.from_bytes(b"piguard test key for deidentify!")
POLICY_TOML = """
[columns."users.member_code"]     # QQ numbers under a name the classifier cannot read
entity = "CN_QQ"
[columns."*.member_code"]
entity = "CN_QQ"
[columns."users.legacy_phone"]
skip = true
"""


def make_shop(path: Path, users: int = 200, seed: int = 3) -> dict[str, list[tuple]]:
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE users (id INTEGER PRIMARY KEY, xm TEXT NOT NULL,
            sfzh VARCHAR(18) NOT NULL UNIQUE, shouji VARCHAR(11) NOT NULL UNIQUE, email TEXT,
            member_code TEXT, legacy_phone TEXT, level TEXT);
        CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),
            buyer_phone VARCHAR(11), member_code TEXT, amount REAL, note TEXT);
        CREATE TABLE tickets (id INTEGER PRIMARY KEY, order_id INTEGER REFERENCES orders(id)
            ON DELETE CASCADE, body TEXT);
        CREATE INDEX ix_orders_user ON orders (user_id);
    """)
    rows_u = []
    seen: set[str] = set()
    for i in range(1, users + 1):
        phone = fake.mobile(rng)
        while phone in seen:
            phone = fake.mobile(rng)
        seen.add(phone)
        rows_u.append((i, fake.person_name(rng), fake.resident_id(rng), phone, fake.email(rng),
                       str(rng.randint(10_000_000, 99_999_999)), fake.mobile(rng),
                       rng.choice(("gold", "silver"))))
    conn.executemany("INSERT INTO users VALUES (?,?,?,?,?,?,?,?)", rows_u)
    rows_o = []
    for i in range(1, users * 3 + 1):
        u = rows_u[rng.randrange(users)]
        # a phone now and then in an otherwise categorical note: below the classifier's bar
        note = f"回电{u[3]}" if i % 40 == 0 else rng.choice(("已处理", "待发货"))
        rows_o.append((i, u[0], u[3], u[5], round(rng.random() * 100, 2), note))
    conn.executemany("INSERT INTO orders VALUES (?,?,?,?,?,?)", rows_o)
    rows_t = []
    for i in range(1, users + 1):
        o = rows_o[rng.randrange(len(rows_o))]
        u = rows_u[o[1] - 1]
        rows_t.append((i, o[0], rng.choice((f"我的电话是{u[3]}，请联系", f"邮箱 {u[4]}",
                                            f"身份证号{u[2]}", "谢谢"))))
    conn.executemany("INSERT INTO tickets VALUES (?,?,?)", rows_t)
    conn.commit()
    conn.close()
    return {"users": rows_u, "orders": rows_o, "tickets": rows_t}


JOINS = (
    "SELECT COUNT(*) FROM orders o JOIN users u ON u.id = o.user_id",
    "SELECT COUNT(*) FROM tickets t JOIN orders o ON o.id = t.order_id",
    "SELECT COUNT(*) FROM orders o JOIN users u ON u.shouji = o.buyer_phone",
    "SELECT COUNT(*) FROM orders o JOIN users u ON u.member_code = o.member_code",
    "SELECT u.level, COUNT(*), ROUND(SUM(o.amount), 2) FROM orders o JOIN users u "
    "ON u.shouji = o.buyer_phone GROUP BY u.level ORDER BY u.level",
)


def _rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _all_text(db: Path, skip: set[tuple[str, str]] = frozenset()) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        out = []
        for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            cur = conn.execute(f'SELECT * FROM "{name}"')
            cols = [d[0] for d in cur.description]
            for row in cur:
                out += [str(v) for c, v in zip(cols, row, strict=True)
                        if v is not None and (name, c) not in skip]
        return out
    finally:
        conn.close()


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, Path]:
    folder = tmp_path_factory.mktemp("shop")
    src = folder / "shop.db"
    data = make_shop(src)
    policy = folder / "policy.toml"
    policy.write_text(POLICY_TOML, encoding="utf-8")
    return src, data, policy


@pytest.fixture(scope="module")
def copied(shop, tmp_path_factory: pytest.TempPathFactory):
    src, _, policy = shop
    dst = tmp_path_factory.mktemp("copy") / "copy.db"
    pol = Policy.load(policy)
    pol.rules.update(Policy.preset("pseudonymize").rules)
    pol.default = Policy.preset("pseudonymize").default
    summary = deidentify(str(src), str(dst), policy=pol, keyring=RING)
    return dst, summary, pol


def test_joins_and_row_counts_survive(shop, copied) -> None:
    src, _, _ = shop
    dst, summary, _ = copied
    assert summary.status == "done", summary.to_dict()
    for sql in JOINS:
        assert _rows(src, sql) == _rows(dst, sql), sql
    for table in ("users", "orders", "tickets"):
        assert _rows(src, f"SELECT COUNT(*) FROM {table}") == _rows(dst, f"SELECT COUNT(*) FROM {table}")
    # primary keys, unique constraints, indexes and foreign keys come back
    ddl = dict(_rows(dst, "SELECT name, sql FROM sqlite_master"))
    assert "PRIMARY KEY (id)" in ddl["users"]
    assert "REFERENCES users (id)" in ddl["orders"] and "ON DELETE CASCADE" in ddl["tickets"]
    uniques = " ".join(v for k, v in ddl.items() if v and "UNIQUE INDEX" in v)
    assert "(sfzh)" in uniques and "(shouji)" in uniques
    assert "ix_orders_user" in ddl
    assert "NOT NULL" in ddl["users"] and "piguard_deidentify_state" not in ddl


def test_no_original_identifier_anywhere(shop, copied) -> None:
    _, data, _ = shop
    dst, summary, _ = copied
    originals = {v for u in data["users"] for v in (u[2], u[3], u[4], u[5])}
    cells = _all_text(dst, {("users", "legacy_phone")})         # kept by the policy
    assert not [c for c in cells if c in originals]
    text = "\n".join(cells)
    assert not [v for v in originals if len(v) >= 8 and v in text]
    ids = [r[0] for r in _rows(dst, "SELECT sfzh FROM users")]
    assert all(checks.mod11_2_check(v[:17]) == v[17] for v in ids)
    assert summary.verification is not None and summary.verification.ok


def test_plan_follows_classifier_policy_and_foreign_keys(shop, copied) -> None:
    _src, data, _ = shop
    dst, summary, _ = copied
    users = next(t for t in summary.tables if t.table == "users")
    orders = next(t for t in summary.tables if t.table == "orders")
    plan = {c.column: c for c in users.columns}
    assert (plan["sfzh"].entity, plan["sfzh"].operator) == ("CN_RESIDENT_ID", "surrogate")
    assert plan["shouji"].key == ["unique"] and plan["id"].key == ["primary key", "referenced"]
    assert plan["member_code"].by == "policy" and plan["member_code"].entity == "CN_QQ"
    assert plan["legacy_phone"].action == "keep"
    assert {c.column: c.by for c in orders.columns}["user_id"] == "foreign key → users.id"
    # the column the classifier could not read is transformed, consistently across tables
    old = {u[0]: u[5] for u in data["users"]}
    new = dict(_rows(dst, "SELECT id, member_code FROM users"))
    assert all(new[i] != old[i] and new[i].isdigit() for i in old)
    # what the policy keeps stays, and the verification says so
    assert dict(_rows(dst, "SELECT id, legacy_phone FROM users")) == {u[0]: u[6] for u in data["users"]}
    ver = summary.verification
    assert {"table": "users", "column": "legacy_phone", "entity": "PHONE_NUMBER"} in ver.kept
    # the occasional phone in a categorical note: too few for the classifier, redacted anyway
    note = {c.column: c for c in orders.columns}["note"]
    assert note.action == "redact" and "redacted anyway" in note.notes[0]
    assert not any("回电1" in r[0] and "回电154" not in r[0]
                   for r in _rows(dst, "SELECT note FROM orders"))
    assert ver.ok


def test_free_text_spans_get_the_same_fakes_as_columns(shop, copied) -> None:
    dst, _, _ = copied
    phones = {r[0] for r in _rows(dst, "SELECT shouji FROM users")}
    bodies = [r[0] for r in _rows(dst, "SELECT body FROM tickets") if "电话" in r[0]]
    assert bodies and all(re.search(r"1\d{10}", b).group() in phones for b in bodies)


def test_same_key_same_copy_and_resume_after_interruption(shop, copied, tmp_path: Path) -> None:
    src, _, _ = shop
    dst_full, _, pol = copied
    dst = tmp_path / "resumed.db"
    seen: list[str] = []

    def stop(event: str, **info: object) -> None:
        if event == "done":
            seen.append(str(info["table"]))
        if event == "rows" and info["table"] == "orders":
            raise KeyboardInterrupt

    with pytest.raises(DeidentifyInterrupted) as exc:
        deidentify(str(src), str(dst), policy=pol, keyring=RING, progress=stop)
    assert seen == ["users"] and exc.value.summary.status == "interrupted"
    names = {r[0] for r in _rows(dst, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert names == {"users", "piguard_deidentify_state"}        # no half-written orders
    summary = deidentify(str(src), str(dst), policy=pol, keyring=RING)
    status = {t.table: t.status for t in summary.tables}
    assert status == {"users": "resumed", "orders": "copied", "tickets": "copied"}
    for table in ("users", "orders", "tickets"):
        q = f"SELECT * FROM {table} ORDER BY id"
        assert _rows(dst, q) == _rows(dst_full, q), table
    assert "piguard_deidentify_state" not in {
        r[0] for r in _rows(dst, "SELECT name FROM sqlite_master")}


def test_dry_run_writes_nothing(shop, tmp_path: Path) -> None:
    src, _, _ = shop
    summary = deidentify(str(src), str(tmp_path / "x.db"), keyring=RING,
                         options=DeidentifyOptions(dry_run=True))
    assert summary.status == "planned" and not (tmp_path / "x.db").exists()
    assert {t.table for t in summary.tables} == {"users", "orders", "tickets"}


def test_a_copy_never_writes_into_its_source(shop, tmp_path: Path) -> None:
    src, _, _ = shop
    for target in (str(src), f"sqlite:///{src}"):
        with pytest.raises(DeidentifyError, match="source"):
            deidentify(str(src), target, keyring=RING)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.csv").write_text("phone\n13812345678\n", encoding="utf-8")
    for target in (folder, folder / "out", folder / "a.csv"):
        with pytest.raises(DeidentifyError, match="source"):
            deidentify(str(folder if target != folder / "a.csv" else folder / "a.csv"),
                       str(target), keyring=RING)
    with pytest.raises(DeidentifyError, match="key"):
        deidentify(str(src), str(tmp_path / "c.db"), keyring=None, policy="pseudonymize")


def test_tables_filter_and_database_to_folder(shop, tmp_path: Path) -> None:
    src, data, _ = shop
    out = tmp_path / "export"
    summary = deidentify(str(src), str(out), keyring=RING,
                         options=DeidentifyOptions(tables=["users", "tick*"], file_format="csv"))
    assert summary.status == "done"
    assert sorted(p.name for p in out.iterdir()) == ["tickets.csv", "users.csv"]
    rows = list(csv.DictReader(io.StringIO((out / "users.csv").read_text(encoding="utf-8"))))
    assert len(rows) == len(data["users"])
    assert not {r["shouji"] for r in rows} & {u[3] for u in data["users"]}
    assert [r["id"] for r in rows] == [str(u[0]) for u in data["users"]]


def test_gbk_csv_in_and_out(tmp_path: Path) -> None:
    rng = random.Random(5)
    rows_in = []
    for i in range(40):
        phone = fake.mobile(rng)
        note = f"客户来电{phone}，已回复" if i % 3 == 0 else f"第{i}次购买"
        rows_in.append((fake.person_name(rng), fake.resident_id(rng), phone, note))
    src = tmp_path / "会员导出.csv"
    lines = ["姓名,身份证号,手机号,备注"] + [",".join(r) for r in rows_in] + ["坏行,只有两列"]
    src.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    dst = tmp_path / "out" / "会员导出_copy.csv"
    summary = deidentify(str(src), str(dst), keyring=RING)
    assert summary.status == "done"
    raw = dst.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gb18030")
    assert text.startswith("姓名,身份证号,手机号,备注\n")           # same header, no quotes
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 41
    for _name, rid, phone, _ in rows_in:
        assert rid not in text and phone not in text
    assert all(checks.mod11_2_check(r[1][:17]) == r[1][17] for r in rows[1:])
    assert [r[3].startswith("客户来电") for r in rows[1:]] == [i % 3 == 0 for i in range(40)]
    table = summary.tables[0]
    assert table.rows_written == 40
    assert any("malformed row" in p for p in table.problems)
    assert summary.verification.ok


def test_jsonl_parquet_xlsx_and_folders(tmp_path: Path) -> None:
    import openpyxl

    src = tmp_path / "in"
    src.mkdir()
    rng = random.Random(9)
    people = [(fake.person_name(rng), fake.mobile(rng), fake.resident_id(rng)) for _ in range(40)]
    with open(src / "log.jsonl", "w", encoding="utf-8") as f:
        for i, (_name, phone, rid) in enumerate(people):
            f.write(json.dumps({"ts": i, "user": {"phone": phone, "id_card": rid},
                                "msg": "login ok"}, ensure_ascii=False) + "\n")
    pq.write_table(pa.table({"mobile": [p[1] for p in people],
                             "amount": [float(i) for i in range(40)],
                             "qty": list(range(40))}), src / "orders.parquet")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "客户"
    ws.append(["姓名", "手机"])
    for name, phone, _ in people:
        ws.append([name, phone])
    book.create_sheet("说明").append(["说明", "无个人信息"])
    book.save(src / "vip.xlsx")
    dst = tmp_path / "out"
    summary = deidentify(str(src), str(dst), keyring=RING)
    assert summary.status == "done", summary.to_dict()
    assert sorted(p.name for p in dst.iterdir()) == ["log.jsonl", "orders.parquet", "vip.xlsx"]
    objs = [json.loads(line) for line in (dst / "log.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(objs) == 40 and objs[0]["msg"] == "login ok"
    assert {o["user"]["phone"] for o in objs}.isdisjoint(p[1] for p in people)
    table = pq.read_table(dst / "orders.parquet")
    assert table.schema.field("amount").type == pa.float64()
    assert table.schema.field("qty").type == pa.int64()
    assert set(table.column("mobile").to_pylist()).isdisjoint(p[1] for p in people)
    # the parquet phones are the same fakes as the JSONL phones (one key, one mapping)
    assert set(table.column("mobile").to_pylist()) == {o["user"]["phone"] for o in objs}
    book = openpyxl.load_workbook(dst / "vip.xlsx", read_only=True)
    assert book.sheetnames == ["客户", "说明"]
    cells = [r for r in book["客户"].iter_rows(values_only=True)]
    assert cells[0] == ("姓名", "手机") and len(cells) == 41
    assert {c[1] for c in cells[1:]}.isdisjoint(p[1] for p in people)
    assert [r for r in book["说明"].iter_rows(values_only=True)] == [("说明", "无个人信息")]
    assert not (dst / ".piguard-deidentify.json").exists()


def test_csv_into_a_database_and_key_column_that_is_pi(tmp_path: Path) -> None:
    src = tmp_path / "src.db"
    conn = sqlite3.connect(src)
    conn.executescript("""
        CREATE TABLE members (phone VARCHAR(11) PRIMARY KEY, name TEXT);
        CREATE TABLE visits (id INTEGER PRIMARY KEY, phone VARCHAR(11) REFERENCES members(phone),
                             note TEXT);
    """)
    rng = random.Random(4)
    phones = list({fake.mobile(rng) for _ in range(300)})
    conn.executemany("INSERT INTO members VALUES (?, ?)", [(p, fake.person_name(rng)) for p in phones])
    conn.executemany("INSERT INTO visits VALUES (?, ?, ?)",
                     [(i, phones[i % len(phones)], "ok") for i in range(900)])
    conn.commit()
    conn.close()
    dst = tmp_path / "copy.db"
    summary = deidentify(str(src), str(dst), keyring=RING)
    assert summary.status == "done"
    plan = {c.column: c for c in summary.tables[0].columns}
    assert plan["phone"].key == ["primary key", "referenced"]
    q = "SELECT COUNT(*) FROM visits v JOIN members m ON m.phone = v.phone"
    assert _rows(dst, q) == _rows(src, q) == [(900,)]
    assert _rows(dst, "SELECT COUNT(DISTINCT phone) FROM members") == [(len(phones),)]
    assert not {r[0] for r in _rows(dst, "SELECT phone FROM members")} & set(phones)
    # a CSV goes into a database table named after the file
    csv_src = tmp_path / "contacts.csv"
    csv_src.write_text("name,mobile\n" + "\n".join(f"{fake.person_name(rng)},{p}"
                                                      for p in phones[:50]) + "\n", encoding="utf-8")
    summary = deidentify(str(csv_src), str(dst), keyring=RING)
    assert summary.status == "done" and summary.tables[0].target == "contacts"
    mobiles = {r[0] for r in _rows(dst, "SELECT mobile FROM contacts")}
    assert mobiles <= {r[0] for r in _rows(dst, "SELECT phone FROM members")}


def test_policy_column_options(shop, tmp_path: Path) -> None:
    src, data, _ = shop
    pol = Policy.from_toml("""
        default = "surrogate"
        [entities]
        CN_USCC = "keep"
        [columns."users.sfzh"]
        entity = "CN_RESIDENT_ID"
        operator = "surrogate"
        keep_birth = "year"
    """)
    dst = tmp_path / "copy.db"
    summary = deidentify(str(src), str(dst), policy=pol, keyring=RING,
                         options=DeidentifyOptions(tables=["users"], verify=False))
    assert summary.status == "done"
    old = {u[0]: u[2] for u in data["users"]}
    for i, v in _rows(dst, "SELECT id, sfzh FROM users"):
        assert v[6:10] == old[i][6:10] and v != old[i]


def test_folder_copy_resumes_by_file(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    rng = random.Random(12)
    phones = {}
    for name in ("a", "b", "c"):
        phones[name] = [fake.mobile(rng) for _ in range(30)]
        (src / f"{name}.csv").write_text("mobile,qty\n" + "\n".join(
            f"{p},{i}" for i, p in enumerate(phones[name])) + "\n", encoding="utf-8")
    (src / "notes.txt").write_text("not a table", encoding="utf-8")
    dst = tmp_path / "out"

    def stop(event: str, **info: object) -> None:
        if event == "rows" and str(info["table"]).endswith("b.csv"):
            raise KeyboardInterrupt

    with pytest.raises(DeidentifyInterrupted):
        deidentify(str(src), str(dst), keyring=RING, progress=stop)
    assert sorted(p.name for p in dst.iterdir()) == [".piguard-deidentify.json", "a.csv"]
    summary = deidentify(str(src), str(dst), keyring=RING)
    assert [t.status for t in summary.tables] == ["resumed", "copied", "copied"]
    assert any("notes.txt" in p and "not a table" in p for p in summary.problems)
    assert sorted(p.name for p in dst.iterdir()) == ["a.csv", "b.csv", "c.csv"]
    for name, values in phones.items():
        text = (dst / f"{name}.csv").read_text(encoding="utf-8")
        assert text.startswith("mobile,qty\n") and not any(v in text for v in values)


def test_verification_reports_what_a_small_sample_missed(tmp_path: Path) -> None:
    src = tmp_path / "crm.db"
    rng = random.Random(21)
    phones = [fake.mobile(rng) for _ in range(300)]
    conn = sqlite3.connect(src)
    conn.execute("CREATE TABLE kh (id INTEGER PRIMARY KEY, sjhm TEXT, bz TEXT)")
    conn.executemany("INSERT INTO kh VALUES (?, ?, ?)",
                     [(i, phones[i], f"回访{phones[i]}" if i in (150, 151) else "老客户")
                      for i in range(300)])
    conn.commit()
    conn.close()
    summary = deidentify(str(src), str(tmp_path / "copy.db"), keyring=RING,
                         options=DeidentifyOptions(sample_rows=8, sampling="first"))
    plan = {c.column: c for c in summary.tables[0].columns}
    assert plan["bz"].action == "copy"                     # the 8 sampled rows had no phone
    ver = summary.verification
    assert not ver.ok
    assert ver.remaining == [{"table": "kh", "column": "bz", "entities": {"PHONE_NUMBER": 2},
                              "values": 2}]
    assert ver.leaks == [{"table": "kh", "column": "bz", "values": 2}]


def test_a_key_column_under_a_many_to_one_operator_is_reported(shop, tmp_path: Path) -> None:
    src, _, _ = shop
    pol = Policy.from_toml('default = "surrogate"\n[entities]\nPHONE_NUMBER = "mask"\n'
                           'CN_RESIDENT_ID = { operator = "redact", text = "-" }')
    summary = deidentify(str(src), str(tmp_path / "c.db"), policy=pol, keyring=RING,
                         options=DeidentifyOptions(tables=["users"], verify=False))
    users = summary.tables[0]
    plan = {c.column: c for c in users.columns}
    assert "may get duplicates" in plan["sfzh"].notes[0]
    assert any("unique (sfzh) not recreated" in p for p in users.problems)
    assert "unique (sfzh)" not in users.constraints and users.status == "copied"
    assert _rows(tmp_path / "c.db", "SELECT DISTINCT sfzh FROM users") == [("-",)]
