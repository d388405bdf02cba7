"""List pages that CMS scripts fill in: read the script's own data and API calls, no browser needed.

Two families seen on government portals:

- **Hanweb JCMS** (大汉): ``/col/col<id>/index.html`` carries its first records inside
  ``<script type="text/xml"><datastore><recordset><record><![CDATA[<li>…</li>]]></record>``, which an HTML
  parser (and so Scrapy's LinkExtractor) skips as script text. The page's jpage call names the rest::

      $('#212860').jpage({totalRecord:64,perPage:15,groupSize:1,proxyUrl:'/module/web/jpage/dataproxy.jsp',
                          ajaxParam:{col:1,appid:1,webid:1,path:'/',columnid:33718,unitid:'212860',…}});

  and later records come from ``POST /module/web/jpage/dataproxy.jsp?startrecord=16&endrecord=30&perpage=15``
  with ``ajaxParam`` as the form body; the reply is the same ``<datastore>`` XML.
- **Fujian provincial platform** (TRS "动静结合" listModel): page 1 is a static ``dl/dd`` list, later pages
  come only from ``POST /fjdzapp/search`` (``channelid``, ``classsql``, ``sortfield``, ``page``, ``prepage``,
  as the page's ``listModel({listArgs: …, pagebar: …})`` call says), answering JSON
  ``{"data": [{"doctitle", "chnldocurl", "docreltime"}, …]}``.

Plain functions over a response: :func:`embedded_links` (links an HTML parser misses), :func:`list_api_requests`
(the POST requests for the other pages of the list, without callback or meta: the spider adds its own) and
:func:`api_links` (the links in an API reply).
"""

from __future__ import annotations

import json
import math
import re
from html import unescape
from urllib.parse import parse_qsl, urljoin, urlsplit

import scrapy
from parsel import Selector
from scrapy.link import Link

MAX_API_PAGES = 50
"""At most this many API calls per list: a news column can hold thousands of records."""

# -- Hanweb JCMS -------------------------------------------------------------------------------------

HANWEB_XML_SCRIPT = re.compile(r"<script[^>]*type\s*=\s*[\"']?text/xml[^>]*>(.*?)</script>", re.I | re.S)
HANWEB_RECORD = re.compile(r"<record[^>]*>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.I | re.S)
HANWEB_NEXTGROUP = re.compile(r"<nextgroup[^>]*>\s*<!\[CDATA\[.*?href\s*=\s*[\"']([^\"']+)[\"']", re.I | re.S)
HANWEB_JPAGE = re.compile(r"\.jpage\(\s*\{(.*?)</script>", re.S | re.I)
HANWEB_TOTAL_XML = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.I)
DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"


def _js_number(source: str, name: str) -> int | None:
    match = re.search(rf"\b{name}\s*[:=]\s*['\"]?(\d+)", source, re.I)
    return int(match.group(1)) if match else None


def _js_string(source: str, name: str) -> str | None:
    match = re.search(rf"\b{name}\s*[:=]\s*(['\"])(.*?)\1", source, re.I | re.S)
    return match.group(2) if match else None


def _js_object(source: str, name: str) -> dict[str, str]:
    """A flat object literal ``name:{a:1,b:'x',c:"y"}`` as strings (no nesting: ajaxParam never has any)."""
    match = re.search(rf"\b{name}\s*:\s*\{{(.*?)\}}", source, re.S)
    if not match:
        return {}
    pairs = re.findall(r"['\"]?(\w+)['\"]?\s*:\s*(?:'([^']*)'|\"([^\"]*)\"|([^,}\s]+))", match.group(1))
    return {key: next(v for v in values if v != "") if any(values) else "" for key, *values in pairs}


def _links_in_fragments(fragments: list[str], base_url: str) -> list[Link]:
    links = []
    for fragment in fragments:
        for anchor in Selector(text=f"<div>{fragment}</div>").css("a[href]"):
            href = (anchor.attrib.get("href") or "").strip()
            if not href or href.startswith(("javascript:", "#", "mailto:")):
                continue
            text = " ".join(t.strip() for t in anchor.css("::text").getall() if t.strip())
            links.append(Link(urljoin(base_url, href), text or (anchor.attrib.get("title") or "").strip()))
    return links


def hanweb_links(response) -> list[Link]:
    """The records of a Hanweb datastore (a page's ``<script type="text/xml">`` or a dataproxy.jsp reply)."""
    text = response.text
    scripts = HANWEB_XML_SCRIPT.findall(text) if "<html" in text[:2000].lower() else [text]
    fragments = [record for script in scripts for record in HANWEB_RECORD.findall(script)]
    return _links_in_fragments(fragments, response.url)


def hanweb_requests(response) -> list[scrapy.FormRequest]:
    """POST requests to dataproxy.jsp for the records after those a Hanweb column page embeds."""
    text = response.text
    jpage = HANWEB_JPAGE.search(text)
    nextgroup = HANWEB_NEXTGROUP.search(text)
    if not jpage and not nextgroup:
        return []
    script = jpage.group(1) if jpage else ""
    params = _js_object(script, "ajaxParam")
    proxy = _js_string(script, "proxyUrl")
    if nextgroup:  # the URL the page's own "more" link would call: path and parameters
        next_url = unescape(nextgroup.group(1))
        proxy = proxy or urlsplit(next_url).path
        for key, value in parse_qsl(urlsplit(next_url).query, keep_blank_values=True):
            params.setdefault(key, value)
    params.pop("page", None)
    total = _js_number(script, "totalRecord")
    if total is None:
        match = HANWEB_TOTAL_XML.search(text)
        total = int(match.group(1)) if match else None
    embedded = len([r for s in HANWEB_XML_SCRIPT.findall(text) for r in HANWEB_RECORD.findall(s)])
    per_page = _js_number(script, "perPage") or embedded
    if not total or not per_page or total <= embedded:
        return []
    step = per_page * max(1, _js_number(script, "groupSize") or 1)
    url = urljoin(response.url, proxy or DEFAULT_PROXY)
    requests = []
    for start in range(embedded + 1, total + 1, step):
        end = min(start + step - 1, total)
        query = f"startrecord={start}&endrecord={end}&perpage={per_page}"
        requests.append(scrapy.FormRequest(f"{url}?{query}", formdata=params,
                                           headers={"X-Requested-With": "XMLHttpRequest"}))
    return requests[:MAX_API_PAGES]


# -- Fujian provincial platform (TRS listModel → /fjdzapp/search) -------------------------------------

FUJIAN_LIST_MODEL = re.compile(r"listModel\(\s*\{(.*?)</script>", re.S | re.I)
FUJIAN_SEARCH_PATH = "/fjdzapp/search"
_STRING_LITERAL = re.compile(r"'([^']*)'|\"([^\"]*)\"")
_OPERAND = r"(?:'[^']*'|\"[^\"]*\"|[\w.]+)"
_EXPRESSION = rf"({_OPERAND}(?:\s*\|\|\s*{_OPERAND})*)"


def _js_value(script: str, name: str, page: str) -> str | None:
    """The value of ``name: <expr>`` in a listModel call: a literal, ``"" || "x"``, or ``SiteInfo.key``."""
    match = re.search(rf"\b{name}\s*:\s*{_EXPRESSION}", script)
    if not match:
        return None
    expr = match.group(1).strip()
    literals = [a or b for a, b in _STRING_LITERAL.findall(expr)]
    if literals:
        return next((v for v in reversed(literals) if v), "")
    reference = re.fullmatch(r"(?:\w+\.)?(\w+)", expr)
    if reference and not expr.isdigit():  # SiteInfo.searchId: look the key up in the page's SiteInfo
        value = _js_number(page, reference.group(1))
        return str(value) if value is not None else None
    return expr


def fujian_requests(response) -> list[scrapy.FormRequest]:
    """POST requests to /fjdzapp/search for the pages of a Fujian-platform list after the static ones."""
    text = response.text
    model = FUJIAN_LIST_MODEL.search(text)
    if not model or "listArgs" not in model.group(1):
        return []
    script = model.group(1)
    args_match = re.search(r"listArgs\s*:\s*\{(.*?)\}", script, re.S)
    args = {}
    for name in re.findall(r"\b(\w+)\s*:", args_match.group(1) if args_match else ""):
        value = _js_value(args_match.group(1), name, text)
        if value is not None:
            args[name] = value
    per_page = _js_number(script, "prepage") or 10
    records = _js_number(script, "recordCount")
    pages = math.ceil(records / per_page) if records else (_js_number(script, "pageCount") or 0)
    static = _js_number(script, "maxStaticIndex") or 1
    if not args.get("channelid") or pages <= static:
        return []
    url = urljoin(response.url, FUJIAN_SEARCH_PATH)
    return [scrapy.FormRequest(url, formdata={**args, "page": str(page), "prepage": str(per_page)},
                               headers={"X-Requested-With": "XMLHttpRequest"})
            for page in range(static + 1, pages + 1)][:MAX_API_PAGES]


def fujian_links(response) -> list[Link]:
    """The documents of a /fjdzapp/search JSON reply (``data`` or ``docs``; ``chnldocurl`` or ``docpuburl``)."""
    try:
        reply = json.loads(response.text)
    except ValueError:
        return []
    docs = (reply.get("data") or reply.get("docs") or []) if isinstance(reply, dict) else reply
    links = []
    for doc in docs if isinstance(docs, list) else []:
        if not isinstance(doc, dict):
            continue
        url = doc.get("chnldocurl") or doc.get("docpuburl") or doc.get("url")
        if url:
            title = re.sub(r"<[^>]+>", "", unescape(str(doc.get("doctitle") or doc.get("title") or "")))
            links.append(Link(urljoin(response.url, url), title.strip()))
    return links


# -- what the spider calls ---------------------------------------------------------------------------


def embedded_links(response) -> list[Link]:
    """Links of a page that live in script data an HTML link extractor skips (Hanweb datastore records)."""
    if "<datastore" not in response.text:
        return []
    return hanweb_links(response)


def list_api_requests(response) -> list[scrapy.FormRequest]:
    """The API calls (POST) for the other pages of the list on ``response``; [] for ordinary pages.

    The requests carry no callback and no meta: the spider gives them its own (portal, request type …).
    """
    text = response.text
    if "listModel" in text:
        return fujian_requests(response)
    if "dataproxy" in text or "<datastore" in text:
        return hanweb_requests(response)
    return []


def api_links(response) -> list[Link]:
    """The links in a reply to a :func:`list_api_requests` request (Hanweb XML or Fujian JSON)."""
    body = response.text.lstrip()
    if body.startswith(("{", "[")):
        return fujian_links(response)
    return hanweb_links(response)
