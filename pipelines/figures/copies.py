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
same body, or a report of another body of the same year or the year before, that it repeats most. With up to
``EXACT_CANDIDATES`` candidates every one is compared; past that (a city portal of hundreds of bodies, each
with a report a year), comparing all pairs costs hours and holds every text's pieces at once, so candidates
come from a sketch of each text (its ``SKETCH`` pieces of smallest CRC-32, as in bottom-k MinHash) through an
index of the pieces few reports share (``RARE``): the one sharing most such pieces is taken, and its share
measured exactly; without one, the body's own latest earlier report.
"""

from __future__ import annotations

import heapq
import itertools
import re
import unicodedata
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Container, Hashable, Iterable, Iterator, Mapping
from functools import lru_cache

SHINGLE = 8
EXACT_CANDIDATES = 64  # up to this many candidates, each is compared in full
SKETCH = 32  # pieces kept of each text to find candidates among many
RARE = 16  # a sketch piece in more reports than this is a set phrase of the genre: it names no source
#: A portal whose reports hold up to this many characters keeps every text's pieces while they are compared
#: (about 110 bytes a character: 165 MB at most). Each report's candidates spread over the portal's years
#: and bodies, so a smaller cache would normalise the same texts again and again (five times the time on
#: bench.throughput's portals). Larger portals keep ``2 * EXACT_CANDIDATES`` texts' pieces.
CACHED_CHARS = 1_500_000
_TABLE_ROW = re.compile(r"^.*\|.*$", re.MULTILINE)
_DIGITS = re.compile(r"\d+")
_NOT_LETTER_OR_NUMBER = re.compile(r"(?:[^\w#]|_)+")  # keeps letters and numbers of any script, and the # marks


def normalise(text: str) -> str:
    """A text reduced to what copying is judged on (see the module docstring)."""
    text = unicodedata.normalize("NFKC", _TABLE_ROW.sub("", text)).replace("#", "")
    return _NOT_LETTER_OR_NUMBER.sub("", _DIGITS.sub("#", text))


def shingles(text: str) -> set[int]:
    """The ``SHINGLE``-character pieces of a normalised text, as their hashes: sets of ints are intersected
    2.6 times as fast as sets of the strings (the copy search compares each report with up to
    ``EXACT_CANDIDATES`` others), and take a third less memory (106 bytes a character, not 154). Two pieces of
    one hash (1 in 2**64) would count as one."""
    return {hash(text[i:i + SHINGLE]) for i in range(len(text) - SHINGLE + 1)}


def coverage(text: str, pieces: set[int]) -> float:
    """Share of a normalised text's characters covered by pieces found in ``pieces``."""
    if len(text) < SHINGLE:
        return 0.0
    covered, reach = 0, 0  # reach: first position not yet counted
    for i in range(len(text) - SHINGLE + 1):
        if hash(text[i:i + SHINGLE]) in pieces:
            start = max(i, reach)
            covered += i + SHINGLE - start
            reach = i + SHINGLE
    return covered / len(text)


def repeated_share(text: str, source: str) -> float:
    """Share of ``text`` repeated from ``source`` (0.0–1.0)."""
    return coverage(normalise(text), shingles(normalise(source)))


Report = tuple[Hashable, Hashable, int | None]  # (key, body, report year)
OTHER_BODY_YEARS = 1  # another body's report is a candidate when it is of the same year or this many before


def find_sources(reports: Iterable[Report], texts: Mapping[Hashable, str], only: Container[Hashable] | None = None
                 ) -> dict[Hashable, tuple[Hashable, float]]:
    """For each report (each of ``only``, when given), ``(source key, share)`` of the text it repeats most:
    an earlier report of its own body, or a report of another body of the same year or the year before (a
    year of None matches any). The likeliest source is the one sharing most pieces (see the module
    docstring for many candidates); its share is then measured exactly. Reports with no candidate are left
    out. ``texts`` gives each report's text by key: a Mapping that reads them when asked
    (pipelines/figures/archive.py) keeps a large portal's texts out of memory, as texts are normalised only
    when compared, and kept within ``CACHED_CHARS``."""
    reports = list(reports)
    keys = [key for key, _, _ in reports]
    pool = _Candidates(reports)
    kept = len(keys) if _at_most(CACHED_CHARS, (len(texts[key]) for key in keys)) else 2 * EXACT_CANDIDATES
    normalised = lru_cache(maxsize=kept)(lambda key: normalise(texts[key]))
    pieces = lru_cache(maxsize=kept)(lambda key: shingles(normalised(key)))
    sketches = None
    found = {}
    for key in keys:
        if only is not None and key not in only:
            continue
        own = pool.own_earlier(key)
        if pool.count(key, own) <= EXACT_CANDIDATES:
            candidates, mine = own + pool.other_bodies(key), pieces(key)
            source = max(candidates, key=lambda other: len(mine & pieces(other)), default=None)
        else:
            sketches = sketches or _SketchIndex(keys, texts)
            source = sketches.likeliest(key, pool.eligible) or (own[-1] if own else None)
        if source is not None:
            found[key] = (source, coverage(normalised(key), pieces(source)))
    return found


def _at_most(limit: int, numbers: Iterable[int]) -> bool:
    """Whether ``numbers`` add up to ``limit`` or less (read only as far as needed)."""
    total = 0
    for number in numbers:
        total += number
        if total > limit:
            return False
    return True


class _Candidates:
    """Who may be a report's source: its body's earlier reports, other bodies' of its year or the one before."""

    def __init__(self, reports: list[Report]):
        self.of = {key: (body, year) for key, body, year in reports}
        self.by_body, self.by_year = defaultdict(list), defaultdict(list)
        for key, body, year in sorted(reports, key=lambda report: _year_order(report[2])):
            self.by_body[body].append(key)
            self.by_year[year].append(key)

    def own_earlier(self, key) -> list:
        """Earlier reports of the body of ``key``, oldest first."""
        body, year = self.of[key]
        return [other for other in self.by_body[body] if other != key and _earlier(self.of[other][1], year)]

    def _years(self, year) -> list:
        """The years whose other-body reports are candidates (``_recent``), None among them."""
        return list(self.by_year) if year is None else [*range(year, year - OTHER_BODY_YEARS - 1, -1), None]

    def count(self, key, own: list) -> int:
        """How many candidates ``key`` has, at most (own-body reports of those years counted too)."""
        return len(own) + sum(len(self.by_year.get(y, ())) for y in self._years(self.of[key][1]))

    def other_bodies(self, key) -> list:
        body, year = self.of[key]
        return [other for y in self._years(year) for other in self.by_year.get(y, ()) if self.of[other][0] != body]

    def eligible(self, key, other) -> bool:
        (body, year), (other_body, other_year) = self.of[key], self.of[other]
        return other != key and (_earlier(other_year, year) if other_body == body else _recent(other_year, year))


class _SketchIndex:
    """Each text's sketch, and the reports that share each of the rarer sketch pieces.

    Sketches are packed (``SKETCH`` 4-byte values each), and the holders of a piece are found by sorting
    every (piece, report) pair packed in one integer: a dictionary of every piece of 48,000 texts and their
    sketches as sets took 150 MB."""

    def __init__(self, keys: list[Hashable], texts: Mapping[Hashable, str]):
        self.sketches = {key: _sketch(normalise(texts[key])) for key in keys}
        self.holders = _shared_pieces(list(self.sketches.items()))

    def likeliest(self, key: Hashable, eligible) -> Hashable | None:
        """The report sharing most rare sketch pieces with ``key`` among those ``eligible(key, other)``."""
        votes = Counter(other for piece in self.sketches[key] for other in self.holders.get(piece, ())
                        if eligible(key, other))
        return votes.most_common(1)[0][0] if votes else None


def _shared_pieces(sketches: list[tuple[Hashable, array]]) -> dict[int, list[Hashable]]:
    """piece -> the reports whose sketch holds it, for pieces held by 2 to ``RARE`` reports: one report's piece
    names no other, a commoner one is a set phrase of the genre."""
    holders = {}
    for piece, group in itertools.groupby(_sorted_pairs(sketches), key=lambda pair: pair >> 32):
        keys = [sketches[pair & 0xFFFFFFFF][0] for pair in group]
        if 1 < len(keys) <= RARE:
            holders[piece] = keys
    return holders


def _sorted_pairs(sketches: list[tuple[Hashable, array]], passes: int = 4) -> Iterator[int]:
    """Every ``piece << 32 | position`` of the sketches, in order, sorted a range of pieces at a time (ranges cut
    at quantiles of a sample of the pieces): one list of all 1.5 million (48,000 sketches) took 60 MB."""
    pieces = itertools.chain.from_iterable(sketch for _, sketch in sketches)
    sample = sorted(itertools.islice(pieces, 0, None, 61))
    cuts = [sample[len(sample) * i // passes] for i in range(1, passes)] if sample else []
    for low, high in zip([0, *cuts], [*cuts, 1 << 32]):
        yield from sorted(piece << 32 | position for position, (_, sketch) in enumerate(sketches)
                          for piece in sketch if low <= piece < high)


def _sketch(text: str) -> array:
    """The ``SKETCH`` smallest CRC-32 values of a normalised text's pieces."""
    data = text.encode("utf-32-le")
    width = 4 * SHINGLE
    values = {zlib.crc32(data[i:i + width]) for i in range(0, len(data) - width + 1, 4)}
    return array("I", heapq.nsmallest(SKETCH, values))


def _year_order(year: int | None) -> int:
    return -1 if year is None else year


def _recent(year: int | None, than: int | None) -> bool:
    return year is None or than is None or 0 <= than - year <= OTHER_BODY_YEARS


def _earlier(year: int | None, than: int | None) -> bool:
    return year is None or than is None or year < than
