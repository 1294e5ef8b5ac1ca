"""Tables: column classification from names, comments and sampled values.

``classify_table(table)`` → :class:`TableResult` (JSON shape in ARCHITECTURE.md);
``classify_document(doc)`` → the same shape for running text (one free-text column).
"""

from piguard.tables.classify import (
    ColumnResult,
    Options,
    TableResult,
    classify_arrays,
    classify_document,
    classify_table,
)

__all__ = ["ColumnResult", "Options", "TableResult", "classify_arrays", "classify_document",
           "classify_table"]
