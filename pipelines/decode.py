"""Bytes to text for fetched pages.

``w3lib.encoding`` (shipped with Scrapy) already follows the browser order (BOM, HTTP header, ``<meta>``
declaration, detection) and maps gb2312/gbk to gb18030. What it lacks, and what this module adds:

- a declared charset is *verified*: it is used only if the bytes decode strictly with it. A header that says
  utf-8 over GBK bytes (a common server misconfiguration) falls back to the ``<meta>`` declaration, then to
  detection, instead of garbling the page;
- bytes that are valid UTF-8 with non-ASCII content are read as UTF-8 whatever a page declares (GBK text is
  practically never valid UTF-8, so this only overrides wrong declarations), and a single-byte Latin
  charset (Tomcat's default ``ISO-8859-1``) is never believed for a page with multibyte content;
- the ``<meta>`` scan reaches further than w3lib's 4 KB (old pages put long scripts before it);
- detection tries UTF-8 and GB18030 strictly; when nothing decodes cleanly, the declared or guessed
  encoding that loses the fewest characters wins.
"""

from __future__ import annotations

import codecs
import re

from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
    to_unicode,
)

# Encodings that decode (almost) any byte string: a declaration of one of these proves nothing.
_SINGLE_BYTE = {"cp1252", "latin-1", "iso8859-1", "ascii", "iso8859-15", "cp1254"}
_META_RE = re.compile(rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([\w-]+)", re.I)
_NON_ASCII = re.compile(rb"[\x80-\xff]")


def decode_html(body: bytes, content_type: str = "") -> tuple[str, str]:
    """Return ``(text, encoding used)`` for a page's bytes and its Content-Type header value."""
    if not body:
        return "", "utf-8"
    bom_enc, bom = read_bom(body)
    if bom_enc and bom:
        return to_unicode(body[len(bom):], bom_enc), bom_enc

    multibyte = bool(_NON_ASCII.search(body))
    if multibyte and _strict(body, "utf-8"):
        return body.decode("utf-8"), "utf-8"

    declared = [e for e in _declared(body, content_type) if not (multibyte and e in _SINGLE_BYTE)]
    if not multibyte:  # plain ASCII: every ASCII-compatible declaration reads it the same way
        enc = declared[0] if declared else "utf-8"
        return to_unicode(body, enc), enc
    for enc in declared + ["gb18030"]:
        if _strict(body, enc):
            return to_unicode(body, enc), enc
    # Nothing decodes cleanly (a truncated or mixed page): the candidate that loses the fewest characters.
    candidates = declared + ["gb18030", "utf-8"] if declared else [_detect(body), "gb18030", "utf-8"]
    decoded = {enc: to_unicode(body, enc) for enc in dict.fromkeys(candidates)}
    enc = min(decoded, key=lambda e: decoded[e].count("\ufffd"))
    return decoded[enc], enc


def _declared(body: bytes, content_type: str) -> list[str]:
    """Encodings the header and the page declare, header first, without duplicates."""
    found = [http_content_type_encoding(content_type), html_body_declared_encoding(body)]
    if found[1] is None:
        match = _META_RE.search(body[:65536])
        if match:
            found[1] = resolve_encoding(match.group(1).decode("ascii", "ignore"))
    out: list[str] = []
    for enc in found:
        if enc and enc not in out:
            out.append(enc)
    return out


def _strict(body: bytes, enc: str) -> bool:
    try:
        codecs.decode(body, enc, "strict")
    except (UnicodeDecodeError, LookupError):
        # The WHATWG gb18030 decoder reads a lone 0x80 as the euro sign; Python's codec rejects it.
        if enc == "gb18030" and b"\x80" in body:
            return _strict(body.replace(b"\x80", b"\xa2\xe3"), enc)
        return False
    return True


def _detect(body: bytes) -> str:
    """charset-normalizer's guess for bytes that neither declare nor decode as UTF-8/GB18030."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body[:200_000]).best()
        if best is not None:
            return resolve_encoding(best.encoding) or best.encoding
    except ImportError:  # pragma: no cover - charset-normalizer comes with trafilatura
        pass
    return "gb18030"
