"""The PI inventory: scan jobs over sources into a store (SQLite by default, PostgreSQL by URL).

>>> from piguard.inventory import scan, ScanOptions          # doctest: +SKIP
>>> summary = scan(["shop.db", "exports/"], store="inventory.db")   # doctest: +SKIP
"""

from piguard.inventory.scan import Scanner, ScanOptions, ScanSummary, root_name, scan
from piguard.inventory.store import DEFAULT_STORE, AssetRecord, ColumnRecord, Store, store_url

__all__ = ["DEFAULT_STORE", "AssetRecord", "ColumnRecord", "ScanOptions", "ScanSummary",
           "Scanner", "Store", "root_name", "scan", "store_url"]
