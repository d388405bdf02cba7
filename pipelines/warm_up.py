"""Imported by the extraction pool's forkserver before it forks the workers, or by a single spawned worker as
it starts (pipelines/extract.py ``WORKER_MODULES``): one page read as the workers read them builds what the
libraries build on first use, once, in memory the forked workers then share. Most of it is trafilatura's
stop-word list for jusText (the union of 100 languages' lists): 0.4 s of CPU in each worker otherwise."""

from pipelines.extract import read_page

try:
    read_page("<html><body><p>warm up</p></body></html>", "http://localhost/")
except Exception:  # noqa: BLE001 - the forkserver dies of any error here but ImportError; the workers warm up alone
    pass
