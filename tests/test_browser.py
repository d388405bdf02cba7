"""A browser only where needed: JavaScript-written listings and anti-bot challenges, with real Chromium.

One ``govarchive crawl`` over the "browser" sample portals (tests/sampleportals/jslisting.py, ruishu.py):

- 临澧 (linli): the report column is written by a script from a JS array (page 1) and by XHR from a JSON
  endpoint (page 2); reports are plain HTML.
- 津市 (jinshi): every request without a cookie that only the challenge script computes gets 412 ``$_ts``.
- 澧县 (lixian): the challenge script never yields a valid cookie: the host must be given up, bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlite_utils
from scrapy import Request
from scrapy.http import HtmlResponse
from warcio.archiveiterator import ArchiveIterator

from archive.warc import RENDERED_DOM_PREFIX, read_record
from crawler.fetch.challenges import challenge_reason
from spiders.links import listing_needs_browser
from tests.conftest import ROOT, TEST_SETTINGS, assert_verified, govarchive


MAX_FAILURES = 3  # ANTIBOT_MAX_FAILURES (default)


@pytest.fixture(scope="module")
def browser_portals():
    from tests.sampleportals import SamplePortals

    with SamplePortals(group="browser") as portals:
        yield portals


@pytest.fixture(scope="module")
def crawl(browser_portals, tmp_path_factory):
    data = tmp_path_factory.mktemp("browser-archive")
    registry = browser_portals.write_registry(data / "browser-portals.json")
    result = govarchive("crawl", "--portals", registry, "--data", data, *TEST_SETTINGS, check=False, timeout=120)
    return data, result


@pytest.fixture(scope="module")
def db(crawl):
    return sqlite_utils.Database(crawl[0] / "archive.db")


def reports_of(portals, portal_id):
    return [r for r in portals.extra_reports + portals.expected_reports if r.portal_id == portal_id]


def stored_urls(db):
    return {row["url"] for row in db.query("select url from reports")}


def warc_records(data: Path):
    for path in sorted((data / "warc").glob("*.warc.gz")):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                yield record, record.content_stream().read()


# -- the JavaScript listing ----------------------------------------------------------------------------

def test_js_listing_reports_are_all_archived(db, browser_portals):
    expected = {r.url for r in reports_of(browser_portals, "linli")}
    assert len(expected) == 9
    assert expected <= stored_urls(db)


def test_browser_is_used_only_for_the_listing_pages(db, browser_portals):
    base = browser_portals.portal("linli").base_url
    browser = {(row["url"], row["request_type"]) for row in
               db.query("select url, request_type from captures where portal = 'linli' and browser = 1")}
    assert browser == {(f"{base}/zwgk/ndbg/index.html", "render"),   # plain first, then rendered once
                       (f"{base}/zwgk/ndbg/index_1.html", "next_page"),  # a rendered list's next page
                       (f"{base}/zwgk/ndbg/list_1.json", "xhr")}       # what its script loaded
    plain = {row["url"] for row in db.query("select url from captures where portal = 'linli' and browser = 0")}
    assert {r.url for r in reports_of(browser_portals, "linli")} <= plain  # reports stay on plain HTTP
    assert f"{base}/zwgk/ndbg/index.html" in plain
    # the guide column is script-written too, but not the report column: never rendered (nor fetched: the
    # pages that link it link the report column itself)
    assert f"{base}/zwgk/gkzn/index.html" not in {url for url, _ in browser}


def test_warc_keeps_what_the_browser_received(crawl, db, browser_portals):
    data = crawl[0]
    url = browser_portals.portal("linli").base_url + "/zwgk/ndbg/index_1.html"
    row = next(db.query("select * from captures where url = ? and browser = 1", [url]))
    record = read_record(data / row["warc_file"], row["warc_offset"], row["warc_length"])
    assert record.rec_type == "response"
    assert record.rec_headers.get_header("WARC-Target-URI") == url
    served = urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": "identity"})).read()
    body = record.raw_stream.read()
    assert body == served  # decoded by the browser, stored as the page's bytes
    http = record.http_headers
    assert http.get_statuscode() == "200"
    assert http.get_header("Content-Encoding") is None  # the server sent gzip; the body is no longer gzipped
    assert http.get_header("Content-Length") == str(len(body))
    assert http.get_header("ETag") and http.get_header("Last-Modified") and http.get_header("Server") == "nginx"
    plain = next(db.query("select * from captures where url = ? and browser = 0", [url.replace("index_1", "index")]))
    plain_record = read_record(data / plain["warc_file"], plain["warc_offset"], plain["warc_length"])
    assert plain_record.http_headers.get_header("Content-Encoding") == "gzip"  # the plain fetch keeps it as sent

    rendered = [(rec, content) for rec, content in warc_records(data)
                if rec.rec_headers.get_header("WARC-Target-URI") == RENDERED_DOM_PREFIX + url]
    assert len(rendered) == 1
    rec, content = rendered[0]
    assert rec.rec_type == "resource"
    assert rec.rec_headers.get_header("WARC-Concurrent-To") == record.rec_headers.get_header("WARC-Record-ID")
    dom = content.decode("utf-8")
    feed = json.loads(urllib.request.urlopen(url.replace("index_1.html", "list_1.json")).read())
    links = [f"c{doc[0]}.html" for doc in feed["docs"]]
    assert links and all(link in dom and link not in served.decode() for link in links)  # only the DOM lists them


def test_every_warc_file_passes_warcio_check(crawl):
    files = sorted((crawl[0] / "warc").glob("*.warc.gz"))
    assert files and not list((crawl[0] / "warc").glob("*.open"))
    result = subprocess.run([str(Path(sys.executable).with_name("warcio")), "check", "-v", *map(str, files)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_reports_point_at_response_records_of_the_page(crawl, db):
    data = crawl[0]
    for row in db.query("select url, warc_file, warc_offset, warc_length from reports"):
        record = read_record(data / row["warc_file"], row["warc_offset"], row["warc_length"])
        assert record.rec_type == "response"
        assert record.rec_headers.get_header("WARC-Target-URI") == row["url"]
        assert record.http_headers.get_statuscode() == "200"


# -- the anti-bot challenge ----------------------------------------------------------------------------

def test_antibot_reports_are_archived_after_the_challenge(crawl, db, browser_portals):
    data = crawl[0]
    expected = {r.url for r in reports_of(browser_portals, "jinshi")}
    assert len(expected) == 8 and expected <= stored_urls(db)
    # the challenge itself is archived: a 412 holding $_ts, from the plain request that met it
    challenge = next(db.query("select * from captures where portal = 'jinshi' and status = 412 and browser = 0"))
    record = read_record(data / challenge["warc_file"], challenge["warc_offset"], challenge["warc_length"])
    assert record.http_headers.get_statuscode() == "412"
    assert b"$_ts" in record.content_stream().read()
    # after it, every page of the host came through the browser, one context with the computed cookie; files
    # came over plain HTTP, with that cookie
    later = list(db.query("select url, browser, status from captures where portal = 'jinshi' and id > ?",
                          [challenge["id"]]))
    files = {row["url"] for row in later if row["browser"] == 0}
    assert later and files == {url for url in files if _is_file_url(url, browser_portals)}
    for row in db.query("select warc_file, warc_offset, warc_length from reports where portal = 'jinshi'"):
        record = read_record(data / row["warc_file"], row["warc_offset"], row["warc_length"])
        assert "RST=" in _request_cookie(data, record)  # sent with the cookie the challenge script computed


def _is_file_url(url: str, portals) -> bool:
    return url in portals.attachment_urls or url.endswith("/robots.txt")


def _request_cookie(data: Path, response_record) -> str:
    """The Cookie header of the request record paired with a response record."""
    wanted = response_record.rec_headers.get_header("WARC-Record-ID")
    for rec, _ in warc_records(data):
        if rec.rec_type == "request" and rec.rec_headers.get_header("WARC-Concurrent-To") == wanted:
            return rec.http_headers.get_header("Cookie") or ""
    return ""


def test_files_behind_the_challenge_are_archived_as_served(crawl, db, browser_portals):
    """Stub reports with PDF, DOCX and XLS attachments, and a report published as a PDF at a URL without
    extension: the WARC holds each file byte for byte (not Chromium's PDF viewer or a download), fetched over
    plain HTTP with the challenge's cookie, and its text is the report's."""
    data = crawl[0]
    rows = list(db.query("select a.url, a.mime, a.warc_file, a.warc_offset, a.warc_length, a.text_status, "
                         "r.chars, r.text_status as report_status from attachments a "
                         "join reports r on r.id = a.report_id where r.portal = 'jinshi'"))
    served = {url: urllib.request.urlopen(_with_cookie(url, browser_portals)).read()
              for url in browser_portals.attachment_urls if _portal_of(url, browser_portals) == "jinshi"}
    assert {row["url"] for row in rows} == set(served) and len(served) == 4
    assert {row["mime"] for row in rows} == {"application/pdf", "application/vnd.ms-excel",
                                             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    for row in rows:
        record = read_record(data / row["warc_file"], row["warc_offset"], row["warc_length"])
        assert hashlib.sha1(record.content_stream().read()).digest() == hashlib.sha1(served[row["url"]]).digest()
        assert row["text_status"] == "ok" and row["report_status"].startswith("from attachment")
        capture = next(db.query("select browser from captures where url = ? and status = 200", [row["url"]]))
        assert capture["browser"] == 0 and "RST=" in _request_cookie(data, record)
    assert "govarchive/browser/files_refetched" in "\n".join(p.read_text() for p in (data / "logs").glob("*.log"))


def _portal_of(url: str, portals) -> str:
    return next(p.id for p in portals.portals if url.startswith(p.base_url + "/"))


def _with_cookie(url: str, portals):
    """A request for ``url`` carrying a cookie the 瑞数-like gate accepts (the test computes it as the script does)."""
    from tests.sampleportals.ruishu import valid_cookie_for_tests

    return urllib.request.Request(url, headers={"Cookie": valid_cookie_for_tests()})


def test_the_archive_verifies(crawl):
    assert "no problems" in assert_verified(crawl[0])


def test_failing_host_is_given_up_after_n_failures(crawl, db, browser_portals):
    data, result = crawl
    assert result.returncode == 1, result.stdout + result.stderr  # finished, with errors
    crawl_row = next(db.query("select * from crawls order by id desc"))
    assert crawl_row["status"] == "finished with errors"
    errors = json.loads(crawl_row["error_counts"])
    assert errors.get("antibot_blocked") == 1
    assert errors.get("ChallengeNotPassed") == MAX_FAILURES
    log = "\n".join(p.read_text(encoding="utf-8") for p in (data / "logs").glob("*.log"))
    host = browser_portals.portal("lixian").base_url.split("://", 1)[1]
    assert f"host {host}: anti-bot challenge not passed {MAX_FAILURES} times in a row" in log
    assert not {r.url for r in reports_of(browser_portals, "lixian")} & stored_urls(db)
    attempts = db.execute("select count(*) from captures where portal = 'lixian' and error is not null").fetchone()[0]
    assert attempts == MAX_FAILURES
    served = [entry for entry in browser_portals.request_log if entry[0] == "lixian"]
    assert len(served) <= 1 + MAX_FAILURES * 8  # the plain request, then a few reloads per attempt: no loop


# -- the pieces, without a browser ---------------------------------------------------------------------

@pytest.mark.parametrize("status, body, expected", [
    (412, b"", "HTTP 412"),
    (521, b"<script>document.cookie='__jsluid_h=1'</script>", "HTTP 521"),
    (200, b"<html><head><meta content='abc' r='m'><script>var $_ts={};</script></head></html>", "HTTP 200 with $_ts"),
    (202, b"<html><script>$_ts=window['$_ts']</script></html>", "HTTP 202 with $_ts"),
    (200, "<html><title>访问异常</title><script>location.reload()</script></html>".encode("gbk"), "HTTP 200 with WAF page"),
    (200, b"<html><body>" + b"<p>report text</p>" * 3000 + b"<script>var $_ts;</script></body></html>", None),
    (200, "<html><body>安全检查工作会议召开</body></html>".encode(), None),  # no script: a news page
    (200, ("<html><script>var a;</script>" + '<a href="/n">市交通运输局开展道路运输安全检查</a>' * 20 + "</html>").encode(),
     None),  # a home page whose news mentions 安全检查
    (404, b"<script>$_ts</script>", None),
])
def test_challenge_reason(status, body, expected):
    assert challenge_reason(status, body) == expected


def _page(url, html, **meta):
    request = Request(url, meta={"request_type": "navigation", **meta})
    return HtmlResponse(url, body=html.encode("utf-8"), encoding="utf-8", request=request)


def test_listing_needs_browser_only_for_script_lists():
    script_list = "<html><body><ul id=l></ul><script>var docs=[1,2];render(docs)</script></body></html>"
    assert listing_needs_browser(_page("http://a/xxgk/ndbg/index.html", script_list), [], 55)
    assert not listing_needs_browser(_page("http://a/xxgk/ndbg/index.html", script_list), [], 15)  # not the column
    article = script_list.replace("<html>", '<html><head><meta name="ArticleTitle" content="关于…年度报告的通知"></head>')
    assert not listing_needs_browser(_page("http://a/xxgk/ndbg/index.html", article), [], 55)
    assert not listing_needs_browser(_page("http://a/xxgk/ndbg/201801/t20180112_1.html", script_list), [], 55)
    assert not listing_needs_browser(_page("http://a/xxgk/ndbg/index.html", "<html><body>空</body></html>"), [], 55)
    assert not listing_needs_browser(_page("http://a/xxgk/ndbg/index.html", script_list, playwright=True), [], 55)
    trs_pager = script_list.replace("render(docs)", 'createPageHTML(3, 0, "index", "html")')
    assert not listing_needs_browser(_page("http://a/xxgk/ndbg/index.html", trs_pager), [], 55)


def test_registry_browser_flag_routes_listing_pages_not_reports():
    from crawler.registry import portal_from_dict
    from spiders.portal import PortalSpider

    portal = portal_from_dict({"id": "p", "name": "P", "start_urls": ["http://a.gov.cn/"], "browser": True})
    spider = PortalSpider()
    for request_type in ("seed", "navigation", "next_page", "explore"):
        request = spider.request("http://a.gov.cn/xxgk/", portal, request_type, 0)
        assert request.meta["playwright"] and request.meta["playwright_context"] == "a.gov.cn"
    for request_type, url in (("report", "http://a.gov.cn/1.html"), ("attachment", "http://a.gov.cn/1.pdf"),
                              ("navigation", "http://a.gov.cn/nb.pdf")):
        assert not spider.request(url, portal, request_type, 0).meta.get("playwright")
    plain = portal_from_dict({"id": "q", "name": "Q", "start_urls": ["http://b.gov.cn/"]})
    assert not PortalSpider().request("http://b.gov.cn/", plain, "seed", 0).meta.get("playwright")


# One browser context per host, PLAYWRIGHT_MAX_CONTEXTS of them: a page for a new host waits for a free
# context while pages of hosts that have one go on (run in a child process: it needs the asyncio reactor).
CONTEXT_LIMIT_SCENARIO = """
import asyncio
from scrapy.utils.reactor import install_reactor
install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
from scrapy import Request, Spider
from scrapy.utils.test import get_crawler
from twisted.internet import reactor
from twisted.internet.defer import Deferred
from crawler.fetch.browser.handler import BrowserDownloadHandler
from crawler.fetch.chromium import CHROMIUM_ARGS, find_chromium

async def scenario():
    options = {"executable_path": find_chromium(), "args": CHROMIUM_ARGS}
    handler = BrowserDownloadHandler(get_crawler(Spider, {"PLAYWRIGHT_MAX_CONTEXTS": 1,
                                                          "PLAYWRIGHT_LAUNCH_OPTIONS": options}))
    await handler._ensure_started()
    spider = Spider("s")
    page = lambda url, host: handler._create_page(Request(url, meta={"playwright_context": host}), spider)
    a = await page("http://x.test/", "x.test")
    b = asyncio.ensure_future(page("http://y.test/", "y.test"))  # a new host: no room yet
    await asyncio.sleep(0.5)
    c = await asyncio.wait_for(page("http://x.test/2", "x.test"), 10)  # its host's context: not held up
    print("new host waited:", not b.done())
    await a.close(); await c.close()
    await (await asyncio.wait_for(b, 10)).close()  # room made by closing the idle context
    print("contexts:", sorted(handler.context_wrappers))
    await handler._close()

def run():
    done = Deferred.fromFuture(asyncio.ensure_future(scenario()))
    done.addErrback(lambda failure: print("ERROR", failure.getTraceback()))
    done.addBoth(lambda _: reactor.stop())

reactor.callWhenRunning(run)
reactor.run()
"""


def test_a_new_host_waits_for_a_free_context_and_other_hosts_go_on():
    result = subprocess.run([sys.executable, "-c", CONTEXT_LIMIT_SCENARIO], capture_output=True, text=True,
                            timeout=60, cwd=ROOT)
    assert result.stdout.splitlines() == ["new host waited: True", "contexts: ['y.test']"], \
        result.stdout + result.stderr[-3000:]


@contextlib.contextmanager
def tiny_server(answer):
    """An HTTP server on 127.0.0.1 whose GETs ``answer(handler)`` writes; yields its port and the paths asked."""
    asked = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            answer(self)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1], asked
    finally:
        server.shutdown()


def send(handler, status: int, body: bytes = b"", **headers) -> None:
    handler.send_response(status)
    for name, value in {"Content-Type": "text/html", **headers}.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def slowly(handler) -> None:
    body = b"<html><body>" + b"<p>list</p>" * 200 + b"</body></html>"
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body[:50])
    handler.wfile.flush()
    time.sleep(4)
    handler.wfile.write(body[50:])


def test_a_slow_page_is_a_timeout_not_a_failed_challenge():
    """A page slower than BROWSER_CHALLENGE_TIMEOUT with no challenge seen: retried, its host not blamed."""
    from playwright.async_api import async_playwright

    from crawler.fetch.browser.page import BrowserTimeout, PageTracker
    from crawler.fetch.chromium import CHROMIUM_ARGS, find_chromium

    async def visit(port):
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
            page = await browser.new_page()
            tracker = PageTracker(challenge_timeout=2.0, settle_timeout=1.0)
            page.on("response", tracker.on_response)
            await page.goto(f"http://127.0.0.1:{port}/list", wait_until="commit")
            try:
                with pytest.raises(BrowserTimeout, match="not loaded within 2 s"):
                    await tracker.settle(page)
            finally:
                await browser.close()

    with tiny_server(slowly) as (port, _):
        asyncio.run(visit(port))


def test_a_redirect_off_the_portal_in_the_browser_is_archived_and_not_followed(tmp_path):
    def offsite(handler):
        send(handler, 200, '<html><body><a href="/more.html">2020年度报告</a></body></html>'.encode())

    with tiny_server(offsite) as (other, asked_off):
        def portal(handler):
            if handler.path == "/zwgk/":
                send(handler, 302, Location=f"http://127.0.0.1:{other}/landing.html")
            else:
                send(handler, 404)

        with tiny_server(portal) as (port, _):
            registry = tmp_path / "registry.json"
            registry.write_text(json.dumps([{"id": "redir", "name": "跳转县", "region": "", "level": "county",
                                             "start_urls": [f"http://127.0.0.1:{port}/zwgk/"],
                                             "hosts": [f"127.0.0.1:{port}"], "browser": True}]))
            result = govarchive("crawl", "--portals", registry, "--data", tmp_path, *TEST_SETTINGS, check=False)
    db = sqlite_utils.Database(tmp_path / "archive.db")
    errors = json.loads(next(db.query("select error_counts from crawls"))["error_counts"])
    assert result.returncode == 1 and errors.get("outside_portal") == 1, result.stdout + result.stderr
    landed = [row for row in db.query("select url, error from captures where url like ?", [f"%:{other}/%"])]
    assert [row["url"] for row in landed] == [f"http://127.0.0.1:{other}/landing.html"]
    assert landed[0]["error"].startswith("outside_portal:")
    assert "/more.html" not in asked_off  # nothing on the other host was followed
