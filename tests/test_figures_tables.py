"""Figures of 表二–表四 read back from sample reports in both forms, in every format portals serve, and
from the corpus report in the 2021 form as the sample portal serves it; headline figures of older reports."""

from __future__ import annotations

import pickle

import pytest

from pipelines.page import read_report
from pipelines.figures import parse_report
from pipelines.figures.grids import html_rows
from pipelines.figures.template import T3_COLUMNS, T4_GROUPS, T4_RESULTS, template_figures
from tests import figure_samples as fs
from tests.conftest import CORPUS

SAMPLES = {"2021": fs.sample_2021, "2019": fs.sample_2019}
R003 = "003_914a51cc45050283"


def figures(result: dict) -> list[tuple]:
    assert all(set(f) == {"table_no", "row_key", "col_key", "value", "unit", "raw"} for f in result["figures"])
    return sorted(((f["table_no"], f["row_key"], f["col_key"], f["value"], f["unit"], f["raw"])
                   for f in result["figures"]), key=repr)


@pytest.fixture(scope="module", params=list(SAMPLES))
def sample(request):
    return SAMPLES[request.param]()


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_html_page_with_rowspan_colspan_and_split_labels(sample, encoding):
    page = fs.html_page(sample, encoding)
    result = parse_report(page, f"text/html; charset={encoding}", [], "", sample.year)
    assert figures(result) == sample.expected()
    assert result["sources"] == {2: "page", 3: "page", 4: "page"} and result["errors"] == []


@pytest.mark.parametrize("kind, make", [("docx", fs.docx_bytes), ("pdf", fs.pdf_bytes), ("xls", fs.xls_bytes),
                                        ("xlsx", fs.xlsx_bytes)])
def test_attachment_formats(sample, kind, make):
    url = f"http://www.example.gov.cn/files/report.{kind}"
    result = parse_report(None, "", [(make(sample), url, "")], "", sample.year)
    assert figures(result) == sample.expected()
    assert result["sources"] == {2: url, 3: url, 4: url}


def test_report_served_as_a_file_instead_of_a_page(sample):
    result = parse_report(fs.pdf_bytes(sample), "application/pdf", [], "", sample.year)
    assert figures(result) == sample.expected() and result["sources"] == {2: "page", 3: "page", 4: "page"}


def test_clean_text_of_the_page(sample):
    """The text the crawl stores (merged cells left out, trailing blanks dropped) gives the same figures."""
    text = read_report(fs.html_page(sample), "http://www.example.gov.cn/a.html", "text/html")["text"]
    result = parse_report(None, "", [], text, sample.year)
    assert figures(result) == sample.expected()
    assert result["sources"] == {2: "text", 3: "text", 4: "text"}


def test_flattened_text_with_blank_zeros_and_empty_rowspan_cells(sample):
    blanked = fs.blank_zeros(sample)
    result = parse_report(None, "", [], fs.flat_text(blanked), sample.year)
    assert figures(result) == blanked.expected()
    assert sum(f["value"] is None and f["raw"] == "" for f in result["figures"]) > 100
    assert all(check["ok"] for check in result["checks"])  # blank means 0 in every identity


def test_pdf_without_rules_gives_no_wrong_figure(sample):
    """Rows whose blanks left no trace, or whose labels wrapped among the numbers, are left out."""
    result = parse_report(None, "", [(fs.pdf_bytes(sample, ruled=False), "http://x.gov.cn/a.pdf", "")], "",
                          sample.year)
    found, expected = figures(result), sample.expected()
    assert set(found) <= set(expected)
    rows = {(table, row) for table, row, *_ in found}
    assert {(3, "一"), (3, "二"), (3, "三（一）"), (3, "三（七）"), (3, "四")} <= rows
    assert len(found) > 0.7 * len(expected)


def test_unit_decimals_dashes_and_notes_in_2019_form():
    result = parse_report(fs.html_page(fs.sample_2019()), "text/html", [], "", 2019)
    by_key = {(f["table_no"], f["row_key"], f["col_key"]): f for f in result["figures"]}
    assert by_key[(2, "政府集中采购", "采购总金额")] == {
        "table_no": 2, "row_key": "政府集中采购", "col_key": "采购总金额", "value": 75394432.52, "unit": "元",
        "raw": "75394432.52元"}
    assert by_key[(2, "行政许可", "本年增/减")]["value"] == -8
    assert by_key[(2, "规章", "本年新制作数量")]["value"] == 1  # 本年新<br>制作数量, (设区的市…) note
    assert by_key[(2, "行政强制", "处理决定数量")] | {"table_no": 0} == {
        "table_no": 0, "row_key": "行政强制", "col_key": "处理决定数量", "value": None, "unit": None, "raw": "-"}
    assert by_key[(3, "三（六）", "总计")]["value"] == 3  # 2019: one 其他处理 row
    assert by_key[(3, "三（三）", "自然人")]["value"] == 1  # the added 小计 row


def test_2021_units_from_header_note():
    result = parse_report(fs.html_page(fs.sample_2021()), "text/html", [], "", 2022)
    fee = [f for f in result["figures"] if f["row_key"] == "行政事业性收费"]
    assert fee == [{"table_no": 2, "row_key": "行政事业性收费", "col_key": "本年收费金额", "value": 28.56,
                    "unit": "万元", "raw": "28.56"}]


# --- the corpus report in the 2021 form ------------------------------------------------------------------

def served_003() -> tuple[bytes, str]:
    """Report 003 as the 开普云 sample portal serves it."""
    from tests.sampleportals.groups import RENDER
    from tests.sampleportals.portals import cdjkq

    site = cdjkq()
    resources = RENDER[site.style](site)
    (article,) = [a for a in site.articles() if (a.corpus_id or "").startswith("003")]
    return resources[article.path].body, resources[article.path].ctype


def test_corpus_report_2021_form_parses_completely_and_checks_pass():
    page, content_type = served_003()
    gold = (CORPUS / f"{R003}.gold.txt").read_text(encoding="utf-8")
    result = parse_report(page, content_type, [], gold, 2022)
    found = {(f["table_no"], f["row_key"], f["col_key"]): f for f in result["figures"]}
    t3_rows = ["一", "二", "三（一）", "三（二）", *[f"三（三）{i}" for i in range(1, 9)],
               *[f"三（四）{i}" for i in range(1, 4)], *[f"三（五）{i}" for i in range(1, 6)],
               *[f"三（六）{i}" for i in range(1, 4)], "三（七）", "四"]
    assert {key for key in found if key[0] == 3} == {(3, row, col) for row in t3_rows for col in T3_COLUMNS}
    assert {key for key in found if key[0] == 4} == {(4, g, r) for g in T4_GROUPS for r in T4_RESULTS}
    assert all(f["value"] == 0 and f["raw"] == "0" for key, f in found.items() if key[0] in (3, 4))
    assert {(row, col): (f["value"], f["unit"]) for (table, row, col), f in found.items() if table == 2} == {
        ("规章", "本年制发件数"): (0, None), ("规章", "本年废止件数"): (0, None), ("规章", "现行有效件数"): (0, None),
        ("行政规范性文件", "本年制发件数"): (0, None), ("行政规范性文件", "本年废止件数"): (0, None),
        ("行政规范性文件", "现行有效件数"): (7, None), ("行政许可", "本年处理决定数量"): (855, None),
        ("行政处罚", "本年处理决定数量"): (21, None), ("行政强制", "本年处理决定数量"): (0, None),
        ("行政事业性收费", "本年收费金额"): (2868, "万元")}
    assert len(result["figures"]) == 200 and result["sources"] == {2: "page", 3: "page", 4: "page"}
    assert result["checks"] and all(check["ok"] for check in result["checks"])
    assert {"t3.balance:总计", "t3.results:自然人", "t3.row_total:四", "t4.total:行政复议", "parse.tables"} <= {
        check["name"] for check in result["checks"]}
    # the gold text alone (trafilatura's rows, trailing "| ||") gives the same figures
    assert figures(parse_report(None, "", [], gold, 2022)) == figures(result)


def test_sources_other_than_tables_are_ignored():
    """Layout tables (a table holding tables) and chrome tables give no rows of their own."""
    page = fs.html_page(fs.sample_2021())
    wrapped = page.replace(b'<div class="TRS_Editor">', b'<table><tr><td><div class="TRS_Editor">')
    assert template_figures(html_rows(wrapped, "text/html")) == template_figures(html_rows(page, "text/html"))


# --- sources: choice and failures ----------------------------------------------------------------------

def test_stub_page_takes_tables_from_attachment_and_survives_a_corrupt_one():
    sample = fs.sample_2021()
    stub = '<html><body><div id="zoom"><p>附件：年度报告.docx</p></div></body></html>'.encode()
    good = "http://www.example.gov.cn/files/report.docx"
    result = parse_report(stub, "text/html", [(b"%PDF-1.4 broken", "http://www.example.gov.cn/files/a.pdf",
                                                "application/pdf"), (fs.docx_bytes(sample), good, "")], "", 2022)
    assert figures(result) == sample.expected()
    assert result["sources"] == {2: good, 3: good, 4: good}
    assert len(result["errors"]) == 1 and result["errors"][0].startswith("http://www.example.gov.cn/files/a.pdf: ")


def test_a_crawl_reads_the_tables_of_its_files_as_govarchive_parse_does():
    """A crawl reads each file's text and its tables' rows together (read_attachment: a PDF is read once for
    both); the report's figures from those rows are what ``govarchive parse`` finds in the files' bytes."""
    from pipelines.extract import read_attachment, read_page

    sample = fs.sample_2021()
    stub = '<html><body><div id="zoom"><p>附件：年度报告</p></div></body></html>'
    files = [(fs.pdf_bytes(sample), "http://www.example.gov.cn/files/report.pdf", "application/pdf"),
             (fs.xlsx_bytes(fs.blank_zeros(sample)), "http://www.example.gov.cn/files/blank.xlsx", "")]
    read = [{"url": url, **read_attachment(body, url, ctype)} for body, url, ctype in files]
    assert not any(b"pipelines" in pickle.dumps(a) for a in read)  # the crawl process unpickles it: not ours
    rows = [(a["url"], a.pop("rows"), a.pop("rows_error", None)) for a in read]
    page = read_page(stub, "http://www.example.gov.cn/a.html", rows, read)
    parsed = parse_report(stub.encode(), "text/html", files, page["extracted"]["text"])
    assert figures(page["figures"]) == figures(parsed) == sample.expected()
    assert page["figures"]["sources"] == parsed["sources"] == {n: files[0][1] for n in (2, 3, 4)}


def test_a_docx_is_read_once_for_its_text_and_its_tables(monkeypatch):
    """read_attachment parses a DOCX once (files_read_once), and gets what the two readings apart get."""
    import docx

    from pipelines.attachments import extract_attachment
    from pipelines.extract import read_attachment
    from pipelines.figures.grids import attachment_rows, portable_rows

    body, url = fs.docx_bytes(fs.sample_2021()), "http://www.example.gov.cn/files/report.docx"
    apart = extract_attachment(body, url), portable_rows(attachment_rows(body, url, ""))
    parses = []
    monkeypatch.setattr(docx, "Document", lambda *args: parses.append(args) or docx.api.Document(*args))
    together = read_attachment(body, url)
    assert len(parses) == 1
    assert ({key: together[key] for key in apart[0]}, together["rows"]) == apart and apart[1]


def test_page_and_attachment_alike_page_wins_a_fuller_attachment_wins():
    sample = fs.sample_2021()
    url = "http://www.example.gov.cn/files/report.xls"
    both = parse_report(fs.html_page(sample), "text/html", [(fs.xls_bytes(sample), url, "")], "", 2022)
    assert both["sources"] == {2: "page", 3: "page", 4: "page"} and figures(both) == sample.expected()
    blank_page = fs.html_page(fs.blank_zeros(sample))
    fuller = parse_report(blank_page, "text/html", [(fs.xls_bytes(sample), url, "")], "", 2022)
    assert fuller["sources"][3] == url and fuller["sources"][2] == "page"


def test_report_without_tables_from_2020_on_is_flagged():
    text = "一、总体情况\n本机关2021年未收到政府信息公开申请。"
    result = parse_report(None, "", [], text, 2021)
    assert result["checks"] == [{"name": "parse.tables", "ok": False, "detail": "missing 表二, 表三, 表四"}]
    assert parse_report(None, "", [], text, 2017)["checks"] == []


# --- older reports: headline figures ----------------------------------------------------------------------

def test_older_report_headlines_from_table_and_sentences():
    result = parse_report(fs.old_page(), "text/html", [], fs.old_text(), 2016)
    assert figures(result) == sorted(fs.OLD_EXPECTED, key=repr)
    assert result["sources"] == {0: "page"}


CORPUS_HEADLINES = {  # what each older corpus report says, read by hand
    "000_bbe8e76d229b48ab": {"主动公开": 1000, "收到申请": 1, "行政诉讼": 1},
    "001_530b59ebb389d401": {"主动公开": 290165, "收到申请": 283, "行政复议": 8, "行政诉讼": 2, "收费": 0},
    "002_76d88bc173fa7679": {"主动公开": 636, "收到申请": 0, "收费": 0},
    "004_6ce6c09be9966a1a": {"主动公开": 37311, "收到申请": 67, "答复申请": 67, "行政复议": 0, "行政诉讼": 1,
                             "收费": 0},
}


@pytest.mark.parametrize("report", list(CORPUS_HEADLINES))
def test_older_corpus_reports_headlines(report):
    text = (CORPUS / f"{report}.gold.txt").read_text(encoding="utf-8")
    result = parse_report(None, "", [], text, None)
    assert {f["row_key"]: f["value"] for f in result["figures"]} == CORPUS_HEADLINES[report]
    assert all(f["table_no"] == 0 and f["col_key"] == "正文" and f["raw"] for f in result["figures"])
    assert all(f["raw"] in text for f in result["figures"])  # the words as printed


def test_transposed_table_four_one_row_per_group():
    text = "\n".join([
        "四、政府信息公开行政复议、行政诉讼情况",
        "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计",
        "行政复议 | 1 | 0 | 0 | 0 | 1",
        "未经复议直接起诉 | 0 | 0 | 0 | 2 | 2",
        "复议后起诉 | 0 | 0 | 0 | 0 | 0",
        "五、存在的主要问题及改进情况",
    ])
    result = parse_report(None, "", [], text, None)
    assert [(f["row_key"], f["col_key"], f["value"]) for f in result["figures"] if f["value"]] == [
        ("行政复议", "结果维持", 1), ("行政复议", "总计", 1), ("未经复议直接起诉", "尚未审结", 2),
        ("未经复议直接起诉", "总计", 2)]
    assert len(result["figures"]) == 15 and all(check["ok"] for check in result["checks"])
