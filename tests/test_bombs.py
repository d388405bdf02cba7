"""Bombs fail one file, not the crawl: a DOCX, XLSX or PDF that unpacks to gigabytes ends as that attachment's
``error: too large …`` status, in a real extraction worker under the crawl's limits, and the same worker
extracts the next file.

The size checks stop the bombs long before the worker's address-space cap (EXTRACT_MEMORY_LIMIT); the last
tests switch them off to show that the cap alone still turns a bomb into a status, not a dead worker.
"""

from __future__ import annotations

import asyncio
import re
import resource

import pytest

from crawler import settings
from crawler.items import ReportCandidate
from pipelines.extract import ExtractPipeline
from tests import attachment_samples as samples
from tests import bombs

MB = 2**20
BOMBS = {"report.docx": bombs.docx_bomb, "stats.xlsx": bombs.xlsx_bomb, "report.pdf": bombs.pdf_bomb,
         "lzw.pdf": bombs.pdf_lzw_bomb}


def address_space(pid: int) -> dict[str, int]:
    """VmPeak, VmSize (address space) and VmHWM (peak resident) of a process, in bytes."""
    with open(f"/proc/{pid}/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    return {key: int(fields[key].split()[0]) * 1024 for key in ("VmPeak", "VmSize", "VmHWM")}


def worker_pid(pipeline: ExtractPipeline) -> int:
    (worker,) = pipeline.pool.workers
    return worker.process.pid


def stub_report_with(name: str, body: bytes) -> ReportCandidate:
    """A report page that is only a title and two 附件 links: the bomb, then a good DOCX of the report."""
    page = "<html><head><title>示例县2021年政府信息公开工作年度报告</title></head><body>详见附件。</body></html>"
    files = [(name, body), ("000.docx", samples.docx_000())]
    return ReportCandidate(url="http://example.gov.cn/ndbg/1.html", portal="p", html=page, encoding="utf-8",
                           attachments=[{"url": f"http://example.gov.cn/ndbg/{n}", "filename": n, "content_type": "",
                                         "body": b} for n, b in files])


def extract_in(pipeline: ExtractPipeline, name: str, body: bytes) -> ReportCandidate:
    """The report through the pipeline's worker; the worker's pid must be the same before and after."""
    before = worker_pid(pipeline)
    item = asyncio.run(pipeline.process_item(stub_report_with(name, body)))
    assert worker_pid(pipeline) == before and pipeline.restarts == 0, "the worker died"
    return item


@pytest.fixture(scope="module")
def pipeline():
    """One worker with the crawl's limits (crawler/settings.py)."""
    pipeline = ExtractPipeline(processes=1, memory_limit=settings.EXTRACT_MEMORY_LIMIT,
                               max_unpacked=settings.EXTRACT_UNPACKED_MAXSIZE)
    pipeline.open_spider()
    yield pipeline
    pipeline.close_spider()


def test_the_worker_runs_under_the_memory_cap(pipeline):
    limits = asyncio.run(pipeline.pool.run(resource.getrlimit, resource.RLIMIT_AS))
    assert limits[0] == settings.EXTRACT_MEMORY_LIMIT


@pytest.mark.parametrize("name", BOMBS)
def test_a_bomb_is_its_files_error_and_the_worker_extracts_the_next_file(pipeline, name):
    body = BOMBS[name]()
    assert len(body) < 6 * MB
    item = extract_in(pipeline, name, body)
    bomb, good = item.attachments
    limit = settings.EXTRACT_UNPACKED_MAXSIZE // MB
    expected = (rf"its members unpack to 150\d MB, more than {limit} MB" if name.endswith("x")  # checked before reading
                else rf"its streams unpack to more than {limit} MB")  # counted while pdfminer decodes
    assert re.fullmatch(f"error: too large: {expected}", bomb["text_status"]), bomb["text_status"]
    assert bomb["text"] == "" and "body" not in bomb
    # the next file, in the same worker: the report keeps the text of its good attachment
    assert good["text_status"] == "ok" and good["text"].split("\n") == samples.expected_lines(samples.R000, True)
    assert item.extracted["text"] == good["text"] and item.extracted["text_status"] == "from attachment: 000.docx"
    peak = address_space(worker_pid(pipeline))
    assert peak["VmPeak"] <= settings.EXTRACT_MEMORY_LIMIT and peak["VmHWM"] < settings.EXTRACT_MEMORY_LIMIT


@pytest.mark.parametrize("name", ["report.docx", "report.pdf"])
def test_with_no_size_limit_the_memory_cap_still_stops_a_bomb(name):
    """The last line of defence: the unpack limit out of the way, the worker's address-space cap (here
    512 MB, to keep the test short) turns the bomb into the file's status; the worker lives on."""
    pipeline = ExtractPipeline(processes=1, memory_limit=512 * MB, max_unpacked=2**40)
    pipeline.open_spider()
    try:
        item = extract_in(pipeline, name, BOMBS[name]())
        peak = address_space(worker_pid(pipeline))
    finally:
        pipeline.close_spider()
    bomb, good = item.attachments
    assert bomb["text_status"] == "error: too large: the extraction ran out of memory (EXTRACT_MEMORY_LIMIT)"
    assert good["text_status"] == "ok" and item.extracted["text"] == good["text"]
    assert peak["VmPeak"] <= 512 * MB and peak["VmHWM"] < 512 * MB


def test_a_page_that_runs_out_of_memory_is_dropped_and_counted():
    """A page, not a file: the item is dropped (its WARC records stay) and counted as extract_too_large."""
    from scrapy.exceptions import DropItem
    from scrapy.utils.test import get_crawler

    stats = get_crawler().stats
    pipeline = ExtractPipeline(processes=1, memory_limit=512 * MB, stats=stats)
    pipeline.open_spider()
    try:
        huge = b"<html><body>" + b"<p>a</p>" * (40 * MB // 8) + b"</body></html>"  # 5 million elements for lxml
        with pytest.raises(DropItem, match="too large: the extraction ran out of memory"):
            asyncio.run(pipeline.process_item(ReportCandidate(url="http://example.gov.cn/huge.html", portal="p",
                                                              html=huge.decode("utf-8"), encoding="utf-8")))
        item = extract_in(pipeline, "000.docx", samples.docx_000())
    finally:
        pipeline.close_spider()
    assert [a["text_status"] for a in item.attachments] == ["ok", "ok"]
    assert item.extracted["title"] == "示例县2021年政府信息公开工作年度报告"
    assert stats.get_value("govarchive/errors/extract_too_large") == 1


# -- a real crawl: the bombs fail alone, the report is archived from its good attachment ---------------

REPORT_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>示例县2021年政府信息公开工作年度报告</title></head>
<body><h1>示例县2021年政府信息公开工作年度报告</h1><p>详见附件。</p>
<p>附件：<a href="/files/bomb.docx">bomb.docx</a> <a href="/files/bomb.xlsx">bomb.xlsx</a>
<a href="/files/bomb.pdf">bomb.pdf</a> <a href="/files/report.docx">示例县2021年报告</a></p></body></html>"""


@pytest.fixture(scope="module")
def bomb_portal():
    """One report page on 127.0.0.1 whose 附件 are a DOCX, an XLSX and a PDF bomb, and the report as DOCX."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    files = {"/": ("text/html; charset=utf-8", REPORT_PAGE.encode()),
             "/files/bomb.docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                  bombs.docx_bomb()),
             "/files/bomb.xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                  bombs.xlsx_bomb()),
             "/files/bomb.pdf": ("application/pdf", bombs.pdf_bomb()),
             "/files/report.docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                    samples.docx_000())}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            content_type, body = files.get(self.path, ("text/plain", b""))
            self.send_response(200 if self.path in files else 404)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_crawl_archives_the_report_and_each_bomb_fails_alone(bomb_portal, tmp_path):
    import json

    from tests.conftest import LOOPBACK_SETTINGS
    from tests.portal_crawl import crawl

    registry = tmp_path / "portals.json"
    registry.write_text(json.dumps([{"id": "bombs", "name": "示例县人民政府", "start_urls": [f"http://{bomb_portal}/"],
                                     "hosts": [bomb_portal]}]), encoding="utf-8")
    run = crawl(tmp_path / "data", registry, *LOOPBACK_SETTINGS)
    assert run.returncode == 0, run.stderr[-3000:]
    (report,) = run.reports().values()
    statuses = {row["filename"]: row["text_status"]
                for row in run.db.query("select filename, text_status from attachments order by id")}
    limit = settings.EXTRACT_UNPACKED_MAXSIZE // MB
    assert statuses == {"bomb.docx": f"error: too large: its members unpack to 1501 MB, more than {limit} MB",
                        "bomb.xlsx": f"error: too large: its members unpack to 1500 MB, more than {limit} MB",
                        "bomb.pdf": f"error: too large: its streams unpack to more than {limit} MB",
                        "report.docx": "ok"}
    assert report["text"].split("\n") == samples.expected_lines(samples.R000, True)
