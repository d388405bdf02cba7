"""Attachment text: DOCX, PDF, DOC, XLS(X) made from corpus reports 000 and 002 come back as the gold text."""

from __future__ import annotations

import shutil

import pytest

from pipelines import attachments
from pipelines.attachments import ATTACHMENT_EXTENSIONS, attachment_kind, extract_attachment
from tests import attachment_samples as samples
from tests.attachment_samples import R000, R002



@pytest.fixture(scope="module")
def made():
    """Every sample once per module (PDF typesetting is the slow part)."""
    return {name: make() for name, make in samples.SAMPLES.items()}


def lines_of(result: dict) -> list[str]:
    return result["text"].split("\n")


def test_docx_body_in_document_order_equals_gold(made):
    result = extract_attachment(made["000.docx"], "http://example.gov.cn/files/000.docx")
    assert result["kind"] == "docx" and result["text_status"] == "ok"
    assert result["extractor"].startswith("python-docx ")
    # gold lines exactly, the statistics table's rows at the place it stands between two paragraphs
    assert lines_of(result) == samples.expected_lines(R000, with_table=True)
    assert result["chars"] == len(result["text"])
    assert "bookmark" not in result["text"] and samples.FOOTER not in result["text"]  # no artefact, no footer


def test_pdf_paragraphs_rejoined_equal_gold(made):
    result = extract_attachment(made["000.pdf"], "http://example.gov.cn/files/000.pdf")
    assert result["kind"] == "pdf" and result["text_status"] == "ok" and result["pages"] >= 3
    assert result["extractor"].startswith("pdfplumber ")
    assert lines_of(result) == samples.expected_lines(R000)  # line breaks healed, page numbers gone


def test_pdf_table_rows_and_title_lines(made):
    result = extract_attachment(made["002_stats.pdf"], "http://example.gov.cn/files/002.pdf")
    assert result["text_status"] == "ok"
    lines = lines_of(result)
    assert lines == samples.expected_lines(R002, with_table=True)
    assert lines[:2] == ["开发区2017年度政府信息公开工作", "年度报告"]  # a centred title keeps its two lines
    assert "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数" in lines
    assert "行政许可 | 855" in lines  # cells merged in the PDF leave no trailing " | "


@pytest.mark.parametrize("name", ["stats.xlsx", "stats.xls"])
def test_spreadsheet_one_row_a_line(made, name):
    result = extract_attachment(made[name], f"http://example.gov.cn/files/{name}")
    assert result["kind"] == name.rsplit(".", 1)[1] and result["text_status"] == "ok"
    # numbers as written (0 not 0.0, 28.5), merged and trailing empty cells dropped, blank rows skipped
    assert lines_of(result) == samples.stats_sheet_lines()


def test_doc_through_antiword_equals_gold(made):
    result = extract_attachment(made["002.doc"], "http://example.gov.cn/files/002.doc")
    assert result["kind"] == "doc" and result["text_status"] == "ok"
    assert result["extractor"].startswith("antiword ")
    assert lines_of(result) == samples.expected_lines(R002, with_table=True)


def test_doc_falls_back_to_catdoc(made, monkeypatch):
    real_which = shutil.which
    monkeypatch.setattr(attachments.shutil, "which", lambda tool: None if tool == "antiword" else real_which(tool))
    result = extract_attachment(made["002.doc"], "http://example.gov.cn/files/002.doc")
    assert result["text_status"] == "ok" and result["extractor"].startswith("catdoc ")
    lines, expected = lines_of(result), samples.expected_lines(R002, with_table=True)
    assert set(samples.STATS_ROWS) <= set(lines)
    # catdoc garbles the odd paragraph of a LibreOffice .doc and prints footers: antiword comes first
    assert len(set(lines) & set(expected)) >= 0.8 * len(expected)


def test_wps_saved_as_word_is_read_as_doc(made):
    result = extract_attachment(made["002.doc"], "http://example.gov.cn/files/002.wps")
    assert result["kind"] == "doc" and result["text_status"] == "ok"
    assert extract_attachment(b"\x00\x01 not a word file", "http://x/a.wps")["text_status"] == "unsupported"


def test_scanned_pdf_says_no_text_layer(made):
    result = extract_attachment(made["scanned.pdf"], "http://example.gov.cn/files/scan.pdf")
    assert result == {"kind": "pdf", "text": "", "chars": 0, "text_status": "no text layer", "pages": 2,
                      "extractor": result["extractor"]}


@pytest.mark.parametrize("name, cut", [("000.pdf", 3), ("000.docx", 8), ("002.doc", 7), ("stats.xlsx", 2),
                                       ("stats.xls", 2)])
def test_corrupt_file_gives_error_status_without_raising(made, name, cut):
    body = made[name]
    result = extract_attachment(body[: len(body) // cut], f"http://example.gov.cn/files/{name}")
    assert result["text_status"].startswith("error: ") and result["text"] == "" and result["chars"] == 0
    assert "/tmp" not in result["text_status"] and len(result["text_status"]) <= 200


def test_empty_and_unknown_bodies():
    assert extract_attachment(b"", "http://x/a.pdf")["text_status"] == "error: empty file"
    assert extract_attachment(b"{\\rtf1 saved as doc}", "http://x/a.doc")["text_status"] == "unsupported"
    unknown = extract_attachment(b"hello", "http://x/a.txt")
    assert unknown["kind"] is None and unknown["text_status"] == "unsupported"


@pytest.mark.parametrize("name, wrong_url, kind", [
    ("000.docx", "http://x/download.pdf", "docx"),
    ("000.pdf", "http://x/a.doc", "pdf"),
    ("002.doc", "http://x/a.xls", "doc"),
    ("stats.xls", "http://x/a.doc", "xls"),
    ("stats.xlsx", "http://x/a.docx?id=3", "xlsx"),
    ("scanned.pdf", "http://x/getfile.jsp?id=1", "pdf"),
])
def test_kind_from_magic_bytes_beats_extension(made, name, wrong_url, kind):
    body = made[name]
    assert attachment_kind(wrong_url, "application/octet-stream", body) == kind
    if name != "002.doc" or shutil.which("antiword"):
        assert extract_attachment(body, wrong_url)["kind"] == kind


def test_kind_from_extension_then_mime():
    assert attachment_kind("http://x/%E5%B9%B4%E6%8A%A5.DOCX") == "docx"
    assert attachment_kind("http://x/a.wps") == "wps"
    assert attachment_kind("http://x/download.jsp?id=1", "application/msword; charset=gbk") == "doc"
    assert attachment_kind("http://x/download.jsp", "application/vnd.ms-excel") == "xls"
    # download scripts that name the file in the query (Hanweb JCMS, many TRS sites)
    assert attachment_kind("http://x/module/download/downfile.jsp?classid=0&filename=2104191012.pdf") == "pdf"
    assert attachment_kind("http://x/down.jsp?file=%E5%B9%B4%E6%8A%A5.docx&v=1.0") == "docx"
    assert attachment_kind("http://x/list.jsp?page=2&v=1.0") is None
    assert attachment_kind("http://x/a.html", "text/html") is None
    assert attachment_kind("http://x/a.html", "", b"<html>") is None
    # an error page served under the attachment's name is not a PDF
    assert attachment_kind("http://x/a.pdf", "application/pdf", b"\r\n<!DOCTYPE html><html>") is None
    assert set(ATTACHMENT_EXTENSIONS) == {".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx"}


def test_caps_truncate_and_say_so(made, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_PDF_PAGES", 1)
    result = extract_attachment(made["000.pdf"], "http://x/a.pdf")
    assert result["text_status"].startswith("ok; truncated: first 1 of ") and result["pages"] >= 3
    assert lines_of(result)[0] == samples.expected_lines(R000)[0]
    monkeypatch.setattr(attachments, "MAX_SHEET_ROWS", 3)
    result = extract_attachment(made["stats.xlsx"], "http://x/a.xlsx")
    assert result["text_status"] == "ok; truncated: first 3 rows" and len(lines_of(result)) == 3


def test_pdf_line_joining_rules():
    def line(text, x0=78.0, x1=510.0, top=0.0, page=0):
        chars = [{"text": ch, "x0": x0 + 12 * i, "x1": x0 + 12 * (i + 1)} for i, ch in enumerate(text)]
        return attachments._pdf_line({"text": text, "x0": x0, "x1": x1, "top": top, "bottom": top + 12,
                                      "chars": chars}, page)  # a line as pdfplumber gives it, as _pdf keeps it

    body = [line("本年度报告根据条例编制。全文包括概述、主动公开政府信息情况、依", x0=102),
            line("申请公开政府信息情况等。", x1=222, top=20),
            line("一、概述", x1=126, top=40),
            line("根据《条例》要求，我区进一步加强政府信息公开工作，完善了政", x0=102, top=60),
            line("务公开领导小组。截至年底，工作运行正常，政府信息公开咨询、申", top=80),
            line("（2017）湘0702行初8号《行政判决书》判决驳回原告的诉讼请求。", top=100),
            line("1.加强和规范投资促进中心建设。", x1=270, top=120),
            line("2.推广电子政务，打造阳光政务。", x1=270, top=140, page=1)]
    assert attachments._join_pdf_lines(body) == [
        "本年度报告根据条例编制。全文包括概述、主动公开政府信息情况、依申请公开政府信息情况等。",
        "一、概述",
        "根据《条例》要求，我区进一步加强政府信息公开工作，完善了政务公开领导小组。截至年底，工作运行正常，"
        "政府信息公开咨询、申（2017）湘0702行初8号《行政判决书》判决驳回原告的诉讼请求。",
        "1.加强和规范投资促进中心建设。",
        "2.推广电子政务，打造阳光政务。",
    ]


def test_docx_merged_cells_and_empty_cells():
    import io

    import docx

    document = docx.Document()
    document.add_paragraph("前言")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "（三）不予公开"  # spans two rows
    table.cell(0, 1).text, table.cell(0, 2).text = "1.属于国家秘密", "0"
    table.cell(1, 1).text = "2.其他法律行政法规禁止公开"  # (1, 2) stays empty: a trailing empty cell
    table.cell(2, 0).merge(table.cell(2, 1)).text = "总计"  # spans two columns
    table.cell(2, 2).text = "0"
    cell = table.cell(2, 2)
    cell.add_paragraph("件")  # two paragraphs in one cell
    document.add_paragraph("结语")
    out = io.BytesIO()
    document.save(out)
    assert lines_of(extract_attachment(out.getvalue(), "http://x/a.docx")) == [
        "前言", "（三）不予公开 | 1.属于国家秘密 | 0", "2.其他法律行政法规禁止公开", "总计 | 0 件", "结语"]
