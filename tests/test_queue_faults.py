"""Faults of a distributed crawl, with a real Redis (Debian's redis-server): each run ends as if nothing had
happened.

- Redis restarted (with its append-only file, as the README runs it) while pages are being fetched: the
  worker, its crawl and the writer wait for it.
- The writer SIGKILLed while it applies results, then started again: it applies what it had read and not
  applied, once.
- The worker's crawl stopped by SIGTERM before it finished: its portals are not done, they are leased again
  and finished.
- The worker stopped by SIGTERM: it stops its crawl, hands its portals back at once and exits, leaving no
  process; a worker started after it (with a lease far longer than the test) finishes them.
- The worker and its crawl stalled (SIGSTOP) past their lease, as on a suspended machine, while another worker
  takes their portals over; continued, the stalled worker does not take them back: it stops its crawl and
  leaves them to the other.
- A portal whose crawl cannot run: given up after MAX_DELIVERIES deliveries, listed as failed.
- No writer: workers take no portal; a crawl whose writer went while it waited hands its portal back, not
  counted as a delivery.
- A command that finds no Redis says so in one line; the writer applies messages handed to it without its
  knowing (a reply lost with its connection), and brings up to date a search index its predecessor, killed,
  left behind.

Four sample portals of the ``fleet`` group are crawled slowly (a 0.3 s delay per host) by one worker, so that
each fault strikes while pages are being fetched and results written.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time

import pytest
import sqlite_utils

from archive.search import index_is_current
from bench.process_tree import command_line, descendants, running
from crawler.queue.crawl import EXIT_NO_WRITER
from crawler.queue.keys import WORKERS, WRITERS, Keys, connect, ensure_group
from crawler.queue.portals import MAX_DELIVERIES, PortalQueue
from crawler.queue.worker import Worker
from tests.conftest import TEST_SETTINGS, assert_verified, govarchive
from tests.redis_server import RedisServer, redis_server
from tests.sampleportals import SamplePortals
from tests.test_distributed import queue_status, start, wait_all

PORTALS = 4
LEASE = 3  # seconds: portals not done come back this soon
SLOW = ["-s", "DOWNLOAD_DELAY=0.3", "-s", "AUTOTHROTTLE_START_DELAY=0.3"]


@pytest.fixture(scope="module")
def fleet():
    with SamplePortals(group="fleet") as portals:
        yield portals


@pytest.fixture
def redis_url(tmp_path):
    """A redis-server of the test's own, stopped after it."""
    with redis_server(tmp_path / "redis") as url:
        yield url


@pytest.fixture
def one_portal(fleet, tmp_path):
    """A registry file of the fleet's first portal."""
    registry = tmp_path / "portals.json"
    registry.write_text(json.dumps(json.loads(fleet.write_registry(tmp_path / "fleet.json").read_text())[:1]))
    return registry


def start_worker(server, data, lease=LEASE):
    return start("worker", "--redis", server.url, "--data", data, "--until-empty", "--batch", PORTALS,
                 "--lease", lease, *TEST_SETTINGS, *SLOW, "-s", "EXTRACT_PROCESSES=1")


def crawl_with_fault(fleet, data, fault) -> dict:
    """Four portals crawled by a writer and one worker until the queue is empty, ``fault(server, run, data)``
    done once 20 pages were fetched (``run``: the ``writer`` and the ``worker`` processes, which it may replace;
    what it returns is added to the result)."""
    registry = data / "portals.json"
    registry.write_text(json.dumps(json.loads(fleet.write_registry(data / "fleet.json").read_text())[:PORTALS]))
    server = RedisServer(data / "redis", appendonly=True)
    server.start()
    run, started = {}, []
    try:
        govarchive("enqueue", "--redis", server.url, "--portals", registry, "--mode", "backfill")
        fleet.request_log.clear()
        run = {"writer": start("writer", "--redis", server.url, "--data", data, "--until-empty"),
               "worker": start_worker(server, data)}
        deadline = time.monotonic() + 60
        while len(fleet.request_log) < 20:
            assert time.monotonic() < deadline and all(p.poll() is None for p in run.values()), "no crawl"
            time.sleep(0.05)
        before = len(fleet.request_log)
        started += run.values()  # the first writer too, should the fault replace it
        observed = fault(server, run, data) or {}
        wait_all(run["writer"], [run["worker"]])
        return {"data": data, "status": queue_status(server.url), "before": before, "served": len(fleet.request_log),
                "exit codes": [run["writer"].returncode, run["worker"].returncode], "done": done(server.url),
                "portals": [p["id"] for p in json.loads(registry.read_text())], **observed}
    finally:
        for process in {*started, *run.values()}:
            process.kill()
            process.wait()
        server.stop()


def restart_redis(server, run, data) -> None:
    server.restart(down_for=3)


def kill_the_writer(server, run, data) -> dict:
    """SIGKILL the writer once it has stored a report; once the crawl has sent results no writer applied (as
    ``govarchive queue`` says), start another."""
    deadline = time.monotonic() + 30
    while not sqlite_utils.Database(data / "archive.db")["reports"].count:
        assert time.monotonic() < deadline, "the writer stored no report"
        time.sleep(0.05)
    run["writer"].send_signal(signal.SIGKILL)
    run["writer"].wait()
    at_kill = waiting = queue_status(server.url)["results_waiting"]
    deadline = time.monotonic() + 15
    while waiting <= at_kill and time.monotonic() < deadline:
        time.sleep(0.2)
        waiting = queue_status(server.url)["results_waiting"]
    run["writer"] = start("writer", "--redis", server.url, "--data", data, "--until-empty")
    return {"results waiting": (at_kill, waiting)}


def stop_the_crawl(server, run, data) -> None:
    """SIGTERM the worker's crawl (as ``kill`` does): Scrapy closes it before it has finished."""
    (crawl,) = [pid for pid in descendants(run["worker"].pid) if "crawler.queue.crawl" in command_line(pid)]
    os.kill(crawl, signal.SIGTERM)


def stop_the_worker(server, run, data) -> dict:
    """SIGTERM the worker (as ``kill`` and systemd do), then start another, whose lease (120 s) would keep the
    portals from it for the rest of the test had the first not handed them back."""
    worker = run["worker"]
    tree = descendants(worker.pid)
    worker.send_signal(signal.SIGTERM)
    exit_code = worker.wait(timeout=60)
    stopped = {"exit code": exit_code, "status": queue_status(server.url), "left": tree_left(tree)}
    run["worker"] = start_worker(server, data, lease=120)
    return {"stopped": stopped}


def stall_the_worker(server, run, data) -> dict:
    """SIGSTOP the worker and its crawl past their lease; start another worker, and once it holds their
    portals, SIGCONT them. The stalled worker exits (``--until-empty``) when the other has finished."""
    stalled = run["worker"]
    tree = [stalled.pid, *(pid for pid in descendants(stalled.pid) if "crawler.queue.crawl" in command_line(pid))]
    for pid in tree:
        os.kill(pid, signal.SIGSTOP)
    run["worker"] = start_worker(server, data)
    deadline = time.monotonic() + 30
    while True:
        status = queue_status(server.url)
        held = {row["worker"] for row in status["in_flight_portals"]}
        if held and not any(worker.endswith(f"-{stalled.pid}") for worker in held):
            break
        assert time.monotonic() < deadline, "no worker took the stalled one's portals over"
        time.sleep(0.2)
    for pid in tree:
        os.kill(pid, signal.SIGCONT)
    _, stderr = stalled.communicate(timeout=120)
    return {"stalled": {"exit code": stalled.returncode, "log": stderr, "name": f"-{stalled.pid}"},
            "taken over": status}


def tree_left(pids) -> list[str]:
    """The command lines of those of ``pids`` still running a second later."""
    time.sleep(1)
    return [command_line(pid) for pid in running(pids)]


def done(redis_url) -> list[dict]:
    """What the worker said of each portal it finished (``<ns>:done``)."""
    return [json.loads(summary) for summary in connect(redis_url).hvals(Keys().done)]


def run_with(fault):
    """A module fixture: the crawl of :func:`crawl_with_fault` with ``fault``, run once for every test asking."""
    @pytest.fixture(scope="module")
    def run(fleet, tmp_path_factory):
        return crawl_with_fault(fleet, tmp_path_factory.mktemp(fault.__name__), fault)

    return run


restarted = run_with(restart_redis)
writer_killed = run_with(kill_the_writer)
crawl_stopped = run_with(stop_the_crawl)
worker_stopped = run_with(stop_the_worker)
worker_stalled = run_with(stall_the_worker)


@pytest.mark.parametrize("run", ["restarted", "writer_killed", "crawl_stopped", "worker_stopped", "worker_stalled"])
def test_every_portal_is_crawled_and_every_report_stored_once(run, fleet, request):
    run = request.getfixturevalue(run)
    assert run["exit codes"] == [0, 0]
    assert run["before"] < run["served"]  # the fault struck while pages were being fetched
    status = run["status"]
    assert (status["pending"], status["in_flight"], status["done"], status["failed"]) == (0, 0, PORTALS, 0)
    assert status["results_waiting"] == 0  # every result applied
    db = sqlite_utils.Database(run["data"] / "archive.db")
    served = {r.url for r in fleet.extra_reports if r.portal_id in run["portals"]}
    latest = [row["url"] for row in db.query("select url from reports where is_latest = 1")]
    assert sorted(latest) == sorted(served) and db["reports"].count == len(served)
    assert_verified(run["data"])


def test_results_wait_in_redis_while_no_writer_runs(writer_killed):
    """``govarchive queue`` counts the results no writer has applied: they grew while none ran, and the next
    writer applied every one (none waiting at the end: the test above)."""
    at_kill, later = writer_killed["results waiting"]
    assert later > at_kill


def test_a_stopped_worker_hands_its_portals_back_and_leaves_no_process(worker_stopped):
    stopped = worker_stopped["stopped"]
    assert stopped["exit code"] == 3  # --until-empty, stopped before the queue was empty
    assert stopped["left"] == []  # its crawl and the crawl's extraction worker ended with it
    status = stopped["status"]
    assert status["in_flight"] == 0 and status["in_flight_portals"] == []
    assert status["pending"] == PORTALS - status["done"] > 0
    # the stopped delivery did not count: each portal was finished by its first delivery that was not stopped
    assert sorted(summary["deliveries"] for summary in worker_stopped["done"]) == [1] * PORTALS


def test_a_stalled_worker_leaves_the_portals_taken_over_to_their_new_holder(worker_stalled):
    stalled = worker_stalled["stalled"]
    assert stalled["exit code"] == 0
    assert stalled["log"].count("was taken over by another worker") == PORTALS  # and its crawl stopped
    # each portal's crawl was ended by the worker that took it over, not taken back by the stalled one
    assert sorted(summary["portal"] for summary in worker_stalled["done"]) == sorted(worker_stalled["portals"])
    assert not [summary for summary in worker_stalled["done"] if summary["worker"].endswith(stalled["name"])]
    assert sorted(summary["deliveries"] for summary in worker_stalled["done"]) == [2] * PORTALS
    # ``queue`` showed the worker that took them over holding them all
    assert [worker["portals"] for worker in worker_stalled["taken over"]["workers"]
            if not worker["worker"].endswith(stalled["name"])] == [PORTALS]


def test_a_refresh_keeps_only_the_leases_still_held(redis_url):
    """A worker that stalled past its lease time refreshes its leases: those another worker took over (and
    one it has finished since) are not taken back, but returned; the one still its own is young again."""
    client, keys = connect(redis_url), Keys()
    PortalQueue(client, keys).enqueue([{"id": f"portal{i}"} for i in range(3)], "nightly")
    stalled = PortalQueue(client, keys, "stalled", lease_seconds=1)
    leases = stalled.lease(3)
    time.sleep(1.2)
    other = PortalQueue(client, keys, "other", lease_seconds=1)
    first, second = other.lease(2)
    other.ack(first, {"portal": first.portal["id"]})
    taken = stalled.refresh(leases)
    held = {row["message_id"]: (row["consumer"], row["time_since_delivered"]) for row in
            client.xpending_range(keys.portals, WORKERS, min="-", max="+", count=10)}

    assert [lease.entry for lease in taken] == [first.entry, second.entry] == [lease.entry for lease in leases[:2]]
    assert list(held) == [second.entry, leases[2].entry]
    assert held[second.entry][0] == "other" and held[leases[2].entry][0] == "stalled"
    assert held[leases[2].entry][1] < 500  # milliseconds: refreshed


def test_a_portal_whose_crawl_cannot_run_is_given_up(one_portal, redis_url, tmp_path):
    writer = start("writer", "--redis", redis_url, "--data", tmp_path)  # a crawl asks it what the archive holds
    try:
        govarchive("enqueue", "--redis", redis_url, "--portals", one_portal, "--mode", "backfill")
        # a setting the extraction pipeline refuses: every crawl of the portal stops before it starts
        govarchive("worker", "--redis", redis_url, "--data", tmp_path, "--until-empty", "--lease", "2",
                   "-s", "EXTRACT_PROCESSES=many", timeout=120)
        status = queue_status(redis_url)
        table = govarchive("queue", "--redis", redis_url).stdout
    finally:
        writer.terminate()
        writer.wait()
    assert (status["pending"], status["in_flight"], status["done"], status["failed"]) == (0, 0, 0, 1)
    (failed,) = status["failed_portals"]
    assert failed["portal"] == json.loads(one_portal.read_text())[0]["id"] and failed["deliveries"] == MAX_DELIVERIES
    assert failed["reason"] == f"the crawl did not finish (exit 2) in {MAX_DELIVERIES} deliveries"
    assert failed["reason"] in table and failed["portal"] in table


def test_workers_take_no_portal_while_no_writer_runs(one_portal, redis_url, tmp_path):
    """Without a writer a crawl could not start (it asks the writer what the archive holds) and would use up
    the portal's deliveries: the worker waits for one."""
    worker = writer = None
    try:
        govarchive("enqueue", "--redis", redis_url, "--portals", one_portal, "--mode", "backfill")
        worker = start("worker", "--redis", redis_url, "--data", tmp_path, "--until-empty", *TEST_SETTINGS)
        time.sleep(5)
        waiting = queue_status(redis_url)
        writer = start("writer", "--redis", redis_url, "--data", tmp_path, "--until-empty")
        wait_all(writer, [worker])
        after = queue_status(redis_url)
    finally:
        for process in (worker, writer):
            if process:
                process.kill()
                process.wait()
    assert worker.returncode == writer.returncode == 0
    assert (waiting["pending"], waiting["in_flight"], waiting["writer"]) == (1, 0, None)
    (running,) = waiting["workers"]  # waiting, it is listed all the same
    assert running["worker"].endswith(f"-{worker.pid}") and running["portals"] == 0 and running["since"]
    assert "no writer runs" in worker.stderr.read()
    assert (after["pending"], after["in_flight"], after["done"], after["failed"], after["writer"]) == (0, 0, 1, 0, None)
    assert after["workers"] == []  # gone once it exited


def test_a_crawl_that_finds_no_writer_hands_its_portal_back_uncounted(one_portal, redis_url, tmp_path):
    """The writer went while the crawl waited for its answer: the crawl cannot start, and its portal, not at
    fault, is handed back without using up a delivery."""
    govarchive("enqueue", "--redis", redis_url, "--portals", one_portal, "--mode", "backfill")
    client, keys = connect(redis_url), Keys()
    client.set(keys.writer, "gone-soon", ex=2)  # seen by the worker, gone before it answers
    worker = Worker(client, keys, redis_url, tmp_path, lease_seconds=60, state_timeout=3)
    exit_code = worker.crawl("backfill", worker.queue.lease(1))
    status = queue_status(redis_url)
    (entry,) = client.xpending_range(keys.portals, WORKERS, min="-", max="+", count=10)

    assert exit_code == EXIT_NO_WRITER
    assert (status["pending"], status["in_flight"], status["failed"]) == (1, 0, 0)
    assert entry["times_delivered"] == 0  # the next lease makes it 1


def test_a_dead_workers_portals_are_taken_over_behind_many_live_leases(redis_url):
    """A fleet of workers holds more leases than a lease call looks at with XAUTOCLAIM (ten times its count:
    40 for a batch of 4): the dead worker's leases, behind them, are taken over all the same."""
    client, keys = connect(redis_url), Keys()
    PortalQueue(client, keys).enqueue([{"id": f"portal{i:02d}"} for i in range(60)], "nightly")
    live, dead = (PortalQueue(client, keys, name, lease_seconds=2) for name in ("live", "dead"))
    held, lost = live.lease(50), dead.lease(10)
    time.sleep(2.5)
    live.refresh(held)  # alive: its leases are young again, the dead one's have run out
    taken = PortalQueue(client, keys, "other", lease_seconds=2).lease(4)

    assert [lease.entry for lease in taken] == [lease.entry for lease in lost[:4]]
    assert [lease.deliveries for lease in taken] == [2] * 4


def test_a_portal_already_queued_is_not_queued_again(fleet, redis_url, tmp_path):
    """A nightly enqueue while the last night's crawl of a portal is still pending or in flight: two crawls of
    one portal at once would double what its host is asked for."""
    registry = tmp_path / "portals.json"
    portals = json.loads(fleet.write_registry(tmp_path / "fleet.json").read_text())[:3]
    registry.write_text(json.dumps(portals[:2]))
    first = govarchive("enqueue", "--redis", redis_url, "--portals", registry, "--mode", "backfill").stdout
    registry.write_text(json.dumps(portals))
    second = govarchive("enqueue", "--redis", redis_url, "--portals", registry).stdout
    status = queue_status(redis_url)

    assert first.startswith("queued 2 portal(s) for a backfill crawl")
    assert second.splitlines()[0].startswith("queued 1 portal(s) for a nightly crawl")
    assert second.splitlines()[1] == (f"2 already queued (2 backfill), not queued again: "
                                      f"{', '.join(sorted(p['id'] for p in portals[:2]))}")
    assert (status["pending"], status["in_flight"]) == (3, 0)


def test_a_command_that_finds_no_redis_says_so_in_one_line():
    result = govarchive("queue", "--redis", "redis://127.0.0.1:1/0", check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == ["Error: no answer from Redis at redis://127.0.0.1:1/0: "
                                                  "Error 111 connecting to 127.0.0.1:1. Connection refused."]


def test_results_handed_to_the_writer_unawares_are_applied(redis_url, tmp_path):
    """A reply lost with its connection leaves messages pending on the writer that it never saw: it reads them
    once nothing new comes. Here a transaction adds a message and hands it to the writer's name at once (the
    writer, blocked on new messages, is not woken)."""
    writer = start("writer", "--redis", redis_url, "--data", tmp_path)
    try:
        client, keys = connect(redis_url), Keys()
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
    db = sqlite_utils.Database(tmp_path / "archive.db")
    assert [row["run_key"] for row in db.query("select run_key from crawls")] == ["lost-reply"]


def test_a_writer_brings_up_to_date_the_search_index_its_predecessor_left_behind(crawled_archive, redis_url, tmp_path):
    """A writer killed after it stored reports and before it indexed them: the next one indexes them, even with
    nothing left to apply (Datasette reads the index as it is)."""
    data = tmp_path / "data"
    shutil.copytree(crawled_archive[0], data, ignore=shutil.ignore_patterns("*.lock"))
    db = sqlite_utils.Database(data / "archive.db")
    db.execute("delete from reports_fts_info")  # as if the last reports had been stored after the index
    db.conn.commit()
    assert not index_is_current(db)
    govarchive("writer", "--redis", redis_url, "--data", data, "--until-empty", timeout=120)

    assert index_is_current(sqlite_utils.Database(data / "archive.db"))
