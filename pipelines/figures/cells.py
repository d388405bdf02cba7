"""One table cell: its label for matching, its number and unit.

Labels are matched after ``squash``: NFKC (full-width digits, parentheses, colons and commas become
ASCII), white space removed (``商业 企业``, ``三、本 年度办 理结果``) and quotes dropped (``“三安全一稳定”``
in any quote style). Values keep what the cell printed in ``raw``; ``parse_value`` reads the number.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WS = re.compile(r"\s+")
_QUOTES = re.compile(r"[\"'“”‘’「」『』〝〞″]")
# Parenthesised notes in headers and labels: (单位:万元), (指2019年事项数), (区分处理的,只计这一情形…)
PAREN = re.compile(r"\([^()]*\)")
UNIT_NOTE = re.compile(r"^(?:单位:?|计量单位:?)?(万元|元|亿元|件|条|个|项|次|人次|%)$")

# A cell that says "nothing here": printed as a dash, a slash or 无.
NULL_MARKS = {"/", "\\", "-", "--", "—", "——", "–", "―", "无"}
UNITS = ("万元", "亿元", "元", "人次", "件", "条", "个", "项", "次", "宗", "起", "%")
_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?)(余|多)?(%s)?$" % "|".join(UNITS))


def collapse(text) -> str:
    """A cell's text as printed on one line: white space runs collapsed, ends stripped."""
    return _WS.sub(" ", str(text or "")).strip()


@lru_cache(maxsize=4096)
def squash(text: str) -> str:
    """Text for matching labels: NFKC, no white space, no quotes. Cached: the same labels come back row after
    row, report after report (a few hundred of them; a larger cache only grows an extraction worker with
    cells and lines it will not see again)."""
    return _QUOTES.sub("", _WS.sub("", unicodedata.normalize("NFKC", text or "")))


def parse_value(raw: str) -> tuple[int | float | None, str | None]:
    """``(value, unit)`` of a value cell: ``"855"`` -> (855, None), ``"28.50"`` -> (28.5, None),
    ``"75394432.52元"`` -> (75394432.52, "元"), ``"1,234"`` -> (1234, None), ``"1000余"`` -> (1000, None);
    blank, a dash, a slash or anything that is not one number -> (None, None)."""
    text = squash(raw).replace(",", "")
    match = _NUMBER.match(text)
    if not match:
        return None, None
    number, _, unit = match.groups()
    value = float(number) if "." in number else int(number)
    return value, unit


def is_value_cell(raw: str) -> bool:
    """A cell that holds a figure or the mark of one: a number (with its unit), blank, a dash or 无."""
    text = squash(raw).replace(",", "")
    return not text or text in NULL_MARKS or bool(_NUMBER.match(text))


def header_key(raw: str) -> tuple[str, str | None]:
    """A column header as ``(key, unit)``: spaces and parenthesised notes removed, a unit named in a
    note kept: ``"本年收费金额（单位：万元）"`` -> ("本年收费金额", "万元")."""
    text = squash(raw)
    unit = None
    for note in PAREN.findall(text):
        found = UNIT_NOTE.match(note[1:-1])
        if found:
            unit = found.group(1)
    return PAREN.sub("", text), unit
