"""scrapy-playwright's download handler, started only when a request needs the browser, and the route that
keeps each page on its portal's hosts."""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import suppress
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawler.fetch.chromium import find_chromium
from crawler.registry import netloc_of
from crawler.requests import BROWSER_HOSTS, BROWSER_TRACKER

logger = logging.getLogger(__name__)

# Resource types the browser never needs to fetch for links or for passing a challenge.
ABORTED_RESOURCE_TYPES = frozenset({"image", "media", "font", "stylesheet", "manifest", "texttrack"})
PAGE_CLOSE_TIMEOUT = 10  # seconds
ROOM_POLL_SECONDS = 0.2  # how often a page for a new host checks for a free context when all are busy


class BrowserUnavailable(RuntimeError):
    """No Chromium to run: the message says how to get one."""


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
    hosts = set(request.meta.get(BROWSER_HOSTS) or ())
    tracker = request.meta.get(BROWSER_TRACKER)
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
