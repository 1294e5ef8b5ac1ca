"""Policies: loading TOML/YAML, validation errors that name the line, defaults and presets."""

from __future__ import annotations

import pytest

from piguard.deid.operators import Encrypt, Keep, Mask, Replace, Surrogate
from piguard.deid.policy import PRESETS, Policy, PolicyError

GOOD = """\
# test policy
default = "replace"
verify = false
min_score = 0.6

[entities]
PHONE_NUMBER = "mask"
CN_RESIDENT_ID = { operator = "surrogate", keep_birth = "year", keep_sex = true }
CN_USCC = "keep"

[entities.BANK_CARD]
operator = "fpe"
domain = "analytics"
"""


def test_load_toml(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(GOOD, encoding="utf-8")
    p = Policy.load(path)
    assert isinstance(p.default, Replace) and p.verify is False and p.min_score == 0.6
    assert isinstance(p.operator_for("PHONE_NUMBER"), Mask)
    sid = p.operator_for("CN_RESIDENT_ID")
    assert isinstance(sid, Surrogate) and sid.options["keep_birth"] == "year"
    assert p.operator_for("BANK_CARD").domain == "analytics"
    assert not p.redacts("CN_USCC") and p.redacts("EMAIL_ADDRESS")
    assert p.needs_key and "CN_RESIDENT_ID:surrogate" in p.key_users()
    assert p.name == "p.toml"


def test_load_yaml(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("default: mask\nentities:\n  PHONE_NUMBER: replace\n"
                    "  EMAIL_ADDRESS:\n    operator: hash\n    bits: 128\n", encoding="utf-8")
    p = Policy.load(path)
    assert isinstance(p.operator_for("PHONE_NUMBER"), Replace)
    assert p.operator_for("EMAIL_ADDRESS").name == "hash"


def test_round_trip_to_dict():
    p = Policy.from_toml(GOOD)
    again = Policy.from_dict(p.to_dict())
    assert again.to_dict() == p.to_dict()


@pytest.mark.parametrize(("text", "line", "needle"), [
    ('default = "mask"\n[entities]\nPHONE_NUMBER = "mask"\nCN_RESIDENT_IDD = "mask"\n', 4,
     "unknown entity 'CN_RESIDENT_IDD' (did you mean CN_RESIDENT_ID?)"),
    ('[entities]\nPHONE_NUMBER = "hsh"\n', 2, "unknown operator 'hsh'"),
    ('[entities.PHONE_NUMBER]\noperator = "mask"\ncolour = "red"\n', 3, "unknown option 'colour'"),
    ('[entities]\nCN_RESIDENT_ID = { operator = "mask", keep_first = 8 }\n', 2, "birth date"),
    ('[entities]\nHEALTH = "surrogate"\n', 2, "no fake for HEALTH"),
    ('[entities]\nPHONE_NUMBER = "generalize"\n', 2, "generalize does not support"),
    ('\n\nverfy = true\n', 3, "unknown setting 'verfy'"),
    ('default = "nope"\n', 1, "unknown operator 'nope'"),
    ('min_score = 3\n', 1, "min_score"),
    ('[entities.BANK_CARD]\ndomain = "x"\n', 1, "missing 'operator'"),
    ('[entities]\nBANK_CARD = { operator = "hash", bits = "128" }\n', 2, "must be int"),
])
def test_errors_name_the_line(tmp_path, text, line, needle):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        Policy.load(path)
    msg = str(info.value)
    assert msg.startswith(f"{path}:{line}: "), msg
    assert needle in msg


def test_yaml_errors_name_the_line(tmp_path):
    path = tmp_path / "bad.yml"
    path.write_text("default: mask\nentities:\n  PHONE_NUMBER: mask\n  PHONE_NUMBR: mask\n")
    with pytest.raises(PolicyError, match=r"bad\.yml:4: unknown entity 'PHONE_NUMBR'"):
        Policy.load(path)
    path.write_text("entities: [unclosed\n")
    with pytest.raises(PolicyError, match=r"invalid YAML"):
        Policy.load(path)


def test_invalid_toml_syntax(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[entities\n")
    with pytest.raises(PolicyError, match=r"bad\.toml:1: invalid TOML"):
        Policy.load(path)


def test_default_policy_needs_no_key_and_masks():
    p = Policy.default_policy()
    assert not p.needs_key and p.verify
    assert isinstance(p.default, Mask)
    for e in ("CREDENTIAL", "HEALTH", "RELIGION", "ETHNICITY"):
        assert isinstance(p.operator_for(e), Replace)
    assert p.redacts("CN_USCC")
    assert Policy.resolve(None).name == "default"


def test_presets():
    assert set(PRESETS) == {"default", "replace", "pseudonymize", "encrypt"}
    assert isinstance(Policy.preset("pseudonymize").default, Surrogate)
    enc = Policy.preset("encrypt")
    assert isinstance(enc.default, Encrypt) and enc.default.options["deterministic"]
    assert isinstance(enc.operator_for("CN_USCC"), Keep)
    assert not Policy.preset("replace").needs_key
    with pytest.raises(PolicyError, match="unknown policy preset"):
        Policy.preset("nope")


def test_constructor_validates():
    with pytest.raises(PolicyError):
        Policy({"NOT_AN_ENTITY": Mask()})
    assert isinstance(Policy().default, Mask)
