"""QueueStore: the store (archive/store.py) of a worker's crawl, which sends rows to the writer.

Made by ``from_settings`` (``GOVARCHIVE_STORE`` in a worker's crawl settings; ``GOVARCHIVE_QUEUE`` gives the
Redis URL, the namespace and the queue entry of each portal). Before the crawl starts it asks the writer
for what the archive knows of each portal (crawler/queue/state.py) and answers the crawl's questions from
that: remembered listings, latest captures, held reports (a report's outcome, new, changed or unchanged,
is decided against them as archive.db.save_report decides it). Every capture of a page is also kept in
``<ns>:fetched:<entry>`` once its WARC record is written: a worker that takes the entry over after this one
died serves those pages from the WARC files instead of fetching them again.
"""

from __future__ import annotations

import json
import os
import socket
import uuid

from archive.db import utcnow
from crawler.queue.keys import Keys, connect
from crawler.queue.results import ResultSender
from crawler.queue.state import request_state

STATE_TIMEOUT = 300.0  # seconds to wait for the writer's answer


def from_settings(settings) -> "QueueStore":
    queue = settings.getdict("GOVARCHIVE_QUEUE")
    return QueueStore(connect(queue["redis"]), Keys(queue["ns"]), queue["entries"],
                      queue.get("state_timeout", STATE_TIMEOUT))


class QueueStore:
    db = None  # a worker never opens the archive database

    def __init__(self, client, keys: Keys, entries: dict[str, str], state_timeout: float = STATE_TIMEOUT):
        self.client = client
        self.keys = keys
        self.entries = entries
        """portal id -> its entry in the portal queue."""
        self.sender = ResultSender(client, keys)
        self.key = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        states = {portal: request_state(client, keys, self.sender, entry, portal, state_timeout)
                  for portal, entry in entries.items()}
        self.listings = {portal: state["listings"] for portal, state in states.items()}
        self.captures = {url: row for state in states.values() for url, row in state["captures"].items()}
        self.reports = {url: row for state in states.values() for url, row in state["reports"].items()}
        self.urls: dict[str, tuple[str, str]] = {}  # capture key -> (url, entry) of the pages kept for reuse
        self.finished: dict = {}

    # -- the run ---------------------------------------------------------------------------------------

    def start_crawl(self, mode: str) -> str:
        """The run's key; a run killed before on the same entries is marked interrupted."""
        for entry in self.entries.values():
            earlier = self.client.getset(self.keys.crawl_of(entry), self.key)
            if earlier and earlier != self.key:
                self.sender.send("crawl_interrupted", key=earlier)
        self.sender.send("crawl_start", key=self.key, mode=mode, started_at=utcnow())
        return self.key

    def register_portals(self, crawl_id: str, mode: str, portals: list[dict]) -> dict[str, dict]:
        """Send the portals; return the pages earlier deliveries of these entries fetched (``url -> capture``)."""
        self.sender.send("portals", key=crawl_id, portals=portals)
        resumable = {}
        for entry in self.entries.values():
            fetched = self.client.hgetall(self.keys.fetched(entry))
            resumable.update({url: json.loads(row) for url, row in fetched.items()})
        return resumable

    def finish_crawl(self, crawl_id: str, exit_code: int, status: str | None = None, **counts) -> None:
        self.sender.send("crawl_finish", key=crawl_id, exit_code=exit_code, status=status, counts=counts)
        self.sender.flush()  # everything this run sent is with the writer before the portal is acknowledged
        self.finished = {"id": crawl_id, "exit_code": exit_code, **counts}

    def crawl_row(self, crawl_id: str) -> dict:
        return self.finished

    def close(self) -> None:
        """Send what waits (the writer keeps the search index up to date)."""
        self.sender.flush()

    # -- rows ------------------------------------------------------------------------------------------

    def record_capture(self, **fields) -> str:
        key = uuid.uuid4().hex
        self.sender.send("capture", key=key, crawl=fields.pop("crawl_id"), fields=fields)
        entry = self.entries.get(fields.get("portal"))
        reusable = (fields.get("warc_type") == "response" and 200 <= (fields.get("status") or 0) < 300
                    and not fields.get("error"))
        if reusable:
            row = {**fields, "id": key}
            self.captures[fields["url"]] = row
            if entry:
                self.sender.also(lambda pipe: pipe.hset(self.keys.fetched(entry), fields["url"],
                                                        json.dumps(row, ensure_ascii=False)))
                self.urls[key] = (fields["url"], entry)
        return key

    def flag_capture(self, key: str, error: str) -> None:
        self.sender.send("flag", key=key, error=error)
        url, entry = self.urls.pop(key, (None, None))
        if url:
            self.captures.pop(url, None)
            self.sender.also(lambda pipe: pipe.hdel(self.keys.fetched(entry), url))

    def latest_capture(self, url: str) -> dict | None:
        return self.captures.get(url)

    def save_report(self, row: dict, attachments: list[dict], figures: dict | None = None) -> tuple[None, str]:
        held = self.reports.get(row["url"])
        outcome = "new" if held is None else "unchanged" if held["text_sha1"] == row["text_sha1"] else "changed"
        self.reports[row["url"]] = {**(held or {}), "text_sha1": row["text_sha1"]}
        self.sender.send("report", crawl=row.pop("crawl_id"), row=row, attachments=attachments, figures=figures)
        return None, outcome

    def remember_listing(self, url: str, portal: str, reports_linked: int) -> None:
        self.sender.send("listing", url=url, portal=portal, reports_linked=reports_linked, at=utcnow())

    def known_listings(self, portal: str) -> list[str]:
        return self.listings.get(portal, [])

    def held_reports(self) -> list[dict]:
        return list(self.reports.values())

