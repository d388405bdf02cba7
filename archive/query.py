"""Reading the archive: one report, statistics, exports, and the WARC indexes and packages for replay.

Plain functions over a ``sqlite_utils.Database`` (and the data directory where WARC files are read);
the ``govarchive show | stats | export | cdxj | wacz`` commands (crawler/cli/archive.py) only format
what these return.

    >>> from archive.db import open_db
    >>> from archive import query
    >>> db = open_db("data")
    >>> report = query.find_report(db, "12")                      # doctest: +SKIP
    >>> query.raw_response("data", report)[:15]                   # doctest: +SKIP
    b'HTTP/1.1 200 OK'
    >>> query.stats(db)["coverage"]["years"]                       # doctest: +SKIP
    [2016, 2017, 2022]
    >>> query.export_reports(db, "out", "jsonl")                   # doctest: +SKIP
    {'format': 'jsonl', 'reports': 5, 'files': ['out/reports.jsonl']}
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import re
import tempfile
import zipfile
from pathlib import Path

import sqlite_utils

from archive.warc import read_http_payload, read_record

__all__ = [
    "list_reports", "find_report", "find_capture", "report_meta", "raw_response", "coverage", "capture_stats",
    "recent_crawls",
    "stats", "export_reports", "warc_files", "write_cdxj", "write_pages", "create_wacz", "validate_wacz",
    "wacz_index_lines",
]

#: Columns of an exported report, in this order (``text`` last in csv/jsonl; the body of a txt file).
EXPORT_COLUMNS = ("id", "url", "portal", "region", "title", "agency", "report_year", "publish_date", "source",
                  "index_no", "doc_no", "chars", "text_sha1", "text_status", "version", "is_latest", "fetched_at",
                  "last_seen_at", "crawl_id", "warc_file", "warc_offset", "warc_length", "extractor", "found_on",
                  "link_text")


# -- reports --------------------------------------------------------------------------------------


def list_reports(db: sqlite_utils.Database, portal: str | None = None, year: int | None = None) -> list[dict]:
    """The latest version of every report (of a portal, on a year): ``id, portal, year, title, chars, agency,
    url``, by portal, newest year first."""
    where, params = _latest_of(portal, year)
    return list(db.query(f"select id, portal, report_year as year, title, chars, agency, url from reports "
                         f"where {where} order by portal, report_year desc, id", params))


def _latest_of(portal: str | None, year: int | None, alias: str = "") -> tuple[str, list]:
    """The where clause and parameters choosing the latest reports (of a portal, on a year)."""
    where, params = [f"{alias}is_latest = 1"], []
    for column, value in (("portal", portal), ("report_year", year)):
        if value:
            where.append(f"{alias}{column} = ?")
            params.append(value)
    return " and ".join(where), params


# -- one report -----------------------------------------------------------------------------------


def find_report(db: sqlite_utils.Database, ref: str | int) -> dict | None:
    """A ``reports`` row by id (any version) or by URL (its latest version, else its newest row)."""
    ref = str(ref).strip()
    if ref.isdigit():
        return next(iter(db.query("select * from reports where id = ?", [int(ref)])), None)
    return next(iter(db.query(
        "select * from reports where url = ? order by is_latest desc, version desc, id desc limit 1", [ref])), None)


def find_capture(db: sqlite_utils.Database, url: str) -> dict | None:
    """The newest capture of ``url`` that has a WARC record (any status: listings, 404 pages ...)."""
    return next(iter(db.query(
        "select * from captures where url = ? and warc_file is not null order by id desc limit 1", [url])), None)


def report_meta(db: sqlite_utils.Database, report: dict) -> dict:
    """Every column of a report except its text, plus its ``attachments`` and all its ``versions``."""
    meta = {k: v for k, v in report.items() if k != "text"}
    meta["attachments"] = list(db.query(
        "select id, url, filename, mime, chars, text_status, warc_file, warc_offset, warc_length "
        "from attachments where report_id = ? order by id", [report["id"]])) if db["attachments"].exists() else []
    meta["versions"] = list(db.query(
        "select id, version, is_latest, fetched_at, last_seen_at, chars, text_sha1 from reports "
        "where url = ? order by version", [report["url"]]))
    meta["figures"] = db.execute("select count(*) from report_figures where report_id = ?",
                                 [report["id"]]).fetchone()[0]
    meta["checks"] = list(db.query("select name, ok, detail from report_checks where report_id = ? order by id",
                                   [report["id"]]))
    meta["copy_of"] = next(db.query("select c.source_id, c.share, r.title, r.report_year from report_copies c "
                                    "join reports r on r.id = c.source_id where c.report_id = ?", [report["id"]]), None)
    return meta


#: Headline counts comparable across the report forms: (column, header, alternatives). The first
#: alternative whose figures are all present gives the value, their sum: the 2019 form's tables (t3, t4)
#: first, then an older report's table rows (t0 …:表格), then its sentences (t0 …:正文).
FIGURE_SUMMARY = [
    ("requests", "new requests", (("t3:一:总计",), ("t0:收到申请:表格",), ("t0:收到申请:正文",))),
    ("answered", "answered", (("t3:三（七）:总计",), ("t0:答复申请:表格",), ("t0:答复申请:正文",))),
    ("carried_over", "carried over", (("t3:四:总计",),)),
    ("reviews", "reviews", (("t4:行政复议:总计",), ("t0:行政复议:表格",), ("t0:行政复议:正文",))),
    ("lawsuits", "lawsuits", (("t4:未经复议直接起诉:总计", "t4:复议后起诉:总计"), ("t0:行政诉讼:表格",),
                              ("t0:行政诉讼:正文",))),
]


def figures_table(db: sqlite_utils.Database, portal: str | None = None, year: int | None = None) -> list[dict]:
    """One row per latest report: ``id, portal, agency, report_year, title, checks_ok, checks_failed``, the
    headline counts of :data:`FIGURE_SUMMARY` and one column per figure, ``t<table>:<row>:<col>``
    (``t3:一:总计``, ``t0:收到申请:正文``) holding its value."""
    where, params = _latest_of(portal, year, alias="r.")
    chosen = f"from reports r where {where}"
    rows = {row["id"]: {**row, "checks_ok": 0, "checks_failed": 0} for row in db.query(
        f"select r.id, r.portal, r.agency, r.report_year, r.title {chosen} order by r.portal, r.report_year, r.id",
        params)}
    for figure in db.query("select report_id, table_no, row_key, col_key, value from report_figures "
                           f"where report_id in (select r.id {chosen})", params):
        key = f"t{figure['table_no']}:{figure['row_key']}:{figure['col_key']}"
        rows[figure["report_id"]][key] = _number(figure["value"])
    for check in db.query("select report_id, sum(ok) as passed, count(*) - sum(ok) as failed from report_checks "
                          f"where report_id in (select r.id {chosen}) group by report_id", params):
        rows[check["report_id"]].update(checks_ok=check["passed"], checks_failed=check["failed"])
    for row in rows.values():
        row.update({column: _headline(row, alternatives) for column, _, alternatives in FIGURE_SUMMARY})
    return list(rows.values())


def _number(value: float | None) -> float | int | None:
    """12.0 as 12: counts are whole numbers; amounts (万元) keep their fraction."""
    return int(value) if value is not None and value.is_integer() else value


def _headline(row: dict, alternatives) -> float | None:
    for keys in alternatives:
        if all(row.get(key) is not None for key in keys):
            return sum(row[key] for key in keys)
    return None


def raw_response(data_dir, row: dict) -> bytes:
    """The HTTP response stored for a ``reports`` or ``captures`` row: status line, headers, body as sent.

    Raises ``LookupError`` when the row has no WARC location or its file is gone.
    """
    if not row.get("warc_file") or row.get("warc_offset") is None:
        raise LookupError(f"{row.get('url')} has no WARC record")
    path = Path(data_dir) / row["warc_file"]
    if not path.exists() and not Path(str(path) + ".open").exists():
        raise LookupError(f"WARC file {row['warc_file']} is missing from {data_dir}")
    return read_http_payload(path, row["warc_offset"], row.get("warc_length"))


# -- statistics -------------------------------------------------------------------------------------


def coverage(db: sqlite_utils.Database) -> dict:
    """Latest reports per portal and report year: which portal lacks which year.

    Returns ``{"years": [...], "portals": [{"portal", "name", "counts": {year: n}, "unknown_year",
    "total", "missing": [years]}]}``; ``years`` runs from the earliest to the latest year any portal
    has, so a gap shows. Portals of the ``portals`` table without any report are listed too.
    """
    rows = list(db.query(
        "select portal, report_year, count(*) as n from reports where is_latest = 1 "
        "group by portal, report_year order by portal, report_year"))
    names = {}
    if db["portals"].exists():
        names = {r["id"]: r["name"] for r in db.query("select id, name from portals")}
    known_years = [r["report_year"] for r in rows if r["report_year"] is not None]
    years = list(range(min(known_years), max(known_years) + 1)) if known_years else []
    portals: dict[str, dict] = {p: {"portal": p, "name": names.get(p), "counts": {}, "unknown_year": 0}
                                for p in sorted(names)}
    for r in rows:
        entry = portals.setdefault(r["portal"], {"portal": r["portal"], "name": names.get(r["portal"]),
                                                 "counts": {}, "unknown_year": 0})
        if r["report_year"] is None:
            entry["unknown_year"] += r["n"]
        else:
            entry["counts"][r["report_year"]] = r["n"]
    out = []
    for entry in sorted(portals.values(), key=lambda e: e["portal"] or ""):
        entry["total"] = sum(entry["counts"].values()) + entry["unknown_year"]
        entry["missing"] = [y for y in years if y not in entry["counts"]]
        out.append(entry)
    return {"years": years, "portals": out}


def capture_stats(db: sqlite_utils.Database) -> list[dict]:
    """Captures by HTTP status (None: the request failed): count and bytes."""
    return list(db.query(
        "select status, count(*) as captures, coalesce(sum(bytes), 0) as bytes from captures "
        "group by status order by status is null, status"))


def recent_crawls(db: sqlite_utils.Database, limit: int = 10) -> list[dict]:
    """The last ``limit`` crawls, newest first."""
    return list(db.query(
        "select id, mode, started_at, finished_at, pages_fetched, reports_found, reports_new, reports_changed, "
        "errors, status from crawls order by id desc limit ?", [limit]))


def stats(db: sqlite_utils.Database, crawls: int = 10) -> dict:
    """Totals, the coverage matrix, captures by status and the last crawls, as one dict."""
    one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    totals = {
        "reports": one("select count(*) from reports where is_latest = 1"),
        "report_versions": one("select count(*) from reports"),
        "portals_with_reports": one("select count(distinct portal) from reports where is_latest = 1"),
        "captures": one("select count(*) from captures"),
        "bytes_captured": one("select coalesce(sum(bytes), 0) from captures"),
        "attachments": one("select count(*) from attachments") if db["attachments"].exists() else 0,
        "crawls": one("select count(*) from crawls"),
    }
    return {"totals": totals, "coverage": coverage(db), "captures": capture_stats(db),
            "crawls": recent_crawls(db, crawls)}


# -- export -----------------------------------------------------------------------------------------


def _export_rows(db, all_versions=False, portal=None, year=None):
    where, params = ([] if all_versions else ["is_latest = 1"]), []
    if portal:
        where.append("portal = ?")
        params.append(portal)
    if year is not None:
        where.append("report_year = ?")
        params.append(int(year))
    columns = [c for c in EXPORT_COLUMNS if c in db["reports"].columns_dict] + ["text"]
    sql = (f"select {', '.join(f'[{c}]' for c in columns)} from reports "
           + (f"where {' and '.join(where)} " if where else "") + "order by portal, report_year, id")
    has_attachments = db["attachments"].exists()
    for row in db.query(sql, params):
        if has_attachments:
            row["attachments"] = list(db.query(
                "select url, filename, mime, chars, text_status, text from attachments where report_id = ? "
                "order by id", [row["id"]]))
        else:
            row["attachments"] = []
        yield row


_UNSAFE = re.compile(r"[^\w.-]+")


def export_reports(db: sqlite_utils.Database, out_dir, fmt: str, all_versions: bool = False,
                   portal: str | None = None, year: int | None = None) -> dict:
    """Write the (latest) reports with their metadata to ``out_dir`` for later parsing.

    * ``jsonl``: ``reports.jsonl``, one object a line: every column, ``text``, ``attachments`` (url,
      filename, mime, chars, text_status, text).
    * ``csv``: ``reports.csv``, the same columns; ``attachments`` as a JSON array without their text.
    * ``txt``: ``<portal>/<year>_<id>.txt`` per report: a header block (``key: value`` lines), a line
      ``---``, the text, then each attachment's text under a ``=== attachment: NAME`` line.

    Returns ``{"format", "reports", "files"}`` (files: the jsonl/csv file, or the txt directory).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = _export_rows(db, all_versions, portal, year)
    count = 0
    if fmt == "jsonl":
        path = out / "reports.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
        return {"format": fmt, "reports": count, "files": [str(path)]}
    if fmt == "csv":
        path = out / "reports.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = None
            for row in rows:
                row["attachments"] = json.dumps([{k: v for k, v in a.items() if k != "text"}
                                                 for a in row["attachments"]], ensure_ascii=False)
                if writer is None:
                    writer = csv.DictWriter(fh, fieldnames=list(row))
                    writer.writeheader()
                writer.writerow(row)
                count += 1
            if writer is None:
                csv.writer(fh).writerow([*EXPORT_COLUMNS, "text", "attachments"])
        return {"format": fmt, "reports": count, "files": [str(path)]}
    if fmt == "txt":
        for row in rows:
            folder = out / (_UNSAFE.sub("_", row["portal"] or "unknown") or "unknown")
            folder.mkdir(exist_ok=True)
            name = f"{row['report_year'] if row['report_year'] is not None else 'unknown'}_{row['id']}.txt"
            (folder / name).write_text(_txt_report(row), encoding="utf-8")
            count += 1
        return {"format": fmt, "reports": count, "files": [str(out)]}
    raise ValueError(f"unknown export format {fmt!r}: use jsonl, csv or txt")


def _txt_report(row: dict) -> str:
    header = ["title", "agency", "portal", "region", "report_year", "publish_date", "source", "index_no", "doc_no",
              "url", "fetched_at", "id", "version", "chars", "extractor", "warc_file", "warc_offset"]
    lines = [f"{key}: {row[key] if row.get(key) is not None else ''}" for key in header if key in row]
    lines.append(f"attachments: {len(row['attachments'])}")
    body = "\n".join(lines) + "\n---\n" + (row["text"] or "") + "\n"
    for att in row["attachments"]:
        body += f"\n=== attachment: {att['filename'] or att['url']}\n{att['text'] or ''}\n"
    return body


# -- replay: CDXJ and WACZ ----------------------------------------------------------------------------


def warc_files(data_dir) -> list[Path]:
    """The closed WARC files of an archive (``warc/**/*.warc.gz``; files still ``.open`` are left out)."""
    root = Path(data_dir) / "warc"
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name.endswith((".warc.gz", ".warc")))


def write_cdxj(data_dir, output=None) -> dict:
    """Index every closed WARC file with cdxj-indexer into a sorted CDXJ file (pywb's and wacz's format).

    ``output`` defaults to ``DATA/index.cdxj``; ``-`` writes to stdout. The ``filename`` of each line
    is relative to the data directory, like the database's ``warc_file``. Returns ``{"path", "files",
    "lines"}``.
    """
    from cdxj_indexer.main import write_cdx_index

    files = warc_files(data_dir)
    if not files:
        raise LookupError(f"no WARC files under {Path(data_dir) / 'warc'}")
    inputs = [str(p) for p in files]
    opts = {"sort": True, "post_append": True, "dir_root": str(Path(data_dir))}
    if output == "-":
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            write_cdx_index(None, inputs, opts)
        text = buf.getvalue()
        return {"path": "-", "files": len(files), "lines": text.count("\n"), "text": text}
    path = Path(output) if output else Path(data_dir) / "index.cdxj"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_cdx_index(str(path), inputs, opts)
    with path.open("rb") as fh:
        lines = sum(1 for _ in fh)
    return {"path": str(path), "files": len(files), "lines": lines}


def _record_date(data_dir, row) -> str | None:
    try:
        record = read_record(Path(data_dir) / row["warc_file"], row["warc_offset"], row["warc_length"])
        return record.rec_headers.get_header("WARC-Date")
    except Exception:
        return None


def write_pages(db: sqlite_utils.Database, data_dir, path, text: bool = False) -> int:
    """A ``pages.jsonl`` (json-pages-1.0) listing the latest reports as pages: url, ts, title (and text).

    ``ts`` is the WARC-Date of the report's own response record, so a WACZ page opens that capture.
    Returns the number of pages.
    """
    count = 0
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "政府信息公开工作年度报告"},
                            ensure_ascii=False) + "\n")
        for row in db.query("select id, url, title, fetched_at, warc_file, warc_offset, warc_length, text "
                            "from reports where is_latest = 1 and warc_file is not null order by id"):
            page = {"id": f"report-{row['id']}", "url": row["url"],
                    "ts": _record_date(data_dir, row) or row["fetched_at"], "title": row["title"] or row["url"]}
            if text and row["text"]:
                page["text"] = row["text"]
            fh.write(json.dumps(page, ensure_ascii=False) + "\n")
            count += 1
    return count


def create_wacz(db: sqlite_utils.Database, data_dir, output, text: bool = False, title: str | None = None) -> dict:
    """Package the WARC files, a CDXJ index and the reports as pages into a WACZ (py-wacz ``create``).

    Returns ``{"path", "warcs", "pages", "pages_in_wacz", "log"}``; ``pages_in_wacz`` below ``pages``
    means some report's record was not found in the WARC files.
    """
    from wacz.main import main as wacz_main

    files = warc_files(data_dir)
    if not files:
        raise LookupError(f"no WARC files under {Path(data_dir) / 'warc'}")
    names = [p.name for p in files]
    if len(set(names)) != len(names):
        raise ValueError("two WARC files share a name; a WACZ keeps only base names")
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pages_path = Path(tmp) / "pages.jsonl"
        pages = write_pages(db, data_dir, pages_path, text=text)
        args = ["create", "-o", str(output), "--pages", str(pages_path),
                "--title", title or "govarchive: 政府信息公开工作年度报告",
                "--desc", f"{pages} reports archived by govarchive", *map(str, files)]
        log = io.StringIO()
        with contextlib.redirect_stdout(log):
            code = wacz_main(args)
    if code:
        raise RuntimeError(f"wacz create failed:\n{log.getvalue()}")
    with zipfile.ZipFile(output) as zf:
        in_wacz = sum(1 for line in zf.read("pages/pages.jsonl").decode("utf-8").splitlines()[1:] if line.strip()) \
            if "pages/pages.jsonl" in zf.namelist() else 0
    return {"path": str(output), "warcs": len(files), "pages": pages, "pages_in_wacz": in_wacz,
            "log": log.getvalue()}


def validate_wacz(path) -> tuple[bool, str]:
    """Run py-wacz's validator; return ``(passed, its output)``."""
    from wacz.main import main as wacz_main

    log = io.StringIO()
    with contextlib.redirect_stdout(log):
        code = wacz_main(["validate", "-f", str(path)])
    return code == 0 and "succeeded" in log.getvalue(), log.getvalue()


def wacz_index_lines(path) -> list[str]:
    """The CDXJ lines of a WACZ's ``indexes/index.cdx.gz`` (for checks and replay without a server)."""
    with zipfile.ZipFile(path) as zf:
        data = zf.read("indexes/index.cdx.gz")
    return gzip.decompress(data).decode("utf-8").splitlines()
