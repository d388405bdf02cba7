"""An archive of department, township and government reports for the coverage, alerts and HTML tests.

Built with the archive's own functions as a crawl builds it (an ArchiveSession, archive/capture.py for each
page, pipelines/store.py for each report), with a real WARC file: every report row points at the response
record of its page. The agencies are named as real reports name them, several ways for one body (全称 and
简称, with and without the 鼎城区 prefix, 本级 and bracket suffixes), so that coverage must normalise them.

:data:`EXPECTED` is what coverage must say on :data:`AS_OF` (15 February 2024: departments' 2023 reports
were due by 31 January, governments' and townships' are not due before 31 March).

    python -m tests.coverage_sample docs/coverage.png     # the README's screenshot
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from contextlib import contextmanager
from html import escape
from pathlib import Path

from archive.capture import capture_exchange
from archive.db import open_db, save_portals
from archive.session import ArchiveSession
from crawler.items import ReportCandidate
from pipelines.store import StorePipeline

AS_OF = dt.date(2024, 2, 15)
PORTALS = [
    {"id": "dingcheng", "name": "常德市鼎城区人民政府", "region": "湖南省常德市鼎城区", "level": "county",
     "start_urls": ["http://www.dingcheng.gov.cn/"], "hosts": ["www.dingcheng.gov.cn"]},
    {"id": "changde", "name": "常德市人民政府", "region": "湖南省常德市", "level": "city",
     "start_urls": ["http://www.changde.gov.cn/"], "hosts": ["www.changde.gov.cn"]},
    {"id": "kaifu", "name": "长沙市开福区人民政府", "region": "湖南省长沙市开福区", "level": "county",
     "start_urls": ["http://www.kaifu.gov.cn/"], "hosts": ["www.kaifu.gov.cn"]},
]
#: (portal, agency as the report names it, report year)
REPORTS = [
    ("dingcheng", "常德市鼎城区人民政府", 2019), ("dingcheng", "鼎城区人民政府", 2020),
    ("dingcheng", "鼎城区政府", 2021), ("dingcheng", "常德市鼎城区人民政府", 2022),
    ("dingcheng", "鼎城区教育局", 2020), ("dingcheng", "教育局", 2021), ("dingcheng", "常德市鼎城区教育局（本级）", 2022),
    ("dingcheng", "鼎城区发改局", 2021), ("dingcheng", "区发展和改革局", 2022), ("dingcheng", "鼎城区发展和改革局", 2023),
    ("dingcheng", "区政府办", 2022), ("dingcheng", "鼎城区人民政府办公室", 2023),
    ("dingcheng", "鼎城区财政局(本级)", 2021),
    ("dingcheng", "住建局", 2022), ("dingcheng", "鼎城区住房城乡建设局", 2023),
    ("dingcheng", "灌溪镇人民政府", 2021), ("dingcheng", "鼎城区灌溪镇", 2022),
    ("dingcheng", "常德市鼎城区人民政府玉霞街道办事处", 2022),
    ("changde", "常德市人民政府", 2022), ("changde", "常德市教育局", 2022),
    ("changde", "常德市发展和改革委员会", 2022), ("changde", "市发改委", 2023),
    ("kaifu", "长沙市开福区", 2016), ("kaifu", "开福区人民政府", 2017),
]
#: (portal, key) -> (kind, {year: status}) on AS_OF
EXPECTED = {
    ("dingcheng", "人民政府"): ("government", {2019: "found", 2020: "found", 2021: "found", 2022: "found",
                                            2023: "not_due"}),
    ("dingcheng", "教育局"): ("department", {2020: "found", 2021: "found", 2022: "found", 2023: "overdue"}),
    ("dingcheng", "发展改革局"): ("department", {2021: "found", 2022: "found", 2023: "found"}),
    ("dingcheng", "人民政府办公室"): ("department", {2022: "found", 2023: "found"}),
    ("dingcheng", "财政局"): ("department", {2021: "found", 2022: "overdue", 2023: "overdue"}),
    ("dingcheng", "住房城乡建设局"): ("department", {2022: "found", 2023: "found"}),
    ("dingcheng", "灌溪镇"): ("township", {2021: "found", 2022: "found", 2023: "not_due"}),
    ("dingcheng", "玉霞街道"): ("township", {2022: "found", 2023: "not_due"}),
    ("changde", "人民政府"): ("government", {2022: "found", 2023: "not_due"}),
    ("changde", "教育局"): ("department", {2022: "found", 2023: "overdue"}),
    ("changde", "发展改革委员会"): ("department", {2022: "found", 2023: "found"}),
    ("kaifu", "人民政府"): ("government", {2016: "found", 2017: "found", **{y: "overdue" for y in range(2018, 2023)},
                                        2023: "not_due"}),
}


def report_title(agency: str, year: int) -> str:
    return f"{agency}{year}年政府信息公开工作年度报告"


def _page(title: str) -> bytes:
    text = f"根据《中华人民共和国政府信息公开条例》，现公布{escape(title)}。"
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
            f'<body><h1>{escape(title)}</h1><div class="TRS_Editor"><p>{text}</p></div></body></html>').encode()


def store_reports(data_dir, reports, fetched_at: str = "2024-02-01T08:00:00Z") -> list[int]:
    """Archive ``reports`` ((portal, agency, year) each) as one crawl would, through the archive's own functions
    (an ArchiveSession, archive.capture for each page, pipelines.store for each report). Returns the report ids."""
    session = ArchiveSession(data_dir, mode="nightly")
    save_portals(session.db, PORTALS)
    hosts = {p["id"]: p["hosts"][0] for p in PORTALS}
    store = StorePipeline(session)
    ids = []
    for n, (portal, agency, year) in enumerate(reports):
        title = report_title(agency, year)
        url = f"http://{hosts[portal]}/xxgk/nb/{year + 1}03/t{year + 1}0320_{session.crawl_id * 1000 + n}.html"
        body = _page(title)
        location = capture_exchange(
            session, url=url, method="GET", request_headers=[("User-Agent", "govarchive-test")], request_body=b"",
            status=200, protocol="HTTP/1.1", response_headers=[("Content-Type", "text/html; charset=utf-8"),
                                                               ("Content-Length", str(len(body)))],
            body=body, ip_address="127.0.0.1", fetched_at=fetched_at, portal=portal, request_type="report")
        text = title + "\n" + body.decode()
        extracted = {"title": title, "agency": agency, "report_year": year, "publish_date": f"{year + 1}-03-20",
                     "text": text, "text_sha1": hashlib.sha1(text.encode()).hexdigest(), "chars": len(text),
                     "extractor": "coverage-sample 1"}
        region = next(p["region"] for p in PORTALS if p["id"] == portal)
        candidate = ReportCandidate(url=url, portal=portal, region=region, warc=location, extracted=extracted)
        ids.append(store.process_item(candidate).extracted["report_id"])
    session.close(0, pages_fetched=len(reports))
    session.db.close()
    return ids


def build_coverage_archive(data_dir) -> Path:
    store_reports(data_dir, REPORTS)
    return Path(data_dir)


@contextmanager
def chromium_page(width: int = 1280, height: int = 900):
    """A page of Debian's headless Chromium (started as the crawler starts it), and the URLs it requested."""
    from playwright.sync_api import sync_playwright

    from crawler.fetch.chromium import CHROMIUM_ARGS, find_chromium

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.requested = []
            page.on("request", lambda request: page.requested.append(request.url))
            yield page
        finally:
            browser.close()


def screenshot(data_dir, png: Path) -> Path:
    """The README's picture: ``govarchive coverage --html`` over this archive, as Chromium shows it."""
    from archive import coverage
    from archive.coverage_html import render_page

    db = open_db(data_dir)
    page_html = render_page(coverage.coverage(*coverage.load(db), as_of=AS_OF))
    html_path = Path(data_dir) / "coverage.html"
    html_path.write_text(page_html, encoding="utf-8")
    with chromium_page(width=1100, height=700) as page:
        page.goto(html_path.as_uri())
        page.screenshot(path=str(png), full_page=True)
    return png


def main(argv: list[str]) -> None:
    import tempfile

    out = Path(argv[0] if argv else "docs/coverage.png")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        print(screenshot(build_coverage_archive(Path(tmp) / "data"), out))


if __name__ == "__main__":
    main(sys.argv[1:])
