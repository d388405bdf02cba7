"""Text from report attachments: PDF, DOCX, DOC (and WPS saved as DOC), XLS, XLSX.

``attachment_kind`` names the format (magic bytes, then extension, then MIME type);
``extract_attachment`` turns a whole file into text with the same rules as HTML reports: one paragraph or
table row a line (cells joined by `` | ``), lines stripped, empty lines dropped. It never raises; the
result says what happened in ``text_status``:

- ``"ok"`` (``"ok; truncated: …"`` when a size cap cut the text short)
- ``"no text layer"``: a PDF whose pages carry no text (a scan): OCR would be needed
- ``"empty"``: a document that parsed but holds no text
- ``"unsupported"``: a format we cannot read (unknown bytes, WPS that is not Word-compatible, no tool)
- ``"error: too large: <reason>"``: a file that would unpack to more than ``max_unpacked`` bytes (a DOCX or
  XLSX by the declared sizes of its members, before anything is read; a PDF by what its streams decompress
  to, counted while they are decoded), or whose extraction ran out of memory (the worker's address-space
  cap, ``EXTRACT_MEMORY_LIMIT`` in crawler/settings.py)
- ``"error: <reason>"``: a corrupt or unreadable file
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import zipfile
import zlib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from types import SimpleNamespace
from urllib.parse import parse_qsl, unquote, urlsplit

from pipelines import tables

ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx")
KINDS = ("pdf", "docx", "doc", "xls", "xlsx", "wps")

MAX_PDF_PAGES = 300
MAX_SHEET_ROWS = 20_000  # non-empty rows per workbook
MAX_EMPTY_RUN = 1_000  # blank rows after which a sheet is taken to end
MAX_CHARS = 2_000_000
TOOL_TIMEOUT = 120  # seconds for antiword / catdoc
MAX_UNPACKED = 100 * 2**20  # bytes one file may unpack to; the crawl passes EXTRACT_UNPACKED_MAXSIZE

HTML_HEAD = re.compile(rb"^(\xef\xbb\xbf)?\s*<(!doctype html|html|head|body|meta|title|!--)", re.I)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORD2_MAGIC = b"\xdb\xa5"  # Word 2.0, before OLE
MIME_KINDS = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-works": "wps",
    "application/kswps": "wps",
    "application/wps-office.wps": "wps",
    "application/wps-office.doc": "doc",
    "application/wps-office.docx": "docx",
    "application/wps-office.xls": "xls",
    "application/wps-office.xlsx": "xlsx",
}


class Truncated(list):
    """Lines, plus why they stop early (``note``) when a cap was reached."""

    note = ""


class TooLarge(Exception):
    """A file that would unpack, or an extraction that would grow, past its limit: that file's error."""


OUT_OF_MEMORY = "too large: the extraction ran out of memory (EXTRACT_MEMORY_LIMIT)"
MB = 2**20


# --- kind detection ---------------------------------------------------------------------------------

def attachment_kind(url: str, content_type: str = "", body_head: bytes = b"") -> str | None:
    """'pdf' | 'docx' | 'doc' | 'xls' | 'xlsx' | 'wps' | None, trusting bytes over names.

    ``body_head`` is the start of the body (a few KB will do; the whole body finds OLE streams best).
    A body that starts like HTML is None whatever its name says."""
    hint = _kind_from_name(url, content_type)
    kind = _kind_from_magic(body_head, hint) or hint
    return None if kind == "html" else kind


def _kind_from_name(url: str, content_type: str) -> str | None:
    for name in [urlsplit(url).path, *download_script_names(url)] if url else []:
        ext = os.path.splitext(unquote(name).lower())[1].lstrip(".")
        if ext in KINDS:
            return ext
    mime = content_type.split(";")[0].strip().lower()
    return MIME_KINDS.get(mime)


def download_script_names(url: str) -> list[str]:
    """File names in a download script's query (Hanweb ``downfile.jsp?filename=….pdf``, ``?file=…``)."""
    return [value for _, value in parse_qsl(urlsplit(url).query)
            if os.path.splitext(value.lower())[1].lstrip(".") in KINDS]


def _kind_from_magic(head: bytes, hint: str | None) -> str | None:
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in head:
            return "docx"
        if b"xl/" in head:
            return "xlsx"
        return hint if hint in ("docx", "xlsx") else None
    if head.startswith(OLE_MAGIC):
        if "WordDocument".encode("utf-16-le") in head:
            return "doc"
        if "Workbook".encode("utf-16-le") in head or "Book".encode("utf-16-le") in head:
            return "xls"
        return hint if hint in ("doc", "xls", "wps") else "doc"
    if HTML_HEAD.match(head[:512]):
        return "html"  # an error page or an HTML file saved as .doc: not an attachment we can read
    return None


# --- text helpers -----------------------------------------------------------------------------------

WORD_ARTEFACT = re.compile(r"\[(?:bookmark|pic|picture|image)(?::[^\]]*)?\]|\x07|\x0c|\u00ad")


def clean_lines(lines) -> list[str]:
    """Strip every line, drop Word artefacts and empty lines."""
    out = []
    for line in lines:
        for part in str(line).splitlines():
            part = WORD_ARTEFACT.sub("", part).strip()
            if part:
                out.append(part)
    return out


def table_row(cells) -> str:
    """A row of values (numbers and dates of a spreadsheet included) in the archive's table form."""
    return tables.table_row(_cell_text(c) for c in cells)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
        return text.removesuffix(" 00:00:00")
    return str(value)


@lru_cache(maxsize=None)
def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


# --- unpack limits: a small file that expands to gigabytes fails alone ----------------------------------

def check_members(body: bytes, max_unpacked: int) -> None:
    """Refuse a DOCX or XLSX whose members are declared to unpack to more than ``max_unpacked`` bytes,
    before any is read. zipfile never produces more than a member's declared size (a member that lies
    fails its CRC check), so the declared sizes bound what python-docx and openpyxl can unpack."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        unpacked = sum(member.file_size for member in archive.infolist())
    if unpacked > max_unpacked:
        raise TooLarge(f"too large: its members unpack to {unpacked / MB:.0f} MB, more than {max_unpacked / MB:g} MB")


class _UnpackBudget:
    """Bytes a document's streams may still decompress to; counted as they come out, a chunk at a time."""

    CHUNK = 2**20

    def __init__(self, limit: int):
        self.limit = limit
        self.left = limit

    def take(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise TooLarge(f"too large: its streams unpack to more than {self.limit / MB:g} MB")

    def decompress(self, data: bytes) -> bytes:
        """``zlib.decompress(data)`` within the budget (same result, same zlib.error on a truncated stream)."""
        stream, chunks = zlib.decompressobj(), []
        while not stream.eof:
            chunk = stream.decompress(data, self.CHUNK)
            if not chunk and not stream.unconsumed_tail:
                break  # all input read, nothing more to come, no end of stream: truncated
            self.take(len(chunk))
            chunks.append(chunk)
            data = stream.unconsumed_tail
        if not stream.eof:
            raise zlib.error("Error -5 while decompressing data: incomplete or truncated stream")
        return b"".join(chunks)

    def decompressobj(self) -> _BudgetedDecompressor:
        return _BudgetedDecompressor(self)

    def lzwdecode(self, data: bytes) -> bytes:
        from pdfminer.lzw import LZWDecoder

        chunks = []
        for chunk in LZWDecoder(io.BytesIO(data)).run():
            self.take(len(chunk))
            chunks.append(chunk)
        return b"".join(chunks)


class _BudgetedDecompressor:
    """A ``zlib.decompressobj()`` that counts its output (pdfminer feeds a corrupted stream a byte at a time)."""

    def __init__(self, budget: _UnpackBudget):
        self.budget = budget
        self.stream = zlib.decompressobj()

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        chunk = self.stream.decompress(data, max_length)
        self.budget.take(len(chunk))
        return chunk


@contextmanager
def pdf_unpack_limit(max_unpacked: int):
    """Bound what pdfminer decompresses for one document, all streams together.

    pdfminer decodes a stream whole (``zlib.decompress``, ``lzwdecode`` in ``pdfminer.pdftypes``) and keeps
    it for the document's life, so a 1 MB stream of zeros becomes 1 GB before anything could look at it.
    While the document is read those two names point at versions that count their output and raise
    :class:`TooLarge` past ``max_unpacked``. Only the streams pdfminer really decodes count (page contents,
    fonts, object streams; not the images of a scan, which it never decodes), so no pre-scan could be as
    exact. Tests with a Flate and an LZW bomb check that these names still exist.
    """
    from pdfminer import pdftypes

    budget = _UnpackBudget(max_unpacked)
    counted_zlib = SimpleNamespace(decompress=budget.decompress, decompressobj=budget.decompressobj, error=zlib.error)
    saved = pdftypes.zlib, pdftypes.lzwdecode
    pdftypes.zlib, pdftypes.lzwdecode = counted_zlib, budget.lzwdecode
    try:
        yield
    finally:
        pdftypes.zlib, pdftypes.lzwdecode = saved


# --- PDF --------------------------------------------------------------------------------------------

HEADING = re.compile(
    r"^(第[一二三四五六七八九十百零〇]+[章节条部分]|[一二三四五六七八九十]+[、.．]|"
    r"[（(]([一二三四五六七八九十]+|\d{1,2})[)）]|\d{1,2}[、．]|\d{1,2}\.(?!\d)|[①-⑳])")
PAGE_NUMBER = re.compile(r"^([-—－–\s]*\d+[-—－–\s]*|第\s*\d+\s*页.*|\d+\s*/\s*\d+|page\s*\d+.*)$", re.I)
CJK_WRAP = re.compile(r"(?<=[^\x00-\x7f])\n(?=[^\x00-\x7f])")
CID_TOKEN = re.compile(r"\(cid:\d+\)")  # glyphs without a Unicode mapping: no usable text
SENTENCE_END = tuple("。；：！？;:!?") + ("。”", "！”", "？”")


@dataclass
class PdfTable:
    """A ruled table pdfplumber found on a page, as plain data (its own objects hold every character)."""

    top: float
    texts: list[list[str | None]]
    """each row's cell texts (``table.extract()``); None where a merged cell covers the place"""
    row_boxes: list[list[tuple | None]]
    """each row's cell boxes, likewise"""
    boxes: list[tuple]
    """every cell's box ``(x0, top, x1, bottom)``"""


@dataclass
class PdfPage:
    number: int
    lines: list[dict]
    """the text lines outside the tables (:func:`pdf_text_lines`)"""
    tables: list[PdfTable]


_READ_ONCE: ContextVar[dict | None] = ContextVar("files_read_once", default=None)


@contextmanager
def files_read_once():
    """Within the block, :func:`read_pdf` and :func:`read_docx` read each file (bytes object) once: an
    attachment's text and its statistics tables come from one reading, the costliest step of either."""
    token = _READ_ONCE.set({})
    try:
        yield
    finally:
        _READ_ONCE.reset(token)


def _read_once(kind: str, body: bytes, read):
    """``read()`` of the file ``body``, shared by the callers within :func:`files_read_once`."""
    cache = _READ_ONCE.get()
    if cache is None:
        return read()
    if (kind, id(body)) not in cache:
        cache[kind, id(body)] = (body, read())  # the body held: its id is not reused meanwhile
    return cache[kind, id(body)][1]


def read_pdf(body: bytes, max_unpacked: int) -> tuple[list[PdfPage], int]:
    """The first MAX_PDF_PAGES pages of a PDF, and how many it has. Read within ``max_unpacked``
    (:func:`pdf_unpack_limit`), once within :func:`files_read_once`."""
    return _read_once("pdf", body, lambda: _read_pdf(body, max_unpacked))


def read_docx(body: bytes):
    """A DOCX as python-docx reads it (its ``Document``, read only by its callers), once within
    :func:`files_read_once`."""
    import docx

    return _read_once("docx", body, lambda: docx.Document(io.BytesIO(body)))


def _read_pdf(body: bytes, max_unpacked: int) -> tuple[list[PdfPage], int]:
    import pdfplumber

    pages = []
    with pdf_unpack_limit(max_unpacked), pdfplumber.open(io.BytesIO(body)) as pdf:
        for number, page in enumerate(pdf.pages[:MAX_PDF_PAGES]):
            tables = page.find_tables()
            pages.append(PdfPage(number, pdf_text_lines(page, number, tables), [
                PdfTable(t.bbox[1], t.extract(), [row.cells for row in t.rows], t.cells) for t in tables]))
            page.close()
        return pages, len(pdf.pages)


def _pdf(body: bytes, max_unpacked: int) -> tuple[list[str], int, str]:
    pages, count = read_pdf(body, max_unpacked)
    items = [item for page in pages for item in _pdf_page_items(page)]
    result = Truncated(CID_TOKEN.sub("", line) for line in _join_pdf_lines(items))
    result.note = f"first {MAX_PDF_PAGES} of {count} pages" if count > MAX_PDF_PAGES else ""
    return result, count, f"pdfplumber {_version('pdfplumber')}"


def _pdf_page_items(page: PdfPage) -> list[dict]:
    """Text lines outside tables and table rows of one page, top to bottom."""
    items = list(page.lines)
    for table in page.tables:
        # None marks a place covered by a merged cell: left out, as HTML rowspan/colspan cells are
        rows = [table_row(_pdf_cell(cell) for cell in row if cell is not None) for row in table.texts]
        items.append({"kind": "table", "top": table.top, "rows": [r for r in rows if r], "page": page.number})
    items.sort(key=lambda item: item["top"])
    return items


def pdf_text_lines(page, number: int, tables) -> list[dict]:
    """The text lines of one page outside ``tables`` (``page.find_tables()``), page numbers left out."""
    boxes = [t.bbox for t in tables]

    def outside(obj):
        if obj.get("object_type") != "char":
            return True
        mid_x, mid_y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= mid_x <= x1 and top <= mid_y <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside) if boxes else page
    items = [_pdf_line(line, number) for line in text_page.extract_text_lines(strip=True) if line["text"].strip()]
    _drop_page_numbers(items)
    return items


def _pdf_line(line: dict, number: int) -> dict:
    """What the line joiner needs of a text line. Its characters (a dict of ~1 KB each) are dropped here:
    kept until the document's end they took 2 GB for 300 dense pages."""
    return {"kind": "line", "page": number, "text": line["text"], "lead": _first_word_width(line["chars"]),
            **{key: line[key] for key in ("x0", "x1", "top", "bottom")}}


def _pdf_cell(text: str) -> str:
    """A table cell's lines joined: no space where a Chinese line was wrapped, one between Latin words."""
    return CJK_WRAP.sub("", text)


def _drop_page_numbers(items: list[dict]) -> None:
    for index in (-1, 0):
        if items and PAGE_NUMBER.match(items[index]["text"].strip()):
            items.pop(index)


def _join_pdf_lines(items: list[dict]) -> list[str]:
    """Re-join lines that the PDF broke inside a paragraph.

    Line i+1 continues line i unless: the first word of i+1 would have fitted at the end of i (i ended
    early), i is centred or right-aligned, i+1 is indented, i+1 starts a heading (一、 （一） 1. …), extra
    space separates them, or, in documents that mark paragraphs neither by indent nor by spacing, i ends a
    sentence (。；：！？).
    """
    lines = [item for item in items if item["kind"] == "line"]
    if not lines:
        return [row for item in items for row in item["rows"]]
    size = statistics.median(line["bottom"] - line["top"] for line in lines) or 10
    layout = _pdf_layout(lines, size)
    out, previous = [], None
    for item in items:
        if item["kind"] == "table":
            out.extend(item["rows"])
            previous = None
            continue
        text = item["text"].strip()
        if previous is not None and _continues(previous, item, layout):
            out[-1] += text
        else:
            out.append(text)
        previous = item
    return out


def _pdf_layout(lines: list[dict], size: float) -> dict:
    """Margins, usual line gap, and how this document marks paragraphs (indent, spacing)."""
    gaps = [b["top"] - a["bottom"] for a, b in zip(lines, lines[1:]) if a["page"] == b["page"]]
    layout = {"size": size, "left": _margin([line["x0"] for line in lines], size, lowest=True),
              "right": _margin([line["x1"] for line in lines if line["text"][-1] not in HANGING]
                               or [line["x1"] for line in lines], size, lowest=False),
              "gap": statistics.median(gaps) if gaps else size, "indent": False, "spacing": False}
    # Clear paragraph ends (the last line of a paragraph of several lines stops early) show how the
    # next paragraph is set apart; headings (often styled apart) are left out.
    ends = [(a, b) for z, a, b in zip(lines, lines[1:], lines[2:])
            if z["page"] == a["page"] == b["page"] and not _ends_early(z, a, layout)
            and not _indented(a, layout) and _ends_early(a, b, layout)]
    if len(ends) >= 2:
        layout["indent"] = sum(_indented(b, layout) for a, b in ends) >= 0.5 * len(ends)
        layout["spacing"] = sum(_spaced(a, b, layout) for a, b in ends) >= 0.5 * len(ends)
    return layout


def _ends_early(prev: dict, line: dict, layout: dict) -> bool:
    lead = layout["size"] if line["lead"] is None else line["lead"]
    return layout["right"] - prev["x1"] > lead + 0.5 * layout["size"]


def _indented(line: dict, layout: dict) -> bool:
    return line["x0"] > layout["left"] + 0.8 * layout["size"]


def _spaced(prev: dict, line: dict, layout: dict) -> bool:
    return prev["page"] == line["page"] and line["top"] - prev["bottom"] > layout["gap"] + 0.4 * layout["size"]


def _continues(prev: dict, line: dict, layout: dict) -> bool:
    if _ends_early(prev, line, layout) or _indented(line, layout) or _spaced(prev, line, layout):
        return False  # a paragraph end, an indented new paragraph, or space between paragraphs
    if prev["x0"] > layout["left"] + 4.5 * layout["size"] or HEADING.match(line["text"].strip()):
        return False  # a centred or right-aligned line, or a heading
    if layout["indent"] or layout["spacing"]:
        return True
    return not prev["text"].rstrip().endswith(SENTENCE_END)


def _margin(edges: list[float], size: float, lowest: bool) -> float:
    """The outermost edge that several lines reach (one stray line does not move the margin)."""
    ordered = sorted(edges, reverse=not lowest)
    need = min(3, len(ordered))
    for edge in ordered:
        if sum(abs(e - edge) <= size / 4 for e in ordered) >= need:
            return edge
    return ordered[0]


NO_LINE_START = "，。、；：？！）」』”’》,.;:?!)%"
HANGING = NO_LINE_START + "“‘（《「『"  # typesetters let these stick out past the right margin
LEADING_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,%/_-]*")


def _first_word_width(line_chars: list[dict]) -> float | None:
    """Width of what a line breaker would have had to fit: a Latin word or number, or one character
    with the punctuation that may not start a line (None for a line without visible characters)."""
    chars = [c for c in line_chars if c["text"].strip()]
    if not chars:
        return None
    text = "".join(c["text"] for c in chars)
    match = LEADING_WORD.match(text)
    count = match.end() if match else 1
    while count < len(text) and text[count] in NO_LINE_START:
        count += 1
    end = 0
    for char in chars:  # one char may hold several letters (a ligature: "fi")
        end += len(char["text"])
        if end >= count:
            return char["x1"] - chars[0]["x0"]


# --- DOCX -------------------------------------------------------------------------------------------

def _docx(body: bytes, max_unpacked: int) -> tuple[list[str], int | None, str]:
    from docx.oxml.ns import qn

    check_members(body, max_unpacked)
    document = read_docx(body)
    lines, chars = Truncated(), 0
    for block in _docx_blocks(document.element.body, qn):
        lines.extend(block)
        chars += sum(map(len, block))
        if chars > MAX_CHARS:
            lines.note = f"first {MAX_CHARS} characters"
            break
    return lines, None, f"python-docx {_version('python-docx')}"


def _docx_blocks(parent, qn):
    """Paragraphs and tables in document order, also inside content controls (w:sdt)."""
    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            yield [_docx_paragraph_text(child, qn)]
        elif child.tag == qn("w:tbl"):
            yield _docx_table_rows(child, qn)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _docx_blocks(content, qn)


def _docx_paragraph_text(p, qn) -> str:
    return "".join(_docx_runs_text(p, qn))


def _docx_runs_text(element, qn):
    """Text of w:t, w:tab (a space), w:br (a new line) below element; skips deleted text and the
    Fallback copy of text boxes."""
    for child in element.iterchildren():
        tag = child.tag
        if tag == qn("w:t"):
            yield child.text or ""
        elif tag == qn("w:tab"):
            yield " "
        elif tag in (qn("w:br"), qn("w:cr")):
            yield "\n"
        elif isinstance(tag, str) and not tag.endswith(("}Fallback", "}delText", "}instrText")):
            yield from _docx_runs_text(child, qn)


def _docx_table_rows(tbl, qn) -> list[str]:
    rows = []
    for tr in tbl.iterchildren(qn("w:tr")):
        cells = []
        for tc in tr.iterchildren(qn("w:tc")):
            v_merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
            if v_merge is not None and v_merge.get(qn("w:val"), "continue") == "continue":
                continue  # covered by the merged cell above: left out, as an HTML rowspan cell is
            cells.append(" ".join(_docx_paragraph_text(p, qn) for p in tc.iter(qn("w:p"))))
        row = table_row(cells)
        if row:
            rows.append(row)
    return rows


# --- DOC / WPS --------------------------------------------------------------------------------------

def _doc(body: bytes, max_unpacked: int = 0) -> tuple[list[str], int | None, str]:
    if not body.startswith((OLE_MAGIC, WORD2_MAGIC)):  # RTF or HTML saved as .doc: catdoc would echo it
        raise Unsupported("not a Word binary file")
    errors = []
    with tempfile.NamedTemporaryFile(suffix=".doc") as handle:
        handle.write(body)
        handle.flush()
        for tool, command, parse in (
            ("antiword", ["antiword", "-m", "UTF-8.txt", "-w", "0", handle.name], _antiword_lines),
            ("catdoc", ["catdoc", "-d", "utf-8", "-w", handle.name], _catdoc_lines),
        ):
            if not shutil.which(tool):
                errors.append(f"{tool} not installed")
                continue
            result = subprocess.run(command, capture_output=True, timeout=TOOL_TIMEOUT)
            if result.returncode == 0:
                return parse(result.stdout.decode("utf-8", "replace")), None, f"{tool} {_tool_version(tool)}"
            message = result.stderr.decode("utf-8", "replace").replace(handle.name, "file").strip()
            errors.append(f"{tool}: {message[:80]}")
    raise ToolError("; ".join(errors))


class ToolError(RuntimeError):
    """No external tool could read the file."""


def _antiword_lines(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if len(stripped) > 1 and stripped.startswith("|") and stripped.endswith("|"):
            lines.append(table_row(stripped[1:-1].split("|")))
        else:
            lines.append(line)
    return lines


def _catdoc_lines(text: str) -> list[str]:
    return [table_row(line.split("\t")) if "\t" in line.strip() else line for line in text.splitlines()]


@lru_cache(maxsize=None)
def _tool_version(tool: str) -> str:
    try:
        result = subprocess.run([tool, "-V"] if tool == "catdoc" else [tool], capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return "?"
    match = re.search(rb"(?:Version:?\s*|catdoc version\s*)([\d.]+)", result.stdout + result.stderr, re.I)
    return match.group(1).decode() if match else "?"


def _wps(body: bytes, max_unpacked: int = 0) -> tuple[list[str], int | None, str]:
    try:
        return _doc(body)
    except ToolError as exc:
        raise Unsupported(f"WPS file not readable as DOC ({exc})") from exc


class Unsupported(Exception):
    """A format we recognise but cannot read."""


# --- spreadsheets -----------------------------------------------------------------------------------

def _xlsx(body: bytes, max_unpacked: int) -> tuple[list[str], int | None, str]:
    import openpyxl

    check_members(body, max_unpacked)
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    try:
        rows = _sheet_rows(sheet.iter_rows(values_only=True) for sheet in book.worksheets)
    finally:
        book.close()
    return rows, None, f"openpyxl {_version('openpyxl')}"


def _xls(body: bytes, max_unpacked: int = 0) -> tuple[list[str], int | None, str]:
    import xlrd

    book = xlrd.open_workbook(file_contents=body, on_demand=True, logfile=io.StringIO())
    try:
        sheets = (_xls_sheet(book, book.sheet_by_index(i)) for i in range(book.nsheets))
        rows = _sheet_rows(sheets)
    finally:
        book.release_resources()
    return rows, None, f"xlrd {_version('xlrd')}"


def _xls_sheet(book, sheet):
    import xlrd

    for r in range(sheet.nrows):
        values = []
        for cell in sheet.row(r):
            if cell.ctype == xlrd.XL_CELL_DATE:
                values.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                values.append(bool(cell.value))
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                values.append("")
            else:
                values.append(cell.value)
        yield values


def _sheet_rows(sheets) -> Truncated:
    """One line a non-empty row; a sheet ends after MAX_EMPTY_RUN empty rows (formatted but blank)."""
    out = Truncated()
    for rows in sheets:
        empty_run = 0
        for row in rows:
            line = table_row(row)
            if not line.strip(" |"):
                empty_run += 1
                if empty_run > MAX_EMPTY_RUN:
                    break
                continue
            empty_run = 0
            if len(out) >= MAX_SHEET_ROWS:
                out.note = f"first {MAX_SHEET_ROWS} rows"
                return out
            out.append(line)
    return out


# --- dispatch ---------------------------------------------------------------------------------------

# extractor(body, max_unpacked): DOC, WPS and XLS hold nothing compressed, so max_unpacked does not apply to them.
EXTRACTORS = {"pdf": _pdf, "docx": _docx, "doc": _doc, "wps": _wps, "xls": _xls, "xlsx": _xlsx}


def extract_attachment(body: bytes, url: str = "", content_type: str = "", max_unpacked: int = MAX_UNPACKED) -> dict:
    """Text of one attachment: {kind, text, chars, text_status, pages, extractor}. Never raises.

    ``max_unpacked``: bytes the file may unpack to (zip members, PDF streams); past it, ``error: too large``."""
    kind = attachment_kind(url, content_type, body)
    result = {"kind": kind, "text": "", "chars": 0, "text_status": "unsupported", "pages": None,
              "extractor": None}
    if kind not in EXTRACTORS:
        return result
    if not body:
        result["text_status"] = "error: empty file"
        return result
    try:
        lines, pages, extractor = EXTRACTORS[kind](body, max_unpacked)
    except Unsupported:
        return result  # text_status stays "unsupported"
    except Exception as exc:  # noqa: BLE001 - a corrupt file must never stop the crawl
        result["text_status"] = _error_status(exc)
        return result
    text = "\n".join(clean_lines(lines))[:MAX_CHARS]
    note = getattr(lines, "note", "")
    result.update(text=text, chars=len(text), pages=pages, extractor=extractor)
    if not text:
        result["text_status"] = "no text layer" if kind == "pdf" and pages else "empty"
    else:
        result["text_status"] = f"ok; truncated: {note}" if note else "ok"
    return result


def _error_status(exc: Exception) -> str:
    exc = as_too_large(exc) or exc
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, zipfile.BadZipFile):
        reason = f"not a valid zip ({reason})"
    name = type(exc).__name__
    if isinstance(exc, (ToolError, TooLarge)):
        return f"error: {reason}"[:200]
    return f"error: {name}: {reason}"[:200] if reason else f"error: {name}"


def as_too_large(exc: BaseException | None) -> TooLarge | None:
    """``exc`` as the file's (or page's) TooLarge error: one a size check raised, or running out of memory
    (past the worker's address-space cap), also when a library wrapped it (pdfplumber raises
    ``PdfminerException(e)`` for whatever pdfminer raised). None for any other error."""
    while exc is not None:
        if isinstance(exc, TooLarge):
            return exc
        if _out_of_memory(exc):
            return TooLarge(OUT_OF_MEMORY)
        exc = exc.__cause__ or exc.__context__
    return None


def _out_of_memory(exc: BaseException) -> bool:
    """A MemoryError, or libxml2's own (lxml raises it as ``XMLSyntaxError('unknown error')``, ERR_NO_MEMORY)."""
    from lxml import etree

    return isinstance(exc, MemoryError) or (isinstance(exc, etree.XMLSyntaxError)
                                            and exc.code == etree.ErrorTypes.ERR_NO_MEMORY)


# A report page with less text than this is a stub (a title and 附件 links): its attachments hold the report.
STUB_MAX_CHARS = 200


def with_attachment_text(extracted: dict, attachments: list[dict], link_text: str = "") -> dict:
    """A stub report page (or a report published as a file) given the text of its ``attachments``.

    ``extracted`` is the page's ``extract_page`` dict (changed in place, and returned). Several attachments
    with text are joined in link order. When none has text, the page's ``text_status`` says why (e.g. ``no
    text layer`` for a scanned PDF) instead of leaving an unexplained short text. A stub with no title of its
    own takes ``link_text``, the text of the link that led to it.
    """
    if extracted.get("chars", 0) >= STUB_MAX_CHARS or not attachments:
        return extracted
    with_text = [a for a in attachments if a.get("text")]
    if not with_text:
        statuses = sorted({a.get("text_status") or f"error: {a.get('error')}" for a in attachments})
        extracted["text_status"] = "; ".join(statuses)
        return extracted
    text = "\n".join(a["text"] for a in with_text)
    extracted.update(
        text=text, chars=len(text), text_sha1=hashlib.sha1(text.encode("utf-8")).hexdigest(),
        text_status=f"from attachment: {', '.join(a.get('filename') or a['url'] for a in with_text)}",
        extractor=f"{extracted.get('extractor')}; {with_text[0].get('extractor')}",
    )
    extracted["title"] = extracted.get("title") or link_text or None
    return extracted
