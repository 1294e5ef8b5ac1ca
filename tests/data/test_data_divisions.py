"""Division-code table: sanity, 2021-2025 changes, birth-year rule, loader speed."""

from __future__ import annotations

import csv
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import pytest

import piguard.data as data

REPO = Path(__file__).resolve().parents[2]
SHARED_BASE = REPO.parent / "shared" / "eval" / "cn_admin_division_codes" / "address_code.csv"


def rows() -> list[dict[str, str]]:
    text = resources.files("piguard.data").joinpath("division_codes.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_table_shape():
    table = rows()
    assert len(table) >= 7000
    codes = {r["code"] for r in table}
    assert len(codes) >= 6700
    for r in table:
        assert len(r["code"]) == 6 and r["code"].isdigit()
        assert r["name"] and "," not in r["name"] and '"' not in r["name"]
        assert r["kind"] in {"province", "prefecture", "county", "permit"}
        first = int(r["first_year"])
        assert 1980 <= first <= 2026
        if r["last_year"]:
            assert first <= int(r["last_year"]) <= 2026


def test_one_open_period_per_code():
    open_count: dict[str, int] = {}
    for r in rows():
        if not r["last_year"]:
            open_count[r["code"]] = open_count.get(r["code"], 0) + 1
    assert max(open_count.values()) == 1


def test_current_counts():
    live = [r for r in rows() if not r["last_year"]]
    kinds = [r["kind"] for r in live]
    assert kinds.count("province") == 34  # 31 mainland + 台湾 + 香港 + 澳门
    assert kinds.count("prefecture") == 333
    assert 2840 <= kinds.count("county") <= 2850
    prefixes = {r["code"][:2] for r in live}
    assert {"11", "65", "71", "81", "82", "83"} <= prefixes


@pytest.mark.parametrize(
    ("code", "name", "first"),
    [
        ("330113", "临平区", 2021),
        ("330114", "钱塘区", 2021),
        ("510118", "新津区", 2020),
        ("320614", "海门区", 2020),
        ("350404", "三元区", 2021),
        ("659011", "新星市", 2021),
        ("659012", "白杨市", 2023),
        ("540481", "米林市", 2023),
        ("540581", "错那市", 2023),
        ("653228", "和康县", 2024),
        ("653229", "和安县", 2024),
        ("500157", "两江新区", 2025),
        ("460302", "西沙区", 2020),
    ],
)
def test_recent_codes_present(code, name, first):
    periods = data.division_periods(code)
    assert periods[-1] == (first, None, name)
    assert data.division_name(code) == name
    assert code in data.division_codes_for_generation()


@pytest.mark.parametrize(
    ("code", "name", "last"),
    [
        ("110103", "崇文区", 2010),
        ("330104", "江干区", 2021),
        ("330103", "下城区", 2021),
        ("510132", "新津县", 2020),
        ("540530", "错那县", 2023),
        ("540422", "米林县", 2023),
        ("500105", "江北区", 2025),
        ("500112", "渝北区", 2025),
        ("371200", "莱芜市", 2018),
    ],
)
def test_abolished_codes(code, name, last):
    assert data.division_periods(code)[-1][1:] == (last, name)
    assert data.division_valid_for_birth_year(code, 1960)
    assert data.division_valid_for_birth_year(code, last)
    assert not data.division_valid_for_birth_year(code, last + 1)
    assert data.division_valid_for_birth_year(code, last + 1, grace_years=1)
    assert code not in data.division_codes_for_generation()


def test_renamed_code_keeps_both_names():
    assert data.division_periods("130502") == ((1983, 2020, "桥东区"), (2020, None, "襄都区"))
    assert data.division_name("130502", 2000) == "桥东区"
    assert data.division_name("130502", 2020) == "襄都区"
    assert data.division_name("130502", 1975) is None  # created 1983
    assert data.division_name("110105", 1950) == "朝阳区"  # in force in 1980 -> answered
    assert data.division_name("330114", 2000) is None
    assert data.division_valid_for_birth_year("130502", 2024)


def test_birth_year_rule_edges():
    assert data.division_valid_for_birth_year("110101", 1900)
    assert data.division_valid_for_birth_year("110101", 2025)
    assert data.division_valid_for_birth_year("330114", 1950)  # created later: fine
    assert data.division_valid_for_birth_year("110000", 1990)  # province level
    assert data.division_valid_for_birth_year("441900", 1990)  # 东莞市: no counties
    assert not data.division_valid_for_birth_year("999999", 1990)
    assert not data.division_valid_for_birth_year("", 1990)
    assert data.division_periods("123") == ()
    assert data.division_name("999999") is None


def test_residence_permits():
    for code in ("810000", "820000", "830000"):
        assert data.is_residence_permit_prefix(code)
        assert data.division_valid_for_birth_year(code, 1950)
        assert data.division_valid_for_birth_year(code, 2020)
    assert data.division_kind("830000") == "permit"
    assert data.division_kind("810000") == "province"
    assert data.division_name("810000") == "香港特别行政区"
    assert not data.is_residence_permit_prefix("110000")
    assert "830000" not in data.division_codes_for_generation()


def test_generation_codes():
    codes = data.division_codes_for_generation()
    assert len(codes) >= 2800
    assert codes == tuple(sorted(codes))
    assert all(code[4:] != "00" for code in codes)
    assert "110101" in codes and "110103" not in codes


def test_unassigned_regions_never_real():
    regions = data.residence_unassigned_regions()
    assert len(regions) == 30
    known = {r["code"] for r in rows()}
    provinces = {c[:2] for c in known if c[2:] == "0000"}
    for code in regions:
        assert code not in known
        assert code[:2] in provinces
        assert code[2:4] == "00" and code[4:] != "00"
        assert not data.division_valid_for_birth_year(code, 1950)
    # A 00 prefecture part only appears in province codes, and in Hainan's 4600ZZ counties
    # of 1988-2003 (which is why Hainan has no unassigned region).
    odd = {c for c in known if c[2:4] == "00" and c[4:] != "00"}
    assert odd and all(c.startswith("4600") for c in odd)
    assert not any(code.startswith("46") for code in regions)


def test_hand_files_have_sources():
    for name in ("division_changes_2021_2025.csv", "division_supplement.csv"):
        text = resources.files("piguard.data").joinpath(name).read_text("utf-8")
        table = list(csv.DictReader(text.splitlines()))
        assert table
        for r in table:
            assert list(r) == ["code", "name", "first_year", "last_year", "source"]
            assert r["source"].strip()
            assert r["first_year"] or r["last_year"]


def test_division_load_is_fast():
    timings = []
    for _ in range(3):  # best of three, so a busy machine does not fail the test
        data._divisions.cache_clear()
        start = time.perf_counter()
        data.division_periods("110101")
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.05


@pytest.mark.skipif(not SHARED_BASE.exists(), reason="shared MIT base table not available")
def test_generator_reproduces_table(tmp_path):
    out = tmp_path / "division_codes.csv"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "gen_division_codes.py"),
            "--out",
            str(out),
            "--shared",
            str(SHARED_BASE.parents[2]),
        ],
        check=True,
        capture_output=True,
    )
    shipped = resources.files("piguard.data").joinpath("division_codes.csv").read_text("utf-8")
    assert out.read_text("utf-8") == shipped
