"""One crawl's handle on the archive: the database, the WARC writer and the ``crawls`` row.

The crawl's Scrapy components share one (crawler/session.py opens it for the crawler and closes it when the
spider closes); nothing here knows Scrapy.
"""

from __future__ import annotations

from pathlib import Path

from archive import db as archive_db
from archive.store import SqliteStore
from archive.warc import WarcWriter


def crawl_status(reason: str) -> str | None:
    """The ``crawls`` row's status for Scrapy's close reason: None when the crawl finished, else what stopped it
    (``stopped: shutdown`` for SIGTERM or SIGINT)."""
    return None if reason == "finished" else f"stopped: {reason}"


class ArchiveSession:
    """The WARC writer and the store (archive/store.py) of one run, and the run's report counts.

    ``store`` defaults to the archive database of ``data_dir`` (SqliteStore); a worker of a distributed
    crawl passes its queue instead. WARC files go to ``data_dir/warc``, named after ``warc_prefix``, the
    run and the host and process that write them (archive/warc.py), so that workers never collide.
    """

    def __init__(self, data_dir, mode="scrapy", warc_max_size=1_000_000_000, warc_prefix="govarchive",
                 software="govarchive", store=None):
        self.data_dir = Path(data_dir)
        self.store = store if store is not None else SqliteStore(archive_db.open_db(self.data_dir))
        self.mode = mode
        self.crawl_id = self.store.start_crawl(mode)
        self.warc = WarcWriter(
            self.data_dir / "warc",
            prefix=f"{warc_prefix}-{self.crawl_id:05d}" if isinstance(self.crawl_id, int) else warc_prefix,
            max_size=warc_max_size,
            warcinfo={"software": software, "format": "WARC File Format 1.1", "crawl-id": str(self.crawl_id),
                      "mode": mode},
        )
        self.counts = {"reports_found": 0, "reports_new": 0, "reports_changed": 0, "reports_second_phase": 0}
        self.found_reports = set()
        self.resumable = {}
        """url -> capture: pages an interrupted run of this backfill already fetched (crawler/fetch/reuse.py)."""
        self.closed = False

    @property
    def db(self):
        """The archive database (a run that writes through a queue has none)."""
        return self.store.db

    def register_portals(self, portals) -> None:
        """Record which portals this run covers; a backfill takes over what killed runs of it fetched: those
        pages are served from the archive, not downloaded (crawler/fetch/reuse.py)."""
        self.resumable = self.store.register_portals(self.crawl_id, self.mode, [p.to_dict() for p in portals])

    def report_seen(self, url: str, outcome: str = "held", phase: int = 1) -> None:
        """Count a report of this crawl once: stored (``new``/``changed``/``unchanged``) or already ``held``;
        ``phase`` 2 when the second phase of a backfill found it."""
        if url in self.found_reports:
            return
        self.found_reports.add(url)
        self.counts["reports_found"] += 1
        if phase == 2:
            self.counts["reports_second_phase"] += 1
        if outcome in ("new", "changed"):
            self.counts[f"reports_{outcome}"] += 1

    def close(self, exit_code, reason="finished", errors=None, pages_fetched=0, bytes_fetched=0, pages_second_phase=0):
        if self.closed:
            return
        self.closed = True
        self.warc.close()
        self.store.close()
        errors = errors or {}
        self.store.finish_crawl(
            self.crawl_id, exit_code, crawl_status(reason),
            pages_fetched=pages_fetched, bytes_fetched=bytes_fetched, pages_second_phase=pages_second_phase,
            errors=sum(errors.values()), error_counts=errors, **self.counts,
        )
