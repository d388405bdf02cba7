"""Scrapy's retry middleware, honouring ``Retry-After`` and counting what it gives up on."""

from __future__ import annotations

import logging
import time
from datetime import timezone
from email.utils import parsedate_to_datetime

from playwright.async_api import Error as PlaywrightError
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.asyncio import call_later

from crawler.fetch.browser.page import BrowserTimeout
from crawler.requests import RETRY_AFTER

logger = logging.getLogger(__name__)


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
        # retried like the download errors of RETRY_EXCEPTIONS. (An unpassed challenge is crawler/fetch/antibot.py's.)
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
            retried.meta[RETRY_AFTER] = delay
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
