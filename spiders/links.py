"""Where to go next on a portal: link scoring toward the report column, unit lists (departments and
townships), columns to sweep in the second phase, list pagination, and whether a list page needs the browser.

Plain functions over (anchor text, URL) and page source, so they are easy to test and reuse.
"""

from __future__ import annotations

import re
from itertools import islice
from urllib.parse import urljoin, urlsplit

from crawler.requests import KIND, RequestKind

# Words in an anchor text or URL that lead toward the annual-report column, with their weight.
TOWARD_REPORTS = [
    (re.compile(r"信息公开年报|政务公开年报|年度报告|年报"), 40),
    (re.compile(r"(?:^|[/_.])(?:zfxxgknb|xxgknb|ndbg|gknb|nb|nianbao)(?:[/_.]|$)", re.I), 40),
    (re.compile(r"政府信息公开|信息公开|政务公开|法定主动公开|公开目录"), 15),
    (re.compile(r"(?:^|[/_.])(?:zfxxgk|xxgk|zwgk|gkml|govinfo|openness)(?:[/_.]|$)", re.I), 15),
]
# Columns that sit next to the report column but never hold reports.
AWAY_FROM_REPORTS = re.compile(r"指南|统计|预算|决算|招标|采购|人事|新闻|动态|图片|视频|English|登录|注册|邮箱")

STRONG_SCORE = 40  # a link that names the report column itself (年报, 年度报告, ndbg …)

# -- units: the departments and townships whose own columns hold most reports ---------------------------
# A link toward a list of units: 部门信息公开, 县直部门, 乡镇（街道）信息公开, 镇街信息公开 …
UNIT_LIST_TEXT = re.compile(
    r"^(?:县直|区直|市直|政府)?(?:部门|单位)(?:信息)?(?:公开|目录|专栏)?$|^(?:县直|区直|市直)(?:部门|单位)?"
    r"|^(?:乡镇|街道|镇街|乡镇街道|镇（街道）|乡镇（街道）|乡镇\(街道\)|镇、街道)(?:信息)?(?:公开|目录)?$"
    r"|^(?:部门|乡镇|街道|镇街|乡镇（街道）|乡镇\(街道\))(?:政府)?信息公开")
# The name of a government body: a department, a township, a subdistrict, a government (with its place).
AGENCY_NAME = re.compile(
    r"^[\u4e00-\u9fff（）()]{1,24}(?:局|委|委员会|办|办公室|院|厅|署|中心|所|站|馆|队|会|处|镇|乡|街道|街道办事处|"
    r"办事处|人民政府|政府|管委会|管理委员会|分局|支队|大队|公司)$")
NOT_AGENCY = re.compile(r"公开|年报|报告|指南|制度|目录|通知|动态|要闻|新闻|首页|网站|专题|互动|会议")
UNIT_LIST_MIN = 4  # agency-name links in one part of a page that make it a list of units
UNIT_LIST_SHARE = 0.6  # of that block's links
UNIT_LIST_LEVELS = 4  # ancestors of a link searched for that block

# -- columns the second phase sweeps: reports misfiled under 通知公告, 工作动态 … -----------------------
COLUMN_TEXT = re.compile(r"^[\u4e00-\u9fff（）()、·]{2,14}$")
NOT_A_SWEEP_COLUMN = re.compile(
    r"首页|网站地图|地图|联系|English|登录|注册|邮箱|信箱|留言|互动|搜索|无障碍|长者|帮助|声明|隐私|关于我们|"
    r"指南|统计|预算|决算|招标|采购|人事|图片|视频|机构|职能|领导|规划|办事|服务|下载|专题|制度|目录|法规|政策|文件")

NEXT_PAGE_TEXT = re.compile(r"^\s*(?:下一页|下页|尾页|末页|最后一页|后一页|>|>>|»|›)\s*$")
PAGE_NUMBER_TEXT = re.compile(r"^\s*\[?\d{1,4}\]?\s*$")
# TRS pagers: createPageHTML(countPage, currentPage, "index", "html") or var countPage = N
TRS_CREATE_PAGE = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,"
                             r"\s*['\"]([\w-]+)['\"]\s*,\s*['\"](\w+)['\"]")
TRS_COUNT_PAGE = re.compile(r"\bvar\s+countPage\s*=\s*['\"]?(\d+)")
TRS_PAGE_PREFIX = re.compile(r"\bvar\s+(?:prefix|pagePrefix|sPagePrefix)\s*=\s*['\"]([\w-]+)['\"]")


def report_score(text: str, url: str) -> int:
    """How strongly a link points toward the report column (0: not at all)."""
    path = urlsplit(url).path
    score = sum(weight for pattern, weight in TOWARD_REPORTS if pattern.search(text) or pattern.search(path))
    if AWAY_FROM_REPORTS.search(text or ""):
        score = score // 4
    return score


def is_agency_name(text: str) -> bool:
    """Anchor text that names a government body: 区发展和改革局, 常德市鼎城区教育局, 草坪镇, 玉霞街道 …"""
    text = re.sub(r"\s+", "", text or "")
    return bool(AGENCY_NAME.match(text)) and not NOT_AGENCY.search(text)


def is_unit_list_link(text: str) -> bool:
    """Anchor text of a link toward a list of units: 部门信息公开, 县直部门, 乡镇（街道）信息公开 …"""
    return bool(UNIT_LIST_TEXT.search(re.sub(r"\s+", "", text or "")))


def unit_links(root, links) -> list:
    """The links of ``links`` that a page lists as units: agency names gathered in one part of the page.

    A link is a unit when one of its nearest UNIT_LIST_LEVELS ancestors holds at least UNIT_LIST_MIN links
    that name agencies, UNIT_LIST_SHARE of all its links (a list of units may come in groups: 乡镇 and 街道,
    工作部门 and 垂直管理单位). Learned from the structure (a list of body names), whatever the site's URLs.
    ``root`` is the page's lxml tree.
    """
    counts: dict = {}  # element -> [agency links, links] below it
    anchors = []
    for anchor in root.iter("a"):
        text = " ".join("".join(anchor.itertext()).split())
        agency = is_agency_name(text)
        ancestors = list(islice(anchor.iterancestors(), UNIT_LIST_LEVELS))  # held: one proxy per element
        anchors.append((text, agency, ancestors))
        for element in ancestors:
            count = counts.setdefault(element, [0, 0])
            count[0] += agency
            count[1] += 1
    names = {text for text, agency, ancestors in anchors
             if agency and any(_lists_units(*counts[element]) for element in ancestors)}
    return [link for link in links if link.text in names]


def _lists_units(agencies: int, links: int) -> bool:
    return agencies >= UNIT_LIST_MIN and agencies >= UNIT_LIST_SHARE * links


def is_sweep_column(text: str, url: str) -> bool:
    """A link to a column worth sweeping in the second phase: a short column name (通知公告, 工作动态 …), not
    an article, a file, a pager, site chrome, or a column that never holds reports (指南, 预算, 机构 …)."""
    text = re.sub(r"\s+", "", text or "")
    if not COLUMN_TEXT.match(text) or NOT_A_SWEEP_COLUMN.search(text) or is_pager_link(text):
        return False
    return not is_article_url(url)


def is_article_url(url: str) -> bool:
    """A URL shaped like an article's (``ARTICLE_URL``, on its path and query), not a list's."""
    parts = urlsplit(url)
    return bool(ARTICLE_URL.search(parts.path + (f"?{parts.query}" if parts.query else "")))


def is_pager_link(text: str) -> bool:
    """Anchor text of a list pager: 下一页, 尾页, a page number…"""
    return bool(NEXT_PAGE_TEXT.match(text or "") or PAGE_NUMBER_TEXT.match(text or ""))


def script_pages(page_url: str, html: str) -> list[str]:
    """The other pages of a TRS list whose pager exists only in a script.

    ``createPageHTML(3, 0, "index", "html")`` on ``…/nb/index.html`` means index.html, index_1.html and
    index_2.html; so does ``var countPage = 3``. Read by regex: no browser needed.
    """
    pager = script_pager(page_url, html)
    return pager_pages(pager) if pager else []


def script_pager(page_url: str, html: str) -> tuple[str, int, str] | None:
    """A TRS script pager as ``(URL of its pages without their number, page count, extension)``: the same on
    every page of one list (``("…/nb/index", 3, "html")``), or None."""
    match = TRS_CREATE_PAGE.search(html)
    if match:
        count, prefix, ext = int(match.group(1)), match.group(3), match.group(4)
    else:
        match = TRS_COUNT_PAGE.search(html)
        if not match:
            return None
        count = int(match.group(1))
        prefix_match = TRS_PAGE_PREFIX.search(html)
        prefix = prefix_match.group(1) if prefix_match else "index"
        last_segment = urlsplit(page_url).path.rsplit("/", 1)[-1]
        ext = last_segment.rsplit(".", 1)[-1] if "." in last_segment else "html"
    return urljoin(page_url, prefix), count, ext


def pager_pages(pager: tuple[str, int, str]) -> list[str]:
    """The pages of a script pager after its first: ``…/nb/index_1.html`` …"""
    base, count, ext = pager
    return [f"{base}_{n}.{ext}" for n in range(1, count)]


def same_page(a: str, b: str) -> bool:
    """``…/nb/`` and ``…/nb/index.html`` are the same list page."""
    def norm(url):
        url = url.split("#", 1)[0]
        return re.sub(r"/index\.s?html?$", "/", url)
    return norm(a) == norm(b)


# -- when a listing page needs the browser (crawler/fetch/browser/ renders it) -----------------------------

# Pages that are articles, not lists: a notice about the reports names them but holds no list to render.
ARTICLE_URL = re.compile(
    r"/t\d{8}_\d+\.s?html?$|/art_\d+_\d+\.html$|/art/\d{4}/|show\.(?:asp|aspx|jsp|php)|/content_\d+"
    r"|/[0-9a-f]{32}\.s?html?$|/\d{6}/[^/]+$|detail", re.I)
ARTICLE_META = 'meta[name="ArticleTitle"], meta[name="PubDate"], meta[name="ContentSource"]'


def listing_needs_browser(response, links, score: int) -> bool:
    """A report-column page whose list only a script can show: worth one render in the browser.

    True when the page is not already rendered, points at the report column (``score`` ≥ STRONG_SCORE, or it
    is a known listing), holds scripts but no list pager (links or a TRS script pager read by regex) and does
    not look like an article (URL shape, ArticleTitle/PubDate meta). The caller has found no report links on
    it.
    """
    meta = response.meta
    if meta.get("playwright") or not getattr(response, "text", None):
        return False
    if score < STRONG_SCORE and meta.get(KIND) not in (RequestKind.LISTING, RequestKind.NEXT_PAGE):
        return False
    if not response.xpath("//script"):
        return False
    if any(is_pager_link(link.text) for link in links) or script_pages(response.url, response.text):
        return False
    if is_article_url(response.url):
        return False
    return not response.css(ARTICLE_META)
