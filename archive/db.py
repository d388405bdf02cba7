"""The archive database: one SQLite file, opened through sqlite-utils.

Table and column names are a contract: users query them directly (see README, "The database").
Every function takes a ``sqlite_utils.Database`` so the CLI, the pipelines and the tests share them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import sqlite_utils
from sqlite_utils.db import jsonify_if_needed

DB_NAME = "archive.db"

REPORT_COLUMNS = {
    "id": int,
    "url": str,
    "portal": str,
    "region": str,
    "title": str,
    "agency": str,
    "report_year": int,
    "publish_date": str,
    "source": str,
    "index_no": str,
    "doc_no": str,
    "text_sha1": str,
    "chars": int,
    "text_status": str,
    "version": int,
    "is_latest": int,
    "fetched_at": str,
    "last_seen_at": str,
    "crawl_id": int,
    "warc_file": str,
    "warc_offset": int,
    "warc_length": int,
    "extractor": str,
    "found_on": str,
    "link_text": str,
    "figures_parser": str,
    "text": str,  # last: queries on the other columns need not read through the text
}

CAPTURE_COLUMNS = {
    "id": int,
    "crawl_id": int,
    "portal": str,
    "url": str,
    "method": str,
    "request_type": str,
    "status": int,
    "mime": str,
    "bytes": int,
    "payload_digest": str,
    "etag": str,
    "last_modified": str,
    "fetched_at": str,
    "warc_file": str,
    "warc_offset": int,
    "warc_length": int,
    "warc_type": str,
    "browser": int,
    "error": str,
    "capture_key": str,
}
#: The captures that are the page as served, whole, which a later crawl may reuse or refer to: a 2xx full
#: response record, not flagged (a truncated body, a gzip bomb). A partial index holds these by portal.
REUSABLE_RESPONSE = "status between 200 and 299 and warc_type = 'response' and error is null"

CRAWL_COLUMNS = {
    "id": int,
    "mode": str,
    "portals": str,
    "started_at": str,
    "finished_at": str,
    "pages_fetched": int,
    "bytes_fetched": int,
    "reports_found": int,
    "reports_new": int,
    "reports_changed": int,
    "reports_second_phase": int,
    "pages_second_phase": int,
    "errors": int,
    "error_counts": str,
    "exit_code": int,
    "status": str,
    "resumed_from": int,
    "run_key": str,
}

ATTACHMENT_COLUMNS = {
    "id": int,
    "report_id": int,
    "url": str,
    "filename": str,
    "mime": str,
    "text": str,
    "text_status": str,
    "chars": int,
    "fetched_at": str,
    "warc_file": str,
    "warc_offset": int,
    "warc_length": int,
}

PORTAL_COLUMNS = {
    "id": str,
    "name": str,
    "region": str,
    "level": str,
    "start_urls": str,
    "hosts": str,
}

FIGURE_COLUMNS = {
    "id": int,
    "report_id": int,
    "table_no": int,
    "row_key": str,
    "col_key": str,
    "value": float,
    "unit": str,
    "raw": str,
    "source": str,
    "parser": str,
}

CHECK_COLUMNS = {
    "id": int,
    "report_id": int,
    "name": str,
    "ok": int,
    "detail": str,
    "parser": str,
}

COPY_COLUMNS = {
    "report_id": int,
    "source_id": int,
    "share": float,
    "parser": str,
}

LISTING_COLUMNS = {
    "url": str,
    "portal": str,
    "first_seen_at": str,
    "last_fetched_at": str,
    "reports_linked": int,
}


def utcnow(days_ago: float = 0) -> str:
    """ISO 8601 UTC timestamp, second precision, with a Z: the format of every *_at column."""
    moment = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days_ago)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def open_db(data_dir: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) ``DATA_DIR/archive.db`` with the schema in place."""
    path = Path(data_dir)
    path.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path / DB_NAME)
    db.enable_wal()
    # With WAL, NORMAL syncs at checkpoints, not at every commit: a killed process loses nothing committed
    # (a power cut may lose the last transactions); FULL cost an fsync per captured exchange.
    db.execute("pragma synchronous = normal")
    ensure_schema(db)
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create missing tables, columns and indexes; a no-op on an up-to-date database."""
    _table(db, "crawls", CRAWL_COLUMNS, pk="id")
    _table(db, "portals", PORTAL_COLUMNS, pk="id")
    _table(db, "reports", REPORT_COLUMNS, pk="id", foreign_keys=[("crawl_id", "crawls", "id")])
    _table(db, "captures", CAPTURE_COLUMNS, pk="id", foreign_keys=[("crawl_id", "crawls", "id")])
    _table(db, "attachments", ATTACHMENT_COLUMNS, pk="id", foreign_keys=[("report_id", "reports", "id")])
    _table(db, "listings", LISTING_COLUMNS, pk="url")
    _table(db, "report_figures", FIGURE_COLUMNS, pk="id", foreign_keys=[("report_id", "reports", "id")])
    _table(db, "report_checks", CHECK_COLUMNS, pk="id", foreign_keys=[("report_id", "reports", "id")])
    _table(db, "report_copies", COPY_COLUMNS, pk="report_id", foreign_keys=[("report_id", "reports", "id"),
                                                                         ("source_id", "reports", "id")])
    db["reports"].create_index(["url", "version"], unique=True, if_not_exists=True)
    db["reports"].create_index(["is_latest", "portal", "report_year"], if_not_exists=True)
    db["captures"].create_index(["url", "fetched_at"], if_not_exists=True)
    # rows sent by the workers of a distributed crawl (crawler/queue): applied once however often delivered
    db["captures"].create_index(["capture_key"], unique=True, if_not_exists=True)
    # a portal's newest full responses, which a distributed crawl asks the writer for before it starts
    # (crawler/queue/state.py): read through this index, not a scan of every capture ever made
    db.execute("create index if not exists idx_captures_portal_response on captures (portal, url, id) "
               f"where {REUSABLE_RESPONSE}")
    db["listings"].create_index(["portal", "first_seen_at"], if_not_exists=True)
    db["crawls"].create_index(["run_key"], unique=True, if_not_exists=True)
    db["attachments"].create_index(["report_id", "url"], unique=True, if_not_exists=True)
    db["report_figures"].create_index(["report_id"], if_not_exists=True)
    db["report_figures"].create_index(["table_no", "row_key", "col_key"], if_not_exists=True)
    db["report_checks"].create_index(["report_id"], if_not_exists=True)
    db["report_checks"].create_index(["name", "ok"], if_not_exists=True)


def _table(db, name, columns, pk, foreign_keys=None):
    table = db[name]
    if not table.exists():
        table.create(columns, pk=pk, foreign_keys=foreign_keys or [])
        return
    missing = {col: kind for col, kind in columns.items() if col not in table.columns_dict}
    for col, kind in missing.items():
        table.add_column(col, kind)


# -- crawls -----------------------------------------------------------------------------------


def insert_rows(db: sqlite_utils.Database, table: str, rows: list[dict], or_ignore: bool = False) -> int | None:
    """Insert ``rows`` into ``table`` in plain SQL (``insert or ignore`` with ``or_ignore``); the rowid of the
    last one inserted. Values are stored as sqlite-utils stores them (dicts and lists as JSON), but the
    table's schema is not read at every call, as sqlite-utils' ``insert`` reads it (for the captures alone, a
    third of the distributed writer's time): for the rows of the hot paths (captures, report versions,
    figures, checks)."""
    verb = "insert or ignore" if or_ignore else "insert"
    last = None
    for keys, group in itertools.groupby(rows, key=lambda row: tuple(row)):
        columns = ", ".join(f"[{key}]" for key in keys)
        sql = f"{verb} into [{table}] ({columns}) values ({', '.join('?' * len(keys))})"
        for row in group:
            last = db.execute(sql, [jsonify_if_needed(value) for value in row.values()]).lastrowid
    return last


def start_crawl(db: sqlite_utils.Database, mode: str, portals: list[str]) -> int:
    """Insert a ``crawls`` row for a run that is starting and return its id."""
    row = {"mode": mode, "portals": json.dumps(portals, ensure_ascii=False), "started_at": utcnow(),
           "status": "running"}
    return db["crawls"].insert(row).last_pk


def finish_crawl(db: sqlite_utils.Database, crawl_id: int, exit_code: int, status: str | None = None,
                 **counts) -> None:
    """Close a ``crawls`` row with its counts and exit code; its status is ``status`` or follows the exit code."""
    if "error_counts" in counts and not isinstance(counts["error_counts"], str):
        counts["error_counts"] = json.dumps(counts["error_counts"], ensure_ascii=False, sort_keys=True)
    status = status or {0: "ok", 1: "finished with errors"}.get(exit_code, "failed")
    db["crawls"].update(crawl_id, {"finished_at": utcnow(), "exit_code": exit_code, "status": status, **counts})


# -- portals ----------------------------------------------------------------------------------


def save_portals(db: sqlite_utils.Database, portals: list[dict]) -> None:
    """Insert or update portal rows (registry entries); list values are stored as JSON."""
    rows = [{k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
             for k, v in p.items() if k in PORTAL_COLUMNS} for p in portals]
    db["portals"].upsert_all(rows, pk="id")


def save_crawl_portals(db: sqlite_utils.Database, crawl_id: int, portals: list[dict]) -> str:
    """Save the portals a crawl covers and name them on its row; return that list (sorted ids, JSON)."""
    save_portals(db, portals)
    portals_json = json.dumps(sorted(p["id"] for p in portals))
    db["crawls"].update(crawl_id, {"portals": portals_json})
    return portals_json


# -- captures ---------------------------------------------------------------------------------


def record_capture(db: sqlite_utils.Database, or_ignore: bool = False, **fields) -> int | None:
    """Insert one ``captures`` row (an HTTP exchange, or a failed attempt with ``error`` set). With
    ``or_ignore`` a row whose unique ``capture_key`` is held already is left as it is (a result delivered
    twice to the distributed writer)."""
    return insert_rows(db, "captures", [{"fetched_at": utcnow(), **fields}], or_ignore)


def latest_capture(db: sqlite_utils.Database, url: str) -> dict | None:
    """The newest 2xx capture of ``url`` stored as a full response record (not a revisit), or None.

    Captures flagged with an ``error`` (a truncated body, a gzip bomb) are not the page: never reused."""
    rows = db.query(
        f"select * from captures where url = ? and {REUSABLE_RESPONSE} order by id desc limit 1",
        [url],
    )
    return next(iter(rows), None)


def interrupted_crawls(db: sqlite_utils.Database, mode: str, portals_json: str, before: int) -> list[int]:
    """Ids of the runs of ``mode`` over the same portals that were killed since the last one that finished.

    One run at a time holds a data directory (crawler/lock.py), so a ``running`` row older than ours is dead.
    """
    rows = db.execute(
        "select id, status from crawls where mode = ? and portals = ? and id < ? order by id desc",
        [mode, portals_json, before],
    ).fetchall()
    killed = []
    for crawl_id, status in rows:
        if status not in ("running", "interrupted"):
            break
        killed.append(crawl_id)
    return killed


def captures_of(db: sqlite_utils.Database, crawl_ids: list[int], portal: str | None = None) -> dict[str, dict]:
    """url -> newest 2xx response capture made by these crawls (of ``portal``, when given)."""
    if not crawl_ids:
        return {}
    marks = ",".join("?" * len(crawl_ids))
    of_portal, params = ("and portal = ?", [*crawl_ids, portal]) if portal else ("", crawl_ids)
    rows = db.query(
        f"select * from captures where crawl_id in ({marks}) {of_portal} and {REUSABLE_RESPONSE} order by id", params)
    return {row["url"]: row for row in rows}


# -- reports ----------------------------------------------------------------------------------


def latest_report(db: sqlite_utils.Database, url: str) -> dict | None:
    """The latest version of the report at ``url`` (its highest version), or None.

    Read through the ``(url, version)`` index: with ``is_latest = 1`` in the query SQLite takes the is_latest
    index instead and scans every latest report, a cost that grows with the archive (tests/test_db_plans.py).
    """
    rows = db.query("select * from reports where url = ? order by version desc limit 1", [url])
    return next(iter(rows), None)


def save_report(db: sqlite_utils.Database, report: dict) -> tuple[int, str]:
    """Store a report version; return ``(id, outcome)`` with outcome ``new``, ``changed`` or ``unchanged``.

    Same URL and same text: the existing row only gets ``last_seen_at`` updated, so re-running a crawl
    adds no rows. Changed text: a new version row becomes ``is_latest`` and the old one is kept.
    """
    now = report.get("fetched_at") or utcnow()
    current = latest_report(db, report["url"])
    if current and current["text_sha1"] == report["text_sha1"]:
        db.execute("update reports set last_seen_at = ? where id = ?", [now, current["id"]])
        return current["id"], "unchanged"
    row = {**report, "fetched_at": now, "last_seen_at": now, "is_latest": 1}
    row["version"] = (current["version"] + 1) if current else 1
    with db.atomic():  # a savepoint inside a transaction of the caller (the distributed writer's batch)
        if current:
            db.execute("update reports set is_latest = 0 where id = ?", [current["id"]])
        report_id = insert_rows(db, "reports", [row])
    return report_id, "changed" if current else "new"


def store_report(db: sqlite_utils.Database, row: dict, attachments: list[dict],
                 figures: dict | None = None) -> tuple[int, str]:
    """``save_report``, then the version's attachments and (when read) its figures; ``(id, outcome)``."""
    report_id, outcome = save_report(db, row)
    for attachment in attachments:
        save_attachment(db, {**attachment, "report_id": report_id})
    if figures is not None:
        save_figures(db, report_id, figures)
    return report_id, outcome


def save_attachment(db: sqlite_utils.Database, attachment: dict) -> int:
    """Insert or replace the attachment ``(report_id, url)``."""
    return db["attachments"].upsert(attachment, pk=("report_id", "url")).last_pk


def save_figures(db: sqlite_utils.Database, report_id: int, parsed: dict) -> None:
    """Replace the figures and checks of one report version with ``parsed`` (pipelines.figures.parse_report:
    ``figures``, ``checks``, ``parser``, ``sources``)."""
    parser = parsed["parser"]
    sources = {int(table): source for table, source in (parsed.get("sources") or {}).items()}
    with db.atomic():  # a savepoint, inside the writer's batch
        db.execute("delete from report_figures where report_id = ?", [report_id])
        db.execute("delete from report_checks where report_id = ? and name not like 't3.carryover%'", [report_id])
        insert_rows(db, "report_figures", [{**figure, "report_id": report_id, "source": sources.get(figure["table_no"]),
                                            "parser": parser} for figure in parsed["figures"]])
        insert_checks(db, report_id, parsed["checks"], parser)
        db.execute("update reports set figures_parser = ? where id = ?", [parser, report_id])


def insert_checks(db: sqlite_utils.Database, report_id: int, checks: list[dict], parser: str) -> None:
    """Add ``report_checks`` rows (``{name, ok, detail}`` each) for one report version."""
    insert_rows(db, "report_checks", [{**check, "ok": int(bool(check["ok"])), "report_id": report_id,
                                       "parser": parser} for check in checks])


def remember_listing(db: sqlite_utils.Database, url: str, portal: str, reports_linked: int,
                     at: str | None = None) -> None:
    """Remember a report-column listing page (seen ``at``, default now) so the nightly crawl can revisit it."""
    now = at or utcnow()
    existing = db["listings"].count_where("url = ?", [url])
    if existing:
        db["listings"].update(url, {"last_fetched_at": now, "reports_linked": reports_linked})
    else:
        db["listings"].insert(
            {"url": url, "portal": portal, "first_seen_at": now, "last_fetched_at": now,
             "reports_linked": reports_linked}
        )


def known_listings(db: sqlite_utils.Database, portal: str) -> list[str]:
    """The report-column listing pages found on a portal before, first found first."""
    return [row["url"] for row in db.query(
        "select url from listings where portal = ? order by first_seen_at, url", [portal])]


def held_reports(db: sqlite_utils.Database, portal: str | None = None) -> list[dict]:
    """The latest version of every report held (of ``portal``, when given), with what a re-check schedule
    needs: ``url, version, publish_date, fetched_at`` (of this version), ``first_fetched_at`` (of version 1),
    ``last_seen_at``, and its ``text_sha1``."""
    where, params = ("r.is_latest = 1 and r.portal = ?", [portal]) if portal else ("r.is_latest = 1", [])
    return list(db.query(
        "select r.url, r.version, r.publish_date, r.fetched_at, r.last_seen_at, r.text_sha1, "
        "coalesce((select min(fetched_at) from reports f where f.url = r.url), r.fetched_at) as first_fetched_at "
        f"from reports r where {where}", params))
