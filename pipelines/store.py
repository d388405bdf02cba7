"""StorePipeline: a classified report into the archive database (one row per version; archive/db.save_report),
its attachments, and the listing pages the spider found (the nightly crawl starts from them)."""

from __future__ import annotations

from archive.session import ArchiveSession
from crawler.items import ListingItem, ReportCandidate
from crawler.session import archive_session
from pipelines.figures import tables_found

STORED_FIELDS = ("title", "agency", "report_year", "publish_date", "source", "index_no", "doc_no",
                 "text", "text_sha1", "chars", "text_status", "extractor")


class StorePipeline:
    def __init__(self, session: ArchiveSession):
        self.session = session

    @classmethod
    def from_crawler(cls, crawler):
        return cls(archive_session(crawler))

    def process_item(self, item):
        if isinstance(item, ListingItem):
            self.session.store.remember_listing(item.url, item.portal, item.reports_linked)
            return item
        if not isinstance(item, ReportCandidate):
            return item
        report_id, outcome = self.session.store.save_report(report_row(item, self.session.crawl_id),
                                                            [attachment_row(a) for a in item.attachments],
                                                            report_figures(item))
        item.extracted["report_id"] = report_id
        item.extracted["outcome"] = outcome
        self.session.report_seen(item.url, outcome, item.phase)
        return item


def report_figures(item: ReportCandidate) -> dict | None:
    """The report's statistics (pipelines/figures) with the check that needs its year (``parse.tables``)."""
    parsed = item.figures
    if parsed is None:
        return None
    return {**parsed, "checks": parsed["checks"] + tables_found(parsed["figures"], item.extracted.get("report_year"))}


def report_row(item: ReportCandidate, crawl_id: int | None = None) -> dict:
    """The ``reports`` row for a candidate the pipelines have extracted and classified."""
    extracted = item.extracted
    row = {name: extracted.get(name) for name in STORED_FIELDS}
    row.update(url=item.url, portal=item.portal, region=item.region, crawl_id=crawl_id, found_on=item.found_on,
               link_text=item.link_text, **_located(item.warc))
    row["text_status"] = row["text_status"] or ("ok" if row["text"] else "empty")
    return row


ATTACHMENT_FIELDS = ("url", "filename", "text", "text_status", "chars")


def attachment_row(attachment: dict) -> dict:
    """The ``attachments`` row (but its ``report_id``) for a fetched or failed attachment; a failure keeps its
    error as status."""
    row = {name: attachment.get(name) for name in ATTACHMENT_FIELDS}
    row.update(**_located(attachment.get("warc")))
    row["mime"] = (attachment.get("content_type") or "").split(";")[0].strip() or None
    if attachment.get("error"):
        row["text_status"] = f"error: {attachment['error']}"
    return row


def _located(warc) -> dict:
    """``fetched_at`` and the WARC columns of a row, from the record that holds what it was read from."""
    return {} if warc is None else {"fetched_at": warc.date, **warc.columns()}
