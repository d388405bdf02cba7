"""Portals behind a 瑞数-like anti-bot gate: content only for a client that runs the challenge script.

Every request without a valid ``RST`` cookie, robots.txt included, gets ``412 Precondition Failed`` and a
tiny page, as 瑞数 answers: a ``<meta content="<nonce>" r='m'>``, a ``$_ts`` object holding a round count
and a script that runs a hash (FNV-1a, ``nsd`` rounds) over the nonce, stores ``RST=<nonce>.<hash>`` as a
cookie and reloads. The nonce is fresh and signed by the server for every challenge and the round count
differs per nonce, so no value on the page is the cookie: only running the script (or reimplementing it)
gets in. ``Set-Cookie: RSO=<nonce>`` imitates 瑞数's first cookie; it is not enough on its own.

- 津市 (``jinshi``): the script works; behind the gate a plain static portal (``jslisting`` template with
  static lists) with reports: stub pages whose text lives in a Word, a PDF or an Excel attachment, and one
  report published directly as a PDF at a URL without extension (the list links to the file, so only its
  Content-Type says it is one). Chromium shows a PDF in its viewer and downloads Word files: the crawler must
  fetch these as files, with the cookie the challenge earned.
- 澧县 (``lixian``): the script has a bug (one round short), so the cookie is never valid and every reload
  gets the challenge again: the host that must be given up.
"""

from __future__ import annotations

import hashlib
import hmac
import random
import secrets
from datetime import datetime, timedelta

from . import text
from .jslisting import _reports
from .model import Article, Attachment, Channel, Column, Site, docx_bytes

PDF = "application/pdf"
XLS = "application/vnd.ms-excel"

SECRET = secrets.token_bytes(16)  # per process: cookies of an earlier run are not valid

CHALLENGE_SCRIPT = """(function(){
  var n = document.querySelector("meta[r='m']").getAttribute("content"), r = $_ts.nsd%(off)s, h = 0x811c9dc5;
  for (var i = 0; i < r; i++) {
    for (var j = 0; j < n.length; j++) { h ^= n.charCodeAt(j); h = Math.imul(h, 0x01000193) >>> 0; }
    h = (h ^ i) >>> 0;
  }
  document.cookie = "RST=" + n + "." + ("0000000" + h.toString(16)).slice(-8) + "; path=/";
  setTimeout(function(){ location.reload(); }, 30);
})();"""


def _rounds(nonce: str) -> int:
    return 200 + int(hashlib.sha1(nonce.encode()).hexdigest()[:4], 16) % 400


def _fnv(nonce: str, rounds: int) -> str:
    h = 0x811C9DC5
    for i in range(rounds):
        for ch in nonce:
            h ^= ord(ch)
            h = (h * 0x01000193) & 0xFFFFFFFF
        h ^= i
    return f"{h:08x}"


def _sign(rand: str) -> str:
    return rand + hmac.new(SECRET, rand.encode(), "sha1").hexdigest()[:8]


def valid_cookie(cookie_header: str | None) -> bool:
    cookies = {}
    for part in (cookie_header or "").split(";"):
        name, _, value = part.strip().partition("=")
        cookies[name] = value
    nonce, _, value = cookies.get("RST", "").partition(".")
    if len(nonce) != 24 or _sign(nonce[:16]) != nonce:
        return False
    return hmac.compare_digest(_fnv(nonce, _rounds(nonce)), value)


def valid_cookie_for_tests() -> str:
    """A cookie the gate lets through, computed as the challenge script would: for tests that fetch a page
    behind the gate to compare it with what the crawler archived."""
    nonce = _sign(secrets.token_hex(8))
    return f"RST={nonce}.{_fnv(nonce, _rounds(nonce))}"


def challenge_page(broken: bool) -> tuple[str, bytes]:
    nonce = _sign(secrets.token_hex(8))
    script = CHALLENGE_SCRIPT % {"off": " - 1" if broken else ""}
    html = (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
            f'<meta content="{nonce}" r=\'m\'>'
            f'<script type="text/javascript">var $_ts=window[\'$_ts\'];if(!$_ts)$_ts={{}};$_ts.nsd={_rounds(nonce)};'
            f'$_ts.cd="qEcrrrAlDGqqqGl";</script>'
            f'<script type="text/javascript" r=\'m\'>{script}</script></head><body></body></html>')
    return nonce, html.encode("utf-8")


def gate(site: Site, method: str, path: str, headers) -> tuple[int, list[tuple[str, str]], bytes] | None:
    """The server's answer before the page: None lets a request with a valid cookie through."""
    if valid_cookie(headers.get("Cookie")):
        return None
    nonce, body = challenge_page(broken=site.info.get("broken_challenge", False))
    return 412, [("Content-Type", "text/html; charset=utf-8"), ("Set-Cookie", f"RSO={nonce}; path=/; HttpOnly"),
                 ("Cache-Control", "no-cache, no-store")], body


def _portal(site_id: str, name: str, place: str, region: str, code: str, reports: list[Article]) -> Site:
    rnd = random.Random(site_id)
    src = f"{place}人民政府办公室"
    col = Column("ndbg", "政府信息公开年报", "/xxgk/ndbg/", per_page=4, section="政府信息公开", articles=reports)
    news = Column("gzdt", "工作动态", "/xxgk/gzdt/", articles=[
        Article(title, datetime(2019, 4, 10, 9, 0) - timedelta(days=9 * i), text.news_lines(rnd, place, "市"), "news", src)
        for i, title in enumerate([f"{place}召开政务公开工作推进会", f"{place}部署防汛抗旱工作", f"{place}开展营商环境专项督查"])])
    site = Site(site_id, name, region, "county", "ruishu", "trs", {c.key: c for c in (col, news)})
    site.channels = [Channel("/xxgk/index.html", "政府信息公开", ["ndbg", "gzdt"])]
    site.info = {
        "report_column": "ndbg", "built": datetime(2019, 4, 12, 18, 0), "listing": "static", "home_column": "gzdt",
        "sponsor": src, "address": f"{place}人民路1号", "icp": "湘ICP备05004561号", "site_code": code,
        "nav": [("首页", "/"), ("政府信息公开", "/xxgk/index.html")],
        "home_links": [("政府信息公开", "/xxgk/index.html")],
    }
    return site


def _stub(title: str, when: datetime, source: str, attachment: Attachment) -> Article:
    """A report page that only says 详见附件 and links to the file holding the report."""
    return Article(title, when, [f"{title}全文详见附件。"], "report", source, attachments=[attachment])


def jinshi() -> Site:
    from tests.attachment_samples import typeset_pdf, xls_stats

    rnd = random.Random("jinshi")
    agency, place, src = "津市市人民政府", "津市市", "市政府办"

    def report_lines(year: int) -> list[str]:
        return [f"{agency}{year}年度政府信息公开工作年度报告"] + text.annual_report_lines(agency, year, rnd, place)

    docx_title, pdf_title, xls_title, direct_title = (f"{agency}{year}年度政府信息公开工作年度报告"
                                                      for year in (2014, 2013, 2012, 2011))
    docx_lines, pdf_lines, direct_lines = report_lines(2014), report_lines(2013), report_lines(2011)
    direct = Article(direct_title, datetime(2012, 3, 29, 10, 0), direct_lines, "report", src)
    direct.meta["file"] = Attachment(f"{direct_title}.pdf", "P020120329401234567890",
                                     lambda: typeset_pdf(direct_lines, title_lines=1), PDF)
    reports = [
        *_reports(rnd, agency, place, src, range(2015, 2019)),
        _stub(docx_title, datetime(2015, 3, 27, 15, 0), src, Attachment(
            f"{docx_title}.docx", "P020150327512345678901.docx", lambda: docx_bytes(docx_lines, centred=1))),
        _stub(pdf_title, datetime(2014, 3, 25, 16, 0), src, Attachment(
            f"{pdf_title}.pdf", "P020140325388765432101.pdf", lambda: typeset_pdf(pdf_lines, title_lines=1), PDF)),
        _stub(xls_title, datetime(2013, 3, 28, 9, 30), src, Attachment(
            f"{xls_title}.xls", "P020130328300112233445.xls", xls_stats, XLS)),
        direct,
        Article("关于报送2018年度政府信息公开工作年度报告的通知", datetime(2019, 1, 9, 9, 0),
                text.notice_lines(2018, "津市市政务公开办", "各乡镇人民政府，市直各单位", "2019年1月25日"), "decoy", src),
    ]
    return _portal("jinshi", "津市市人民政府", place, "湖南省常德市津市市", "4307810001", reports)


def lixian() -> Site:
    rnd = random.Random("lixian")
    agency, place, src = "澧县人民政府", "澧县", "县政府办"
    site = _portal("lixian", "澧县人民政府", place, "湖南省常德市澧县", "4307230001",
                   _reports(rnd, agency, place, src, range(2016, 2019)))
    site.info["broken_challenge"] = True
    return site
