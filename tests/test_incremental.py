"""Nightly crawls fetch only what changed; a killed backfill resumes; one run at a time per data directory."""

from __future__ import annotations

import datetime as dt
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import TEST_SETTINGS, assert_verified, govarchive
from tests.sampleportals import SamplePortals

GOVARCHIVE = str(Path(sys.executable).with_name("govarchive"))
SLOW = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_DELAY=0.15"]
NEW_REPORT = [
    "根据《中华人民共和国政府信息公开条例》要求，现公布常德市人民政府2018年度政府信息公开工作年度报告。",
    "一、概述",
    "2018年，全市政府信息公开工作坚持以公开为常态、不公开为例外，主动公开政府信息12345条。",
    "二、依申请公开政府信息情况",
    "全年共受理政府信息公开申请88件，均在法定期限内答复。",
]


@pytest.fixture
def portals():
    with SamplePortals() as sample:
        yield sample


def crawl(data, *extra, check=True):
    return govarchive("crawl", "--portals", data / "sample-portals.json", "--data", data, *TEST_SETTINGS, *extra,
                      check=check)


def first_crawl(portals, data) -> sqlite_utils.Database:
    portals.write_registry(data / "sample-portals.json")
    crawl(data)
    return sqlite_utils.Database(data / "archive.db")


def last_crawl(db) -> dict:
    return next(db.query("select * from crawls order by id desc limit 1"))


def test_unchanged_nightly_fetches_only_listings_and_adds_nothing(portals, tmp_path):
    db = first_crawl(portals, tmp_path)
    reports, responses = db["reports"].count, db.execute("select count(*) from captures").fetchone()[0]
    crawl(tmp_path)
    run = last_crawl(db)
    captures = list(db.query("select * from captures where crawl_id = ?", [run["id"]]))
    assert db["reports"].count == reports
    assert (run["reports_found"], run["reports_new"], run["reports_changed"]) == (reports, 0, 0)
    assert {c["request_type"] for c in captures} <= {"listing", "next_page", None}  # None: robots.txt
    assert all(c["status"] == 304 for c in captures if c["request_type"])
    assert not [c for c in captures if c["warc_type"] == "response" and c["status"] == 200
                and db.execute("select 1 from captures where url = ? and payload_digest = ? and crawl_id < ?",
                               [c["url"], c["payload_digest"], run["id"]]).fetchone()]
    portals_crawled = len(portals.portals)
    assert len(captures) == db["listings"].count + portals_crawled < responses  # the listings and robots.txt


def nights_pass(db, days: float) -> None:
    """Time passes for the archive: every report was last checked ``days`` earlier than it says."""
    db.execute("update reports set last_seen_at = strftime('%Y-%m-%dT%H:%M:%SZ', last_seen_at, ?)",
               [f"-{days} days"])
    db.conn.commit()


def fetched_by(db, run: dict) -> set[str]:
    return {row["url"] for row in db.query("select url from captures where crawl_id = ?", [run["id"]])}


def test_nightly_archives_a_new_report_and_versions_a_changed_one(portals, tmp_path):
    db = first_crawl(portals, tmp_path)
    changed = next(r for r in portals.extra_reports if r.portal_id == "changde")
    new_url = portals.add_report("changde", "常德市人民政府2018年度政府信息公开工作年度报告", NEW_REPORT, "2019-03-20 10:00")
    portals.change_report(changed.url, NEW_REPORT[:1] + ["（本报告已更正）第二部分数据更正为最新统计结果。"])
    nights_pass(db, 31)  # an old report is re-checked within a month
    crawl(tmp_path)
    run = last_crawl(db)
    assert (run["reports_new"], run["reports_changed"]) == (1, 1)
    new = next(db.query("select * from reports where url = ?", [new_url]))
    assert new["report_year"] == 2018 and "主动公开政府信息12345条" in new["text"]
    versions = list(db.query("select version, is_latest, text from reports where url = ? order by version",
                             [changed.url]))
    assert [(v["version"], v["is_latest"]) for v in versions] == [(1, 0), (2, 1)]
    assert "已更正" in versions[1]["text"] and "已更正" not in versions[0]["text"]


def test_a_recent_report_is_checked_every_night_an_old_one_within_a_month(portals, tmp_path):
    """Corrections come mostly in the weeks after publication: a report published two days ago and corrected
    is caught the next night; an old, stable report is left alone night after night, yet checked within a
    month (spiders/recheck.py)."""
    db = first_crawl(portals, tmp_path)
    published = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    recent = portals.add_report("changde", "常德市人民政府2025年度政府信息公开工作年度报告", NEW_REPORT, published)
    old = next(r.url for r in portals.extra_reports if r.portal_id == "changde" and "2016" in r.title)
    nights_pass(db, 1)
    crawl(tmp_path)
    assert recent in fetched_by(db, last_crawl(db)) and old not in fetched_by(db, last_crawl(db))

    portals.change_report(recent, NEW_REPORT[:1] + ["（本报告已更正）全年共受理政府信息公开申请90件。"])
    nights_pass(db, 1)
    crawl(tmp_path)
    run = last_crawl(db)
    assert run["reports_changed"] == 1 and old not in fetched_by(db, run)
    versions = [row["text"] for row in db.query("select text from reports where url = ? order by version", [recent])]
    assert len(versions) == 2 and "申请90件" in versions[1]

    nights_pass(db, 26)  # four weeks since it was checked: still left alone
    crawl(tmp_path)
    assert old not in fetched_by(db, last_crawl(db))
    nights_pass(db, 2)  # a month: checked again
    crawl(tmp_path)
    run = last_crawl(db)
    assert old in fetched_by(db, run)
    checked = next(db.query("select last_seen_at from reports where url = ? and is_latest = 1", [old]))
    assert checked["last_seen_at"] >= run["started_at"]


def wait_for_captures(data: Path, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with sqlite3.connect(data / "archive.db") as conn:
                if conn.execute("select count(*) from captures").fetchone()[0] >= count:
                    return
        except sqlite3.OperationalError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"fewer than {count} captures after {timeout} s")


def report_urls(data: Path) -> set[str]:
    return {row[0] for row in sqlite3.connect(data / "archive.db").execute("select url from reports")}


def test_backfill_killed_with_sigkill_resumes_where_it_stopped(portals, tmp_path):
    start = portals.portal("changde").start_url
    reference, data = tmp_path / "reference", tmp_path / "interrupted"
    govarchive("backfill", start, "--data", reference, *TEST_SETTINGS)

    killed = subprocess.Popen([GOVARCHIVE, "backfill", start, "--data", str(data), *SLOW])
    wait_for_captures(data, 15)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    archived = {row[0].removeprefix(start[:-1]) for row in sqlite3.connect(data / "archive.db").execute(
        "select url from captures where status = 200 and warc_type = 'response'")}
    portals.request_log.clear()

    govarchive("backfill", start, "--data", data, *TEST_SETTINGS)
    assert report_urls(data) == report_urls(reference)
    assert sqlite3.connect(data / "archive.db").execute(
        "select count(*) from (select url from reports group by url having count(*) > 1)").fetchone()[0] == 0
    unplaced = sqlite3.connect(data / "archive.db").execute("select url from reports where warc_file is null")
    assert not unplaced.fetchall()  # a report served from the killed run's records points at them too
    fetched_again = [path for _, _, path, status, _ in portals.request_log
                     if path in archived and not path.endswith("robots.txt")]
    assert len(archived) >= 10 and not fetched_again, f"fetched again after the restart: {fetched_again}"
    files = sorted((data / "warc").glob("*.warc.gz"))
    assert files and not list((data / "warc").glob("*.open"))
    check = subprocess.run([str(Path(sys.executable).with_name("warcio")), "check", *map(str, files)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    for path in files:  # every file reads to its last record
        with open(path, "rb") as stream:
            records = list(ArchiveIterator(stream))
        assert records and records[0].rec_type == "warcinfo"
    assert_verified(data)


def test_a_second_run_on_the_same_data_directory_is_refused(portals, tmp_path):
    portals.write_registry(tmp_path / "sample-portals.json")
    running = subprocess.Popen([GOVARCHIVE, "crawl", "--portals", str(tmp_path / "sample-portals.json"),
                                "--data", str(tmp_path), *SLOW])
    try:
        wait_for_captures(tmp_path, 1)
        second = crawl(tmp_path, check=False)
        assert second.returncode == 2
        assert f"in use by another run: pid {running.pid}" in second.stderr
    finally:
        running.send_signal(signal.SIGTERM)
        running.wait(timeout=60)
