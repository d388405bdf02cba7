"""Where a crawl keeps its rows: the archive database itself, or (on a worker of a distributed crawl) a
queue that the archive's one writer applies to it.

:class:`SqliteStore` is the archive database (archive/db.py) as one crawl uses it; crawler/queue/store.py
has the same methods for a worker, which never opens the database. The crawl's components reach a store
through their :class:`~archive.session.ArchiveSession` and call only these methods:

==========================  =================================================================================
``start_crawl(mode)``       a ``crawls`` row for a run that starts; its id
``register_portals(...)``   the portals a run covers (``portals`` table, ``crawls.portals``) and, for a
                            backfill, the pages an interrupted run of it already fetched (``url -> capture``)
``finish_crawl(...)``       the run's counts, exit code and status
``record_capture(...)``     a ``captures`` row; a key for ``flag_capture``
``flag_capture(key, …)``    an ``error`` on a capture (of a URL) found to be a failure later
``latest_capture(url)``     the newest full 2xx capture of a URL (conditional requests, revisit records)
``save_report(row, …)``     a report version, its attachments and statistics; ``(id, new|changed|unchanged)``
``remember_listing(...)``   a report-column listing page
``known_listings(portal)``  the listing pages remembered for a portal (where a nightly run starts)
``held_reports()``          the latest version of every report held (the re-check schedule, made once as the
                            run starts)
``crawl_row(crawl_id)``     the ``crawls`` row of a run
``close()``                 the run is over (the search index is brought up to date)
==========================  =================================================================================
"""

from __future__ import annotations

import sqlite_utils

from archive import db as archive_db
from archive.checkpoints import Checkpoints
from archive.search import index_reports


class SqliteStore:
    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.checkpoints = Checkpoints(db).start()  # not in the reactor's commits (archive/checkpoints.py)

    def start_crawl(self, mode: str) -> int:
        return archive_db.start_crawl(self.db, mode, [])

    def register_portals(self, crawl_id: int, mode: str, portals: list[dict]) -> dict[str, dict]:
        portals_json = archive_db.save_crawl_portals(self.db, crawl_id, portals)
        if mode != "backfill":
            return {}
        killed = archive_db.interrupted_crawls(self.db, mode, portals_json, crawl_id)
        if not killed:
            return {}
        for crawl in killed:
            self.db["crawls"].update(crawl, {"status": "interrupted"})
        self.db["crawls"].update(crawl_id, {"resumed_from": min(killed)})
        return archive_db.captures_of(self.db, killed)

    def finish_crawl(self, crawl_id: int, exit_code: int, status: str | None = None, **counts) -> None:
        archive_db.finish_crawl(self.db, crawl_id, exit_code, status, **counts)

    def record_capture(self, **fields) -> int:
        return archive_db.record_capture(self.db, **fields)

    def flag_capture(self, key: int, error: str, url: str) -> None:
        self.db["captures"].update(key, {"error": error})

    def latest_capture(self, url: str) -> dict | None:
        return archive_db.latest_capture(self.db, url)

    def save_report(self, row: dict, attachments: list[dict], figures: dict | None = None) -> tuple[int, str]:
        return archive_db.store_report(self.db, row, attachments, figures)

    def remember_listing(self, url: str, portal: str, reports_linked: int) -> None:
        archive_db.remember_listing(self.db, url, portal, reports_linked)

    def known_listings(self, portal: str) -> list[str]:
        return archive_db.known_listings(self.db, portal)

    def held_reports(self) -> list[dict]:
        return archive_db.held_reports(self.db)

    def crawl_row(self, crawl_id: int) -> dict:
        return self.db["crawls"].get(crawl_id)

    def close(self) -> None:
        """Bring the full-text index up to date with this run's reports (incremental, cheap)."""
        index_reports(self.db)
        self.checkpoints.stop()
