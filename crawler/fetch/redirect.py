"""Scrapy's redirect middleware, stopping redirect loops at once and recording every stopped chain."""

from __future__ import annotations

import logging

from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.exceptions import IgnoreRequest

from archive.capture import flag_capture
from crawler.requests import WARC
from crawler.session import WithArchiveSession

logger = logging.getLogger(__name__)


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
            flag_capture(self.session, self.crawler.stats, request.url, request.meta.get(WARC), "redirect_loop",
                         path)
            logger.warning("redirect loop stopped: %s", path)
            raise IgnoreRequest(f"redirect loop: {path}")
        try:
            return super()._redirect(redirected, request, reason)
        except IgnoreRequest as exc:
            flag_capture(self.session, self.crawler.stats, request.url, request.meta.get(WARC),
                         "too_many_redirects", f"{len(chain)} redirects from {chain[0]}")
            logger.warning("%s: more than %d redirects; given up", chain[0], self.max_redirect_times)
            raise exc
