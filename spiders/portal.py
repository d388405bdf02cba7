"""The portal spider: a focused crawl from a portal's start pages to its annual reports.

It follows first the links that point toward the report column (spiders/links.py), enters the lists of units
(departments, townships: a block of agency names) and each unit's own report column, reads list pagination
(下一页/尾页 links and TRS script pagers), and yields a ``ReportCandidate`` for every page that looks like a
report. Whether it is one, and what it says, is the pipelines' job. On a page that links the report column
itself, weaker leads are not followed; columns passed over wait for the second phase of a backfill
(spiders/sweep.py). A nightly crawl starts instead from the report-column listing pages found before (the
``listings`` table) and skips reports the archive already holds until they are due for a re-check
(spiders/incremental.py). Scope (hosts) and page budget are enforced for every request, redirects included,
by crawler/fetch/scope.py. The spider only decides what to fetch: it reads nothing from the archive and
writes to it only through items (a report candidate, a listing page found).

    scrapy crawl portal -a url=https://www.changde.gov.cn/zwgk/
    scrapy crawl portal -a registry=crawler/portals.json -a only=changde,kaifu
"""

from __future__ import annotations

import codecs
import re
from urllib.parse import unquote, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor

from crawler.fetch.browser.routing import is_attachment_url, use_browser
from crawler.items import ListingItem, ReportCandidate
from crawler.registry import PORTALS_SETTING, load_registry, portal_for_url, portals_of, portals_setting
from crawler.requests import (FOUND_ON, KIND, LINK_TEXT, NAV_DEPTH, PHASE, PORTAL, SCORE, SECOND_PHASE, WARC,
                              RequestKind)
from pipelines.attachments import KINDS, attachment_kind, download_script_names
from pipelines.classify import looks_like_report_link
from pipelines.decode import decode_html
from spiders import cms, sweep
from spiders.links import (STRONG_SCORE, is_pager_link, is_sweep_column, is_unit_list_link, listing_needs_browser,
                           pager_pages, report_score, same_page, script_pager, unit_links)

UNIT_SCORE = 15  # a unit's home page is in the disclosure tree: its lists are read, its menu followed
# Attachments (pdf, doc, xls …) are kept for the attachment pipeline; images, media and archives are not.
SKIPPED_EXTENSIONS = [e for e in IGNORED_EXTENSIONS if e not in {"pdf", "doc", "docx", "xls", "xlsx", "wps", "et"}]
ATTACHMENT_LINKS = LinkExtractor(deny_extensions=[], unique=True, tags=("a", "area", "iframe", "embed"),
                                 attrs=("href", "src"))
# What every attachment URL holds (see attachment_urls): ".pdf", ".doc", "%2Edocx" …
ATTACHMENT_HINT = re.compile(rf"(?:\.|%2e)(?:{'|'.join(KINDS)})", re.I)
MAX_ATTACHMENTS = 10
# Fetched without the browser even on a portal whose registry entry says "browser": true.
PLAIN_HTTP_KINDS = {RequestKind.REPORT, RequestKind.ATTACHMENT}


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, registry=None, url=None, only=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.arguments = (registry, url, only)
        self.portals = {}
        self.listing_found = set()
        self.rendered = set()  # URLs re-requested through the browser (once each)
        self.pagers_read = set()  # script pagers whose pages were requested (see pages_of_list)
        self.link_extractor = LinkExtractor(deny_extensions=SKIPPED_EXTENSIONS, unique=True, strip=True)
        self.sweep = sweep.Sweep()
        self.explorations: dict[str, dict[str, scrapy.Request]] = {}  # portal -> requests held back (``explore``)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        """The crawl's portals: the spider's ``-a`` arguments, else ``GOVARCHIVE_PORTALS`` (crawler/run.py sets
        it); published in the settings (not yet frozen here) for the components that need a portal's hosts."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if any(spider.arguments) or not settings.getlist(PORTALS_SETTING):
            settings.set(PORTALS_SETTING, portals_setting(_portals_from_arguments(*spider.arguments)), "spider")
        spider.portals = portals_of(settings)
        spider.max_depth = settings.getint("PORTAL_MAX_DEPTH")
        spider.explore_depth = settings.getint("PORTAL_EXPLORE_DEPTH")
        spider.second_phase = settings.getbool("SECOND_PHASE_ENABLED") and settings.get("GOVARCHIVE_MODE") != "nightly"
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        return spider

    async def start(self):
        """The start URLs of every portal (a nightly run turns them into its remembered listings:
        spiders/incremental.py)."""
        for portal in self.portals.values():
            if not portal.robots:
                self.logger.warning("portal %s: robots.txt is ignored (registry override)", portal.id)
            for url in portal.start_urls:
                yield self.request(url, portal, RequestKind.SEED, depth=0)

    def request(self, url, portal, kind: RequestKind, depth, link_text="", found_on="", score=0, browser=None,
                phase=1):
        """``browser``: True or False forces the choice; None leaves it to the portal's registry entry."""
        kind = RequestKind(kind)  # a misspelt kind fails here, not silently later
        meta = {PORTAL: portal.id, KIND: kind, NAV_DEPTH: depth, LINK_TEXT: link_text, FOUND_ON: found_on,
                SCORE: score}
        if phase == SECOND_PHASE:
            meta[PHASE] = phase
        if browser is None:
            browser = portal.browser and kind not in PLAIN_HTTP_KINDS and not is_attachment_url(url)
        if browser:
            use_browser(meta, url, portal.hosts)
        if not portal.robots:
            meta["dont_obey_robotstxt"] = True
        return scrapy.Request(url, callback=self.parse, meta=meta, priority=kind.priority + min(score, 60))

    def parse(self, response):
        portal = self.portals[response.meta[PORTAL]]
        self.count_phase(response)
        if is_file(response):
            if response.meta[KIND] == RequestKind.REPORT:  # a report published as a file (PDF, DOC …)
                candidate = self.candidate(response, portal)
                candidate.attachments.append(attachment_of(response))
                yield candidate
            return
        html, encoding = decode_html(response.body, response.headers.get("Content-Type", b"").decode("latin-1"))
        response = read_in(response, encoding)
        # A report link's page is a candidate whatever its title: neither it nor its DOM is needed then.
        title = "" if response.meta[KIND] == RequestKind.REPORT else page_title(response)
        if response.meta[KIND] == RequestKind.REPORT or looks_like_report_link(title, response.url):
            if "dataloss" in response.flags:  # cut short even after retries: archived and flagged, not a report
                self.logger.warning("%s: body truncated; not taken as a report", response.url)
                return
            files = attachment_urls(response, portal, html)
            yield from self.with_attachments(self.candidate(response, portal, html, encoding), files)
            return
        yield from self.follow(response, portal, title)

    def with_attachments(self, candidate, urls):
        """Fetch a report's attachments one after the other, then hand over the report with them."""
        if not urls:
            yield candidate
            return
        portal = self.portals[candidate.portal]
        request = self.request(urls[0], portal, RequestKind.ATTACHMENT, 0, found_on=candidate.url,
                               phase=candidate.phase)
        yield request.replace(callback=self.parse_attachment, errback=self.attachment_failed,
                              cb_kwargs={"candidate": candidate, "pending": urls[1:]})

    def parse_attachment(self, response, candidate, pending):
        self.count_phase(response)
        candidate.attachments.append(attachment_of(response))
        yield from self.with_attachments(candidate, pending)

    def attachment_failed(self, failure):
        # Scrapy passes cb_kwargs to the callback only: an errback finds them on the request.
        candidate, pending = failure.request.cb_kwargs["candidate"], failure.request.cb_kwargs["pending"]
        url = failure.request.url
        self.logger.warning("attachment %s of %s not fetched: %s", url, candidate.url, failure.getErrorMessage())
        candidate.attachments.append({"url": url, "error": failure.getErrorMessage() or failure.type.__name__})
        yield from self.with_attachments(candidate, pending)

    def follow(self, response, portal, title):
        """Requests for the report links, pager pages, units and promising navigation links of a page."""
        meta = response.meta
        links = self.link_extractor.extract_links(response) + cms.embedded_links(response)  # + Hanweb datastore
        links = [link for link in links if self.in_scope(link.url, portal)]
        reports = [link for link in links if looks_like_report_link(link.text, link.url)]
        yield from self.report_requests(response, portal, reports)
        is_listing = bool(reports) or meta[KIND] in (RequestKind.NEXT_PAGE, RequestKind.LISTING)
        if reports:
            self.listing_found.add(portal.id)
            yield ListingItem(response.url, portal.id, len(reports))
        if meta.get(PHASE) == SECOND_PHASE:  # a swept column: its reports and its other pages, no more
            yield from self.pages_of_list(response, portal, links)
            return
        if not reports and self.needs_rendering(response, title, links):
            yield self.request(response.url, portal, RequestKind.RENDER, meta[NAV_DEPTH], meta[LINK_TEXT],
                               meta[FOUND_ON], meta[SCORE], browser=True).replace(dont_filter=True)
        in_tree = meta[SCORE] > 0 or report_score(title, response.url) > 0
        pages = self.pages_of_list(response, portal, links, read=is_listing or in_tree)
        if is_listing or in_tree:
            yield from pages
        else:  # a list outside the report column: its later pages wait for the second phase
            self.defer(portal, pages)
        depth = meta[NAV_DEPTH] + 1
        units = unit_links(response.selector.root, links) if in_tree else []
        for link in units:
            yield self.request(link.url, portal, RequestKind.UNIT, depth, link.text, response.url, UNIT_SCORE)
        taken = {*reports, *units}
        leads = [(link, report_score(link.text, link.url)) for link in links
                 if link not in taken and not is_pager_link(link.text)]
        yield from self.navigation(response, portal, leads, depth)

    def navigation(self, response, portal, leads, depth):
        """Requests for the links that lead on toward reports; the rest may wait for the second phase.

        A page that links the report column itself (score ≥ STRONG_SCORE: 年报, 年度报告, ndbg …) is followed
        there and toward its lists of units only; weaker leads (指南, 信息公开 …) and exploration are for pages
        that name nothing better. Column links not followed are deferred (spiders/sweep.py).
        """
        strong = any(score >= STRONG_SCORE for _, score in leads)
        for link, score in leads:
            if depth <= self.max_depth and is_unit_list_link(link.text):
                yield self.request(link.url, portal, RequestKind.NAVIGATION, depth, link.text, response.url,
                                   max(score, UNIT_SCORE))
            elif depth <= self.max_depth and (score >= STRONG_SCORE or (score > 0 and not strong)):
                yield self.request(link.url, portal, RequestKind.NAVIGATION, depth, link.text, response.url, score)
            else:
                if depth <= self.explore_depth and not strong:
                    self.hold_exploration(portal, self.request(link.url, portal, RequestKind.EXPLORE, depth,
                                                               link.text, response.url))
                if is_sweep_column(link.text, link.url):
                    self.defer(portal, [self.request(link.url, portal, RequestKind.SWEEP, depth, link.text,
                                                     response.url, phase=SECOND_PHASE)])

    def hold_exploration(self, portal, request) -> None:
        """Keep a link with no sign of the report column near the start page: explored only if the focused
        crawl of its portal runs dry without finding the report column (see :meth:`idle`)."""
        self.explorations.setdefault(portal.id, {}).setdefault(request.url, request)

    def count_phase(self, response) -> None:
        """Pages fetched by the second phase: ``crawls.pages_second_phase``."""
        if response.meta.get(PHASE) == SECOND_PHASE:
            self.crawler.stats.inc_value("govarchive/pages_second_phase")

    def defer(self, portal, requests) -> None:
        """Keep requests for the second phase of a backfill, marked as its own."""
        if not self.second_phase:
            return
        for request in requests:
            meta = {**request.meta, PHASE: SECOND_PHASE, KIND: RequestKind.SWEEP}
            self.sweep.defer(portal.id, request.replace(meta=meta, priority=RequestKind.SWEEP.priority))

    def idle(self):
        """``spider_idle``: the focused crawl has run dry. Portals whose report column it did not find are
        explored (the links held back near their start pages); then a backfill starts its second phase."""
        explorations = [request for portal_id, requests in self.explorations.items()
                        if portal_id not in self.listing_found for request in requests.values()]
        self.explorations.clear()
        if explorations:
            self.logger.info("no report column found yet on some portals: exploring %d links near their start",
                             len(explorations))
            for request in explorations:
                self.crawler.engine.crawl(request)
            raise DontCloseSpider
        self.start_second_phase()

    def start_second_phase(self):
        """A backfill sweeps the columns the focused crawl passed over and reads the portals' sitemaps
        (spiders/sweep.py); raises DontCloseSpider while there is anything to do."""
        if not self.second_phase or self.sweep.started:
            return
        requests = self.sweep.start()
        for portal in self.portals.values():
            requests += [scrapy.Request(url, callback=self.parse_sitemap, meta=self.sitemap_meta(portal))
                         for url in sweep.sitemap_roots(portal.start_urls)]
        self.logger.info("second phase: %d columns and list pages to sweep, and the portals' sitemaps",
                         self.sweep.size())
        for request in requests:
            self.crawler.engine.crawl(request)
        raise DontCloseSpider

    def sitemap_meta(self, portal) -> dict:
        return self.request(portal.start_urls[0], portal, RequestKind.SWEEP, self.max_depth, phase=SECOND_PHASE).meta

    def parse_sitemap(self, response):
        """robots.txt (its ``Sitemap:`` lines) or a sitemap: more sitemaps, and the URLs that name the report
        column, fetched in the second phase (a report is kept, a list page swept)."""
        portal = self.portals[response.meta[PORTAL]]
        self.count_phase(response)
        if response.url.endswith("/robots.txt"):
            urls, kind = sweep.robots_sitemaps(response), "sitemapindex"
        else:
            kind, urls = sweep.sitemap_entries(response)
        for url in urls:
            if not self.in_scope(url, portal):
                continue
            if kind == "sitemapindex" and self.sweep.sitemap_allowed(portal.id):
                yield scrapy.Request(url, callback=self.parse_sitemap, meta=self.sitemap_meta(portal),
                                     priority=RequestKind.SWEEP.priority)
            elif kind == "urlset" and sweep.names_report_column(url):
                yield self.request(url, portal, RequestKind.SWEEP, self.max_depth, "", response.url,
                                   phase=SECOND_PHASE)

    def pages_of_list(self, response, portal, links, read=True):
        """The other pages of the list on ``response``: script pagers first, then pager links.

        A script pager names every page of its list on each of them (``createPageHTML(2400, n, …)``): its pages
        are requested once, from the first of its pages that is ``read`` (its requests yielded, not deferred),
        not 2,400 times over (creating the requests alone was quadratic in the length of the list).
        """
        meta = response.meta
        kind, phase = (RequestKind.SWEEP, meta[PHASE]) if meta.get(PHASE) else (RequestKind.NEXT_PAGE, 1)
        pager = script_pager(response.url, response.text)
        urls = pager_pages(pager) if pager and pager not in self.pagers_read else []
        if pager and read:
            self.pagers_read.add(pager)
        urls += [link.url for link in links if is_pager_link(link.text)]
        for url in dict.fromkeys(urls):
            if not same_page(url, response.url):
                yield self.request(url, portal, kind, meta[NAV_DEPTH], "", response.url, meta[SCORE],
                                   browser=meta.get("playwright") or None,  # a rendered list's pages need it too
                                   phase=phase)
        for api_call in cms.list_api_requests(response):  # list pages a CMS script fetches (POST, no browser)
            base = self.request(api_call.url, portal, kind, meta[NAV_DEPTH], "", response.url, meta[SCORE],
                                browser=False, phase=phase)
            yield api_call.replace(callback=self.parse_list_api, meta=base.meta, priority=base.priority)

    def parse_list_api(self, response):
        """A CMS list API's reply (Hanweb dataproxy.jsp XML, Fujian /fjdzapp/search JSON): its reports."""
        portal = self.portals[response.meta[PORTAL]]
        self.count_phase(response)
        links = [link for link in cms.api_links(response) if self.in_scope(link.url, portal)]
        reports = [link for link in links if looks_like_report_link(link.text, link.url)]
        if reports:
            self.listing_found.add(portal.id)
        yield from self.report_requests(response, portal, reports)

    def report_requests(self, response, portal, reports):
        """Requests for the report links found on ``response``."""
        for link in reports:
            yield self.request(link.url, portal, RequestKind.REPORT, response.meta[NAV_DEPTH], link.text,
                               response.url, phase=response.meta.get(PHASE, 1))

    def needs_rendering(self, response, title, links):
        """A report-column page whose list a script writes (no report links, no pager): render it, once."""
        score = max(response.meta[SCORE], report_score(title, response.url))
        if response.url in self.rendered or not listing_needs_browser(response, links, score):
            return False
        self.rendered.add(response.url)
        self.crawler.stats.inc_value("govarchive/browser/rendered_listings")
        return True

    def in_scope(self, url, portal):
        if portal.owns(url):
            return True
        self.crawler.stats.inc_value("govarchive/links_outside_portal")
        return False

    def candidate(self, response, portal, html: str = "", encoding: str | None = None):
        return ReportCandidate(
            url=response.url, portal=portal.id, portal_name=portal.name, region=portal.region, html=html,
            encoding=encoding, warc=response.meta.get(WARC), found_on=response.meta.get(FOUND_ON, ""),
            link_text=response.meta.get(LINK_TEXT, ""), phase=response.meta.get(PHASE, 1),
        )


def attachment_urls(response, portal, html: str) -> list[str]:
    """The files (PDF, DOC, XLS …) a report page links to, on the portal's hosts, at most MAX_ATTACHMENTS.

    A file's URL names its kind (pipelines/attachments.py ``attachment_kind``: the extension of its path or
    of a download script's file name, percent-encoded or not), so a page whose text (``html``) names no such
    extension links none, and is not parsed for links: most report pages, at a fraction of the cost.
    """
    if not ATTACHMENT_HINT.search(html):
        return []
    urls = [link.url for link in ATTACHMENT_LINKS.extract_links(response)
            if portal.owns(link.url) and attachment_kind(link.url)]
    return urls[:MAX_ATTACHMENTS]


def is_file(response) -> bool:
    """A file (PDF, DOC, XLS …), not a page: Scrapy's response class guesses from the first bytes, and a PDF
    whose streams are ASCII85 (reportlab's) reads as text; the file's own magic bytes decide."""
    content_type = response.headers.get("Content-Type", b"").decode("latin-1")
    if not isinstance(response, TextResponse):
        return True
    return attachment_kind(response.url, content_type, response.body[:4096]) is not None


def attachment_of(response) -> dict:
    """An attachment dict (see ReportCandidate.attachments) for a fetched file."""
    return {
        "url": response.url, "filename": filename_of(response), "body": response.body,
        "content_type": response.headers.get("Content-Type", b"").decode("latin-1"), "warc": response.meta.get(WARC),
    }


def filename_of(response) -> str:
    """The file name the server gives (Content-Disposition), else the one in a download script's query, else
    the last segment of the URL path."""
    disposition = response.headers.get("Content-Disposition", b"").decode("utf-8", "replace")
    match = re.search(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)", disposition, re.I)
    names = download_script_names(response.url) or [urlsplit(response.url).path.rsplit("/", 1)[-1]]
    name = match.group(1) if match else names[0]
    return unquote(name)


def read_in(response, encoding: str):
    """``response`` read in the encoding pipelines/decode.py settled on, so that link texts and titles come
    out right on GBK/GB18030 pages whose header names the wrong charset (or none); unchanged otherwise."""
    try:
        same = codecs.lookup(encoding).name == codecs.lookup(response.encoding).name
    except LookupError:
        return response
    return response if same else response.replace(encoding=encoding)


def page_title(response) -> str:
    """The title a page gives itself: ArticleTitle meta, else <title>, else the first heading."""
    for query in ('meta[name="ArticleTitle"]::attr(content)', "title::text", "h1 ::text"):
        value = " ".join(response.css(query).getall()).strip()
        if value:
            return value
    return ""


def _portals_from_arguments(registry, url, only):
    """Portals from ``-a`` arguments: ``url=`` (comma-separated), else the registry, filtered by ``only=``."""
    known = load_registry(registry)
    if url:
        return [portal_for_url(u.strip(), known) for u in url.split(",") if u.strip()]
    if only:
        wanted = {i.strip() for i in only.split(",")}
        return [p for p in known if p.id in wanted]
    return known
