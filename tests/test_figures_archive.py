"""The statistics as the archive holds them.

The crawl stores each report's figures and checks (``report_figures``, ``report_checks``);
``govarchive parse`` reads them from the WARC records for report versions stored before they were read
(or by an older parser), checks 上年结转 against last year's report of the same body and finds copied
reports (``report_copies``); ``govarchive figures``, ``show`` and ``extract`` print them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil

import pytest

from archive.capture import capture_exchange
from archive.db import open_db, save_portals
from archive.session import ArchiveSession
from crawler.items import ReportCandidate
from pipelines.figures import PARSER
from pipelines.page import KEYS, read_report
from pipelines.store import StorePipeline
from tests import figure_samples as fs
from tests.conftest import govarchive
from tests.test_figures_tables import served_003

HOST = "www.mock-city.gov.cn"
#: (agency, report year, sample): one body's two years, and another body that published the same text
REPORTS = [("某市生态环境局", 2021, fs.sample_2019), ("某市生态环境局", 2022, fs.sample_2021),
           ("某市水务局", 2022, fs.sample_2021)]


def build_archive_without_figures(data) -> dict[tuple[str, int], int]:
    """An archive stored before the statistics were read (reports.figures_parser empty): the three
    ``REPORTS`` as pages, archived and stored as the crawl does. Returns (agency, year) -> report id."""
    session = ArchiveSession(data, mode="backfill")
    save_portals(session.db, [{"id": "mock", "name": "某市人民政府", "region": "某省某市"}])
    ids = {}
    for number, (agency, year, sample) in enumerate(REPORTS):
        url = f"http://{HOST}/xxgk/ndbg/{year}/t{number}.html"
        body, content_type = fs.html_page(sample()), "text/html; charset=utf-8"
        location = capture_exchange(
            session, url=url, method="GET", request_headers=[("User-Agent", "govarchive-test")], request_body=b"",
            status=200, protocol="HTTP/1.1", response_headers=[("Content-Type", content_type)], body=body,
            ip_address="127.0.0.1", fetched_at=f"{year + 1}-02-01T08:00:00Z", portal="mock", request_type="report")
        page = read_report(body, url, content_type)
        extracted = {key: page[key] for key in KEYS if key not in ("figures", "checks")}
        extracted.update(agency=agency, report_year=year, title=f"{agency}{year}年政府信息公开工作年度报告")
        candidate = ReportCandidate(url=url, portal="mock", warc=location, extracted=extracted)
        ids[(agency, year)] = StorePipeline(session).process_item(candidate).extracted["report_id"]
    session.close(0)
    return ids


def checks_of(db, report_id: int) -> dict[str, dict]:
    return {row["name"]: row for row in db.query("select * from report_checks where report_id = ?", [report_id])}


def stored_figures(db, report_id: int) -> list[tuple]:
    return sorted(((row["table_no"], row["row_key"], row["col_key"], row["value"], row["unit"], row["raw"])
                   for row in db.query("select * from report_figures where report_id = ?", [report_id])), key=repr)


def without_ids(rows: list[dict]) -> list[tuple]:
    return sorted((tuple(value for key, value in row.items() if key != "id") for row in rows), key=repr)


@pytest.fixture()
def parsed(tmp_path):
    data = tmp_path / "data"
    ids = build_archive_without_figures(data)
    first = govarchive("parse", "--data", data)
    return data, ids, first.stdout


def test_parse_reads_the_tables_from_the_warc_records(parsed):
    data, ids, output = parsed
    assert output.startswith("parsed 3 report versions, 7 carry-over checks, 2 reports compared")
    db = open_db(data)
    for agency, year, sample in REPORTS:
        report_id = ids[(agency, year)]
        assert stored_figures(db, report_id) == sorted(sample().expected(), key=repr)
        assert db["reports"].get(report_id)["figures_parser"] == PARSER
    assert all(check["ok"] for check in checks_of(db, ids[("某市生态环境局", 2021)]).values())


def test_parse_checks_carryover_against_last_year_of_the_same_body(parsed):
    data, ids, _ = parsed
    db = open_db(data)
    checks = checks_of(db, ids[("某市生态环境局", 2022)])
    carried = {name.split(":")[1]: check["ok"] for name, check in checks.items() if name.startswith("t3.carryover")}
    # 2022's 二 (2 natural persons, 1 law firm, 3 in all) against 2021's 四 (3 natural persons)
    assert carried == {"自然人": 0, "商业企业": 1, "科研机构": 1, "社会公益组织": 1, "法律服务机构": 0, "其他": 1, "总计": 1}
    assert not any(name.startswith("t3.carryover") for name in checks_of(db, ids[("某市水务局", 2022)]))
    assert all(check["ok"] for name, check in checks.items() if not name.startswith("t3.carryover"))


def test_parse_finds_the_copied_report(parsed):
    data, ids, _ = parsed
    copies = {row["report_id"]: row for row in open_db(data).query("select * from report_copies")}
    water, ecology = ids[("某市水务局", 2022)], ids[("某市生态环境局", 2022)]
    assert copies[water]["source_id"] == ecology and copies[water]["share"] > 0.95
    assert copies[ecology]["share"] > 0.95  # the same year: either may be the copy
    assert ids[("某市生态环境局", 2021)] not in copies  # nothing earlier to copy from


def test_parse_again_changes_nothing_and_force_reads_everything(parsed):
    data, ids, _ = parsed
    db = open_db(data)
    before = {table: list(db.query(f"select * from {table} order by 1")) for table in
              ("report_figures", "report_checks", "report_copies")}
    assert govarchive("parse", "--data", data).stdout.startswith("parsed 0 report versions, 7 carry-over checks")
    db.execute("update reports set figures_parser = 'govarchive-figures/0' where id = ?", [ids[("某市水务局", 2022)]])
    db.conn.commit()
    assert govarchive("parse", "--data", data).stdout.startswith("parsed 1 report versions")
    assert govarchive("parse", "--force", "--data", data).stdout.startswith("parsed 3 report versions")
    after = {table: list(db.query(f"select * from {table} order by 1")) for table in before}
    assert {table: without_ids(rows) for table, rows in after.items()} == {
        table: without_ids(rows) for table, rows in before.items()}


def test_figures_command_one_report_a_row(parsed):
    data, ids, _ = parsed
    rows = list(csv.DictReader(io.StringIO(govarchive("figures", "--format", "csv", "--data", data).stdout)))
    by_id = {int(row["id"]): row for row in rows}
    ecology = by_id[ids[("某市生态环境局", 2022)]]
    assert (ecology["t3:二:总计"], ecology["t3:四:总计"], ecology["t2:行政事业性收费:本年收费金额"]) == ("3", "2", "28.56")
    assert ecology["requests"] == ecology["t3:一:总计"] and ecology["checks_failed"] == "2"
    table = govarchive("figures", "--year", "2021", "--data", data).stdout
    assert "某市生态环境局" in table and "某市水务局" not in table


def test_show_prints_figures_checks_and_copy(parsed):
    data, ids, _ = parsed
    shown = govarchive("show", ids[("某市水务局", 2022)], "--data", data).stdout
    assert "figures       " in shown and ", checks: " in shown
    assert f"of its text repeats report {ids[('某市生态环境局', 2022)]} (2022, 某市生态环境局" in shown
    ecology = govarchive("show", ids[("某市生态环境局", 2022)], "--data", data).stdout
    assert "2 failed (t3.carryover:自然人, t3.carryover:法律服务机构)" in ecology
    meta = json.loads(govarchive("show", ids[("某市生态环境局", 2022)], "--meta", "--data", data).stdout)
    assert meta["figures"] == len(fs.sample_2021().expected()) and len(meta["checks"]) > 40


# --- what a crawl stores ------------------------------------------------------------------------------

def test_crawl_stores_figures_and_checks(crawled_archive, tmp_path):
    data, _ = crawled_archive
    db = open_db(data)
    assert db.execute("select count(*) from reports where figures_parser is null").fetchone()[0] == 0
    page, _ = served_003()
    (report,) = db.query("select id from reports where is_latest = 1 and portal = 'cdjkq' and report_year = 2022")
    assert len(stored_figures(db, report["id"])) == 200
    checks = checks_of(db, report["id"])
    assert checks and all(check["ok"] for check in checks.values()) and "parse.tables" in checks
    # the crawl compared each report with its likeliest source: a second look finds nothing to do
    assert db["report_copies"].count > 0
    copy = tmp_path / "copy"
    shutil.copytree(data, copy)
    assert re.match(r"parsed 0 report versions, \d+ carry-over checks, 0 reports compared",
                    govarchive("parse", "--data", copy).stdout)
    # reading again from the WARC records gives the same figures
    govarchive("parse", "--force", "--data", copy)
    assert stored_figures(open_db(copy), report["id"]) == stored_figures(db, report["id"])


def test_extract_prints_the_figures_of_a_saved_page(tmp_path):
    page, content_type = served_003()
    saved = tmp_path / "report.html"
    saved.write_bytes(page)
    result = json.loads(govarchive("extract", saved, "--content-type", content_type, "--json").stdout)
    assert len(result["figures"]) == 200 and all(check["ok"] for check in result["checks"])
    text = govarchive("extract", saved, "--content-type", content_type).stdout
    assert "figures: 200, checks: " in text and " 0 failed" in text
