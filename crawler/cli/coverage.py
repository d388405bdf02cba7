"""``govarchive coverage | alerts``: who has published, who is overdue.

Thin layers over archive/coverage.py, archive/coverage_html.py and archive/alerts.py.
"""

from __future__ import annotations

from pathlib import Path

import click

from crawler.cli.base import cli, data_option, format_option, open_archive
from crawler.cli.output import echo_json, pad, wrap_cells, write_csv

CELL = {"found": "✓", "overdue": "✗", "not_due": "…"}


def _as_of(value):
    from archive.coverage import parse_date

    try:
        return parse_date(value)
    except ValueError as exc:
        raise click.UsageError(f"--as-of {exc}") from None


# -- coverage -----------------------------------------------------------------------------------------


@cli.command()
@data_option
@click.option("--portal", help="Only this portal id.")
@format_option
@click.option("--html", "html_file", type=click.Path(dir_okay=False),
              help="Write the coverage as one self-contained HTML page (a heat map) to this file.")
@click.option("--as-of", "as_of", metavar="DATE",
              help="Evaluate the deadlines on this day (YYYY-MM-DD; default today).")
@click.option("--explain", is_flag=True, help="Show how each agency name was normalised, instead of the coverage.")
@click.option("--replay", default=None, metavar="TEMPLATE",
              help="Link template of found cells in --html: {timestamp}, {url}, {url_quoted}, {id} "
                   "(default: pywb on localhost:8080, collection govarchive).")
def coverage(data_dir, portal, fmt, html_file, as_of, explain, replay):
    """Which body published its report for which year: found, overdue or not yet due.

    \b
    One row per issuing body (agency) of each portal, names normalised so that 鼎城区教育局, 教育局 and
    常德市鼎城区教育局（本级） are one body (--explain shows how). A body is expected to publish every
    year from its first report on; a year is overdue once its deadline (条例第四十九条) has passed:
    departments by 31 January, governments, townships and subdistricts by 31 March of the next year.
    """
    from archive import coverage as cov

    as_of = _as_of(as_of)
    reports, portals = cov.load(open_archive(data_dir), portal)
    if explain:
        _print_explanation(cov.explain(reports, portals), fmt)
        return
    result = cov.coverage(reports, portals, as_of=as_of)
    if html_file:
        from archive.coverage_html import DEFAULT_REPLAY, bodies, render_page

        Path(html_file).write_text(render_page(result, replay or DEFAULT_REPLAY), encoding="utf-8")
        count = sum(len(p["agencies"]) for p in result["portals"])
        click.echo(f"wrote {html_file}: {bodies(count)} on {len(result['portals'])} portals, as of {result['as_of']}")
        return
    rows = cov.coverage_rows(result)
    if fmt == "json":
        echo_json(rows)
    elif fmt == "csv":
        write_csv(rows, ["portal", "agency", "year", "status", "report_id", "key", "kind", "deadline"])
    else:
        click.echo(coverage_grid(result))


def coverage_grid(result: dict) -> str:
    """Per portal, a grid of bodies × years: ✓ found, ✗ overdue, … not yet due."""
    from archive.coverage_html import bodies

    years = result["years"]
    out = [f"coverage as of {result['as_of']}: ✓ found  ✗ overdue  … not yet due "
           "(--format json gives the report ids)"]
    for portal in result["portals"]:
        if not portal["agencies"]:
            continue
        c = portal["counts"]
        level = portal["level"] or "level unknown"
        out += ["", f"{portal['portal']} {portal['name']} ({level}): {bodies(c['agencies'])}, "
                    f"{c['found']} found, {c['overdue']} overdue, {c['not_due']} not yet due"]
        out.append(pad("agency", 24) + " " + pad("kind", 10) + " " + " ".join(f"{y % 100:02d}" for y in years))
        for agency in portal["agencies"]:
            cells = " ".join(pad(CELL[agency["years"][y]["status"]] if y in agency["years"] else "", 2, ">")
                             for y in years)
            out.append(pad(wrap_cells(agency["agency"], 24, 1)[0], 24) + " " + pad(agency["kind"], 10) + " " + cells)
    if len(out) == 1:
        out.append("(no report with an agency and a year in this archive)")
    return "\n".join(line.rstrip() for line in out)


def _print_explanation(groups: list[dict], fmt: str) -> None:
    if fmt == "json":
        echo_json([{**g, "decisions": [{"raw": d.raw, "key": d.key, "kind": d.kind, "steps": [list(s) for s in d.steps]}
                                   for d in g["decisions"]]} for g in groups])
        return
    portal = None
    for group in groups:
        if group["portal"] != portal:
            if portal is not None:
                click.echo("")
            portal = group["portal"]
            click.echo(f"{portal} {group['name']}")
        click.echo(f"  {group['key']} ({group['kind']})")
        for decision in group["decisions"]:
            click.echo(f"    {decision.explain()}")


# -- alerts -------------------------------------------------------------------------------------------


@cli.command("alerts")
@data_option
@click.option("--since", metavar="DATE", help="Only events at or after this date (YYYY-MM-DD) or time.")
@click.option("--open", "open_only", is_flag=True, help="Only the alerts still open (what is overdue now).")
@click.option("--last", is_flag=True,
              help="Only what the last check changed (prints nothing if nothing did: for cron).")
@format_option
def alerts_cmd(data_dir, since, open_only, last, fmt):
    """Missing-report alerts written by the nightly runs (DATA/alerts.jsonl): opened when a body's report
    is overdue, closed when it appears."""
    from archive.alerts import alerts, describe

    events = alerts(data_dir, since=since, open_only=open_only, last=last)
    if fmt == "json":
        echo_json(events)
    elif fmt == "csv":
        write_csv(events, ["at", "event", "portal", "agency", "year", "kind", "deadline", "since", "report_id",
                            "reason", "key", "crawl_id"])
    elif events:
        if last:
            opened = sum(1 for e in events if e["event"] == "opened")
            click.echo(f"govarchive {Path(data_dir).resolve()}: {opened} reports newly overdue, "
                       f"{len(events) - opened} alerts closed")
        for event in events:
            click.echo(f"{event['at']}  {event['event']:<6}  {describe(event)}")
