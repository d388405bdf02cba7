"""The second phase of a backfill: sweep the columns the focused crawl saw but did not enter.

Some units file their report under 通知公告, 工作动态 or 政务动态 instead of a report column, sometimes several
list pages deep. The focused crawl (phase 1) leaves those columns alone; it hands each column link it passes
over, and the remaining pages of each list it does not page through, to :class:`Sweep`. When its frontier is
exhausted (Scrapy's ``spider_idle``), a backfill goes on through them: every page of every such column (pager
links, TRS script pagers, CMS list APIs), taking the report links it finds and nothing else. It also reads the
portal's sitemaps (``Sitemap:`` lines of robots.txt, ``/sitemap.xml``) and fetches the URLs in them whose
path names the report column (ndbg, nianbao, xxgknb …). All of it stays within PORTAL_PAGE_BUDGET; a nightly
run skips the phase. ``crawls.reports_second_phase`` and ``pages_second_phase`` say what it was worth.
"""

from __future__ import annotations

import gzip
import re
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.utils.sitemap import Sitemap

from spiders.links import STRONG_SCORE, report_score

MAX_SITEMAPS = 20  # sitemap files read per portal (an index may list hundreds of monthly files)
SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)


class Sweep:
    """The frontier of the second phase, per portal: requests built by the spider as it passes columns by."""

    def __init__(self):
        self.frontier: dict[str, dict[tuple[str, str, bytes], scrapy.Request]] = {}
        self.started = False
        self.sitemaps_read: dict[str, int] = {}

    def defer(self, portal_id: str, request: scrapy.Request) -> None:
        """Keep ``request`` (a column page, or a later page of a list) for the second phase."""
        key = (request.method, request.url, request.body)
        self.frontier.setdefault(portal_id, {}).setdefault(key, request)

    def start(self) -> list[scrapy.Request]:
        """The requests of the second phase (the spider starts it once: ``started``)."""
        self.started = True
        return [request for requests in self.frontier.values() for request in requests.values()]

    def size(self) -> int:
        return sum(len(requests) for requests in self.frontier.values())

    def sitemap_allowed(self, portal_id: str) -> bool:
        """Whether another sitemap file of this portal may be read (MAX_SITEMAPS per portal)."""
        count = self.sitemaps_read.get(portal_id, 0)
        self.sitemaps_read[portal_id] = count + 1
        return count < MAX_SITEMAPS


def sitemap_roots(start_urls) -> list[str]:
    """``/robots.txt`` and ``/sitemap.xml`` of each host the portal starts on."""
    roots = []
    for url in start_urls:
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        roots += [f"{base}/robots.txt", f"{base}/sitemap.xml"]
    return list(dict.fromkeys(roots))


def robots_sitemaps(response) -> list[str]:
    """The ``Sitemap:`` URLs of a robots.txt."""
    return [urljoin(response.url, url) for url in SITEMAP_LINE.findall(response.text)]


def sitemap_entries(response) -> tuple[str, list[str]]:
    """``(type, locations)`` of a sitemap: ``sitemapindex`` (more sitemaps) or ``urlset`` (pages); ``("", [])``
    for anything that is not one (an HTML 404 page, a broken file)."""
    body = response.body
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError):
            return "", []
    try:
        sitemap = Sitemap(body)
    except Exception:  # noqa: BLE001 - lxml raises a few kinds on junk; not a sitemap either way
        return "", []
    if sitemap.type not in ("sitemapindex", "urlset"):
        return "", []
    return sitemap.type, [entry["loc"] for entry in sitemap if entry.get("loc")]


def names_report_column(url: str) -> bool:
    """A sitemap URL whose path names the report column (…/ndbg/…, …/xxgknb/…): worth a fetch."""
    return report_score("", url) >= STRONG_SCORE
