"""WarcCaptureMiddleware in a real Scrapy crawl against a local server: what was sent is what is stored."""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import sqlite_utils
from scrapy import Request
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from archive.capture import capture_exchange
from archive.session import ArchiveSession
from archive.warc import read_http_payload, read_record
from crawler.fetch.reuse import ArchiveReuseMiddleware
from crawler.requests import WARC

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

GBK_HTML = "<html><head><title>2023年政府信息公开工作年度报告</title></head><body>二〇二四年一月</body></html>"
GBK_DISPOSITION = 'inline; filename="年报.html"'.encode("gbk")


def _pages() -> dict[str, dict]:
    """path -> what the server answers: status, headers (values are raw bytes as latin-1 text), body chunks."""
    html = "<html><body>年度报告 gzip</body></html>".encode("utf-8")
    return {
        "/robots.txt": {"status": 200, "headers": [("Content-Type", "text/plain")],
                        "chunks": [b"User-agent: *\nDisallow: /private\n"]},
        "/gzip": {"status": 200, "chunks": [gzip.compress(html * 20, mtime=0)], "headers": [
            ("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"), ("ETag", '"v1"'),
            ("Last-Modified", "Mon, 15 Jan 2024 08:00:00 GMT"), ("Set-Cookie", "a=1; Path=/"),
            ("Set-Cookie", "b=2; Path=/")]},
        "/chunked": {"status": 200, "chunked": True, "headers": [("Content-Type", "text/html; charset=utf-8")],
                     "chunks": [b"<html><body>", "分块传输".encode("utf-8"), b"</body></html>"]},
        "/redirect": {"status": 301, "headers": [("Location", "/target"), ("Content-Type", "text/html")],
                      "chunks": [b"<a href='/target'>moved</a>"]},
        "/target": {"status": 200, "headers": [("Content-Type", "text/html")], "chunks": [b"<html>target</html>"]},
        "/404": {"status": 404, "headers": [("Content-Type", "text/html")], "chunks": [b"not found"]},
        "/500": {"status": 500, "headers": [("Content-Type", "text/html")], "chunks": [b"server error"]},
        "/gbk": {"status": 200, "chunks": [GBK_HTML.encode("gbk")], "headers": [
            ("Content-Type", "text/html; charset=gbk"), ("Content-Disposition", GBK_DISPOSITION.decode("latin-1"))]},
    }


PAGES = _pages()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path == "/slow":  # answers after the client's download_timeout, to nobody
            time.sleep(2)
            self.close_connection = True
            return
        page = PAGES.get(self.path)
        if page is None:
            self.send_error(404)
            return
        self.send_response(page["status"])
        for name, value in page["headers"]:
            self.send_header(name, value)
        if page.get("chunked"):
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for chunk in page["chunks"]:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        else:
            body = b"".join(page["chunks"])
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args):
        pass


SPIDER = textwrap.dedent('''
    import dataclasses, json, os, sys
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings
    from scrapy.utils.misc import load_object

    base, closed_port, out = sys.argv[1], sys.argv[2], sys.argv[3]

    class CaptureSpider(scrapy.Spider):
        name = "capture_test"

        async def start(self):
            for path in ["/gzip", "/chunked", "/redirect", "/404", "/500", "/gbk"]:
                yield scrapy.Request(base + path, meta={"portal": "test-portal", "request_type": "item"})
            yield scrapy.Request(base + "/slow", meta={"download_timeout": 0.5, "dont_retry": True})
            yield scrapy.Request(f"http://127.0.0.1:{closed_port}/nothing", meta={"portal": "test-portal"})

        def parse(self, response):
            with open(out, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"url": response.url, "status": response.status,
                                     "warc": dataclasses.asdict(response.meta["warc"])}) + "\\n")
            if not getattr(self, "asked_private", False):
                # Asked once robots.txt is parsed (requests racing robots.txt are not checked, see report).
                self.asked_private = True
                yield scrapy.Request(base + "/private")

        def closed(self, reason):
            with open(out, "a", encoding="utf-8") as fh:
                fh.write(json.dumps({"stats": self.crawler.stats.get_stats()}, default=str) + "\\n")

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    # The project's downloader side as configured; nothing else would make this test slow or flaky.
    settings.set("ITEM_PIPELINES", {})  # the spider yields no items
    settings.set("AUTOTHROTTLE_ENABLED", False)
    settings.set("LOG_LEVEL", "WARNING")
    settings.set("GOVARCHIVE_DATA_DIR", os.environ["GOVARCHIVE_DATA_DIR"])
    process = CrawlerProcess(settings)
    process.crawl(CaptureSpider)
    process.start()
''')


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    """Run the crawl once in a subprocess; return (data dir, spider output, crawl output)."""
    tmp = tmp_path_factory.mktemp("capture")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    script, out, data = tmp / "crawl.py", tmp / "parsed.jsonl", tmp / "data"
    script.write_text(SPIDER, encoding="utf-8")
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        result = subprocess.run(
            [sys.executable, str(script), base, str(closed_port), str(out)], cwd=ROOT, capture_output=True,
            text=True, timeout=60,
            env={**os.environ, "GOVARCHIVE_DATA_DIR": str(data), "PYTHONPATH": str(ROOT)},
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stderr[-5000:]
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return {"data": data, "base": base, "closed": f"http://127.0.0.1:{closed_port}",
            "parsed": [line for line in lines if "url" in line], "stats": lines[-1]["stats"], "log": result.stderr}


@pytest.fixture(scope="module")
def warc_records(crawl):
    """Every record of every WARC file of the crawl, with its raw block."""
    out = []
    for path in sorted((crawl["data"] / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            it = ArchiveIterator(fh)
            for rec in it:
                out.append({"file": path, "type": rec.rec_type, "id": rec.rec_headers.get_header("WARC-Record-ID"),
                            "uri": rec.rec_headers.get_header("WARC-Target-URI"),
                            "concurrent": rec.rec_headers.get_header("WARC-Concurrent-To"),
                            "http": rec.http_headers, "offset": it.get_record_offset()})
    return out


@pytest.fixture(scope="module")
def captures(crawl):
    return list(sqlite_utils.Database(crawl["data"] / "archive.db").query("select * from captures order by id"))


def test_files_are_closed_and_valid(crawl):
    warc_dir = crawl["data"] / "warc"
    files = sorted(warc_dir.glob("*.warc.gz"))
    assert files and not list(warc_dir.glob("*.open"))
    result = subprocess.run([str(BIN / "warcio"), "check", "-v", *map(str, files)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "digest failed" not in result.stdout


def test_every_exchange_has_a_request_and_response_pair(crawl, warc_records):
    base = crawl["base"]
    responses = [r for r in warc_records if r["type"] == "response"]
    by_url = {}
    for r in responses:
        by_url.setdefault(r["uri"], []).append(int(r["http"].get_statuscode()))
    assert by_url == {
        f"{base}/robots.txt": [200], f"{base}/gzip": [200], f"{base}/chunked": [200], f"{base}/redirect": [301],
        f"{base}/target": [200], f"{base}/404": [404], f"{base}/500": [500, 500, 500], f"{base}/gbk": [200],
    }  # /500 retried twice (RETRY_TIMES); /private forbidden by robots.txt is not fetched
    requests = {r["concurrent"]: r for r in warc_records if r["type"] == "request"}
    for response in responses:
        request = requests[response["id"]]
        assert request["uri"] == response["uri"] and request["file"] == response["file"]
        assert request["http"].protocol == "GET"
        assert request["http"].get_header("Host") == base.removeprefix("http://")
        assert request["http"].get_header("User-Agent").startswith("govarchive/")
    assert len(requests) == len(responses)


def test_stored_bodies_are_what_the_server_sent(crawl, captures):
    base = crawl["base"]
    seen = set()
    for row in captures:
        if row["warc_file"] is None:
            continue
        path = row["url"].removeprefix(base)
        page = PAGES[path]
        raw = read_http_payload(crawl["data"] / row["warc_file"], row["warc_offset"], row["warc_length"])
        head, _, body = raw.partition(b"\r\n\r\n")
        sent = b"".join(page["chunks"])
        assert body == sent, path
        lines = head.split(b"\r\n")
        assert f"Content-Length: {len(sent)}".encode() in lines, path
        assert not [line for line in lines if line.lower().startswith(b"transfer-encoding")], path
        assert lines[0].startswith(f"HTTP/1.1 {page['status']} ".encode())
        seen.add(path)
    assert seen == set(PAGES)
    gzip_row = next(r for r in captures if r["url"] == base + "/gzip")
    raw = read_http_payload(crawl["data"] / gzip_row["warc_file"], gzip_row["warc_offset"])
    assert b"\r\nContent-Encoding: gzip\r\n" in raw and raw.split(b"\r\n\r\n", 1)[1][:2] == b"\x1f\x8b"
    assert raw.count(b"\r\nSet-Cookie: ") == 2  # one line per value
    gbk_row = next(r for r in captures if r["url"] == base + "/gbk")
    raw = read_http_payload(crawl["data"] / gbk_row["warc_file"], gbk_row["warc_offset"])
    assert b"\r\nContent-Disposition: " + GBK_DISPOSITION + b"\r\n" in raw  # header bytes as sent
    assert raw.endswith(GBK_HTML.encode("gbk"))


def test_captures_rows(crawl, captures):
    base, data = crawl["base"], crawl["data"]
    fetched = [r for r in captures if r["error"] is None]
    assert sorted((r["url"].removeprefix(base), r["status"]) for r in fetched) == sorted(
        [("/robots.txt", 200), ("/gzip", 200), ("/chunked", 200), ("/redirect", 301), ("/target", 200),
         ("/404", 404), ("/500", 500), ("/500", 500), ("/500", 500), ("/gbk", 200)])
    for row in fetched:
        assert row["warc_type"] == "response" and row["crawl_id"] == 1
        assert row["bytes"] == len(b"".join(PAGES[row["url"].removeprefix(base)]["chunks"]))
        record = read_record(data / row["warc_file"], row["warc_offset"], row["warc_length"])
        assert record.rec_type == "response"
        assert record.rec_headers.get_header("WARC-Target-URI") == row["url"]
        assert record.rec_headers.get_header("WARC-Payload-Digest") == row["payload_digest"]
        assert record.rec_headers.get_header("WARC-Date") == row["fetched_at"]
        assert record.rec_headers.get_header("WARC-IP-Address") == "127.0.0.1"
        assert int(record.http_headers.get_statuscode()) == row["status"]
    gzip_row = next(r for r in fetched if r["url"] == base + "/gzip")
    assert (gzip_row["mime"], gzip_row["etag"], gzip_row["last_modified"]) == (
        "text/html", '"v1"', "Mon, 15 Jan 2024 08:00:00 GMT")
    assert (gzip_row["portal"], gzip_row["request_type"], gzip_row["method"]) == ("test-portal", "item", "GET")
    assert next(r for r in fetched if r["url"].endswith("/robots.txt"))["portal"] is None
    assert crawl["stats"]["robotstxt/forbidden"] == 1  # /private was asked for, and refused before the download
    assert not [r for r in captures if r["url"].endswith("/private")]


def test_download_errors_are_recorded_without_a_warc_location(crawl, captures):
    errors = [r for r in captures if r["error"] is not None]
    assert {r["url"] for r in errors} == {crawl["closed"] + "/robots.txt", crawl["closed"] + "/nothing",
                                          crawl["base"] + "/slow"}
    for row in errors:
        assert row["status"] is None and row["warc_file"] is None and row["warc_offset"] is None
    refused = [r for r in errors if r["url"].startswith(crawl["closed"])]
    assert len(refused) == 6  # robots.txt and the page, one row per attempt (RetryMiddleware retried twice)
    assert all(r["error"].startswith("DownloadConnectionRefusedError: ") for r in refused)
    assert next(r for r in refused if r["url"].endswith("/nothing"))["portal"] == "test-portal"
    (timeout,) = [r for r in errors if r["url"].endswith("/slow")]
    assert timeout["error"].startswith("DownloadTimeoutError: ")


def test_request_meta_and_crawl_counts(crawl, captures):
    base, data = crawl["base"], crawl["data"]
    parsed = {p["url"]: p for p in crawl["parsed"]}
    assert set(parsed) == {base + p for p in ("/gzip", "/chunked", "/target", "/gbk")}
    rows = {(r["warc_file"], r["warc_offset"]): r for r in captures if r["warc_file"]}
    for url, item in parsed.items():
        warc = item["warc"]
        row = rows[(warc["file"], warc["offset"])]
        assert row["url"] == url and row["warc_length"] == warc["length"]  # /redirect → /target's own record
        assert (data / warc["file"]).exists() and not Path(warc["file"]).is_absolute()
        assert set(warc) == {"file", "offset", "length", "payload_digest", "record_id", "date", "capture_id"}
    crawl_row = sqlite_utils.Database(data / "archive.db")["crawls"].get(1)
    fetched = [r for r in captures if r["error"] is None]
    assert crawl_row["pages_fetched"] == len(fetched)
    payload = sum(r["bytes"] for r in fetched)  # the crawl's byte count adds each response's header block
    assert payload + 100 * len(fetched) < crawl_row["bytes_fetched"] < payload + 1000 * len(fetched)
    assert json.loads(crawl_row["error_counts"]) == {"http_500": 3, "DownloadConnectionRefusedError": 6,
                                                         "DownloadTimeoutError": 1,
                                                         # requests given up after their retries (RetryAfterMiddleware)
                                                         "gave_up_http_500": 1, "gave_up_DownloadConnectionRefusedError": 2}


def test_a_page_served_from_the_archive_points_at_its_record(tmp_path):
    """A resumed backfill serves the pages its killed run fetched from their WARC records; what the spider
    stores from such a page must point at that record, as it would for a page fetched afresh."""
    url = "http://127.0.0.1:9/zfxxgk/ndbg/t20230131_1.html"
    killed = ArchiveSession(tmp_path)
    written = capture_exchange(killed, None, url=url, method="GET", request_headers=[], request_body=b"",
                               status=200, protocol="HTTP/1.1", body=b"<html>report</html>",
                               response_headers=[("Content-Type", "text/html; charset=utf-8")])
    killed.warc.close()
    resumed = ArchiveSession(tmp_path)
    resumed.resumable = {url: killed.store.latest_capture(url)}
    request = Request(url)
    response = ArchiveReuseMiddleware(resumed, get_crawler().stats).process_request(request)
    assert response.body == b"<html>report</html>"
    located = request.meta[WARC]
    assert (located.file, located.offset, located.length) == (written.file, written.offset, written.length)
    resumed.warc.close()
