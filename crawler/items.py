"""What spiders hand to the pipelines.

A spider yields a ``ReportCandidate`` for each page that looks like an annual report; the pipelines decide
whether it is one and clean it (pipelines/extract.py) and store it (pipelines/store.py). A ``ListingItem``
says that a page lists reports: the store remembers it for the nightly crawl.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.warc import WarcLocation


@dataclass
class ListingItem:
    url: str
    portal: str
    reports_linked: int
    """How many report links the page holds."""


@dataclass
class ReportCandidate:
    url: str
    portal: str
    html: str = ""
    """The page, decoded once (pipelines/decode.py: the charset its bytes support); "" for a report published
    as a file (its file is the one attachment)."""
    encoding: str | None = None
    """The charset the page was read in."""
    portal_name: str = ""
    """The portal's name: the issuing body of last resort (``reports.agency``)."""
    region: str = ""
    warc: WarcLocation | None = None
    """The record holding the page as served (its WARC-Date is when it was fetched)."""
    found_on: str = ""
    """The listing page that linked to this one."""
    link_text: str = ""
    """The anchor text of that link, often the report's full title."""
    phase: int = 1
    """1: found by the focused crawl; 2: by the second phase of a backfill (spiders/sweep.py)."""
    attachments: list[dict] = field(default_factory=list)
    """Files the report page links to (or the report itself when it is published as a file): dicts with
    ``url, filename, content_type, body, warc`` (a WarcLocation), or ``url, error``."""
    extracted: dict = field(default_factory=dict)
    """Filled by the pipelines: title, text, metadata."""
    figures: dict | None = None
    """Filled by pipelines/extract.py: the statistics tables read from the page and its files
    (pipelines.figures.parse_report: figures, checks, parser, sources); None when they were not read."""
