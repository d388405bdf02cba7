"""Scrapy settings for govarchive: every component is wired here, each with one job.

Values a user is likely to change are read from the environment by crawler/cli.py (``--data``) or can be
given with ``scrapy crawl portal -s NAME=VALUE``.
"""

BOT_NAME = "govarchive"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# -- who we are: one place, one User-Agent with a contact URL ----------------------------------------
GOVARCHIVE_CONTACT_URL = "https://github.com/govarchive/govarchive"
USER_AGENT = f"govarchive/0.1 (+{GOVARCHIVE_CONTACT_URL}; archive of government information-disclosure annual reports)"

# -- where the archive lives ------------------------------------------------------------------------
GOVARCHIVE_DATA_DIR = "data"
WARC_MAX_SIZE = 1_000_000_000  # rotate WARC files past this many bytes (gzip-compressed size)
WARC_PREFIX = "govarchive"

# -- politeness ---------------------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.5
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
RETRY_TIMES = 2
COOKIES_ENABLED = True
REFERER_ENABLED = True
TELNETCONSOLE_ENABLED = False

# -- focused discovery (spiders/portal.py) -------------------------------------------------------------
PORTAL_PAGE_BUDGET = 400  # pages fetched per portal, listing and navigation pages included
PORTAL_MAX_DEPTH = 6  # navigation hops from a start URL; pagination of a listing does not count
PORTAL_EXPLORE_DEPTH = 1  # links with no sign of the report column are followed only this close to a start URL
NIGHTLY_RECHECK_DAYS = 7  # a nightly crawl re-checks (conditionally) reports last seen longer ago than this
DEPTH_PRIORITY = 0

# -- components --------------------------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    # Replaced: in Scrapy 2.19 requests waiting together for robots.txt all but one go unchecked.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.SharedRobotsTxtMiddleware": 100,
    "crawler.middlewares.PortalScopeMiddleware": 60,
    # Replaced: Scrapy's cookie middleware would try to download the Public Suffix List offline.
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "crawler.middlewares.OfflineCookiesMiddleware": 700,
    # Before HttpCompressionMiddleware (590) and RedirectMiddleware (600) in the response path:
    # it sees every exchange, redirects and errors included, with the body still as sent.
    # Between HttpCompression (590) and capture (950): conditional requests, 304s and resumed pages
    # are answered from the archive with the body as served.
    "archive.reuse.ArchiveReuseMiddleware": 920,
    "archive.capture.WarcCaptureMiddleware": 950,
}

ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.classify.ClassifyPipeline": 200,
    "pipelines.store.StorePipeline": 900,
}
EXTRACT_PROCESSES = 2

EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    "crawler.progress.Progress": 500,
}
PROGRESS_INTERVAL = 30  # seconds between progress log lines when not on a terminal

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
