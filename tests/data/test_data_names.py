"""Plate provinces, Chinese surnames and given-name characters, English names."""

from __future__ import annotations

import piguard.data as data


def is_han(text: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_plate_provinces():
    provinces = data.plate_provinces()
    assert provinces == "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
    assert len(set(provinces)) == 31


def test_surnames():
    surnames = data.cn_surnames()
    assert len(surnames) == len(set(surnames)) >= 450
    assert surnames[:10] == ("王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周")
    assert all(is_han(s) and len(s) in (1, 2) for s in surnames)
    for common in ("肖", "付", "覃", "钱", "孙", "郭", "罗", "欧"):
        assert common in surnames
    assert data.cn_surname_rank("王") == 1
    assert data.cn_surname_rank("汤") == 100
    assert data.cn_surname_rank("欧阳") is None
    assert data.cn_surname_rank("x") is None


def test_compound_surnames():
    compound = data.cn_compound_surnames()
    assert compound[0] == "欧阳"
    assert {"司马", "诸葛", "上官", "慕容", "司徒", "令狐", "皇甫", "东方"} <= set(compound)
    assert all(len(s) == 2 for s in compound)
    assert set(compound) <= set(data.cn_surnames())
    assert len(compound) >= 60


def test_given_name_chars():
    chars = data.cn_given_name_chars()
    assert len(chars) == len(set(chars)) >= 300
    assert is_han(chars)
    for ch in "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚":
        assert ch in chars


def test_english_names():
    first = data.en_first_names()
    assert len(first) == len(set(first)) >= 300
    assert first[:2] == ("James", "John")
    assert "Mary" in data.en_first_names("F") and "Mary" not in data.en_first_names("M")
    assert len(data.en_first_names("M")) + len(data.en_first_names("F")) == len(first)
    last = data.en_last_names()
    assert len(last) == len(set(last)) >= 300
    assert last[:3] == ("Smith", "Johnson", "Williams")
    assert "McDonald" in last
    assert all(name.isalpha() and name[0].isupper() for name in first + last)
