"""The one body renderer: gold-format lines -> the HTML a portal's editor would have produced.

Input is a report (or any article) as the corpus gold files write it: one paragraph a line, a table
row a line with cells joined by ``|``. Consecutive ``|`` lines become one ``<table>``; every other line
becomes one block (a ``<p>``, sometimes holding ``<strong>``/``<span>`` runs). Reading the result back
(each ``<p>`` outside tables as a line, each table row's ``<td>``s in document order) gives the input
lines again: ``tests/test_sampleportals.py`` checks exactly that for every corpus report.

Styles imitate the editors seen on real portals:

- ``trs``: TRS WCM editor (``text-indent: 2em`` paragraphs, ``&nbsp;`` indents, ``<span>`` runs).
- ``word``: text pasted from Word (``MsoNormal``, ``<o:p>``, a ``_GoBack`` anchor), like 000 and 002.
- ``old``: an old county CMS (``<p>`` with two ideographic spaces as the indent, ``<b>`` headings).
- ``kpy``: 开普云 editor (long inline styles, ``<strong>`` headings, tables with ``<p>`` in cells).
"""

from __future__ import annotations

import re
from html import escape

HEAD1 = re.compile(r"^[一二三四五六七八九十]+、")
HEAD2 = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
SENTENCE_END = re.compile(r"(?<=[。；;])")


def split_cells(line: str) -> list[str]:
    """A gold table row as cells: split on ``|``, strip, drop trailing empty cells."""
    cells = [c.strip() for c in line.split("|")]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def blocks(lines: list[str]) -> list[tuple[str, object]]:
    """``[("p", text) | ("table", [cells, ...])]`` from gold lines (blank lines skipped)."""
    out: list[tuple[str, object]] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if "|" in line:
            if out and out[-1][0] == "table":
                out[-1][1].append(split_cells(line))
            else:
                out.append(("table", [split_cells(line)]))
        else:
            out.append(("p", line))
    return out


def _kind(text: str) -> str:
    if len(text) <= 30 and HEAD1.match(text):
        return "h1"
    if len(text) <= 30 and HEAD2.match(text):
        return "h2"
    return "p"


def _runs(text: str, tag: str = "span", attrs: str = "") -> str:
    """Text split at sentence ends into adjacent inline runs (no white space between them)."""
    parts = [p for p in SENTENCE_END.split(text) if p] if len(text) > 60 else [text]
    if len(parts) > 3:  # at most three runs: first sentence, the middle, last sentence
        parts = [parts[0], "".join(parts[1:-1]), parts[-1]]
    return "".join(f"<{tag}{attrs}>{escape(p, quote=False)}</{tag}>" for p in parts)


# --- paragraph markup per style ---------------------------------------------------------------------

def _p_trs(text: str, kind: str, align: str | None) -> str:
    if align:
        return f'<p style="text-align: {align};"><strong>{escape(text, quote=False)}</strong></p>'
    if kind == "h1":
        return f'<p style="text-indent: 2em;"><strong>{escape(text, quote=False)}</strong></p>'
    if kind == "h2":
        return f'<p style="text-indent: 2em;"><strong><span style="font-family: 楷体_GB2312;">{escape(text, quote=False)}</span></strong></p>'
    return ('<p style="text-indent: 2em;">&nbsp;'
            + _runs(text, "span", ' style="font-family: 仿宋_GB2312; font-size: 16pt;"') + "</p>")


_MSO = "font-size:16.0pt;font-family:仿宋_GB2312"


def _p_word(text: str, kind: str, align: str | None) -> str:
    if align:
        font = "方正小标宋简体" if align == "center" else "仿宋_GB2312"
        return (f'<p class="MsoNormal" align="{align}" style="text-align:{align};line-height:28.0pt">'
                f'<span style="font-size:{"22.0" if align == "center" else "16.0"}pt;font-family:{font}">'
                f'{escape(text, quote=False)}</span><span lang="EN-US"><o:p></o:p></span></p>')
    font = {"h1": "黑体", "h2": "楷体_GB2312"}.get(kind, "仿宋_GB2312")
    return ('<p class="MsoNormal" style="text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt">'
            f'<span style="font-size:16.0pt;font-family:{font}">{escape(text, quote=False)}</span>'
            f'<span lang="EN-US" style="{_MSO}"><o:p></o:p></span></p>')


def _p_old(text: str, kind: str, align: str | None) -> str:
    if align:
        return f'<p align="{align}">{escape(text, quote=False)}</p>'
    if kind in ("h1", "h2"):
        return f"<p>\u3000\u3000<b>{escape(text, quote=False)}</b></p>"
    return f"<p>\u3000\u3000{escape(text, quote=False)}</p>"


_KPY = "line-height: 1.5; font-family: 仿宋_GB2312; font-size: 16pt; margin-top: 0px; margin-bottom: 0.5em;"


def _p_kpy(text: str, kind: str, align: str | None) -> str:
    if align:
        return f'<p style="text-align: {align}; {_KPY}">{escape(text, quote=False)}</p>'
    if kind == "h1":
        return f'<p style="text-indent: 2em; {_KPY}"><strong>{escape(text, quote=False)}</strong></p>'
    if kind == "h2":
        return f'<p style="text-indent: 2em; {_KPY}"><span style="font-family: 楷体_GB2312;">{escape(text, quote=False)}</span></p>'
    return f'<p style="text-align: justify; text-indent: 2em; {_KPY}">{escape(text, quote=False)}</p>'


PARAGRAPH = {"trs": _p_trs, "word": _p_word, "old": _p_old, "kpy": _p_kpy}
BLANK = {"trs": "<p>&nbsp;</p>", "word": '<p class="MsoNormal"><span lang="EN-US"><o:p>&nbsp;</o:p></span></p>',
         "old": "<p>&nbsp;</p>", "kpy": "<p><br/></p>"}


# --- tables -----------------------------------------------------------------------------------------

def parse_spans(spec: str) -> list[tuple[int, int]]:
    """``"c3r3 c7 . r2"`` -> [(3, 3), (7, 1), (1, 1), (1, 2)]: (colspan, rowspan) per cell."""
    out = []
    for token in spec.split():
        m = re.fullmatch(r"(?:c(\d+))?(?:r(\d+))?|\.", token)
        if not m:
            raise ValueError(f"bad span token {token!r}")
        out.append((int(m.group(1) or 1), int(m.group(2) or 1)) if token != "." else (1, 1))
    return out


def _default_spans(rows: list[list[str]]) -> list[list[tuple[int, int]]]:
    """No layout given: the last cell of a short row spans the remaining columns."""
    width = max(len(r) for r in rows)
    return [[(1, 1)] * (len(r) - 1) + [(width - len(r) + 1, 1)] for r in rows]


def render_table(rows: list[list[str]], spans: dict[int, str] | None, style: str) -> str:
    if spans is None:
        layout = _default_spans(rows)
    else:
        layout = [parse_spans(spans[i]) if i in spans else [(1, 1)] * len(r) for i, r in enumerate(rows)]
    out = ['<table border="1" cellspacing="0" cellpadding="0" width="100%" '
           'style="border-collapse: collapse; border: none;"><tbody>']
    for cells, cell_spans in zip(rows, layout):
        if len(cell_spans) != len(cells):
            raise ValueError(f"span layout {cell_spans} does not fit row {cells}")
        out.append("<tr>")
        for text, (colspan, rowspan) in zip(cells, cell_spans):
            attrs = (f' colspan="{colspan}"' if colspan > 1 else "") + (f' rowspan="{rowspan}"' if rowspan > 1 else "")
            inner = escape(text, quote=False)
            if style == "kpy":
                inner = f'<p style="text-align: center; line-height: 1.5;">{inner}</p>'
            elif style == "word":
                inner = f'<p class="MsoNormal" align="center" style="text-align:center"><span style="font-size:10.5pt">{inner}</span></p>'
            else:
                inner = f'<span style="font-size: 12pt;">{inner}</span>'
            out.append(f'<td{attrs} valign="middle" style="border: 1px solid #000000; padding: 0 5px;">{inner}</td>')
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def render_body(lines: list[str], style: str = "trs", *, align: dict[int, str] | None = None,
                lead_blank: int = 0, table_spans: list[dict[int, str] | None] | None = None,
                bookmark_at: int | None = None) -> str:
    """HTML for a body. ``align``: block index (negative counts from the end) -> "center"/"right";
    ``lead_blank``: empty paragraphs the editor left before the text; ``table_spans``: per table, a
    dict row -> span spec (see ``parse_spans``); ``bookmark_at``: block index that gets Word's
    ``<a name="_GoBack"></a>``."""
    para = PARAGRAPH[style]
    items = blocks(lines)
    align = {(k if k >= 0 else len(items) + k): v for k, v in (align or {}).items()}
    if bookmark_at is not None and bookmark_at < 0:
        bookmark_at += len(items)
    html = [BLANK[style]] * lead_blank
    table_no = 0
    for i, (kind, value) in enumerate(items):
        if kind == "table":
            spans = table_spans[table_no] if table_spans and table_no < len(table_spans) else None
            html.append(render_table(value, spans, style))
            table_no += 1
            continue
        block = para(value, _kind(value), align.get(i))
        if i == bookmark_at:
            block = block.replace("</span>", '<a name="_GoBack"></a></span>', 1)
        html.append(block)
    return "\n".join(html)
