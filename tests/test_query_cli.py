"""``govarchive show | stats | export | cdxj | wacz`` and replay from the WARC files.

Replay is checked without a replay server: the CDXJ line (or the WACZ's own index) of a report page
gives file, offset and length; the record read there must hold, byte for byte, the HTTP response the
portal served (tests/archive_builder.served_response).
"""

from __future__ import annotations

import csv
import gzip
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.db import open_db
from archive.warc import read_http_payload
from crawler.cli import cli
from tests.archive_builder import build_test_archive, report_ids, served_response

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return build_test_archive(tmp_path_factory.mktemp("query"))


@pytest.fixture(scope="module")
def ids(archive):
    return {key[:3]: value for key, value in report_ids(archive).items()}


@pytest.fixture(scope="module")
def reports(archive):
    return {r["id"]: r for r in open_db(archive).query("select * from reports")}


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


# -- show ---------------------------------------------------------------------------------------------


def test_show_by_id_and_url(archive, ids, reports):
    report = reports[ids["004"]]
    result = run("show", ids["004"], "--data", archive)
    assert result.exit_code == 0, result.output
    assert f"title         {report['title']}" in result.stdout
    assert "report_year   2016" in result.stdout
    assert result.stdout.rstrip("\n").endswith(report["text"].splitlines()[-1])
    by_url = run("show", report["url"], "--text", "--data", archive)
    assert by_url.stdout == report["text"] + "\n"


def test_show_url_gives_the_latest_version(archive, ids, reports):
    url = reports[ids["001"]]["url"]
    meta = json.loads(run("show", url, "--meta", "--data", archive).stdout)
    assert meta["id"] == ids["001"] and meta["is_latest"] == 1 and "text" not in meta
    assert [v["version"] for v in meta["versions"]] == [1, 2]
    old = [v["id"] for v in meta["versions"] if not v["is_latest"]][0]
    assert run("show", old, "--text", "--data", archive).stdout != run("show", url, "--text", "--data", archive).stdout
    assert "versions" in run("show", url, "--data", archive).stdout


def test_show_raw_prints_the_archived_response_byte_for_byte(archive, ids, reports):
    for key, report_id in ids.items():
        url = reports[report_id]["url"]
        result = run("show", report_id, "--raw", "--data", archive)
        assert result.exit_code == 0, result.output
        assert result.stdout_bytes == served_response(archive, url), key
    gzipped = run("show", ids["001"], "--raw", "--data", archive).stdout_bytes
    assert b"Content-Encoding: gzip" in gzipped
    head, body = gzipped.split(b"\r\n\r\n", 1)
    assert gzip.decompress(body).decode("utf-8").count("<p>") > 10  # the body as sent, still compressed


def test_show_raw_of_a_captured_page_and_errors(archive):
    listing = "http://www.cdjkq.gov.cn/zfxxgk/zfxxgknb/index.html"
    result = run("show", listing, "--raw", "--data", archive)
    assert result.stdout_bytes == served_response(archive, listing)
    plain = run("show", listing, "--data", archive)
    assert plain.exit_code == 1 and "use --raw" in plain.stderr
    missing = run("show", "99999", "--data", archive)
    assert missing.exit_code == 1 and "no report" in missing.stderr and "Traceback" not in missing.output


def test_show_raw_through_the_console_script(archive, ids, reports):
    url = reports[ids["000"]]["url"]
    proc = subprocess.run([str(BIN / "govarchive"), "show", url, "--raw", "--data", str(archive)],
                          capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == served_response(archive, url)


# -- stats --------------------------------------------------------------------------------------------


def test_stats_table_shows_coverage_captures_and_crawls(archive):
    result = run("stats", "--data", archive)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("5 reports (6 versions) from 4 portals")
    header = next(line for line in out.splitlines() if line.startswith("portal"))
    assert header.split()[1:8] == ["2016", "2017", "2018", "2019", "2020", "2021", "2022"]
    kaifu = next(line for line in out.splitlines() if line.startswith("kaifu"))
    assert kaifu.split()[2:9] == ["1", "·", "·", "·", "·", "·", "·"] and kaifu.endswith("2017-2022")
    wanzai = next(line for line in out.splitlines() if line.startswith("wanzai"))
    assert wanzai.endswith("0  all")
    assert "captures by status" in out and "404" in out
    assert "last crawls" in out and "nightly" in out and "backfill" in out


def test_stats_json(archive):
    data = json.loads(run("stats", "--format", "json", "--data", archive).stdout)
    cov = {p["portal"]: p for p in data["coverage"]["portals"]}
    assert cov["cdjkq"]["counts"] == {"2017": 1, "2022": 1}
    assert cov["cdjkq"]["missing"] == [2016, 2018, 2019, 2020, 2021]
    assert cov["wanzai"]["total"] == 0
    assert {c["status"]: c["captures"] for c in data["captures"]} == {200: 7, 404: 1}
    assert [c["id"] for c in data["crawls"]] == [2, 1]
    assert data["totals"]["reports"] == 5


# -- export -------------------------------------------------------------------------------------------


def test_export_jsonl(archive, reports, tmp_path):
    result = run("export", "--format", "jsonl", tmp_path, "--data", archive)
    assert result.exit_code == 0 and "exported 5 reports" in result.stdout
    rows = [json.loads(line) for line in (tmp_path / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 5 and all(r["is_latest"] == 1 for r in rows)
    for row in rows:
        assert row["text"] == reports[row["id"]]["text"]
        assert {"url", "portal", "title", "agency", "report_year", "publish_date", "warc_file", "attachments"} <= set(row)
    all_versions = run("export", "--format", "jsonl", tmp_path / "all", "--all-versions", "--data", archive)
    assert "exported 6 reports" in all_versions.stdout


def test_export_csv(archive, tmp_path):
    run("export", "--format", "csv", tmp_path, "--year", "2017", "--data", archive)
    with open(tmp_path / "reports.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 3 and {r["report_year"] for r in rows} == {"2017"}
    assert all(r["text"] and r["title"] and r["attachments"] == "[]" for r in rows)


def test_export_txt(archive, reports, ids, tmp_path):
    run("export", "--format", "txt", tmp_path, "--data", archive)
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.txt"))
    assert files == sorted(f"{reports[i]['portal']}/{reports[i]['report_year']}_{i}.txt" for i in ids.values())
    text = (tmp_path / f"kaifu/2016_{ids['004']}.txt").read_text(encoding="utf-8")
    header, body = text.split("\n---\n", 1)
    assert "title: 长沙市开福区2016年政府信息公开年度报告" in header and "publish_date: 2017-03-10" in header
    assert body.strip() == reports[ids["004"]]["text"]


def test_export_needs_a_format(archive, tmp_path):
    result = run("export", tmp_path, "--data", archive)
    assert result.exit_code == 2 and "--format" in result.output


# -- CDXJ, WACZ and replay ----------------------------------------------------------------------------


def cdxj_entries(lines):
    out = {}
    for line in lines:
        if not line.strip():
            continue
        surt, ts, fields = line.split(" ", 2)
        entry = json.loads(fields)
        out.setdefault(entry["url"], []).append((ts, entry))
    return out


def test_cdxj_index_replays_report_pages(archive, ids, reports):
    result = run("cdxj", "--data", archive)
    assert result.exit_code == 0, result.output
    lines = (archive / "index.cdxj").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)
    entries = cdxj_entries(lines)
    for report_id in ids.values():
        report = reports[report_id]
        ts, entry = max(entries[report["url"]])  # the newest capture, as a replay tool would pick
        assert entry["filename"] == report["warc_file"] and int(entry["offset"]) == report["warc_offset"]
        replayed = read_http_payload(archive / entry["filename"], int(entry["offset"]), int(entry["length"]))
        assert replayed == served_response(archive, report["url"])
    stdout = run("cdxj", "-o", "-", "--data", archive).stdout
    assert stdout.splitlines() == lines


def test_wacz_is_valid_and_replays_from_its_own_index(archive, ids, reports, tmp_path):
    out = tmp_path / "archive.wacz"
    result = run("wacz", out, "--data", archive)
    assert result.exit_code == 0, result.output
    assert "5 of 5 reports as pages" in result.stdout and "wacz validate: passed" in result.stdout
    proc = subprocess.run([str(BIN / "wacz"), "validate", "-f", str(out)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "Validation succeeded" in proc.stdout, proc.stdout + proc.stderr
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert {"datapackage.json", "datapackage-digest.json", "pages/pages.jsonl", "indexes/index.cdx.gz"} <= set(names)
        pages = [json.loads(line) for line in zf.read("pages/pages.jsonl").decode("utf-8").splitlines()]
        assert pages[0]["format"] == "json-pages-1.0"
        titles = {p["url"]: p["title"] for p in pages[1:]}
        assert titles == {reports[i]["url"]: reports[i]["title"] for i in ids.values()}
        index = cdxj_entries(gzip.decompress(zf.read("indexes/index.cdx.gz")).decode("utf-8").splitlines())
        extracted = tmp_path / "x"
        zf.extractall(extracted)
    for report_id in ids.values():
        url = reports[report_id]["url"]
        ts, entry = max(index[url])
        page_ts = next(p["ts"] for p in pages[1:] if p["url"] == url)
        assert page_ts.replace("-", "").replace(":", "").replace("T", "").rstrip("Z") == ts
        replayed = read_http_payload(extracted / "archive" / entry["filename"], int(entry["offset"]),
                                     int(entry["length"]))
        assert replayed == served_response(archive, url)


def test_commands_on_a_missing_archive_fail_cleanly(tmp_path):
    for args in (["stats"], ["show", "1"], ["export", "--format", "jsonl", str(tmp_path / "o")], ["cdxj"],
                 ["wacz", str(tmp_path / "a.wacz")]):
        result = run(*args, "--data", tmp_path / "none")
        assert result.exit_code == 1, args
        assert "no archive" in result.stderr and "Traceback" not in result.output
