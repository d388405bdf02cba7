"""Where to go next on a portal: link scoring toward the report column, list pagination, and whether a
list page needs the browser.

Plain functions over (anchor text, URL) and page source, so they are easy to test and reuse.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

# Words in an anchor text or URL that lead toward the annual-report column, with their weight.
TOWARD_REPORTS = [
    (re.compile(r"信息公开年报|政务公开年报|年度报告|年报"), 40),
    (re.compile(r"(?:^|[/_.])(?:zfxxgknb|xxgknb|ndbg|gknb|nb|nianbao)(?:[/_.]|$)", re.I), 40),
    (re.compile(r"政府信息公开|信息公开|政务公开|法定主动公开|公开目录"), 15),
    (re.compile(r"(?:^|[/_.])(?:zfxxgk|xxgk|zwgk|gkml|govinfo|openness)(?:[/_.]|$)", re.I), 15),
]
# Columns that sit next to the report column but never hold reports.
AWAY_FROM_REPORTS = re.compile(r"指南|统计|预算|决算|招标|采购|人事|新闻|动态|图片|视频|English|登录|注册|邮箱")

NEXT_PAGE_TEXT = re.compile(r"^\s*(?:下一页|下页|尾页|末页|最后一页|后一页|>|>>|»|›)\s*$")
PAGE_NUMBER_TEXT = re.compile(r"^\s*\[?\d{1,4}\]?\s*$")
# TRS pagers: createPageHTML(countPage, currentPage, "index", "html") or var countPage = N
TRS_CREATE_PAGE = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
TRS_COUNT_PAGE = re.compile(r"\bvar\s+countPage\s*=\s*['\"]?(\d+)")
TRS_PAGE_PREFIX = re.compile(r"\bvar\s+(?:prefix|pagePrefix|sPagePrefix)\s*=\s*['\"]([\w-]+)['\"]")


def report_score(text: str, url: str) -> int:
    """How strongly a link points toward the report column (0: not at all)."""
    path = urlsplit(url).path
    score = sum(weight for pattern, weight in TOWARD_REPORTS if pattern.search(text) or pattern.search(path))
    if AWAY_FROM_REPORTS.search(text or ""):
        score = score // 4
    return score


def is_pager_link(text: str) -> bool:
    """Anchor text of a list pager: 下一页, 尾页, a page number…"""
    return bool(NEXT_PAGE_TEXT.match(text or "") or PAGE_NUMBER_TEXT.match(text or ""))


def script_pages(page_url: str, html: str) -> list[str]:
    """The other pages of a TRS list whose pager exists only in a script.

    ``createPageHTML(3, 0, "index", "html")`` on ``…/nb/index.html`` means index.html, index_1.html and
    index_2.html; so does ``var countPage = 3``. Read by regex: no browser needed.
    """
    match = TRS_CREATE_PAGE.search(html)
    if match:
        count, prefix, ext = int(match.group(1)), match.group(3), match.group(4)
    else:
        match = TRS_COUNT_PAGE.search(html)
        if not match:
            return []
        count = int(match.group(1))
        prefix_match = TRS_PAGE_PREFIX.search(html)
        prefix = prefix_match.group(1) if prefix_match else "index"
        ext = urlsplit(page_url).path.rsplit(".", 1)[-1] if "." in urlsplit(page_url).path.rsplit("/", 1)[-1] else "html"
    return [urljoin(page_url, f"{prefix}_{n}.{ext}") for n in range(1, count)]


def same_page(a: str, b: str) -> bool:
    """``…/nb/`` and ``…/nb/index.html`` are the same list page."""
    def norm(url):
        url = url.split("#", 1)[0]
        return re.sub(r"/index\.s?html?$", "/", url)
    return norm(a) == norm(b)


# -- when a listing page needs the browser (crawler/browser.py renders it) -----------------------------

# Pages that are articles, not lists: a notice about the reports names them but holds no list to render.
ARTICLE_URL = re.compile(
    r"/t\d{8}_\d+\.s?html?$|/art_\d+_\d+\.html$|/art/\d{4}/|show\.(?:asp|aspx|jsp|php)|/content_\d+"
    r"|/[0-9a-f]{32}\.s?html?$|/\d{6}/[^/]+$|detail", re.I)
ARTICLE_META = 'meta[name="ArticleTitle"], meta[name="PubDate"], meta[name="ContentSource"]'
RENDER_MIN_SCORE = 40  # report_score of a link or page that names the report column itself (年报, ndbg …)


def listing_needs_browser(response, links, score: int) -> bool:
    """A report-column page whose list only a script can show: worth one render in the browser.

    True when the page is not already rendered, points at the report column (``score`` ≥ 40, or it is a
    known listing), holds scripts but no list pager (links or a TRS script pager read by regex) and does not
    look like an article (URL shape, ArticleTitle/PubDate meta). The caller has found no report links on it.
    """
    meta = response.meta
    if meta.get("playwright") or not getattr(response, "text", None):
        return False
    if score < RENDER_MIN_SCORE and meta.get("request_type") not in ("listing", "next_page"):
        return False
    if not response.xpath("//script"):
        return False
    if any(is_pager_link(link.text) for link in links) or script_pages(response.url, response.text):
        return False
    parts = urlsplit(response.url)
    if ARTICLE_URL.search(parts.path + (f"?{parts.query}" if parts.query else "")):
        return False
    return not response.css(ARTICLE_META)
