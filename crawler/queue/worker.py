"""``govarchive worker``: lease portals from the queue, crawl them, acknowledge them.

Each round leases up to ``batch`` portals (a dead worker's first, once their lease has run out) and crawls
those of one mode together in a child process (crawler/queue/crawl.py), refreshing the leases while it
runs. A crawl that finished (exit 0 or 1) acknowledges its entries; one that did not (it could not run, or
a signal stopped it) leaves them to be leased again, and after MAX_DELIVERIES they are given up. Killed at
any moment, a worker loses nothing: its child ends with it, and its entries go to another worker once their
lease runs out.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
from itertools import groupby

from crawler.queue.keys import Keys
from crawler.queue.portals import MAX_DELIVERIES, Lease, PortalQueue

logger = logging.getLogger(__name__)


class Worker:
    def __init__(self, client, keys: Keys, redis_url: str, data_dir, lease_seconds: float = 120.0, batch: int = 4,
                 settings: dict | None = None, state_timeout: float = 300.0):
        self.name = f"{socket.gethostname()}-{os.getpid()}"
        self.queue = PortalQueue(client, keys, self.name, lease_seconds)
        self.keys = keys
        self.redis_url = redis_url
        self.data_dir = str(data_dir)
        self.lease_seconds = lease_seconds
        self.batch = batch
        self.settings = settings or {}
        self.state_timeout = state_timeout

    def run(self, until_empty: bool = False, poll: float = 1.0) -> int:
        """Crawl leased portals until stopped, or (``until_empty``) until the queue holds nothing pending or in
        flight."""
        while True:
            leases = self.queue.lease(self.batch)
            if not leases:
                if until_empty and self.queue.is_empty():
                    return 0
                time.sleep(poll)
                continue
            for mode, group in groupby(sorted(leases, key=lambda lease: lease.mode), key=lambda lease: lease.mode):
                self.crawl(mode, list(group))

    def crawl(self, mode: str, leases: list[Lease]) -> int:
        """Crawl the portals of ``leases`` in a child process, keeping the leases; then end them."""
        alive, child_end = os.pipe()[::-1]  # the worker keeps the write end: the child sees EOF when it dies
        command = [sys.executable, "-m", "crawler.queue.crawl", "--redis", self.redis_url, "--ns", self.keys.ns,
                   "--data", self.data_dir, "--mode", mode, "--alive-fd", str(child_end),
                   "--state-timeout", str(self.state_timeout), "--settings", json.dumps(self.settings),
                   "--leases", json.dumps([{"entry": lease.entry, "portal": lease.portal} for lease in leases],
                                          ensure_ascii=False)]
        started = time.monotonic()
        child = subprocess.Popen(command, pass_fds=[child_end])
        os.close(child_end)
        try:
            while child.poll() is None:
                self.queue.refresh(leases)
                try:
                    child.wait(timeout=self.lease_seconds / 4)
                except subprocess.TimeoutExpired:
                    pass
        finally:
            os.close(alive)
        self.end(leases, child.returncode, time.monotonic() - started)
        return child.returncode

    def end(self, leases: list[Lease], exit_code: int, seconds: float) -> None:
        for lease in leases:
            if exit_code in (0, 1):
                self.queue.ack(lease, {"portal": lease.portal.get("id"), "worker": self.name, "exit_code": exit_code,
                                       "seconds": round(seconds, 1), "deliveries": lease.deliveries})
            elif lease.deliveries >= MAX_DELIVERIES:
                self.queue.fail(lease, f"the crawl did not finish (exit {exit_code}) in {lease.deliveries} deliveries")
            else:
                logger.warning("portal %s: the crawl did not finish (exit %s); it will be leased again",
                               lease.portal.get("id"), exit_code)
