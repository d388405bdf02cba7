"""The one text form of a table row in the archive: its cells joined by `` | ``, one row a line.

HTML tables (pipelines/clean.py), Word, Excel and PDF tables (pipelines/attachments.py) all come out this
way, so that the statistics parser (pipelines/figures) and people read them alike.
"""

from __future__ import annotations

import re

CELL_SEPARATOR = " | "
_SPACE = re.compile(r"\s+")


def table_row(cells) -> str:
    """Cells (strings) joined by `` | ``; white space inside a cell collapsed, empty trailing cells dropped."""
    texts = [_SPACE.sub(" ", cell).strip() for cell in cells]
    while texts and not texts[-1]:
        texts.pop()
    return CELL_SEPARATOR.join(texts)
