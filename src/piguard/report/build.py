"""The inventory report: what a data-protection officer needs on one page.

:func:`build` reads an inventory :class:`~piguard.inventory.Store` and returns a JSON-ready
dict:

- ``totals``: sources, tables, documents, assets and columns with PI, estimated PI values,
  the share of them that is *sensitive* PI (PIPL Art. 28), rows with PI, minors' rows;
- ``entities``: per entity: estimated values, columns, sensitivity, GB/T 43697 category;
- ``sources``: per source: estimated values per entity (the chart);
- ``risky_tables`` / ``risky_columns``: ranked by a risk score (below);
- ``minors``: tables and documents holding records of children under the age limit;
- ``suspect_columns``: names that say PI over values that do not validate (hashed,
  encrypted, or misnamed) — worth a look;
- ``not_scanned``: everything that could not be read, and why;
- ``assets``: every table and document with its columns.

**Risk score** of a column: estimated values × (3 if sensitive PI else 1). Of a table: the
sum over its PI columns, plus 5 × its minors' rows (a minor's record is sensitive as a whole,
PIPL Art. 28), times 1.5 when a direct identifier (ID, passport, card) sits next to a name
or phone (re-identification needs nothing else).
Values never appear in the report except as masked previews.
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from typing import Any

from piguard.entities import CATALOGUE
from piguard.inventory.store import AssetRecord, ColumnRecord, Store

SENSITIVE_WEIGHT = 3
MINOR_WEIGHT = 5
DIRECT_IDENTIFIERS = frozenset({"CN_RESIDENT_ID", "CN_RESIDENCE_PERMIT_HMT", "CN_FOREIGNER_PR_ID",
                                "CN_PASSPORT", "PASSPORT", "BANK_CARD", "US_SSN",
                                "CN_HK_MACAU_PERMIT", "CN_TAIWAN_PERMIT"})
LINKING = frozenset({"PERSON_NAME", "PHONE_NUMBER", "EMAIL_ADDRESS", "ADDRESS"})


def _personal(entity: str) -> bool:
    return entity in CATALOGUE and CATALOGUE[entity].personal


def _sensitive(entity: str) -> bool:
    return entity in CATALOGUE and CATALOGUE[entity].sensitive and CATALOGUE[entity].personal


def column_counts(col: ColumnRecord) -> dict[str, int]:
    """Estimated personal values per entity in one column."""
    if col.entity is not None:
        return {col.entity: col.estimated_count} if _personal(col.entity) else {}
    if col.free_text:
        return {e: n for e, n in col.entities.items() if _personal(e)}
    return {}


def column_risk(col: ColumnRecord) -> int:
    return sum(n * (SENSITIVE_WEIGHT if _sensitive(e) else 1)
               for e, n in column_counts(col).items())


def asset_risk(asset: AssetRecord) -> int:
    score = sum(column_risk(c) for c in asset.columns) + MINOR_WEIGHT * asset.minor_rows
    ents = {e for c in asset.columns for e in column_counts(c)}
    if ents & DIRECT_IDENTIFIERS and ents & LINKING:
        score = int(score * 1.5)
    return score


def _place(asset: AssetRecord) -> str:
    return asset.name if asset.name == asset.source else f"{asset.source} › {asset.name}"


def _column_entry(asset: AssetRecord, col: ColumnRecord) -> dict[str, Any]:
    counts = column_counts(col)
    return {
        "source": asset.source, "table": asset.name, "column": col.name,
        "entity": col.entity, "free_text": col.free_text, "entities": counts,
        "estimated_count": sum(counts.values()), "confidence": col.confidence,
        "match_ratio": col.match_ratio, "sensitive": any(_sensitive(e) for e in counts),
        "category": col.category, "sensitive_basis": col.sensitive_basis,
        "example": col.example, "risk": column_risk(col),
    }


def build(store: Store, *, top: int = 15) -> dict[str, Any]:
    """The report as a dict (see module docstring)."""
    assets = list(store.assets_all())
    problems = store.problems_all()
    scans = store.scans_list()

    by_entity: dict[str, dict[str, Any]] = {}
    by_source: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    pi_values = sensitive_values = 0
    pi_columns = sensitive_columns = 0
    rows_total = rows_with_pi = minor_rows = 0
    columns: list[dict[str, Any]] = []
    suspects: list[dict[str, Any]] = []
    assets_out: list[dict[str, Any]] = []
    sources: set[str] = set()
    for a in assets:
        sources.add(a.source)
        rows_total += a.rows_total or 0
        rows_with_pi += a.rows_with_pi
        minor_rows += a.minor_rows
        for c in a.columns:
            counts = column_counts(c)
            if counts:
                pi_columns += 1
                if any(_sensitive(e) for e in counts):
                    sensitive_columns += 1
                columns.append(_column_entry(a, c))
            elif c.hinted and c.entity is None and not c.free_text:
                suspects.append({"source": a.source, "table": a.name, "column": c.name,
                                 "hinted": c.hinted, "evidence": c.evidence})
            for e, n in counts.items():
                slot = by_entity.setdefault(e, {
                    "entity": e, "estimated_count": 0, "columns": 0,
                    "sensitive": _sensitive(e), "category": CATALOGUE[e].category,
                    "sensitive_basis": CATALOGUE[e].sensitive_basis,
                    "description": CATALOGUE[e].description})
                slot["estimated_count"] += n
                slot["columns"] += 1
                by_source[a.source][e] += n
                pi_values += n
                if _sensitive(e):
                    sensitive_values += n
        assets_out.append({
            "source": a.source, "name": a.name, "kind": a.kind, "status": a.status,
            "mode": a.mode, "rows_total": a.rows_total, "rows_scanned": a.rows_scanned,
            "rows_with_pi": a.rows_with_pi, "minor_rows": a.minor_rows,
            "sensitive": a.sensitive, "risk": asset_risk(a), "scanned_at": a.scanned_at,
            "seconds": a.seconds, "error": a.error, "comment": a.comment,
            "columns": [{"column": c.name, "entity": c.entity, "free_text": c.free_text,
                         "entities": c.entities, "estimated_count": c.estimated_count,
                         "confidence": c.confidence, "match_ratio": c.match_ratio,
                         "sensitive": c.sensitive, "category": c.category,
                         "sensitive_basis": c.sensitive_basis, "evidence": c.evidence,
                         "hinted": c.hinted, "example": c.example}
                        for c in a.columns]})

    with_pi = [a for a in assets if any(column_counts(c) for c in a.columns)]
    risky_tables = sorted(
        ({"source": a.source, "table": a.name, "place": _place(a), "kind": a.kind,
          "risk": asset_risk(a), "rows_total": a.rows_total, "rows_with_pi": a.rows_with_pi,
          "minor_rows": a.minor_rows, "mode": a.mode,
          "entities": sorted({e for c in a.columns for e in column_counts(c)}),
          "sensitive_entities": sorted({e for c in a.columns for e in column_counts(c)
                                        if _sensitive(e)})}
         for a in with_pi), key=lambda t: (-t["risk"], t["place"]))[:top]
    risky_columns = sorted(columns, key=lambda c: (-c["risk"], c["table"], c["column"]))[:top]
    minors = sorted(({"source": a.source, "table": a.name, "place": _place(a),
                      "minor_rows": a.minor_rows, "rows_total": a.rows_total, "mode": a.mode}
                     for a in assets if a.minor_rows), key=lambda m: -m["minor_rows"])
    not_scanned = [{"location": p["location"], "reason": p["reason"], "kind": p["kind"]}
                   for p in problems]
    last = scans[-1] if scans else None
    return {
        "generated_at": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        "store": store.engine.url.render_as_string(hide_password=True),
        "last_scan": None if last is None else {
            "id": last["id"], "status": last["status"], "mode": last["mode"],
            "started_at": last["started_at"], "finished_at": last["finished_at"],
            "roots": last["roots"], "summary": {k: v for k, v in last["summary"].items()
                                                 if k != "problems"}},
        "scans": len(scans),
        "totals": {
            "sources": len(sources),
            "tables": sum(1 for a in assets if a.kind == "table"),
            "documents": sum(1 for a in assets if a.kind == "document"),
            "assets_with_pi": len(with_pi),
            "pi_columns": pi_columns,
            "sensitive_pi_columns": sensitive_columns,
            "estimated_pi_values": pi_values,
            "estimated_sensitive_values": sensitive_values,
            "sensitive_share": round(sensitive_values / pi_values, 4) if pi_values else 0.0,
            "rows_total": rows_total,
            "rows_with_pi": rows_with_pi,
            "minor_rows": minor_rows,
            "not_scanned": len(not_scanned),
        },
        "entities": sorted(by_entity.values(), key=lambda e: -e["estimated_count"]),
        "sources": [{"source": s, "entities": dict(sorted(v.items(), key=lambda kv: -kv[1]))}
                    for s, v in sorted(by_source.items(), key=lambda kv: -sum(kv[1].values()))],
        "risky_tables": risky_tables,
        "risky_columns": risky_columns,
        "minors": minors,
        "suspect_columns": suspects,
        "not_scanned": not_scanned,
        "assets": assets_out,
    }
