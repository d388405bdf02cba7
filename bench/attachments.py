"""``make bench``: reading a report's files, text and statistics tables apart and in one reading.

    .venv/bin/python -m bench.attachments [--rounds 3]

The files are tests/attachment_samples.py's (typeset with reportlab and python-docx, no fixtures needed): the
PDFs of reports 000 and 002 (a ruled statistics table), a 28-page PDF, an XLSX and a DOCX. Each is read the
way ``govarchive parse`` reads it, text (pipelines/attachments.py ``extract_attachment``) then tables
(pipelines/figures/grids.py ``attachment_rows``) each on their own, and the way a crawl reads it
(pipelines/extract.py ``read_attachment``: a PDF or a DOCX is read once for both). Printed: the best of ``--rounds``
runs of each, in ms, side by side.
"""

from __future__ import annotations

import argparse
import time

from tabulate import tabulate

from pipelines.attachments import extract_attachment
from pipelines.extract import read_attachment
from pipelines.figures.grids import attachment_rows
from tests import attachment_samples as samples

LONG_LINES = [f"第{i}行，这是一行正文，用来测试分页和换行的效果。" * 3 for i in range(300)]


def files() -> dict[str, bytes]:
    return {"000.pdf": samples.pdf_000(), "002_stats.pdf": samples.pdf_002_stats(),
            "long.pdf": samples.typeset_pdf(LONG_LINES, table_at=40), "stats.xlsx": samples.xlsx_stats(),
            "000.docx": samples.docx_000()}


def best_ms(read, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        read()
        times.append(time.perf_counter() - started)
    return round(min(times) * 1000, 1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.attachments", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    rows = []
    for name, body in files().items():
        url = f"http://www.example.gov.cn/files/{name}"
        apart = best_ms(lambda: (extract_attachment(body, url), attachment_rows(body, url)), args.rounds)
        once = best_ms(lambda: read_attachment(body, url), args.rounds)
        rows.append([name, extract_attachment(body, url)["pages"] or "-", apart, once, f"{once / apart:.2f}"])
    print(tabulate(rows, headers=["file", "pages", "text, then tables (ms)", "read_attachment (ms)", "ratio"],
                   tablefmt="github"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
