"""The crawl's archive session (archive/session.py) for its Scrapy components, and its closing.

The spider, the fetch middlewares and the pipelines of one crawl share one session: the first to ask opens it
(``archive_session(crawler)``), from the settings; it is closed when the spider closes, with the crawl's
counts taken from Scrapy's stats (``govarchive/…``).
"""

from __future__ import annotations

from scrapy import signals
from scrapy.utils.misc import load_object

from archive.session import ArchiveSession
from crawler.registry import portals_of

ERROR_PREFIX = "govarchive/errors/"


class CrawlArchive:
    """Holds the session of one crawler and closes it with the crawl's counts when the spider closes.

    Its store is the archive database, or what ``GOVARCHIVE_STORE`` names (a factory called with the
    settings: a distributed worker's queue, crawler/queue/store.py)."""

    def __init__(self, crawler):
        settings = crawler.settings
        self.stats = crawler.stats
        make_store = load_object(settings["GOVARCHIVE_STORE"]) if settings.get("GOVARCHIVE_STORE") else None
        self.session = ArchiveSession(settings.get("GOVARCHIVE_DATA_DIR"), settings.get("GOVARCHIVE_MODE", "scrapy"),
                                      settings.getint("WARC_MAX_SIZE"), settings.get("WARC_PREFIX"),
                                      settings.get("USER_AGENT"), make_store(settings) if make_store else None)
        self.session.register_portals(portals_of(settings).values())
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def spider_closed(self, spider, reason):
        stats = self.stats.get_stats()
        errors = {key.removeprefix(ERROR_PREFIX): count for key, count in stats.items() if key.startswith(ERROR_PREFIX)}
        exit_code = 0 if not errors and reason == "finished" else 1
        self.session.close(exit_code, reason=reason, errors=errors,
                           pages_fetched=stats.get("govarchive/pages_fetched", 0),
                           bytes_fetched=stats.get("govarchive/bytes_fetched", 0),
                           pages_second_phase=stats.get("govarchive/pages_second_phase", 0))


def archive_session(crawler) -> ArchiveSession:
    """The crawler's archive session, opened on first use."""
    archive = getattr(crawler, "govarchive_archive", None)
    if archive is None:
        archive = crawler.govarchive_archive = CrawlArchive(crawler)
    return archive.session


class WithArchiveSession:
    """Mixin for a Scrapy middleware subclass that flags captures: ``self.session``, the crawl's archive."""

    @classmethod
    def from_crawler(cls, crawler):
        middleware = super().from_crawler(crawler)
        middleware.session = archive_session(crawler)
        return middleware
