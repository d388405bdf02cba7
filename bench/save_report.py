"""``make bench``: the time to save a report, with 1,000 and with 100,000 reports held, side by side.

    .venv/bin/python -m bench.save_report [--sizes 1000 100000] [--calls 300]

For each size an archive is generated (archive.db.open_db: the real schema and indexes, WAL on disk) holding
that many reports (report-sized texts cut from the corpus, 400 portals), and then timed, one call at a time:

- ``archive.db.save_report`` of a new report, of a report held unchanged (``last_seen_at`` only) and of a
  changed one (a new version), as a crawl on one machine saves them, each call its own transaction;
- the distributed writer's apply of a ``report`` message (crawler/queue/results.py), within batch
  transactions as ``govarchive writer`` applies them.

Median and 95th percentile in ms per call. The time should not grow with the archive: every statement a save
makes goes through an index on the URL.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import tempfile
import time
from pathlib import Path

from tabulate import tabulate

from archive.checkpoints import Checkpoints
from archive.db import open_db, save_report
from crawler.queue.keys import Keys
from crawler.queue.results import apply

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "corpus"
TEXT_CHARS = 4000  # about a report's length
BATCH = 50  # report messages per transaction, as a busy writer applies them (a flush of a worker: up to 64)


def corpus_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.gold.txt")))


def report(i: int, corpus: str, version_note: str = "") -> dict:
    start = (i * 7919) % (len(corpus) - TEXT_CHARS)
    text = corpus[start:start + TEXT_CHARS] + version_note
    portal, year = i % 400, 2008 + i % 17
    return {"url": f"http://www.p{portal}.gov.cn/zfxxgk/ndbg/{year + 1}/t{year + 1}0331_{i}.html",
            "portal": f"p{portal:03d}", "title": f"p{portal}{year}年度政府信息公开工作年度报告",
            "agency": f"p{portal}",
            "report_year": year, "publish_date": f"{year + 1}-03-31", "text": text,
            "text_sha1": hashlib.sha1(text.encode()).hexdigest(), "chars": len(text), "text_status": "ok",
            "fetched_at": "2024-01-01T00:00:00Z", "warc_file": "warc/x.warc.gz", "warc_offset": i, "warc_length": 1,
            "extractor": "bench"}


def generate(db, count: int, corpus: str) -> None:
    """``count`` latest reports, as save_report would leave them (version 1, is_latest)."""
    for first in range(0, count, 5000):
        rows = [{**report(i, corpus), "version": 1, "is_latest": 1, "last_seen_at": "2024-01-01T00:00:00Z"}
                for i in range(first, min(count, first + 5000))]
        db["reports"].insert_all(rows)


def timed(calls) -> list[float]:
    """ms of each call of the iterable of thunks ``calls``."""
    times = []
    for call in calls:
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def writer_times(db, corpus: str, held: int, calls: int) -> list[float]:
    """ms per ``report`` message applied by the writer, batch transactions included."""
    keys, run_key = Keys("bench"), "bench-run"
    apply(db, None, keys, "crawl_start", {"key": run_key, "mode": "backfill", "started_at": "2024-01-01T00:00:00Z"})
    times = []
    for first in range(0, calls, BATCH):
        bodies = [{"crawl": run_key, "row": report(held + 2 * calls + i, corpus), "attachments": []}
                  for i in range(first, min(calls, first + BATCH))]
        started = time.perf_counter()
        with db.atomic():
            for body in bodies:
                apply(db, None, keys, "report", body)
        times += [(time.perf_counter() - started) * 1000 / len(bodies)] * len(bodies)
    return times


def measure(size: int, calls: int, corpus: str) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(tmp)
        generate(db, size, corpus)
        held = [report(i * (size // calls), corpus) for i in range(calls)]
        changed = [report(i * (size // calls) + 1, corpus, "（更正）") for i in range(calls)]
        with Checkpoints(db):  # as the crawl's store and the writer run (archive/checkpoints.py)
            return {
                "save_report, new": timed(lambda i=i: save_report(db, report(size + i, corpus)) for i in range(calls)),
                "save_report, unchanged": timed(lambda row=row: save_report(db, row) for row in held),
                "save_report, changed": timed(lambda row=row: save_report(db, row) for row in changed),
                "writer, report message": writer_times(db, corpus, size, calls),
            }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.save_report", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000], help="reports held")
    parser.add_argument("--calls", type=int, default=300, help="timed calls of each kind and size")
    args = parser.parse_args(argv)
    corpus = corpus_text()
    results = {size: measure(size, args.calls, corpus) for size in args.sizes}
    kinds = list(results[args.sizes[0]])
    rows = [[kind, *(f"{statistics.median(results[size][kind]):.3f} / "
                     f"{sorted(results[size][kind])[int(0.95 * len(results[size][kind]))]:.3f}"
                     for size in args.sizes)] for kind in kinds]
    print(tabulate(rows, headers=["ms per call (median / p95)", *(f"{size:,} reports held" for size in args.sizes)],
                   tablefmt="github"))


if __name__ == "__main__":
    main()
