"""WarcCaptureMiddleware: every HTTP exchange the crawler makes goes into the WARC files and ``captures``.

Wired in ``crawler/settings.py`` at 950, nearer the downloader than RetryMiddleware (550),
HttpCompressionMiddleware (590), RedirectMiddleware (600) and HttpCacheMiddleware (900). Scrapy calls
``process_response``/``process_exception`` from the downloader outwards (highest number first), so this
middleware sees each response exactly as downloaded (body de-chunked but still Content-Encoded,
redirects, 4xx/5xx and robots.txt included) before anything acts on it, and sees each download error
(timeouts, refused connections, DNS failures) before RetryMiddleware schedules a retry. Each attempt is
recorded: a retried URL gets one row per attempt.

Only exchanges that reached the network are recorded: ``process_request`` (which runs last, just before
the download handler) marks the request, so responses served by another middleware's
``process_request`` (an HTTP cache hit) and exceptions raised before the download (``IgnoreRequest``
from robots.txt or the offsite filter) are not archived as fetches.

Browser-fetched pages (``request.meta["playwright"]``) are skipped here: scrapy-playwright's
``response.body`` is the rendered DOM, not what the server sent. The browser integration captures the
page's own response from Playwright's ``response`` event through :func:`capture_exchange` (raw parts,
``browser=True``) and stores the DOM with ``session.warc.write_rendered(...)``.
"""

from __future__ import annotations

from urllib.parse import urldefrag

from archive import db as archive_db
from archive.session import ArchiveSession
from archive.warc import payload_digest

_FETCHED = "_govarchive_fetched"  # request.meta marker: set just before the download handler runs


def _text(value) -> str:
    """Raw header bytes as text, losslessly (the WARC writer writes them back as the same bytes)."""
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def scrapy_headers(headers) -> list[tuple[str, str]]:
    """Scrapy ``Headers`` (bytes keys, lists of bytes values) as ``(name, value)`` pairs, one per value."""
    return [(_text(name), _text(value)) for name, values in headers.items() for value in values]


def header_bytes(pairs: list[tuple[str, str]]) -> int:
    """Size of a response's status line and header block as sent (the crawl's byte count includes it,
    so a 304 answer is not counted as free)."""
    return len("HTTP/1.1 200 OK\r\n\r\n") + sum(len(name) + len(value) + 4 for name, value in pairs)


def _header(pairs: list[tuple[str, str]], name: str) -> str | None:
    name = name.lower()
    return next((value for key, value in pairs if key.lower() == name), None)


def capture_exchange(session: ArchiveSession, stats=None, *, url: str, method: str,
                     request_headers: list[tuple[str, str]], request_body: bytes, status: int,
                     protocol: str | None, response_headers: list[tuple[str, str]], body: bytes,
                     ip_address=None, portal: str | None = None, request_type: str | None = None,
                     browser: bool = False, fetched_at=None, prior: dict | None = None,
                     truncated: bool = False, reason: str | None = None) -> dict:
    """Archive one exchange from its raw parts: WARC request+response, a ``captures`` row, stats.

    ``prior`` is the URL's latest full capture (a ``captures`` row), if any: a 2xx payload identical to it
    becomes a revisit record (identical-payload-digest profile) instead of a second copy, and the location
    returned is the prior response record's, so reports always point at a record holding the page.

    The shared path for Scrapy's downloader and the browser integration. ``body`` must be the body as
    described by ``response_headers`` (still Content-Encoded when the headers say so; a browser gives
    the decoded body: drop its Content-Encoding first). Returns the location for ``request.meta["warc"]``:
    ``{"file", "offset", "length", "payload_digest", "record_id", "date"}``, ``file`` relative to the
    data directory, and ``capture_id`` (the ``captures`` row, for :func:`flag_capture`).

    ``truncated``: the body ended before its announced end (Scrapy's ``dataloss`` flag). It is archived as
    received, with ``WARC-Truncated: disconnect``, ``captures.error`` set and ``govarchive/errors/truncated``.
    """
    exchange = dict(url=url, method=method, request_headers=request_headers, request_body=request_body,
                    status=status, protocol=protocol, response_headers=response_headers, ip_address=ip_address,
                    fetched_at=fetched_at)
    unchanged = bool(prior) and 200 <= status < 300 and not truncated and prior["payload_digest"] == payload_digest(body)
    if unchanged:
        loc = session.warc.write_revisit(**exchange, payload_digest=prior["payload_digest"], payload_length=len(body),
                                         refers_to_uri=prior["url"], refers_to_date=prior["fetched_at"])
    else:
        loc = session.warc.write_exchange(**exchange, body=body, truncated="disconnect" if truncated else None,
                                          reason=reason)  # the reason phrase as received (a browser reports it)
    warc_file = session.relative(loc.path)
    content_type = _header(response_headers, "Content-Type")
    capture_id = archive_db.record_capture(
        session.db,
        crawl_id=session.crawl_id, portal=portal, url=url, method=method, request_type=request_type,
        status=status, mime=content_type.split(";", 1)[0].strip().lower() if content_type else None,
        bytes=len(body), payload_digest=loc.payload_digest, etag=_header(response_headers, "ETag"),
        last_modified=_header(response_headers, "Last-Modified"), fetched_at=loc.date,
        warc_file=warc_file, warc_offset=loc.offset, warc_length=loc.length,
        warc_type="revisit" if unchanged else "response", browser=int(browser),
        error=f"truncated: {len(body)} bytes received, connection lost before the end of the body" if truncated else None,
    )
    if stats is not None:
        stats.inc_value("govarchive/pages_fetched")
        stats.inc_value("govarchive/bytes_fetched", len(body) + header_bytes(response_headers))
        if status >= 500 or status == 429:
            stats.inc_value(f"govarchive/errors/http_{status}")
        if truncated:
            stats.inc_value("govarchive/errors/truncated")
        if unchanged:
            stats.inc_value("govarchive/revisits")
    if unchanged:
        return {"file": prior["warc_file"], "offset": prior["warc_offset"], "length": prior["warc_length"],
                "payload_digest": prior["payload_digest"], "record_id": None, "date": prior["fetched_at"],
                "capture_id": capture_id}
    return {"file": warc_file, "offset": loc.offset, "length": loc.length,
            "payload_digest": loc.payload_digest, "record_id": loc.record_id, "date": loc.date,
            "capture_id": capture_id}


def portal_of(crawler, request) -> str | None:
    """The request's portal; for requests the spider did not make (robots.txt), the portal of the host."""
    if request.meta.get("portal"):
        return request.meta["portal"]
    portals = getattr(crawler.spider, "portals", {}).values()
    return next((portal.id for portal in portals if portal.owns(request.url)), None)


def flag_capture(session: ArchiveSession, stats, location: dict | None, kind: str, message: str) -> None:
    """Mark an exchange archived whole as a failure found later (a gzip bomb, a redirect loop).

    Sets ``error`` (``"<kind>: <message>"``) on its ``captures`` row (``location`` is its
    ``request.meta["warc"]``) and counts ``govarchive/errors/<kind>``.
    """
    capture_id = (location or {}).get("capture_id")
    if capture_id is not None:
        session.db["captures"].update(capture_id, {"error": f"{kind}: {message}"})
    if stats is not None:
        stats.inc_value(f"govarchive/errors/{kind}")


def error_kind(exception: BaseException) -> str:
    """The ``govarchive/errors/<kind>`` of a failed download: the exception's class name, or ``too_large``
    for a download cut off at DOWNLOAD_MAXSIZE. Scrapy cancels those (DownloadCancelledError): with a
    message when Content-Length announced the size, without one when the body grew past it while streaming
    (a timeout cancels too, but becomes DownloadTimeoutError)."""
    name = type(exception).__name__
    message = str(exception)
    if name == "DownloadCancelledError" and ("max size" in message or not message.strip()):
        return "too_large"
    return name


def capture_error(session: ArchiveSession, stats=None, *, url: str, method: str, exception: BaseException,
                  portal: str | None = None, request_type: str | None = None, browser: bool = False) -> None:
    """Record a failed attempt (no response): a ``captures`` row with ``error`` and no WARC location."""
    kind = error_kind(exception)
    name = type(exception).__name__
    message = str(exception).strip()
    if kind == "too_large" and not message:
        message = "body grew past DOWNLOAD_MAXSIZE; download cut off"
    archive_db.record_capture(
        session.db, crawl_id=session.crawl_id, portal=portal, url=urldefrag(url)[0], method=method,
        request_type=request_type, error=f"{name}: {message}" if message else name, browser=int(browser),
    )
    if stats is not None:
        stats.inc_value(f"govarchive/errors/{kind}")


class WarcCaptureMiddleware:
    """Downloader middleware: archive each exchange, put its WARC location in ``request.meta["warc"]``."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.session = ArchiveSession.of(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        request.meta[_FETCHED] = True
        return None

    def process_response(self, request, response):
        if not request.meta.pop(_FETCHED, False):
            return response  # not from the network (e.g. an HTTP cache hit)
        if request.meta.get("playwright"):
            return response  # the browser integration archives these (see module docstring)
        request.meta["warc"] = capture_exchange(
            self.session, self.stats,
            url=response.url, method=request.method,
            request_headers=scrapy_headers(request.headers), request_body=request.body or b"",
            status=response.status, protocol=response.protocol,
            response_headers=scrapy_headers(response.headers), body=response.body,
            ip_address=response.ip_address,
            portal=portal_of(self.crawler, request), request_type=request.meta.get("request_type"),
            prior=request.meta.get("prior_capture"), truncated="dataloss" in response.flags,
        )
        return response

    def process_exception(self, request, exception):
        if not request.meta.pop(_FETCHED, False):
            return None  # raised before the download (robots.txt, offsite, ...): nothing was fetched
        capture_error(
            self.session, self.stats, url=request.url, method=request.method, exception=exception,
            portal=portal_of(self.crawler, request), request_type=request.meta.get("request_type"),
            browser=bool(request.meta.get("playwright")),
        )
        return None  # let RetryMiddleware act
