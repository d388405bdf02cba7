"""The ``govarchive`` command line: one click group (base.py), its commands by subject (base.py
``COMMAND_MODULES``), each module imported only when one of its commands runs.

- crawl.py: ``backfill``, ``crawl``, ``extract``, ``schedule``
- archive.py: ``reports``, ``search``, ``index``, ``show``, ``stats``, ``verify``, ``export``, ``cdxj``, ``wacz``
- coverage.py: ``coverage``, ``alerts``
- figures.py: ``parse``, ``figures`` (the statistics tables as data)
- portals.py: ``portals discover | add | check``
- queue.py: ``enqueue``, ``worker``, ``writer``, ``queue`` (a crawl over several workers: crawler/queue)

Each command is a thin layer over a library function; listings print through output.py
(``--format table|json|csv``). Errors are short messages (exit 2 for bad usage), never tracebacks.
"""

from crawler.cli.base import cli


def main():
    cli()
