"""The results stream: what a worker's crawl would write to the archive database, as messages to the writer.

A message is ``{kind, body}`` (body: JSON). Kinds, and what the writer does with each (:func:`apply`):

=====================  ======================================================================================
``crawl_start``        a ``crawls`` row for the run ``key`` (``run_key``), unless there is one
``crawl_interrupted``  the run ``key`` was killed (its portals were given to another worker)
``portals``            the ``portals`` rows of a run, and its ``crawls.portals``
``capture``            a ``captures`` row (``capture_key`` = ``key``), unless there is one
``flag``               an ``error`` on the capture ``key``
``report``             a report version (archive.db.save_report: the same text twice is one row), its
                       attachments and its statistics (figures and checks, replaced)
``listing``            a listing page (archive.db.remember_listing, at the time it was seen)
``crawl_finish``       the run's counts, exit code and status
``state``              a worker asks what the archive knows of a portal (crawler/queue/state.py)
=====================  ======================================================================================

Every kind is idempotent, so a message the writer applies twice (it died between applying a batch and
acknowledging it) changes nothing.
"""

from __future__ import annotations

import json
import time

import redis
import sqlite_utils

from archive import db as archive_db
from crawler.queue.keys import Keys
from crawler.queue.state import portal_state

STATE_TTL = 3600  # seconds an unread state answer is kept


class ResultSender:
    """The worker's side: send rows to the writer, in order, a batch at a time.

    Messages wait in a pipeline and go to Redis in the order they were sent, in one round trip, once
    FLUSH_COMMANDS are waiting or the oldest has waited FLUSH_SECONDS (checked as the next one is sent), and
    at :meth:`flush`. A round trip per row cost the reactor more than the WARC record. Nothing is lost by
    waiting: a crawl flushes before it ends (crawler/queue/store.py), and its worker acknowledges a portal
    only once the crawl has ended; a crawl killed meanwhile loses its unsent rows, and its portals are crawled
    again, refetching what it archived since its last flush (a WARC record without a row). A capture row is
    sent only after the WARC record it points at is written: the crash guarantee of the single process crawl.
    """

    FLUSH_COMMANDS = 64
    FLUSH_SECONDS = 0.1

    def __init__(self, client: redis.Redis, keys: Keys):
        self.client = client
        self.keys = keys
        self.pipeline = client.pipeline(transaction=False)
        self.since = 0.0  # time.monotonic() of the oldest command waiting

    def send(self, kind: str, **body) -> None:
        now = time.monotonic()
        if not len(self.pipeline):
            self.since = now
        self.pipeline.xadd(self.keys.results, {"kind": kind, "body": json.dumps(body, ensure_ascii=False)})
        if len(self.pipeline) >= self.FLUSH_COMMANDS or now - self.since >= self.FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Send what is waiting, in order."""
        if len(self.pipeline):
            self.pipeline.execute()


def apply(db: sqlite_utils.Database, client: redis.Redis, keys: Keys, kind: str, body: dict) -> bool:
    """Apply one message to the archive database; True when it stored a report (the search index is due)."""
    if kind == "state":
        answer = json.dumps(portal_state(db, body["portal"], body.get("earlier_runs", [])), ensure_ascii=False)
        client.rpush(keys.state(body["entry"]), answer)
        client.expire(keys.state(body["entry"]), STATE_TTL)
        return False
    APPLY[kind](db, body)
    return kind == "report"


def _run_id(db, key: str) -> int | None:
    row = next(db.query("select id from crawls where run_key = ?", [key]), None)
    return row["id"] if row else None


def _crawl_start(db, body: dict) -> None:
    if _run_id(db, body["key"]) is None:
        db["crawls"].insert({"mode": body["mode"], "portals": "[]", "started_at": body["started_at"],
                             "status": "running", "run_key": body["key"]})


def _crawl_interrupted(db, body: dict) -> None:
    db.execute("update crawls set status = 'interrupted' where run_key = ? and status = 'running'", [body["key"]])


def _portals(db, body: dict) -> None:
    crawl_id = _run_id(db, body["key"])
    if crawl_id is not None:
        archive_db.save_crawl_portals(db, crawl_id, body["portals"])


def _capture(db, body: dict) -> None:
    """``capture_key`` is unique: a second delivery is ignored."""
    archive_db.record_capture(db, or_ignore=True, **body["fields"], crawl_id=_run_id(db, body["crawl"]),
                              capture_key=body["key"])


def _flag(db, body: dict) -> None:
    db.execute("update captures set error = ? where capture_key = ?", [body["error"], body["key"]])


def _report(db, body: dict) -> None:
    archive_db.store_report(db, {**body["row"], "crawl_id": _run_id(db, body["crawl"])}, body["attachments"],
                            body.get("figures"))


def _listing(db, body: dict) -> None:
    archive_db.remember_listing(db, body["url"], body["portal"], body["reports_linked"], at=body["at"])


def _crawl_finish(db, body: dict) -> None:
    crawl_id = _run_id(db, body["key"])
    if crawl_id is not None:
        archive_db.finish_crawl(db, crawl_id, body["exit_code"], body.get("status"), **body["counts"])


APPLY = {"crawl_start": _crawl_start, "crawl_interrupted": _crawl_interrupted, "portals": _portals,
         "capture": _capture, "flag": _flag, "report": _report, "listing": _listing, "crawl_finish": _crawl_finish}
