"""One HTTP exchange into the archive: WARC records, a ``captures`` row and the crawl's counts.

Plain functions over an :class:`~archive.session.ArchiveSession`, shared by the two paths that fetch:
Scrapy's downloader (crawler/fetch/capture.py) and the browser (crawler/fetch/browser/capture.py). ``stats``
is anything with ``inc_value(key, count=1)`` (Scrapy's stats collector); None counts nothing.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urldefrag

from archive.session import ArchiveSession
from archive.warc import WarcLocation, payload_digest


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
                     truncated: bool = False, reason: str | None = None) -> WarcLocation:
    """Archive one exchange from its raw parts: WARC request+response, a ``captures`` row, stats.

    ``prior`` is the URL's latest full capture (a ``captures`` row), if any: a 2xx payload identical to it
    becomes a revisit record (identical-payload-digest profile) instead of a second copy, and the location
    returned is the prior response record's, so reports always point at a record holding the page.

    ``body`` must be the body as described by ``response_headers`` (still Content-Encoded when the headers
    say so; a browser gives the decoded body: drop its Content-Encoding first). Returns the location of the
    record holding the response, ``file`` relative to the data directory, with its ``capture_id``.

    ``truncated``: the body ended before its announced end (Scrapy's ``dataloss`` flag). It is archived as
    received, with ``WARC-Truncated: disconnect``, ``captures.error`` set and ``govarchive/errors/truncated``.
    """
    exchange = dict(url=url, method=method, request_headers=request_headers, request_body=request_body,
                    status=status, protocol=protocol, response_headers=response_headers, ip_address=ip_address,
                    fetched_at=fetched_at)
    unchanged = (bool(prior) and 200 <= status < 300 and not truncated
                 and prior["payload_digest"] == payload_digest(body))
    if unchanged:
        written = session.warc.write_revisit(**exchange, payload_digest=prior["payload_digest"],
                                             payload_length=len(body), refers_to_uri=prior["url"],
                                             refers_to_date=prior["fetched_at"])
    else:
        written = session.warc.write_exchange(**exchange, body=body, truncated="disconnect" if truncated else None,
                                              reason=reason)  # the reason phrase as received (a browser reports it)
    written = written.relative_to(session.data_dir)
    content_type = _header(response_headers, "Content-Type")
    capture_id = session.store.record_capture(
        crawl_id=session.crawl_id, portal=portal, url=url, method=method, request_type=request_type,
        status=status, mime=content_type.split(";", 1)[0].strip().lower() if content_type else None,
        bytes=len(body), payload_digest=written.payload_digest, etag=_header(response_headers, "ETag"),
        last_modified=_header(response_headers, "Last-Modified"), fetched_at=written.date, **written.columns(),
        warc_type="revisit" if unchanged else "response", browser=int(browser),
        error=(f"truncated: {len(body)} bytes received, connection lost before the end of the body"
               if truncated else None),
    )
    _count(stats, status, len(body) + header_bytes(response_headers), truncated, unchanged)
    return replace(WarcLocation.of_capture(prior) if unchanged else written, capture_id=capture_id)


def _count(stats, status: int, size: int, truncated: bool, unchanged: bool) -> None:
    if stats is None:
        return
    stats.inc_value("govarchive/pages_fetched")
    stats.inc_value("govarchive/bytes_fetched", size)
    if status >= 500 or status == 429:
        stats.inc_value(f"govarchive/errors/http_{status}")
    if truncated:
        stats.inc_value("govarchive/errors/truncated")
    if unchanged:
        stats.inc_value("govarchive/revisits")


def flag_capture(session: ArchiveSession, stats, url: str, location: WarcLocation | None, kind: str,
                 message: str) -> None:
    """Mark an exchange of ``url`` archived whole as a failure found later (a gzip bomb, a redirect loop).

    Sets ``error`` (``"<kind>: <message>"``) on its ``captures`` row and counts ``govarchive/errors/<kind>``.
    """
    if location is not None and location.capture_id is not None:
        session.store.flag_capture(location.capture_id, f"{kind}: {message}", url)
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
    session.store.record_capture(
        crawl_id=session.crawl_id, portal=portal, url=urldefrag(url)[0], method=method,
        request_type=request_type, error=f"{name}: {message}" if message else name, browser=int(browser),
    )
    if stats is not None:
        stats.inc_value(f"govarchive/errors/{kind}")
