"""Scrapy's robots.txt middleware, applied to every request that waited for a host's robots.txt."""

from __future__ import annotations

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.httpobj import urlparse_cached


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware, with robots.txt applied to every request that waited for it.

    In Scrapy 2.19 the requests that wait for a host's robots.txt share one Deferred; only the first gets
    the parser, the others get None and pass unchecked (a disallowed page requested early is fetched).
    By the time the Deferred fires, the parser is stored: read it from there.
    """

    async def robot_parser(self, request):
        parser = await super().robot_parser(request)
        if parser is None:
            parser = self._parsers.get(urlparse_cached(request).netloc)
        return parser
