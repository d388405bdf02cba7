"""Chromium for the few requests that need it, through scrapy-playwright, with every exchange archived.

Which requests use the browser is decided elsewhere: the spider renders a listing page whose links only a
script writes (spiders/portal.py), a registry entry with ``"browser": true`` renders all listing and
navigation pages of its portal, and crawler/antibot.py moves a host that answers with an anti-bot
challenge to the browser. They all call :func:`use_browser` (or :func:`browser_request`); everything else
stays on Scrapy's own HTTP client.

What happens to a browser request:

* :class:`BrowserDownloadHandler` (scrapy-playwright's handler, started lazily: a crawl that never needs the
  browser never starts Playwright's driver or Chromium) opens a page in the context of the request's host
  (``playwright_context`` = host: one context per host, reused, so a cookie that a challenge script
  computed serves the host's later pages). Requests outside the portal's hosts and images, fonts, media
  and style sheets are aborted.
* :class:`BrowserCaptureMiddleware` attaches, for each attempt, a :class:`PageTracker`: it listens to the
  page's ``response`` events and keeps the main document's responses (the challenge page and the page after
  the reload included) and the XHR/fetch responses, each with status, ``status_text``, raw headers
  (``headers_array()``), HTTP version, the request as sent and the body. Its page method waits until the
  main frame holds a document that is not a challenge, that document has loaded and the network is idle
  (scripts that load the list by XHR are done), or gives up after ``BROWSER_CHALLENGE_RELOADS`` challenge
  pages or ``BROWSER_CHALLENGE_TIMEOUT`` seconds: :class:`ChallengeNotPassed` when it saw a challenge (the
  host's failure, crawler/antibot.py), :class:`BrowserTimeout` when it did not (a slow page, retried).
* When the page is done the middleware writes each exchange with
  :func:`archive.capture.capture_exchange` (``browser=True``): Playwright hands over decoded bodies, so
  ``Content-Encoding`` is dropped and the WARC writer sets ``Content-Length`` to the stored length. The
  rendered DOM goes into its own ``resource`` record under ``urn:rendered-dom:<url>`` (``WARC-Concurrent-To``
  the page's response record), never under the page URL. ``request.meta["warc"]`` points at the page's
  response record, as for a plain fetch.
* The response handed on has the status and headers of the final document (scrapy-playwright would report
  the first one, e.g. the 412 of a challenge). Its body is the rendered DOM for listing and navigation
  pages (the links are what the spider wants) and the body as served for reports and non-HTML documents
  (robots.txt, attachments): report text is extracted from the same bytes the WARC holds.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from contextlib import suppress
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Headers, HtmlResponse
from scrapy.responsetypes import responsetypes
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler
from playwright.async_api import Error as PlaywrightError
from scrapy_playwright.page import PageMethod

from archive.capture import capture_exchange, flag_capture, portal_of
from archive.db import latest_capture
from archive.session import ArchiveSession
from crawler.chromium import find_chromium
from crawler.registry import netloc_of
from pipelines.attachments import attachment_kind

logger = logging.getLogger(__name__)

# Resource types the browser never needs to fetch for links or for passing a challenge.
ABORTED_RESOURCE_TYPES = frozenset({"image", "media", "font", "stylesheet", "manifest", "texttrack"})
# Resource types whose exchanges are archived (besides the main document).
CAPTURED_RESOURCE_TYPES = frozenset({"xhr", "fetch"})
PAGE_CLOSE_TIMEOUT = 10  # seconds
ROOM_POLL_SECONDS = 0.2  # how often a page for a new host checks for a free context when all are busy
PLAYWRIGHT_META_KEYS = ("playwright_page_event_handlers", "playwright_page_methods", "playwright_page_init_callback")


class BrowserUnavailable(RuntimeError):
    """No Chromium to run: the message says how to get one."""


class ChallengeNotPassed(Exception):
    """The browser kept getting an anti-bot challenge page instead of the content."""


class BrowserTimeout(Exception):
    """The page did not load in time, and no challenge page was seen: a slow page, not a blocked host."""


# -- which requests go through the browser -------------------------------------------------------------

def is_attachment_url(url: str) -> bool:
    """A link to a file the attachment pipeline reads (by extension, or a download script's file name)."""
    return attachment_kind(url) is not None


def use_browser(meta: dict, url: str, hosts=None) -> dict:
    """Mark a request's ``meta`` for the browser (in place); return it.

    ``playwright_context`` is the host, so each host has one context, reused by its later pages.
    ``hosts``: where the page may fetch from (the portal's hosts; default: the page's host).
    """
    host = netloc_of(url)
    meta["playwright"] = True
    meta["playwright_context"] = host
    meta["browser_hosts"] = sorted(set(hosts or ()) | {host})
    meta["dont_reuse_archive"] = True  # an archived raw page is not what the browser would have rendered
    return meta


def browser_request(request, hosts=None):
    """A copy of a Scrapy request that goes through the browser (``dont_filter``: the URL may be known)."""
    return request.replace(meta=use_browser(dict(request.meta), request.url, hosts), dont_filter=True)


def is_file_request(request) -> bool:
    """A request for a file rather than a page: an attachment, a link to a PDF/DOC/XLS … (by extension or a
    download script's file name), robots.txt, or a URL the browser found to serve a file (``fetch_as_file``).
    A browser would show such a file in a viewer, or download it: on a browser host it is fetched over plain
    HTTP with the host's browser cookies instead."""
    return (request.meta.get("fetch_as_file") or request.meta.get("request_type") == "attachment"
            or is_attachment_url(request.url) or urlsplit(request.url).path.endswith("/robots.txt"))


PAGE_TYPES = ("text/html", "application/xhtml+xml")


def is_file_document(headers: list[tuple[str, str]]) -> bool:
    """A main document Chromium received that is a file, not a page: its Content-Type is not HTML, or it
    comes with ``Content-Disposition: attachment``. Chromium hands such a navigation to its PDF viewer (a
    small HTML placeholder) or to the download manager: neither is what the server sent."""
    values = {name.lower(): value for name, value in headers}
    mime = values.get("content-type", "").split(";")[0].strip().lower()
    disposition = values.get("content-disposition", "").strip().lower()
    return (bool(mime) and mime not in PAGE_TYPES) or disposition.startswith("attachment")


BROWSER_META_KEYS = ("playwright", "playwright_context", "playwright_context_kwargs", "playwright_page_goto_kwargs",
                     "playwright_suggested_filename", "browser_hosts", "dont_reuse_archive", "download_latency")


def plain_request(request, url: str, cookies: list[dict]):
    """A copy of a browser request that fetches ``url`` over plain HTTP, carrying the browser's cookies in
    ``meta["browser_cookies"]`` (crawler/antibot.py puts them in the Cookie header)."""
    meta = {key: value for key, value in request.meta.items() if key not in BROWSER_META_KEYS}
    meta.update(browser_cookies=cookies, fetch_as_file=True)
    return request.replace(url=url, meta=meta, dont_filter=True)


def cookie_header(cookies: list[dict], url: str, now: float | None = None) -> str:
    """The Cookie header Chromium would send to ``url`` from a context's cookies (Playwright's
    ``context.cookies()``: name, value, domain, path, expires, secure)."""
    parts = urlsplit(url)
    host, path = (parts.hostname or "").lower(), parts.path or "/"
    now = time.time() if now is None else now
    pairs = []
    for cookie in sorted(cookies, key=lambda c: -len(c.get("path") or "/")):  # longer paths first, as browsers do
        domain = (cookie.get("domain") or "").lower()
        on_host = host == domain.lstrip(".") or (domain.startswith(".") and host.endswith(domain))
        cookie_path = cookie.get("path") or "/"
        on_path = path == cookie_path or path.startswith(cookie_path.rstrip("/") + "/")
        expires = cookie.get("expires", -1)
        if on_host and on_path and not (cookie.get("secure") and parts.scheme != "https") \
                and (expires is None or expires < 0 or expires > now):
            pairs.append(f"{cookie['name']}={cookie['value']}")
    return "; ".join(pairs)


# -- the download handler ------------------------------------------------------------------------------

class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler, started on the first browser request instead of at engine start.

    Plain requests go to Scrapy's HTTP/1.1 handler as before. Also: Chromium is looked up when first
    needed (a clear :class:`BrowserUnavailable` if it is missing), and when ``PLAYWRIGHT_MAX_CONTEXTS`` is
    reached the least recently used idle host context is closed instead of waiting forever for one to
    close (scrapy-playwright never closes contexts by itself).
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        self._started = False
        self._start_lock = asyncio.Lock()
        self._room_lock = asyncio.Lock()
        self._last_used: dict[str, float] = {}

    # scrapy-playwright launches at engine start; we launch on demand.
    async def _maybe_launch_in_thread(self) -> None:
        return None

    def _engine_started(self):
        return None

    async def _ensure_started(self) -> None:
        async with self._start_lock:
            if self._started:
                return
            options = self.config.launch_options
            if not (self.config.cdp_url or self.config.connect_url) and not options.get("executable_path"):
                path = find_chromium()
                if not path:
                    raise BrowserUnavailable(
                        "this page needs a browser, but Chromium was not found: install Debian's chromium "
                        "package (`make install` does) or set PLAYWRIGHT_LAUNCH_OPTIONS['executable_path']")
                options["executable_path"] = path
            await self._launch()
            self._started = True

    async def _download_request(self, request, spider=None):
        await self._ensure_started()
        return await super()._download_request(request, spider)

    async def _create_page(self, request, spider):
        name = request.meta.setdefault("playwright_context", "default")
        self._last_used[name] = time.monotonic()
        if not self.config.max_contexts or name in self.context_wrappers:
            return await super()._create_page(request, spider)
        async with self._room_lock:  # one new context at a time, and only once there is room for it
            await self._wait_for_room(name)
            return await super()._create_page(request, spider)

    async def _wait_for_room(self, name: str) -> None:
        """Until a new context may open: close the least recently used idle one, or wait for a page to close.

        scrapy-playwright would wait for a free context slot while holding its launch lock, which every
        other page creation needs too: with all contexts busy or idle-but-open, the crawl would hang.
        """
        while name not in self.context_wrappers and len(self.context_wrappers) >= self.config.max_contexts:
            idle = [(self._last_used.get(n, 0.0), n) for n, w in self.context_wrappers.items() if not w.context.pages]
            if not idle:
                await asyncio.sleep(ROOM_POLL_SECONDS)  # pages of other hosts are open: one will close
                continue
            _, oldest = min(idle)
            logger.debug("closing idle browser context %s to make room", oldest)
            with suppress(PlaywrightError):
                await self.context_wrappers[oldest].context.close()  # its close callback frees the slot
            await asyncio.sleep(0)


async def init_page(page, request) -> None:
    """``playwright_page_init_callback``: keep the page on the portal's hosts and off images, fonts, CSS.

    Routes added later run first; ``fallback`` hands the request on to scrapy-playwright's own route.
    Also bounds ``page.close()``: Playwright stalls requests that reach a route after close was called, and
    Chromium then may never finish closing the page (seen with a challenge page that reloads itself while
    scrapy-playwright closes it). A page that does not close in time takes its context down with it.
    """
    hosts = set(request.meta.get("browser_hosts") or ())
    tracker = request.meta.get("_browser_tracker")
    close = page.close

    async def bounded_close(*args, **kwargs):
        try:
            await asyncio.wait_for(close(*args, **kwargs), PAGE_CLOSE_TIMEOUT)
        except asyncio.TimeoutError:
            logger.warning("browser page %s did not close in %ss: closing its context", page.url, PAGE_CLOSE_TIMEOUT)
            with suppress(Exception):
                await asyncio.wait_for(page.context.close(), PAGE_CLOSE_TIMEOUT)

    page.close = bounded_close

    async def route(route, pw_request):
        if pw_request.resource_type in ABORTED_RESOURCE_TYPES or (
                hosts and urlsplit(pw_request.url).scheme in ("http", "https")
                and netloc_of(pw_request.url) not in hosts):
            await route.abort()
        elif tracker is not None and _is_page_load(page, pw_request) and not tracker.allow_page_load():
            await route.abort()
        else:
            await route.fallback()

    await page.route("**", route)


def _is_page_load(page, pw_request) -> bool:
    try:
        return pw_request.is_navigation_request() and pw_request.frame == page.main_frame
    except Exception:  # noqa: BLE001 - service-worker requests have no frame
        return False


# -- what the page received ----------------------------------------------------------------------------

def looks_like_challenge(status: int, body: bytes | None) -> str | None:
    """Why a response is an anti-bot challenge page, or None (see crawler/antibot.py)."""
    from crawler.antibot import challenge_reason  # one definition for both paths
    return challenge_reason(status, body)


class Exchange:
    """One response the page received, with its request: everything a WARC record needs."""

    def __init__(self, response, is_document: bool):
        self.response = response
        self.url = response.url
        self.status = response.status
        self.status_text = response.status_text
        self.resource_type = response.request.resource_type
        self.method = response.request.method
        self.is_document = is_document
        self.fetched_at = dt.datetime.now(dt.timezone.utc)
        self.event_headers = list(response.headers.items())  # lower-cased, merged: a fallback
        self.event_request_headers = list(response.request.headers.items())
        self.request_headers: list[tuple[str, str]] = []
        self.request_body = response.request.post_data_buffer or b""
        self.headers: list[tuple[str, str]] = []
        self.protocol: str | None = None
        self.ip_address = None
        self.body: bytes | None = None
        self.error: str | None = None
        # a 412/521 is a challenge as it arrives; read() looks at the body too
        self.challenge = looks_like_challenge(self.status, None) if is_document else None
        self.done = asyncio.Event()

    async def read(self) -> None:
        """Fetch body and headers now, while the page still holds them (a challenge page reloads soon).

        The body first: Chromium forgets a document's body once the page has moved on.
        """
        response = self.response
        try:
            if 300 <= self.status < 400 or self.status in (204, 304) or self.method == "HEAD":
                self.body = b""
            else:
                try:
                    self.body = await response.body()
                except Exception as exc:  # noqa: BLE001 - gone with a reload, a closed page, a download
                    self.error = f"{type(exc).__name__}: {exc}"
            try:
                self.headers = [(h["name"], h["value"]) for h in await response.headers_array()
                                if not h["name"].startswith(":")]
            except Exception:  # noqa: BLE001 - the headers Playwright reported with the event
                self.headers = list(self.event_headers)
            try:
                self.request_headers = [(h["name"], h["value"]) for h in await response.request.headers_array()
                                        if not h["name"].startswith(":")]
            except Exception:  # noqa: BLE001
                self.request_headers = list(self.event_request_headers)
            try:
                self.protocol = await response.http_version()
            except Exception:  # noqa: BLE001
                self.protocol = None
            try:
                addr = await response.server_addr()
                self.ip_address = addr["ipAddress"] if addr else None
            except Exception:  # noqa: BLE001
                self.ip_address = None
        finally:
            if self.is_document:
                self.challenge = looks_like_challenge(self.status, self.body)
            self.response = None  # do not keep Playwright objects alive
            self.done.set()


class PageTracker:
    """The responses of one browser attempt, and the page method that waits for the content."""

    def __init__(self, challenge_timeout: float = 15.0, challenge_reloads: int = 3, settle_timeout: float = 5.0,
                 wait_network: bool = True):
        self.challenge_timeout = challenge_timeout
        self.challenge_reloads = challenge_reloads
        self.settle_timeout = settle_timeout
        self.wait_network = wait_network  # for the rendered DOM: let scripts finish loading the list
        self.exchanges: list[Exchange] = []
        self.tasks: list[asyncio.Task] = []
        self.document: Exchange | None = None
        self.page_final: Exchange | None = None
        self._new_document = asyncio.Event()
        self.page_loads = 0
        self.refused = False  # a page load past the limit was aborted: the attempt has failed
        self.cookies: list[dict] = []  # the context's cookies once the page is past any challenge

    def allow_page_load(self) -> bool:
        """Route check for each load of the page, the first and every reload: at most one load per challenge
        page allowed. It runs before the request leaves Chromium, so a challenge script that reloads faster
        than this process reads the responses (a busy machine) still cannot make more requests than that."""
        self.page_loads += 1
        if self.page_loads <= self.challenge_reloads + 1:
            return True
        self.refused = True
        self._new_document.set()
        return False

    # page event handler (synchronous: it must see each response in order)
    def on_response(self, response) -> None:
        request = response.request
        try:
            frame = request.frame
            is_document = request.resource_type == "document" and frame.parent_frame is None
        except Exception:  # noqa: BLE001 - service-worker requests have no frame
            is_document = False
        if not is_document and request.resource_type not in CAPTURED_RESOURCE_TYPES:
            return
        exchange = Exchange(response, is_document)
        self.exchanges.append(exchange)
        self.tasks.append(asyncio.ensure_future(exchange.read()))
        if is_document:
            self.document = exchange
            self._new_document.set()

    async def _next_document(self, current, deadline: float) -> None:
        while self.document is current:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.refused:
                raise asyncio.TimeoutError
            self._new_document.clear()
            await asyncio.wait_for(self._new_document.wait(), remaining)

    def _challenge_count(self) -> int:
        """Challenge documents so far: by status as soon as they arrive (412, 521), by body once read."""
        return sum(1 for e in self.exchanges if e.is_document and e.challenge)

    async def _read(self, doc: Exchange, deadline: float) -> bool:
        """Wait until ``doc`` is read; False if the page reached the challenge limit meanwhile.

        Reading a body can take long on a busy machine while the challenge script reloads the page every
        few milliseconds: the limit is checked as documents arrive, not only once a body is read.
        """
        while not doc.done.is_set():
            if self.refused or self._challenge_count() > self.challenge_reloads:
                return False
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise asyncio.TimeoutError
            with suppress(asyncio.TimeoutError):
                await asyncio.wait_for(doc.done.wait(), min(0.1, remaining))
        return True

    async def settle(self, page) -> None:
        """Page method: wait for a loaded, non-challenge document and an idle network."""
        loop_deadline = time.monotonic() + self.challenge_timeout
        while True:
            doc = self.document
            try:
                if doc is None:
                    await self._next_document(None, loop_deadline)
                    continue
                if not await self._read(doc, loop_deadline):
                    raise await self._give_up(page)
                if doc.challenge or 300 <= doc.status < 400:
                    if doc.challenge and self._challenge_count() > self.challenge_reloads:
                        raise await self._give_up(page)
                    # the challenge script reloads the page (a block page that never does fails sooner)
                    wait = max(3.0, self.challenge_timeout / (self.challenge_reloads + 1))
                    await self._next_document(doc, min(loop_deadline, time.monotonic() + wait))
                    continue
                remaining = max(0.1, loop_deadline - time.monotonic())
                try:
                    await page.wait_for_load_state("load", timeout=remaining * 1000)
                    if self.wait_network:  # scripts that fetch the list by XHR: wait for a quiet network
                        await page.wait_for_load_state("networkidle", timeout=self.settle_timeout * 1000)
                except PlaywrightError:  # slow images, a page that polls forever, a download: take what is there
                    pass
                if self.document is doc:
                    self.page_final = doc
                    with suppress(PlaywrightError):
                        self.cookies = await page.context.cookies()
                    await self._quiet(page)
                    return
            except asyncio.TimeoutError:
                raise await self._give_up(page) from None

    @staticmethod
    async def _quiet(page) -> None:
        """Stop intercepting the page's requests before scrapy-playwright closes it.

        A request that reaches a route handler after ``close()`` was called is stalled by Playwright, and
        the close then waits for it (a challenge page that keeps reloading does exactly that).
        """
        with suppress(Exception):
            await asyncio.wait_for(page.unroute_all(behavior="ignoreErrors"), 5)

    async def _give_up(self, page) -> ChallengeNotPassed | BrowserTimeout:
        """Stop a page that did not get past the challenge (or did not load); return the error to raise.

        A challenge script may reload the page every few milliseconds, and scrapy-playwright's close may take
        seconds: a blank document ends the old one's timers, so the host sees no more requests from this attempt.
        """
        error = self._failure(page.url)
        with suppress(Exception):  # first: until then the route keeps refusing loads past the limit
            await page.goto("about:blank", wait_until="commit", timeout=5000)
        await self._quiet(page)
        return error

    def _failure(self, url: str) -> ChallengeNotPassed | BrowserTimeout:
        statuses = ", ".join(str(e.status) for e in self.exchanges if e.is_document) or "none"
        challenges = self._challenge_count()
        if not challenges:
            return BrowserTimeout(f"{url}: not loaded within {self.challenge_timeout:g} s "
                                  f"(documents received: {statuses})")
        return ChallengeNotPassed(f"{url}: no content after {challenges} anti-bot challenge page(s) "
                                  f"(documents received: {statuses})")

    async def finish(self) -> None:
        """Wait for the bodies still being read (bounded: a closed page fails them quickly)."""
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=10)


# -- the middleware ------------------------------------------------------------------------------------

def body_mode(request) -> str:
    """``"dom"`` (the spider gets the rendered page) or ``"raw"`` (the body as served: reports, files)."""
    return "raw" if request.meta.get("request_type") == "report" or is_file_request(request) else "dom"


class BrowserCaptureMiddleware:
    """Downloader middleware for browser requests: wire the page, archive what it received, fix the response.

    Wired nearer the downloader (960) than the WARC capture middleware (950), which leaves browser requests
    to this one.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        settings = crawler.settings
        self.user_agent = settings.get("USER_AGENT")  # one User-Agent for both paths
        self.challenge_timeout = settings.getfloat("BROWSER_CHALLENGE_TIMEOUT", 15.0)
        self.challenge_reloads = settings.getint("BROWSER_CHALLENGE_RELOADS", 3)
        self.settle_timeout = settings.getfloat("BROWSER_SETTLE_TIMEOUT", 5.0)
        self.session = ArchiveSession.of(crawler)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        if not request.meta.get("playwright"):
            return None
        tracker = PageTracker(self.challenge_timeout, self.challenge_reloads, self.settle_timeout,
                              wait_network=body_mode(request) == "dom")
        meta = request.meta
        meta.pop("warc", None)  # a request re-issued after a challenge carries the challenge's location
        meta["_browser_tracker"] = tracker
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
        return request.meta.pop("_browser_tracker", None)

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
        request.meta["browser_cookies"] = tracker.cookies  # crawler/antibot.py keeps them for the host's files
        location = locations[final]
        request.meta["warc"] = location
        self.refuse_if_off_portal(request, final, location)
        logger.debug("browser: %s %s in %.2fs (%d exchanges, %d challenge pages)", final.status, final.url,
                     request.meta.get("download_latency", 0.0), len(tracker.exchanges), tracker._challenge_count())
        self.stats.inc_value("govarchive/browser/pages")
        html = response.text if isinstance(response, HtmlResponse) else None
        if html is not None and location.get("record_id"):
            self.session.warc.write_rendered(url=final.url, html=html, concurrent_to=location["record_id"])
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
        hosts = request.meta.get("browser_hosts")
        if not hosts or netloc_of(final.url) in hosts:
            return
        message = f"{request.url} redirected the browser to {final.url}, outside the portal; not followed"
        flag_capture(self.session, self.stats, location, "outside_portal", message)
        logger.warning(message)
        raise IgnoreRequest(message)

    def archive(self, request, tracker: PageTracker, final) -> dict:
        """Write every complete exchange of the attempt; return ``{exchange: warc location}``."""
        locations = {}
        portal = portal_of(self.crawler, request)
        for exchange in tracker.exchanges:
            if urlsplit(exchange.url).scheme not in ("http", "https"):
                continue  # the browser's own pages (a viewer, an error page): nothing a server sent
            if exchange.body is None:
                if exchange.error:
                    logger.debug("%s: not archived (%s)", exchange.url, exchange.error)
                continue
            headers = [(k, v) for k, v in exchange.headers if k.lower() != "content-encoding"]
            request_type = request.meta.get("request_type") if exchange.is_document else exchange.resource_type
            prior = None if exchange.is_document else latest_capture(self.session.db, exchange.url)
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
