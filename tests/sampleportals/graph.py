"""A sample portal's link graph, read from its rendered pages the way a crawler without a browser reads them.

A page links to what its ``<a href>`` name, to the list pages its TRS pager script names
(``createPageHTML(N, cur, "index", "html")``, ``var countPage = N``) and to the records a Hanweb JCMS page
hides in ``<script type="text/xml"><datastore>``. Answers of list APIs (Hanweb ``dataproxy.jsp``, the Fujian
platform's search) are POSTs, not links, and lists written by a browser are not read: reports only they
reach are not in the graph. Sitemaps are read apart (``sitemap_urls``): they are not pages.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Callable, Iterable
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

from .common import Resource

CREATE_PAGE_HTML = re.compile(r'createPageHTML\((\d+),\s*\d+,\s*"(\w+)",\s*"(\w+)"\)')
COUNT_PAGE = re.compile(r"var countPage = (\d+)")
RECORD = re.compile(r"<record><!\[CDATA\[(.*?)\]\]></record>", re.S)
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:  # kaifu's GBK pages
        return body.decode("gb18030")


def _hrefs(root) -> list[str]:
    hrefs = (h.strip() for h in root.xpath("//a/@href"))
    return [h for h in hrefs if h and not h.startswith(("javascript:", "#", "mailto:"))]


def _script_pages(script: str) -> list[str]:
    """The list pages a pager script writes links to (file names relative to the page); none for one page."""
    m = CREATE_PAGE_HTML.search(script)
    if m:
        count, name, ext = int(m.group(1)), m.group(2), m.group(3)
    elif m := COUNT_PAGE.search(script):
        count, name, ext = int(m.group(1)), "index", "html"
    else:
        return []
    return [f"{name}_{i}.{ext}" if i else f"{name}.{ext}" for i in range(count)] if count > 1 else []


def page_links(url: str, html: str) -> list[str]:
    """Absolute URLs (fragment removed) the page at ``url`` links to, in document order, each once."""
    root = lxml.html.fromstring(html)
    found = _hrefs(root)
    for script in root.xpath("//script/text()"):
        found += _script_pages(script)
        for record in RECORD.findall(script):
            found += _hrefs(lxml.html.fromstring(record))
    out = (urljoin(url, href).split("#", 1)[0] for href in found)
    return list(dict.fromkeys(u for u in out if u.startswith(("http://", "https://"))))


def page_graph(base_url: str, paths: Iterable[str], resource: Callable[[str], Resource | None]) -> dict[str, set[str]]:
    """URL of every HTML page -> the same-host URLs it links to. ``paths``: the portal's resource keys;
    ``resource(url)``: what the server answers for a URL (None: 404). URLs linked but keyed otherwise (a
    directory, parameters in another order) become pages of their own, as they are for a crawler."""
    host = urlsplit(base_url).netloc
    graph: dict[str, set[str]] = {}
    todo = [base_url + path for path in paths]
    seen = set(todo)
    while todo:
        url = todo.pop()
        res = resource(url)
        if res is None or not res.html:
            continue
        graph[url] = {u for u in page_links(url, decode(res.body)) if urlsplit(u).netloc == host}
        todo += graph[url] - seen
        seen |= graph[url]
    return graph


def distances(graph: dict[str, set[str]], start: str) -> dict[str, int]:
    """Breadth-first from ``start``: every page reachable by links -> the fewest links from ``start``."""
    depth = {start: 0}
    queue = deque([start])
    while queue:
        url = queue.popleft()
        for link in graph.get(url, ()):
            if link not in depth:
                depth[link] = depth[url] + 1
                queue.append(link)
    return depth


def minimum_pages(graph: dict[str, set[str]], start: str, targets: Iterable[str]) -> set[str]:
    """The union of breadth-first (shortest) paths from ``start`` to every reachable target, targets included.

    A page often has several parents one link nearer the start (a platform menu on many pages and the
    网站地图 all link the unit lists); taking the nearest targets first, each path goes up through a parent
    the union already holds when there is one, so the union does not grow by a page another parent spares."""
    depth = distances(graph, start)
    parents: dict[str, list[str]] = {}
    for url in sorted(depth):
        for link in graph.get(url, ()):
            if depth.get(link) == depth[url] + 1:
                parents.setdefault(link, []).append(url)
    out: set[str] = set()
    for url in sorted((t for t in set(targets) if t in depth), key=lambda t: (depth[t], t)):
        while url not in out:
            out.add(url)
            if url == start:
                break
            url = next((p for p in parents[url] if p in out), parents[url][0])
    return out


def sitemap_urls(base_url: str, resource: Callable[[str], Resource | None]) -> set[str]:
    """The page URLs of the sitemaps robots.txt names (``Sitemap:`` lines), sitemap indexes followed."""
    robots = resource(base_url + "/robots.txt")
    todo = [line.split(":", 1)[1].strip() for line in decode(robots.body).splitlines()
            if line.lower().startswith("sitemap:")] if robots else []
    seen, pages = set(), set()
    while todo:
        url = todo.pop()
        res = None if url in seen else resource(url)
        seen.add(url)
        if res is None:
            continue
        root = lxml.etree.fromstring(res.body)
        locs = [loc.text.strip() for loc in root.iter(f"{SITEMAP_NS}loc")]
        if root.tag == f"{SITEMAP_NS}sitemapindex":
            todo += locs
        else:
            pages.update(locs)
    return pages
