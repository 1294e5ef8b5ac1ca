"""`piguard redact`, `reidentify` and `keys` end to end (typer's runner, real files)."""

from __future__ import annotations

import builtins
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import piguard.cli.deid as deid_cli
from piguard.cli import _load_verbs, app

_load_verbs()
runner = CliRunner()

ID = "11010519491231002X"
MOBILE = "13812348000"
CARD = "6222021234567890128"
TEXT = f"该用户的身份证号是{ID}，手机{MOBILE}，卡号{CARD}。\n"
MASKED = "该用户的身份证号是110105**********2X，手机138****8000，卡号622202*********0128。\n"


@pytest.fixture(autouse=True)
def _no_env_keys(monkeypatch):
    monkeypatch.delenv("PIGUARD_KEY", raising=False)
    monkeypatch.delenv("PIGUARD_KEYRING", raising=False)


@pytest.fixture
def keyfile(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "k.json"
    path.parent.mkdir()
    result = runner.invoke(app, ["keys", "new", "--keyring", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_stdin_to_stdout_default_policy():
    result = runner.invoke(app, ["redact", "-"], input=TEXT)
    assert result.exit_code == 0, result.output
    assert result.stdout == MASKED


def test_file_to_output_file(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out.txt"
    result = runner.invoke(app, ["redact", str(src), "-o", str(out), "--policy", "replace"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == (
        "该用户的身份证号是<CN_RESIDENT_ID_1>，手机<PHONE_NUMBER_1>，卡号<BANK_CARD_1>。\n")
    assert src.read_text(encoding="utf-8") == TEXT
    assert not [p for p in tmp_path.iterdir() if "piguard-tmp" in p.name]


def test_never_writes_over_the_input(tmp_path):
    src = tmp_path / "in.txt"
    src.write_text(TEXT, encoding="utf-8")
    result = runner.invoke(app, ["redact", str(src), "-o", str(src)])
    assert result.exit_code == 2 and "write over" in result.stderr
    assert src.read_text(encoding="utf-8") == TEXT
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    for bad_out in (folder, folder / "redacted", tmp_path):
        result = runner.invoke(app, ["redact", str(folder), "-o", str(bad_out)])
        assert result.exit_code == 2, bad_out
    result = runner.invoke(app, ["redact", str(folder)])
    assert result.exit_code == 2 and "--output" in result.stderr


@pytest.fixture
def messy_folder(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "in"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a.txt").write_text(TEXT, encoding="utf-8")
    (root / "sub" / "b.log").write_text(f"login ok, phone {MOBILE}\n", encoding="utf-8")
    (root / "sub" / "deeper" / "c.txt").write_text("nothing here\n", encoding="utf-8")
    (root / "bom.txt").write_bytes(b"\xef\xbb\xbf" + TEXT.encode())
    (root / "gbk.txt").write_bytes(f"手机{MOBILE}，姓名李四\n".encode("gbk"))   # not UTF-8
    os.symlink(root / "missing-target", root / "broken-link.txt")           # unreadable
    os.mkfifo(root / "pipe.txt")                                             # not a file
    (root / "secret.txt").write_text(TEXT, encoding="utf-8")
    real_open = builtins.open

    def fake_open(file, *args, **kwargs):   # unreadable even for root: deny this one file
        if str(file).endswith("secret.txt"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(deid_cli, "open", fake_open, raising=False)
    return root


def test_folder_finishes_the_rest_and_reports_bad_files(messy_folder, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["redact", str(messy_folder), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert (out / "a.txt").read_text(encoding="utf-8") == MASKED
    assert (out / "sub" / "b.log").read_text(encoding="utf-8") == "login ok, phone 138****8000\n"
    assert (out / "sub" / "deeper" / "c.txt").read_text(encoding="utf-8") == "nothing here\n"
    bom = (out / "bom.txt").read_bytes()
    assert bom.startswith(b"\xef\xbb\xbf") and bom[3:].decode() == MASKED
    for name in ("gbk.txt", "broken-link.txt", "pipe.txt", "secret.txt"):
        assert not (out / name).exists()
    err = result.stderr
    assert "skipped 4 file(s)" in err
    assert f"{messy_folder / 'gbk.txt'}: not UTF-8" in err
    assert f"{messy_folder / 'broken-link.txt'}: unreadable: broken symbolic link" in err
    assert f"{messy_folder / 'pipe.txt'}: not a regular file" in err
    assert f"{messy_folder / 'secret.txt'}: unreadable: Permission denied" in err
    assert "redacted 4 file(s)" in err
    assert MOBILE not in result.output and ID not in result.output
    leftovers = [p for p in out.rglob("*") if "piguard-tmp" in p.name]
    assert not leftovers
    # The input is untouched.
    assert (messy_folder / "a.txt").read_text(encoding="utf-8") == TEXT


def test_keyed_policy_without_key_says_how(tmp_path):
    result = runner.invoke(app, ["redact", "-", "--policy", "pseudonymize"], input=TEXT)
    assert result.exit_code == 2
    assert "piguard keys new --keyring FILE" in result.stderr


def test_keys_new_rotate_list(keyfile):
    assert oct(keyfile.stat().st_mode & 0o777) == "0o600"
    material = json.loads(keyfile.read_text())["keys"][0]["material"]
    again = runner.invoke(app, ["keys", "new", "--keyring", str(keyfile)])
    assert again.exit_code == 2 and "rotate" in again.stderr
    rot = runner.invoke(app, ["keys", "rotate", "--keyring", str(keyfile)])
    assert rot.exit_code == 0 and "retired" in rot.stdout
    listed = runner.invoke(app, ["keys", "list", "--keyring", str(keyfile), "--format", "json"])
    doc = json.loads(listed.stdout)
    assert sorted(k["status"] for k in doc["keys"]) == ["active", "retired"]
    table = runner.invoke(app, ["keys", "list", "--keyring", str(keyfile)])
    for out in (listed.stdout, table.stdout, rot.stdout):
        assert material not in out and "material" not in out


def test_keys_file_mode_refused(keyfile):
    os.chmod(keyfile, 0o644)
    result = runner.invoke(app, ["redact", "-", "-p", "encrypt", "-k", str(keyfile)], input=TEXT)
    assert result.exit_code == 2 and f"chmod 600 {keyfile}" in result.stderr


def test_keyring_from_env(keyfile, monkeypatch):
    monkeypatch.setenv("PIGUARD_KEYRING", str(keyfile))
    enc = runner.invoke(app, ["redact", "-", "-p", "encrypt"], input=TEXT)
    assert enc.exit_code == 0 and ID not in enc.stdout
    back = runner.invoke(app, ["reidentify", "-"], input=enc.stdout)
    assert back.exit_code == 0 and back.stdout == TEXT


def test_encrypt_then_reidentify(keyfile):
    enc = runner.invoke(app, ["redact", "-", "-p", "encrypt", "-k", str(keyfile)], input=TEXT)
    assert enc.exit_code == 0, enc.output
    assert ID not in enc.stdout and "<CN_RESIDENT_ID:det:" in enc.stdout
    back = runner.invoke(app, ["reidentify", "-", "-k", str(keyfile)], input=enc.stdout)
    assert back.exit_code == 0 and back.stdout == TEXT


def test_fpe_with_items_side_car(keyfile, tmp_path):
    policy = tmp_path / "fpe.toml"
    policy.write_text('default = "fpe"\n', encoding="utf-8")
    items = tmp_path / "items.jsonl"
    enc = runner.invoke(app, ["redact", "-", "-p", str(policy), "-k", str(keyfile),
                              "--items", str(items)], input=TEXT)
    assert enc.exit_code == 0, enc.output
    assert len(enc.stdout) == len(TEXT) and MOBILE not in enc.stdout
    side = items.read_text(encoding="utf-8")
    assert ID not in side and MOBILE not in side and '"operator": "fpe"' in side
    without = runner.invoke(app, ["reidentify", "-", "-k", str(keyfile)], input=enc.stdout)
    assert without.stdout == enc.stdout
    back = runner.invoke(app, ["reidentify", "-", "-k", str(keyfile), "--items", str(items)],
                         input=enc.stdout)
    assert back.exit_code == 0 and back.stdout == TEXT


def test_folder_round_trip(keyfile, tmp_path):
    src = tmp_path / "docs"
    (src / "x").mkdir(parents=True)
    (src / "a.txt").write_text(TEXT, encoding="utf-8")
    (src / "x" / "b.txt").write_text(f"卡号{CARD}\n", encoding="utf-8")
    items = tmp_path / "items.jsonl"
    red = tmp_path / "red"
    policy = tmp_path / "p.toml"
    policy.write_text('default = "encrypt"\n[entities]\nBANK_CARD = "fpe"\n', encoding="utf-8")
    r = runner.invoke(app, ["redact", str(src), "-o", str(red), "-p", str(policy),
                            "-k", str(keyfile), "--items", str(items)])
    assert r.exit_code == 0, r.output
    assert CARD not in (red / "x" / "b.txt").read_text(encoding="utf-8")
    back = tmp_path / "back"
    b = runner.invoke(app, ["reidentify", str(red), "-o", str(back), "-k", str(keyfile),
                            "--items", str(items)])
    assert b.exit_code == 0, b.output
    assert (back / "a.txt").read_text(encoding="utf-8") == TEXT
    assert (back / "x" / "b.txt").read_text(encoding="utf-8") == f"卡号{CARD}\n"


def test_reidentify_with_wrong_key_fails_without_values(keyfile, tmp_path):
    enc = runner.invoke(app, ["redact", "-", "-p", "encrypt", "-k", str(keyfile)], input=TEXT)
    other = tmp_path / "other.json"
    runner.invoke(app, ["keys", "new", "--keyring", str(other)])
    bad = runner.invoke(app, ["reidentify", "-", "-k", str(other)], input=enc.stdout)
    assert bad.exit_code == 2 and "could not be restored" in bad.stderr
    assert ID not in bad.output
    lenient = runner.invoke(app, ["reidentify", "-", "-k", str(other), "--lenient"],
                            input=enc.stdout)
    assert lenient.exit_code == 0 and lenient.stdout == enc.stdout


def test_bad_policy_file_names_the_line(tmp_path):
    policy = tmp_path / "p.toml"
    policy.write_text('[entities]\nPHONE = "mask"\n', encoding="utf-8")
    r = runner.invoke(app, ["redact", "-", "-p", str(policy)], input=TEXT)
    assert r.exit_code == 2 and f"{policy}:2: unknown entity 'PHONE'" in r.stderr
