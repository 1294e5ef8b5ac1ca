"""PROVENANCE.md lists every shipped data file, and every listed file exists."""

from __future__ import annotations

import re
from importlib import resources

DATA = resources.files("piguard.data")
SUFFIXES = (".csv", ".txt", ".tsv", ".json", ".gz")


def listed_files() -> set[str]:
    text = DATA.joinpath("PROVENANCE.md").read_text("utf-8")
    return set(re.findall(r"^### `([^`]+)`", text, flags=re.MULTILINE))


def test_every_listed_file_exists():
    listed = listed_files()
    assert len(listed) >= 11
    for name in listed:
        assert DATA.joinpath(name).is_file(), name


def test_every_data_file_is_listed():
    shipped = {p.name for p in DATA.iterdir() if p.name.endswith(SUFFIXES)}
    assert shipped == listed_files()


def test_no_lgpl_material():
    for path in DATA.iterdir():
        if path.name.endswith(SUFFIXES):
            text = path.read_text("utf-8")
            assert 'county="' not in text  # stdnum loc.dat syntax
            assert "GNU Lesser" not in text


def test_data_dir_is_small():
    total = sum(len(p.read_bytes()) for p in DATA.iterdir() if p.is_file())
    assert total < 2 * 1024 * 1024


def test_loader_doctests():
    import doctest

    import piguard.data

    result = doctest.testmod(piguard.data)
    assert result.attempted >= 4 and result.failed == 0
