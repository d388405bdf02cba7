"""A report's sources as rows of cells, in document order, for the table readers.

Every source becomes the same thing: a list of rows, each row the texts of its cells left to right as
printed (white space collapsed). A cell spanning several columns appears once in its row; a cell spanning
several rows appears in every row it covers, so a row of 表三 carries its section and group labels
(``三、本年度办理结果 | （三）不予公开 | 1.属于国家秘密 | 0 …``) wherever the source merged them.

- HTML pages: the innermost ``<table>`` elements (layout tables hold other tables), ``rowspan`` and
  ``colspan`` expanded.
- DOCX: every innermost ``w:tbl``, ``w:gridSpan`` and ``w:vMerge`` expanded.
- XLSX / XLS: every sheet is one table; merged ranges expanded.
- PDF: ruled tables as pdfplumber finds them, merged cells expanded from the cells' boxes; the text lines
  outside them split at white space, so a table typeset without rules still yields its rows of numbers.
- Clean text (the fallback): one row a line, cells split at ``|``, lines without ``|`` at white space.
  It has lost the cells a rowspan covered and trailing empty cells: the readers cope, but grids from the
  source bytes are better.

DOC and WPS files have no grid reader here: their tables reach the parser through the clean text.
"""

from __future__ import annotations

import copy
import io
import re

from pipelines.attachments import (
    MAX_SHEET_ROWS,
    _cell_text,
    _docx_paragraph_text,
    _pdf_cell,
    _xls_sheet,
    MAX_UNPACKED,
    attachment_kind,
    PdfTable,
    check_members,
    pdf_unpack_limit,
    read_docx,
    read_pdf,
)
from pipelines.clean import _ROWS, parse_html
from pipelines.clean import _cell_text as html_cell_text
from pipelines.decode import decode_html

from .cells import collapse

Rows = list[list[str]]


class LooseRow(list):
    """Cells split at white space (a PDF text line, a clean-text line without ``|``): a blank cell left no
    trace, so values are placed only when there are as many as the table has columns (``template.fit``)."""


def portable_rows(rows: Rows) -> list:
    """Rows as lists and tuples (a LooseRow as a tuple), to pass through the crawl process, which must not
    import this package to unpickle them: :func:`rows_from_portable` makes them rows again."""
    return [tuple(row) if isinstance(row, LooseRow) else list(row) for row in rows]


def rows_from_portable(rows: list) -> Rows:
    return [LooseRow(row) if isinstance(row, tuple) else row for row in rows]


# A placed cell: (first row, first column, rows spanned, columns spanned, text)
Placed = tuple[int, int, int, int, str]
MAX_SPAN = 200  # rowspan="1000" on the last row, colspan="0": clamp what a sloppy editor wrote
EDGE_TOLERANCE = 2.0  # PDF points within which two cell edges are the same rule
MAX_SHEET_COLUMNS = 64  # the widest template table has 18 columns; formatting can reach column XFD
XLSX_FULL_LOAD = 2_000_000  # bytes of .xlsx up to which the workbook is loaded whole (merged cells known)


def rows_of(cells: list[Placed]) -> Rows:
    """Rows of distinct cells from placed cells: each slot filled by the cell that covers it first, a
    cell repeated in each row it spans and once in its row however many columns it spans."""
    slots: dict[tuple[int, int], int] = {}
    for index, (row, col, rowspan, colspan, _) in enumerate(cells):
        for r in range(row, row + rowspan):
            for c in range(col, col + colspan):
                slots.setdefault((r, c), index)
    if not slots:
        return []
    height = max(r for r, _ in slots) + 1
    width = max(c for _, c in slots) + 1
    out = []
    for r in range(height):
        owners = [slots.get((r, c)) for c in range(width)]
        row = [cells[owner][4] for c, owner in enumerate(owners)
               if owner is not None and (c == 0 or owners[c - 1] != owner)]
        out.append(row)
    return out


# --- HTML -------------------------------------------------------------------------------------------

def html_rows(body: bytes, content_type: str = "") -> Rows:
    html, _ = decode_html(body, content_type)
    root = parse_html(html)
    return tables_rows(innermost_tables(root)) if root is not None else []


def innermost_tables(root) -> list:
    """The ``<table>`` elements of a parsed page that hold no other table (layout tables hold the others)."""
    return root.xpath("//table[not(.//table)]")


def page_tables(root) -> list:
    """Copies of a parsed page's innermost tables, for ``tables_rows`` once the page's text is extracted: the
    extraction cleans the tree in place (pipelines/clean.py), and the page is parsed once."""
    return [copy.deepcopy(table) for table in innermost_tables(root)]


def tables_rows(tables) -> Rows:
    rows: Rows = []
    for table in tables:
        rows.extend(rows_of(_html_cells(table)))
    return rows


def _html_cells(table) -> list[Placed]:
    placed, taken = [], set()
    for r, tr in enumerate(table.xpath(_ROWS)):
        c = 0
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            rowspan, colspan = _span(td.get("rowspan")), _span(td.get("colspan"))
            taken.update((r + dr, c + dc) for dr in range(rowspan) for dc in range(colspan))
            placed.append((r, c, rowspan, colspan, html_cell_text(td)))
            c += colspan
    return placed


def _span(value: str | None) -> int:
    digits = re.match(r"\s*(\d+)", value or "")
    return min(max(int(digits.group(1)), 1), MAX_SPAN) if digits else 1


# --- DOCX -------------------------------------------------------------------------------------------

def docx_rows(body: bytes) -> Rows:
    from docx.oxml.ns import qn

    document = read_docx(body)
    rows: Rows = []
    for tbl in document.element.body.iter(qn("w:tbl")):
        if next(tbl.iterdescendants(qn("w:tbl")), None) is None:
            rows.extend(rows_of(_docx_cells(tbl, qn)))
    return rows


def _docx_cells(tbl, qn) -> list[list]:
    """Placed cells of one Word table: ``w:gridSpan`` widens a cell, ``w:vMerge`` (not "restart")
    continues the cell above, ``w:gridBefore`` skips leading grid columns."""
    placed: list[list] = []
    above: dict[int, list] = {}  # grid column -> the cell that covers it in the previous row
    for r, tr in enumerate(tbl.iterchildren(qn("w:tr"))):
        before = tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}")
        c = int(before.get(qn("w:val"), "0")) if before is not None else 0
        current: dict[int, list] = {}
        for tc in tr.iterchildren(qn("w:tc")):
            span_el = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
            span = _span(span_el.get(qn("w:val")) if span_el is not None else None)
            merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            cell = above.get(c) if merge is not None and merge.get(qn("w:val"), "continue") != "restart" else None
            if cell is not None:
                cell[2] += 1
            else:
                text = " ".join(_docx_paragraph_text(p, qn) for p in tc.iter(qn("w:p")))
                cell = [r, c, 1, span, collapse(text)]
                placed.append(cell)
            current.update((col, cell) for col in range(c, c + span))
            c += span
        above = current
    return [tuple(cell) for cell in placed]


# --- spreadsheets -----------------------------------------------------------------------------------

def xlsx_rows(body: bytes) -> Rows:
    import openpyxl

    # Only a full load knows merged cells; a big workbook (a list of projects, not a report's tables) is
    # read in read-only mode, without them.
    book = openpyxl.load_workbook(io.BytesIO(body), data_only=True, read_only=len(body) > XLSX_FULL_LOAD)
    rows: Rows = []
    for sheet in book.worksheets:
        ranges = getattr(sheet, "merged_cells", None)
        merged = [(m.min_row - 1, m.max_row, m.min_col - 1, m.max_col) for m in ranges.ranges] if ranges else []
        values = sheet.iter_rows(max_row=min(sheet.max_row or MAX_SHEET_ROWS, MAX_SHEET_ROWS),
                                 max_col=min(sheet.max_column or MAX_SHEET_COLUMNS, MAX_SHEET_COLUMNS),
                                 values_only=True)
        rows.extend(_sheet_rows(values, merged))
    book.close()
    return rows


def xls_rows(body: bytes) -> Rows:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=body, formatting_info=True, logfile=io.StringIO())
    except NotImplementedError:  # formatting of this BIFF version unsupported: read without merged cells
        book = xlrd.open_workbook(file_contents=body, logfile=io.StringIO())
    rows: Rows = []
    for sheet in book.sheets():
        values = (row[:MAX_SHEET_COLUMNS] for _, row in zip(range(MAX_SHEET_ROWS), _xls_sheet(book, sheet)))
        rows.extend(_sheet_rows(values, sheet.merged_cells))
    return rows


def _sheet_rows(values, merged: list[tuple[int, int, int, int]]) -> Rows:
    """Rows of one sheet; ``merged`` ranges are (first row, row after, first column, column after),
    0-based. Rows with no text at all are left out."""
    starts = {(r0, c0): (r1 - r0, c1 - c0) for r0, r1, c0, c1 in merged}
    covered = {(r, c) for r0, r1, c0, c1 in merged for r in range(r0, r1) for c in range(c0, c1)}
    placed = []
    for r, row in enumerate(values):
        for c, value in enumerate(row):
            if (r, c) in starts:
                placed.append((r, c, *starts[(r, c)], collapse(_cell_text(value))))
            elif (r, c) not in covered:
                placed.append((r, c, 1, 1, collapse(_cell_text(value))))
    return [row for row in rows_of(placed) if any(row)]


# --- PDF --------------------------------------------------------------------------------------------

def pdf_rows(body: bytes) -> Rows:
    pages, _ = read_pdf(body, MAX_UNPACKED)
    rows: Rows = []
    for page in pages:
        items = [(table.top, rows_of(_pdf_cells(table))) for table in page.tables]
        items += [(line["top"], [LooseRow(line["text"].split())]) for line in page.lines]
        for _, item_rows in sorted(items, key=lambda item: item[0]):
            rows.extend(item_rows)
    return rows


def _pdf_cells(table: PdfTable) -> list[Placed]:
    """Placed cells of a ruled table, from the boxes pdfplumber found (a merged cell is one big box)."""
    texts = {}
    for boxes, extracted in zip(table.row_boxes, table.texts):
        for box, text in zip(boxes, extracted):
            if box is not None:
                texts[box] = text
    xs = _edges([x for box in table.boxes for x in (box[0], box[2])])
    ys = _edges([y for box in table.boxes for y in (box[1], box[3])])
    placed = []
    for box in table.boxes:
        x0, top, x1, bottom = box
        r0, r1, c0, c1 = _index(ys, top), _index(ys, bottom), _index(xs, x0), _index(xs, x1)
        placed.append((r0, c0, max(r1 - r0, 1), max(c1 - c0, 1), collapse(_pdf_cell(texts.get(box) or ""))))
    return placed


def _edges(values: list[float]) -> list[float]:
    """Distinct rule positions: values within EDGE_TOLERANCE of the previous one are the same rule."""
    edges: list[float] = []
    for value in sorted(values):
        if not edges or value - edges[-1] > EDGE_TOLERANCE:
            edges.append(value)
    return edges


def _index(edges: list[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


# --- clean text -------------------------------------------------------------------------------------

_BAR = re.compile(r"\s*\|\s*")


def text_rows(text: str) -> Rows:
    """Rows of a clean text: cells split at ``|``; a line without ``|`` at white space. A ``|`` ending a
    line closes its last cell (``a | b |``, as some pages and trafilatura write rows): not one more cell."""
    return [_BAR.split(line.strip().removesuffix("|").rstrip()) if "|" in line else LooseRow(line.split())
            for line in text.splitlines() if line.strip()]


# --- dispatch ---------------------------------------------------------------------------------------

READERS = {"pdf": pdf_rows, "docx": docx_rows, "xlsx": xlsx_rows, "xls": xls_rows}


def attachment_rows(body: bytes, url: str = "", content_type: str = "") -> Rows:
    """Rows of an attachment, by its kind (``attachment_kind``); [] for kinds without a grid reader. Read
    within the limits text extraction keeps (pipelines/attachments.py): a bomb raises TooLarge."""
    kind = attachment_kind(url, content_type, body)
    reader = READERS.get(kind)
    if reader is None:
        return []
    if kind in ("docx", "xlsx"):
        check_members(body, MAX_UNPACKED)
    with pdf_unpack_limit(MAX_UNPACKED):
        return reader(body)
