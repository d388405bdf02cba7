"""A portal that checks the crawler's manners: robots.txt, concurrency, Retry-After, User-Agent.

安乡县人民政府 (``anxiang``, style ``polite``, rendered by the ``faults`` template):

- ``robots.txt`` disallows ``/xxgk/nb/internal/``, where one report lives (linked from the report column),
  and answers only after :data:`ROBOTS_DELAY` seconds, so that every start URL waits for it together;
- every page answers after :data:`LATENCY` seconds: a crawler that allowed more than two requests at a time
  would show it in ``SamplePortals.max_in_flight``;
- report 2020 answers ``503`` with ``Retry-After: 2`` the first time, report 2019 ``429`` with a
  ``Retry-After`` HTTP date 3 seconds ahead the first time; both are fine afterwards;
- report 2018 always answers ``429`` with ``Retry-After: 3600``: longer than a crawler should wait.
"""

from __future__ import annotations

import random
import threading
import time
from datetime import datetime
from email.utils import formatdate
from urllib.parse import urlsplit

from .common import yearly_reports
from .faults import layout
from .model import Channel, Column, Site

ROBOTS_DELAY = 0.6
LATENCY = 0.12
RETRY_AFTER = {2020: (503, "2"), 2019: (429, "date+3"), 2018: (429, "3600")}
ONCE = {2020, 2019}
INTERNAL_YEAR = 2017


def retry_after_value(spec: str) -> str:
    if spec.startswith("date+"):
        return formatdate(time.time() + int(spec[5:]), usegmt=True)
    return spec


def dynamic(handler, head: bool) -> bool:
    site = handler.server.state.site
    path = urlsplit(handler.path).path
    if path == "/robots.txt":
        time.sleep(ROBOTS_DELAY)
        return False
    time.sleep(LATENCY)
    article = site.info["by_path"].get(path)
    if article is None or "retry_after" not in article.meta:
        return False
    status, spec = article.meta["retry_after"]
    if article.meta.get("once"):
        with site.info["lock"]:
            if path in site.info["answered"]:
                return False
            site.info["answered"].add(path)
    handler._log(status)
    body = f"<html><body><h1>{status}</h1><p>访问过于频繁，请稍后再试。</p></body></html>".encode("utf-8")
    handler._send(status, [("Content-Type", "text/html; charset=utf-8"), ("Retry-After", retry_after_value(spec))],
                  body, head, chunked=False)
    return True


def anxiang() -> Site:
    rnd = random.Random("anxiang")
    place, agency, src = "我县", "安乡县人民政府", "县政府办"
    articles = yearly_reports(rnd, agency, place, src, range(2014, 2024), published=datetime(2000, 3, 25, 10, 0),
                              spread=(-8, 8), docids=5300)
    for a in articles:
        year = a.date.year - 1
        if year in RETRY_AFTER:
            a.meta["retry_after"] = RETRY_AFTER[year]
            a.meta["once"] = year in ONCE
    reports = Column("nb", "政府信息公开年报", "/xxgk/nb/", per_page=12, section="政府信息公开", articles=articles)
    site = Site("anxiang", "安乡县人民政府", "湖南省常德市安乡县", "county", "polite", "trs", {"nb": reports})
    site.channels = [Channel("/xxgk/index.html", "政府信息公开", ["nb"])]
    site.info = {
        "report_column": "nb", "built": datetime(2024, 3, 30, 18, 0),
        "sponsor": "安乡县人民政府办公室", "icp": "湘ICP备05006170号", "site_code": "4307210001",
        "nav": [("首页", "/"), ("政府信息公开", "/xxgk/index.html")],
        "home_links": [("政府信息公开", "/xxgk/index.html"), ("政府信息公开年报", "/xxgk/nb/index.html")],
        "lock": threading.Lock(), "answered": set(),
    }
    layout(site)
    internal = next(a for a in articles if str(INTERNAL_YEAR) in a.title)
    internal.meta["path"] = f"/xxgk/nb/internal/t{internal.date:%Y%m%d}_{internal.docid}.html"
    layout(site)
    site.info["by_path"] = {a.path: a for a in site.articles()}
    return site

