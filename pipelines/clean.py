"""The clean body of a report page: one paragraph, heading or table row per line, no site chrome.

Pipeline (``clean_text``):

1. DOM pre-clean: drop scripts, hidden elements and chrome by selector (``CHROME_SELECTORS``); turn layout
   tables (a table holding a table, or cells holding long text) into divs. A body hidden until a script
   reveals it (``visibility:hidden``) and a chrome element that wraps the article (an unclosed breadcrumb
   div) are kept: they hold long text.
2. Body: when the page marks its body (Hanweb ``ContentStart``/``ContentEnd``, or a known container in
   ``BODY_SELECTORS``: TRS, 开普云/gov.cn, Hanweb), render that container ourselves (``render_lines``). When
   it does not, trafilatura (``include_tables=True``, ``favor_recall``, txt) says where the body is
   (``locate_body``: the element whose text is most nearly the lines it found) and we render that element,
   its link text marked (``mark_links``).
3. Text post-clean: strip and collapse white space per line, drop empty lines, normalise trafilatura's
   ``| a | b | `` table rows to ``a | b``, cut chrome lines (``CHROME_*``, and a repeat of the page title)
   off the head and the tail (and a head line the body repeats: a summary box). A body trafilatura placed
   is trusted less: lines mostly of link text count as chrome (menus, related articles) and are dropped
   wherever they stand when they are all links, as are widget lines (加载中, a share bar), and a line that
   closes an article (``END_PATTERNS``: 来源, 责任编辑, 相关报道, 版权所有 …) ends it.

Why both: on an identified container trafilatura throws away real body lines (short lines such as a
closing "无。" or a signature, lines that look like boilerplate) and its table rows carry padding; rendering
a known container with lxml is exact and about five times faster. Without a known container, trafilatura's
body detection is worth having. ``EXTRACTOR`` names both, with versions, so text can be regenerated.
"""

from __future__ import annotations

import copy
import re
from importlib import metadata

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector

from pipelines.tables import table_row

CLEAN_VERSION = 4  # 2: generic pages: body placed by score, link lines and article ends cut
# 3: bodies revealed by script and unclosed chrome wrappers kept; summary boxes and mid-body widgets cut
# 4: short prose lines (verses) stop the head scan; bylines cut; a reprint notice ends a placed body
EXTRACTOR = f"govarchive-clean/{CLEAN_VERSION} trafilatura/{metadata.version('trafilatura')}"

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
_LEFT_OUT = frozenset(NON_CONTENT_TAGS)
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
    ".review-count",  # comment-count badges at the end of paragraphs (起点's paragraph reviews)
]
DISPLAY_NONE_RE = re.compile(r"display\s*:\s*none", re.I)
INVISIBLE_RE = re.compile(r"visibility\s*:\s*hidden", re.I)
KEEP_IF_LONGER = 3000  # a "chrome" element holding this much text is a wrapper of the page, not chrome
# A chrome element whose paragraphs hold this much text is a wrapper too: a breadcrumb or menu div left
# unclosed swallows the article that follows it.
KEEP_IF_PARAGRAPHS = 500
# An element hidden only by visibility:hidden that holds this much text is a body a script reveals after
# layout (WeChat articles: #js_content), not a hidden widget.
KEEP_IF_INVISIBLE = 500
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
    # news CMSs: comment, share and pager widgets
    "分享让更多人看到", "分享至", "微信好友", "朋友圈", "二维码", "扫码", "链接已复制", "复制", "我来说两句", "我要说说",
    "我要评论", "发表评论", "评论", "推荐", "发送给朋友", "打印本文", "返回页首", "页面功能", "热点排行", "举报",
    "反馈", "关注", "查看更多", "更多", "阅读下一篇", "下一页", "上一页", "首页", "尾页", "末页", "Play Video",
    "加载中", "正在加载",  # an animation's or a player's loading label
]
# Removed word by word (a sub, not one fullmatch: overlapping words would make a fullmatch backtrack).
_WIDGET_RE = re.compile(
    r"%s|[\w-]+\.(?:png|jpe?g|gif|svg)|[\s【】\[\]()（）|｜:：,，、/<>＜＞«»·•“”\"-]+"
    % "|".join(re.escape(w) for w in sorted(CHROME_WORDS, key=len, reverse=True)),
    re.I,
)
# Every character _WIDGET_RE can remove, but those of image file names (they need a "."): a text with any other
# character but white space is no widget, known without running the regex (its words are tried at every
# position). The four are what re.I matches to ASCII letters besides their own case.
_WIDGET_CHARS = frozenset("".join(CHROME_WORDS).lower() + "".join(CHROME_WORDS).upper() + "İıſK"
                          + "【】[]()（）|｜:：,，、/<>＜＞«»·•“”\"-")
# Lines that close an article: in its tail, what follows one is not body, however long (a teaser, a
# site's disclaimer, a stock-quote notice).
END_PATTERNS = [
    r"^[\[【（(]?\s*(?:本文|文章|信息|稿件|新闻)?来源\s*[:：]|^[\[【（(]?\s*转(?:载)?自",
    # editors' credits, maybe bracketed: （责任编辑：…） [ 责编：… ] 监 制：…
    r"^[\[【（(]?\s*(?:责\s*任\s*编\s*辑|责\s*编|编\s*辑|审\s*核|审\s*校|校\s*对|总?监\s*制|审\s*读|终\s*审|选\s*稿)"
    r"\s*[:：]",
    r"^(?:上一篇|下一篇|上一条|下一条)\s*[:：]",
    r"^相关(?:文档|链接|稿件|文章|新闻|阅读|信息|报道|专题|资讯)\s*(?:[:：]|$)",
    r"^关联稿件\s*[:：]",
    r"^分享到\s*[:：]?",
    r"版权所有|网站标识码|ICP\s*[备证]|公网安备|(?i:copyright|all\s+rights\s+reserved)|©|违法和不良信息举报",
    r"^[“\"]?(?:特别声明|免责声明|版权声明)\s*[:：]",
    r"凡本(?:网|站)注明|不代表本(?:网|站)",
    # reprint notices: 未经授权不得转载, 转载请注明出处
    r"未经.{0,12}(?:授权|许可|同意).{0,8}(?:转载|复制|使用)|转载.{0,16}(?:注明|须|务必)|(?:请勿|不得|禁止|严禁)(?:转载|复制)",
]
# A byline: chrome at the head, and between paragraphs of a body no container vouches for.
BYLINE_PATTERN = r"^(?:作者|撰稿|撰文|记者|通讯员)\s*[:：]\s*\S{1,16}$"
# Lines that are chrome whatever follows the label.
CHROME_LINE_PATTERNS = [
    r"^欢迎(?:访问|来到|光临|您)",
    r"^(?:您(?:现在)?的?|当前)?(?:所在)?位置\s*[:：]",
    r"^首页\s*(?:>|＞|›|»|/|→)",
    r"^(?:发布|发表|更新|生成|公开|成文)?(?:时间|日期)\s*[:：]",
    r"^原标题\s*[:：]",
    r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?(?:\s+来源\s*[:：].*)?$",
    # the publication bar: a date with a time or a label, maybe after a site name (2024-05-13 12:03:10 作者：…)
    r"^(?=.{0,80}$)(?:\S+\s+)?\d{4}[-./年]\d{1,2}[-./月]\d{1,2}日?(?:\s*\d{1,2}:\d{2}|.*(?:来源|作者|编辑)\s*[:：])",
    r"^(?:https?://|www\.)\S+$",
    r"(?:字号|字体大小|字体)\s*[:：]?\s*【",
    r"^(?:浏览|点击|阅读|访问)(?:次数|量|数)\s*[:：]",
    r"^(?:索\s*引\s*号|发布机构|发文机关|生成日期|成文日期|发布日期|文\s*号|发文字号|主题分类|主题词|"
    r"公开方式|公开范围|公开时限|责任部门|有\s*效\s*性|信息分类|所属机构|组配分类|体裁分类)\s*[:：]",
    r"^(?:关键字|关键词|标签)\s*[:：]",
    r"扫一扫在手机",
    r"^(?:网站地图|联系我们|网站声明|关于我们|网站帮助|隐私声明)(?:\s*[|｜]\s*\S+)*$",
    BYLINE_PATTERN,
    r"关注.{0,8}公众号|下载.{0,6}客户端|首发于.{0,16}(?:公众号|客户端)",
    r"^(?=.{0,60}$).*(?:上一页|下一页)",  # pagers: |<<1234下一页>>|
    r"^(?:[\[【(（]?\d{1,6}[\]】)）]?\s*)+$",  # counters and page numbers: 4, [1] [2] [3]
    r"^/?\s*\d{1,2}:\d{2}(?:\s*/\s*\d{1,2}:\d{2})?$",  # a video player's clock
    r"^您访问的链接即将离开",
    r"主办单位\s*[:：]|^主办\s*[:：]|承办单位?\s*[:：]|技术支持\s*[:：]|许可证(?:编号|号)?\s*[:：]",
    *END_PATTERNS,
]


def _line_regexes(patterns: list[str]) -> tuple[re.Pattern, re.Pattern]:
    """The patterns that start with ``^`` as one regex, tried at a line's start (``match``), and the others as
    one, searched. (One alternation of both was tried at every position of every line.) So a pattern that
    starts with ``^`` has no unanchored alternative: such a pair is two patterns."""
    starts = [p for p in patterns if p.startswith("^")]
    anywhere = [p for p in patterns if not p.startswith("^")]
    return tuple(re.compile("|".join(f"(?:{p})" for p in group)) for group in (starts, anywhere))


_CHROME_STARTS_RE, _CHROME_ANYWHERE_RE = _line_regexes(CHROME_LINE_PATTERNS)
_END_RE = re.compile("|".join(f"(?:{p})" for p in END_PATTERNS))
_BYLINE_RE = re.compile(BYLINE_PATTERN)
SENTENCE_LINE = 10  # a line this long with a sentence's punctuation is body text (a verse, a short paragraph)
_SENTENCE_PUNCTUATION = re.compile(r"[，。；！？]")
CHROME_MAX_LINE = 200  # chrome lines are short; a long line is body text whatever it contains
HEAD_SCAN = 25  # lines at the head searched for chrome
TAIL_SCAN = 40  # lines at the tail searched for chrome
BODY_LINE = 40  # a line this long that is not chrome is body text: the head and tail scans stop there
TRAFILATURA_MAX_NODES = 20000  # larger pages (~1 MB of markup) skip trafilatura: it needs seconds for them
TITLE_SEPARATOR_CHARS = "_-|｜—–"  # what separates a page title from the site name in <title>
ANCHOR_CHARS = 8  # a line this long (white space removed) is distinctive enough to find in the page
LOCATE_MIN_SHARE = 0.3  # the body holds at least this share of the lines trafilatura found
LOCATE_PENALTY = 1.0  # what a character of an element's text that trafilatura left out costs its score
LINK_LINE = 0.5  # a line whose letters are this much link text is a link (a menu, a related-article title)
LINK_LIST = 0.8  # a line this much link text is navigation wherever it stands (an advert between paragraphs)
LIST_LABEL = 20  # a line up to this long ending in a colon, just above dropped links, is their label (今日焦点：)
# Links to files are attachments, part of the body, not navigation.
FILE_LINK_RE = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|et|ofd|zip|rar|7z|txt|csv)(?:$|[?#])", re.I)
LINK_OPEN, LINK_CLOSE = "\ue000", "\ue001"  # mark link text in a rendered body (private-use characters)

_WS_RE = re.compile(r"\s+")
# huge_tree: libxml2 otherwise drops everything below depth 256 (old pages nest unclosed <font> tags).
# lxml.etree's parser, not lxml.html's (the same parse): its elements are lxml's own C objects, where lxml.html makes
# each one it hands out an instance of a Python class (HtmlElement), paid at every step of a walk over the tree:
# 13% of the extraction's CPU on the bulk portal's pages.
_PARSER = etree.HTMLParser(huge_tree=True)
_END_TAGS_RE = re.compile(r"</(?:body|html)\s*>", re.I)
_STRING = etree.XPath("string()")  # an element's text, as lxml.html's text_content()
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
    titles = (title, root.findtext(".//title") or "")
    if body is not None:
        preclean(body)
        return "\n".join(postclean(render_lines(body), titles))
    preclean(root)
    if int(root.xpath("count(//*)")) > TRAFILATURA_MAX_NODES:
        found, located = [], root.find("body")  # trafilatura takes seconds here: rely on the chrome cuts
    else:
        found = trafilatura_lines(root, url)
        located = locate_body(root, found)
    if located is not None:
        mark_links(located)  # no container vouches for this body: its link lines are navigation
    lines = render_lines(located) if located is not None else found
    return "\n".join(postclean(lines, titles, placed=True))


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


def _html_elements(root):
    """A copy of ``root`` made of lxml.html's element classes: trafilatura takes a tree only as such (any
    other object it wants as HTML text, which it would parse again)."""
    copied = lxml.html.Element(root.tag, dict(root.attrib))
    copied.text = root.text
    copied.extend(list(copy.deepcopy(root)))  # moves the copy's children, their tails with them
    return copied


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
    wrapper = parent.makeelement("div")
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
        keep_if = _hidden_keep_if(el)
        if keep_if and _text_len(el) < keep_if:
            _drop(el)
    for el in chrome_elements(root):
        if el is not root and _text_len(el) < KEEP_IF_LONGER and _paragraph_len(el) < KEEP_IF_PARAGRAPHS:
            _drop(el)
    unlayout_tables(root)


def _hidden_keep_if(el) -> int:
    """For a hidden element, the text length from which it is kept all the same (0: it is not hidden)."""
    style = el.get("style") or ""
    if el.get("hidden") is not None or DISPLAY_NONE_RE.search(style):
        return KEEP_IF_LONGER
    return KEEP_IF_INVISIBLE if INVISIBLE_RE.search(style) else 0


def _paragraph_len(el) -> int:
    """The text of the paragraphs below ``el``."""
    return sum(_text_len(p) for p in el.iter("p"))


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


def mark_links(el) -> None:
    """Wrap the text of each link below ``el`` (links to files excepted) in ``LINK_OPEN``/``LINK_CLOSE``,
    so the post-clean can tell link lines (menus, lists of related articles) from body lines. In place."""
    for a in el.iter("a"):
        href = a.get("href")
        if href is None or FILE_LINK_RE.search(href):
            continue
        a.text = LINK_OPEN + (a.text or "")
        if len(a):
            a[-1].tail = (a[-1].tail or "") + LINK_CLOSE
        else:
            a.text += LINK_CLOSE


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
    Walked by lxml (``iterwalk``), not by recursion: pages with thousands of unclosed ``<font>`` tags nest
    deeper than Python's stack."""
    lines: list[str] = []
    buf: list[str] = [el.text or ""]

    def flush():
        text = "".join(buf)
        if text:
            lines.append(text)
        buf.clear()

    walker = etree.iterwalk(el, events=("start", "end", "comment", "pi"))
    next(walker)  # the start of ``el``
    for event, node in walker:
        if event == "start":
            tag = node.tag
            if tag in _LEFT_OUT or node is skip:
                walker.skip_subtree()
            elif tag == "br":
                flush()
            elif tag == "table":
                flush()
                lines.extend(table_rows(node))
                walker.skip_subtree()
            else:
                if tag in BLOCK_TAGS:
                    flush()
                buf.append(node.text or "")
            continue
        if node is el:
            break
        if event == "end" and node.tag in BLOCK_TAGS and node.tag != "table" and node is not skip:
            flush()  # a block's end (a table's rows were lines of their own already)
        buf.append(node.tail or "")  # after an element, a comment or a processing instruction
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
    """Body lines as trafilatura finds them, for pages without a known body container.

    trafilatura (~100 ms and ~20 MB to import) is imported here, where it runs: the crawl process imports this
    module for the statistics tables' cell rules, its extraction workers run this function."""
    import trafilatura

    try:
        text = trafilatura.extract(
            _html_elements(root),
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
    """The element that holds the lines trafilatura found, or None when none of them can be placed.

    trafilatura is good at finding the body and unreliable at rendering it (it splits inline headings off
    their paragraph, drops short lines and table header rows, sometimes flattens a table one cell a line),
    so it only says where the body is and ``render_lines`` renders it. Its output often carries a stray
    line from elsewhere (the page title, a footer, a related-article title), so the body is not the
    smallest element holding all its lines but the element whose text is most nearly its lines: each
    distinctive line counts its length for the deepest element holding it and that element's ancestors,
    and an element scores what it holds of them less the rest of its text (``LOCATE_PENALTY`` per char)."""
    texts: dict = {}  # element -> its text, white space removed (each computed once)

    def text(el) -> str:
        if el not in texts:
            texts[el] = _squash(_STRING(el))
        return texts[el]

    held: dict = {}  # element -> characters of found lines inside it
    for line in found:
        line = _squash(line)
        if "|" in line or len(line) < ANCHOR_CHARS:
            continue
        el = _deepest_containing(root, line[:40], text)
        for holder in (el, *el.iterancestors()) if el is not None else ():
            held[holder] = held.get(holder, 0) + len(line)
    if not held:
        return None
    enough = LOCATE_MIN_SHARE * max(held.values())  # the root holds every placed line
    return max((el for el in held if held[el] >= enough),
               key=lambda el: held[el] - LOCATE_PENALTY * (len(text(el)) - held[el]))


def _deepest_containing(el, needle: str, text):
    if needle not in text(el):
        return None
    while True:
        for child in el:
            if isinstance(child.tag, str) and needle in text(child):
                el = child
                break
        else:
            return el


# -- text post-clean ---------------------------------------------------------------------------------


def postclean(lines: list[str], titles: tuple[str, ...] = (), placed: bool = False) -> list[str]:
    """Normalise lines and cut chrome off the head and the tail. ``titles``: the page's title (from its
    metadata, or as its ``<title>`` has it, site name and all); a line that repeats one at the head is cut,
    and so is a head line the body repeats later (a summary box).
    ``placed``: no container of the page vouches for these lines (trafilatura placed the body), so a line
    that closes an article ends it (``ends_article``), link lines (``mark_links``) are navigation, and a
    widget line (``is_widget``) is chrome wherever it stands (加载中 beside a GIF, a share bar between
    paragraphs)."""
    titles = [t for t in titles if t]
    out, shares = [], []
    for line, link_share in _link_shares(lines):
        if _TRAF_ROW_RE.match(line.strip()):
            line = table_row(line.strip().strip("|").split("|"))
        line = _WS_RE.sub(" ", line).strip()
        if line:
            out.append(line)
            shares.append(link_share)
    edge = [i < HEAD_SCAN or i >= len(out) - TAIL_SCAN for i in range(len(out))]  # what chrome_ends reads
    chrome = [at_edge and (is_chrome_line(line) or share >= LINK_LINE) for line, share, at_edge in
              zip(out, shares, edge)]
    repeated = _repeated_later(out)
    head = [flag or again or _repeats_title(line, titles)
            for line, flag, again in zip(out[:HEAD_SCAN], chrome, repeated)]
    start, end = chrome_ends(out, head, chrome, [placed and at_edge and ends_article(line)
                                                 for line, at_edge in zip(out, edge)])
    body = drop_link_lists(out[start:end], shares[start:end])
    return [line for line in body if not is_widget(line) and not _BYLINE_RE.match(line)] if placed else body


def _repeated_later(lines: list[str]) -> list[bool]:
    """Per line, whether a later line repeats it: at the head, such a line is a summary box (摘要, 导语)
    that the body's first paragraph repeats."""
    later: set[str] = set()
    repeated = []
    for line in reversed(lines):
        repeated.append(len(_squash(line)) >= ANCHOR_CHARS and line in later)
        later.add(line)
    return repeated[::-1]


def drop_link_lists(lines: list[str], shares: list[float]) -> list[str]:
    """Drop the lines made of links (``LINK_LIST``) that are left between body lines, and the label just
    above them (今日焦点：)."""
    out = []
    for line, share in zip(lines, shares):
        if share < LINK_LIST:
            out.append(line)
        elif out and len(out[-1]) <= LIST_LABEL and out[-1].endswith((":", "：")):
            out.pop()
    return out


def _link_shares(lines: list[str]):
    """Each line without link marks, with the share of its letters and digits that are link text (a card
    linked whole shows its rating, 8.6, as a line of its own). A link may span lines, so the state carries
    over."""
    in_link = False
    for line in lines:
        if LINK_OPEN not in line and LINK_CLOSE not in line and not in_link:
            yield line, 0.0
            continue
        letters = linked = 0
        for ch in line:
            if ch == LINK_OPEN or ch == LINK_CLOSE:
                in_link = ch == LINK_OPEN
            elif ch.isalnum():
                letters += 1
                linked += in_link
        yield line.replace(LINK_OPEN, "").replace(LINK_CLOSE, ""), linked / letters if letters else 0.0


def _repeats_title(line: str, titles: list[str]) -> bool:
    """The line is a title: equal to one, or the start of one up to a separator (a ``<title>`` without its
    site name)."""
    for title in titles:
        title = _WS_RE.sub(" ", title).strip()
        if _squash(line) == _squash(title):
            return True
        rest = title[len(line):].lstrip() if title.startswith(line) and len(_squash(line)) >= ANCHOR_CHARS else ""
        if rest and rest[0] in TITLE_SEPARATOR_CHARS:
            return True
    return False


def is_chrome_line(line: str) -> bool:
    """A line of site chrome: a widget (打印 关闭, 字号 大 中 小 ...) or a labelled chrome line (来源：, 上一篇：)."""
    if len(line) > CHROME_MAX_LINE:
        return False
    return is_widget(line) or bool(_CHROME_STARTS_RE.match(line) or _CHROME_ANYWHERE_RE.search(line))


def ends_article(line: str) -> bool:
    """A line that closes an article (``END_PATTERNS``): its source, its editor, related articles, the
    site's footer."""
    return len(line) <= CHROME_MAX_LINE and bool(_END_RE.search(line))


def is_sentence(line: str) -> bool:
    """A line of prose however short (a verse): ``SENTENCE_LINE`` characters or more, with a comma or a full
    stop. Navigation and labels have none; the head scan stops at such a line as at a long one."""
    return len(line) >= SENTENCE_LINE and bool(_SENTENCE_PUNCTUATION.search(line))


def is_widget(text: str) -> bool:
    """Text made only of widget words and punctuation: 【打印】【关闭】, 字号：大 中 小, 分享到："""
    if "." not in text and not all(ch.isspace() for ch in set(text) - _WIDGET_CHARS):
        return False
    return not _WIDGET_RE.sub("", text)


def chrome_ends(lines: list[str], head: list[bool], tail: list[bool], ends: list[bool]) -> tuple[int, int]:
    """Where the body starts and ends: past the last chrome line of the head, before the first chrome line
    of the tail (``head`` and ``tail`` flag them). Each scan stops at the first body line (not chrome,
    ``BODY_LINE`` characters or more, or a sentence): short lines (a title, a welcome banner, a signature, "无。") may
    sit between chrome lines, body paragraphs do not. In the tail, a line flagged in ``ends`` after the
    first body line ends the body, whatever follows it."""
    start = 0
    for i, line in enumerate(lines[:HEAD_SCAN]):
        if head[i]:
            start = i + 1
        elif len(line) >= BODY_LINE or is_sentence(line):
            break
    end = len(lines)
    for i in range(len(lines) - 1, max(start, len(lines) - TAIL_SCAN) - 1, -1):
        if tail[i]:
            end = i
        elif len(lines[i]) >= BODY_LINE:
            break
    body = next((i for i in range(start, end) if len(lines[i]) >= BODY_LINE), end)
    return start, next((i for i in range(max(body + 1, len(lines) - TAIL_SCAN), end) if ends[i]), end)


def _squash(text: str) -> str:
    return _WS_RE.sub("", text)
