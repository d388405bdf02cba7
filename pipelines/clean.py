"""The clean body of a report page: one paragraph, heading or table row per line, no site chrome.

Pipeline (``clean_text``):

1. DOM pre-clean: drop scripts, hidden elements and chrome by selector (``CHROME_SELECTORS``); turn layout
   tables (a table holding a table, or cells holding long text) into divs.
2. Body: when the page marks its body (Hanweb ``ContentStart``/``ContentEnd``, or a known container in
   ``BODY_SELECTORS``: TRS, 开普云/gov.cn, Hanweb), render that container ourselves (``render_lines``). When
   it does not, let trafilatura find the body (``include_tables=True``, ``favor_recall``, txt).
3. Text post-clean: strip and collapse white space per line, drop empty lines, normalise trafilatura's
   ``| a | b | `` table rows to ``a | b``, cut chrome lines (``CHROME_*``) off the head and the tail, and
   drop a first line equal to the page title.

Why both: on an identified container trafilatura throws away real body lines (short lines such as a
closing "无。" or a signature, lines that look like boilerplate) and its table rows carry padding; rendering
a known container with lxml is exact and about five times faster. Without a known container, trafilatura's
body detection is worth having. ``EXTRACTOR`` names both, with versions, so text can be regenerated.
"""

from __future__ import annotations

import re

import lxml.html
import trafilatura
from lxml import etree
from lxml.cssselect import CSSSelector

from pipelines.tables import table_row

CLEAN_VERSION = 1
EXTRACTOR = f"govarchive-clean/{CLEAN_VERSION} trafilatura/{trafilatura.__version__}"

# -- vocabulary: selectors ---------------------------------------------------------------------------
# Containers that hold a report's own body, most specific first.
BODY_SELECTORS = [
    "div.TRS_Editor",  # TRS WCM
    ".TRS_UEDITOR",  # TRS with UEditor
    "#UCAP-CONTENT",  # 开普云 / www.gov.cn
    "ucapcontent",  # 开普云 (Jiangxi platform)
    "#zoomcon",  # 开普云
    "#zoom",  # Hanweb JCMS and many others
    ".pages_content",  # gov.cn
]  # Generic names (#content, .article-content) often wrap a side menu too: trafilatura places those bodies.
# Hanweb marks the body with comments or meta tags inside the page.
CONTENT_START_RE = re.compile(r"<!--\s*ContentStart\s*-->|<meta\s+name=[\"']?ContentStart[\"']?[^>]*>", re.I)
CONTENT_END_RE = re.compile(r"<!--\s*ContentEnd\s*-->|<meta\s+name=[\"']?ContentEnd[\"']?[^>]*>", re.I)

NON_CONTENT_TAGS = [
    "script", "style", "noscript", "iframe", "frame", "object", "embed", "input", "select", "button",
    "textarea", "canvas", "svg", "map", "audio", "video", "template", "head",
]
CHROME_SELECTORS = [
    "nav", "header", "footer", "form",  # a form wrapping a whole page (ASP.NET) is kept: see KEEP_IF_LONGER
    # TRS
    "#myPrint", ".article-zoom", ".article-share", ".article-share-cnt", "dl.affairs-detail-qcode",
    ".detail-article-infos", ".breadcrumb",
    # 开普云 / gov.cn
    ".pages_print", "#share", ".share", "#qr_container", "#div_div", ".meta-data", ".article-attr",
    ".article-reldocuments", ".article-ewm", ".article-btn", ".article-extended", ".BreadcrumbNav",
    ".xxgk-crumb", ".related", ".xg-list",
    # Hanweb
    ".bdsharebuttonbox", ".bdshare", "#bdshare",
    # generic names seen across CMSs
    ".crumb", ".crumbs", ".position", ".location", ".dqwz", ".nav", ".menu", ".topbar", ".header", "#header",
    ".footer", "#footer", ".qrcode", "#qrcode", ".ewm", ".fontsize", ".font-size", "#fontsize", ".print",
    ".close", ".prev-next", ".prevnext", ".sxpage",
]
HIDDEN_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
KEEP_IF_LONGER = 3000  # a "chrome" element holding this much text is a wrapper of the page, not chrome
LAYOUT_CELL_CHARS = 150  # a table cell holding more text than this is page layout, not data

BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "html", "li",
    "main", "menu", "ol", "p", "pre", "section", "summary", "ul", "caption", "table", "tr", "tbody",
    "thead", "tfoot", "td", "th",
}

# -- vocabulary: chrome lines ------------------------------------------------------------------------
# A line made only of these words (and punctuation, image file names) is a widget: 打印 关闭, 字号 大 中 小 ...
CHROME_WORDS = [
    "扫一扫在手机上打开当前页面", "扫一扫在手机打开当前页面", "扫一扫在手机打开当前页", "扫一扫在手机打开",
    "扫一扫在手机上打开", "在手机上打开", "在手机打开", "扫一扫", "视力保护色", "护眼模式", "返回顶部", "关闭窗口",
    "关闭本页", "打印本页", "打印此页", "打印正文", "加入收藏", "添加收藏", "设为首页", "我要纠错", "复制链接",
    "相关文档", "相关链接", "相关稿件", "关联稿件", "相关文章", "相关新闻", "相关阅读", "相关信息", "上一篇", "下一篇",
    "分享到", "分享", "收藏", "打印", "关闭", "字号", "字体大小", "字体", "默认", "超大", "放大", "缩小", "正常",
    "大", "中", "小", "微信", "微博", "QQ空间", "新浪微博", "腾讯微博", "QQ", "背景色", "纠错", "本页", "窗口",
]
# Removed word by word (a sub, not one fullmatch: overlapping words would make a fullmatch backtrack).
_WIDGET_RE = re.compile(
    r"%s|[\w-]+\.(?:png|jpe?g|gif|svg)|[\s【】\[\]()（）|｜:：,，、/>＞»·•-]+"
    % "|".join(re.escape(w) for w in sorted(CHROME_WORDS, key=len, reverse=True)),
    re.I,
)
# Lines that are chrome whatever follows the label.
CHROME_LINE_PATTERNS = [
    r"^欢迎(?:访问|来到|光临|您)",
    r"^(?:您(?:现在)?的?|当前)?(?:所在)?位置\s*[:：]",
    r"^首页\s*(?:>|＞|›|»|/|→)",
    r"^(?:发布|发表|更新|生成|公开|成文)?(?:时间|日期)\s*[:：]",
    r"^(?:信息|文章|稿件)?来源\s*[:：]",
    r"^\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?(?:\s+来源\s*[:：].*)?$",
    r"(?:字号|字体大小|字体)\s*[:：]?\s*【",
    r"^(?:浏览|点击|阅读|访问)(?:次数|量|数)\s*[:：]",
    r"^(?:索\s*引\s*号|发布机构|发文机关|生成日期|成文日期|发布日期|文\s*号|发文字号|主题分类|主题词|"
    r"公开方式|公开范围|公开时限|责任部门|有\s*效\s*性|信息分类|所属机构|组配分类|体裁分类)\s*[:：]",
    r"^(?:上一篇|下一篇|上一条|下一条)\s*[:：]",
    r"^相关(?:文档|链接|稿件|文章|新闻|阅读|信息)\s*[:：]",
    r"^关联稿件\s*[:：]",
    r"^(?:责任编辑|编辑|审核|校对)\s*[:：]",
    r"扫一扫在手机",
    r"^分享到\s*[:：]?",
    r"版权所有|主办单位\s*[:：]|^主办\s*[:：]|承办单位?\s*[:：]|网站标识码|ICP\s*备|公网安备|技术支持\s*[:：]",
    r"^(?:网站地图|联系我们|网站声明|关于我们|网站帮助|隐私声明)(?:\s*[|｜]\s*\S+)*$",
    r"^您访问的链接即将离开",
]
_CHROME_LINE_RE = re.compile("|".join(f"(?:{p})" for p in CHROME_LINE_PATTERNS))
CHROME_MAX_LINE = 200  # chrome lines are short; a long line is body text whatever it contains
HEAD_SCAN = 25  # lines at the head searched for chrome
TAIL_SCAN = 40  # lines at the tail searched for chrome
BODY_LINE = 40  # a line this long that is not chrome is body text: the head and tail scans stop there
TRAFILATURA_MAX_NODES = 20000  # larger pages (~1 MB of markup) skip trafilatura: it needs seconds for them
ANCHOR_CHARS = 8  # a line this long (white space removed) is distinctive enough to find in the page

_WS_RE = re.compile(r"\s+")
# huge_tree: libxml2 otherwise drops everything below depth 256 (old pages nest unclosed <font> tags).
_PARSER = lxml.html.HTMLParser(huge_tree=True)
_END_TAGS_RE = re.compile(r"</(?:body|html)\s*>", re.I)
_TRAF_ROW_RE = re.compile(r"^\|.*\|\s*$")


def clean_text(html: str, url: str = "", title: str = "") -> str:
    """The clean body of a page as text: one paragraph, heading or table row per line."""
    root = parse_html(html)
    if root is None:
        return ""
    return clean_tree(root, body_element(root, html), url, title)


def clean_tree(root, body=None, url: str = "", title: str = "") -> str:
    """``clean_text`` on a parsed page whose body container (``body_element``) is already known.
    Modifies the tree."""
    if body is not None:
        preclean(body)
        lines = render_lines(body)
    else:
        preclean(root)
        if int(root.xpath("count(//*)")) > TRAFILATURA_MAX_NODES:
            found, located = [], root.find("body")  # trafilatura takes seconds here: rely on the chrome cuts
        else:
            found = trafilatura_lines(root, url)
            located = locate_body(root, found)
        lines = render_lines(located) if located is not None else found
    return "\n".join(postclean(lines, title))


# -- DOM -----------------------------------------------------------------------------------------------


def parse_html(html: str):
    """An lxml tree of ``html`` (a str), or None for an empty or unparsable page."""
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)  # lxml refuses str input with an encoding declaration
    # Browsers ignore a stray </body> or </html> (templates that include a whole page as a header);
    # libxml2 would end the document there and hang the rest outside the root.
    html = _END_TAGS_RE.sub("", html)
    if not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None


_BODY_CSS = [CSSSelector(s) for s in BODY_SELECTORS]


def _simple_selector(sel: str) -> tuple[str | None, str | None, str | None]:
    """``tag``, ``#id``, ``.class`` or ``tag.class`` as (tag, id, class)."""
    match = re.fullmatch(r"([\w-]*)(?:#([\w-]+))?(?:\.([\w-]+))?", sel)
    if not match:
        raise ValueError(f"unsupported chrome selector {sel!r}")
    tag, id_, cls = match.groups()
    return tag or None, id_, cls


_CHROME = [_simple_selector(s) for s in CHROME_SELECTORS]
_CHROME_TAGS = {tag for tag, id_, cls in _CHROME if tag and not id_ and not cls}
_CHROME_IDS = {id_: tag for tag, id_, cls in _CHROME if id_}
_CHROME_CLASSES: dict[str, set] = {}
for _tag, _id, _cls in _CHROME:
    if _cls:
        _CHROME_CLASSES.setdefault(_cls, set()).add(_tag)


def chrome_elements(root) -> list:
    """Elements matching ``CHROME_SELECTORS`` (matched in Python: one XPath union of 60 class tests
    costs ~8 ms on a page with large tables)."""
    found = [el for el in root.iter(*_CHROME_TAGS)]
    for el in root.xpath(".//*[@id or @class]"):
        tag = el.tag
        id_ = el.get("id")
        if id_ and id_ in _CHROME_IDS and _CHROME_IDS[id_] in (None, tag):
            found.append(el)
            continue
        for cls in (el.get("class") or "").split():
            tags = _CHROME_CLASSES.get(cls)
            if tags and (None in tags or tag in tags):
                found.append(el)
                break
    return found


def body_element(root, html: str = ""):
    """The element holding the report's own body, or None when the page marks none.

    Hanweb's ``ContentStart``/``ContentEnd`` markers win: the nodes between them are wrapped in a div in
    place (so the rest of the tree still knows where the body is); markers in different parents fall back
    to parsing the slice of ``html`` between them."""
    body = _between_markers(root)
    if body is None and html:
        start, end = CONTENT_START_RE.search(html), CONTENT_END_RE.search(html)
        if start and end and end.start() > start.end():
            fragment = parse_html(f"<html><body><div>{html[start.end():end.start()]}</div></body></html>")
            if fragment is not None:
                body = fragment.find(".//body/div")
    if body is not None and _text_len(body) > 20:
        return body
    for select in _BODY_CSS:
        found = [el for el in select(root) if _text_len(el) > 20]
        if found:
            return max(found, key=_text_len)
    return None


_MARKER = ".//comment()[normalize-space(.)='{0}'] | .//meta[@name='{0}']"


def _between_markers(root):
    """Wrap the nodes between ContentStart and ContentEnd markers (same parent) in a div, in place."""
    starts, ends = root.xpath(_MARKER.format("ContentStart")), root.xpath(_MARKER.format("ContentEnd"))
    if not starts or not ends:
        return None
    start, end = starts[0], ends[-1]
    parent = start.getparent()
    if parent is None or end.getparent() is not parent or parent.index(start) >= parent.index(end):
        return None
    wrapper = lxml.html.Element("div")
    wrapper.text, start.tail = start.tail, None
    for node in parent[parent.index(start) + 1 : parent.index(end)]:
        wrapper.append(node)  # moves the node, its tail with it
    parent.insert(parent.index(start) + 1, wrapper)
    return wrapper


def preclean(root) -> None:
    """Remove non-content, hidden and chrome elements; turn layout tables into divs. In place."""
    for el in list(root.iter(NON_CONTENT_TAGS, etree.Comment, etree.ProcessingInstruction)):
        _drop(el)
    for el in root.xpath(".//*[@style or @hidden]"):
        hidden = el.get("hidden") is not None or HIDDEN_RE.search(el.get("style") or "")
        if hidden and _text_len(el) < KEEP_IF_LONGER:
            _drop(el)
    for el in chrome_elements(root):
        if el is not root and _text_len(el) < KEEP_IF_LONGER:
            _drop(el)
    unlayout_tables(root)


_ROWS = "./tr|./thead/tr|./tbody/tr|./tfoot/tr"
_LAYOUT_TABLE = etree.XPath(
    f".//table or ({_ROWS})/*[self::td or self::th][string-length(normalize-space(.)) > {LAYOUT_CELL_CHARS}]"
)
_TABLE_PARTS = etree.XPath(f"./thead|./tbody|./tfoot|./caption|{_ROWS}|({_ROWS})/*[self::td or self::th]")


def unlayout_tables(root) -> None:
    """Turn layout tables (holding a table, or a cell with long text) into divs, outermost first."""
    for table in list(root.iter("table")):
        if table.tag == "table" and _LAYOUT_TABLE(table):
            for el in [table, *_TABLE_PARTS(table)]:
                el.tag = "div"


def _drop(el) -> None:
    """Remove an element but keep its tail text."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _text_len(el) -> int:
    return int(el.xpath("string-length(normalize-space(.))")) if el is not None else 0


# -- rendering --------------------------------------------------------------------------------------


def render_lines(el, skip=None) -> list[str]:
    """Text lines of an element as a browser lays them out: blocks and ``<br>`` break lines, table rows
    become ``cell | cell`` lines. Scripts, styles, comments and the element ``skip`` are left out.
    Iterative: pages with thousands of unclosed ``<font>`` tags nest deeper than Python recursion."""
    lines: list[str] = []
    buf: list[str] = [el.text or ""]

    def flush():
        if any(buf):
            lines.append("".join(buf))
        buf.clear()

    stack = [iter(el)]
    closing: list[tuple[bool, str | None]] = []  # (is a block, tail) of each open element below ``el``
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
            if closing:
                block, tail = closing.pop()
                if block:
                    flush()
                buf.append(tail or "")
            continue
        tag = child.tag if isinstance(child.tag, str) else None
        if tag is None or tag in NON_CONTENT_TAGS or child is skip:
            pass
        elif tag == "br":
            flush()
        elif tag == "table":
            flush()
            lines.extend(table_rows(child))
        else:
            block = tag in BLOCK_TAGS
            if block:
                flush()
            buf.append(child.text or "")
            stack.append(iter(child))
            closing.append((block, child.tail))
            continue
        buf.append(child.tail or "")
    flush()
    return lines


def table_rows(table) -> list[str]:
    """One line per row of a data table, its cells in document order joined by `` | ``."""
    rows = []
    caption = table.find("caption")
    if caption is not None:
        rows.append(_cell_text(caption))
    for tr in table.xpath(_ROWS):
        row = table_row(_cell_text(c) for c in tr if c.tag in ("td", "th"))
        if row:
            rows.append(row)
    return rows


def _cell_text(cell) -> str:
    """A cell's text on one line: ``<br>`` and inner blocks become spaces, white space collapsed."""
    parts = []
    for node in cell.iter():
        if isinstance(node.tag, str):
            if node is not cell and (node.tag == "br" or node.tag in BLOCK_TAGS):
                parts.append(" ")
            parts.append(node.text or "")
        if node is not cell:
            parts.append(node.tail or "")
    return _WS_RE.sub(" ", "".join(parts)).strip()


def trafilatura_lines(root, url: str = "") -> list[str]:
    """Body lines as trafilatura finds them, for pages without a known body container."""
    try:
        text = trafilatura.extract(
            root,
            url=url or None,
            include_tables=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
            favor_recall=True,
            deduplicate=False,
            output_format="txt",
        )
    except RecursionError:
        return []
    return [re.sub(r"^- ", "", line) for line in (text or "").splitlines()]  # "- " marks list items


def locate_body(root, found: list[str]):
    """The element that holds the lines trafilatura found: the lowest common ancestor of the elements
    holding its first and last distinctive lines. None when they cannot be placed.

    trafilatura is good at finding the body and unreliable at rendering it (it splits inline headings off
    their paragraph, drops short lines and table header rows, sometimes flattens a table one cell a line),
    so it only says where the body is and ``render_lines`` renders it."""
    anchors = [_squash(line) for line in found if "|" not in line]
    anchors = [a[:40] for a in anchors if len(a) >= ANCHOR_CHARS]
    if not anchors:
        return None
    first, last = _deepest_containing(root, anchors[0]), _deepest_containing(root, anchors[-1], last=True)
    if first is None or last is None:
        return None
    ancestors = [first, *first.iterancestors()]  # held, so each node keeps one proxy and `is` works
    for el in (last, *last.iterancestors()):
        if any(el is a for a in ancestors):
            return el
    return None


def _deepest_containing(el, needle: str, last: bool = False):
    if needle not in _squash(el.text_content()):
        return None
    while True:
        for child in reversed(el) if last else el:
            if isinstance(child.tag, str) and needle in _squash(child.text_content()):
                el = child
                break
        else:
            return el


# -- text post-clean ---------------------------------------------------------------------------------


def postclean(lines: list[str], title: str = "") -> list[str]:
    """Normalise lines and cut chrome off the head and the tail."""
    out = []
    for line in lines:
        if _TRAF_ROW_RE.match(line.strip()):
            line = table_row(line.strip().strip("|").split("|"))
        line = _WS_RE.sub(" ", line).strip()
        if line:
            out.append(line)
    out = cut_chrome(out)
    if out and title and _squash(out[0]) == _squash(title):
        out = out[1:]
    return out


def is_chrome_line(line: str) -> bool:
    """A line of site chrome: a widget (打印 关闭, 字号 大 中 小 ...) or a labelled chrome line (来源：, 上一篇：)."""
    if len(line) > CHROME_MAX_LINE:
        return False
    return is_widget(line) or bool(_CHROME_LINE_RE.search(line))


def is_widget(text: str) -> bool:
    """Text made only of widget words and punctuation: 【打印】【关闭】, 字号：大 中 小, 分享到："""
    return not _WIDGET_RE.sub("", text)


def cut_chrome(lines: list[str]) -> list[str]:
    """Drop the head up to its last chrome line and the tail from its first chrome line. Each scan stops
    at the first body line (not chrome, ``BODY_LINE`` characters or more): short lines (a title, a welcome
    banner, a signature, "无。") may sit between chrome lines, body paragraphs do not."""
    start = 0
    for i, line in enumerate(lines[:HEAD_SCAN]):
        if is_chrome_line(line):
            start = i + 1
        elif len(line) >= BODY_LINE:
            break
    end = len(lines)
    for i in range(len(lines) - 1, max(start, len(lines) - TAIL_SCAN) - 1, -1):
        if is_chrome_line(lines[i]):
            end = i
        elif len(lines[i]) >= BODY_LINE:
            break
    return lines[start:end]


def _squash(text: str) -> str:
    return _WS_RE.sub("", text)
