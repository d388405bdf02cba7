"""Scrapy's downloader with its per-host concurrency limit actually held (wired as DOWNLOADER in settings).

Scrapy 2.19 under the asyncio reactor starts each download of a slot (a host) as an asyncio task, and the
download counts as "transferring" only once that task runs. ``Downloader._process_queue`` checks the slot's
free transfer slots in a loop before any of the tasks it created has run: with no download delay
(AutoThrottle off, DOWNLOAD_DELAY = 0) it starts a host's whole queue at once. Measured on the sample
portals: 9 requests at a time on one host with CONCURRENT_REQUESTS_PER_DOMAIN = 2. With AutoThrottle on,
the loop stops after one request per delay and the limit happens to hold.

The fix counts a request as transferring when its task is created (``_download`` adds it again, a no-op,
and removes it when the download ends, as before).
"""

from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro


class PerHostLimitDownloader(Downloader):
    def _process_queue(self, slot: Slot) -> None:
        # Scrapy 2.19's method, with one line added (marked).
        if slot.latercall:
            return
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            slot.transferring.add(request)  # added: counted before its task runs, so the loop sees it
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:
                self._process_queue(slot)
                break
