"""Full-text search over the archived reports: a bigram FTS5 index, a safe query language, snippets.

    >>> from archive.db import open_db
    >>> from archive.search import index_reports, search
    >>> db = open_db("data")
    >>> index_reports(db)                        # doctest: +SKIP
    {'added': 5, 'removed': 0, 'indexed': 5, 'rebuilt': False}
    >>> [hit["id"] for hit in search(db, "行政诉讼 OR 复议", year=2017)]   # doctest: +SKIP
    [2, 1, 3]

The CLI mirrors these functions: ``govarchive search QUERY`` is :func:`search`, ``govarchive index`` is
:func:`index_reports`.

How Chinese is indexed
    FTS5's tokenizers do not segment Chinese: ``unicode61`` takes a whole run of Han characters as one
    token, ``trigram`` cannot match 2-character terms (政府, 复议). So the text is split here, before
    FTS5 sees it (:func:`bigram_split`): every run of CJK characters becomes its overlapping character
    pairs plus its last character alone (``行政复议`` -> ``行政 政复 复议 议``), other letters and digits
    stay words (``2017``), everything else separates. The table uses ``unicode61``, which then just
    splits on the spaces. A CJK term of n >= 2 characters is the phrase of its n-1 pairs (``复议`` is the
    token ``复议``; ``行政诉讼`` is the phrase ``"行政 政诉 诉讼"``); a single character is a prefix query
    (``复*``): thanks to the trailing single character every character of a run starts some token, so a
    1-character query finds every occurrence. Both sides go through the same NFKC + lower-case
    normalisation (full-width digits and letters match ASCII ones). No FTS5 prefix index: measured on
    3,000 generated reports it made the index 50 % larger and 1-character queries 0.5 ms faster.

Why a contentless FTS5 table
    ``reports_fts`` is ``content=''``: it holds the index only, with ``rowid = reports.id``.
    The split text is ~2.3 times the UTF-8 size of the original, so a regular FTS5 table would store a
    second, larger copy of every text. An external-content table (``content='reports'``) does not fit
    either: FTS5 would read ``reports.text`` (unsplit) for ``snippet()``, ``highlight()``, ``delete``
    and ``rebuild``, and a well-meant ``rebuild`` (sqlite-utils' ``rebuild_fts``) would silently
    replace the bigram index with one that finds no term of more than one token. A contentless table
    needs the indexed values again to delete a row; they are recomputed from the ``reports`` row,
    which :func:`archive.db.save_report` never rewrites (a changed report is a new row, the old row
    only loses ``is_latest``). ``reports_fts_state`` remembers what each indexed row was (title,
    ``text_sha1`` and a hash of the indexed text): :func:`index_reports` compares it with ``reports``
    to find what to add and delete, and falls back to a full rebuild if an indexed row was deleted or
    rewritten in place. ``reports_fts_info`` keeps a fingerprint of ``reports`` (row count, highest
    id) so that a call with nothing new returns in well under a millisecond. Snippets are cut from the
    ORIGINAL text in Python (:func:`make_snippet`), since FTS5's ``snippet()`` has no content to work
    on here (and would show the split text anyway).

Query language (:func:`parse_query`)
    ``复议 诉讼`` both terms (AND); ``复议 OR 诉讼`` either; ``"行政复议 行政诉讼"`` (or with “ ”) a
    phrase, in which a space stands for any separator of the text (it finds 行政复议、行政诉讼; a run of
    Chinese characters is a phrase already: 政府信息公开 never matches 政府 ... 公开 apart);
    ``-诉讼`` / ``NOT 诉讼`` without; parentheses group; ``title:复议`` / ``text:复议`` one column.
    ``AND``, ``OR``, ``NOT`` are operators only in upper case.
    The user's text never reaches SQL: it is parsed here and compiled to a MATCH expression made only
    of quoted tokens that consist of letters, digits and CJK characters, passed as a parameter.
"""

from __future__ import annotations

import hashlib
import html
import operator
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field

import sqlite_utils

__all__ = [
    "FTS_TABLE", "STATE_TABLE", "INFO_TABLE", "QueryError", "normalize", "bigram_split", "ensure_fts",
    "index_reports", "index_is_current", "index_status", "parse_query", "compile_query", "match_expression",
    "lenient_match_expression", "highlight_terms", "make_snippet", "search", "count_matches",
]

FTS_TABLE = "reports_fts"
STATE_TABLE = "reports_fts_state"
INFO_TABLE = "reports_fts_info"
#: bm25 weights: a hit in the title counts five times a hit in the text.
TITLE_WEIGHT, TEXT_WEIGHT = 5.0, 1.0

# CJK: Han (BMP, extension A, compatibility, extensions B and later), 〇, kana (not the ・ dot), hangul.
_CJK = "\u3007\u3040-\u30fa\u30fc-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_RUNS = re.compile(rf"([{_CJK}]+)|([^\W_{_CJK}]+)")
_WORD_NEEDLE = re.compile(r"^[a-z0-9]+$")


class QueryError(ValueError):
    """A query that cannot be searched: unbalanced quotes or parentheses, a dangling operator, no terms."""


# -- tokenising ---------------------------------------------------------------------------------


def normalize(text: str) -> str:
    """NFKC and lower case: what both the index and the queries see."""
    return unicodedata.normalize("NFKC", text).lower()


def _runs(normalized: str) -> list[tuple[bool, str]]:
    """``(is_cjk, run)`` for each run of CJK characters or of other letters and digits."""
    return [(bool(m.group(1)), m.group(0)) for m in _RUNS.finditer(normalized)]


def _cjk_tokens(run: str) -> list[str]:
    return [a + b for a, b in zip(run, run[1:])] + [run[-1]]


def bigram_split(text: str | None) -> str:
    """The text as the FTS column holds it: CJK runs as overlapping pairs plus their last character.

    >>> bigram_split("2017年行政复议、诉讼")
    '2017 年行 行政 政复 复议 议 诉讼 讼'
    """
    if not text:
        return ""
    out: list[str] = []
    for m in _RUNS.finditer(normalize(text)):
        run = m.group(1)
        if run is None:
            out.append(m.group(0))
        else:
            out.extend(map(operator.add, run, run[1:]))
            out.append(run[-1])
    return " ".join(out)


# -- query language -----------------------------------------------------------------------------


@dataclass
class Term:
    """A word or a quoted phrase, optionally limited to one column."""

    text: str
    column: str | None = None
    phrase: bool = False


@dataclass
class And:
    positive: list = field(default_factory=list)
    negative: list = field(default_factory=list)


@dataclass
class Or:
    parts: list = field(default_factory=list)


_QUOTES = {'"': '"', "\u201c": "\u201d", "\u300c": "\u300d", "\u300e": "\u300f"}  # " “” 「」 『』
_CLOSERS = {"\u201d": "\u201c", "\u300d": "\u300c", "\u300f": "\u300e"}
_COLUMN_PREFIX = re.compile(r"^(title|text):", re.IGNORECASE)
_SPECIAL = set(_QUOTES) | set(_CLOSERS) | {"(", ")"}


def _lex(query: str) -> list[tuple[str, object]]:
    """Tokens ``(kind, value)``: ``term`` (a :class:`Term`), ``or``, ``and``, ``not``, ``(``, ``)``."""
    tokens: list[tuple[str, object]] = []
    i, n = 0, len(query)
    column: str | None = None  # a ``title:`` prefix waiting for its phrase
    while i < n:
        ch = query[i]
        if ch.isspace():
            if column:
                raise QueryError(f"'{column}:' must be followed by a term, e.g. {column}:复议")
            i += 1
            continue
        if ch in _QUOTES:
            close = _QUOTES[ch]
            end = query.find(close, i + 1)
            if end < 0 and ch != '"':
                end = query.find('"', i + 1)
            if end < 0:
                raise QueryError(f"unbalanced quote: {query[i:i + 20]!r} has no closing {close}")
            tokens.append(("term", Term(query[i + 1:end], column, phrase=True)))
            column = None
            i = end + 1
            continue
        if ch in _CLOSERS:
            raise QueryError(f"unbalanced quote: a closing {ch} without an opening {_CLOSERS[ch]}")
        if ch in "()":
            if column:
                raise QueryError(f"'{column}:' must be followed by a term, e.g. {column}:复议")
            tokens.append((ch, ch))
            i += 1
            continue
        if ch == "-" and i + 1 < n and not query[i + 1].isspace() and query[i + 1] not in "-)" and not column:
            tokens.append(("not", "-"))  # only ever at the start of a term: -诉讼, -"行政 诉讼"
            i += 1
            continue
        j = i
        while j < n and not query[j].isspace() and query[j] not in _SPECIAL:
            j += 1
        word = query[i:j]
        i = j
        if word in ("OR", "AND", "NOT") and not column:
            tokens.append((word.lower(), word))
            continue
        prefix = _COLUMN_PREFIX.match(word)
        if prefix:
            column = prefix.group(1).lower()
            word = word[prefix.end():]
            if not word:
                if i < n and query[i] in _QUOTES:
                    continue  # title:"a phrase"
                raise QueryError(f"'{column}:' must be followed by a term, e.g. {column}:复议")
        tokens.append(("term", Term(word, column)))
        column = None
    if column:
        raise QueryError(f"'{column}:' must be followed by a term, e.g. {column}:复议")
    return tokens


def parse_query(query: str):
    """Parse the user's query into an :class:`Or` of :class:`And` groups of :class:`Term` (or nested Or).

    Grammar: ``or := and ("OR" and)*``, ``and := unary+``, ``unary := ("-" | "NOT") atom | atom``,
    ``atom := "(" or ")" | term | "phrase"``; an explicit ``AND`` is allowed and means nothing more.
    """
    if query is None or not query.strip():
        raise QueryError("empty query: give one or more terms, e.g. 复议 or \"行政诉讼\"")
    tokens = _lex(query.strip())
    pos = 0

    def peek():
        return tokens[pos][0] if pos < len(tokens) else None

    def take():
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def parse_or(depth):
        parts = [parse_and(depth)]
        while peek() == "or":
            take()
            if peek() in (None, ")", "or"):
                raise QueryError("OR needs a term on both sides, e.g. 复议 OR 诉讼")
            parts.append(parse_and(depth))
        return parts[0] if len(parts) == 1 else Or(parts)

    def parse_and(depth):
        group = And()
        while True:
            kind = peek()
            if kind == "and":
                take()
                if peek() in (None, ")", "or"):
                    raise QueryError("AND needs a term on both sides, e.g. 复议 AND 诉讼")
                continue
            if kind == "not":
                take()
                if peek() in (None, ")", "or", "and", "not"):
                    raise QueryError("'-' and NOT must be followed by a term, e.g. 复议 -诉讼")
                group.negative.append(parse_atom(depth))
                continue
            if kind in ("term", "("):
                group.positive.append(parse_atom(depth))
                continue
            if kind == ")" and depth == 0:
                raise QueryError("unbalanced parentheses: ')' without '('")
            break
        if not group.positive and not group.negative:
            if peek() == "or":
                raise QueryError("OR needs a term on both sides, e.g. 复议 OR 诉讼")
            raise QueryError("empty group: give one or more terms")
        return group

    def parse_atom(depth):
        kind, value = take()
        if kind == "term":
            return value
        inner = parse_or(depth + 1)
        if peek() != ")":
            raise QueryError("unbalanced parentheses: '(' without ')'")
        take()
        return inner

    tree = parse_or(0)
    if pos != len(tokens):  # pragma: no cover - parse_and stops only at ')' or the end
        raise QueryError("unbalanced parentheses: ')' without '('")
    return tree


def _phrase(term: Term) -> str | None:
    """FTS5 phrase for one term (None when it has no letters, digits or CJK characters)."""
    runs = _runs(normalize(term.text))
    if not runs:
        return None
    tokens: list[str] = []
    prefix = False
    for k, (is_cjk, run) in enumerate(runs):
        last = k == len(runs) - 1
        if not is_cjk:
            tokens.append(run)
        elif len(run) == 1:
            tokens.append(run)
            prefix = last  # a lone last character: any token that starts with it
        else:
            pairs = _cjk_tokens(run)
            tokens.extend(pairs if not last else pairs[:-1])  # inside a phrase the run ends here
    # Tokens hold only letters, digits and CJK characters: no quote can end the string early.
    expr = '"' + " ".join(tokens) + '"' + (" *" if prefix else "")
    return f"{term.column} : {expr}" if term.column else expr


def compile_query(tree) -> str | None:
    """The FTS5 MATCH expression for a parsed query; None if no term has anything to search."""
    if isinstance(tree, Term):
        return _phrase(tree)
    if isinstance(tree, Or):
        parts = [p for p in (compile_query(t) for t in tree.parts) if p]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
    positive = [p for p in (compile_query(t) for t in tree.positive) if p]
    negative = [p for p in (compile_query(t) for t in tree.negative) if p]
    if not positive:
        if negative:
            raise QueryError("a query needs at least one term that is not negated, e.g. 复议 -诉讼")
        return None
    expr = positive[0] if len(positive) == 1 else "(" + " AND ".join(positive) + ")"
    if negative:
        expr = f"({expr} NOT " + (negative[0] if len(negative) == 1 else "(" + " OR ".join(negative) + ")") + ")"
    return expr


def match_expression(query: str) -> str:
    """The FTS5 MATCH expression for the user's query; :class:`QueryError` if it cannot be searched.

    >>> match_expression('行政诉讼 OR 复')
    '("行政 政诉 诉讼" OR "复" *)'
    """
    expr = compile_query(parse_query(query))
    if not expr:
        raise QueryError(f"nothing to search for in {query!r}: give letters, digits or Chinese characters")
    return expr


def lenient_match_expression(query: str | None) -> str:
    """Like :func:`match_expression` but never fails: for search boxes (Datasette's ``escape_fts``).

    A query that does not parse is searched as its plain words (quotes and parentheses dropped); one
    with nothing searchable becomes the empty phrase ``""``, which matches no row.
    """
    try:
        return match_expression(query or "")
    except QueryError:
        pass
    words = re.sub(r'["“”「」『』()]', " ", query or "").split()
    words = [w.lstrip("-") for w in words if w not in ("OR", "AND", "NOT")]
    phrases = [p for p in (_phrase(Term(w)) for w in words if w) if p]
    return " AND ".join(phrases) if phrases else '""'


def highlight_terms(query: str) -> list[str]:
    """The normalised runs to highlight for a query: every run of every term that is not negated."""
    try:
        tree = parse_query(query)
    except QueryError:
        return [run for _, run in _runs(normalize(query or ""))]
    found: list[str] = []

    def walk(node, negated=False):
        if isinstance(node, Term):
            if not negated:
                found.extend(run for _, run in _runs(normalize(node.text)))
        elif isinstance(node, Or):
            for part in node.parts:
                walk(part, negated)
        else:
            for part in node.positive:
                walk(part, negated)
            for part in node.negative:
                walk(part, True)

    walk(tree)
    return list(dict.fromkeys(found))


# -- snippets -----------------------------------------------------------------------------------


def _variants(ch: str) -> str:
    """A regex for one normalised character as it may appear in the original text."""
    if ch.isascii() and ch.isalnum():
        forms = {ch, ch.upper(), chr(ord(ch) + 0xFEE0), chr(ord(ch.upper()) + 0xFEE0)}  # full-width forms
        return "[" + "".join(sorted(forms)) + "]"
    return re.escape(ch)


_ALNUM = "0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"


def _needle_regex(terms: list[str]) -> re.Pattern | None:
    """One regex finding every term in the ORIGINAL text (any case, half or full width), longest first.

    The text is not normalised for this: NFKC changes lengths (``…`` becomes ``...``) and a map back to
    the original offsets costs more than the search itself.
    """
    alternatives = []
    for term in sorted(set(terms), key=len, reverse=True):
        body = "".join(_variants(ch) for ch in term)
        if _WORD_NEEDLE.match(term):
            body = rf"(?<![{_ALNUM}]){body}(?![{_ALNUM}])"
        alternatives.append(body)
    return re.compile("|".join(alternatives)) if alternatives else None


def make_snippet(text: str | None, terms: list[str], width: int = 80, mark: tuple[str, str] = ("【", "】"),
                 ellipsis: str = "…", escape=None) -> str:
    """A window of about ``width`` characters of the ORIGINAL text around the best cluster of hits.

    The window with the most distinct terms (then the most hits, then the earliest) wins; each hit is
    wrapped in ``mark``; line breaks become spaces. ``escape`` (e.g. :func:`html.escape`) is applied to
    the text between marks. Without any hit in the text the snippet is its beginning.

    >>> make_snippet("本年度收到行政复议申请2件，行政诉讼1件。", ["复议", "诉讼"], width=16)
    '…行政【复议】申请2件，行政【诉讼】1件。'
    """
    if not text:
        return ""
    escape = escape or (lambda s: s)
    regex = _needle_regex(terms)
    spans: list[tuple[int, int, str]] = []
    if regex:
        for m in regex.finditer(text):
            spans.append((m.start(), m.end(), normalize(m.group(0))))
            if len(spans) >= 2000:
                break
    if not spans:
        head = text[:width]
        return escape(_oneline(head)) + (ellipsis if len(text) > width else "")
    # Sliding window over the hits: the window starting at hit i covers the hits that end within width.
    best = (-1, -1, 0, 0)
    counts: dict[str, int] = {}
    j = 0
    for i, (start, _, _) in enumerate(spans):
        while j < len(spans) and spans[j][1] <= start + width:
            counts[spans[j][2]] = counts.get(spans[j][2], 0) + 1
            j += 1
        if (len(counts), j - i) > best[:2]:
            best = (len(counts), j - i, i, max(j - 1, i))
        key = spans[i][2]
        if j > i:
            counts[key] -= 1
            if not counts[key]:
                del counts[key]
    first, last_end = spans[best[2]][0], spans[best[3]][1]
    lead = max(0, min(first, (width - (last_end - first)) // 2, width // 4))
    start = first - lead
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    for s, e, _ in spans:  # never cut a hit in two at the end
        if s < end < e:
            end = e
    out = [ellipsis] if start > 0 else []
    cursor = start
    for s, e, _ in spans:
        if e <= start or s < cursor:
            continue
        if s >= end:
            break
        out.append(escape(_oneline(text[cursor:s])))
        out.append(mark[0] + escape(_oneline(text[s:e])) + mark[1])
        cursor = e
    if cursor < end:
        out.append(escape(_oneline(text[cursor:end])))
    if max(end, cursor) < len(text):
        out.append(ellipsis)
    return "".join(out)


def _oneline(s: str) -> str:
    return re.sub(r"\s*\n\s*", " ", s)


# -- the index ----------------------------------------------------------------------------------


def ensure_fts(db: sqlite_utils.Database) -> bool:
    """Create ``reports_fts`` with its ``_state`` and ``_info`` tables; return True if (re)created.

    If any of the three is missing the others are dropped too (they describe each other), so the
    next :func:`index_reports` fills a fresh index.
    """
    tables = (FTS_TABLE, STATE_TABLE, INFO_TABLE)
    if all(db[name].exists() for name in tables):
        return False
    with db.conn:
        for name in tables:
            db.execute(f"drop table if exists [{name}]")
        db.execute(f"create virtual table [{FTS_TABLE}] using fts5(title, text, content='', tokenize='unicode61')")
        db.execute(f"insert into [{FTS_TABLE}]([{FTS_TABLE}], rank) values ('rank', ?)",
                   [f"bm25({TITLE_WEIGHT}, {TEXT_WEIGHT})"])
        db.execute(f"create table [{STATE_TABLE}] (id integer primary key, title text, text_sha1 text, "
                   "indexed_sha1 text)")
        db.execute(f"create table [{INFO_TABLE}] (key text primary key, value text)")
    return True


def _fingerprint(db: sqlite_utils.Database) -> tuple[str, int]:
    """Changes whenever save_report adds a row (new report or new version): row count and highest id; and
    that id (0 with no report).

    Both come from indexes (no report text is read), so checking it costs well under a millisecond
    even on large archives, unlike any query on ``is_latest``, which follows ``text`` in the row.
    """
    count, top = db.execute("select count(*), max(id) from reports").fetchone()
    return f"{count}:{top}", top or 0


def _stored(db: sqlite_utils.Database, key: str) -> str | None:
    """A value of the index's info table (``fingerprint``, ``through``), None if unset."""
    if not db[INFO_TABLE].exists():
        return None
    row = db.execute(f"select value from [{INFO_TABLE}] where key = ?", [key]).fetchone()
    return row[0] if row else None


def index_is_current(db: sqlite_utils.Database) -> bool:
    """True if no report was added since the index was last brought up to date (cheap)."""
    return (db[FTS_TABLE].exists() and db[STATE_TABLE].exists()
            and _stored(db, "fingerprint") == _fingerprint(db)[0])


def _sha1(text: str | None) -> str:
    return hashlib.sha1((text or "").encode("utf-8")).hexdigest()


_STALE_SQL = f"""
select s.id from [{STATE_TABLE}] s left join reports r on r.id = s.id
where r.id is null or r.is_latest is not 1 or r.title is not s.title or r.text_sha1 is not s.text_sha1
"""
_MISSING_SQL = f"""
select r.id from reports r left join [{STATE_TABLE}] s on s.id = r.id
where r.is_latest = 1 and s.id is null
"""
# Since the index last looked (at the rows up to id ``through``) rows were only added: save_report never edits
# a title or a text in place. What left the index are then the earlier versions of the URLs saved since, and
# what joins it the rows saved since that are latest: both read through indexes, whatever the archive holds.
_STALE_SINCE_SQL = f"""
select s.id from reports r join [{STATE_TABLE}] s on s.id = r.id
where r.url in (select url from reports where id > ? and id <= ?) and r.is_latest is not 1
"""
_MISSING_SINCE_SQL = f"""
select r.id from reports r left join [{STATE_TABLE}] s on s.id = r.id
where r.id > ? and r.id <= ? and r.is_latest = 1 and s.id is null
"""


def index_status(db: sqlite_utils.Database) -> dict:
    """How far the index is behind: ``{"exists", "current", "indexed", "stale", "missing"}`` (read-only).

    ``stale``/``missing`` come from the full comparison with ``reports`` (reads every latest row);
    ``current`` is the cheap check of :func:`index_is_current`.
    """
    if not db[FTS_TABLE].exists() or not db[STATE_TABLE].exists():
        latest = db.execute("select count(*) from reports where is_latest = 1").fetchone()[0]
        return {"exists": False, "current": False, "indexed": 0, "stale": 0, "missing": latest}
    return {
        "exists": True,
        "current": index_is_current(db),
        "indexed": db.execute(f"select count(*) from [{STATE_TABLE}]").fetchone()[0],
        "stale": db.execute(f"select count(*) from ({_STALE_SQL})").fetchone()[0],
        "missing": db.execute(f"select count(*) from ({_MISSING_SQL})").fetchone()[0],
    }


def index_reports(db: sqlite_utils.Database, rebuild: bool = False, verify: bool = False,
                  batch: int = 1000) -> dict:
    """Bring ``reports_fts`` up to date with the ``is_latest = 1`` rows of ``reports``.

    Incremental: rows no longer latest (or retitled) are deleted from the index, latest rows not yet
    in it are added, looking only at the rows added since the last call and the earlier versions of their
    URLs (a call costs what was saved since, not what the archive holds). When no row was added to
    ``reports`` since the last call (:func:`index_is_current`) it returns at once, so the crawler can call
    it after every crawl. ``verify=True`` compares every row (for rows edited in place, which save_report
    never does); ``rebuild=True`` (or an indexed row whose text can no longer be reproduced) empties and
    refills the index. Returns
    ``{"added", "removed", "indexed", "rebuilt"}``. Each batch of ``batch`` reports is one short
    transaction (texts are split before it begins), so a crawl writing at the same time waits for one
    batch's inserts at most (about a second for 1,000 reports).
    """
    ensure_fts(db)
    fingerprint, top = _fingerprint(db)  # taken first: a report saved while we index changes it again
    if not rebuild and not verify and _stored(db, "fingerprint") == fingerprint:
        indexed = db.execute(f"select count(*) from [{STATE_TABLE}]").fetchone()[0]
        return {"added": 0, "removed": 0, "indexed": indexed, "rebuilt": False}
    through = None if rebuild or verify else _stored(db, "through")
    since = [int(through), top] if through is not None else []
    removed = added = 0
    stale = [row[0] for row in db.execute(_STALE_SINCE_SQL if since else _STALE_SQL, since).fetchall()]
    if stale and not rebuild:
        rebuild = not _remove(db, stale)
        removed = 0 if rebuild else len(stale)
    if rebuild:
        with db.conn:
            db.execute(f"insert into [{FTS_TABLE}]([{FTS_TABLE}]) values ('delete-all')")
            db.execute(f"delete from [{STATE_TABLE}]")
        since = []
    missing = [row[0] for row in db.execute(_MISSING_SINCE_SQL if since else _MISSING_SQL, since).fetchall()]
    for i in range(0, len(missing), batch):
        ids = missing[i:i + batch]
        marks = ",".join("?" * len(ids))
        rows = db.execute(f"select id, title, text, text_sha1 from reports where id in ({marks})", ids).fetchall()
        # split before the transaction: the write lock is held only for the inserts
        split = [(report_id, bigram_split(title), bigram_split(text)) for report_id, title, text, _ in rows]
        state = [(report_id, title, text_sha1, _sha1(text)) for report_id, title, text, text_sha1 in rows]
        with db.conn:
            db.conn.executemany(f"insert into [{FTS_TABLE}](rowid, title, text) values (?, ?, ?)", split)
            db.conn.executemany(f"insert into [{STATE_TABLE}](id, title, text_sha1, indexed_sha1) values (?, ?, ?, ?)",
                                state)
        added += len(rows)
    with db.conn:
        db.conn.executemany(f"insert or replace into [{INFO_TABLE}](key, value) values (?, ?)",
                            [("fingerprint", fingerprint), ("through", str(top))])
    indexed = db.execute(f"select count(*) from [{STATE_TABLE}]").fetchone()[0]
    return {"added": added, "removed": removed, "indexed": indexed, "rebuilt": bool(rebuild)}


def _remove(db: sqlite_utils.Database, ids: list[int]) -> bool:
    """Delete indexed rows by re-tokenising what was indexed; False if some text is gone or changed."""
    with db.conn:
        for report_id in ids:
            state = db.execute(f"select title, indexed_sha1 from [{STATE_TABLE}] where id = ?", [report_id]).fetchone()
            row = db.execute("select text from reports where id = ?", [report_id]).fetchone()
            if row is None or _sha1(row[0]) != state[1]:
                return False  # the indexed text cannot be reproduced: the caller rebuilds
            db.execute(f"insert into [{FTS_TABLE}]([{FTS_TABLE}], rowid, title, text) values ('delete', ?, ?, ?)",
                       [report_id, bigram_split(state[0]), bigram_split(row[0])])
            db.execute(f"delete from [{STATE_TABLE}] where id = ?", [report_id])
    return True


# -- searching ----------------------------------------------------------------------------------


def _filters(year=None, portal=None, agency=None) -> tuple[list[str], list]:
    where, params = [], []
    if year is not None:
        where.append("r.report_year = ?")
        params.append(int(year))
    if portal:
        where.append("r.portal = ?")
        params.append(portal)
    if agency:
        where.append("instr(r.agency, ?) > 0")
        params.append(agency)
    return where, params


def search(db: sqlite_utils.Database, query: str, year: int | None = None, portal: str | None = None,
           agency: str | None = None, limit: int = 20, offset: int = 0, snippet_width: int = 80,
           mark: tuple[str, str] = ("【", "】")) -> list[dict]:
    """Latest reports matching ``query``, best first (bm25, title weighted ×5), each with a snippet.

    ``year`` and ``portal`` must match exactly, ``agency`` is a substring (``常德`` finds every 常德
    agency). Each hit: ``id, report_year, portal, agency, title, url, publish_date, rank, snippet``
    (``mark`` around hits) and ``snippet_html`` (escaped, ``<mark>``). Raises :class:`QueryError` for a
    query that cannot be searched; never builds SQL from the query text.
    """
    expr = match_expression(query)
    if not db[FTS_TABLE].exists():
        raise QueryError("the archive has no search index yet: run `govarchive index`")
    where, params = _filters(year, portal, agency)
    sql = _matching("f.rowid as id, f.rank as rank", where) + "order by f.rank limit ? offset ?"
    try:
        ranked = db.execute(sql, [expr, *params, int(limit), int(offset)]).fetchall()
    except sqlite3.OperationalError as exc:  # should not happen: the expression is built here
        raise QueryError(f"the search index rejected the query {query!r}: {exc}") from None
    if not ranked:
        return []
    ids = [row[0] for row in ranked]
    marks = ",".join("?" * len(ids))
    rows = {row["id"]: row for row in db.query(
        f"select id, report_year, portal, agency, title, url, publish_date, text from reports where id in ({marks})",
        ids)}
    terms = highlight_terms(query)
    hits = []
    for report_id, rank in ranked:
        row = rows[report_id]
        text = row.pop("text")
        hits.append({
            **row,
            "rank": float(f"{rank:.4g}"),
            "snippet": make_snippet(text, terms, snippet_width, mark),
            "snippet_html": make_snippet(text, terms, snippet_width, ("<mark>", "</mark>"), escape=html.escape),
        })
    return hits


def _matching(columns: str, where: list[str]) -> str:
    """``select COLUMNS`` of the index rows matching ``?`` (the match expression) and the filters ``where``
    (on ``reports r``, joined only when there are filters)."""
    return (f"select {columns} from [{FTS_TABLE}] f " + ("join reports r on r.id = f.rowid " if where else "")
            + f"where [{FTS_TABLE}] match ? " + "".join(f"and {w} " for w in where))


def count_matches(db: sqlite_utils.Database, query: str, year: int | None = None, portal: str | None = None,
                  agency: str | None = None) -> int:
    """How many latest reports match ``query`` (with the same filters as :func:`search`)."""
    expr = match_expression(query)
    where, params = _filters(year, portal, agency)
    sql = _matching("count(*)", where)
    try:
        return db.execute(sql, [expr, *params]).fetchone()[0]
    except sqlite3.OperationalError as exc:  # pragma: no cover
        raise QueryError(f"the search index rejected the query {query!r}: {exc}") from None
