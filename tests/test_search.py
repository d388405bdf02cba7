"""Full-text search (archive/search.py, ``govarchive search``) on an archive built from the corpus.

Expected hits come from an oracle: a report matches a term when the term is a substring of its
(normalised) title or text. The archive comes from tests/archive_builder.py (swap it for a real crawl
there); the old version of report 001 is in ``reports`` but must never be found.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import shutil

import pytest
import sqlite_utils
from click.testing import CliRunner

from archive.db import ensure_schema, open_db, save_report
from archive.search import (
    QueryError,
    bigram_split,
    index_is_current,
    index_reports,
    index_status,
    lenient_match_expression,
    make_snippet,
    match_expression,
    normalize,
    search,
)
from crawler.cli import cli
from tests.archive_builder import build_test_archive, report_ids
from tests.conftest import govarchive


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    data = build_test_archive(tmp_path_factory.mktemp("search"))
    index_reports(open_db(data))
    return data


@pytest.fixture(scope="module")
def db(archive):
    return open_db(archive)


@pytest.fixture(scope="module")
def ids(archive):
    """Corpus key prefix ("000" ... "004") -> latest report id."""
    return {key[:3]: value for key, value in report_ids(archive).items()}


@pytest.fixture(scope="module")
def latest(db):
    return {r["id"]: normalize(r["title"] or "") + "\n" + normalize(r["text"] or "")
            for r in db.query("select id, title, text from reports where is_latest = 1")}


def oracle(latest, *terms, any_of=False):
    """Ids of the latest reports containing all (or any) of the terms as substrings."""
    test = any if any_of else all
    return {i for i, text in latest.items() if test(normalize(t) in text for t in terms)}


def hit_ids(db, query, **filters):
    return {h["id"] for h in search(db, query, limit=1000, **filters)}


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result


# -- tokenising and query translation -------------------------------------------------------------


def test_bigram_split_pairs_runs_and_keeps_words():
    assert bigram_split("2017年行政复议、诉讼") == "2017 年行 行政 政复 复议 议 诉讼 讼"
    assert bigram_split("ＡＢＣ２０１７年") == "abc2017 年"  # NFKC, lower case; a lone character stays
    assert bigram_split("") == ""


@pytest.mark.parametrize("query, expected", [
    ("复议", '"复议"'),
    ("行政诉讼", '"行政 政诉 诉讼"'),
    ("复", '"复" *'),
    ("复议 诉讼", '("复议" AND "诉讼")'),
    ("复议 OR 诉讼", '("复议" OR "诉讼")'),
    ('"政府信息公开"', '"政府 府信 信息 息公 公开"'),
    ("“行政诉讼”", '"行政 政诉 诉讼"'),
    ("复议 -诉讼", '("复议" NOT "诉讼")'),
    ("复议 NOT 诉讼", '("复议" NOT "诉讼")'),
    ("(复议 OR 诉讼) 2017年", '(("复议" OR "诉讼") AND "2017 年" *)'),
    ("title:复议", 'title : "复议"'),
])
def test_match_expression(query, expected):
    assert match_expression(query) == expected


@pytest.mark.parametrize("query, message", [
    ('"行政诉讼', "unbalanced quote"),
    ("“行政诉讼", "unbalanced quote"),
    ('行政诉讼"', "unbalanced quote"),
    ("(复议 OR 诉讼", "unbalanced parentheses"),
    ("复议)", "unbalanced parentheses"),
    ("复议 OR", "OR needs a term"),
    ("OR 复议", "OR needs a term"),
    ("-复议", "not negated"),
    ("", "empty query"),
    ("，。！", "nothing to search"),
    ("title:", "must be followed by a term"),
])
def test_bad_queries_raise_query_error(query, message):
    with pytest.raises(QueryError, match=message):
        match_expression(query)


def test_lenient_expression_never_fails():
    for query in ['"行政诉讼', "(复议", "OR", "", "，", "-复议", 'a"b"c"']:
        expr = lenient_match_expression(query)
        assert isinstance(expr, str) and expr


# -- finding terms of any length ------------------------------------------------------------------


@pytest.mark.parametrize("term", ["复议", "行政诉讼", "政府信息公开", "金坛", "开福", "2017", "办理结果"])
def test_terms_find_exactly_the_reports_that_contain_them(db, latest, term):
    expected = oracle(latest, term)
    assert expected, f"corpus has no {term}"
    assert hit_ids(db, term) == expected


def test_named_terms_return_the_right_reports(db, ids):
    everyone = set(ids.values())
    assert hit_ids(db, "复议") == everyone - {ids["002"]}
    assert hit_ids(db, "行政诉讼") == everyone - {ids["002"]}
    assert hit_ids(db, "政府信息公开") == everyone
    assert hit_ids(db, "金坛 OR 开福") == {ids["002"], ids["004"]}
    assert hit_ids(db, '"重点公开"') == {ids["000"], ids["004"]}  # the phrase, not its parts:
    assert hit_ids(db, "重点 公开") == everyone
    # inside quotes a space stands for any separator: finds 行政复议、行政诉讼, not the words apart
    assert hit_ids(db, '"行政复议 行政诉讼"') == {ids["000"], ids["001"], ids["003"]}
    assert hit_ids(db, "行政复议 行政诉讼") == everyone - {ids["002"]}
    assert hit_ids(db, "政府信息公开 -开福") == everyone - {ids["004"]}
    assert hit_ids(db, "复议", year=2017) == {ids["000"], ids["001"]}
    assert hit_ids(db, "复议", portal="cdjkq") == {ids["000"], ids["003"]}
    assert hit_ids(db, "政府信息公开", agency="常德") == {ids["000"], ids["001"], ids["003"]}


def test_every_two_character_term_is_found(db, latest):
    """A 2-character query must never silently return nothing: sample 150 CJK pairs of the corpus."""
    pairs = sorted({text[i:i + 2] for text in latest.values() for i in range(len(text) - 1)
                    if re.fullmatch(r"[\u4e00-\u9fff]{2}", text[i:i + 2])})
    for pair in random.Random(5).sample(pairs, 150):
        assert hit_ids(db, pair) == oracle(latest, pair), pair


def test_single_characters_are_found(db, latest):
    for char in ("坛", "复", "福", "议", "年"):  # 议 and 年 often end a run: the trailing unigram finds them
        expected = oracle(latest, char)
        assert expected and hit_ids(db, char) == expected, char


def test_three_term_and_or_queries(db, latest):
    assert hit_ids(db, "复议 诉讼 收费") == oracle(latest, "复议", "诉讼", "收费")
    assert hit_ids(db, "金坛 OR 开福 OR 修订") == oracle(latest, "金坛", "开福", "修订", any_of=True)
    assert hit_ids(db, "(金坛 OR 开福) 2016") == oracle(latest, "金坛", "2016") | oracle(latest, "开福", "2016")


def test_title_column_filter(db, ids):
    assert hit_ids(db, "title:2022") == {ids["003"]}
    assert hit_ids(db, 'title:"开福区"') == {ids["004"]}


def test_full_width_and_case_insensitive(db, latest):
    assert hit_ids(db, "２０１７") == oracle(latest, "2017")


def test_only_latest_versions_are_indexed(db, ids, archive):
    old = db.execute("select id from reports where is_latest = 0").fetchall()
    assert old, "the test archive keeps an old version of report 001"
    old_ids = {row[0] for row in old}
    assert not hit_ids(db, "政府信息公开") & old_ids
    # the revision note exists only in the latest version of 001
    assert ids["001"] in hit_ids(db, "补充了行政复议案件")


# -- ranking and snippets --------------------------------------------------------------------------


def test_title_hits_rank_higher():
    db = sqlite_utils.Database(memory=True)
    ensure_schema(db)
    filler = "本年度政府信息公开工作平稳推进。" * 40
    save_report(db, {"url": "http://a/1", "title": "关于行政复议的报告", "text": filler, "text_sha1": "1"})
    save_report(db, {"url": "http://a/2", "title": "年度报告", "text": filler + "行政复议", "text_sha1": "2"})
    save_report(db, {"url": "http://a/3", "title": "年度报告", "text": filler, "text_sha1": "3"})
    save_report(db, {"url": "http://a/4", "title": "年度报告", "text": filler, "text_sha1": "4"})
    index_reports(db)
    assert [h["url"] for h in search(db, "复议")] == ["http://a/1", "http://a/2"]


def test_snippets_highlight_the_original_text(db, latest):
    hits = search(db, "行政诉讼 复议", limit=10)
    assert hits
    for hit in hits:
        assert "【行政诉讼】" in hit["snippet"] or "【复议】" in hit["snippet"]
        assert "<mark>" in hit["snippet_html"]
        plain = hit["snippet"].replace("【", "").replace("】", "").strip("…")
        text = " ".join(db.execute("select text from reports where id = ?", [hit["id"]]).fetchone()[0].split())
        assert plain.replace(" ", "") in text.replace(" ", "")  # cut from the original, not the split text


def test_make_snippet_picks_the_densest_window():
    text = "甲" * 200 + "复议" + "乙" * 200 + "行政复议和行政诉讼" + "丙" * 200
    snippet = make_snippet(text, ["复议", "诉讼"], width=40)
    assert "行政【复议】和行政【诉讼】" in snippet and snippet.startswith("…") and snippet.endswith("…")
    assert make_snippet("首行\n次行 2017", ["2017"]) == "首行 次行 【2017】"


def test_ranked_results_are_ordered(db):
    hits = search(db, "政府信息公开", limit=10)
    ranks = [h["rank"] for h in hits]
    assert ranks == sorted(ranks)


# -- the index stays up to date ---------------------------------------------------------------------


def test_index_is_incremental_and_cheap_when_unchanged(archive, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(archive, data)
    db = open_db(data)
    assert index_reports(db) == {"added": 0, "removed": 0, "indexed": 5, "rebuilt": False}
    assert index_status(db) == {"exists": True, "current": True, "indexed": 5, "stale": 0, "missing": 0}
    row = db.execute("select url, title, text from reports where title like '%开福区%' and is_latest = 1").fetchone()
    new_text = row[2].replace("开福区", "开福新区") + "\n新增的段落：数字化转型。"
    save_report(db, {"url": row[0], "title": row[1], "portal": "kaifu", "report_year": 2016, "text": new_text,
                     "text_sha1": "changed"})
    status = index_status(db)
    assert not status["current"] and status["stale"] == 1 and status["missing"] == 1
    assert index_reports(db) == {"added": 1, "removed": 1, "indexed": 5, "rebuilt": False}
    assert index_is_current(db)
    assert len(hit_ids(db, "数字化转型")) == 1
    assert len(hit_ids(db, "开福新区")) == 1
    # a text rewritten in place cannot be un-indexed token by token: the index is rebuilt
    db.execute("update reports set text = '改写', text_sha1 = 'rewritten' where agency like '%金坛%'")
    db.conn.commit()
    assert index_reports(db)["added"] == 0  # the quick check sees no new row: edits in place need verify
    result = index_reports(db, verify=True)
    assert result["rebuilt"] and result["indexed"] == 5
    assert len(hit_ids(db, "改写")) == 1 and not hit_ids(db, "金坛")
    assert db.execute("select count(*) from reports_fts_state").fetchone()[0] == 5


def test_an_incremental_index_agrees_with_a_full_look(archive, tmp_path):
    """Each call looks only at the rows saved since the one before (and the earlier versions of their URLs):
    after rounds of new reports and new versions (two of one report in a round too), comparing every row
    finds nothing stale or missing."""
    data = tmp_path / "data"
    shutil.copytree(archive, data)
    db = open_db(data)
    held = [url for url, in db.execute("select url from reports where is_latest = 1 order by id")]
    for round_ in range(4):
        for i in range(3):
            save_report(db, {"url": f"http://www.example.gov.cn/ndbg/{round_}-{i}.html", "title": f"报告{round_}{i}",
                             "portal": "example", "report_year": 2020, "text": f"第{round_}轮新报告{i}",
                             "text_sha1": f"new{round_}{i}"})
        for version in range(2):
            save_report(db, {"url": held[round_], "title": "改版的报告", "portal": "example", "report_year": 2020,
                             "text": f"第{round_}轮改版{version}", "text_sha1": f"changed{round_}{version}"})
        index_reports(db)
        assert index_status(db) == {"exists": True, "current": True, "indexed": 5 + 3 * (round_ + 1), "stale": 0,
                                    "missing": 0}
    assert len(hit_ids(db, "改版1")) == 4 and not hit_ids(db, "改版0")


# -- the command ------------------------------------------------------------------------------------


def test_cli_table_is_narrow_and_has_snippets(archive, ids):
    from crawler.cli.output import cell_width

    result = run("search", "行政诉讼", "--data", archive)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "year", "portal", "title", "snippet"]
    assert all(cell_width(line) <= 100 for line in lines)
    assert "【行政诉讼】" in result.stdout
    assert "4 of 4 reports" in lines[-1]


def test_cli_json_and_csv(archive, ids):
    result = run("search", "金坛", "OR", "开福", "--format", "json", "--data", archive)
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert {h["id"] for h in hits} == {ids["002"], ids["004"]}
    assert all({"id", "report_year", "portal", "title", "snippet", "snippet_html", "url"} <= set(h) for h in hits)
    result = run("search", "复议", "--year", "2017", "--format", "csv", "--data", archive)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {int(r["id"]) for r in rows} == {ids["000"], ids["001"]}
    assert all("【复议】" in r["snippet"] for r in rows)


def test_cli_negation_limit_and_filters(archive, ids):
    result = run("search", "政府信息公开", "-开福", "--limit", "2", "--format", "json", "--data", archive)
    hits = json.loads(result.stdout)
    assert len(hits) == 2 and ids["004"] not in {h["id"] for h in hits}
    result = run("search", "复议", "--portal", "kaifu", "--agency", "开福", "--format", "json", "--data", archive)
    assert [h["id"] for h in json.loads(result.stdout)] == [ids["004"]]


def test_cli_no_hits_says_so(archive):
    result = run("search", "量子计算", "--data", archive)
    assert result.exit_code == 0
    assert "no report matches" in result.stderr


@pytest.mark.parametrize("query", ['"行政诉讼', "(复议", "复议 OR", "-复议", "，。", "title:"])
def test_cli_bad_queries_exit_2_without_traceback(archive, query):
    result = run("search", query, "--data", archive)
    assert result.exit_code == 2, result.output
    assert "bad query" in result.stderr
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_console_script_bad_query_and_injection(archive):
    bad = govarchive("search", '"unbalanced', "--data", archive, check=False)
    assert bad.returncode == 2
    assert "unbalanced quote" in bad.stderr and "Traceback" not in bad.stderr
    for attack in ["复议'; drop table reports; --", '") OR 1=1 --', "reports_fts MATCH '*'", "复议 NEAR(a b)"]:
        result = govarchive("search", attack, "--data", archive, check=False)
        assert result.returncode in (0, 2), result.stderr
        assert "Traceback" not in result.stderr
    assert open_db(archive)["reports"].count == 6


def test_cli_unknown_option_is_a_usage_error(archive):
    result = run("search", "复议", "--yaer", "2017", "--data", archive)
    assert result.exit_code == 2 and "no such option" in result.stderr


def test_missing_archive_is_a_clean_error(tmp_path):
    result = run("search", "复议", "--data", tmp_path / "nothing")
    assert result.exit_code == 1 and "no archive" in result.stderr
    assert not (tmp_path / "nothing").exists()


def test_search_builds_a_missing_index(archive, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(archive, data)
    db = open_db(data)
    db.execute("drop table reports_fts")
    db.execute("drop table reports_fts_state")
    db.conn.commit()
    result = run("search", "复议", "--format", "json", "--data", data)
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 4
    assert run("index", "--rebuild", "--data", data).stdout.startswith("search index: 5 reports")
