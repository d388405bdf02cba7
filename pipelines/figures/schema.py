"""Proposed tables for archive/db.py: ``report_figures`` and ``report_checks``, columns and one-line docs.

Written as archive/db.py writes its tables (name -> Python type, for sqlite-utils), with the column
descriptions for Datasette's metadata next to them. One row per figure / check of one report version
(``reports.id``); a report is re-parsed, its rows replaced, when its text or ``PARSER_VERSION`` changes
(compare ``parser`` with ``parse.PARSER``).
"""

from __future__ import annotations

FIGURE_COLUMNS = {
    "id": int,
    "report_id": int,
    "table_no": int,
    "row_key": str,
    "col_key": str,
    "value": float,
    "unit": str,
    "raw": str,
    "source": str,
    "parser": str,
}

FIGURE_DOCS = {
    "id": "Row id.",
    "report_id": "The report version (reports.id) the figure was read from.",
    "table_no": "2, 3, 4: 表二/表三/表四 of the standard format (2019+); 0: a headline figure of an older report.",
    "row_key": "The row: 表三 一, 二, 三（一）, 三（三）1 … 三（七）, 四; 表四 行政复议, 未经复议直接起诉, 复议后起诉; "
               "表二 the item (规章, 行政许可, 行政事业性收费 …); table 0 the headline (收到申请, 行政诉讼 …).",
    "col_key": "The column: 表三 自然人 … 其他, 总计; 表四 结果维持 … 总计; 表二 the header without spaces or "
               "parenthesised note (本年制发件数 …); table 0 how it was found: 表格 (a table row) or 正文 (a sentence).",
    "value": "The number; decimals kept; NULL for a blank cell, a dash, a slash or anything not a number.",
    "unit": "The unit the cell or its column header printed (万元, 元, 件 …); NULL when none was printed.",
    "raw": "The cell as printed ('' for a blank cell); for table 0 the table row or the words it was read from.",
    "source": "Where the figure was read: page, an attachment's URL, or text (the stored clean text).",
    "parser": "Parser name/version (govarchive-figures/N) that produced the row.",
}

CHECK_COLUMNS = {
    "id": int,
    "report_id": int,
    "name": str,
    "ok": int,
    "detail": str,
    "parser": str,
}

CHECK_DOCS = {
    "id": "Row id.",
    "report_id": "The report version (reports.id) checked; for t3.carryover, this year's report.",
    "name": "The identity: t3.balance:<col> (一+二=三（七）+四), t3.results:<col>, t3.subtotal:<group>:<col>, "
            "t3.row_total:<row>, t4.total:<group>, t3.carryover:<col> (二 = last year's 四), "
            "parse.tables (a 2020+ report with all three tables found).",
    "ok": "1 if the figures satisfy it, 0 if not (blank cells count as 0).",
    "detail": "Both sides with their terms, e.g. 一 3 + 二 1 = 4; 三（七） 2 + 四 1 = 3.",
    "parser": "Parser name/version that produced the row.",
}

# Suggested indexes: report_figures (report_id), (table_no, row_key, col_key); report_checks (report_id), (name, ok).
