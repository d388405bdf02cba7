"""Every query the crawl makes for one page is an index lookup, however large the archive.

The statements are caught as the store's own functions issue them (``set_trace_callback``) and explained
(``EXPLAIN QUERY PLAN``) on an archive of thousands of reports and captures, without and with the
statistics ``ANALYZE`` gives the planner. A SCAN of a table in any of them would make the crawl slower as
the archive grows (a report save once took 0.35 ms at 480 reports held and 20 ms at 30,000).
"""

from __future__ import annotations

import pytest

from archive.db import (latest_capture, latest_report, open_db, record_capture, remember_listing, save_attachment,
                        save_report)
from crawler.queue.state import portal_state

REPORTS = 2000


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    db = open_db(tmp_path_factory.mktemp("large"))
    db.execute("pragma synchronous = off")  # building the archive only; the plans do not depend on it
    killed = db["crawls"].insert({"run_key": "killed", "mode": "backfill", "status": "interrupted"}).last_pk
    for i in range(REPORTS):
        url = f"http://www.example.gov.cn/xxgk/ndbg/t2020_{i}.html"
        save_report(db, report_row(url, "text"))
        if i % 10 == 0:
            save_report(db, report_row(url, "changed text"))  # a second version: one latest row of two
        for status in (200, 304):
            record_capture(db, url=url, status=status, warc_type="response", warc_file="warc/a.warc.gz",
                           warc_offset=i, warc_length=1, payload_digest="sha1:X", portal=f"portal{i % 20}",
                           crawl_id=killed if i % 2 else None)
    return db


def report_row(url: str, text: str) -> dict:
    return {"url": url, "portal": "example", "title": "2020年政府信息公开工作年度报告", "report_year": 2020,
            "text": text, "text_sha1": str(hash(text)), "chars": len(text)}


def per_page_statements(db) -> list[str]:
    """The SQL the crawl runs for one report page, captured as the store's functions issue it."""
    def one_page():
        url = "http://www.example.gov.cn/xxgk/ndbg/t2020_77.html"
        latest_capture(db, url)
        report_id, _ = save_report(db, report_row(url, "a third text"))
        latest_report(db, url)
        save_attachment(db, {"report_id": report_id, "url": url + ".pdf", "text": "x"})
        remember_listing(db, "http://www.example.gov.cn/xxgk/ndbg/index.html", "example", 10)
        record_capture(db, url=url, status=200, warc_type="response")

    return statements_of(db, one_page)


def statements_of(db, run) -> list[str]:
    """The SQL on the archive's tables that ``run()`` issues, captured as it goes."""
    statements = []
    db.conn.set_trace_callback(statements.append)
    try:
        run()
    finally:
        db.conn.set_trace_callback(None)
    # sqlite-utils also reads sqlite_master (a handful of rows, whatever the archive's size) and probes for
    # upsert support in a scratch table of its own: only statements on the archive's tables count
    tables = ("reports", "captures", "attachments", "listings", "crawls", "portals")
    return [s for s in statements if s.split(None, 1)[0].lower() in ("select", "update", "delete", "insert")
            and any(f" {t} " in s.replace('"', " ") for t in tables)]


@pytest.mark.parametrize("statistics", [False, True], ids=["no statistics", "after ANALYZE"])
def test_per_page_queries_never_scan_a_table(db, statistics):
    if statistics:
        db.execute("analyze")
    statements = per_page_statements(db)
    assert any("from reports" in s for s in statements) and any("from captures" in s for s in statements)
    for statement in statements:
        plan = assert_no_scan(db, statement)
        if statement.lower().startswith("select") and "where url" in statement.lower():
            assert "(url=?)" in plan, f"{statement}\n  -> {plan}"


@pytest.mark.parametrize("statistics", [False, True], ids=["no statistics", "after ANALYZE"])
def test_a_portals_state_never_scans_a_table(db, statistics):
    """What a distributed worker's crawl asks the writer for, for each portal before each crawl
    (crawler/queue/state.py): a scan of ``captures`` grew with every night archived."""
    if statistics:
        db.execute("analyze")
    statements = statements_of(db, lambda: portal_state(db, "portal7"))
    assert len(statements) == 3 and portal_state(db, "portal7")["captures"]
    # a redelivery also asks for the pages its killed predecessor archived
    resumed = statements_of(db, lambda: portal_state(db, "portal7", ["killed"]))
    assert len(resumed) == 5 and len(portal_state(db, "portal7", ["killed"])["resumable"]) == REPORTS // 20
    for statement in statements + resumed:
        assert_no_scan(db, statement)


def assert_no_scan(db, statement: str) -> str:
    """The query plan of ``statement``, which reads no table whole."""
    plan = " | ".join(row[3] for row in db.execute(f"explain query plan {statement}"))
    assert "SCAN" not in plan.replace("SCAN CONSTANT ROW", ""), f"{statement}\n  -> {plan}"
    return plan


def test_checkpoints_run_beside_the_writer_and_copy_the_wal_back(tmp_path):
    """archive/checkpoints.py: while it runs, commits never checkpoint (the automatic checkpoint is off on the
    writing connection), yet the database file itself (read without its WAL) holds what was committed; on
    stop the connection checkpoints by itself again."""
    import shutil
    import sqlite3
    import time

    from archive.checkpoints import AUTOMATIC, Checkpoints

    db = open_db(tmp_path / "data")
    with Checkpoints(db, every=0.05):
        assert db.execute("pragma wal_autocheckpoint").fetchone()[0] == 0
        for i in range(300):
            save_report(db, report_row(f"http://www.example.gov.cn/ndbg/{i}.html", "年度报告" * 400))
        time.sleep(0.5)
        shutil.copy(tmp_path / "data" / "archive.db", tmp_path / "file-only.db")  # no -wal beside it
        with sqlite3.connect(tmp_path / "file-only.db") as copy:
            assert copy.execute("select count(*) from reports").fetchone()[0] == 300
    assert db.execute("pragma wal_autocheckpoint").fetchone()[0] == AUTOMATIC
