"""Inventory benchmark: sampling and full scans of a large table, and classification accuracy.

Prints:
1. sampling-mode inventory of a ROWS-row, 10-column SQLite table (target < 10 s for 1M rows);
2. full-scan throughput in cells/s on one core (target ≥ 200,000) and peak memory;
3. column classification on the labelled database (piguard.demo.labelled): share of PI
   columns found with the right entity (target ≥ 95 %) and false PI columns (≤ 2 %).

    .venv/bin/python bench/inventory_bench.py [--rows 1000000] [--skip-full]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--skip-full", action="store_true", help="only sampling and accuracy")
    args = ap.parse_args()

    import pyarrow as pa

    pa.set_cpu_count(1)  # one core
    pa.set_io_thread_count(1)

    from piguard.demo.bigtable import make_sqlite_table
    from piguard.demo.labelled import labelled_tables, score, truth, write_sqlalchemy
    from piguard.inventory import Scanner, ScanOptions, Store
    from piguard.sources import iter_source
    from piguard.tables import classify_table

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        db = tmpdir / "big.db"
        t0 = time.perf_counter()
        make_sqlite_table(db, args.rows)
        print(f"table: {args.rows:,} rows x 10 columns (SQLite), built in "
              f"{time.perf_counter() - t0:.1f} s")

        store = Store(str(tmpdir / "inv-sample.db"))
        t0 = time.perf_counter()
        s = Scanner(store, ScanOptions(mode="sample")).run([str(db)])
        dt = time.perf_counter() - t0
        a = next(iter(store.assets_all()))
        pi = sum(1 for c in a.columns if c.is_pi)
        print(f"sampling inventory: {dt:.2f} s ({s.rows_read:,} rows sampled, {pi} PI columns, "
              f"est. {a.rows_with_pi:,} rows with PI, {a.minor_rows:,} minors' rows)")
        store.close()

        if not args.skip_full:
            store = Store(str(tmpdir / "inv-full.db"))
            t0 = time.perf_counter()
            s = Scanner(store, ScanOptions(mode="full")).run([str(db)])
            dt = time.perf_counter() - t0
            cells = args.rows * 10
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"full scan: {dt:.1f} s, {cells / dt:,.0f} cells/s "
                  f"({args.rows / dt:,.0f} rows/s) on one core; peak RSS {rss:,.0f} MiB; "
                  f"Arrow pool peak {pa.default_memory_pool().max_memory() / 2**20:,.1f} MiB")
            store.close()

        tables = labelled_tables()
        corp = tmpdir / "corp.db"
        import sqlalchemy as sa

        engine = sa.create_engine(f"sqlite:///{corp}")
        write_sqlalchemy(engine, tables)
        engine.dispose()
        t0 = time.perf_counter()
        results = [classify_table(t) for t in iter_source(str(corp))]
        dt = time.perf_counter() - t0
        sc = score(results, truth(tables, comments=False))
        print(f"classification: {len(results)} tables, {sc.pi_columns} PI columns "
              f"{sc.pi_correct / sc.pi_columns:.1%} right entity, {sc.false_pi}/"
              f"{sc.non_pi_columns} false PI columns ({sc.false_pi_rate:.1%}), {dt:.2f} s")
        for miss in sc.misses:
            print(f"  miss: {miss[0]}.{miss[1]} expected {miss[2]}, got {miss[3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
