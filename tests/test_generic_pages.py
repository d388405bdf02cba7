"""Generic pages as clean as known ones: on real articles of CMSs with no known body container
(``tests/fixtures/generic/``), our text beats trafilatura alone and readability-lxml on char-4-gram F1, and
no page of ours carries a line of chrome (a line that is not in the hand-written gold). The set is part of the repository: a page ``pages.json`` lists and the folder lacks fails
these tests."""

from __future__ import annotations

import hashlib

import pytest

from tests.extraction_score import (
    EXTRACTORS,
    GENERIC,
    chrome_lines,
    f1_score,
    load_index,
    load_pages,
    score,
    summary,
)

INDEX = load_index()
MIN_PAGES = 20
MIN_PAGE_F1 = 0.95  # ours, on every page


@pytest.fixture(scope="module")
def pages():
    return load_pages()


@pytest.fixture(scope="module")
def scores(pages):
    """Per extractor, each page's score, by page name."""
    return {name: {p.name: score(p.name, run(p), p.gold) for p in pages} for name, run in EXTRACTORS.items()}


def test_the_set_is_the_pages_as_saved_with_a_gold_each():
    assert len(INDEX) >= MIN_PAGES
    files = [f"{name}{ext}" for name in INDEX for ext in (".html", ".gold.txt")]
    missing = [f for f in files if not (GENERIC / f).exists()]
    assert not missing, missing
    for page in load_pages():
        entry = INDEX[page.name]
        assert hashlib.sha1(page.html).hexdigest() == entry["sha1"], page.name
        assert entry["repo"] and entry["path"] and entry["commit"], page.name
        assert page.gold.strip() and "\n\n" not in page.gold.strip(), page.name


def test_ours_beats_trafilatura_and_readability_on_f1(scores):
    f1 = {name: summary(list(s.values()))["f1"] for name, s in scores.items()}
    assert f1["govarchive"] > f1["trafilatura"], f1
    assert f1["govarchive"] > f1["readability-lxml"], f1


def test_no_page_of_ours_carries_chrome(scores):
    carrying = {s.page: s.chrome[:3] for s in scores["govarchive"].values() if s.chrome}
    assert not carrying, carrying


@pytest.mark.parametrize("name", sorted(INDEX))
def test_each_page_of_ours(scores, name):
    ours = scores["govarchive"][name]
    assert not ours.chrome
    assert ours.f1 >= MIN_PAGE_F1


# -- the scoring itself ------------------------------------------------------------------------------


def test_f1_on_char_4grams_ignores_white_space_and_row_pipes():
    gold = "第一段正文内容。\n项目 | 数量"
    assert f1_score("第一段 正文内容。\n| 项目 | 数量 |", gold)[0] == 1.0
    f1, precision, recall = f1_score("第一段正文内容。", gold)
    assert precision == 1.0 and recall < 1.0 and f1 < 1.0
    assert f1_score("", gold) == (0.0, 0.0, 0.0)


def test_chrome_is_any_line_the_gold_does_not_hold():
    gold = "本报讯 近日，某某项目正式启动。\n项目分三期建设。"
    got = "打印 关闭\n本报讯 近日，某某项目正式启动。\n项目分三期建设。\n责任编辑：张三"
    assert chrome_lines(got, gold) == ["打印 关闭", "责任编辑：张三"]
    assert chrome_lines("项目分三期", gold) == []  # a part of a gold line is no chrome
