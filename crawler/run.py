"""Run one crawl of some portals into a data directory, in this process (Twisted runs once per process)."""

from __future__ import annotations

import datetime as dt
import signal
from pathlib import Path

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.registry import PORTALS_SETTING, portals_setting
from crawler.session import archive_session
from spiders.portal import PortalSpider

# Exit codes of the crawl commands (cron and scripts rely on them).
EXIT_OK = 0
EXIT_FINISHED_WITH_ERRORS = 1
EXIT_COULD_NOT_RUN = 2


def crawl_settings(data_dir, mode: str, overrides: dict | None = None, portals=()) -> Settings:
    """The project settings with the data directory, mode, portals and log file of this run."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    logs = Path(data_dir) / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    settings.setdict({
        "GOVARCHIVE_DATA_DIR": str(data_dir),
        "GOVARCHIVE_MODE": mode,
        "LOG_FILE": str(logs / f"{mode}-{stamp}.log"),
        PORTALS_SETTING: portals_setting(portals),
    }, priority="cmdline")
    settings.setdict(overrides or {}, priority="cmdline")
    return settings


class CrawlNotStarted(RuntimeError):
    """The crawl could not start (its archive session could not be opened); the log says why."""


def run_crawl(portals, data_dir, mode: str, overrides: dict | None = None) -> dict:
    """Crawl ``portals`` (registry Portal objects) and return the finished ``crawls`` row."""
    process = CrawlerProcess(crawl_settings(data_dir, mode, overrides, portals))
    crawler = process.create_crawler(PortalSpider)
    process.crawl(crawler)
    process.start()
    # Scrapy's SIGTERM and SIGINT handlers outlive its reactor and would make the work after the crawl (checks
    # across reports, alerts: both run again by the next crawl or ``govarchive parse``) ignore a kill.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if not hasattr(crawler, "govarchive_archive"):
        raise CrawlNotStarted(f"the crawl did not start: see the log in {Path(data_dir) / 'logs'}")
    session = archive_session(crawler)
    return session.store.crawl_row(session.crawl_id)
