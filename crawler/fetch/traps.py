"""UrlTrapMiddleware: endless calendars and self-nesting paths are cut off."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from crawler.requests import DISCOVERY_KINDS, KIND, PORTAL

logger = logging.getLogger(__name__)


def url_pattern(url: str) -> str:
    """A URL with its numbers blanked: ``/calendar?date=2017-03-01`` and ``…2017-03-02`` share one pattern."""
    parts = urlsplit(url)
    return parts.netloc + re.sub(r"\d+", "0", f"{parts.path}?{parts.query}")


def repeated_segments(url: str, times: int = 3) -> bool:
    """True when a path segment occurs ``times`` times or more: ``/a/b/a/b/a/b/`` (a relative-link loop)."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    return any(segments.count(s) >= times for s in set(segments))


class UrlTrapMiddleware:
    """Stop crawler traps that depth limits do not catch: endless calendars and self-nesting paths.

    Pager links (下一页 …) do not add depth, so a calendar whose "next day" link reads like a pager, or a
    list of generated URLs, would run until the portal's page budget is spent (and the reports behind it
    left unfetched). Two cheap checks on discovery requests (pages, not reports, attachments or the POSTs of
    CMS list APIs, which spiders/cms.py bounds per list with MAX_API_PAGES):

    - at most URL_TRAP_MAX_PER_PATTERN (default 100) requests per portal for one URL pattern, numbers blanked
      (``/calendar?date=0-0-0``, ``/xxgk/index_0.html``): a list longer than that is not a report column;
    - no path repeating one segment URL_TRAP_MAX_REPEATS (default 3) times (``/xxgk/xxgk/xxgk/``).

    Dropped requests count in ``govarchive/dropped/url_trap``, and each pattern cut is logged once. Placed
    before PortalScopeMiddleware, so a trap does not eat the page budget.
    """

    def __init__(self, stats, max_per_pattern: int = 100, max_repeats: int = 3):
        self.stats = stats
        self.max_per_pattern = max_per_pattern
        self.max_repeats = max_repeats
        self.seen: dict[tuple[str, str], int] = {}

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(crawler.stats, settings.getint("URL_TRAP_MAX_PER_PATTERN", 100),
                   settings.getint("URL_TRAP_MAX_REPEATS", 3))

    def process_request(self, request):
        if request.meta.get(KIND) not in DISCOVERY_KINDS or request.meta.get("retry_times") \
                or request.meta.get("redirect_times") or request.method == "POST":  # CMS list APIs: spiders/cms.py
            return None
        portal = request.meta.get(PORTAL) or ""
        if repeated_segments(request.url, self.max_repeats):
            self.stats.inc_value("govarchive/dropped/url_trap")
            raise IgnoreRequest(f"{request.url}: path repeats a segment {self.max_repeats} times (a link loop)")
        key = (portal, url_pattern(request.url))
        count = self.seen.get(key, 0) + 1
        self.seen[key] = count
        if count > self.max_per_pattern:
            if count == self.max_per_pattern + 1:
                logger.warning("portal %s: %d pages of URL pattern %s; further ones skipped (a crawler trap?)",
                               portal, self.max_per_pattern, key[1])
            self.stats.inc_value("govarchive/dropped/url_trap")
            raise IgnoreRequest(f"{request.url}: more than {self.max_per_pattern} pages like {key[1]}")
        return None
