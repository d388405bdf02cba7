"""Faults and traps: the crawl finishes, archives the reports behind them, and records every failure.

One real crawl (``govarchive crawl``) of the ``faults`` sample portal (tests/sampleportals/faults.py:
timeouts, connection resets, 5xx, a truncated body, redirect loops, a calendar trap, self-nesting paths,
two 50 MB files, a gzip bomb, links and redirects to another host and to private addresses, and pages in
GBK/GB18030 declared in the wrong place or not at all), with DOWNLOAD_TIMEOUT=3 to keep it short.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.registry import netloc_of
from crawler.settings import URL_TRAP_MAX_PER_PATTERN
from tests.conftest import TEST_SETTINGS, assert_verified
from tests.portal_crawl import crawl
from tests.sampleportals import SamplePortals, write_registry
from tests.sampleportals.faults import ENCODINGS, FAULTS



@pytest.fixture(scope="module")
def portals():
    with SamplePortals(group="faults") as sp:
        yield sp


@pytest.fixture(scope="module")
def run(portals, tmp_path_factory):
    data = tmp_path_factory.mktemp("faults")
    registry = write_registry([portals.portal("shimen")], data / "registry.json")  # not the "outside" host
    return crawl(data, registry, *TEST_SETTINGS, "-s", "DOWNLOAD_TIMEOUT=3")


def year_of(title: str) -> int:
    return int(re.search(r"(\d{4})年", title).group(1))


def reports(portals, faulty: bool):
    return {r.url: r for r in portals.extra_reports if r.portal_id == "shimen" and (year_of(r.title) in FAULTS) == faulty}


def url_of(portals, year: int) -> str:
    return next(r.url for r in portals.extra_reports if r.portal_id == "shimen" and year_of(r.title) == year)


def test_crawl_finishes_with_errors(run):
    assert run.returncode == 1, run.stdout + run.stderr  # finished, with errors
    assert run.row["status"] == "finished with errors" and run.row["finished_at"]
    assert "Traceback" not in run.stderr


def test_the_reports_behind_the_faults_are_archived(run, portals):
    stored = run.reports()
    good = reports(portals, faulty=False)
    assert len(good) == 8
    assert sorted(set(good) - set(stored)) == []


def test_unreachable_or_broken_reports_are_not_stored(run, portals):
    stored = run.reports()
    assert [url for url in reports(portals, faulty=True) if url in stored] == []  # the truncated one included


def test_every_kind_of_failure_is_counted_in_the_crawl_row(run):
    counts = run.error_counts
    assert counts["DownloadTimeoutError"] >= 3 and counts["gave_up_DownloadTimeoutError"] >= 1  # 3 attempts
    expected = {
        "DownloadFailedError": 3, "gave_up_DownloadFailedError": 1,     # connection reset
        "truncated": 3, "gave_up_truncated": 1,                         # body shorter than Content-Length
        "http_500": 3, "gave_up_http_500": 1,
        "gave_up_http_503": 1,                                          # always 503, Retry-After: 1
        "redirect_loop": 1, "too_many_redirects": 1, "decompressed_too_large": 1,
    }
    for kind, n in expected.items():
        assert counts.get(kind) == n, (kind, counts)
    assert counts["http_503"] == 4  # the always-503 page 3 times, the flaky report once
    assert counts.get("too_large", 0) >= 2  # both 50 MB files (Content-Length, and chunked)
    assert run.row["errors"] == sum(counts.values())


def test_every_failure_is_recorded_in_captures(run, portals):
    def rows(url):
        return run.captures("url = ?", [url])

    timeout, reset, truncated = url_of(portals, 2018), url_of(portals, 2017), url_of(portals, 2016)
    assert [r["error"].split(":")[0] for r in rows(timeout)] == ["DownloadTimeoutError"] * 3
    assert all(r["error"].startswith("DownloadFailedError") and r["status"] is None for r in rows(reset))
    assert all(r["status"] == 200 and r["error"].startswith("truncated:") for r in rows(truncated))
    assert [r["status"] for r in rows(url_of(portals, 2013))] == [500] * 3
    assert [r["status"] for r in rows(url_of(portals, 2012))] == [503] * 3
    big = run.captures("url like ?", ["%/big-%.pdf"])
    assert {r["url"].rsplit("/", 1)[1] for r in big if "DownloadCancelledError" in (r["error"] or "")} == \
        {"big-length.pdf", "big-chunked.pdf"}
    (bomb,) = run.captures("url like ?", ["%/zwgk/nb/hj.html"])
    assert bomb["status"] == 200 and bomb["error"].startswith("decompressed_too_large:") and bomb["bytes"] < 2_000_000
    loop = run.captures("url like ?", ["%/zwgk/loop-%"])
    assert [r["status"] for r in loop] == [302, 302] and loop[-1]["error"].startswith("redirect_loop:")
    chain = run.captures("url like ?", ["%/zwgk/go?n=%"])
    assert len(chain) == 21 and chain[-1]["error"].startswith("too_many_redirects:")  # REDIRECT_MAX_TIMES 20


def test_a_truncated_body_is_archived_as_received_and_flagged(run, portals):
    (capture, *_) = run.captures("url = ?", [url_of(portals, 2016)])
    with open(run.data / capture["warc_file"], "rb") as stream:
        stream.seek(capture["warc_offset"])
        record = next(iter(ArchiveIterator(stream)))
        assert record.rec_headers.get_header("WARC-Truncated") == "disconnect"
        body = record.content_stream().read()
    assert len(body) == capture["bytes"] > 1000
    assert "石门县人民政府2016年政府信息公开工作年度报告" in body.decode("utf-8")


def test_the_report_of_a_too_large_attachment_is_kept_with_the_failure_noted(run, portals):
    stored = run.reports()
    for year, name in ((2015, "big-chunked.pdf"), (2014, "big-length.pdf")):
        report = stored[url_of(portals, year)]
        (attachment,) = run.db.query("select * from attachments where report_id = ?", [report["id"]])
        assert attachment["url"].endswith(name) and attachment["text_status"].startswith("error")


def test_nothing_outside_the_portal_is_fetched(run, portals):
    shimen = netloc_of(portals.portal("shimen").base_url)
    assert [entry for entry in portals.request_log if entry[0] != "shimen"] == []  # the other host saw nothing
    assert {netloc_of(c["url"]) for c in run.captures()} == {shimen}
    for address in ("10.255.255.1", "192.168.1.10", "169.254.169.254"):
        assert not run.captures("url like ?", [f"%{address}%"])
    stats = run.log
    assert re.search(r"'govarchive/dropped/outside_portal': [2-9]", stats)  # the two redirects, stopped
    assert re.search(r"'govarchive/links_outside_portal': [3-9]", stats)


def test_traps_are_cut_short(run, portals):
    calendar = [path for pid, _, path, _, _ in portals.request_log if path.startswith("/zwgk/nb/calendar")]
    assert 10 < len(calendar) <= URL_TRAP_MAX_PER_PATTERN
    nested = [path for pid, _, path, _, _ in portals.request_log if "/archive/" in path]
    assert nested == ["/zwgk/nb/archive/", "/zwgk/nb/archive/archive/"]
    assert re.search(r"'govarchive/dropped/url_trap': \d", run.log)


def test_a_report_that_first_answers_503_is_retried_and_archived(run, portals):
    url = url_of(portals, 2022)
    assert [r["status"] for r in run.captures("url = ?", [url])] == [503, 200]
    assert url in run.reports()


# -- encodings --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("year", sorted(ENCODINGS) + [2011])
def test_pages_in_gbk_and_gb18030_are_stored_as_the_right_text(run, portals, year):
    """2021: GBK declared only in <meta>; 2020: GB18030 bytes under a wrong ``charset=utf-8`` header (meta
    gb2312); 2019: GBK declared nowhere; 2011: found on a GB18030 list page whose header says utf-8."""
    site = portals._state("shimen").site
    article = next(a for a in site.articles() if a.kind == "report" and str(year) in a.title)
    row = run.reports()[site.base_url + article.path]
    assert "\ufffd" not in row["text"] and row["title"] == article.title
    for line in article.lines:
        assert line in row["text"], line
    if year == 2020:
        assert "李䶮、王堃" in row["text"]  # 䶮: four bytes in GB18030, beyond GBK
    if year == 2011:
        assert row["link_text"] == article.title  # the list page's link text, read right


def test_every_warc_file_passes_warcio_check(run):
    files = sorted((run.data / "warc").glob("*.warc.gz"))
    assert files and not list((run.data / "warc").glob("*.open"))
    result = subprocess.run([str(Path(sys.executable).with_name("warcio")), "check", *map(str, files)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_url_trap_limit_counts_pages_of_one_pattern_but_not_list_api_posts():
    from scrapy import FormRequest, Request
    from scrapy.exceptions import IgnoreRequest
    from scrapy.statscollectors import MemoryStatsCollector
    from scrapy.utils.test import get_crawler

    from crawler.fetch.traps import UrlTrapMiddleware

    traps = UrlTrapMiddleware(MemoryStatsCollector(get_crawler()), max_per_pattern=3)
    meta = {"portal": "p", "request_type": "next_page"}
    for n in range(3):
        traps.process_request(Request(f"http://a.gov.cn/cal?date=2017-03-0{n + 1}", meta=meta))
        traps.process_request(FormRequest(f"http://a.gov.cn/module/web/jpage/dataproxy.jsp?startrecord={n}1",
                                          formdata={"col": "1"}, meta=meta))
    traps.process_request(FormRequest("http://a.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=91",
                                      formdata={"col": "1"}, meta=meta))  # the API's own bound applies
    with pytest.raises(IgnoreRequest, match="more than 3 pages like"):
        traps.process_request(Request("http://a.gov.cn/cal?date=2017-03-04", meta=meta))
    with pytest.raises(IgnoreRequest, match="repeats a segment"):
        traps.process_request(Request("http://a.gov.cn/xxgk/xxgk/xxgk/index.html", meta=meta))
    report = {"portal": "p", "request_type": "report"}
    assert traps.process_request(Request("http://a.gov.cn/cal?date=2017-03-05", meta=report)) is None


def test_the_archive_verifies(run):
    assert_verified(run.data)
