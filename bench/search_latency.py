"""Search latency on a generated archive of (by default) 10,000 reports.

    .venv/bin/python bench/search_latency.py [--reports 10000] [--data bench-data/search] [--runs 20]

Reports are made from the five corpus texts (tests/fixtures/corpus): each one takes 25-70 random lines
of them (about 4,000 characters, like a real report), with agency names and years varied over 400
portals and 2008-2024. The script indexes them (archive.search.index_reports, timed from empty and
again with nothing to do), then times ``archive.search.search`` (top 20 with snippets, what
``govarchive search`` runs) and ``count_matches`` for a 2-character term, a 4-character term and a
3-term query, and prints a table: median and 95th percentile over ``--runs`` runs, and hit counts.
An existing archive in ``--data`` with enough reports is reused (``--fresh`` rebuilds it).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.db import open_db  # noqa: E402
from archive.search import count_matches, index_reports, search  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "corpus"
QUERIES = [
    ("2-char term", "复议"),
    ("4-char term", "行政诉讼"),
    ("3-term query", "政府信息公开 行政复议 收费"),
    ("1-char term", "坛"),
    ("phrase + OR", '"依申请公开" OR 听证'),
]
PLACES = list("东南西北中上下新老大小金银铜铁山水河湖江海")


def generate(db, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    lines = []
    for path in sorted(CORPUS.glob("*.gold.txt")):
        lines += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    agencies = [f"{rng.choice(PLACES)}{rng.choice(PLACES)}{rng.choice(['县', '区', '市', '镇'])}" for _ in range(400)]
    rows = []
    for i in range(n):
        portal = i % 400
        agency = agencies[portal] + rng.choice(["人民政府", "", "经济开发区"])
        year = 2008 + rng.randrange(17)
        body = "\n".join(rng.sample(lines, rng.randint(25, 70)))
        body = body.replace("2017", str(year)).replace("常德", agencies[portal][:2])
        title = f"{agency}{year}年度政府信息公开工作{rng.choice(['年度报告', '报告'])}"
        rows.append({
            "url": f"http://www.p{portal}.gov.cn/zfxxgk/ndbg/{year + 1}/t{year + 1}0331_{i}.html",
            "portal": f"p{portal:03d}", "title": title, "agency": agency, "report_year": year,
            "publish_date": f"{year + 1}-03-31", "text": body, "text_sha1": hashlib.sha1(body.encode()).hexdigest(),
            "chars": len(body), "text_status": "ok", "version": 1, "is_latest": 1,
            "fetched_at": "2024-01-01T00:00:00Z", "extractor": "bench",
        })
        if len(rows) == 1000:
            db["reports"].insert_all(rows)
            rows = []
    if rows:
        db["reports"].insert_all(rows)


def timed(fn, runs: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--data", default=str(ROOT / "bench-data" / "search"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--fresh", action="store_true", help="Delete and regenerate the archive.")
    args = parser.parse_args(argv)

    data = Path(args.data)
    if args.fresh and data.exists():
        shutil.rmtree(data)
    db = open_db(data)
    have = db["reports"].count
    if have < args.reports:
        started = time.perf_counter()
        generate(db, args.reports - have, seed=have + 1)
        print(f"generated {args.reports - have} reports in {time.perf_counter() - started:.1f} s")
    total = db.execute("select count(*) from reports where is_latest = 1").fetchone()[0]
    chars = db.execute("select sum(chars) from reports where is_latest = 1").fetchone()[0]

    started = time.perf_counter()
    first = index_reports(db, rebuild=True)
    build = time.perf_counter() - started
    noop_median, _, noop = timed(lambda: index_reports(db), 5)
    sizes = ""
    if _has_dbstat(db):
        table = db.execute("select sum(pgsize) from dbstat where name = 'reports'").fetchone()[0]
        index = db.execute("select sum(pgsize) from dbstat where name like 'reports_fts%'").fetchone()[0]
        sizes = f", table reports {table / 1e6:.0f} MB, search index {index / 1e6:.0f} MB"
    print(f"archive: {total} reports, {chars / 1e6:.1f} M characters{sizes}")
    print(f"index_reports: full build {build:.1f} s ({first['indexed']} reports, {chars / build / 1e6:.1f} M chars/s); "
          f"nothing changed: {noop_median:.1f} ms ({noop['added']} added)")
    print()
    header = f"{'query':<14} {'text':<28} {'hits':>6} {'search top 20':>15} {'p95':>8} {'count(*)':>10}"
    print(header)
    print("-" * len(header))
    for label, query in QUERIES:
        search(db, query)  # warm the page cache
        median, p95, hits = timed(lambda: search(db, query, limit=20), args.runs)
        count_median, _, count = timed(lambda: count_matches(db, query), args.runs)
        print(f"{label:<14} {query:<{28 - _wide(query)}} {count:>6} {median:>12.1f} ms {p95:>5.1f} ms "
              f"{count_median:>7.1f} ms")
    print()
    print(f"median and 95th percentile of {args.runs} runs; search = ranked top 20 with snippets "
          "(archive.search.search), count(*) = all matches (count_matches). SQLite "
          + db.execute("select sqlite_version()").fetchone()[0])
    return 0


def _wide(text: str) -> int:
    import unicodedata

    return sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF")


def _has_dbstat(db) -> bool:
    try:
        db.execute("select 1 from dbstat limit 1").fetchall()
        return True
    except Exception:
        return False


if __name__ == "__main__":
    sys.exit(main())
