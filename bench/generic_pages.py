"""``python -m bench.generic_pages [-v]``: trafilatura alone, readability-lxml and ours on the generic-page set.

The set (``tests/fixtures/generic/``) holds real article pages of CMSs the cleaner knows no body container
for, with their gold text written by hand; ``tests/extraction_score.py`` says how they are scored. Per
extractor: mean char-4-gram F1, precision and recall, pages whose output carries chrome (a line not in the
gold), and extraction time. ``-v`` adds each page's F1 and the first chrome line of each extractor.
"""

from __future__ import annotations

import argparse
import time

from tabulate import tabulate

from tests.extraction_score import EXTRACTORS, load_pages, score, summary


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="per-page F1 and chrome lines")
    args = parser.parse_args(argv)
    pages = load_pages()
    rows, per_page = [], {}
    for name, run in EXTRACTORS.items():
        started = time.perf_counter()
        outputs = [run(p) for p in pages]
        seconds = time.perf_counter() - started
        scores = [score(p.name, out, p.gold) for p, out in zip(pages, outputs)]
        per_page[name] = scores
        s = summary(scores)
        rows.append([name, f"{s['f1']:.3f}", f"{s['precision']:.3f}", f"{s['recall']:.3f}",
                     f"{s['chrome_pages']}/{len(pages)}", f"{seconds:.1f}"])
    if args.verbose:
        names = list(per_page)
        table = []
        for i, page in enumerate(pages):
            cells = [page.name]
            for name in names:
                s = per_page[name][i]
                cells.append(f"{s.f1:.3f}" + (f" {s.chrome[0][:24]!r}" if s.chrome else ""))
            table.append(cells)
        print(tabulate(table, headers=["page", *names]))
        print()
    print(f"{len(pages)} pages (tests/fixtures/generic/)")
    print(tabulate(rows, headers=["extractor", "F1", "precision", "recall", "pages with chrome", "seconds"]))


if __name__ == "__main__":
    main()
