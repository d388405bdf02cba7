"""End to end: `govarchive crawl` over the sample portals finds, archives, cleans and stores every report."""

from __future__ import annotations

import inspect
import io
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils
from scrapy.utils.misc import is_generator_with_return_value
from warcio.archiveiterator import ArchiveIterator

from crawler.registry import netloc_of
from spiders.portal import PortalSpider
from tests.conftest import CORPUS, ROOT, TEST_SETTINGS, corpus_meta, govarchive
from tests.textcompare import assert_same_text

CHROME_PHRASES = ["字号", "字体大小", "【大 中 小】", "视力保护色", "打印本页", "关闭窗口", "分享到", "扫一扫在手机打开",
                  "相关文档", "相关链接", "上一篇", "下一篇", "版权所有", "网站标识码", "浏览次数", "发布时间：", "发布时间:"]


@pytest.fixture(scope="module")
def db(crawled_archive):
    data, _ = crawled_archive
    return sqlite_utils.Database(data / "archive.db")


def reports_by_url(db):
    return {row["url"]: row for row in db.query("select * from reports where is_latest = 1")}


def test_every_corpus_report_is_found(db, sample_portals):
    stored = reports_by_url(db)
    missing = [r.url for r in sample_portals.expected_reports if r.url not in stored]
    assert not missing, f"reports not archived: {missing}"


def test_no_decoy_is_stored_as_a_report(db, sample_portals):
    stored = reports_by_url(db)
    assert not [url for url in sample_portals.decoy_urls if url in stored]


@pytest.mark.parametrize("corpus_id", sorted(corpus_meta()))
def test_stored_text_and_metadata_match_the_corpus(db, sample_portals, corpus_id):
    expected = next(r for r in sample_portals.expected_reports if r.corpus_id == corpus_id)
    row = reports_by_url(db)[expected.url]
    assert_same_text(row["text"], (CORPUS / f"{corpus_id}.gold.txt").read_text(encoding="utf-8"))
    meta = corpus_meta()[corpus_id]
    for field in ("title", "publish_date", "source", "report_year"):
        if meta.get(field) is not None:
            assert row[field] == meta[field], field
    assert row["chars"] == len(row["text"])
    assert row["agency"] == meta["agency"]


def test_reports_published_as_attachments_take_the_attachment_text(db, sample_portals):
    stored = reports_by_url(db)
    stubs = [stored[r.url] for r in sample_portals.extra_reports if r.url in stored
             and db["attachments"].count_where("report_id = ?", [stored[r.url]["id"]])]
    assert len(stubs) >= 2
    for row in stubs:
        assert row["text_status"].startswith("from attachment"), row["url"]
        assert row["chars"] > 200 and "政府信息公开" in row["text"]
        attachment = next(db.query("select * from attachments where report_id = ?", [row["id"]]))
        assert attachment["text_status"] == "ok" and attachment["warc_file"] and attachment["text"] in row["text"]


def test_no_chrome_in_any_stored_text(db):
    for row in db.query("select url, text from reports"):
        leaked = [phrase for phrase in CHROME_PHRASES if phrase in row["text"]]
        assert not leaked, f"{row['url']} keeps chrome {leaked}"


def test_every_warc_file_passes_warcio_check(crawled_archive):
    data, _ = crawled_archive
    files = sorted((data / "warc").glob("*.warc.gz"))
    assert files and not list((data / "warc").glob("*.open"))
    result = subprocess.run([str(Path(sys.executable).with_name("warcio")), "check", "-v", *map(str, files)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_each_report_points_at_its_response_record(crawled_archive, db):
    """Exactly warc_length bytes at warc_offset hold the page's response record, and nothing else."""
    data, _ = crawled_archive
    for row in db.query("select url, warc_file, warc_offset, warc_length from reports"):
        with open(data / row["warc_file"], "rb") as stream:
            stream.seek(row["warc_offset"])
            records = list(ArchiveIterator(io.BytesIO(stream.read(row["warc_length"]))))
        assert [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in records] == [("response", row["url"])]


def test_every_exchange_is_captured_and_nothing_outside_the_portals_is_fetched(db, sample_portals):
    hosts = {netloc_of(p.base_url) for p in sample_portals.portals}
    captured = list(db.query("select url, status, warc_file from captures"))
    assert {netloc_of(c["url"]) for c in captured} <= hosts
    assert any(c["url"].endswith("/robots.txt") for c in captured)
    assert all(c["warc_file"] for c in captured if c["status"])


def test_focused_crawl_fetches_fewer_pages_than_the_portals_have(db, sample_portals):
    for portal in sample_portals.portals:
        fetched = db.execute("select count(distinct url) from captures where portal = ?", [portal.id]).fetchone()[0]
        assert 0 < fetched <= len(sample_portals.page_urls(portal.id)), portal.id


def test_second_crawl_adds_no_rows(crawled_archive, db):
    data, _ = crawled_archive
    before = db["reports"].count
    result = govarchive("crawl", "--portals", data / "sample-portals.json", "--data", data, *TEST_SETTINGS)
    assert db["reports"].count == before
    last = db.execute("select reports_found, reports_new, reports_changed from crawls order by id desc").fetchone()
    assert last == (before, 0, 0)
    assert "0 new, 0 changed" in result.stdout


def test_crawl_takes_no_code_from_outside(crawled_archive):
    """Scrapy 2.19's remote control (an HTTP server executing posted code, its token in a job file a killed crawl
    leaves behind) is off: REMOTE_CONTROL_ENABLED in crawler/settings.py."""
    data, _ = crawled_archive
    log = max((data / "logs").glob("*.log"), key=lambda path: path.stat().st_mtime).read_text(encoding="utf-8")
    assert "Enabled extensions" in log
    assert "RemoteControl" not in log and "Remote control HTTP server" not in log


def test_crawl_summary_and_reports_listing(crawled_archive, sample_portals):
    data, result = crawled_archive
    reports = len(sample_portals.expected_reports + sample_portals.extra_reports)
    assert f"{reports} reports ({reports} new, 0 changed)" in result.stdout
    listing = govarchive("reports", "--data", data).stdout
    for expected in sample_portals.expected_reports:
        assert expected.title in listing


def test_scrapy_crawl_works_as_scrapy_users_expect(sample_portals, tmp_path):
    """``scrapy crawl portal -a url=…`` from the repository root: the same spider, pipelines and archive."""
    portal = sample_portals.portal("cdjkq")
    scrapy = Path(sys.executable).with_name("scrapy")
    result = subprocess.run([str(scrapy), "crawl", "portal", "-a", f"url={portal.start_url}",
                             "-s", f"GOVARCHIVE_DATA_DIR={tmp_path}", *TEST_SETTINGS],
                            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    db = sqlite_utils.Database(tmp_path / "archive.db")
    stored = {row["url"] for row in db.query("select url from reports")}
    expected = {r.url for r in sample_portals.expected_reports + sample_portals.extra_reports if r.portal_id == "cdjkq"}
    assert stored == expected
    warcs = sorted((tmp_path / "warc").glob("*.warc.gz"))
    check = subprocess.run([str(Path(sys.executable).with_name("warcio")), "check", *map(str, warcs)],
                           capture_output=True, text=True)
    assert warcs and check.returncode == 0, check.stdout + check.stderr


def test_no_generator_callback_returns_a_value():
    """Scrapy's check on every response (WARN_ON_GENERATOR_RETURN_VALUE, switched off in crawler/settings.py),
    made once: a ``return value`` in a generator is lost, not yielded."""
    generators = [f for _, f in inspect.getmembers(PortalSpider, inspect.isfunction) if inspect.isgeneratorfunction(f)]
    assert generators and [f.__name__ for f in generators if is_generator_with_return_value(f)] == []
