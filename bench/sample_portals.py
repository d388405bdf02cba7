"""``python -m bench.sample_portals [GROUP …]``: what one crawl of each sample-portal group finds and costs.

For each group (default: all but ``bulk``, which ``bench.nightly_vs_backfill`` covers) the portals are served
on 127.0.0.1 and crawled once with ``govarchive crawl`` into a fresh data directory. Per portal: reports the
portal serves and reports archived, pages the portal has, requests it received, captures (WARC exchanges,
robots.txt and failures included), how many distinct URLs needed the browser, and the statistics read
(reports with figures, checks passed and failed); per group: exit code, wall time and peak RSS of the crawl.

Then each portal is backfilled on its own (``govarchive backfill``): reports found by the focused crawl and by
the second phase, pages each fetched, and the pages strictly needed to reach the reports reachable by links
(``SamplePortals.minimum_pages``, from the portal's own page graph) with the ratio of pages fetched to them.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from tabulate import tabulate

from tests.portal_crawl import LOOPBACK_SETTINGS, backfill, crawl
from tests.sampleportals import SamplePortals, write_registry
from tests.sampleportals.groups import GROUPS

GROUP_SETTINGS = {"faults": ["-s", "DOWNLOAD_TIMEOUT=3"]}  # as tests/test_faults.py: pages that never answer
NOT_CRAWLED = {"outside"}  # the faults group's other host: linked to, never to be fetched (0 requests)
DEFAULT_GROUPS = ["corpus", "browser", "cms", "faults", "polite", "tree"]


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
                     len(captures), len({c["url"] for c in captures if c["browser"]}), *figure_counts(run, p.id)])
    return rows


def figure_counts(run, portal: str) -> list[int]:
    """Reports of the portal with statistics read (pipelines/figures), and their checks passed and failed."""
    db = run.db
    reports = "select id from reports where portal = ?"
    with_figures = db.execute(f"select count(distinct report_id) from report_figures where report_id in ({reports})",
                              [portal]).fetchone()[0]
    passed, failed = db.execute(f"select coalesce(sum(ok), 0), count(*) - coalesce(sum(ok), 0) from report_checks "
                                f"where report_id in ({reports})", [portal]).fetchone()
    return [with_figures, passed, failed]


def measure(group: str) -> tuple[list[list], list]:
    with SamplePortals(group=group) as portals, tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        registry = write_registry([p for p in portals.portals if p.id not in NOT_CRAWLED], data / "registry.json")
        run = crawl(data, registry, *LOOPBACK_SETTINGS, *GROUP_SETTINGS.get(group, []), timeout=600)
        return portal_rows(group, portals, run), [group, run.returncode, round(run.seconds, 1),
                                                  round(run.peak_rss_mb), run.row["pages_fetched"]]


def backfill_rows(group: str) -> list[list]:
    """Per portal: one backfill, its reports and pages by phase, against the pages strictly needed."""
    rows = []
    with SamplePortals(group=group) as portals, tempfile.TemporaryDirectory() as tmp:
        for p in portals.portals:
            if p.id in NOT_CRAWLED:
                continue
            run = backfill(Path(tmp) / p.id, p.start_url, *LOOPBACK_SETTINGS, *GROUP_SETTINGS.get(group, []))
            row, minimum = run.row, len(portals.minimum_pages(p.id))
            pages = [c for c in run.captures("status is not null") if c["request_type"] not in (None, "attachment")]
            focused = len({c["url"] for c in pages if c["request_type"] != "sweep"})
            rows.append([group, p.id, row["reports_found"] - row["reports_second_phase"], row["reports_second_phase"],
                         row["pages_fetched"] - row["pages_second_phase"], row["pages_second_phase"], minimum,
                         f"{focused / minimum:.2f}" if minimum else "-"])
    return rows


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
                                     "requests", "captures", "browser URLs", "with figures", "checks ok",
                                     "checks failed"], tablefmt="github"))
    print()
    print(tabulate(crawls, headers=["group", "exit", "wall s", "peak RSS MB", "pages fetched"], tablefmt="github"))
    print()
    backfills = [row for group in args.groups or DEFAULT_GROUPS for row in backfill_rows(group)]
    print(tabulate(backfills, headers=["group", "portal", "reports phase 1", "phase 2", "pages phase 1", "phase 2",
                                       "pages needed", "phase 1 / needed"], tablefmt="github"))


if __name__ == "__main__":
    main()
