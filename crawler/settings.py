"""Scrapy settings for govarchive: every component is wired here, each with one job.

Values a user is likely to change are set by the command line (crawler/cli: ``--data``, ``-s NAME=VALUE``) or can be
given with ``scrapy crawl portal -s NAME=VALUE``.
"""

from crawler.fetch.chromium import CHROMIUM_ARGS, find_chromium

BOT_NAME = "govarchive"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# -- who we are: one place, one User-Agent with a contact URL ----------------------------------------
GOVARCHIVE_CONTACT_URL = "https://github.com/govarchive/govarchive"
USER_AGENT = f"govarchive/0.1 (+{GOVARCHIVE_CONTACT_URL}; archive of government information-disclosure annual reports)"

# -- where the archive lives ------------------------------------------------------------------------
GOVARCHIVE_DATA_DIR = "data"
GOVARCHIVE_MODE = "scrapy"  # backfill | nightly (crawler/run.py sets it); a nightly run is incremental
INCREMENTAL_ENABLED = True  # nightly runs start from remembered listings, skip reports not due (spiders/incremental.py)
WARC_MAX_SIZE = 1_000_000_000  # rotate WARC files past this many bytes (gzip-compressed size)
WARC_PREFIX = "govarchive"

# -- politeness ---------------------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Holds that limit even with no download delay (Scrapy 2.19's own downloader does not: crawler/fetch/downloader.py).
DOWNLOADER = "crawler.fetch.downloader.PerHostLimitDownloader"
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.5
DOWNLOAD_TIMEOUT = 30
# A response is held whole in memory (then archived, decoded, extracted): past 40 MB the download is cut off
# and recorded (captures.error, crawls.error_counts "too_large"). Report PDFs, even scanned ones, stay well
# below; a 50 MB file would cost several copies of itself in RSS. The same limit bounds decompression
# (HttpCompressionMiddleware stops a gzip bomb there: "decompressed_too_large").
DOWNLOAD_MAXSIZE = 40 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
# A body cut short is archived as received (WARC-Truncated, captures.error "truncated"), retried, and never
# reused as the page; Scrapy's default would drop it unarchived.
DOWNLOAD_FAIL_ON_DATALOSS = False
RETRY_TIMES = 2
RETRY_AFTER_MAX = 600  # seconds: a longer Retry-After on 429/503 is not waited for; the request is given up
# Discovery requests per portal for one URL pattern (numbers blanked): stops endless calendars, yet lets a report
# column of 100 list pages (1,500+ reports, all of a city's departments) be read to its end.
URL_TRAP_MAX_PER_PATTERN = 100
URL_TRAP_MAX_REPEATS = 3  # a path repeating one segment this often is a relative-link loop
COOKIES_ENABLED = True
REFERER_ENABLED = True
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's remote control (on by default) runs an HTTP server in every crawl that executes the Python code
# posted to it, pulls in aiohttp (8 MB of RSS) and writes its token to a job file in the user's state directory,
# which a killed crawl leaves behind. An archive crawl takes no code from outside.
REMOTE_CONTROL_ENABLED = False
# Scrapy reads the source of a generator callback to warn about a ``return value`` in it, again for every
# response (its cache holds the bound method weakly, and a new one is made each time): 2.4% of a crawl's CPU.
# tests/test_crawl.py makes the same check once over every generator of the spider instead.
WARN_ON_GENERATOR_RETURN_VALUE = False

# -- focused discovery (spiders/portal.py) -------------------------------------------------------------
PORTAL_PAGE_BUDGET = 5000  # pages fetched per portal and run, all kinds: a guard against traps, not a focus tool
PORTAL_MAX_DEPTH = 6  # navigation hops from a start URL; pagination of a listing does not count
PORTAL_EXPLORE_DEPTH = 1  # links with no sign of the report column are followed only this close to a start URL
# A nightly crawl re-checks a report it holds (conditional GET) every night while the report is new (published
# or changed within RECHECK_NEW_DAYS), then at intervals doubling with its age up to RECHECK_MAX_DAYS.
RECHECK_NEW_DAYS = 60
RECHECK_MAX_DAYS = 30
# A backfill whose focused crawl is done sweeps the columns it passed over and reads sitemaps (spiders/sweep.py).
SECOND_PHASE_ENABLED = True

# -- components --------------------------------------------------------------------------------------
DOWNLOADER_MIDDLEWARES = {
    # Replaced: in Scrapy 2.19 requests waiting together for robots.txt all but one go unchecked.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.fetch.robots.SharedRobotsTxtMiddleware": 100,
    "crawler.fetch.scope.PortalScopeMiddleware": 60,
    # Before the scope check (so traps do not eat the page budget): endless calendars, self-nesting paths.
    "crawler.fetch.traps.UrlTrapMiddleware": 55,
    # Replaced by subclasses that record what Scrapy drops silently: Retry-After honoured on 429/503 (the
    # host's slot paused) and give-ups counted; a gzip bomb stopped at DOWNLOAD_MAXSIZE flagged in captures;
    # redirect loops stopped at once and counted.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.fetch.retry.RetryAfterMiddleware": 550,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.fetch.compression.BoundedHttpCompressionMiddleware": 590,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.fetch.redirect.LoopSafeRedirectMiddleware": 600,
    # Replaced: Scrapy's cookie middleware would try to download the Public Suffix List offline.
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "crawler.fetch.cookies.OfflineCookiesMiddleware": 700,
    # Before HttpCompressionMiddleware (590) and RedirectMiddleware (600) in the response path:
    # it sees every exchange, redirects and errors included, with the body still as sent.
    # Between HttpCompression (590) and capture (950): conditional requests, 304s and resumed pages
    # are answered from the archive with the body as served.
    "crawler.fetch.reuse.ArchiveReuseMiddleware": 920,
    "crawler.fetch.capture.WarcCaptureMiddleware": 950,
    # Browser requests (meta["playwright"]): wires the page, archives what Chromium received (crawler/fetch/browser).
    "crawler.fetch.browser.capture.BrowserCaptureMiddleware": 960,
    # After HttpCompression (590) in the response path, before MetaRefresh (580) and Retry (550): a host that
    # answers with a JavaScript challenge (412/521/$_ts) moves to the browser, or is given up
    # (crawler/fetch/antibot.py).
    "crawler.fetch.antibot.AntiBotMiddleware": 585,
}

# -- the browser: Debian's Chromium through scrapy-playwright, only for requests that need it ------------
# Plain requests still go to Scrapy's HTTP/1.1 handler; the browser starts with the first browser request.
DOWNLOAD_HANDLERS = {
    "http": "crawler.fetch.browser.handler.BrowserDownloadHandler",
    "https": "crawler.fetch.browser.handler.BrowserDownloadHandler",
}
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {"executable_path": find_chromium(), "headless": True, "args": CHROMIUM_ARGS}
PLAYWRIGHT_MAX_CONTEXTS = 8  # one context per host; the least recently used idle one closes past this
PLAYWRIGHT_MAX_PAGES_PER_CONTEXT = 2  # as CONCURRENT_REQUESTS_PER_DOMAIN
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30_000  # ms, as DOWNLOAD_TIMEOUT
PLAYWRIGHT_PROCESS_REQUEST_HEADERS = None  # the browser sends its own headers, cookies set by scripts included
BROWSER_CHALLENGE_TIMEOUT = 15.0  # seconds for a page to get past a challenge and load
BROWSER_CHALLENGE_RELOADS = 3  # challenge pages one attempt may see before it counts as failed
BROWSER_SETTLE_TIMEOUT = 5.0  # seconds to wait for a quiet network (lists loaded by XHR)
ANTIBOT_MAX_FAILURES = 3  # failed browser attempts in a row before a challenged host is given up

SPIDER_MIDDLEWARES = {
    # Nightly runs: start from remembered listings, skip held reports not due for a re-check.
    "spiders.incremental.IncrementalMiddleware": 600,
    # Off: each spider middleware wraps every callback's output in async generators of its own, and these two
    # do nothing here (8% of the CPU of a crawl of bench.throughput's portals). The spider counts its own
    # navigation depth (PORTAL_MAX_DEPTH) and sets no DEPTH_LIMIT; the other warns of meta keys copied between
    # requests.
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}

# Scrapy starts this many asyncio tasks for the output of every callback (100 by default, 14% of the reactor's
# time on a crawl of report pages); a page yields at most one item (a report candidate or a listing page).
CONCURRENT_ITEMS = 2
ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.classify.ClassifyPipeline": 200,
    "pipelines.store.StorePipeline": 900,
}
# Extraction workers of a crawl. None: one on a 2-core machine (the crawl takes the other core), two on more
# (pipelines/extract.py default_processes); 2 on two cores keeps pages flowing while a long PDF is read, for
# 16 MB more (PSS; 75 MB more in the sum of RSS). 0 extracts inline, in the crawl process.
EXTRACT_PROCESSES = None
EXTRACT_TIMEOUT = 300  # seconds for one page or attachment: interrupted in its worker, counted as extract_timeout
# Bytes one attachment may unpack to: the declared sizes of a DOCX's or XLSX's members (checked before anything
# is read) and what a PDF's streams decompress to (counted as pdfminer decodes them). Past it the file's
# text_status is "error: too large: …" and nothing more is unpacked. A DOCX with 97 MB of document.xml
# (530,000 paragraphs) peaks at 715 MB of address space; PDFs decode far less (300 dense pages: 6 MB).
EXTRACT_UNPACKED_MAXSIZE = 100 * 1024 * 1024
# Address space of one extraction worker (RLIMIT_AS; antiword and catdoc inherit it): the last line of defence,
# for what no size check foresees. A warmed-up worker takes ~190 MB; a 40 MB PDF peaks at ~280 MB, 300 dense
# PDF pages at ~250 MB, the DOCX above at 715 MB. Past it an allocation fails: that page (counted as
# extract_too_large) or file ("error: too large: the extraction ran out of memory") fails, the worker goes on.
EXTRACT_MEMORY_LIMIT = 1024 * 1024 * 1024

EXTENSIONS = {
    "scrapy.extensions.telnet.TelnetConsole": None,
    # 304s lower a host's delay too: a nightly run over unchanged pages is not held at the start delay
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.fetch.throttle.ConditionalAutoThrottle": 0,
    "crawler.progress.Progress": 500,
}
PROGRESS_INTERVAL = 30  # seconds between progress log lines when not on a terminal

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
