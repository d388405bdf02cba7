"""One report page: its clean text and metadata, and (for a saved page) whether it is a report.

``extract_page`` reads a decoded page: metadata (pipelines/metadata.py) and the clean body
(pipelines/clean.py). It is a plain module-level function (picklable): the crawl runs it in the extraction
workers (pipelines/extract.py) on the text the spider decoded. ``read_report`` is what ``govarchive extract``
runs on a saved file: decode (pipelines/decode.py), ``extract_page``, and the classification the crawl applies
(pipelines/classify.py), the very functions the crawl's pipelines run, in the same order.
"""

from __future__ import annotations

import hashlib

from pipelines.attachments import attachment_kind
from pipelines.classify import classify
from pipelines.clean import EXTRACTOR, body_element, clean_tree, parse_html
from pipelines.decode import decode_html
from pipelines.figures import parse_report
from pipelines.metadata import FIELDS, metadata_from_tree

KEYS = ("title", "text", "chars", "text_sha1", *FIELDS[1:], "agency", "report_year", "is_report", "reason",
        "encoding", "extractor", "figures", "checks")
"""The keys of ``read_report``: what the crawl stores of a page (``reports`` columns, ``report_figures`` and
``report_checks`` rows), and its decision."""


def extract_page(html: str, url: str) -> dict:
    """Metadata and clean body of a decoded page: ``{title, text, chars, text_sha1, publish_date, publish_time,
    source, index_no, doc_no, publisher, extractor}``."""
    return extract_tree(parse_html(html), html, url)


def extract_tree(root, html: str, url: str) -> dict:
    """``extract_page`` of a page already parsed (``root``: pipelines/clean.py ``parse_html`` of ``html``, None
    for an empty page). The cleaning changes the tree."""
    if root is None:
        meta, text = dict.fromkeys(FIELDS), ""
    else:
        body = body_element(root, html)
        meta = metadata_from_tree(root, body, url)
        text = clean_tree(root, body, url, meta["title"] or "")
    return {"title": meta["title"], "text": text, "chars": len(text),
            "text_sha1": hashlib.sha1(text.encode("utf-8")).hexdigest(),
            **{field: meta[field] for field in FIELDS[1:]}, "extractor": EXTRACTOR}


def read_report(body: bytes, url: str, content_type: str = "", link_text: str = "",
                portal_name: str | None = None) -> dict:
    """What the crawl would store of a page served with ``content_type`` (see :data:`KEYS`). A file (a report
    published as a PDF …) has no page text here, only the statistics tables read from it."""
    if attachment_kind("", "", body[:4096]) or b"\x00" in body[:1024].lstrip():  # a file, not a page
        result = {**extract_page("", url), "encoding": None, "is_report": False,
                  "reason": "not an HTML page (binary content)", "agency": None, "report_year": None}
    else:
        html, encoding = decode_html(body, content_type)
        extracted = {**extract_page(html, url), "encoding": encoding}
        result = {**extracted, **classify(extracted, link_text, portal_name)}
    parsed = parse_report(body, content_type, text=result["text"], report_year=result["report_year"])
    return {**result, "figures": parsed["figures"], "checks": parsed["checks"]}
