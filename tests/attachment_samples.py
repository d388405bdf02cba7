"""Realistic Chinese report attachments, made at test time from corpus reports 000 and 002.

Each ``*_bytes()`` function returns a whole file, so a sample portal can serve it and a test can feed
it to ``pipelines.attachments.extract_attachment``; ``expected_lines()`` says what text should come back.

- ``docx_000``: Word body of report 000 with first-line indents, heading styles, a ``_GoBack`` bookmark,
  a footer, and the statistics table (merged cells) between two paragraphs.
- ``pdf_000``: report 000 typeset by reportlab (A4, STSong-Light, wrapped lines, "- N -" page numbers).
- ``pdf_002_stats``: report 002 with the statistics table drawn as a ruled table in the middle.
- ``xlsx_stats`` / ``xls_stats``: the statistics table as a spreadsheet (title row, merged cells).
- ``doc_002``: report 002 plus the table as a Word 97 .doc: a committed fixture (no pure-Python .doc
  writer exists); ``tests/make_doc_fixture.py`` rebuilds it with LibreOffice from ``docx_002()``.
- ``scanned_pdf``: two pages that hold only a picture of text, no text operators.
"""

from __future__ import annotations

import io
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPUS = FIXTURES / "corpus"
DOC_FIXTURE = FIXTURES / "attachments" / "002_report.doc"

R000 = "000_bbe8e76d229b48ab"
R002 = "002_76d88bc173fa7679"

# The 2021 template's first statistics table, as cells; None marks a cell covered by the one to its left.
STATS_TABLE = [
    ["第二十条第（一）项", None, None, None],
    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["规章", "0", "0", "0"],
    ["行政规范性文件", "2", "0", "7"],
    ["第二十条第（五）项", None, None, None],
    ["信息内容", "本年处理决定数量", None, None],
    ["行政许可", "855", None, None],
    ["第二十条第（八）项", None, None, None],
    ["信息内容", "本年收费金额（单位：万元）", None, None],
    ["行政事业性收费", "28.5", None, None],
]
STATS_ROWS = [" | ".join(c for c in row if c is not None) for row in STATS_TABLE]
# Where the table goes: after this many gold lines.
TABLE_AT = {R000: 20, R002: 5}

FOOTER = "政务公开专栏 年度报告"  # a Word footer: not body text
HEADING_PREFIXES = tuple("一二三四五六七八九") + ("（", "6、")


def gold_lines(report: str) -> list[str]:
    text = (CORPUS / f"{report}.gold.txt").read_text(encoding="utf-8")
    return [line.rstrip() for line in text.splitlines() if line.strip()]


def expected_lines(report: str, with_table: bool = False) -> list[str]:
    lines = gold_lines(report)
    if with_table:
        at = TABLE_AT[report]
        lines = lines[:at] + STATS_ROWS + lines[at:]
    return lines


def _is_heading(line: str) -> bool:
    return len(line) < 40 and line.startswith(HEADING_PREFIXES)


def _spans(row: list) -> list[tuple[int, int, str]]:
    """(first column, last column, text) for each real cell of a STATS_TABLE row."""
    cells = []
    for col, value in enumerate(row):
        if value is None:
            first, last, text = cells[-1]
            cells[-1] = (first, col, text)
        else:
            cells.append((col, col, value))
    return cells


# --- DOCX -------------------------------------------------------------------------------------------

def _docx_table(document, after_paragraph):
    from docx.shared import Pt

    table = document.add_table(rows=len(STATS_TABLE), cols=4)
    table.style = "Table Grid"
    for r, row in enumerate(STATS_TABLE):
        for first, last, text in _spans(row):
            cell = table.cell(r, first)
            if last > first:
                cell = cell.merge(table.cell(r, last))
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(10.5)
    after_paragraph._p.addnext(table._tbl)  # move it from the end of the body to its place


def _docx_bookmark(paragraph, name="_GoBack"):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), "0")
    start.set(qn("w:name"), name)
    end.set(qn("w:id"), "0")
    paragraph._p.append(start)
    paragraph._p.append(end)


def docx_bytes(report: str, with_table: bool = True, title: str | None = None) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.sections[0].footer.paragraphs[0].text = FOOTER
    if title:
        document.add_heading(title, level=1)  # a title line: part of the text, tests pass it as None
    paragraphs = []
    for line in gold_lines(report):
        if _is_heading(line):
            paragraph = document.add_heading(line, level=2)
        else:
            paragraph = document.add_paragraph(line)
            paragraph.paragraph_format.first_line_indent = Pt(24)
        paragraphs.append(paragraph)
    _docx_bookmark(paragraphs[len(paragraphs) // 2])
    if with_table:
        _docx_table(document, paragraphs[TABLE_AT[report] - 1])
    document.add_paragraph("")  # trailing empty paragraphs, as Word leaves them
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_000() -> bytes:
    return docx_bytes(R000)


def docx_002() -> bytes:
    return docx_bytes(R002)


# --- PDF --------------------------------------------------------------------------------------------

FONT = "STSong-Light"


def _register_font():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _styles():
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    body = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=20, firstLineIndent=24,
                          wordWrap="CJK")
    return {
        "body": body,
        "heading": ParagraphStyle("heading", parent=body, fontSize=13, firstLineIndent=0, spaceBefore=6),
        "title": ParagraphStyle("title", parent=body, fontSize=18, leading=26, firstLineIndent=0,
                                alignment=TA_CENTER),
        "sign": ParagraphStyle("sign", parent=body, firstLineIndent=0, alignment=TA_RIGHT),
        "cell": ParagraphStyle("cell", parent=body, fontSize=10.5, leading=14, firstLineIndent=0),
    }


def _pdf_table(styles):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    # the first column is narrow: 行政规范性文件 wraps inside its cell, as in real reports
    data = [[Paragraph(c, styles["cell"]) if c else "" for c in row] for row in STATS_TABLE]
    commands = [("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    for r, row in enumerate(STATS_TABLE):
        commands += [("SPAN", (first, r), (last, r)) for first, last, _ in _spans(row) if last > first]
    return Table(data, colWidths=[80, 130, 130, 110], style=TableStyle(commands))


def _page_number(canvas, doc):
    canvas.saveState()
    canvas.setFont(FONT, 10)
    canvas.drawCentredString(doc.pagesize[0] / 2, 40, f"- {doc.page} -")
    canvas.restoreState()


def pdf_bytes(report: str, with_table: bool = False, title_lines: int = 0) -> bytes:
    """Typeset a corpus report (see :func:`typeset_pdf`), with the statistics table when asked."""
    return typeset_pdf(gold_lines(report), TABLE_AT[report] if with_table else None, title_lines, title=report)


def typeset_pdf(lines: list[str], table_at: int | None = None, title_lines: int = 0, title: str = "report") -> bytes:
    """Typeset lines as an A4 report; the first ``title_lines`` are set as a centred title, a last line
    without final punctuation as a right-aligned signature, the statistics table before line ``table_at``."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    _register_font()
    styles = _styles()
    story = []
    for i, line in enumerate(lines):
        if i == table_at:
            story += [Spacer(1, 6), _pdf_table(styles), Spacer(1, 6)]
        if i < title_lines:
            style = styles["title"]
        elif i == len(lines) - 1 and not line.endswith("。"):
            style = styles["sign"]
        else:
            style = styles["heading"] if _is_heading(line) else styles["body"]
        story.append(Paragraph(escape(line), style))
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=72, rightMargin=72, topMargin=72,
                            bottomMargin=72, title=title, author="govarchive tests", invariant=1)
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return out.getvalue()


def pdf_000() -> bytes:
    return pdf_bytes(R000)


def pdf_002_stats() -> bytes:
    return pdf_bytes(R002, with_table=True, title_lines=2)


def scanned_pdf(pages: int = 2) -> bytes:
    """Pages holding only a greyscale picture (a scan of text lines), no text operators at all."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (595, 842), 250)
    draw = ImageDraw.Draw(image)
    for y in range(90, 760, 22):  # grey bars where a scanner would have seen lines of characters
        draw.rectangle([72 + (24 if y % 3 == 0 else 0), y, 523 - (y * 7 % 90), y + 11], fill=60)
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for _ in range(pages):
        pdf.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
        pdf.showPage()
    pdf.save()
    return out.getvalue()


# --- spreadsheets -----------------------------------------------------------------------------------

SHEET_TITLE = "政府信息公开情况统计表（2017年度）"


def xlsx_stats() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "统计表"
    sheet.append([SHEET_TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    for r, row in enumerate(STATS_TABLE, start=2):
        for first, last, text in _spans(row):
            sheet.cell(row=r, column=first + 1, value=float(text) if _number(text) else text)
            if last > first:
                sheet.merge_cells(start_row=r, start_column=first + 1, end_row=r, end_column=last + 1)
    sheet.cell(row=3, column=7, value="")  # an empty string cell right of the table
    sheet.cell(row=len(STATS_TABLE) + 3, column=2, value=" ")  # a row of blanks below it
    book.create_sheet("Sheet2")  # an empty second sheet, as templates leave them
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xls_stats() -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("统计表")
    sheet.write_merge(0, 0, 0, 3, SHEET_TITLE)
    for r, row in enumerate(STATS_TABLE, start=1):
        for first, last, text in _spans(row):
            value = float(text) if _number(text) else text
            if last > first:
                sheet.write_merge(r, r, first, last, value)
            else:
                sheet.write(r, first, value)
    sheet.write(len(STATS_TABLE) + 2, 5, "")  # an empty string cell far to the right
    book.add_sheet("Sheet2")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def stats_sheet_lines() -> list[str]:
    return [SHEET_TITLE] + STATS_ROWS


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# --- DOC --------------------------------------------------------------------------------------------

def doc_002() -> bytes:
    return DOC_FIXTURE.read_bytes()


SAMPLES = {
    "000.docx": docx_000,
    "000.pdf": pdf_000,
    "002_stats.pdf": pdf_002_stats,
    "stats.xlsx": xlsx_stats,
    "stats.xls": xls_stats,
    "002.doc": doc_002,
    "scanned.pdf": scanned_pdf,
}


def write_samples(directory: Path) -> dict[str, Path]:
    """Write every sample into ``directory``; return name -> path."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, make in SAMPLES.items():
        paths[name] = directory / name
        paths[name].write_bytes(make())
    return paths
