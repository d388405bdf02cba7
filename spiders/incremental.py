"""IncrementalMiddleware: a nightly run revisits what it knows instead of discovering a portal again.

A spider middleware, on in nightly runs only (``GOVARCHIVE_MODE = "nightly"``; ``INCREMENTAL_ENABLED = False``
switches it off). It keeps the spider free of the archive's memory:

- a portal's start requests become requests for the report-column listing pages the archive remembers for it
  (the ``listings`` table); a portal never crawled before keeps its start URLs (a full discovery);
- a request for a report the archive holds is dropped unless the report is due for a re-check
  (spiders/recheck.py: every night while new, then at doubling intervals up to RECHECK_MAX_DAYS); a dropped
  report still counts as found by the run (``crawls.reports_found``).
"""

from __future__ import annotations

import datetime as dt

from scrapy.exceptions import NotConfigured
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from crawler.requests import KIND, NAV_DEPTH, PORTAL, SCORE, RequestKind
from crawler.session import archive_session
from spiders import recheck


class IncrementalMiddleware(BaseSpiderMiddleware):
    def __init__(self, crawler):
        super().__init__(crawler)
        settings = crawler.settings
        if settings.get("GOVARCHIVE_MODE") != "nightly" or not settings.getbool("INCREMENTAL_ENABLED", True):
            raise NotConfigured
        self.session = archive_session(crawler)
        self.listing_depth = settings.getint("PORTAL_MAX_DEPTH")
        self.not_due = not_due(self.session.store.held_reports(), settings.getfloat("RECHECK_NEW_DAYS"),
                               settings.getfloat("RECHECK_MAX_DAYS"))
        self.started: set[str] = set()

    async def process_start(self, start):
        async for request in start:
            for again in self.start_of(request):
                yield again

    def start_of(self, request) -> list:
        """The remembered listings of the request's portal instead of its start URLs (once per portal)."""
        portal = request.meta.get(PORTAL)
        if request.meta.get(KIND) != RequestKind.SEED or portal is None:
            return [request]
        if portal in self.started:  # its listings were requested from its first start URL
            return []
        listings = self.session.store.known_listings(portal)
        if not listings:
            return [request]
        self.started.add(portal)
        meta = {**request.meta, KIND: RequestKind.LISTING, NAV_DEPTH: self.listing_depth, SCORE: 1}
        return [request.replace(url=url, meta=meta, priority=RequestKind.LISTING.priority + 1) for url in listings]

    def get_processed_request(self, request, response):
        if request.meta.get(KIND) == RequestKind.REPORT and request.url in self.not_due:
            self.session.report_seen(request.url)
            return None
        return request


def not_due(held: list[dict], new_days: float, max_days: float) -> set[str]:
    """URLs of the reports held that a run starting now need not check again yet (spiders/recheck.py)."""
    now = dt.datetime.now(dt.timezone.utc)
    return {row["url"] for row in held if not recheck.is_due(row, now, new_days, max_days)}
