"""What spiders hand to the pipelines.

A spider yields a ``ReportCandidate`` for each page that looks like an annual report; the pipelines decide
whether it is one (pipelines/classify.py), clean it (pipelines/clean.py) and store it (pipelines/store.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ReportCandidate:
    url: str
    portal: str
    body: bytes
    """The page as served, after content decoding (gzip removed), before charset decoding."""
    content_type: str = ""
    """The Content-Type response header, which may carry (or misstate) the charset."""
    region: str = ""
    fetched_at: str = ""
    crawl_id: int | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_length: int | None = None
    found_on: str = ""
    """The listing page that linked to this one."""
    link_text: str = ""
    """The anchor text of that link, often the report's full title."""
    phase: int = 1
    """1: found by the focused crawl; 2: by the second phase of a backfill (spiders/sweep.py)."""
    attachments: list[dict] = field(default_factory=list)
    """Files the report page links to (or the report itself when it is published as a file): dicts with
    ``url, filename, content_type, body, fetched_at, warc_file, warc_offset, warc_length`` or ``error``."""
    extracted: dict = field(default_factory=dict)
    """Filled by the pipelines: title, text, metadata."""
