"""``make demo``: serve the sample portals on 127.0.0.1, crawl them with ``govarchive crawl``, show what landed:
the reports, and the statistics of one portal's.

Fixed ports (8810 and up) keep the portals' URLs the same from run to run, so a second demo run shows the
archive growing by nothing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from tests.sampleportals import SamplePortals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", default="data/demo", help="archive directory (default: data/demo)")
    parser.add_argument("--port-base", type=int, default=8810)
    args = parser.parse_args()
    data = Path(args.data)
    data.mkdir(parents=True, exist_ok=True)
    govarchive = str(Path(sys.executable).with_name("govarchive"))
    started = time.monotonic()
    with SamplePortals(port_base=args.port_base) as portals:
        registry = data / "sample-portals.json"
        portals.write_registry(registry)
        for portal in portals.portals:
            print(f"sample portal {portal.id:8} {portal.name}  {portal.start_url}")
        crawl = subprocess.run([govarchive, "crawl", "--portals", str(registry), "--data", str(data)])
    print()
    subprocess.run([govarchive, "reports", "--data", str(data)], check=True)
    print("\nThe statistics read from them (govarchive figures; --format csv gives every figure):\n")
    subprocess.run([govarchive, "figures", "--data", str(data), "--portal", "cdjkq"], check=True)
    print(f"\nMore: govarchive search 行政复议 --data {data}; govarchive coverage --data {data}; "
          f"govarchive verify --data {data}")
    print(f"\ndatabase: {data / 'archive.db'}\nWARC files: {data / 'warc'}/\nlogs: {data / 'logs'}/")
    print(f"demo finished in {time.monotonic() - started:.1f} s")
    return crawl.returncode


if __name__ == "__main__":
    sys.exit(main())
