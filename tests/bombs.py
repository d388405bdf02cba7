"""Decompression bombs, made in a fraction of a second: small files that unpack to gigabytes.

Deflate data for N copies of one chunk is the chunk compressed once, ending in a full flush (which resets
the compressor, so the piece refers to nothing before it), written N times: no gigabyte ever passes through
the compressor. The archives and PDFs around it are real: without the limits in pipelines/attachments.py
python-docx, openpyxl and pdfminer would unpack all of it.

- ``docx_bomb``: a python-docx document whose ``word/document.xml`` holds ~1.5 GB of paragraphs.
- ``xlsx_bomb``: an openpyxl workbook whose ``xl/sharedStrings.xml`` holds ~1.5 GB of strings.
- ``pdf_bomb``: a one-page PDF whose content stream inflates (FlateDecode) to ~1.5 GB of blanks.
- ``pdf_lzw_bomb``: the same with an LZWDecode stream (~7 MB for every 5 KB, pure Python to decode).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

MB = 2**20


def _deflate(parts: list[tuple[bytes, int]], checksum=zlib.crc32, start: int = 0) -> tuple[bytes, int, int]:
    """Raw deflate data of ``b"".join(chunk * count for chunk, count in parts)``, with the checksum and size
    of what it inflates to."""
    out, check, size = [], start, 0
    for chunk, count in parts:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        out.append((compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)) * count)
        for _ in range(count):
            check = checksum(chunk, check)
        size += len(chunk) * count
    out.append(zlib.compressobj(9, zlib.DEFLATED, -15).flush())  # the final (empty) block
    return b"".join(out), check, size


def zlib_stream(*parts: tuple[bytes, int]) -> bytes:
    """The same as a zlib stream (what a PDF's FlateDecode holds): header, deflate data, Adler-32."""
    data, adler, _ = _deflate(list(parts), zlib.adler32, 1)
    return b"\x78\xda" + data + struct.pack(">I", adler)


def _zip(members: dict[str, tuple]) -> bytes:
    """A zip file; each member is ``(raw deflate data, crc32, unpacked size)`` as written (sizes < 4 GB)."""
    out, central = io.BytesIO(), []
    for name, (data, crc, size) in members.items():
        encoded, offset = name.encode(), out.tell()
        fields = (20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded))
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + encoded + data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, 0, offset)
                       + encoded)
    start = out.tell()
    directory = b"".join(central)
    out.write(directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(directory),
                                      start, 0))
    return out.getvalue()


def _rezip(document: bytes, changes: dict[str, list[tuple[bytes, int]]]) -> bytes:
    """``document`` (a zip) with the members named in ``changes`` replaced or added: ``[(chunk, count), …]``."""
    with zipfile.ZipFile(io.BytesIO(document)) as source:
        contents = {info.filename: [(source.read(info), 1)] for info in source.infolist()}
    return _zip({name: _deflate(parts) for name, parts in {**contents, **changes}.items()})


def _repeated(unit: bytes, size: int = MB) -> bytes:
    return unit * (size // len(unit))


def docx_bomb(megabytes: int = 1500) -> bytes:
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("占位")
    document.save(buffer)
    xml = zipfile.ZipFile(buffer).read("word/document.xml")
    head, tail = xml.split(b"<w:p>", 1)[0], b"</w:body></w:document>"
    paragraph = "<w:p><w:r><w:t>本报告根据《中华人民共和国政府信息公开条例》编制。</w:t></w:r></w:p>".encode()
    parts = [(head, 1), (_repeated(paragraph), megabytes), (tail, 1)]
    return _rezip(buffer.getvalue(), {"word/document.xml": parts})


def xlsx_bomb(megabytes: int = 1500) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["信息内容", "本年制发件数"])
    buffer = io.BytesIO()
    book.save(buffer)  # openpyxl writes its strings inline: add a shared-strings part, which it reads whole
    types = zipfile.ZipFile(buffer).read("[Content_Types].xml").replace(b"</Types>", (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    head = (b'<?xml version="1.0" encoding="UTF-8"?>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
    strings = [(head, 1), (_repeated("<si><t>行政许可</t></si>".encode()), megabytes), (b"</sst>", 1)]
    return _rezip(buffer.getvalue(), {"[Content_Types].xml": [(types, 1)], "xl/sharedStrings.xml": strings})


def pdf_with_content(stream: bytes, filter_name: str) -> bytes:
    """A one-page PDF whose page content is ``stream`` under ``/Filter /filter_name`` (with a valid xref)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d /Filter /%s >>\nstream\n" % (len(stream), filter_name.encode()) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def pdf_bomb(megabytes: int = 1500) -> bytes:
    return pdf_with_content(zlib_stream((_repeated(b" "), megabytes)), "FlateDecode")


def lzw_repeats(byte: int, cycles: int) -> bytes:
    """LZWDecode data (PDF's variant: 9-12 bit codes, early change) for one byte repeated ~7.4 MB a cycle.

    Each cycle starts with a clear code; then each code names the string before it plus one more byte (the
    decoder's "KwKwK" case), so code k yields k - 256 bytes, until the table is full."""
    bits, nbits = [], 9
    for _ in range(cycles):
        bits += [(256, nbits), (byte, 9)]
        table, nbits = 258, 9
        while table < 4095:
            bits.append((table, nbits))
            table += 1
            nbits = 12 if table >= 2047 else 11 if table >= 1023 else 10 if table >= 511 else 9
    bits.append((257, nbits))  # end of data
    out, value, count = bytearray(), 0, 0
    for code, width in bits:
        value, count = (value << width) | code, count + width
        while count >= 8:
            count -= 8
            out.append((value >> count) & 0xFF)
        value &= (1 << count) - 1
    if count:
        out.append((value << (8 - count)) & 0xFF)
    return bytes(out)


def pdf_lzw_bomb(cycles: int = 40) -> bytes:
    return pdf_with_content(lzw_repeats(ord(" "), cycles), "LZWDecode")
