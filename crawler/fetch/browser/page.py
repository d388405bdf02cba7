"""What one browser attempt received, and the wait for a page past any challenge.

:class:`PageTracker` listens to a page's ``response`` events and keeps the main document's responses (the
challenge page and the page after the reload included) and the XHR/fetch responses, each an
:class:`Exchange` with everything a WARC record needs; its page method :meth:`PageTracker.settle` waits for a
loaded, non-challenge document and an idle network, or gives up (:class:`ChallengeNotPassed`,
:class:`BrowserTimeout`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from contextlib import suppress

from playwright.async_api import Error as PlaywrightError

from crawler.fetch.challenges import challenge_reason

# Resource types whose exchanges are archived (besides the main document).
CAPTURED_RESOURCE_TYPES = frozenset({"xhr", "fetch"})


class ChallengeNotPassed(Exception):
    """The browser kept getting an anti-bot challenge page instead of the content."""


class BrowserTimeout(Exception):
    """The page did not load in time, and no challenge page was seen: a slow page, not a blocked host."""


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
        self.challenge = challenge_reason(self.status, None) if is_document else None
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
                self.challenge = challenge_reason(self.status, self.body)
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
