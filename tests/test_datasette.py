"""``make serve``: Datasette over the archive, checked over real HTTP.

The server is started the way the Makefile's ``serve`` target starts it (SERVE_ARGS below; keep them in
step), after ``govarchive index``, on a free 127.0.0.1 port.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from archive.db import open_db
from archive.search import normalize
from tests.archive_builder import build_test_archive, report_ids
from tests.conftest import ROOT, govarchive

BIN = Path(sys.executable).parent
#: as in the Makefile: datasette serve $(DATA)/archive.db $(SERVE_ARGS)
SERVE_ARGS = ["--metadata", "crawler/datasette/metadata.json", "--plugins-dir", "crawler/datasette/plugins",
              "--setting", "truncate_cells_html", "300", "--setting", "suggest_facets", "off"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = build_test_archive(tmp_path_factory.mktemp("datasette"))
    govarchive("index", "--data", data)
    port = free_port()
    log = tmp_path_factory.mktemp("log") / "datasette.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(BIN / "datasette"), "serve", str(data / "archive.db"), *SERVE_ARGS,
                                 "--host", "127.0.0.1", "--port", str(port)],
                                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("datasette did not start:\n" + log.read_text(errors="replace"))
                time.sleep(0.1)
        yield base, data
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def get(base, path, **params) -> tuple[int, str]:
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def get_json(base, path, **params):
    status, body = get(base, path, **params)
    assert status == 200, body[:500]
    return json.loads(body)


@pytest.fixture(scope="module")
def ids(server):
    return {key[:3]: value for key, value in report_ids(server[1]).items()}


@pytest.fixture(scope="module")
def latest(server):
    db = open_db(server[1])
    return {r["id"]: normalize(r["title"]) + "\n" + normalize(r["text"])
            for r in db.query("select id, title, text from reports where is_latest = 1")}


def search_box(base, query) -> set[int]:
    rows = get_json(base, "/archive/reports.json", _search=query, _shape="array", _col="title", _size="max")
    return {row["id"] for row in rows}


@pytest.mark.parametrize("term", ["复议", "行政诉讼", "政府信息公开", "坛", "开福", "2017"])
def test_search_box_finds_chinese_terms_of_any_length(server, latest, term):
    expected = {i for i, text in latest.items() if term in text}
    assert expected
    assert search_box(server[0], term) == expected


def test_search_box_query_language(server, ids):
    base = server[0]
    everyone = set(ids.values())
    assert search_box(base, "金坛 OR 开福") == {ids["002"], ids["004"]}
    assert search_box(base, '"重点公开"') == {ids["000"], ids["004"]}
    assert search_box(base, "政府信息公开 -开福") == everyone - {ids["004"]}
    assert search_box(base, '"行政诉讼') == everyone - {ids["002"]}  # unbalanced: searched as plain words
    assert search_box(base, "，。") == set()
    rows = get_json(base, "/archive/reports.json", _search_title="开福区", _shape="array", _col="title")
    assert [r["id"] for r in rows] == [ids["004"]]  # column search uses the same translation


def test_search_page_html_with_facets_and_descriptions(server):
    status, page = get(server[0], "/archive/reports", _search="行政诉讼")
    assert status == 200
    assert 'value="行政诉讼"' in page  # the box shows what the user typed
    assert "4 rows" in page
    for facet in ("portal", "report_year", "agency"):
        assert f'data-column="{facet}"' in page and f"facet-{facet}" in page
    assert "One row per version of a report" in page  # table description
    assert "The year reported on" in page  # column description


def test_canned_search_query_ranks_and_highlights(server, ids):
    base = server[0]
    rows = get_json(base, "/archive/search.json", q="复议", year="2017", portal="", _shape="array")
    assert {r["id"] for r in rows} == {ids["000"], ids["001"]}
    assert all("【复议】" in r["snippet"] for r in rows)
    rows = get_json(base, "/archive/search.json", q="政府信息公开", year="", portal="kaifu", _shape="array")
    assert [r["id"] for r in rows] == [ids["004"]]
    status, page = get(base, "/archive/search", q="行政诉讼", year="", portal="")
    assert status == 200 and "<mark>行政诉讼</mark>" in page


def test_metadata_facets_and_hidden_index_tables(server):
    base = server[0]
    data = get_json(base, "/archive/reports.json", _search="复议", _size="1")
    assert set(data["facet_results"]) >= {"portal", "report_year", "agency"}
    tables = {t["name"]: t for t in get_json(base, "/archive.json")["tables"]}
    assert tables["reports_fts"]["hidden"] and tables["reports_fts_state"]["hidden"]
    assert not tables["reports"]["hidden"]
    meta = get_json(base, "/-/metadata.json")
    assert meta["databases"]["archive"]["tables"]["reports"]["fts_table"] == "reports_fts"
    assert set(get_json(base, "/archive/report_figures.json")["facet_results"]) >= {"table_no", "row_key", "col_key"}
    assert set(get_json(base, "/archive/report_checks.json")["facet_results"]) >= {"name", "ok"}


def test_archive_is_read_only_over_http(server):
    status, body = get(server[0], "/archive.json", sql="delete from reports")
    assert status == 400 and "must be a SELECT" in body
    assert open_db(server[1])["reports"].count == 6
