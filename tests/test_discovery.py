"""The registry grows by itself: ``govarchive portals discover | add | check`` on a multi-host sample tree.

The govtree sample portals (tests/sampleportals/govtree.py) are a province, two cities, four counties and a
department's site, each on its own loopback address, with links to hosts outside the tree (www.gov.cn, a
company, a mirror off the government domains). Discovery must find every portal of the tree and request
nothing else; the entries it proposes must crawl as they are.
"""

from __future__ import annotations

import http.server
import json
import threading

import pytest

from crawler import discovery
from crawler.registry import netloc_of
from crawler.registry_review import check_entries, merge, probe
from crawler.settings import USER_AGENT
from tests.conftest import LOOPBACK_SETTINGS, govarchive
from tests.portal_crawl import crawl

ALLOW = ["--allow-host", "127.0.0.*"]  # the tree's addresses stand in for *.gov.cn (127.0.0.1 is allowed too)


@pytest.mark.parametrize("title, meta, name", [
    ("首页 - 常德市鼎城区人民政府门户网站", "", "常德市鼎城区人民政府"),
    ("湖南省人民政府门户网站", "", "湖南省人民政府"),
    ("欢迎访问常德市鼎城区教育局网站", "", "常德市鼎城区教育局"),
    ("首页_综合新闻", "岳阳市人民政府", "岳阳市人民政府"),
])
def test_site_name_from_title_or_site_name_meta(title, meta, name):
    assert discovery.site_name(title, meta) == name


@pytest.mark.parametrize("name, parent_level, parent_region, level, region", [
    ("湖南省人民政府", "", "", "province", "湖南省"),
    ("内蒙古自治区人民政府", "national", "", "province", "内蒙古自治区"),
    ("北京市人民政府", "national", "", "province", "北京市"),
    ("常德市人民政府", "province", "湖南省", "city", "湖南省常德市"),
    ("恩施土家族苗族自治州人民政府", "province", "湖北省", "city", "湖北省恩施土家族苗族自治州"),
    ("常德市鼎城区人民政府", "city", "湖南省常德市", "county", "湖南省常德市鼎城区"),
    ("华容县人民政府", "city", "湖南省岳阳市", "county", "湖南省岳阳市华容县"),
    ("津市市人民政府", "city", "湖南省常德市", "county", "湖南省常德市津市市"),  # a 市 under a city
    ("北京市海淀区人民政府", "province", "北京市", "county", "北京市海淀区"),
    ("正蓝旗人民政府", "city", "内蒙古自治区锡林郭勒盟", "county", "内蒙古自治区锡林郭勒盟正蓝旗"),
    ("灌溪镇人民政府", "county", "湖南省常德市鼎城区", "township", "湖南省常德市鼎城区灌溪镇"),
    ("常德市鼎城区教育局", "county", "湖南省常德市鼎城区", "department", "湖南省常德市鼎城区"),
    ("常德经济技术开发区", "city", "湖南省常德市", "development-zone", "湖南省常德市"),
    ("中国政府网", "", "", "national", ""),
])
def test_level_and_region_from_the_name(name, parent_level, parent_region, level, region):
    assert discovery.admin_level(name, parent_level) == level
    assert discovery.region_of(name, parent_region, level) == region


def test_government_hosts_and_ids():
    allowed = ["www.gov.cn", "www.changde.gov.cn", "cdjkq.changde.gov.cn:8080", "www.北京.政务".encode("idna").decode()]
    assert all(discovery.host_allowed(h) for h in allowed)
    assert not any(discovery.host_allowed(h) for h in ["www.example.com", "evilgov.cn", "gov.cn.example.com",
                                                       "127.0.0.2:8000"])
    assert discovery.host_allowed("127.0.0.2:8000", ["127.0.0.*"])
    assert not discovery.host_allowed("127.0.1.2:8000", ["127.0.0.*"])
    assert discovery.portal_id("cdjkq.changde.gov.cn", taken={"cdjkq"}) == "cdjkq-changde"
    assert discovery.portal_id("www.changde.gov.cn", taken={"changde", "changde-2"}) == "changde-3"
    assert [discovery.names_a_body(t) for t in ["鼎城区", "中国政府网", "部门网站", "2023年政府信息公开工作会议召开"]] == [
        True, True, False, False]


@pytest.fixture(scope="module")
def govtree():
    from tests.sampleportals import SamplePortals

    with SamplePortals(group="govtree") as portals:
        yield portals


@pytest.fixture(scope="module")
def discovered(govtree, tmp_path_factory):
    out = tmp_path_factory.mktemp("discover") / "proposed.json"
    start = govtree.portal("gt-hunan").start_url
    result = govarchive("portals", "discover", start, "--depth", "3", *ALLOW, "-o", out, *LOOPBACK_SETTINGS)
    return json.loads(out.read_text(encoding="utf-8")), result, list(govtree.request_log)


def test_discover_finds_every_portal_of_the_tree_and_no_other_host(govtree, discovered):
    from tests.sampleportals.govtree import OUTSIDE, TREE

    proposals, result, log = discovered
    tree = {p.id: p for p in govtree.portals if p.id in TREE}
    by_host = {tuple(e["hosts"]): e for e in proposals}
    assert set(by_host) == {(netloc_of(p.start_url),) for p in tree.values()}
    for portal in tree.values():
        entry = by_host[(netloc_of(portal.start_url),)]
        assert (entry["name"], entry["level"], entry["region"]) == (portal.name, portal.level, portal.region)
        assert entry["start_urls"] == [portal.start_url]
    assert check_entries(proposals) == []
    assert by_host[(netloc_of(tree["gt-dingcheng"].start_url),)]["source"] == (
        f"linked from {tree['gt-changde'].base_url}/zfwz/xsq.html as 「常德市鼎城区人民政府」")
    assert "8 portals found" in result.stderr and "3 other hosts not followed" in result.stderr
    # requests: only tree hosts, robots.txt first on each, never a path robots.txt forbids, as the project's UA
    visited = {portal_id for portal_id, *_ in log}
    assert visited == set(TREE) and not visited & set(OUTSIDE)
    for portal_id in TREE:
        paths = [path for pid, _, path, _, _ in log if pid == portal_id]
        assert paths[0] == "/robots.txt" and len(paths) <= 4
        assert not any(path.startswith("/admin/") for path in paths)
    assert {headers.get("User-Agent") for *_, headers in log} == {USER_AGENT}


def test_depth_limits_the_hops(govtree):
    start = govtree.portal("gt-hunan").start_url
    result = govarchive("portals", "discover", start, "--depth", "1", *ALLOW, *LOOPBACK_SETTINGS)
    names = [e["name"] for e in json.loads(result.stdout)]
    assert names[0] == "湖南省人民政府" and sorted(names[1:]) == ["岳阳市人民政府", "常德市人民政府"]
    assert "4 government hosts beyond --depth 1" in result.stderr
    nothing = govarchive("portals", "discover", "http://127.0.0.1:9/", *ALLOW, "-s", "RETRY_ENABLED=0", check=False)
    assert nothing.returncode == 1 and "no page from 127.0.0.1:9: Connection was refused" in nothing.stderr
    assert json.loads(nothing.stdout) == []


def test_proposed_entries_crawl_as_they_are(govtree, discovered, tmp_path):
    proposals = discovered[0]
    registry = tmp_path / "proposed.json"
    registry.write_text(json.dumps(proposals, ensure_ascii=False), encoding="utf-8")
    run = crawl(tmp_path / "data", registry, *LOOPBACK_SETTINGS)
    assert run.returncode == 0, run.stderr
    assert set(run.reports()) == {r.url for r in govtree.extra_reports}
    ids = {e["id"] for e in proposals}
    assert {r["portal"] for r in run.reports().values()} == ids
    rows = json.loads(govarchive("coverage", "--data", tmp_path / "data", "--format", "json").stdout)
    assert {(r["portal"], r["kind"]) for r in rows} == {(e["id"], "department" if e["level"] == "department"
                                                         else "government") for e in proposals}


def test_add_merges_without_duplicates_and_check_reports_problems(govtree, discovered, tmp_path):
    proposals = discovered[0]
    proposed = tmp_path / "proposed.json"
    proposed.write_text(json.dumps(proposals, ensure_ascii=False), encoding="utf-8")
    registry = tmp_path / "portals.json"
    out = govarchive("portals", "add", proposed, "--portals", registry).stdout
    assert f"{registry}: 8 added, 0 skipped, 8 portals" in out
    again = govarchive("portals", "add", proposed, "--portals", registry).stdout
    assert f"{registry}: 0 added, 8 skipped, 8 portals" in again and "is already portal" in again
    check = govarchive("portals", "check", "--portals", registry)
    assert check.stdout.strip().endswith("8 portals, 0 problems (format and start URLs checked)")

    hunan, changde = proposals[0], next(e for e in proposals if e["name"] == "常德市人民政府")
    base = hunan["start_urls"][0]
    bad = [
        {**hunan, "id": "copy"},  # same host as hunan
        {"id": "nameless", "start_urls": [base]},
        {**changde, "id": "gone", "start_urls": ["http://127.0.0.1:9/"], "hosts": ["127.0.0.1:9"]},
        {**changde, "id": "missing-page", "start_urls": [changde["start_urls"][0] + "nosuch/"]},
        {**changde, "id": "forbidden", "start_urls": [changde["start_urls"][0] + "admin/"], "hosts": changde["hosts"]},
        {**hunan, "id": "wrong-level", "level": "prefecture", "hosts": ["127.0.0.2:1"], "start_urls": ["http://127.0.0.2:1/"]},
    ]
    bad_file = tmp_path / "bad.json"
    bad_file.write_text(json.dumps([hunan, *bad], ensure_ascii=False), encoding="utf-8")
    result = govarchive("portals", "check", "--portals", bad_file, "--timeout", "5", check=False)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"copy: host {hunan['hosts'][0]} is also portal {hunan['id']}'s") for line in lines)
    assert any(line.startswith("nameless: entry 3: portal nameless has no 'name'") for line in lines)
    assert "gone: http://127.0.0.1:9/: connection refused" in lines
    assert any(line.startswith("missing-page: ") and line.endswith("HTTP 404 Not Found") for line in lines)
    assert any(line.startswith("forbidden: ") and line.endswith("disallowed by robots.txt") for line in lines)
    assert any(line.startswith("wrong-level: level 'prefecture' is not one of") for line in lines)
    merged, added, skipped = merge(proposals, bad)  # whether a start URL answers is check's business
    assert [e["id"] for e in added] == ["gone"] and len(skipped) == len(bad) - 1


@pytest.mark.parametrize("content, error", [
    (b"[1, 2]", "expected a JSON list of portal objects"),
    (b'{"id": "x"}', "expected a JSON list of portal objects"),
    (b'[{"id": "x"', "not valid JSON: Expecting"),
    ("[]".encode("utf-16"), "not valid JSON: 'utf-8' codec can't decode"),
    (None, "no such registry file"),  # or click's word for it, for a FILE argument that must exist
])
def test_a_broken_registry_file_is_refused_by_every_command_that_reads_one(tmp_path, content, error):
    """One reader for every registry file (crawler/registry.py read_entries): the crawl, the queue and the
    registry's own commands say what is wrong with the file and touch nothing."""
    registry = tmp_path / "portals.json"
    if content is not None:
        registry.write_bytes(content)
    for command in (["crawl", "--portals", registry, "--data", tmp_path / "data"],
                    ["enqueue", "--redis", "redis://127.0.0.1:9/0", "--portals", registry],
                    ["portals", "check", "--portals", registry],
                    ["portals", "add", registry, "--portals", tmp_path / "other.json"]):
        result = govarchive(*command, check=False)
        refused = f"{registry}: {error}" in result.stderr or (content is None and "does not exist" in result.stderr)
        assert result.returncode != 0 and refused, (command, result.stderr)
    assert not (tmp_path / "data").exists() and not (tmp_path / "other.json").exists()


ROBOTS_TXT = b"""User-agent: *
Disallow: /zwgk/
Allow: /zwgk/zfxxgknb/
Allow: /xxgk/
Disallow: /xxgk/*.jsp$
"""


class _RobotsHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        body = ROBOTS_TXT if self.path == "/robots.txt" else b"<html><body>page</body></html>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("path, robots, problem", [
    ("/zwgk/zfxxgknb/", True, None),  # the longer Allow wins, though a Disallow comes first
    ("/xxgk/list.jsp", True, "disallowed by robots.txt"),  # a pattern: the longer Disallow wins
    ("/xxgk/index.html", True, None),
    ("/zwgk/index.html", True, "disallowed by robots.txt"),
    ("/zwgk/index.html", False, None),  # "robots": false in the registry: the crawl ignores robots.txt
])
def test_check_reads_robots_txt_as_the_crawl_does(path, robots, problem):
    """``portals check`` says a start URL is disallowed exactly when the crawl's robots.txt parser (Scrapy's
    Protego: longest match, ``*`` and ``$`` patterns) would skip it; Python's own parser takes the first rule
    that matches and reads patterns literally, and got both of the first two wrong."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RobotsHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        host = f"127.0.0.1:{server.server_address[1]}"
        assert probe(f"http://{host}{path}", (host,), USER_AGENT, timeout=5, robots=robots) == problem
    finally:
        server.shutdown()
        server.server_close()
