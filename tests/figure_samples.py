"""Sample reports in the standard format, made at test time, with the figures written into them.

A ``Sample`` holds the three tables of one report as the template lays them out (cells with colspan and
rowspan) and knows the figures a reader must get back (``expected``). Renderers turn it into the files
real portals serve: ``html_page`` (rowspan/colspan, labels split by ``<br>``, optionally GBK),
``docx_bytes`` (w:gridSpan, w:vMerge, labels split over paragraphs), ``pdf_bytes`` (reportlab, ruled
tables with spanned cells; ``ruled=False`` typesets the same tables without rules), ``xls_bytes``
(xlwt, merged ranges, numbers as numbers) and ``xlsx_bytes`` (openpyxl, likewise).

``sample_2021()`` and ``sample_2019()`` bend the form the way real reports do: split labels (``三、本
年度办理结果``, ``商业 企业``, ``结果 维持``), blank cells, ``/``, ``—`` and ``-``, units in cells
(``75394432.52元``), a unit in a header note (``（单位：万元）``), explanatory notes in 2019 headers
(``上一年项目数量（指2018年事项数）``) and labels, negative changes (``本年增/减`` -8), 、 and ， after item
numbers, quote styles around 三安全一稳定, and a subtotal row; ``blank_zeros`` and ``flat_text`` print
zeros as blanks and rows as ``a | | b |`` lines with empty cells under rowspans. The shapes follow
published reports found with the search tool (stored web pages; no text copied, the labels are the
State Council forms' own words, our own numbers):

- 武汉市生态环境局2020年政府信息公开工作年度报告 (2019 form: notes in headers and labels, ``-`` cells,
  negative 本年增/减, a row added to 表二), a mirror at newton.com.tw/wiki/武漢市生態環境局2020年政府信息公開工作年度報告;
- 2020年报_审计局, http://180.76.149.248:88/book/dzs/shenji/files/basic-html/page9.html (a PDF without
  rules: 表四's header set one character a line, the 15 numbers on one line);
- http://www.xuwen.gov.cn/zfxxgk/zjsxwxsfj/content/post_1865610.html (2021 form flattened to ``|``
  rows ended by ``|``, blanks for zeros, empty cells under rowspans);
- https://www.lg.gov.cn/xxgk/xxgknb/qzfgzbm/content/post_11956962.html (2021 form as ``|`` rows, split
  header labels ``商业 企业``).

Tables are consistent (every identity of ``pipelines.figures.checks`` holds); ``broken`` copies a sample
with chosen cells changed, to break one identity at a time.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass, field

T3_COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
T4_GROUPS = ("行政复议", "未经复议直接起诉", "复议后起诉")
T4_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
NULL_PRINTS = ("", "/", "—", "-", "／")

# 表三's result rows: (row key, group label or None, item label)
RESULT_ROWS_2021 = [
    ("三（一）", None, "（一）予以公开"),
    ("三（二）", None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("三（三）1", "（三）不予公开", "1.属于国家秘密"),
    ("三（三）2", "（三）不予公开", "2.其他法律行政法规禁止公开"),
    ("三（三）3", "（三）不予公开", "3.危及“三安全一稳定”"),
    ("三（三）4", "（三）不予公开", "4.保护第三方合法权益"),
    ("三（三）5", "（三）不予公开", "5.属于三类内部事务信息"),
    ("三（三）6", "（三）不予公开", "6.属于四类过程性信息"),
    ("三（三）7", "（三）不予公开", "7.属于行政执法案卷"),
    ("三（三）8", "（三）不予公开", "8.属于行政查询事项"),
    ("三（四）1", "（四）无法提供", "1.本机关不掌握相关政府信息"),
    ("三（四）2", "（四）无法提供", "2.没有现成信息需要另行制作"),
    ("三（四）3", "（四）无法提供", "3.补正后申请内容仍不明确"),
    ("三（五）1", "（五）不予处理", "1.信访举报投诉类申请"),
    ("三（五）2", "（五）不予处理", "2.重复申请"),
    ("三（五）3", "（五）不予处理", "3.要求提供公开出版物"),
    ("三（五）4", "（五）不予处理", "4.无正当理由大量反复申请"),
    ("三（五）5", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    ("三（六）1", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("三（六）2", "（六）其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("三（六）3", "（六）其他处理", "3.其他"),
]
# The 2019 form: one （六） row; here with 、 and ， after item numbers and another quote style.
RESULT_ROWS_2019 = [
    (key, group, label.replace("1.", "1、").replace("2.", "2，").replace("“三安全一稳定”", "\"三安全一稳定\""))
    for key, group, label in RESULT_ROWS_2021 if not key.startswith("三（六）")
] + [("三（六）", None, "（六）其他处理")]


@dataclass
class Sample:
    """One report: its 表二 blocks, 表三 and 表四 as printed, and the tables' layout."""
    year: int
    t2: list = field(default_factory=list)  # [(block label, header cells, [(item label, row key, cells)])]
    t3: dict = field(default_factory=dict)  # row key -> 7 printed cells
    t4: dict = field(default_factory=dict)  # group -> 5 printed cells
    result_rows: list = field(default_factory=list)
    subtotal: str | None = None  # a group with an added subtotal row, e.g. "三" for 三（三）

    def expected(self) -> list[tuple]:
        """(table_no, row_key, col_key, value, unit, raw) of every cell written."""
        out = []
        for _, header, items in self.t2:
            for _, row_key, cells in items:
                for (col_key, unit), raw in zip(header_keys(header), cells):
                    value, cell_unit = printed_value(raw)
                    out.append((2, row_key, col_key, value, cell_unit or unit, raw))
        for row_key, cells in self.t3.items():
            out += [(3, row_key, col, *printed_value(raw), raw) for col, raw in zip(T3_COLUMNS, cells)]
        for group, cells in self.t4.items():
            out += [(4, group, result, *printed_value(raw), raw) for result, raw in zip(T4_RESULTS, cells)]
        return sorted(out, key=repr)

    # --- layout: rows of (text, colspan, rowspan) ---

    def tables(self) -> list[list[list[tuple[str, int, int]]]]:
        return [self.t2_layout(), self.t3_layout(), self.t4_layout()]

    def t2_layout(self):
        rows = []
        for block, header, items in self.t2:
            rows.append([(block, 4, 1)])
            rows.append([("信息内容", 1, 1)] + _widen(header))
            for label, _, cells in items:
                rows.append([(label, 1, 1)] + _widen(cells))
        return rows

    def t3_layout(self):
        note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
        rows = [
            [(note, 3, 3), ("申请人情况", 7, 1)],
            [("自然人", 1, 2), ("法人或其他组织", 5, 1), ("总计", 1, 2)],
            [("商业\n企业", 1, 1), ("科研\n机构", 1, 1), ("社会公益组织", 1, 1), ("法律服务机构", 1, 1), ("其他", 1, 1)],
            [("一、本年新收政府信息公开申请数量", 3, 1)] + _plain(self.t3["一"]),
            [("二、上年结转政府信息公开申请数量", 3, 1)] + _plain(self.t3["二"]),
        ]
        results = [(key, group, label) for key, group, label in self.result_rows]
        if self.subtotal:
            at = next(i for i, (key, _, _) in enumerate(results) if key.startswith(f"三（{self.subtotal}）"))
            group = results[at][1]
            results.insert(at, (f"三（{self.subtotal}）", group, "小计"))
        spans = {}
        for _, group, _ in results:
            if group:
                spans[group] = spans.get(group, 0) + 1
        first = True
        for key, group, label in results:
            row = []
            if first:
                row.append(("三、本\n年度办\n理结果", 1, len(results) + 1))
                first = False
            if group and spans.get(group):
                row.append((group, 1, spans.pop(group)))
                row.append((label, 1, 1))
            elif not group:
                row.append((label, 2, 1))
            else:
                row.append((label, 1, 1))
            rows.append(row + _plain(self.t3[key]))
        rows.append([("（七）总计", 2, 1)] + _plain(self.t3["三（七）"]))
        rows.append([("四、结转下年度继续办理", 3, 1)] + _plain(self.t3["四"]))
        return rows

    def t4_layout(self):
        split = ["结果\n维持", "结果\n纠正", "其他\n结果", "尚未\n审结", "总计"]
        return [
            [("行政复议", 5, 1), ("行政诉讼", 10, 1)],
            [(name, 1, 2) for name in split] + [("未经复议直接起诉", 5, 1), ("复议后起诉", 5, 1)],
            [(name, 1, 1) for name in split * 2],
            _plain([cell for group in T4_GROUPS for cell in self.t4[group]]),
        ]

    def paragraphs(self) -> list[tuple[str, int | None]]:
        """The report as (paragraph, None) and ("", table index) in reading order."""
        return [
            (f"本报告根据《中华人民共和国政府信息公开条例》编制，所列数据的统计期限自{self.year}年1月1日起至"
             f"{self.year}年12月31日止。", None),
            ("一、总体情况", None),
            (f"{self.year}年，本机关认真贯彻落实《条例》，依法做好政府信息公开工作。", None),
            ("二、主动公开政府信息情况", None), ("", 0),
            ("三、收到和处理政府信息公开申请情况", None), ("", 1),
            ("四、政府信息公开行政复议、行政诉讼情况", None), ("", 2),
            ("五、存在的主要问题及改进情况", None),
            ("公开内容的深度和广度还有待提高，下一步将加强培训。", None),
            ("六、其他需要报告的事项", None), ("无。", None),
        ]


def _plain(cells) -> list[tuple[str, int, int]]:
    return [(cell, 1, 1) for cell in cells]


def _widen(cells) -> list[tuple[str, int, int]]:
    """A 表二 row of 1–3 cells across the three value columns: the last cell takes what is left."""
    return _plain(cells[:-1]) + [(cells[-1], 4 - len(cells), 1)]


def header_keys(header) -> list[tuple[str, str | None]]:
    """What the test expects as col_key and unit of printed 表二 headers (written out, not computed)."""
    return [HEADER_KEYS[text] for text in header]


HEADER_KEYS = {
    "本年制发件数": ("本年制发件数", None), "本年废止件数": ("本年废止件数", None),
    "现行有效件数": ("现行有效件数", None), "本年处理决定数量": ("本年处理决定数量", None),
    "本年收费金额（单位：万元）": ("本年收费金额", "万元"),
    "本年新\n制作数量": ("本年新制作数量", None), "本年新\n公开数量": ("本年新公开数量", None),
    "对外公开总数量": ("对外公开总数量", None),
    "上一年项目数量（指2018年事项数）": ("上一年项目数量", None), "上一年项目数量": ("上一年项目数量", None),
    "本年增/减": ("本年增/减", None), "处理决定数量": ("处理决定数量", None),
    "采购项目数量": ("采购项目数量", None), "采购总金额": ("采购总金额", None),
}


def printed_value(raw: str) -> tuple[int | float | None, str | None]:
    """The value and unit a printed test cell stands for (the samples print only these shapes)."""
    text = raw.replace("\n", "")
    if text in NULL_PRINTS:
        return None, None
    unit = "元" if text.endswith("元") else None
    number = text.removesuffix("元")
    return (float(number) if "." in number else int(number)), unit


# --- the two samples ----------------------------------------------------------------------------------

def _t3(applicants: dict[str, list[int]], blanks: dict[tuple[str, int], str] = ()) -> dict[str, list[str]]:
    """表三 cells from per-row applicant numbers (six columns); 总计 added; 三（七） and 一 computed so
    the identities hold. ``blanks``: (row key, column index) -> how a zero is printed there."""
    rows = dict(applicants)
    results = [key for key in rows if key.startswith("三（") and key != "三（七）"]
    items = [key for key in results if not any(other != key and other.startswith(key) for other in results)]
    rows["三（七）"] = [sum(rows[key][c] for key in items) for c in range(6)]
    rows["一"] = [rows["三（七）"][c] + rows["四"][c] - rows["二"][c] for c in range(6)]
    printed = {}
    for key, numbers in rows.items():
        cells = [str(n) for n in numbers] + [str(sum(numbers))]
        for (row, col), mark in dict(blanks).items():
            if row == key:
                assert cells[col] == "0", (row, col)
                cells[col] = mark
        printed[key] = cells
    return printed


def _zeros(keys) -> dict[str, list[int]]:
    return {key: [0] * 6 for key in keys}


def sample_2021() -> Sample:
    applicants = _zeros([key for key, _, _ in RESULT_ROWS_2021]) | {"二": [2, 0, 0, 0, 1, 0], "四": [1, 1, 0, 0, 0, 0]}
    applicants |= {"三（一）": [20, 3, 0, 1, 0, 0], "三（二）": [4, 0, 0, 0, 0, 1], "三（三）3": [1, 0, 0, 0, 0, 0],
                   "三（四）1": [7, 2, 0, 0, 1, 0], "三（五）2": [2, 0, 0, 0, 0, 0], "三（六）3": [1, 0, 0, 0, 0, 0]}
    t3 = _t3(applicants, {("三（三）1", 2): "", ("三（三）1", 3): "/", ("三（三）2", 4): "—", ("三（六）2", 5): ""})
    return Sample(
        year=2022,
        t2=[
            ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"], [
                ("规章", "规章", ["0", "0", "0"]),
                ("行政规范性文件", "行政规范性文件", ["2", "", "17"])]),
            ("第二十条第（五）项", ["本年处理决定数量"], [("行政许可", "行政许可", ["855"])]),
            ("第二十条第（六）项", ["本年处理决定数量"], [
                ("行政处罚", "行政处罚", ["21"]), ("行政强制", "行政强制", ["—"])]),
            ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("行政事业性收费", "行政事业性收费", ["28.56"])]),
        ],
        t3=t3,
        t4={"行政复议": ["1", "", "0", "1", "2"], "未经复议直接起诉": ["0", "0", "0", "0", "0"],
            "复议后起诉": ["/", "/", "/", "/", "/"]},
        result_rows=RESULT_ROWS_2021,
    )


def sample_2019() -> Sample:
    applicants = _zeros([key for key, _, _ in RESULT_ROWS_2019]) | {"二": [0, 0, 0, 0, 0, 0], "四": [3, 0, 0, 0, 0, 0]}
    applicants |= {"三（一）": [11, 2, 1, 0, 0, 0], "三（三）1": [1, 0, 0, 0, 0, 0], "三（三）4": [0, 1, 0, 0, 0, 0],
                   "三（四）1": [5, 0, 0, 0, 0, 0], "三（六）": [2, 0, 0, 0, 0, 1]}
    applicants["三（三）"] = [sum(applicants[f"三（三）{i}"][c] for i in range(1, 9)) for c in range(6)]
    t3 = _t3(applicants, {("三（二）", 1): "", ("三（五）5", 0): "-"})
    return Sample(
        year=2019,
        t2=[
            ("第二十条第（一）项", ["本年新\n制作数量", "本年新\n公开数量", "对外公开总数量"], [
                ("规章（设区的市、自治州人民政府应提供相关数据）", "规章", ["1", "1", "5"]),
                ("规范性文件", "规范性文件", ["3", "3", "40"])]),
            ("第二十条第（五）项", ["上一年项目数量（指2018年事项数）", "本年增/减", "处理决定数量"], [
                ("行政许可", "行政许可", ["120", "-8", "1093"]),
                ("其他对外管理服务事项（指行政许可以外的政务服务事项）", "其他对外管理服务事项", ["56", "0", "/"])]),
            ("第二十条第（六）项", ["上一年项目数量", "本年增/减", "处理决定数量"], [
                ("行政处罚", "行政处罚", ["90", "0", "22"]), ("行政强制", "行政强制", ["4", "4", "-"])]),
            ("第二十条第（八）项", ["上一年项目数量", "本年增/减"], [("行政事业性收费", "行政事业性收费", ["12", "-1"])]),
            ("第二十条第（九）项", ["采购项目数量", "采购总金额"], [("政府集中采购", "政府集中采购", ["36", "75394432.52元"])]),
        ],
        t3=t3,
        t4={"行政复议": ["0", "1", "0", "0", "1"], "未经复议直接起诉": ["1", "0", "0", "1", "2"],
            "复议后起诉": ["0", "0", "0", "0", "0"]},
        result_rows=RESULT_ROWS_2019,
        subtotal="三",
    )


def broken(sample: Sample, changes: dict[tuple[str, str], str]) -> Sample:
    """A copy of ``sample`` with cells reprinted: (row key, column) -> text; 表三 and 表四 cells."""
    out = copy.deepcopy(sample)
    for (row, col), text in changes.items():
        if col in T4_RESULTS and row in out.t4:
            out.t4[row][T4_RESULTS.index(col)] = text
        else:
            out.t3[row][T3_COLUMNS.index(col)] = text
    return out


def blank_zeros(sample: Sample) -> Sample:
    """A copy with every 0 of 表三 printed as a blank cell, as many reports print them."""
    out = copy.deepcopy(sample)
    out.t3 = {key: ["" if cell == "0" else cell for cell in cells] for key, cells in out.t3.items()}
    return out


# --- renderers ------------------------------------------------------------------------------------------

def flat_text(sample: Sample) -> str:
    """The report as text the way some portals' pages flatten (xuwen.gov.cn's 2021 report): one row a
    line, cells joined by ``|`` and ended by one, a cell covered by a rowspan left as an empty cell."""
    tables = sample.tables()
    lines = []
    for text, index in sample.paragraphs():
        if index is None:
            lines.append(text)
            continue
        cells: dict[int, dict[int, str]] = {}
        for r, c, _, rowspan, cell_text in _placed(tables[index]):
            cells.setdefault(r, {})[c] = cell_text.replace("\n", " ")
            for below in range(r + 1, r + rowspan):
                cells.setdefault(below, {})[c] = ""
        lines += [" | ".join(row[c] for c in sorted(row)) + " |" for _, row in sorted(cells.items())]
    return "\n".join(lines)


def _html_table(rows) -> str:
    out = ['<table border="1" cellspacing="0" style="border-collapse:collapse"><tbody>']
    for row in rows:
        out.append("<tr>")
        for text, colspan, rowspan in row:
            attrs = (f' colspan="{colspan}"' if colspan > 1 else "") + (f' rowspan="{rowspan}"' if rowspan > 1 else "")
            inner = "<br/>".join(f"<span>{part}</span>" for part in text.split("\n"))
            out.append(f'<td{attrs} valign="middle"><p style="text-align:center">{inner}</p></td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def html_page(sample: Sample, encoding: str = "utf-8") -> bytes:
    """The report page as a TRS-like portal serves it (tables in the body, chrome around)."""
    tables = sample.tables()
    body = "".join(f"<p>{text}</p>" if index is None else _html_table(tables[index])
                   for text, index in sample.paragraphs())
    page = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={encoding}">'
            f"<title>{sample.year}年度政府信息公开工作年度报告</title></head><body>"
            '<div class="header"><table><tr><td>首页</td><td>政务公开</td></tr></table></div>'
            f'<div class="TRS_Editor">{body}</div><div class="footer">版权所有</div></body></html>')
    return page.encode(encoding)


def docx_bytes(sample: Sample) -> bytes:
    from docx import Document
    from docx.shared import Pt

    document = Document()
    tables = sample.tables()
    for text, index in sample.paragraphs():
        if index is None:
            document.add_paragraph(text)
            continue
        rows = tables[index]
        width = sum(colspan for _, colspan, _ in rows[0]) if index != 1 else 10
        table = document.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for r, c, colspan, rowspan, cell_text in _placed(rows):
            cell = table.cell(r, c)
            if colspan > 1 or rowspan > 1:
                cell = cell.merge(table.cell(r + rowspan - 1, c + colspan - 1))
            lines = cell_text.split("\n")
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)  # a label split over lines in its cell
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _placed(rows) -> list[tuple[int, int, int, int, str]]:
    """(row, column, colspan, rowspan, text) with columns found as HTML does (rowspans push cells right)."""
    taken, out = set(), []
    for r, row in enumerate(rows):
        c = 0
        for text, colspan, rowspan in row:
            while (r, c) in taken:
                c += 1
            taken.update((r + dr, c + dc) for dr in range(rowspan) for dc in range(colspan))
            out.append((r, c, colspan, rowspan, text))
            c += colspan
    return out


FONT = "STSong-Light"
COLUMN_WIDTHS = {0: [150, 120, 120, 120], 1: [36, 70, 110] + [42] * 7, 2: [34] * 15}


def pdf_bytes(sample: Sample, ruled: bool = True) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    body = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=18, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10, wordWrap="CJK")
    tables = sample.tables()
    story = []
    for text, index in sample.paragraphs():
        if index is None:
            story.append(Paragraph(text, body))
            continue
        placed = _placed(tables[index])
        height, width = len(tables[index]), len(COLUMN_WIDTHS[index])
        data = [[""] * width for _ in range(height)]
        commands = [("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        if ruled:
            commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
        for r, c, colspan, rowspan, cell_text in placed:
            data[r][c] = Paragraph(cell_text.replace("\n", "<br/>"), cell) if cell_text else ""
            if colspan > 1 or rowspan > 1:
                commands.append(("SPAN", (c, r), (c + colspan - 1, r + rowspan - 1)))
        story += [Spacer(1, 4), Table(data, colWidths=COLUMN_WIDTHS[index], style=TableStyle(commands)), Spacer(1, 4)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=40, rightMargin=40, topMargin=50, bottomMargin=50).build(story)
    return out.getvalue()


def xls_bytes(sample: Sample) -> bytes:
    """The three tables on one sheet, one blank row between them, numbers written as numbers."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("统计表")
    top = 0
    for rows in sample.tables():
        for r, c, colspan, rowspan, text in _placed(rows):
            value = _number_or_text(text)
            if colspan > 1 or rowspan > 1:
                sheet.write_merge(top + r, top + r + rowspan - 1, c, c + colspan - 1, value)
            else:
                sheet.write(top + r, c, value)
        top += len(rows) + 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_bytes(sample: Sample) -> bytes:
    """The tables on one sheet as ``xls_bytes`` lays them out, written by openpyxl."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    top = 1
    for rows in sample.tables():
        for r, c, colspan, rowspan, text in _placed(rows):
            sheet.cell(row=top + r, column=c + 1, value=_number_or_text(text))
            if colspan > 1 or rowspan > 1:
                sheet.merge_cells(start_row=top + r, start_column=c + 1, end_row=top + r + rowspan - 1,
                                  end_column=c + colspan)
        top += len(rows) + 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number_or_text(text: str):
    try:
        return float(text)
    except ValueError:
        return text.replace("\n", " ")


# --- an older report with a free-form table -----------------------------------------------------------

OLD_TABLE = [
    ["统计指标", "单位", "统计数"],
    ["一、主动公开情况", "", ""],
    ["主动公开政府信息数", "条", "2069"],
    ["二、依申请公开情况", "", ""],
    ["收到申请数", "件", "12"],
    ["其中：1.当面申请数", "件", "3"],
    ["申请答复数", "件", "11"],
    ["三、行政复议数量", "件", "1"],
    ["四、行政诉讼数量", "件", "0"],
    ["五、依申请公开信息收取的费用", "万元", "0.05"],
]
OLD_TEXT = [
    "2016年，本机关共主动公开政府信息2069条。",
    "全年共受理政府信息公开申请12件，其中当面申请3件；均已按时答复。",
    "本年度因政府信息公开申请提起行政复议1件，未发生行政诉讼。",
]
OLD_EXPECTED = [
    (0, "主动公开", "表格", 2069, "条", "主动公开政府信息数 | 条 | 2069"),
    (0, "收到申请", "表格", 12, "件", "收到申请数 | 件 | 12"),
    (0, "答复申请", "表格", 11, "件", "申请答复数 | 件 | 11"),
    (0, "行政复议", "表格", 1, "件", "三、行政复议数量 | 件 | 1"),
    (0, "行政诉讼", "表格", 0, "件", "四、行政诉讼数量 | 件 | 0"),
    (0, "收费", "表格", 0.05, "万元", "五、依申请公开信息收取的费用 | 万元 | 0.05"),
    (0, "主动公开", "正文", 2069, "条", "主动公开政府信息2069条"),
    (0, "收到申请", "正文", 12, "件", "受理政府信息公开申请12件"),
    (0, "行政复议", "正文", 1, "件", "行政复议1件"),
    (0, "行政诉讼", "正文", 0, None, "未发生行政诉讼"),
]


def old_page() -> bytes:
    table = _html_table([_plain(row) for row in OLD_TABLE])
    body = "".join(f"<p>{line}</p>" for line in OLD_TEXT)
    return f'<html><head><meta charset="utf-8"></head><body><div id="zoom">{body}{table}</div></body></html>'.encode()


def old_text() -> str:
    """The clean text the crawl stores for ``old_page``."""
    return "\n".join(OLD_TEXT + [" | ".join(cell for cell in row if cell) for row in OLD_TABLE])
