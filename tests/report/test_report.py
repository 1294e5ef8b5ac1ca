"""The report: figures, masking, escaping, self-containment, atomic writes."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from piguard.demo import run
from piguard.inventory import Scanner, Store
from piguard.report import write_report
from piguard.report.build import build


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    return run(tmp_path_factory.mktemp("demo") / "out", users=400)


def test_report_figures(demo) -> None:
    report = json.loads(demo.report_json.read_text(encoding="utf-8"))
    t = report["totals"]
    assert t["sources"] == 5 and t["tables"] == 10 and t["documents"] == 1
    assert t["estimated_pi_values"] == sum(e["estimated_count"] for e in report["entities"])
    assert t["estimated_pi_values"] == sum(sum(s["entities"].values())
                                           for s in report["sources"])
    sensitive = sum(e["estimated_count"] for e in report["entities"] if e["sensitive"])
    assert t["sensitive_share"] == round(sensitive / t["estimated_pi_values"], 4)
    assert 0 < t["sensitive_share"] < 1
    assert t["minor_rows"] > 0 and report["minors"][0]["minor_rows"] > 0
    risks = [r["risk"] for r in report["risky_tables"]]
    assert risks == sorted(risks, reverse=True)
    assert report["risky_tables"][0]["place"].endswith(("orders", "users"))
    not_scanned = {(Path(p["location"].split(" (")[0]).name, p["kind"])
                   for p in report["not_scanned"]}
    assert ("legacy_dump.bak", "skipped") in not_scanned
    assert ("会员导出_gbk.csv", "error") in not_scanned  # the malformed row
    assert ("app.log", "error") in not_scanned           # the truncated JSON line
    ents = {e["entity"]: e for e in report["entities"]}
    assert ents["CN_RESIDENT_ID"]["sensitive"] and not ents["PHONE_NUMBER"]["sensitive"]
    assert ents["BANK_CARD"]["category"] == "个人财产信息"


def test_report_shows_only_masked_values(demo) -> None:
    conn = sqlite3.connect(demo.data / "shop.db")
    raw = [v for row in conn.execute("select sfzh, shouji, email from users limit 200")
           for v in row]
    conn.close()
    html = demo.report_html.read_text(encoding="utf-8")
    text = demo.report_json.read_text(encoding="utf-8")
    assert not [v for v in raw if v in html or v in text]
    examples = [c["example"] for c in json.loads(text)["risky_columns"] if c["example"]]
    assert examples and all("*" in e for e in examples)


def test_html_is_self_contained(demo) -> None:
    html = demo.report_html.read_text(encoding="utf-8")
    assert "default-src 'none'" in html
    assert "<script" not in html.lower()
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']|url\(([^)]*)\)""", html)
    assert [r for pair in refs for r in pair if r and not r.startswith("data:")] == []
    assert re.search(r"<svg[^>]*aria-label=\"PI values by source", html)


def test_html_escapes_names_from_sources(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "<img src=x onerror=alert(1)>.csv").write_text(
        "<script>alert(1)</script>,email\nx,a@example.com\ny,b@example.com\n")
    store = Store(str(tmp_path / "inv.db"))
    Scanner(store).run([str(data)])
    _, html_path = write_report(store, tmp_path / "r")
    html = html_path.read_text(encoding="utf-8")
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_writes_are_atomic_and_leave_no_temp_files(tmp_path: Path, demo) -> None:
    store = Store(str(demo.store))
    out = tmp_path / "rep"
    write_report(store, out)
    write_report(store, out)  # replaces in place
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "report.json"]
    assert build(store)["scans"] >= 1


def test_empty_store_report(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "empty.db"))
    report = build(store)
    assert report["totals"]["estimated_pi_values"] == 0 and report["last_scan"] is None
    _, html_path = write_report(store, tmp_path / "r")
    assert "No PI found." in html_path.read_text(encoding="utf-8")
