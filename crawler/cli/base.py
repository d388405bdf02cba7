"""The ``govarchive`` command group and the options every command shares."""

from __future__ import annotations

import importlib
import sqlite3
from pathlib import Path

import click

DEFAULT_DATA = "data"
FORMATS = ("table", "json", "csv")
#: The module of crawler/cli that defines each command (it registers them on :data:`cli` when imported).
COMMAND_MODULES = {
    **dict.fromkeys(("backfill", "crawl", "extract", "schedule"), "crawl"),
    **dict.fromkeys(("reports", "search", "index", "show", "stats", "verify", "export", "cdxj", "wacz"), "archive"),
    **dict.fromkeys(("coverage", "alerts"), "coverage"),
    **dict.fromkeys(("parse", "figures"), "figures"),
    "portals": "portals",
    **dict.fromkeys(("enqueue", "worker", "writer", "queue"), "queue"),
}


class LazyGroup(click.Group):
    """A group whose commands' modules are imported when a command runs (``--help`` lists them all): a
    worker, running for days, holds no archive code it never calls (3 MB of RSS), and a quick command such
    as ``govarchive queue`` starts in half the time."""

    def list_commands(self, ctx) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx, name):
        if name in COMMAND_MODULES and name not in self.commands:
            importlib.import_module(f"crawler.cli.{COMMAND_MODULES[name]}")
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="govarchive")
def cli():
    """Crawl and archive Chinese government information-disclosure annual reports."""


def data_option(func):
    """``--data DIR``: the archive directory (archive.db, warc/, logs/), shared by every command."""
    return click.option("--data", "data_dir", default=DEFAULT_DATA, show_default=True,
                        type=click.Path(file_okay=False), help="Archive directory.")(func)


def settings_option(func):
    """``-s NAME=VALUE``: a Scrapy setting for this run, as with ``scrapy crawl``."""
    return click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
                        help="Scrapy setting for this run (repeatable), e.g. -s PORTAL_PAGE_BUDGET=100.")(func)


def format_option(func=None, *, choices=FORMATS):
    """``--format table|json|csv``: one output option for every listing command (crawler/cli/output.py)."""
    def decorate(f):
        return click.option("--format", "fmt", type=click.Choice(list(choices)), default="table",
                            show_default=True, help="Output format.")(f)
    return decorate(func) if func else decorate


def parse_overrides(pairs) -> dict:
    """``-s`` values as a settings dict."""
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise click.UsageError(f"-s {pair}: expected NAME=VALUE")
        settings[name] = value
    return settings


def open_archive(data_dir):
    """The archive database of ``data_dir``; a clear error if there is none (never creates one)."""
    from archive.db import DB_NAME, open_db

    if not (Path(data_dir) / DB_NAME).exists():
        raise click.ClickException(f"no archive in {data_dir}: {Path(data_dir) / DB_NAME} does not exist "
                                   "(crawl first, or give --data DIR)")
    try:
        return open_db(data_dir)
    except sqlite3.DatabaseError as exc:
        raise click.ClickException(f"cannot open {Path(data_dir) / DB_NAME}: {exc}") from None
