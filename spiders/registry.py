"""The registry spider: from one portal, find the government portals it links to, host by host.

Government portals link to each other: a province to its cities, a city to its counties, a county to its
departments' own sites, through 政府网站 / 县市区 / 部门网站 navigation, ``<select>`` jump menus and
footers. From the start page the spider reads each portal's home page and the few navigation pages it links
to on its own host (link texts in crawler.discovery.NAVIGATION_RE, at most DISCOVER_HOST_PAGES pages a host),
and visits the home page of every other host they link to, when the host is a government host
(crawler.discovery.GOVERNMENT_HOSTS, or the ``allow`` patterns instead) and the link's text names a body
(常德市人民政府, 鼎城区, 教育局), up to ``depth`` hosts away from the start. Each host that answers with a
page becomes a proposed registry entry (``proposals()``): nothing is archived. When the spider closes it
writes what it found to the JSON file given as ``result`` (proposals, hosts that gave no page, hosts not
followed), for the command line to read.

Polite as the crawl: robots.txt obeyed, the project's User-Agent, two requests at a time per host,
AutoThrottle. Redirects are followed by the spider itself, and only to government hosts.

    govarchive portals discover https://www.hunan.gov.cn/ --depth 2 -o proposed.json
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from urllib.parse import urljoin

import scrapy
from scrapy.http import TextResponse
from scrapy.linkextractors import LinkExtractor

from crawler import discovery
from crawler.registry import netloc_of

REDIRECTS = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 5


class RegistrySpider(scrapy.Spider):
    name = "registry"
    # Only what finding portals needs: Scrapy's own download handlers and middlewares (no browser, no WARC
    # capture, no archive reuse, no portal scope), robots.txt as the crawl reads it, no pipelines.
    custom_settings = {
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawler.fetch.robots.SharedRobotsTxtMiddleware": 100,
        },
        "DOWNLOAD_HANDLERS": {},
        "ITEM_PIPELINES": {},
        "EXTENSIONS": {"scrapy.extensions.telnet.TelnetConsole": None},
        "COOKIES_ENABLED": False,
        "REDIRECT_ENABLED": False,
        "RETRY_TIMES": 1,
        "DOWNLOAD_TIMEOUT": 20,
        "DISCOVER_HOST_PAGES": 4,
    }

    def __init__(self, url=None, depth=1, allow=None, result=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not url:
            raise ValueError("registry spider: give the start URL (-a url=…)")
        self.start_url = url
        self.result = result
        self.max_depth = int(depth)
        self.allow = tuple(allow.split(",") if isinstance(allow, str) else allow or discovery.GOVERNMENT_HOSTS)
        self.sites: dict[str, dict] = {}     # host -> what the proposal needs, in the order hosts were found
        self.queued: set[str] = set()        # hosts whose home page was requested
        self.pages = Counter()               # host -> pages requested
        self.not_allowed = Counter()         # other hosts linked, not government hosts
        self.too_deep: set[str] = set()      # government hosts linked beyond max_depth
        self.failed: dict[str, str] = {}     # host -> why its home page gave no page
        self.links = LinkExtractor(unique=True, strip=True, tags=("a", "area"), attrs=("href",))

    async def start(self):
        self.queued.add(netloc_of(self.start_url))
        yield self.visit(self.start_url, depth=0, parent=None)

    def visit(self, url, depth, parent, link_text="", found_on="", nav=False, aliases=()):
        self.pages[netloc_of(url)] += 1
        meta = {"hops": depth, "parent": parent, "link_text": link_text, "found_on": found_on, "nav": nav,
                "aliases": list(aliases), "handle_httpstatus_list": [*REDIRECTS, 404, 403, 410, 500, 502, 503]}
        return scrapy.Request(url, callback=self.parse, errback=self.failure, meta=meta)

    def parse(self, response):
        host = netloc_of(response.url)
        if response.status in REDIRECTS:
            yield from self.redirect(response)
            return
        if response.status >= 400 or not isinstance(response, TextResponse):
            if host not in self.sites:
                self.failed[host] = f"HTTP {response.status}" if response.status >= 400 else "not an HTML page"
            return
        if host not in self.sites:
            self.sites[host] = self.site(response)
        for text, url in self.page_links(response):
            yield from self.follow(url, text, response, host)

    def site(self, response) -> dict:
        meta = response.meta
        parent = self.sites.get(meta["parent"]) if meta["parent"] else None
        title = " ".join(response.css("title::text").getall()).strip()
        name = discovery.site_name(title, response.css('meta[name="SiteName"]::attr(content)').get(""))
        level = discovery.admin_level(name, parent["level"] if parent else "")
        self.logger.info("portal %s at %s (%s), linked from %s", name, response.url, level, meta["found_on"] or "-")
        return {"name": name, "title": title, "level": level, "start_url": response.url,
                "region": discovery.region_of(name, parent["region"] if parent else "", level),
                "hosts": list(dict.fromkeys([netloc_of(response.url), *meta["aliases"]])),
                "found_on": meta["found_on"], "link_text": meta["link_text"], "hops": meta["hops"]}

    def page_links(self, response):
        """(text, absolute URL) of the page's links and of its jump menus' options."""
        for link in self.links.extract_links(response):
            yield link.text, link.url
        for option in response.css("option[value]"):
            value = option.attrib["value"].strip()
            if value.startswith(("http://", "https://")):
                yield " ".join(option.css("::text").getall()).strip(), urljoin(response.url, value)

    def follow(self, url, text, response, host):
        meta = response.meta
        other = netloc_of(url)
        if other == host:
            if (not meta["nav"] and discovery.NAVIGATION_RE.search(text or "")
                    and self.pages[host] < self.settings.getint("DISCOVER_HOST_PAGES")):
                yield self.visit(url, meta["hops"], meta["parent"], meta["link_text"], meta["found_on"], nav=True)
            return
        if not discovery.url_allowed(url, self.allow):
            self.not_allowed[other] += 1
            return
        if other in self.queued or not discovery.names_a_body(text):
            return
        if meta["hops"] + 1 > self.max_depth:
            self.too_deep.add(other)
            return
        self.queued.add(other)
        yield self.visit(discovery.home_url(url), meta["hops"] + 1, host, text, response.url)

    def redirect(self, response):
        """Follow a redirect ourselves: to government hosts only, at most MAX_REDIRECTS in a row."""
        meta = response.meta
        location = response.headers.get("Location", b"").decode("latin-1")
        target = urljoin(response.url, location)
        redirects = meta.get("redirects", 0) + 1
        host = netloc_of(response.url)
        if not location or redirects > MAX_REDIRECTS or not discovery.url_allowed(target, self.allow):
            self.failed.setdefault(host, f"redirects to {target or 'nowhere'}")
            return
        aliases = [*meta["aliases"], host] if netloc_of(target) != host else meta["aliases"]
        request = self.visit(target, meta["hops"], meta["parent"], meta["link_text"], meta["found_on"],
                             nav=meta["nav"], aliases=aliases)
        request.meta["redirects"] = redirects
        yield request

    def failure(self, failure):
        host = netloc_of(failure.request.url)
        if host not in self.sites:
            self.failed[host] = failure.getErrorMessage() or failure.type.__name__

    def closed(self, reason):
        if self.result:
            found = {"proposals": self.proposals(), "failed": self.failed, "too_deep": sorted(self.too_deep),
                     "not_allowed": sorted(self.not_allowed)}
            Path(self.result).write_text(json.dumps(found, ensure_ascii=False, indent=2), encoding="utf-8")

    def proposals(self) -> list[dict]:
        """Registry entries for the portals found, in the order found (crawler/portals.json format, plus
        ``source``: how discovery reached it)."""
        taken, out = set(), []
        for host, site in self.sites.items():
            portal_id = discovery.portal_id(host, taken)
            taken.add(portal_id)
            source = (f"linked from {site['found_on']} as 「{site['link_text']}」" if site["found_on"]
                      else "start of discovery")
            out.append({"id": portal_id, "name": site["name"] or host, "region": site["region"],
                        "level": site["level"], "start_urls": [site["start_url"]], "hosts": site["hosts"],
                        "source": source})
        return out
