"""Comparing extracted text with a gold text, line by line, table rows cell by cell.

A table row is a line holding ``|``: it is compared as its cells (split on ``|``, each stripped, trailing
empty cells dropped), so ``a | b |  | `` and ``| a | b |`` are the same row. Other lines are compared after
``rstrip``. Empty lines are ignored on both sides.
"""

from __future__ import annotations

import difflib


def row_cells(line: str) -> list[str]:
    """The cells of a table row: split on ``|``, stripped, trailing empty cells dropped; a leading empty
    cell from a ``| a | b |`` row is dropped too."""
    cells = [cell.strip() for cell in line.split("|")]
    if line.lstrip().startswith("|") and cells and not cells[0]:
        cells = cells[1:]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def normalise_line(line: str):
    """What a line is compared as: its cells for a table row, else the line without trailing spaces."""
    line = line.rstrip()
    return tuple(row_cells(line)) if "|" in line else line


def comparable(text: str) -> list:
    return [normalise_line(line) for line in text.splitlines() if line.strip()]


def text_diff(got: str, want: str, context: int = 1) -> list[str]:
    """Differences between two texts as unified-diff lines (empty when they match)."""
    a, b = comparable(got), comparable(want)
    if a == b:
        return []
    show = [" | ".join(x) if isinstance(x, tuple) else x for x in a]
    gold = [" | ".join(x) if isinstance(x, tuple) else x for x in b]
    return list(difflib.unified_diff(gold, show, "gold", "extracted", n=context, lineterm=""))


def assert_same_text(got: str, want: str, label: str = "") -> None:
    """Assert two texts match line by line (table rows cell by cell), showing a diff when they don't."""
    diff = text_diff(got, want)
    if diff:
        shown = "\n".join(line[:160] for line in diff[:60])
        raise AssertionError(f"{label}: extracted text differs from gold ({len(diff)} diff lines)\n{shown}")
