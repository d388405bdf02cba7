"""Fixity of an archive: the WARC files are intact, every row points at a record of its own URL, and every
response holds what its Content-Type says.

``verify_archive(data_dir)`` re-reads every WARC file of ``DATA/warc`` gzip member by gzip member (a
broken member is reported and reading resumes at the next gzip header, so one flipped byte does not hide the
rest of the file), checks each record's WARC-Block-Digest and WARC-Payload-Digest as ``warcio check`` does,
and checks that a 2xx response's payload agrees with its Content-Type: a PDF starts with ``%PDF``, Word and
Excel files with their container's magic bytes, and a page is not a browser's stand-in for a file (Chromium's
PDF viewer placeholder). Then every ``reports``, ``attachments`` and ``captures`` row with a WARC location
must point at the start of a record (type, length and WARC-Target-URI as the row says), and every report has
one (an attachment or a capture that failed has none). A file still being written (``.open``, locked by a live
crawl: verify may run while crawls go on) is not read, nor are the rows that point into it; one left by a
killed crawl is a problem.

    >>> result = verify_archive("data")          # doctest: +SKIP
    >>> result.ok, result.records, result.problems[:1]   # doctest: +SKIP
    (True, 4121, [])

``govarchive verify`` prints the summary and each problem, and exits 1 when there is any.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from urllib.parse import urldefrag

from warcio.archiveiterator import ArchiveIterator

from archive.db import DB_NAME
from archive.warc import OPEN_SUFFIX, WARC_SUFFIX, gzip_members, is_being_written

# Content-Type -> magic bytes its payload must start with (after any Content-Encoding is undone).
_MAGIC = {
    "application/pdf": (b"%PDF",),
    "application/msword": (b"\xd0\xcf\x11\xe0", b"\xdb\xa5", b"PK\x03\x04", b"{\\rtf"),
    "application/vnd.ms-excel": (b"\xd0\xcf\x11\xe0", b"PK\x03\x04"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
}
_PDF_SEARCH = 1024  # some servers put a few bytes of junk before %PDF; PDF readers look this far
# What Chromium returns as the body of a navigation to a PDF: its viewer's placeholder page.
_VIEWER_MARKS = (b"<!-- the placeholder", b'type="application/pdf"', b"<pdf-viewer", b"pdfoopifenabled")
_HTML_START = (b"<!doctype html", b"<html", b"<head", b"<body")


@dataclass(frozen=True)
class Problem:
    kind: str
    """``warc`` (a file or record that cannot be read), ``digest``, ``payload``, ``row`` or ``open_file``."""
    where: str
    """``<warc file>:<offset>`` or ``<table> <id>``."""
    detail: str


@dataclass
class Record:
    """What a row may point at: one WARC record, found at ``offset`` of its file."""
    length: int
    type: str
    uri: str


@dataclass
class VerifyResult:
    files: int = 0
    records: int = 0
    digests_checked: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    being_written: list[str] = field(default_factory=list)
    """Files still being written by a live crawl (``warc/<name>``, without ``.open``): not checked."""
    rows_being_written: int = 0
    """Rows that point into those files: not checked."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        rows = ", ".join(f"{n} {table}" for table, n in self.rows.items())
        verdict = "no problems" if self.ok else f"{len(self.problems)} problem(s)"
        writing = (f"; {len(self.being_written)} files still being written and {self.rows_being_written} rows "
                   "pointing into them not checked" if self.being_written else "")
        return (f"verified {self.files} WARC files ({self.records} records, {self.digests_checked} digests) and "
                f"{sum(self.rows.values())} rows ({rows}){writing}: {verdict}")


def verify_archive(data_dir) -> VerifyResult:
    """Check every WARC file of ``data_dir`` and every row of its database that points into them."""
    data_dir = Path(data_dir)
    result = VerifyResult()
    index: dict[tuple[str, int], Record] = {}
    warc_dir = data_dir / "warc"
    for path in sorted(warc_dir.glob(f"*{WARC_SUFFIX}{OPEN_SUFFIX}")):
        if is_being_written(path):
            result.being_written.append(path.relative_to(data_dir).as_posix().removesuffix(OPEN_SUFFIX))
        else:
            result.problems.append(Problem("open_file", path.name, "left open by a killed crawl (the next crawl "
                                                                    "repairs it: cuts it after its last whole record)"))
    for path in sorted(warc_dir.glob(f"*{WARC_SUFFIX}")):
        result.files += 1
        index.update(_verify_file(path, path.relative_to(data_dir).as_posix(), result))
    if (data_dir / DB_NAME).exists():
        _verify_rows(data_dir, index, result)
    return result


# -- WARC files -------------------------------------------------------------------------------------


def _verify_file(path: Path, name: str, result: VerifyResult) -> dict[tuple[str, int], Record]:
    records = {}
    with open(path, "rb") as fh:
        for start, end, error in gzip_members(fh):
            where = f"{name}:{start}"
            if error:
                result.problems.append(Problem("warc", where, error))
                continue
            fh.seek(start)
            record = _check_record(fh.read(end - start), where, result)
            if record is not None:
                records[(name, start)] = Record(end - start, record[0], record[1])
    return records


def _check_record(member: bytes, where: str, result: VerifyResult) -> tuple[str, str] | None:
    """Digests and payload of the one record in ``member``; ``(type, target URI)``, or None if unreadable."""
    try:
        records = ArchiveIterator(BytesIO(member), check_digests=True)
        record = next(records)
        payload = record.content_stream().read()
        extra = next(records, None)
    except Exception as exc:  # noqa: BLE001 - any parse failure is this record's problem, reported
        result.problems.append(Problem("warc", where, f"unreadable record ({type(exc).__name__}: {exc})"))
        return None
    result.records += 1
    if extra is not None:
        result.problems.append(Problem("warc", where, "more than one record in one gzip member"))
    checker = record.digest_checker
    if checker.passed is not None:
        result.digests_checked += 1
    if checker.passed is False:
        result.problems.append(Problem("digest", where, "; ".join(checker.problems)))
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    if record.rec_type == "response":
        contradiction = payload_contradiction(record.http_headers, payload)
        if contradiction:
            result.problems.append(Problem("payload", where, f"{uri}: {contradiction}"))
    return record.rec_type, uri


def payload_contradiction(http_headers, payload: bytes) -> str | None:
    """Why a 2xx response's payload is not what its Content-Type says, or None."""
    status = http_headers.get_statuscode() or ""
    if not status.startswith("2"):
        return None
    mime = (http_headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    head = payload[:_PDF_SEARCH].lstrip()
    if mime in _MAGIC:
        magic = _MAGIC[mime]
        found = b"%PDF" in head if mime == "application/pdf" else head.startswith(magic)
        if not found:
            what = "a browser's PDF viewer page" if _is_viewer(head) else f"{head[:16]!r}…"
            return f"Content-Type {mime}, but the payload is {what}"
    elif mime in ("text/html", "application/xhtml+xml") and _is_viewer(head):
        return "a browser's PDF viewer placeholder, not the page the server sent"
    return None


def _is_viewer(head: bytes) -> bool:
    lower = head[:600].lower()
    return lower.startswith(_HTML_START) and any(mark in lower for mark in _VIEWER_MARKS) and len(head) < 1024


# -- rows -------------------------------------------------------------------------------------------

_ROW_QUERIES = {
    "reports": "select id, url, warc_file, warc_offset, warc_length, 'response' as warc_type from reports",
    "attachments": "select id, url, warc_file, warc_offset, warc_length, 'response' as warc_type from attachments",
    "captures": "select id, url, warc_file, warc_offset, warc_length, warc_type from captures",
}


def _verify_rows(data_dir: Path, index: dict[tuple[str, int], Record], result: VerifyResult) -> None:
    read = {name for name, _ in index}
    connection = sqlite3.connect(f"file:{data_dir / DB_NAME}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        for row in connection.execute("select id, url from reports where warc_file is null"):
            result.problems.append(Problem("row", f"reports {row['id']}", f"{row['url']}: no WARC location"))
        for table, query in _ROW_QUERIES.items():
            result.rows[table] = 0
            for row in connection.execute(query + " where warc_file is not null"):
                if row["warc_file"] not in read and _being_written(data_dir, row["warc_file"], result):
                    result.rows_being_written += 1
                    continue
                result.rows[table] += 1
                problem = row_problem(dict(row), index)
                if problem:
                    result.problems.append(Problem("row", f"{table} {row['id']}", problem))
    finally:
        connection.close()


def _being_written(data_dir: Path, name: str, result: VerifyResult) -> bool:
    """Whether the file a row names is being written: known so, or opened since the files were listed (a crawl
    that started meanwhile)."""
    if name not in result.being_written:
        try:
            if not is_being_written(data_dir / (name + OPEN_SUFFIX)):
                return False
        except FileNotFoundError:  # never opened, or closed meanwhile (its rows are then a problem: rare)
            return False
        result.being_written.append(name)
    return True


def row_problem(row: dict, index: dict[tuple[str, int], Record]) -> str | None:
    """Why a row's WARC location does not hold a record of the row's URL, or None."""
    record = index.get((row["warc_file"], row["warc_offset"]))
    if record is None:
        return f"{row['url']}: no record at {row['warc_file']}:{row['warc_offset']}"
    if row["warc_length"] is not None and row["warc_length"] != record.length:
        return f"{row['url']}: length {row['warc_length']}, but the record there is {record.length} bytes"
    if record.type != row["warc_type"]:
        return f"{row['url']}: the record at {row['warc_offset']} is a {record.type}, not a {row['warc_type']}"
    if record.uri != urldefrag(row["url"])[0]:
        return f"{row['url']}: the record at {row['warc_offset']} is of {record.uri}"
    return None
