"""What a worker's crawl keeps of each page it may be asked about (crawler/queue/state.py ``CaptureTable``)."""

from __future__ import annotations

from crawler.queue.state import CAPTURE_FIELDS, CaptureTable, packed, unpacked


def capture(n: int, **fields) -> dict:
    return {"url": f"http://127.0.0.9/art/{n}.html", "etag": f'W/"{n:x}-5f3a"', "last_modified": None,
            "payload_digest": f"sha1:{n:032d}", "fetched_at": f"2026-12-04T15:36:{n % 60:02d}.422000Z",
            "warc_file": f"govarchive-vm-{n // 3}-20261204153623-00001.warc.gz", "warc_offset": n * 4096,
            "warc_length": 3900 + n, **fields}


def test_every_capture_comes_back_as_it_was_put():
    captures = [capture(n) for n in range(10)] + [
        capture(10, etag=None, last_modified="Wed, 21 Oct 2015 07:28:00 GMT"),
        capture(11, etag='"caf\xe9"', warc_offset=2**40),  # a header decoded as latin-1; a file past 1 TB
        capture(12, etag="", warc_file="govarchive-vm-0-20261204153623-00001.warc.gz")]
    table = CaptureTable((c["url"], list(packed(c))) for c in captures[:6])  # as the writer's answer has them
    for c in captures[6:]:
        table.put(c["url"], packed(c))
    assert len(table) == len(captures)
    assert [unpacked(c["url"], table.get(c["url"])) for c in captures] == captures
    assert set(CAPTURE_FIELDS) | {"url"} == set(captures[0])


def test_a_newer_capture_replaces_the_older_and_a_forgotten_one_is_gone():
    table = CaptureTable()
    first, second = capture(1), capture(1, payload_digest="sha1:" + "B" * 32, warc_offset=1)
    table.put(first["url"], packed(first))
    table.put(second["url"], packed(second))
    assert table.get(first["url"]) == packed(second)
    assert table.discard(first["url"]) and not table.discard(first["url"])
    assert table.get(first["url"]) is None and table.get("http://127.0.0.9/never") is None
