"""What a request of the crawl carries: its kind, and every ``request.meta`` key the project uses.

Every request the spider makes has a :class:`RequestKind` (stored as ``captures.request_type``), which sets
its priority: a report (and its files) as soon as a list names it, then finish the list before wandering off.
Reports first keep the frontier small: a column of 48,000 reports read list page after list page held a
request for each of them at once (about 100 MB), where now it holds the list's pages still to read. The kinds,
highest priority first:

==============  ===========================================================================================
``attachment``  a file a report page links to (PDF, DOC, XLS …): the report waits for it
``report``      a page (or file) whose link names one report
``next_page``   a later page of a list being read (pager link, TRS script pager, CMS list API call)
``listing``     a report-column listing page remembered from earlier runs (where a nightly run starts)
``render``      a listing page fetched again through the browser, its list being written by a script
``seed``        a start URL of a portal
``unit``        the home page of a unit (a department, a township) listed on a page of units
``navigation``  a link toward the report column (its text or URL names it, or a list of units)
``explore``     a link with no sign of the report column, near the start page; only when nothing better
``sweep``       the second phase of a backfill: a column passed over, a list's later page, a sitemap
==============  ===========================================================================================

The meta keys, each a constant of this module (a typo is a NameError, not a silent miss), with who writes
and who reads them:

=====================  =====================  ===================================  ===============================
constant               key                    written by                           read by
=====================  =====================  ===================================  ===============================
PORTAL                 ``portal``             spider                               fetch middlewares, capture
KIND                   ``request_type``       spider                               capture (captures row), traps,
                                                                                   browser (body as served or DOM)
NAV_DEPTH              ``nav_depth``          spider                               spider (depth limit)
LINK_TEXT              ``link_text``          spider                               spider (report title fallback)
FOUND_ON               ``found_on``           spider                               spider (reports.found_on)
SCORE                  ``score``              spider                               spider (in the report tree?)
PHASE                  ``phase``              spider (2: second phase)             spider (what to follow, counts)
WARC                   ``warc``               fetch/capture, fetch/browser         spider (the item's record),
                                                                                   compression, redirect (flags)
PRIOR_CAPTURE          ``prior_capture``      fetch/reuse                          fetch/capture (revisits)
DONT_REUSE_ARCHIVE     ``dont_reuse_archive`` fetch/browser (use_browser)          fetch/reuse
BROWSER_HOSTS          ``browser_hosts``      fetch/browser (use_browser)          fetch/browser (page's route)
BROWSER_COOKIES        ``browser_cookies``    fetch/browser (after a page)         fetch/antibot (host's cookies)
FETCH_AS_FILE          ``fetch_as_file``      fetch/browser (a file seen)          fetch/browser, fetch/antibot
ANTIBOT_COOKIES        ``antibot_cookies``    fetch/antibot (cookies sent)         fetch/antibot (refused?)
ANTIBOT_ATTEMPTS       ``antibot_attempts``   fetch/antibot                        fetch/antibot (bound)
RETRY_AFTER            ``retry_after``        fetch/retry (seconds waited)         logs
BROWSER_TRACKER        ``_browser_tracker``   fetch/browser (process_request)      fetch/browser (its page)
FETCHED                ``_govarchive_fetched``fetch/capture (process_request)      fetch/capture (from network?)
=====================  =====================  ===================================  ===============================

Keys of Scrapy and scrapy-playwright the project sets: ``dont_obey_robotstxt`` (a portal with
``"robots": false``), ``dont_merge_cookies`` (a file request carrying browser cookies), ``playwright``,
``playwright_context``, ``playwright_context_kwargs``, ``playwright_page_goto_kwargs``,
``playwright_page_event_handlers``, ``playwright_page_methods``, ``playwright_page_init_callback``; and reads:
``redirect_urls``, ``redirect_times``, ``retry_times``, ``download_latency``, ``playwright_suggested_filename``.
"""

from __future__ import annotations

from enum import StrEnum


class RequestKind(StrEnum):
    """Why a request was made; its value is stored in ``captures.request_type``."""

    NEXT_PAGE = "next_page"
    LISTING = "listing"
    RENDER = "render"
    SEED = "seed"
    ATTACHMENT = "attachment"
    REPORT = "report"
    UNIT = "unit"
    NAVIGATION = "navigation"
    EXPLORE = "explore"
    SWEEP = "sweep"

    @property
    def priority(self) -> int:
        """Scrapy priority (higher first); the spider adds the link's score to it."""
        return _PRIORITY[self]


_PRIORITY = {  # reports above any list page, whose priority is raised by its score (at most 60)
    RequestKind.ATTACHMENT: 210, RequestKind.REPORT: 200, RequestKind.NEXT_PAGE: 100, RequestKind.LISTING: 100,
    RequestKind.RENDER: 100, RequestKind.SEED: 40, RequestKind.UNIT: 20, RequestKind.NAVIGATION: 10,
    RequestKind.EXPLORE: 0, RequestKind.SWEEP: -100,
}
#: Discovery requests: pages that lead to reports (the URL-trap limits apply to these).
DISCOVERY_KINDS = frozenset({RequestKind.NEXT_PAGE, RequestKind.LISTING, RequestKind.NAVIGATION, RequestKind.EXPLORE,
                             RequestKind.SEED, RequestKind.UNIT, RequestKind.SWEEP})

PORTAL = "portal"
KIND = "request_type"
NAV_DEPTH = "nav_depth"
LINK_TEXT = "link_text"
FOUND_ON = "found_on"
SCORE = "score"
PHASE = "phase"
WARC = "warc"
PRIOR_CAPTURE = "prior_capture"
DONT_REUSE_ARCHIVE = "dont_reuse_archive"
BROWSER_HOSTS = "browser_hosts"
BROWSER_COOKIES = "browser_cookies"
FETCH_AS_FILE = "fetch_as_file"
ANTIBOT_COOKIES = "antibot_cookies"
ANTIBOT_ATTEMPTS = "antibot_attempts"
RETRY_AFTER = "retry_after"
BROWSER_TRACKER = "_browser_tracker"
FETCHED = "_govarchive_fetched"

SECOND_PHASE = 2
