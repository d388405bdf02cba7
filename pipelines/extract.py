"""ExtractPipeline: a report candidate's page and attachments to clean text and metadata, off the reactor.

Each attachment (``read_attachment``: its text and its tables' rows), then the page (``read_page``: pipelines/page.py
``extract_page`` on the text the spider decoded, its attachments' text for a stub, and the statistics tables
of pipelines/figures, in one trip) are read in a pool of ``EXTRACT_PROCESSES`` workers
(pipelines/process_pool.py): extraction (~2 ms a page) never blocks the crawl. ``EXTRACT_PROCESSES = 0`` runs
it inline (tests, debugging). Whether the page is a report is pipelines/classify.py's, next.

Each worker is bounded: in time (``EXTRACT_TIMEOUT``, an alarm), in address space (``EXTRACT_MEMORY_LIMIT``,
RLIMIT_AS: a MemoryError becomes that page's or file's error), and in life (it exits when the crawl process
dies, however it dies, and its forkserver follows).
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import resource
import signal
import threading
from functools import partial

from crawler.items import ReportCandidate
from pipelines.attachments import (
    MAX_UNPACKED,
    TooLarge,
    as_too_large,
    extract_attachment,
    files_read_once,
    with_attachment_text,
)
from pipelines.process_pool import SUBPROCESS, ProcessPool, TaskKilled, WorkerLost

logger = logging.getLogger(__name__)
MAX_POOL_RESTARTS = 3  # crashes, then extract inline: workers that cannot stay alive only waste time
KILL_GRACE = 30.0  # seconds past EXTRACT_TIMEOUT before a worker that ignores its alarm (stuck in C code) is killed
MEMORY_LIMIT = 2**30  # address space of one worker; the crawl passes EXTRACT_MEMORY_LIMIT


class ExtractionTimeout(BaseException):
    """A page or attachment took longer than ``EXTRACT_TIMEOUT`` to extract.

    Raised inside the worker by an alarm, so it is a BaseException: a library's ``except Exception`` around
    its own loop (PDF parsers have them) must not swallow it and go on.
    """


class WorkerDied(Exception):
    """The extraction worker died twice while this page or attachment was in flight (a crash, or a kill)."""


ITEM_FAILURES = (ExtractionTimeout, TooLarge, WorkerDied)  # one page's or file's, never the crawl's


def _within_time(function, timeout: float, *args) -> dict:
    """Run ``function`` in a pool worker under an alarm: a hang raises there, and the worker lives on; so
    does one that runs out of memory (:class:`TooLarge`)."""
    def expire(signum, frame):
        raise ExtractionTimeout(f"extraction took longer than {timeout:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return function(*args)
    except Exception as exc:  # what it held is freed as this unwinds
        too_large = as_too_large(exc)
        if too_large is None:
            raise
        raise too_large from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _start_worker(crawler_alive, memory_limit: int, warm_up: bool) -> None:
    """Worker initializer: import and warm up the extraction (``warm_up``: a spawned worker; one forked from
    the forkserver has it already, pipelines/warm_up.py), exit with the crawl process, cap the address space."""
    if warm_up:
        for module in WORKER_MODULES:
            if module != "__main__":  # spawn ran the crawl's main module already
                importlib.import_module(module)
    _exit_with_crawler(crawler_alive)
    _cap_address_space(memory_limit)


# Imported by the pool's forkserver before it forks the workers, which then share those pages; the crawl
# process never imports pipelines.page or trafilatura (~30 MB it has no use for). The last one reads a page.
WORKER_MODULES = ["__main__", "pipelines.page", "pipelines.figures", "trafilatura", "pipelines.warm_up"]


def read_attachment(body: bytes, url: str, content_type: str = "", max_unpacked: int = MAX_UNPACKED) -> dict:
    """An attachment in one trip to a worker: its text (pipelines/attachments.py ``extract_attachment``)
    and, if that could read it, the rows its statistics tables are read from (pipelines/figures/grids.py
    ``attachment_rows``, made ``portable_rows`` for the crawl process): ``rows``, or ``rows_error`` (``"Type:
    reason"``), the time running out included. A PDF or a DOCX is read once for both: that reading is most of
    the cost of either."""
    from pipelines.figures.grids import attachment_rows, portable_rows

    with files_read_once():
        extracted = extract_attachment(body, url, content_type, max_unpacked)
        if extracted["text_status"].startswith("ok"):  # not a bomb, not a corrupt file
            try:
                extracted["rows"] = portable_rows(attachment_rows(body, url, content_type))
            except (Exception, ExtractionTimeout) as exc:  # noqa: BLE001 - the text is kept
                extracted["rows_error"] = f"{type(exc).__name__}: {exc}"
    return extracted


def read_page(html: str, url: str, files=(), attachments=(), link_text: str = "") -> dict:
    """A report page in one trip to a worker (it is sent once): ``{"extracted", "figures"}``.

    ``extracted``: its clean text and metadata (pipelines/page.py ``extract_page``), with the text of its
    ``attachments`` (their extracted dicts) when the page is a stub (``with_attachment_text``); ``figures``:
    its statistics tables (pipelines/figures ``parse_page_figures``) from the page, its ``files`` (``(url,
    rows, error)`` of the attachments :func:`read_attachment` read) and that text. The page is parsed once;
    its tables are copied before the text extraction cleans the tree, and read last: when they run out of
    time or memory, the text is kept, ``figures`` is None and ``figures_error`` says why.

    pipelines.page and pipelines.figures are imported here, where this runs (a worker; the crawl process
    when inline): the crawl process never loads them.
    """
    from pipelines.clean import parse_html
    from pipelines.figures import parse_page_figures
    from pipelines.figures.grids import page_tables
    from pipelines.page import extract_tree

    root = parse_html(html)  # once: the tables are copied before the text extraction cleans the tree
    tables = page_tables(root) if root is not None else []
    extracted = with_attachment_text(extract_tree(root, html, url), list(attachments), link_text)
    try:
        return {"extracted": extracted, "figures": parse_page_figures(tables, files, extracted["text"] or "")}
    except ExtractionTimeout as exc:
        return {"extracted": extracted, "figures": None, "figures_error": exc}
    except Exception as exc:
        too_large = as_too_large(exc)
        if too_large is None:
            raise
        return {"extracted": extracted, "figures": None, "figures_error": too_large}


def _exit_with_crawler(crawler_alive) -> None:
    """End this worker as soon as the crawl process is gone, however it died (kill -9, the OOM killer).

    ``crawler_alive`` is the read end of a pipe whose write end only the crawl process holds: it reads EOF
    the moment that process dies, and at once if it died before this thread started (no race, no pid that
    could be reused). An idle worker would end anyway (its task pipe reads EOF), but a busy one would go on
    with its task, up to ``EXTRACT_TIMEOUT``; PR_SET_PDEATHSIG would watch its parent, the forkserver, which in
    turn waits for its workers (they hold the write end of its "alive" pipe). Once the workers are gone, the
    forkserver and multiprocessing's resource tracker read EOF and exit too.
    """
    def watch():
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # the extraction's alarm is the main thread's
        crawler_alive.poll(None)  # nothing is ever sent: it returns on EOF
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-crawler", daemon=True).start()


def _cap_address_space(limit: int) -> None:
    """RLIMIT_AS for this worker, inherited by antiword and catdoc: an allocation past it raises MemoryError
    (or fails the tool), which becomes that page's or file's error, and the worker goes on. Set after the
    watch thread (its stack and malloc arena; the forkserver did the warm-up), so the limit is the whole address
    space."""
    if limit > 0:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def default_processes() -> int:
    """Extraction workers when ``EXTRACT_PROCESSES`` is not set: one for each CPU this process may run on but
    the one the crawl's reactor takes, at least one and at most two (one crawl's pages need about half a
    core). On two cores that is one: a second worker would only compete with the crawl for the same CPU."""
    return max(1, min(2, len(os.sched_getaffinity(0)) - 1))


class ExtractPipeline:
    """Run ``read_attachment`` for the attachments of each ``ReportCandidate``, then ``read_page`` for the
    page, in a process pool; store each attachment's dict in it (its body is dropped once read), the page's in
    ``item.extracted`` (a stub page takes its attachments' text) and its tables in ``item.figures``. Other
    items pass through."""

    def __init__(self, processes: int = 2, timeout: float = 300.0, stats=None, kill_grace: float = KILL_GRACE,
                 memory_limit: int = MEMORY_LIMIT, max_unpacked: int = MAX_UNPACKED):
        self.processes = processes
        self.timeout = timeout
        self.kill_grace = kill_grace
        self.memory_limit = memory_limit
        self.read_attachment = partial(read_attachment, max_unpacked=max_unpacked)
        self.stats = stats
        self.pool: ProcessPool | None = None
        self.restarts = 0
        self.alive = None  # (reader, writer) of the pipe that tells workers the crawl process is gone

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        processes = settings.get("EXTRACT_PROCESSES")
        processes = default_processes() if processes is None else int(processes)
        return cls(processes, settings.getfloat("EXTRACT_TIMEOUT", 300.0),
                   crawler.stats, memory_limit=settings.getint("EXTRACT_MEMORY_LIMIT", MEMORY_LIMIT),
                   max_unpacked=settings.getint("EXTRACT_UNPACKED_MAXSIZE", MAX_UNPACKED))

    def open_spider(self, spider=None):
        """Start the workers before the crawl's first request: their imports and warm-up (~1 s of CPU) go on
        while the crawl starts, not while the first pages wait."""
        if self.processes > 0:
            if self.alive is None:
                self.alive = multiprocessing.Pipe(duplex=False)  # the write end never leaves this process
            context, warm_up = self._workers_context()
            self.pool = ProcessPool(self.processes, context, _start_worker,
                                    (self.alive[0], self.memory_limit, warm_up))

    def _workers_context(self) -> tuple:
        """How the workers start, and whether each warms up itself. Never forked from the crawl process
        (reactor threads, open WARC files). Two or more are forked from a forkserver that imported and warmed
        up the extraction once, and share those pages. A single worker would share them with nobody: it is
        started as a new interpreter (process_pool.SUBPROCESS) and warms up itself, and the forkserver's
        process is saved (5 MB of its own, 70 MB more in the sum of RSS), and multiprocessing's resource
        tracker (13 MB)."""
        if self.processes == 1:
            return SUBPROCESS, True
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(WORKER_MODULES)
        return context, False

    async def process_item(self, item, spider=None):
        if not isinstance(item, ReportCandidate):
            return item
        files = await self._read_attachments(item.attachments)
        try:
            page = await self._run(read_page, item.html, item.url, files, item.attachments, item.link_text)
        except ITEM_FAILURES as exc:  # the page stays in the WARC files; only its row is missing
            from scrapy.exceptions import DropItem  # here: the workers import this module, and need no Scrapy

            raise DropItem(f"{item.url}: {exc}") from None
        item.extracted.update(page["extracted"], encoding=item.encoding)
        item.figures = page["figures"]
        if "figures_error" in page:  # ``govarchive parse`` tries again
            self._count(page["figures_error"])
            logger.warning("%s: statistics tables not read: %s", item.url, page["figures_error"])
        return item

    async def _read_attachments(self, attachments: list[dict]) -> list[tuple]:
        """Read each attachment fetched (its body is dropped once read) into its dict; the ``(url, rows,
        error)`` of those read, for the statistics tables."""
        readable = []
        for attachment in attachments:
            if "body" not in attachment:
                continue
            try:
                attachment.update(await self._run(self.read_attachment, attachment.pop("body"), attachment["url"],
                                                  attachment["content_type"]))
            except ITEM_FAILURES as exc:
                attachment.update(kind=None, text="", chars=0, text_status=f"error: {exc}", pages=None,
                                  extractor=None)
            if attachment["text_status"].startswith("ok"):  # not a bomb, not a corrupt file
                rows, error = attachment.pop("rows", None), attachment.pop("rows_error", None)
                readable.append((attachment["url"], rows, error))
        return readable

    async def _run(self, function, content, url: str, *args) -> dict:
        """``function(content, url, *args)`` in a worker (inline with EXTRACT_PROCESSES = 0), under its alarm.

        A task still running ``kill_grace`` seconds after its alarm should have gone off is stuck where the
        alarm cannot reach (C code): its worker is killed and it gets :class:`ExtractionTimeout`. A worker
        that dies under the item otherwise (a crash) is replaced and gets the item again; a second death is
        the item's own: :class:`WorkerDied`.
        """
        for attempt in range(2):
            if self.processes <= 0:
                break
            try:
                return await self.pool.run(_within_time, function, self.timeout, content, url, *args,
                                           kill_after=self.timeout + self.kill_grace)
            except (ExtractionTimeout, TooLarge) as exc:
                self._count(exc)
                raise
            except TaskKilled:
                logger.error("%s: extraction still running %g s after its time limit; its worker was killed",
                             url, self.kill_grace)
                exc = ExtractionTimeout(f"extraction took longer than {self.timeout:g} s")
                self._count(exc)
                raise exc from None
            except WorkerLost:
                self._crashed(url)
                if attempt:
                    raise WorkerDied("the extraction worker died twice while extracting it") from None
        return function(content, url, *args)

    def _count(self, exc: BaseException) -> None:
        """Count a page's or file's timeout or running out of memory in the crawl's stats."""
        if self.stats is not None:
            kind = "timeout" if isinstance(exc, ExtractionTimeout) else "too_large"
            self.stats.inc_value(f"govarchive/errors/extract_{kind}")

    def _crashed(self, url: str) -> None:
        """A worker died (the pool has started another): after MAX_POOL_RESTARTS, extract inline (the pool
        ends its tasks in flight, and is closed with the spider)."""
        self.restarts += 1
        if self.restarts > MAX_POOL_RESTARTS:
            logger.error("extraction workers keep dying; extracting inline from now on")
            self.processes = 0
        else:
            logger.error("an extraction worker died (on %s); starting another", url)

    def close_spider(self, spider=None):
        if self.pool is not None:
            self.pool.close()
            self.pool = None
        if self.alive is not None:
            for end in self.alive:
                end.close()
            self.alive = None
