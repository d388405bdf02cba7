"""``govarchive backfill | crawl | extract | schedule``: running crawls, and checking a page before one."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from crawler.cli.base import cli, data_option, parse_overrides, settings_option
from crawler.cli.output import checks_summary
from crawler.lock import LockHeld, data_dir_lock
from crawler.registry import RegistryError, load_registry, portal_for_url


@cli.command()
@click.argument("url")
@click.option("--portals", "registry", type=click.Path(dir_okay=False),
              help="Registry file that may describe the portal (default: the shipped crawler/portals.json).")
@data_option
@settings_option
def backfill(url, registry, data_dir, overrides):
    """Crawl one portal from URL (or a bare domain), staying on its host, until every report is archived.

    The portal's name, region and level come from the registry entry whose hosts hold URL, if any."""
    try:
        portal = portal_for_url(url, load_registry(registry))
    except RegistryError as exc:
        raise click.UsageError(str(exc)) from None
    sys.exit(crawl_and_report([portal], data_dir, "backfill", overrides))


@cli.command()
@click.option("--portals", "registry", type=click.Path(dir_okay=False),
              help="Registry file of portals to crawl (default: the shipped crawler/portals.json).")
@click.option("--portal", "urls", multiple=True, metavar="URL", help="Crawl this portal instead (repeatable).")
@data_option
@settings_option
def crawl(registry, urls, data_dir, overrides):
    """Crawl every portal of a registry, or the portals given with --portal."""
    try:
        known = load_registry(registry)
        portals = [portal_for_url(u, known) for u in urls] if urls else known
    except RegistryError as exc:
        raise click.UsageError(str(exc)) from None
    sys.exit(crawl_and_report(portals, data_dir, "nightly", overrides))


def crawl_and_report(portals, data_dir, mode, overrides) -> int:
    """Run a crawl, print its one-line summary and return its exit code."""
    from archive.alerts import after_crawl
    from crawler.run import EXIT_COULD_NOT_RUN, run_crawl  # Scrapy loads only for the commands that crawl
    from pipelines.figures.archive import after_crawl as relate_after_crawl

    started = time.monotonic()
    try:
        with data_dir_lock(data_dir):
            row = run_crawl(portals, data_dir, mode, parse_overrides(overrides))
            if row.get("reports_new") or row.get("reports_changed"):  # a run that stored none has none to relate
                relate_after_crawl(data_dir)
            alerts = after_crawl(data_dir, row["id"]) if mode == "nightly" else None
    except LockHeld as exc:
        click.echo(f"govarchive: {exc}", err=True)
        return EXIT_COULD_NOT_RUN
    errors = json.loads(row["error_counts"] or "{}")
    second = (f"; the second phase found {row['reports_second_phase']} in {row['pages_second_phase']} pages"
              if mode == "backfill" else "")
    click.echo(
        f"crawl {row['id']} ({mode}) {row['status']}: {len(portals)} portal(s), {row['pages_fetched']} pages, "
        f"{row['reports_found']} reports ({row['reports_new']} new, {row['reports_changed']} changed{second}), "
        f"{row['errors']} errors{' ' + json.dumps(errors, ensure_ascii=False) if errors else ''} "
        f"in {time.monotonic() - started:.1f} s; archive: {Path(data_dir) / 'archive.db'}, {Path(data_dir) / 'warc'}/"
    )
    if alerts:
        click.echo(alerts)
    return row["exit_code"]


@cli.command()
@click.argument("file", type=click.File("rb"))
@click.option("--url", default="", help="The URL the page was served from (resolves links, names the portal).")
@click.option("--content-type", default="", help="The Content-Type header it was served with, if known.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
def extract(file, url, content_type, as_json):
    """Print the clean text and metadata the pipeline would store for one saved page."""
    from pipelines.page import read_report

    result = read_report(file.read(), url, content_type)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for key in ("title", "is_report", "reason", "report_year", "agency", "publish_date", "source", "index_no",
                "doc_no", "encoding", "chars", "extractor"):
        click.echo(f"{key}: {result.get(key) if result.get(key) is not None else ''}")
    click.echo(f"figures: {len(result['figures'])}{checks_summary(result['checks'])}")
    click.echo("")
    click.echo(result["text"])


@cli.command()
@data_option
@click.option("--portals", "registry", type=click.Path(dir_okay=False), help="Registry file the nightly run uses.")
@click.option("--at", "at", default="02:30", show_default=True, help="Time of day (HH:MM, local time).")
@click.option("--systemd", is_flag=True, help="A systemd service and timer instead of a crontab line.")
@click.option("--install", is_flag=True, help="Install it (crontab of this user, or the unit files).")
@click.option("--unit-dir", default="~/.config/systemd/user", show_default=True,
              help="Where --systemd --install writes the units.")
@click.option("--mailto", metavar="ADDRESS", help="Have cron mail the night's new missing-report alerts here (MAILTO).")
def schedule(data_dir, registry, at, systemd, install, unit_dir, mailto):
    """Print (or --install) the nightly crawl as a crontab line or a systemd timer."""
    from crawler import schedule as sched

    try:
        hour, minute = (int(part) for part in at.split(":"))
        assert 0 <= hour < 24 and 0 <= minute < 60
    except (ValueError, AssertionError):
        raise click.UsageError(f"--at {at}: expected HH:MM") from None
    command = sched.nightly_command(data_dir, registry)
    if systemd and mailto:
        raise click.UsageError("--mailto is for the crontab (cron's MAILTO); "
                               "under systemd the alert summary goes to the journal")
    if not systemd:
        line = sched.crontab_line(command, hour, minute, mailto, sched.alerts_command(data_dir))
        click.echo(sched.install_crontab(line) if install else line, nl=not install)
        return
    units = sched.systemd_units(command, hour, minute, Path.cwd())
    if not install:
        for name, text in units.items():
            click.echo(f"# {name}\n{text}")
        return
    for path in sched.install_systemd_units(units, Path(unit_dir).expanduser()):
        click.echo(f"wrote {path}")
    click.echo(f"now run: systemctl --user daemon-reload && systemctl --user enable --now {sched.UNIT_NAME}.timer")
