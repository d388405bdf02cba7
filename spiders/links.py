"""Where to go next on a portal: link scoring toward the report column, and list pagination.

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
