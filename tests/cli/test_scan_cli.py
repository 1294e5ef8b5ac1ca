"""`piguard scan` end to end: formats, exit codes, bad input, and no raw PI in its output."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import piguard
from piguard.cli import _load_verbs, app
from piguard.detect import checks

_load_verbs()
runner = CliRunner()

ID = "11010519491231002X"
PHONE = "13800138000"
CARD = "6222021234567890128"
EMAIL = "zhang.san@example.com"
RAW_VALUES = [ID, PHONE, CARD, EMAIL, "138 0013 8000", "203.0.113.45"]

TEXT = (f"客户张三 身份证号码：{ID} 手机：{PHONE} 卡号 {CARD}\n"
        f"邮箱 {EMAIL}，备用 138 0013 8000，login from 203.0.113.45\n")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "gbk.csv").write_bytes("姓名,手机\n李四,13912345678\n".encode("gbk"))
    (tmp_path / "clean.txt").write_text("nothing to see here\n", encoding="utf-8")
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02" + ID.encode())
    os.symlink(tmp_path / "missing-target", tmp_path / "broken-link.txt")
    return tmp_path


def run(*args: str, input: str | None = None):
    return runner.invoke(app, ["scan", *args], input=input)


def test_folder_table_exit_1_and_summary(folder: Path) -> None:
    res = run(str(folder))
    assert res.exit_code == 1
    out = res.stdout + res.stderr
    assert "CN_RESIDENT_ID" in out and "BANK_CARD" in out and "gbk.csv" in out
    assert "skipped 1 binary file" in res.stderr
    assert "broken-link.txt" in res.stderr and "not a regular file" in res.stderr
    assert "GB18030" in res.stderr


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "sarif"])
def test_no_raw_pi_in_any_output(folder: Path, fmt: str) -> None:
    res = run(str(folder), "--format", fmt)
    captured = res.stdout + res.stderr
    for value in RAW_VALUES:
        assert value not in captured, f"raw value leaked in {fmt} output"


def test_json_shape(folder: Path) -> None:
    res = run(str(folder / "a.txt"), "--format", "json")
    doc = json.loads(res.stdout)
    ents = [f["entity"] for f in doc["findings"]]
    assert ents.count("PHONE_NUMBER") == 2 and "CN_RESIDENT_ID" in ents
    f0 = doc["findings"][0]
    assert {"path", "line", "column", "entity", "start", "end", "score", "evidence", "preview"} <= set(f0)


def test_sarif_is_valid_shape(folder: Path) -> None:
    doc = json.loads(run(str(folder / "a.txt"), "--format", "sarif").stdout)
    assert doc["version"] == "2.1.0"
    results = doc["runs"][0]["results"]
    assert results and all(r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for r in results)


def test_stdin_and_clean_exit_0() -> None:
    assert run("-", input="今天天气不错，订单号 2023112012345678901\n").exit_code == 0
    res = run("-", "--format", "jsonl", input=f"卡号 {CARD}\n")
    assert res.exit_code == 1
    assert json.loads(res.stdout.splitlines()[0])["entity"] == "BANK_CARD"


def test_usage_errors_exit_2(folder: Path) -> None:
    assert run(str(folder), "--format", "xml").exit_code == 2
    assert run(str(folder), "--entities", "NOT_AN_ENTITY").exit_code == 2
    assert run(str(folder / "does-not-exist")).exit_code == 2


def test_entities_filter(folder: Path) -> None:
    res = run(str(folder / "a.txt"), "--format", "json", "--entities", "BANK_CARD")
    assert {f["entity"] for f in json.loads(res.stdout)["findings"]} == {"BANK_CARD"}


def test_library_never_logs_or_reprs_values(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    findings = piguard.scan(TEXT)
    detector = piguard.Detector()
    captured = caplog.text + repr(findings) + repr(detector) + str(findings)
    try:
        checks.validate_cn_id18(ID[:-1] + "0")
    except checks.InvalidIdentifier as exc:
        captured += str(exc) + repr(exc)
    try:
        piguard.scan(TEXT, entities=[ID])  # a value passed where an entity name belongs
    except ValueError as exc:
        captured += str(exc)
    for value in RAW_VALUES:
        assert value not in captured.replace("NOT_AN_ENTITY", "")


def test_large_file_in_pieces_keeps_lines_and_offsets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from piguard.cli import scan as scan_mod

    monkeypatch.setattr(scan_mod, "CHUNK_BYTES", 64)
    monkeypatch.setattr(scan_mod, "CHUNK_CHARS", 64)
    lines = [f"第{i}行 手机 1380013{i:04d} 备注" for i in range(200)]
    text = "\n".join(lines) + "\n"
    (tmp_path / "big.txt").write_text(text, encoding="utf-8")
    doc = json.loads(run(str(tmp_path / "big.txt"), "--format", "json").stdout)
    phones = [f for f in doc["findings"] if f["entity"] == "PHONE_NUMBER"]
    assert len(phones) == 200
    for i, f in enumerate(phones):
        assert f["line"] == i + 1
        assert text[f["start"]:f["end"]] == f"1380013{i:04d}"


def test_invalid_utf8_midway_is_reported_and_rest_scanned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from piguard.cli import scan as scan_mod

    monkeypatch.setattr(scan_mod, "CHUNK_BYTES", 128)
    good = "手机 13800138000\n".encode() * 20
    (tmp_path / "mixed.txt").write_bytes(good + b"\xff\xfe broken \xc3\n" + good)
    res = run(str(tmp_path / "mixed.txt"), "--format", "json")
    doc = json.loads(res.stdout)
    assert len(doc["findings"]) == 40
    assert "undecodable bytes replaced" in res.stderr and "mixed.txt" in res.stderr


def test_enormous_single_line_is_scanned_in_pieces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from piguard.cli import scan as scan_mod

    monkeypatch.setattr(scan_mod, "CHUNK_BYTES", 256)
    monkeypatch.setattr(scan_mod, "CHUNK_CHARS", 256)
    monkeypatch.setattr(scan_mod, "MAX_LINE_CHARS", 1024)
    (tmp_path / "one-line.json").write_text('{"phone": "13800138000", "pad": "' + "x" * 5000 + '"}',
                                            encoding="utf-8")
    res = run(str(tmp_path / "one-line.json"), "--format", "json")
    assert res.exit_code == 1
    assert "scanned in pieces" in res.stderr
