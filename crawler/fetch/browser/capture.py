"""BrowserCaptureMiddleware: wire each browser page, archive what it received, and hand on the right response.

Wired nearer the downloader (960) than the WARC capture middleware (950), which leaves browser requests to this
one. Every exchange is written with ``archive.capture.capture_exchange`` (``browser=True``): Playwright hands
over decoded bodies, so ``Content-Encoding`` is dropped and the WARC writer sets ``Content-Length`` to the
stored length. The rendered DOM goes into its own ``resource`` record under ``urn:rendered-dom:<url>``, never
under the page URL. A navigation that ends on a file is not archived as the file: it is fetched again over
plain HTTP with the page's cookies (routing.py).
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers, HtmlResponse
from scrapy.responsetypes import responsetypes
from scrapy_playwright.page import PageMethod

from archive.capture import capture_exchange, flag_capture
from crawler.fetch.browser.handler import init_page
from crawler.fetch.browser.page import Exchange, PageTracker
from crawler.fetch.browser.routing import body_mode, is_file_document, plain_request
from crawler.fetch.capture import PortalOf
from crawler.registry import netloc_of
from crawler.requests import BROWSER_COOKIES, BROWSER_HOSTS, BROWSER_TRACKER, KIND, WARC
from crawler.session import archive_session

logger = logging.getLogger(__name__)

PLAYWRIGHT_META_KEYS = ("playwright_page_event_handlers", "playwright_page_methods", "playwright_page_init_callback")


class BrowserCaptureMiddleware:
    """Downloader middleware for browser requests: wire the page, archive what it received, fix the response.

    Wired nearer the downloader (960) than the WARC capture middleware (950), which leaves browser requests
    to this one.
    """

    def __init__(self, crawler):
        self.stats = crawler.stats
        settings = crawler.settings
        self.user_agent = settings.get("USER_AGENT")  # one User-Agent for both paths
        self.challenge_timeout = settings.getfloat("BROWSER_CHALLENGE_TIMEOUT", 15.0)
        self.challenge_reloads = settings.getint("BROWSER_CHALLENGE_RELOADS", 3)
        self.settle_timeout = settings.getfloat("BROWSER_SETTLE_TIMEOUT", 5.0)
        self.session = archive_session(crawler)
        self.portal_of = PortalOf(settings)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        if not request.meta.get("playwright"):
            return None
        tracker = PageTracker(self.challenge_timeout, self.challenge_reloads, self.settle_timeout,
                              wait_network=body_mode(request) == "dom")
        meta = request.meta
        meta.pop(WARC, None)  # a request re-issued after a challenge carries the challenge's location
        meta[BROWSER_TRACKER] = tracker
        meta.setdefault("playwright_context", netloc_of(request.url))
        meta.setdefault("playwright_context_kwargs", {
            "user_agent": self.user_agent, "locale": "zh-CN", "ignore_https_errors": True,
            "service_workers": "block",
        })
        meta["playwright_page_goto_kwargs"] = {"wait_until": "commit"}  # settle() waits for the real page
        meta["playwright_page_event_handlers"] = {"response": tracker.on_response}
        meta["playwright_page_methods"] = [PageMethod(tracker.settle)]
        meta["playwright_page_init_callback"] = init_page
        self.stats.inc_value("govarchive/browser/requests")
        return None

    def _unwire(self, request) -> PageTracker | None:
        for key in PLAYWRIGHT_META_KEYS:
            request.meta.pop(key, None)
        return request.meta.pop(BROWSER_TRACKER, None)

    async def process_response(self, request, response):
        tracker = self._unwire(request)
        if tracker is None:
            return response
        await tracker.finish()
        final = tracker.page_final or tracker.document
        downloaded = "playwright_suggested_filename" in request.meta
        if final is not None and (downloaded or is_file_document(final.headers)):
            return self.refetch_file(request, tracker, final)
        locations = self.archive(request, tracker, final)
        if final is None or final not in locations:
            return response
        request.meta[BROWSER_COOKIES] = tracker.cookies  # fetch/antibot.py keeps them for the host's files
        location = locations[final]
        request.meta[WARC] = location
        self.refuse_if_off_portal(request, final, location)
        logger.debug("browser: %s %s in %.2fs (%d exchanges, %d challenge pages)", final.status, final.url,
                     request.meta.get("download_latency", 0.0), len(tracker.exchanges), tracker._challenge_count())
        self.stats.inc_value("govarchive/browser/pages")
        html = response.text if isinstance(response, HtmlResponse) else None
        if html is not None and location.record_id:
            self.session.warc.write_rendered(url=final.url, html=html, concurrent_to=location.record_id)
        return self.final_response(request, response, final)

    async def process_exception(self, request, exception):
        tracker = self._unwire(request)
        if tracker is not None:
            await tracker.finish()
            self.archive(request, tracker, None)  # the challenge pages were real exchanges
        return None

    def refetch_file(self, request, tracker: PageTracker, final: Exchange):
        """A navigation that ended on a file: archive what came before it (challenge pages), not the viewer or
        the download, and fetch the file again over plain HTTP with the cookies the page earned, so that the
        WARC record holds the bytes the server sent."""
        tracker.exchanges.remove(final)
        self.archive(request, tracker, None)
        self.stats.inc_value("govarchive/browser/files_refetched")
        logger.debug("browser: %s is a file; fetching it over plain HTTP with the browser's cookies", final.url)
        return plain_request(request, final.url, tracker.cookies)

    def refuse_if_off_portal(self, request, final: Exchange, location: dict) -> None:
        """Stop a page that a redirect took off the portal's hosts (IgnoreRequest), its capture flagged.

        Playwright routes only the first URL of a redirect chain, so init_page cannot stop Chromium from
        following a redirect to another host: the page it lands on is archived as received but neither
        handed to the spider nor followed (``govarchive/errors/outside_portal``).
        """
        hosts = request.meta.get(BROWSER_HOSTS)
        if not hosts or netloc_of(final.url) in hosts:
            return
        message = f"{request.url} redirected the browser to {final.url}, outside the portal; not followed"
        flag_capture(self.session, self.stats, final.url, location, "outside_portal", message)
        logger.warning(message)
        raise IgnoreRequest(message)

    def archive(self, request, tracker: PageTracker, final) -> dict:
        """Write every complete exchange of the attempt; return ``{exchange: warc location}``."""
        locations = {}
        portal = self.portal_of(request)
        for exchange in tracker.exchanges:
            if urlsplit(exchange.url).scheme not in ("http", "https"):
                continue  # the browser's own pages (a viewer, an error page): nothing a server sent
            if exchange.body is None:
                if exchange.error:
                    logger.debug("%s: not archived (%s)", exchange.url, exchange.error)
                continue
            headers = [(k, v) for k, v in exchange.headers if k.lower() != "content-encoding"]
            request_type = request.meta.get(KIND) if exchange.is_document else exchange.resource_type
            prior = None if exchange.is_document else self.session.store.latest_capture(exchange.url)
            locations[exchange] = capture_exchange(
                self.session, self.stats, url=exchange.url, method=exchange.method,
                request_headers=exchange.request_headers, request_body=exchange.request_body,
                status=exchange.status, protocol=exchange.protocol, response_headers=headers,
                body=exchange.body, ip_address=exchange.ip_address, portal=portal, request_type=request_type,
                browser=True, fetched_at=exchange.fetched_at, prior=prior, reason=exchange.status_text or None,
            )
            if exchange.challenge:
                self.stats.inc_value("govarchive/browser/challenge_pages")
        return locations

    def final_response(self, request, response, final: Exchange):
        """The response as the final document came: its status and headers; DOM or served body."""
        headers = Headers()
        for name, value in final.headers:
            if name.lower() not in ("content-encoding", "content-length", "transfer-encoding"):
                headers.appendlist(name, value)
        if body_mode(request) == "raw" or not isinstance(response, HtmlResponse):
            body = final.body
            cls = responsetypes.from_args(headers=headers, url=final.url, body=body)
            return cls(url=final.url, status=final.status, headers=headers, body=body, request=request,
                       flags=[*response.flags, "browser"], ip_address=response.ip_address)
        return response.replace(status=final.status, headers=headers, flags=[*response.flags, "browser"])
