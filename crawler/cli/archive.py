"""``govarchive reports | search | show | stats | verify | export | cdxj | wacz | index``: reading the archive.

Each command is a thin layer over a library function (archive/search.py, archive/query.py) that
formats its result; errors are short messages (exit 2 for a bad query or usage, 1 for anything else
that went wrong), never tracebacks.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

import click

from crawler.cli.base import cli, data_option, format_option, open_archive
from crawler.cli.output import Column, checks_summary, echo_json, emit, render_table, size

# -- search ---------------------------------------------------------------------------------------

SEARCH_COLUMNS = [Column("id", "id", 6, ">"), Column("report_year", "year", 4),
                  Column("portal", "portal", 12, max_lines=2), Column("title", "title", 28, max_lines=3),
                  Column("snippet", "snippet", 40, max_lines=4)]
SEARCH_FIELDS = ["id", "report_year", "portal", "agency", "title", "publish_date", "url", "rank", "snippet"]
REPORT_COLUMNS = [Column("id", "id", 6, ">"), Column("portal", "portal", 10), Column("year", "year", 4, ">"),
                  Column("title", "title", 50, max_lines=2), Column("chars", "chars", 7, ">")]


@cli.command("reports")
@data_option
@click.option("--portal", help="Only this portal id.")
@click.option("--year", type=int, help="Only reports on this year.")
@format_option
def list_reports(data_dir, portal, year, fmt):
    """List the archived reports (latest versions): portal, year, title, characters of text."""
    from archive.query import list_reports as reports

    emit(reports(open_archive(data_dir), portal=portal, year=year), REPORT_COLUMNS, fmt,
         ["id", "portal", "year", "title", "chars", "agency", "url"])


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("query", nargs=-1, required=True)
@click.option("--year", type=int, help="Only reports on this year (report_year).")
@click.option("--portal", help="Only this portal id.")
@click.option("--agency", help="Only agencies whose name contains this text (常德 finds every 常德 agency).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10000), help="At most N hits.")
@format_option
@data_option
def search(query, year, portal, agency, limit, fmt, data_dir):
    """Full-text search over report titles and texts, best matches first.

    \b
    Terms of any length, Chinese or not:   复议   行政诉讼   政府信息公开   复   2017
    Several terms: all of them (AND)       复议 诉讼
    Either term                            复议 OR 诉讼
    A phrase (a space: any separator)      '"行政复议 行政诉讼"'  finds 行政复议、行政诉讼
    Without a term                         复议 -诉讼   (or: 复议 NOT 诉讼)
    Grouping, one column                   '(复议 OR 诉讼) title:2017'

    Each hit has a snippet of the text with the matches in 【】 (table, csv) or also <mark> (json:
    snippet_html). The search index is brought up to date first if the archive changed.
    """
    from archive.search import QueryError, count_matches, index_is_current, index_reports
    from archive.search import search as run_search

    for word in query:
        if word.startswith("--"):
            raise click.UsageError(f"no such option: {word}")
    text = " ".join(query)
    db = open_archive(data_dir)
    if not index_is_current(db):
        try:
            index_reports(db)
        except sqlite3.OperationalError as exc:  # a read-only archive: search what is indexed
            click.echo(f"warning: could not update the search index ({exc})", err=True)
    started = time.perf_counter()
    try:
        hits = run_search(db, text, year=year, portal=portal, agency=agency, limit=limit)
        total = count_matches(db, text, year=year, portal=portal, agency=agency) if fmt == "table" else None
    except QueryError as exc:
        raise click.UsageError(f"bad query: {exc}") from None
    elapsed = (time.perf_counter() - started) * 1000
    if fmt != "table":
        emit(hits, SEARCH_COLUMNS, fmt, SEARCH_FIELDS)
        return
    if not hits:
        click.echo(f"no report matches {text!r}" + _filters_note(year, portal, agency), err=True)
        return
    click.echo(render_table(hits, SEARCH_COLUMNS))
    click.echo(f"{len(hits)} of {total} reports ({elapsed:.0f} ms)" + _filters_note(year, portal, agency))


def _filters_note(year, portal, agency) -> str:
    parts = [f"{k}={v}" for k, v in (("year", year), ("portal", portal), ("agency", agency)) if v]
    return f" with {', '.join(parts)}" if parts else ""


@cli.command("index")
@click.option("--rebuild", is_flag=True, help="Empty and refill the index instead of updating it.")
@data_option
def index_cmd(rebuild, data_dir):
    """Bring the full-text search index up to date, checking every report (the crawler does a quick
    update after every crawl; `search` does one when reports were added)."""
    from archive.search import index_reports

    started = time.perf_counter()
    result = index_reports(open_archive(data_dir), rebuild=rebuild, verify=True)
    click.echo(f"search index: {result['indexed']} reports ({result['added']} added, {result['removed']} removed"
               f"{', rebuilt' if result['rebuilt'] else ''}) in {time.perf_counter() - started:.2f} s")


# -- show -----------------------------------------------------------------------------------------

SHOW_FIELDS = ("id", "title", "agency", "portal", "region", "report_year", "publish_date", "source", "index_no",
               "doc_no", "url", "fetched_at", "last_seen_at", "version", "is_latest", "chars", "text_status",
               "extractor", "crawl_id", "warc_file", "warc_offset", "warc_length")


@cli.command()
@click.argument("ref", metavar="ID|URL")
@click.option("--text", "mode", flag_value="text", help="Only the text.")
@click.option("--meta", "mode", flag_value="meta", help="Only the metadata, as JSON (with attachments, versions).")
@click.option("--raw", "mode", flag_value="raw",
              help="The archived HTTP response (status line, headers, body as sent), read from its WARC record.")
@data_option
def show(ref, mode, data_dir):
    """Show one report by id or URL: its metadata and text (default), or --text, --meta, --raw.

    A URL finds the latest version of that report. With --raw any captured URL works (listing pages,
    error pages): the newest capture's response is printed, byte for byte.
    """
    from archive.query import find_capture, find_report, raw_response, report_meta

    db = open_archive(data_dir)
    report = find_report(db, ref)
    if mode == "raw":
        row = report or (find_capture(db, ref) if not ref.strip().isdigit() else None)
        if row is None:
            raise click.ClickException(f"no report or capture {ref!r} in {data_dir}")
        try:
            data = raw_response(data_dir, row)
        except (LookupError, OSError, ValueError) as exc:
            raise click.ClickException(f"cannot read the WARC record of {row['url']}: {exc}") from None
        click.echo(data, nl=False)  # bytes go to the binary stdout, unchanged
        return
    if report is None:
        hint = " (a captured page that is not a report: use --raw)" if find_capture(db, ref) else ""
        raise click.ClickException(f"no report {ref!r} in {data_dir}{hint}")
    if mode == "text":
        click.echo(report["text"] or "")
        return
    meta = report_meta(db, report)
    if mode == "meta":
        echo_json(meta)
        return
    width = max(len(k) for k in SHOW_FIELDS)
    for key in SHOW_FIELDS:
        if report.get(key) not in (None, ""):
            click.echo(f"{key:<{width}}  {report[key]}")
    if len(meta["versions"]) > 1:
        click.echo(f"{'versions':<{width}}  " + ", ".join(
            f"{v['version']}: id {v['id']} ({v['fetched_at']}){' latest' if v['is_latest'] else ''}"
            for v in meta["versions"]))
    for att in meta["attachments"]:
        click.echo(f"{'attachment':<{width}}  {att['filename'] or ''} {att['url']} ({att['chars'] or 0} chars)")
    if meta["figures"] or meta["checks"]:
        click.echo(f"{'figures':<{width}}  {meta['figures']}{checks_summary(meta['checks'])}")
    if meta["copy_of"]:
        copy = meta["copy_of"]
        click.echo(f"{'copy of':<{width}}  {copy['share']:.0%} of its text repeats report {copy['source_id']} "
                   f"({copy['report_year']}, {copy['title']})")
    click.echo("")
    click.echo(report["text"] or "")


# -- stats ----------------------------------------------------------------------------------------

CAPTURE_COLUMNS = [Column("status", "status", 7), Column("captures", "captures", 9, ">"),
                   Column("bytes", "bytes", 10, ">")]
CRAWL_COLUMNS = [Column("id", "id", 4, ">"), Column("mode", "mode", 8), Column("started", "started (UTC)", 19),
                 Column("took", "took", 8, ">"), Column("pages", "pages", 6, ">"), Column("reports", "reports", 22),
                 Column("errors", "errors", 6, ">"), Column("status", "status", 12, max_lines=2)]


@cli.command()
@format_option(choices=("table", "json"))
@click.option("--crawls", default=10, show_default=True, type=click.IntRange(0, 1000), help="Show the last N crawls.")
@data_option
def stats(fmt, crawls, data_dir):
    """Reports per portal and year (a coverage matrix: · marks a missing year), captures, crawl history."""
    from archive.query import stats as archive_stats

    result = archive_stats(open_archive(data_dir), crawls=crawls)
    if fmt == "json":
        result["coverage"]["portals"] = [{**p, "counts": {str(y): n for y, n in p["counts"].items()}}
                                         for p in result["coverage"]["portals"]]
        echo_json(result)
        return
    t = result["totals"]
    click.echo(f"{t['reports']} reports ({t['report_versions']} versions) from {t['portals_with_reports']} portals, "
               f"{t['attachments']} attachments, {t['captures']} captures ({size(t['bytes_captured'])}), "
               f"{t['crawls']} crawls\n")
    click.echo(render_table(*coverage_table(result["coverage"])))
    if not result["coverage"]["years"]:
        click.echo("(no report has a report_year yet)")
    click.echo("\ncaptures by status")
    click.echo(render_table([{"status": "failed" if r["status"] is None else r["status"], "captures": r["captures"],
                              "bytes": size(r["bytes"])} for r in result["captures"]], CAPTURE_COLUMNS))
    if result["crawls"]:
        click.echo("\nlast crawls")
        click.echo(render_table([crawl_row(c) for c in result["crawls"]], CRAWL_COLUMNS))


def coverage_table(cov: dict) -> tuple[list[dict], list[Column]]:
    """Rows and columns of the portal × year matrix of report counts; ``·`` where a portal has no report."""
    years = cov["years"]
    short = len(years) > 12  # 2-digit year headers keep 20 years within 100 columns
    cell = max([2 if short else 4] + [len(str(n)) for p in cov["portals"] for n in p["counts"].values()])
    columns = [Column("portal", "portal", 20, max_lines=1),
               *[Column(str(y), str(y)[-2:] if short else str(y), cell, ">") for y in years],
               Column("total", "total", 5, ">"), Column("missing", "missing", 30, max_lines=1)]
    rows = [{"portal": f"{p['portal']} {p['name']}" if p.get("name") else p["portal"],
             **{str(y): p["counts"].get(y, "·") for y in years}, "total": p["total"],
             "missing": (_year_ranges(p["missing"]) if p["counts"] else "all")
                        + (f" +{p['unknown_year']} no year" if p["unknown_year"] else "")} for p in cov["portals"]]
    return rows, columns


def crawl_row(crawl: dict) -> dict:
    return {**crawl, "started": (crawl["started_at"] or "").replace("T", " ").rstrip("Z"),
            "took": _duration(crawl["started_at"], crawl["finished_at"]), "pages": crawl["pages_fetched"] or 0,
            "reports": f"{crawl['reports_found'] or 0} ({crawl['reports_new'] or 0} new, "
                       f"{crawl['reports_changed'] or 0} chg)", "errors": crawl["errors"] or 0}


def _year_ranges(years: list[int]) -> str:
    """``[2016, 2018, 2019, 2020]`` -> ``2016, 2018-2020``."""
    parts, start = [], None
    for i, y in enumerate(years):
        if start is None:
            start = y
        if i + 1 == len(years) or years[i + 1] != y + 1:
            parts.append(str(start) if start == y else f"{start}-{y}")
            start = None
    return ", ".join(parts) or "-"


def _duration(start, end) -> str:
    import datetime as dt

    if not start or not end:
        return ""
    try:
        seconds = (dt.datetime.fromisoformat(end.replace("Z", "+00:00"))
                   - dt.datetime.fromisoformat(start.replace("Z", "+00:00"))).total_seconds()
    except ValueError:
        return ""
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


# -- verify ---------------------------------------------------------------------------------------


PROBLEM_COLUMNS = [Column("kind", "kind", 9), Column("where", "where", 40, max_lines=2),
                   Column("detail", "detail", 60, max_lines=4)]


@cli.command()
@format_option
@data_option
def verify(fmt, data_dir):
    """Check the archive's fixity: re-read every WARC record (block and payload digests, payloads that
    contradict their Content-Type) and check that every report, attachment and capture row points at a
    record of its own URL. Files crawls are still writing, and their rows, are left for later. Exit 1 when
    anything is wrong."""
    from archive.db import DB_NAME
    from archive.verify import verify_archive

    if not (Path(data_dir) / "warc").is_dir() and not (Path(data_dir) / DB_NAME).exists():
        raise click.ClickException(f"no archive in {data_dir}")
    result = verify_archive(data_dir)
    problems = [vars(p) for p in result.problems]
    if fmt == "json":
        echo_json({"ok": result.ok, "files": result.files, "records": result.records,
                   "digests_checked": result.digests_checked, "rows": result.rows, "problems": problems,
                   "being_written": result.being_written, "rows_being_written": result.rows_being_written})
    elif fmt == "csv":
        emit(problems, PROBLEM_COLUMNS, fmt)
    else:
        click.echo(result.summary())
        if problems:
            click.echo(render_table(problems, PROBLEM_COLUMNS))
    sys.exit(0 if result.ok else 1)


# -- export, cdxj, wacz ---------------------------------------------------------------------------


@cli.command()
@click.argument("out_dir", metavar="DIR", type=click.Path(file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "txt"]), required=True,
              help="jsonl: DIR/reports.jsonl; csv: DIR/reports.csv; txt: DIR/<portal>/<year>_<id>.txt.")
@click.option("--all-versions", is_flag=True, help="Every stored version, not only the latest of each report.")
@click.option("--portal", help="Only this portal id.")
@click.option("--year", type=int, help="Only reports on this year.")
@data_option
def export(out_dir, fmt, all_versions, portal, year, data_dir):
    """Write the reports with their metadata (and attachment texts) into DIR, for later parsing."""
    from archive.query import export_reports

    result = export_reports(open_archive(data_dir), out_dir, fmt, all_versions=all_versions, portal=portal, year=year)
    click.echo(f"exported {result['reports']} reports as {fmt} to {result['files'][0]}")


@cli.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Index file to write (default DATA/index.cdxj; - for stdout).")
@data_option
def cdxj(output, data_dir):
    """Write a sorted CDXJ index of the archive's WARC files (for pywb and other replay tools)."""
    from archive.query import write_cdxj

    open_archive(data_dir)
    try:
        result = write_cdxj(data_dir, output)
    except LookupError as exc:
        raise click.ClickException(str(exc)) from None
    if result["path"] == "-":
        click.echo(result["text"], nl=False)
        return
    click.echo(f"indexed {result['files']} WARC files: {result['lines']} records in {result['path']}")


@cli.command()
@click.argument("output", metavar="OUT.wacz", type=click.Path(dir_okay=False))
@click.option("--text", is_flag=True, help="Put each report's text into the pages list (full-text search in replay).")
@click.option("--validate/--no-validate", default=True, show_default=True, help="Run `wacz validate` on the result.")
@data_option
def wacz(output, text, validate, data_dir):
    """Package the WARC files, their index and the reports (as pages, with titles) into OUT.wacz."""
    from archive.query import create_wacz, validate_wacz

    db = open_archive(data_dir)
    try:
        result = create_wacz(db, data_dir, output, text=text)
    except (LookupError, ValueError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {result['path']}: {result['warcs']} WARC files, {result['pages_in_wacz']} of "
               f"{result['pages']} reports as pages")
    if result["pages_in_wacz"] < result["pages"]:
        click.echo("warning: some reports' records were not found in the WARC files", err=True)
    if validate:
        ok, log = validate_wacz(output)
        if not ok:
            raise click.ClickException(f"wacz validate failed:\n{log.strip()}")
        click.echo("wacz validate: passed")
