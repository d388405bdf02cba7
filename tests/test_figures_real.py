"""The figures parser on real reports (tests/fixtures/realreports/MANIFEST.json): complete tables give every
cell of 表三 and 表四, the cells read by hand come back, and a check fails only where the report's own
arithmetic was verified wrong by hand.

Pages whose repository has no licence are not in govarchive: their tests run where a copy is kept
(``REALFIGS_PAGES=DIR``, see PROVENANCE.md) and are skipped elsewhere. ``python -m bench.real_figures`` prints
the same set's summary.
"""

from __future__ import annotations

import pytest

from tests.real_reports import extra_dirs, has_full_keys, load_set, cell

PAGES = load_set(extra_dirs())


def present(page):
    if page.path is None:
        assert not page.committed, f"{page.file} is committed but missing"
        pytest.skip(f"{page.file}: not in govarchive (its repository has no licence); set REALFIGS_PAGES")
    return page.parse()


@pytest.fixture(scope="module", params=PAGES, ids=[page.file for page in PAGES])
def parsed(request):
    return request.param, present(request.param)


def test_complete_pages_give_every_cell_of_tables_3_and_4(parsed):
    page, result = parsed
    assert has_full_keys(result["figures"]) == page.complete
    assert result["errors"] == []


def test_cells_read_by_hand(parsed):
    page, result = parsed
    assert {key: cell(result["figures"], key) for key in page.hand_checked} == page.hand_checked


def test_checks_fail_only_where_the_report_is_wrong(parsed):
    """No parser misread on the set: each failing check is one whose report was read by hand and found
    wrong (洪泽区 2023 prints 表四 总计 0 beside 10 + 1 and 5)."""
    page, result = parsed
    failed = {check["name"] for check in result["checks"] if not check["ok"] and check["name"] != "parse.tables"}
    assert failed == set(page.report_errors)


def test_source_losses_are_the_only_known_misreads(parsed):
    """A conversion that lost a cell misplaces the row's other figures: known and listed, not silent."""
    page, result = parsed
    for key, reason in page.source_losses.items():
        assert cell(result["figures"], key) is not None, reason


def test_the_set_covers_both_forms_and_several_bodies():
    assert len(PAGES) >= 6 and len({page.body for page in PAGES}) >= 4
    assert {page.kind for page in PAGES} == {"pdf", "html", "text"}
