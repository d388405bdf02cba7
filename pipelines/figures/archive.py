"""``govarchive parse``: the statistics of a whole archive, read again where they are missing or stale.

1. Every report version whose figures were never read, or were read by another parser version
   (``reports.figures_parser`` differs from PARSER), is parsed from what the archive holds: its page as
   served (the WARC record its row points at), the attachments whose text was read, and its clean text.
2. Across the years of one body (a portal's agency, its name normalised as ``govarchive coverage`` does):
   ``t3.carryover:<col>`` checks that this year's 二、上年结转 equals last year's 四、结转下年度继续办理.
3. Copied reports: for each latest report not compared yet, the earlier report of its body, or a report of
   another body of its portal of the same year or the year before, whose text it repeats most, with the
   share (``report_copies``). A report is compared again when its source is replaced by a new version, or
   with ``force``; a report archived later that would be a better source for one compared before is
   found by ``force`` only.

Idempotent: a second run changes nothing. Cross-report steps (``relate_reports``, which every
``govarchive crawl`` and ``backfill`` runs when it ends) cover the latest versions only.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

import sqlite_utils

from archive import db as archive_db
from archive.coverage import group_bodies, load
from archive.warc import read_record

from .checks import carryover_checks
from .copies import find_sources
from .parse import PARSER, parse_report

logger = logging.getLogger(__name__)


def parse_archive(db: sqlite_utils.Database, data_dir, force: bool = False, progress=None) -> dict:
    """Parse what is missing or stale (all with ``force``), then the checks across years and the copies.
    ``progress(done, total)`` is called as versions are parsed. Returns counts."""
    stale = stale_reports(db, force)
    for done, report in enumerate(stale, start=1):
        archive_db.save_figures(db, report["id"], parse_report(*_sources(db, Path(data_dir), report)))
        if progress:
            progress(done, len(stale))
    return {"parsed": len(stale), **relate_reports(db, force)}


def relate_reports(db: sqlite_utils.Database, force: bool = False) -> dict:
    """Steps 2 and 3 over the figures and texts already stored (what a crawl runs when it ends)."""
    bodies = _bodies(db)
    carried = sum(_carryover(db, years) for years in bodies.values())
    return {"carryover_checks": carried, "copies": _copies(db, bodies, force)}


def after_crawl(data_dir) -> None:
    """``relate_reports`` when a crawl ends. A failure is logged, never hides the crawl's own outcome:
    ``govarchive parse`` runs the same steps again."""
    try:
        relate_reports(archive_db.open_db(data_dir))
    except Exception:  # noqa: BLE001 (the crawl is done and stored)
        logger.exception("checks across reports failed; run govarchive parse")


def stale_reports(db: sqlite_utils.Database, force: bool = False) -> list[dict]:
    """Report versions whose figures are missing or come from another parser version."""
    where = "1" if force else "figures_parser is null or figures_parser != ?"
    return list(db.query(f"select id, url, report_year, text, warc_file, warc_offset, warc_length from reports "
                         f"where {where} order by id", [] if force else [PARSER]))


def _sources(db, data_dir: Path, report: dict) -> tuple:
    """``parse_report``'s arguments for a stored report version, read from its WARC records."""
    # A report published as a file (a PDF link) has no page: its file is one of its attachments.
    page, content_type = _payload(data_dir, report, _is_page)
    files = []
    for attachment in db.query("select url, mime, warc_file, warc_offset, warc_length from attachments "
                               "where report_id = ? and text_status like 'ok%' order by id", [report["id"]]):
        body, mime = _payload(data_dir, attachment)
        if body:
            files.append((body, attachment["url"], mime or attachment["mime"] or ""))
    return page, content_type, files, report["text"] or "", report["report_year"]


def _payload(data_dir: Path, row: dict, accept=None) -> tuple[bytes | None, str]:
    """The body (content encoding undone) and Content-Type of the response record a row points at; with
    ``accept``, ``(None, "")`` for a Content-Type it refuses, without reading the body."""
    if not row.get("warc_file"):
        return None, ""
    try:
        record = read_record(data_dir / row["warc_file"], row["warc_offset"], row["warc_length"])
        content_type = record.http_headers.get_header("Content-Type") or ""
        if accept and not accept(content_type):
            return None, ""
        return record.content_stream().read(), content_type
    except (OSError, ValueError, StopIteration):
        return None, ""


def _is_page(content_type: str) -> bool:
    return not content_type or content_type.startswith("text/html")


def _bodies(db) -> dict[tuple[str, str], dict[int, dict]]:
    """(portal, normalised agency) -> {year: latest report row}, as coverage groups them."""
    return {key: body["found"] for key, body in group_bodies(*load(db)).items()}


def _table3(db, report_id: int) -> list[dict]:
    return list(db.query("select table_no, row_key, col_key, value, unit, raw from report_figures "
                         "where report_id = ? and table_no = 3", [report_id]))


def _carryover(db, years: dict[int, dict]) -> int:
    """Replace the ``t3.carryover`` checks of each report that has last year's report beside it."""
    written = 0
    table3 = {year: _table3(db, row["id"]) for year, row in years.items() if year - 1 in years or year + 1 in years}
    for year, row in years.items():
        if year - 1 not in years:
            continue
        checks = carryover_checks(table3[year], table3[year - 1])
        with db.conn:
            db.execute("delete from report_checks where report_id = ? and name like 't3.carryover%'", [row["id"]])
            archive_db.insert_checks(db, row["id"], checks, PARSER)
        written += len(checks)
    return written


def _copies(db, bodies: dict, force: bool = False) -> int:
    """``report_copies``: the best source (pipelines/figures/copies.py) of each latest report that has none
    yet, or whose source has since been replaced by a new version (of every latest report with ``force``),
    portal by portal. Rows of versions no longer latest go."""
    latest = "select id from reports where is_latest = 1"
    with db.conn:
        db.execute(f"delete from report_copies where report_id not in ({latest})")
        if force:
            db.execute("delete from report_copies")
        db.execute(f"delete from report_copies where source_id not in ({latest})")
    done = {row["report_id"] for row in db.query("select report_id from report_copies")}
    by_portal = defaultdict(list)
    for (portal, body), years in bodies.items():
        by_portal[portal] += [(row["id"], body, year) for year, row in years.items()]
    rows = []
    for reports in by_portal.values():
        wanted = {key for key, _, _ in reports} - done
        if wanted:  # texts read only for a portal with reports to relate
            found = find_sources(reports, _Texts(db, [key for key, _, _ in reports]), only=wanted)
            rows += [{"report_id": report_id, "source_id": source, "share": round(share, 4), "parser": PARSER}
                     for report_id, (source, share) in found.items()]
    with db.conn:
        db["report_copies"].insert_all(rows, pk="report_id", replace=True)
    return len(rows)


class _Texts(Mapping):
    """The texts of reports by id, read from the archive when asked for: the copy search over a portal of
    48,000 reports would otherwise hold some 200 MB of them at once."""

    def __init__(self, db, report_ids: list[int]):
        self.db = db
        self.ids = report_ids

    def __getitem__(self, report_id: int) -> str:
        row = self.db.execute("select text from reports where id = ?", [report_id]).fetchone()
        if row is None:
            raise KeyError(report_id)
        return row[0] or ""

    def __iter__(self):
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)
