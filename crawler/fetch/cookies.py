"""Scrapy's cookie middleware, working offline."""

from __future__ import annotations

import scrapy.downloadermiddlewares.cookies as scrapy_cookies
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from tldextract import TLDExtract

# Scrapy's cookie middleware asks tldextract for the Public Suffix List, which tldextract downloads on first
# use; offline that logs tracebacks. The snapshot bundled with tldextract is as good for cookie scoping.
scrapy_cookies._split_domain = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)



class OfflineCookiesMiddleware(CookiesMiddleware):
    """Scrapy's CookiesMiddleware, using tldextract's bundled Public Suffix List (see above)."""
