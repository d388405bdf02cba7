"""``python -m bench.real_figures [--pages DIR]``: the figures parser on real reports, and how often they break
the identities of 表三 and 表四.

The set is ``tests/fixtures/realreports/MANIFEST.json`` (pages and their provenance); pages whose repository
has no licence are not in govarchive: ``--pages DIR`` (repeatable) names folders holding copies. Per page:
tables found, figures, checks passed and failed with the failing names, and how each failure was judged by
hand (``report``: the report's own arithmetic, verified on the page; ``source``: cells the source lost;
``unverified``: nobody looked yet, a parser misread until shown otherwise). Then the summary: reports parsed
completely (表二, 表三 and 表四 found), those with every cell of 表三 and 表四 read, the share of reports breaking each identity, and the failures by cause.
"""

from __future__ import annotations

import argparse
from collections import Counter

from tests.real_reports import IDENTITIES, has_full_keys, identity, load_set


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
    broken, causes, complete, full = Counter(), Counter(), 0, 0
    for page in present:
        result = page.parse()
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
