"""``govarchive verify``: fixity of an archive, and the problems it must find when a test plants them.

Each test copies the archive of one real crawl of the sample portals (tests/conftest.py ``crawled_archive``),
damages it in one way, and checks that verify names the damage and exits 1.
"""

from __future__ import annotations

import fcntl
import json
import shutil

import pytest
import sqlite_utils

from archive.warc import WarcWriter, read_record
from tests.conftest import assert_verified, govarchive


@pytest.fixture
def archive(crawled_archive, tmp_path):
    data = tmp_path / "archive"
    shutil.copytree(crawled_archive[0], data)
    return data


def verify(data) -> tuple[int, dict]:
    result = govarchive("verify", "--data", data, "--format", "json", check=False)
    return result.returncode, json.loads(result.stdout)


def a_report(data) -> dict:
    db = sqlite_utils.Database(data / "archive.db")
    return next(db.query("select * from reports where chars > 1000 order by id limit 1"))


def test_a_crawled_archive_verifies(archive):
    summary = assert_verified(archive)
    assert "no problems" in summary
    code, result = verify(archive)
    assert code == 0 and result["ok"] and result["records"] == result["digests_checked"] > 50
    assert result["rows"]["reports"] > 0 and result["rows"]["captures"] > result["rows"]["reports"]


def test_a_flipped_byte_is_found(archive):
    records = verify(archive)[1]["records"]
    report = a_report(archive)
    path = archive / report["warc_file"]
    data = bytearray(path.read_bytes())
    data[report["warc_offset"] + report["warc_length"] // 2] ^= 0x01
    path.write_bytes(bytes(data))
    code, result = verify(archive)
    assert code == 1
    where = f"{report['warc_file']}:{report['warc_offset']}"
    assert any(p["where"] == where and p["kind"] in ("warc", "digest") for p in result["problems"])
    # the records after the damaged one are still read and checked
    assert any(p["kind"] == "row" and p["where"] == f"reports {report['id']}" for p in result["problems"])
    assert result["records"] == records - 1


def test_a_row_pointing_at_the_wrong_offset_is_found(archive):
    report = a_report(archive)
    db = sqlite_utils.Database(archive / "archive.db")
    other = next(db.query("select warc_offset, warc_length from captures where warc_file = ? and url != ? "
                          "and warc_type = 'response' order by id limit 1", [report["warc_file"], report["url"]]))
    db["reports"].update(report["id"], {"warc_offset": other["warc_offset"], "warc_length": other["warc_length"]})
    code, result = verify(archive)
    assert code == 1
    (problem,) = result["problems"]
    assert problem["kind"] == "row" and problem["where"] == f"reports {report['id']}"
    assert "is of http" in problem["detail"]  # the record there belongs to another URL


def test_a_report_without_a_warc_location_is_found(archive):
    report = a_report(archive)
    db = sqlite_utils.Database(archive / "archive.db")
    db["reports"].update(report["id"], {"warc_file": None, "warc_offset": None, "warc_length": None})
    code, result = verify(archive)
    assert code == 1
    (problem,) = result["problems"]
    assert problem["kind"] == "row" and problem["where"] == f"reports {report['id']}"
    assert problem["detail"] == f"{report['url']}: no WARC location"


def test_an_offset_inside_a_record_is_found(archive):
    report = a_report(archive)
    db = sqlite_utils.Database(archive / "archive.db")
    db["reports"].update(report["id"], {"warc_offset": report["warc_offset"] + 10})
    code, result = verify(archive)
    assert code == 1 and [p["where"] for p in result["problems"]] == [f"reports {report['id']}"]


VIEWER = (b'<!doctype html>\n<html style="height:100%;width:100%">\n  <!-- the placeholder in the body style is for '
          b'an optional background-color -->\n  <body><template shadowrootmode="closed"><iframe src="about:blank" '
          b'type="application/pdf"></iframe></template></body>\n</html>\n')


def test_a_payload_that_contradicts_its_content_type_is_found(archive):
    """What the archive held before files on browser hosts were fetched as files: Chromium's PDF viewer
    placeholder under ``Content-Type: application/pdf``."""
    url = "http://127.0.0.1:1/xxgk/P020220301.pdf"
    with WarcWriter(archive / "warc", prefix="planted") as writer:
        location = writer.write_exchange(url=url, method="GET", request_headers=[], request_body=b"", status=200,
                                         protocol="HTTP/1.1", response_headers=[("Content-Type", "application/pdf")],
                                         body=VIEWER)
    assert read_record(location.file, location.offset).rec_type == "response"
    code, result = verify(archive)
    assert code == 1
    (problem,) = result["problems"]
    assert problem["kind"] == "payload" and url in problem["detail"]
    assert "PDF viewer" in problem["detail"]


def test_a_file_left_open_by_a_killed_crawl_is_reported(archive):
    (archive / "warc" / "govarchive-99999-20260101000000-00000.warc.gz.open").write_bytes(b"")
    code, result = verify(archive)
    assert code == 1 and [p["kind"] for p in result["problems"]] == ["open_file"]


def test_a_file_still_being_written_is_left_for_later(archive):
    """Verify run while a crawl (or a worker of a distributed one) writes: its ``.open`` file, locked, and the
    rows pointing into it are not checked; once its writer is gone, the file is a problem."""
    db = sqlite_utils.Database(archive / "archive.db")
    name, rows = next(db.execute("select warc_file, count(*) from captures group by warc_file order by 2 desc"))
    path = archive / name
    path.rename(f"{path}.open")
    with open(f"{path}.open", "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)  # as archive/warc.py's WarcWriter holds the file it writes
        code, result = verify(archive)
    assert code == 0 and result["being_written"] == [name] and result["rows_being_written"] >= rows
    code, result = verify(archive)
    assert code == 1 and result["being_written"] == [] and "open_file" in {p["kind"] for p in result["problems"]}
