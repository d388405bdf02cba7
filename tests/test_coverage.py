"""Coverage by issuing body: names normalised to one body per row, deadlines, found/overdue/not_due.

The archive is built with the store's own functions and real WARC records (tests/coverage_sample.py);
the commands run as a user runs them.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json

import pytest

from archive import coverage as cov
from tests.conftest import ROOT, govarchive
from tests.coverage_sample import AS_OF, EXPECTED, PORTALS, REPORTS, build_coverage_archive

DINGCHENG = cov.Context("dingcheng", "常德市鼎城区人民政府", "湖南省常德市鼎城区", "county")
ZONE = cov.Context("cdjkq", "常德经济技术开发区", "湖南省常德市", "development-zone")
JINSHI = cov.Context("jinshi", "津市市人民政府", "湖南省常德市津市市", "county")
DEPARTMENT_SITE = cov.Context("dcjyj", "常德市鼎城区教育局", "湖南省常德市鼎城区", "department")
TAOYUAN = cov.Context("taoyuan", "桃源县人民政府", "湖南省常德市桃源县", "county")


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return build_coverage_archive(tmp_path_factory.mktemp("coverage") / "data")


@pytest.mark.parametrize("ctx, names, key, kind", [
    (DINGCHENG, ["常德市鼎城区人民政府", "鼎城区人民政府", "鼎城区政府", "区政府", "鼎城区本级", None], "人民政府", "government"),
    (DINGCHENG, ["鼎城区教育局", "教育局", "常德市鼎城区教育局（本级）", "鼎城 教育局", "县教育局"], "教育局", "department"),
    (DINGCHENG, ["鼎城区发改局", "县发展和改革局", "区发展改革局", "鼎城区发展和改革局"], "发展改革局", "department"),
    (DINGCHENG, ["区政府办", "政府办公室", "鼎城区人民政府办公室"], "人民政府办公室", "department"),
    (DINGCHENG, ["鼎城区财政局(本级)", "财政局（机关）", "鼎城区财政局机关本级"], "财政局", "department"),
    (DINGCHENG, ["住建局", "鼎城区住房城乡建设局", "住房和城乡建设局"], "住房城乡建设局", "department"),
    (DINGCHENG, ["市监局", "鼎城区市场监督管理局"], "市场监督管理局", "department"),
    (DINGCHENG, ["区卫健委", "卫生健康委员会"], "卫生健康委员会", "department"),
    (DINGCHENG, ["灌溪镇人民政府", "鼎城区灌溪镇", "灌溪镇政府"], "灌溪镇", "township"),
    (DINGCHENG, ["常德市鼎城区人民政府玉霞街道办事处", "玉霞街道办", "玉霞街道"], "玉霞街道", "township"),
    (ZONE, ["常德经济技术开发区", "常德经开区管委会", "常德经济技术开发区管理委员会"], "人民政府", "government"),
    (ZONE, ["经开区财政局", "常德经济技术开发区财政局"], "财政局", "department"),
    (JINSHI, ["津市市人民政府", "津市市"], "人民政府", "government"),
    (JINSHI, ["津市市教育局", "津市教育局"], "教育局", "department"),
    (DEPARTMENT_SITE, ["常德市鼎城区教育局", None], "教育局", "department"),
    (TAOYUAN, ["桃源镇", "桃源县桃源镇人民政府", "桃源镇政府"], "桃源镇", "township"),  # not 镇
    (TAOYUAN, ["桃源县", "常德市桃源县人民政府"], "人民政府", "government"),
])
def test_names_of_one_body_normalise_to_one_key(ctx, names, key, kind):
    for name in names:
        decision = cov.normalise_agency(name, ctx)
        assert (decision.key, decision.kind) == (key, kind), decision.explain()


def test_different_bodies_keep_different_keys():
    keys = {cov.normalise_agency(n, DINGCHENG).key for n in
            ["教育局", "财政局", "灌溪镇", "玉霞街道", "人民政府", "人民政府办公室", "市场监督管理局", "发改委", "发改局"]}
    assert len(keys) == 9  # 发展和改革委员会 (a city's) and 发展和改革局 (a county's) are named apart


def test_explanation_names_each_rule_that_changed_the_name():
    decision = cov.normalise_agency("鼎城区发改局", DINGCHENG)
    assert [rule for rule, _ in decision.steps] == ["region prefix", "short name", "conjunctions"]
    assert decision.explain() == ("鼎城区发改局 → 发展改革局 (department): region prefix: 发改局; "
                                  "short name: 发展和改革局; conjunctions: 发展改革局")


@pytest.mark.parametrize("kind, year, day, expected", [
    ("department", 2023, dt.date(2024, 1, 31), "not_due"),   # due by 31 January: on that day still on time
    ("department", 2023, dt.date(2024, 2, 1), "overdue"),
    ("government", 2023, dt.date(2024, 2, 1), "not_due"),    # governments by 31 March
    ("government", 2023, dt.date(2024, 3, 31), "not_due"),
    ("government", 2023, dt.date(2024, 4, 1), "overdue"),
    ("township", 2023, dt.date(2024, 3, 31), "not_due"),     # 31 March too (the 条例 sets no date)
    ("township", 2023, dt.date(2024, 4, 1), "overdue"),
])
def test_deadlines_follow_article_49(kind, year, day, expected):
    assert cov.status(None, kind, year, day) == expected
    assert cov.status(7, kind, year, day) == "found"


def coverage_json(archive, *args):
    return json.loads(govarchive("coverage", "--data", archive, "--format", "json", *args).stdout)


def as_expected(rows):
    got = {}
    for row in rows:
        kind, years = got.setdefault((row["portal"], row["key"]), (row["kind"], {}))
        assert kind == row["kind"]
        years[row["year"]] = row["status"]
    return got


def test_coverage_lists_every_body_once_with_found_overdue_and_not_due(archive):
    rows = coverage_json(archive, "--as-of", AS_OF.isoformat())
    assert as_expected(rows) == EXPECTED
    # one display name per body, the name its reports use most
    names = {(r["portal"], r["key"]): r["agency"] for r in rows}
    assert len(set(names.values())) == len(names)
    assert names[("dingcheng", "教育局")] == "常德市鼎城区教育局"
    assert names[("dingcheng", "财政局")] == "鼎城区财政局"
    # a found year points at the report of that body and year
    ids = {(r["portal"], r["agency"], r["year"]) for r in rows if r["status"] == "found"}
    shown = govarchive("show", rows[0]["report_id"], "--meta", "--data", archive).stdout
    assert json.loads(shown)["report_year"] == rows[0]["year"]
    assert len(ids) == len(REPORTS)
    assert all(r["report_id"] is None for r in rows if r["status"] != "found")


def test_as_of_moves_the_deadlines(archive):
    later = as_expected(coverage_json(archive, "--as-of", "2024-04-02"))
    assert later[("dingcheng", "人民政府")][1][2023] == "overdue"
    assert later[("dingcheng", "灌溪镇")][1][2023] == "overdue"
    earlier = as_expected(coverage_json(archive, "--as-of", "2024-01-20"))
    assert earlier[("dingcheng", "教育局")][1][2023] == "not_due"
    assert earlier[("dingcheng", "财政局")][1] == {2021: "found", 2022: "overdue", 2023: "not_due"}
    today = as_expected(coverage_json(archive))  # default: today, later than every sample deadline up to 2025
    assert today[("kaifu", "人民政府")][1][dt.date.today().year - 2] == "overdue"


def test_one_portal_csv_and_table(archive):
    out = govarchive("coverage", "--data", archive, "--portal", "changde", "--format", "csv", "--as-of",
                     AS_OF.isoformat()).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["portal"] for r in rows} == {"changde"}
    assert [(r["agency"], r["year"], r["status"]) for r in rows if r["status"] == "overdue"] == [
        ("常德市教育局", "2023", "overdue")]
    table = govarchive("coverage", "--data", archive, "--as-of", AS_OF.isoformat()).stdout
    line = next(line for line in table.splitlines() if line.startswith("鼎城区财政局"))
    assert line.split()[1:] == ["department", "✓", "✗", "✗"]
    assert "dingcheng 常德市鼎城区人民政府 (county): 8 bodies, 18 found, 3 overdue, 3 not yet due" in table


def test_explain_shows_how_each_name_was_decided(archive):
    out = govarchive("coverage", "--data", archive, "--explain", "--portal", "dingcheng").stdout
    assert "  教育局 (department)" in out
    assert "    常德市鼎城区教育局（本级） → 教育局 (department): bracket suffix: 常德市鼎城区教育局; region prefix: 教育局" in out
    assert "    区政府办 → 人民政府办公室 (department): level word: 政府办; 政府: 人民政府办; short name: 人民政府办公室" in out
    groups = json.loads(govarchive("coverage", "--data", archive, "--explain", "--format", "json").stdout)
    raw = {d["raw"] for g in groups for d in g["decisions"]}
    assert raw == {agency for _, agency, _ in REPORTS}
    assert len({(g["portal"], g["key"]) for g in groups}) == len(EXPECTED)


def test_bad_date_and_missing_archive_are_clear_errors(archive, tmp_path):
    result = govarchive("coverage", "--data", archive, "--as-of", "2024-13-01", check=False)
    assert result.returncode == 2 and "--as-of '2024-13-01': expected a date YYYY-MM-DD" in result.stderr
    result = govarchive("coverage", "--data", tmp_path / "none", check=False)
    assert result.returncode == 1 and "no archive in" in result.stderr


def test_datasette_coverage_query_equals_the_command(archive):
    """The ``coverage`` canned query of metadata.json, run by Datasette with the project's plugins."""
    from datasette.app import Datasette

    metadata = json.loads((ROOT / "crawler/datasette/metadata.json").read_text(encoding="utf-8"))
    ds = Datasette([str(archive / "archive.db")], metadata=metadata,
                   plugins_dir=str(ROOT / "crawler/datasette/plugins"))

    async def query(**params):
        response = await ds.client.get("/archive/coverage.json", params={**params, "_shape": "array"})
        assert response.status_code == 200, response.text
        return response.json()

    for as_of, portal in ((AS_OF.isoformat(), ""), ("2024-04-02", "dingcheng")):
        rows = asyncio.run(query(as_of=as_of, portal=portal))
        expected = coverage_json(archive, "--as-of", as_of, *(("--portal", portal) if portal else ()))
        assert rows == expected
    assert {p["id"] for p in PORTALS} == {r["portal"] for r in asyncio.run(query(as_of="", portal=""))}
