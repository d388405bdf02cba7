"""The Redis keys of one queue namespace, and the connection to it."""

from __future__ import annotations

from dataclasses import dataclass

import redis

DEFAULT_NAMESPACE = "govarchive"
WORKERS = "workers"  # consumer group of the portal stream
WRITERS = "writers"  # consumer group of the results stream


@dataclass(frozen=True)
class Keys:
    ns: str = DEFAULT_NAMESPACE

    @property
    def portals(self) -> str:
        """Stream: one entry per portal crawl to run (``portal``: the registry entry as JSON, ``mode``)."""
        return f"{self.ns}:portals"

    @property
    def results(self) -> str:
        """Stream: rows for the archive database, and state requests, in the order the workers made them."""
        return f"{self.ns}:results"

    @property
    def done(self) -> str:
        """Hash: portal entry id -> what its crawl did (JSON)."""
        return f"{self.ns}:done"

    @property
    def failed(self) -> str:
        """Hash: portal entry id -> why it was given up (JSON)."""
        return f"{self.ns}:failed"

    def fetched(self, entry: str) -> str:
        """Hash: URL -> capture (JSON) of the pages fetched for a portal entry, for a redelivery to reuse."""
        return f"{self.ns}:fetched:{entry}"

    def state(self, entry: str) -> str:
        """List: the writer's answer to a state request for a portal entry (JSON, read once)."""
        return f"{self.ns}:state:{entry}"

    def crawl_of(self, entry: str) -> str:
        """String: the run key of the latest crawl of a portal entry (marked interrupted on redelivery)."""
        return f"{self.ns}:crawl:{entry}"


def connect(url: str) -> redis.Redis:
    """A client for ``redis://host:port/db``, answering str (UTF-8)."""
    return redis.Redis.from_url(url, decode_responses=True)


def ensure_group(client: redis.Redis, stream: str, group: str) -> None:
    """Create the consumer group ``group`` of ``stream`` (and the stream) unless it exists: every process that
    reads a stream makes sure of it, whichever starts first."""
    try:
        client.xgroup_create(stream, group, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise
