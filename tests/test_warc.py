"""archive/warc.py on its own: real files, checked with warcio's and cdxj-indexer's command lines."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.warc import (
    RENDERED_DOM_PREFIX,
    REVISIT_PROFILE,
    WarcWriter,
    payload_digest,
    read_http_payload,
    read_record,
    recover_open_files,
)

BIN = Path(sys.executable).parent
PAGE = "http://www.example.gov.cn/zfxxgk/ndbg/t20240115_1.html"


def exchange(writer: WarcWriter, url: str = PAGE, body: bytes = b"<html>ok</html>", **overrides):
    fields = dict(
        url=url, method="GET",
        request_headers=[("User-Agent", "govarchive-test"), ("Accept-Encoding", "gzip, deflate")],
        request_body=b"", status=200, protocol="HTTP/1.1",
        response_headers=[("Content-Type", "text/html; charset=utf-8")], body=body,
        ip_address="127.0.0.1", fetched_at="2024-01-15T08:30:00Z",
    )
    fields.update(overrides)
    return writer.write_exchange(**fields)


def records(path) -> list[dict]:
    """Every record of a file: type, ids, target, offset/length, headers and body as stored."""
    out = []
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        for rec in it:
            body = rec.raw_stream.read()
            out.append({
                "type": rec.rec_type, "id": rec.rec_headers.get_header("WARC-Record-ID"),
                "uri": rec.rec_headers.get_header("WARC-Target-URI"),
                "concurrent": rec.rec_headers.get_header("WARC-Concurrent-To"),
                "rec_headers": rec.rec_headers, "http": rec.http_headers, "body": body,
                "offset": it.get_record_offset(), "length": it.get_record_length(),
            })
    return out


def warcio_check(*paths) -> None:
    result = subprocess.run([str(BIN / "warcio"), "check", "-v", *map(str, paths)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "digest failed" not in result.stdout


@pytest.fixture
def warc_dir(tmp_path):
    return tmp_path / "warc"


def test_exchange_record_agrees_with_the_stored_body(warc_dir):
    html = "<html><body>政府信息公开年报</body></html>".encode("utf-8")
    sent = gzip.compress(html, mtime=0)
    gbk_filename = 'attachment; filename="年报.pdf"'.encode("gbk").decode("latin-1")  # raw header bytes
    with WarcWriter(warc_dir, prefix="t", max_size=10**9, warcinfo={"software": "test"}) as writer:
        loc = exchange(writer, url=PAGE + "#top", body=sent, status=200, response_headers=[
            ("Content-Type", "text/html"), ("Content-Encoding", "gzip"), ("Transfer-Encoding", "chunked"),
            ("Content-Length", "9999"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"),
            ("Content-Disposition", gbk_filename)])
        assert loc.file.endswith(".warc.gz") and os.path.exists(loc.file + ".open")
        assert read_record(loc.file, loc.offset, loc.length).rec_type == "response"  # readable while open
    assert not list(warc_dir.glob("*.open")) and os.path.exists(loc.file)
    warcio_check(loc.file)

    raw = read_http_payload(loc.file, loc.offset, loc.length)
    head, _, body = raw.partition(b"\r\n\r\n")
    assert body == sent  # still gzip, as sent
    lines = head.split(b"\r\n")
    assert lines[0] == b"HTTP/1.1 200 OK"
    assert b"Transfer-Encoding" not in head
    assert [line for line in lines if line.startswith(b"Content-Length")] == [f"Content-Length: {len(sent)}".encode()]
    assert b"Content-Encoding: gzip" in lines
    assert lines.count(b"Set-Cookie: a=1") == 1 and lines.count(b"Set-Cookie: b=2") == 1
    assert 'Content-Disposition: attachment; filename="年报.pdf"'.encode("gbk") in lines  # bytes kept

    response, request = [r for r in records(loc.file) if r["type"] != "warcinfo"]
    assert response["type"] == "response" and request["type"] == "request"
    assert response["uri"] == request["uri"] == PAGE  # fragment dropped
    assert request["concurrent"] == response["id"] == loc.record_id and response["concurrent"] == request["id"]
    assert response["rec_headers"].get_header("WARC-IP-Address") == "127.0.0.1"
    assert response["rec_headers"].get_header("WARC-Date") == loc.date == "2024-01-15T08:30:00Z"
    assert response["rec_headers"].get_header("WARC-Payload-Digest") == loc.payload_digest == payload_digest(sent)
    assert (response["offset"], response["length"]) == (loc.offset, loc.length)
    assert request["http"].protocol == "GET"
    assert request["http"].statusline == "/zfxxgk/ndbg/t20240115_1.html HTTP/1.1"
    assert request["http"].headers[0] == ("Host", "www.example.gov.cn")

    record = read_record(loc.file, loc.offset)  # length found from the gzip member
    assert record.content_stream().read() == html
    with open(loc.file, "rb") as fh:  # offset/length delimit exactly one gzip member
        fh.seek(loc.offset)
        member = fh.read(loc.length)
    decomp = zlib.decompressobj(zlib.MAX_WBITS | 16)
    decomp.decompress(member)
    assert decomp.eof and decomp.unused_data == b""


def test_status_line_host_and_post_body(warc_dir):
    with WarcWriter(warc_dir, prefix="t", max_size=10**9, warcinfo={}) as writer:
        a = exchange(writer, url="http://127.0.0.1:8081/x", status=521, protocol="HTTP/1.0", body=b"")
        b = exchange(writer, url="https://[::1]/api?a=1", method="POST", request_body=b"page=2",
                     status=412, protocol="h2", body=b"x")
    recs = records(a.file)
    req_a = next(r for r in recs if r["type"] == "request" and r["concurrent"] == a.record_id)
    assert req_a["http"].get_header("Host") == "127.0.0.1:8081"
    assert read_http_payload(a.file, a.offset).startswith(b"HTTP/1.0 521 Unknown\r\n")
    resp_b = next(r for r in recs if r["id"] == b.record_id)
    req_b = next(r for r in recs if r["type"] == "request" and r["concurrent"] == b.record_id)
    assert read_http_payload(b.file, b.offset).startswith(b"HTTP/1.1 412 Precondition Failed\r\n")
    assert resp_b["rec_headers"].get_header("WARC-Protocol") == "h2"
    assert req_b["http"].get_header("Host") == "[::1]"
    assert req_b["http"].get_header("Content-Length") == "6" and req_b["body"] == b"page=2"
    warcio_check(a.file)


def test_rotation_keeps_pairs_together_and_every_file_opens_with_warcinfo(warc_dir):
    bodies = [os.urandom(700) for _ in range(12)]  # incompressible: each exchange adds ~1.5 KB
    with WarcWriter(warc_dir, prefix="rot", max_size=3000, warcinfo={"software": "test"}) as writer:
        locations = [exchange(writer, url=f"{PAGE}?n={i}", body=body) for i, body in enumerate(bodies)]
    files = sorted(warc_dir.glob("*.warc.gz"))
    assert len(files) >= 4 and not list(warc_dir.glob("*.open"))
    assert sorted(writer.files) == [str(f) for f in files]
    warcio_check(*files)
    for path in files:
        recs = records(path)
        assert recs[0]["type"] == "warcinfo"
        assert recs[0]["rec_headers"].get_header("WARC-Filename") == path.name
        assert [r["type"] for r in recs[1:]] == ["response", "request"] * ((len(recs) - 1) // 2)
        for response, request in zip(recs[1::2], recs[2::2]):
            assert request["concurrent"] == response["id"] and request["uri"] == response["uri"]
        assert os.path.getsize(path) < 3000 + 2 * 1600  # rotated as soon as it passed max_size
    for loc, body in zip(locations, bodies):
        record = read_record(loc.file, loc.offset, loc.length)
        assert record.rec_headers.get_header("WARC-Record-ID") == loc.record_id
        assert record.raw_stream.read() == body


def test_revisit_and_rendered_records(warc_dir):
    body = b"<html><div id=app></div><script>render()</script></html>"
    with WarcWriter(warc_dir, prefix="t", max_size=10**9, warcinfo={}) as writer:
        first = exchange(writer, body=body, fetched_at="2024-01-15T08:30:00Z")
        dom = writer.write_rendered(url=PAGE, html="<html><div id=app>二〇二三年年报</div></html>",
                                    concurrent_to=first.record_id)
        again = writer.write_revisit(
            url=PAGE, method="GET", request_headers=[("User-Agent", "t")], status=200, protocol="HTTP/1.1",
            response_headers=[("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")],
            payload_digest=first.payload_digest, refers_to_uri=PAGE, refers_to_date=first.date,
            refers_to=first.record_id, payload_length=len(body), fetched_at="2024-02-01T00:00:00Z")
    assert first.file == dom.file == again.file
    warcio_check(first.file)

    revisit = read_record(again.file, again.offset, again.length)
    headers = revisit.rec_headers
    assert revisit.rec_type == "revisit"
    assert headers.get_header("WARC-Profile") == REVISIT_PROFILE
    assert headers.get_header("WARC-Refers-To-Target-URI") == PAGE
    assert headers.get_header("WARC-Refers-To-Date") == "2024-01-15T08:30:00Z"
    assert headers.get_header("WARC-Refers-To") == first.record_id
    assert headers.get_header("WARC-Payload-Digest") == first.payload_digest == again.payload_digest
    assert headers.get_header("WARC-Date") == "2024-02-01T00:00:00Z"
    assert revisit.http_headers.get_statuscode() == "200"
    assert revisit.http_headers.get_header("Content-Length") == str(len(body))
    assert revisit.http_headers.get_header("Transfer-Encoding") is None
    assert revisit.raw_stream.read() == b""  # headers only

    rendered = read_record(dom.file, dom.offset, dom.length)
    assert rendered.rec_type == "resource"
    assert rendered.rec_headers.get_header("WARC-Target-URI") == RENDERED_DOM_PREFIX + PAGE
    assert rendered.rec_headers.get_header("WARC-Concurrent-To") == first.record_id
    assert rendered.rec_headers.get_header("Content-Type") == "text/html; charset=utf-8"
    assert rendered.raw_stream.read().decode("utf-8") == "<html><div id=app>二〇二三年年报</div></html>"

    # What a replay tool looks up for the page URL: the response (and the revisit), never the DOM.
    result = subprocess.run([str(BIN / "cdxj-indexer"), str(warc_dir)], capture_output=True, text=True, check=True)
    entries = [json.loads(line.split(" ", 2)[2]) for line in result.stdout.splitlines()]
    for_page = [e for e in entries if e["url"] == PAGE]
    assert [(e["mime"], int(e["offset"])) for e in for_page] == [("text/html", first.offset),
                                                                 ("warc/revisit", again.offset)]
    assert [e["url"] for e in entries if int(e["offset"]) == dom.offset] == [RENDERED_DOM_PREFIX + PAGE]


def _killed_copy(writer_dir: Path, tmp_path: Path, name: str) -> tuple[Path, Path]:
    """Copy the live ``.open`` file into a fresh directory, as a killed process would have left it."""
    (open_file,) = writer_dir.glob("*.warc.gz.open")
    target_dir = tmp_path / name
    target_dir.mkdir()
    return Path(shutil.copy(open_file, target_dir)), target_dir


def test_recovery_truncates_to_the_last_complete_record(warc_dir, tmp_path):
    writer = WarcWriter(warc_dir, prefix="t", max_size=10**9, warcinfo={})
    locs = [exchange(writer, url=f"{PAGE}?n={i}", body=os.urandom(2000)) for i in range(3)]

    # Cut inside the last response record: the last exchange goes, the first two stay.
    copy, cut_dir = _killed_copy(warc_dir, tmp_path, "cut-response")
    os.truncate(copy, locs[2].offset + locs[2].length // 2)
    (recovered,) = WarcWriter(cut_dir, prefix="t", max_size=10**9, warcinfo={}).recovered
    assert Path(recovered).name == Path(locs[0].file).name and not list(cut_dir.glob("*.open"))
    warcio_check(recovered)
    recs = records(recovered)
    assert [r["type"] for r in recs] == ["warcinfo"] + ["response", "request"] * 2
    assert os.path.getsize(recovered) == locs[2].offset
    assert read_record(recovered, locs[1].offset, locs[1].length).raw_stream.read() == recs[3]["body"]

    # Cut in the gzip trailer of the last request: the response before it is complete and stays.
    copy, cut_dir = _killed_copy(warc_dir, tmp_path, "cut-trailer")
    os.truncate(copy, os.path.getsize(copy) - 3)
    (recovered,) = recover_open_files(cut_dir)
    warcio_check(recovered)
    assert [r["type"] for r in records(recovered)] == ["warcinfo"] + ["response", "request"] * 2 + ["response"]
    assert os.path.getsize(recovered) == locs[2].offset + locs[2].length

    # Garbage after the last complete record (a torn write) is cut off too.
    copy, cut_dir = _killed_copy(warc_dir, tmp_path, "garbage")
    with open(copy, "ab") as fh:
        fh.write(b"\x1f\x8b\x08\x00garbage")
    (recovered,) = recover_open_files(cut_dir)
    assert len(records(recovered)) == 7

    # Nothing complete at all: the file is removed.
    copy, cut_dir = _killed_copy(warc_dir, tmp_path, "empty")
    os.truncate(copy, 10)
    assert recover_open_files(cut_dir) == [] and not list(cut_dir.iterdir())

    # A live writer's file is left alone (it holds a lock), and its writer carries on.
    assert recover_open_files(warc_dir) == []
    exchange(writer, url=PAGE + "?n=3")
    writer.close()
    warcio_check(locs[0].file)
    assert len(records(locs[0].file)) == 9
