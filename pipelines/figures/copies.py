"""Copied reports: how much of a report's text repeats another text.

The measure (``repeated_share``): the share of a report's characters that lie in a run of at least
``SHINGLE`` (8) consecutive characters also found in the other text, both texts first normalised:

- table rows (lines with ``|``) are left out: the standard tables print the same labels in every report,
  and their numbers are compared by the checks, not here;
- NFKC, then white space, punctuation and symbols removed, so re-wrapping, spacing and quote styles do
  not count as changes;
- every run of digits becomes one ``#``, so a report that only moved its years (2021 -> 2022) and
  figures forward is still a copy.

A share of 0.9 means 90% of the report (as normalised) could be assembled from 8-character pieces of the
other; unrelated reports in the same genre share set phrases (根据《中华人民共和国政府信息公开条例》…)
and score 0.02–0.16 against each other among the five corpus reports (tests/fixtures/corpus). Texts
shorter than ``SHINGLE`` characters score 0.

``find_sources`` applies it to the reports of one portal: for each report, the earlier report of the
same body, or a report of another body of the same year or the year before, that it repeats most.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Hashable, Iterable
from functools import cache

SHINGLE = 8
_TABLE_ROW = re.compile(r"^.*\|.*$", re.MULTILINE)
_DIGITS = re.compile(r"\d+")
_NOT_LETTER_OR_NUMBER = re.compile(r"(?:[^\w#]|_)+")  # keeps letters and numbers of any script, and the # marks


def normalise(text: str) -> str:
    """A text reduced to what copying is judged on (see the module docstring)."""
    text = unicodedata.normalize("NFKC", _TABLE_ROW.sub("", text)).replace("#", "")
    return _NOT_LETTER_OR_NUMBER.sub("", _DIGITS.sub("#", text))


def shingles(text: str) -> set[str]:
    """The ``SHINGLE``-character pieces of a normalised text."""
    return {text[i:i + SHINGLE] for i in range(len(text) - SHINGLE + 1)}


def coverage(text: str, pieces: set[str]) -> float:
    """Share of a normalised text's characters covered by pieces found in ``pieces``."""
    if len(text) < SHINGLE:
        return 0.0
    covered, reach = 0, 0  # reach: first position not yet counted
    for i in range(len(text) - SHINGLE + 1):
        if text[i:i + SHINGLE] in pieces:
            start = max(i, reach)
            covered += i + SHINGLE - start
            reach = i + SHINGLE
    return covered / len(text)


def repeated_share(text: str, source: str) -> float:
    """Share of ``text`` repeated from ``source`` (0.0–1.0)."""
    return coverage(normalise(text), shingles(normalise(source)))


Report = tuple[Hashable, Hashable, int | None, str]  # (key, body, report year, text)
OTHER_BODY_YEARS = 1  # another body's report is a candidate when it is of the same year or this many before


def find_sources(reports: Iterable[Report], only: Container[Hashable] | None = None
                 ) -> dict[Hashable, tuple[Hashable, float]]:
    """For each report (each of ``only``, when given), ``(source key, share)`` of the text it repeats most:
    an earlier report of its own body, or a report of another body of the same year or the year before (a
    year of None matches any). The likeliest source is the one sharing most pieces (a set intersection,
    fast); its share is then measured exactly. Reports with no candidate are left out. Texts are
    normalised only when compared, so a few new reports among many cost little."""
    reports = list(reports)
    texts = {key: text for key, _, _, text in reports}

    @cache
    def normalised(key) -> tuple[str, set[str]]:
        text = normalise(texts[key])
        return text, shingles(text)

    found = {}
    for key, body, year, _ in reports:
        if only is not None and key not in only:
            continue
        candidates = [other for other, other_body, other_year, _ in reports if other != key
                      and (_before(other_year, year, strict=True) if other_body == body
                           else _recent(other_year, year))]
        if candidates:
            text, pieces = normalised(key)
            source = max(candidates, key=lambda other: len(pieces & normalised(other)[1]))
            found[key] = (source, coverage(text, normalised(source)[1]))
    return found


def _recent(year: int | None, than: int | None) -> bool:
    return year is None or than is None or 0 <= than - year <= OTHER_BODY_YEARS


def _before(year: int | None, than: int | None, strict: bool) -> bool:
    if year is None or than is None:
        return True
    return year < than if strict else year <= than
