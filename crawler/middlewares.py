"""Downloader middlewares of our own (the WARC capture middleware lives in archive/capture.py)."""

from __future__ import annotations

import logging
import re
import time
from datetime import timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import scrapy.downloadermiddlewares.cookies as scrapy_cookies
from playwright.async_api import Error as PlaywrightError
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.asyncio import call_later
from scrapy.utils.httpobj import urlparse_cached
from tldextract import TLDExtract

from archive.capture import flag_capture
from archive.session import ArchiveSession
from crawler.browser import BrowserTimeout

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
    """Keep every request of a portal inside that portal: its hosts and its page budget.

    Runs for every request the engine schedules, so a redirect to another host is stopped here too.
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
        count = self.requested.get(portal_id, 0)
        if count >= self.budget:
            if count == self.budget:
                logger.warning("portal %s: page budget of %d reached; further pages skipped", portal_id, self.budget)
            self.requested[portal_id] = count + 1
            self.stats.inc_value("govarchive/dropped/over_budget")
            raise IgnoreRequest(f"{request.url}: page budget of portal {portal_id} reached")
        self.requested[portal_id] = count + 1
        return None


# -- faults: Retry-After, gzip bombs, redirect loops, URL traps ----------------------------------------


def retry_after_seconds(value, now: float | None = None) -> float | None:
    """A ``Retry-After`` header value (delay-seconds or HTTP-date) as seconds from now, or None if unusable."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    text = (value or "").strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, honouring ``Retry-After`` on 429 and 503, retrying truncated bodies, and
    counting what it gives up on.

    Scrapy retries 429 and 503 at once (RETRY_HTTP_CODES), ignoring the header. Here an answer carrying
    ``Retry-After`` (seconds or an HTTP date) pauses the host's downloader slot for that long, so neither
    the retry nor any other request reaches the host before the server asked; the reactor is not blocked
    (the slot's own timer is moved). A ``Retry-After`` longer than RETRY_AFTER_MAX (default 600 s) is not
    waited for: the request is given up, since retrying sooner would ignore the server's wish.

    A body cut short (Scrapy's ``dataloss`` flag, DOWNLOAD_FAIL_ON_DATALOSS = False) is retried like a 5xx;
    the last truncated copy goes on to the spider, already archived and flagged by the capture middleware.

    Each request given up lands in ``govarchive/errors/gave_up_<kind>`` (``gave_up_http_503``,
    ``gave_up_DownloadTimeoutError``, ``gave_up_truncated`` …); the attempts themselves are counted by the
    capture middleware, which sits nearer the downloader and archives every answer, 429s and 503s included.
    """

    RETRY_AFTER_STATUSES = (429, 503)

    def __init__(self, settings):
        super().__init__(settings)
        self.max_retry_after = settings.getfloat("RETRY_AFTER_MAX", 600.0)
        # Browser downloads fail with Playwright's errors (net::ERR_…, timeouts) or a page that never loaded:
        # retried like the download errors of RETRY_EXCEPTIONS. (An unpassed challenge is crawler/antibot.py's.)
        self.exceptions_to_retry = (*self.exceptions_to_retry, PlaywrightError, BrowserTimeout)

    def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry", False):
            return response
        if "dataloss" in response.flags and response.status < 300:
            return self._retry(request, "truncated") or response
        if response.status not in self.retry_http_codes:
            return response
        kind = f"http_{response.status}"
        header = response.headers.get("Retry-After") if response.status in self.RETRY_AFTER_STATUSES else None
        delay = retry_after_seconds(header) if header else None
        if delay is not None and delay > self.max_retry_after:
            logger.warning("%s: Retry-After %.0f s is longer than RETRY_AFTER_MAX (%.0f s); not retried",
                           request.url, delay, self.max_retry_after)
            self.crawler.stats.inc_value(f"govarchive/errors/gave_up_{kind}_retry_after_too_long")
            return response
        retried = self._retry(request, kind)
        if retried is not None and delay:
            self.pause_host(request, delay)
            retried.meta["retry_after"] = delay
        return retried or response

    def _retry(self, request, reason):
        retried = super()._retry(request, reason)
        if retried is None:
            kind = reason if isinstance(reason, str) else getattr(reason, "__name__", type(reason).__name__)
            self.crawler.stats.inc_value(f"govarchive/errors/gave_up_{kind}")
        return retried

    def pause_host(self, request, delay: float) -> None:
        """Hold the request's downloader slot (its host) for ``delay`` seconds, without blocking anything else."""
        downloader = self.crawler.engine.downloader
        key = request.meta.get(downloader.DOWNLOAD_SLOT) or downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is None:
            return
        if slot.latercall:
            slot.latercall.cancel()  # a shorter inter-request delay timer: ours replaces it
        slot.latercall = call_later(delay, downloader._latercall, slot)
        self.crawler.stats.inc_value("govarchive/retry_after/pauses")
        self.crawler.stats.max_value("govarchive/retry_after/max_seconds", delay)
        logger.info("%s: server asked to retry after %.1f s; host %s paused", request.url, delay, key)


class WithArchiveSession:
    """Mixin for a Scrapy middleware subclass that flags captures: ``self.session``, the crawl's archive."""

    @classmethod
    def from_crawler(cls, crawler):
        middleware = super().from_crawler(crawler)
        middleware.session = ArchiveSession.of(crawler)
        return middleware


class BoundedHttpCompressionMiddleware(WithArchiveSession, HttpCompressionMiddleware):
    """Scrapy's HttpCompressionMiddleware (it stops decompressing at DOWNLOAD_MAXSIZE: a gzip bomb costs no
    more memory than that), with the stop recorded: the archived capture gets ``error`` and the crawl counts
    ``govarchive/errors/decompressed_too_large``. Scrapy alone only drops the request (IgnoreRequest)."""

    def process_response(self, request, response, spider=None):
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            flag_capture(self.session, self.stats, request.meta.get("warc"), "decompressed_too_large", str(exc))
            raise


class LoopSafeRedirectMiddleware(WithArchiveSession, RedirectMiddleware):
    """Scrapy's RedirectMiddleware, stopping redirect loops at once and recording every stopped chain.

    A redirect back to a URL of its own chain is a loop (Scrapy would follow it until the dupefilter silently
    drops it, or REDIRECT_MAX_TIMES): ``govarchive/errors/redirect_loop``. A chain longer than
    REDIRECT_MAX_TIMES: ``govarchive/errors/too_many_redirects``. Either way the last redirect's capture gets
    ``error``. Redirects to other hosts leave as new requests and are stopped by PortalScopeMiddleware.
    """

    def _redirect(self, redirected, request, reason):
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if redirected.url in chain:
            path = " -> ".join([*chain[chain.index(redirected.url):], redirected.url])
            flag_capture(self.session, self.crawler.stats, request.meta.get("warc"), "redirect_loop", path)
            logger.warning("redirect loop stopped: %s", path)
            raise IgnoreRequest(f"redirect loop: {path}")
        try:
            return super()._redirect(redirected, request, reason)
        except IgnoreRequest as exc:
            flag_capture(self.session, self.crawler.stats, request.meta.get("warc"), "too_many_redirects",
                         f"{len(chain)} redirects from {chain[0]}")
            logger.warning("%s: more than %d redirects; given up", chain[0], self.max_redirect_times)
            raise exc


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

    CHECKED_TYPES = {"next_page", "listing", "navigation", "explore", "seed", "unit", "sweep"}

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
        if request.meta.get("request_type") not in self.CHECKED_TYPES or request.meta.get("retry_times") \
                or request.meta.get("redirect_times") or request.method == "POST":  # CMS list APIs: spiders/cms.py
            return None
        portal = request.meta.get("portal") or ""
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
