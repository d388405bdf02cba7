"""One crawl's handle on the archive: the database, the WARC writer and the ``crawls`` row.

The crawl's Scrapy components share one (crawler/session.py opens it for the crawler and closes it when the
spider closes); nothing here knows Scrapy.
"""

from __future__ import annotations

import json
from pathlib import Path

from archive import db as archive_db
from archive.warc import WarcWriter


class ArchiveSession:
    def __init__(self, data_dir, mode="scrapy", warc_max_size=1_000_000_000, warc_prefix="govarchive",
                 software="govarchive"):
        self.data_dir = Path(data_dir)
        self.db = archive_db.open_db(self.data_dir)
        self.crawl_id = archive_db.start_crawl(self.db, mode, [])
        self.warc = WarcWriter(
            self.data_dir / "warc",
            prefix=f"{warc_prefix}-{self.crawl_id:05d}",
            max_size=warc_max_size,
            warcinfo={"software": software, "format": "WARC File Format 1.1", "crawl-id": str(self.crawl_id),
                      "mode": mode},
        )
        self.mode = mode
        self.counts = {"reports_found": 0, "reports_new": 0, "reports_changed": 0, "reports_second_phase": 0}
        self.found_reports = set()
        self.resumable = {}
        """url -> capture: pages an interrupted run of this backfill already fetched (crawler/fetch/reuse.py)."""
        self.closed = False

    def register_portals(self, portals) -> None:
        """Record which portals this crawl covers, in ``crawls.portals`` and the ``portals`` table."""
        portals = list(portals)
        portals_json = json.dumps(sorted(p.id for p in portals))
        archive_db.save_portals(self.db, [p.to_dict() for p in portals])
        self.db["crawls"].update(self.crawl_id, {"portals": portals_json})
        if self.mode == "backfill":
            self.resume(archive_db.interrupted_crawls(self.db, self.mode, portals_json, self.crawl_id))

    def resume(self, crawl_ids: list[int]) -> None:
        """Take over what killed runs fetched: their pages are served from the archive, not downloaded."""
        if not crawl_ids:
            return
        self.resumable = archive_db.captures_of(self.db, crawl_ids)
        for crawl_id in crawl_ids:
            self.db["crawls"].update(crawl_id, {"status": "interrupted"})
        self.db["crawls"].update(self.crawl_id, {"resumed_from": min(crawl_ids)})

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
        errors = errors or {}
        archive_db.finish_crawl(
            self.db, self.crawl_id, exit_code,
            pages_fetched=pages_fetched, bytes_fetched=bytes_fetched, pages_second_phase=pages_second_phase,
            errors=sum(errors.values()), error_counts=errors, **self.counts,
        )
        if reason != "finished":
            self.db["crawls"].update(self.crawl_id, {"status": f"stopped: {reason}"})
