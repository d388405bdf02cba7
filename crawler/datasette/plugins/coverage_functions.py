"""Datasette plugin: the coverage rules of archive/coverage.py as SQL functions, so that the ``coverage``
canned query (crawler/datasette/metadata.json) shows what ``govarchive coverage`` shows, row for row:

* ``agency_key(agency, portal_name, portal_region, portal_level)``: the normalised body (one body, one row);
* ``agency_kind(key)``: ``government``, ``department`` or ``township``;
* ``agency_display(agency)`` (aggregate): the name a body goes by, from the names its reports use;
* ``report_deadline(kind, year)``: the day the report is due (条例第四十九条), ``YYYY-MM-DD``;
* ``coverage_as_of(date)``: the date deadlines are evaluated on (an empty value is today in Beijing);
* ``coverage_status(report_id, kind, year, as_of)``: ``found``, ``overdue`` or ``not_due``.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from datasette import hookimpl

try:
    from archive import coverage as _coverage
except ImportError:  # datasette started outside the project's environment: use the checkout
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
    from archive import coverage as _coverage


def _key(agency, name, region, level):
    return _coverage.normalise_agency(agency, _coverage.Context("", name or "", region or "", level or "")).key


def _deadline(kind, year):
    return _coverage.deadline(kind, int(year)).isoformat()


def _as_of(value):
    return _coverage.parse_date(value).isoformat()


def _status(report_id, kind, year, as_of):
    return _coverage.status(report_id, kind, int(year), _coverage.parse_date(as_of))


class _Display:
    """SQLite aggregate over a body's raw agency names: archive.coverage.display_name."""

    def __init__(self):
        self.names = Counter()

    def step(self, agency):
        self.names[(agency or "").strip()] += 1

    def finalize(self):
        return _coverage.display_name(self.names)


@hookimpl
def prepare_connection(conn):
    conn.create_function("agency_key", 4, _key, deterministic=True)
    conn.create_function("agency_kind", 1, _coverage.agency_kind, deterministic=True)
    conn.create_function("report_deadline", 2, _deadline, deterministic=True)
    conn.create_function("coverage_as_of", 1, _as_of)
    conn.create_function("coverage_status", 4, _status)
    conn.create_aggregate("agency_display", 1, _Display)
