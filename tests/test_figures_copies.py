"""Copied reports: the share of a report repeated from another, and the best source among a body's years."""

from __future__ import annotations

import random

import pytest

from pipelines.figures import find_sources, repeated_share
from pipelines.figures.copies import EXACT_CANDIDATES, normalise
from tests.conftest import CORPUS
from tests.sampleportals import text as sample_text

CORPUS_TEXTS = {path.name[:3]: path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*.gold.txt"))}


def next_year(text: str) -> str:
    """The same report a year on: years and figures moved, lines re-wrapped, spaces and quotes changed."""
    moved = text.replace("2022", "2023").replace("2021", "2022").replace("2868", "3105").replace("855", "901")
    return moved.replace("。", "。\n").replace("“", "\"").replace("”", "\"").replace("，", " ， ")


def test_a_report_moved_a_year_on_is_a_full_copy():
    report = CORPUS_TEXTS["003"]
    assert repeated_share(next_year(report), report) == pytest.approx(1.0)


def test_unrelated_reports_share_little():
    shares = [repeated_share(CORPUS_TEXTS[a], CORPUS_TEXTS[b]) for a in CORPUS_TEXTS for b in CORPUS_TEXTS if a != b]
    assert max(shares) < 0.2


def test_half_copied_report():
    """First half of one report, second half of another: about half of it is repeated from each."""
    a, b = CORPUS_TEXTS["001"], CORPUS_TEXTS["004"]
    mixed = a[: len(a) // 2] + "\n" + b[len(b) // 2:]
    share_a, share_b = repeated_share(mixed, a), repeated_share(mixed, b)
    assert 0.45 < share_a / (share_a + share_b) < 0.85 and share_a + share_b > 0.95


def test_table_rows_and_short_texts_do_not_count():
    table = "一、本年新收政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0"
    assert normalise(table + "\n总体情况良好") == "总体情况良好"
    assert repeated_share("本年度报告" + "\n" + table, "本年度报告") == 0.0  # 5 characters: below one shingle
    assert repeated_share(table + "\n" + CORPUS_TEXTS["002"], CORPUS_TEXTS["002"]) == pytest.approx(1.0)


def test_find_sources_over_a_bodys_years_and_other_bodies():
    rnd = random.Random(7)
    own_2019 = "\n".join(sample_text.annual_report_lines("某县统计局", 2019, rnd, "本局"))
    own_2020 = CORPUS_TEXTS["004"]  # a report of its own
    own_2021 = next_year(own_2020)  # last year's again
    other_2021 = CORPUS_TEXTS["001"]
    own_2022 = other_2021.replace("常德市", "某县")  # another body's report, names changed
    texts = {"r2019": own_2019, "r2020": own_2020, "r2021": own_2021, "r2022": own_2022, "other": other_2021}
    found = find_sources([("r2019", "own", 2019), ("r2020", "own", 2020), ("r2021", "own", 2021),
                          ("r2022", "own", 2022), ("other", "other", 2021)], texts)
    assert "r2019" not in found  # nothing earlier of its own, and the other body's report is two years on
    assert found["r2020"][0] == "r2019" and found["r2020"][1] < 0.3
    assert found["r2021"][0] == "r2020" and found["r2021"][1] > 0.99
    assert found["r2022"][0] == "other" and found["r2022"][1] > 0.95


def test_among_many_bodies_a_copy_is_found_through_the_sketch_index():
    """Over EXACT_CANDIDATES reports of one year the candidates come from the sketch index: the body that
    took another's report (names changed) is still matched with it, and the share is measured exactly."""
    sentences = sorted({s for text in CORPUS_TEXTS.values() for s in text.replace("\n", "。").split("。")
                        if s and "|" not in s})  # prose only: table rows do not count
    rnd = random.Random(11)
    bodies = {f"body{i}": "。\n".join(rnd.sample(sentences, 25)) for i in range(EXACT_CANDIDATES + 20)}
    bodies["copycat"] = bodies["body7"].replace("常德", "某县")
    found = find_sources([(name, name, 2022) for name in bodies], bodies, only={"copycat"})
    assert found["copycat"][0] == "body7" and found["copycat"][1] > 0.95
