"""Bombs fail one file, not the crawl: a DOCX, XLSX or PDF that unpacks to gigabytes ends as that attachment's
``error: too large …`` status, in a real extraction worker under the crawl's limits, and the same worker
extracts the next file.

The size checks stop the bombs long before the worker's address-space cap (EXTRACT_MEMORY_LIMIT); the last
tests switch them off to show that the cap alone still turns a bomb into a status, not a dead worker.
"""

from __future__ import annotations

import asyncio
import os
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
    (pid,) = {pipeline.pool.submit(os.getpid).result() for _ in range(3)}  # one worker
    return pid


def stub_report_with(name: str, body: bytes) -> ReportCandidate:
    """A report page that is only a title and two 附件 links: the bomb, then a good DOCX of the report."""
    page = "<html><head><title>示例县2021年政府信息公开工作年度报告</title></head><body>详见附件。</body></html>"
    files = [(name, body), ("000.docx", samples.docx_000())]
    return ReportCandidate(url="http://example.gov.cn/ndbg/1.html", portal="p", body=page.encode(),
                           content_type="text/html; charset=utf-8",
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
    limits = pipeline.pool.submit(resource.getrlimit, resource.RLIMIT_AS).result()
    assert limits[0] == settings.EXTRACT_MEMORY_LIMIT
    assert address_space(worker_pid(pipeline))["VmSize"] < settings.EXTRACT_MEMORY_LIMIT / 2  # room to work


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


def test_a_page_that_runs_out_of_memory_is_dropped_and_counted(tmp_path):
    """A page, not a file: the item is dropped (its WARC records stay) and counted as extract_too_large."""
    from scrapy.exceptions import DropItem
    from scrapy.utils.test import get_crawler

    from tests.test_extract import report_candidate

    stats = get_crawler().stats
    pipeline = ExtractPipeline(processes=1, memory_limit=512 * MB, stats=stats)
    pipeline.open_spider()
    try:
        huge = b"<html><body>" + b"<p>a</p>" * (40 * MB // 8) + b"</body></html>"  # 5 million elements for lxml
        with pytest.raises(DropItem, match="too large: the extraction ran out of memory"):
            asyncio.run(pipeline.process_item(ReportCandidate(url="http://example.gov.cn/huge.html", portal="p",
                                                              body=huge, content_type="text/html")))
        item = asyncio.run(pipeline.process_item(report_candidate()))
    finally:
        pipeline.close_spider()
    assert item.extracted["title"] == "示例市人民政府2019年政府信息公开工作年度报告" and pipeline.restarts == 0
    assert stats.get_value("govarchive/errors/extract_too_large") == 1
