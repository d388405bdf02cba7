"""A county portal whose columns are written by JavaScript, and the plain template the anti-bot portal reuses.

临澧县 (style ``jslist``): every column page ships an empty ``<ul>`` and a script. Page 1 of a column carries
its items in a JS array (``var pageData = {docs: [[id, "YYYYMMDD", "title"], …]}``) and builds each URL
from its parts; page 2 on (``index_1.html`` …) fetches ``list_<n>.json`` by XHR when it loads. The pager
("1 2 下一页 尾页") is written by the same script. A plain HTTP client sees no report link, no pager link and
no TRS pager call: only a browser finds the reports. Article pages are plain HTML.

With ``site.info["listing"] == "static"`` the same template writes the lists and pagers as plain links (the
anti-bot portals in ``ruishu.py``, whose difficulty lies elsewhere).
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

from . import text
from .common import Resource, article_meta, body_html, epoch, esc, newest, rel, yearly_reports
from .model import Article, Channel, Column, Site

LIST_SCRIPT = """(function(){
  var data = window.pageData, ul = document.getElementById("doclist"), pager = document.getElementById("pager");
  function url(d){ return "./" + d[1].substring(0, 6) + "/c" + d[0] + ".html"; }
  function day(d){ return d[1].substring(0, 4) + "-" + d[1].substring(4, 6) + "-" + d[1].substring(6, 8); }
  function show(docs){
    for (var i = 0; i < docs.length; i++) {
      var li = document.createElement("li"), a = document.createElement("a"), s = document.createElement("span");
      a.href = url(docs[i]); a.target = "_blank"; a.title = docs[i][2]; a.textContent = docs[i][2];
      s.className = "date"; s.textContent = day(docs[i]);
      li.appendChild(a); li.appendChild(s); ul.appendChild(li);
    }
  }
  function page(i){ return i == 0 ? "index.html" : "index_" + i + ".html"; }
  function link(href, label){ var a = document.createElement("a"); a.href = href; a.textContent = label; pager.appendChild(a); }
  for (var i = 0; i < data.count; i++) {
    if (i == data.current) { var c = document.createElement("span"); c.className = "current"; c.textContent = i + 1; pager.appendChild(c); }
    else link(page(i), String(i + 1));
  }
  if (data.current < data.count - 1) { link(page(data.current + 1), "下一页"); link(page(data.count - 1), "尾页"); }
  if (data.docs) show(data.docs);
  else {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", data.source);
    xhr.onload = function(){ show(JSON.parse(xhr.responseText).docs); };
    xhr.send();
  }
})();"""


def layout(site: Site) -> None:
    """Article pages at ``<column>/YYYYMM/c<docid>.html``; a report published as a file (``meta["file"]``, an
    Attachment) at ``<column>/YYYYMM/<file name>``, linked from the list in place of a page."""
    for col in site.columns.values():
        for a in col.articles:
            name = a.meta["file"].name if "file" in a.meta else f"c{a.docid}.html"
            a.path = f"{col.dir}{a.date:%Y%m}/{name}"


def list_path(col: Column, n: int) -> str:
    return col.dir + ("index.html" if n == 0 else f"index_{n}.html")


def _page(site: Site, here: str, main: str, title: str, articles, article: Article | None = None) -> Resource:
    metas = article_meta(article)
    nav = "".join(f'<li><a href="{rel(here, path)}">{esc(name)}</a></li>' for name, path in site.info["nav"])
    html = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="SiteName" content="{esc(site.name)}">
{metas}<title>{esc(title)}</title>
<link rel="stylesheet" href="{rel(here, '/static/css/style.css')}">
</head>
<body>
<div class="header"><div class="logo">{esc(site.name)}</div>
<form class="search" action="/search/" method="get"><input name="q" placeholder="请输入关键字"><button>搜索</button></form></div>
<ul class="nav">{nav}</ul>
<div class="main">
{main}
</div>
<div class="footer">主办：{esc(site.info["sponsor"])}　版权所有　地址：{esc(site.info["address"])}<br>
{esc(site.info["icp"])}　网站标识码：{esc(site.info["site_code"])}</div>
<script>var _hmt = _hmt || []; window.siteId = "{esc(site.info["site_code"])}";</script>
</body>
</html>
"""
    return Resource(html.encode("utf-8"), "text/html; charset=utf-8", newest(articles, site.info["built"]))


def _crumb(site: Site, here: str, col: Column) -> str:
    sec = next((c for c in site.channels if col.key in c.columns), None)
    mid = f' &gt; <a href="{rel(here, sec.path)}">{esc(sec.name)}</a>' if sec else ""
    return (f'<div class="position">当前位置：<a href="{rel(here, "/")}">首页</a>{mid}'
            f' &gt; <a href="{rel(here, list_path(col, 0))}">{esc(col.name)}</a></div>')


def _doc(a: Article) -> list:
    return [a.docid, f"{a.date:%Y%m%d}", a.title]


def _listing(site: Site, col: Column, n: int, count: int, items, here: str) -> tuple[str, Resource | None]:
    """The column page's main part, and the JSON the page loads (JS pages after the first)."""
    head = f'{_crumb(site, here, col)}\n<div class="list-title"><h2>{esc(col.name)}</h2></div>\n'
    if site.info.get("listing") == "static":
        rows = "".join(f'<li><a href="{rel(here, a.path)}" target="_blank">{esc(a.title)}</a>'
                       f'<span class="date">{a.date:%Y-%m-%d}</span></li>\n' for a in items)
        pages = " ".join(f'<span class="current">{i + 1}</span>' if i == n else
                         f'<a href="{rel(here, list_path(col, i))}">{i + 1}</a>' for i in range(count))
        if n < count - 1:
            pages += f' <a href="{rel(here, list_path(col, n + 1))}">下一页</a>'
        return head + f'<ul class="list">\n{rows}</ul>\n<div class="pager">{pages}</div>', None
    data = {"count": count, "current": n}
    feed = None
    if n == 0:
        data["docs"] = [_doc(a) for a in items]
    else:
        data["source"] = f"list_{n}.json"
        body = json.dumps({"page": n, "docs": [_doc(a) for a in items]}, ensure_ascii=False).encode("utf-8")
        feed = Resource(body, "application/json; charset=utf-8", newest(items, site.info["built"]), html=False)
    script = f"<script>\nvar pageData = {json.dumps(data, ensure_ascii=False)};\n{LIST_SCRIPT}\n</script>"
    return head + f'<ul class="list" id="doclist"></ul>\n<div class="pager" id="pager"></div>\n{script}', feed


def _article(site: Site, a: Article) -> str:
    files = "".join(f'<p><a href="./{att.name}">{esc(att.filename)}</a></p>' for att in a.attachments)
    appendix = f'<div class="appendix">附件：{files}</div>' if files else ""
    return f"""{_crumb(site, a.path, a.column)}
<div class="article">
  <h1 class="article-title">{esc(a.title)}</h1>
  <div class="article-info"><span>发布时间：{a.date:%Y-%m-%d %H:%M}</span><span>来源：{esc(a.source)}</span>
  <span class="print"><a href="javascript:window.print()">打印本页</a></span></div>
  <div class="article-content" id="zoom">{body_html(site, a)}</div>
  {appendix}
</div>"""


def render(site: Site) -> dict[str, Resource]:
    layout(site)
    out: dict[str, Resource] = {}
    everything = list(site.articles())
    home_links = "".join(f'<li><a href="{rel("/", path)}">{esc(name)}</a></li>' for name, path in site.info["home_links"])
    news = site.columns[site.info["home_column"]]
    home_news = "".join(f'<li><a href="{rel("/", a.path)}">{esc(a.title)}</a></li>' for a in news.sorted()[:6])
    out["/"] = _page(site, "/", f'<div class="home-news"><h3>{esc(news.name)}</h3><ul>{home_news}</ul></div>\n'
                                f'<div class="home-quick"><h3>政务公开</h3><ul>{home_links}</ul></div>',
                     site.name, everything)
    for ch in site.channels:
        cols = "".join(f'<li><a href="{rel(ch.path, list_path(site.columns[k], 0))}">{esc(site.columns[k].name)}</a></li>'
                       for k in ch.columns)
        out[ch.path] = _page(site, ch.path, f'<div class="channel"><h2>{esc(ch.name)}</h2><ul>{cols}</ul></div>',
                             f"{ch.name}_{site.name}", [a for k in ch.columns for a in site.columns[k].articles])
    for col in site.columns.values():
        pages = col.pages()
        for n, items in enumerate(pages):
            path = list_path(col, n)
            main, feed = _listing(site, col, n, len(pages), items, path)
            out[path] = _page(site, path, main, f"{col.name}_{site.name}", items)
            if feed is not None:
                out[col.dir + f"list_{n}.json"] = feed
        for a in col.articles:
            if "file" in a.meta:
                out[a.path] = Resource(a.meta["file"].make(), a.meta["file"].mime, epoch(a.date), html=False)
                continue
            out[a.path] = _page(site, a.path, _article(site, a), f"{a.title}_{site.name}", [a], article=a)
            for att in a.attachments:
                out[a.path.rsplit("/", 1)[0] + "/" + att.name] = Resource(att.make(), att.mime, epoch(a.date), html=False)
    return out


# --- 临澧县人民政府: report column written by JavaScript --------------------------------------------------

def _reports(rnd: random.Random, agency: str, place: str, source: str, years) -> list[Article]:
    return yearly_reports(rnd, agency, place, source, years, published=datetime(2000, 3, 26, 10, 0), spread=(-6, 3),
                          title="{agency}{year}年度政府信息公开工作年度报告")


def linli() -> Site:
    rnd = random.Random("linli")
    place, agency, src = "临澧县", "临澧县人民政府", "县政府办"
    reports = Column("ndbg", "政府信息公开年报", "/zwgk/ndbg/", per_page=6, section="政务公开", articles=[
        *_reports(rnd, agency, place, src, range(2013, 2022)),
        Article("关于做好2020年度政府信息公开工作年度报告编制发布工作的通知", datetime(2021, 1, 8, 9, 30),
                text.notice_lines(2020, "临澧县政务公开领导小组办公室", "各乡镇人民政府，县直各单位", "2021年1月25日"),
                "decoy", "县政务公开办"),
        Article("临澧县人民政府办公室政府信息公开指南", datetime(2020, 6, 1, 9, 0),
                text.guide_lines("临澧县人民政府办公室", "县政务公开办", "临澧县安福镇朝阳路1号", "0736-5821001"),
                "decoy", src),
    ])
    guide = Column("gkzn", "政府信息公开指南", "/zwgk/gkzn/", section="政务公开", articles=[
        Article("临澧县政府信息公开指南（2021年修订）", datetime(2021, 2, 1, 9, 0),
                text.guide_lines(agency, "县政务公开办", "临澧县安福镇朝阳路1号", "0736-5821001"), "decoy", src)])
    rules = Column("gkzd", "政府信息公开制度", "/zwgk/gkzd/", section="政务公开", articles=[
        Article("临澧县政府信息公开保密审查制度", datetime(2019, 5, 6, 9, 0), text.news_lines(rnd, place, "县"), "page", src)])
    news = Column("llyw", "临澧要闻", "/xwzx/llyw/", per_page=8, articles=[
        Article(title, datetime(2021, 4, 20, 9, 0) - timedelta(days=6 * i), text.news_lines(rnd, place, "县"), "news", "临澧县融媒体中心")
        for i, title in enumerate(["县政府召开第五次常务会议", "临澧县召开2021年政务公开工作会议", "全县春耕生产现场推进会召开",
                                   "县领导调研重点项目建设", "临澧县开展安全生产大检查"])])
    site = Site("linli", "临澧县人民政府", "湖南省常德市临澧县", "county", "jslist", "trs",
                {c.key: c for c in (reports, guide, rules, news)})
    site.channels = [Channel("/zwgk/index.html", "政务公开", ["gkzn", "gkzd", "ndbg"]),
                     Channel("/xwzx/index.html", "新闻中心", ["llyw"])]
    site.info = {
        "report_column": "ndbg", "built": datetime(2021, 4, 21, 18, 0), "listing": "js", "home_column": "llyw",
        "sponsor": "临澧县人民政府办公室", "address": "临澧县安福镇朝阳路1号", "icp": "湘ICP备05003172号",
        "site_code": "4307240001",
        "nav": [("首页", "/"), ("政务公开", "/zwgk/index.html"), ("新闻中心", "/xwzx/index.html")],
        "home_links": [("政务公开", "/zwgk/index.html"), ("政府信息公开年报", "/zwgk/ndbg/index.html")],
    }
    return site
