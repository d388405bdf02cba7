"""Redis restarted in the middle of a distributed crawl (with its append-only file, as the README runs it): the
worker, its crawl and the writer wait for it, and the run ends as if nothing had happened.

Four sample portals of the ``fleet`` group are crawled slowly (a 0.3 s delay per host) by one worker, so that
Redis goes away for 3 seconds while pages are being fetched and results written. Also: a command that finds no
Redis says so in one line, and the writer applies messages handed to it without its knowing (a reply lost with
its connection).
"""

from __future__ import annotations

import json
import time

import pytest
import sqlite_utils

from crawler.queue.keys import WRITERS, Keys, connect, ensure_group
from tests.conftest import TEST_SETTINGS, assert_verified, govarchive
from tests.redis_server import RedisServer
from tests.sampleportals import SamplePortals
from tests.test_distributed import queue_status, start, wait_all

PORTALS = 4
SLOW = ["-s", "DOWNLOAD_DELAY=0.3", "-s", "AUTOTHROTTLE_START_DELAY=0.3"]


@pytest.fixture(scope="module")
def fleet():
    with SamplePortals(group="fleet") as portals:
        yield portals


@pytest.fixture(scope="module")
def restarted(fleet, tmp_path_factory):
    """The crawl, with Redis restarted once 20 pages were fetched; what the portals served before the restart
    and in all."""
    data = tmp_path_factory.mktemp("restart")
    registry = data / "portals.json"
    registry.write_text(json.dumps(json.loads(fleet.write_registry(data / "fleet.json").read_text())[:PORTALS]))
    server = RedisServer(data / "redis", appendonly=True)
    server.start()
    processes = []
    try:
        govarchive("enqueue", "--redis", server.url, "--portals", registry, "--mode", "backfill")
        fleet.request_log.clear()
        processes = [start("writer", "--redis", server.url, "--data", data, "--until-empty"),
                     start("worker", "--redis", server.url, "--data", data, "--until-empty", "--batch", PORTALS,
                           *TEST_SETTINGS, *SLOW, "-s", "EXTRACT_PROCESSES=1")]
        deadline = time.monotonic() + 60
        while len(fleet.request_log) < 20:
            assert time.monotonic() < deadline and all(p.poll() is None for p in processes), "the crawl did not start"
            time.sleep(0.05)
        before = len(fleet.request_log)
        server.restart(down_for=3)
        wait_all(processes[0], processes[1:])
        yield {"data": data, "server": server, "processes": processes, "before": before,
               "served": len(fleet.request_log), "portals": [p["id"] for p in json.loads(registry.read_text())]}
    finally:
        for process in processes:
            process.kill()
            process.wait()
        server.stop()


def test_the_worker_and_the_writer_wait_for_redis_and_finish(restarted):
    assert [p.returncode for p in restarted["processes"]] == [0, 0]
    assert restarted["before"] < restarted["served"]  # the restart came while pages were being fetched
    status = queue_status(restarted["server"].url)
    assert (status["pending"], status["in_flight"], status["done"], status["failed"]) == (0, 0, PORTALS, 0)


def test_every_report_is_stored_once(restarted, fleet):
    db = sqlite_utils.Database(restarted["data"] / "archive.db")
    served = {r.url for r in fleet.extra_reports if r.portal_id in restarted["portals"]}
    latest = [row["url"] for row in db.query("select url from reports where is_latest = 1")]
    assert sorted(latest) == sorted(served) and db["reports"].count == len(served)
    assert_verified(restarted["data"])


def test_a_command_that_finds_no_redis_says_so_in_one_line():
    result = govarchive("queue", "--redis", "redis://127.0.0.1:1/0", check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == ["Error: no answer from Redis at redis://127.0.0.1:1/0: "
                                                  "Error 111 connecting to 127.0.0.1:1. Connection refused."]


def test_results_handed_to_the_writer_unawares_are_applied(tmp_path):
    """A reply lost with its connection leaves messages pending on the writer that it never saw: it reads them
    once nothing new comes. Here a transaction adds a message and hands it to the writer's name at once (the
    writer, blocked on new messages, is not woken)."""
    server = RedisServer(tmp_path / "redis")
    server.start()
    writer = start("writer", "--redis", server.url, "--data", tmp_path)
    try:
        client, keys = connect(server.url), Keys()
        ensure_group(client, keys.results, WRITERS)
        time.sleep(1)  # the writer waits for new messages
        body = {"key": "lost-reply", "mode": "backfill", "started_at": "2026-12-04T00:00:00Z"}
        with client.pipeline() as lost:
            lost.xadd(keys.results, {"kind": "crawl_start", "body": json.dumps(body)})
            lost.xreadgroup(WRITERS, "writer", {keys.results: ">"}).execute()
        deadline = time.monotonic() + 20
        while client.xlen(keys.results):  # applied messages are deleted
            assert time.monotonic() < deadline and writer.poll() is None, "the writer never applied it"
            time.sleep(0.1)
    finally:
        writer.terminate()
        writer.wait()
        server.stop()
    db = sqlite_utils.Database(tmp_path / "archive.db")
    assert [row["run_key"] for row in db.query("select run_key from crawls")] == ["lost-reply"]
