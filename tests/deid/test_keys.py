"""Keyring: key files, environment, rotation, sub-keys, and no key material anywhere."""

from __future__ import annotations

import base64
import copy
import json
import logging
import os
import pickle

import pytest

from piguard.deid.keys import (
    ENV_KEY,
    ENV_KEYRING,
    Key,
    Keyring,
    KeyringError,
    UnknownKeyError,
    create_key_file,
    key_id_for,
)


def _materials(path) -> list[bytes]:
    doc = json.loads(path.read_text())
    return [base64.b64decode(k["material"]) for k in doc["keys"]]


def _forms(material: bytes) -> list[str]:
    """Ways key material could leak into text."""
    return [base64.b64encode(material).decode(), material.hex(), material.hex().upper(),
            repr(material)[2:-1][:40]]


def test_new_key_file_is_private_and_loads(tmp_path):
    path = tmp_path / "keys.json"
    ring = create_key_file(path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    loaded = Keyring.load(path)
    assert loaded.active.id == ring.active.id
    assert len(ring.active.id) == 8 and set(ring.active.id) <= set("abcdefghijklmnopqrstuvwxyz234567")
    doc = json.loads(path.read_text())
    assert doc["format"] == "piguard-keyring"
    assert doc["keys"][0]["status"] == "active" and doc["keys"][0]["created"].endswith("Z")


def test_new_refuses_to_overwrite(tmp_path):
    path = tmp_path / "keys.json"
    create_key_file(path)
    with pytest.raises(KeyringError, match="rotate"):
        create_key_file(path)


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620])
def test_group_or_world_accessible_key_file_refused(tmp_path, mode):
    path = tmp_path / "keys.json"
    create_key_file(path)
    os.chmod(path, mode)
    with pytest.raises(KeyringError, match="chmod 600") as info:
        Keyring.load(path)
    assert str(path) in str(info.value)


def test_missing_key_file_says_how_to_make_one(tmp_path):
    with pytest.raises(KeyringError, match="piguard keys new --keyring FILE"):
        Keyring.load(tmp_path / "nope.json")


def test_rotation_keeps_old_keys_readable(tmp_path):
    path = tmp_path / "keys.json"
    ring = create_key_file(path)
    old_id = ring.active.id
    old_sub = ring.subkey("hash", "PHONE_NUMBER")[1]
    new = ring.rotate()
    ring.save(path)
    again = Keyring.load(path)
    assert again.active.id == new.id != old_id
    statuses = {k.id: k.status for k in again.info()}
    assert statuses == {old_id: "retired", new.id: "active"}
    assert again.subkey("hash", "PHONE_NUMBER", key_id=old_id)[1] == old_sub
    assert again.subkey("hash", "PHONE_NUMBER")[1] != old_sub
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_subkeys_separate_purpose_entity_domain_and_key():
    ring = Keyring.from_bytes(bytes(range(32)))
    subs = {
        ring.subkey("hash", "PHONE_NUMBER")[1],
        ring.subkey("fpe", "PHONE_NUMBER")[1],
        ring.subkey("hash", "CN_RESIDENT_ID")[1],
        ring.subkey("hash", "PHONE_NUMBER", "recipient-a")[1],
        Keyring.from_bytes(bytes(range(1, 33))).subkey("hash", "PHONE_NUMBER")[1],
    }
    assert len(subs) == 5
    # Deterministic under one key.
    assert ring.subkey("hash", "PHONE_NUMBER")[1] == Keyring.from_bytes(
        bytes(range(32))).subkey("hash", "PHONE_NUMBER")[1]
    assert len(ring.subkey("encrypt-det", "X", length=64)[1]) == 64


def test_env_key_and_env_keyring(tmp_path):
    material = os.urandom(32)
    ring = Keyring.from_env({ENV_KEY: base64.b64encode(material).decode()})
    assert ring is not None and ring.active.id == key_id_for(material)
    path = tmp_path / "k.json"
    made = create_key_file(path)
    assert Keyring.from_env({ENV_KEYRING: str(path)}).active.id == made.active.id
    assert Keyring.from_env({}) is None


def test_short_or_bad_env_key():
    with pytest.raises(KeyringError, match="at least 32 bytes"):
        Keyring.from_env({ENV_KEY: base64.b64encode(b"x" * 16).decode()})
    with pytest.raises(KeyringError, match="not valid base64"):
        Keyring.from_env({ENV_KEY: "not base64 !!!"})


def test_edited_key_id_detected(tmp_path):
    path = tmp_path / "k.json"
    create_key_file(path)
    doc = json.loads(path.read_text())
    doc["keys"][0]["id"] = "aaaaaaaa"
    path.write_text(json.dumps(doc))
    os.chmod(path, 0o600)
    with pytest.raises(KeyringError, match="does not match"):
        Keyring.load(path)


def test_unknown_key_id():
    with pytest.raises(UnknownKeyError, match="zzzzzzzz"):
        Keyring.generate().subkey("hash", "X", key_id="zzzzzzzz")


def test_no_key_material_in_repr_str_errors_or_logs(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "keys.json"
    ring = create_key_file(path)
    ring.rotate()
    ring.save(path)
    materials = _materials(path)
    texts = [repr(ring), str(ring), *(repr(k) for k in ring._keys.values()),
             *(str(i) for i in ring.info())]
    # Errors around a broken file must not echo its content.
    broken = json.loads(path.read_text())
    broken["keys"][0]["material"] = broken["keys"][0]["material"][:-4] + "!!!!"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken))
    os.chmod(bad, 0o600)
    for tamper in (bad,):
        with pytest.raises(KeyringError) as info:
            Keyring.load(tamper)
        texts.append(str(info.value))
    (tmp_path / "trunc.json").write_text(path.read_text()[:120])
    os.chmod(tmp_path / "trunc.json", 0o600)
    with pytest.raises(KeyringError) as info:
        Keyring.load(tmp_path / "trunc.json")
    texts.append(str(info.value))
    with pytest.raises(UnknownKeyError) as info:
        ring.get("aaaaaaaa")
    texts.append(str(info.value))
    texts.append(caplog.text)
    blob = "\n".join(texts)
    for material in materials:
        for form in _forms(material):
            assert form not in blob
        sub = ring.subkey("hash", "PHONE_NUMBER")[1]
        assert sub.hex() not in blob


def test_keys_refuse_pickling_and_copying():
    ring = Keyring.generate()
    with pytest.raises(TypeError):
        pickle.dumps(ring)
    with pytest.raises(TypeError):
        pickle.dumps(ring.active)
    with pytest.raises(TypeError):
        copy.copy(ring.active)


def test_one_active_key_required():
    a, b = Key.generate(), Key.generate()
    with pytest.raises(KeyringError, match="exactly one active"):
        Keyring([a, b])
    b.status = "retired"
    assert Keyring([a, b]).active is a
