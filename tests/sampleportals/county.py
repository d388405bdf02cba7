"""A county portal with an information-disclosure tree: 常德市鼎城区人民政府 (style ``county``).

Most annual reports of a county are not the government's own: every department and township publishes
its own, in its own column of the disclosure platform. This portal is built the way the county portals of
the provincial 集约化 platforms are (root-relative links, ``content_<id>.html`` articles, a disclosure
platform with a left menu), with content of our own:

- ``/`` home: main nav (首页, 走进鼎城, 政务公开 → the platform, 新闻中心, 互动交流, 政务服务), 鼎城要闻 /
  通知公告 / 部门动态 blocks, 政务公开 quick links, a footer with 主办/承办, 版权所有, ICP, 公安备案, 网站标识码
  and the 网站地图 / 联系我们 links;
- ``/zfxxgk/index.html`` the disclosure platform: a left menu of the government's columns (政府信息公开指南,
  政府信息公开制度, 法定主动公开内容, 政府信息公开年报, 通知公告) and two unit lists, 部门信息公开
  (``/zfxxgk/bmxxgk/index.html``) and 乡镇（街道）信息公开 (``/zfxxgk/xzxxgk/index.html``): blocks of links
  whose texts are agency names;
- unit homes ``/zfxxgk/bmxxgk/<unit>/index.html`` / ``/zfxxgk/xzxxgk/<unit>/index.html``: the unit's facts,
  its catalogue (its columns with their item counts) and a left menu of its columns (机构职能, 政策文件, 财政预决算, 政府信息公开指南, 通知公告
  or 工作动态, and the report column under the unit's own name for it); one unit lives on a platform page
  addressed by query string: ``/zfxxgk/unit.jsp?unitid=4307030012`` (columns ``…&catid=10N``, list pages
  ``…&page=2``, articles ``/zfxxgk/detail.jsp?id=<docid>``);
- columns ``<dir>index.html``, later pages ``index_2.html`` … behind a 首页/上一页/page numbers/下一页/尾页
  pager of links, except the columns in ``site.info["script_pagers"]``: TRS ``createPageHTML(N, cur,
  "index", "html")`` only, pages ``index_1.html`` …, no static pager link;
- articles ``<dir>content_<docid>.html`` with a 索引号/发布机构/公开目录/发布日期 table and the TRS meta tags;
  they link to no other article;
- ``/robots.txt`` names ``/sitemap.xml``, a sitemap index of two urlsets: the platform's and the main
  site's channels, columns and articles (not the units' trees). One report of the government (2018, at an
  old-CMS URL under its report column's directory, ``meta["sitemap_only"]``) is in the sitemap and linked
  from no page.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import text
from .common import Resource, article_meta, body_html, epoch, esc, newest, outside_links, yearly_reports
from .model import Article, Channel, Column, Site, Unit
from .portals import _news
from .trs import CREATE_PAGE_HTML

PLATFORM = "/zfxxgk/index.html"
UNIT_LISTS = {"department": ("部门信息公开", "/zfxxgk/bmxxgk/"), "township": ("乡镇（街道）信息公开", "/zfxxgk/xzxxgk/")}
QUERY_UNIT = "/zfxxgk/unit.jsp?unitid="
QUERY_ARTICLE = "/zfxxgk/detail.jsp?id="
ON = ' class="on"'


# --- URLs ---------------------------------------------------------------------------------------------

def list_path(site: Site, col: Column, n: int) -> str:
    """Page ``n`` (from 0) of a column: ``&page=N`` on query pages, TRS numbering behind script pagers."""
    if "?" in col.dir:
        return col.dir + (f"&page={n + 1}" if n else "")
    if n == 0:
        return col.dir + "index.html"
    return col.dir + (f"index_{n}.html" if col.key in site.info["script_pagers"] else f"index_{n + 1}.html")


def unit_list_path(kind: str) -> str:
    return UNIT_LISTS[kind][1] + "index.html"


def layout(site: Site) -> None:
    for col in site.columns.values():
        for a in col.articles:
            a.path = a.meta.get("legacy_path") or (
                f"{QUERY_ARTICLE}{a.docid}" if "?" in col.dir else f"{col.dir}content_{a.docid}.html")


def listed(col: Column) -> list[Article]:
    """What the column's pages list: everything but the pages a migration left unlinked."""
    return [a for a in col.sorted() if not a.meta.get("sitemap_only")]


def pages(col: Column) -> list[list[Article]]:
    items = listed(col)
    return [items[i:i + col.per_page] for i in range(0, len(items), col.per_page)] or [[]]


# --- rendering ----------------------------------------------------------------------------------------

def render(site: Site) -> dict[str, Resource]:
    layout(site)
    owner = {col: unit for unit in site.units for col in unit.columns}
    out: dict[str, Resource] = {}

    def put(path: str, res: Resource) -> None:
        assert path not in out, f"two resources at {path}"
        out[path] = res

    put("/", _page(site, _home(site), site.name, site.articles()))
    for ch in site.channels:
        put(ch.path, _page(site, _channel(site, ch), f"{ch.name}_{site.name}",
                           [a for k in ch.columns for a in site.columns[k].articles]))
    put("/wzdt/index.html", _page(site, _site_map(site), f"网站地图_{site.name}", []))
    put(PLATFORM, _page(site, _platform_frame(site, PLATFORM, _platform_home(site)), f"政府信息公开_{site.name}",
                        [a for k in site.info["platform_columns"] for a in site.columns[k].articles]))
    for kind, (name, _) in UNIT_LISTS.items():
        units = [u for u in site.units if u.kind == kind]
        put(unit_list_path(kind), _page(site, _platform_frame(site, unit_list_path(kind), _unit_list(site, kind, units)),
                                        f"{name}_{site.name}", []))
    for unit in site.units:
        put(unit.home, _page(site, _sided(_unit_trail(unit), unit.name, _unit_side(site, unit, ""), _unit_home(site, unit)),
                             f"{unit.agency}_{site.name}",
                             [a for col in unit.columns for a in col.articles]))
    for col in site.columns.values():
        unit = owner.get(col)
        chunks = pages(col)
        for n, items in enumerate(chunks):
            path = list_path(site, col, n)
            main = _frame(site, col, unit, _listing(site, col, n, len(chunks), items), in_article=False)
            put(path, _page(site, main, f"{col.name}_{site.name}", items))
        for a in col.articles:
            main = _frame(site, col, unit, _article(site, a, unit), in_article=True)
            put(a.path, _page(site, main, f"{a.title}_{site.name}", [a], article=a))
    out.update(_sitemaps(site))
    return out


def _page(site: Site, main: str, title: str, articles, article: Article | None = None) -> Resource:
    info = site.info
    nav = "".join(f'<li><a href="{esc(href)}">{esc(name)}</a></li>' for name, href in info["nav"])
    friends = "".join(f'<option value="{esc(url)}">{esc(name)}</option>' for name, url in outside_links(site))
    metas = "".join(f'<meta name="{name}" content="{esc(value)}">\n' for name, value in (
        ("renderer", "webkit"), ("SiteName", site.name), ("SiteDomain", info["domain"]), ("SiteIDCode", info["site_code"])))
    html = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="UTF-8">
{metas}{article_meta(article, column=True)}<title>{esc(title)}</title>
<link rel="shortcut icon" href="/favicon.ico" type="image/x-icon"><link rel="stylesheet" type="text/css" href="/static/css/base.css"><link rel="stylesheet" type="text/css" href="/static/css/xxgk.css">
<!--[if lt IE 9]><script src="/static/js/html5shiv.min.js"></script><![endif]-->
</head>
<body>
<div class="top-bar"><div class="wrap">
  <span class="today">今天是：<span id="today"></span></span>
  <span class="top-links"><a href="javascript:void(0)" onclick="SetHome(this)">设为首页</a>
  <a href="javascript:void(0)" onclick="AddFavorite()">加入收藏</a>
  <a href="javascript:void(0)" id="wza">无障碍</a><a href="javascript:void(0)" id="zzb">长者版</a></span>
</div></div>
<div class="header"><div class="wrap">
  <a class="logo" href="/"><img src="/static/images/logo.png" alt="{esc(site.name)}"></a>
  <form class="search-box" action="/search/" method="get" target="_blank">
    <input type="text" name="q" placeholder="请输入搜索内容"><input type="hidden" name="siteCode" value="{esc(info["site_code"])}">
    <button type="submit">搜索</button>
  </form>
</div></div>
<div class="nav"><ul class="wrap">{nav}</ul></div>
<div class="wrap main">
{main}
</div>
<div class="footer">
  <div class="wrap friends">友情链接：<select onchange="if(this.value)window.open(this.value)"><option value="">—— 政府网站 ——</option>{friends}</select></div>
  <div class="wrap footer-links"><a href="/wzdt/index.html">网站地图</a> | <a href="/lxwm/index.html">联系我们</a></div>
  <div class="wrap footer-info">
    <p>主办：{esc(info["sponsor"])}　承办：{esc(info["operator"])}　版权所有：{esc(site.name)}</p>
    <p>网站标识码：{esc(info["site_code"])}　<a href="https://beian.miit.gov.cn/" target="_blank">{esc(info["icp"])}</a>　
    <a href="http://www.beian.gov.cn/portal/registerSystemInfo" target="_blank">{esc(info["police"])}</a></p>
    <p>地址：{esc(info["address"])}　联系电话：{esc(info["phone"])}</p>
  </div>
</div>
<script src="/static/js/jquery-1.12.4.min.js"></script><script src="/static/js/common.js"></script>
</body>
</html>
"""
    return Resource(html.encode("utf-8"), "text/html; charset=utf-8", newest(list(articles), site.info["built"]))


def _items(items, date: str = "%Y-%m-%d") -> str:
    return "".join(f'<li><a href="{esc(a.path)}" target="_blank" title="{esc(a.title)}">{esc(a.title)}</a>'
                   f'<span class="date">{a.date:{date}}</span></li>\n' for a in items)


def _block(site: Site, col: Column, limit: int, cls: str = "block") -> str:
    return (f'<div class="{cls}"><div class="block-tit"><h3>{esc(col.name)}</h3>'
            f'<a class="more" href="{esc(list_path(site, col, 0))}">更多&gt;</a></div>'
            f'<ul class="news-list">{_items(listed(col)[:limit], "%m-%d")}</ul></div>')


def _crumb(trail: list[tuple[str, str]], last: str = "") -> str:
    links = "".join(f' &gt; <a href="{esc(path)}">{esc(name)}</a>' for name, path in trail)
    tail = f" &gt; <span>{esc(last)}</span>" if last else ""
    return f'<div class="crumb">您当前的位置：<a href="/">首页</a>{links}{tail}</div>'


def _side(title: str, entries: list[tuple[str, str]], current: str, extra: str = "") -> str:
    items = "".join(f'<li{ON if path == current else ""}><a href="{esc(path)}">{esc(name)}</a></li>' for name, path in entries)
    return f'<div class="side"><div class="side-tit">{esc(title)}</div><ul class="side-menu">{items}</ul>{extra}</div>'


def _sided(trail: list[tuple[str, str]], last: str, side: str, main: str) -> str:
    return f'{_crumb(trail, last)}\n<div class="xxgk">{side}<div class="xxgk-main">{main}</div></div>'


def _home(site: Site) -> str:
    info = site.info
    quick = "".join(f'<li><a href="{esc(path)}">{esc(name)}</a></li>' for name, path in info["home_links"])
    blocks = "".join(_block(site, site.columns[k], 6 if i == 0 else 5) for i, k in enumerate(info["home_columns"]))
    return (f'<div class="home-focus"><img src="/static/images/banner.jpg" alt="{esc(site.name)}"></div>\n'
            f'<div class="home-news">{blocks}</div>\n'
            f'<div class="home-zwgk"><div class="block-tit"><h3>政务公开</h3></div><ul class="zwgk-links">{quick}</ul></div>')


def _channel(site: Site, ch: Channel) -> str:
    side = _channel_side(site, ch, "") if ch.columns else ""
    blocks = "".join(_block(site, site.columns[k], 5, "column-block") for k in ch.columns)
    links = "".join(f'<li><a href="{esc(href)}" target="_blank">{esc(name)}</a></li>' for name, href in ch.links)
    intro = f'<div class="channel-intro"><p>{esc(ch.intro)}</p></div>' if ch.intro else ""
    return _sided([], ch.name, side, f'<h2>{esc(ch.name)}</h2>{intro}{blocks}<ul class="channel-links">{links}</ul>')


def _channel_side(site: Site, ch: Channel, here: str) -> str:
    return _side(ch.name, [(site.columns[k].name, list_path(site, site.columns[k], 0)) for k in ch.columns], here)


def _site_map(site: Site) -> str:
    sections = [(ch.name, ch.path, [(site.columns[k].name, list_path(site, site.columns[k], 0)) for k in ch.columns])
                for ch in site.channels if ch.columns]
    sections.insert(1, ("政府信息公开", PLATFORM, site.info["platform_menu"]))
    dls = "".join(f'<dl><dt><a href="{esc(path)}">{esc(name)}</a></dt>'
                  + "".join(f'<dd><a href="{esc(p)}">{esc(n)}</a></dd>' for n, p in entries) + "</dl>"
                  for name, path, entries in sections)
    return f'{_crumb([], "网站地图")}\n<div class="site-map"><h2>网站地图</h2>{dls}</div>'


def _platform_side(site: Site, here: str) -> str:
    return _side("政府信息公开", site.info["platform_menu"], here)


def _platform_frame(site: Site, here: str, main: str) -> str:
    name = next((n for n, p in site.info["platform_menu"] if p == here), "")
    trail = [("政府信息公开", PLATFORM)] if name else []
    return _sided(trail, name or "政府信息公开", _platform_side(site, here), main)


def _platform_home(site: Site) -> str:
    blocks = "".join(_block(site, site.columns[k], 5, "xxgk-block") for k in site.info["platform_home_columns"])
    return (f'<div class="xxgk-intro"><h2>政府信息公开</h2><p>依据《中华人民共和国政府信息公开条例》，{esc(site.name)}'
            f'及其工作部门、乡镇人民政府（街道办事处）在本平台主动公开政府信息。</p></div>{blocks}')


def _unit_list(site: Site, kind: str, units: list[Unit]) -> str:
    groups: dict[str, list[Unit]] = {}
    for unit in units:
        groups.setdefault(unit.group, []).append(unit)
    blocks = "".join(f'<div class="unit-group"><h4>{esc(group)}</h4><ul class="unit-names">'
                     + "".join(f'<li><a href="{esc(u.home)}" title="{esc(u.agency)}">{esc(u.name)}</a></li>' for u in members)
                     + "</ul></div>" for group, members in groups.items())
    return f'<div class="list-tit"><h2>{esc(UNIT_LISTS[kind][0])}</h2></div><div class="unit-list">{blocks}</div>'


def _unit_trail(unit: Unit) -> list[tuple[str, str]]:
    return [("政府信息公开", PLATFORM), (UNIT_LISTS[unit.kind][0], unit_list_path(unit.kind))]


def _unit_side(site: Site, unit: Unit, here: str) -> str:
    menu = [(col.name, list_path(site, col, 0)) for col in unit.columns]
    back = f'<div class="side-back"><a href="{esc(unit_list_path(unit.kind))}">返回{esc(UNIT_LISTS[unit.kind][0])}</a></div>'
    return _side(unit.agency, menu, here, back)


def _unit_home(site: Site, unit: Unit) -> str:
    """The unit's facts and its catalogue: each column with how many items it holds (no article links)."""
    facts = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in (
        ("机构名称", unit.agency), ("办公地址", unit.info["address"]), ("联系电话", unit.info["phone"]),
        ("办公时间", "工作日 上午8:00-12:00 下午14:30-17:30")))
    catalogue = "".join(f'<li><a href="{esc(list_path(site, col, 0))}">{esc(col.name)}</a><span class="count">（{len(listed(col))}条）</span></li>'
                        for col in unit.columns)
    return (f'<div class="unit-info"><h2>{esc(unit.agency)}</h2><table class="unit-facts">{facts}</table></div>'
            f'<div class="xxgk-catalog"><div class="block-tit"><h3>信息公开目录</h3></div><ul>{catalogue}</ul></div>')


def _frame(site: Site, col: Column, unit: Unit | None, main: str, in_article: bool) -> str:
    """The page around a column's list or article: crumbs, and the unit's menu, the platform's or the channel's."""
    here = list_path(site, col, 0)
    leaf = [(col.name, here)] if in_article else []
    last = "正文" if in_article else col.name
    if unit is not None:
        return _sided(_unit_trail(unit) + [(unit.name, unit.home)] + leaf, last, _unit_side(site, unit, here), main)
    if col.key in site.info["platform_columns"]:
        return _sided([("政府信息公开", PLATFORM)] + leaf, last, _platform_side(site, here), main)
    ch = next(c for c in site.channels if col.key in c.columns)
    return _sided([(ch.name, ch.path)] + leaf, last, _channel_side(site, ch, here), main)


def _listing(site: Site, col: Column, n: int, count: int, items) -> str:
    if col.key in site.info["script_pagers"]:
        pager = f'<script type="text/javascript">\n{CREATE_PAGE_HTML}\ncreatePageHTML({count}, {n}, "index", "html");\n</script>'
    else:
        pager = _pager(site, col, n, count, len(listed(col)))
    return (f'<div class="list-tit"><h2>{esc(col.name)}</h2></div>\n<ul class="xxgk-list">\n{_items(items)}</ul>\n'
            f'<div class="pagination">{pager}</div>')


def _pager(site: Site, col: Column, n: int, count: int, total: int) -> str:
    def link(i: int, label: str) -> str:
        return f'<a href="{esc(list_path(site, col, i))}">{label}</a>'

    def off(label: str) -> str:
        return f'<span class="disabled">{label}</span>'

    numbers = [f'<span class="current">{i + 1}</span>' if i == n else link(i, str(i + 1)) for i in range(count)]
    parts = [f'<span class="total">共{total}条　第{n + 1}/{count}页</span>',
             link(0, "首页") if n else off("首页"), link(n - 1, "上一页") if n else off("上一页"), *numbers,
             link(n + 1, "下一页") if n < count - 1 else off("下一页"),
             link(count - 1, "尾页") if n < count - 1 else off("尾页")]
    return " ".join(parts)


def _article(site: Site, a: Article, unit: Unit | None) -> str:
    code = unit.info["code"] if unit else site.info["site_code"]
    rows = (("索引号", f"{code}/{a.date:%Y}-{int(a.docid) % 100000:05d}"), ("发布机构", a.source),
            ("公开目录", a.column.name), ("发布日期", f"{a.date:%Y-%m-%d}"))
    cells = "".join(f"<th>{esc(k)}：</th><td>{esc(v)}</td>" + ("</tr><tr>" if i == 1 else "") for i, (k, v) in enumerate(rows))
    return f"""<table class="xxgk-info"><tr>{cells}</tr><tr><th>名　　称：</th><td colspan="3">{esc(a.title)}</td></tr></table>
<div class="article">
  <h1 class="article-tit">{esc(a.title)}</h1>
  <div class="article-attr">发布时间：{a.date:%Y-%m-%d %H:%M}　来源：{esc(a.source)}　浏览次数：<span id="hits">{37 + int(a.docid) % 900}</span>
    　【字体：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>】</div>
  <div class="article-con" id="zoom">{body_html(site, a)}</div>
  <div class="article-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div>"""


def _urlset(site: Site, entries: list[tuple[str, datetime]]) -> bytes:
    urls = "".join(f"<url><loc>{esc(site.base_url + path)}</loc><lastmod>{when:%Y-%m-%d}</lastmod></url>\n"
                   for path, when in entries)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}</urlset>\n").encode("utf-8")


def _column_entries(site: Site, keys) -> list[tuple[str, datetime]]:
    out = []
    for k in keys:
        col = site.columns[k]
        latest = max((a.date for a in col.articles), default=site.info["built"])
        out += [(list_path(site, col, 0), latest)] + [(a.path, a.date) for a in col.sorted()]
    return out


def _sitemaps(site: Site) -> dict[str, Resource]:
    """robots.txt naming a sitemap index of two urlsets: the platform's pages, and the main site's."""
    built = site.info["built"]
    platform = [(PLATFORM, built)] + [(unit_list_path(kind), built) for kind in UNIT_LISTS]
    platform += _column_entries(site, site.info["platform_columns"])
    main = [("/", built)] + [(ch.path, built) for ch in site.channels]
    main += _column_entries(site, [k for ch in site.channels for k in ch.columns])
    sets = {"/sitemap/zfxxgk.xml": platform, "/sitemap/main.xml": main}
    index = "".join(f"<sitemap><loc>{esc(site.base_url + path)}</loc><lastmod>{max(w for _, w in entries):%Y-%m-%d}</lastmod></sitemap>\n"
                    for path, entries in sets.items())
    out = {path: Resource(_urlset(site, entries), "application/xml", epoch(max(w for _, w in entries)), html=False)
           for path, entries in sets.items()}
    out["/sitemap.xml"] = Resource(
        (f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
         f"{index}</sitemapindex>\n").encode("utf-8"), "application/xml", epoch(built), html=False)
    robots = f"User-agent: *\nDisallow: /search/\nDisallow: /admin/\n\nSitemap: {site.base_url}/sitemap.xml\n"
    out["/robots.txt"] = Resource(robots.encode("utf-8"), "text/plain", epoch(built), html=False)
    return out


# --- 常德市鼎城区人民政府 ------------------------------------------------------------------------------

TITLES = ["{agency}{year}年政府信息公开工作年度报告", "{agency}{year}年度政府信息公开工作年度报告",
          "{agency}{year}年度政府信息公开工作报告", "{agency}关于{year}年度政府信息公开工作情况的报告"]


@dataclass(frozen=True)
class _Spec:
    """One unit of the tree: how the unit list names it, its report column and how its reports are titled."""
    key: str
    name: str                 # in the unit list
    agency: str               # full name (facts, 来源, guides, budgets)
    report: tuple[str, str]   # report column: directory, name
    years: tuple[int, int]    # first and last year reported on
    title_agency: str         # the name its report titles use
    title: int = 0            # which of TITLES
    news: str = "通知公告"    # its news column: 通知公告 or 工作动态
    group: str = ""


DEPARTMENTS = [
    _Spec("fgj", "常德市鼎城区发展和改革局", "常德市鼎城区发展和改革局", ("zfxxgknb", "政府信息公开年报"), (2019, 2023),
          "常德市鼎城区发展和改革局"),
    _Spec("jyj", "区教育局", "常德市鼎城区教育局", ("ndbg", "年度报告"), (2019, 2023), "常德市鼎城区教育局", 1),
    _Spec("czj", "常德市鼎城区财政局", "常德市鼎城区财政局", ("xxgknb", "信息公开年报"), (2019, 2023), "常德市鼎城区财政局"),
    _Spec("rsj", "区人力资源和社会保障局", "常德市鼎城区人力资源和社会保障局", ("gznb", "工作年报"), (2021, 2023),
          "鼎城区人力资源和社会保障局", 0, "工作动态"),
    _Spec("zrzyj", "常德市鼎城区自然资源局", "常德市鼎城区自然资源局", ("zwgknb", "政务公开年报"), (2020, 2023),
          "常德市鼎城区自然资源局", 1),
    _Spec("zjj", "区住房和城乡建设局", "常德市鼎城区住房和城乡建设局", ("gzndbg", "政府信息公开工作年度报告"), (2022, 2023),
          "常德市鼎城区住房和城乡建设局", 2),
    _Spec("jtj", "常德市鼎城区交通运输局", "常德市鼎城区交通运输局", ("zfxxgknb", "政府信息公开年报"), (2023, 2023),
          "常德市鼎城区交通运输局", 0, "工作动态"),
    _Spec("nyj", "区农业农村局", "常德市鼎城区农业农村局", ("ndbg", "年度报告"), (2019, 2023), "鼎城区农业农村局"),
    _Spec("wjj", "常德市鼎城区卫生健康局", "常德市鼎城区卫生健康局", ("xxgknb", "信息公开年报"), (2021, 2023),
          "常德市鼎城区卫生健康局", 1),
    _Spec("scjgj", "区市场监督管理局", "常德市鼎城区市场监督管理局", ("gznb", "工作年报"), (2020, 2023),
          "鼎城区市场监督管理局", 0, "工作动态"),
    _Spec("sfj", "常德市鼎城区司法局", "常德市鼎城区司法局", ("gzndbg", "政府信息公开工作年度报告"), (2022, 2023),
          "常德市鼎城区司法局", 3),
    _Spec("yjj", "区应急管理局", "常德市鼎城区应急管理局", ("zwgknb", "政务公开年报"), (2019, 2023), "常德市鼎城区应急管理局"),
    _Spec("mzj", "区民政局", "常德市鼎城区民政局", ("zfxxgknb", "政府信息公开年报"), (2021, 2023), "常德市鼎城区民政局", 1),
    _Spec("sthjfj", "常德市生态环境局鼎城分局", "常德市生态环境局鼎城分局", ("ndbg", "年度报告"), (2020, 2023),
          "常德市生态环境局鼎城分局", 0, "工作动态", "垂直管理及其他单位"),
]
TOWNSHIPS = [
    _Spec("cpz", "草坪镇", "常德市鼎城区草坪镇人民政府", ("ndbg", "年度报告"), (2019, 2023), "草坪镇", 1, "工作动态"),
    _Spec("zjdz", "周家店镇", "常德市鼎城区周家店镇人民政府", ("zfxxgknb", "政府信息公开年报"), (2021, 2023),
          "鼎城区周家店镇人民政府", 0, "工作动态"),
    _Spec("cjgz", "蔡家岗镇", "常德市鼎城区蔡家岗镇人民政府", ("gznb", "工作年报"), (2022, 2023), "蔡家岗镇人民政府", 2),
    _Spec("gxz", "灌溪镇", "常德市鼎城区灌溪镇人民政府", ("xxgknb", "信息公开年报"), (2023, 2023), "常德市鼎城区灌溪镇",
          0, "工作动态"),
    _Spec("yxjd", "玉霞街道", "常德市鼎城区玉霞街道办事处", ("zwgknb", "政务公开年报"), (2020, 2023), "玉霞街道办事处"),
    _Spec("gjpjd", "郭家铺街道", "常德市鼎城区郭家铺街道办事处", ("gzndbg", "政府信息公开工作年度报告"), (2021, 2023),
          "鼎城区郭家铺街道办事处", 1, "工作动态"),
]
QUERY_UNIT_ID = "4307030012"      # 区应急管理局: the unit on a platform page addressed by query string
TWO_PAGES_WITH_LINKS = "jyj"       # its report column: two pages linked by 下一页 and page numbers, and a 解读
SCRIPT_PAGER = "czj"               # its report column: two pages behind createPageHTML only
NEWS_TITLES = {
    "通知公告": ["关于{short}2024年清明节期间值班安排的通知", "{short}2024年公开招聘编外工作人员公告",
                "关于公开征求{short}2024年重点工作意见建议的公告", "{short}关于开展2024年度干部作风建设专项检查的通知"],
    "工作动态": ["{short}召开2024年工作部署会", "{short}开展学雷锋志愿服务活动", "{short}组织开展安全生产大检查",
                "{short}举办业务能力提升培训班", "{short}开展政策宣传进村入户活动"],
}


def _short(spec: _Spec) -> str:
    return spec.name.replace("常德市鼎城区", "区")


def _unit(rnd: random.Random, spec: _Spec, kind: str, code: str) -> Unit:
    """A unit's columns: 机构职能, 政策文件, 财政预决算, 政府信息公开指南, its news and its report column."""
    agency, short = spec.agency, _short(spec)
    home = f"{QUERY_UNIT}{code}" if code == QUERY_UNIT_ID else f"{UNIT_LISTS[kind][1]}{spec.key}/index.html"
    address = f"常德市鼎城区{rnd.choice(['武陵大道', '德山路', '鼎城路', '桥南大道', '善卷路'])}{rnd.randint(1, 400)}号"
    unit = Unit(spec.key, spec.name, agency, kind, home, group=spec.group or ("区政府工作部门" if kind == "department" else
                                                                             "乡镇" if spec.name.endswith("镇") else "街道"),
                info={"address": address, "phone": f"0736-7{rnd.randint(200000, 899999)}", "code": code})

    def column(i: int, dir_key: str, name: str, articles: list[Article], per_page: int = 15) -> Column:
        where = f"{home}&catid={101 + i}" if "?" in home else f"{UNIT_LISTS[kind][1]}{spec.key}/{dir_key}/"
        for a in articles:
            a.source, a.style = agency, style
        return Column(f"{spec.key}-{dir_key}", name, where, articles, per_page=per_page, section=spec.name)

    def when(year: int, month: int) -> datetime:
        return datetime(year, month, rnd.randint(1, 28), rnd.randint(8, 17), rnd.randint(0, 59))

    style = "old" if kind == "township" else "word" if spec.title % 2 else "trs"  # each unit's own editor
    place = "我分局" if agency.endswith("分局") else "我局" if kind == "department" else "我镇" if agency.endswith("人民政府") else "我街道"
    reports = yearly_reports(rnd, spec.title_agency, place, agency, range(spec.years[0], spec.years[1] + 1),
                             published=datetime(2000, 1, 8, 9, 0), spread=(0, 22), title=TITLES[spec.title])
    per_page = {TWO_PAGES_WITH_LINKS: 4, SCRIPT_PAGER: 3}.get(spec.key, 3 if code == QUERY_UNIT_ID else 15)
    if spec.key == TWO_PAGES_WITH_LINKS:
        newest_report = reports[-1]
        reports.append(Article(f"《{newest_report.title}》解读", newest_report.date + timedelta(hours=2),
                               text.interpretation_lines(agency, spec.years[1]), "decoy"))
    news = [Article(title.format(short=short), when(2024, 4 - i), text.news_lines(rnd, short, "区"), "news")
            for i, title in enumerate(rnd.sample(NEWS_TITLES[spec.news], 3))]
    unit.columns = [
        column(0, "jgzn", "机构职能", [Article(f"{agency}主要职责和内设机构", when(2021, 3),
                                               text.org_lines(address, "415101", unit.info["phone"]), "page")]),
        column(1, "zcwj", "政策文件", [
            Article(f"{agency}关于印发《2024年工作要点》的通知", when(2024, 2), text.news_lines(rnd, short, "区"), "page"),
            Article(f"{agency}关于进一步加强安全生产工作的通知", when(2023, 6), text.news_lines(rnd, short, "区"), "page")]),
        column(2, "czyjs", "财政预决算", [
            Article(f"{agency}2024年部门预算", when(2024, 2), text.budget_lines(agency, 2024, rnd), "decoy"),
            Article(f"{agency}2022年部门决算", when(2023, 9), text.budget_lines(agency, 2022, rnd), "decoy")]),
        column(3, "xxgkzn", "政府信息公开指南", [
            Article(f"{agency}政府信息公开指南", when(2021, 5),
                    text.guide_lines(agency, "办公室", address, unit.info["phone"]), "decoy")]),
        column(4, "tzgg" if spec.news == "通知公告" else "gzdt", spec.news, news),
        column(5, *spec.report, reports, per_page),
    ]
    if spec.title % 2:  # some units keep the report column above their news
        unit.columns[4], unit.columns[5] = unit.columns[5], unit.columns[4]
    return unit


def dingcheng() -> Site:
    rnd = random.Random("dingcheng")
    place, agency, src = "鼎城区", "常德市鼎城区人民政府", "区政府办"
    reports = yearly_reports(rnd, agency, place, src, range(2019, 2024), published=datetime(2000, 3, 18, 10, 0),
                             spread=(0, 12))
    orphan = yearly_reports(rnd, agency, place, src, [2018], published=datetime(2000, 3, 29, 16, 20), spread=(0, 0))[0]
    orphan.meta.update(sitemap_only=True, legacy_path=f"/zfxxgk/zfxxgknb/201903/t20190329_{orphan.docid}.html")
    report_col = Column("zfxxgknb", "政府信息公开年报", "/zfxxgk/zfxxgknb/", section="政府信息公开", articles=[
        *reports, orphan,
        Article(f"一图读懂：{reports[-1].title}", reports[-1].date + timedelta(hours=3),
                ["图解", f"{reports[-1].title}主要数据一览。", "主动公开、依申请公开、行政复议和行政诉讼情况详见图示。"], "decoy", src)])
    guide = Column("zfxxgkzn", "政府信息公开指南", "/zfxxgk/zfxxgkzn/", section="政府信息公开", articles=[
        Article(f"{agency}政府信息公开指南", datetime(2023, 2, 10, 9, 30),
                text.guide_lines(agency, "区政务公开办", "常德市鼎城区玉霞街道鼎城路1号", "0736-7512345"), "decoy", src)])
    rules = Column("zfxxgkzd", "政府信息公开制度", "/zfxxgk/zfxxgkzd/", section="政府信息公开", articles=_news(rnd, [
        "常德市鼎城区政府信息公开保密审查制度", "常德市鼎城区政府信息依申请公开办理制度"],
        datetime(2022, 6, 15, 10, 0), place, src, "区"))
    for a in rules.articles:
        a.kind = "page"
    laws = Column("fdzdgknr", "法定主动公开内容", "/zfxxgk/fdzdgknr/", section="政府信息公开", articles=[
        Article("常德市鼎城区人民政府办公室关于印发《鼎城区2024年政务公开工作要点》的通知", datetime(2024, 4, 10, 15, 0),
                text.news_lines(rnd, place, "区", 5), "page", src),
        Article("鼎城区2023年国民经济和社会发展统计公报", datetime(2024, 3, 25, 9, 0),
                text.bulletin_lines(place, 2023, rnd), "decoy", "区统计局"),
        Article("关于鼎城区2023年预算执行情况和2024年预算草案的报告", datetime(2024, 1, 30, 10, 0),
                text.budget_lines(agency, 2024, rnd), "decoy", "区财政局"),
        Article("常德市鼎城区人民政府关于进一步优化营商环境的若干措施", datetime(2023, 11, 20, 9, 0),
                text.news_lines(rnd, place, "区", 5), "page", src)])
    notices = Column("tzgg", "通知公告", "/zfxxgk/tzgg/", section="政府信息公开", articles=[
        Article("关于做好2023年度政府信息公开工作年度报告编制发布工作的通知", datetime(2024, 1, 5, 9, 30),
                text.notice_lines(2023, "鼎城区政务公开工作领导小组办公室", "各乡镇人民政府、街道办事处，区直各单位",
                                  "2024年1月20日"), "decoy", "区政务公开办"),
        *_news(rnd, ["鼎城区2024年第一季度政府网站和政务新媒体检查情况通报", "关于2024年清明节放假的通知",
                     "关于公开征求《鼎城区城乡环境卫生管理办法（征求意见稿）》意见的公告"],
               datetime(2024, 4, 8, 16, 0), place, src, "区", (5, 20))])
    dcyw = Column("dcyw", "鼎城要闻", "/xwzx/dcyw/", per_page=10, articles=_news(rnd, [
        "区政府召开第三十次常务会议", "鼎城区召开2024年政务公开工作推进会", "区领导调研春耕备耕工作", "全区优化营商环境大会召开",
        "鼎城区开展安全生产大检查", "区政府与常德职院签订校地合作协议", "鼎城区重点项目集中开工", "全区防汛抗旱工作会议召开",
        "区领导督导森林防火工作", "鼎城区举办2024年春季招聘会", "区政府专题研究城乡环境整治",
        "鼎城区召开2023年度政府信息公开工作年度报告编制培训会"], datetime(2024, 4, 22, 10, 0), place, "鼎城区融媒体中心",
        "区", (4, 9)))
    bmdt = Column("bmdt", "部门动态", "/xwzx/bmdt/", articles=_news(rnd, [
        "区教育局部署春季开学工作", "区农业农村局开展农资打假专项行动", "区卫健局开展义诊进乡村活动",
        "区交通运输局开展道路运输安全检查", "区市场监管局开展食品安全专项整治", "区人社局举办就业援助月活动"],
        datetime(2024, 4, 19, 15, 0), place, "鼎城区融媒体中心", "区"))
    dcgk = Column("dcgk", "鼎城概况", "/zjdc/dcgk/", articles=[
        Article("鼎城区情", datetime(2024, 1, 3, 9, 0), text.news_lines(rnd, place, "区", 5), "page", src),
        Article("历史沿革", datetime(2024, 1, 3, 9, 30), text.news_lines(rnd, place, "区", 4), "page", src)])
    yjzj = Column("yjzj", "意见征集", "/hdjl/yjzj/", articles=_news(rnd, [
        "2024年区政府重点民生实事项目征集", "关于鼎城区“十四五”规划中期评估的意见征集"],
        datetime(2024, 3, 1, 10, 0), place, src, "区"))
    columns = [guide, rules, laws, report_col, notices, dcyw, bmdt, dcgk, yjzj]
    site = Site("dingcheng", "常德市鼎城区人民政府", "湖南省常德市鼎城区", "county", "county", "trs",
                {c.key: c for c in columns})
    for kind, specs, first in (("department", DEPARTMENTS, 1), ("township", TOWNSHIPS, 101)):
        for i, spec in enumerate(specs):
            unit = _unit(rnd, spec, kind, f"4307030{first + i:03d}")
            site.units.append(unit)
            site.columns.update((col.key, col) for col in unit.columns)
    site.info["script_pagers"] = {f"{s.key}-{s.report[0]}" for s in DEPARTMENTS if s.key == SCRIPT_PAGER}
    site.channels = [
        Channel("/zjdc/index.html", "走进鼎城", ["dcgk"], intro="鼎城区位于湖南省北部、常德市中部，沅水穿境而过。"),
        Channel("/xwzx/index.html", "新闻中心", ["dcyw", "bmdt"]),
        Channel("/hdjl/index.html", "互动交流", ["yjzj"], [("区长信箱", "http://127.0.0.2:9/qzxx/")]),
        Channel("/lxwm/index.html", "联系我们", [], intro="常德市鼎城区人民政府办公室　地址：常德市鼎城区玉霞街道鼎城路1号　"
                                                       "邮编：415101　电话：0736-7512345"),
    ]
    platform_columns = ["zfxxgkzn", "zfxxgkzd", "fdzdgknr", "zfxxgknb", "tzgg"]
    site.info.update({
        "report_column": "zfxxgknb", "built": datetime(2024, 4, 25, 18, 0), "domain": "www.dingcheng.gov.cn",
        "site_code": "4307030001", "sponsor": "常德市鼎城区人民政府办公室", "operator": "常德市鼎城区融媒体中心",
        "icp": "湘ICP备05003286号", "police": "湘公网安备 43070302000123号",
        "address": "常德市鼎城区玉霞街道鼎城路1号", "phone": "0736-7512345",
        "platform_columns": platform_columns, "platform_home_columns": ["fdzdgknr", "tzgg", "zfxxgknb"],
        "platform_menu": [(site.columns[k].name, list_path(site, site.columns[k], 0)) for k in platform_columns]
        + [(name, unit_list_path(kind)) for kind, (name, _) in UNIT_LISTS.items()],
        "nav": [("首页", "/"), ("走进鼎城", "/zjdc/index.html"), ("政务公开", PLATFORM), ("新闻中心", "/xwzx/index.html"),
                ("互动交流", "/hdjl/index.html"), ("政务服务", "http://127.0.0.2:9/zwfw/")],
        "home_columns": ["dcyw", "tzgg", "bmdt"],
        "home_links": [(site.columns[k].name, list_path(site, site.columns[k], 0))
                       for k in ("zfxxgkzn", "fdzdgknr", "zfxxgknb", "zfxxgkzd")],
        "external": [("湖南省人民政府", "http://www.hunan.gov.cn/"), ("常德市人民政府", "http://www.changde.gov.cn/")],
    })
    return site
