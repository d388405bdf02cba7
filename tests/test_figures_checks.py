"""The identities of 表三 and 表四: all hold on consistent reports, and each breaks alone where a report
was built to break it."""

from __future__ import annotations

import pytest

from pipelines.figures import carryover_checks, parse_report, report_checks
from tests import figure_samples as fs


def checks_of(sample: fs.Sample) -> list[dict]:
    return parse_report(fs.html_page(sample), "text/html", [], "", sample.year)["checks"]


def failing(checks: list[dict]) -> set[str]:
    return {check["name"] for check in checks if not check["ok"]}


@pytest.mark.parametrize("make", [fs.sample_2021, fs.sample_2019])
def test_consistent_reports_pass_every_check(make):
    sample = make()
    checks = checks_of(sample)
    names = {check["name"] for check in checks}
    assert failing(checks) == set()
    assert {f"t3.balance:{col}" for col in fs.T3_COLUMNS} <= names
    assert {f"t3.results:{col}" for col in fs.T3_COLUMNS} <= names
    assert {"t3.row_total:一", "t3.row_total:三（七）", "t3.row_total:四"} <= names
    assert ("parse.tables" in names) == (sample.year >= 2020)  # the standard format is due from 2020
    assert all(set(check) == {"name", "ok", "detail"} and check["detail"] for check in checks)


def test_checks_of_2019_form_include_subtotal_and_skip_blank_groups():
    names = {check["name"] for check in checks_of(fs.sample_2019())}
    assert {f"t3.subtotal:三（三）:{col}" for col in fs.T3_COLUMNS} <= names
    assert "t3.row_total:三（六）" in names  # 2019's single 其他处理 row
    names_2021 = {check["name"] for check in checks_of(fs.sample_2021())}
    assert "t4.total:复议后起诉" not in names_2021  # printed "/" throughout: nothing to check


BREAKS = {  # what was changed -> the checks that must fail, and no other
    "balance": (fs.sample_2021, {("一", "自然人"): "35", ("一", "总计"): "43"},
                {"t3.balance:自然人", "t3.balance:总计"}),
    "results": (fs.sample_2021, {("三（五）2", "自然人"): "3", ("三（五）2", "总计"): "3"},
                {"t3.results:自然人", "t3.results:总计"}),
    "row total": (fs.sample_2021, {("一", "自然人"): "35", ("二", "自然人"): "1"},
                  {"t3.row_total:一", "t3.row_total:二"}),
    "表四 total": (fs.sample_2021, {("行政复议", "总计"): "3"}, {"t4.total:行政复议"}),
    "subtotal": (fs.sample_2019, {("三（三）", "自然人"): "2", ("三（三）", "总计"): "3"},
                 {"t3.subtotal:三（三）:自然人", "t3.subtotal:三（三）:总计"}),
}


@pytest.mark.parametrize("name", list(BREAKS))
def test_each_identity_breaks_alone(name):
    make, changes, expected = BREAKS[name]
    sample = make()
    for (row, col), text in changes.items():  # the changes really change the report
        cells = sample.t4.get(row) if col in fs.T4_RESULTS and row in sample.t4 else sample.t3[row]
        assert cells[(fs.T4_RESULTS if row in sample.t4 else fs.T3_COLUMNS).index(col)] != text
    assert failing(checks_of(fs.broken(sample, changes))) == expected


def test_failed_balance_detail_shows_both_sides():
    checks = checks_of(fs.broken(fs.sample_2021(), {("一", "自然人"): "35", ("一", "总计"): "43"}))
    (check,) = [c for c in checks if c["name"] == "t3.balance:自然人"]
    assert check == {"name": "t3.balance:自然人", "ok": False, "detail": "一 35 + 二 2 = 37; 三（七） 35 + 四 1 = 36"}


def test_carryover_across_years():
    last = parse_report(fs.html_page(fs.sample_2019()), "text/html", [], "", 2019)["figures"]  # 四: 3 natural persons
    this = parse_report(fs.html_page(fs.sample_2021()), "text/html", [], "", 2020)["figures"]  # 二: 2 + 1 law firm
    checks = carryover_checks(this, last)
    assert {check["name"] for check in checks} == {f"t3.carryover:{col}" for col in fs.T3_COLUMNS}
    assert failing(checks) == {"t3.carryover:自然人", "t3.carryover:法律服务机构"}
    assert failing(carryover_checks(this, this)) == {"t3.carryover:自然人", "t3.carryover:商业企业",
                                                      "t3.carryover:法律服务机构", "t3.carryover:总计"}  # its own 四
    assert carryover_checks(this, []) == []  # last year not parsed: nothing to check


def figure(row, col, value, raw=None, table_no=3):
    return {"table_no": table_no, "row_key": row, "col_key": col, "value": value, "unit": None,
            "raw": str(value) if raw is None else raw}


def test_blank_counts_as_zero_and_all_blank_or_missing_is_skipped():
    applicants = fs.T3_COLUMNS[:-1]
    rows = [figure("一", col, None, "") for col in applicants] + [figure("一", "总计", 0)]
    assert report_checks(rows) == [{"name": "t3.row_total:一", "ok": True,
                                    "detail": "总计 0; 自然人 blank + 商业企业 blank + 科研机构 blank + 社会公益组织 blank"
                                              " + 法律服务机构 blank + 其他 blank = 0"}]
    assert report_checks([figure("一", col, None, "/") for col in fs.T3_COLUMNS]) == []  # 总计 blank
    # 一 and 二 found, 三（七） and 四 not: a parse gap, not the report's error
    assert report_checks([figure("一", "自然人", 1), figure("二", "自然人", 0)]) == []


def test_total_column_left_blank_beside_figures_is_not_checked_as_zero():
    """2019年上海市人民政府办公厅 (a real report) prints 总计 only on 一, 二, （七） and 四: the result rows' blank
    totals were not printed, so t3.results:总计 is left out instead of failing 805 against 0; every column
    that was printed is still checked."""
    sample = fs.sample_2021()
    unprinted = {(row, "总计"): "" for row in sample.t3 if row not in ("一", "二", "三（七）", "四")}
    checks = checks_of(fs.broken(sample, unprinted))
    names = {check["name"] for check in checks}
    assert failing(checks) == set()
    assert "t3.results:总计" not in names and "t3.row_total:三（一）" not in names
    assert {"t3.results:自然人", "t3.balance:总计", "t3.row_total:一", "t3.row_total:三（七）"} <= names
    # a blank total beside blank or 0 applicants is still a 0
    zero_row = [figure("四", col, None, "") for col in fs.T3_COLUMNS[:-1]] + [figure("四", "总计", None, "")]
    assert report_checks(zero_row + [figure("一", "总计", 1), figure("二", "总计", 0), figure("三（七）", "总计", 1)])[0] \
        == {"name": "t3.balance:总计", "ok": True, "detail": "一 1 + 二 0 = 1; 三（七） 1 + 四 blank = 1"}
