"""Serve the sample portals over HTTP, each on its own port, with the habits of the servers they imitate.

- every resource has ``ETag`` and ``Last-Modified`` and answers ``If-None-Match`` /
  ``If-Modified-Since`` with 304 (If-None-Match wins when both are sent, weak comparison);
- 常德 (changde) gzips when the request accepts it (``Content-Encoding: gzip``, ``Vary``, and then a
  weak ``W/"…"`` ETag, as nginx does);
- 开福 (kaifu) sends GBK bytes with ``Content-Type: text/html`` (no charset) and
  ``Transfer-Encoding: chunked``, IIS style ETags;
- query strings are ignored on static files (``index.html?x=1`` is ``index.html``) but name the page on
  ``.asp`` pages and on every path a template keys with a query (``unit.jsp?unitid=…&catid=…``), whose
  parameters may come in any order; a directory URL serves its index file;
- unknown paths get a 404 page; only GET and HEAD are allowed.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from . import graph
from .common import Resource
from .groups import DYNAMIC, GATES, GROUPS, RENDER
from .model import CORPUS, Article, Site

HOST = "127.0.0.1"

ROBOTS = {
    "trs": "User-agent: *\nDisallow: /was5/\nDisallow: /admin/\n",
    "trs-table": "User-agent: *\nDisallow: /was5/\nDisallow: /manage/\n",
    "asp-gbk": "User-agent: *\nDisallow: /admin/\nDisallow: /hdjl/\n",
    "kaipuyun": "User-agent: *\nDisallow: /search/\nDisallow: /admin/\n",
    "jslist": "User-agent: *\nDisallow: /search/\n",
    "ruishu": "User-agent: *\nDisallow: /search/\nDisallow: /admin/\n",
    "hanweb": "User-agent: *\nDisallow: /admin/\nDisallow: /jrobot/\n",
    "fjtrs": "User-agent: *\nDisallow: /uc/\nDisallow: /ssp/\n",
    "faults": "User-agent: *\nDisallow: /admin/\n",
    "polite": "User-agent: *\nDisallow: /xxgk/nb/internal/\nDisallow: /admin/\n",
    "govtree": "User-agent: *\nDisallow: /admin/\n",
}
SERVER_HEADERS = {
    "trs": [("Server", "nginx/1.16.1")],
    "trs-table": [("Server", "Apache")],
    "asp-gbk": [("Server", "Microsoft-IIS/6.0"), ("X-Powered-By", "ASP.NET")],
    "kaipuyun": [("Server", "nginx")],
    "jslist": [("Server", "nginx")],
    "ruishu": [("Server", "nginx")],
    "hanweb": [("Server", "Hanweb-JCMS")],
    "fjtrs": [("Server", "nginx")],
    "faults": [("Server", "nginx")],
    "polite": [("Server", "nginx")],
    "govtree": [("Server", "nginx")],
    "county": [("Server", "nginx"), ("X-Frame-Options", "SAMEORIGIN")],
}
NOT_FOUND = {
    "asp-gbk": "<html><head><title>无法找到该页</title></head><body><h1>无法找到该页</h1>HTTP 错误 404 - 文件或目录未找到。<br>Internet 信息服务 (IIS)</body></html>",
    None: "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
}
GZIP_PORTALS = {"changde", "linli", "jinshi"}
CHUNKED_PORTALS = {"kaifu"}


@dataclass(frozen=True)
class Portal:
    id: str
    name: str
    style: str
    region: str
    level: str
    base_url: str          # http://127.0.0.1:PORT (no trailing slash)
    start_url: str         # base_url + "/"


@dataclass(frozen=True)
class ExpectedReport:
    portal_id: str
    url: str
    corpus_id: str | None  # e.g. "001_530b59ebb389d401"; None for reports outside the corpus
    title: str

    @property
    def gold_path(self) -> Path | None:
        return CORPUS / f"{self.corpus_id}.gold.txt" if self.corpus_id else None


@dataclass(frozen=True)
class _Entry:
    res: Resource
    mtime: int
    etag: str
    gz: bytes | None


def _etag(style: str, mtime: int, size: int) -> str:
    if style == "asp-gbk":  # IIS: FILETIME in hex, then ":0"
        return f'"{mtime * 10_000_000 + 116444736000000000:x}:0"'
    return f'"{mtime:x}-{size:x}"'  # nginx


def _parse_when(value) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, 9, 0)
    text = str(value).strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            when = datetime.strptime(text, fmt)
            return when.replace(hour=9) if fmt == "%Y-%m-%d" else when
        except ValueError:
            pass
    raise ValueError(f"publish_date {value!r}: expected YYYY-MM-DD[ HH:MM[:SS]]")


def _query_key(path: str, query: str) -> str:
    """``/a.jsp`` and ``b=2&a=1`` -> ``/a.jsp?a=1&b=2``: parameters in any order name the same page."""
    params = sorted(p for p in query.split("&") if p)
    return f"{path}?{'&'.join(params)}" if params else path


class _PortalState:
    """One portal: its content model, rendered resources with validators, and a lock."""

    def __init__(self, site: Site, portal_index: int):
        self.site = site
        self.index = portal_index
        self.lock = threading.Lock()
        self.entries: dict[str, _Entry] = {}
        self.query_keys: dict[str, str] = {}    # path?sorted-parameters -> the entry key (parameters as linked)
        self.query_paths: set[str] = set()      # paths whose query names the page

    def rebuild(self) -> None:
        fresh = RENDER[self.site.style](self.site)
        if "/robots.txt" not in fresh:  # a template that names its sitemap in robots.txt writes its own
            robots = ROBOTS[self.site.style].encode()
            fresh["/robots.txt"] = Resource(robots, "text/plain", fresh["/"].mtime, html=False)
        now = int(time.time())
        with self.lock:
            entries = {}
            for key, res in fresh.items():
                old = self.entries.get(key)
                if old is not None and old.res.body == res.body:
                    entries[key] = old
                    continue
                mtime = int(res.mtime) if old is None else max(now, old.mtime + 1)
                gz = gzip.compress(res.body, mtime=0) if self.site.id in GZIP_PORTALS else None
                entries[key] = _Entry(res, mtime, _etag(self.site.style, mtime, len(res.body)), gz)
            self.entries = entries
            self.query_keys = {_query_key(*key.split("?", 1)): key for key in entries if "?" in key}
            self.query_paths = {key.split("?", 1)[0] for key in self.query_keys.values()}

    def lookup(self, target: str) -> _Entry | None:
        """The resource a request target names: its path alone, or, on a page named by its query (some
        resource's key carries one, or an ``.asp`` page), its path and parameters in any order."""
        target = target.split("#", 1)[0]
        path, _, query = target.partition("?")
        path = path or "/"
        with self.lock:
            if path in self.query_paths or path.endswith(".asp"):
                key = _query_key(path, query)
                path = self.query_keys.get(key, key)
            entry = self.entries.get(path)
            if entry is None and path.endswith("/"):
                for index in ("index.html", "index.shtml", "index.asp"):
                    entry = self.entries.get(path + index)
                    if entry:
                        break
        return entry


def _accepts_gzip(header: str | None) -> bool:
    for part in (header or "").split(","):
        token, _, params = part.strip().partition(";")
        if token.strip().lower() in ("gzip", "x-gzip", "*"):
            q = params.strip()
            return not (q.startswith("q=") and float(q[2:] or 0) == 0)
    return False


def _not_modified(headers, entry: _Entry) -> bool:
    inm = headers.get("If-None-Match")
    if inm is not None:
        bare = entry.etag.removeprefix("W/")
        tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
        return "*" in tags or bare in tags
    ims = headers.get("If-Modified-Since")
    if ims:
        try:
            return entry.mtime <= parsedate_to_datetime(ims).timestamp()
        except (TypeError, ValueError, IndexError):
            return False
    return False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30
    # Headers and body leave in two sends: with Nagle's algorithm the body waits for the client's delayed ACK
    # (~40 ms on every kept-alive response), and tests and benches would time this server, not the crawler.
    disable_nagle_algorithm = True
    server: "_Server"

    def version_string(self) -> str:
        return dict(SERVER_HEADERS[self.server.state.site.style]).get("Server", "nginx")

    def log_message(self, format, *args):  # quiet
        pass

    def do_GET(self):
        self._in_flight(self._serve, head=False)

    def do_HEAD(self):
        self._in_flight(self._serve, head=True)

    def do_POST(self):
        dynamic = DYNAMIC.get(self.server.state.site.style)
        self._in_flight(lambda: (dynamic and dynamic(self, False)) or self._other())

    def _in_flight(self, serve, **kwargs) -> None:
        """Serve one request, keeping count of the portal's requests in flight (``SamplePortals.max_in_flight``)."""
        owner, portal_id = self.server.owner, self.server.state.site.id
        with owner._log_lock:
            owner._in_flight[portal_id] = owner._in_flight.get(portal_id, 0) + 1
            owner.max_in_flight[portal_id] = max(owner.max_in_flight.get(portal_id, 0), owner._in_flight[portal_id])
        try:
            serve(**kwargs)
        finally:
            with owner._log_lock:
                owner._in_flight[portal_id] -= 1

    def _other(self):
        self._log(405)
        self.send_response(405)
        self.send_header("Allow", "GET, HEAD")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_PUT = do_DELETE = do_OPTIONS = do_PATCH = _other

    def _log(self, status: int) -> None:
        owner = self.server.owner
        with owner._log_lock:
            owner.request_log.append((self.server.state.site.id, self.command, self.path, status, dict(self.headers)))
            owner.request_times.append(time.monotonic())

    def _serve(self, head: bool) -> None:
        state = self.server.state
        site = state.site
        gate = GATES.get(site.style)
        answer = gate(site, self.command, self.path, self.headers) if gate else None
        if answer is not None:  # e.g. an anti-bot challenge instead of the page
            status, headers, body = answer
            self._log(status)
            try:
                self._send(status, headers, body, head, chunked=False)
            except (BrokenPipeError, ConnectionResetError):  # a browser that reloads before the page is read
                pass
            return
        dynamic = DYNAMIC.get(site.style)
        if dynamic is not None and dynamic(self, head):  # answered by the portal's module (APIs, faults)
            return
        entry = state.lookup(self.path)
        extra = [h for h in SERVER_HEADERS[site.style] if h[0] != "Server"]
        if entry is None:
            body = NOT_FOUND.get(site.style, NOT_FOUND[None]).encode("gbk" if site.style == "asp-gbk" else "utf-8")
            self._log(404)
            self._send(404, [("Content-Type", "text/html"), *extra], body, head, chunked=site.id in CHUNKED_PORTALS)
            return
        use_gz = entry.gz is not None and _accepts_gzip(self.headers.get("Accept-Encoding"))
        etag = "W/" + entry.etag if use_gz else entry.etag
        validators = [("Last-Modified", formatdate(entry.mtime, usegmt=True)), ("ETag", etag)]
        if entry.gz is not None:
            validators.append(("Vary", "Accept-Encoding"))
        if _not_modified(self.headers, entry):
            self._log(304)
            self._send(304, [*validators, *extra], b"", head=True, chunked=False)
            return
        headers = [("Content-Type", entry.res.ctype), *validators, *extra]
        body = entry.gz if use_gz else entry.res.body
        if use_gz:
            headers.append(("Content-Encoding", "gzip"))
        self._log(200)
        self._send(200, headers, body, head, chunked=site.id in CHUNKED_PORTALS and entry.res.html)

    def post_form(self, head: bool) -> dict[str, str] | None:
        """The form of a POST (first value of each field); anything else gets 405 and None, as list APIs do."""
        if self.command != "POST":
            self._log(405)
            self._send(405, [("Allow", "POST"), ("Content-Type", "text/html")], b"Method Not Allowed", head,
                       chunked=False)
            return None
        length = int(self.headers.get("Content-Length") or 0)
        return {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode("utf-8")).items()}

    def reply(self, body: bytes, content_type: str, head: bool, status: int = 200) -> None:
        """Log and send a whole (not chunked) answer: for the handlers of dynamic URLs (CMS APIs)."""
        self._log(status)
        self._send(status, [("Content-Type", content_type)], body, head, chunked=False)

    def _send(self, status: int, headers, body: bytes, head: bool, chunked: bool) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if head or status == 304:
            return
        if chunked:
            for i in range(0, len(body), 8192):
                piece = body[i:i + 8192]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, state: _PortalState, owner: "SamplePortals"):
        self.state = state
        self.owner = owner
        super().__init__(address, _Handler)


class SamplePortals:
    """All sample portals, served from background threads. Use as a context manager."""

    def __init__(self, port_base: int | None = None, host: str = HOST, group: str = "corpus"):
        self.port_base = port_base
        self.group = group  # which portals: "corpus" (the default) or another of groups.GROUPS
        self.host = host
        self.request_log: list[tuple[str, str, str, int, dict]] = []
        self.request_times: list[float] = []  # time.monotonic() of each request_log entry
        self.max_in_flight: dict[str, int] = {}  # portal id -> most requests it served at the same time
        self._in_flight: dict[str, int] = {}
        self._log_lock = threading.Lock()
        self._states: list[_PortalState] = []
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []
        self._added = 0

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self) -> "SamplePortals":
        sites = [build() for build in GROUPS[self.group]]
        try:
            for i, site in enumerate(sites):
                state = _PortalState(site, i)
                port = 0 if self.port_base is None else self.port_base + i
                host = site.info.get("bind", self.host)  # an address of its own (tests/sampleportals/govtree.py)
                server = _Server((host, port), state, self)
                site.base_url = f"http://{host}:{server.server_address[1]}"
                self._states.append(state)
                self._servers.append(server)
        except OSError:
            self.stop()
            raise
        for state in self._states:
            state.site.siblings = [(s.name, s.base_url + "/") for s in sites if s is not state.site]
            state.rebuild()
        for server in self._servers:
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                      name=f"sampleportal-{server.state.site.id}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server, thread in zip(self._servers, self._threads):
            server.shutdown()
        for server in self._servers:
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers, self._threads = [], []

    def __enter__(self) -> "SamplePortals":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- what the portals hold ------------------------------------------------------------------
    @property
    def portals(self) -> list[Portal]:
        return [Portal(s.id, s.name, s.style, s.region, s.level, s.base_url, s.base_url + "/")
                for s in (st.site for st in self._states)]

    def portal(self, portal_id: str) -> Portal:
        for p in self.portals:
            if p.id == portal_id:
                return p
        raise KeyError(portal_id)

    def _state(self, portal_id: str) -> _PortalState:
        for st in self._states:
            if st.site.id == portal_id:
                return st
        raise KeyError(portal_id)

    def _articles(self, kinds: set[str]):
        for st in self._states:
            for a in st.site.articles():
                if a.kind in kinds:
                    yield st.site, a

    @property
    def expected_reports(self) -> list[ExpectedReport]:
        """The corpus reports, one per corpus file, with the absolute URL that serves each."""
        found = [ExpectedReport(site.id, site.base_url + a.path, a.corpus_id, a.title)
                 for site, a in self._articles({"report"}) if a.corpus_id]
        return sorted(found, key=lambda r: r.corpus_id)

    @property
    def extra_reports(self) -> list[ExpectedReport]:
        """Reports that are not in the corpus (older years, attachment-only ones, add_report's)."""
        return [ExpectedReport(site.id, site.base_url + a.path, None, a.title)
                for site, a in self._articles({"report"}) if not a.corpus_id]

    @property
    def decoy_urls(self) -> list[str]:
        """Article pages that are not reports: guides, notices about reports, bulletins, budgets, news."""
        return [site.base_url + a.path for site, a in self._articles({"decoy", "news", "page"})]

    @property
    def attachment_urls(self) -> list[str]:
        """Files that are not pages, robots.txt and sitemaps excepted."""
        out = []
        for st in self._states:
            out += [st.site.base_url + key for key, e in st.entries.items()
                    if not e.res.html and not key.startswith(("/robots.txt", "/sitemap"))]
        return out

    def page_urls(self, portal_id: str) -> list[str]:
        st = self._state(portal_id)
        with st.lock:
            return [st.site.base_url + key for key, e in st.entries.items() if e.res.html and not e.res.alias]

    # --- the link graph (tests of the crawler's cost, the closing note) ----------------------------
    def _resource(self, st: _PortalState):
        """What the portal answers for an absolute URL on its host (None: 404 or another host); gates and
        dynamic answers (anti-bot challenges, faults, list APIs) left out."""
        def resource(url: str) -> Resource | None:
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != st.site.base_url:
                return None
            entry = st.lookup(parts.path + (f"?{parts.query}" if parts.query else ""))
            return entry.res if entry else None
        return resource

    def page_graph(self, portal_id: str) -> dict[str, set[str]]:
        """Every HTML page of the portal (absolute URL) -> the same-host URLs it links to, read from the
        rendered pages as a crawler without a browser reads them (``graph.page_links``: ``<a href>``, TRS
        pager scripts, Hanweb records embedded in the page). List-API answers (POSTs) are not links."""
        st = self._state(portal_id)
        with st.lock:
            keys = list(st.entries)
        return graph.page_graph(st.site.base_url, keys, self._resource(st))

    def _report_urls(self, portal_id: str) -> dict[str, Article]:
        site = self._state(portal_id).site
        return {site.base_url + a.path: a for a in site.articles() if a.kind == "report"}

    def minimum_pages(self, portal_id: str) -> set[str]:
        """The pages a crawler strictly needs to reach every report reachable by links: the union of
        breadth-first (shortest) paths from the start URL to each such report, reports included (robots.txt,
        sitemaps and attachments are not pages; robots.txt rules are not applied). Reports reached only
        through a list API (on jintanqu: the column pages after the first, and the report filed in 工作动态)
        or only through the sitemap are left out."""
        start = self.portal(portal_id).start_url
        return graph.minimum_pages(self.page_graph(portal_id), start, self._report_urls(portal_id))

    def reports_by_kind(self, portal_id: str) -> dict[str, set[str]]:
        """The portal's report URLs by how a crawler can reach them: ``linked`` (by links from the start URL,
        as in ``page_graph``), ``sitemap_only`` (not linked, listed in a sitemap robots.txt names),
        ``unlinked`` (neither: a list API or a browser-written list reaches them); and, across those,
        ``news_column``: reports filed in a news column, not a report column (``meta["filed_in"]``)."""
        st = self._state(portal_id)
        reports = self._report_urls(portal_id)
        reached = graph.distances(self.page_graph(portal_id), self.portal(portal_id).start_url).keys()
        in_sitemap = graph.sitemap_urls(st.site.base_url, self._resource(st))
        linked = reports.keys() & reached
        return {"linked": linked, "sitemap_only": (reports.keys() & in_sitemap) - linked,
                "unlinked": reports.keys() - reached - in_sitemap,
                "news_column": {url for url, a in reports.items() if a.meta.get("filed_in") == "news"}}

    def write_registry(self, path) -> Path:
        return write_registry(self.portals, path)

    # --- changing content (nightly-crawl tests) ----------------------------------------------------
    def add_report(self, portal_id: str, title: str, paragraphs: list[str], publish_date) -> str:
        """Publish a report at the top of the portal's report column; return its absolute URL."""
        st = self._state(portal_id)
        col = st.site.report_column()
        self._added += 1
        source = next((a.source for a in col.articles if a.kind == "report"), "")
        article = Article(title, _parse_when(publish_date), list(paragraphs), "report", source, order=self._added)
        col.add(article, top=True)
        st.rebuild()
        return st.site.base_url + article.path

    def change_report(self, url: str, new_paragraphs: list[str]) -> None:
        """Replace the body of the article at ``url`` (its bytes, ETag and Last-Modified change)."""
        for st in self._states:
            for a in st.site.articles():
                if st.site.base_url + a.path == url:
                    a.lines = list(new_paragraphs)
                    st.rebuild()
                    return
        raise KeyError(url)


def write_registry(portals, path, start_paths: dict[str, list[str]] | None = None, **extra) -> Path:
    """A registry file (crawler/portals.json format) for sample ``portals``; ``start_paths``: more start URLs
    (paths) per portal id; ``extra``: keys added to every entry (``robots=False``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = [{"id": p.id, "name": p.name, "region": p.region, "level": p.level,
                "start_urls": [p.start_url] + [p.base_url + start for start in (start_paths or {}).get(p.id, [])],
                "hosts": [p.base_url.split("://", 1)[1]], **extra} for p in portals]
    path.write_text(json.dumps(entries, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
