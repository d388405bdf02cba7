"""The set of real reports (``tests/fixtures/realreports/MANIFEST.json``): where each page is, how it is read,
and what was verified by hand about it. Used by ``bench/real_figures.py``.

A page is looked for in the set's own folder (pages whose repository's licence lets govarchive keep them) and
then in the folders given (``--pages DIR``): the others stay outside the repository.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.figures import parse_report
from pipelines.figures.template import ITEM_COUNT, T3_COLUMNS, T4_GROUPS, T4_RESULTS

SET_DIR = Path(__file__).parent / "fixtures" / "realreports"
MANIFEST = SET_DIR / "MANIFEST.json"
CONTENT_TYPES = {"pdf": "application/pdf", "html": "text/html"}
IDENTITIES = ("t3.balance", "t3.results", "t3.subtotal", "t3.row_total", "t4.total")


@dataclass
class RealPage:
    """One report of the set as MANIFEST.json describes it; ``path`` None when no copy was found."""
    file: str
    body: str
    year: int
    kind: str
    committed: bool
    complete: bool
    report_errors: dict[str, str] = field(default_factory=dict)
    source_losses: dict[str, str] = field(default_factory=dict)
    hand_checked: dict[str, int | float | None] = field(default_factory=dict)
    path: Path | None = None

    def parse(self) -> dict:
        """``parse_report`` of the page as the crawl would see it: a PDF or HTML page as served, a text
        conversion as the report's clean text."""
        body = self.path.read_bytes()
        if self.kind == "text":
            return parse_report(None, "", [], body.decode("utf-8"), self.year)
        return parse_report(body, CONTENT_TYPES[self.kind], [], "", self.year)


def load_set(folders=()) -> list[RealPage]:
    """Every page of the manifest, each with the first copy found in the set's folder or ``folders``."""
    entries = json.loads(MANIFEST.read_text(encoding="utf-8"))["pages"]
    fields = RealPage.__dataclass_fields__
    pages = [RealPage(**{key: value for key, value in entry.items() if key in fields}) for entry in entries]
    for page in pages:
        page.path = next((folder / page.file for folder in [SET_DIR, *map(Path, folders)]
                          if (folder / page.file).is_file()), None)
    return pages


def identity(check_name: str) -> str:
    """``t3.balance:总计`` -> ``t3.balance``; ``t3.subtotal:三（三）:自然人`` -> ``t3.subtotal``."""
    return check_name.split(":", 1)[0]


def cell(figures: list[dict], key: str) -> int | float | None:
    """The value of ``"table|row|column"`` among ``figures``; KeyError when it was not read."""
    table, row, col = key.split("|")
    (value,) = [f["value"] for f in figures if (f["table_no"], f["row_key"], f["col_key"]) == (int(table), row, col)]
    return value


def full_keys(form: int) -> set[tuple[int, str, str]]:
    """Every (table, row, column) of 表三 and 表四 in the form of 2019 (one （六）其他处理 row) or 2021."""
    items = [f"三（{group}）{n}" for group, count in ITEM_COUNT.items() if form > 2019 or group != "六"
             for n in range(1, count + 1)]
    rows = ["一", "二", "三（一）", "三（二）", *items, *(["三（六）"] if form == 2019 else []), "三（七）", "四"]
    return ({(3, row, col) for row in rows for col in T3_COLUMNS}
            | {(4, group, result) for group in T4_GROUPS for result in T4_RESULTS})


def has_full_keys(figures: list[dict]) -> bool:
    """All of 表三 and 表四 read, in either form: reports on the 2021 form may still print （六）其他处理 as
    the single row of 2019 (洪泽区 2023, 2024)."""
    found = {(f["table_no"], f["row_key"], f["col_key"]) for f in figures}
    return any(full_keys(form) <= found for form in (2019, 2021))
