"""What a sample portal holds: columns of articles, plus a few static channel pages.

A portal module builds a ``Site`` (content only, no URLs); a template module turns it into resources
(path -> bytes). Keeping content and templates apart lets the server re-render a whole portal after
``add_report``/``change_report`` and compare bytes page by page.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Callable

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"


def gold_lines(corpus_id: str) -> list[str]:
    text = (CORPUS / f"{corpus_id}.gold.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def corpus_id_for(prefix: str) -> str:
    """``"001"`` -> ``"001_530b59ebb389d401"``."""
    (match,) = [p.name.removesuffix(".gold.txt") for p in CORPUS.glob(f"{prefix}_*.gold.txt")]
    return match


@dataclass
class Attachment:
    filename: str                 # what the link shows (开发区2016年度….docx)
    name: str                     # file name on the server (P020170123….docx)
    make: Callable[[], bytes]
    mime: str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(eq=False)
class Article:
    title: str
    date: datetime                # publish time as the page shows it
    lines: list[str]              # body in gold format
    kind: str = "news"            # report | decoy | news | page
    source: str = ""
    corpus_id: str | None = None
    style: str | None = None      # body style, default: the portal's
    align: dict = field(default_factory=dict)
    lead_blank: int = 0
    table_spans: list | None = None
    bookmark_at: int | None = None
    meta: dict = field(default_factory=dict)       # index_no, doc_no, publisher, topic, views …
    attachments: list[Attachment] = field(default_factory=list)
    related: list["Article"] = field(default_factory=list)
    docid: str = ""
    order: int = 0                # > 0: published by add_report, listed above older items regardless of date
    path: str = ""                # set when the template lays the site out
    column: "Column | None" = None

    def __post_init__(self):
        if not self.docid:
            digest = hashlib.md5(f"{self.title}{self.date:%Y%m%d}".encode()).hexdigest()
            self.docid = str(1000000 + int(digest[:8], 16) % 8999999)

    @property
    def uid(self) -> str:
        """A 32-hex id, as 开普云 uses in its article file names."""
        return hashlib.md5(f"{self.title}|{self.date:%Y%m%d%H%M}".encode()).hexdigest()


@dataclass(eq=False)
class Column:
    key: str                      # path segment (zfxxgknb) or ASP class id
    name: str                     # 政府信息公开年报
    dir: str                      # "/zwgk/zfxxgknb/" (site-relative, with slashes)
    articles: list[Article] = field(default_factory=list)
    per_page: int = 10
    section: str = ""             # breadcrumb parent (政务公开)

    def __post_init__(self):
        for a in self.articles:
            a.column = self

    def add(self, article: Article, top: bool = False) -> Article:
        article.column = self
        self.articles.insert(0, article) if top else self.articles.append(article)
        return article

    def sorted(self) -> list[Article]:
        return sorted(self.articles, key=lambda a: (a.order, a.date), reverse=True)

    def pages(self) -> list[list[Article]]:
        items = self.sorted()
        return [items[i:i + self.per_page] for i in range(0, len(items), self.per_page)] or [[]]


@dataclass
class Channel:
    """A static section page (政务公开, 新闻中心 …): blocks of columns plus loose links."""
    path: str
    name: str
    columns: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)   # (text, href); href may be absolute
    intro: str = ""


@dataclass(eq=False)
class Unit:
    """A department or township of a county's information-disclosure tree: its own home page and columns."""
    key: str                      # short id (jyj) or the platform's unit id (4307030012)
    name: str                     # as the unit list shows it (区教育局)
    agency: str                   # full name (常德市鼎城区教育局)
    kind: str                     # department | township
    home: str                     # site path of its home page (may carry a query: /zfxxgk/unit.jsp?unitid=…)
    columns: list[Column] = field(default_factory=list)   # in the order of its menu
    group: str = ""               # heading of the unit list block it sits in
    info: dict = field(default_factory=dict)               # address, phone … for its home page


@dataclass(eq=False)
class Site:
    id: str
    name: str
    region: str
    level: str
    style: str                    # template family: trs | trs-table | asp-gbk | kaipuyun | county …
    body_style: str               # default body style
    columns: dict[str, Column] = field(default_factory=dict)
    channels: list[Channel] = field(default_factory=list)
    info: dict = field(default_factory=dict)        # site facts templates print (ICP, 标识码, 主办 …)
    base_url: str = ""
    siblings: list[tuple[str, str]] = field(default_factory=list)  # (name, url) of the other portals
    units: list[Unit] = field(default_factory=list)  # departments and townships; their columns are in columns too

    def column(self, key: str) -> Column:
        return self.columns[key]

    def articles(self):
        for col in self.columns.values():
            yield from col.articles

    def report_column(self) -> Column:
        return self.columns[self.info["report_column"]]


# --- a minimal .docx writer (stdlib only) -----------------------------------------------------------

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/word/document.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="word/document.xml"/></Relationships>')


def docx_bytes(lines: list[str], centred: int = 0) -> bytes:
    """A Word document with one paragraph per line; the first ``centred`` lines centred (a title)."""
    paras = []
    for i, line in enumerate(lines):
        ppr = '<w:pPr><w:jc w:val="center"/></w:pPr>' if i < centred else '<w:pPr><w:ind w:firstLine="640"/></w:pPr>'
        paras.append(f'<w:p>{ppr}<w:r><w:rPr><w:rFonts w:eastAsia="仿宋_GB2312"/><w:sz w:val="32"/></w:rPr>'
                     f'<w:t xml:space="preserve">{escape(line, quote=False)}</w:t></w:r></w:p>')
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                + "".join(paras) + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (("[Content_Types].xml", _CT), ("_rels/.rels", _RELS), ("word/document.xml", document)):
            z.writestr(zipfile.ZipInfo(name, date_time=(2018, 1, 1, 0, 0, 0)), data)
    return out.getvalue()
