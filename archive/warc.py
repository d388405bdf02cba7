"""WARC files: one writer per crawl, records written the way replay tools read them.

Files are WARC/1.1, one gzip member per record (warcio's ``WARCWriter``, at zlib's default level), named
``<prefix>-<UTC timestamp>-<serial>-<host>-<pid>.warc.gz`` (also the warcinfo record's WARC-Filename). A
file is written as ``<name>.warc.gz.open`` and renamed when it is closed; a writer repairs leftover ``.open``
files of killed processes when it starts (:func:`recover_open_files`).

What a record holds, and why:

* ``write_exchange`` writes the response record and then its request record (warcio's and Heritrix's
  order; the request carries ``WARC-Concurrent-To`` of the response, as cdxj-indexer expects to pair
  them, and the response points back to the request). The HTTP block of the response is made to agree
  with the stored body, because Scrapy hands over a de-chunked body with Twisted's idea of the headers:
  ``Transfer-Encoding`` is dropped, ``Content-Length`` is the stored length (a stale one makes pywb cut
  the page short), ``Content-Encoding`` stays as sent (the body is still compressed when it was sent
  compressed), the reason phrase is rebuilt from ``http.HTTPStatus`` and every header value gets its
  own line. Header bytes are kept as received: values are expected as ``latin-1``-decoded strings (a
  lossless round trip of raw bytes) and are written back as the same bytes, not %-encoded as warcio
  would do for non-ASCII values.
* ``write_revisit`` writes an identical-payload-digest revisit (HTTP headers only).
* ``write_rendered`` writes the DOM a browser rendered as a ``resource`` record under
  ``urn:rendered-dom:<url>``, never under the page URL (see its docstring).

Every function is synchronous and flushes each record to the OS before it returns, so a row that
points into a file (``captures``, ``reports``) never points at bytes that a crash can lose.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import http
import os
import re
import socket
import threading
import zlib
from dataclasses import dataclass, replace
from io import BytesIO
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import GzippingWrapper, WARCWriter

try:  # advisory locks tell a live writer's .open file from a dead one's (Linux/macOS)
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None

__all__ = [
    "WarcLocation",
    "WarcWriter",
    "RENDERED_DOM_PREFIX",
    "REVISIT_PROFILE",
    "payload_digest",
    "read_record",
    "read_http_payload",
    "recover_open_files",
    "is_being_written",
    "gzip_members",
]

WARC_VERSION = "1.1"
OPEN_SUFFIX = ".open"
WARC_SUFFIX = ".warc.gz"
#: WARC/1.1 section 6.7.2 (singular "revisit"); warcio 1.8 writes the same URI for WARC/1.1.
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
#: Target-URI prefix of rendered-DOM records (cf. browsertrix-crawler's ``urn:text:``/``urn:view:``).
RENDERED_DOM_PREFIX = "urn:rendered-dom:"
_CHUNK = 1 << 20
_HOST = re.sub(r"[^A-Za-z0-9.]+", "-", socket.gethostname()).strip("-") or "host"
GZIP_LEVEL = 6  # zlib's default, as gzip(1) and Heritrix use


class _Gzipping(GzippingWrapper):
    """warcio's gzip member writer at :data:`GZIP_LEVEL` (warcio's own compresses at level 9: twice the CPU
    of level 6 for pages 0.8% smaller; the WARC writer was the crawl process's largest cost after Scrapy's)."""

    def __init__(self, out):
        # Not warcio's __init__: the level-9 compressor it makes first would be thrown away, and making one
        # (zlib allocates 256 KB) took 40% of the time to write a page's records.
        self.out = out
        self.compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)


class _WARCWriter(WARCWriter):
    """warcio's WARCWriter writing each record as one gzip member through :class:`_Gzipping`."""

    def __init__(self, filebuf, **kwargs):
        super().__init__(filebuf, gzip=False, **kwargs)  # the member is made here, not by warcio

    def _write_warc_record(self, out, record):
        super()._write_warc_record(_Gzipping(out), record)


@dataclass(frozen=True)
class WarcLocation:
    """Where a record lies: ``reader at offset`` reads exactly ``length`` bytes, one gzip member.

    The one location type from the writer to the database rows. The writer gives ``file`` as the path it
    wrote (the final ``.warc.gz`` name; :func:`read_record` also finds the record while the file is still
    ``.open``); a crawl's session makes it relative to the data directory (:meth:`relative_to`) and adds the
    ``captures`` row that records it (``capture_id``). ``date`` is the record's WARC-Date.
    """

    file: str
    offset: int
    length: int
    payload_digest: str | None
    record_id: str | None
    date: str
    capture_id: int | None = None

    def columns(self) -> dict:
        """The ``warc_file, warc_offset, warc_length`` columns of a row that points at this record."""
        return {"warc_file": self.file, "warc_offset": self.offset, "warc_length": self.length}

    def relative_to(self, data_dir) -> "WarcLocation":
        return replace(self, file=Path(self.file).relative_to(data_dir).as_posix())

    @classmethod
    def of_capture(cls, row: dict) -> "WarcLocation":
        """The location a ``captures`` row records (the row keeps no record id)."""
        return cls(row["warc_file"], row["warc_offset"], row["warc_length"], row["payload_digest"], None,
                   row["fetched_at"])


def payload_digest(body: bytes) -> str:
    """``sha1:<base32>`` of an HTTP entity body as stored: warcio's WARC-Payload-Digest format."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def warc_date(when: dt.datetime | str | None = None) -> str:
    """WARC-Date of ``when`` (a datetime, naive = UTC, or an ISO 8601 string), now if None.

    Second precision with a ``Z``: the same text as the database's ``*_at`` columns, so a captures row's
    ``fetched_at`` is the record's WARC-Date and can be used as ``WARC-Refers-To-Date`` of a revisit.
    """
    if when is None:
        when = dt.datetime.now(dt.timezone.utc)
    elif isinstance(when, str):
        when = dt.datetime.fromisoformat(when.replace("Z", "+00:00"))
    if when.tzinfo is not None:
        when = when.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return datetime_to_iso_date(when.replace(microsecond=0))


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:  # 412 is known; 521 (加速乐) and other private codes are not
        return "Unknown"


def _clean(text: str) -> str:
    return str(text).replace("\r", " ").replace("\n", " ")


def _http_version(protocol: str | None) -> tuple[str, str | None]:
    """The HTTP/1.x version for the record's status line, and a WARC-Protocol value for anything else.

    Replay tools parse HTTP/1.x messages only; an HTTP/2 exchange is written in HTTP/1.1 syntax and
    marked ``WARC-Protocol: h2`` (the IIPC proposal for that field).
    """
    if not protocol:
        return "HTTP/1.1", None
    upper = protocol.upper()
    if upper in ("HTTP/1.0", "HTTP/1.1"):
        return upper, None
    if upper in ("H2", "HTTP/2", "HTTP/2.0"):
        return "HTTP/1.1", "h2"
    if upper in ("H3", "HTTP/3", "HTTP/3.0"):
        return "HTTP/1.1", "h3"
    return "HTTP/1.1", protocol.lower()


class _RawHeaders(StatusAndHeaders):
    """StatusAndHeaders that writes header text back as the bytes it came from.

    warcio %-encodes any non-ASCII header value; we receive raw header bytes decoded as latin-1 (a
    lossless mapping), so encoding as latin-1 restores them exactly. Text that is not latin-1 (from a
    browser API that already decoded it) is written as UTF-8, which is what warcio's reader tries first.
    """

    def to_ascii_bytes(self, filter_func=None):
        text = self.to_str(filter_func)
        try:
            return text.encode("latin-1") + b"\r\n"
        except UnicodeEncodeError:
            return text.encode("utf-8") + b"\r\n"


def _response_http_headers(status, protocol, headers, body_length, reason: str | None = None) -> _RawHeaders:
    """Status line and headers of a stored response, made to agree with the stored body.

    ``body_length`` None keeps the headers' own Content-Length (revisits without a known length).
    ``reason``: the reason phrase as received, when known (a browser reports it); else rebuilt.
    """
    version, _ = _http_version(protocol)
    lines = []
    have_length = False
    for name, value in headers:
        lower = name.lower()
        if lower == "transfer-encoding":  # the body is already de-chunked
            continue
        if lower == "content-length" and body_length is not None:
            if have_length:  # one Content-Length, where the server put the first
                continue
            have_length = True
            value = str(body_length)
        lines.append((_clean(name), _clean(value)))
    if not have_length and body_length is not None:
        lines.append(("Content-Length", str(body_length)))
    return _RawHeaders(f"{int(status)} {_clean(reason) if reason else _reason(int(status))}", lines, protocol=version)


def _host_value(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(parts.scheme)
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and port != default:
        host = f"{host}:{port}"
    return host


def _request_http_headers(url, method, protocol, headers, body) -> _RawHeaders:
    """Request line and headers as sent: adds what the HTTP client adds on the wire.

    Scrapy's HTTP/1.1 handler (Twisted's Agent) adds ``Host`` and, for a body, ``Content-Length``;
    neither is in ``request.headers``. Headers already present (e.g. from a browser) are kept.
    """
    version, _ = _http_version(protocol)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [(_clean(name), _clean(value)) for name, value in headers]
    names = {name.lower() for name, _ in lines}
    if "host" not in names:
        lines.insert(0, ("Host", _host_value(url)))
    if "content-length" not in names and (body or method.upper() in ("POST", "PUT")):
        lines.append(("Content-Length", str(len(body))))
    return _RawHeaders(f"{target} {version}", lines, protocol=method.upper())


def _warc_headers(record_type: str, url: str, date: str, record_id: str | None = None, **fields) -> StatusAndHeaders:
    """WARC record headers in a fixed, readable order; ``fields`` with value None are left out."""
    headers = [
        ("WARC-Type", record_type),
        ("WARC-Record-ID", record_id or _new_id()),
        ("WARC-Date", date),
        ("WARC-Target-URI", url),
    ]
    for name, value in fields.items():
        if value is not None:
            headers.append((name.replace("_", "-"), str(value)))
    return StatusAndHeaders("", headers, protocol="WARC/" + WARC_VERSION)


def _exchange_fields(protocol: str | None, ip_address) -> dict:
    """The WARC headers a response, revisit or request record of one exchange share."""
    return {"WARC_IP_Address": str(ip_address) if ip_address else None, "WARC_Protocol": _http_version(protocol)[1]}


def _new_id() -> str:
    return StatusAndHeadersParser.make_warc_id()


class WarcWriter:
    """Writes the exchanges of one crawl into rotating ``.warc.gz`` files in ``directory``.

    >>> writer = WarcWriter("data/warc", prefix="govarchive-00001", max_size=10**9, warcinfo={"software": "x"})
    >>> loc = writer.write_exchange(url="http://example.org/", method="GET", request_headers=[], request_body=b"",
    ...                             status=200, protocol="HTTP/1.1", response_headers=[], body=b"hi")  # doctest: +SKIP
    >>> writer.close()

    A file is opened on the first record (a crawl that fetches nothing leaves no file) and begins with a
    warcinfo record built from ``warcinfo``. Once a file has grown past ``max_size`` bytes the next
    exchange starts a new file: the check runs before each exchange, so a request/response pair and the
    records that belong to an exchange (its rendered DOM) always share a file. The constructor first
    repairs ``.open`` files left in ``directory`` by killed writers (:attr:`recovered` lists them).
    Thread-safe; every method blocks for the time of a local file write.
    """

    def __init__(self, directory, prefix: str = "govarchive", max_size: int = 1_000_000_000,
                 warcinfo: dict | None = None):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.max_size = int(max_size)
        self.warcinfo = dict(warcinfo or {})
        self.recovered: list[str] = recover_open_files(self.directory)
        self.files: list[str] = []  # final paths of the files this writer has opened
        self._lock = threading.Lock()
        self._fh = None
        self._writer: _WARCWriter | None = None
        self._path: Path | None = None  # final path of the current file
        self._serial = 0
        self._closed = False

    # -- files -----------------------------------------------------------------------------------

    @property
    def current_path(self) -> str | None:
        """Final path of the file being written, or None between files."""
        return str(self._path) if self._path else None

    def _new_name(self) -> Path:
        """``<prefix>-<UTC timestamp>-<serial>-<host>-<pid>.warc.gz`` (WARC 1.1 Annex C's Prefix-Timestamp-
        Serial-Crawlhost, with the process as Heritrix adds it): writers on several machines sharing one
        directory never collide."""
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S")
        while True:
            path = self.directory / f"{self.prefix}-{stamp}-{self._serial:05d}-{_HOST}-{os.getpid()}{WARC_SUFFIX}"
            self._serial += 1
            if not path.exists() and not Path(str(path) + OPEN_SUFFIX).exists():
                return path

    def _open(self) -> None:
        if self._closed:
            raise ValueError("WarcWriter is closed")
        path = self._new_name()
        fh = open(str(path) + OPEN_SUFFIX, "xb")
        if fcntl is not None:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._fh, self._path = fh, path
        self._writer = _WARCWriter(fh, warc_version=WARC_VERSION)
        info = {"format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"}
        info.update(self.warcinfo)
        self._writer.write_record(self._writer.create_warcinfo_record(path.name, info))
        self.files.append(str(path))

    def _close_current(self) -> None:
        if self._fh is None:
            return
        fh, path = self._fh, self._path
        self._fh = self._writer = self._path = None
        fh.flush()
        os.fsync(fh.fileno())
        os.replace(str(path) + OPEN_SUFFIX, path)  # rename while still holding the lock
        fh.close()

    def _file_for_exchange(self) -> None:
        if self._fh is not None and self._fh.tell() >= self.max_size:
            self._close_current()
        if self._fh is None:
            self._open()

    def _write(self, record) -> tuple[int, int]:
        offset = self._fh.tell()
        self._writer.write_record(record)  # flushes: one complete gzip member per record
        return offset, self._fh.tell() - offset

    # -- records ---------------------------------------------------------------------------------

    def write_exchange(self, *, url: str, method: str, request_headers: list[tuple[str, str]],
                       request_body: bytes, status: int, protocol: str | None,
                       response_headers: list[tuple[str, str]], body: bytes, ip_address=None,
                       fetched_at: dt.datetime | str | None = None, truncated: str | None = None,
                       reason: str | None = None) -> WarcLocation:
        """Write a response record and its request record; return the response record's location.

        Headers are ``(name, value)`` pairs, one per value, values being raw header bytes decoded as
        latin-1. ``body`` is the entity body as received: de-chunked but still Content-Encoded. A 304
        answer is an ordinary (small) response record: it has no payload to deduplicate. ``truncated``
        (``"disconnect"``, ``"length"`` …) marks a body that ended early: ``WARC-Truncated``.
        """
        url, body = urldefrag(url)[0], body or b""
        digest = payload_digest(body)
        with self._lock:
            self._file_for_exchange()
            date = warc_date(fetched_at)
            response = self._writer.create_warc_record(
                url, "response", payload=BytesIO(body), length=len(body),
                http_headers=_response_http_headers(status, protocol, response_headers, len(body), reason),
                warc_headers=_warc_headers("response", url, date, **_exchange_fields(protocol, ip_address),
                                           WARC_Payload_Digest=digest, WARC_Truncated=truncated),
            )
            return self._write_with_request(response, url, method, protocol, request_headers, request_body,
                                            ip_address, date, digest)

    def write_revisit(self, *, url: str, method: str = "GET", request_headers: list[tuple[str, str]] = (),
                      request_body: bytes = b"", status: int, protocol: str | None,
                      response_headers: list[tuple[str, str]], payload_digest: str, refers_to_uri: str,
                      refers_to_date: str, refers_to: str | None = None, payload_length: int | None = None,
                      ip_address=None, fetched_at: dt.datetime | str | None = None) -> WarcLocation:
        """Write a revisit record (identical payload digest) and its request; return the revisit's location.

        For the nightly crawl: the URL was fetched again and its payload digest equals that of an
        earlier capture (``refers_to_uri`` at ``refers_to_date``, the earlier record's WARC-Date, i.e.
        its captures row's ``fetched_at``; ``refers_to`` its WARC-Record-ID when known). Only the HTTP
        headers are stored; ``payload_length`` (the unchanged body's length) becomes Content-Length.
        Not for 304 answers: a 304 carries no payload, write it with :meth:`write_exchange`.
        """
        url = urldefrag(url)[0]
        with self._lock:
            self._file_for_exchange()
            date = warc_date(fetched_at)
            revisit = self._writer.create_warc_record(
                url, "revisit",
                http_headers=_response_http_headers(status, protocol, response_headers, payload_length),
                warc_headers=_warc_headers("revisit", url, date, **_exchange_fields(protocol, ip_address),
                                           WARC_Profile=REVISIT_PROFILE, WARC_Refers_To=refers_to,
                                           WARC_Refers_To_Target_URI=refers_to_uri,
                                           WARC_Refers_To_Date=refers_to_date, WARC_Payload_Digest=payload_digest),
            )
            return self._write_with_request(revisit, url, method, protocol, request_headers, request_body,
                                            ip_address, date, payload_digest)

    def _write_with_request(self, first, url, method, protocol, request_headers, request_body, ip_address,
                            date, digest) -> WarcLocation:
        """Write ``first`` (a response or revisit record) and then the request record that goes with it, each
        pointing at the other (``WARC-Concurrent-To``); return where ``first`` lies. Holds the lock."""
        first_id = first.rec_headers.get_header("WARC-Record-ID")
        request_body = request_body or b""
        request = self._writer.create_warc_record(
            url, "request", payload=BytesIO(request_body), length=len(request_body),
            http_headers=_request_http_headers(url, method, protocol, request_headers, request_body),
            warc_headers=_warc_headers("request", url, date, **_exchange_fields(protocol, ip_address),
                                       WARC_Concurrent_To=first_id),
        )
        first.rec_headers.add_header("WARC-Concurrent-To", request.rec_headers.get_header("WARC-Record-ID"))
        offset, length = self._write(first)
        self._write(request)
        return WarcLocation(str(self._path), offset, length, digest, first_id, date)

    def write_rendered(self, *, url: str, html: str, concurrent_to: str,
                       fetched_at: dt.datetime | str | None = None) -> WarcLocation:
        """Store the DOM a browser rendered for ``url``, where replay tools will not serve it as the page.

        It is a ``resource`` record (``text/html; charset=utf-8``) whose WARC-Target-URI is
        ``urn:rendered-dom:<url>``, with ``WARC-Concurrent-To`` the page's response record.
        Why not under the page URL: pywb's indexer indexes every record type except request and
        warcinfo (a ``conversion`` or ``resource`` record under the page URL would compete with the
        response in replay), and cdxj-indexer (used by ``wacz``) indexes response, revisit, resource and
        metadata records. Under its own URN it is indexed, retrievable and never a capture of the page
        URL; browsertrix-crawler stores its text and screenshots the same way (``urn:text:``, ``urn:view:``).
        """
        url = urldefrag(url)[0]
        data = html.encode("utf-8")
        target = RENDERED_DOM_PREFIX + url
        with self._lock:
            if self._fh is None:
                self._open()
            date = warc_date(fetched_at)
            rec_id = _new_id()
            digest = payload_digest(data)
            record = self._writer.create_warc_record(
                target, "resource", payload=BytesIO(data), length=len(data),
                warc_content_type="text/html; charset=utf-8",
                warc_headers=_warc_headers("resource", target, date, rec_id, WARC_Concurrent_To=concurrent_to,
                                           WARC_Payload_Digest=digest),
            )
            offset, length = self._write(record)
            return WarcLocation(str(self._path), offset, length, digest, rec_id, date)

    def close(self) -> None:
        """Close the current file (renaming it to ``.warc.gz``). Idempotent."""
        with self._lock:
            self._close_current()
            self._closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# -- reading -----------------------------------------------------------------------------------


def _existing(path) -> Path:
    """``path``, or its ``.open`` twin while the writer still holds it."""
    path = Path(path)
    if not path.exists():
        open_path = Path(str(path) + OPEN_SUFFIX)
        if open_path.exists():
            return open_path
    return path


def gzip_members(fh, start: int = 0):
    """Yield ``(start, end, None)`` for each whole gzip member of a file from ``start`` on, and
    ``(start, None, error)`` for a broken one (corrupt, or cut short by the end of the file), after which
    reading resumes at the next gzip header: one bad byte does not hide the records after it."""
    fh.seek(0, 2)
    size = fh.tell()
    pos = start
    while pos < size:
        end, error = _member_end(fh, pos)
        if error is None:
            yield pos, end, None
            pos = end
            continue
        yield pos, None, error
        pos = _next_gzip_header(fh, pos + 1, size)


def _member_end(fh, start: int) -> tuple[int | None, str | None]:
    """Where the gzip member at ``start`` ends, or why it cannot be read."""
    fh.seek(start)
    decomp = zlib.decompressobj(zlib.MAX_WBITS | 16)
    pos = start
    while True:
        buf = fh.read(_CHUNK)
        if not buf:
            return None, "gzip member cut short (the file ends inside it)"
        while buf:
            try:
                decomp.decompress(buf, _CHUNK)  # output is discarded, bounded per call
            except zlib.error as exc:
                return None, f"corrupt gzip member ({exc})"
            if decomp.eof:
                return pos + len(buf) - len(decomp.unused_data), None
            tail = decomp.unconsumed_tail
            pos += len(buf) - len(tail)
            buf = tail


_GZIP_HEADER = b"\x1f\x8b\x08"


def _next_gzip_header(fh, start: int, size: int) -> int:
    pos = start
    while pos < size:
        fh.seek(pos)
        found = fh.read(_CHUNK + len(_GZIP_HEADER)).find(_GZIP_HEADER)
        if found >= 0:
            return pos + found
        pos += _CHUNK
    return size


def _read_member(path, offset: int, length: int | None) -> bytes:
    with open(_existing(path), "rb") as fh:
        if length is None:
            _, end, error = next(gzip_members(fh, offset), (offset, None, "offset past the end of the file"))
            if error:
                raise ValueError(f"no complete gzip member at {path}:{offset}: {error}")
            length = end - offset
        fh.seek(offset)
        return fh.read(length)


def read_record(path, offset: int, length: int | None = None):
    """The warcio record (``ArcWarcRecord``) at ``offset`` of a ``.warc.gz``, read into memory.

    ``length`` defaults to the gzip member at ``offset``. The record does not depend on an open file:
    ``record.content_stream().read()`` gives the decoded body, ``record.raw_stream.read()`` the body
    as stored.
    """
    data = _read_member(path, offset, length)
    return next(iter(ArchiveIterator(BytesIO(data))))


def read_http_payload(path, offset: int, length: int | None = None) -> bytes:
    """The HTTP message stored in the record at ``offset``: status line, headers and body, as stored."""
    data = _read_member(path, offset, length)
    record = next(iter(ArchiveIterator(BytesIO(data), no_record_parse=True)))
    return record.raw_stream.read()


# -- recovery ----------------------------------------------------------------------------------


def _member_is_record(fh, start: int, end: int) -> bool:
    """A complete gzip member holds exactly one WARC record whose digests check out."""
    fh.seek(start)
    try:
        it = ArchiveIterator(BytesIO(fh.read(end - start)), check_digests=True)
        record = next(it)
        while record.raw_stream.read(_CHUNK):
            pass
        if record.digest_checker.passed is False:
            return False
        return next(it, None) is None
    except Exception:  # unparsable: the file ends before this record
        return False


def _valid_prefix(fh) -> int:
    """Length of the leading run of complete, readable records."""
    good = 0
    for start, end, error in gzip_members(fh):
        if error or not _member_is_record(fh, start, end):
            break
        good = end
    return good


def is_being_written(open_path) -> bool:
    """Whether a live writer holds ``open_path`` (a ``.open`` file), by its lock, which the kernel drops when
    the writer dies. Without advisory locks (not Linux or macOS), every such file counts as written."""
    if fcntl is None:  # pragma: no cover
        return True
    with open(open_path, "rb") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
    return False


def recover_open_files(directory) -> list[str]:
    """Close ``*.warc.gz.open`` files that a killed writer left in ``directory``; return their new paths.

    Each file is cut after its last complete record (a gzip member that decompresses to the end, CRC
    included, and holds one WARC record whose digests verify) and renamed to ``.warc.gz``. Records are
    written response first, then request: a cut can only drop the request of the last exchange (or a
    rendered/revisit record being written), and a response whose request was lost is kept, since it is
    what replay needs. No database row points at a lost record: rows are written after both records.
    A file without a single complete record is deleted. Files still locked by a live writer (another
    crawl on the same directory) are left alone.
    """
    recovered = []
    for open_path in sorted(Path(directory).glob(f"*{WARC_SUFFIX}{OPEN_SUFFIX}")):
        final = Path(str(open_path)[: -len(OPEN_SUFFIX)])
        with open(open_path, "r+b") as fh:
            if fcntl is not None:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a live writer holds it
            good = _valid_prefix(fh)
            if good == 0:
                os.unlink(open_path)
                continue
            fh.truncate(good)
            fh.flush()
            os.fsync(fh.fileno())
            if final.exists():  # never overwrite a closed file
                final = final.with_name(final.name.replace(WARC_SUFFIX, f"-recovered{WARC_SUFFIX}"))
            os.replace(open_path, final)
        recovered.append(str(final))
    return recovered
