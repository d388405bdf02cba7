"""Datasette plugin: Chinese full-text search over the bigram index ``reports_fts``.

Datasette's table search runs ``... where reports_fts match escape_fts(:search)`` (unless
``_searchmode=raw``). ``escape_fts`` is a SQL function that Datasette registers on every connection;
on connections to a govarchive archive this plugin registers its own version after Datasette's
(``trylast``), which translates the search box text with govarchive's query language
(archive/search.py): 复议, 行政诉讼, 复议 OR 诉讼, "政府信息公开", 复议 -诉讼, a single character ...
It never raises: text that does not parse is searched as plain words. Column search
(``?_search_title=...``) goes through the same function. Other databases keep Datasette's own.

It also gives SQL (the ``search`` canned query, or any query on the archive) these functions:

* ``bigram_query(q)``: the FTS5 MATCH expression for ``q`` (as the search box uses it);
* ``bigram_snippet(text, q)``: a snippet of ``text`` with the matches of ``q`` in 【】, rendered as
  ``<mark>`` in Datasette's HTML tables;
* ``bigram_split(text)``: the text as the index holds it (for debugging).
"""

from __future__ import annotations

import sys
from pathlib import Path

from datasette import hookimpl
from markupsafe import Markup, escape

try:
    from archive import search as _search
except ImportError:  # datasette started outside the project's environment: use the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    from archive import search as _search


def _snippet(text, query):
    return _search.make_snippet(text, _search.highlight_terms(query or ""), width=100)


def _is_archive(conn) -> bool:
    """Only govarchive databases (they have the index's state table) get the bigram escape_fts."""
    try:
        return conn.execute("select 1 from sqlite_master where name = ?", [_search.STATE_TABLE]).fetchone() is not None
    except Exception:
        return False


@hookimpl(trylast=True)  # after Datasette's own escape_fts, so that this one wins
def prepare_connection(conn):
    if _is_archive(conn):
        conn.create_function("escape_fts", 1, _search.lenient_match_expression, deterministic=True)
    conn.create_function("bigram_query", 1, _search.lenient_match_expression, deterministic=True)
    conn.create_function("bigram_snippet", 2, _snippet, deterministic=True)
    conn.create_function("bigram_split", 1, _search.bigram_split, deterministic=True)


@hookimpl
def render_cell(value, column):
    if column == "snippet" and isinstance(value, str) and "【" in value:
        html = str(escape(value)).replace("【", "<mark>").replace("】", "</mark>")
        return Markup(html)
    return None
