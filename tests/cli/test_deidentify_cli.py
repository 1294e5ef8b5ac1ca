"""`piguard deidentify` end to end: the summary, JSON, dry run, exit codes (0 done, 1 PI left
with --strict, 2 usage errors), and no raw value in any output."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from piguard.cli import _load_verbs, app
from piguard.deid.keys import create_key_file
from piguard.demo import fake

_load_verbs()
runner = CliRunner()
RNG = random.Random(17)
IDS = [fake.resident_id(RNG) for _ in range(200)]
PHONES = [fake.mobile(RNG) for _ in range(200)]


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    path = tmp_path / "shop.db"
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE kh (id INTEGER PRIMARY KEY, xm TEXT, sfzh TEXT UNIQUE, sjhm TEXT, bz TEXT);
        CREATE TABLE dd (id INTEGER PRIMARY KEY, kh_id INTEGER REFERENCES kh(id), sjhm TEXT);
    """)
    conn.executemany("INSERT INTO kh VALUES (?,?,?,?,?)",
                     [(i, fake.person_name(RNG), IDS[i], PHONES[i],
                       f"回访{PHONES[i]}" if i % 50 == 25 else "老客户") for i in range(200)])
    conn.executemany("INSERT INTO dd VALUES (?,?,?)",
                     [(i, i % 200, PHONES[i % 200]) for i in range(400)])
    conn.commit()
    conn.close()
    return path


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "key.json"
    create_key_file(path)
    return path


def _no_raw_values(text: str) -> None:
    assert not [v for v in IDS + PHONES if v in text]


def test_copy_prints_the_plan_and_exits_0(shop: Path, key: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy.db"
    res = runner.invoke(app, ["deidentify", str(shop), "--to", str(out), "-k", str(key)])
    assert res.exit_code == 0, res.output
    for text in ("kh", "dd", "CN_RESIDENT_ID → surrogate", "PHONE_NUMBER → surrogate",
                 "foreign key → kh.id", "recreated: primary key (id), unique (sfzh)",
                 "verification:", "done: 2 table(s) copied, 600 rows"):
        assert text in res.output, text
    _no_raw_values(res.output)
    conn = sqlite3.connect(out)
    assert conn.execute("SELECT COUNT(*) FROM dd JOIN kh ON kh.sjhm = dd.sjhm").fetchone() == (400,)
    conn.close()


def test_json_strict_and_dry_run(shop: Path, key: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy.db"
    res = runner.invoke(app, ["deidentify", str(shop), "--to", str(out), "-k", str(key),
                              "--dry-run", "--format", "json"])
    assert res.exit_code == 0 and not out.exists()
    plan = json.loads(res.stdout)
    assert plan["status"] == "planned" and {t["table"] for t in plan["tables"]} == {"kh", "dd"}
    # the first 8 rows miss the phones now and then in the "bz" remarks; the
    # verification does not, and --strict fails the run
    res = runner.invoke(app, ["deidentify", str(shop), "--to", str(out), "-k", str(key),
                              "--strict", "--sample", "8", "--sampling", "first",
                              "--format", "json"])
    assert res.exit_code == 1, res.output
    doc = json.loads(res.stdout)
    remaining = doc["verification"]["remaining"]
    assert [(r["table"], r["column"]) for r in remaining] == [("kh", "bz")]
    _no_raw_values(res.output)
    policy = tmp_path / "policy.toml"
    policy.write_text('[columns."kh.bz"]\nfree_text = true\n', encoding="utf-8")
    base = ["deidentify", str(shop), "--to", str(out), "-k", str(key), "--strict", "-q"]
    res = runner.invoke(app, [*base, "--sample", "8", "--sampling", "first", "-p", str(policy)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, base)          # a full sample sees the phones and redacts them
    assert res.exit_code == 0, res.output


def test_usage_errors_exit_2(shop: Path, key: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("PIGUARD_KEYRING", raising=False)
    monkeypatch.delenv("PIGUARD_KEY", raising=False)
    cases = [
        (["deidentify", str(shop), "--to", str(shop), "-k", str(key)], "source"),
        (["deidentify", str(shop), "--to", str(tmp_path / "c.db")], "need a key"),
        (["deidentify", str(tmp_path / "nope.db"), "--to", str(tmp_path / "c.db"), "-k", str(key)],
         "no such file"),
        (["deidentify", str(shop), "--to", str(tmp_path / "c.txt"), "-k", str(key)], "file type"),
        (["deidentify", str(shop), "--to", str(tmp_path / "c.db"), "-k", str(key), "-f", "xml"],
         "--format"),
    ]
    bad_policy = tmp_path / "bad.toml"
    bad_policy.write_text('[columns."kh.sjhm"]\nentity = "PHONE"\n', encoding="utf-8")
    cases.append((["deidentify", str(shop), "--to", str(tmp_path / "c.db"), "-k", str(key),
                   "-p", str(bad_policy)], "bad.toml:2"))
    for args, message in cases:
        res = runner.invoke(app, args)
        assert res.exit_code == 2, (args, res.output)
        assert message in res.output, (message, res.output)
    assert not (tmp_path / "c.db").exists()
