"""WarcCaptureMiddleware: every HTTP exchange Scrapy's downloader makes goes into the WARC files and ``captures``.

Wired in ``crawler/settings.py`` at 950, nearer the downloader than RetryMiddleware (550),
HttpCompressionMiddleware (590), RedirectMiddleware (600) and the archive reuse middleware (920). Scrapy calls
``process_response``/``process_exception`` from the downloader outwards (highest number first), so this
middleware sees each response exactly as downloaded (body de-chunked but still Content-Encoded, redirects,
4xx/5xx and robots.txt included) before anything acts on it, and sees each download error (timeouts, refused
connections, DNS failures) before RetryMiddleware schedules a retry. Each attempt is recorded: a retried URL
gets one row per attempt.

Only exchanges that reached the network are recorded: ``process_request`` (which runs last, just before the
download handler) marks the request, so responses served by another middleware's ``process_request`` (the
archive, an HTTP cache hit) and exceptions raised before the download (``IgnoreRequest`` from robots.txt or the
scope check) are not archived as fetches.

Browser requests are left to crawler/fetch/browser/capture.py: scrapy-playwright's ``response.body`` is the
rendered DOM, not what the server sent.
"""

from __future__ import annotations

from archive.capture import capture_error, capture_exchange
from crawler.registry import portal_owning, portals_of
from crawler.requests import FETCHED, KIND, PORTAL, PRIOR_CAPTURE, WARC
from crawler.session import archive_session


def _text(value) -> str:
    """Raw header bytes as text, losslessly (the WARC writer writes them back as the same bytes)."""
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def scrapy_headers(headers) -> list[tuple[str, str]]:
    """Scrapy ``Headers`` (bytes keys, lists of bytes values) as ``(name, value)`` pairs, one per value."""
    return [(_text(name), _text(value)) for name, values in headers.items() for value in values]


class PortalOf:
    """The portal id of a request: its own (``meta[PORTAL]``), else, for requests the spider did not make
    (robots.txt), the portal whose hosts hold its URL."""

    def __init__(self, settings):
        self.portals = portals_of(settings)

    def __call__(self, request) -> str | None:
        if request.meta.get(PORTAL):
            return request.meta[PORTAL]
        portal = portal_owning(self.portals, request.url)
        return portal.id if portal else None


class WarcCaptureMiddleware:
    """Downloader middleware: archive each exchange, put its location in ``request.meta[WARC]``."""

    def __init__(self, crawler):
        self.stats = crawler.stats
        self.session = archive_session(crawler)
        self.portal_of = PortalOf(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        request.meta[FETCHED] = True
        return None

    def process_response(self, request, response):
        if not request.meta.pop(FETCHED, False):
            return response  # not from the network (the archive, an HTTP cache hit)
        if request.meta.get("playwright"):
            return response  # the browser's own middleware archives these (see module docstring)
        request.meta[WARC] = capture_exchange(
            self.session, self.stats,
            url=response.url, method=request.method,
            request_headers=scrapy_headers(request.headers), request_body=request.body or b"",
            status=response.status, protocol=response.protocol,
            response_headers=scrapy_headers(response.headers), body=response.body,
            ip_address=response.ip_address, portal=self.portal_of(request), request_type=request.meta.get(KIND),
            prior=request.meta.get(PRIOR_CAPTURE), truncated="dataloss" in response.flags,
        )
        return response

    def process_exception(self, request, exception):
        if not request.meta.pop(FETCHED, False):
            return None  # raised before the download (robots.txt, scope …): nothing was fetched
        capture_error(
            self.session, self.stats, url=request.url, method=request.method, exception=exception,
            portal=self.portal_of(request), request_type=request.meta.get(KIND),
            browser=bool(request.meta.get("playwright")),
        )
        return None  # let RetryMiddleware act
