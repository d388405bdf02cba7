"""``govarchive coverage | alerts | portals discover|add|check``: who has published, who is overdue, and
the registry of portals growing by discovery.

Thin layers over archive/coverage.py, archive/coverage_html.py, archive/alerts.py, crawler/discovery.py
with spiders/registry.py, and crawler/registry_review.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from crawler.cli import cli, data_option, parse_overrides, settings_option
from archive.coverage_html import bodies
from crawler.cli_archive import _json, _open, _write_csv, pad, wrap_cells
from crawler.registry import DEFAULT_REGISTRY, RegistryError

CELL = {"found": "✓", "overdue": "✗", "not_due": "…"}
FORMATS = click.Choice(["table", "json", "csv"])


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
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.option("--html", "html_file", type=click.Path(dir_okay=False),
              help="Write the coverage as one self-contained HTML page (a heat map) to this file.")
@click.option("--as-of", "as_of", metavar="DATE", help="Evaluate the deadlines on this day (YYYY-MM-DD; default today).")
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
    reports, portals = cov.load(_open(data_dir), portal)
    if explain:
        _print_explanation(cov.explain(reports, portals), fmt)
        return
    result = cov.coverage(reports, portals, as_of=as_of)
    if html_file:
        from archive.coverage_html import DEFAULT_REPLAY, render_page

        Path(html_file).write_text(render_page(result, replay or DEFAULT_REPLAY), encoding="utf-8")
        count = sum(len(p["agencies"]) for p in result["portals"])
        click.echo(f"wrote {html_file}: {bodies(count)} on {len(result['portals'])} portals, as of {result['as_of']}")
        return
    rows = cov.coverage_rows(result)
    if fmt == "json":
        _json(rows)
    elif fmt == "csv":
        _write_csv(rows, ["portal", "agency", "year", "status", "report_id", "key", "kind", "deadline"])
    else:
        click.echo(coverage_grid(result))


def coverage_grid(result: dict) -> str:
    """Per portal, a grid of bodies × years: ✓ found, ✗ overdue, … not yet due."""
    years = result["years"]
    out = [f"coverage as of {result['as_of']}: ✓ found  ✗ overdue  … not yet due "
           "(--format json gives the report ids)"]
    for portal in result["portals"]:
        if not portal["agencies"]:
            continue
        c = portal["counts"]
        out += ["", f"{portal['portal']} {portal['name']} ({portal['level'] or 'level unknown'}): {bodies(c['agencies'])}, "
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
        _json([{**g, "decisions": [{"raw": d.raw, "key": d.key, "kind": d.kind, "steps": [list(s) for s in d.steps]}
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
@click.option("--last", is_flag=True, help="Only what the last check changed (prints nothing if nothing did: for cron).")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def alerts_cmd(data_dir, since, open_only, last, fmt):
    """Missing-report alerts written by the nightly runs (DATA/alerts.jsonl): opened when a body's report
    is overdue, closed when it appears."""
    from archive.alerts import alerts, describe

    events = alerts(data_dir, since=since, open_only=open_only, last=last)
    if fmt == "json":
        _json(events)
    elif fmt == "csv":
        _write_csv(events, ["at", "event", "portal", "agency", "year", "kind", "deadline", "since", "report_id",
                            "reason", "key", "crawl_id"])
    elif events:
        if last:
            opened = sum(1 for e in events if e["event"] == "opened")
            click.echo(f"govarchive {Path(data_dir).resolve()}: {opened} reports newly overdue, "
                       f"{len(events) - opened} alerts closed")
        for event in events:
            click.echo(f"{event['at']}  {event['event']:<6}  {describe(event)}")


# -- portals ------------------------------------------------------------------------------------------


@cli.group()
def portals():
    """Grow and check a portal registry: discover portals by their links, add them, check a registry."""


@portals.command()
@click.argument("url")
@click.option("--depth", default=1, show_default=True, type=click.IntRange(0, 5),
              help="Hosts away from URL to follow (province -> city -> county is 2).")
@click.option("--allow-host", "allow", multiple=True, metavar="PATTERN",
              help="Host pattern to follow instead of the government domains (*.gov.cn, …); repeatable, "
                   "e.g. '127.0.0.*' for test portals.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the proposed entries here (default: stdout).")
@settings_option
def discover(url, depth, allow, output, overrides):
    """Follow links from URL across government hosts and propose a registry entry for each portal found.

    Review the proposals (names, levels, regions, start URLs), then merge them with `portals add`.
    Exits 1 when not even URL gave a page.
    """
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from spiders.registry import RegistrySpider

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.setdict({"LOG_LEVEL": "WARNING", **parse_overrides(overrides)}, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(RegistrySpider)
    process.crawl(crawler, url=url, depth=depth, allow=list(allow) or None)
    process.start()
    spider = crawler.spider
    proposals = spider.proposals()
    text = json.dumps(proposals, ensure_ascii=False, indent=2) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    for entry in proposals:
        click.echo(f"found {entry['id']}: {entry['name']} ({entry['level'] or '?'}, {entry['region'] or '?'}) "
                   f"{entry['start_urls'][0]}", err=True)
    for host, reason in sorted(spider.failed.items()):
        click.echo(f"no page from {host}: {reason}", err=True)
    click.echo(f"{len(proposals)} portals found{' (written to ' + output + ')' if output else ''}; "
               f"{len(spider.too_deep)} government hosts beyond --depth {depth}, "
               f"{len(spider.not_allowed)} other hosts not followed", err=True)
    sys.exit(0 if proposals else 1)


@portals.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--portals", "registry", type=click.Path(dir_okay=False), default=str(DEFAULT_REGISTRY),
              show_default=True, help="Registry file to add to (created if missing).")
def add(file, registry):
    """Merge the reviewed entries of FILE (from `portals discover`) into a registry: no duplicate ids or hosts."""
    from crawler.registry_review import format_registry, merge, read_entries

    try:
        proposed = read_entries(file)
        existing = read_entries(registry) if Path(registry).exists() else []
    except RegistryError as exc:
        raise click.UsageError(str(exc)) from None
    merged, added, skipped = merge(existing, proposed)
    if added:
        Path(registry).write_text(format_registry(merged), encoding="utf-8")
    for entry in added:
        click.echo(f"added {entry['id']}: {entry['name']} {list(entry.get('hosts') or entry['start_urls'])}")
    for entry, reason in skipped:
        click.echo(f"skipped {entry.get('id') or entry.get('name') or '?'}: {reason}")
    click.echo(f"{registry}: {len(added)} added, {len(skipped)} skipped, {len(merged)} portals")


@portals.command()
@click.option("--portals", "registry", type=click.Path(dir_okay=False), default=str(DEFAULT_REGISTRY),
              show_default=True, help="Registry file to check.")
@click.option("--offline", is_flag=True, help="Check the file only, do not request the start URLs.")
@click.option("--timeout", default=15.0, show_default=True, help="Seconds to wait for each start URL.")
def check(registry, offline, timeout):
    """Validate a registry: format, duplicate ids and hosts, and start URLs that do not answer (with why).

    Exits 1 when there is a problem."""
    from crawler.registry_review import check_entries, check_reachable, read_entries
    from crawler.settings import USER_AGENT

    try:
        entries = read_entries(registry)
    except RegistryError as exc:
        click.echo(f"{exc}", err=True)
        sys.exit(1)
    problems = check_entries(entries)
    if not offline:
        problems += check_reachable(entries, USER_AGENT, timeout)
    for portal, problem in problems:
        click.echo(f"{portal}: {problem}")
    checked = "format" if offline else "format and start URLs"
    click.echo(f"{registry}: {len(entries)} portals, {len(problems)} problems ({checked} checked)")
    sys.exit(1 if problems else 0)
