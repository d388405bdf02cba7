"""Scoring extractors on the generic-page set (``tests/fixtures/generic/``): char-4-gram F1 and chrome.

Each page of the set is ``NAME.html`` (the bytes as saved) with ``NAME.gold.txt`` (its article body written by
hand, one paragraph or table row a line) and a row in ``pages.json`` (its original URL). Three extractors
are compared on it: trafilatura alone (the options ``pipelines.clean`` gives it, on the page as decoded),
readability-lxml, and ours (``pipelines.extract.extract_page``).

- **F1**: over the multisets of character 4-grams of the output and of the gold, both with white space (and
  the ``|`` that opens or closes a table row) removed; overall, the mean of the pages' F1.
- **Chrome**: a page's output carries chrome when one of its lines is not in the gold (white space removed,
  contained in the gold text). It knows nothing of the cleaner's vocabulary: a leftover title, 打印 关闭,
  a related-article link or a footer all count.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

GENERIC = Path(__file__).resolve().parent / "fixtures" / "generic"
NGRAM = 4
_WS_RE = re.compile(r"\s+")


@dataclass
class PageScore:
    page: str
    f1: float
    precision: float
    recall: float
    chrome: list[str]  # output lines that are not in the gold


def squash_line(line: str) -> str:
    """A line as compared: white space removed, and the pipes that open or close a table row."""
    return _WS_RE.sub("", line).strip("|")


def squash(text: str) -> str:
    return "".join(squash_line(line) for line in text.splitlines())


def ngrams(text: str, n: int = NGRAM) -> Counter:
    s = squash(text)
    return Counter(s[i : i + n] for i in range(len(s) - n + 1))


def f1_score(got: str, gold: str) -> tuple[float, float, float]:
    """(F1, precision, recall) of ``got`` against ``gold`` on character n-grams."""
    a, b = ngrams(got), ngrams(gold)
    overlap = sum((a & b).values())
    precision = overlap / sum(a.values()) if a else 0.0
    recall = overlap / sum(b.values()) if b else 0.0
    f1 = 2 * precision * recall / (precision + recall) if overlap else 0.0
    return f1, precision, recall


def chrome_lines(got: str, gold: str) -> list[str]:
    """Lines of ``got`` that the gold does not contain."""
    body = squash(gold)
    return [line.strip() for line in got.splitlines() if squash_line(line) and squash_line(line) not in body]


def score(page: str, got: str, gold: str) -> PageScore:
    return PageScore(page, *f1_score(got, gold), chrome_lines(got, gold))


# -- the set ----------------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    url: str
    html: bytes
    gold: str


def load_index(folder: Path = GENERIC) -> dict[str, dict]:
    """``pages.json``: per page name, its site, original URL, repository, path, commit and sha1."""
    return json.loads((folder / "pages.json").read_text(encoding="utf-8"))


def load_pages(folder: Path = GENERIC) -> list[Page]:
    """The pages of the set, in name order: every page ``pages.json`` lists (a missing file raises)."""
    pages = []
    for name, entry in sorted(load_index(folder).items()):
        html = (folder / f"{name}.html").read_bytes()
        gold = (folder / f"{name}.gold.txt").read_text(encoding="utf-8")
        pages.append(Page(name, entry["url"], html, gold))
    return pages


# -- the extractors ---------------------------------------------------------------------------------


def ours(page: Page) -> str:
    """What the crawl stores: the page decoded (pipelines/decode.py), then pipelines/page.py's extract_page."""
    from pipelines.decode import decode_html
    from pipelines.page import extract_page

    return extract_page(decode_html(page.html, "")[0], page.url)["text"]


def trafilatura_alone(page: Page) -> str:
    """trafilatura with the project's options on the decoded page, without our pre- and post-clean."""
    from pipelines.clean import parse_html, trafilatura_lines
    from pipelines.decode import decode_html

    root = parse_html(decode_html(page.html, "")[0])
    return "\n".join(trafilatura_lines(root, page.url)) if root is not None else ""


def readability(page: Page) -> str:
    """readability-lxml's article (``summary``), laid out one block a line."""
    from readability import Document

    from pipelines.clean import parse_html, render_lines
    from pipelines.decode import decode_html

    summary = Document(decode_html(page.html, "")[0], url=page.url).summary(html_partial=True)
    root = parse_html(f"<html><body>{summary}</body></html>")
    return "\n".join(render_lines(root.find("body"))) if root is not None else ""


EXTRACTORS = {"trafilatura": trafilatura_alone, "readability-lxml": readability, "govarchive": ours}


def score_all(pages: list[Page], extractors: dict = EXTRACTORS) -> dict[str, list[PageScore]]:
    """Per extractor, the score of each page."""
    return {name: [score(p.name, run(p), p.gold) for p in pages] for name, run in extractors.items()}


def summary(scores: list[PageScore]) -> dict:
    return {
        "f1": statistics.fmean(s.f1 for s in scores),
        "precision": statistics.fmean(s.precision for s in scores),
        "recall": statistics.fmean(s.recall for s in scores),
        "chrome_pages": sum(1 for s in scores if s.chrome),
    }
