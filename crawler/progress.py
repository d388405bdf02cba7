"""Progress a person can follow on a long crawl: a live line on a terminal, periodic log lines otherwise."""

from __future__ import annotations

import logging
import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from crawler.session import ERROR_PREFIX, archive_session

logger = logging.getLogger(__name__)


class Progress:
    """Pages fetched, reports found, queue size, errors and rate, every PROGRESS_INTERVAL seconds.

    On a terminal (stderr is a TTY) the line is redrawn in place each second instead.
    """

    def __init__(self, crawler, interval: float, stream=sys.stderr):
        self.crawler = crawler
        self.live = stream.isatty()
        self.stream = stream
        self.interval = 1.0 if self.live else interval
        self.started = time.monotonic()
        self.task = None

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("PROGRESS_INTERVAL")
        if not interval:
            raise NotConfigured
        progress = cls(crawler, interval)
        crawler.signals.connect(progress.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(progress.spider_closed, signal=signals.spider_closed)
        return progress

    def spider_opened(self, spider):
        self.started = time.monotonic()
        self.task = create_looping_call(self.report)
        self.task.start(self.interval, now=False)

    def spider_closed(self, spider, reason):
        if self.task and self.task.running:
            self.task.stop()
        if self.live:
            self.stream.write("\n")

    def line(self) -> str:
        stats = self.crawler.stats.get_stats()
        pages = stats.get("govarchive/pages_fetched", 0)
        errors = sum(v for k, v in stats.items() if k.startswith(ERROR_PREFIX))
        reports = archive_session(self.crawler).counts["reports_found"]
        scheduler = self.crawler.engine.scheduler if self.crawler.engine else None
        queued = len(scheduler) if scheduler is not None and hasattr(scheduler, "__len__") else 0
        minutes = max(time.monotonic() - self.started, 1e-6) / 60
        return (f"pages {pages}, reports {reports}, queue {queued}, errors {errors}, "
                f"{pages / minutes:.0f} pages/min")

    def report(self):
        if self.live:
            self.stream.write("\r\x1b[K" + self.line())
            self.stream.flush()
        else:
            logger.info("progress: %s", self.line())
