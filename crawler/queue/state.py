"""What the archive knows of a portal, for a worker that never opens the archive database.

A worker's crawl asks the writer (a ``state`` message on the results stream, answered on
``<ns>:state:<entry>``) before it starts: the portal's remembered listing pages (where a nightly run starts),
the newest full 2xx capture of each of its URLs (conditional requests, revisit records), its held reports
(the re-check schedule, and whether a report is new, changed or unchanged), and, on a redelivery, the pages
the earlier deliveries' crawls archived (served from their WARC records, not fetched again). The answer
comes after every result sent before the question has been applied, so it is up to date with the worker's
own runs, and with a dead worker's up to its last flush.
"""

from __future__ import annotations

import json
import marshal
import sys

import sqlite_utils

from archive import db as archive_db

CAPTURE_FIELDS = ("etag", "last_modified", "payload_digest", "fetched_at", "warc_file", "warc_offset", "warc_length")
"""What a worker keeps of a capture, by its URL: what ``latest_capture``'s callers read (the validators of a
conditional request, what a revisit record refers to, the record to serve again). A whole ``captures`` row
held for every page fetched made a worker's crawl grow by about 1.5 KB a page."""


_FILE = CAPTURE_FIELDS.index("warc_file")


def packed(capture: dict) -> tuple:
    """The capture's CAPTURE_FIELDS, in order: how they travel (JSON lists)."""
    return tuple(capture[name] for name in CAPTURE_FIELDS)


def unpacked(url: str, values) -> dict:
    """A capture as ``latest_capture`` gives it, from its URL and :func:`packed` values."""
    return {"url": url, **dict(zip(CAPTURE_FIELDS, values))}


class CaptureTable:
    """``url -> packed capture`` for every page of a worker's portals, at about 170 bytes a page besides its URL:
    a capture's values marshalled into one bytes object, its WARC file's name as an index into the names seen.
    As a tuple of seven objects a capture held about 440 bytes (13 MB more for a portal of 50,000 pages)."""

    def __init__(self, captures=()):
        """``captures``: ``(url, packed capture)`` pairs to start with."""
        self._rows: dict[str, bytes] = {}
        self._files: list[str] = []
        self._file_ids: dict[str, int] = {}
        for url, values in captures:
            self.put(url, values)

    def __len__(self) -> int:
        return len(self._rows)

    def put(self, url: str, values) -> None:
        file_id = self._file_ids.setdefault(values[_FILE], len(self._files))
        if file_id == len(self._files):
            self._files.append(values[_FILE])
        self._rows[sys.intern(url)] = marshal.dumps((*values[:_FILE], file_id, *values[_FILE + 1:]))

    def get(self, url: str) -> tuple | None:
        row = self._rows.get(url)
        if row is None:
            return None
        values = marshal.loads(row)
        return (*values[:_FILE], self._files[values[_FILE]], *values[_FILE + 1:])

    def discard(self, url: str) -> bool:
        """Forget the URL's capture; whether there was one."""
        return self._rows.pop(url, None) is not None


def portal_state(db: sqlite_utils.Database, portal: str, earlier_runs: list[str] = ()) -> dict:
    """``{listings, captures: {url: packed capture}, reports: {url: report}, resumable: {url: packed capture}}``
    of one portal; ``resumable``: its pages archived by the crawls ``earlier_runs`` (run keys)."""
    captures = db.query(
        f"select url, {', '.join(CAPTURE_FIELDS)} from captures where id in (select max(id) from captures "
        f"where portal = ? and {archive_db.REUSABLE_RESPONSE} group by url)", [portal])
    return {"listings": archive_db.known_listings(db, portal),
            "captures": {row["url"]: packed(row) for row in captures},
            "reports": {row["url"]: row for row in archive_db.held_reports(db, portal)},
            "resumable": _archived_by(db, portal, earlier_runs)}


def _archived_by(db: sqlite_utils.Database, portal: str, run_keys: list[str]) -> dict:
    """``url -> packed capture`` of the pages of ``portal`` the crawls ``run_keys`` archived."""
    if not run_keys:
        return {}
    runs = [row["id"] for row in db.query(
        f"select id from crawls where run_key in ({', '.join('?' * len(run_keys))})", list(run_keys))]
    return {url: packed(row) for url, row in archive_db.captures_of(db, runs, portal).items()}


def request_state(client, keys, sender, entry: str, portal: str, timeout: float, earlier_runs: list[str] = ()) -> dict:
    """Ask the writer for the state of ``portal`` (its queue ``entry``; ``earlier_runs``: the run keys of its
    earlier deliveries) and wait for the answer."""
    client.delete(keys.state(entry))
    sender.send("state", entry=entry, portal=portal, earlier_runs=list(earlier_runs))
    sender.flush()
    answer = client.blpop([keys.state(entry)], timeout=max(1, int(timeout)))
    if answer is None:
        raise TimeoutError(f"no state for portal {portal} from the writer within {timeout:g} s (is it running?)")
    return json.loads(answer[1])
