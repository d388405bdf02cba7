"""A small archive for the search/show/stats/export/replay tests, built without crawling.

:func:`build_test_archive` is the one place to swap for a real crawl of the sample portals: the tests
only rely on what it returns (a data directory holding ``archive.db`` and ``warc/``), on
:func:`report_ids` (corpus key -> latest report id, matched by title) and on :func:`served_response`
(the HTTP response the portal served for a URL, byte for byte, to compare with what ``show --raw`` and
replay read back from the WARC files).

What it holds, built by the archive's own functions as a crawl builds it (an ArchiveSession per crawl,
archive.capture for each exchange, pipelines.store for each report): the five corpus reports
(``tests/fixtures/corpus``) as HTML pages on four portals, each a response record (one served
gzip-encoded), a ``captures`` row per exchange (plus a listing page and a 404), two ``crawls`` rows, and a
second version of report 001
(changed text in the second crawl, so its first row has ``is_latest = 0``). The ``portals`` table also
lists a portal (wanzai) with no report, so the coverage matrix has a gap.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
from pathlib import Path

from archive.capture import capture_exchange
from archive.db import open_db, save_portals
from archive.session import ArchiveSession
from crawler.items import ReportCandidate
from pipelines.store import StorePipeline

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"

#: corpus key prefix -> (portal id, host)
PORTALS = {
    "000": ("cdjkq", "www.cdjkq.gov.cn"),
    "001": ("changde", "www.changde.gov.cn"),
    "002": ("jintan", "www.jtkfq.gov.cn"),
    "003": ("cdjkq", "www.cdjkq.gov.cn"),
    "004": ("kaifu", "www.kaifu.gov.cn"),
}
REGISTRY = [
    {"id": "cdjkq", "name": "常德经济技术开发区", "region": "湖南省常德市"},
    {"id": "changde", "name": "常德市人民政府", "region": "湖南省常德市"},
    {"id": "jintan", "name": "金坛经济开发区", "region": "江苏省常州市金坛区"},
    {"id": "kaifu", "name": "长沙市开福区", "region": "湖南省长沙市开福区"},
    {"id": "wanzai", "name": "万载县人民政府", "region": "江西省宜春市万载县"},
]
#: appended to report 001 in the second crawl: a new version
REVISION_NOTE = "（本报告于2018年4月修订，补充了行政复议案件的办理结果。）"
GZIP_KEY = "001"  # served with Content-Encoding: gzip


def corpus() -> dict[str, dict]:
    """corpus key -> meta (title, agency, report_year, ...) with ``text`` (the gold text) added."""
    out = {}
    for meta_path in sorted(CORPUS.glob("*.meta.json")):
        key = meta_path.name.removesuffix(".meta.json")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["text"] = (CORPUS / f"{key}.gold.txt").read_text(encoding="utf-8").strip()
        out[key] = meta
    return out


def page_html(meta: dict, text: str) -> str:
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(meta["title"])}</title></head>\n'
            f'<body><h1>{html.escape(meta["title"])}</h1>\n<div class="TRS_Editor">\n{paragraphs}\n</div></body></html>\n')


def _http_message(status_line: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    head = status_line + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    return head.encode("latin-1") + body


def _exchange(session, served_dir: Path, url: str, body: bytes, fetched_at: str, portal: str, request_type: str,
              gzipped=False, status=200, content_type="text/html; charset=utf-8"):
    """Archive one exchange as the crawl does (archive.capture.capture_exchange: WARC records and a captures
    row); remember the exact HTTP message served; return its location."""
    if gzipped:
        body = gzip.compress(body, mtime=0)
    headers = [("Server", "nginx"), ("Date", "Mon, 26 Mar 2018 09:44:00 GMT"), ("Content-Type", content_type)]
    if gzipped:
        headers.append(("Content-Encoding", "gzip"))
    headers.append(("Content-Length", str(len(body))))
    location = capture_exchange(
        session, url=url, method="GET", request_headers=[("User-Agent", "govarchive-test"), ("Accept-Encoding", "gzip")],
        request_body=b"", status=status, protocol="HTTP/1.1", response_headers=headers, body=body,
        ip_address="127.0.0.1", fetched_at=fetched_at, portal=portal, request_type=request_type,
    )
    reason = {200: "OK", 404: "Not Found"}[status]
    name = hashlib.sha1(url.encode()).hexdigest() + ".http"
    (served_dir / name).write_bytes(_http_message(f"HTTP/1.1 {status} {reason}", headers, body))
    return location


def _report_url(key: str, meta: dict) -> str:
    portal, host = PORTALS[key[:3]]
    date = (meta.get("publish_date") or f"{meta['report_year'] + 1}-03-31").replace("-", "")
    return f"http://{host}/zfxxgk/zfxxgknb/{date[:6]}/t{date}_{int(key[:3]) + 1000}.html"


def _store(session, served_dir: Path, key: str, meta: dict, text: str, fetched_at: str) -> None:
    """A corpus report fetched and stored as the crawl stores it (pipelines/store.py)."""
    portal, host = PORTALS[key[:3]]
    url = _report_url(key, meta)
    location = _exchange(session, served_dir, url, page_html(meta, text).encode("utf-8"), fetched_at, portal,
                         "report", gzipped=key.startswith(GZIP_KEY))
    extracted = {field: meta.get(field) for field in ("title", "agency", "report_year", "publish_date", "source")}
    extracted.update(text=text, text_sha1=hashlib.sha1(text.encode()).hexdigest(), chars=len(text),
                     extractor="test-builder 1")
    candidate = ReportCandidate(url=url, portal=portal, region=meta["region"], warc=location,
                                found_on=f"http://{host}/zfxxgk/zfxxgknb/", link_text=meta["title"],
                                extracted=extracted)
    StorePipeline(session).process_item(candidate)


def build_test_archive(tmp_path) -> Path:
    """Build the archive under ``tmp_path/data`` and return that data directory."""
    data_dir = Path(tmp_path) / "data"
    served_dir = data_dir.parent / "served"
    served_dir.mkdir(parents=True, exist_ok=True)
    reports = corpus()

    # crawl 1: every report, a listing page and a 404
    session = ArchiveSession(data_dir, mode="backfill")
    save_portals(session.db, REGISTRY)
    _exchange(session, served_dir, "http://www.cdjkq.gov.cn/zfxxgk/zfxxgknb/index.html",
              "<html><body><ul><li>年报</li></ul></body></html>".encode(), "2018-04-01T08:00:00Z", "cdjkq", "listing")
    _exchange(session, served_dir, "http://www.kaifu.gov.cn/zfxxgk/zfxxgknb/index_3.html", b"<html>404</html>",
              "2018-04-01T08:00:01Z", "kaifu", "next_page", status=404)
    for n, (key, meta) in enumerate(reports.items()):
        _store(session, served_dir, key, meta, meta["text"], f"2018-04-01T08:01:{n:02d}Z")
    session.close(1, errors={"http_404": 1}, pages_fetched=len(reports) + 2)

    # crawl 2: report 001 changed
    session = ArchiveSession(data_dir, mode="nightly")
    key = next(k for k in reports if k.startswith("001"))
    _store(session, served_dir, key, reports[key], reports[key]["text"] + "\n" + REVISION_NOTE, "2018-05-01T08:00:00Z")
    session.close(0, pages_fetched=1)
    session.db.close()
    return data_dir


def served_response(data_dir, url: str) -> bytes:
    """The HTTP response (status line, headers, body as sent) the portal served for ``url`` (last time)."""
    return (Path(data_dir).parent / "served" / (hashlib.sha1(url.encode()).hexdigest() + ".http")).read_bytes()


def report_ids(data_dir) -> dict[str, int]:
    """corpus key -> id of the latest version of that report, matched by title."""
    db = open_db(data_dir)
    by_title = {row["title"]: row["id"] for row in db.query("select id, title from reports where is_latest = 1")}
    return {key: by_title[meta["title"]] for key, meta in corpus().items()}
