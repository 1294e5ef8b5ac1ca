"""The candidate engine: hyperscan and pure-`re` agree; offsets stay inside the input."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piguard.detect import engine as engine_mod
from piguard.detect.detector import Detector
from piguard.detect.normalize import normalize

needs_hs = pytest.mark.skipif(not engine_mod.HAVE_HYPERSCAN, reason="hyperscan not installed")

_RE = Detector(engine="re")
_HS = Detector(engine="hyperscan") if engine_mod.HAVE_HYPERSCAN else None

# Text built from pieces that look like PI, separators, CJK, full-width and zero-width
# characters, so random draws hit the recognizers' edges often.
_PIECES = st.sampled_from([
    "11010519491231002X", "110105491231002", "13812345678", "138 1234 5678", "+86 ",
    "6222021234567890128", "4111 1111 1111 1111", "010-87654321", "(0571)87654321",
    "zhang.san@example.com", "192.168.1.23", "2001:db8::1", "00:1A:2B:3C:4D:5E",
    "京AD12345", "粤Z1234港", "1M8GDM9AXKP042788", "E12345678", "078-05-1120",
    "身份证", "手机", "卡号", "订单号", "QQ", "微信", "IMEI", "version", "passport",
    "：", "，", "\n", " ", "-", ".", ":", "x", "X", "0", "9", "１３８", "\u200b", "😀", "中",
])
_TEXT = st.lists(st.one_of(_PIECES, st.text(max_size=8)), max_size=30).map("".join)


@needs_hs
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TEXT)
def test_backends_agree(text: str) -> None:
    assert _RE.scan(text) == _HS.scan(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_offsets_inside_random_unicode(text: str) -> None:
    for f in _RE.scan(text):
        assert 0 <= f.start < f.end <= len(text)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_findings_sorted_non_overlapping_and_exact(text: str) -> None:
    res = _RE.scan(text)
    for a, b in itertools.pairwise(res):
        assert a.end <= b.start
    for f in res:
        assert 0 <= f.start < f.end <= len(text)
        value = text[f.start:f.end]
        assert value == value.strip(), "a span never starts or ends with white space"


@needs_hs
def test_backends_agree_on_long_multiline_text() -> None:
    lines = [f"2026-11-30 12:00:{i % 60:02d} user 138{i:08d} ip 10.0.{i % 256}.{i % 200 + 1} 中文"
             for i in range(3000)]
    text = "\n".join(lines)
    assert _RE.scan(text) == _HS.scan(text)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_normalize_maps_back(text: str) -> None:
    n = normalize(text)
    if n.kept is None:
        assert len(n.text) == len(text)
    else:
        for i, orig in enumerate(n.kept):
            assert 0 <= orig < len(text)
            if i:
                assert orig > n.kept[i - 1]


def test_prefilter_form_is_hyperscan_safe() -> None:
    assert engine_mod.prefilter_form(r"(?<![0-9])[0-9]{3}(?![0-9])") == "(?:^|[^0-9])[0-9]{3}(?:[^0-9]|$)"
    assert engine_mod.prefilter_form(r"a(?=b)c") == "ac"


def test_hyperscan_backend_missing_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_mod, "HAVE_HYPERSCAN", False)
    with pytest.raises(RuntimeError, match="hyperscan"):
        engine_mod.Engine([engine_mod.Spec(0, "a")], backend="hyperscan")


def test_scan_many_equals_scan_one_by_one() -> None:
    import piguard

    det = piguard.Detector()
    texts = ["收件人：张伟，手机13800138000", "", "地址：浙江省杭州市西湖区文三路90号",
             "Dear Mr. John Smith, call +44 20 7946 0958", "订单号 2023112012345678901"] * 30
    assert list(det.scan_many(texts, batch=7)) == [det.scan(t) for t in texts]
