"""``govarchive worker``: lease portals from the queue, crawl them, acknowledge them.

Each round leases up to ``batch`` portals (a dead worker's first, once their lease has run out) and crawls
those of one mode together in a child process (crawler/queue/crawl.py), refreshing the leases while it
runs. A crawl that finished (exit 0 or 1) acknowledges its entries; one that did not (it could not run, or
a signal stopped it) leaves them to be leased again, and after MAX_DELIVERIES they are given up; one that
could not run for want of a writer hands them back, not counted. Killed at any moment, a worker loses
nothing: its child ends with it, and its entries go to another worker once their lease runs out. While no
writer runs, it takes no portal. A worker that stalled past its lease time (a suspended machine) and finds, at
its next refresh, that another worker took over some of its portals, stops its crawl: they are being crawled
there. It leaves those to their new holder and hands the rest back.

Stopped (SIGTERM, as ``kill`` and systemd send, or SIGINT, Ctrl-C), a worker stops its crawl as Scrapy
does on SIGTERM (a second signal forces it), hands its portals back unfinished, and exits: another worker
leases them at once, and resumes them from what this one archived. The crawl runs in a process group of its
own, so that a Ctrl-C reaches it once, through the worker.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from itertools import groupby

from crawler.queue.alive import signs_of_life
from crawler.queue.crawl import EXIT_INTERRUPTED, EXIT_NO_WRITER
from crawler.queue.keys import Keys, process_name
from crawler.queue.portals import MAX_DELIVERIES, Lease, PortalQueue, timestamp

logger = logging.getLogger(__name__)
SIGNAL_POLL = 0.5  # seconds: how soon a signal to the worker reaches its crawl


class Worker:
    def __init__(self, client, keys: Keys, redis_url: str, data_dir, lease_seconds: float = 120.0, batch: int = 4,
                 settings: dict | None = None, state_timeout: float = 300.0):
        self.name = process_name()
        self.queue = PortalQueue(client, keys, self.name, lease_seconds)
        self.keys = keys
        self.redis_url = redis_url
        self.data_dir = str(data_dir)
        self.lease_seconds = lease_seconds
        self.batch = batch
        self.settings = settings or {}
        self.state_timeout = state_timeout
        self.stops = 0
        """SIGTERM and SIGINT received."""
        self.saw_writer = True
        """Whether the last look found a writer (so that the log says only when that changes)."""

    def run(self, until_empty: bool = False, poll: float = 1.0) -> int:
        """Crawl leased portals until stopped (exit 0), or (``until_empty``) until the queue holds nothing
        pending or in flight (exit 0; stopped before, exit 3)."""
        handlers = {signum: signal.signal(signum, self.stop) for signum in (signal.SIGTERM, signal.SIGINT)}
        try:
            with signs_of_life(self.queue.client, self.keys.worker(self.name), timestamp()):
                return self._run(until_empty, poll)
        finally:
            for signum, handler in handlers.items():
                signal.signal(signum, handler)

    def _run(self, until_empty: bool, poll: float) -> int:
        while not self.stops:
            leases = self.queue.lease(self.batch) if self.writer_running() else []
            if not leases:
                if until_empty and self.queue.is_empty():
                    return 0
                time.sleep(poll)
            for mode, group in groupby(sorted(leases, key=lambda lease: lease.mode), key=lambda lease: lease.mode):
                self.crawl(mode, list(group))
        return EXIT_INTERRUPTED if until_empty else 0

    def writer_running(self) -> bool:
        """Whether a writer runs (``<ns>:writer``): without one, a crawl would wait for its answer, fail, and use
        up its portals' deliveries. Logged when it changes."""
        writer = self.queue.writer()
        if (writer is not None) != self.saw_writer:
            if writer:
                logger.info("the writer %s runs: taking portals", writer)
            else:
                logger.warning("no writer runs (govarchive writer): taking no portal until one does")
            self.saw_writer = writer is not None
        return writer is not None

    def stop(self, signum, frame) -> None:
        """SIGTERM or SIGINT: take no more portals, and stop the crawl under way (:meth:`crawl` passes each
        signal on as a SIGTERM: Scrapy closes the crawl on the first and forces it on the second)."""
        self.stops += 1

    def crawl(self, mode: str, leases: list[Lease]) -> int | None:
        """Crawl the portals of ``leases`` in a child process, keeping the leases; then end them. Once the worker
        is stopping, hand them back instead (None)."""
        if self.stops:
            self.queue.release(leases)
            return None
        alive, child_end = os.pipe()[::-1]  # the worker keeps the write end: the child sees EOF when it dies
        command = [sys.executable, "-m", "crawler.queue.crawl", "--redis", self.redis_url, "--ns", self.keys.ns,
                   "--data", self.data_dir, "--mode", mode, "--alive-fd", str(child_end),
                   "--state-timeout", str(self.state_timeout), "--settings", json.dumps(self.settings),
                   "--leases", json.dumps([{"entry": lease.entry, "portal": lease.portal} for lease in leases],
                                          ensure_ascii=False)]
        started = time.monotonic()
        child = subprocess.Popen(command, pass_fds=[child_end], process_group=0)
        os.close(child_end)
        try:
            taken = self.watch(child, leases)
        finally:
            os.close(alive)
        self.end([lease for lease in leases if lease not in taken], child.returncode, time.monotonic() - started,
                 stopped=bool(taken))
        return child.returncode

    def watch(self, child: subprocess.Popen, leases: list[Lease]) -> list[Lease]:
        """Wait for the crawl to end, refreshing its leases every quarter of the lease time, and passing each
        signal the worker receives on to it. Returns the leases another worker took over meanwhile: on finding
        the first, the crawl is stopped as by a signal."""
        refreshed, passed_on, taken = time.monotonic(), 0, []
        while child.poll() is None:
            for _ in range(passed_on, self.stops):
                child.send_signal(signal.SIGTERM)
            passed_on = self.stops
            if time.monotonic() - refreshed >= self.lease_seconds / 4:
                lost = self.queue.refresh([lease for lease in leases if lease not in taken])
                refreshed = time.monotonic()
                if lost and not taken:
                    child.send_signal(signal.SIGTERM)
                for lease in lost:
                    logger.warning("portal %s was taken over by another worker (this one stalled past its lease): "
                                   "its crawl here stops", lease.portal.get("id"))
                taken += lost
            try:
                child.wait(timeout=SIGNAL_POLL)
            except subprocess.TimeoutExpired:
                pass
        return taken

    def end(self, leases: list[Lease], exit_code: int, seconds: float, stopped: bool = False) -> None:
        """Acknowledge the leases of a crawl that finished; hand them back, not counted, when the crawl was
        ``stopped`` by the worker (its portals taken over in part) or could not run for want of a writer;
        otherwise leave them to be leased again, or give them up after MAX_DELIVERIES."""
        if exit_code == EXIT_NO_WRITER:
            logger.warning("the crawl found no writer to answer it: its portals are handed back")
        for lease in leases:
            if exit_code in (0, 1):
                self.queue.ack(lease, {"portal": lease.portal.get("id"), "worker": self.name, "exit_code": exit_code,
                                       "seconds": round(seconds, 1), "deliveries": lease.deliveries})
            elif stopped or self.stops or exit_code == EXIT_NO_WRITER:
                self.queue.release([lease])  # not the portal's fault: the delivery does not count
            elif lease.deliveries >= MAX_DELIVERIES:
                self.queue.fail(lease, f"the crawl did not finish (exit {exit_code}) in {lease.deliveries} deliveries")
            else:
                logger.warning("portal %s: the crawl did not finish (exit %s); it will be leased again",
                               lease.portal.get("id"), exit_code)
