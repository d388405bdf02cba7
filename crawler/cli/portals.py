"""``govarchive portals discover | add | check``: the registry of portals, grown from the links between them.

Thin layers over crawler/discovery.py with spiders/registry.py, and crawler/registry_review.py.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import click

from crawler.cli.base import cli, parse_overrides, settings_option
from crawler.registry import DEFAULT_REGISTRY, RegistryError


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
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the proposed entries here (default: stdout).")
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
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "found.json"
        process = CrawlerProcess(settings)
        process.crawl(RegistrySpider, url=url, depth=depth, allow=list(allow) or None, result=str(result))
        process.start()
        found = json.loads(result.read_text(encoding="utf-8"))
    proposals = found["proposals"]
    text = json.dumps(proposals, ensure_ascii=False, indent=2) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    for entry in proposals:
        click.echo(f"found {entry['id']}: {entry['name']} ({entry['level'] or '?'}, {entry['region'] or '?'}) "
                   f"{entry['start_urls'][0]}", err=True)
    for host, reason in sorted(found["failed"].items()):
        click.echo(f"no page from {host}: {reason}", err=True)
    click.echo(f"{len(proposals)} portals found{' (written to ' + output + ')' if output else ''}; "
               f"{len(found['too_deep'])} government hosts beyond --depth {depth}, "
               f"{len(found['not_allowed'])} other hosts not followed", err=True)
    sys.exit(0 if proposals else 1)


@portals.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--portals", "registry", type=click.Path(dir_okay=False), default=str(DEFAULT_REGISTRY),
              show_default=True, help="Registry file to add to (created if missing).")
def add(file, registry):
    """Merge the reviewed entries of FILE (from `portals discover`) into a registry: no duplicate ids or hosts."""
    from crawler.registry import read_entries
    from crawler.registry_review import format_registry, merge

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
    from crawler.registry import read_entries
    from crawler.registry_review import check_entries, check_reachable
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
