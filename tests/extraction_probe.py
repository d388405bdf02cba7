"""``python -m tests.extraction_probe``: what an extraction worker of a crawl has loaded, as JSON.

Run as a main module by name, as the distributed crawl is (``python -m crawler.queue.crawl``): multiprocessing
runs such a module again in each worker as its ``__mp_main__``, so whatever it imports at the top every
worker imports too (tests/test_extract.py)."""

import asyncio
import json
import sys

import crawler.queue.crawl  # noqa: F401 - the crawl's main module, imported as it is when it runs
from pipelines.extract import ExtractPipeline


def loaded() -> dict:
    return {name: name in sys.modules for name in ("scrapy", "twisted", "pipelines.page", "trafilatura")}


if __name__ == "__main__":
    pipeline = ExtractPipeline(processes=1)
    pipeline.open_spider()
    try:
        print(json.dumps(asyncio.run(pipeline.pool.run(loaded))))
    finally:
        pipeline.close_spider()
