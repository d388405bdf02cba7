"""One report version -> its figures and checks: the entry point for the crawl and ``govarchive parse``."""

from __future__ import annotations

from functools import partial

from pipelines.attachments import attachment_kind

from .checks import report_checks
from .grids import attachment_rows, html_rows, rows_from_portable, tables_rows, text_rows
from .headlines import table_headlines, text_headlines
from .template import template_figures

PARSER_VERSION = 2  # bump when the figures or checks of a stored report could change: rows are re-parsed
PARSER = f"govarchive-figures/{PARSER_VERSION}"
TEMPLATE_TABLES = {2: "表二", 3: "表三", 4: "表四"}
STANDARD_FROM = 2020  # reports on 2020 and later must use the standard format (2019: encouraged)


def parse_report(page: bytes | None, content_type: str = "", attachments=(), text: str = "",
                 report_year: int | None = None) -> dict:
    """Figures and checks of one report version.

    ``page``: the report page's bytes as served (None for a report that is only a file) with its
    ``content_type``; ``attachments``: ``(bytes, url, content_type)`` of its files; ``text``: the clean
    text stored for it (``reports.text``); ``report_year``: the year reported on.

    Returns ``{figures, checks, parser, sources, errors}``: ``figures`` and ``checks`` as plain dicts with
    exactly the keys of ``report_figures`` / ``report_checks`` less the row's ids (see the package
    docstring); ``sources`` names where each table was read (``{2: "page", 3: "<attachment url>", 0:
    "text"}``); ``errors`` lists sources that could not be read (``"<url>: <reason>"``). Never raises for
    bad input: a corrupt attachment is an error line, the others are still read.

    Each template table is taken whole from the source that gives it most filled cells (ties: the page,
    then the attachments in order, then the clean text, whose rows lost their merged cells). Headline
    figures (``table_no`` 0) are read only when no template table is found.
    """
    readers = [*_page_reader(page, content_type), *_file_readers(attachments), *_text_reader(text)]
    return _parse(readers, text, report_year)


def parse_page_figures(tables: list, files=(), text: str = "") -> dict:
    """``parse_report`` of a report page the crawl has parsed, from copies of its tables (``grids.page_tables``,
    taken before the text extraction cleaned the tree), its files as they were read with their text
    (``(url, portable rows, error)``: pipelines/extract.py ``read_attachment``) and its clean text. The
    ``parse.tables`` check needs the report's year, known later: :func:`tables_found` adds it."""
    files_read = [(url, partial(_rows_read, rows, error)) for url, rows, error in files]
    return _parse([("page", lambda: tables_rows(tables)), *files_read, *_text_reader(text)], text)


class UnreadFile(Exception):
    """A file whose rows could not be read where it was read; the message says why (``Type: reason``)."""


def _rows_read(rows, error: str | None):
    if error is not None:
        raise UnreadFile(error)
    return rows_from_portable(rows)


def _page_reader(page: bytes | None, content_type: str) -> list:
    if page and attachment_kind("", content_type, page[:4096]):  # a report published as a file
        return [("page", lambda: attachment_rows(page, "", content_type))]
    return [("page", lambda: html_rows(page, content_type))] if page else []


def _file_readers(attachments) -> list:
    return [(url, lambda body=body, url=url, ctype=ctype: attachment_rows(body, url, ctype))
            for body, url, ctype in attachments]


def _text_reader(text: str) -> list:
    return [("text", lambda: text_rows(text))] if text else []


def _parse(readers, text: str, report_year: int | None = None) -> dict:
    sources, errors = _read(readers)
    figures, chosen = _template(sources)
    if not figures:
        figures, chosen = _headlines(sources, text)
    checks = report_checks(figures) + tables_found(figures, report_year)
    return {"figures": figures, "checks": checks, "parser": PARSER, "sources": chosen, "errors": errors}


def _read(readers) -> tuple[list[tuple[str, list]], list[str]]:
    """``(name, rows)`` of each source read, and an error line for each that could not be."""
    sources, errors = [], []
    for name, read in readers:
        try:
            sources.append((name, read()))
        except UnreadFile as exc:
            errors.append(f"{name}: {exc}"[:300])
        except Exception as exc:  # noqa: BLE001 - a corrupt file must not lose the report's other sources
            errors.append(f"{name}: {type(exc).__name__}: {exc}"[:300])
    return sources, errors


def _template(sources) -> tuple[list[dict], dict]:
    found = [(name, template_figures(rows)) for name, rows in sources]
    figures, chosen = [], {}
    for table_no in TEMPLATE_TABLES:
        name, best = max(((name, [f for f in figs if f["table_no"] == table_no]) for name, figs in found),
                         key=lambda pair: (_filled(pair[1]), len(pair[1])), default=(None, []))
        if best:
            figures += best
            chosen[table_no] = name
    return figures, chosen


def _filled(figures: list[dict]) -> int:
    return sum(f["value"] is not None for f in figures)


def _headlines(sources, text: str) -> tuple[list[dict], dict]:
    chosen = {}
    figures = []
    for name, rows in sources:
        figures = table_headlines(rows)
        if figures:
            chosen[0] = name
            break
    sentences = text_headlines(text)
    if sentences:
        chosen.setdefault(0, "text")
    return figures + sentences, chosen


def tables_found(figures: list[dict], report_year: int | None) -> list[dict]:
    """``parse.tables``: a report on 2020 or later should carry all three tables. Not an identity of the
    report: a failure means the tables are pictures, missing, or beyond this parser."""
    if report_year is None or report_year < STANDARD_FROM:
        return []
    present = {f["table_no"] for f in figures}
    missing = [label for no, label in TEMPLATE_TABLES.items() if no not in present]
    detail = f"missing {', '.join(missing)}" if missing else "表二, 表三, 表四 found"
    return [{"name": "parse.tables", "ok": not missing, "detail": detail}]
