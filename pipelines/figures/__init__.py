"""A report's statistics as data: the standard tables' figures, their arithmetic, and copied reports.

Pure Python (lxml, python-docx, openpyxl, xlrd, pdfplumber, as pipelines/attachments.py uses them): no
Scrapy, no database. The crawl and ``govarchive parse`` call one function::

    from pipelines.figures import parse_report
    result = parse_report(page_bytes, "text/html; charset=utf-8", [(pdf_bytes, pdf_url, "application/pdf")],
                          clean_text, report_year=2022)
    result["figures"]  # [{table_no, row_key, col_key, value, unit, raw}, ...]
    result["checks"]   # [{name, ok, detail}, ...]
    result["parser"]   # "govarchive-figures/2": store it with the rows; re-parse when PARSER changes
    result["sources"]  # {table_no: "page" | attachment url | "text"}: fills report_figures.source
    result["errors"]   # sources that could not be read, "<url>: <reason>"

Figures (keys fixed by issue 12):

- 表三 ``table_no`` 3: ``row_key`` 一, 二, 三（一）, 三（二）, 三（三）1–8, 三（四）1–3, 三（五）1–5, 三（六）1–3
  (2019 template: 三（六）), 三（七）, 四; a group's own row where a report adds one, 三（三）…三（六）;
  ``col_key`` 自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计.
- 表四 ``table_no`` 4: ``row_key`` 行政复议, 未经复议直接起诉, 复议后起诉; ``col_key`` 结果维持, 结果纠正,
  其他结果, 尚未审结, 总计.
- 表二 ``table_no`` 2: ``row_key`` the item (规章, 行政规范性文件 or 规范性文件, 行政许可, 其他对外管理服务事项,
  行政处罚, 行政强制, 行政事业性收费, 政府集中采购); ``col_key`` its column header without spaces and
  without a parenthesised note (本年制发件数, 上一年项目数量, 本年增/减, 本年收费金额, 采购总金额 …); the unit
  the note or the cell printed in ``unit``. Rows a report adds to 表二 are not read.
- ``value`` the number (int, or float where decimals are printed), None for a blank cell, ``/``, ``—``,
  ``无``; ``raw`` the cell as printed, '' for blank.
- Older reports (before the standard format): ``table_no`` 0, ``row_key`` the headline (主动公开,
  收到申请, 答复申请, 行政复议, 行政诉讼, 收费), ``col_key`` how it was found, 表格 or 正文
  (``headlines``). Read only when a report has no template table.

Checks ``{name, ok, detail}``: the identities of 表三 and 表四 (``checks``), ``carryover_checks`` for two
years of one body, and ``parse.tables`` for reports on 2020+ that lack a table.

Copied reports: ``repeated_share(text, source)`` and ``find_sources(reports, texts)`` (``copies``).

Modules: ``cells`` (labels, numbers, units), ``grids`` (sources -> rows of cells), ``template`` (表二–表四),
``headlines`` (older reports), ``checks``, ``copies``, ``parse`` (the entry points). The tables
``report_figures``, ``report_checks`` and ``report_copies`` are archive/db.py's; ``govarchive parse``
(pipelines/figures/archive.py) fills them for an archive, the crawl for each report it stores.
"""

from .checks import carryover_checks, report_checks
from .copies import find_sources, repeated_share
from .parse import PARSER, PARSER_VERSION, parse_page_figures, parse_report, tables_found

__all__ = ["PARSER", "PARSER_VERSION", "carryover_checks", "find_sources", "parse_page_figures", "parse_report",
           "repeated_share", "report_checks", "tables_found"]
