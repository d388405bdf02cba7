"""``govarchive parse`` on a generated archive of (by default) 10,000 reports.

    .venv/bin/python -m bench.figures_parse [--reports 10000] [--data bench-data/search]

The archive is bench.search_latency's (generated there, or reused): reports made of corpus lines over 400
portals, text only (no WARC records: each is read from its clean text, as for a report whose page was
not kept). A copy is parsed three times: from nothing (every version read, then the carry-over checks
and the copy search over every body), again with nothing stale (the cross-report steps only), and with
``--force``. Printed: seconds, versions per second, and the rows written.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from archive.db import open_db
from bench.search_latency import ROOT, generate
from pipelines.figures.archive import parse_archive


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--data", default=str(ROOT / "bench-data" / "search"))
    args = parser.parse_args(argv)

    source = open_db(args.data)
    if source["reports"].count < args.reports:
        generate(source, args.reports - source["reports"].count, seed=source["reports"].count + 1)
    source.conn.close()
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(Path(args.data) / "archive.db", Path(tmp) / "archive.db")
        db = open_db(tmp)
        versions = db["reports"].count
        print(f"archive: {versions} report versions, text only")
        for label, force in (("from nothing", False), ("nothing stale", False), ("--force", True)):
            started = time.perf_counter()
            result = parse_archive(db, tmp, force=force)
            took = time.perf_counter() - started
            rate = f"{result['parsed'] / took:,.0f} versions/s" if result["parsed"] else "-"
            print(f"{label:<14} {took:7.1f} s  {rate:>17}  parsed {result['parsed']}, "
                  f"{result['carryover_checks']} carry-over checks, {result['copies']} copies compared")
        figures = db.execute("select count(*) from report_figures").fetchone()[0]
        failed = db.execute("select count(*) from report_checks where ok = 0").fetchone()[0]
        print(f"rows: {figures} figures, {db['report_checks'].count} checks ({failed} failed), "
              f"{db['report_copies'].count} copies")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
