"""`piguard classify`, `inventory`, `report` and `demo` end to end (synthetic data)."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from piguard.cli import _load_verbs, app
from piguard.demo import fake

_load_verbs()
runner = CliRunner()
RNG = random.Random(99)
IDS = [fake.resident_id(RNG) for _ in range(300)]
PHONES = [fake.mobile(RNG) for _ in range(300)]


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    path = tmp_path / "shop.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE kh (id INTEGER PRIMARY KEY, xm TEXT, sfzh TEXT, sjhm TEXT,"
                 " bz TEXT)")
    conn.executemany("INSERT INTO kh VALUES (?,?,?,?,?)",
                     [(i, fake.person_name(RNG), IDS[i], PHONES[i], "老客户")
                      for i in range(300)])
    conn.commit()
    conn.close()
    return path


def _no_raw_values(text: str) -> None:
    assert not [v for v in IDS + PHONES if v in text]


def test_classify_json_shape(shop: Path) -> None:
    res = runner.invoke(app, ["classify", str(shop), "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["source"] == str(shop)
    (table,) = out["tables"]
    assert table["table"] == "kh" and table["rows_sampled"] == 300 and table["rows_total"] == 300
    by = {c["column"]: c for c in table["columns"]}
    assert by["sfzh"] == {"column": "sfzh", "entity": "CN_RESIDENT_ID", "confidence": 0.99,
                          "match_ratio": 1.0, "evidence": ["name:sfzh", "values:300/300 valid"],
                          "sensitive": True, "example": by["sfzh"]["example"]}
    assert by["sjhm"]["entity"] == "PHONE_NUMBER" and by["xm"]["entity"] == "PERSON_NAME"
    assert by["bz"]["entity"] is None
    _no_raw_values(res.stdout)


def test_classify_table_format_and_sqlalchemy_url(shop: Path) -> None:
    res = runner.invoke(app, ["classify", f"sqlite:///{shop}", "--sample", "50",
                              "--sampling", "first"])
    assert res.exit_code == 0, res.output
    assert "CN_RESIDENT_ID" in res.stdout and "rows sampled: 50 of 300" in res.stdout
    _no_raw_values(res.stdout)


def test_classify_bad_input_exit_2(tmp_path: Path) -> None:
    res = runner.invoke(app, ["classify", str(tmp_path / "nope.csv")])
    assert res.exit_code == 2
    assert "no such file" in res.stderr
    assert runner.invoke(app, ["classify", ".", "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["classify", ".", "--sampling", "some"]).exit_code == 2


def test_inventory_then_report(shop: Path, tmp_path: Path) -> None:
    (tmp_path / "bad.bin").write_bytes(b"\x00")
    store = tmp_path / "inv.db"
    res = runner.invoke(app, ["inventory", str(shop), str(tmp_path / "bad.bin"),
                              "--store", str(store)])
    assert res.exit_code == 0, res.output
    assert "1 scanned, 0 unchanged" in res.stdout
    assert "unsupported file type '.bin'" in res.stderr
    again = runner.invoke(app, ["inventory", str(shop), "--store", str(store), "-f", "json"])
    summary = json.loads(again.stdout)
    assert summary["unchanged"] == 1 and summary["scanned"] == 0
    rep = runner.invoke(app, ["report", "--store", str(store), "-o", str(tmp_path / "rep")])
    assert rep.exit_code == 0, rep.output
    html, js = (Path(p) for p in rep.stdout.split())
    assert html.name == "index.html" and js.name == "report.json"
    report = json.loads(js.read_text(encoding="utf-8"))
    assert report["totals"]["pi_columns"] == 3
    _no_raw_values(html.read_text(encoding="utf-8") + js.read_text(encoding="utf-8"))


def test_inventory_full_mode_and_errors(shop: Path, tmp_path: Path) -> None:
    store = tmp_path / "inv.db"
    res = runner.invoke(app, ["inventory", str(shop), "--store", str(store), "--mode", "full",
                              "-f", "json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["rows_read"] >= 300
    assert runner.invoke(app, ["inventory", str(shop), "--mode", "quick"]).exit_code == 2
    missing = runner.invoke(app, ["inventory", str(tmp_path / "none"), "--store", str(store)])
    assert missing.exit_code == 2


def test_report_without_store_is_a_usage_error(tmp_path: Path) -> None:
    res = runner.invoke(app, ["report", "--store", str(tmp_path / "missing.db"),
                              "-o", str(tmp_path / "r")])
    assert res.exit_code == 2 and "run `piguard inventory" in res.stderr


def test_demo_command(tmp_path: Path) -> None:
    out = tmp_path / "demo-out"
    res = runner.invoke(app, ["demo", "--out", str(out), "--users", "200"])
    assert res.exit_code == 0, res.output
    assert (out / "report" / "index.html").is_file()
    assert (out / "company" / "exports" / "会员导出_gbk.csv").is_file()
    assert str(out / "report" / "index.html") in res.stdout
    assert "1 skipped, 2 partial errors" in res.stdout
