"""``python -m crawler.queue.crawl``: one crawl of the portals a worker leased (crawler/queue/worker.py runs it).

The crawl is the ordinary one (spider, fetch middlewares, pipelines), with a QueueStore: its rows go to the
writer, its WARC files into the shared data directory. It ends when the worker that started it dies (the read
end of a pipe whose write end only the worker holds reads EOF), however the worker dies.

Exit codes as ``govarchive crawl``: 0 finished, 1 finished with errors, 2 could not run; and 3 stopped by
SIGTERM or SIGINT before it finished (Scrapy's close reason ``shutdown``): its portals are not done, the
worker leaves them to be leased again; 4 could not run because no writer runs (it went while the crawl
waited for its answer): not the portals' fault, the worker hands them back.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from pathlib import Path

EXIT_INTERRUPTED = 3
EXIT_NO_WRITER = 4


def exit_with_worker(alive_fd: int, code: int) -> None:
    """End this process (exit ``code``) as soon as the worker is gone: EOF on the pipe it holds the write end
    of, read at once when the worker died before this was called."""
    def watch():
        while os.read(alive_fd, 1):
            pass
        os._exit(code)

    threading.Thread(target=watch, name="exit-with-worker", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.queue.crawl", description=__doc__.splitlines()[0])
    parser.add_argument("--redis", required=True)
    parser.add_argument("--ns", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--mode", required=True, choices=["nightly", "backfill"])
    parser.add_argument("--leases", required=True, help="JSON: [{entry, portal}, …]")
    parser.add_argument("--alive-fd", type=int, required=True)
    parser.add_argument("--state-timeout", type=float, default=300.0)
    parser.add_argument("--settings", default="{}", help="JSON: Scrapy settings for this crawl")
    args = parser.parse_args(argv)
    # Imported here, not above: each extraction worker runs this module again as its ``__mp_main__``
    # (multiprocessing does that for a main module run with -m), and must not load Scrapy for nothing.
    from archive.session import crawl_status
    from crawler.queue.keys import Keys, connect, process_name
    from crawler.queue.portals import PortalQueue
    from crawler.registry import portal_from_dict
    from crawler.run import EXIT_COULD_NOT_RUN, CrawlNotStarted, run_crawl

    exit_with_worker(args.alive_fd, EXIT_COULD_NOT_RUN)
    leases = json.loads(args.leases)
    portals = [portal_from_dict(lease["portal"], "queue") for lease in leases]
    logs = Path(args.data) / "logs"
    settings = {
        **json.loads(args.settings),
        "GOVARCHIVE_STORE": "crawler.queue.store.from_settings",
        "GOVARCHIVE_QUEUE": {"redis": args.redis, "ns": args.ns, "state_timeout": args.state_timeout,
                             "entries": {lease["portal"]["id"]: lease["entry"] for lease in leases}},
        "LOG_FILE": str(logs / f"worker-{process_name()}-{args.mode}.log"),
    }
    try:
        row = run_crawl(portals, args.data, args.mode, settings)
    except CrawlNotStarted as exc:
        print(f"govarchive worker crawl: {exc}", file=sys.stderr)
        writer = PortalQueue(connect(args.redis), Keys(args.ns)).writer()
        return EXIT_COULD_NOT_RUN if writer else EXIT_NO_WRITER
    if row.get("status") == crawl_status("shutdown"):  # Scrapy's close reason on SIGTERM or SIGINT
        return EXIT_INTERRUPTED
    return row.get("exit_code", EXIT_COULD_NOT_RUN)


if __name__ == "__main__":
    sys.exit(main())
