"""A crawl over several workers into one archive, with a real Redis (Debian's redis-server), and a worker killed.

20 sample portals (the ``fleet`` group, each on a loopback address of its own) are queued for a backfill;
three ``govarchive worker`` processes and one ``govarchive writer`` run until the queue is empty. One worker is
killed with SIGKILL while it holds portals: its portals go to the others once their lease runs out, and what
it had archived is served from its WARC records, so only what it had in flight is fetched twice.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
import sqlite_utils
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import ROOT, TEST_SETTINGS, assert_verified, govarchive
from tests.redis_server import redis_server
from tests.sampleportals import SamplePortals

GOVARCHIVE = str(Path(sys.executable).with_name("govarchive"))
LEASE = "6"  # seconds: a dead worker's portals are taken over this soon
CONCURRENT_REQUESTS = 16  # crawler/settings.py: what one crawl can have in flight


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A redis-server of our own on a free loopback port, no persistence."""
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def fleet():
    with SamplePortals(group="fleet") as portals:
        yield portals


def queue_status(redis_url) -> dict:
    return json.loads(govarchive("queue", "--redis", redis_url, "--format", "json").stdout)


def start(*args) -> subprocess.Popen:
    return subprocess.Popen([GOVARCHIVE, *map(str, args)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def run_all(redis_url, data, workers=3) -> list[subprocess.Popen]:
    writer = start("writer", "--redis", redis_url, "--data", data, "--until-empty")
    crawlers = [start("worker", "--redis", redis_url, "--data", data, "--until-empty", "--lease", LEASE,
                      "--batch", "2", *TEST_SETTINGS, "-s", "EXTRACT_PROCESSES=1") for _ in range(workers)]
    return [writer, *crawlers]


def wait_all(writer, workers, timeout: float = 300) -> None:
    """Wait for every process; a writer that fails fails the test at once (the workers would wait for it)."""
    deadline = time.monotonic() + timeout
    while any(process.poll() is None for process in [writer, *workers]):
        if writer.poll() or time.monotonic() > deadline:
            failed = f"writer exited {writer.returncode}" if writer.poll() else f"still running after {timeout:g} s"
            for process in [writer, *workers]:
                process.kill()
            raise AssertionError(f"{failed}; the writer said: {writer.communicate()[1][-3000:]}")
        time.sleep(0.2)


def archived_pages(db, portals: list[str]) -> int:
    """Pages of ``portals`` whose captures the writer holds."""
    if not db["captures"].exists():
        return 0
    marks = ", ".join("?" * len(portals))
    query = f"select count(*) from captures where status = 200 and portal in ({marks})"
    return db.execute(query, portals).fetchone()[0]


def wait_for_a_worker_with_archived_pages(redis_url, data, workers, portal_pages: int, pages: int = 8,
                                          left: int = 16) -> tuple[str, list[str]]:
    """The name of one of ``workers`` that holds portals and has archived ``pages`` of theirs (the pages a
    worker taking them over may reuse: their captures, with the writer) but ``left`` of their pages not yet
    (of ``portal_pages`` each: a kill then surely comes before its crawl is over), and those portals."""
    db = sqlite_utils.Database(data / "archive.db")
    pids = {w.pid for w in workers}
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        held = {}
        for row in queue_status(redis_url)["in_flight_portals"]:
            held.setdefault(row["worker"], []).append(row)
        for name, rows in held.items():
            archived = archived_pages(db, [row["portal"] for row in rows])
            if int(name.rsplit("-", 1)[1]) in pids and pages <= archived <= portal_pages * len(rows) - left:
                return name, [row["portal"] for row in rows]
        time.sleep(0.1)
    raise AssertionError(f"no worker had archived {pages} pages of the portals it held, with {left} to go, "
                         "within 120 s")


@pytest.fixture(scope="module")
def distributed(fleet, redis_url, tmp_path_factory):
    data = tmp_path_factory.mktemp("distributed")
    registry = fleet.write_registry(data / "fleet.json")
    govarchive("enqueue", "--redis", redis_url, "--portals", registry, "--mode", "backfill")
    fleet.request_log.clear()
    writer, *workers = run_all(redis_url, data)
    portal_pages = min(len(fleet.page_urls(portal.id)) for portal in fleet.portals)
    name, held = wait_for_a_worker_with_archived_pages(redis_url, data, workers, portal_pages)
    victim = next(w for w in workers if w.pid == int(name.rsplit("-", 1)[1]))
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    wait_all(writer, [w for w in workers if w is not victim])
    return {"data": data, "registry": registry, "writer": writer, "workers": workers, "victim": victim,
            "held": held, "log": list(fleet.request_log)}


def test_every_portal_is_crawled_and_acknowledged(distributed, redis_url):
    status = queue_status(redis_url)
    assert (status["pending"], status["in_flight"], status["done"], status["failed"]) == (0, 0, 20, 0)
    assert distributed["writer"].returncode == 0
    assert all(w.returncode == 0 for w in distributed["workers"] if w is not distributed["victim"])


def test_every_report_is_stored_once(distributed, fleet):
    db = sqlite_utils.Database(distributed["data"] / "archive.db")
    served = {r.url for r in fleet.extra_reports}
    latest = [row["url"] for row in db.query("select url from reports where is_latest = 1")]
    assert len(latest) == len(set(latest)) == len(served) and set(latest) == served
    assert db.execute("select count(*) from reports").fetchone()[0] == len(served)  # no second version
    # the statistics came with each report: read by the worker, applied by the writer
    assert db.execute("select count(*) from reports where figures_parser is null").fetchone()[0] == 0
    assert db["report_copies"].count == len(served)  # each compared with its likeliest source when the queue ran dry


def test_only_what_the_killed_worker_had_in_flight_is_fetched_twice(distributed, fleet):
    fetched = {(portal, path) for portal, method, path, status, _ in distributed["log"] if method == "GET"}
    needed = {(p.id, url.split(p.base_url, 1)[1]) for p in fleet.portals for url in fleet.minimum_pages(p.id)}
    assert needed <= fetched  # every page on the way to every report fetched at least once
    counts = Counter((portal, path) for portal, method, path, status, _ in distributed["log"]
                     if method == "GET" and not path.endswith("robots.txt"))
    twice = {page for page, n in counts.items() if n > 1}
    assert {portal for portal, _ in twice} <= set(distributed["held"])  # the killed worker's portals only
    assert len(twice) <= CONCURRENT_REQUESTS


def test_the_killed_crawl_is_marked_and_what_it_archived_is_reused(distributed):
    db = sqlite_utils.Database(distributed["data"] / "archive.db")
    (killed,) = db.query("select * from crawls where status = 'interrupted'")
    archived = db.execute("select count(*) from captures where crawl_id = ? and status = 200", [killed["id"]])
    assert set(json.loads(killed["portals"])) == set(distributed["held"]) and archived.fetchone()[0] > 0
    again = next(db.query("select * from crawls where portals = ? and id > ? order by id", [killed["portals"],
                                                                                        killed["id"]]))
    others = next(db.query("select max(pages_fetched) as pages from crawls where status = 'ok'"))
    assert again["status"] == "ok" and again["pages_fetched"] < others["pages"]  # some pages came from the WARCs


def test_warc_files_are_closed_valid_and_uniquely_named(distributed):
    warc = distributed["data"] / "warc"
    files = sorted(warc.glob("*.warc.gz"))
    assert files and not list(warc.glob("*.open"))
    check = subprocess.run([str(Path(sys.executable).with_name("warcio")), "check", *map(str, files)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    for path in files:
        with open(path, "rb") as stream:
            info = next(iter(ArchiveIterator(stream)))
        assert info.rec_type == "warcinfo" and info.rec_headers.get_header("WARC-Filename") == path.name
    writers = {path.name.rsplit("-", 2)[-1].removesuffix(".warc.gz") for path in files}  # the pid in each name
    assert len(writers) >= 3  # the three workers' crawls each wrote their own files


def test_the_archive_verifies(distributed):
    assert_verified(distributed["data"])


def test_a_second_run_adds_no_rows(distributed, redis_url):
    data = distributed["data"]
    db = sqlite_utils.Database(data / "archive.db")
    before = {table: db[table].count for table in ("reports", "attachments", "listings", "portals")}
    last_capture = db.execute("select max(id) from captures").fetchone()[0]
    govarchive("enqueue", "--redis", redis_url, "--portals", distributed["registry"], "--mode", "backfill")
    writer, *workers = run_all(redis_url, data, workers=2)
    wait_all(writer, workers)
    assert {table: db[table].count for table in before} == before
    # what the queue keeps is one run's worth: each portal's latest outcome, no entry once it is done
    status = queue_status(redis_url)
    assert (status["pending"], status["in_flight"], status["done"], status["failed"]) == (0, 0, 20, 0)
    assert redis.Redis.from_url(redis_url).xlen("govarchive:portals") == 0
    # the workers asked with the validators of what the archive held: every page answered 304, none was sent
    # (and stored) again
    statuses = Counter(status for status, in db.execute("select status from captures where id > ?", [last_capture]))
    assert statuses[304] >= len(distributed["log"]) / 2 and not statuses[200]
    assert_verified(data)
