"""A tree of government portals, each on its own loopback address: what ``govarchive portals discover`` walks.

==============  =========================  =========  ===========  ==========================================
id              name                       level      address      links to other portals
==============  =========================  =========  ===========  ==========================================
gt-hunan        湖南省人民政府             province   127.0.0.2    市州政府网站 jump menu (<select>): the cities
gt-changde      常德市人民政府             city       127.0.0.3    县市区 page: 鼎城区, 津市市; footer: the province
gt-yueyang      岳阳市人民政府             city       127.0.0.4    footer 县市区政府网站: 华容县, 平江县
gt-dingcheng    常德市鼎城区人民政府       county     127.0.0.5    部门网站 page: its 教育局's own site
gt-jinshi       津市市人民政府             county     127.0.0.6    (a 市 under a city: county level)
gt-huarong      华容县人民政府             county     127.0.0.7
gt-pingjiang    平江县人民政府             county     127.0.0.8
gt-dcjyj        常德市鼎城区教育局         department 127.0.0.9
==============  =========================  =========  ===========  ==========================================

Every page's footer links 中国政府网 (www.gov.cn: a government host the tests do not allow), the portal's
upper government, and its web designer (``gt-vendor``, 127.0.1.2, a company); the province also links a mirror
of the 常德 portal on a host outside the government domains (``gt-mirror``, 127.0.1.3). Neither outsider may
be requested. Each county's home page also has a 政府网站导航 link under /admin/, which robots.txt forbids.

Every tree portal has a report column (政府信息公开 > 政府信息公开年报) with one or two reports, so the
registry entries discovery proposes can be crawled as they are. :data:`TREE` and :data:`OUTSIDE` list the ids.
"""

from __future__ import annotations

import random
from datetime import datetime

from . import faults
from .common import Resource, esc, yearly_reports
from .model import Channel, Column, Site

#: id -> (name, region, level, address, report years, upper portal, links: (page path, page title, text, [names]))
PORTALS = {
    "gt-hunan": ("湖南省人民政府", "湖南省", "province", "127.0.0.2", (2021, 2022), None,
                 [("/", None, "市州政府网站", ["常德市人民政府", "岳阳市人民政府"])]),
    "gt-changde": ("常德市人民政府", "湖南省常德市", "city", "127.0.0.3", (2022,), "湖南省人民政府",
                   [("/zfwz/xsq.html", "县市区", "县市区", ["常德市鼎城区人民政府", "津市市人民政府"])]),
    "gt-yueyang": ("岳阳市人民政府", "湖南省岳阳市", "city", "127.0.0.4", (2022,), "湖南省人民政府",
                   [("/", None, "县市区政府网站", ["华容县人民政府", "平江县人民政府"])]),
    "gt-dingcheng": ("常德市鼎城区人民政府", "湖南省常德市鼎城区", "county", "127.0.0.5", (2021, 2022), "常德市人民政府",
                     [("/zfwz/bmwz.html", "部门网站", "部门网站", ["常德市鼎城区教育局"])]),
    "gt-jinshi": ("津市市人民政府", "湖南省常德市津市市", "county", "127.0.0.6", (2022,), "常德市人民政府", []),
    "gt-huarong": ("华容县人民政府", "湖南省岳阳市华容县", "county", "127.0.0.7", (2022,), "岳阳市人民政府", []),
    "gt-pingjiang": ("平江县人民政府", "湖南省岳阳市平江县", "county", "127.0.0.8", (2022,), "岳阳市人民政府", []),
    "gt-dcjyj": ("常德市鼎城区教育局", "湖南省常德市鼎城区", "department", "127.0.0.9", (2022,), "常德市鼎城区人民政府", []),
}
VENDOR, MIRROR = "湖南某某信息技术有限公司", "常德市人民政府网站（镜像）"
OUTSIDE_SITES = {"gt-vendor": (VENDOR, "127.0.1.2"), "gt-mirror": (MIRROR, "127.0.1.3")}
TREE = list(PORTALS)
OUTSIDE = list(OUTSIDE_SITES)
BUILT = datetime(2024, 3, 1, 9, 0)


def _site(portal_id: str) -> Site:
    name, region, level, address, years, upper, links = PORTALS[portal_id]
    rnd = random.Random(portal_id)
    reports = yearly_reports(rnd, name, "本机关" if level == "department" else "我单位", f"{name}办公室", years,
                             published=datetime(2000, 3, 20, 10, 0), spread=(-5, 5))
    column = Column("nb", "政府信息公开年报", "/xxgk/nb/", section="政府信息公开", articles=reports)
    site = Site(portal_id, name, region, level, "govtree", "trs", {"nb": column})
    site.channels = [Channel("/xxgk/index.html", "政府信息公开", ["nb"])]
    site.info = {
        "report_column": "nb", "built": BUILT, "sponsor": f"{name}办公室", "icp": "湘ICP备00000000号",
        "site_code": f"43{TREE.index(portal_id):08d}", "bind": address, "upper": upper, "links": links,
        "nav": [("首页", "/"), ("政府信息公开", "/xxgk/index.html")],
        "home_links": [("政府信息公开", "/xxgk/index.html"), ("政府信息公开年报", "/xxgk/nb/index.html")],
    }
    return site


def _outside(portal_id: str) -> Site:
    name, address = OUTSIDE_SITES[portal_id]
    site = Site(portal_id, name, "", "", "govtree", "trs", {})
    site.info = {"sink": True, "built": BUILT, "sponsor": name, "icp": "-", "site_code": "-", "nav": [],
                 "bind": address}
    return site


def _builder(portal_id: str, make):
    def build() -> Site:
        return make(portal_id)
    build.__name__ = portal_id.replace("-", "_")
    return build


BUILDERS = [_builder(pid, _site) for pid in TREE] + [_builder(pid, _outside) for pid in OUTSIDE]


def render(site: Site) -> dict[str, Resource]:
    """The faults template's pages (channel, report column, reports), with a home page and link pages that
    lead to the other portals of the tree (by name: ``site.siblings`` has their URLs)."""
    out = faults.render(site)
    if site.info.get("sink"):
        return out
    urls = dict(site.siblings)
    quick = "".join(f'<li><a href="{path}">{esc(name)}</a></li>' for name, path in site.info["home_links"])
    home = [f'<ul class="quick">{quick}</ul>']
    for path, title, text, names in site.info["links"]:
        anchors = "".join(f'<li><a href="{urls[n]}" target="_blank">{esc(n)}</a></li>' for n in names)
        if path == "/" and site.level == "province":  # a jump menu, as provincial portals have
            options = "".join(f'<option value="{urls[n]}">{esc(n)}</option>' for n in names)
            home.append(f'<div class="jump">{esc(text)}：<select onchange="window.open(this.value)">'
                        f'<option value="">—请选择—</option>{options}</select></div>')
        elif path == "/":
            home.append(f'<div class="links"><h3>{esc(text)}</h3><ul>{anchors}</ul></div>')
        else:
            home.append(f'<div class="nav2"><a href="{path}">{esc(text)}</a></div>')
            main = f"<h2>{esc(title)}</h2><ul>{anchors}</ul>{_footer(site, urls)}"
            out[path] = _page(site, path, f"{title}_{site.name}", main)
    if site.level == "county":
        home.append('<div class="nav2"><a href="/admin/links.html">政府网站导航</a></div>')
    out["/"] = _page(site, "/", f"首页_{site.name}门户网站", "\n".join(home) + _footer(site, urls))
    return out


def _footer(site: Site, urls: dict[str, str]) -> str:
    links = [("中国政府网", "http://www.gov.cn/")]
    if site.info["upper"]:
        links.append((site.info["upper"], urls[site.info["upper"]]))
    if site.level == "province":
        links.append((MIRROR, urls[MIRROR]))
    items = "".join(f'<a href="{href}">{esc(text)}</a> ' for text, href in links)
    return (f'<div class="footlinks">相关链接：{items}</div>'
            f'<div class="support">技术支持：<a href="{urls[VENDOR]}">{esc(VENDOR)}</a></div>')


def _page(site: Site, path: str, title: str, main: str) -> Resource:
    """A page in the faults template; governments' pages carry a SiteName meta, the department's only a title."""
    html = faults.page_html(site, path, title, main)
    if site.level != "department":
        html = html.replace("<title>", f'<meta name="SiteName" content="{esc(site.name)}">\n<title>', 1)
    return Resource(html.encode("utf-8"), "text/html; charset=utf-8", BUILT.timestamp())
