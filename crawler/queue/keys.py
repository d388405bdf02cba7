"""The Redis keys of one queue namespace, and the connection to it."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass

import redis
from redis.backoff import EqualJitterBackoff
from redis.retry import Retry

DEFAULT_NAMESPACE = "govarchive"
WORKERS = "workers"  # consumer group of the portal stream
WRITERS = "writers"  # consumer group of the results stream
#: How the processes that run for hours (a worker, its crawl, the writer) ride out a Redis restart or failover:
#: a command whose connection fails is sent again once Redis answers, after 0.2 s doubling up to 5 s (half of it
#: at random, so that a fleet of workers does not reconnect at once), and connecting is retried the same way.
#: With Redis gone for good such a process gives up after about a minute (61 s measured; it exits, and its
#: portals come back to the queue after their lease).
OUTAGE_RETRY = Retry(EqualJitterBackoff(cap=5.0, base=0.1), retries=12)


@dataclass(frozen=True)
class Keys:
    ns: str = DEFAULT_NAMESPACE

    @property
    def portals(self) -> str:
        """Stream: one entry per portal crawl to run (``portal``: the registry entry as JSON, ``mode``), deleted
        once the crawl is done or given up."""
        return f"{self.ns}:portals"

    @property
    def results(self) -> str:
        """Stream: rows for the archive database, and state requests, in the order the workers made them."""
        return f"{self.ns}:results"

    @property
    def done(self) -> str:
        """Hash: portal id -> what its latest crawl from the queue did, when it was not given up (JSON)."""
        return f"{self.ns}:done"

    @property
    def failed(self) -> str:
        """Hash: portal id -> why its latest crawl from the queue was given up (JSON)."""
        return f"{self.ns}:failed"

    @property
    def writer(self) -> str:
        """String, a sign of life (crawler/queue/alive.py): the running writer's name (host-pid). Workers take
        no portal without one (their crawls would wait for its answer, fail, and use up the portals'
        deliveries)."""
        return f"{self.ns}:writer"

    def worker(self, name: str) -> str:
        """String, a sign of life (crawler/queue/alive.py): when the worker ``name`` (host-pid) started."""
        return f"{self.ns}:workers:{name}"

    def state(self, entry: str) -> str:
        """List: the writer's answer to a state request for a portal entry (JSON, read once)."""
        return f"{self.ns}:state:{entry}"

    def runs(self, entry: str) -> str:
        """List: the run keys of the crawls of a portal entry, one a delivery, oldest first. A redelivery marks
        the earlier ones interrupted and serves what they archived from the WARC files (crawler/queue/state.py)."""
        return f"{self.ns}:runs:{entry}"


def process_name() -> str:
    """This process as the queue names it, ``host-pid``: a worker's consumer name, the writer's sign of life,
    a crawl's run key and log file."""
    return f"{socket.gethostname()}-{os.getpid()}"


def connect(url: str, patient: bool = False) -> redis.Redis:
    """A client for ``redis://host:port/db``, answering str (UTF-8). ``patient``: it waits for Redis through an
    outage (:data:`OUTAGE_RETRY`), for the long-running processes; a one-off command (``enqueue``, ``queue``)
    fails within seconds instead (redis-py's own retries)."""
    return redis.Redis.from_url(url, decode_responses=True, **({"retry": OUTAGE_RETRY} if patient else {}))


def ensure_group(client: redis.Redis, stream: str, group: str) -> None:
    """Create the consumer group ``group`` of ``stream`` (and the stream) unless it exists: every process that
    reads a stream makes sure of it, whichever starts first."""
    try:
        client.xgroup_create(stream, group, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise
