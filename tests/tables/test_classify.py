"""Column classification: hints, value checks, the decision, free text, the JSON shape,
and the acceptance target on a labelled database (≥ 95 % of PI columns found with the right
entity, ≤ 2 % false PI columns) in SQLite, PostgreSQL (with comments) and MariaDB."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pyarrow as pa
import pytest
import sqlalchemy as sa

from piguard.demo import fake
from piguard.demo.labelled import labelled_tables, score, truth, write_sqlalchemy
from piguard.sources import Column, iter_source
from piguard.tables import Options, classify_arrays, classify_table
from piguard.tables.hints import STRONG, WEAK, hints
from piguard.tables.values import count_entities, trimmed, valid_rows

RNG = random.Random(5)


@pytest.mark.parametrize(("name", "comment", "entity", "strength"), [
    ("sfzh", None, "CN_RESIDENT_ID", STRONG),
    ("gmsfhm", None, "CN_RESIDENT_ID", STRONG),
    ("idCardNo", None, "CN_RESIDENT_ID", STRONG),
    ("shouji", None, "PHONE_NUMBER", STRONG),
    ("sjhm", None, "PHONE_NUMBER", STRONG),
    ("khsjh", None, "PHONE_NUMBER", STRONG),
    ("user_mobile2", None, "PHONE_NUMBER", STRONG),
    ("shr_dh", None, "PHONE_NUMBER", WEAK),
    ("xm", None, "PERSON_NAME", WEAK),
    ("real_name", None, "PERSON_NAME", STRONG),
    ("CustomerName", None, "PERSON_NAME", STRONG),
    ("dz", None, "ADDRESS", WEAK),
    ("jtzz", None, "ADDRESS", STRONG),
    ("home_address", None, "ADDRESS", STRONG),
    ("ip_address", None, "IP_ADDRESS", STRONG),
    ("email_addr", None, "EMAIL_ADDRESS", STRONG),
    ("yhkh", None, "BANK_CARD", STRONG),
    ("csrq", None, "DATE_OF_BIRTH", STRONG),
    ("hphm", None, "CN_LICENSE_PLATE", STRONG),
    ("c7", "身份证号码", "CN_RESIDENT_ID", STRONG),
    ("f1", "客户手机号", "PHONE_NUMBER", STRONG),
    ("f2", "QQ号", "CN_QQ", STRONG),
])
def test_name_and_comment_hints(name: str, comment: str | None, entity: str,
                                strength: float) -> None:
    found, evidence = hints(name, comment)
    assert found.get(entity) == strength, (found, evidence)
    assert evidence


@pytest.mark.parametrize("name", ["product_name", "username", "order_no", "created_at", "id",
                                  "user_id", "amount", "ddh", "cjsj", "nick_name", "status"])
def test_names_that_are_not_pi(name: str) -> None:
    found, _ = hints(name)
    assert not [e for e, s in found.items() if s > 0]


def test_version_vetoes_ip() -> None:
    assert hints("app_version")[0] == {"IP_ADDRESS": -1.0}


def _arr(values: list) -> pa.Array:
    return trimmed(pa.array(values, pa.string()))


def test_value_checks_validate_not_just_match() -> None:
    ids = [fake.resident_id(RNG) for _ in range(20)]
    broken = [i[:-1] + ("0" if i[-1] != "0" else "1") for i in ids]  # wrong check char
    counts = count_entities(_arr(ids + broken + [None, "  "]))
    assert counts["CN_RESIDENT_ID"]["valid"] == 20
    cards = [fake.bank_card(RNG) for _ in range(10)]
    assert count_entities(_arr(cards))["BANK_CARD"]["valid"] == 10
    assert count_entities(_arr(["13800138000", "12345678901"]))["PHONE_NUMBER"]["valid"] == 1
    found = valid_rows("EMAIL_ADDRESS", _arr(["a@example.com", "nope", None, " b@x.cn "]))
    assert sorted(found) == [0, 3]


def _classify(columns: dict[str, list], comments: dict[str, str] | None = None):
    comments = comments or {}
    cols = [Column(n, comment=comments.get(n)) for n in columns]
    arrays = {n: pa.array(v, pa.string()) for n, v in columns.items()}
    results, pi_rows, minors = classify_arrays(cols, arrays, Options())
    return {r.column: r for r in results}, pi_rows, minors


def test_value_evidence_beats_a_misleading_name() -> None:
    ids = [fake.resident_id(RNG) for _ in range(100)]
    res, pi_rows, _ = _classify({"phone": ids, "remark": ["ok"] * 100})
    assert res["phone"].entity == "CN_RESIDENT_ID"
    assert res["phone"].confidence < 0.95  # the name said something else
    assert res["remark"].entity is None and not res["remark"].free_text
    assert pi_rows == 100


def test_hint_lowers_the_bar_for_dirty_columns() -> None:
    phones = [fake.mobile(RNG) if i % 2 else "N/A" for i in range(100)]
    assert _classify({"shouji": phones})[0]["shouji"].entity == "PHONE_NUMBER"
    assert _classify({"c1": phones})[0]["c1"].entity is None  # 50 % without a hint: no


def test_weak_shapes_need_a_hint() -> None:
    qqs = [fake.qq(RNG) for _ in range(80)]
    assert _classify({"qq": qqs})[0]["qq"].entity == "CN_QQ"
    assert _classify({"f2": qqs}, {"f2": "QQ号"})[0]["f2"].entity == "CN_QQ"
    assert _classify({"num": qqs})[0]["num"].entity is None


def test_hashed_column_is_reported_as_suspect_not_pi() -> None:
    hashes = [f"{RNG.getrandbits(128):032x}" for _ in range(50)]
    col = _classify({"phone_md5": hashes})[0]["phone_md5"]
    assert col.entity is None and not col.is_pi
    assert col.hinted == "PHONE_NUMBER"
    assert "values:0/50 valid" in col.evidence


def test_minors_are_counted_from_ids_and_birth_dates() -> None:
    kids = [fake.resident_id(RNG, fake.birth_date(RNG, minor=True)) for _ in range(10)]
    adults = [fake.resident_id(RNG) for _ in range(30)]
    _, _, minors = _classify({"sfzh": kids + adults})
    assert minors == 10
    dobs = [fake.birth_date(RNG, minor=i < 5).isoformat() for i in range(20)]
    _, _, minors = _classify({"csrq": dobs})
    assert minors == 5


def test_free_text_column_gets_per_entity_counts() -> None:
    texts = [f"客户来电，手机{fake.mobile(RNG)}，要求退款" if i % 3 == 0 else "已处理完毕，无需回访"
             for i in range(90)]
    col = _classify({"memo": texts})[0]["memo"]
    assert col.free_text and col.entity is None
    assert col.entities["PHONE_NUMBER"] == 30
    d = col.to_dict()
    assert d == {"column": "memo", "entity": None, "free_text": True,
                 "entities": {"PHONE_NUMBER": 30}, "sensitive": False, "values_checked": 90,
                 "example": d["example"]}
    assert "*" in d["example"]


def test_examples_are_masked() -> None:
    ids = [fake.resident_id(RNG) for _ in range(20)]
    col = _classify({"sfzh": ids})[0]["sfzh"]
    assert col.example != ids[0] and col.example.startswith(ids[0][:6])
    assert ids[0][6:14] not in col.example  # the birth date never shows


def test_gbk_csv_classification_json_shape(tmp_path: Path) -> None:
    lines = ["姓名,身份证号,手机号,会员等级"]
    for _ in range(120):
        lines.append(",".join([fake.person_name(RNG), fake.resident_id(RNG), fake.mobile(RNG),
                               RNG.choice(["普通", "黄金"])]))
    path = tmp_path / "导出.csv"
    path.write_bytes("\r\n".join(lines).encode("gbk"))
    (table,) = list(iter_source(str(path)))
    result = classify_table(table).to_dict()
    assert result["rows_sampled"] == 120 and result["rows_total"] == 120
    by = {c["column"]: c for c in result["columns"]}
    assert by["身份证号"]["entity"] == "CN_RESIDENT_ID"
    assert by["身份证号"]["sensitive"] is True
    assert by["身份证号"]["match_ratio"] == 1.0
    assert by["身份证号"]["evidence"] == ["name:身份证", "values:120/120 valid"]
    assert by["手机号"]["entity"] == "PHONE_NUMBER" and by["姓名"]["entity"] == "PERSON_NAME"
    assert by["会员等级"]["entity"] is None
    json.dumps(result, ensure_ascii=False)  # serialisable


def _check(results, expected) -> None:
    s = score(results, expected)
    assert s.pi_columns >= 40 and s.non_pi_columns >= 40
    assert s.recall >= 0.95, s.misses
    assert s.false_pi_rate <= 0.02, s.misses


def test_acceptance_sqlite_labelled_database(tmp_path: Path) -> None:
    tables = labelled_tables()
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'corp.db'}")
    write_sqlalchemy(engine, tables)
    engine.dispose()
    results = [classify_table(t) for t in iter_source(str(tmp_path / "corp.db"))]
    assert len(results) == 12
    _check(results, truth(tables, comments=False))


def test_acceptance_postgresql_with_comments(postgres) -> None:
    tables = labelled_tables(rows=200, seed=8)
    write_sqlalchemy(postgres.engine, tables, prefix=postgres.prefix, schema=postgres.schema)
    items = list(iter_source(postgres.url, schemas=[postgres.schema]))
    results = [classify_table(t) for t in items]
    for r in results:
        r.table = r.table.split(".", 1)[1]
    _check(results, truth(tables, postgres.prefix))
    by = {(r.table, c.column): c for r in results for c in r.columns}
    assert by[(postgres.prefix + "social", "c8")].entity == "CN_QQ"  # the comment says so
    assert "comment:QQ" in by[(postgres.prefix + "social", "c8")].evidence


def test_acceptance_mariadb_with_comments(mariadb) -> None:
    tables = labelled_tables(rows=200, seed=9)
    write_sqlalchemy(mariadb.engine, tables, prefix=mariadb.prefix)
    results = [classify_table(t) for t in iter_source(mariadb.url,
                                                      include=[mariadb.prefix + "*"])]
    assert len(results) == 12
    _check(results, truth(tables, mariadb.prefix))
