"""How every ``govarchive`` command prints what it lists: one table renderer (CJK-aware, cells wrap), JSON and CSV.

A command describes its table with :class:`Column` and hands rows (dicts) and ``--format`` to :func:`emit`;
``json`` prints the rows as they are, ``csv`` their columns (or the fields given).
"""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
from dataclasses import dataclass

import click


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    align: str = "<"  # "<" left, ">" right
    max_lines: int | None = None  # a longer cell is cut with …


def emit(rows: list[dict], columns: list[Column], fmt: str, fields: list[str] | None = None) -> None:
    """Print ``rows`` as a table, JSON or CSV."""
    if fmt == "json":
        echo_json(rows)
    elif fmt == "csv":
        write_csv(rows, fields or [column.key for column in columns])
    else:
        click.echo(render_table(rows, columns))


def echo_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def write_csv(rows: list[dict], fieldnames: list[str]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=fieldnames, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def render_table(rows: list[dict], columns: list[Column]) -> str:
    """A plain-text table; cells wrap within their column's width."""
    sep = "  "
    out = [sep.join(pad(c.header, c.width, c.align) for c in columns).rstrip(),
           sep.join("-" * c.width for c in columns)]
    for row in rows:
        cells = [wrap_cells(row.get(c.key), c.width, c.max_lines) for c in columns]
        for i in range(max(len(lines) for lines in cells)):
            out.append(sep.join(pad(lines[i] if i < len(lines) else "", c.width, c.align)
                                for lines, c in zip(cells, columns)).rstrip())
    return "\n".join(out)


def cell_width(text: str) -> int:
    """Terminal columns of ``text``: CJK and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1
               for ch in text)


def wrap_cells(text, width: int, max_lines: int | None = None) -> list[str]:
    """``text`` cut into lines of at most ``width`` terminal columns (… marks a cut at ``max_lines``)."""
    text = " ".join(str(text if text is not None else "").split())
    lines, line, used = [], [], 0
    for ch in text:
        w = cell_width(ch)
        if used + w > width:
            lines.append("".join(line).rstrip())
            line, used = [], 0
            if ch == " ":
                continue
        line.append(ch)
        used += w
    if line or not lines:
        lines.append("".join(line))
    if max_lines and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and cell_width(last) + 1 > width:
            last = last[:-1]
        if last.count("【") > last.count("】"):  # do not leave a highlight open
            last = last[:last.rfind("【")]
        lines[-1] = last + "…"
    return lines


def pad(text: str, width: int, align: str = "<") -> str:
    fill = " " * max(0, width - cell_width(text))
    return fill + text if align == ">" else text + fill


def size(n: int | None) -> str:
    """Bytes for people: 512 B, 3.2 KB, 1.1 GB."""
    n = n or 0
    for unit in ("B", "KB", "MB"):
        if n < 1024:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def checks_summary(checks: list[dict]) -> str:
    """``, checks: 12 passed, 1 failed (t3.balance:总计)`` for a report's consistency checks ('' for none)."""
    if not checks:
        return ""
    failed = [check["name"] for check in checks if not check["ok"]]
    names = f" ({', '.join(failed[:5])}{' …' if len(failed) > 5 else ''})" if failed else ""
    return f", checks: {len(checks) - len(failed)} passed, {len(failed)} failed{names}"
