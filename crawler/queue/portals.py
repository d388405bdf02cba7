"""The portal queue: entries added by ``govarchive enqueue``, leased by workers, acknowledged when crawled.

A lease is a pending entry of the consumer group ``workers``: XREADGROUP hands out new entries, XAUTOCLAIM
those a consumer has held longer than the lease time without refreshing them (a dead worker), XCLAIM with
no minimum idle time refreshes a lease, XACK ends it. A worker that stops hands its leases back unfinished
(``release``): XCLAIM makes them idle for longer than any lease (:data:`HANDED_BACK_MS`), so that the next
worker to lease takes them at once, and puts their delivery count back. Entries stay in the stream once
acknowledged (so the group's lag counts exactly the entries not yet handed out); ``<ns>:done`` and
``<ns>:failed`` say how each ended.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import redis

from crawler.queue.keys import WORKERS, Keys, ensure_group

MAX_DELIVERIES = 4  # a portal whose crawl has failed this often is given up (``<ns>:failed``)
HANDED_BACK_MS = 365 * 24 * 3600 * 1000  # the idle time of a lease handed back: longer than any lease


@dataclass(frozen=True)
class Lease:
    entry: str
    """The stream entry id."""
    portal: dict
    """The registry entry of the portal (crawler/portals.json format)."""
    mode: str
    """``nightly`` or ``backfill``."""
    deliveries: int = 1


class PortalQueue:
    def __init__(self, client: redis.Redis, keys: Keys, consumer: str = "", lease_seconds: float = 120.0):
        self.client = client
        self.keys = keys
        self.consumer = consumer
        self.lease_ms = int(lease_seconds * 1000)

    def ensure_group(self) -> None:
        ensure_group(self.client, self.keys.portals, WORKERS)

    def enqueue(self, portals: list[dict], mode: str) -> list[str]:
        """One entry per portal; their ids."""
        self.ensure_group()
        pipe = self.client.pipeline()
        for portal in portals:
            pipe.xadd(self.keys.portals, {"portal": json.dumps(portal, ensure_ascii=False), "mode": mode})
        return pipe.execute()

    def lease(self, count: int) -> list[Lease]:
        """Up to ``count`` entries for this consumer: first those whose lease ran out, then new ones."""
        self.ensure_group()
        _, claimed, _ = self.client.xautoclaim(self.keys.portals, WORKERS, self.consumer, self.lease_ms,
                                               start_id="0-0", count=count)
        fresh = []
        if len(claimed) < count:
            answer = self.client.xreadgroup(WORKERS, self.consumer, {self.keys.portals: ">"},
                                            count=count - len(claimed))
            fresh = answer[0][1] if answer else []
        deliveries = self._deliveries([entry for entry, _ in claimed])
        return [Lease(entry, json.loads(fields["portal"]), fields["mode"], deliveries.get(entry, 1))
                for entry, fields in [*claimed, *fresh] if fields]

    def _deliveries(self, entries: list[str]) -> dict[str, int]:
        if not entries:
            return {}
        pending = self.client.xpending_range(self.keys.portals, WORKERS, min="-", max="+", count=10_000,
                                             consumername=self.consumer)
        return {row["message_id"]: row["times_delivered"] for row in pending if row["message_id"] in entries}

    def refresh(self, leases: list[Lease]) -> None:
        """Keep the leases: their idle time starts again (a worker alive and still crawling)."""
        if leases:
            self.client.xclaim(self.keys.portals, WORKERS, self.consumer, 0, [lease.entry for lease in leases],
                               justid=True)

    def release(self, leases: list[Lease]) -> None:
        """Hand the leases back unfinished (this worker stops): any worker leases them at once, and this
        delivery does not count against MAX_DELIVERIES (it was not the portal's fault)."""
        pipe = self.client.pipeline()
        for lease in leases:
            pipe.xclaim(self.keys.portals, WORKERS, self.consumer, 0, [lease.entry], idle=HANDED_BACK_MS,
                        retrycount=lease.deliveries - 1, justid=True)
        pipe.execute()

    def ack(self, lease: Lease, summary: dict) -> None:
        """The portal's crawl is over: the entry is done, and what it fetched need not be kept for reuse."""
        pipe = self.client.pipeline()
        pipe.hset(self.keys.done, lease.entry, json.dumps(summary, ensure_ascii=False))
        pipe.xack(self.keys.portals, WORKERS, lease.entry)
        pipe.delete(self.keys.fetched(lease.entry), self.keys.crawl_of(lease.entry))
        pipe.execute()

    def fail(self, lease: Lease, reason: str) -> None:
        """Give the portal up (its crawl failed MAX_DELIVERIES times): the entry ends in ``<ns>:failed``."""
        record = {"portal": lease.portal.get("id"), "reason": reason, "deliveries": lease.deliveries,
                  "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        pipe = self.client.pipeline()
        pipe.hset(self.keys.failed, lease.entry, json.dumps(record, ensure_ascii=False))
        pipe.xack(self.keys.portals, WORKERS, lease.entry)
        pipe.delete(self.keys.fetched(lease.entry))
        pipe.execute()

    def counts(self) -> dict:
        """``pending`` (not handed out yet, or handed back), ``in_flight`` (leased), ``done``, ``failed``."""
        self.ensure_group()
        group = next(g for g in self.client.xinfo_groups(self.keys.portals) if g["name"] == WORKERS)
        lag = group.get("lag")
        if lag is None:  # Redis cannot tell (older than 7, or entries deleted): count them
            lag = len(self.client.xrange(self.keys.portals, min=f"({group['last-delivered-id']}", max="+"))
        handed_back = len(self.client.xpending_range(self.keys.portals, WORKERS, min="-", max="+", count=10_000,
                                                     idle=HANDED_BACK_MS))
        return {"pending": lag + handed_back, "in_flight": group["pending"] - handed_back,
                "done": self.client.hlen(self.keys.done), "failed": self.client.hlen(self.keys.failed)}

    def is_empty(self) -> bool:
        """Nothing pending and nothing in flight."""
        counts = self.counts()
        return counts["pending"] == 0 and counts["in_flight"] == 0

    def failed_portals(self) -> list[dict]:
        """The entries given up: ``entry, portal, reason, deliveries, at``, the latest first."""
        failed = self.client.hgetall(self.keys.failed)
        rows = [{"entry": entry, **json.loads(record)} for entry, record in failed.items()]
        return sorted(rows, key=lambda row: row["at"], reverse=True)

    def in_flight(self) -> list[dict]:
        """The leased entries: ``entry, worker, idle_seconds, deliveries``, and the portal of each."""
        self.ensure_group()
        rows = [row for row in self.client.xpending_range(self.keys.portals, WORKERS, min="-", max="+", count=10_000)
                if row["time_since_delivered"] < HANDED_BACK_MS]
        portals = {entry: json.loads(fields["portal"]).get("id") for entry, fields in
                   self.client.xrange(self.keys.portals, min=rows[0]["message_id"], max=rows[-1]["message_id"])} \
            if rows else {}
        return [{"entry": row["message_id"], "portal": portals.get(row["message_id"]), "worker": row["consumer"],
                 "idle_seconds": round(row["time_since_delivered"] / 1000, 1), "deliveries": row["times_delivered"]}
                for row in rows]
