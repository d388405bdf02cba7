"""``govarchive coverage --html``: one self-contained page, rendered by real headless Chromium.

The test reads the rendered DOM, as a person would read the page: which cells are green (found, linking to
the report's replay URL) and which red (overdue), and that a click on a column header sorts the rows.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import govarchive
from tests.coverage_sample import AS_OF, build_coverage_archive, chromium_page


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    data = build_coverage_archive(tmp_path_factory.mktemp("html") / "data")
    html = data.parent / "coverage.html"
    out = govarchive("coverage", "--data", data, "--as-of", AS_OF.isoformat(), "--html", html).stdout
    assert out.startswith(f"wrote {html}: 12 bodies on 3 portals, as of {AS_OF}")
    rows = json.loads(govarchive("coverage", "--data", data, "--as-of", AS_OF.isoformat(), "--format", "json").stdout)
    return html, rows, data


CELLS_JS = """() => Array.from(document.querySelectorAll("table.heatmap td[data-status]")).map(td => ({
    portal: td.closest("table").dataset.portal, agency: td.parentElement.querySelector("th").textContent,
    year: Number(td.dataset.year), status: td.dataset.status, report_id: td.dataset.reportId || null,
    href: td.querySelector("a") ? td.querySelector("a").getAttribute("href") : null,
    colour: getComputedStyle(td).backgroundColor}))"""


def test_page_renders_found_and_overdue_cells_in_chromium(page_file, tmp_path):
    html, rows, _ = page_file
    with chromium_page() as page:
        page.goto(html.as_uri())
        shot = tmp_path / "coverage.png"
        page.screenshot(path=str(shot), full_page=True)
        cells = page.evaluate(CELLS_JS)
        requested = list(page.requested)
    assert shot.stat().st_size > 20_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert requested == [html.as_uri()]  # self-contained: nothing else is loaded
    expected = {(r["portal"], r["agency"], r["year"]): r for r in rows}
    assert {(c["portal"], c["agency"], c["year"]) for c in cells} == set(expected)
    colours = {}
    for cell in cells:
        row = expected[(cell["portal"], cell["agency"], cell["year"])]
        assert cell["status"] == row["status"]
        colours.setdefault(cell["status"], set()).add(cell["colour"])
        if row["status"] == "found":
            assert cell["report_id"] == str(row["report_id"])
            assert cell["href"].startswith("http://localhost:8080/govarchive/2024020108000")  # fetched_at, 14 digits
        else:
            assert cell["href"] is None
    assert {s: len(c) for s, c in colours.items()} == {"found": 1, "overdue": 1, "not_due": 1}
    assert len({c for s in colours.values() for c in s}) == 3  # three colours, one per status
    overdue = sorted((c["agency"], c["year"]) for c in cells if c["status"] == "overdue")
    assert overdue[:3] == [("常德市教育局", 2023), ("常德市鼎城区教育局", 2023), ("开福区人民政府", 2018)]


def test_replay_link_is_the_reports_url_at_its_capture_time(page_file):
    html, rows, data = page_file
    report = json.loads(govarchive("show", str(rows[0]["report_id"]), "--meta", "--data", data).stdout)
    stamp = "".join(ch for ch in report["fetched_at"] if ch.isdigit())
    assert f'href="http://localhost:8080/govarchive/{stamp}/{report["url"]}"' in html.read_text(encoding="utf-8")
    custom = data.parent / "replayweb.html"
    govarchive("coverage", "--data", data, "--html", custom, "--replay",
               "https://replayweb.page/?source=archive.wacz#view=pages&url={url_quoted}&ts={timestamp}")
    quoted = report["url"].replace(":", "%3A").replace("/", "%2F")
    assert f"url={quoted}&amp;ts={stamp}" in custom.read_text(encoding="utf-8")


def test_headers_sort_the_rows(page_file):
    html = page_file[0]
    with chromium_page() as page:
        page.goto(html.as_uri())
        table = page.locator('table.heatmap[data-portal="dingcheng"]')
        agencies = lambda: table.locator("tbody th").all_inner_texts()  # noqa: E731
        first = agencies()
        assert first[0] == "常德市鼎城区人民政府"  # governments first, then departments, then townships
        table.locator("thead th", has_text="overdue").click()
        table.locator("thead th", has_text="overdue").click()  # second click: descending
        assert agencies()[0] == "鼎城区财政局"  # two overdue years
        table.locator("thead th", has_text="2023").click()  # a year sorts overdue first
        assert set(agencies()[:2]) == {"常德市鼎城区教育局", "鼎城区财政局"}
        counts = page.locator("#portal-counts tbody tr").all_inner_texts()
    assert any(line.split("\t")[:7] == ["常德市鼎城区人民政府", "dingcheng", "county", "8", "18", "3", "3"]
               for line in counts)
