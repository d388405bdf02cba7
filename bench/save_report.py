"""``make bench``: the time to save a report, with 1,000, 10,000 and 100,000 reports held, side by side.

    .venv/bin/python -m bench.save_report [--sizes 1000 10000 100000] [--calls 300]

For each size an archive is generated (archive.db.open_db: the real schema and indexes, WAL on disk) holding
that many reports (report-sized texts cut from the corpus, 400 portals). Then they are timed in turn, one call
(or writer batch) on each archive, so that the sizes are compared at the same moments of the machine:

- ``archive.db.save_report`` of a new report, of a report held unchanged (``last_seen_at`` only) and of a
  changed one (a new version), as a crawl on one machine saves them, each call its own transaction;
- the distributed writer's apply of a ``report`` message (crawler/queue/results.py), within batch
  transactions as ``govarchive writer`` applies them.

Median and 95th percentile in ms per call. The time should not grow with the archive: every statement a save
makes goes through an index on the URL.
"""

from __future__ import annotations

import argparse
import contextlib
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


def timed(call) -> float:
    """ms ``call()`` took."""
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def writer_batches(db, corpus: str, held: int, calls: int) -> list:
    """Batches of ``report`` messages applied by the writer, each in its transaction: ``(thunk, messages)``."""
    keys, run_key = Keys("bench"), "bench-run"
    apply(db, None, keys, "crawl_start", {"key": run_key, "mode": "backfill", "started_at": "2024-01-01T00:00:00Z"})

    def batch(bodies: list[dict]) -> None:
        with db.atomic():
            for body in bodies:
                apply(db, None, keys, "report", body)

    bodies = [{"crawl": run_key, "row": report(held + 2 * calls + i, corpus), "attachments": []} for i in range(calls)]
    batches = [bodies[first:first + BATCH] for first in range(0, calls, BATCH)]  # built before they are timed
    return [(lambda bodies=bodies: batch(bodies), len(bodies)) for bodies in batches]


def calls_on(db, size: int, calls: int, corpus: str) -> dict[str, list]:
    """Each kind of call on an archive of ``size`` reports: ``(thunk, saves it makes)``."""
    held = [report(i * (size // calls), corpus) for i in range(calls)]
    changed = [report(i * (size // calls) + 1, corpus, "（更正）") for i in range(calls)]
    return {
        "save_report, new": [(lambda i=i: save_report(db, report(size + i, corpus)), 1) for i in range(calls)],
        "save_report, unchanged": [(lambda row=row: save_report(db, row), 1) for row in held],
        "save_report, changed": [(lambda row=row: save_report(db, row), 1) for row in changed],
        "writer, report message": writer_batches(db, corpus, size, calls),
    }


def measure(sizes: list[int], calls: int, corpus: str) -> dict[int, dict[str, list[float]]]:
    """ms per save, by size and kind. The archives are generated first, then timed in turn, one call (or
    writer batch) on each: a machine that slows down meanwhile slows every size alike."""
    with contextlib.ExitStack() as stack:
        thunks = {}
        for size in sizes:
            db = open_db(stack.enter_context(tempfile.TemporaryDirectory()))
            generate(db, size, corpus)
            stack.enter_context(Checkpoints(db))  # as the crawl's store and the writer run (archive/checkpoints.py)
            thunks[size] = calls_on(db, size, calls, corpus)
        results = {size: {kind: [] for kind in thunks[size]} for size in sizes}
        for kind in thunks[sizes[0]]:
            for turn in zip(*(thunks[size][kind] for size in sizes)):
                for size, (call, count) in zip(sizes, turn):
                    results[size][kind] += [timed(call) / count] * count
        return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.save_report", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000], help="reports held")
    parser.add_argument("--calls", type=int, default=300, help="timed calls of each kind and size")
    args = parser.parse_args(argv)
    corpus = corpus_text()
    results = measure(args.sizes, args.calls, corpus)
    kinds = list(results[args.sizes[0]])
    rows = [[kind, *(f"{statistics.median(results[size][kind]):.3f} / "
                     f"{sorted(results[size][kind])[int(0.95 * len(results[size][kind]))]:.3f}"
                     for size in args.sizes)] for kind in kinds]
    print(tabulate(rows, headers=["ms per call (median / p95)", *(f"{size:,} reports held" for size in args.sizes)],
                   tablefmt="github"))


if __name__ == "__main__":
    main()
