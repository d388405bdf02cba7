"""``python -m bench.fetch_only REGISTRY``: the baseline of bench.throughput, Scrapy fetching and nothing else.

A minimal spider crawls the portals of a registry file from their start URLs, following every link on the
portal's host and the pages of TRS script pagers (spiders/links.py ``script_pages``, a regex: the links a
crawler without a browser can see), with the same politeness as govarchive (User-Agent, robots.txt, 16
requests at a time, 2 per host held by the same downloader, AutoThrottle, the offline cookie middleware),
and archives nothing: no WARC, no database, no extraction.
"""

from __future__ import annotations

import json
import sys

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.settings import Settings

from crawler.cli.base import parse_overrides
from spiders.links import script_pages

SHARED_SETTINGS = ("USER_AGENT", "ROBOTSTXT_OBEY", "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN",
                   "DOWNLOADER", "AUTOTHROTTLE_ENABLED", "AUTOTHROTTLE_START_DELAY", "AUTOTHROTTLE_MAX_DELAY",
                   "AUTOTHROTTLE_TARGET_CONCURRENCY", "DOWNLOAD_TIMEOUT", "DOWNLOAD_MAXSIZE", "RETRY_TIMES",
                   "COOKIES_ENABLED", "REFERER_ENABLED", "TELNETCONSOLE_ENABLED", "REMOTE_CONTROL_ENABLED",
                   "REQUEST_FINGERPRINTER_IMPLEMENTATION", "TWISTED_REACTOR")


class FetchOnlySpider(scrapy.Spider):
    name = "fetch_only"

    def __init__(self, registry: str, **kwargs):
        super().__init__(**kwargs)
        with open(registry, encoding="utf-8") as stream:
            self.portals = json.load(stream)
        self.links = LinkExtractor(unique=True)

    async def start(self):
        for portal in self.portals:
            for url in portal["start_urls"]:
                yield scrapy.Request(url, cb_kwargs={"hosts": portal["hosts"]})

    def parse(self, response, hosts):
        if not isinstance(response, TextResponse):
            return
        urls = [link.url for link in self.links.extract_links(response)] + script_pages(response.url, response.text)
        for url in urls:
            if url.split("/")[2] in hosts:
                yield scrapy.Request(url, cb_kwargs={"hosts": hosts})


def settings(overrides: dict) -> Settings:
    """Scrapy's defaults with govarchive's politeness and fetching settings (crawler/settings.py)."""
    project = Settings()
    project.setmodule("crawler.settings")
    result = Settings({name: project[name] for name in SHARED_SETTINGS})
    result.set("DOWNLOADER_MIDDLEWARES", {"scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
                                          "crawler.fetch.cookies.OfflineCookiesMiddleware": 700})
    result.set("LOG_LEVEL", "INFO")
    result.setdict(overrides, priority="cmdline")
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    registry, overrides = argv[0], parse_overrides(argv[1:])
    process = CrawlerProcess(settings(overrides))
    process.crawl(FetchOnlySpider, registry=registry)
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
