"""Scrapy's decompression middleware, with a stopped gzip bomb recorded in the archive."""

from __future__ import annotations

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest

from archive.capture import flag_capture
from crawler.requests import WARC
from crawler.session import WithArchiveSession


class BoundedHttpCompressionMiddleware(WithArchiveSession, HttpCompressionMiddleware):
    """Scrapy's HttpCompressionMiddleware (it stops decompressing at DOWNLOAD_MAXSIZE: a gzip bomb costs no
    more memory than that), with the stop recorded: the archived capture gets ``error`` and the crawl counts
    ``govarchive/errors/decompressed_too_large``. Scrapy alone only drops the request (IgnoreRequest)."""

    def process_response(self, request, response, spider=None):
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            flag_capture(self.session, self.stats, request.url, request.meta.get(WARC), "decompressed_too_large",
                         str(exc))
            raise
