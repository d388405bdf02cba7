"""Headline figures of reports written before the standard format (before 2019), from their own tables
and sentences.

These reports have no fixed tables, so only a few figures are read, each with how it was found:

- ``table_no`` 0 (not a template table);
- ``row_key`` the headline: ``主动公开`` (information published proactively), ``收到申请`` (requests
  received), ``答复申请`` (requests answered), ``行政复议`` (reviews), ``行政诉讼`` (lawsuits), ``收费``
  (fees charged for requests);
- ``col_key`` the method: ``表格`` from a row of a table (``收到申请数 | 件 | 12``: a label the headline's
  patterns match, its last number), ``正文`` from a sentence (``共受理政府信息公开申请67件``; ``未收到政府
  信息公开申请`` and the like give 0);
- ``raw`` the cells (`` | ``-joined) or the words the figure was read from, as printed; ``unit`` as printed.

The first match of each headline in a source wins: reports name their own (or their whole region's)
figure first and break it down after. Sentences and tables can both give a headline: both are kept,
which shows where a report contradicts itself.
"""

from __future__ import annotations

import re

from .cells import UNITS, parse_value, squash
from .template import split_row

TABLE, SENTENCE = "表格", "正文"
MAX_LABEL = 40  # a table label is short; a longer "label" is a paragraph

_ENUM = re.compile(r"^(?:其中:?|[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d+[.、])+")
LABELS = (
    ("主动公开", r"主动公开的?(?:政府)?(?:信息|文件)总?(?:数|条数|数量)"),
    ("收到申请", r"(?:收到|受理)的?(?:政府信息公开|信息公开)?申请总?(?:数|件数|数量)|申请总数|依申请公开(?:申请)?总?数"),
    ("答复申请", r"(?:申请)?(?:答复|办结)总?(?:数|件数)|对申请的答复总数|已答复(?:申请)?数"),
    ("行政复议", r"(?:因政府信息公开)?(?:申请)?行政复议(?:案件)?(?:数|数量|件数)"),
    ("行政诉讼", r"(?:因政府信息公开)?(?:提起)?行政诉讼(?:案件)?(?:数|数量|件数)"),
    ("收费", r"(?:依申请公开信息)?收取的?费用|收费(?:金额|总额|数额)"),
)
_LABELS = [(key, re.compile(pattern)) for key, pattern in LABELS]

_GAP = r"[^。;!?\n\d]"  # words between a subject and its number, within one sentence
_TIGHT = r"[^。;,、!?\n\d]"  # the same within one clause
_COUNT = r"(?P<n>\d+(?:\.\d+)?)(?:余|多)?(?P<unit>件|条|宗|起|个)"
_NONE = r"(?:未|没有)(?:发生|出现|收到|接到|产生)"
SENTENCES = (  # (headline, pattern); a pattern without a number says the figure is 0
    ("主动公开", rf"主动公开(?:政府)?信息{_GAP}{{0,8}}?{_COUNT}"),
    ("收到申请", rf"(?:受理|收到|接到|接收){_GAP}{{0,15}}?申请{_GAP}{{0,6}}?{_COUNT}"),
    ("收到申请", r"未(?:收到|受理|接到)(?:任何)?(?:政府信息公开|依申请公开|信息公开)申请"),
    ("答复申请", rf"申请{_GAP}{{0,6}}?(?:答复|办结){_GAP}{{0,4}}?{_COUNT}"),
    ("行政复议", rf"行政复议(?:案件|申请)?{_GAP}{{0,6}}?{_COUNT}"),
    ("行政复议", rf"{_COUNT}{_TIGHT}{{0,8}}?行政复议"),
    ("行政复议", rf"{_NONE}{_GAP}{{0,30}}?行政复议"),
    ("行政诉讼", rf"行政诉讼(?:案件|案)?{_GAP}{{0,6}}?{_COUNT}"),
    ("行政诉讼", rf"{_COUNT}{_TIGHT}{{0,8}}?行政诉讼"),
    ("行政诉讼", rf"{_NONE}{_GAP}{{0,40}}?行政诉讼"),
    ("收费", rf"收取{_GAP}{{0,12}}?费用{_GAP}{{0,6}}?(?P<n>\d+(?:\.\d+)?)(?P<unit>万元|元)"),
    ("收费", rf"(?:没有|未|无|不){_GAP}{{0,12}}?(?:收取|产生){_GAP}{{0,20}}?(?:费用|收费)"),
)
_SENTENCES = [(key, re.compile(pattern)) for key, pattern in SENTENCES]


def table_headlines(rows: list[list[str]]) -> list[dict]:
    """Headlines from table rows: ``label | unit | number`` in any order of unit and number."""
    found: dict[str, dict] = {}
    for row in rows:
        units = [squash(cell) for cell in row if squash(cell) in UNITS]
        label, values = split_row([cell for cell in row if squash(cell) not in UNITS])
        label = _ENUM.sub("", label)
        numbers = [value for value in values if parse_value(value)[0] is not None]
        if not numbers or not label or len(label) > MAX_LABEL:
            continue
        key = next((key for key, pattern in _LABELS if pattern.match(label)), None)
        if key and key not in found:
            value, unit = parse_value(numbers[-1])
            found[key] = _headline(key, TABLE, value, unit or (units[0] if units else None), " | ".join(row))
    return list(found.values())


def text_headlines(text: str) -> list[dict]:
    """Headlines from sentences: for each, the earliest phrase any of its patterns matches."""
    lines = text.splitlines()
    flat = "\n".join(squash(line) for line in lines)
    found: dict[str, tuple[int, dict]] = {}
    for key, pattern in _SENTENCES:
        match = pattern.search(flat)
        if match and (key not in found or match.start() < found[key][0]):
            number = match.groupdict().get("n")
            value = (float(number) if "." in number else int(number)) if number else 0
            raw = _printed(lines, flat, match.start(), match.end())
            found[key] = (match.start(), _headline(key, SENTENCE, value, match.groupdict().get("unit"), raw))
    return [headline for _, headline in found.values()]


def _printed(lines: list[str], flat: str, start: int, end: int) -> str:
    """The words as printed whose ``squash`` is ``flat[start:end]`` (a match never spans lines)."""
    number = flat.count("\n", 0, start)
    offset = start - (flat.rfind("\n", 0, start) + 1)
    line, seen, first = lines[number], 0, None
    for index, char in enumerate(line):
        if first is None and seen >= offset and squash(char):
            first = index
        seen += len(squash(char))
        if seen >= offset + end - start:
            return line[first:index + 1]
    return line[first:]


def _headline(key: str, method: str, value, unit: str | None, raw: str) -> dict:
    return {"table_no": 0, "row_key": key, "col_key": method, "value": value, "unit": unit, "raw": raw}
