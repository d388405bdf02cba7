"""``python -m bench.real_figures [--pages DIR]``: the figures parser on real reports, and how often they break
the identities of 表三 and 表四.

The set is ``tests/fixtures/realreports/MANIFEST.json`` (pages and their provenance); pages whose repository
has no licence are not in govarchive: ``--pages DIR`` (repeatable) names folders holding copies. Per page:
tables found, figures, checks passed and failed with the failing names, and how each failure was judged by
hand (``report``: the report's own arithmetic, verified on the page; ``source``: cells the source lost;
``unverified``: nobody looked yet, a parser misread until shown otherwise). Then the summary: reports parsed
completely (表二, 表三 and 表四 found), those with every cell of 表三 and 表四 read, the share of reports
breaking each identity, the failures by cause, and the cells read by hand that the parser reads alike. Exit 1
when a failure is unverified or a hand-read cell differs.
"""

from __future__ import annotations

import argparse
from collections import Counter

from tests.real_reports import IDENTITIES, cell, has_full_keys, identity, load_set


def judged(page, check_name: str) -> str:
    if check_name in page.report_errors:
        return "report"
    if check_name in page.source_losses:
        return "source"
    return "unverified"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", action="append", default=[], help="a folder holding pages of the set")
    args = parser.parse_args(argv)
    pages = load_set(args.pages)
    present = [page for page in pages if page.path]
    broken, causes, complete, full, hand = Counter(), Counter(), 0, 0, Counter()
    for page in present:
        result = page.parse()
        for key, value in page.hand_checked.items():
            hand[_read(result["figures"], key) == value] += 1
        tables = sorted({f["table_no"] for f in result["figures"]})
        checks = [c for c in result["checks"] if c["name"] != "parse.tables"]
        failed = [c["name"] for c in checks if not c["ok"]]
        complete += tables == [2, 3, 4]
        full += has_full_keys(result["figures"])
        broken.update({identity(name) for name in failed})
        causes.update(judged(page, name) for name in failed)
        print(f"{page.file:<34} {page.body} {page.year}  tables {tables}  figures {len(result['figures'])}  "
              f"checks {len(checks) - len(failed)} ok, {len(failed)} failed")
        for name in failed:
            print(f"    FAIL {name} [{judged(page, name)}]")
    missing = [page.file for page in pages if not page.path]
    print(f"\n{len(present)} of {len(pages)} reports present"
          + (f" (missing: {', '.join(missing)}; give --pages DIR)" if missing else ""))
    if present:
        print(f"parsed completely (表二, 表三, 表四): {complete}/{len(present)} = {complete / len(present):.0%}")
        print(f"every cell of 表三 and 表四 read: {full}/{len(present)} = {full / len(present):.0%}")
        for name in IDENTITIES:
            print(f"breaking {name:<13} {broken[name]}/{len(present)} = {broken[name] / len(present):.0%}")
        print("failed checks by cause: " + ", ".join(f"{cause} {causes[cause]}"
                                                     for cause in ("report", "source", "unverified")))
        print(f"cells read by hand and parsed alike: {hand[True]} of {hand[True] + hand[False]}")
    return 1 if causes["unverified"] or hand[False] else 0


def _read(figures: list[dict], key: str):
    try:
        return cell(figures, key)
    except ValueError:  # not read
        return "not read"


if __name__ == "__main__":
    raise SystemExit(main())
