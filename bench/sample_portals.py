"""``python -m bench.sample_portals [GROUP …]``: what one crawl of each sample-portal group finds and costs.

For each group (default: all but ``bulk``, which ``bench.nightly_vs_backfill`` covers) the portals are served
on 127.0.0.1 and crawled once with ``govarchive crawl`` into a fresh data directory. Per portal: reports the
portal serves and reports archived, pages the portal has, requests it received, captures (WARC exchanges,
robots.txt and failures included) and how many distinct URLs needed the browser; per group: exit code,
wall time and peak RSS of the crawl.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from tabulate import tabulate

from tests.portal_crawl import crawl
from tests.conftest import LOOPBACK_SETTINGS
from tests.sampleportals import SamplePortals, write_registry
from tests.sampleportals.groups import GROUPS

GROUP_SETTINGS = {"faults": ["-s", "DOWNLOAD_TIMEOUT=3"]}  # as tests/test_faults.py: pages that never answer
NOT_CRAWLED = {"outside"}  # the faults group's other host: linked to, never to be fetched (0 requests)
DEFAULT_GROUPS = ["corpus", "browser", "cms", "faults", "polite"]


def portal_rows(group: str, portals: SamplePortals, run) -> list[list]:
    reports = portals.expected_reports + portals.extra_reports
    stored = {url: row["portal"] for url, row in run.reports().items()}
    rows = []
    for p in portals.portals:
        expected = {r.url for r in reports if r.portal_id == p.id}
        archived = {url for url, portal in stored.items() if portal == p.id}
        captures = run.captures("portal = ?", [p.id])
        rows.append([group, p.id, len(expected), len(expected & archived), len(archived - expected),
                     len(portals.page_urls(p.id)), sum(1 for e in portals.request_log if e[0] == p.id),
                     len(captures), len({c["url"] for c in captures if c["browser"]})])
    return rows


def measure(group: str) -> tuple[list[list], list]:
    with SamplePortals(group=group) as portals, tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        registry = write_registry([p for p in portals.portals if p.id not in NOT_CRAWLED], data / "registry.json")
        run = crawl(data, registry, *LOOPBACK_SETTINGS, *GROUP_SETTINGS.get(group, []), timeout=600)
        return portal_rows(group, portals, run), [group, run.returncode, round(run.seconds, 1),
                                                  round(run.peak_rss_mb), run.row["pages_fetched"]]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sample_portals", description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="*", metavar="GROUP",
                        help=f"one of {', '.join(sorted(GROUPS))} (default: {' '.join(DEFAULT_GROUPS)})")
    args = parser.parse_args(argv)
    unknown = set(args.groups) - set(GROUPS)
    if unknown:
        parser.error(f"unknown group(s): {', '.join(sorted(unknown))}")
    portals, crawls = [], []
    for group in args.groups or DEFAULT_GROUPS:
        rows, summary = measure(group)
        portals += rows
        crawls.append(summary)
    print(tabulate(portals, headers=["group", "portal", "reports served", "archived", "unexpected", "pages",
                                     "requests", "captures", "browser URLs"], tablefmt="github"))
    print()
    print(tabulate(crawls, headers=["group", "exit", "wall s", "peak RSS MB", "pages fetched"], tablefmt="github"))


if __name__ == "__main__":
    main()
