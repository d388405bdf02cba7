"""A county portal where everything that goes wrong on real portals goes wrong, with real reports among it.

石门县人民政府 (``shimen``, style ``faults``): a plain TRS-like site whose report column (信息公开年报,
``/zwgk/nb/``) lists good reports between broken ones, next to traps. What each URL does:

=========================================  ============================================================
report 2023, 2022*, 2015†, 2014‡           plain pages (* first answer 503 without Retry-After, then fine;
                                           † links a 50 MB PDF sent chunked; ‡ a 50 MB PDF with Content-Length)
report 2021 / 2020 / 2019                  GBK declared only in ``<meta>`` / GB18030 bytes under a wrong
                                           ``charset=utf-8`` header (meta says gb2312) / GBK, declared nowhere
report 2011 (list page 2)                  on ``index_1.html``: GB18030 bytes, header says utf-8
report 2018 ``timeout``                    never answers within the crawl's DOWNLOAD_TIMEOUT
report 2017 ``reset``                      connection reset (RST) before any answer
report 2016 ``truncated``                  Content-Length twice what is sent, then the connection closes
report 2013 ``http_500`` / 2012 ``http_503``  always 500 / always 503 with ``Retry-After: 1``
``/zwgk/nb/hj.html`` 年报全文合集          a gzip bomb: ~1 MB of gzip that inflates to 1 GiB
``/zwgk/nb/calendar?date=…`` 年报日历       a calendar: every day links the next one as 下一页, forever
``/zwgk/nb/archive/`` 年报归档              links ``archive/`` relative to itself: /archive/archive/…
``/zwgk/loop-a.html`` 年报（旧版）          302 to loop-b.html, which 302s back
``/zwgk/go?n=1`` 年报（跳转）               302 to ``go?n=2``, and so on without end
``/zwgk/moved.html`` 年报（新址）           302 to the ``outside`` portal (another host)
``/zwgk/intranet.html`` 年报（内网）        302 to http://10.255.255.1/ (a private address)
=========================================  ============================================================

The channel page also links the outside portal and private addresses (192.168.x, 169.254.169.254)
directly. ``outside`` (style ``faults`` too, ``info["sink"]``) stands for every other host: the crawl must
send it nothing. :data:`FAULTS` maps each broken report's year to its fault.
"""

from __future__ import annotations

import gzip
import random
import socket
import struct
import threading
import time
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

from . import text
from .common import Resource, article_meta, body_html, esc, newest, rel, yearly_reports
from .model import Article, Attachment, Channel, Column, Site

FAULTS = {2018: "timeout", 2017: "reset", 2016: "truncated", 2013: "http_500", 2012: "http_503"}
"""Report year -> fault: these reports cannot be archived; every other report of the portal must be."""
ENCODINGS = {2021: "gbk-meta", 2020: "gb18030-wrong-header", 2019: "gbk-undeclared"}
BIG_FILE = 50 * 1024 * 1024
TIMEOUT_SLEEP = 8.0  # seconds the timeout page waits (tests run with DOWNLOAD_TIMEOUT=2)
CALENDAR = "/zwgk/nb/calendar"
BOMB = "/zwgk/nb/hj.html"
_bomb_lock = threading.Lock()
_bomb: list[bytes] = []


def gzip_bomb() -> bytes:
    """16 gzip members of 64 MiB of zeros each: 1 GiB inflated, about 1 MB sent (made once per process)."""
    with _bomb_lock:
        if not _bomb:
            member = gzip.compress(b"\0" * (64 << 20), compresslevel=9, mtime=0)
            _bomb.append(member * 16)
        return _bomb[0]


# --- content ---------------------------------------------------------------------------------------

def layout(site: Site) -> None:
    for col in site.columns.values():
        for a in col.articles:
            a.path = a.meta.get("path") or f"{col.dir}{a.date:%Y%m}/t{a.date:%Y%m%d}_{a.docid}.html"


def page_html(site: Site, here: str, title: str, main: str, meta_charset: str | None = "utf-8",
              article: Article | None = None) -> str:
    metas = article_meta(article)
    declared = f'<meta http-equiv="Content-Type" content="text/html; charset={meta_charset}">\n' if meta_charset else ""
    nav = "".join(f'<a href="{rel(here, path)}">{esc(name)}</a> ' for name, path in site.info["nav"])
    return f"""<!DOCTYPE html>
<html>
<head>
{declared}<title>{esc(title)}</title>
{metas}</head>
<body>
<div class="head">{esc(site.name)}</div>
<div class="nav">{nav}</div>
<div class="main">
{main}
</div>
<div class="foot">主办：{esc(site.info["sponsor"])}　{esc(site.info["icp"])}　网站标识码：{esc(site.info["site_code"])}</div>
</body>
</html>
"""


def article_main(site: Site, a: Article) -> str:
    files = "".join(f'<p><a href="./{att.name}">{esc(att.filename)}</a></p>' for att in a.attachments)
    appendix = f'<div class="appendix">附件：{files}</div>' if files else ""
    return f"""<div class="position">当前位置：<a href="{rel(a.path, '/')}">首页</a> &gt; <a href="{rel(a.path, a.column.dir + 'index.html')}">{esc(a.column.name)}</a></div>
<h1 class="title">{esc(a.title)}</h1>
<div class="info">发布时间：{a.date:%Y-%m-%d}　来源：{esc(a.source)}</div>
<div class="TRS_Editor">{body_html(site, a)}</div>
{appendix}"""


def _encoded(html: str, encoding: str) -> tuple[bytes, str]:
    """(bytes, Content-Type) of a page in one of the :data:`ENCODINGS` setups, or plain UTF-8."""
    if encoding == "gbk-meta":
        return html.encode("gbk"), "text/html"
    if encoding == "gb18030-wrong-header":
        return html.encode("gb18030"), "text/html; charset=utf-8"
    if encoding == "gbk-undeclared":
        return html.encode("gbk"), "text/html"
    return html.encode("utf-8"), "text/html; charset=utf-8"


def _meta_charset(encoding: str | None) -> str | None:
    return {"gbk-meta": "gbk", "gb18030-wrong-header": "gb2312", "gbk-undeclared": None}.get(encoding or "", "utf-8")


def _listing(site: Site, col: Column, n: int, items, count: int) -> str:
    here = col.dir + ("index.html" if n == 0 else f"index_{n}.html")
    rows = "".join(f'<li><a href="{rel(here, a.path)}" title="{esc(a.title)}">{esc(a.title)}</a><span>{a.date:%Y-%m-%d}</span></li>\n'
                   for a in items)
    pager = ""
    if n < count - 1:
        pager += f'<a href="index_{n + 1}.html">下一页</a> '
    if n > 0:
        pager += f'<a href="{"index.html" if n == 1 else f"index_{n - 1}.html"}">上一页</a>'
    extra = site.info.get("listing_extra", "") if n == 0 else ""
    return (f'<div class="position">当前位置：首页 &gt; 政务公开 &gt; {esc(col.name)}</div>\n<h2>{esc(col.name)}</h2>\n'
            f'<ul class="list">\n{rows}</ul>\n<div class="pager">{pager}</div>\n{extra}')


def render(site: Site) -> dict[str, Resource]:
    layout(site)
    built = site.info["built"]
    out: dict[str, Resource] = {}
    if site.info.get("sink"):
        html = page_html(site, "/", site.name, "<p>本站不属于被抓取的门户。</p>")
        out["/"] = Resource(html.encode("utf-8"), "text/html; charset=utf-8", built.timestamp())
        return out
    everything = list(site.articles())

    def page(here, title, main, articles, encoding=None, article=None):
        html = page_html(site, here, title, main, meta_charset=_meta_charset(encoding), article=article)
        body, ctype = _encoded(html, encoding or "")
        return Resource(body, ctype, newest(articles, built))

    quick = "".join(f'<li><a href="{path}">{esc(name)}</a></li>' for name, path in site.info["home_links"])
    out["/"] = page("/", site.name, f'<ul class="quick">{quick}</ul>', everything)
    for ch in site.channels:
        cols = "".join(f'<li><a href="{rel(ch.path, site.columns[k].dir + "index.html")}">{esc(site.columns[k].name)}</a></li>'
                       for k in ch.columns)
        links = "".join(f'<li><a href="{href.format(outside=outside_url(site))}">{esc(label)}</a></li>'
                        for label, href in ch.links)
        out[ch.path] = page(ch.path, f"{ch.name}_{site.name}", f"<h2>{esc(ch.name)}</h2><ul>{cols}{links}</ul>", everything)
    for col in site.columns.values():
        pages = col.pages()
        for n, items in enumerate(pages):
            path = col.dir + ("index.html" if n == 0 else f"index_{n}.html")
            out[path] = page(path, f"{col.name}_{site.name}", _listing(site, col, n, items, len(pages)), items,
                             encoding=site.info.get("page_encodings", {}).get(n))
        for a in col.articles:
            out[a.path] = page(a.path, f"{a.title}_{site.name}", article_main(site, a), [a],
                               encoding=a.meta.get("encoding"), article=a)
    return out


# --- behaviour -------------------------------------------------------------------------------------

def _quiet(fn) -> None:
    try:
        fn()
    except OSError:  # the client went away: what a fault page expects
        pass


def _redirect(handler, head: bool, location: str) -> None:
    handler._log(302)
    handler._send(302, [("Location", location), ("Content-Type", "text/html")], b"<html>302 Found</html>", head, chunked=False)


def _html(handler, head: bool, status: int, html: str, headers=()) -> None:
    handler._log(status)
    handler._send(status, [("Content-Type", "text/html; charset=utf-8"), *headers], html.encode("utf-8"), head, chunked=False)


def _big_file(handler, head: bool, chunked: bool) -> None:
    handler._log(200)
    handler.send_response(200)
    handler.send_header("Content-Type", "application/pdf")
    if chunked:
        handler.send_header("Transfer-Encoding", "chunked")
    else:
        handler.send_header("Content-Length", str(BIG_FILE))
    handler.end_headers()
    handler.close_connection = True
    if head:
        return
    piece = (b"%PDF-1.4\n" + b"0" * (1 << 20))[:1 << 20]

    def send():
        for _ in range(BIG_FILE // len(piece)):
            if chunked:
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            else:
                handler.wfile.write(piece)
        if chunked:
            handler.wfile.write(b"0\r\n\r\n")
    _quiet(send)


def _calendar(site: Site, handler, head: bool) -> None:
    query = parse_qs(urlsplit(handler.path).query)
    try:
        day = date.fromisoformat(query.get("date", ["2017-03-01"])[0])
    except ValueError:
        day = date(2017, 3, 1)
    nxt, prev = day + timedelta(days=1), day - timedelta(days=1)
    main = (f"<h2>信息公开年报日历 {day:%Y年%m月%d日}</h2><p>本日无发布信息。</p>"
            f'<div class="pager"><a href="calendar?date={prev.isoformat()}">上一页</a> '
            f'<a href="calendar?date={nxt.isoformat()}">下一页</a></div>')
    _html(handler, head, 200, page_html(site, CALENDAR, f"信息公开年报日历_{site.name}", main))


def dynamic(handler, head: bool) -> bool:
    site = handler.server.state.site
    if site.info.get("sink"):
        return False
    path = urlsplit(handler.path).path
    if path == CALENDAR:
        _calendar(site, handler, head)
        return True
    if path.startswith("/zwgk/nb/archive/") and set(path.split("/")[3:-1]) == {"archive"}:
        main = '<h2>信息公开年报归档</h2><p>往年年报归档。</p><a href="archive/">年报归档（下一级）</a>'
        _html(handler, head, 200, page_html(site, path, f"信息公开年报归档_{site.name}", main))
        return True
    if path == BOMB:
        handler._log(200)
        handler._send(200, [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")], gzip_bomb(),
                      head, chunked=False)
        return True
    if path == "/zwgk/loop-a.html":
        _redirect(handler, head, "/zwgk/loop-b.html")
        return True
    if path == "/zwgk/loop-b.html":
        _redirect(handler, head, "/zwgk/loop-a.html")
        return True
    if path == "/zwgk/go":  # a redirect chain that never ends, every URL new
        n = int(parse_qs(urlsplit(handler.path).query).get("n", ["1"])[0])
        _redirect(handler, head, f"/zwgk/go?n={n + 1}")
        return True
    if path == "/zwgk/moved.html":
        _redirect(handler, head, outside_url(site) + "zwgk/nb/index.html")
        return True
    if path == "/zwgk/intranet.html":
        _redirect(handler, head, "http://10.255.255.1/zwgk/nb/index.html")
        return True
    if path.endswith(".pdf") and "/big" in path:
        _big_file(handler, head, chunked="chunked" in path)
        return True
    article = site.info["by_path"].get(path)
    fault = article.meta.get("fault") if article is not None else None
    if fault == "timeout":
        handler._log(0)
        time.sleep(TIMEOUT_SLEEP)
        handler.close_connection = True
        return True
    if fault == "reset":
        handler._log(0)
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.close_connection = True
        handler.connection.close()
        return True
    if fault == "truncated":
        entry = handler.server.state.lookup(path)
        body = entry.res.body
        handler._log(200)
        handler.send_response(200)
        handler.send_header("Content-Type", entry.res.ctype)
        handler.send_header("Content-Length", str(len(body) * 2))
        handler.end_headers()
        handler.close_connection = True
        _quiet(lambda: handler.wfile.write(body))
        return True
    if fault == "http_500":
        _html(handler, head, 500, "<html><body><h1>500 Internal Server Error</h1></body></html>")
        return True
    if fault == "http_503":
        _html(handler, head, 503, "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
              [("Retry-After", "1")])
        return True
    if article is not None and article.meta.get("flaky"):
        with site.info["lock"]:
            first = path not in site.info["failed_once"]
            site.info["failed_once"].add(path)
        if first:
            _html(handler, head, 503, "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>")
            return True
    return False


# --- 石门县人民政府 and the host outside it ------------------------------------------------------------

def shimen() -> Site:
    rnd = random.Random("shimen")
    place, agency, src = "我县", "石门县人民政府", "县政府办"
    gzip_bomb()  # made now, not while the crawler waits for it
    articles = []
    for a in yearly_reports(rnd, agency, place, src, range(2011, 2024), published=datetime(2000, 3, 20, 10, 0),
                            spread=(-10, 10), docids=7100):
        year, when = a.date.year - 1, a.date
        if year in FAULTS:
            a.meta["fault"] = FAULTS[year]
        if year in ENCODINGS:
            a.meta["encoding"] = ENCODINGS[year]
            rare = "李䶮、王堃" if ENCODINGS[year].startswith("gb18030") else "王堃"  # 䶮 is beyond GBK: GB18030 only
            a.lines.append(f"联系人：县政府办公室 {rare}；地址：石门县楚江街道宝峰路{year - 2000}号。")
        if year == 2022:
            a.meta["flaky"] = True
        if year == 2011:  # on list page 2 (GB18030, header says utf-8), at a URL with no hint of a report
            a.meta["path"] = f"/c/{when:%Y%m}/t{when:%Y%m%d}_{a.docid}.html"
        if year == 2015:
            a.attachments.append(Attachment(f"{a.title}（扫描件）.pdf", "big-chunked.pdf", lambda: b"", "application/pdf"))
        if year == 2014:
            a.attachments.append(Attachment(f"{a.title}（扫描件）.pdf", "big-length.pdf", lambda: b"", "application/pdf"))
        articles.append(a)
    articles.append(Article("关于做好2022年度政府信息公开工作年度报告编制工作的通知", datetime(2023, 1, 9, 9, 0),
                            text.notice_lines(2022, "石门县政务公开领导小组办公室", "各乡镇人民政府，县直各单位", "2023年1月31日"),
                            "decoy", "县政务公开办"))
    reports = Column("nb", "信息公开年报", "/zwgk/nb/", per_page=13, section="政务公开", articles=articles)
    site = Site("shimen", "石门县人民政府", "湖南省常德市石门县", "county", "faults", "trs", {"nb": reports})
    site.channels = [Channel("/zwgk/index.html", "政务公开", ["nb"], [
        ("政府信息公开年报（旧版）", "/zwgk/loop-a.html"),
        ("政府信息公开年报（跳转）", "/zwgk/go?n=1"),
        ("政府信息公开年报（新址）", "/zwgk/moved.html"),
        ("政务公开年报（内网）", "/zwgk/intranet.html"),
        ("信息公开年报日历", f"{CALENDAR}?date=2017-03-01"),
        ("信息公开年报归档", "/zwgk/nb/archive/"),
        ("信息公开年报（上级平台）", "{outside}xxgk/nb/index.html"),
        ("政府信息公开年报（内网镜像）", "http://192.168.1.10/xxgk/nb/"),
        ("信息公开年报元数据", "http://169.254.169.254/latest/meta-data/"),
    ])]
    site.info = {
        "report_column": "nb", "built": datetime(2024, 3, 30, 18, 0),
        "sponsor": "石门县人民政府办公室", "icp": "湘ICP备05006172号", "site_code": "4307260001",
        "nav": [("首页", "/"), ("政务公开", "/zwgk/index.html")],
        # the report column only through the 政务公开 channel, where the traps are linked beside it
        "home_links": [("政务公开", "/zwgk/index.html")],
        "page_encodings": {1: "gb18030-wrong-header"},
        "listing_extra": f'<p><a href="{rel("/zwgk/nb/index.html", BOMB)}">政府信息公开年报全文合集</a></p>',
        "lock": threading.Lock(), "failed_once": set(), "by_path": {},
    }
    layout(site)
    site.info["by_path"] = {a.path: a for a in site.articles()}
    return site


def outside() -> Site:
    site = Site("outside", "常德市人民政府（另一主机）", "湖南省常德市", "city", "faults", "trs", {})
    site.info = {"sink": True, "built": datetime(2024, 1, 1), "sponsor": "-", "icp": "-", "site_code": "-", "nav": []}
    return site


def outside_url(site: Site) -> str:
    """The other host every faults portal links to and redirects to: its sibling sink portal."""
    return next((url for _name, url in site.siblings), "http://127.0.0.2:9/")
