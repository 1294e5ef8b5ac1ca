"""The report as one self-contained HTML page: inline CSS and SVG, no script, no external asset.

A Content-Security-Policy meta tag (``default-src 'none'``) makes the promise checkable: the
page cannot load anything from anywhere. Every string from the inventory is escaped.
"""

from __future__ import annotations

import html
from typing import Any

from piguard.entities import CATALOGUE

PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777",
           "#65a30d", "#ea580c", "#4f46e5", "#0d9488", "#b91c1c", "#a16207", "#9333ea",
           "#475569")

CSS = """
:root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f8fafc;--card:#fff;--red:#b91c1c;
--amber:#b45309;--green:#15803d}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 -apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",
"Noto Sans CJK SC",sans-serif;color:var(--fg);background:var(--bg)}
header{background:#0f172a;color:#f8fafc;padding:20px 32px}
header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;color:#cbd5e1;font-size:13px}
main{max-width:1180px;margin:0 auto;padding:24px 32px 48px}
h2{font-size:17px;margin:32px 0 10px;border-bottom:1px solid var(--line);padding-bottom:6px}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px}
.kpi{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.kpi b{display:block;font-size:24px}
.kpi span{color:var(--muted);font-size:12px}
.kpi.alert b{color:var(--red)}
table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line);
font-size:13px}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#f1f5f9;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:0 6px;border-radius:4px;font-size:12px;white-space:nowrap}
.s{background:#fee2e2;color:var(--red)}
.g{background:#e0f2fe;color:#075985}
.m{background:#fef3c7;color:var(--amber)}
.muted{color:var(--muted)}
.bar{height:10px;background:#e5e7eb;border-radius:5px;overflow:hidden;margin-top:6px}
.bar i{display:block;height:100%;background:var(--red)}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
details{background:var(--card);border:1px solid var(--line);border-radius:6px;margin:6px 0;
padding:6px 10px}
summary{cursor:pointer}
.chart{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px}
.legend span{display:inline-block;margin:2px 12px 2px 0;font-size:12px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px}
footer{color:var(--muted);font-size:12px;margin-top:40px}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _n(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}"


def _short(text: str, n: int = 44) -> str:
    return text if len(text) <= n else text[: n // 2 - 1] + "…" + text[-(n // 2 - 1):]


def _base(source: str) -> str:
    return source if "://" in source else source.rsplit("/", 1)[-1]


def _badge(entity: str | None) -> str:
    if not entity or entity not in CATALOGUE:
        return ""
    e = CATALOGUE[entity]
    if e.sensitive and e.personal:
        return '<span class="badge s" title="PIPL Art. 28 sensitive PI">敏感 sensitive</span>'
    return '<span class="badge g">一般 general</span>'


def colors(report: dict[str, Any]) -> dict[str, str]:
    return {e["entity"]: PALETTE[i % len(PALETTE)] for i, e in enumerate(report["entities"])}


def chart_svg(report: dict[str, Any], *, width: int = 1080, max_sources: int = 12) -> str:
    """Horizontal stacked bars: estimated PI values per entity, one bar per source."""
    sources = report["sources"][:max_sources]
    if not sources:
        return '<p class="muted">No PI found.</p>'
    palette = colors(report)
    label_w, value_w, bar_h, gap, top = 300, 90, 22, 10, 8
    plot_w = width - label_w - value_w
    peak = max(sum(s["entities"].values()) for s in sources) or 1
    height = top + len(sources) * (bar_h + gap)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
             f'viewBox="0 0 {width} {height}" aria-label="PI values by source and entity">']
    for i, s in enumerate(sources):
        y = top + i * (bar_h + gap)
        total = sum(s["entities"].values())
        label = _base(s["source"])
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h * 0.7:.1f}" text-anchor="end" '
                     f'font-size="12" fill="#1f2937"><title>{_e(s["source"])}</title>'
                     f'{_e(_short(label))}</text>')
        x = float(label_w)
        for entity, n in s["entities"].items():
            w = plot_w * n / peak
            if w <= 0:
                continue
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{max(w, 1.0):.1f}" '
                         f'height="{bar_h}" fill="{palette.get(entity, "#94a3b8")}">'
                         f'<title>{_e(entity)}: {n:,}</title></rect>')
            x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + bar_h * 0.7:.1f}" font-size="12" '
                     f'fill="#6b7280">{total:,}</text>')
    parts.append("</svg>")
    legend = "".join(f'<span><i style="background:{c}"></i>{_e(e)}</span>'
                     for e, c in palette.items())
    return "".join(parts) + f'<div class="legend">{legend}</div>'


def _table(headers: list[tuple[str, bool]], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f'<p class="muted">{_e(empty)}</p>'
    head = "".join(f'<th class="n">{h}</th>' if num else f"<th>{h}</th>" for h, num in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="n">{c}</td>' if headers[i][1] else f"<td>{c}</td>"
                         for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render(report: dict[str, Any]) -> str:
    """The report dict (:func:`piguard.report.build.build`) as an HTML page."""
    t = report["totals"]
    last = report.get("last_scan") or {}
    share = t["sensitive_share"] * 100
    kpis = [
        (_n(t["sources"]), "数据源 sources", False),
        (f'{_n(t["tables"])} / {_n(t["documents"])}', "表 / 文档 tables / documents", False),
        (_n(t["assets_with_pi"]), "含个人信息 assets with PI", False),
        (_n(t["pi_columns"]), "个人信息字段 PI columns", False),
        (_n(t["estimated_pi_values"]), "个人信息条目(估计) PI values (est.)", False),
        (f"{share:.1f}%", "敏感个人信息占比 sensitive share", share >= 30),
        (_n(t["rows_with_pi"]), "含个人信息的记录 rows with PI", False),
        (_n(t["minor_rows"]), "未成年人记录 minors' records", t["minor_rows"] > 0),
        (_n(t["not_scanned"]), "未扫描 not scanned", t["not_scanned"] > 0),
    ]
    kpi_html = "".join(
        f'<div class="kpi{" alert" if alert else ""}"><b>{v}</b><span>{_e(label)}</span>'
        + (f'<div class="bar"><i style="width:{share:.1f}%"></i></div>'
           if label.startswith("敏感") else "") + "</div>"
        for v, label, alert in kpis)

    entities = _table(
        [("实体 entity", False), ("说明 description", False), ("类别 GB/T 43697", False),
         ("敏感 PIPL Art.28", False), ("估计条目 values", True), ("字段 columns", True)],
        [[f'<code>{_e(e["entity"])}</code>', _e(e["description"]), _e(e["category"]),
          _badge(e["entity"]), _n(e["estimated_count"]), _n(e["columns"])]
         for e in report["entities"]], "No PI found.")
    risky_tables = _table(
        [("表 / 文档 table or document", False), ("实体 entities", False), ("行数 rows", True),
         ("含PI行 rows with PI", True), ("未成年人 minors", True), ("风险 risk", True)],
        [[_e(r["place"]) + (f' <span class="muted">({_e(r["kind"])})</span>'
                            if r["kind"] != "table" else ""),
          ", ".join(f'<code>{_e(e)}</code>' + (' <span class="badge s">敏感</span>'
                                              if e in r["sensitive_entities"] else "")
                    for e in r["entities"]),
          _n(r["rows_total"]), _n(r["rows_with_pi"]),
          (f'<span class="badge m">{_n(r["minor_rows"])}</span>' if r["minor_rows"] else "0"),
          _n(r["risk"])] for r in report["risky_tables"]], "No PI found.")
    risky_columns = _table(
        [("字段 column", False), ("实体 entity", False), ("示例(已脱敏) masked example", False),
         ("置信度 confidence", True), ("匹配率 match", True), ("估计条目 values", True),
         ("风险 risk", True)],
        [[f'<span class="muted">{_e(_base(c["source"]))} ›</span> '
          + _e(f'{c["table"]}.{c["column"]}' if c["table"] != c["source"] else c["column"]),
          (f'<code>{_e(c["entity"])}</code> {_badge(c["entity"])}' if c["entity"] else
           "free text: " + ", ".join(f'<code>{_e(e)}</code> {_n(n)}'
                                     for e, n in c["entities"].items())),
          f'<code>{_e(c["example"])}</code>' if c["example"] else "",
          f'{c["confidence"]:.2f}' if c["entity"] else "—",
          f'{c["match_ratio"] * 100:.0f}%' if c["entity"] else "—",
          _n(c["estimated_count"]), _n(c["risk"])] for c in report["risky_columns"]],
        "No PI columns.")
    minors = _table(
        [("表 / 文档 table or document", False), ("未成年人记录 minors' records", True),
         ("总行数 rows", True), ("方式 mode", False)],
        [[_e(m["place"]), _n(m["minor_rows"]), _n(m["rows_total"]), _e(m["mode"])]
         for m in report["minors"]], "No records of minors found.")
    suspects = _table(
        [("字段 column", False), ("名称提示 name suggests", False), ("证据 evidence", False)],
        [[f'<span class="muted">{_e(_base(s["source"]))} ›</span> '
          + _e(f'{s["table"]}.{s["column"]}' if s["table"] != s["source"] else s["column"]),
          f'<code>{_e(s["hinted"])}</code>',
          _e(", ".join(s["evidence"]))] for s in report["suspect_columns"]],
        "None: every column whose name suggests PI holds values that validate.")
    not_scanned = _table(
        [("位置 location", False), ("原因 reason", False), ("类型 kind", False)],
        [[_e(p["location"]), _e(p["reason"]), _e(p["kind"])] for p in report["not_scanned"]],
        "Everything was scanned.")
    assets_html = []
    for a in report["assets"]:
        cols = [c for c in a["columns"] if c["entity"] or c["free_text"]]
        rows = [[_e(c["column"]),
                 (f'<code>{_e(c["entity"])}</code> {_badge(c["entity"])}' if c["entity"] else
                  ", ".join(f'<code>{_e(e)}</code> {_n(n)}' for e, n in c["entities"].items())),
                 _n(c["estimated_count"]), _e(", ".join(c["evidence"]))] for c in cols]
        flag = ' <span class="badge s">敏感</span>' if a["sensitive"] else ""
        status = "" if a["status"] == "ok" else f' <span class="badge m">{_e(a["status"])}</span>'
        place = a["name"] if a["name"] == a["source"] else f'{a["source"]} › {a["name"]}'
        assets_html.append(
            f"<details><summary>{_e(place)}{flag}{status} "
            f'<span class="muted">{_n(a["rows_total"])} rows · {len(cols)} PI columns · '
            f'{_e(a["mode"])}</span></summary>'
            + _table([("字段 column", False), ("实体 entity", False), ("估计条目 values", True),
                      ("证据 evidence", False)], rows, "No PI.") + "</details>")
    scan_line = ""
    if last:
        summ = last.get("summary") or {}
        scan_line = (f'Last scan #{_e(last.get("id"))} ({_e(last.get("mode"))}, '
                     f'{_e(last.get("status"))}) finished {_e(last.get("finished_at"))}: '
                     f'{_n(summ.get("scanned", 0))} scanned, {_n(summ.get("unchanged", 0))} '
                     f'unchanged, {_n(summ.get("resumed", 0))} resumed.')
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<link rel="icon" href="data:,">
<title>piguard · 个人信息清单 PI inventory</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>piguard · 个人信息清单 PI inventory report</h1>
<p>Generated {_e(report["generated_at"])} · store <code>{_e(report["store"])}</code> · {scan_line}</p>
</header>
<main>
<section class="kpis">{kpi_html}</section>
<h2>按数据源的个人信息 PI by source and entity</h2>
<div class="chart">{chart_svg(report)}</div>
<h2>个人信息类型 Entities</h2>
{entities}
<h2>风险最高的表 Riskiest tables and documents</h2>
{risky_tables}
<h2>风险最高的字段 Riskiest columns</h2>
{risky_columns}
<h2>未成年人个人信息 Records of minors (PIPL Art. 28/31)</h2>
{minors}
<h2>需复核的字段 Columns to review</h2>
{suspects}
<h2>未能扫描 Not scanned</h2>
{not_scanned}
<h2>全部资产 All tables and documents</h2>
{"".join(assets_html) or '<p class="muted">Nothing scanned yet.</p>'}
<footer>
Sensitivity follows PIPL Art. 28 read with GB/T 35273-2020 Annex B (basis recorded per entity);
categories follow GB/T 43697-2024 Annex B. Counts from sampling scans are estimates scaled from
the sample. Values are shown only as masked previews. Risk = values × 3 for sensitive PI
(× 1 otherwise) + 5 × minors' records, × 1.5 where a direct identifier sits next to a name or
contact.
</footer>
</main>
</body>
</html>
"""
