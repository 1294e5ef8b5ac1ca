"""The benchmark harness itself: the corpus generator is seeded and its labels are right,
and evaluate.py counts matches the way it says. Everything here is synthetic."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import evaluate  # noqa: E402
import gen_corpus  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    gen_corpus.main(["--seed", "7", "--out", str(out), "--dense-mb", "0.05", "--logs-mb", "0.2",
                     "--log-label-lines", "300", "--log-block", "50", "--neg-per-kind", "3"])
    return out


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_seeded(corpus: Path, tmp_path: Path) -> None:
    gen_corpus.main(["--seed", "7", "--out", str(tmp_path), "--dense-mb", "0.05", "--logs-mb",
                     "0.2", "--log-label-lines", "300", "--log-block", "50", "--neg-per-kind",
                     "3"])
    for name in ("dense.jsonl", "negatives.jsonl", "logs.txt", "logs.jsonl"):
        assert (tmp_path / name).read_bytes() == (corpus / name).read_bytes(), name


def test_spans_follow_conventions(corpus: Path) -> None:
    seen = set()
    for rec in _records(corpus / "dense.jsonl"):
        gen_corpus.check_record(rec)
        for s, e, ent in rec["spans"]:
            v = rec["text"][s:e]
            seen.add(ent)
            # value only: no cue punctuation at the edges (an area code's "(" is inside)
            first_bad = "：:，,（【[\"'<" + ("" if ent == "PHONE_NUMBER" else "(")
            assert v[0] not in first_bad and v[-1] not in "：:，,）)】]\"'>。", (ent, v)
            if ent == "PHONE_NUMBER" and v.startswith(("+", "0086")):
                assert re.match(r"^(\+\d{1,3}|0086)", v)
            if ent == "CN_RESIDENT_ID":
                assert len(v) in (15, 18)
            if ent == "PERSON_NAME":
                assert not v.endswith(("先生", "女士"))
    assert {"CN_RESIDENT_ID", "BANK_CARD", "EMAIL_ADDRESS", "PHONE_NUMBER"} <= seen


def test_negatives_have_no_spans(corpus: Path) -> None:
    recs = _records(corpus / "negatives.jsonl")
    assert recs and all(r["spans"] == [] for r in recs)
    for r in recs:
        for s, e, _kind in r["hard_negatives"]:
            v = r["text"][s:e]
            assert not gen_corpus.digit_run_is_risky(v.replace(" ", "")) or _kind in (
                "id_in_digit_run", "trade_number", "timestamp", "card_tail", "user_id",
                "invoice_code", "member_number", "zip_code", "ticket_number")


def test_log_labels_match_log_file(corpus: Path) -> None:
    blocks = _records(corpus / "logs.jsonl")
    text = "".join(b["text"] for b in blocks)
    logs = (corpus / "logs.txt").read_text(encoding="utf-8")
    assert logs.startswith(text)
    assert text.count("\n") == 300
    for b in blocks:
        for s, e, _ent in b["spans"]:
            assert b["text"][s:e].strip() == b["text"][s:e] != ""


def test_check_digit_helpers() -> None:
    assert gen_corpus.mod11_2("11010519491231002") == "X"
    assert gen_corpus.uscc_check("91110000600037341") == "L"
    assert gen_corpus.org_code_check("60003734") == "1"
    assert gen_corpus.luhn_digit("622202123456789012") == "8"
    assert gen_corpus.vin_check("1M8GDM9A_KP042788".replace("_", "0")) == "X"
    assert gen_corpus.iban_ok("DE89 3704 0044 0532 0130 00")


def test_compare_strict_and_overlap() -> None:
    rec = {"id": "r", "genre": "g", "text": "tel 13812345678 id 11010519491231002X",
           "spans": [[4, 15, "PHONE_NUMBER"], [19, 37, "CN_RESIDENT_ID"]]}
    preds = [evaluate.Pred("PHONE_NUMBER", 4, 15, 1.0, ()),
             evaluate.Pred("CN_RESIDENT_ID", 19, 36, 1.0, ()),  # boundary error
             evaluate.Pred("IP_ADDRESS", 0, 3, 1.0, ())]  # spurious
    res = evaluate.Result()
    evaluate.compare(rec, preds, res)
    ph, cid, ip = (res.per_entity[k] for k in ("PHONE_NUMBER", "CN_RESIDENT_ID", "IP_ADDRESS"))
    assert (ph.strict_tp, ph.gold, ph.pred) == (1, 1, 1)
    assert (cid.strict_tp, cid.overlap_tp_gold) == (0, 1)
    assert ip.pred == 1 and ip.strict_tp == 0
    cats = sorted((e.kind, e.category, e.entity) for e in res.errors)
    assert cats == [("FN", "boundary", "CN_RESIDENT_ID"), ("FP", "boundary", "CN_RESIDENT_ID"),
                    ("FP", "spurious", "IP_ADDRESS")]


def test_mask_hides_the_middle() -> None:
    v = "11010519491231002X"
    m = evaluate.mask(v)
    assert len(m) == len(v) and m[:3] == v[:3] and "1949" not in m and m.count("*") >= 10


def test_evaluate_runs_with_stub(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert evaluate.main(["--corpus", str(corpus), "--detector", "stub"]) == 0
    assert evaluate.main(["--corpus", str(corpus), "--detector", "stub", "--check"]) == 1
    out = capsys.readouterr().out
    assert "Thresholds: FAILED" in out and "CN_RESIDENT_ID" in out
