"""A minimal valid PDF writer (one or more pages of ASCII text in Helvetica).

Enough for demo documents without a PDF library: a catalog, a page tree, one content stream
per page using the standard Type 1 font Helvetica (no embedding needed), and a correct
cross-reference table. Text must be ASCII: Chinese text would need a CID font.
"""

from __future__ import annotations

from pathlib import Path

from piguard.atomic import atomic_write_bytes

LINES_PER_PAGE = 50


def _escape(line: str) -> str:
    if not line.isascii():
        raise ValueError("minimal PDF text must be ASCII (Chinese needs a CID font)")
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(lines: list[str], *, title: str = "piguard demo") -> bytes:
    pages = [lines[i:i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    n_pages = len(pages)
    # Object numbers: 1 catalog, 2 pages, 3 font, 4 info, then (page, content) pairs.
    objects: list[bytes] = []
    kids = " ".join(f"{5 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                   b"/Encoding /WinAnsiEncoding >>")
    objects.append(f"<< /Title ({_escape(title)}) /Producer (piguard) >>".encode())
    for i, page_lines in enumerate(pages):
        content_no = 6 + 2 * i
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       f"/Resources << /Font << /F1 3 0 R >> >> "
                       f"/Contents {content_no} 0 R >>".encode())
        ops = ["BT", "/F1 10 Tf", "14 TL", "50 800 Td"]
        for line in page_lines:
            ops.append(f"({_escape(line)}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("ascii")
        objects.append(b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n"
                       + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode()
    out += b"0000000000 65535 f \n"
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 4 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)


def write_pdf(path: Path, lines: list[str], *, title: str = "piguard demo") -> None:
    """Write ``lines`` as a PDF at ``path`` atomically (temp file + rename)."""
    atomic_write_bytes(path, pdf_bytes(lines, title=title))
