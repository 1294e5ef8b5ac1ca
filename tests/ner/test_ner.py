"""The shipped name/address recognizer (piguard.ner): loads, finds, spans, offsets, gating."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import piguard
from piguard.detect.recognizers.base import Candidate
from piguard.ner import MODEL_VERSION, recognize, recognize_many
from piguard.ner.runtime import MODEL_FILE


def spans(text: str, entity: str) -> list[str]:
    return [text[c.start:c.end] for c in recognize(text) if c.entity == entity]


def test_model_ships_small():
    assert MODEL_FILE.exists()
    assert MODEL_FILE.stat().st_size < 20 * 1024 * 1024


def test_import_is_cheap():
    code = ("import sys, piguard.ner; "
            "assert 'numpy' not in sys.modules, 'numpy imported eagerly'; "
            "assert piguard.ner._model is None")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_candidates_shape():
    text = "收件人：王小明，电话13812345678，地址：浙江省杭州市西湖区文三路478号华星大厦5楼502室"
    cands = recognize(text)
    assert cands and all(isinstance(c, Candidate) for c in cands)
    for c in cands:
        assert c.entity in ("PERSON_NAME", "ADDRESS")
        assert 0.0 < c.score < 1.0
        assert c.evidence[0] == f"model:{MODEL_VERSION}"
        assert 0 <= c.start < c.end <= len(text)


@pytest.mark.parametrize(("text", "name"), [
    ("收件人：王小明，电话13812345678", "王小明"),
    ("姓名：欧阳晓东  性别：男", "欧阳晓东"),
    ("公司总经理张建国表示，今年的销售额稳步增长。", "张建国"),
    ("李秀英，女，1975年出生，中国国籍，本科学历。", "李秀英"),
])
def test_chinese_names(text, name):
    assert name in spans(text, "PERSON_NAME")


def test_title_not_in_name():
    # ARCHITECTURE.md: 王先生 -> 王, Mr. Smith -> Smith
    assert spans("王先生您好，您的快递已到驿站。", "PERSON_NAME") == ["王"]
    assert "Smith" in spans("Dear Mr. Smith, thank you for your order.", "PERSON_NAME")
    assert not any("Mr" in s for s in spans("Dear Mr. Smith, thank you.", "PERSON_NAME"))


def test_english_name_and_address():
    text = "My name is John Miller and I live at 1234 Oak Street, Springfield, IL 62704."
    assert "John Miller" in spans(text, "PERSON_NAME")
    addrs = spans(text, "ADDRESS")
    assert any(a.startswith("1234 Oak Street") for a in addrs)


def test_chinese_address_span():
    text = "请寄到浙江省杭州市西湖区文三路478号华星大厦5楼502室，谢谢。"
    assert spans(text, "ADDRESS") == ["浙江省杭州市西湖区文三路478号华星大厦5楼502室"]


def test_masked_name_is_not_a_finding():
    assert spans("张**，手机138****5678", "PERSON_NAME") == []


def test_no_trigger_no_model():
    # plain lower-case English without cues is not run through the model
    assert recognize("the quick brown fox jumps over the lazy dog 12 times") == []
    assert recognize("") == []


def test_recognize_many_matches_single():
    texts = ["联系人：刘德明", "", "Dear Ms. Johnson,", "会议在北京市朝阳区建国路88号召开。"]
    many = recognize_many(texts)
    assert many == [recognize(t) for t in texts]


def test_detector_integration_and_gating():
    text = "收件人：王小明 13812345678 浙江省杭州市西湖区文三路478号华星大厦5楼502室"
    found = {f.entity for f in piguard.Detector().scan(text)}
    assert {"PERSON_NAME", "ADDRESS", "PHONE_NUMBER"} <= found
    off = {f.entity for f in piguard.Detector(ner=False).scan(text)}
    assert "PERSON_NAME" not in off and "ADDRESS" not in off
    assert "PHONE_NUMBER" in off


def test_long_text_chunks():
    unit = "客户张伟的地址是上海市浦东新区世纪大道100号。" + "今天天气很好，我们去公园散步。" * 10
    text = unit * 30
    cands = recognize(text)
    assert sum(1 for c in cands if c.entity == "PERSON_NAME") >= 25
    assert all(0 <= c.start < c.end <= len(text) for c in cands)


_alphabet = st.characters(codec="utf-8", exclude_categories=("Cs",))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_alphabet, max_size=80),
       st.sampled_from(["", "王小明", "姓名：李雷 ", "Mr. John Smith ", "北京市海淀区中关村大街1号"]))
def test_offsets_inside_input(noise, seed):
    text = noise[: len(noise) // 2] + seed + noise[len(noise) // 2:]
    for c in recognize(text):
        assert 0 <= c.start < c.end <= len(text)
        assert text[c.start:c.end].strip() == text[c.start:c.end]
        assert 0.0 < c.score < 1.0


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=_alphabet, max_size=60))
def test_detector_offsets_on_random_unicode(text):
    for f in piguard.Detector().scan(text):
        assert 0 <= f.start < f.end <= len(text)


def _reference_viterbi(model, em, a, b, first, last):
    """Textbook Viterbi over rows a..b with the runtime's start/end conventions."""
    import numpy as np

    from piguard.ner.runtime import TAG_O

    k = em.shape[1]
    score = (model.start if first[a] else model.trans[TAG_O]) + em[a]
    back = []
    for t in range(a + 1, b):
        cand = score[:, None] + model.trans
        back.append(cand.argmax(axis=0))
        score = cand.max(axis=0) + em[t]
    score = score + (model.end if last[b - 1] else model.trans[:, TAG_O])
    cur = int(score.argmax())
    path = [cur]
    for bp in reversed(back):
        cur = int(bp[cur])
        path.append(cur)
    assert len(path) == b - a and k == len(model.tags)
    return np.array(path[::-1])


def test_compiled_decoder_is_built_in_ci():
    """setup.py builds the C decoder as optional; CI must not silently fall back to numpy."""
    import os

    from piguard.ner import runtime

    if os.environ.get("CI") == "true":
        assert runtime._C is not None, "piguard.ner._viterbi was not built"


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 40), st.sampled_from([4, 64, 1 << 16]))
def test_viterbi_matches_reference(seed, n_regions, cells):
    """The batched, grouped numpy decoder gives the textbook path for every region; a region
    whose path is all O comes back as None."""
    import numpy as np

    from piguard.ner import _get, runtime

    model = _get()
    rng = np.random.default_rng(seed)
    regions, pos = [], 0
    for _ in range(n_regions):
        pos += int(rng.integers(0, 5))
        length = int(rng.integers(1, 30))
        regions.append((pos, pos + length))
        pos += length
    em = (rng.normal(size=(pos + 1, len(model.tags))) * 3).astype(np.float32)
    first = rng.random(pos + 1) < 0.2
    last = rng.random(pos + 1) < 0.2
    old = runtime.VITERBI_CELLS
    runtime.VITERBI_CELLS = cells
    try:
        paths = model.viterbi(em, regions, first, last)
    finally:
        runtime.VITERBI_CELLS = old
    for (a, b), got in zip(regions, paths):
        want = _reference_viterbi(model, em, a, b, first, last)
        if got is None:
            assert not want.any()
        else:
            assert got.tolist() == want.tolist()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 12), st.floats(0.5, 4.0))
def test_compiled_decoder_matches_numpy(seed, n_windows, spread):
    """The C decoder (regions, Viterbi, spans, confidence in one call) gives the numpy
    decoder's spans on packed passes: windows separated by gap rows, first/last flags at
    window edges, emissions from O-dominated to ambiguous."""
    import numpy as np

    from piguard.ner import _get, runtime

    if runtime._C is None:
        return
    model = _get()
    rng = np.random.default_rng(seed)
    valid, first, last = [], [], []
    for w in range(n_windows):
        length = int(rng.integers(1, 80))
        if w:
            valid += [False] * runtime.GAP
            first += [False] * runtime.GAP
            last += [False] * runtime.GAP
        valid += [True] * length
        first += [True] + [False] * (length - 1)
        last += [False] * (length - 1) + [True]
    n = len(valid)
    em = (rng.normal(size=(n, len(model.tags))) * spread).astype(np.float32)
    em[:, 0] += rng.uniform(0, 2 * spread)  # O mostly ahead, as in real text
    valid, first, last = (np.array(x, dtype=bool) for x in (valid, first, last))
    model.compiled = False
    try:
        want = model.decode(em, valid, first, last)
    finally:
        model.compiled = True
    got = model.decode(em, valid, first, last)
    assert [g[:3] for g in got] == [w[:3] for w in want]
    assert all(abs(g[3] - w[3]) < 1e-5 for g, w in zip(got, want))  # float32 vs double softmax


def test_two_character_names_need_a_surname_or_a_confident_transliteration():
    from piguard.ner.runtime import TRANSLIT_CONF, _plausible_cjk_name

    assert _plausible_cjk_name("王伟")  # surname first
    assert _plausible_cjk_name("帕克", TRANSLIT_CONF)  # 帕/克 both transliteration characters
    assert not _plausible_cjk_name("帕克", TRANSLIT_CONF - 0.1)  # ... but only when confident
    assert not _plausible_cjk_name("实付", 0.99)  # a field label: no surname, not a transliteration
    assert _plausible_cjk_name("哈里森", 0.3)  # three characters and more: the model decides
    assert _plausible_cjk_name("约翰·史密斯", 0.3)


def test_prose_templates_parse_and_keep_labels():
    """The hand-written training templates (train/templates) parse into labelled pieces, and
    every line uses only the four tags with balanced brackets."""
    import importlib.util
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    folder = root / "train" / "templates"
    spec = importlib.util.spec_from_file_location("gen_data_for_test", root / "train" / "gen_data.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert gen.parse_template("[P:王]先生住在[A:北京市朝阳区建国路88号]，[O:北京大学]") == [
        ("王", "P"), ("先生住在", None), ("北京市朝阳区建国路88号", "A"), ("，", None), ("北京大学", "O")]
    files = sorted(folder.glob("zh_*.txt"))
    assert len(files) >= 8
    tag = re.compile(r"\[([PALO]):([^\[\]]+)\]")
    lines = 0
    for path in files:
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert line.strip(), f"{path.name}:{i} blank"
            rest = tag.sub("", line)
            assert "[" not in rest and "]" not in rest, f"{path.name}:{i} stray bracket or unknown tag"
            lines += 1
    assert lines >= 5000


def test_prose_templates_hold_no_excluded_string():
    """Strings quoted from evaluation error listings (train/templates/EXCLUDED.txt) never
    reach the training prose."""
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("check_templates", root / "train" / "check_templates.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert len(mod.excluded()) > 100
    assert mod.excluded_hits() == []


@pytest.mark.parametrize("text, value", [
    ("2026-11-30 INFO [main] c.e.job.Scheduler - job=settle started", "Scheduler"),  # dotted class
    ("[order-group] Committed offset 1234 for partition 3", "Comm"),  # a piece of a word
    ("I0412 controller.go:70] Reconciling pod default/web-1", "Reconciling"),  # one log word
    ("退款将在3-5个工作日原路退回尾号1234的银行卡", "号1234"),  # a card tail is no address
    ("商品型号Redmi K70，已发货", "Redmi"),  # a product after its label
    ("商品：Redmi K70 ×5 已发货", "Redmi"),
])
def test_log_and_form_words_are_not_names_or_addresses(text, value):
    found = [text[c.start:c.end] for c in recognize(text)]
    assert not any(value in f or f in value for f in found), found


def test_names_next_to_titles_and_keys_survive_the_code_filters():
    from piguard.ner.runtime import _in_code_path

    for text, word in [("Mr. Smith said", "Smith"), ("Mr.Smith said", "Smith"), ("name:John", "John"),
                       ("John Smith: hi", "Smith")]:
        s = text.index(word)
        assert not _in_code_path(text, s, s + len(word)), text
    assert _in_code_path("call Logger.info now", 5, 11)


@pytest.mark.parametrize("after, org", [
    ("（集团）股份有限公司总经理", True), ("(集团)控股有限公司", True), ("公司的浏览器", True),
    ("汽车公司，", True), ("（深圳）电力开发有限公司", True), ("集团董事", True), (" Inc. said", True),
    ("银行卡尾号", False), ("（男，1968年生）", False), ("先生，中国国籍", False), ("在公司工作", False),
    ("表示，", False),
])
def test_organisation_continuations(after, org):
    from piguard.ner.runtime import _ORG_AFTER

    assert bool(_ORG_AFTER.match(after.removeprefix(" "))) is org


def test_a_name_that_starts_a_company_name_is_no_person():
    text = "张建国（男，1968年生），2009年起任张建国（集团）股份有限公司董事长。"
    found = [(c.start, text[c.start:c.end]) for c in recognize(text) if c.entity == "PERSON_NAME"]
    assert (0, "张建国") in found
    assert not any(s > 5 for s, _ in found), found


def test_transliterated_names_before_a_person_word_are_persons_and_countries_are_not():
    from piguard.ner.runtime import _person_not_place

    assert _person_not_place("哈里森") and _person_not_place("瓦西列夫斯卡")
    assert not _person_not_place("巴基斯坦") and not _person_not_place("纽约")  # CLDR places
    assert not _person_not_place("王伟") and not _person_not_place("·克林")
    text = "外交部发言人介绍，哈里森总统将于下月访华，巴基斯坦表示欢迎，马拉维也派了代表。"
    persons = {text[c.start:c.end] for c in recognize(text) if c.entity == "PERSON_NAME"}
    assert "哈里森" in persons
    assert not persons & {"巴基斯坦", "马拉维"}, persons
    text = "加纳先生在会上发言。"  # a country name used as a person's name, with a title after it
    assert "加纳" in {text[c.start:c.end] for c in recognize(text) if c.entity == "PERSON_NAME"}


def test_world_places_table():
    from piguard import data

    places = data.world_places_zh()
    assert places["巴基斯坦"] == "territory" and places["纽约"] == "city"
    assert "戴维斯" not in places  # Antarctic stations named after people are left out
    assert len(places) > 1000


def test_an_adverb_glued_to_a_name_is_cut_off():
    from piguard.ner import _get

    model = _get()
    assert model._glued_tail("王建华也") == 1 and model._glued_tail("赵文静译") == 1
    assert model._glued_tail("王建华") == 0 and model._glued_tail("林志刚") == 0  # 刚 ends names
    assert model._glued_tail("王也") == 0  # too short to be a name plus a word


@pytest.mark.parametrize("value, ok", [
    ("Villacher Strasse 89", True), ("Ziegelgasse 19", True), ("Via Roma 5", True),
    ("ul. Długa 7", True), ("Avda. Rio Nalon 58", True), ("221B Baker Street", True),
    ("Android 15", False), ("Windows 11", False), ("INFO", False),
])
def test_latin_address_forms(value, ok):
    from piguard.ner.runtime import _latin_address

    assert _latin_address(value) is ok


def test_labels_of_numbers_and_systems_are_not_names():
    text = "Order #2024070928675695189\nShip to: Owen Ward, 5633 River Court, Apt 23D, Salem, MA 27382"
    persons = {text[c.start:c.end] for c in recognize(text) if c.entity == "PERSON_NAME"}
    assert "Order" not in persons and "Owen Ward" in persons
    text = "2026-11-30 INFO login ok uid=5 os=Android 14 sdk=34"
    assert not [c for c in recognize(text) if c.entity == "PERSON_NAME"]


def _reference_windows(text):
    """The trigger windows of Latin text, merged one by one (the runtime does it in numpy)."""
    from piguard.ner import runtime as R

    n, wins = len(text), []
    for m in R._TRIGGER.finditer(text):
        if m.group() in R._STOP_CAPS:
            continue
        s, e = max(0, m.start() - R._WINDOW_LEFT), min(n, m.end() + R._WINDOW_RIGHT)
        if wins and s <= wins[-1][1] + 8:
            wins[-1][1] = max(wins[-1][1], e)
        else:
            wins.append([s, e])
    if not wins:
        return []
    if sum(e - s for s, e in wins) > 0.8 * n and n <= R.CHUNK:
        return [(0, n)]
    out = []
    for s, e in wins:
        while e - s > R.CHUNK:
            out.append((s, s + R.CHUNK))
            s += R.CHUNK
        out.append((s, e))
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["The", "Smith", "lives", "at", "12 Oak St", "x" * 30, "Dear", " ",
                                 "\n", ", ", "Mr.", "ok", "Ann", "a" * 90, "7"]), max_size=60))
def test_latin_windows_match_the_reference(words):
    from piguard.ner import _get

    text = " ".join(words)
    assert _get().windows(text) == _reference_windows(text)
