"""CMS list pages read without a browser: Hanweb JCMS datastore + dataproxy.jsp, the Fujian platform's JSON API.

One real crawl (``govarchive crawl``) of the ``cms`` sample portals (tests/sampleportals/hanweb.py and
fjplatform.py), then what it archived; and the parsing functions of spiders/cms.py on page snippets written
the way real JCMS and Fujian pages write them.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from scrapy.http import HtmlResponse, TextResponse, XmlResponse
from warcio.archiveiterator import ArchiveIterator

from spiders import cms
from tests.conftest import TEST_SETTINGS, assert_verified
from tests.portal_crawl import crawl
from tests.sampleportals import SamplePortals, write_registry


@pytest.fixture(scope="module")
def portals():
    with SamplePortals(group="cms") as sp:
        yield sp


@pytest.fixture(scope="module")
def run(portals, tmp_path_factory):
    data = tmp_path_factory.mktemp("cms")
    registry = write_registry(portals.portals, data / "registry.json")
    return crawl(data, registry, *TEST_SETTINGS)


def column_items(portals, portal_id):
    """The report column's entries in list order, with their absolute URLs."""
    site = portals._state(portal_id).site
    return [(site.base_url + a.path, a) for a in site.report_column().sorted()]


def test_crawl_finishes_cleanly(run):
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.row["status"] == "ok" and run.error_counts == {}


@pytest.mark.parametrize("portal_id", ["jintanqu", "pingtan"])
def test_every_report_of_the_column_is_archived_and_nothing_else(run, portals, portal_id):
    """Every report of the report column; not jintanqu's report filed in 工作动态, which only a backfill's walk
    through the other columns' list pages finds (issue 9), never a nightly crawl like this one."""
    stored = {url for url, row in run.reports().items() if row["portal"] == portal_id}
    expected = {url for url, a in column_items(portals, portal_id) if a.kind == "report"}
    assert len(expected) >= 16
    assert stored == expected
    assert {r.url for r in portals.extra_reports if r.portal_id == portal_id} - expected == \
        portals.reports_by_kind(portal_id)["news_column"]


def test_hanweb_pages_2_to_4_come_from_dataproxy_posts(run, portals):
    calls = [(method, path, status) for pid, method, path, status, _ in portals.request_log
             if pid == "jintanqu" and path.startswith("/module/web/jpage/dataproxy.jsp")]
    assert all(method == "POST" and status == 200 for method, _, status in calls), calls
    starts = sorted(int(parse_qs(urlsplit(path).query)["startrecord"][0]) for _, path, _ in calls)
    assert starts == [6, 11, 16]  # 19 records, 5 embedded in the page, 5 a page
    later = [(url, a) for url, a in column_items(portals, "jintanqu")[5:] if a.kind == "report"]
    assert later and all(url in run.reports() for url, _ in later)


def test_hanweb_dataproxy_posts_carry_the_pages_ajax_parameters(run, portals):
    captures = run.captures("method = 'POST' and url like ?", ["%dataproxy.jsp%"])
    assert len(captures) == 3 and all(c["status"] == 200 and c["mime"] == "text/xml" for c in captures)
    assert all(c["request_type"] == "next_page" and c["portal"] == "jintanqu" for c in captures)
    body = request_record_body(run, captures[0])
    form = parse_qs(body.decode())
    assert form["columnid"] == ["1229365"] and form["unitid"] == ["229365"] and form["webid"] == ["77"]


def test_fujian_pages_2_and_3_come_only_from_the_search_api(run, portals):
    calls = [(method, path, status) for pid, method, path, status, _ in portals.request_log
             if pid == "pingtan" and path.startswith("/fjdzapp/search")]
    assert calls == [("POST", "/fjdzapp/search", 200)] * 2
    captures = run.captures("method = 'POST' and url like ?", ["%/fjdzapp/search"])
    pages = sorted(parse_qs(request_record_body(run, c).decode())["page"][0] for c in captures)
    assert pages == ["2", "3"]
    form = parse_qs(request_record_body(run, captures[0]).decode())
    assert form["channelid"] == ["200210"] and form["classsql"] == ["chnlid=1813"]
    assert form["sortfield"] == ["-docorderpri,-docreltime"] and form["prepage"] == ["10"]
    later = [(url, a) for url, a in column_items(portals, "pingtan")[10:] if a.kind == "report"]
    assert len(later) >= 5 and all(url in run.reports() for url, _ in later)


def test_reports_found_through_an_api_keep_their_text_and_metadata(run, portals):
    url, article = [(u, a) for u, a in column_items(portals, "pingtan")[10:] if a.kind == "report"][-1]
    row = run.reports()[url]
    assert row["title"] == article.title and row["report_year"] == int(article.title.split("年度")[0][-4:])
    assert row["found_on"].endswith("/fjdzapp/search") and row["link_text"] == article.title
    for line in article.lines:
        assert line in row["text"]
    url, article = [(u, a) for u, a in column_items(portals, "jintanqu")[15:] if a.kind == "report"][0]
    row = run.reports()[url]
    assert row["agency"] == "常州市金坛区人民政府" and article.lines[2] in row["text"]
    assert "分享到" not in row["text"] and "打印本页" not in row["text"]


def request_record_body(run, capture) -> bytes:
    """The body of the WARC request record written with a capture's response record."""
    with open(run.data / capture["warc_file"], "rb") as stream:
        stream.seek(capture["warc_offset"])
        for record in ArchiveIterator(stream):
            if record.rec_type == "request":
                return record.content_stream().read()
    raise AssertionError("no request record")


# -- spiders/cms.py on page snippets --------------------------------------------------------------------

JCMS_PAGE = """<html><body><div id="356781"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=12&path=/&columnid=4321&unitid=356781&webname=%E6%9F%90%E5%8E%BF&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href='/art/2021/3/2/art_4321_1.html' title='某县2020年政府信息公开工作年度报告'>某县2020年政府信息公开工作年度报告</a><span>2021-03-02</span></li>]]></record>
<record><![CDATA[<li><a href="/art/2020/3/5/art_4321_2.html">某县2019年政府信息公开工作年度报告</a></li>]]></record>
</recordset></datastore></script></div>
<script>$(function(){$('#356781').jpage({themeName:'default',totalRecord:7,perPage:2,groupSize:2,
proxyUrl:'/module/web/jpage/dataproxy.jsp',ajaxParam:{col:1,appid:1,webid:12,path:'/',columnid:4321,unitid:'356781',webname:'某县',permissiontype:0}});});</script>
</body></html>"""

FUJIAN_PAGE = """<html><body><dl><dd><a href="./202103/t20210305_1.htm">某区2020年度政府信息公开工作年度报告</a></dd></dl>
<script>var SiteInfo = { itpSiteId: 21, searchId: 229105, siteMsgType: "govSite" };</script>
<script>
require(["list2.trsapi"], function(listModel) {
    listModel({ quickMode: "动静结合", maxStaticIndex: 1,
        listArgs: { channelid: SiteInfo.searchId, classsql: "" || "chnlid=4910", sortfield: "-docorderpri,-docreltime" },
        pagebar: { prepage: 15, recordCount: '44', pgTemp: "pgBar_xxgk.html" } });
});
</script></body></html>"""


def test_hanweb_records_hidden_in_script_xml_become_links():
    page = HtmlResponse("http://www.x.gov.cn/col/col4321/index.html", body=JCMS_PAGE.encode(), encoding="utf-8")
    links = cms.embedded_links(page)
    assert [(link.url, link.text) for link in links] == [
        ("http://www.x.gov.cn/art/2021/3/2/art_4321_1.html", "某县2020年政府信息公开工作年度报告"),
        ("http://www.x.gov.cn/art/2020/3/5/art_4321_2.html", "某县2019年政府信息公开工作年度报告")]


def test_hanweb_requests_cover_the_records_after_the_embedded_ones():
    page = HtmlResponse("http://www.x.gov.cn/col/col4321/index.html", body=JCMS_PAGE.encode(), encoding="utf-8")
    requests = cms.list_api_requests(page)
    # 7 records, 2 embedded; groupSize 2 x perPage 2 = 4 records a call
    assert [r.url.split("?", 1)[1] for r in requests] == ["startrecord=3&endrecord=6&perpage=2",
                                                          "startrecord=7&endrecord=7&perpage=2"]
    assert all(r.method == "POST" and r.url.startswith("http://www.x.gov.cn/module/web/jpage/dataproxy.jsp?")
               for r in requests)
    form = parse_qs(requests[0].body.decode())
    assert form["columnid"] == ["4321"] and form["unitid"] == ["356781"] and form["path"] == ["/"]
    reply = XmlResponse(requests[0].url, body="""<?xml version="1.0" encoding="UTF-8"?><datastore>
<totalrecord>7</totalrecord><recordset><record><![CDATA[<li><a href="/art/2019/3/1/art_4321_3.html">某县2018年政府信息公开工作年度报告</a></li>]]></record>
</recordset></datastore>""".encode())
    assert [link.url for link in cms.api_links(reply)] == ["http://www.x.gov.cn/art/2019/3/1/art_4321_3.html"]
    assert cms.list_api_requests(reply) == []


def test_hanweb_page_with_only_a_nextgroup_link_and_its_datastore_total():
    body = JCMS_PAGE.split("<script>$(function")[0].replace("<recordset>", "<totalrecord>3</totalrecord><recordset>")
    page = HtmlResponse("http://www.x.gov.cn/col/col4321/index.html", body=body.encode(), encoding="utf-8")
    (request,) = cms.list_api_requests(page)
    assert request.url == "http://www.x.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=3&endrecord=3&perpage=2"
    assert parse_qs(request.body.decode())["webid"] == ["12"]


def test_fujian_list_model_becomes_search_api_requests():
    page = HtmlResponse("https://www.x.gov.cn/zwgk/zfxxgknb/", body=FUJIAN_PAGE.encode(), encoding="utf-8")
    requests = cms.list_api_requests(page)
    assert [r.url for r in requests] == ["https://www.x.gov.cn/fjdzapp/search"] * 2
    forms = [parse_qs(r.body.decode()) for r in requests]
    assert [f["page"] for f in forms] == [["2"], ["3"]]
    assert forms[0]["channelid"] == ["229105"] and forms[0]["classsql"] == ["chnlid=4910"]
    assert forms[0]["sortfield"] == ["-docorderpri,-docreltime"] and forms[0]["prepage"] == ["15"]


def test_fujian_json_replies_in_both_shapes():
    data = TextResponse("https://www.x.gov.cn/fjdzapp/search", encoding="utf-8", body="""{"data": [
        {"doctitle": "某区<em>2019</em>年度政府信息公开工作年度报告", "chnldocurl": "https://www.x.gov.cn/zwgk/202001/t20200120_9.htm",
         "docreltime": 1579485600000}], "pagecount": 3}""".encode())
    assert [(link.url, link.text) for link in cms.api_links(data)] == [
        ("https://www.x.gov.cn/zwgk/202001/t20200120_9.htm", "某区2019年度政府信息公开工作年度报告")]
    docs = TextResponse("https://www.x.gov.cn/fjdzapp/search", encoding="utf-8",
                        body=b'{"docs": [{"doctitle": "t", "docpuburl": "/zwgk/a.htm"}]}')
    assert [link.url for link in cms.api_links(docs)] == ["https://www.x.gov.cn/zwgk/a.htm"]
    assert cms.api_links(TextResponse("https://www.x.gov.cn/fjdzapp/search", body=b"not json")) == []


def test_ordinary_pages_have_no_cms_links_or_calls():
    page = HtmlResponse("http://www.x.gov.cn/", body="<html><body><a href='/a.html'>年报</a></body></html>".encode(),
                        encoding="utf-8")
    assert cms.embedded_links(page) == [] and cms.list_api_requests(page) == []


def test_hanweb_download_script_attachment_gives_the_stub_report_its_text(run, portals):
    site = portals._state("jintanqu").site
    stub = next(a for a in site.report_column().articles if a.attachments)
    report = run.reports()[site.base_url + stub.path]
    rows = run.db.execute("select url, filename, text from attachments where report_id = ?", [report["id"]]).fetchall()
    assert [(url.split("?", 1)[0], name) for url, name, _ in rows] == [
        (site.base_url + "/module/download/downfile.jsp", stub.attachments[0].name)]
    assert report["report_year"] == 2008 and "全文详见附件" not in report["text"]
    assert report["text"] == rows[0][2] and "2008年" in report["text"]


def test_the_archive_verifies(run):
    assert_verified(run.data)
