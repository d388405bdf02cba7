"""``python -m tests.sampleportals [--group corpus] [--port-base 8810] [--registry data/sample-portals.json]``

Serves a group of sample portals (portal i on port-base + i) until SIGINT or SIGTERM; writes the registry
file first when asked. Groups: see tests/sampleportals/groups.py.
"""

from __future__ import annotations

import argparse
import signal
import threading

from .groups import GROUPS
from .server import SamplePortals


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.sampleportals", description=__doc__.splitlines()[0])
    parser.add_argument("--port-base", type=int, default=8810, help="portal i listens on PORT_BASE + i (default 8810)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--registry", help="write a portal registry JSON file here")
    parser.add_argument("--group", default="corpus", choices=sorted(GROUPS),
                        help="which sample portals (default: corpus, the demo's four)")
    args = parser.parse_args(argv)

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    with SamplePortals(port_base=args.port_base, host=args.host, group=args.group) as portals:
        if args.registry:
            print(f"registry: {portals.write_registry(args.registry)}")
        for p in portals.portals:
            print(f"{p.id:8} {p.start_url:28} {p.name}  ({len(portals.page_urls(p.id))} pages)")
        for r in portals.expected_reports + portals.extra_reports:
            print(f"  report {r.corpus_id or '-'}: {r.url}")
        print("serving; Ctrl-C to stop", flush=True)
        while not stop.wait(0.5):
            pass


if __name__ == "__main__":
    main()
