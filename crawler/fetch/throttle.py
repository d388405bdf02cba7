"""AutoThrottle that lets a 304 lower a host's delay as a 200 does (wired in EXTENSIONS in place of Scrapy's).

Scrapy's AutoThrottle lets no answer but a 200 lower a host's delay: error pages and redirects are small and
quick, and would talk it into going faster. A 304 Not Modified answers a conditional request, which a
nightly run sends for every page the archive holds; by Scrapy's rule a nightly run over unchanged portals
never went below AUTOTHROTTLE_START_DELAY (a request a second on each host), however fast the servers
answered. Its latency (until the headers came, as for a 200) is the server's own work on the page. Switched
off with AutoThrottle (AUTOTHROTTLE_ENABLED).
"""

from __future__ import annotations

from scrapy.extensions.throttle import AutoThrottle


class ConditionalAutoThrottle(AutoThrottle):
    def _adjust_delay(self, slot, latency: float, response) -> None:
        if response.status == 304:
            response = response.replace(status=200)  # only its status is read
        super()._adjust_delay(slot, latency, response)
