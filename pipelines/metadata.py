"""Page metadata: title, publish date and time, 来源, 索引号, 文号, 发布机构.

Sources, first found wins per field:

1. ``<meta name="ArticleTitle|PubDate|ContentSource|SiteName|ColumnName">`` (TRS, 开普云 and many others);
2. 开普云 blocks: ``div.meta-data`` ``dd.IndexNo|scrq|ReleaseMechanism``, ``<ucaptitle>``;
3. labelled text outside the body: "索引号：… 发布机构：… 生成日期：… 文号：…" and the
   "发布时间：2017-03-10 来源：XXX 字体大小" bar (also "2018-03-26 17:44 来源:市政府办");
4. ``<title>`` without its site-name part (after ``-``/``_``/``|``);
5. the largest heading.

Missing values are None. ``site_name`` (``<meta name="SiteName">``) comes along as an extra key.
"""

from __future__ import annotations

import datetime as dt
import re

from lxml.cssselect import CSSSelector

from pipelines.clean import _WS_RE, body_element, is_widget, parse_html, render_lines

FIELDS = ("title", "publish_date", "publish_time", "source", "index_no", "doc_no", "publisher")

# <meta name=...> (lower-cased) → field
META_NAMES = {
    "articletitle": "title",
    "pubdate": "publish_date",
    "publishdate": "publish_date",
    "firstpublishedtime": "publish_date",
    "contentsource": "source",
    "sitename": "site_name",
}
# 开普云 metadata blocks: selector → field
KAIPUYUN_BLOCKS = {
    "dd.IndexNo": "index_no",
    "dd.scrq": "publish_date",
    "dd.ReleaseMechanism": "publisher",
    "dd.fbjg": "publisher",
    "dd.wh": "doc_no",
    "ucaptitle": "title",
}
# Labels as printed on pages, per field, best first. Characters may be spaced out ("索 引 号").
LABELS = {
    "title": ["标题", "名称", "文件名称"],
    "index_no": ["索引号"],
    "publisher": ["发布机构", "发文机关", "制发机关", "发布单位", "发文单位", "责任部门", "公开责任部门"],
    "publish_date": ["发布日期", "发布时间", "公开日期", "生成日期", "时间", "日期", "成文日期"],
    "doc_no": ["文号", "发文字号", "发文文号"],
    "source": ["来源", "信息来源", "文章来源", "稿件来源"],
}
# Labels that end a value printed on the same line ("来源：XXX 字体大小：").
STOP_LABELS = [
    "索引号", "发布机构", "发文机关", "生成日期", "成文日期", "发布日期", "发布时间", "文号", "发文字号", "来源",
    "主题分类", "公开方式", "公开范围", "公开时限", "责任部门", "字体大小", "字体", "字号", "浏览次数", "访问量",
    "点击数", "作者", "编辑", "有效性", "标题", "名称", "分类", "打印", "关闭",
]
NO_VALUE = {"", "无", "暂无", "-", "—", "/", "无文号", "空"}
TITLE_SEPARATORS = re.compile(r"\s*(?:_+|\||｜|—+|–|(?<!\d)\s*-{1,2}\s*(?!\d)|\s-\s)\s*")
SITE_WORDS = ("网站", "门户", "政府网", "政务网", "信息公开平台", "公开网")

_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                      r"(?:[\sT-]*(\d{1,2}:\d{2}(?::\d{2})?))?")
_BAR_DATE_RE = re.compile(r"(?<![\d-])((?:19|20)\d{2}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?)\s+来源\s*[:：]")
_CJK = "\u4e00-\u9fff"


def _spaced(label: str) -> str:
    return r"\s*".join(re.escape(ch) for ch in label)


_STOP_RE = "|".join(_spaced(lb) for lb in sorted(STOP_LABELS, key=len, reverse=True))
_SEP = r"(?:\s*[:：]\s*(?:\|\s*)?|\s+\|\s+)"


def _label(label: str) -> str:
    """``label`` (spaced out or not) not preceded by a CJK character. The pattern starts with the label's first
    character, the look-behind after it: a pattern that starts with a literal is searched for that
    character first (35 times faster over a page's chrome than a look-behind tried at every position)."""
    first = re.escape(label[0])
    return rf"{first}(?<![{_CJK}]{first})" + (r"\s*" + _spaced(label[1:]) if label[1:] else "")


_LABEL_RES = {
    field: [
        re.compile(
            rf"{_label(label)}{_SEP}(?!(?:{_STOP_RE}){_SEP})"
            + (r"(.+?)(?=\s{2,}|\s*\||\s*(?:" + _STOP_RE + r")\s*[:：]|$)" if field in ("title", "publish_date")
               else r"([^\s|]+)"),
            re.M,
        )
        for label in labels
    ]
    for field, labels in LABELS.items()
}
_KAIPUYUN_CSS = [(CSSSelector(sel), field) for sel, field in KAIPUYUN_BLOCKS.items()]


def page_metadata(html: str, url: str = "") -> dict:
    """Metadata of a page (a decoded str); missing values are None."""
    root = parse_html(html)
    if root is None:
        return {field: None for field in (*FIELDS, "site_name")}
    return metadata_from_tree(root, body_element(root, html), url)


def metadata_from_tree(root, body=None, url: str = "") -> dict:
    """Metadata from a parsed page; ``body`` (the report's container) is left out of the label search.
    The tree is not modified."""
    found: dict[str, str | None] = {}

    def put(field, value):
        value = _WS_RE.sub(" ", value or "").strip()
        if value in NO_VALUE or found.get(field) or is_widget(value):
            return
        if field == "publish_date" and not _DATE_RE.search(value):
            return  # "时间：工作日" is no date; a later source may have one
        found[field] = value

    for el in root.iter("meta"):
        field = META_NAMES.get((el.get("name") or "").strip().lower())
        if field:
            put(field, el.get("content"))
    for select, field in _KAIPUYUN_CSS:
        for el in select(root):
            value = el.find(".//div")
            put(field, _text(value if value is not None and field != "title" else el, drop_label=field != "title"))

    chrome = "\n".join(render_lines(root, skip=body))
    for field, patterns in _LABEL_RES.items():
        for pattern in patterns:
            match = pattern.search(chrome)
            if match:
                put(field, match.group(1))
                break
    if not found.get("publish_date"):
        match = _BAR_DATE_RE.search(chrome)
        if match:
            put("publish_date", match.group(1))

    if not found.get("title"):
        put("title", title_from_title_tag(root, found.get("site_name")))
    if not found.get("title"):
        put("title", largest_heading(root))

    meta = {field: found.get(field) for field in FIELDS}
    meta["site_name"] = found.get("site_name")
    meta["publish_date"], meta["publish_time"] = normalise_date(found.get("publish_date"))
    return meta


def normalise_date(printed: str | None) -> tuple[str | None, str | None]:
    """``(YYYY-MM-DD, printed date and time)`` from a printed date; the second only when a time is shown."""
    if not printed:
        return None, None
    match = _DATE_RE.search(printed)
    if not match:
        return None, None
    year, month, day, time = match.groups()
    try:
        date = dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None, None
    return date, (match.group(0).strip() if time else None)


def title_from_title_tag(root, site_name: str | None = None) -> str | None:
    """``<title>`` without the site name and column parts: the longest part that is not a site name."""
    el = root.find(".//title")
    if el is None or not (el.text or "").strip():
        return None
    text = _WS_RE.sub(" ", el.text).strip()
    parts = [p.strip() for p in TITLE_SEPARATORS.split(text) if p and p.strip()]
    keep = [p for p in parts if p != site_name and not any(w in p for w in SITE_WORDS)]
    return max(keep or parts, key=len) if parts else None


def largest_heading(root) -> str | None:
    for tag in ("h1", "h2", "h3"):
        texts = [_text(h) for h in root.iter(tag)]
        texts = [t for t in texts if len(t) >= 4 and not any(w in t for w in SITE_WORDS)]
        if texts:
            return max(texts, key=len)
    return None


def _text(el, drop_label: bool = False) -> str:
    text = _WS_RE.sub(" ", "".join(el.itertext())).strip()
    if drop_label:
        text = re.sub(r"^[^:：]{1,12}[:：]\s*", "", text)
    return text
