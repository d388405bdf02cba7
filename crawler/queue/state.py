"""What the archive knows of a portal, for a worker that never opens the archive database.

A worker's crawl asks the writer (a ``state`` message on the results stream, answered on
``<ns>:state:<entry>``) before it starts: the portal's remembered listing pages (where a nightly run starts),
the newest full 2xx capture of each of its URLs (conditional requests, revisit records) and its held
reports (the re-check schedule, and whether a report is new, changed or unchanged). The answer comes after
every result sent before the question has been applied, so it is up to date with the worker's own runs.
"""

from __future__ import annotations

import json
import sys

import sqlite_utils

from archive import db as archive_db

CAPTURE_FIELDS = ("etag", "last_modified", "payload_digest", "fetched_at", "warc_file", "warc_offset", "warc_length")
"""What a worker keeps of a capture, by its URL: what ``latest_capture``'s callers read (the validators of a
conditional request, what a revisit record refers to, the record to serve again). A whole ``captures`` row
held for every page fetched made a worker's crawl grow by about 1.5 KB a page."""


def packed(capture: dict) -> tuple:
    """The capture's CAPTURE_FIELDS, in order (its WARC file's name interned: one string for all its records)."""
    return tuple(sys.intern(capture[name]) if name == "warc_file" else capture[name] for name in CAPTURE_FIELDS)


def unpacked(url: str, values) -> dict:
    """A capture as ``latest_capture`` gives it, from its URL and :func:`packed` values."""
    return {"url": url, **dict(zip(CAPTURE_FIELDS, values))}


def portal_state(db: sqlite_utils.Database, portal: str) -> dict:
    """``{listings, captures: {url: packed capture}, reports: {url: report}}`` of one portal."""
    captures = db.query(
        f"select url, {', '.join(CAPTURE_FIELDS)} from captures where id in (select max(id) from captures "
        f"where portal = ? and {archive_db.REUSABLE_RESPONSE} group by url)", [portal])
    return {"listings": archive_db.known_listings(db, portal),
            "captures": {row["url"]: packed(row) for row in captures},
            "reports": {row["url"]: row for row in archive_db.held_reports(db, portal)}}


def request_state(client, keys, sender, entry: str, portal: str, timeout: float) -> dict:
    """Ask the writer for the state of ``portal`` (its queue ``entry``) and wait for the answer."""
    client.delete(keys.state(entry))
    sender.send("state", entry=entry, portal=portal)
    sender.flush()
    answer = client.blpop([keys.state(entry)], timeout=max(1, int(timeout)))
    if answer is None:
        raise TimeoutError(f"no state for portal {portal} from the writer within {timeout:g} s (is it running?)")
    return json.loads(answer[1])
