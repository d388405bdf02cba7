"""``make bench``: memory of a long backfill, a 50,000-page portal crawled with ``govarchive backfill``.

    .venv/bin/python -m bench.long_backfill

Serves the ``long`` portal (tests/sampleportals/bulk.py ``long_portal``: 48,000 reports in one report column
of 2,400 list pages, behind a TRS script pager) and backfills it into a fresh data directory, with the page
budget and the URL-trap limit raised past the portal's size (their defaults stop a crawl of one portal at
5,000 pages and a list at 100 pages). Every second the memory of the whole process tree is sampled
(bench/process_tree.py: the crawl, its extraction workers and their forkserver): the sum of RSS (pages the
processes share counted once per process, an upper bound) and of PSS (each page once), and the crawl
process's own RSS. Printed: the reports archived of those served, the curve against pages fetched, and whether
it stays flat and under 300 MB.

With ``--queue`` the same portal is crawled the distributed way: a Redis of its own, ``govarchive enqueue``,
then ``govarchive writer`` and one ``govarchive worker`` (the tree then holds Redis, the writer, the worker and
its crawl process with its extraction workers).
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tabulate import tabulate

from bench.process_tree import Sample, TreeSampler, become_subreaper, reap_all
from tests.portal_crawl import LOOPBACK_SETTINGS
from tests.redis_server import redis_server
from tests.sampleportals import SamplePortals

GOVARCHIVE = str(Path(sys.executable).with_name("govarchive"))
LIMIT_MB = 300
SETTINGS = ["-s", "PORTAL_PAGE_BUDGET=1000000", "-s", "URL_TRAP_MAX_PER_PATTERN=1000000"]
MB = 2**20


def curve(samples: list[Sample], crawl_pids: set[int], rows: int) -> list[list]:
    """About ``rows`` samples, evenly spaced in pages fetched."""
    pages = samples[-1].probe or 1
    picked, next_mark = [], 0
    for sample in samples:
        if sample.probe >= next_mark:
            picked.append(sample)
            next_mark = sample.probe + pages / rows
    return [[sample.probe, round(sample.seconds), round(sum(sample.rss.values()) / MB),
             round(sum(sample.pss.values()) / MB), round(sum(sample.rss.get(pid, 0) for pid in crawl_pids) / MB)]
            for sample in picked]


def backfill(start_url: str, data: Path) -> subprocess.Popen:
    """``govarchive backfill`` of the portal: one process (and its extraction workers)."""
    return subprocess.Popen([GOVARCHIVE, "backfill", start_url, "--data", str(data), *LOOPBACK_SETTINGS, *SETTINGS],
                            stdout=subprocess.PIPE, text=True)


def queued(start_url: str, data: Path, redis: str) -> tuple[subprocess.Popen, subprocess.Popen]:
    """The portal enqueued; one worker and the writer started (both end once the queue is empty)."""
    subprocess.run([GOVARCHIVE, "enqueue", "--redis", redis, "--portal", start_url, "--mode", "backfill"],
                   check=True, capture_output=True)
    writer = subprocess.Popen([GOVARCHIVE, "writer", "--redis", redis, "--data", str(data), "--until-empty"],
                              stdout=subprocess.DEVNULL)
    return subprocess.Popen([GOVARCHIVE, "worker", "--redis", redis, "--data", str(data), "--until-empty",
                             *LOOPBACK_SETTINGS, *SETTINGS], stdout=subprocess.PIPE, text=True), writer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.long_backfill", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20, help="rows of the printed curve")
    parser.add_argument("--queue", action="store_true", help="crawl with a writer and one worker, through Redis")
    args = parser.parse_args(argv)
    become_subreaper()
    started = time.monotonic()
    with SamplePortals(group="long") as portals, tempfile.TemporaryDirectory() as tmp:
        portal = portals.portals[0]
        print(f"portal {portal.id}: {len(portals.page_urls(portal.id)):,} pages, "
              f"{len(portals.extra_reports):,} reports (served in {time.monotonic() - started:.0f} s)", flush=True)
        with contextlib.ExitStack() as stack:
            redis = stack.enter_context(redis_server(Path(tmp) / "redis")) if args.queue else None
            with TreeSampler(interval=1.0, keep=True, probe=lambda: len(portals.request_log)) as sampler:
                crawl, writer = (queued(portal.start_url, Path(tmp), redis) if redis
                                 else (backfill(portal.start_url, Path(tmp)), None))
                summary = crawl.communicate()[0]
                if writer:
                    writer.wait()
        reap_all()
        with sqlite3.connect(Path(tmp) / "archive.db") as conn:
            archived = conn.execute("select count(*) from reports where is_latest = 1").fetchone()[0]
        served = len(portals.extra_reports)
    samples = [sample for sample in sampler.samples if crawl.pid in sample.rss]  # while the crawl ran
    crawl_pids = {pid for pid, name in sampler.processes.items() if name == "crawl"}
    print(summary.strip())
    print(f"reports archived: {archived:,} of the {served:,} served")
    print(tabulate(curve(samples, crawl_pids, args.rows), tablefmt="github",
                   headers=["pages fetched", "s", "tree RSS MB", "tree PSS MB", "crawl process RSS MB"]))
    samples = [sample for sample in samples if sample.probe < samples[-1].probe]  # still fetching
    pss = [sum(sample.pss.values()) / MB for sample in samples]
    peak = max(range(len(samples)), key=pss.__getitem__)
    fifth = next(i for i, sample in enumerate(samples) if sample.probe >= samples[-1].probe / 5)  # past start-up
    print(f"\ntree PSS: {pss[fifth]:.0f} MB at {samples[fifth].probe:,} pages, {pss[-1]:.0f} MB at "
          f"{samples[-1].probe:,} ({(pss[-1] - pss[fifth]) / (samples[-1].probe - samples[fifth].probe) * 10_000:+.1f} "
          f"MB per 10,000 pages); peak {pss[peak]:.0f} MB at {samples[peak].probe:,} pages (limit {LIMIT_MB} MB: "
          f"{'ok' if pss[peak] < LIMIT_MB else 'OVER'}); peak RSS sum {sampler.peak / MB:.0f} MB")
    for label, sample in (("at a fifth", samples[fifth]), ("at the peak", samples[peak])):
        print(f"{label}, PSS by role: " + ", ".join(
            f"{name} {size / MB:.0f} MB" for name, size in sampler.by_role(sample.pss).items()))
    return crawl.returncode


if __name__ == "__main__":
    sys.exit(main())
