"""Every report a portal publishes, fetching little: department and township trees, the second phase of a
backfill, sitemaps, decoys that name reports.

- 鼎城 (tree group, tests/sampleportals/county.py): 14 departments and 6 townships, each with its own report
  column under a name of its own; a backfill must find all 75 reports, store no decoy, and fetch at most twice
  the pages strictly needed (computed from the portal's own page graph).
- 金坛区 (cms group, hanweb.py): a department's report filed in 工作动态, on a list page only the CMS list API
  (dataproxy.jsp) serves: the second phase of a backfill finds it, a nightly run does not look.
"""

from __future__ import annotations

import json
import re

import pytest

from pipelines.classify import is_annual_report, looks_like_report_link
from tests.conftest import TEST_SETTINGS, assert_verified, govarchive
from tests.coverage_sample import chromium_page
from tests.portal_crawl import Crawl, backfill
from tests.sampleportals import SamplePortals
from tests.test_coverage_html import CELLS_JS


@pytest.fixture(scope="module")
def tree():
    with SamplePortals(group="tree") as portals:
        yield portals


@pytest.fixture(scope="module")
def tree_backfill(tree, tmp_path_factory):
    data = tmp_path_factory.mktemp("tree")
    registry = tree.write_registry(data / "portals.json")
    return backfill(data, tree.portal("dingcheng").start_url, "--portals", str(registry), *TEST_SETTINGS)


def pages_fetched(run: Crawl) -> set[str]:
    """Distinct URLs the crawl fetched: pages and reports (not robots.txt, sitemaps or attachments)."""
    return {c["url"] for c in run.captures("status is not null") if not c["url"].endswith(("/robots.txt", ".xml"))
            and c["request_type"] != "attachment"}


def test_a_backfill_finds_every_unit_report_and_no_decoy(tree, tree_backfill):
    run = tree_backfill
    served = {r.url for r in tree.extra_reports + tree.expected_reports if r.portal_id == "dingcheng"}
    stored = set(run.reports())
    assert len(served) == 75
    assert stored == served
    assert not stored & set(tree.decoy_urls)
    assert run.returncode == 0


def test_it_fetches_at_most_twice_the_pages_it_needs(tree, tree_backfill):
    run = tree_backfill
    minimum = tree.minimum_pages("dingcheng")
    fetched = pages_fetched(run)
    assert minimum <= fetched  # every page on the shortest paths to the reports was needed, and fetched
    assert len(fetched) <= 2 * len(minimum), f"{len(fetched)} pages fetched, {len(minimum)} needed"
    row = run.row
    focused = row["pages_fetched"] - row["pages_second_phase"]
    assert focused <= 2 * len(minimum)


def test_the_sitemap_only_report_is_found_by_the_second_phase(tree, tree_backfill):
    run = tree_backfill
    kinds = tree.reports_by_kind("dingcheng")
    assert len(kinds["sitemap_only"]) == 1 and kinds["sitemap_only"] <= set(run.reports())
    row = run.row
    assert row["reports_second_phase"] == 1 and row["reports_found"] == 75
    assert "the second phase found 1 in" in run.stdout


def test_the_archive_verifies(tree_backfill):
    assert_verified(tree_backfill.data)


def report_years(columns) -> set[int]:
    return {int(re.search(r"(20\d\d)年", a.title).group(1)) for col in columns for a in col.articles
            if a.kind == "report"}


def test_coverage_names_every_unit_once_with_the_years_it_published(tree, tree_backfill):
    """govarchive coverage on the backfill: the government and each of its 20 units one body, found for
    the years it published, overdue for each year since its last report; the HTML page shows those cells."""
    site = tree._state("dingcheng").site
    unit_columns = {id(col) for unit in site.units for col in unit.columns}
    published = {unit.agency: report_years(unit.columns) for unit in site.units}
    published[site.name] = report_years(col for col in site.columns.values() if id(col) not in unit_columns)
    rows = json.loads(govarchive("coverage", "--data", tree_backfill.data, "--portal", "dingcheng", "--format", "json",
                                 "--as-of", "2026-06-01").stdout)
    bodies: dict[str, dict[int, str]] = {}
    for row in rows:
        bodies.setdefault(row["key"], {})[row["year"]] = row["status"]
    assert len(bodies) == len(published) == 21
    assert sorted(sorted(y for y, status in years.items() if status == "found") for years in bodies.values()) == \
        sorted(sorted(years) for years in published.values())
    for years in bodies.values():
        last = max(y for y, status in years.items() if status == "found")
        assert {y for y, status in years.items() if status == "overdue"} == set(range(last + 1, 2026))
    kinds = {row["key"]: row["kind"] for row in rows}
    assert sorted(kinds.values()).count("department") == 14 and sorted(kinds.values()).count("township") == 6
    assert kinds["人民政府"] == "government"
    # the heat map, as headless Chromium renders it: the same cells
    html = tree_backfill.data / "coverage.html"
    govarchive("coverage", "--data", tree_backfill.data, "--as-of", "2026-06-01", "--html", html)
    with chromium_page() as page:
        page.goto(html.as_uri())
        cells = page.evaluate(CELLS_JS)
    assert sorted((c["agency"], c["year"], c["status"]) for c in cells) == sorted(
        (row["agency"], row["year"], row["status"]) for row in rows)


# -- a report filed in a news column, behind a CMS list API ---------------------------------------------


@pytest.fixture(scope="module")
def cms():
    with SamplePortals(group="cms") as portals:
        yield portals


def test_a_report_in_a_news_column_is_found_by_the_second_phase_only(cms, tmp_path):
    (news_report,) = cms.reports_by_kind("jintanqu")["news_column"]
    run = backfill(tmp_path / "backfill", cms.portal("jintanqu").start_url, *TEST_SETTINGS)
    assert news_report in run.reports()
    capture = run.captures("url = ? and status = 200", [news_report])[0]
    assert capture["request_type"] == "report"
    assert run.row["reports_second_phase"] == 1 and "the second phase found 1 in" in run.stdout
    api_calls = run.captures("method = 'POST' and request_type = 'sweep'")
    assert api_calls, "the news column's later pages come from dataproxy.jsp, swept in the second phase"

    registry = cms.write_registry(tmp_path / "registry.json")
    nightly = tmp_path / "nightly"
    result = govarchive("crawl", "--portals", registry, "--data", nightly, *TEST_SETTINGS)
    run = Crawl(nightly, result.returncode, result.stdout, result.stderr, 0.0, 0.0)
    assert news_report not in run.reports()
    assert run.row["pages_second_phase"] == 0 and not run.captures("request_type = 'sweep'")
    assert "second phase" not in result.stdout


# -- decoys that name reports -------------------------------------------------------------------------

DECOYS = [
    "关于做好2023年度政府信息公开工作年度报告编制发布工作的通知",
    "一图读懂《常德市鼎城区2022年政府信息公开工作年度报告》",
    "《常德市鼎城区教育局2022年度政府信息公开工作年度报告》解读",
    "图解：2022年度政府信息公开工作年度报告",
    "常德市鼎城区财政局2023年部门预算",
    "常德市鼎城区教育局2022年度部门决算",
    "常德市鼎城区人民政府政府信息公开指南（2023年版）",
    "鼎城区召开2023年度政府信息公开工作年度报告编制培训会",
]


@pytest.mark.parametrize("title", DECOYS)
def test_decoys_that_name_reports_are_neither_followed_as_reports_nor_stored(title):
    assert not looks_like_report_link(title)
    assert not is_annual_report(title, "根据《中华人民共和国政府信息公开条例》，主动公开，依申请公开，行政复议")[0]


def test_a_list_page_titled_annual_reports_is_not_a_report():
    listing = "\n".join(f"常德市鼎城区{unit}2022年度政府信息公开工作年度报告 2023-01-20" for unit in ("教育局", "财政局"))
    assert not is_annual_report("年度报告", listing)[0]
    assert not is_annual_report("政府信息公开年报_常德市鼎城区人民政府", listing)[0]


def test_the_tree_crawl_row_counts_both_phases(tree_backfill):
    row = tree_backfill.row
    assert row["pages_second_phase"] > 0 and row["reports_second_phase"] == 1
    assert json.loads(row["error_counts"] or "{}") == {}
