"""Reuse what the archive already holds instead of downloading it again.

- Conditional requests: a GET whose URL was captured before with an ETag or Last-Modified is sent with
  If-None-Match / If-Modified-Since. The capture middleware archives a 304 answer as such; this middleware
  then hands the spider the archived response instead, so discovery carries on as if the page had been
  downloaded, at the cost of a few hundred bytes.
- Resume: a backfill restarted after it was killed (even by SIGKILL) finds the pages its interrupted run
  already fetched in its WARC records and serves them from there, without the network. The spider parses
  them again and rebuilds the frontier where the interrupted run left it. The archive is the journal: a
  capture row is written only after its WARC record is on disk.

Placed between HttpCompressionMiddleware (590) and the capture middleware (950): the archived body is still
Content-Encoded as served, and decoded on its way to the spider like a fresh one. The archive is read through
archive/db.py and archive/warc.py.
"""

from __future__ import annotations

import logging

from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from archive.session import ArchiveSession
from archive.warc import WarcLocation, read_record
from crawler.requests import DONT_REUSE_ARCHIVE, PRIOR_CAPTURE, WARC
from crawler.session import archive_session

logger = logging.getLogger(__name__)

ARCHIVED_FLAG = "archived"


class ArchiveReuseMiddleware:
    def __init__(self, session: ArchiveSession, stats):
        self.session = session
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(archive_session(crawler), crawler.stats)

    def process_request(self, request):
        request.meta.pop(PRIOR_CAPTURE, None)  # a redirected request inherits its predecessor's meta
        if request.method != "GET" or request.meta.get(DONT_REUSE_ARCHIVE):
            return None
        fetched = self.session.resumable.get(request.url)
        if fetched:
            response = archived_response(self.session, request, fetched)
            if response is not None:
                self.stats.inc_value("govarchive/reused/resumed")
                return response
        prior = self.session.store.latest_capture(request.url)
        if prior:
            request.meta[PRIOR_CAPTURE] = prior  # the capture middleware dedupes against it
            if prior["etag"]:
                request.headers["If-None-Match"] = prior["etag"]
            if prior["last_modified"]:
                request.headers["If-Modified-Since"] = prior["last_modified"]
        return None

    def process_response(self, request, response):
        prior = request.meta.get(PRIOR_CAPTURE)
        if response.status != 304 or not prior or ARCHIVED_FLAG in response.flags:
            return response
        archived = archived_response(self.session, request, prior)
        if archived is None:
            return response
        self.stats.inc_value("govarchive/reused/not_modified")
        return archived


def archived_response(session: ArchiveSession, request, capture: dict):
    """A Scrapy response rebuilt from the capture's WARC response record, or None if it cannot be read.
    The record's location goes in ``request.meta[WARC]``, as the capture middleware puts a fresh one's: what
    the spider stores from this response points at that record (a 304's, or a page a resumed run serves)."""
    try:
        record = read_record(session.data_dir / capture["warc_file"], capture["warc_offset"])
        status = int(record.http_headers.get_statuscode())
        headers = Headers([(name, header_bytes(value)) for name, value in record.http_headers.headers])
        body = record.raw_stream.read()  # as served: still Content-Encoded, HttpCompression decodes it
    except Exception as exc:  # a record lost with a truncated file, or unreadable: fetch it again
        logger.warning("%s: archived copy unusable (%s); fetching it again", request.url, exc)
        return None
    cls = responsetypes.from_args(headers=headers, url=request.url, body=body)
    request.meta[WARC] = WarcLocation.of_capture(capture)
    return cls(url=request.url, status=status, headers=headers, body=body, request=request, flags=[ARCHIVED_FLAG])


def header_bytes(value: str) -> bytes:
    """Header text as read by warcio back to the bytes served (latin-1 round-trips; UTF-8 was kept as text)."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")
