"""``make bench``: what a nightly run over an unchanged portal costs, next to the backfill that built the archive.

Serves the 635-page sample portal (tests/sampleportals/bulk.py: 480 reports), backfills it into a fresh data
directory, then runs the nightly crawl over it, unchanged; prints requests, bytes and wall time of each, the
nightly as a fraction of the backfill (aim: at most 5 % of the bytes). The runs start AutoThrottle at 0.05 s
(tests/portal_crawl.py, for loopback servers); one more nightly run starts it at the shipped 1 s, as on real
hosts: its pages answer 304, and crawler/fetch/throttle.py lets those lower the delay.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tabulate import tabulate

from tests.portal_crawl import LOOPBACK_SETTINGS
from tests.sampleportals import SamplePortals

GOVARCHIVE = str(Path(sys.executable).with_name("govarchive"))


def run(portals, command: list[str], data: Path, settings: list[str] = LOOPBACK_SETTINGS) -> dict:
    served_before = len(portals.request_log)
    started = time.monotonic()
    subprocess.run([GOVARCHIVE, *command, "--data", str(data), *settings], check=True, capture_output=True)
    seconds = time.monotonic() - started
    with sqlite3.connect(data / "archive.db") as conn:
        pages, received, found, new = conn.execute(
            "select pages_fetched, bytes_fetched, reports_found, reports_new from crawls order by id desc").fetchone()
    return {"requests": len(portals.request_log) - served_before, "responses": pages, "bytes": received,
            "reports found": found, "reports new": new, "seconds": round(seconds, 1)}


def main() -> None:
    with SamplePortals(group="bulk") as portals, tempfile.TemporaryDirectory() as tmp:
        portal = portals.portals[0]
        print(f"portal {portal.id}: {len(portals.page_urls(portal.id))} pages, "
              f"{len(portals.extra_reports)} reports, {portal.start_url}")
        data = Path(tmp)
        backfill = run(portals, ["backfill", portal.start_url], data)
        nightly = run(portals, ["crawl", "--portal", portal.start_url], data)
        shipped = run(portals, ["crawl", "--portal", portal.start_url], data, settings=[])
    rows = [["backfill", *backfill.values()], ["nightly, unchanged", *nightly.values()],
            ["nightly / backfill", *(f"{n / b:.1%}" if isinstance(b, (int, float)) and b else "-"
                                     for n, b in zip(nightly.values(), backfill.values()))],
            ["nightly, unchanged, AutoThrottle from 1 s", *shipped.values()]]
    print(tabulate(rows, headers=["run", *backfill], tablefmt="github"))
    share = nightly["bytes"] / backfill["bytes"]
    print(f"\nnightly bytes are {share:.2%} of the backfill's (aim: at most 5 %): {'ok' if share <= 0.05 else 'OVER'}")


if __name__ == "__main__":
    main()
