"""The portal spider: a focused crawl from a portal's start pages to its annual reports.

It follows first the links that point toward the report column (spiders/links.py), reads list pagination
(下一页/尾页 links and TRS script pagers), and yields a ``ReportCandidate`` for every page that looks like a
report. Whether it is one, and what it says, is the pipelines' job. A nightly crawl starts instead from the
report-column listing pages found before (the ``listings`` table) and skips reports the archive already
holds, unless their last check is older than NIGHTLY_RECHECK_DAYS. Scope (hosts), page budget and focus are
enforced for every request, redirects included, by crawler.middlewares.PortalScopeMiddleware.

    scrapy crawl portal -a url=https://www.changde.gov.cn/zwgk/
    scrapy crawl portal -a registry=crawler/portals.json -a only=changde,kaifu
"""

from __future__ import annotations

import codecs
import re
from urllib.parse import unquote, urlsplit

import scrapy
from scrapy.http import TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor

from archive.db import held_reports, known_listings, remember_listing, utcnow
from archive.session import ArchiveSession
from crawler.browser import is_attachment_url, use_browser
from crawler.items import ReportCandidate
from crawler.registry import load_registry, portal_for_url
from pipelines.attachments import attachment_kind, download_script_names
from pipelines.classify import looks_like_report_link
from pipelines.decode import decode_html
from spiders import cms
from spiders.links import is_pager_link, listing_needs_browser, report_score, same_page, script_pages

# Request types and their priorities (higher first): finish a list before wandering off.
PRIORITY = {"next_page": 100, "listing": 100, "render": 100, "seed": 40, "attachment": 35, "report": 30,
            "navigation": 10, "explore": 0}
# Attachments (pdf, doc, xls …) are kept for the attachment pipeline; images, media and archives are not.
SKIPPED_EXTENSIONS = [e for e in IGNORED_EXTENSIONS if e not in {"pdf", "doc", "docx", "xls", "xlsx", "wps", "et"}]
ATTACHMENT_LINKS = LinkExtractor(deny_extensions=[], unique=True, tags=("a", "area", "iframe", "embed"),
                                 attrs=("href", "src"))
MAX_ATTACHMENTS = 10
# Fetched without the browser even on a portal whose registry entry says "browser": true.
PLAIN_HTTP_TYPES = {"report", "attachment"}


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, portals=None, registry=None, url=None, only=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if portals is None:
            portals = _portals_from_arguments(registry, url, only)
        self.portals = {p.id: p for p in portals}
        self.listing_found = set()
        self.rendered = set()  # URLs re-requested through the browser (once each)
        self.link_extractor = LinkExtractor(deny_extensions=SKIPPED_EXTENSIONS, unique=True, strip=True)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.session = ArchiveSession.of(crawler)
        spider.session.register_portals(spider.portals.values())
        settings = crawler.settings
        spider.max_depth = settings.getint("PORTAL_MAX_DEPTH")
        spider.explore_depth = settings.getint("PORTAL_EXPLORE_DEPTH")
        spider.nightly = spider.session.mode == "nightly"
        spider.held_reports = held_reports(spider.session.db, settings.getfloat("NIGHTLY_RECHECK_DAYS"))
        return spider

    async def start(self):
        for portal in self.portals.values():
            if not portal.robots:
                self.logger.warning("portal %s: robots.txt is ignored (registry override)", portal.id)
            listings = known_listings(self.session.db, portal.id) if self.nightly else []
            for url in listings:
                yield self.request(url, portal, "listing", depth=self.max_depth, score=1)
            for url in [] if listings else portal.start_urls:
                yield self.request(url, portal, "seed", depth=0)

    def request(self, url, portal, request_type, depth, link_text="", found_on="", score=0, browser=None):
        """``browser``: True or False forces the choice; None leaves it to the portal's registry entry."""
        meta = {"portal": portal.id, "request_type": request_type, "nav_depth": depth,
                "link_text": link_text, "found_on": found_on, "score": score}
        if browser is None:
            browser = portal.browser and request_type not in PLAIN_HTTP_TYPES and not is_attachment_url(url)
        if browser:
            use_browser(meta, url, portal.hosts)
        if not portal.robots:
            meta["dont_obey_robotstxt"] = True
        return scrapy.Request(url, callback=self.parse, meta=meta, priority=PRIORITY[request_type] + min(score, 60))

    def parse(self, response):
        portal = self.portals[response.meta["portal"]]
        if is_file(response):
            if response.meta["request_type"] == "report":  # a report published as a file (PDF, DOC …)
                candidate = self.candidate(response, portal, body=b"")
                candidate.attachments.append(attachment_of(response))
                yield candidate
            return
        response = decoded(response)
        title = page_title(response)
        if response.meta["request_type"] == "report" or looks_like_report_link(title, response.url):
            if "dataloss" in response.flags:  # cut short even after retries: archived and flagged, not a report
                self.logger.warning("%s: body truncated; not taken as a report", response.url)
                return
            files = attachment_urls(response, portal)
            yield from self.with_attachments(self.candidate(response, portal), files)
            return
        yield from self.follow(response, portal, title)

    def with_attachments(self, candidate, urls):
        """Fetch a report's attachments one after the other, then hand over the report with them."""
        if not urls:
            yield candidate
            return
        portal = self.portals[candidate.portal]
        request = self.request(urls[0], portal, "attachment", 0, found_on=candidate.url)
        yield request.replace(callback=self.parse_attachment, errback=self.attachment_failed,
                              cb_kwargs={"candidate": candidate, "pending": urls[1:]})

    def parse_attachment(self, response, candidate, pending):
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
        """Requests for the report links, pager pages and promising navigation links of a page."""
        meta = response.meta
        links = self.link_extractor.extract_links(response) + cms.embedded_links(response)  # + Hanweb datastore
        links = [link for link in links if self.in_scope(link.url, portal)]
        reports = [link for link in links if looks_like_report_link(link.text, link.url)]
        yield from self.report_requests(response, portal, reports)
        is_listing = bool(reports) or meta["request_type"] in ("next_page", "listing")
        if reports:
            self.listing_found.add(portal.id)
            remember_listing(self.session.db, response.url, portal.id, len(reports))
        elif self.needs_rendering(response, title, links):
            yield self.request(response.url, portal, "render", meta["nav_depth"], meta["link_text"], meta["found_on"],
                               meta["score"], browser=True).replace(dont_filter=True)
        if is_listing or meta["score"] > 0 or report_score(title, response.url) > 0:
            yield from self.pages_of_list(response, portal, links)
        depth = meta["nav_depth"] + 1
        if depth > self.max_depth:
            return
        for link in links:
            if link in reports or is_pager_link(link.text):
                continue
            score = report_score(link.text, link.url)
            if score > 0:
                yield self.request(link.url, portal, "navigation", depth, link.text, response.url, score)
            elif depth <= self.explore_depth:
                yield self.request(link.url, portal, "explore", depth, link.text, response.url)

    def pages_of_list(self, response, portal, links):
        """The other pages of the list on ``response``: script pagers first, then pager links."""
        meta = response.meta
        urls = script_pages(response.url, response.text)
        urls += [link.url for link in links if is_pager_link(link.text)]
        for url in dict.fromkeys(urls):
            if not same_page(url, response.url):
                yield self.request(url, portal, "next_page", meta["nav_depth"], "", response.url, meta["score"],
                                   browser=meta.get("playwright") or None)  # a rendered list's pages need it too
        for api_call in cms.list_api_requests(response):  # list pages a CMS script fetches (POST, no browser)
            base = self.request(api_call.url, portal, "next_page", meta["nav_depth"], "", response.url, meta["score"],
                                browser=False)
            yield api_call.replace(callback=self.parse_list_api, meta=base.meta, priority=base.priority)

    def parse_list_api(self, response):
        """A CMS list API's reply (Hanweb dataproxy.jsp XML, Fujian /fjdzapp/search JSON): its reports."""
        portal = self.portals[response.meta["portal"]]
        links = [link for link in cms.api_links(response) if self.in_scope(link.url, portal)]
        reports = [link for link in links if looks_like_report_link(link.text, link.url)]
        if reports:
            self.listing_found.add(portal.id)
        yield from self.report_requests(response, portal, reports)

    def report_requests(self, response, portal, reports):
        """Requests for the report links found on ``response`` (in a nightly crawl, those not held yet)."""
        for link in reports:
            if self.nightly and link.url in self.held_reports:
                self.session.report_seen(link.url)
                continue
            yield self.request(link.url, portal, "report", response.meta["nav_depth"], link.text, response.url)

    def needs_rendering(self, response, title, links):
        """A report-column page whose list a script writes (no report links, no pager): render it, once."""
        score = max(response.meta["score"], report_score(title, response.url))
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

    def candidate(self, response, portal, body=None):
        warc = response.meta.get("warc") or {}
        return ReportCandidate(
            url=response.url, portal=portal.id, region=portal.region,
            body=response.body if body is None else body,
            content_type=response.headers.get("Content-Type", b"").decode("latin-1"),
            fetched_at=warc.get("date") or utcnow(), crawl_id=self.session.crawl_id,
            warc_file=warc.get("file"), warc_offset=warc.get("offset"), warc_length=warc.get("length"),
            found_on=response.meta.get("found_on", ""), link_text=response.meta.get("link_text", ""),
        )


def attachment_urls(response, portal) -> list[str]:
    """The files (PDF, DOC, XLS …) a report page links to, on the portal's hosts, at most MAX_ATTACHMENTS."""
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
    warc = response.meta.get("warc") or {}
    return {
        "url": response.url, "filename": filename_of(response), "body": response.body,
        "content_type": response.headers.get("Content-Type", b"").decode("latin-1"),
        "fetched_at": warc.get("date") or utcnow(), "warc_file": warc.get("file"),
        "warc_offset": warc.get("offset"), "warc_length": warc.get("length"),
    }


def filename_of(response) -> str:
    """The file name the server gives (Content-Disposition), else the one in a download script's query, else
    the last segment of the URL path."""
    disposition = response.headers.get("Content-Disposition", b"").decode("utf-8", "replace")
    match = re.search(r"filename\*?=(?:UTF-8'')?\"?([^\";]+)", disposition, re.I)
    names = download_script_names(response.url) or [urlsplit(response.url).path.rsplit("/", 1)[-1]]
    name = match.group(1) if match else names[0]
    return unquote(name)


def decoded(response):
    """``response`` read in the encoding pipelines/decode.py settles on, so that link texts and titles come
    out right on GBK/GB18030 pages whose header names the wrong charset (or none); unchanged otherwise."""
    content_type = response.headers.get("Content-Type", b"").decode("latin-1")
    encoding = decode_html(response.body, content_type)[1]
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
