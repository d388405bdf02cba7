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

``find_sources`` applies it to a body's reports over the years (and, optionally, other bodies' reports):
for each report, the earlier report of the same body, or any report of another body not newer than it,
that it repeats most.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Hashable, Iterable

SHINGLE = 8


def normalise(text: str) -> str:
    """A text reduced to what copying is judged on (see the module docstring)."""
    kept = []
    digits = False
    for line in text.splitlines():
        if "|" in line:
            continue
        for char in unicodedata.normalize("NFKC", line):
            if char.isdigit():
                if not digits:
                    kept.append("#")
                digits = True
                continue
            digits = False
            if unicodedata.category(char)[0] in "LN":
                kept.append(char)
    return "".join(kept)


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


Report = tuple[Hashable, int | None, str]  # (key, report year, text)


def find_sources(reports: Iterable[Report], others: Iterable[Report] = ()) -> dict[Hashable, tuple[Hashable, float]]:
    """For each of one body's ``reports``, ``(source key, share)`` of the text it repeats most: an earlier
    year of the same body, or one of ``others`` (other bodies) of the same year or before. Reports with
    no candidate are left out; a year of None is compared with everything."""
    own = [(key, year, normalise(text)) for key, year, text in reports]
    foreign = [(key, year, normalise(text)) for key, year, text in others]
    pieces = {key: shingles(text) for key, _, text in own + foreign}
    found = {}
    for key, year, text in own:
        candidates = [other for other, other_year, _ in own if other != key and _before(other_year, year, strict=True)]
        candidates += [other for other, other_year, _ in foreign if _before(other_year, year, strict=False)]
        scored = [(coverage(text, pieces[other]), other) for other in candidates]
        if scored:
            share, source = max(scored, key=lambda pair: pair[0])
            found[key] = (source, share)
    return found


def _before(year: int | None, than: int | None, strict: bool) -> bool:
    if year is None or than is None:
        return True
    return year < than if strict else year <= than
