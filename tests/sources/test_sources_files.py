"""File sources: encodings, dialects, malformed rows, JSON flattening, sheets, documents,
unreadable files. All values are synthetic."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from unittest import mock

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from piguard.demo import fake
from piguard.demo.pdf import write_pdf
from piguard.sources import Document, Problem, Sampling, Table, iter_source
from piguard.sources.files import CsvTable, JsonTable, detect_encoding, flatten, open_file

RNG = random.Random(3)
NAMES = [fake.person_name(RNG) for _ in range(50)]
IDS = [fake.resident_id(RNG) for _ in range(50)]
PHONES = [fake.mobile(RNG) for _ in range(50)]


def _rows(table: Table, sampling: str = "full", limit: int | None = None) -> list[dict]:
    out: list[dict] = []
    for b in table.batches(sampling, limit=limit):
        out.extend(b.data.to_pylist())
    return out


def _csv_text(sep: str = ",") -> str:
    lines = [sep.join(["姓名", "手机号", "身份证号", "备注"])]
    for n, p, i in zip(NAMES, PHONES, IDS, strict=True):
        lines.append(sep.join([n, p, i, "老客户"]))
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig", "utf-16"])
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"export_{encoding}.csv"
    path.write_bytes(_csv_text().encode(encoding))
    table = CsvTable(path)
    assert [c.name for c in table.columns()] == ["姓名", "手机号", "身份证号", "备注"]
    rows = _rows(table)
    assert len(rows) == 50
    assert rows[0]["姓名"] == NAMES[0]
    assert rows[-1]["身份证号"] == IDS[-1]
    assert not table.problems


def test_gbk_is_read_as_gb18030_superset() -> None:
    assert detect_encoding("张三,李四".encode("gbk"))[0] == "gb18030"
    assert detect_encoding(b"\xef\xbb\xbfa,b")[0:2] == ("utf-8", 3)
    assert detect_encoding(b"plain ascii")[0] == "utf-8"


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_csv_dialect_is_sniffed(tmp_path: Path, sep: str) -> None:
    path = tmp_path / "data.csv"
    path.write_text(_csv_text(sep), encoding="utf-8")
    table = CsvTable(path)
    assert table.delimiter == sep
    assert _rows(table)[3]["手机号"] == PHONES[3]


def test_csv_malformed_row_is_reported_and_the_rest_is_read(tmp_path: Path) -> None:
    text = _csv_text().splitlines()
    text.insert(11, "只有,两个字段")           # line 12: 2 fields instead of 4
    text.insert(21, "a,b,c,d,e,f")             # line 22: 6 fields
    path = tmp_path / "broken.csv"
    path.write_bytes(("\n".join(text) + "\n").encode("gbk"))
    table = CsvTable(path)
    rows = _rows(table)
    assert len(rows) == 50
    assert [p.location.line for p in table.problems] == [12, 22]
    reasons = " ".join(p.reason for p in table.problems)
    assert "expected 4 fields, got 2" in reasons and "got 6" in reasons
    # The problem names the place, never the values of the broken row.
    assert "只有" not in reasons and "只有" not in str(table.problems[0])


def test_csv_without_header_gets_generated_names(tmp_path: Path) -> None:
    path = tmp_path / "noheader.csv"
    path.write_text("\n".join(f"{p},{i}" for p, i in zip(PHONES, IDS, strict=True)) + "\n")
    table = CsvTable(path)
    assert not table.has_header
    assert [c.name for c in table.columns()] == ["column_1", "column_2"]
    assert len(_rows(table)) == 50


def test_csv_first_and_random_sampling(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("n,v\n" + "".join(f"{i},x{i}\n" for i in range(10_000)))
    table = CsvTable(path)
    first = _rows(table, "first", 25)
    assert [r["n"] for r in first] == [str(i) for i in range(25)]
    sample = _rows(table, "random", 200)
    assert len(sample) == 200
    ns = [int(r["n"]) for r in sample]
    assert ns == sorted(ns) and max(ns) > 5000  # spread over the file, in file order
    assert table.count_rows() == 10_000


def test_jsonl_nested_fields_are_flattened_and_bad_lines_reported(tmp_path: Path) -> None:
    path = tmp_path / "app.jsonl"
    lines = [json.dumps({"ts": f"2024-06-01T00:00:{i:02d}", "user": {"phone": PHONES[i],
                         "profile": {"name": NAMES[i]}}, "items": [{"sku": "A1"}, {"sku": "B2"}],
                         "tags": ["x", "y"]}, ensure_ascii=False) for i in range(30)]
    lines.insert(5, '{"ts": "broken')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = open_file(path)[0]
    assert isinstance(table, JsonTable) and table.lines
    rows = _rows(table)
    assert len(rows) == 30
    assert rows[0]["user.phone"] == PHONES[0]
    assert rows[0]["user.profile.name"] == NAMES[0]
    assert rows[0]["items[].sku"] == "A1; B2"
    assert rows[0]["tags[]"] == "x; y"
    assert [p.location.line for p in table.problems] == [6]


def test_json_document_array_and_wrapped_list(tmp_path: Path) -> None:
    doc = tmp_path / "people.json"
    doc.write_text(json.dumps({"data": [{"phone": p} for p in PHONES[:5]], "total": 5}))
    rows = _rows(open_file(doc)[0])
    assert [r["phone"] for r in rows] == PHONES[:5]
    assert flatten({"a": {"b": 1}, "c": [1, 2]}) == {"a.b": 1, "c[]": "1; 2"}


def test_log_file_of_json_lines_is_a_table(tmp_path: Path) -> None:
    path = tmp_path / "service.log"
    path.write_text("\n".join(json.dumps({"msg": "ok", "ip": "10.0.0.1"}) for _ in range(5)))
    assert isinstance(open_file(path)[0], JsonTable)
    plain = tmp_path / "plain.log"
    plain.write_text("2024-06-01 INFO started\n2024-06-01 INFO ok\n")
    assert isinstance(open_file(plain)[0], Document)


def test_parquet_structs_flatten_and_values_become_strings(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    table = pa.table({"id": pa.array(range(5), pa.int64()),
                      "contact": pa.array([{"phone": p, "zip": 100000 + i}
                                           for i, p in enumerate(PHONES[:5])]),
                      "score": pa.array([1.5, 2.0, None, 3.25, 4.0])})
    pq.write_table(table, path)
    src = open_file(path)[0]
    assert [c.name for c in src.columns()] == ["id", "contact.phone", "contact.zip", "score"]
    rows = _rows(src)
    assert rows[0] == {"id": "0", "contact.phone": PHONES[0], "contact.zip": "100000",
                       "score": "1.5"}
    assert rows[2]["score"] is None and rows[1]["score"] == "2"


def test_xlsx_one_table_per_sheet_with_integer_phones(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "客户"
    ws.append(["姓名", "电话"])
    for n, p in zip(NAMES[:10], PHONES[:10], strict=True):
        ws.append([n, int(p)])
    other = wb.create_sheet("空白")
    other.append([None])
    wb.save(path)
    sheets = open_file(path)
    assert [s.name for s in sheets] == ["客户", "空白"]
    rows = _rows(sheets[0])
    assert rows[0] == {"姓名": NAMES[0], "电话": PHONES[0]}  # not "1.38e10"
    assert len(rows) == 10


def test_docx_and_pdf_text_units(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph(f"联系电话 {PHONES[0]}")
    t = d.add_table(rows=1, cols=2)
    t.rows[0].cells[0].text = "身份证"
    t.rows[0].cells[1].text = IDS[0]
    d.save(tmp_path / "letter.docx")
    units = list(open_file(tmp_path / "letter.docx")[0].units())
    text = "\n".join(u.text for u in units)
    assert PHONES[0] in text and IDS[0] in text
    assert units[0].location.page == 1

    write_pdf(tmp_path / "c.pdf", [f"Mobile: {PHONES[1]}", f"ID: {IDS[1]}"] * 40)
    pdf_units = list(open_file(tmp_path / "c.pdf")[0].units())
    assert len(pdf_units) == 2  # 80 lines → 2 pages
    assert PHONES[1] in pdf_units[0].text and pdf_units[1].location.page == 2


def test_text_document_units_carry_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(("第一行\n" + "x" * 70_000 + "\n" + f"电话 {PHONES[0]}\n").encode("gbk"))
    units = list(open_file(path)[0].units())
    assert units[0].location.line == 1
    assert units[-1].location.line == 3 and PHONES[0] in units[-1].text


def test_unreadable_files_are_reported_not_opened(tmp_path: Path) -> None:
    folder = tmp_path / "share"
    folder.mkdir()
    (folder / "ok.csv").write_text("phone\n" + PHONES[0] + "\n")
    os.symlink(folder / "gone.csv", folder / "dangling.csv")
    os.mkfifo(folder / "pipe.csv")  # opening a FIFO would block the scan forever
    (folder / "image.png").write_bytes(b"\x89PNG")
    (folder / "secret.csv").write_text("phone\n" + PHONES[1] + "\n")
    real_open = open

    def guarded_open(file, *args, **kwargs):  # tests run as root: simulate EACCES
        if str(file).endswith("secret.csv"):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    with mock.patch("builtins.open", guarded_open):
        items = list(iter_source(str(folder)))
    problems = {Path(p.location.source).name: p.reason for p in items if isinstance(p, Problem)}
    tables = [i for i in items if not isinstance(i, Problem)]
    assert [Path(t.source).name for t in tables] == ["ok.csv"]
    assert problems == {
        "dangling.csv": "broken symbolic link",
        "pipe.csv": "is a FIFO (named pipe), not a regular file",
        "image.png": "unsupported file type '.png'",
        "secret.csv": "permission denied",
    }


def test_missing_source_is_a_problem() -> None:
    items = list(iter_source("/nonexistent/folder"))
    assert len(items) == 1 and isinstance(items[0], Problem) and items[0].kind == "skipped"


def test_sampling_enum_values() -> None:
    assert [s.value for s in Sampling] == ["first", "random", "full"]


def test_corrupt_files_are_reported_by_place_and_the_rest_goes_on(tmp_path: Path) -> None:
    from piguard.tables import classify_document, classify_table

    rnd = random.Random(1).randbytes(4000)
    (tmp_path / "binary.csv").write_bytes(rnd[:100] + b"\x00" + rnd)
    (tmp_path / "book.xlsx").write_bytes(b"not a zip")
    (tmp_path / "scan.pdf").write_bytes(rnd)
    (tmp_path / "doc.json").write_text('{"a": 1')
    (tmp_path / "good.csv").write_text("手机\n" + "\n".join(PHONES[:5]) + "\n")
    problems: dict[str, str] = {}
    good = []
    for item in iter_source(str(tmp_path)):
        if isinstance(item, Problem):
            problems[Path(item.location.source).name] = item.reason
            continue
        res = classify_document(item) if isinstance(item, Document) else classify_table(item)
        for p in res.problems:
            problems[Path(p.location.source).name] = p.reason
        if not res.problems:
            good.append(res)
    assert problems == {
        "binary.csv": "binary content (NUL bytes), not CSV text",
        "book.xlsx": "not a readable XLSX workbook (BadZipFile)",
        "scan.pdf": "not a readable PDF (PdfStreamError)",
        "doc.json": "invalid JSON (line 1, column 8)",
    }
    assert [r.columns[0].entity for r in good] == ["PHONE_NUMBER"]
