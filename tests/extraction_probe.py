"""``python -m tests.extraction_probe [PROCESSES]``: what the extraction workers of a crawl have loaded, and
the processes the crawl process started for them, as JSON.

Run as a main module by name, as the distributed crawl is (``python -m crawler.queue.crawl``): multiprocessing
runs such a module again in the forkserver of two or more workers as its ``__mp_main__``, so whatever it imports
at the top every worker imports too (tests/test_extract.py)."""

import asyncio
import json
import os
import sys

import crawler.queue.crawl  # noqa: F401 - the crawl's main module, imported as it is when it runs
from bench.process_tree import command_line, descendants
from pipelines.extract import ExtractPipeline


def loaded() -> dict:
    return {name: name in sys.modules for name in ("scrapy", "twisted", "pipelines.page", "trafilatura")}


if __name__ == "__main__":
    pipeline = ExtractPipeline(processes=int(sys.argv[1]) if len(sys.argv) > 1 else 1)
    pipeline.open_spider()
    try:
        from tests import extraction_probe  # ``loaded`` by its module's name: a worker does not run __main__

        found = asyncio.run(pipeline.pool.run(extraction_probe.loaded))
        print(json.dumps({"loaded": found, "processes": [command_line(pid) for pid in descendants(os.getpid())]}))
    finally:
        pipeline.close_spider()
