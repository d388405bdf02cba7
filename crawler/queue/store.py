"""QueueStore: the store (archive/store.py) of a worker's crawl, which sends rows to the writer.

Made by ``from_settings`` (``GOVARCHIVE_STORE`` in a worker's crawl settings; ``GOVARCHIVE_QUEUE`` gives the
Redis URL, the namespace and the queue entry of each portal). Before the crawl starts it asks the writer
for what the archive knows of each portal (crawler/queue/state.py) and answers the crawl's questions from
that: remembered listings, latest captures, held reports (a report's outcome, new, changed or unchanged,
is decided against them as archive.db.save_report decides it). Each crawl of a portal entry adds its run key
to ``<ns>:runs:<entry>``: a worker that takes the entry over after this one died marks the earlier runs
interrupted, and gets from the writer the pages they archived, which it serves from the WARC files instead
of fetching them again.

A worker's crawl may fetch a portal of 50,000 pages: of each page it keeps no more than its URL with the
state.CAPTURE_FIELDS of its capture (state.CaptureTable), and of each report its text's SHA-1.
"""

from __future__ import annotations

import sys
import uuid

from archive.db import utcnow
from crawler.queue.keys import Keys, connect, process_name
from crawler.queue.results import ResultSender
from crawler.queue.state import CaptureTable, packed, request_state, unpacked

STATE_TIMEOUT = 300.0  # seconds to wait for the writer's answer


def from_settings(settings) -> "QueueStore":
    queue = settings.getdict("GOVARCHIVE_QUEUE")
    return QueueStore(connect(queue["redis"], patient=True), Keys(queue["ns"]), queue["entries"],
                      queue.get("state_timeout", STATE_TIMEOUT))


def _digest(text_sha1: str | None) -> bytes | None:
    """A text's SHA-1 as 20 bytes (a hex string takes 89)."""
    return bytes.fromhex(text_sha1) if text_sha1 else None


class QueueStore:
    db = None  # a worker never opens the archive database

    def __init__(self, client, keys: Keys, entries: dict[str, str], state_timeout: float = STATE_TIMEOUT):
        self.client = client
        self.keys = keys
        self.entries = entries
        """portal id -> its entry in the portal queue."""
        self.sender = ResultSender(client, keys)
        self.key = f"{process_name()}-{uuid.uuid4().hex[:8]}"
        earlier = {entry: client.lrange(keys.runs(entry), 0, -1) for entry in entries.values()}
        self.earlier_runs = sorted({run for runs in earlier.values() for run in runs})
        """The run keys of earlier deliveries of these entries: killed, or stopped before they finished."""
        states = {portal: request_state(client, keys, self.sender, entry, portal, state_timeout, earlier[entry])
                  for portal, entry in entries.items()}
        self.listings = {portal: state["listings"] for portal, state in states.items()}
        self.captures = CaptureTable(pair for state in states.values() for pair in state["captures"].items())
        """url -> latest capture, held before this run or made by it"""
        self.resumable = {url: values for state in states.values() for url, values in state["resumable"].items()}
        """url -> packed capture of the pages the earlier runs archived"""
        self.held = [row for state in states.values() for row in state["reports"].values()]
        self.text_sha1s = {sys.intern(row["url"]): _digest(row["text_sha1"]) for row in self.held}
        """url -> text_sha1 (as bytes) of each report's latest version, held before this run or saved by it"""
        self.finished: dict = {}

    # -- the run ---------------------------------------------------------------------------------------

    def start_crawl(self, mode: str) -> str:
        """The run's key; the runs of earlier deliveries of the same entries are marked interrupted."""
        pipe = self.client.pipeline()
        for entry in self.entries.values():
            pipe.rpush(self.keys.runs(entry), self.key)
        pipe.execute()
        for earlier in self.earlier_runs:
            self.sender.send("crawl_interrupted", key=earlier)
        self.sender.send("crawl_start", key=self.key, mode=mode, started_at=utcnow())
        return self.key

    def register_portals(self, crawl_id: str, mode: str, portals: list[dict]) -> dict[str, dict]:
        """Send the portals; return the pages earlier deliveries of these entries fetched (``url -> capture``)."""
        self.sender.send("portals", key=crawl_id, portals=portals)
        resumable, self.resumable = self.resumable, {}
        return {url: unpacked(url, values) for url, values in resumable.items()}

    def finish_crawl(self, crawl_id: str, exit_code: int, status: str | None = None, **counts) -> None:
        self.sender.send("crawl_finish", key=crawl_id, exit_code=exit_code, status=status, counts=counts)
        self.sender.flush()  # everything this run sent is with the writer before the portal is acknowledged
        self.finished = {"id": crawl_id, "exit_code": exit_code, "status": status, **counts}

    def crawl_row(self, crawl_id: str) -> dict:
        return self.finished

    def close(self) -> None:
        """Send what waits (the writer keeps the search index up to date)."""
        self.sender.flush()

    # -- rows ------------------------------------------------------------------------------------------

    def record_capture(self, **fields) -> str:
        key = uuid.uuid4().hex
        self.sender.send("capture", key=key, crawl=fields.pop("crawl_id"), fields=fields)
        reusable = (fields.get("warc_type") == "response" and 200 <= (fields.get("status") or 0) < 300
                    and not fields.get("error"))
        if reusable:
            self.captures.put(fields["url"], packed(fields))
        return key

    def flag_capture(self, key: str, error: str, url: str) -> None:
        """The URL's capture is forgotten here whichever it was: at worst the page is fetched again."""
        self.sender.send("flag", key=key, error=error)
        self.captures.discard(url)

    def latest_capture(self, url: str) -> dict | None:
        values = self.captures.get(url)
        return unpacked(url, values) if values else None

    def save_report(self, row: dict, attachments: list[dict], figures: dict | None = None) -> tuple[None, str]:
        held, text_sha1 = self.text_sha1s.get(row["url"]), _digest(row["text_sha1"])
        outcome = "new" if held is None else "unchanged" if held == text_sha1 else "changed"
        self.text_sha1s[sys.intern(row["url"])] = text_sha1
        self.sender.send("report", crawl=row.pop("crawl_id"), row=row, attachments=attachments, figures=figures)
        return None, outcome

    def remember_listing(self, url: str, portal: str, reports_linked: int) -> None:
        self.sender.send("listing", url=url, portal=portal, reports_linked=reports_linked, at=utcnow())

    def known_listings(self, portal: str) -> list[str]:
        return self.listings.get(portal, [])

    def held_reports(self) -> list[dict]:
        """The reports the archive held when the run started, given once: the crawl makes its re-check schedule
        from them as it starts (spiders/incremental.py), and this store keeps no copy of them after (about
        0.8 KB a report: nearly 40 MB through a nightly run of a portal of 48,000 reports)."""
        held, self.held = self.held, []
        return held

