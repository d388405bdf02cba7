"""One fetched page to clean text, metadata and a report decision, off the reactor.

``extract_page`` is a plain module-level function (picklable), so ``ExtractPipeline`` can run it in a
``ProcessPoolExecutor`` of ``EXTRACT_PROCESSES`` workers: extraction (~10 ms a page) never blocks the
crawl. ``EXTRACT_PROCESSES = 0`` runs it inline (tests, debugging).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import logging
import multiprocessing

from scrapy.exceptions import DropItem

from pipelines.attachments import extract_attachment, use_attachment_text
from pipelines.classify import is_annual_report, report_agency, report_year
from pipelines.clean import EXTRACTOR, body_element, clean_tree, parse_html
from pipelines.decode import decode_html
from pipelines.metadata import FIELDS, metadata_from_tree

logger = logging.getLogger(__name__)
MAX_POOL_RESTARTS = 3  # then extract inline: a pool that cannot keep its workers alive only wastes time


class ExtractionTimeout(Exception):
    """A page or attachment took longer than ``EXTRACT_TIMEOUT`` to extract; its worker was stopped."""

KEYS = ("title", "text", "chars", "text_sha1", *FIELDS[1:], "agency", "report_year", "is_report", "reason",
        "encoding", "extractor")


def extract_page(body: bytes, url: str, content_type: str = "") -> dict:
    """Decode, read metadata, clean the body and classify one page.

    Returns ``{title, text, chars, text_sha1, publish_date, publish_time, source, index_no, doc_no,
    publisher, agency, report_year, is_report, reason, encoding, extractor}``. ``agency`` here knows no
    portal name; ``ClassifyPipeline`` fills that last resort in.
    """
    if _binary(body):  # a PDF, Office file or image served where a page was expected
        html, encoding = "", None
    else:
        html, encoding = decode_html(body, content_type)
    root = parse_html(html)
    if root is None:
        meta = dict.fromkeys(FIELDS)
        text = ""
    else:
        body_el = body_element(root, html)
        meta = metadata_from_tree(root, body_el, url)
        text = clean_tree(root, body_el, url, meta["title"] or "")
    title = meta["title"] or ""
    is_report, reason = is_annual_report(title, text)
    if encoding is None:
        is_report, reason = False, "not an HTML page (binary content)"
    return {
        "title": meta["title"],
        "text": text,
        "chars": len(text),
        "text_sha1": hashlib.sha1(text.encode("utf-8")).hexdigest(),
        **{field: meta[field] for field in FIELDS[1:]},
        "agency": report_agency(title, text, meta["publisher"]) if is_report else None,
        "report_year": report_year(title, text, meta["publish_date"]) if is_report else None,
        "is_report": is_report,
        "reason": reason,
        "encoding": encoding,
        "extractor": EXTRACTOR,
    }


_MAGIC = (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"\x1f\x8b")


def _binary(body: bytes) -> bool:
    head = body[:1024].lstrip()
    return head.startswith(_MAGIC) or (b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")))


def _warm_up() -> None:
    """Worker initializer: import and exercise the heavy modules once."""
    extract_page(b"<html><body><p>warm up</p></body></html>", "http://localhost/")


def _asyncio_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class ExtractPipeline:
    """Run ``extract_page`` for each ``ReportCandidate``, and ``extract_attachment`` for its attachments, in a
    process pool; store the page's dict in ``item.extracted`` (keys the spider set there are kept unless
    extraction fills them) and each attachment's next to it (its body is dropped once read)."""

    def __init__(self, processes: int = 2, timeout: float = 300.0, stats=None):
        self.processes = processes
        self.timeout = timeout
        self.stats = stats
        self.pool: concurrent.futures.ProcessPoolExecutor | None = None
        self.restarts = 0

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        return cls(settings.getint("EXTRACT_PROCESSES", 2), settings.getfloat("EXTRACT_TIMEOUT", 300.0),
                   crawler.stats)

    def open_spider(self, spider=None):
        if self.processes > 0 and self.pool is None:
            # forkserver: never fork the crawler process itself (reactor threads, open WARC files).
            self.pool = concurrent.futures.ProcessPoolExecutor(
                self.processes, mp_context=multiprocessing.get_context("forkserver"), initializer=_warm_up
            )

    async def process_item(self, item, spider=None):
        try:
            item.extracted.update(await self._run(extract_page, item.body, item.url, item.content_type))
        except ExtractionTimeout as exc:  # the page stays in the WARC files; only its row is missing
            raise DropItem(str(exc)) from None
        for attachment in item.attachments:
            if "body" in attachment:
                body = attachment.pop("body")
                try:
                    attachment.update(await self._run(extract_attachment, body, attachment["url"],
                                                      attachment["content_type"]))
                except ExtractionTimeout as exc:
                    attachment.update(kind=None, text="", chars=0, text_status=f"error: {exc}", pages=None,
                                      extractor=None)
        use_attachment_text(item)
        return item

    async def _run(self, function, body: bytes, url: str, content_type: str) -> dict:
        """``function(body, url, content_type)`` in the pool (inline with EXTRACT_PROCESSES = 0)."""
        if self.processes <= 0:
            return function(body, url, content_type)
        if self.pool is None:
            self.open_spider()
        pool = self.pool
        try:
            future = pool.submit(function, body, url, content_type)
            if _asyncio_running():
                return await self._result(pool, future, url)
            from twisted.internet.threads import deferToThread  # a non-asyncio reactor: wait in a thread

            return await deferToThread(future.result)
        except concurrent.futures.process.BrokenProcessPool:
            if pool is self.pool:  # the first item in flight to notice restarts the pool, once
                self.pool = None
                pool.shutdown(wait=False, cancel_futures=True)
                self.restarts += 1
                if self.restarts > MAX_POOL_RESTARTS:
                    logger.error("extraction workers keep dying; extracting inline from now on")
                    self.processes = 0
                else:
                    logger.error("an extraction worker died (on %s or a page in flight with it); "
                                 "restarting the pool", url)
            return function(body, url, content_type)

    async def _result(self, pool, future, url: str) -> dict:
        """The future's result within ``timeout`` seconds; past it, stop the pool's workers (a task running
        in a worker cannot be cancelled otherwise) and raise :class:`ExtractionTimeout`. The work in flight
        with it is extracted again (see ``_run``)."""
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except asyncio.TimeoutError:
            if self.stats is not None:
                self.stats.inc_value("govarchive/errors/extract_timeout")
            logger.error("%s: extraction took longer than %g s; stopping its worker", url, self.timeout)
            for process in list((pool._processes or {}).values()):  # Python 3.14 has pool.kill_workers()
                process.kill()
            if pool is self.pool:  # the next item opens a new pool
                self.pool = None
                pool.shutdown(wait=False, cancel_futures=True)
            raise ExtractionTimeout(f"extraction took longer than {self.timeout:g} s") from None

    def close_spider(self, spider=None):
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
