"""PortalScopeMiddleware: every request of a portal stays on its hosts and within its page budget."""

from __future__ import annotations

import logging

from scrapy.exceptions import IgnoreRequest

from crawler.registry import portals_of
from crawler.requests import PORTAL

logger = logging.getLogger(__name__)


class PortalScopeMiddleware:
    """Keep every request of a portal inside that portal: its hosts and its page budget.

    Runs for every request the engine schedules, so a redirect to another host is stopped here too.
    """

    def __init__(self, portals: dict, stats, budget: int):
        self.portals = portals
        self.stats = stats
        self.budget = budget
        self.requested: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(portals_of(crawler.settings), crawler.stats, crawler.settings.getint("PORTAL_PAGE_BUDGET"))

    def process_request(self, request):
        portal_id = request.meta.get(PORTAL)
        portal = self.portals.get(portal_id)
        if portal is None:
            return None
        if not portal.owns(request.url):
            self.stats.inc_value("govarchive/dropped/outside_portal")
            raise IgnoreRequest(f"{request.url} is outside portal {portal_id} {list(portal.hosts)}")
        count = self.requested.get(portal_id, 0)
        if count >= self.budget:
            if count == self.budget:
                logger.warning("portal %s: page budget of %d reached; further pages skipped", portal_id, self.budget)
            self.requested[portal_id] = count + 1
            self.stats.inc_value("govarchive/dropped/over_budget")
            raise IgnoreRequest(f"{request.url}: page budget of portal {portal_id} reached")
        self.requested[portal_id] = count + 1
        return None
