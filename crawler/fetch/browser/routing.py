"""Which requests go through the browser, and which come back from it as plain HTTP requests for files.

The spider, a registry entry with ``"browser": true`` and fetch/antibot.py call :func:`use_browser` (or
:func:`browser_request`); a navigation that ends on a file is turned back into a plain request with the
browser's cookies (:func:`plain_request`, :func:`cookie_header`), because Chromium shows a PDF in its viewer
and hands other files to its download manager: neither is what the server sent.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from crawler.registry import netloc_of
from crawler.requests import (BROWSER_COOKIES, BROWSER_HOSTS, DONT_REUSE_ARCHIVE, FETCH_AS_FILE, KIND,
                              RequestKind)
from pipelines.attachments import attachment_kind


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
    meta[BROWSER_HOSTS] = sorted(set(hosts or ()) | {host})
    meta[DONT_REUSE_ARCHIVE] = True  # an archived raw page is not what the browser would have rendered
    return meta


def browser_request(request, hosts=None):
    """A copy of a Scrapy request that goes through the browser (``dont_filter``: the URL may be known)."""
    return request.replace(meta=use_browser(dict(request.meta), request.url, hosts), dont_filter=True)


def is_file_request(request) -> bool:
    """A request for a file rather than a page: an attachment, a link to a PDF/DOC/XLS … (by extension or a
    download script's file name), robots.txt, or a URL the browser found to serve a file (``fetch_as_file``).
    A browser would show such a file in a viewer, or download it: on a browser host it is fetched over plain
    HTTP with the host's browser cookies instead."""
    return (request.meta.get(FETCH_AS_FILE) or request.meta.get(KIND) == RequestKind.ATTACHMENT
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
                     "playwright_suggested_filename", BROWSER_HOSTS, DONT_REUSE_ARCHIVE, "download_latency")


def plain_request(request, url: str, cookies: list[dict]):
    """A copy of a browser request that fetches ``url`` over plain HTTP, carrying the browser's cookies in
    ``meta[BROWSER_COOKIES]`` (fetch/antibot.py puts them in the Cookie header)."""
    meta = {key: value for key, value in request.meta.items() if key not in BROWSER_META_KEYS}
    meta.update({BROWSER_COOKIES: cookies, FETCH_AS_FILE: True})
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


def body_mode(request) -> str:
    """``"dom"`` (the spider gets the rendered page) or ``"raw"`` (the body as served: reports, files)."""
    return "raw" if request.meta.get(KIND) == RequestKind.REPORT or is_file_request(request) else "dom"
