"""The sample portals behave like the portals they imitate, and serve the corpus reports intact."""

from __future__ import annotations

import gzip
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest

from crawler.registry import load_registry
from tests.sampleportals import SamplePortals
from tests.sampleportals.graph import page_links

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"
ROOT = Path(__file__).resolve().parent.parent
# Where each portal's template puts the report body.
BODY_XPATH = {
    "changde": "//div[contains(concat(' ', @class, ' '), ' TRS_Editor ')]",
    "jintan": "//div[contains(concat(' ', @class, ' '), ' TRS_Editor ')]",
    "cdjkq": "//div[@id='zoomcon']//ucapcontent",
    "kaifu": "//td[@id='fontzoom']",
}
CHROME = ["扫一扫在手机打开", "分享到", "打印", "版权所有", "网站标识码", "相关文档"]


@pytest.fixture(scope="module")
def sp():
    with SamplePortals() as portals:
        yield portals


def fetch(url: str, headers: dict | None = None):
    """(status, headers, body bytes as sent) without following redirects or decoding gzip."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def decode(portal_id: str, body: bytes) -> str:
    return body.decode("gb18030" if portal_id == "kaifu" else "utf-8")


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def gold(corpus_id: str) -> list[str]:
    text = (CORPUS / f"{corpus_id}.gold.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def cells(line: str) -> list[str]:
    parts = [c.strip() for c in line.split("|")]
    while parts and not parts[-1]:
        parts.pop()
    return parts


def _in_table(el, container) -> bool:
    for ancestor in el.iterancestors():
        if ancestor is container:
            return False
        if ancestor.tag == "table":
            return True
    return False


def body_blocks(html: str, portal_id: str) -> list:
    """The body as the page holds it: each <p>/<h*> outside tables a string, each table row a cell list."""
    (container,) = lxml.html.fromstring(html).xpath(BODY_XPATH[portal_id])
    out = []
    for el in container.iter():
        if not isinstance(el.tag, str):
            continue
        inside_table = _in_table(el, container)
        if el.tag == "table" and not inside_table:
            for tr in el.iter("tr"):
                out.append([norm(td.text_content()) for td in tr if td.tag in ("td", "th")])
        elif el.tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6") and not inside_table:
            text = norm(el.text_content())
            if text:
                out.append(text)
    return out


def assert_body_recreates_gold(html: str, portal_id: str, corpus_id: str) -> None:
    got = body_blocks(html, portal_id)
    want = [cells(line) if "|" in line else line for line in gold(corpus_id)]
    assert len(got) == len(want), f"{corpus_id}: {len(got)} blocks, gold has {len(want)} lines"
    for i, (g, w) in enumerate(zip(got, want)):
        assert g == w, f"{corpus_id} line {i + 1}: {g!r} != {w!r}"


# --- serving ------------------------------------------------------------------------------------

def test_every_start_url_and_robots_answer(sp):
    assert {p.id for p in sp.portals} >= {"changde", "kaifu", "cdjkq", "jintan"}
    assert len({urlsplit(p.base_url).port for p in sp.portals}) == len(sp.portals)
    for portal in sp.portals:
        status, headers, body = fetch(portal.start_url)
        assert status == 200 and headers["ETag"] and headers["Last-Modified"]
        assert portal.name in decode(portal.id, body)
        status, _, robots = fetch(portal.base_url + "/robots.txt")
        assert status == 200 and b"Disallow: /" in robots
        assert fetch(portal.base_url + "/no/such/page.html")[0] == 404


def test_trs_column_pages_only_through_create_page_html(sp):
    base = sp.portal("changde").base_url
    for n, name in enumerate(["index.html", "index_1.html", "index_2.html"]):
        status, _, body = fetch(f"{base}/zwgk/zfxxgknb/{name}")
        html = body.decode("utf-8")
        assert status == 200
        assert f'createPageHTML(3, {n}, "index", "html");' in html
        hrefs = lxml.html.fromstring(html).xpath("//a/@href")
        assert not [h for h in hrefs if re.search(r"index_\d+\.html", h)], "static pager link"
    assert fetch(f"{base}/zwgk/zfxxgknb/index_3.html")[0] == 404
    assert fetch(f"{base}/zwgk/zfxxgknb/")[2] == fetch(f"{base}/zwgk/zfxxgknb/index.html")[2]


def test_jintan_column_pages_only_through_count_page(sp):
    base = sp.portal("jintan").base_url
    html = fetch(f"{base}/xxgk/xxgknb/index.html")[2].decode("utf-8")
    assert re.search(r"var countPage = 2\b", html)
    assert not [h for h in lxml.html.fromstring(html).xpath("//a/@href") if "index_1" in h]
    assert fetch(f"{base}/xxgk/xxgknb/index_1.html")[0] == 200


def test_kaifu_is_gbk_chunked_with_ordinary_pager_links(sp):
    base = sp.portal("kaifu").base_url
    status, headers, body = fetch(f"{base}/xxgk/list.asp?classid=12")
    assert status == 200
    assert headers["Content-Type"] == "text/html" and headers["Transfer-Encoding"] == "chunked"
    assert b'charset=gb2312' in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    html = body.decode("gbk")
    assert "政府信息公开年度报告" in html and "下一页" in html
    assert "/xxgk/list.asp?classid=12&page=2" in lxml.html.fromstring(html).xpath("//a/@href")
    # parameters in another order, and &page=1, reach the same pages
    assert fetch(f"{base}/xxgk/list.asp?page=2&classid=12")[2] == fetch(f"{base}/xxgk/list.asp?classid=12&page=2")[2]
    assert fetch(f"{base}/xxgk/list.asp?classid=12&page=1")[2] == body
    # a character that GBK has and GB2312 lacks: decoding by the <meta> charset alone fails
    home = fetch(base + "/")[2]
    assert "周喆" in home.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        home.decode("gb2312")


def test_kaipuyun_column_pager_is_ordinary_links(sp):
    base = sp.portal("cdjkq").base_url
    html = fetch(f"{base}/xxgk/xxgknb/index.shtml")[2].decode("utf-8")
    hrefs = lxml.html.fromstring(html).xpath("//div[@class='page']//a/@href")
    assert f"{base}/xxgk/xxgknb/index_2.shtml" in hrefs
    assert fetch(f"{base}/xxgk/xxgknb/index_2.shtml")[0] == 200


def test_conditional_requests_answer_304(sp):
    for portal in sp.portals:
        url = sp.expected_reports[0].url if portal.id == "cdjkq" else portal.start_url
        status, headers, _ = fetch(url)
        etag, modified = headers["ETag"], headers["Last-Modified"]
        assert fetch(url, {"If-None-Match": etag})[0] == 304
        assert fetch(url, {"If-Modified-Since": modified})[0] == 304
        assert fetch(url, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200
        assert fetch(url, {"If-None-Match": '"other"', "If-Modified-Since": modified})[0] == 200


def test_changde_gzips_when_asked(sp):
    url = next(r.url for r in sp.expected_reports if r.portal_id == "changde")
    plain = fetch(url)
    zipped = fetch(url, {"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain[1]
    assert zipped[1]["Content-Encoding"] == "gzip" and zipped[1]["ETag"].startswith("W/")
    assert gzip.decompress(zipped[2]) == plain[2]
    assert fetch(url, {"Accept-Encoding": "gzip", "If-None-Match": zipped[1]["ETag"]})[0] == 304


def test_head_and_other_methods(sp):
    url = sp.portals[0].start_url
    request = urllib.request.Request(url, method="HEAD")
    with urllib.request.urlopen(request) as response:
        assert response.status == 200 and response.read() == b""
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(urllib.request.Request(url, data=b"x", method="POST"))
    assert error.value.code == 405


def test_request_log_records_every_request(sp):
    url = sp.portal("jintan").base_url + "/robots.txt?probe=1"
    fetch(url, {"User-Agent": "probe/1.0"})
    entry = [e for e in sp.request_log if e[2] == "/robots.txt?probe=1"][-1]
    assert entry[0] == "jintan" and entry[1] == "GET" and entry[3] == 200
    assert entry[4]["User-Agent"] == "probe/1.0"


# --- content ------------------------------------------------------------------------------------

@pytest.mark.parametrize("corpus_id", sorted(p.name.removesuffix(".gold.txt") for p in CORPUS.glob("*.gold.txt")))
def test_report_page_body_recreates_the_gold_text(sp, corpus_id):
    (report,) = [r for r in sp.expected_reports if r.corpus_id == corpus_id]
    status, _, body = fetch(report.url)
    assert status == 200
    html = decode(report.portal_id, body)
    assert_body_recreates_gold(html, report.portal_id, corpus_id)
    page = lxml.html.fromstring(html)
    (container,) = page.xpath(BODY_XPATH[report.portal_id])
    inside, everything = norm(container.text_content()), norm(page.text_content())
    assert report.title in everything
    assert not [c for c in CHROME if c in inside], "chrome inside the body"
    assert len([c for c in CHROME if c in everything]) >= 3, "the page around the body has its chrome"


def test_report_metadata_is_on_the_pages(sp):
    pages = {r.corpus_id[:3]: decode(r.portal_id, fetch(r.url)[2]) for r in sp.expected_reports}
    assert '<meta name="PubDate" content="2018-03-26 17:44">' in pages["001"]
    assert '<meta name="ContentSource" content="市政府办">' in pages["001"]
    assert "2018-03-26 17:44" in pages["001"] and "/201803/t20180326_" in next(
        r.url for r in sp.expected_reports if r.corpus_id.startswith("001"))
    assert "发布时间:2017-03-10" in pages["004"] and "来源:开福区政务服务中心" in pages["004"]
    assert 'class="meta-data"' in pages["003"] and "索 引 号" in pages["003"]
    assert pages["003"].count("<table") == 3 and 'rowspan="22"' in pages["003"]


def test_urls_and_lists_are_consistent(sp):
    expected = {r.url for r in sp.expected_reports}
    assert len(expected) == 5
    decoys, extras = set(sp.decoy_urls), {r.url for r in sp.extra_reports}
    assert not (expected & decoys) and not (extras & decoys)
    every_page = set()
    for portal in sp.portals:
        pages = sp.page_urls(portal.id)
        assert len(pages) == len(set(pages)) >= 40
        every_page |= set(pages)
    assert expected | decoys | extras <= every_page
    assert {fetch(url)[0] for url in sorted(decoys)[::15]} == {200}


def test_every_page_is_reachable_from_the_start_url(sp):
    for portal in sp.portals:
        host = urlsplit(portal.base_url).netloc
        seen, queue, dead, elsewhere = {portal.start_url}, deque([portal.start_url]), set(), set()
        while queue:
            url = queue.popleft()
            status, headers, body = fetch(url)
            if status == 404:
                dead.add(url)
                continue
            if "html" not in headers.get("Content-Type", ""):
                continue
            for link in page_links(url, decode(portal.id, body)):
                if urlsplit(link).netloc != host:
                    elsewhere.add(link)
                elif link not in seen:
                    seen.add(link)
                    queue.append(link)
        pages = set(sp.page_urls(portal.id))
        assert pages <= seen - dead, (portal.id, sorted(pages - seen)[:5])
        assert 1 <= len(dead) <= 6, (portal.id, sorted(dead))  # a few dead links, as real sites have
        assert "http://www.gov.cn/" in elsewhere and any(u.startswith("http://127.0.0.2:9/") for u in elsewhere)
        assert {p.start_url for p in sp.portals if p.id != portal.id} <= elsewhere


# --- changes, registry, CLI ---------------------------------------------------------------------

def test_add_report_and_change_report():
    with SamplePortals() as sp:
        for portal_id in ("changde", "kaifu", "cdjkq", "jintan"):
            list_url = {"changde": "/zwgk/zfxxgknb/index.html", "kaifu": "/xxgk/list.asp?classid=12",
                        "cdjkq": "/xxgk/xxgknb/index.shtml", "jintan": "/xxgk/xxgknb/index.html"}[portal_id]
            list_url = sp.portal(portal_id).base_url + list_url
            before = fetch(list_url)[1]
            pages_before = len(sp.page_urls(portal_id))
            title = f"测试单位2024年度政府信息公开工作年度报告{portal_id}"
            url = sp.add_report(portal_id, title, ["一、总体情况", "全年主动公开政府信息100条。"], "2013-01-05")
            status, headers, body = fetch(list_url)
            html = decode(portal_id, body)
            assert status == 200 and headers["ETag"] != before["ETag"]
            assert fetch(list_url, {"If-None-Match": before["ETag"]})[0] == 200
            links = {a.text_content(): urljoin(list_url, a.get("href")) for a in lxml.html.fromstring(html).iter("a")}
            assert links[title] == url
            others = [r.title for r in sp.expected_reports + sp.extra_reports if r.title in html and r.title != title]
            assert others and all(html.index(title) < html.index(other) for other in others), "listed first"
            assert url in {r.url for r in sp.extra_reports}
            assert len(sp.page_urls(portal_id)) >= pages_before + 1
            old = fetch(url)[1]
            sp.change_report(url, ["一、总体情况", "全年主动公开政府信息120条。"])
            status, headers, body = fetch(url, {"If-None-Match": old["ETag"]})
            assert status == 200 and headers["ETag"] != old["ETag"] and "120条" in decode(portal_id, body)
            assert fetch(url, {"If-Modified-Since": old["Last-Modified"]})[0] == 200


def test_write_registry(sp, tmp_path):
    path = sp.write_registry(tmp_path / "sub" / "portals.json")
    entries = json.loads(path.read_text(encoding="utf-8"))
    assert [e["id"] for e in entries] == [p.id for p in sp.portals]
    for entry, portal in zip(entries, sp.portals):
        assert entry["start_urls"] == [portal.start_url] and entry["hosts"] == [urlsplit(portal.base_url).netloc]
        assert entry["name"] == portal.name and entry["region"] and entry["level"]
    assert [p.id for p in load_registry(path)] == [p.id for p in sp.portals]


def _free_port_base(count: int = 4) -> int:
    for base in range(20000 + os.getpid() % 20000, 60000, 10):
        try:
            sockets = []
            for i in range(count):
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", base + i))
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free ports")


@pytest.mark.parametrize("group, last", [("corpus", 2), ("tree", 0)])
def test_command_line_serves_until_sigterm(tmp_path, group, last):
    base = _free_port_base()
    registry = tmp_path / "sample-portals.json"
    process = subprocess.Popen([sys.executable, "-m", "tests.sampleportals", "--port-base", str(base),
                                "--registry", str(registry), "--group", group], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.time() + 10
        while time.time() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "serving" in line or not line:
                break
        assert any(f"http://127.0.0.1:{base}/" in line for line in lines), lines
        assert fetch(f"http://127.0.0.1:{base + last}/")[0] == 200
        assert json.loads(registry.read_text(encoding="utf-8"))[0]["hosts"] == [f"127.0.0.1:{base}"]
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
