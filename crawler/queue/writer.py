"""``govarchive writer``: the one process that writes ``archive.db``, applying the workers' results in order.

It holds the data directory's lock (crawler/lock.py) for as long as it runs, reads the results stream in
the consumer group ``writers`` (after a crash of its own, first what it had read and not acknowledged),
applies each batch in one transaction (crawler/queue/results.py: idempotent), acknowledges and deletes the
applied messages, and brings the search index up to date after reports were stored, at most every
INDEX_EVERY seconds; when the queue has run dry, the checks across reports too (carry-over, copies), and
after nightly crawls the missing-report alerts (archive/alerts.py, as ``govarchive crawl`` does). A Redis
restart is waited out (crawler/queue/keys.py ``OUTAGE_RETRY``). While it runs, ``<ns>:writer`` says so
(workers take no portal without a writer).
"""

from __future__ import annotations

import json
import logging
import time

import redis

from archive import alerts
from archive.checkpoints import Checkpoints
from archive.db import open_db
from archive.search import index_reports
from crawler.lock import data_dir_lock
from crawler.queue.alive import signs_of_life
from crawler.queue.keys import WRITERS, Keys, ensure_group, process_name
from crawler.queue.portals import PortalQueue
from crawler.queue.results import apply
from pipelines.figures.archive import relate_reports

BATCH = 500
logger = logging.getLogger(__name__)
INDEX_EVERY = 10.0  # seconds


class Writer:
    def __init__(self, client: redis.Redis, keys: Keys, data_dir, consumer: str = "writer"):
        self.client = client
        self.keys = keys
        self.data_dir = data_dir
        self.consumer = consumer
        self.portals = PortalQueue(client, keys)
        # due at first: the writer before this one may have been killed between storing reports and these
        self.index_due = True
        self.indexed_at = 0.0
        self.relate_due = True
        self.alerts_checked: int | None = None  # the nightly crawl the alerts were checked after

    def ensure_group(self) -> None:
        ensure_group(self.client, self.keys.results, WRITERS)

    def run(self, until_empty: bool = False, block_ms: int = 1000) -> int:
        with data_dir_lock(self.data_dir, "govarchive writer"), Checkpoints(open_db(self.data_dir)) as checkpoints, \
                signs_of_life(self.client, self.keys.writer, process_name()):
            self.db = checkpoints.db
            self.ensure_group()
            self.drain("0")  # what this writer read before it was stopped, unacknowledged
            while True:
                # when nothing new came: what this writer was handed without hearing of it (a reply lost with
                # its connection, as Redis restarted) is still pending on it
                if not self.drain(">", block_ms) and not self.drain("0") and self.idle():
                    self.settle()
                    if until_empty:
                        return 0
                self.index()

    def drain(self, start: str, block_ms: int | None = None) -> int:
        """Apply one batch read from ``start`` (``0``: this consumer's pending messages; ``>``: new ones)."""
        answer = self.client.xreadgroup(WRITERS, self.consumer, {self.keys.results: start}, count=BATCH,
                                        block=block_ms)
        messages = answer[0][1] if answer else []
        if not messages:
            return 0
        with self.db.atomic():  # one transaction a batch: a crash rolls it back, and it is read again ("0")
            for _, fields in messages:
                stored = apply(self.db, self.client, self.keys, fields["kind"], json.loads(fields["body"]))
                self.index_due |= stored
                self.relate_due |= stored
        ids = [message_id for message_id, _ in messages]
        with self.client.pipeline() as done:  # acknowledged and deleted together, in one round trip
            done.xack(self.keys.results, WRITERS, *ids).xdel(self.keys.results, *ids).execute()
        return len(messages)

    def idle(self) -> bool:
        """No result waiting or unapplied (applied ones are deleted), and no portal pending or being crawled."""
        return not self.client.xlen(self.keys.results) and self.portals.is_empty()

    def settle(self) -> None:
        """When the queue has run dry: the search index, then the checks across reports (carry-over,
        copies: pipelines/figures/archive.py), if reports were stored since, and the alerts."""
        self.index(force=True)
        if self.relate_due:
            relate_reports(self.db)
            self.relate_due = False
        self.check_alerts()

    def check_alerts(self) -> None:
        """The missing-report alerts, once for the latest nightly crawl finished since the last check (the
        writer before this one may have died before checking)."""
        latest = self.db.execute("select max(id) from crawls where mode = 'nightly' and finished_at is not null")
        crawl_id = latest.fetchone()[0]
        if crawl_id in (None, self.alerts_checked):
            return
        if crawl_id != alerts.last_checked_crawl(self.data_dir):
            logger.info("%s", alerts.after_crawl(self.data_dir, crawl_id))
        self.alerts_checked = crawl_id

    def index(self, force: bool = False) -> None:
        if self.index_due and (force or time.monotonic() - self.indexed_at >= INDEX_EVERY):
            index_reports(self.db)
            self.index_due, self.indexed_at = False, time.monotonic()

