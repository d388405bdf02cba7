"""Store a classified report in the archive database (one row per version; see archive/db.save_report)."""

from __future__ import annotations

from archive.db import save_attachment, save_report
from archive.search import index_reports
from archive.session import ArchiveSession

STORED_FIELDS = ("title", "agency", "report_year", "publish_date", "source", "index_no", "doc_no",
                 "text", "text_sha1", "chars", "text_status", "extractor")


class StorePipeline:
    def __init__(self, session: ArchiveSession):
        self.session = session

    @classmethod
    def from_crawler(cls, crawler):
        return cls(ArchiveSession.of(crawler))

    def process_item(self, item):
        row = report_row(item)
        report_id, outcome = save_report(self.session.db, row)
        item.extracted["report_id"] = report_id
        item.extracted["outcome"] = outcome
        for attachment in item.attachments:
            save_attachment(self.session.db, attachment_row(report_id, attachment))
        self.session.report_seen(item.url, outcome, item.phase)
        return item

    def close_spider(self):
        """Bring the full-text index up to date with this crawl's reports (incremental, cheap)."""
        index_reports(self.session.db)


def report_row(item) -> dict:
    """The ``reports`` row for a candidate the pipelines have extracted and classified."""
    extracted = item.extracted
    row = {name: extracted.get(name) for name in STORED_FIELDS}
    row.update(
        url=item.url, portal=item.portal, region=item.region, fetched_at=item.fetched_at,
        crawl_id=item.crawl_id, warc_file=item.warc_file, warc_offset=item.warc_offset,
        warc_length=item.warc_length, found_on=item.found_on, link_text=item.link_text,
    )
    row["text_status"] = row["text_status"] or ("ok" if row["text"] else "empty")
    return row


ATTACHMENT_FIELDS = ("url", "filename", "text", "text_status", "chars", "fetched_at", "warc_file", "warc_offset",
                     "warc_length")


def attachment_row(report_id: int, attachment: dict) -> dict:
    """The ``attachments`` row for a fetched (or failed) attachment; a failure keeps its error as status."""
    row = {name: attachment.get(name) for name in ATTACHMENT_FIELDS}
    row["report_id"] = report_id
    row["mime"] = (attachment.get("content_type") or "").split(";")[0].strip() or None
    if attachment.get("error"):
        row["text_status"] = f"error: {attachment['error']}"
    return row
