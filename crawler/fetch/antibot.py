"""AntiBotMiddleware: hosts that answer with a JavaScript challenge are fetched with the browser, or given up.

Some portals sit behind 瑞数, 加速乐 or a WAF (crawler/fetch/challenges.py). Only a browser that runs the
challenge script gets the content.

* A challenge answer to a plain request is recognised (:func:`challenge_reason`); the WARC capture
  middleware has already archived it. The host is moved to the browser: the request is issued again
  through Chromium (crawler/fetch/browser: one context per host, reused, so the computed cookie serves the
  host's later pages) and every later request to that host goes straight to the browser.
* Files on such a host (attachments, links to PDF/DOC/XLS …, robots.txt: browser/routing.py: is_file_request)
  are fetched over plain HTTP with the cookies the host's browser context earned, so the WARC holds the
  file as served, not Chromium's PDF viewer or a download. The browser middleware hands those cookies over
  in ``meta[BROWSER_COOKIES]`` after each page that got past the challenge; a file requested before any
  such page goes through the browser once (which earns the cookies) and is then fetched again over plain
  HTTP. A plain request whose cookies are refused (a challenge again) counts as a failed attempt.
* A browser attempt that still ends on a challenge (browser/page.py: ChallengeNotPassed) is a failure of
  the host. A failed request is tried again while the host has fewer than ``ANTIBOT_MAX_FAILURES``
  (default 3) consecutive failures and the request itself fewer than that many attempts. At the limit the
  host is given up: one clear error in the log, ``govarchive/errors/antibot_blocked`` in the stats (it
  lands in ``crawls.error_counts``), and every further request to it dropped
  (``govarchive/dropped/antibot_blocked``). Every path is bounded: nothing loops.

Wired at 585 in crawler/settings.py: in the response path after HttpCompressionMiddleware (590, bodies are
decoded) and before MetaRefreshMiddleware (580) and RetryMiddleware (550).
"""

from __future__ import annotations

import logging

from scrapy.exceptions import IgnoreRequest

from crawler.fetch.browser.page import ChallengeNotPassed
from crawler.fetch.browser.routing import browser_request, cookie_header, is_file_request, use_browser
from crawler.fetch.challenges import challenge_reason
from crawler.registry import netloc_of, portals_of
from crawler.requests import ANTIBOT_ATTEMPTS, ANTIBOT_COOKIES, BROWSER_COOKIES, PORTAL

logger = logging.getLogger(__name__)

class AntiBotMiddleware:
    def __init__(self, crawler):
        self.portals = portals_of(crawler.settings)
        self.stats = crawler.stats
        self.max_failures = max(1, crawler.settings.getint("ANTIBOT_MAX_FAILURES", 3))
        self.challenged: dict[str, str] = {}  # host -> why it went to the browser
        self.failures: dict[str, int] = {}    # host -> consecutive failed browser attempts
        self.blocked: set[str] = set()
        self.cookies: dict[str, list[dict]] = {}  # host -> cookies of its browser context, for plain file requests

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _hosts_of(self, request):
        portal = self.portals.get(request.meta.get(PORTAL))
        return portal.hosts if portal is not None else None

    def process_request(self, request):
        host = netloc_of(request.url)
        if host in self.blocked:
            self.stats.inc_value("govarchive/dropped/antibot_blocked")
            raise IgnoreRequest(f"{request.url}: host {host} given up (anti-bot challenge not passed)")
        self._keep_cookies(host, request)
        if host not in self.challenged or request.meta.get("playwright"):
            return None
        if is_file_request(request) and self.cookies.get(host):
            request.headers["Cookie"] = cookie_header(self.cookies[host], request.url)
            request.meta[ANTIBOT_COOKIES] = True
            request.meta["dont_merge_cookies"] = True  # Scrapy's cookie middleware would replace the header
            return None
        use_browser(request.meta, request.url, self._hosts_of(request))
        request.meta[ANTIBOT_ATTEMPTS] = request.meta.get(ANTIBOT_ATTEMPTS, 0) + 1
        return None

    def _keep_cookies(self, host: str, request) -> None:
        """Remember the cookies a browser page of ``host`` earned (set by fetch/browser/capture.py)."""
        cookies = request.meta.pop(BROWSER_COOKIES, None)
        if cookies:
            self.cookies[host] = cookies

    def process_response(self, request, response):
        host = netloc_of(request.url)
        self._keep_cookies(host, request)
        reason = challenge_reason(response.status, response.body)
        if reason is None:
            if (request.meta.get("playwright") or request.meta.get(ANTIBOT_COOKIES)) and host in self.challenged:
                self.failures[host] = 0
            return response
        if request.meta.get("playwright") or request.meta.pop(ANTIBOT_COOKIES, False):
            # the browser ended on a challenge page too, or the host refused its cookies over plain HTTP
            return self._failed(request, host, reason)
        self.stats.inc_value("govarchive/antibot/challenges")
        if host not in self.challenged:
            self.challenged[host] = reason
            self.stats.inc_value("govarchive/antibot/hosts")
            logger.warning("host %s answers with an anti-bot challenge (%s at %s): its pages are fetched "
                           "with the browser from now on", host, reason, request.url)
        return self._again_in_browser(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ChallengeNotPassed):
            return None
        return self._failed(request, netloc_of(request.url), str(exception))

    def _again_in_browser(self, request):
        again = browser_request(request, self._hosts_of(request))
        again.meta[ANTIBOT_ATTEMPTS] = again.meta.get(ANTIBOT_ATTEMPTS, 0) + 1
        return again

    def _failed(self, request, host: str, why: str):
        self.challenged.setdefault(host, why)
        self.failures[host] = self.failures.get(host, 0) + 1
        self.stats.inc_value("govarchive/antibot/failures")
        if self.failures[host] >= self.max_failures:
            if host not in self.blocked:
                self.blocked.add(host)
                self.stats.inc_value("govarchive/errors/antibot_blocked")
                logger.error("host %s: anti-bot challenge not passed %d times in a row (last: %s); giving up "
                             "on this host, its remaining pages are skipped", host, self.failures[host], why)
            raise IgnoreRequest(f"{request.url}: host {host} given up (anti-bot challenge not passed)")
        if request.meta.get(ANTIBOT_ATTEMPTS, 0) >= self.max_failures:
            raise IgnoreRequest(f"{request.url}: anti-bot challenge not passed after "
                                f"{request.meta[ANTIBOT_ATTEMPTS]} attempts")
        logger.info("%s: anti-bot challenge not passed (%s); trying again", request.url, why)
        return self._again_in_browser(request)
