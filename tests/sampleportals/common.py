"""Small helpers shared by the templates."""

from __future__ import annotations

import posixpath
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from html import escape

from . import text
from .body import render_body
from .model import Article, Site

CST = timezone(timedelta(hours=8))


@dataclass
class Resource:
    """One servable file: the bytes as sent (before gzip/chunking) and its default Last-Modified."""
    body: bytes
    ctype: str
    mtime: float
    html: bool = True
    alias: bool = False       # another URL of a page listed under its own URL (not counted as a page)


def esc(text: str) -> str:
    return escape(text, quote=True)


def epoch(when: datetime) -> float:
    return when.replace(tzinfo=CST).timestamp()


def rel(src: str, dst: str) -> str:
    """Relative link from page ``src`` to ``dst`` (both site paths), as TRS writes them: ``./``, ``../``."""
    src_dir = src.rsplit("/", 1)[0] or "/"
    dst_dir, name = dst.rsplit("/", 1)
    r = posixpath.relpath(dst_dir or "/", src_dir)
    if r == ".":
        return "./" + name
    return (r if r.startswith("..") else "./" + r) + "/" + name


def body_html(site: Site, article: Article) -> str:
    return render_body(article.lines, article.style or site.body_style, align=article.align,
                       lead_blank=article.lead_blank, table_spans=article.table_spans,
                       bookmark_at=article.bookmark_at)


def article_meta(article: Article | None, column: bool = False) -> str:
    """The <meta> tags TRS-family CMSs put in an article's head (ArticleTitle, PubDate, ContentSource)."""
    if article is None:
        return ""
    tags = [("ColumnName", article.column.name)] if column else []
    tags += [("ArticleTitle", article.title), ("PubDate", f"{article.date:%Y-%m-%d %H:%M}"),
             ("ContentSource", article.source)]
    return "".join(f'<meta name="{name}" content="{esc(value)}">\n' for name, value in tags)


def yearly_reports(rnd: random.Random, agency: str, place: str, source: str, years, *,
                   published: datetime, spread: tuple[int, int], docids: int | None = None,
                   title: str = "{agency}{year}年政府信息公开工作年度报告") -> list[Article]:
    """One annual report per year, published the next year: ``published`` (its year is replaced), moved by a
    random number of days in ``spread`` and minutes; docid ``docids + year`` when given."""
    out = []
    for year in years:
        when = published.replace(year=year + 1) + timedelta(days=rnd.randint(*spread), minutes=rnd.randint(0, 300))
        out.append(Article(title.format(agency=agency, year=year), when,
                           text.annual_report_lines(agency, year, rnd, place), "report", source,
                           docid=str(docids + year) if docids else ""))
    return out


def newest(articles, default: datetime) -> float:
    dates = [a.date for a in articles]
    return epoch(max(dates)) if dates else epoch(default)


def outside_links(site: Site) -> list[tuple[str, str]]:
    """Links to other hosts every portal carries: the central portal, an unreachable host, siblings."""
    return [("中国政府网", "http://www.gov.cn/"), *site.info.get("external", []),
            *site.siblings]
