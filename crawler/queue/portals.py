"""The portal queue: entries added by ``govarchive enqueue``, leased by workers, acknowledged when crawled.

A lease is a pending entry of the consumer group ``workers``: XREADGROUP hands out new entries, XPENDING
with IDLE finds those a consumer has held longer than the lease time without refreshing them (a dead
worker) and XCLAIM takes them over, XCLAIM with no minimum idle time refreshes a lease (only while its
worker still holds it: a worker that stalled past its lease time does not take back what another took
over), XACK ends it. A worker that stops hands its leases back unfinished (``release``): XCLAIM makes them
idle for longer than any lease (:data:`HANDED_BACK_MS`), so that the next worker to lease takes them at
once, and puts their delivery count back.

An entry is deleted once acknowledged, so the stream holds only what is pending or in flight: a queue fed
every night stays the size of one night, what waits to be handed out is the stream's length less the
group's pending entries, and ``enqueue`` skips a portal already queued (two crawls of one portal at once
would double what its host is asked for). ``<ns>:done`` and ``<ns>:failed`` keep how each portal's latest
crawl from the queue ended.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import redis

from crawler.queue.keys import WORKERS, Keys, ensure_group

MAX_DELIVERIES = 4  # a portal whose crawl has failed this often is given up (``<ns>:failed``)
HANDED_BACK_MS = 365 * 24 * 3600 * 1000  # the idle time of a lease handed back: longer than any lease
# KEYS[1] the stream; ARGV: the group, the consumer, entry ids. Refreshes those the consumer still holds (XCLAIM
# alone would take an entry from whoever holds it); returns the others. One script: no XACK or takeover between
# the look and the claim.
_REFRESH_HELD = """
local taken = {}
for i = 3, #ARGV do
  local held = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)[1]
  if held and held[2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
  else
    taken[#taken + 1] = ARGV[i]
  end
end
return taken
"""


def timestamp() -> str:
    """Now, in UTC, to the second: ``2026-12-04T15:36:23Z``."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass(frozen=True)
class Lease:
    entry: str
    """The stream entry id."""
    portal: dict
    """The registry entry of the portal (crawler/portals.json format)."""
    mode: str
    """``nightly`` or ``backfill``."""
    deliveries: int = 1

    @classmethod
    def of(cls, entry: str, fields: dict, deliveries: int = 1) -> "Lease":
        """The lease of a stream entry, from its fields as ``enqueue`` wrote them."""
        return cls(entry, json.loads(fields["portal"]), fields["mode"], deliveries)


class PortalQueue:
    def __init__(self, client: redis.Redis, keys: Keys, consumer: str = "", lease_seconds: float = 120.0):
        self.client = client
        self.keys = keys
        self.consumer = consumer
        self.lease_ms = int(lease_seconds * 1000)
        self._refresh_held = client.register_script(_REFRESH_HELD)

    def ensure_group(self) -> None:
        ensure_group(self.client, self.keys.portals, WORKERS)

    def enqueue(self, portals: list[dict], mode: str) -> tuple[list[str], dict[str, str]]:
        """One entry per portal not queued yet: their ids, and ``portal id -> mode`` of those already queued
        (pending or in flight), which are left as they are."""
        self.ensure_group()
        queued = self.queued()
        skipped = {portal["id"]: queued[portal["id"]] for portal in portals if portal["id"] in queued}
        pipe = self.client.pipeline()
        for portal in portals:
            if portal["id"] not in skipped:
                pipe.xadd(self.keys.portals, {"portal": json.dumps(portal, ensure_ascii=False), "mode": mode})
        return pipe.execute(), skipped

    def queued(self) -> dict[str, str]:
        """``portal id -> mode`` of every entry pending or in flight (the stream holds no other)."""
        entries = self.client.xrange(self.keys.portals)
        return {json.loads(fields["portal"])["id"]: fields["mode"] for _, fields in entries}

    def lease(self, count: int) -> list[Lease]:
        """Up to ``count`` entries for this consumer: first those whose lease ran out, then new ones."""
        self.ensure_group()
        claimed = self._take_over(count)
        fresh = []
        if len(claimed) < count:
            answer = self.client.xreadgroup(WORKERS, self.consumer, {self.keys.portals: ">"},
                                            count=count - len(claimed))
            fresh = [Lease.of(entry, fields) for entry, fields in (answer[0][1] if answer else [])]
        return [*claimed, *fresh]

    def _take_over(self, count: int) -> list[Lease]:
        """Up to ``count`` entries whose lease ran out (a dead worker's, or handed back), claimed for this one.

        XPENDING with IDLE finds them in the whole pending list; XCLAIM with the same minimum idle time takes
        only those no other worker has claimed meanwhile. (XAUTOCLAIM looks at ten times its count of
        entries a call: behind the live leases of a fleet of workers, a dead one's would never be reached.)"""
        expired = self.client.xpending_range(self.keys.portals, WORKERS, min="-", max="+", count=count,
                                             idle=self.lease_ms)
        if not expired:
            return []
        deliveries = {row["message_id"]: row["times_delivered"] + 1 for row in expired}
        claimed = self.client.xclaim(self.keys.portals, WORKERS, self.consumer, self.lease_ms, list(deliveries))
        return [Lease.of(entry, fields, deliveries[entry]) for entry, fields in claimed if fields]

    def refresh(self, leases: list[Lease]) -> list[Lease]:
        """Keep the leases this worker still holds: their idle time starts again (a worker alive and still
        crawling). Returns the others: their lease ran out while this worker stalled (a suspended machine, a
        stopped process), and another worker took them over, or has already finished them."""
        if not leases:
            return []
        taken = set(self._refresh_held(keys=[self.keys.portals],
                                       args=[WORKERS, self.consumer, *(lease.entry for lease in leases)]))
        return [lease for lease in leases if lease.entry in taken]

    def release(self, leases: list[Lease]) -> None:
        """Hand the leases back unfinished (this worker stops): any worker leases them at once, and this
        delivery does not count against MAX_DELIVERIES (it was not the portal's fault)."""
        pipe = self.client.pipeline()
        for lease in leases:
            pipe.xclaim(self.keys.portals, WORKERS, self.consumer, 0, [lease.entry], idle=HANDED_BACK_MS,
                        retrycount=lease.deliveries - 1, justid=True)
        pipe.execute()

    def ack(self, lease: Lease, summary: dict) -> None:
        """The portal's crawl is over: it is done (``summary``: what its crawl did), and its entry goes."""
        self._end(lease, self.keys.done, summary)

    def fail(self, lease: Lease, reason: str) -> None:
        """Give the portal up (its crawl failed MAX_DELIVERIES times): it is failed, and its entry goes."""
        self._end(lease, self.keys.failed, {"portal": lease.portal["id"], "reason": reason,
                                            "deliveries": lease.deliveries})

    def _end(self, lease: Lease, outcome: str, record: dict) -> None:
        """In one transaction: the portal's latest outcome (``<ns>:done`` or ``<ns>:failed``, out of the other),
        the entry acknowledged and deleted, and what was kept for a redelivery dropped."""
        portal = lease.portal["id"]
        record = {**record, "entry": lease.entry, "at": timestamp()}
        pipe = self.client.pipeline()
        pipe.hset(outcome, portal, json.dumps(record, ensure_ascii=False))
        pipe.hdel(self.keys.failed if outcome == self.keys.done else self.keys.done, portal)
        pipe.xack(self.keys.portals, WORKERS, lease.entry)
        pipe.xdel(self.keys.portals, lease.entry)
        pipe.delete(self.keys.runs(lease.entry))
        pipe.execute()

    def counts(self) -> dict:
        """``pending`` (not handed out yet, or handed back) and ``in_flight`` (leased) entries; portals whose
        latest crawl from the queue is ``done``, or ``failed``; ``results_waiting``: the workers' results the
        writer has not applied yet (it deletes each once applied), which grow while no writer runs."""
        self.ensure_group()
        pipe = self.client.pipeline()  # one transaction: the figures agree with each other
        pipe.xinfo_groups(self.keys.portals)
        pipe.xpending_range(self.keys.portals, WORKERS, min="-", max="+", count=10_000, idle=HANDED_BACK_MS)
        pipe.xlen(self.keys.portals).hlen(self.keys.done).hlen(self.keys.failed).xlen(self.keys.results)
        groups, handed_back, entries, done, failed, results = pipe.execute()
        leased = next(group for group in groups if group["name"] == WORKERS)["pending"] - len(handed_back)
        return {"pending": entries - leased, "in_flight": leased, "done": done, "failed": failed,
                "results_waiting": results}

    def is_empty(self) -> bool:
        """Nothing pending and nothing in flight."""
        counts = self.counts()
        return counts["pending"] == 0 and counts["in_flight"] == 0

    def writer(self) -> str | None:
        """The running writer's name (host-pid), or None."""
        return self.client.get(self.keys.writer)

    def workers(self) -> list[dict]:
        """The workers running (their signs of life): ``worker`` (host-pid) and ``since`` (when it started)."""
        names = sorted(self.client.scan_iter(match=self.keys.worker("*"), count=1000))
        started = self.client.mget(names) if names else []
        prefix = len(self.keys.worker(""))
        return [{"worker": name[prefix:], "since": since} for name, since in zip(names, started) if since]

    def failed_portals(self) -> list[dict]:
        """The portals given up: ``portal, reason, deliveries, entry, at``, the latest first."""
        rows = [json.loads(record) for record in self.client.hvals(self.keys.failed)]
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
