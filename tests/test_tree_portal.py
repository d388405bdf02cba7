"""The sample portals of issue 9 hold what they claim: the county portal's department and township trees
(tests/sampleportals/county.py), its sitemap-only report, jintanqu's report filed in a news column, and the
link graph and minimum page set the crawler's cost is measured against. Everything is read over HTTP
from the running servers, as a crawler reads it."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from urllib.parse import urljoin

import lxml.html
import pytest

from tests.sampleportals import SamplePortals
from tests.sampleportals.common import Resource
from tests.sampleportals.county import QUERY_UNIT, QUERY_UNIT_ID, SCRIPT_PAGER, TWO_PAGES_WITH_LINKS
from tests.sampleportals.graph import distances, sitemap_urls
from tests.sampleportals.hanweb import PROXY, WEBID, unit_id

TREE = "dingcheng"


@pytest.fixture(scope="module")
def sp():
    with SamplePortals(group="tree") as portals:
        yield portals


@pytest.fixture(scope="module")
def site(sp):
    return sp._state(TREE).site


def fetch(url: str, data: bytes | None = None) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, "", error.read()


def page(url: str):
    status, _, body = fetch(url)
    assert status == 200, url
    return lxml.html.fromstring(body.decode("utf-8"))


def anchors(url: str, xpath: str = "//a") -> dict[str, str]:
    """Link text -> absolute URL of the links ``xpath`` selects on the page at ``url``."""
    return {a.text_content().strip(): urljoin(url, a.get("href")) for a in page(url).xpath(xpath)}


def reports(site, unit=None) -> dict[str, object]:
    cols = unit.columns if unit else site.columns.values()
    return {site.base_url + a.path: a for col in cols for a in col.articles if a.kind == "report"}


def report_column(unit):
    (col,) = [c for c in unit.columns if any(a.kind == "report" for a in c.articles)]
    return col


def http_resource(url: str) -> Resource | None:
    status, ctype, body = fetch(url)
    return Resource(body, ctype, 0, html="html" in ctype) if status == 200 else None


# --- the tree -----------------------------------------------------------------------------------

def test_departments_and_townships_each_publish_their_own_reports(site):
    departments = [u for u in site.units if u.kind == "department"]
    townships = [u for u in site.units if u.kind == "township"]
    assert len(departments) >= 12 and len(townships) >= 6
    names = {u.name for u in site.units}
    assert {n for n in names if n.startswith("常德市鼎城区")} and {n for n in names if n.startswith("区")}
    assert {"草坪镇", "周家店镇", "蔡家岗镇", "灌溪镇", "玉霞街道", "郭家铺街道"} <= names
    column_names = set()
    for unit in site.units:
        col = report_column(unit)
        column_names.add(col.name)
        found = [a for a in col.articles if a.kind == "report"]
        assert 1 <= len(found) <= 5, unit.name
        for a in found:
            (year,) = {int(y) for y in re.findall(r"(20\d\d)年", a.title)}
            assert 2019 <= year <= 2023 and a.source == unit.agency
            assert unit.name.removeprefix("区") in a.title or unit.agency in a.title, a.title
    assert column_names >= {"政府信息公开年报", "年度报告", "信息公开年报", "工作年报", "政务公开年报", "政府信息公开工作年度报告"}
    assert len(reports(site)) >= 70


def test_the_platform_menu_leads_to_both_unit_lists_and_they_list_every_unit(sp, site):
    base = site.base_url
    assert anchors(base + "/", "//div[@class='nav']//a")["政务公开"] == base + "/zfxxgk/index.html"
    menu = anchors(base + "/zfxxgk/index.html", "//ul[@class='side-menu']//a")
    assert list(menu)[:5] == ["政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报", "通知公告"]
    for kind, entry in (("department", "部门信息公开"), ("township", "乡镇（街道）信息公开")):
        listed = anchors(menu[entry], "//div[@class='unit-list']//a")
        assert listed == {u.name: base + u.home for u in site.units if u.kind == kind}


def test_every_unit_home_has_a_menu_of_its_own_columns(site):
    for unit in site.units:
        menu = anchors(site.base_url + unit.home, "//ul[@class='side-menu']//a")
        assert list(menu) == [col.name for col in unit.columns]
        assert {"机构职能", "政策文件", "财政预决算", "政府信息公开指南"} <= set(menu)
        assert {"通知公告", "工作动态"} & set(menu) and report_column(unit).name in menu
        assert page(site.base_url + unit.home).xpath("//div[@class='side-tit']")[0].text == unit.agency


def test_every_report_is_reachable_by_links_except_the_sitemap_only_one(sp, site):
    kinds = sp.reports_by_kind(TREE)
    everything = reports(site)
    (orphan,) = [url for url, a in everything.items() if a.meta.get("sitemap_only")]
    assert kinds["linked"] == everything.keys() - {orphan}
    assert kinds["sitemap_only"] == {orphan} and not kinds["unlinked"] and not kinds["news_column"]
    assert orphan.startswith(site.base_url + "/zfxxgk/zfxxgknb/") and fetch(orphan)[0] == 200
    assert not any(orphan in links for links in sp.page_graph(TREE).values())
    # over HTTP: robots.txt names a sitemap index whose urlsets list the orphan
    robots = fetch(site.base_url + "/robots.txt")[2].decode()
    assert f"Sitemap: {site.base_url}/sitemap.xml" in robots.splitlines()
    assert b"<sitemapindex" in fetch(site.base_url + "/sitemap.xml")[2]
    listed = sitemap_urls(site.base_url, http_resource)
    assert orphan in listed and site.base_url + "/zfxxgk/zfxxgknb/index.html" in listed
    assert all(fetch(url)[0] == 200 for url in sorted(listed)[::7])


def test_each_report_column_lists_its_reports_on_its_pages(sp, site):
    """Following a unit's report column through its pager links (or its script pager) finds its reports."""
    graph = sp.page_graph(TREE)
    for unit in site.units:
        col = report_column(unit)
        first = anchors(site.base_url + unit.home, "//ul[@class='side-menu']//a")[col.name]
        pages, todo = set(), [first]
        while todo:  # list pages: the first and the pages it links to that keep the column's menu entry on
            url = todo.pop()
            pages.add(url)
            todo += [u for u in graph[url] if u not in pages and u.startswith(first.removesuffix("index.html"))
                     and ("page=" in u or re.search(r"/index(_\d+)?\.html$", u))]
        linked = set().union(*(graph[url] for url in pages))
        assert reports(site, unit).keys() <= linked, unit.name
        assert len(pages) == (2 if unit.key in (TWO_PAGES_WITH_LINKS, SCRIPT_PAGER) or QUERY_UNIT in unit.home else 1)


# --- the special cases --------------------------------------------------------------------------

def test_query_string_unit_and_its_pages_are_served(site):
    base = site.base_url + QUERY_UNIT + QUERY_UNIT_ID
    (unit,) = [u for u in site.units if u.home == QUERY_UNIT + QUERY_UNIT_ID]
    assert unit.agency in fetch(base)[2].decode()
    col = report_column(unit)
    catid = col.dir.rsplit("=", 1)[1]
    first = fetch(f"{base}&catid={catid}")[2]
    swapped = site.base_url + f"/zfxxgk/unit.jsp?catid={catid}&unitid={QUERY_UNIT_ID}"
    assert fetch(swapped)[2] == first and col.name in first.decode()
    pager = anchors(f"{base}&catid={catid}", "//div[@class='pagination']//a")
    assert pager["下一页"] == pager["2"] == f"{base}&catid={catid}&page=2"
    second = anchors(pager["下一页"], "//ul[@class='xxgk-list']//a")
    assert second and all(url in reports(site, unit) for url in second.values())
    assert all("/zfxxgk/detail.jsp?id=" in url and fetch(url)[0] == 200 for url in second.values())
    assert anchors(pager["下一页"], "//div[@class='pagination']//a")["上一页"] == f"{base}&catid={catid}"
    for missing in ("/zfxxgk/unit.jsp", "/zfxxgk/unit.jsp?unitid=4307039999", f"/zfxxgk/unit.jsp?unitid={QUERY_UNIT_ID}&catid=999"):
        assert fetch(site.base_url + missing)[0] == 404, missing
    # static pages still ignore a query string
    assert fetch(site.base_url + "/zfxxgk/index.html?from=home")[2] == fetch(site.base_url + "/zfxxgk/index.html")[2]


def test_a_report_column_over_two_pages_linked_by_next_page(site):
    (unit,) = [u for u in site.units if u.key == TWO_PAGES_WITH_LINKS]
    col = report_column(unit)
    first = site.base_url + col.dir + "index.html"
    pager = anchors(first, "//div[@class='pagination']//a")
    assert pager["下一页"] == pager["2"] == pager["尾页"] == site.base_url + col.dir + "index_2.html"
    items = {**anchors(first, "//ul[@class='xxgk-list']//a"), **anchors(pager["下一页"], "//ul[@class='xxgk-list']//a")}
    assert reports(site, unit).keys() < set(items.values())
    assert [t for t in items if t.endswith("解读")], "a 解读 of a report among them"


def test_a_report_column_behind_a_script_pager_only(site):
    (unit,) = [u for u in site.units if u.key == SCRIPT_PAGER]
    col = report_column(unit)
    html = fetch(site.base_url + col.dir + "index.html")[2].decode()
    assert 'createPageHTML(2, 0, "index", "html");' in html
    assert not [h for h in lxml.html.fromstring(html).xpath("//a/@href") if re.search(r"index_\d+\.html", h)]
    second = site.base_url + col.dir + "index_1.html"
    assert 'createPageHTML(2, 1, "index", "html");' in fetch(second)[2].decode()
    assert set(anchors(second, "//ul[@class='xxgk-list']//a").values()) <= reports(site, unit).keys()
    assert fetch(site.base_url + col.dir + "index_2.html")[0] == 404


def test_decoys_around_the_reports(sp, site):
    decoys = {a.title: site.base_url + a.path for a in site.articles() if a.kind == "decoy"}
    notices = anchors(site.base_url + "/zfxxgk/tzgg/index.html", "//ul[@class='xxgk-list']//a")
    assert notices["关于做好2023年度政府信息公开工作年度报告编制发布工作的通知"] in decoys.values()
    assert [t for t in decoys if t.startswith("一图读懂")] and [t for t in decoys if t.endswith("解读")]
    for unit in site.units:
        titles = [a.title for col in unit.columns for a in col.articles if a.kind == "decoy"]
        assert f"{unit.agency}政府信息公开指南" in titles
        assert [t for t in titles if t.endswith("部门预算")] and [t for t in titles if t.endswith("部门决算")]
        assert [a for col in unit.columns for a in col.articles if a.kind == "news"]
    assert not set(sp.decoy_urls) & reports(site).keys()
    assert {fetch(url)[0] for url in sorted(decoys.values())[::9]} == {200}


# --- the page graph and the minimum -------------------------------------------------------------

def test_page_graph_holds_every_page_and_only_same_host_links(sp, site):
    graph = sp.page_graph(TREE)
    assert set(sp.page_urls(TREE)) == graph.keys()
    assert all(url.startswith(site.base_url + "/") for links in graph.values() for url in links)
    assert site.base_url + "/zfxxgk/bmxxgk/czj/xxgknb/index_1.html" in graph[site.base_url + "/zfxxgk/bmxxgk/czj/xxgknb/index.html"]
    assert not any("/sitemap" in url or "robots.txt" in url for url in graph)
    assert not {url for links in graph.values() for url in links} - graph.keys(), "a dead link"
    orphans = {url for url, a in reports(site).items() if a.meta.get("sitemap_only")}
    assert graph.keys() - distances(graph, site.base_url + "/").keys() == orphans


def test_minimum_pages_is_a_tree_from_the_start_to_every_linked_report(sp, site):
    graph = sp.page_graph(TREE)
    minimum = sp.minimum_pages(TREE)
    kinds = sp.reports_by_kind(TREE)
    start = site.base_url + "/"
    assert start in minimum and minimum <= graph.keys()
    assert kinds["linked"] <= minimum and not kinds["sitemap_only"] & minimum
    depth = distances(graph, start)
    for url in minimum - {start}:  # each page one link further than a page of the set that links to it
        assert [p for p in minimum if url in graph[p] and depth[p] == depth[url] - 1], url
    # what a crawler strictly needs: the unit lists, every unit home, report column pages, the reports
    assert {site.base_url + u.home for u in site.units} <= minimum
    assert {site.base_url + "/zfxxgk/bmxxgk/index.html", site.base_url + "/zfxxgk/xzxxgk/index.html"} <= minimum
    assert not minimum & set(sp.decoy_urls)
    # the start, the government's report column (linked from the home page; its platform menu leads to the
    # unit lists too), the two lists, then per unit its home and report column pages (three of two pages)
    assert len(minimum - kinds["linked"]) == 4 + 2 * len(site.units) + 3


# --- jintanqu: a report filed in a news column, behind the list API -----------------------------

def test_jintanqu_news_column_report_is_reached_only_through_dataproxy():
    with SamplePortals(group="cms") as cms:
        jintanqu = cms._state("jintanqu").site
        kinds = cms.reports_by_kind("jintanqu")
        (filed,) = kinds["news_column"]
        assert filed in kinds["unlinked"]
        assert filed not in distances(cms.page_graph("jintanqu"), jintanqu.base_url + "/")
        col = jintanqu.columns["1229310"]
        nav = anchors(jintanqu.base_url + "/", "//ul[@class='nav']//a")
        assert nav[col.name] == jintanqu.base_url + "/col/col1229310/index.html"
        path = filed.removeprefix(jintanqu.base_url)
        assert path.encode() not in fetch(nav[col.name])[2]
        form = urllib.parse.urlencode({"col": 1, "appid": 1, "webid": WEBID, "path": "/", "columnid": col.key,
                                       "unitid": unit_id(col), "webname": jintanqu.name, "permissiontype": 0}).encode()
        answers = {start: fetch(f"{jintanqu.base_url}{PROXY}?startrecord={start}&endrecord={start + 4}&perpage=5", form)
                   for start in (1, 6, 11)}
        assert [start for start, (status, _, body) in answers.items() if path.encode() in body] == [6]
        assert fetch(filed)[0] == 200


def test_add_report_publishes_at_the_top_of_the_governments_column():
    with SamplePortals(group="tree") as tree:
        base = tree.portal(TREE).base_url
        title = "常德市鼎城区人民政府2024年政府信息公开工作年度报告"
        url = tree.add_report(TREE, title, ["一、总体情况", "全年主动公开政府信息100条。"], "2025-03-20")
        assert url.startswith(base + "/zfxxgk/zfxxgknb/content_") and fetch(url)[0] == 200
        assert list(anchors(base + "/zfxxgk/zfxxgknb/index.html", "//ul[@class='xxgk-list']//a").items())[0] == (title, url)
        assert url in tree.reports_by_kind(TREE)["linked"] and url in tree.minimum_pages(TREE)
