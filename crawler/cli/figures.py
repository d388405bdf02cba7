"""``govarchive parse | figures``: the statistics tables of the reports as data.

Thin layers over pipelines/figures (parse_archive) and archive/query.py (figures_table).
"""

from __future__ import annotations

import re
import sys
import time

import click

from crawler.cli.base import cli, data_option, format_option, open_archive
from crawler.cli.output import Column, emit

FIGURE_COLUMNS = [Column("id", "id", 6, ">"), Column("portal", "portal", 10), Column("report_year", "year", 4),
                  Column("agency", "agency", 24, max_lines=2)]
FIGURE_KEY = re.compile(r"t\d+:")  # a figure's column (t3:一:总计), not a report's (title)


@cli.command()
@data_option
@click.option("--force", is_flag=True, help="Parse every report version again, not only the missing or stale.")
def parse(data_dir, force):
    """Read the statistics tables (表二, 表三, 表四; headline figures of older reports) of every report
    version whose figures are missing or were read by an older parser, from its archived page and files;
    then check 上年结转 against last year's report of each body, and find copied reports. Idempotent."""
    from pipelines.figures.archive import parse_archive

    started = time.monotonic()
    live = sys.stderr.isatty()

    def progress(done, total):
        if live and (done == total or done % 50 == 0):
            click.echo(f"\rparsed {done} of {total} report versions", nl=done == total, err=True)

    result = parse_archive(open_archive(data_dir), data_dir, force=force, progress=progress)
    click.echo(f"parsed {result['parsed']} report versions, {result['carryover_checks']} carry-over checks, "
               f"{result['copies']} reports compared with their likeliest source in {time.monotonic() - started:.1f} s")


@cli.command()
@data_option
@click.option("--portal", help="Only this portal id.")
@click.option("--year", type=int, help="Only reports on this year.")
@format_option
def figures(data_dir, portal, year, fmt):
    """The figures of the latest reports: one row per report, one column per figure (t3:一:总计 …).

    The table shows the headline counts; --format json or csv gives every figure and the checks passed
    and failed. Run `govarchive parse` first for reports stored before the statistics were read."""
    from archive.query import FIGURE_SUMMARY, figures_table

    rows = figures_table(open_archive(data_dir), portal=portal, year=year)
    if fmt == "table":
        headlines = [Column(key, header, max(len(header), 6), ">") for key, header, _ in FIGURE_SUMMARY]
        emit(rows, [*FIGURE_COLUMNS, *headlines, Column("checks_failed", "checks failed", 13, ">")], fmt)
        return
    keys = sorted({key for row in rows for key in row if FIGURE_KEY.match(key)})
    emit(rows, [], fmt, ["id", "portal", "agency", "report_year", "title", "checks_ok", "checks_failed",
                         *[key for key, _, _ in FIGURE_SUMMARY], *keys])
