"""Downloader middlewares of our own (the WARC capture middleware lives in archive/capture.py)."""

from __future__ import annotations

import logging

import scrapy.downloadermiddlewares.cookies as scrapy_cookies
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached
from tldextract import TLDExtract

logger = logging.getLogger(__name__)

# Scrapy's cookie middleware asks tldextract for the Public Suffix List, which tldextract downloads on first
# use; offline that logs tracebacks. The snapshot bundled with tldextract is as good for cookie scoping.
scrapy_cookies._split_domain = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)


class OfflineCookiesMiddleware(CookiesMiddleware):
    """Scrapy's CookiesMiddleware, using tldextract's bundled Public Suffix List (see above)."""


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware, with robots.txt applied to every request that waited for it.

    In Scrapy 2.19 the requests that wait for a host's robots.txt share one Deferred; only the first gets
    the parser, the others get None and pass unchecked (a disallowed page requested early is fetched).
    By the time the Deferred fires, the parser is stored: read it from there.
    """

    async def robot_parser(self, request):
        parser = await super().robot_parser(request)
        if parser is None:
            parser = self._parsers.get(urlparse_cached(request).netloc)
        return parser


class PortalScopeMiddleware:
    """Keep every request of a portal inside that portal: its hosts, its page budget and its focus.

    Runs for every request the engine schedules, so a redirect to another host is stopped here too.
    ``explore`` requests (links with no sign of the report column) are dropped once the portal's report
    listing has been found.
    """

    def __init__(self, stats, budget):
        self.stats = stats
        self.budget = budget
        self.requested = {}

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(crawler.stats, crawler.settings.getint("PORTAL_PAGE_BUDGET"))
        middleware.crawler = crawler
        return middleware

    def process_request(self, request):
        spider = self.crawler.spider
        portal_id = request.meta.get("portal")
        portal = getattr(spider, "portals", {}).get(portal_id)
        if portal is None:
            return None
        if not portal.owns(request.url):
            self.stats.inc_value("govarchive/dropped/outside_portal")
            raise IgnoreRequest(f"{request.url} is outside portal {portal_id} {list(portal.hosts)}")
        if request.meta.get("request_type") == "explore" and portal_id in spider.listing_found:
            self.stats.inc_value("govarchive/dropped/unneeded_exploration")
            raise IgnoreRequest(f"{request.url}: report column of {portal_id} already found")
        count = self.requested.get(portal_id, 0)
        if count >= self.budget:
            if count == self.budget:
                logger.warning("portal %s: page budget of %d reached; further pages skipped", portal_id, self.budget)
            self.requested[portal_id] = count + 1
            self.stats.inc_value("govarchive/dropped/over_budget")
            raise IgnoreRequest(f"{request.url}: page budget of portal {portal_id} reached")
        self.requested[portal_id] = count + 1
        return None
