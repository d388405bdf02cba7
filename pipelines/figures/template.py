"""表二, 表三 and 表四 of the standard format (国办公开办函〔2019〕60号, 〔2021〕30号) read from rows of cells.

``template_figures(rows)`` walks a source's rows (``grids``) once, in document order, and yields figures
``{table_no, row_key, col_key, value, unit, raw}`` with the keys issue 12 fixes (see the package docstring).
Which table a row belongs to is read from the rows themselves, not from table boundaries, so a table
split over pages, three tables merged into one, or tables flattened into text lines all read the same:

- 第二十条第（X）项 starts 表二 (block X); 本年新收 / 申请人情况 starts 表三; a heading or header row naming
  行政复议 with 行政诉讼 or 结果维持 (not a sentence) starts 表四; a section heading 五、六、七、 ends them all.
- A row is its label cells (text) followed by its value cells (numbers, blanks, ``/``, ``—``, ``无``).
  Labels are matched by their words, after ``cells.squash``, so split labels (``三、本 年度办 理结果``),
  punctuation and quote variants and labels repeated by a rowspan all match.
- 表三 rows are keyed by what their label says: 本年新收 -> ``一``; group markers （一）…（七） or the group's
  words (予以公开, 部分公开, 不予公开, 无法提供, 不予处理, 其他处理, 总计); items by their words within their
  group (国家秘密 -> （三）1, 不掌握 -> （四）1 …), else by their printed number. A row carrying a group's
  own figures (a subtotal row some templates add, or 2019's single （六）其他处理 row) is the group key
  ``三（三）`` … ``三（六）``. A label on a line of its own lends its key to the next row with numbers
  whose label names nothing (a PDF set without rules puts wrapped labels above, beside and below them).
- Columns of 表三 and 表四 are the template's, in its order; a row with more value cells than columns
  loses blank cells at its start first (an empty label column), then at its end; a row with fewer is
  padded with blanks (the clean text drops trailing empty cells). 表四's order of results is taken from
  its header when the header is legible.
- 表二 columns are the block's header row (信息内容 | …), spaces and parenthesised notes removed; a unit in
  the note (（单位：万元）) is the figure's unit unless the cell prints its own (``75394432.52元``).
- A row without any value cell yields nothing; within a row, every column yields a figure, blank ones
  with ``value`` None and ``raw`` ''. A row split at white space (``grids.LooseRow``) yields figures only
  when it has exactly as many values as columns: wrong figures are worse than missing ones.
"""

from __future__ import annotations

import re

from .cells import PAREN, collapse, header_key, is_value_cell, parse_value, squash
from .grids import LooseRow

T3_COLUMNS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
T4_GROUPS = ("行政复议", "未经复议直接起诉", "复议后起诉")
T4_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
T4_WIDTH = len(T4_GROUPS) * len(T4_RESULTS)
# 表二 items of both forms
T2_ITEMS = ("规章", "行政规范性文件", "规范性文件", "其他对外管理服务事项", "行政许可", "行政处罚", "行政强制",
            "行政事业性收费", "政府集中采购")
# 表二 column headers of both forms (spaces and notes removed)
T2_COLUMNS = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额", "本年新制作数量",
              "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "处理决定数量", "采购项目数量", "采购总金额")
GROUP_WORDS = (("予以公开", "一"), ("部分公开", "二"), ("不予公开", "三"), ("无法提供", "四"), ("不予处理", "五"),
               ("其他处理", "六"))
# Items of each group of 三、本年度办理结果, by the words that name them; "其他" (（六）3) is tried last.
ITEM_WORDS = {
    "三": (("国家秘密", 1), ("禁止公开", 2), ("三安全一稳定", 3), ("第三方", 4), ("内部事务", 5), ("过程性", 6),
          ("执法案卷", 7), ("查询事项", 8)),
    "四": (("不掌握", 1), ("现成信息", 2), ("另行制作", 2), ("仍不明确", 3)),
    "五": (("信访", 1), ("重复申请", 2), ("出版物", 3), ("大量反复", 4), ("重新出具", 5), ("确认", 5)),
    "六": (("不补正", 1), ("收费通知", 2), ("缴纳费用", 2), ("其他", 3)),
}
ITEM_COUNT = {"三": 8, "四": 3, "五": 5, "六": 3}

PROSE = 200  # a line of one cell this long is a paragraph: no label, heading or figure
_BLOCK = re.compile(r"第二十条第\(?([一二三四五六七八九十]+)\)?项")
_GROUP = re.compile(r"\(([一二三四五六七])\)")
_ITEM_NUMBER = re.compile(r"(?<![\d.])([1-9])[.、,]")
_END = re.compile(r"^[五六七八九]、")
_T4_HEAD = re.compile(r"行政复议.*(?:行政诉讼|结果维持)")  # 表四's heading or header, not a sentence
_SENTENCE = re.compile(r"[,。;:!?]")


def split_row(row: list[str]) -> tuple[str, list[str]]:
    """(label, value cells): the label is every text cell up to the last one, squashed and joined."""
    last = max((i for i, cell in enumerate(row) if not is_value_cell(cell)), default=-1)
    label = "".join(squash(cell) for cell in row[: last + 1] if not is_value_cell(cell))
    return label, row[last + 1:]


def fit(values: list[str], width: int, loose: bool = False) -> list[str]:
    """Exactly ``width`` value cells: blank ones dropped at the start, then at the end, while too many;
    blanks added at the end while too few (the clean text drops trailing empty cells). A loose row
    (split at white space) with another number of values is [], since its blanks could have been
    anywhere and a wrapped label can leave pieces among them."""
    if loose and len(values) != width:
        return []
    values = list(values)
    while len(values) > width and not squash(values[0]):
        values.pop(0)
    while len(values) > width and not squash(values[-1]):
        values.pop()
    values = values[:width]
    return values + [""] * (width - len(values))


def figure(table_no: int, row_key: str, col_key: str, raw: str, unit: str | None = None) -> dict:
    raw = collapse(raw)
    value, cell_unit = parse_value(raw)
    return {"table_no": table_no, "row_key": row_key, "col_key": col_key, "value": value,
            "unit": cell_unit or unit, "raw": raw}


class TemplateReader:
    """Reads one source's rows; ``figures`` holds what it found, first occurrence of a key wins."""

    def __init__(self):
        self.figures: list[dict] = []
        self.seen: set[tuple] = set()
        self.table: int | None = None
        self.block: str | None = None  # 表二: the current block, the X of 第二十条第（X）项
        self.header: list[tuple[str, str | None]] = []  # 表二: the current block's columns
        self.group: str | None = None  # 表三: the current group of 三、本年度办理结果
        self.pending: str | None = None  # 表三: a label that stood on a line of its own
        self.results: tuple[str, ...] | None = None  # 表四: result names in the header's order
        self.loose = False  # the current row was split at white space

    def read(self, rows: list[list[str]]) -> list[dict]:
        for row in rows:
            if row and not (len(row) == 1 and len(row[0]) > PROSE):
                self.row(row)
        return self.figures

    def fit(self, values: list[str], width: int) -> list[str]:
        return fit(values, width, self.loose)

    def add(self, table_no: int, row_key: str, col_key: str, raw: str, unit: str | None = None) -> None:
        if (table_no, row_key, col_key) not in self.seen:
            self.seen.add((table_no, row_key, col_key))
            self.figures.append(figure(table_no, row_key, col_key, raw, unit))

    def row(self, row: list[str]) -> None:
        self.loose = isinstance(row, LooseRow)
        label, values = split_row(row)
        whole = "".join(squash(cell) for cell in row)
        block = _BLOCK.search(whole)
        if _END.match(whole):
            self.table = None
        elif block:
            if self.table != 2 or block.group(1) != self.block:
                self.table, self.block, self.header = 2, block.group(1), []
        elif "本年新收" in label or "申请人情况" in label:
            self.table, self.group, self.pending = 3, None, None
        elif _T4_HEAD.search(label) and not _SENTENCE.search(label) and not any(map(squash, values)):
            if self.table != 4:
                self.table, self.results = 4, None
        if self.table == 2:
            self.t2_row(row, label, values)
        elif self.table == 3:
            self.t3_row(label, values)
        elif self.table == 4:
            self.t4_row(row, label, values)

    # --- 表二 ---

    def t2_row(self, row: list[str], label: str, values: list[str]) -> None:
        cells = [squash(cell) for cell in row]
        start = next((i for i, cell in enumerate(cells) if cell.startswith("信息内容")), None)
        if start is not None:
            self.header = [header_key(cell) for cell in row[start + 1:] if squash(cell)]
            if self.loose and not all(key in T2_COLUMNS for key, _ in self.header):
                self.header = []  # a header wrapped inside its cells: its words are not its columns
            return
        item = PAREN.sub("", _BLOCK.sub("", label))
        name = next((name for name in T2_ITEMS if item.startswith(name)), None)
        if name and self.header and values:
            for (col_key, unit), raw in zip(self.header, self.fit(values, len(self.header))):
                self.add(2, name, col_key, raw, unit)

    # --- 表三 ---

    def t3_row(self, label: str, values: list[str]) -> None:
        key = self.t3_key(label) if label else None
        if label and not values:
            self.pending = key
            return
        if key is None:  # numbers beside a label fragment, or alone: the label of the line above
            key, self.pending = self.pending, None
        if key and values:
            for col_key, raw in zip(T3_COLUMNS, self.fit(values, len(T3_COLUMNS))):
                self.add(3, key, col_key, raw)

    def t3_key(self, label: str) -> str | None:
        if "本年新收" in label:
            self.group = None
            return "一"
        if "上年结转" in label:
            self.group = None
            return "二"
        if "结转下年" in label:
            self.group = None
            return "四"
        marker = _GROUP.search(label)
        group = marker.group(1) if marker else _group_by_words(label)
        if group:
            self.group = group
        if group == "七":
            return "三（七）"
        if group in ("一", "二"):
            return f"三（{group}）"
        item = _item(label, self.group) if self.group in ITEM_WORDS else None
        if item is None and not group:  # an item whose group label stood elsewhere (a PDF set without rules)
            self.group, item = _item_by_words(label) or (self.group, None)
        if item is None and self.group in ITEM_WORDS:
            item = _printed_item(label, self.group)
        if self.group not in ITEM_WORDS:
            return None
        if item:
            return f"三（{self.group}）{item}"
        return f"三（{self.group}）" if group or "小计" in label or "合计" in label else None

    # --- 表四 ---

    def t4_row(self, row: list[str], label: str, values: list[str]) -> None:
        names = [name for name in dict.fromkeys(squash(cell) for cell in row) if name in T4_RESULTS]
        if len(names) >= 2:
            if self.results is None:
                self.results = tuple(names) if sorted(names) == sorted(T4_RESULTS) else T4_RESULTS
            return
        group = next((g for g in T4_GROUPS if g in label), None)
        filled = sum(1 for value in values if squash(value))
        if group and filled and self.results:  # one row per group (a transposed 表四)
            for result, raw in zip(self.results, self.fit(values, len(T4_RESULTS))):
                self.add(4, group, result, raw)
        elif not group and filled >= (len(T4_RESULTS) if self.results else T4_WIDTH):
            cells = self.fit(values, T4_WIDTH)
            for g, group in enumerate(T4_GROUPS):
                for r, result in enumerate(self.results or T4_RESULTS):
                    self.add(4, group, result, cells[g * len(T4_RESULTS) + r])
            self.table = None


def _group_by_words(label: str) -> str | None:
    bare = _ITEM_NUMBER.sub("", label)
    if bare in ("总计", "合计"):
        return "七"
    return next((group for words, group in GROUP_WORDS if words in label), None)


def _item_by_words(label: str) -> tuple[str, int] | None:
    """(group, item) named by an item's own words, whatever the group; not the generic 其他."""
    for group, words in ITEM_WORDS.items():
        for word, number in words:
            if word != "其他" and word in label:
                return group, number
    return None


def _item(label: str, group: str) -> int | None:
    """The item of ``group`` that the label's words name."""
    for words, number in ITEM_WORDS[group]:
        if words in label and (words != "其他" or label.endswith("其他")):
            return number
    return None


def _printed_item(label: str, group: str) -> int | None:
    """The item number printed in the label (1. 1、 1，), if ``group`` has that many items."""
    printed = _ITEM_NUMBER.search(label)
    if printed and int(printed.group(1)) <= ITEM_COUNT[group]:
        return int(printed.group(1))
    return None


def template_figures(rows: list[list[str]]) -> list[dict]:
    """Figures of 表二, 表三 and 表四 found in one source's rows."""
    return TemplateReader().read(rows)
